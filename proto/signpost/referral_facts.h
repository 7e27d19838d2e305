// Facts derived from a stored referral alone, shared by storage/ (which
// index entries a referral has) and router/ (lifecycle decisions), so the
// two can never disagree.
//
//   if (ClockRunning(r) && !DeadlineBreached(r)) ...   // the clock may breach
//   std::string cm = CaseloadOwner(r);                  // counts towards cm's caseload
#ifndef SIGNPOST_PROTO_REFERRAL_FACTS_H_
#define SIGNPOST_PROTO_REFERRAL_FACTS_H_

#include <string>

#include "common/referral_status.h"
#include "signpost/v1/referral.pb.h"

namespace signpost {

// True while the urgency clock runs: open, with a response-by time and no
// first contact yet.
inline bool ClockRunning(const v1::Referral& r) {
  return IsOpenStatus(r.status()) && r.triage().has_respond_by() && !r.has_first_contact_at();
}

// True when the current deadline has been reported breached.
inline bool DeadlineBreached(const v1::Referral& r) {
  return r.has_breached_respond_by() && r.triage().has_respond_by() &&
         r.breached_respond_by().seconds() == r.triage().respond_by().seconds() &&
         r.breached_respond_by().nanos() == r.triage().respond_by().nanos();
}

// The queue (ListTeamQueue team id) where every referral awaiting a
// clinician's review waits, ordered by response-by time.
inline constexpr char kClinicianReviewQueue[] = "clinician-review";
// The crisis duty queue for band A and B referrals with no team yet.
inline constexpr char kCrisisDutyQueue[] = "crisis-duty";

// The crisis fast path: a band A or B referral not yet accepted by a team
// is in its recommended (crisis) team's queue at once - also while it
// awaits clinician review - or, with no team, in the crisis duty queue.
// Empty when the referral is not on the fast path.
inline std::string CrisisQueue(const v1::Referral& r) {
  const v1::UrgencyBand band = r.triage().band();
  if (band != v1::URGENCY_BAND_A && band != v1::URGENCY_BAND_B) return "";
  switch (r.status()) {
    case v1::REFERRAL_STATUS_RECEIVED:
    case v1::REFERRAL_STATUS_TRIAGED:
    case v1::REFERRAL_STATUS_NEEDS_REVIEW:
    case v1::REFERRAL_STATUS_ROUTED:
    case v1::REFERRAL_STATUS_UNMATCHED:
      return r.routing().team_id().empty() ? kCrisisDutyQueue : r.routing().team_id();
    default:
      return "";
  }
}

// The case manager whose caseload the referral counts towards (routed to
// them, accepted, in progress or on hold), or empty.
inline std::string CaseloadOwner(const v1::Referral& r) {
  return IsOnCaseload(r.status()) ? r.routing().case_manager_id() : std::string();
}

}  // namespace signpost

#endif  // SIGNPOST_PROTO_REFERRAL_FACTS_H_
