#include "app/lifecycle_handler.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "app/people.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "proto/signpost/referral_facts.h"
#include "router/person/partner_view.h"
#include "storage/referral_indexes.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;
using router::Decision;
using router::decide::PartnerCommand;

constexpr int kMaxSignposts = 10;
constexpr size_t kMaxDetailsChars = 1000;
constexpr size_t kMaxReasonChars = 500;
constexpr int kBreachScanPage = 500;
constexpr int kMaxOverduePage = 1000;
constexpr absl::Duration kMaxOverdueHorizon = absl::Hours(24 * 30);

bool IsHoldReason(const std::string& s) {
  return !s.empty() && s.size() <= 64 && absl::c_all_of(s, [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

// The live directory for re-routing (an empty one when there is none),
// held for as long as the decision uses it.
class RoutingScope {
 public:
  RoutingScope(const AppDeps& deps, const router::CaseloadCounts& counts)
      : view_(deps.directory != nullptr ? deps.directory->Current() : Empty()),
        ctx_{*view_->snapshot, view_->roster, &counts, deps.zone} {}
  const router::RoutingContext& ctx() const { return ctx_; }

 private:
  static std::shared_ptr<const DirectoryView> Empty() {
    static const auto* const kEmpty = new std::shared_ptr<const DirectoryView>(
        std::make_shared<DirectoryView>(DirectoryView{router::DirectorySnapshot::Build({}), {}}));
    return *kEmpty;
  }
  std::shared_ptr<const DirectoryView> view_;
  router::RoutingContext ctx_;
};

v1::OverdueReferral Overdue(const v1::Referral& r, absl::Time now) {
  v1::OverdueReferral o;
  o.set_referral_id(r.referral_id());
  o.set_reference(r.reference());
  o.set_band(r.triage().band());
  *o.mutable_respond_by() = r.triage().respond_by();
  o.mutable_time_to_breach()->set_seconds(
      absl::ToInt64Seconds(FromProtoTime(r.triage().respond_by()) - now));
  o.set_breached(DeadlineBreached(r));
  o.set_status(r.status());
  o.set_owner(r.routing().owner());
  return o;
}

}  // namespace

absl::StatusOr<v1::Referral> LifecycleHandler::Command(std::string_view what,
                                                       const std::string& id_or_reference,
                                                       const v1::StaffRef& by,
                                                       const router::Violations& v, Decide decide,
                                                       UpdateOptions options) {
  router::Violations all;
  all.ReferralIdOrReference("referral_id", id_or_reference);
  all.Staff("by", by);
  for (const FieldViolation& f : v.list()) all.Add(f.field, f.description);
  if (!all.empty()) return all.ToStatus(what);
  SP_ASSIGN_OR_RETURN(const std::string id, ResolveReferralId(deps_.store, id_or_reference));
  return UpdateReferral(deps_, id, decide, options);
}

absl::StatusOr<v1::Referral> LifecycleHandler::Accept(const v1::AcceptReferralRequest& request) {
  router::Violations v;
  const std::shared_ptr<const DirectoryView> view =
      deps_.directory != nullptr ? deps_.directory->Current() : nullptr;
  const v1::CaseManager* cm = nullptr;
  if (!request.case_manager_id().empty()) {
    cm = view != nullptr ? router::FindCaseManager(view->roster, request.case_manager_id())
                         : nullptr;
    if (cm == nullptr || !cm->active()) v.Add("case_manager_id", "is not an active case manager");
  }
  const absl::Time now = deps_.clock.Now();
  return Command("accept request", request.referral_id(), request.by(), v,
                 [&](const v1::Referral& r, const auto&) {
                   return router::decide::Accept(r, {.by = request.by().id(), .case_manager = cm},
                                                 now);
                 },
                 {.explicit_allocation = true});
}

absl::StatusOr<v1::Referral> LifecycleHandler::Decline(const v1::DeclineReferralRequest& request) {
  router::Violations v;
  v.Enum("reason", request.reason(), true, v1::DeclineReason_descriptor());
  v.Text("details", request.details(), {.max_chars = kMaxDetailsChars, .multiline = true});
  const absl::Time now = deps_.clock.Now();
  return Command(
      "decline request", request.referral_id(), request.by(), v,
      [&](const v1::Referral& r, const router::CaseloadCounts& counts) {
        RoutingScope routing(deps_, counts);
        return router::decide::Decline(
            r, {.by = request.by().id(), .reason = request.reason(), .details = request.details()},
            now, routing.ctx());
      });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Start(const v1::StartReferralRequest& request) {
  const absl::Time now = deps_.clock.Now();
  return Command("start request", request.referral_id(), request.by(), {},
                 [&](const v1::Referral& r, const auto&) { return router::decide::Start(r, now); });
}

absl::StatusOr<v1::Referral> LifecycleHandler::RecordFirstContact(
    const v1::RecordFirstContactRequest& request) {
  const absl::Time now = deps_.clock.Now();
  return Command("first contact request", request.referral_id(), request.by(), {},
                 [&](const v1::Referral& r, const auto&) {
                   return router::decide::RecordFirstContact(r, now);
                 });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Hold(const v1::HoldReferralRequest& request) {
  router::Violations v;
  if (!IsHoldReason(request.reason())) v.Add("reason", "must be a coded reason: 1-64 of a-z 0-9 -");
  const absl::Time now = deps_.clock.Now();
  return Command("hold request", request.referral_id(), request.by(), v,
                 [&](const v1::Referral& r, const auto&) {
                   return router::decide::Hold(r, request.reason(), now);
                 });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Close(const v1::CloseReferralRequest& request) {
  router::Violations v;
  v.Enum("outcome", request.outcome(), true, v1::CloseOutcome_descriptor());
  const absl::Time now = deps_.clock.Now();
  return Command("close request", request.referral_id(), request.by(), v,
                 [&](const v1::Referral& r, const auto&) {
                   return router::decide::Close(r, request.outcome(), now);
                 });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Signpost(
    const v1::SignpostReferralRequest& request) {
  router::Violations v;
  if (request.service_ids().empty() || request.service_ids_size() > kMaxSignposts) {
    v.Add("service_ids", absl::StrCat("must list 1-", kMaxSignposts, " services"));
  }
  const std::shared_ptr<const DirectoryView> view =
      deps_.directory != nullptr ? deps_.directory->Current() : nullptr;
  router::decide::SignpostCommand cmd{.by = request.by().id()};
  for (int i = 0; i < request.service_ids_size(); ++i) {
    const v1::DirectoryServiceRecord* s =
        view != nullptr ? view->snapshot->Find(request.service_ids(i)) : nullptr;
    if (s == nullptr || s->status() != v1::SERVICE_STATUS_ACTIVE ||
        s->sector() != v1::SERVICE_SECTOR_VOLUNTARY) {
      v.Add(absl::StrCat("service_ids[", i, "]"),
            "is not an active voluntary-sector service in the directory");
    } else {
      cmd.services.push_back(s);
    }
  }
  const absl::Time now = deps_.clock.Now();
  return Command(
      "signpost request", request.referral_id(), request.by(), v,
      [&](const v1::Referral& r, const auto&) { return router::decide::Signpost(r, cmd, now); });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Reroute(const v1::RerouteReferralRequest& request) {
  const absl::Time now = deps_.clock.Now();
  return Command("re-route request", request.referral_id(), request.by(), {},
                 [&](const v1::Referral& r, const router::CaseloadCounts& counts) {
                   RoutingScope routing(deps_, counts);
                   return router::decide::Reroute(r, now, routing.ctx());
                 });
}

absl::StatusOr<v1::Referral> LifecycleHandler::MarkEnteredInError(
    const v1::MarkEnteredInErrorRequest& request) {
  router::Violations v;
  v.Text("reason", request.reason(), {.max_chars = kMaxReasonChars, .required = true});
  const absl::Time now = deps_.clock.Now();
  return Command("entered-in-error request", request.referral_id(), request.by(), v,
                 [&](const v1::Referral& r, const auto&) {
                   return router::decide::MarkEnteredInError(r, request.reason(), now);
                 });
}

absl::StatusOr<v1::Referral> LifecycleHandler::Retriage(
    const v1::RetriageReferralRequest& request) {
  router::Violations v;
  const bool override_band = request.override_band() != v1::URGENCY_BAND_UNSPECIFIED;
  v.Enum("override_band", request.override_band(), false, v1::UrgencyBand_descriptor());
  v.Text("reason", request.reason(), {.max_chars = kMaxReasonChars, .required = override_band});
  const std::shared_ptr<const router::TriageEngine> engine = deps_.rules.Current();
  if (override_band && v1::UrgencyBand_IsValid(request.override_band()) &&
      engine->Band(request.override_band()) == nullptr) {
    v.Add("override_band", "is not defined by the live rule set");
  }
  const absl::Time now = deps_.clock.Now();
  return Command("re-triage request", request.referral_id(), request.by(), v,
                 [&](const v1::Referral& r, const auto&) -> absl::StatusOr<Decision> {
                   SP_ASSIGN_OR_RETURN(
                       router::KnownPerson known,
                       KnownPersonFor(deps_.store, r.submission().person(), r.referral_id()));
                   std::optional<v1::UrgencyBand> band;
                   if (override_band) band = request.override_band();
                   return router::decide::Retriage(r,
                                                   {.by = request.by().id(),
                                                    .engine = *engine,
                                                    .override_band = band,
                                                    .reason = request.reason(),
                                                    .has_open_referral = known.has_open_referral},
                                                   now);
                 });
}

absl::StatusOr<v1::PartnerReferralView> LifecycleHandler::PartnerUpdate(
    std::string_view what, const std::string& referral_id, PartnerCommand cmd,
    router::Violations v) {
  v.ReferralIdOrReference("referral_id", referral_id);
  v.Text("organization_id", cmd.organization_id, {.max_chars = 128, .required = true});
  v.Text("recorded_by", cmd.recorded_by,
         {.max_chars = router::kMaxStaffNameChars, .required = true});
  if (!v.empty()) return v.ToStatus(what);
  SP_ASSIGN_OR_RETURN(const std::string id, ResolveReferralId(deps_.store, referral_id));
  const absl::Time now = deps_.clock.Now();
  SP_ASSIGN_OR_RETURN(
      v1::Referral updated,
      UpdateReferral(
          deps_, id, [&](const v1::Referral& r, const auto&) -> absl::StatusOr<Decision> {
            SP_ASSIGN_OR_RETURN(cmd.consent_withdrawn, PartnerConsentWithdrawn(deps_.store, r));
            return router::decide::PartnerAnswer(r, cmd, now);
          }));
  // Built from the stored referral, even if it has just left the partner's
  // list (closed, or back to the call hub).
  std::optional<v1::PartnerReferralView> view =
      router::ProjectForPartner(updated, cmd.organization_id);
  if (!view) return absl::InternalError("partner view vanished after update");
  return *view;
}

absl::StatusOr<v1::PartnerReferralView> LifecycleHandler::RespondToSignposting(
    const v1::RespondToSignpostingRequest& request) {
  return PartnerUpdate("partner answer", request.referral_id(),
                       {.organization_id = request.organization_id(),
                        .recorded_by = request.recorded_by(),
                        .state = request.accept() ? v1::PartnerResponse::STATE_ACCEPTED
                                                  : v1::PartnerResponse::STATE_DECLINED},
                       {});
}

absl::StatusOr<v1::PartnerReferralView> LifecycleHandler::RecordPartnerOutcome(
    const v1::RecordPartnerOutcomeRequest& request) {
  router::Violations v;
  v.Enum("outcome", request.outcome(), true, v1::PartnerOutcome_descriptor());
  return PartnerUpdate("partner outcome", request.referral_id(),
                       {.organization_id = request.organization_id(),
                        .recorded_by = request.recorded_by(),
                        .state = v1::PartnerResponse::STATE_OUTCOME_RECORDED,
                        .outcome = request.outcome()},
                       v);
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
      // Decided again on the referral as read under its lock: exactly once
      // per deadline.
      absl::StatusOr<v1::Referral> r =
          UpdateReferral(deps_, candidate.referral_id(),
                         [&](const v1::Referral& x, const auto&) -> absl::StatusOr<Decision> {
                           const auto engine = deps_.rules.Current();
                           std::optional<Decision> d =
                               router::decide::Breach(x, now, engine->Band(x.triage().band()));
                           if (!d) return absl::CancelledError("not due");
                           return *std::move(d);
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
  router::Violations v;
  const absl::Duration within = absl::Seconds(request.within().seconds());
  if (within < absl::ZeroDuration() || within > kMaxOverdueHorizon) {
    v.Add("within", "must be between 0 and 30 days");
  }
  v.PageSize("page_size", request.page_size(), kMaxOverduePage);
  if (!v.empty()) return v.ToStatus("overdue request");
  const int limit = request.page_size() == 0 ? 200 : request.page_size();
  const absl::Time now = deps_.clock.Now();
  SP_ASSIGN_OR_RETURN(
      storage::IndexedPage due,
      deps_.store.ListIndexed({.index = storage::CaseIndex::kClockBreached, .limit = limit}));
  if (static_cast<int>(due.referrals.size()) < limit) {
    SP_ASSIGN_OR_RETURN(
        storage::IndexedPage running,
        deps_.store.ListIndexed({.index = storage::CaseIndex::kClockRunning,
                                 .limit = limit - static_cast<int>(due.referrals.size()),
                                 .due_before = now + within + absl::Microseconds(1)}));
    for (auto& r : running.referrals) due.referrals.push_back(std::move(r));
  }
  std::stable_sort(due.referrals.begin(), due.referrals.end(), [](const auto& a, const auto& b) {
    return storage::DueMicros(a) < storage::DueMicros(b);
  });
  v1::ListOverdueResponse out;
  for (const v1::Referral& r : due.referrals) *out.add_referrals() = Overdue(r, now);
  return out;
}

}  // namespace signpost::app
