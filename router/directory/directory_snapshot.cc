#include "router/directory/directory_snapshot.h"

#include <algorithm>
#include <iterator>
#include <numeric>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/signpost/labels.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/opening_hours.h"
#include "router/validation.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

bool Active(const v1::DirectoryServiceRecord& s) { return s.status() == v1::SERVICE_STATUS_ACTIVE; }

std::string ChannelWords(v1::SourceChannel c) {
  switch (c) {
    case v1::SOURCE_CHANNEL_GP:
      return "GP referrals";
    case v1::SOURCE_CHANNEL_SOCIAL_CARE:
      return "social care referrals";
    case v1::SOURCE_CHANNEL_VOLUNTARY_SECTOR:
      return "voluntary sector referrals";
    case v1::SOURCE_CHANNEL_SELF:
      return "self-referrals";
    case v1::SOURCE_CHANNEL_CALL_HUB:
      return "call-hub referrals";
    default:
      return "referrals from this route";
  }
}

std::string Age(double years) { return absl::StrFormat("%g", years); }

template <typename List, typename T>
bool Has(const List& list, const T& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool HasAccessibility(const v1::DirectoryServiceRecord& s, const std::string& feature) {
  const std::string f = Lower(feature);
  for (const auto& a : s.accessibility()) {
    if (Lower(a) == f) return true;
  }
  for (const auto& loc : s.locations()) {
    for (const auto& a : loc.accessibility()) {
      if (Lower(a) == f) return true;
    }
  }
  return false;
}

bool OffersLanguage(const v1::DirectoryServiceRecord& s, const std::string& language) {
  const std::string l = Lower(language);
  for (const auto& offered : s.languages()) {
    if (Lower(offered) == l) return true;
  }
  return false;
}

}  // namespace

std::string PostcodeDistrict(const std::string& postcode) {
  const std::string canonical = CanonicalPostcode(postcode);
  if (canonical.empty()) {
    // Accept a bare outward code too ("SE6").
    std::string upper = absl::AsciiStrToUpper(postcode);
    upper.erase(std::remove(upper.begin(), upper.end(), ' '), upper.end());
    if (upper.size() >= 2 && upper.size() <= 4 && absl::ascii_isalpha(upper[0]) &&
        std::any_of(upper.begin(), upper.end(), [](char c) { return absl::ascii_isdigit(c); })) {
      return upper;
    }
    return "";
  }
  return canonical.substr(0, canonical.find(' '));
}

std::vector<std::string> ServiceDistricts(const v1::DirectoryServiceRecord& s) {
  std::set<std::string> out;
  for (const auto& d : s.eligibility().postcode_districts()) out.insert(absl::AsciiStrToUpper(d));
  for (const auto& area : s.service_areas()) {
    for (const auto& d : area.postcode_districts()) out.insert(absl::AsciiStrToUpper(d));
  }
  return {out.begin(), out.end()};
}

std::shared_ptr<const DirectorySnapshot> DirectorySnapshot::Build(
    std::vector<v1::DirectoryServiceRecord> services) {
  std::shared_ptr<DirectorySnapshot> snap(new DirectorySnapshot());
  std::sort(services.begin(), services.end(),
            [](const auto& a, const auto& b) { return a.id() < b.id(); });
  snap->services_ = std::move(services);
  for (int i = 0; i < static_cast<int>(snap->services_.size()); ++i) {
    const auto& s = snap->services_[i];
    snap->by_id_[s.id()] = i;
    if (s.eligibility().needs().empty()) {
      snap->any_need_.push_back(i);
    } else {
      for (int n : s.eligibility().needs()) snap->by_need_[n].push_back(i);
    }
    snap->districts_.push_back(ServiceDistricts(s));  // computed once, not per search
    const auto& districts = snap->districts_.back();
    if (districts.empty()) {
      snap->no_area_restriction_.push_back(i);
    } else {
      for (const auto& d : districts) snap->by_district_[d].push_back(i);
    }
  }
  return snap;
}

const v1::DirectoryServiceRecord* DirectorySnapshot::Find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &services_[it->second];
}

bool DirectorySnapshot::ServesANeed(int i, const v1::SearchServicesRequest& r) const {
  const auto& needs = services_[i].eligibility().needs();
  if (needs.empty() || r.needs().empty()) return true;
  return std::any_of(r.needs().begin(), r.needs().end(), [&](int n) { return Has(needs, n); });
}

std::vector<int> DirectorySnapshot::Candidates(const v1::SearchServicesRequest& r) const {
  std::vector<int> out;
  // By district (small): services restricted to it plus unrestricted ones,
  // filtered by need. With exclusions explained (and not local-only),
  // services for the right needs in other areas are kept so the answer can
  // say "does not cover SE6".
  const std::string district = PostcodeDistrict(r.postcode());
  if (!district.empty() && r.area().empty() &&
      (!r.explain_exclusions() || r.explain_local_only())) {
    auto it = by_district_.find(district);
    const std::vector<int> none;
    for (const std::vector<int>* list :
         {it != by_district_.end() ? &it->second : &none, &no_area_restriction_}) {
      std::copy_if(list->begin(), list->end(), std::back_inserter(out),
                   [&](int i) { return ServesANeed(i, r); });
    }
  } else if (!r.needs().empty()) {
    out = any_need_;
    for (int n : r.needs()) {
      auto it = by_need_.find(n);
      if (it != by_need_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
  } else {
    out.resize(services_.size());
    std::iota(out.begin(), out.end(), 0);
    return out;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// The request's normalised parts, computed once per search.
struct Query {
  const v1::SearchServicesRequest& r;
  std::string district;
  std::string area;
  std::string gp;
  std::string pcn;
  absl::TimeZone zone;
};

// One service's verdict: excluded with every reason, or matched with a
// score and the reasons for it.
struct Verdict {
  double score = 100;
  std::vector<std::string> why;
  std::vector<std::string> why_not;
  void Plus(double points, std::string reason) {
    score += points;
    why.push_back(std::move(reason));
  }
};

std::string NeedWords(int n) { return EnumSuffix(static_cast<v1::PresentingNeed>(n)); }

void CheckAge(const v1::Eligibility& e, const Query& q, Verdict& v) {
  if (!q.r.has_age_years()) return;
  if (e.has_min_age_years() && q.r.age_years() < e.min_age_years()) {
    v.why_not.push_back(absl::StrCat("minimum age ", Age(e.min_age_years())));
  }
  if (e.has_max_age_years() && q.r.age_years() > e.max_age_years()) {
    v.why_not.push_back(absl::StrCat("maximum age ", Age(e.max_age_years())));
  }
}

// A service that restricts needs or pathways must serve at least one of
// those asked; one with no restriction serves anyone.
void CheckNeeds(const v1::Eligibility& e, const Query& q, Verdict& v) {
  for (int n : q.r.needs()) {
    if (Has(e.excluded_needs(), n)) v.why_not.push_back(absl::StrCat("excludes ", NeedWords(n)));
  }
  const bool restricts = !e.needs().empty() || !e.pathways().empty();
  if (!restricts || (q.r.needs().empty() && q.r.pathways().empty())) return;
  for (const auto& p : q.r.pathways()) {
    if (Has(e.pathways(), p)) return v.Plus(25, absl::StrCat("serves the ", p, " pathway"));
  }
  for (int n : q.r.needs()) {
    if (Has(e.needs(), n)) return v.Plus(15, absl::StrCat("serves ", NeedWords(n)));
  }
  v.why_not.push_back("does not serve the needs or pathways asked for");
}

// Area: postcode district or area name, when the service restricts it.
void CheckArea(const v1::Eligibility& e, const std::vector<std::string>& districts, const Query& q,
               Verdict& v) {
  const bool restricted = !districts.empty() || !e.areas().empty();
  if (!restricted || (q.district.empty() && q.area.empty())) return;
  if (!q.district.empty() && std::binary_search(districts.begin(), districts.end(), q.district)) {
    return v.Plus(10, absl::StrCat("covers ", q.district));
  }
  for (const auto& a : e.areas()) {
    if (!q.area.empty() && Lower(a) == q.area)
      return v.Plus(5, absl::StrCat("covers ", q.r.area()));
  }
  v.why_not.push_back(
      absl::StrCat("does not cover ", q.district.empty() ? q.r.area() : q.district));
}

// GP practice and PCN catchments.
void CheckCatchment(const v1::Eligibility& e, const Query& q, Verdict& v) {
  if (e.gp_practices().empty() && e.pcns().empty()) return;
  if (!q.gp.empty() && Has(e.gp_practices(), q.gp)) {
    return v.Plus(30, absl::StrCat("serves GP practice ", q.gp));
  }
  if (!q.pcn.empty() && Has(e.pcns(), q.pcn)) return v.Plus(20, absl::StrCat("serves PCN ", q.pcn));
  v.why_not.push_back(q.gp.empty() && q.pcn.empty()
                          ? "only for patients of listed GP practices"
                          : absl::StrCat("not for patients of ", q.gp.empty() ? q.pcn : q.gp));
}

void CheckBandAndRoute(const v1::Eligibility& e, const Query& q, Verdict& v) {
  if (q.r.band() != v1::URGENCY_BAND_UNSPECIFIED && !e.bands_accepted().empty()) {
    const std::string band = BandLetter(q.r.band());
    if (Has(e.bands_accepted(), q.r.band())) {
      v.Plus(5, absl::StrCat("accepts band ", band));
    } else {
      v.why_not.push_back(absl::StrCat("does not accept band ", band));
    }
  }
  if (q.r.channel() != v1::SOURCE_CHANNEL_UNSPECIFIED && !e.referral_routes().empty() &&
      !Has(e.referral_routes(), q.r.channel())) {
    v.why_not.push_back(absl::StrCat("does not accept ", ChannelWords(q.r.channel())));
  }
}

void CheckOpenAndAccess(const v1::DirectoryServiceRecord& s, const Query& q, Verdict& v) {
  if (q.r.has_open_at()) {
    const OpenCheck open = CheckOpenAt(s.schedule(), FromProtoTime(q.r.open_at()), q.zone);
    if (open.open) {
      v.why.push_back(s.schedule().open_24_7() ? "open 24/7" : "open at the time asked");
    } else {
      v.why_not.push_back(open.reason);
    }
  }
  for (const auto& feature : q.r.accessibility()) {
    if (HasAccessibility(s, feature)) {
      v.Plus(5, absl::StrCat("offers ", Lower(feature)));
    } else {
      v.why_not.push_back(absl::StrCat("no ", Lower(feature)));
    }
  }
  if (!q.r.language().empty() && OffersLanguage(s, q.r.language())) {
    v.Plus(15, absl::StrCat("offers ", q.r.language()));
  }
}

void CheckCapacity(const v1::Capacity& c, Verdict& v) {
  switch (c.status()) {
    case v1::CAPACITY_STATUS_NO_CAPACITY:
      v.why_not.push_back("no capacity");
      break;
    case v1::CAPACITY_STATUS_HAS_CAPACITY:
      v.Plus(20, "has capacity");
      break;
    case v1::CAPACITY_STATUS_WAITLIST: {
      const int64_t weeks = c.typical_wait().seconds() / (int64_t{7} * 86400);
      v.Plus(-static_cast<double>(weeks),
             absl::StrCat("waiting list, typically ", weeks, " weeks"));
      break;
    }
    case v1::CAPACITY_STATUS_ASSESSMENT_FIRST:
      v.Plus(5, "assesses first");
      break;
    default:
      v.why.push_back("capacity not recorded");
      break;
  }
}

// Every criterion of the request against one service.
Verdict Judge(const v1::DirectoryServiceRecord& s, const std::vector<std::string>& districts,
              const Query& q) {
  Verdict v;
  if (!Active(s)) v.why_not.push_back(absl::StrCat("service is ", Lower(EnumSuffix(s.status()))));
  if (q.r.sector() != v1::SERVICE_SECTOR_UNSPECIFIED && s.sector() != q.r.sector()) {
    v.why_not.push_back(s.sector() == v1::SERVICE_SECTOR_VOLUNTARY ? "voluntary sector service"
                                                                   : "statutory service");
  }
  const v1::Eligibility& e = s.eligibility();
  CheckAge(e, q, v);
  CheckNeeds(e, q, v);
  CheckArea(e, districts, q, v);
  CheckCatchment(e, q, v);
  CheckBandAndRoute(e, q, v);
  CheckOpenAndAccess(s, q, v);
  CheckCapacity(s.capacity(), v);
  return v;
}

}  // namespace

v1::SearchServicesResponse DirectorySnapshot::Search(const v1::SearchServicesRequest& r,
                                                     absl::TimeZone zone) const {
  const Query q{.r = r,
                .district = PostcodeDistrict(r.postcode()),
                .area = Lower(r.area()),
                .gp = absl::AsciiStrToUpper(r.gp_practice()),
                .pcn = absl::AsciiStrToUpper(r.pcn()),
                .zone = zone};
  v1::SearchServicesResponse response;
  std::vector<Hit> matches;
  for (int index : Candidates(r)) {
    const v1::DirectoryServiceRecord& s = services_[index];
    if (!Active(s) && !r.explain_exclusions() && !r.include_inactive()) continue;
    Verdict v = Judge(s, districts_[index], q);
    if (v.why_not.empty()) {
      matches.push_back({v.score, index, std::move(v.why)});
    } else if (r.explain_exclusions()) {
      v1::ExcludedService* x = response.add_excluded();
      x->set_service_id(s.id());
      x->set_name(s.name());
      for (auto& reason : v.why_not) x->add_reasons(std::move(reason));
    }
  }
  AddBest(std::move(matches), r.limit() <= 0 ? 20 : std::min(r.limit(), 100), response);
  return response;
}

// Ranks without copying records; copies only the results returned.
void DirectorySnapshot::AddBest(std::vector<Hit> matches, int limit,
                                v1::SearchServicesResponse& response) const {
  auto better = [this](const Hit& a, const Hit& b) {
    if (a.score != b.score) return a.score > b.score;
    const auto& sa = services_[a.index];
    const auto& sb = services_[b.index];
    if (sa.name() != sb.name()) return sa.name() < sb.name();
    return sa.id() < sb.id();
  };
  const size_t keep = std::min(matches.size(), static_cast<size_t>(limit));
  std::partial_sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(keep),
                    matches.end(), better);
  for (size_t i = 0; i < keep; ++i) {
    v1::ServiceMatch* m = response.add_matches();
    *m->mutable_service() = services_[matches[i].index];
    m->set_score(matches[i].score);
    for (auto& reason : matches[i].reasons) m->add_reasons(std::move(reason));
  }
}

}  // namespace signpost::router
