// PersonLinker: how intake finds what is known about a person and builds
// the PersonLink that joins a new referral to them (services/ glue between
// router/person and storage/).
//
//   SP_ASSIGN_OR_RETURN(PersonContext known, linker.Context(submission.person()));
//   ... triage with known.has_open_referral, route with known.open_case_manager_id
//   store.CreateReferral(..., linker.LinkFor(submission, known));
//
// With an NHS number the referral joins that person (created if new).
// Without one, a new person is created and stored people whose normalised
// demographics score at least router::kPossibleDuplicateThreshold are
// recorded as possible duplicates for a human; never merged here.
// Thread-safe.
#ifndef SIGNPOST_SERVICES_PERSON_LINKER_H_
#define SIGNPOST_SERVICES_PERSON_LINKER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/ids.h"
#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral.pb.h"
#include "storage/referral_store.h"

namespace signpost::services {

struct PersonContext {
  // The known person (the surviving record if merged), if any.
  std::optional<signpost::v1::PersonRecord> person;
  // The person has another referral still open.
  bool has_open_referral = false;
  // Case manager of the person's most recent open referral, for continuity.
  std::string open_case_manager_id;
  // Possible duplicates for a new person (no NHS number match).
  std::vector<signpost::v1::DuplicateCandidate> candidates;
};

class PersonLinker {
 public:
  // `store` and `ids` must outlive the linker.
  PersonLinker(storage::ReferralStore& store, IdGenerator& ids);

  // Most referrals examined for open-referral facts.
  static constexpr size_t kMaxReferralsExamined = 200;
  // Most stored people examined per demographic key.
  static constexpr size_t kMaxDemographicMatches = 100;

  // `exclude_referral_id`: a referral not to count as "another open
  // referral" (the one being re-triaged).
  [[nodiscard]] absl::StatusOr<PersonContext> Context(
      const signpost::v1::Person& person, std::string_view exclude_referral_id = {}) const;

  // The link for CreateReferral (captures `submission` by reference: it
  // must outlive the CreateReferral call).
  storage::PersonLink LinkFor(const signpost::v1::ReferralSubmission& submission,
                              const PersonContext& known);

  // True when the person's latest holistic assessment records that they
  // do not (or no longer) consent to sharing with partners. A referral's
  // own consent is not enough once the person has said no.
  [[nodiscard]] absl::StatusOr<bool> PartnerConsentWithdrawn(
      const signpost::v1::Referral& referral) const;

  // The surviving record for a person id or NHS number (following merges).
  // `named_person_id`, when given, receives the id of the record the input
  // named before any merge was followed.
  [[nodiscard]] absl::StatusOr<signpost::v1::PersonRecord> Resolve(
      const std::string& person_id_or_nhs, std::string* named_person_id = nullptr) const;

 private:
  storage::ReferralStore& store_;
  IdGenerator& ids_;
};

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_PERSON_LINKER_H_
