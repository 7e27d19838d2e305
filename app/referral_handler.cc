#include "app/referral_handler.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "app/audit.h"
#include "app/page_token.h"
#include "app/people.h"
#include "app/referral_writer.h"
#include "common/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/signpost/proto_time.h"
#include "proto/signpost/referral_facts.h"
#include "router/intake.h"
#include "router/validation.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr int kMaxStatusFilters = 16;
constexpr size_t kMaxReasonChars = 500;
// A caseload count no limit admits, not even with continuity.
constexpr int kFull = 1 << 20;

// The answer to a retry of `request` that found `stored` under its key:
// the original when the content is the same (after normalising), else
// ALREADY_EXISTS.
absl::StatusOr<v1::SubmitReferralResponse> ReplayOf(v1::Referral stored,
                                                    v1::SubmitReferralRequest request,
                                                    const AppDeps& deps) {
  const std::vector<FieldViolation> violations =
      router::NormalizeAndValidateSubmission(request, deps.clock.Now(), deps.zone);
  if (!violations.empty()) return InvalidArgument("referral", violations);
  if (!google::protobuf::util::MessageDifferencer::Equals(stored.submission(),
                                                          request.submission())) {
    return absl::AlreadyExistsError(absl::StrCat("request_id: \"", request.request_id(),
                                                 "\" was already used for referral ",
                                                 stored.referral_id(), " with different content"));
  }
  v1::SubmitReferralResponse response;
  response.set_idempotent_replay(true);
  response.set_instruction(stored.triage().instruction());
  *response.mutable_referral() = std::move(stored);
  return response;
}

// Decides the intake with the current caseloads; a case manager found full
// when the place is taken is marked full and the intake decided again.
// Each round marks one case manager full, so this ends (at worst in the
// team's queue, which takes no place).
router::IntakeDecision DecideWithPlace(const AppDeps& deps, router::IntakeInput in,
                                       std::optional<CaseloadTracker::Move>& move) {
  router::CaseloadCounts counts = deps.caseloads.Snapshot();
  in.caseloads = &counts;
  while (true) {
    router::IntakeDecision d = router::DecideIntake(in);
    const std::string cm = CaseloadOwner(d.referral);
    int limit = CaseloadLimit(deps, cm);
    if (limit >= 0 && cm == in.known.open_case_manager_id) limit += router::kContinuityAllowance;
    move.emplace(deps.caseloads.Begin("", cm, limit));
    if (move->reserved()) return d;
    counts[cm] = kFull;  // taken meanwhile: the next decision routes elsewhere
  }
}

storage::Change IntakeChange(router::IntakeDecision& d, const std::string& scope) {
  storage::Change change;
  const std::string reference = d.referral.reference();
  change.referral = storage::ReferralPut{.record = d.referral,
                                         .events = std::move(d.events),
                                         .idempotency_scope = scope,
                                         .reference_candidates = {reference}};
  change.people.push_back({.record = d.person,
                           .expected_revision = d.person_revision,
                           .demographic_key = d.demographic_key});
  change.assessments.push_back(d.assessment);
  for (const auto& c : d.candidates) change.candidates.push_back({.record = c});
  return change;
}

v1::SubmitReferralResponse IntakeResponse(router::IntakeDecision& d, storage::Applied& applied) {
  v1::SubmitReferralResponse response;
  response.set_instruction(applied.referral.triage().instruction());
  *response.mutable_referral() = std::move(applied.referral);
  if (d.earlier) *response.mutable_earlier_assessment() = std::move(*d.earlier);
  *response.mutable_assessment() = std::move(d.assessment);
  for (auto& c : d.candidates) {
    // A mismatch item says the NHS number needs checking; who holds it is
    // for the call hub to see, not the referrer.
    if (c.kind() == v1::DuplicateCandidate::KIND_NHS_NUMBER_MISMATCH) c.clear_matched_person_id();
    *response.add_possible_duplicates() = std::move(c);
  }
  return response;
}

void AddReferralFilters(const v1::ListReferralsRequest& request, storage::ReferralQuery& query,
                        router::Violations& v) {
  if (request.statuses_size() > kMaxStatusFilters) {
    v.Add("statuses", absl::StrCat("has more than ", kMaxStatusFilters, " items"));
  }
  for (int i = 0; i < request.statuses_size(); ++i) {
    v.Enum(absl::StrCat("statuses[", i, "]"), request.statuses(i), true,
           v1::ReferralStatus_descriptor());
    if (v1::ReferralStatus_IsValid(request.statuses(i)) && request.statuses(i) != 0) {
      query.statuses.push_back(request.statuses(i));
    }
  }
  v.Enum("channel", request.channel(), false, v1::SourceChannel_descriptor());
  if (v1::SourceChannel_IsValid(request.channel())) query.channel = request.channel();
  query.referrer_ods_code = absl::AsciiStrToUpper(request.referrer_ods_code());
  if (!query.referrer_ods_code.empty() && !router::IsValidOdsCode(query.referrer_ods_code)) {
    v.Add("referrer_ods_code", "is not an ODS code");
  }
  if (request.has_received_after()) {
    query.received_at_or_after = FromProtoTime(request.received_after());
  }
  if (request.has_received_before())
    query.received_before = FromProtoTime(request.received_before());
  if (query.received_at_or_after && query.received_before &&
      *query.received_before <= *query.received_at_or_after) {
    v.Add("received_before", "must be later than received_after");
  }
}

}  // namespace

absl::StatusOr<std::optional<v1::SubmitReferralResponse>> ReferralHandler::Replay(
    const v1::SubmitReferralRequest& request) const {
  const std::string request_id(absl::StripAsciiWhitespace(request.request_id()));
  if (!router::IsValidRequestId(request_id)) return std::nullopt;
  SP_ASSIGN_OR_RETURN(
      std::optional<std::string> existing,
      deps_.store.FindIdempotent(router::IdempotencyScope(request.submission()), request_id));
  if (!existing) return std::nullopt;
  SP_ASSIGN_OR_RETURN(v1::Referral stored, deps_.store.GetReferral(*existing));
  SP_ASSIGN_OR_RETURN(v1::SubmitReferralResponse replay,
                      ReplayOf(std::move(stored), request, deps_));
  return std::optional<v1::SubmitReferralResponse>(std::move(replay));
}

absl::StatusOr<v1::SubmitReferralResponse> ReferralHandler::Submit(
    v1::SubmitReferralRequest request) {
  SP_ASSIGN_OR_RETURN(std::optional<v1::SubmitReferralResponse> replay, Replay(request));
  if (replay) return *std::move(replay);
  const std::vector<FieldViolation> violations =
      router::NormalizeAndValidateSubmission(request, deps_.clock.Now(), deps_.zone);
  if (!violations.empty()) return InvalidArgument("referral", violations);
  // Find-or-create of a person is serialised per NHS number.
  const v1::Person& person = request.submission().person();
  std::optional<LockManager::Guard> guard;
  if (person.has_nhs_number()) guard.emplace(deps_.locks.Stripe("nhs:" + person.nhs_number()));
  const std::string id = deps_.ids.NextReferralId();
  for (int attempt = 1;; ++attempt) {
    absl::StatusOr<v1::SubmitReferralResponse> r = TrySubmit(request, id);
    if (r.ok() || !storage::IsConflict(r.status()) || attempt == kMaxWriteAttempts) return r;
  }
}

absl::StatusOr<v1::SubmitReferralResponse> ReferralHandler::TrySubmit(
    const v1::SubmitReferralRequest& request, const std::string& referral_id) {
  SP_ASSIGN_OR_RETURN(const router::KnownPerson known,
                      KnownPersonFor(deps_.store, request.submission().person()));
  const std::shared_ptr<const router::TriageEngine> engine = deps_.rules.Current();
  const std::shared_ptr<const DirectoryView> view =
      deps_.directory != nullptr ? deps_.directory->Current() : nullptr;
  std::optional<CaseloadTracker::Move> move;
  router::IntakeDecision d = DecideWithPlace(
      deps_,
      router::IntakeInput{
          .request = request,
          .referral_id = referral_id,
          .reference = deps_.ids.NextReference(),
          // The id's embedded millisecond is the receipt time, so
          // received order and id order agree.
          .received_at = *ReferralIdTime(referral_id),
          .engine = *engine,
          .directory = view != nullptr ? view->snapshot.get() : nullptr,
          .roster = view != nullptr ? &view->roster : nullptr,
          .zone = deps_.zone,
          .known = known,
          .new_person_id = absl::StrCat("P", deps_.ids.NextReferralId()),
          .new_candidate_id = [this] { return absl::StrCat("D", deps_.ids.NextReferralId()); }},
      move);
  SP_ASSIGN_OR_RETURN(
      storage::Applied applied,
      ApplyAudited(deps_.store, IntakeChange(d, router::IdempotencyScope(request.submission())),
                   deps_.clock));
  if (applied.replayed) return ReplayOf(std::move(applied.referral), request, deps_);
  move->Commit();
  return IntakeResponse(d, applied);
}

absl::StatusOr<v1::Referral> ReferralHandler::Get(const v1::GetReferralRequest& request) const {
  SP_ASSIGN_OR_RETURN(const std::string id, ResolveReferralId(deps_.store, request.referral_id()));
  return deps_.store.GetReferral(id);
}

absl::StatusOr<v1::ListReferralsResponse> ReferralHandler::List(
    const v1::ListReferralsRequest& request) const {
  router::Violations v;
  storage::ReferralQuery query;
  AddReferralFilters(request, query, v);
  v.PageSize("page_size", request.page_size(), kMaxPageSize);
  const uint64_t fingerprint = FilterFingerprint(request);
  query.start_after_id = ResumeFromPageToken(request.page_token(), fingerprint, v);
  if (!v.empty()) return v.ToStatus("list request");
  query.limit = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  SP_ASSIGN_OR_RETURN(storage::ReferralPage page, deps_.store.ListReferrals(query));
  v1::ListReferralsResponse response;
  for (auto& r : page.referrals) *response.add_referrals() = std::move(r);
  if (!page.resume_after_id.empty()) {
    response.set_next_page_token(EncodePageToken(page.resume_after_id, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::WithdrawReferralResponse> ReferralHandler::Withdraw(
    const v1::WithdrawReferralRequest& request) {
  router::Violations v;
  v.ReferralIdOrReference("referral_id", request.referral_id());
  const std::string reason(absl::StripAsciiWhitespace(request.reason()));
  v.Text("reason", reason, {.max_chars = kMaxReasonChars, .required = true});
  if (!v.empty()) return v.ToStatus("withdraw request");
  SP_ASSIGN_OR_RETURN(const std::string id, ResolveReferralId(deps_.store, request.referral_id()));
  const absl::Time now = deps_.clock.Now();
  SP_ASSIGN_OR_RETURN(v1::Referral updated,
                      UpdateReferral(deps_, id, [&](const v1::Referral& r, const auto&) {
                        return router::decide::Withdraw(r, reason, now);
                      }));
  v1::WithdrawReferralResponse response;
  *response.mutable_referral() = std::move(updated);
  return response;
}

absl::StatusOr<v1::SummariseUnmetNeedResponse> ReferralHandler::SummariseUnmetNeed(
    const v1::SummariseUnmetNeedRequest& request) const {
  storage::ReferralQuery query;
  query.statuses = {v1::REFERRAL_STATUS_UNMATCHED};
  if (request.has_received_after())
    query.received_at_or_after = FromProtoTime(request.received_after());
  if (request.has_received_before())
    query.received_before = FromProtoTime(request.received_before());
  query.limit = 1000;
  std::map<std::pair<std::string, std::string>, int> counts;
  int total = 0;
  while (true) {
    SP_ASSIGN_OR_RETURN(storage::ReferralPage page, deps_.store.ListReferrals(query));
    for (const auto& r : page.referrals) {
      const auto& routing = r.routing();
      ++counts[{
          routing.unmet_need_category().empty() ? "unspecified" : routing.unmet_need_category(),
          routing.unmet_need_area().empty() ? "unknown" : routing.unmet_need_area()}];
      ++total;
    }
    if (page.resume_after_id.empty()) break;
    query.start_after_id = page.resume_after_id;
  }
  std::vector<v1::UnmetNeedCount> sorted;
  for (const auto& [key, n] : counts) {
    v1::UnmetNeedCount& c = sorted.emplace_back();
    c.set_category(key.first);
    c.set_area(key.second);
    c.set_referrals(n);
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.referrals() > b.referrals(); });
  v1::SummariseUnmetNeedResponse out;
  for (auto& c : sorted) *out.add_counts() = std::move(c);
  out.set_total(total);
  return out;
}

absl::StatusOr<WatchSubscription> ReferralHandler::StartWatch(
    const v1::WatchReferralsRequest& request) const {
  WatchSubscription sub;
  sub.after_sequence = request.after_sequence();
  router::Violations v;
  if (!request.referral_id().empty()) v.ReferralIdOrReference("referral_id", request.referral_id());
  sub.filter.referrer_ods_code = absl::AsciiStrToUpper(request.referrer_ods_code());
  if (!sub.filter.referrer_ods_code.empty() &&
      !router::IsValidOdsCode(sub.filter.referrer_ods_code)) {
    v.Add("referrer_ods_code", "is not an ODS code");
  }
  if (!v.empty()) return v.ToStatus("watch request");
  if (!request.referral_id().empty()) {
    SP_ASSIGN_OR_RETURN(sub.filter.referral_id,
                        ResolveReferralId(deps_.store, request.referral_id()));
  }
  // A cursor beyond the log means the client saw events this store does not
  // have (for example after a restore from backup): say so rather than wait
  // silently for events that may never come.
  const uint64_t visible = deps_.store.events().Visible();
  if (sub.after_sequence > visible) {
    return absl::OutOfRangeError(
        absl::StrCat("after_sequence: ", sub.after_sequence, " is beyond the last event (", visible,
                     "); resume from 0 or from the last sequence you stored"));
  }
  return sub;
}

absl::StatusOr<std::vector<v1::ReferralEvent>> ReferralHandler::NextEvents(WatchSubscription& sub,
                                                                           size_t max) const {
  uint64_t scanned_to = sub.after_sequence;
  SP_ASSIGN_OR_RETURN(
      std::vector<v1::ReferralEvent> events,
      deps_.store.events().ReadEvents(sub.after_sequence, max, sub.filter, &scanned_to));
  sub.after_sequence = scanned_to;
  return events;
}

}  // namespace signpost::app
