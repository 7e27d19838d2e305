#include "app/safety_gate.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "proto/signpost/labels.h"
#include "proto/signpost/proto_time.h"
#include "router/triage/vignettes.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;

constexpr int kListed = 20;

bool HasReview(const v1::TriageDecision& d) {
  return std::find(d.flags().begin(), d.flags().end(), v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW) !=
         d.flags().end();
}

std::string FirstOf(const google::protobuf::RepeatedPtrField<std::string>& items) {
  std::vector<std::string> shown(items.begin(), items.begin() + std::min(items.size(), kListed));
  std::string out = absl::StrJoin(shown, ", ");
  if (items.size() > kListed) absl::StrAppend(&out, " and ", items.size() - kListed, " more");
  return out;
}

}  // namespace

SafetyGate::SafetyGate(storage::Store& store, v1::VignetteCorpus corpus, int replay_limit)
    : store_(store), corpus_(std::move(corpus)), replay_limit_(replay_limit) {}

absl::StatusOr<std::unique_ptr<SafetyGate>> SafetyGate::FromCorpusText(
    storage::Store& store, std::string_view corpus_text) {
  SP_ASSIGN_OR_RETURN(v1::VignetteCorpus corpus, router::ParseVignetteCorpus(corpus_text));
  return std::make_unique<SafetyGate>(store, std::move(corpus));
}

absl::StatusOr<v1::SafetyGateReport> SafetyGate::Check(const router::TriageEngine& candidate,
                                                       const router::TriageEngine* live) const {
  v1::SafetyGateReport report;
  int evaluated = 0;
  for (const v1::TriageVignette& v : corpus_.vignettes()) {
    // The held-out split measures; a gate over it would make it a target.
    if (router::IsHeldOut(corpus_, v)) continue;
    ++evaluated;
    if (router::BandFor(candidate, v) > v.expected_band()) {
      report.add_under_triaged_vignettes(v.id());
    }
  }
  report.set_vignettes_evaluated(evaluated);
  if (live == nullptr) return report;
  v1::ReplayRuleSetResponse replay;
  storage::ReferralQuery query;
  query.limit = 500;
  int replayed = 0;
  while (replayed < replay_limit_) {
    SP_ASSIGN_OR_RETURN(storage::ReferralPage page, store_.ListReferrals(query));
    for (const v1::Referral& r : page.referrals) {
      if (replayed == replay_limit_) break;
      ++replayed;
      CompareOnReplay(r, *live, candidate, replay);
    }
    if (page.resume_after_id.empty()) break;
    query.start_after_id = page.resume_after_id;
  }
  report.set_referrals_replayed(replayed);
  for (const v1::BandChange& c : replay.under_triaged()) {
    report.add_under_triaged_referrals(c.reference().empty() ? c.referral_id() : c.reference());
  }
  return report;
}

bool Passes(const v1::SafetyGateReport& report) {
  return report.under_triaged_vignettes().empty() && report.under_triaged_referrals().empty();
}

absl::Status GateRefusal(const v1::SafetyGateReport& report) {
  std::vector<std::string> parts;
  if (!report.under_triaged_vignettes().empty()) {
    parts.push_back(absl::StrCat(report.under_triaged_vignettes_size(), " of ",
                                 report.vignettes_evaluated(), " corpus vignette(s) (",
                                 FirstOf(report.under_triaged_vignettes()), ")"));
  }
  if (!report.under_triaged_referrals().empty()) {
    parts.push_back(absl::StrCat(report.under_triaged_referrals_size(), " of ",
                                 report.referrals_replayed(), " stored referral(s) on replay (",
                                 FirstOf(report.under_triaged_referrals()), ")"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "safety gate: the candidate rule set under-triages ", absl::StrJoin(parts, " and "),
      "; the live rules stay in force. To activate it anyway, give override_reason (recorded)"));
}

void CompareOnReplay(const v1::Referral& r, const router::TriageEngine& live,
                     const router::TriageEngine& candidate, v1::ReplayRuleSetResponse& out) {
  const router::TriageInput input{.submission = r.submission(),
                                  .received_at = FromProtoTime(r.received_at())};
  const v1::TriageDecision was = live.Evaluate(input);
  const v1::TriageDecision now = candidate.Evaluate(input);
  (*out.mutable_transitions())[BandLetter(was.band()) + "->" + BandLetter(now.band())]++;
  if (now.band() == was.band()) {
    out.set_unchanged(out.unchanged() + 1);
  } else if (now.band() < was.band()) {
    out.set_more_urgent(out.more_urgent() + 1);
  } else {
    out.set_less_urgent(out.less_urgent() + 1);
  }
  const bool drops_review = HasReview(was) && !HasReview(now);
  if (now.band() <= was.band() && !drops_review) return;
  v1::BandChange* change = out.add_under_triaged();
  change->set_referral_id(r.referral_id());
  change->set_reference(r.reference());
  change->set_live_band(was.band());
  change->set_candidate_band(now.band());
  change->set_candidate_drops_review(drops_review);
  for (const auto& f : was.fired_rules()) change->add_live_rule_ids(f.rule_id());
  for (const auto& f : now.fired_rules()) change->add_candidate_rule_ids(f.rule_id());
}

}  // namespace signpost::app
