// DirectorySnapshot: an immutable, indexed view of the directory for
// eligibility matching and ranking.
//
//   auto snapshot = DirectorySnapshot::Build(services);
//   SearchServicesResponse r = snapshot->Search(request, london, now);
//
// Every service is checked against every criterion in the request and either
// matches (with a score and the reasons for it) or is excluded with every
// reason that applies ("maximum age 65", "closed at 22:00 on Saturday", "no
// capacity"). Candidates come from indexes by need and by postcode
// district, so a search does not touch services that cannot match. With
// explain_exclusions only the need index is used, so services for the right
// needs in other areas are listed as excluded ("does not cover SE6");
// services for unrelated needs are not listed.
//
// Ranking (higher first): locality (GP practice 30, PCN 20, postcode
// district 10, area 5), capacity (has capacity 20, assessment first 5,
// waitlist minus 1 per week of typical wait), preferred language 15, each
// requested accessibility feature 5, accepts the band 5. Ties by name, then
// id. Pure and immutable; thread-safe.
#ifndef SIGNPOST_ROUTER_DIRECTORY_DIRECTORY_SNAPSHOT_H_
#define SIGNPOST_ROUTER_DIRECTORY_DIRECTORY_SNAPSHOT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "signpost/v1/directory.pb.h"

namespace signpost::router {

class DirectorySnapshot {
 public:
  static std::shared_ptr<const DirectorySnapshot> Build(
      std::vector<signpost::v1::DirectoryServiceRecord> services);

  // `now` is used when the request has no open_at and for nothing else.
  signpost::v1::SearchServicesResponse Search(const signpost::v1::SearchServicesRequest& request,
                                              absl::TimeZone zone) const;

  const signpost::v1::DirectoryServiceRecord* Find(const std::string& id) const;
  size_t size() const { return services_.size(); }
  const std::vector<signpost::v1::DirectoryServiceRecord>& services() const { return services_; }

 private:
  // A matched service: its score, its index and why it matched.
  struct Hit {
    double score;
    int index;
    std::vector<std::string> reasons;
  };
  DirectorySnapshot() = default;
  std::vector<int> Candidates(const signpost::v1::SearchServicesRequest& request) const;
  bool ServesANeed(int index, const signpost::v1::SearchServicesRequest& request) const;
  void AddBest(std::vector<Hit> matches, int limit,
               signpost::v1::SearchServicesResponse& response) const;

  std::vector<signpost::v1::DirectoryServiceRecord> services_;  // sorted by id
  std::vector<std::vector<std::string>> districts_;             // per service, sorted
  std::map<std::string, int> by_id_;
  // Index: need -> services that serve it; plus services with no need
  // restriction. District -> services restricted to it; plus services with
  // no area restriction.
  std::map<int, std::vector<int>> by_need_;
  std::vector<int> any_need_;
  std::map<std::string, std::vector<int>> by_district_;
  std::vector<int> no_area_restriction_;
};

// All postcode districts a service is restricted to (eligibility plus
// service areas), upper case.
std::vector<std::string> ServiceDistricts(const signpost::v1::DirectoryServiceRecord& s);

// The outward code of a UK postcode ("se6 4ru" -> "SE6"), or "" if invalid.
std::string PostcodeDistrict(const std::string& postcode);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_DIRECTORY_DIRECTORY_SNAPSHOT_H_
