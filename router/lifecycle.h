// The referral lifecycle as a transition table (docs/DOMAIN.md §7).
//
//   received -> triaged -> routed -> accepted -> in progress -> closed
//
// with branches for needs-review, unmatched, signposted, declined (then
// re-routed), on hold, withdrawn by the referrer, and entered in error.
// CLOSED, WITHDRAWN and ENTERED_IN_ERROR are terminal, except that a closed
// or withdrawn referral can still be marked entered-in-error.
//
//   if (!CanTransition(r.status(), REFERRAL_STATUS_WITHDRAWN)) -> refuse
//
// Pure functions; thread-safe.
#ifndef SIGNPOST_ROUTER_LIFECYCLE_H_
#define SIGNPOST_ROUTER_LIFECYCLE_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "signpost/v1/referral.pb.h"

namespace signpost::router {

// True while the referral is active: not closed, withdrawn or in error.
bool IsOpen(signpost::v1::ReferralStatus status);

// True when moving from `from` to `to` is a legal lifecycle step.
bool CanTransition(signpost::v1::ReferralStatus from, signpost::v1::ReferralStatus to);

// True when routing again is legal from `status`: whatever the routing
// decides (ROUTED, SIGNPOSTED or UNMATCHED) is either no move or a legal
// move in the table. Derived from the table, so the table stays the only
// allow-list.
bool CanRouteAgain(signpost::v1::ReferralStatus status);

// OK if legal, else FAILED_PRECONDITION naming both statuses.
[[nodiscard]] absl::Status CheckTransition(signpost::v1::ReferralStatus from,
                                           signpost::v1::ReferralStatus to);

// Moves `referral` to `to` if legal: sets status and updated_at and returns
// the STATUS_CHANGED event (coded `reason`, band and respond_by from the
// referral's triage; no personal data). FAILED_PRECONDITION, with the
// referral untouched, if the step is illegal.
[[nodiscard]] absl::StatusOr<signpost::v1::ReferralEvent> Transition(
    signpost::v1::Referral& referral, signpost::v1::ReferralStatus to, std::string_view reason,
    absl::Time now);

// An event of `type` about `referral` at `now` with no status change
// (previous_status == status), for breaches, first contact and the like.
signpost::v1::ReferralEvent EventAbout(const signpost::v1::Referral& referral,
                                       signpost::v1::ReferralEvent::Type type,
                                       std::string_view reason, absl::Time now);

// Every status except UNSPECIFIED, in enum order (for exhaustive tests).
std::vector<signpost::v1::ReferralStatus> AllStatuses();

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_LIFECYCLE_H_
