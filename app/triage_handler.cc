#include "app/triage_handler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "app/safety_gate.h"
#include "common/status_macros.h"
#include "proto/signpost/labels.h"
#include "proto/signpost/proto_time.h"
#include "router/validation.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;

constexpr int kDefaultReplayLimit = 10000;
constexpr int kMaxReplayLimit = 100000;
constexpr size_t kMaxRuleSetBytes = 1 << 20;

// A candidate rule set, or nullptr with the problem added to `v`.
std::shared_ptr<const router::TriageEngine> Candidate(const std::string& text, const char* field,
                                                      router::Violations& v) {
  if (text.empty()) {
    v.Add(field, "is required");
  } else if (text.size() > kMaxRuleSetBytes) {
    v.Add(field, "is larger than 1 MiB");
  } else if (auto engine = router::TriageEngine::FromText(text); !engine.ok()) {
    v.Add(field, std::string(engine.status().message()));
  } else {
    return *std::move(engine);
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<v1::TriageDecision> TriageHandler::Evaluate(
    const v1::EvaluateReferralRequest& request) const {
  // Validate exactly as intake does (the request id is not part of a dry run).
  v1::SubmitReferralRequest as_submit;
  as_submit.set_request_id("evaluate");
  *as_submit.mutable_submission() = request.submission();
  const absl::Time at =
      request.has_received_at() ? FromProtoTime(request.received_at()) : deps_.clock.Now();
  router::Violations v;
  if (!request.has_submission()) {
    v.Add("submission", "is required");
  } else {
    for (auto& f : router::NormalizeAndValidateSubmission(as_submit, at, deps_.zone)) {
      v.Add(std::move(f.field), std::move(f.description));
    }
  }
  std::shared_ptr<const router::TriageEngine> engine = deps_.rules.Current();
  if (!request.rule_set_text().empty())
    engine = Candidate(request.rule_set_text(), "rule_set_text", v);
  if (!v.empty()) return v.ToStatus("evaluation request");
  return engine->Evaluate({.submission = as_submit.submission(),
                           .received_at = at,
                           .has_open_referral = request.has_open_referral()});
}

absl::StatusOr<v1::ReplayRuleSetResponse> TriageHandler::Replay(
    const v1::ReplayRuleSetRequest& request) const {
  router::Violations v;
  if (request.max_referrals() < 0 || request.max_referrals() > kMaxReplayLimit) {
    v.Add("max_referrals", absl::StrCat("must be between 0 and ", kMaxReplayLimit));
  }
  if (request.has_received_after() && request.has_received_before() &&
      FromProtoTime(request.received_before()) <= FromProtoTime(request.received_after())) {
    v.Add("received_before", "must be later than received_after");
  }
  const auto candidate = Candidate(request.candidate_rule_set_text(), "candidate_rule_set_text", v);
  if (!v.empty()) return v.ToStatus("replay request");

  const std::shared_ptr<const router::TriageEngine> live = deps_.rules.Current();
  const int limit = request.max_referrals() == 0 ? kDefaultReplayLimit : request.max_referrals();
  v1::ReplayRuleSetResponse out;
  out.set_live_rule_set_version(live->version());
  out.set_candidate_rule_set_version(candidate->version());
  storage::ReferralQuery query;
  if (request.has_received_after())
    query.received_at_or_after = FromProtoTime(request.received_after());
  if (request.has_received_before())
    query.received_before = FromProtoTime(request.received_before());
  query.limit = 500;
  int evaluated = 0;
  while (!out.truncated()) {
    SP_ASSIGN_OR_RETURN(storage::ReferralPage page, deps_.store.ListReferrals(query));
    for (const v1::Referral& r : page.referrals) {
      if (evaluated == limit) {
        out.set_truncated(true);
        break;
      }
      ++evaluated;
      CompareOnReplay(r, *live, *candidate, out);
    }
    if (page.resume_after_id.empty()) break;
    query.start_after_id = page.resume_after_id;
  }
  out.set_referrals_evaluated(evaluated);
  return out;
}

absl::StatusOr<v1::ActivateRuleSetResponse> TriageHandler::Activate(
    const v1::ActivateRuleSetRequest& request) {
  router::Violations v;
  if (request.rule_set_text().empty()) {
    v.Add("rule_set_text", "is required");
  } else if (request.rule_set_text().size() > kMaxRuleSetBytes) {
    v.Add("rule_set_text", "is larger than 1 MiB");
  }
  v.Text("override_reason", request.override_reason(), {.max_chars = 500});
  if (!v.empty()) return v.ToStatus("activation request");
  absl::StatusOr<Activation> a =
      deps_.rules.Activate(request.rule_set_text(), "rpc", request.override_reason());
  if (absl::IsInvalidArgument(a.status())) {
    return InvalidArgument("activation request",
                           {{"rule_set_text", std::string(a.status().message())}});
  }
  SP_RETURN_IF_ERROR(a.status());
  v1::ActivateRuleSetResponse out;
  out.set_rule_set_version(a->version);
  out.set_previous_rule_set_version(a->previous_version);
  *out.mutable_gate() = a->gate;
  return out;
}

v1::ActiveRuleSet TriageHandler::GetActive() const {
  std::shared_ptr<const router::TriageEngine> engine = deps_.rules.Current();
  v1::ActiveRuleSet out;
  out.set_rule_set_version(engine->version());
  *out.mutable_activated_at() = ToProtoTime(deps_.rules.activated_at());
  *out.mutable_rule_set() = engine->rule_set();
  return out;
}

}  // namespace signpost::app
