#include "services/referral_handler.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/routing.h"
#include "router/lifecycle.h"
#include "router/validation.h"
#include "services/case_inputs.h"
#include "services/errors.h"
#include "services/lifecycle_handler.h"
#include "services/page_token.h"

namespace signpost::services {
namespace {

namespace v1 = ::signpost::v1;
using router::FieldViolation;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr int kMaxStatusFilters = 16;
constexpr size_t kMaxReasonLength = 500;

}  // namespace

ReferralHandler::ReferralHandler(storage::ReferralStore& store, RuleRegistry& rules,
                                 DirectoryRegistry* directory, const Clock& clock, IdGenerator& ids,
                                 const ReferralHandlerOptions& options)
    : store_(store),
      people_(store, ids),
      rules_(rules),
      directory_(directory),
      clock_(clock),
      ids_(ids),
      options_(options) {}

absl::StatusOr<v1::SubmitReferralResponse> ReferralHandler::Submit(
    v1::SubmitReferralRequest request) {
  const std::vector<FieldViolation> violations =
      router::NormalizeAndValidateSubmission(request, clock_.Now(), options_.local_zone);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);

  const std::string id = ids_.NextReferralId();
  // The id's embedded millisecond is the receipt time, so received-time
  // order and id order agree exactly even if the wall clock steps back.
  const absl::Time received = *ReferralIdTime(id);

  // What is already known about the person (read here for triage and
  // routing; the store links under the person's lock).
  SP_ASSIGN_OR_RETURN(const PersonContext known, people_.Context(request.submission().person()));

  // Triage synchronously; the decision is stored with the referral.
  const std::shared_ptr<const router::TriageEngine> engine = rules_.Current();
  v1::TriageDecision decision = engine->Evaluate({.submission = request.submission(),
                                                  .received_at = received,
                                                  .has_open_referral = known.has_open_referral});
  const bool review = std::find(decision.flags().begin(), decision.flags().end(),
                                v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW) != decision.flags().end();
  const v1::ReferralStatus status =
      review ? v1::REFERRAL_STATUS_NEEDS_REVIEW : v1::REFERRAL_STATUS_TRIAGED;

  v1::Referral referral;
  referral.set_referral_id(id);
  referral.set_request_id(request.request_id());
  referral.set_status(status);
  *referral.mutable_received_at() = ToProtoTime(received);
  *referral.mutable_updated_at() = ToProtoTime(received);
  *referral.mutable_submission() = request.submission();

  std::vector<v1::ReferralEvent> events;
  events.reserve(3);  // received, triage, routing: references below stay valid
  events.resize(2);
  v1::ReferralEvent& event = events[0];
  event.set_type(v1::ReferralEvent::TYPE_RECEIVED);
  event.set_referral_id(id);
  event.set_referrer_ods_code(request.submission().referrer().ods_code());
  event.set_status(v1::REFERRAL_STATUS_RECEIVED);
  *event.mutable_occurred_at() = ToProtoTime(received);
  v1::ReferralEvent& triaged = events[1];
  triaged = event;
  triaged.set_type(v1::ReferralEvent::TYPE_STATUS_CHANGED);
  triaged.set_previous_status(v1::REFERRAL_STATUS_RECEIVED);
  triaged.set_status(status);
  triaged.set_reason("triage");
  triaged.set_band(decision.band());
  if (decision.has_respond_by()) *triaged.mutable_respond_by() = decision.respond_by();

  // Route against the directory (recorded in the same write).
  if (directory_ != nullptr) {
    const std::shared_ptr<const DirectoryView> view = directory_->Current();
    if (view->snapshot->size() > 0) {
      v1::RoutingDecision routing =
          router::RouteReferral({.submission = request.submission(),
                                 .triage = decision,
                                 .received_at = received,
                                 .zone = options_.local_zone,
                                 .existing_case_manager_id = known.open_case_manager_id},
                                *view->snapshot, view->roster);
      if (review) {
        routing.set_owner("queue:clinician-review");
        routing.add_reasons("awaiting clinician review: this routing is a recommendation");
      } else {
        const v1::ReferralStatus routed = router::StatusForRouting(routing);
        v1::ReferralEvent& event_routed = events.emplace_back(events[1]);
        event_routed.set_previous_status(status);
        event_routed.set_status(routed);
        event_routed.set_reason("routing");
        referral.set_status(routed);
      }
      *referral.mutable_routing() = std::move(routing);
    }
  }
  *referral.mutable_triage() = std::move(decision);
  InitPartnerResponses(referral, received);

  // Request ids are unique per referring organisation (BaRS); self-
  // referrals without an organisation share the empty scope.
  const std::string scope = request.submission().referrer().ods_code();
  SP_ASSIGN_OR_RETURN(
      storage::CreateOutcome outcome,
      store_.CreateReferral(
          std::move(referral), std::move(events), scope, [this] { return ids_.NextReference(); },
          people_.LinkFor(request.submission(), known)));

  v1::SubmitReferralResponse response;
  if (!outcome.created) {
    if (!google::protobuf::util::MessageDifferencer::Equals(outcome.referral.submission(),
                                                            request.submission())) {
      return absl::AlreadyExistsError(
          absl::StrCat("request_id: \"", request.request_id(), "\" was already used for referral ",
                       outcome.referral.referral_id(), " with different content"));
    }
    response.set_idempotent_replay(true);
  } else {
    if (outcome.earlier) *response.mutable_earlier_assessment() = std::move(*outcome.earlier);
    *response.mutable_assessment() = std::move(outcome.assessment);
    for (auto& c : outcome.candidates) *response.add_possible_duplicates() = std::move(c);
  }
  *response.mutable_referral() = std::move(outcome.referral);
  return response;
}

absl::StatusOr<std::string> ReferralHandler::ResolveId(const std::string& id_or_reference) const {
  return ResolveReferralId(store_, id_or_reference);
}

absl::StatusOr<v1::Referral> ReferralHandler::Get(const v1::GetReferralRequest& request) const {
  SP_ASSIGN_OR_RETURN(const std::string id, ResolveId(request.referral_id()));
  return store_.GetReferral(id);
}

absl::StatusOr<v1::ListReferralsResponse> ReferralHandler::List(
    const v1::ListReferralsRequest& request) const {
  std::vector<FieldViolation> violations;
  storage::ReferralQuery query;
  if (request.statuses_size() > kMaxStatusFilters) {
    violations.push_back({"statuses", absl::StrCat("has more than ", kMaxStatusFilters, " items")});
  }
  for (int i = 0; i < request.statuses_size(); ++i) {
    const int s = request.statuses(i);
    if (!v1::ReferralStatus_IsValid(s) || s == v1::REFERRAL_STATUS_UNSPECIFIED) {
      violations.push_back({absl::StrCat("statuses[", i, "]"), "is not a referral status"});
    } else {
      query.statuses.push_back(static_cast<v1::ReferralStatus>(s));
    }
  }
  if (!v1::SourceChannel_IsValid(request.channel())) {
    violations.push_back({"channel", "is not a source channel"});
  } else {
    query.channel = request.channel();
  }
  query.referrer_ods_code = absl::AsciiStrToUpper(request.referrer_ods_code());
  if (!query.referrer_ods_code.empty() && !router::IsValidOdsCode(query.referrer_ods_code)) {
    violations.push_back({"referrer_ods_code", "is not an ODS code"});
  }
  if (request.has_received_after()) {
    query.received_at_or_after = FromProtoTime(request.received_after());
  }
  if (request.has_received_before()) {
    query.received_before = FromProtoTime(request.received_before());
  }
  if (query.received_at_or_after && query.received_before &&
      *query.received_before <= *query.received_at_or_after) {
    violations.push_back({"received_before", "must be later than received_after"});
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    violations.push_back({"page_size", absl::StrCat("must be between 0 and ", kMaxPageSize)});
  }
  const uint64_t fingerprint = FilterFingerprint(request);
  query.start_after_id = ResumeFromPageToken(request.page_token(), fingerprint, violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  query.limit = request.page_size() == 0 ? kDefaultPageSize : request.page_size();

  SP_ASSIGN_OR_RETURN(storage::ReferralPage page, store_.ListReferrals(query));
  v1::ListReferralsResponse response;
  for (auto& r : page.referrals) *response.add_referrals() = std::move(r);
  if (!page.resume_after_id.empty()) {
    response.set_next_page_token(EncodePageToken(page.resume_after_id, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::WithdrawReferralResponse> ReferralHandler::Withdraw(
    const v1::WithdrawReferralRequest& request) {
  std::vector<FieldViolation> violations;
  absl::StatusOr<std::string> id = ResolveId(request.referral_id());
  if (!id.ok() && id.status().code() == absl::StatusCode::kInvalidArgument) {
    violations.push_back({"referral_id", std::string(id.status().message())});
  }
  const std::string reason(absl::StripAsciiWhitespace(request.reason()));
  if (reason.empty()) {
    violations.push_back({"reason", "is required"});
  } else if (reason.size() > kMaxReasonLength) {
    violations.push_back(
        {"reason", absl::StrCat("is longer than ", kMaxReasonLength, " characters")});
  } else if (router::HasControlCharacters(reason, /*allow_newlines=*/false)) {
    violations.push_back({"reason", "contains control characters"});
  }
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_RETURN_IF_ERROR(id.status());

  const absl::Time now = clock_.Now();
  SP_ASSIGN_OR_RETURN(
      v1::Referral updated,
      store_.UpdateReferral(
          *id, [&](v1::Referral& r) -> absl::StatusOr<std::vector<v1::ReferralEvent>> {
            // The free-text reason may hold personal data, so it stays on the
            // record; the event carries only the coded reason.
            SP_ASSIGN_OR_RETURN(
                v1::ReferralEvent event,
                router::Transition(r, v1::REFERRAL_STATUS_WITHDRAWN, "withdrawn-by-referrer", now));
            r.set_withdrawal_reason(reason);
            return std::vector<v1::ReferralEvent>{std::move(event)};
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
    SP_ASSIGN_OR_RETURN(storage::ReferralPage page, store_.ListReferrals(query));
    for (const auto& r : page.referrals) {
      const auto& routing = r.routing();
      counts[{routing.unmet_need_category().empty() ? "unspecified" : routing.unmet_need_category(),
              routing.unmet_need_area().empty() ? "unknown" : routing.unmet_need_area()}]++;
      ++total;
    }
    if (page.resume_after_id.empty()) break;
    query.start_after_id = page.resume_after_id;
  }
  std::vector<v1::UnmetNeedCount> sorted;
  for (const auto& [key, n] : counts) {
    v1::UnmetNeedCount c;
    c.set_category(key.first);
    c.set_area(key.second);
    c.set_referrals(n);
    sorted.push_back(std::move(c));
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
  std::vector<FieldViolation> violations;
  if (!request.referral_id().empty()) {
    absl::StatusOr<std::string> id = ResolveId(request.referral_id());
    if (!id.ok()) {
      if (id.status().code() != absl::StatusCode::kInvalidArgument) return id.status();
      violations.push_back({"referral_id", std::string(id.status().message())});
    } else {
      sub.filter.referral_id = *id;
    }
  }
  sub.filter.referrer_ods_code = absl::AsciiStrToUpper(request.referrer_ods_code());
  if (!sub.filter.referrer_ods_code.empty() &&
      !router::IsValidOdsCode(sub.filter.referrer_ods_code)) {
    violations.push_back({"referrer_ods_code", "is not an ODS code"});
  }
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  // A cursor beyond the log means the client saw events this store does not
  // have (for example after a restore from backup): say so rather than wait
  // silently for events that may never come.
  if (sub.after_sequence > store_.VisibleSequence()) {
    return absl::OutOfRangeError(absl::StrCat(
        "after_sequence: ", sub.after_sequence, " is beyond the last event (",
        store_.VisibleSequence(), "); resume from 0 or from the last sequence you stored"));
  }
  return sub;
}

absl::StatusOr<std::vector<v1::ReferralEvent>> ReferralHandler::NextEvents(WatchSubscription& sub,
                                                                           size_t max) const {
  uint64_t scanned_to = sub.after_sequence;
  SP_ASSIGN_OR_RETURN(std::vector<v1::ReferralEvent> events,
                      store_.ReadEvents(sub.after_sequence, max, sub.filter, &scanned_to));
  sub.after_sequence = scanned_to;
  return events;
}

}  // namespace signpost::services
