// The holistic assessment (docs/DOMAIN.md §6): what a new
// referral adds, what a merge fills in and an unmerge takes back, and the
// limits an assessor's update must keep. Pure; thread-safe.
//
//   HolisticAssessment next = AddReferral(latest, referral);  // never loses
//
// Adding a referral never removes or weakens what is known:
// - coded needs are unioned (first-seen order);
// - the story.s first 500 bytes (whole UTF-8 characters) join the presenting history with the
//   referral.s id, reference, channel and time (the full story stays on the
//   referral);
// - each risk dimension keeps the higher recorded level (a lower level from
//   a later referral is for an assessor to judge, not for intake);
//   safeguarding YES is never replaced; risk details are appended;
// - communication needs and family details fill gaps and set flags, never
//   clear them;
// - consent takes the latest explicit answer (a person may withdraw it);
// - service preferences are unioned, the contact preference fills a gap.
#ifndef SIGNPOST_ROUTER_PERSON_ASSESSMENT_H_
#define SIGNPOST_ROUTER_PERSON_ASSESSMENT_H_

#include <vector>

#include "router/validation.h"
#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral.pb.h"

namespace signpost::router {

// Most history entries kept; the oldest are dropped first (each names its
// referral, which keeps the full story).
inline constexpr int kMaxHistoryEntries = 200;
inline constexpr size_t kHistorySummaryChars = 500;

// `latest` plus what `referral` (as stored) says.
signpost::v1::HolisticAssessment AddReferral(const signpost::v1::HolisticAssessment& latest,
                                             const signpost::v1::Referral& referral);

// The result of filling one assessment's unknown sections from another.
struct FilledAssessment {
  signpost::v1::HolisticAssessment assessment;
  // HolisticAssessment field numbers of the sections filled.
  std::vector<int> filled_sections;
};

// Every section of `surviving` that is still unknown (equal to its
// default) takes `merged`'s section; sections known on both are kept from
// `surviving` (an assessor reconciles them).
FilledAssessment FillUnknownSections(const signpost::v1::HolisticAssessment& surviving,
                                     const signpost::v1::HolisticAssessment& merged);

// For an unmerge: clears each section in `filled` whose value in
// `current` still equals its value in `at_merge` (nobody changed it since
// the merge). Sections changed since are kept.
signpost::v1::HolisticAssessment ClearFilledSections(
    const signpost::v1::HolisticAssessment& current,
    const signpost::v1::HolisticAssessment& at_merge, const std::vector<int>& filled);

// Limits for an assessor's update; violations are named under `prefix`
// (for example "assessment.risk.details").
std::vector<FieldViolation> ValidateAssessment(const signpost::v1::HolisticAssessment& a,
                                               std::string_view prefix);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_PERSON_ASSESSMENT_H_
