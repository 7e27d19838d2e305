// Facts about referral statuses that both router/ (lifecycle rules) and
// storage/ (which index entries a referral has) rely on. Pure.
//
//   if (IsOpenStatus(r.status())) ... // still on some queue or clock
#ifndef SIGNPOST_COMMON_REFERRAL_STATUS_H_
#define SIGNPOST_COMMON_REFERRAL_STATUS_H_

namespace signpost {

// Mirrors signpost.v1.ReferralStatus numbers (vocabulary.proto); common/
// does not depend on the generated messages, so the values are restated
// and a test (tests/common/referral_status_test.cc) checks they agree.
inline constexpr int kStatusClosed = 11;
inline constexpr int kStatusWithdrawn = 12;
inline constexpr int kStatusEnteredInError = 13;
inline constexpr int kStatusRouted = 4;
inline constexpr int kStatusAccepted = 7;
inline constexpr int kStatusInProgress = 8;
inline constexpr int kStatusOnHold = 9;
inline constexpr int kStatusMax = 13;

// True while the referral is active: a known status other than closed,
// withdrawn or entered-in-error.
constexpr bool IsOpenStatus(int status) {
  return status >= 1 && status <= kStatusMax && status != kStatusClosed &&
         status != kStatusWithdrawn && status != kStatusEnteredInError;
}

// True when the referral belongs on its case manager's caseload: routed to
// them, accepted, in progress or on hold.
constexpr bool IsOnCaseload(int status) {
  return status == kStatusRouted || status == kStatusAccepted || status == kStatusInProgress ||
         status == kStatusOnHold;
}

}  // namespace signpost

#endif  // SIGNPOST_COMMON_REFERRAL_STATUS_H_
