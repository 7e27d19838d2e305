#include "services/lifecycle_handler.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/referral_status.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/routing.h"
#include "router/lifecycle.h"
#include "router/person/partner_view.h"
#include "services/case_inputs.h"
#include "services/errors.h"
#include "storage/referral_indexes.h"

namespace signpost::services {
namespace {

namespace v1 = ::signpost::v1;
using router::FieldViolation;
using Events = std::vector<v1::ReferralEvent>;

constexpr int kMaxSignposts = 10;
constexpr size_t kMaxDetails = 1000;
constexpr size_t kMaxReason = 500;
constexpr int kBreachScanPage = 500;
constexpr absl::Duration kMaxOverdueHorizon = absl::Hours(24 * 30);

// Lower-case enum name without its prefix: DECLINE_REASON_NO_CAPACITY ->
// "no-capacity".
std::string Code(const std::string& name, std::string_view prefix) {
  std::string s = absl::AsciiStrToLower(name.substr(prefix.size()));
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}

bool IsHoldReason(const std::string& s) {
  return !s.empty() && s.size() <= 64 && absl::c_all_of(s, [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
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

LifecycleHandler::LifecycleHandler(const CaseDeps& deps)
    : deps_(deps), people_(deps.store, deps.ids) {}

absl::StatusOr<v1::Referral> LifecycleHandler::Apply(const std::string& id_or_reference,
                                                     const v1::StaffRef& by,
                                                     std::vector<FieldViolation> violations,
                                                     const storage::Mutation& mutate) {
  absl::StatusOr<std::string> id = ResolveReferralId(deps_.store, id_or_reference);
  if (absl::IsInvalidArgument(id.status())) {
    violations.insert(violations.begin(), {"referral_id", std::string(id.status().message())});
  }
  CheckStaff(by, "by", violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_RETURN_IF_ERROR(id.status());
  return deps_.store.UpdateReferral(*id, mutate);
}

absl::Status LifecycleHandler::RouteAgain(v1::Referral& referral, absl::Time now,
                                          Events& events) const {
  // Route as at now, without any service that has declined the referral
  // (the person's own declined services stay excluded too).
  v1::ReferralSubmission submission = referral.submission();
  for (const auto& d : referral.declines()) {
    submission.mutable_preferences()->add_declined_service_ids(d.service_id());
  }
  std::shared_ptr<const DirectoryView> view =
      deps_.directory != nullptr ? deps_.directory->Current() : nullptr;
  static const std::shared_ptr<const router::DirectorySnapshot> empty =
      router::DirectorySnapshot::Build({});
  v1::RoutingDecision routing =
      router::RouteReferral({.submission = submission,
                             .triage = referral.triage(),
                             .received_at = now,
                             .zone = deps_.zone,
                             .existing_case_manager_id = ""},
                            view != nullptr ? *view->snapshot : *empty,
                            view != nullptr ? view->roster : router::TeamRoster());
  const v1::ReferralStatus target = router::StatusForRouting(routing);
  *referral.mutable_routing() = std::move(routing);
  if (target == referral.status()) {
    // Same status (for example still unmatched): a new routing, no move.
    events.push_back(
        router::EventAbout(referral, v1::ReferralEvent::TYPE_STATUS_CHANGED, "rerouted", now));
  } else {
    SP_ASSIGN_OR_RETURN(v1::ReferralEvent e, router::Transition(referral, target, "routing", now));
    events.push_back(std::move(e));
  }
  *referral.mutable_updated_at() = ToProtoTime(now);
  InitPartnerResponses(referral, now);
  return absl::OkStatus();
}

absl::StatusOr<v1::Referral> LifecycleHandler::Accept(const v1::AcceptReferralRequest& request) {
  std::vector<FieldViolation> violations;
  const router::TeamRoster roster =
      deps_.directory != nullptr ? deps_.directory->Current()->roster : router::TeamRoster();
  const v1::CaseManager* cm = nullptr;
  if (!request.case_manager_id().empty()) {
    cm = router::FindCaseManager(roster, request.case_manager_id());
    if (cm == nullptr || !cm->active()) {
      violations.push_back({"case_manager_id", "is not an active case manager"});
    }
  }
  const absl::Time now = deps_.clock.Now();
  return Apply(
      request.referral_id(), request.by(), violations,
      [&](v1::Referral& r) -> absl::StatusOr<Events> {
        if (cm != nullptr && cm->team_id() != r.routing().team_id()) {
          return absl::FailedPreconditionError(
              absl::StrCat("case manager ", cm->id(), " is not in team ", r.routing().team_id()));
        }
        SP_ASSIGN_OR_RETURN(v1::ReferralEvent e,
                            router::Transition(r, v1::REFERRAL_STATUS_ACCEPTED, "accepted", now));
        if (cm != nullptr) {
          r.mutable_routing()->set_case_manager_id(cm->id());
          r.mutable_routing()->set_case_manager_reason(
              absl::StrCat("allocated by ", request.by().id()));
          r.mutable_routing()->set_owner(absl::StrCat("case_manager:", cm->id()));
        }
        return Events{std::move(e)};
      });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Decline(const v1::DeclineReferralRequest& request) {
  std::vector<FieldViolation> violations;
  if (!v1::DeclineReason_IsValid(request.reason()) ||
      request.reason() == v1::DECLINE_REASON_UNSPECIFIED) {
    violations.push_back({"reason", "must be a decline reason"});
  }
  CheckText(request.details(), "details", kMaxDetails, false, true, violations);
  const absl::Time now = deps_.clock.Now();
  return Apply(request.referral_id(), request.by(), violations,
               [&](v1::Referral& r) -> absl::StatusOr<Events> {
                 const std::string code =
                     Code(v1::DeclineReason_Name(request.reason()), "DECLINE_REASON_");
                 v1::Decline decline;
                 *decline.mutable_declined_at() = ToProtoTime(now);
                 decline.set_service_id(r.routing().service_id());
                 decline.set_team_id(r.routing().team_id());
                 decline.set_reason(request.reason());
                 decline.set_details(request.details());
                 decline.set_declined_by(request.by().id());
                 SP_ASSIGN_OR_RETURN(v1::ReferralEvent declined,
                                     router::Transition(r, v1::REFERRAL_STATUS_DECLINED,
                                                        absl::StrCat("declined:", code), now));
                 *r.add_declines() = std::move(decline);
                 Events events = {std::move(declined)};
                 SP_RETURN_IF_ERROR(RouteAgain(r, now, events));
                 return events;
               });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Start(const v1::StartReferralRequest& request) {
  const absl::Time now = deps_.clock.Now();
  return Apply(
      request.referral_id(), request.by(), {}, [&](v1::Referral& r) -> absl::StatusOr<Events> {
        Events events;
        SP_ASSIGN_OR_RETURN(v1::ReferralEvent started,
                            router::Transition(r, v1::REFERRAL_STATUS_IN_PROGRESS, "started", now));
        if (!r.has_first_contact_at()) {
          *r.mutable_first_contact_at() = ToProtoTime(now);
          events.push_back(
              router::EventAbout(r, v1::ReferralEvent::TYPE_FIRST_CONTACT, "first-contact", now));
          events.back().set_previous_status(started.previous_status());
          events.back().set_status(started.previous_status());
        }
        events.push_back(std::move(started));
        return events;
      });
}

absl::StatusOr<v1::Referral> LifecycleHandler::RecordFirstContact(
    const v1::RecordFirstContactRequest& request) {
  const absl::Time now = deps_.clock.Now();
  return Apply(
      request.referral_id(), request.by(), {}, [&](v1::Referral& r) -> absl::StatusOr<Events> {
        if (!IsOpenStatus(r.status())) {
          return absl::FailedPreconditionError(absl::StrCat(
              "a referral in status ", v1::ReferralStatus_Name(r.status()), " is not open"));
        }
        if (r.has_first_contact_at()) {
          return absl::FailedPreconditionError("first contact is already recorded");
        }
        *r.mutable_first_contact_at() = ToProtoTime(now);
        *r.mutable_updated_at() = ToProtoTime(now);
        return Events{
            router::EventAbout(r, v1::ReferralEvent::TYPE_FIRST_CONTACT, "first-contact", now)};
      });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Hold(const v1::HoldReferralRequest& request) {
  std::vector<FieldViolation> violations;
  if (!IsHoldReason(request.reason())) {
    violations.push_back({"reason", "must be a coded reason: 1-64 of a-z 0-9 -"});
  }
  const absl::Time now = deps_.clock.Now();
  return Apply(request.referral_id(), request.by(), violations,
               [&](v1::Referral& r) -> absl::StatusOr<Events> {
                 SP_ASSIGN_OR_RETURN(
                     v1::ReferralEvent e,
                     router::Transition(r, v1::REFERRAL_STATUS_ON_HOLD,
                                        absl::StrCat("on-hold:", request.reason()), now));
                 r.set_hold_reason(request.reason());
                 return Events{std::move(e)};
               });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Close(const v1::CloseReferralRequest& request) {
  std::vector<FieldViolation> violations;
  if (!v1::CloseOutcome_IsValid(request.outcome()) ||
      request.outcome() == v1::CLOSE_OUTCOME_UNSPECIFIED) {
    violations.push_back({"outcome", "must be a close outcome"});
  }
  const absl::Time now = deps_.clock.Now();
  return Apply(
      request.referral_id(), request.by(), violations,
      [&](v1::Referral& r) -> absl::StatusOr<Events> {
        const std::string code = Code(v1::CloseOutcome_Name(request.outcome()), "CLOSE_OUTCOME_");
        SP_ASSIGN_OR_RETURN(
            v1::ReferralEvent e,
            router::Transition(r, v1::REFERRAL_STATUS_CLOSED, absl::StrCat("closed:", code), now));
        r.set_close_outcome(request.outcome());
        return Events{std::move(e)};
      });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Signpost(
    const v1::SignpostReferralRequest& request) {
  std::vector<FieldViolation> violations;
  std::vector<v1::Signposting> signposts;
  if (request.service_ids().empty() || request.service_ids_size() > kMaxSignposts) {
    violations.push_back({"service_ids", absl::StrCat("must list 1-", kMaxSignposts, " services")});
  }
  std::shared_ptr<const DirectoryView> view =
      deps_.directory != nullptr ? deps_.directory->Current() : nullptr;
  for (int i = 0; i < request.service_ids_size(); ++i) {
    const v1::DirectoryServiceRecord* s =
        view != nullptr ? view->snapshot->Find(request.service_ids(i)) : nullptr;
    if (s == nullptr || s->status() != v1::SERVICE_STATUS_ACTIVE ||
        s->sector() != v1::SERVICE_SECTOR_VOLUNTARY) {
      violations.push_back({absl::StrCat("service_ids[", i, "]"),
                            "is not an active voluntary-sector service in the directory"});
      continue;
    }
    v1::Signposting& sp = signposts.emplace_back();
    sp.set_service_id(s->id());
    sp.set_service_name(s->name());
    sp.set_reason(absl::StrCat("signposted by ", request.by().id()));
    sp.set_organization_id(s->organization().id());
  }
  const absl::Time now = deps_.clock.Now();
  return Apply(request.referral_id(), request.by(), violations,
               [&](v1::Referral& r) -> absl::StatusOr<Events> {
                 SP_ASSIGN_OR_RETURN(
                     v1::ReferralEvent e,
                     router::Transition(r, v1::REFERRAL_STATUS_SIGNPOSTED, "signposted", now));
                 v1::RoutingDecision* routing = r.mutable_routing();
                 routing->set_outcome(v1::ROUTING_OUTCOME_SIGNPOSTED);
                 routing->clear_service_id();
                 routing->clear_service_name();
                 routing->clear_team_id();
                 routing->clear_case_manager_id();
                 routing->clear_signposts();
                 for (const auto& sp : signposts) *routing->add_signposts() = sp;
                 routing->set_owner(absl::StrCat("vcs:", signposts.front().service_id()));
                 *routing->mutable_decided_at() = ToProtoTime(now);
                 InitPartnerResponses(r, now);
                 return Events{std::move(e)};
               });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Reroute(const v1::RerouteReferralRequest& request) {
  const absl::Time now = deps_.clock.Now();
  return Apply(
      request.referral_id(), request.by(), {}, [&](v1::Referral& r) -> absl::StatusOr<Events> {
        // Only from statuses where routing is still to be settled.
        switch (r.status()) {
          case v1::REFERRAL_STATUS_TRIAGED:
          case v1::REFERRAL_STATUS_NEEDS_REVIEW:
          case v1::REFERRAL_STATUS_UNMATCHED:
          case v1::REFERRAL_STATUS_DECLINED:
          case v1::REFERRAL_STATUS_SIGNPOSTED:
            break;
          default:
            return absl::FailedPreconditionError(absl::StrCat("a referral in status ",
                                                              v1::ReferralStatus_Name(r.status()),
                                                              " cannot be routed again"));
        }
        Events events;
        SP_RETURN_IF_ERROR(RouteAgain(r, now, events));
        return events;
      });
}

absl::StatusOr<v1::Referral> LifecycleHandler::MarkEnteredInError(
    const v1::MarkEnteredInErrorRequest& request) {
  std::vector<FieldViolation> violations;
  CheckText(request.reason(), "reason", kMaxReason, true, false, violations);
  const absl::Time now = deps_.clock.Now();
  return Apply(request.referral_id(), request.by(), violations,
               [&](v1::Referral& r) -> absl::StatusOr<Events> {
                 SP_ASSIGN_OR_RETURN(v1::ReferralEvent e,
                                     router::Transition(r, v1::REFERRAL_STATUS_ENTERED_IN_ERROR,
                                                        "entered-in-error", now));
                 r.set_entered_in_error_reason(request.reason());
                 return Events{std::move(e)};
               });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Retriage(
    const v1::RetriageReferralRequest& request) {
  std::vector<FieldViolation> violations;
  const bool override_band = request.override_band() != v1::URGENCY_BAND_UNSPECIFIED;
  if (!v1::UrgencyBand_IsValid(request.override_band())) {
    violations.push_back({"override_band", "is not an urgency band"});
  }
  CheckText(request.reason(), "reason", kMaxReason, override_band, false, violations);
  const std::shared_ptr<const router::TriageEngine> engine = deps_.rules.Current();
  if (override_band && v1::UrgencyBand_IsValid(request.override_band()) &&
      engine->Band(request.override_band()) == nullptr) {
    violations.push_back({"override_band", "is not defined by the live rule set"});
  }
  const absl::Time now = deps_.clock.Now();
  return Apply(
      request.referral_id(), request.by(), violations,
      [&](v1::Referral& r) -> absl::StatusOr<Events> {
        if (!IsOpenStatus(r.status())) {
          return absl::FailedPreconditionError(absl::StrCat(
              "a referral in status ", v1::ReferralStatus_Name(r.status()), " is not open"));
        }
        SP_ASSIGN_OR_RETURN(PersonContext known,
                            people_.Context(r.submission().person(), r.referral_id()));
        const absl::Time received = FromProtoTime(r.received_at());
        v1::TriageDecision decision =
            engine->Evaluate({.submission = r.submission(),
                              .received_at = received,
                              .has_open_referral = known.has_open_referral});
        if (override_band) {
          const v1::BandDefinition& band = *engine->Band(request.override_band());
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
        }
        v1::ClockChange change;
        *change.mutable_changed_at() = ToProtoTime(now);
        change.set_old_band(r.triage().band());
        change.set_new_band(decision.band());
        if (r.triage().has_respond_by()) *change.mutable_old_respond_by() = r.triage().respond_by();
        if (decision.has_respond_by()) *change.mutable_new_respond_by() = decision.respond_by();
        change.set_reason(override_band ? absl::StrCat("clinician-override: ", request.reason())
                                        : "retriage");
        change.set_changed_by(request.by().id());
        change.set_rule_set_version(decision.rule_set_version());

        v1::ReferralEvent e =
            router::EventAbout(r, v1::ReferralEvent::TYPE_RETRIAGED,
                               override_band ? "clinician-override" : "retriage", now);
        e.set_previous_band(r.triage().band());
        e.clear_previous_respond_by();
        if (r.triage().has_respond_by()) *e.mutable_previous_respond_by() = r.triage().respond_by();
        *r.mutable_triage() = std::move(decision);
        *r.add_clock_changes() = std::move(change);
        e.set_band(r.triage().band());
        e.clear_respond_by();
        if (r.triage().has_respond_by()) *e.mutable_respond_by() = r.triage().respond_by();
        *r.mutable_updated_at() = ToProtoTime(now);
        Events events = {std::move(e)};
        // A clinician's band completes the review.
        if (override_band && r.status() == v1::REFERRAL_STATUS_NEEDS_REVIEW) {
          SP_ASSIGN_OR_RETURN(
              v1::ReferralEvent reviewed,
              router::Transition(r, v1::REFERRAL_STATUS_TRIAGED, "clinician-reviewed", now));
          events.push_back(std::move(reviewed));
        }
        return events;
      });
}

absl::StatusOr<v1::PartnerReferralView> LifecycleHandler::PartnerUpdate(
    const std::string& referral_id, const std::string& organization_id,
    const std::string& recorded_by, v1::PartnerResponse::State state, v1::PartnerOutcome outcome) {
  std::vector<FieldViolation> violations;
  absl::StatusOr<std::string> id = ResolveReferralId(deps_.store, referral_id);
  if (absl::IsInvalidArgument(id.status())) {
    violations.push_back({"referral_id", std::string(id.status().message())});
  }
  CheckText(organization_id, "organization_id", 128, true, false, violations);
  CheckText(recorded_by, "recorded_by", 200, true, false, violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_RETURN_IF_ERROR(id.status());
  const absl::Time now = deps_.clock.Now();
  SP_ASSIGN_OR_RETURN(
      v1::Referral updated,
      deps_.store.UpdateReferral(*id, [&](v1::Referral& r) -> absl::StatusOr<Events> {
        // A partner only ever learns that a referral exists if it may see
        // it, and not once the person has withdrawn consent.
        SP_ASSIGN_OR_RETURN(const bool withdrawn, people_.PartnerConsentWithdrawn(r));
        if (withdrawn || !router::PartnerMaySee(r, organization_id)) {
          return absl::NotFoundError(
              absl::StrCat("no referral ", referral_id, " is signposted to ", organization_id));
        }
        if (!IsOpenStatus(r.status())) {
          return absl::FailedPreconditionError("the referral is no longer open");
        }
        v1::PartnerResponse* response = nullptr;
        for (auto& pr : *r.mutable_partner_responses()) {
          if (pr.organization_id() == organization_id) response = &pr;
        }
        if (response == nullptr) {
          InitPartnerResponses(r, now);
          for (auto& pr : *r.mutable_partner_responses()) {
            if (pr.organization_id() == organization_id) response = &pr;
          }
        }
        if (response->state() == v1::PartnerResponse::STATE_OUTCOME_RECORDED ||
            response->state() == v1::PartnerResponse::STATE_DECLINED) {
          return absl::FailedPreconditionError("this partner's answer is already final");
        }
        if (state == v1::PartnerResponse::STATE_ACCEPTED &&
            response->state() != v1::PartnerResponse::STATE_PENDING) {
          return absl::FailedPreconditionError("the signposting is already accepted");
        }
        response->set_state(state);
        response->set_outcome(outcome);
        response->set_recorded_by(recorded_by);
        *response->mutable_updated_at() = ToProtoTime(now);
        *r.mutable_updated_at() = ToProtoTime(now);

        v1::ReferralEvent e =
            router::EventAbout(r, v1::ReferralEvent::TYPE_PARTNER_UPDATED,
                               state == v1::PartnerResponse::STATE_ACCEPTED   ? "partner-accepted"
                               : state == v1::PartnerResponse::STATE_DECLINED ? "partner-declined"
                                                                              : "partner-outcome",
                               now);
        e.set_partner_organization_id(organization_id);
        e.set_partner_outcome(outcome);
        Events events = {std::move(e)};
        if (r.status() != v1::REFERRAL_STATUS_SIGNPOSTED) return events;
        // The person got help, or no longer wants it: close. Every partner
        // unable to help: back to the call hub, never dropped.
        if (outcome == v1::PARTNER_OUTCOME_GOT_HELP ||
            outcome == v1::PARTNER_OUTCOME_NO_LONGER_INTERESTED) {
          const v1::CloseOutcome close = outcome == v1::PARTNER_OUTCOME_GOT_HELP
                                             ? v1::CLOSE_OUTCOME_PARTNER_GOT_HELP
                                             : v1::CLOSE_OUTCOME_NO_LONGER_INTERESTED;
          SP_ASSIGN_OR_RETURN(
              v1::ReferralEvent closed,
              router::Transition(r, v1::REFERRAL_STATUS_CLOSED, "closed:partner", now));
          r.set_close_outcome(close);
          events.push_back(std::move(closed));
          return events;
        }
        // Every currently signposted partner has answered and none helped.
        const bool all_unable = absl::c_all_of(r.routing().signposts(), [&](const auto& sp) {
          return absl::c_any_of(r.partner_responses(), [&](const auto& pr) {
            return pr.organization_id() == sp.organization_id() &&
                   (pr.state() == v1::PartnerResponse::STATE_DECLINED ||
                    pr.state() == v1::PartnerResponse::STATE_OUTCOME_RECORDED);
          });
        });
        if (all_unable) {
          SP_ASSIGN_OR_RETURN(
              v1::ReferralEvent back,
              router::Transition(r, v1::REFERRAL_STATUS_UNMATCHED, "partners-unable-to-help", now));
          r.mutable_routing()->set_owner("queue:call-hub-review");
          r.mutable_routing()->add_reasons("every signposted partner was unable to help");
          events.push_back(std::move(back));
        }
        return events;
      }));
  // Built from the stored referral, even if it has just left the
  // partner's list (closed, or back to the call hub).
  std::optional<v1::PartnerReferralView> view = router::ProjectForPartner(updated, organization_id);
  if (!view) return absl::InternalError("partner view vanished after update");
  return *view;
}

absl::StatusOr<v1::PartnerReferralView> LifecycleHandler::RespondToSignposting(
    const v1::RespondToSignpostingRequest& request) {
  return PartnerUpdate(
      request.referral_id(), request.organization_id(), request.recorded_by(),
      request.accept() ? v1::PartnerResponse::STATE_ACCEPTED : v1::PartnerResponse::STATE_DECLINED,
      v1::PARTNER_OUTCOME_UNSPECIFIED);
}

absl::StatusOr<v1::PartnerReferralView> LifecycleHandler::RecordPartnerOutcome(
    const v1::RecordPartnerOutcomeRequest& request) {
  if (!v1::PartnerOutcome_IsValid(request.outcome()) ||
      request.outcome() == v1::PARTNER_OUTCOME_UNSPECIFIED) {
    return InvalidArgumentFromViolations({{"outcome", "must be a partner outcome"}});
  }
  return PartnerUpdate(request.referral_id(), request.organization_id(), request.recorded_by(),
                       v1::PartnerResponse::STATE_OUTCOME_RECORDED, request.outcome());
}

absl::StatusOr<int> LifecycleHandler::FireDueBreaches() {
  const absl::Time now = deps_.clock.Now();
  int fired = 0;
  storage::IndexQuery query{.index = storage::CaseIndex::kClockRunning,
                            .limit = kBreachScanPage,
                            .due_before = now + absl::Microseconds(1)};
  while (true) {
    SP_ASSIGN_OR_RETURN(storage::IndexedPage page, deps_.store.ListIndexed(query));
    for (const v1::Referral& candidate : page.referrals) {
      absl::StatusOr<v1::Referral> r = deps_.store.UpdateReferral(
          candidate.referral_id(), [&](v1::Referral& x) -> absl::StatusOr<Events> {
            // Re-checked under the referral's lock: exactly once per deadline.
            if (!storage::ClockRunning(x) || storage::DeadlineBreached(x) ||
                FromProtoTime(x.triage().respond_by()) > now) {
              return absl::CancelledError("not due");
            }
            *x.mutable_breached_respond_by() = x.triage().respond_by();
            return Events{router::EventAbout(x, v1::ReferralEvent::TYPE_BREACHED,
                                             "response-time-breached", now)};
          });
      if (r.ok()) {
        ++fired;
      } else if (!absl::IsCancelled(r.status())) {
        return r.status();
      }
    }
    if (page.resume_after.empty()) break;
    query.resume_after = page.resume_after;
  }
  return fired;
}

absl::StatusOr<v1::ListOverdueResponse> LifecycleHandler::ListOverdue(
    const v1::ListOverdueRequest& request) const {
  std::vector<FieldViolation> violations;
  const absl::Duration within = absl::Seconds(request.within().seconds());
  if (within < absl::ZeroDuration() || within > kMaxOverdueHorizon) {
    violations.push_back({"within", "must be between 0 and 30 days"});
  }
  if (request.page_size() < 0 || request.page_size() > 1000) {
    violations.push_back({"page_size", "must be between 0 and 1000"});
  }
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  const int limit = request.page_size() == 0 ? 200 : request.page_size();
  const absl::Time now = deps_.clock.Now();

  std::vector<v1::Referral> due;
  SP_ASSIGN_OR_RETURN(
      storage::IndexedPage breached,
      deps_.store.ListIndexed({.index = storage::CaseIndex::kClockBreached, .limit = limit}));
  for (auto& r : breached.referrals) due.push_back(std::move(r));
  if (static_cast<int>(due.size()) < limit) {
    SP_ASSIGN_OR_RETURN(
        storage::IndexedPage running,
        deps_.store.ListIndexed({.index = storage::CaseIndex::kClockRunning,
                                 .limit = limit - static_cast<int>(due.size()),
                                 .due_before = now + within + absl::Microseconds(1)}));
    for (auto& r : running.referrals) due.push_back(std::move(r));
  }
  std::stable_sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
    return storage::DueMicros(a) < storage::DueMicros(b);
  });
  v1::ListOverdueResponse out;
  for (const v1::Referral& r : due) {
    v1::OverdueReferral* o = out.add_referrals();
    o->set_referral_id(r.referral_id());
    o->set_reference(r.reference());
    o->set_band(r.triage().band());
    *o->mutable_respond_by() = r.triage().respond_by();
    const absl::Duration left = FromProtoTime(r.triage().respond_by()) - now;
    o->mutable_time_to_breach()->set_seconds(absl::ToInt64Seconds(left));
    o->set_breached(storage::DeadlineBreached(r));
    o->set_status(r.status());
    o->set_owner(r.routing().owner());
  }
  return out;
}

}  // namespace signpost::services
