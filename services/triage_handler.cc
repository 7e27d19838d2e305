#include "services/triage_handler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/validation.h"
#include "services/errors.h"

namespace signpost::services {
namespace {

namespace v1 = ::signpost::v1;

constexpr int kDefaultReplayLimit = 10000;
constexpr int kMaxReplayLimit = 100000;
constexpr size_t kMaxRuleSetBytes = 1 << 20;

bool HasReview(const v1::TriageDecision& d) {
  return std::find(d.flags().begin(), d.flags().end(),
                   v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW) != d.flags().end();
}

std::string BandLetter(v1::UrgencyBand b) {
  const std::string& name = v1::UrgencyBand_Name(b);
  return name.empty() ? "?" : name.substr(name.size() - 1);
}

// Parses a candidate rule set, reporting problems against `field`.
absl::StatusOr<std::shared_ptr<const router::TriageEngine>> Candidate(const std::string& text,
                                                                      const char* field) {
  if (text.size() > kMaxRuleSetBytes) {
    return InvalidArgumentFromViolations({{field, "is larger than 1 MiB"}});
  }
  auto engine = router::TriageEngine::FromText(text);
  if (!engine.ok()) {
    return InvalidArgumentFromViolations({{field, std::string(engine.status().message())}});
  }
  return engine;
}

}  // namespace

TriageHandler::TriageHandler(storage::ReferralStore& store, RuleRegistry& rules,
                             const Clock& clock, const ReferralHandlerOptions& options)
    : store_(store), rules_(rules), clock_(clock), options_(options) {}

absl::StatusOr<v1::TriageDecision> TriageHandler::Evaluate(
    const v1::EvaluateReferralRequest& request) const {
  // Validate exactly as intake does (the request id is not part of a dry run).
  v1::SubmitReferralRequest as_submit;
  as_submit.set_request_id("evaluate");
  *as_submit.mutable_submission() = request.submission();
  const absl::Time at =
      request.has_received_at() ? FromProtoTime(request.received_at()) : clock_.Now();
  std::vector<router::FieldViolation> violations =
      router::NormalizeAndValidateSubmission(as_submit, at, options_.local_zone);
  if (!request.has_submission()) violations = {{"submission", "is required"}};
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);

  std::shared_ptr<const router::TriageEngine> engine = rules_.Current();
  if (!request.rule_set_text().empty()) {
    SP_ASSIGN_OR_RETURN(engine, Candidate(request.rule_set_text(), "rule_set_text"));
  }
  return engine->Evaluate({.submission = as_submit.submission(),
                           .received_at = at,
                           .has_open_referral = request.has_open_referral()});
}

absl::StatusOr<v1::ReplayRuleSetResponse> TriageHandler::Replay(
    const v1::ReplayRuleSetRequest& request) const {
  std::vector<router::FieldViolation> violations;
  if (request.max_referrals() < 0 || request.max_referrals() > kMaxReplayLimit) {
    violations.push_back({"max_referrals", absl::StrCat("must be between 0 and ", kMaxReplayLimit)});
  }
  if (request.has_received_after() && request.has_received_before() &&
      FromProtoTime(request.received_before()) <= FromProtoTime(request.received_after())) {
    violations.push_back({"received_before", "must be later than received_after"});
  }
  absl::StatusOr<std::shared_ptr<const router::TriageEngine>> candidate =
      Candidate(request.candidate_rule_set_text(), "candidate_rule_set_text");
  if (request.candidate_rule_set_text().empty()) {
    violations.push_back({"candidate_rule_set_text", "is required"});
  } else if (!candidate.ok()) {
    violations.push_back(
        {"candidate_rule_set_text", std::string(candidate.status().message())});
  }
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);

  const std::shared_ptr<const router::TriageEngine> live = rules_.Current();
  const int limit = request.max_referrals() == 0 ? kDefaultReplayLimit : request.max_referrals();
  v1::ReplayRuleSetResponse out;
  out.set_live_rule_set_version(live->version());
  out.set_candidate_rule_set_version((*candidate)->version());

  storage::ReferralQuery query;
  if (request.has_received_after()) query.received_at_or_after = FromProtoTime(request.received_after());
  if (request.has_received_before()) query.received_before = FromProtoTime(request.received_before());
  query.limit = 500;
  int evaluated = 0;
  while (true) {
    SP_ASSIGN_OR_RETURN(storage::ReferralPage page, store_.ListReferrals(query));
    for (const v1::Referral& r : page.referrals) {
      if (evaluated == limit) {
        out.set_truncated(true);
        break;
      }
      ++evaluated;
      const router::TriageInput input{.submission = r.submission(),
                                      .received_at = FromProtoTime(r.received_at())};
      const v1::TriageDecision was = live->Evaluate(input);
      const v1::TriageDecision now = (*candidate)->Evaluate(input);
      (*out.mutable_transitions())[BandLetter(was.band()) + "->" + BandLetter(now.band())]++;
      if (now.band() == was.band()) {
        out.set_unchanged(out.unchanged() + 1);
      } else if (now.band() < was.band()) {
        out.set_more_urgent(out.more_urgent() + 1);
      } else {
        out.set_less_urgent(out.less_urgent() + 1);
      }
      const bool drops_review = HasReview(was) && !HasReview(now);
      if (now.band() > was.band() || drops_review) {
        v1::BandChange* change = out.add_under_triaged();
        change->set_referral_id(r.referral_id());
        change->set_reference(r.reference());
        change->set_live_band(was.band());
        change->set_candidate_band(now.band());
        change->set_candidate_drops_review(drops_review);
        for (const auto& f : was.fired_rules()) change->add_live_rule_ids(f.rule_id());
        for (const auto& f : now.fired_rules()) change->add_candidate_rule_ids(f.rule_id());
      }
    }
    if (out.truncated() || page.resume_after_id.empty()) break;
    query.start_after_id = page.resume_after_id;
  }
  out.set_referrals_evaluated(evaluated);
  return out;
}

absl::StatusOr<v1::ActivateRuleSetResponse> TriageHandler::Activate(
    const v1::ActivateRuleSetRequest& request) {
  if (request.rule_set_text().empty()) {
    return InvalidArgumentFromViolations({{"rule_set_text", "is required"}});
  }
  if (request.rule_set_text().size() > kMaxRuleSetBytes) {
    return InvalidArgumentFromViolations({{"rule_set_text", "is larger than 1 MiB"}});
  }
  absl::StatusOr<Activation> a = rules_.Activate(request.rule_set_text());
  if (!a.ok()) {
    return InvalidArgumentFromViolations({{"rule_set_text", std::string(a.status().message())}});
  }
  v1::ActivateRuleSetResponse out;
  out.set_rule_set_version(a->version);
  out.set_previous_rule_set_version(a->previous_version);
  return out;
}

v1::ActiveRuleSet TriageHandler::GetActive() const {
  std::shared_ptr<const router::TriageEngine> engine = rules_.Current();
  v1::ActiveRuleSet out;
  out.set_rule_set_version(engine->version());
  *out.mutable_activated_at() = ToProtoTime(rules_.activated_at());
  *out.mutable_rule_set() = engine->rule_set();
  return out;
}

}  // namespace signpost::services
