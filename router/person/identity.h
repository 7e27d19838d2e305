// Person identity without an NHS number: normalised demographics, the
// blocking key stored people are indexed by, and the possible-duplicate
// score (docs/DOMAIN.md §6).
//
//   std::string key = DemographicKey(person.date_of_birth());   // "19870412"
//   std::optional<DuplicateScore> s = ScorePossibleDuplicate(incoming, stored);
//   if (s && s->score >= kPossibleDuplicateThreshold) ... list for a human
//
// A score only ever suggests: Signpost never merges automatically. Two
// records with different NHS numbers are never candidates.
// Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_PERSON_IDENTITY_H_
#define SIGNPOST_ROUTER_PERSON_IDENTITY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral.pb.h"

namespace signpost::router {

// Candidates at or above this score are listed for a call-hub user.
inline constexpr int kPossibleDuplicateThreshold = 70;

// Lower-case ASCII letters only: accents folded for common Latin-1
// letters, and spaces, hyphens and apostrophes dropped ("O'Brien-Smith"
// -> "obriensmith", "Zoë" -> "zoe").
std::string NormaliseName(std::string_view name);

// The blocking key: date of birth as YYYYMMDD. Empty if the date is unset.
std::string DemographicKey(const signpost::v1::CalendarDate& date_of_birth);

struct DuplicateScore {
  int score = 0;  // 0-100
  std::vector<std::string> reasons;
};

// Scores how likely `stored` is the person described by `incoming`:
// date of birth must agree (40); family name equal (25) or one a prefix of
// the other, for example a double-barrelled name (12); given name equal
// (20) or same initial (6); postcode equal (15) or same district (6).
// nullopt when they cannot be the same person (different NHS numbers or
// dates of birth, or `stored` is not active).
std::optional<DuplicateScore> ScorePossibleDuplicate(const signpost::v1::Person& incoming,
                                                     const signpost::v1::PersonRecord& stored);

// A new person record from a referral's person details (no id, no state).
signpost::v1::PersonRecord PersonFromSubmission(const signpost::v1::Person& person);

// Fills the gaps in `record` from a later referral: a field the record
// does not have yet (preferred name, gender, postcode, GP practice, each
// contact detail) is taken from the referral. Stored demographics are
// never overwritten by a referrer: a person confirms changes (the
// holistic record, or a merge). Identity fields are untouched.
void FillMissingDemographics(const signpost::v1::Person& person,
                             signpost::v1::PersonRecord& record);

// Why a referral giving `stored`'s NHS number may not be about that
// person: the date of birth differs (when both are known), or both the
// family and the given name differ. Empty when the details are
// consistent; a lone name change (marriage, a preferred name) or a move
// is not a mismatch. The reasons name fields, never values.
std::vector<std::string> IdentityMismatch(const signpost::v1::Person& incoming,
                                          const signpost::v1::PersonRecord& stored);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_PERSON_IDENTITY_H_
