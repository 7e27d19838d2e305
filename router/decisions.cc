#include "router/decisions.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "common/referral_status.h"
#include "common/status_macros.h"
#include "proto/signpost/labels.h"
#include "proto/signpost/proto_time.h"
#include "proto/signpost/referral_facts.h"
#include "router/lifecycle.h"
#include "router/person/partner_view.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using Events = std::vector<v1::ReferralEvent>;

absl::Status RequireOpen(const v1::Referral& r) {
  if (IsOpenStatus(r.status())) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("a referral in status ", v1::ReferralStatus_Name(r.status()), " is not open"));
}

// A decision that moves `r` to `to` with one STATUS_CHANGED event.
absl::StatusOr<Decision> Move(v1::Referral r, v1::ReferralStatus to, std::string_view reason,
                              absl::Time now) {
  SP_ASSIGN_OR_RETURN(v1::ReferralEvent e, Transition(r, to, reason, now));
  return Decision{std::move(r), {std::move(e)}};
}

// The decision triage makes again, or the clinician's band in place of it.
v1::TriageDecision RetriageDecision(const v1::Referral& r, const decide::RetriageCommand& cmd) {
  const absl::Time received = FromProtoTime(r.received_at());
  v1::TriageDecision decision = cmd.engine.Evaluate({.submission = r.submission(),
                                                     .received_at = received,
                                                     .has_open_referral = cmd.has_open_referral});
  if (!cmd.override_band) return decision;
  const v1::BandDefinition& band = *cmd.engine.Band(*cmd.override_band);
  decision.set_band(band.band());
  decision.set_mhsds_priority(band.mhsds_priority());
  decision.set_fhir_priority(band.fhir_priority());
  if (band.no_face_to_face_response()) {
    decision.clear_respond_by();
    decision.clear_respond_within();
  } else {
    *decision.mutable_respond_within() = band.respond_within();
    *decision.mutable_respond_by() =
        ToProtoTime(received + absl::Seconds(band.respond_within().seconds()) +
                    absl::Nanoseconds(band.respond_within().nanos()));
  }
  return decision;
}

v1::ClockChange ClockChangeFor(const v1::Referral& r, const v1::TriageDecision& next,
                               const decide::RetriageCommand& cmd, absl::Time now) {
  v1::ClockChange change;
  *change.mutable_changed_at() = ToProtoTime(now);
  change.set_old_band(r.triage().band());
  change.set_new_band(next.band());
  if (r.triage().has_respond_by()) *change.mutable_old_respond_by() = r.triage().respond_by();
  if (next.has_respond_by()) *change.mutable_new_respond_by() = next.respond_by();
  change.set_reason(cmd.override_band ? absl::StrCat("clinician-override: ", cmd.reason)
                                      : "retriage");
  change.set_changed_by(cmd.by);
  change.set_rule_set_version(next.rule_set_version());
  return change;
}

v1::PartnerResponse* ResponseOf(v1::Referral& r, const std::string& organization_id,
                                absl::Time now) {
  auto find = [&]() -> v1::PartnerResponse* {
    for (auto& pr : *r.mutable_partner_responses()) {
      if (pr.organization_id() == organization_id) return &pr;
    }
    return nullptr;
  };
  if (v1::PartnerResponse* found = find()) return found;
  InitPartnerResponses(r, now);
  return find();
}

absl::Status CheckPartnerMove(const v1::PartnerResponse& response,
                              v1::PartnerResponse::State state) {
  if (response.state() == v1::PartnerResponse::STATE_OUTCOME_RECORDED ||
      response.state() == v1::PartnerResponse::STATE_DECLINED) {
    return absl::FailedPreconditionError("this partner's answer is already final");
  }
  if (state == v1::PartnerResponse::STATE_ACCEPTED &&
      response.state() != v1::PartnerResponse::STATE_PENDING) {
    return absl::FailedPreconditionError("the signposting is already accepted");
  }
  return absl::OkStatus();
}

std::string PartnerReason(v1::PartnerResponse::State state) {
  switch (state) {
    case v1::PartnerResponse::STATE_ACCEPTED:
      return "partner-accepted";
    case v1::PartnerResponse::STATE_DECLINED:
      return "partner-declined";
    default:
      return "partner-outcome";
  }
}

bool EveryPartnerUnableToHelp(const v1::Referral& r) {
  return absl::c_all_of(r.routing().signposts(), [&](const auto& sp) {
    return absl::c_any_of(r.partner_responses(), [&](const auto& pr) {
      return pr.organization_id() == sp.organization_id() &&
             (pr.state() == v1::PartnerResponse::STATE_DECLINED ||
              pr.state() == v1::PartnerResponse::STATE_OUTCOME_RECORDED);
    });
  });
}

// What a partner's answer does to a signposted referral: the person got
// help or no longer wants it (close); every partner unable to help (back
// to the call hub, never dropped); otherwise nothing more.
absl::Status FollowPartnerAnswer(Decision& d, v1::PartnerOutcome outcome, absl::Time now) {
  v1::Referral& r = d.referral;
  if (r.status() != v1::REFERRAL_STATUS_SIGNPOSTED) return absl::OkStatus();
  if (outcome == v1::PARTNER_OUTCOME_GOT_HELP ||
      outcome == v1::PARTNER_OUTCOME_NO_LONGER_INTERESTED) {
    SP_ASSIGN_OR_RETURN(v1::ReferralEvent closed,
                        Transition(r, v1::REFERRAL_STATUS_CLOSED, "closed:partner", now));
    r.set_close_outcome(outcome == v1::PARTNER_OUTCOME_GOT_HELP
                            ? v1::CLOSE_OUTCOME_PARTNER_GOT_HELP
                            : v1::CLOSE_OUTCOME_NO_LONGER_INTERESTED);
    d.events.push_back(std::move(closed));
    return absl::OkStatus();
  }
  if (!EveryPartnerUnableToHelp(r)) return absl::OkStatus();
  SP_ASSIGN_OR_RETURN(v1::ReferralEvent back,
                      Transition(r, v1::REFERRAL_STATUS_UNMATCHED, "partners-unable-to-help", now));
  v1::RoutingDecision* routing = r.mutable_routing();
  routing->set_owner("queue:call-hub-review");
  routing->add_reasons("every signposted partner was unable to help");
  const UnmetNeed unmet = UnmetNeedFor(r.submission(), r.triage());
  routing->set_unmet_need_category(unmet.category);
  routing->set_unmet_need_area(unmet.area);
  d.events.push_back(std::move(back));
  return absl::OkStatus();
}

}  // namespace

void InitPartnerResponses(v1::Referral& referral, absl::Time now) {
  auto signposted = [&](const std::string& org) {
    return absl::c_any_of(referral.routing().signposts(),
                          [&](const auto& s) { return s.organization_id() == org; });
  };
  // Unanswered responses for organisations no longer signposted go; any
  // answer already given stays as history.
  auto* responses = referral.mutable_partner_responses();
  responses->erase(std::remove_if(responses->begin(), responses->end(),
                                  [&](const v1::PartnerResponse& r) {
                                    return r.state() == v1::PartnerResponse::STATE_PENDING &&
                                           !signposted(r.organization_id());
                                  }),
                   responses->end());
  for (const auto& s : referral.routing().signposts()) {
    if (s.organization_id().empty()) continue;
    const bool known = absl::c_any_of(referral.partner_responses(), [&](const auto& r) {
      return r.organization_id() == s.organization_id();
    });
    if (known) continue;
    v1::PartnerResponse* r = referral.add_partner_responses();
    r->set_organization_id(s.organization_id());
    r->set_state(v1::PartnerResponse::STATE_PENDING);
    *r->mutable_updated_at() = ToProtoTime(now);
  }
}

absl::Status RouteAgain(v1::Referral& referral, absl::Time now, const RoutingContext& ctx,
                        Events& events) {
  // As at now, without any service that has declined the referral (the
  // person's own declined services stay excluded too).
  v1::ReferralSubmission submission = referral.submission();
  for (const auto& d : referral.declines()) {
    submission.mutable_preferences()->add_declined_service_ids(d.service_id());
  }
  v1::RoutingDecision routing = RouteReferral({.submission = submission,
                                               .triage = referral.triage(),
                                               .received_at = now,
                                               .zone = ctx.zone,
                                               .caseloads = ctx.caseloads},
                                              ctx.directory, ctx.roster);
  const v1::ReferralStatus target = StatusForRouting(routing);
  *referral.mutable_routing() = std::move(routing);
  if (target == referral.status()) {
    // Same status (for example still unmatched): a new routing, no move.
    events.push_back(EventAbout(referral, v1::ReferralEvent::TYPE_STATUS_CHANGED, "rerouted", now));
  } else {
    SP_ASSIGN_OR_RETURN(v1::ReferralEvent e, Transition(referral, target, "routing", now));
    events.push_back(std::move(e));
  }
  *referral.mutable_updated_at() = ToProtoTime(now);
  InitPartnerResponses(referral, now);
  return absl::OkStatus();
}

namespace decide {

absl::StatusOr<Decision> Accept(const v1::Referral& r, const AcceptCommand& cmd, absl::Time now) {
  const v1::CaseManager* cm = cmd.case_manager;
  if (cm != nullptr && cm->team_id() != r.routing().team_id()) {
    return absl::FailedPreconditionError(
        absl::StrCat("case manager ", cm->id(), " is not in team ", r.routing().team_id()));
  }
  SP_ASSIGN_OR_RETURN(Decision d, Move(r, v1::REFERRAL_STATUS_ACCEPTED, "accepted", now));
  if (cm != nullptr) {
    v1::RoutingDecision* routing = d.referral.mutable_routing();
    routing->set_case_manager_id(cm->id());
    routing->set_case_manager_reason(absl::StrCat("allocated by ", cmd.by));
    routing->set_owner(absl::StrCat("case_manager:", cm->id()));
  }
  return d;
}

absl::StatusOr<Decision> Decline(const v1::Referral& r, const DeclineCommand& cmd, absl::Time now,
                                 const RoutingContext& ctx) {
  SP_ASSIGN_OR_RETURN(Decision d, Move(r, v1::REFERRAL_STATUS_DECLINED,
                                       absl::StrCat("declined:", EnumCode(cmd.reason)), now));
  v1::Decline* decline = d.referral.add_declines();
  *decline->mutable_declined_at() = ToProtoTime(now);
  decline->set_service_id(r.routing().service_id());
  decline->set_team_id(r.routing().team_id());
  decline->set_reason(cmd.reason);
  decline->set_details(cmd.details);
  decline->set_declined_by(cmd.by);
  SP_RETURN_IF_ERROR(RouteAgain(d.referral, now, ctx, d.events));
  return d;
}

absl::StatusOr<Decision> Start(const v1::Referral& r, absl::Time now) {
  SP_ASSIGN_OR_RETURN(Decision moved, Move(r, v1::REFERRAL_STATUS_IN_PROGRESS, "started", now));
  if (r.has_first_contact_at()) return moved;
  Decision d{std::move(moved.referral), {}};
  *d.referral.mutable_first_contact_at() = ToProtoTime(now);
  v1::ReferralEvent contact =
      EventAbout(r, v1::ReferralEvent::TYPE_FIRST_CONTACT, "first-contact", now);
  d.events.push_back(std::move(contact));
  d.events.push_back(std::move(moved.events.front()));
  return d;
}

absl::StatusOr<Decision> RecordFirstContact(const v1::Referral& r, absl::Time now) {
  SP_RETURN_IF_ERROR(RequireOpen(r));
  if (r.has_first_contact_at()) {
    return absl::FailedPreconditionError("first contact is already recorded");
  }
  Decision d{r, {}};
  *d.referral.mutable_first_contact_at() = ToProtoTime(now);
  *d.referral.mutable_updated_at() = ToProtoTime(now);
  d.events.push_back(
      EventAbout(d.referral, v1::ReferralEvent::TYPE_FIRST_CONTACT, "first-contact", now));
  return d;
}

absl::StatusOr<Decision> Hold(const v1::Referral& r, const std::string& reason, absl::Time now) {
  SP_ASSIGN_OR_RETURN(Decision d,
                      Move(r, v1::REFERRAL_STATUS_ON_HOLD, absl::StrCat("on-hold:", reason), now));
  d.referral.set_hold_reason(reason);
  return d;
}

absl::StatusOr<Decision> Close(const v1::Referral& r, v1::CloseOutcome outcome, absl::Time now) {
  SP_ASSIGN_OR_RETURN(Decision d, Move(r, v1::REFERRAL_STATUS_CLOSED,
                                       absl::StrCat("closed:", EnumCode(outcome)), now));
  d.referral.set_close_outcome(outcome);
  return d;
}

absl::StatusOr<Decision> Signpost(const v1::Referral& r, const SignpostCommand& cmd,
                                  absl::Time now) {
  if (cmd.services.empty()) return absl::InvalidArgumentError("no services to signpost to");
  SP_ASSIGN_OR_RETURN(Decision d, Move(r, v1::REFERRAL_STATUS_SIGNPOSTED, "signposted", now));
  v1::RoutingDecision* routing = d.referral.mutable_routing();
  routing->set_outcome(v1::ROUTING_OUTCOME_SIGNPOSTED);
  routing->clear_service_id();
  routing->clear_service_name();
  routing->clear_team_id();
  routing->clear_case_manager_id();
  routing->clear_signposts();
  for (const v1::DirectoryServiceRecord* s : cmd.services) {
    v1::Signposting* sp = routing->add_signposts();
    sp->set_service_id(s->id());
    sp->set_service_name(s->name());
    sp->set_reason(absl::StrCat("signposted by ", cmd.by));
    sp->set_organization_id(s->organization().id());
  }
  routing->set_owner(absl::StrCat("vcs:", cmd.services.front()->id()));
  *routing->mutable_decided_at() = ToProtoTime(now);
  InitPartnerResponses(d.referral, now);
  return d;
}

absl::StatusOr<Decision> Reroute(const v1::Referral& r, absl::Time now, const RoutingContext& ctx) {
  if (!CanRouteAgain(r.status())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a referral in status ", v1::ReferralStatus_Name(r.status()), " cannot be routed again"));
  }
  Decision d{r, {}};
  SP_RETURN_IF_ERROR(RouteAgain(d.referral, now, ctx, d.events));
  return d;
}

absl::StatusOr<Decision> MarkEnteredInError(const v1::Referral& r, const std::string& reason,
                                            absl::Time now) {
  SP_ASSIGN_OR_RETURN(Decision d,
                      Move(r, v1::REFERRAL_STATUS_ENTERED_IN_ERROR, "entered-in-error", now));
  d.referral.set_entered_in_error_reason(reason);
  return d;
}

absl::StatusOr<Decision> Withdraw(const v1::Referral& r, const std::string& reason,
                                  absl::Time now) {
  SP_ASSIGN_OR_RETURN(Decision d,
                      Move(r, v1::REFERRAL_STATUS_WITHDRAWN, "withdrawn-by-referrer", now));
  d.referral.set_withdrawal_reason(reason);
  return d;
}

absl::StatusOr<Decision> Retriage(const v1::Referral& r, const RetriageCommand& cmd,
                                  absl::Time now) {
  SP_RETURN_IF_ERROR(RequireOpen(r));
  if (cmd.override_band && cmd.engine.Band(*cmd.override_band) == nullptr) {
    return absl::FailedPreconditionError("the band is not defined by the live rule set");
  }
  v1::TriageDecision next = RetriageDecision(r, cmd);
  Decision d{r, {}};
  v1::ReferralEvent e = EventAbout(r, v1::ReferralEvent::TYPE_RETRIAGED,
                                   cmd.override_band ? "clinician-override" : "retriage", now);
  e.set_previous_band(r.triage().band());
  e.clear_previous_respond_by();
  if (r.triage().has_respond_by()) *e.mutable_previous_respond_by() = r.triage().respond_by();
  *d.referral.add_clock_changes() = ClockChangeFor(r, next, cmd, now);
  *d.referral.mutable_triage() = std::move(next);
  e.set_band(d.referral.triage().band());
  e.clear_respond_by();
  if (d.referral.triage().has_respond_by())
    *e.mutable_respond_by() = d.referral.triage().respond_by();
  *d.referral.mutable_updated_at() = ToProtoTime(now);
  d.events.push_back(std::move(e));
  // A clinician's band completes the review.
  if (cmd.override_band && d.referral.status() == v1::REFERRAL_STATUS_NEEDS_REVIEW) {
    SP_ASSIGN_OR_RETURN(
        v1::ReferralEvent reviewed,
        Transition(d.referral, v1::REFERRAL_STATUS_TRIAGED, "clinician-reviewed", now));
    d.events.push_back(std::move(reviewed));
  }
  return d;
}

absl::StatusOr<Decision> PartnerAnswer(const v1::Referral& r, const PartnerCommand& cmd,
                                       absl::Time now) {
  // A partner only ever learns that a referral exists if it may see it,
  // and not once the person has withdrawn consent.
  if (cmd.consent_withdrawn || !PartnerMaySee(r, cmd.organization_id)) {
    return absl::NotFoundError(
        absl::StrCat("no referral ", r.referral_id(), " is signposted to ", cmd.organization_id));
  }
  SP_RETURN_IF_ERROR(RequireOpen(r));
  Decision d{r, {}};
  v1::PartnerResponse* response = ResponseOf(d.referral, cmd.organization_id, now);
  SP_RETURN_IF_ERROR(CheckPartnerMove(*response, cmd.state));
  response->set_state(cmd.state);
  response->set_outcome(cmd.outcome);
  response->set_recorded_by(cmd.recorded_by);
  *response->mutable_updated_at() = ToProtoTime(now);
  *d.referral.mutable_updated_at() = ToProtoTime(now);
  v1::ReferralEvent e = EventAbout(d.referral, v1::ReferralEvent::TYPE_PARTNER_UPDATED,
                                   PartnerReason(cmd.state), now);
  e.set_partner_organization_id(cmd.organization_id);
  e.set_partner_outcome(cmd.outcome);
  d.events.push_back(std::move(e));
  SP_RETURN_IF_ERROR(FollowPartnerAnswer(d, cmd.outcome, now));
  return d;
}

std::string EscalationTarget(const v1::Referral& r, const v1::BandDefinition* band) {
  if (band != nullptr && !band->escalate_to().empty()) return band->escalate_to();
  const v1::RoutingDecision& routing = r.routing();
  if (!routing.case_manager_id().empty()) {
    return absl::StrCat("case-manager:", routing.case_manager_id());
  }
  if (!routing.team_id().empty()) return absl::StrCat("team:", routing.team_id());
  if (!routing.owner().empty()) return routing.owner();
  return absl::StrCat("queue:", kClinicianReviewQueue);
}

std::optional<Decision> Breach(const v1::Referral& r, absl::Time now,
                               const v1::BandDefinition* band) {
  if (!ClockRunning(r) || DeadlineBreached(r) || FromProtoTime(r.triage().respond_by()) > now) {
    return std::nullopt;
  }
  Decision d{r, {}};
  *d.referral.mutable_breached_respond_by() = r.triage().respond_by();
  v1::Escalation* escalation = d.referral.add_escalations();
  *escalation->mutable_at() = ToProtoTime(now);
  *escalation->mutable_deadline() = r.triage().respond_by();
  escalation->set_band(r.triage().band());
  escalation->set_escalated_to(EscalationTarget(r, band));
  v1::ReferralEvent e =
      EventAbout(d.referral, v1::ReferralEvent::TYPE_BREACHED, "response-time-breached", now);
  e.set_escalated_to(escalation->escalated_to());
  d.events.push_back(std::move(e));
  return d;
}

}  // namespace decide
}  // namespace signpost::router
