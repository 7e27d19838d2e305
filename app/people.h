// Reads about people that several handlers need: resolving a person id or
// NHS number (following merges), what intake already knows about the
// person a referral describes, and the person's latest consent.
//
//   SP_ASSIGN_OR_RETURN(PersonRecord p, ResolvePerson(store, "943 476 5919"));
//   SP_ASSIGN_OR_RETURN(router::KnownPerson k, KnownPersonFor(store, submission.person()));
//
// Thread-safe (reads only).
#ifndef SIGNPOST_APP_PEOPLE_H_
#define SIGNPOST_APP_PEOPLE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "router/intake.h"
#include "signpost/v1/person.pb.h"
#include "storage/store.h"

namespace signpost::app {

// Most referrals examined for open-referral facts.
inline constexpr size_t kMaxReferralsExamined = 200;
// Most stored people examined per demographic key.
inline constexpr size_t kMaxDemographicMatches = 100;

// The surviving record for a person id or a 10-digit NHS number (spaces
// allowed). `named_person_id`, when given, receives the id of the record
// the input named before any merge was followed. NOT_FOUND if unknown.
[[nodiscard]] absl::StatusOr<signpost::v1::PersonRecord> ResolvePerson(
    const storage::Store& store, const std::string& person_id_or_nhs,
    std::string* named_person_id = nullptr);

// The record's own id and the ids merged into it.
std::vector<std::string> RecordIds(const signpost::v1::PersonRecord& person);

// What is known about the person `person` describes: by NHS number, the
// surviving record, its latest assessment and open referrals (not
// counting `exclude_referral_id`); without a match, stored people with the
// same date of birth.
[[nodiscard]] absl::StatusOr<router::KnownPerson> KnownPersonFor(
    const storage::Store& store, const signpost::v1::Person& person,
    std::string_view exclude_referral_id = {});

// True when the person's latest holistic assessment records that they do
// not (or no longer) consent to sharing with partners: a referral's own
// consent is not enough once the person has said no.
[[nodiscard]] absl::StatusOr<bool> PartnerConsentWithdrawn(const storage::Store& store,
                                                           const signpost::v1::Referral& referral);

}  // namespace signpost::app

#endif  // SIGNPOST_APP_PEOPLE_H_
