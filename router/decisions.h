// Lifecycle decisions (docs/CASES.md): pure functions of the referral as
// read, the command, the time and what the decision needs to know. Each
// returns the referral as it should be stored and its events, or refuses
// with FAILED_PRECONDITION (an illegal move, router/lifecycle.h) or
// NOT_FOUND (a partner that may not see the referral), changing nothing.
// Handlers validate the request, resolve the referral and the context,
// decide here and write the result with one Store::Apply.
//
//   absl::StatusOr<Decision> d = decide::Accept(current, {.by = "cm-1"}, now);
//   absl::StatusOr<Decision> d = decide::Decline(current, cmd, now, routing_context);
//
// Events carry coded reasons only (no personal data): free text stays on
// the record. Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_DECISIONS_H_
#define SIGNPOST_ROUTER_DECISIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "router/directory/directory_snapshot.h"
#include "router/directory/routing.h"
#include "router/triage/triage_engine.h"
#include "signpost/v1/referral.pb.h"

namespace signpost::router {

// A decided change to one referral.
struct Decision {
  signpost::v1::Referral referral;
  std::vector<signpost::v1::ReferralEvent> events;
};

// What routing again needs.
struct RoutingContext {
  const DirectorySnapshot& directory;
  const TeamRoster& roster;
  const CaseloadCounts* caseloads = nullptr;
  absl::TimeZone zone = absl::UTCTimeZone();
};

namespace decide {

struct AcceptCommand {
  std::string by;
  // Allocate to this case manager (must be in the routed team); optional.
  const signpost::v1::CaseManager* case_manager = nullptr;
};
struct DeclineCommand {
  std::string by;
  signpost::v1::DeclineReason reason = signpost::v1::DECLINE_REASON_UNSPECIFIED;
  std::string details;
};
struct SignpostCommand {
  std::string by;
  // Active voluntary-sector services (checked by the caller).
  std::vector<const signpost::v1::DirectoryServiceRecord*> services;
};
struct RetriageCommand {
  std::string by;
  const TriageEngine& engine;
  // A clinician's band (defined by `engine`); nullopt re-evaluates.
  std::optional<signpost::v1::UrgencyBand> override_band;
  std::string reason;
  bool has_open_referral = false;
};
struct PartnerCommand {
  std::string organization_id;
  std::string recorded_by;
  signpost::v1::PartnerResponse::State state = signpost::v1::PartnerResponse::STATE_UNSPECIFIED;
  signpost::v1::PartnerOutcome outcome = signpost::v1::PARTNER_OUTCOME_UNSPECIFIED;
  // The person's latest assessment withdraws consent to share.
  bool consent_withdrawn = false;
};

// ROUTED -> ACCEPTED, optionally allocating a case manager of the team.
absl::StatusOr<Decision> Accept(const signpost::v1::Referral& r, const AcceptCommand& cmd,
                                absl::Time now);
// ROUTED -> DECLINED (coded), then routed again without every service
// that has declined it.
absl::StatusOr<Decision> Decline(const signpost::v1::Referral& r, const DeclineCommand& cmd,
                                 absl::Time now, const RoutingContext& ctx);
// ACCEPTED or ON_HOLD -> IN_PROGRESS; records first contact if unset.
absl::StatusOr<Decision> Start(const signpost::v1::Referral& r, absl::Time now);
// Stops the clock without a status change (open referrals, once).
absl::StatusOr<Decision> RecordFirstContact(const signpost::v1::Referral& r, absl::Time now);
// -> ON_HOLD with a coded reason.
absl::StatusOr<Decision> Hold(const signpost::v1::Referral& r, const std::string& reason,
                              absl::Time now);
// -> CLOSED with an outcome.
absl::StatusOr<Decision> Close(const signpost::v1::Referral& r, signpost::v1::CloseOutcome outcome,
                               absl::Time now);
// -> SIGNPOSTED to the given voluntary services.
absl::StatusOr<Decision> Signpost(const signpost::v1::Referral& r, const SignpostCommand& cmd,
                                  absl::Time now);
// Routes again, from statuses where routing is still to be settled
// (TRIAGED, NEEDS_REVIEW, UNMATCHED, DECLINED, SIGNPOSTED).
absl::StatusOr<Decision> Reroute(const signpost::v1::Referral& r, absl::Time now,
                                 const RoutingContext& ctx);
// -> ENTERED_IN_ERROR; the free-text reason stays on the record.
absl::StatusOr<Decision> MarkEnteredInError(const signpost::v1::Referral& r,
                                            const std::string& reason, absl::Time now);
// The referrer withdraws an open referral (BaRS "revoked").
absl::StatusOr<Decision> Withdraw(const signpost::v1::Referral& r, const std::string& reason,
                                  absl::Time now);
// New band and clock, old and new recorded; a clinician's band completes
// a pending review. Open referrals only.
absl::StatusOr<Decision> Retriage(const signpost::v1::Referral& r, const RetriageCommand& cmd,
                                  absl::Time now);
// A partner accepts, declines or records an outcome. Got help / no longer
// interested closes; every partner unable to help returns the referral to
// the call-hub queue (UNMATCHED, with its unmet need).
absl::StatusOr<Decision> PartnerAnswer(const signpost::v1::Referral& r, const PartnerCommand& cmd,
                                       absl::Time now);
// The response-by time has passed without first contact: BREACHED, once
// per deadline, escalated to EscalationTarget (recorded on the referral and
// the event). nullopt when nothing is due at `now`.
std::optional<Decision> Breach(const signpost::v1::Referral& r, absl::Time now,
                               const signpost::v1::BandDefinition* band);

// Who a breach goes to: the band's named duty role, else the referral's
// case manager, team or owner, else the clinician-review queue.
std::string EscalationTarget(const signpost::v1::Referral& r,
                             const signpost::v1::BandDefinition* band);

}  // namespace decide

// Brings partner_responses in line with the routing's signposts: each
// signposted organisation without an answer becomes PENDING, unanswered
// ones no longer signposted are dropped, answers already given are kept.
void InitPartnerResponses(signpost::v1::Referral& referral, absl::Time now);

// Routes `referral` again as at `now` (declined services excluded) and
// moves it to the routing's status, appending the events.
absl::Status RouteAgain(signpost::v1::Referral& referral, absl::Time now, const RoutingContext& ctx,
                        std::vector<signpost::v1::ReferralEvent>& events);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_DECISIONS_H_
