// `signpost triage` and `signpost rules ...`: dry runs, local checks and
// evaluation of rule files, activation and replay.
#include <cstdio>
#include <iostream>

#include "absl/flags/flag.h"
#include "google/protobuf/util/time_util.h"
#include "proto/signpost/labels.h"
#include "router/triage/triage_engine.h"
#include "router/triage/vignettes.h"
#include "signpost/v1/referral_service.pb.h"
#include "signpost/v1/triage_service.pb.h"
#include "tools/cli.h"

ABSL_FLAG(std::string, rules_file, "", "triage: evaluate with this candidate rule file.");
ABSL_FLAG(std::string, from, "", "rules replay: received at or after (RFC 3339).");
ABSL_FLAG(std::string, to, "", "rules replay: received before (RFC 3339).");
ABSL_FLAG(std::string, override_reason, "",
          "rules activate: override the safety gate, with this reason (recorded).");
ABSL_FLAG(std::string, from_channel, "gp",
          "rules read: who wrote the story (gp, self, call_hub, ...).");
ABSL_FLAG(bool, show_held_out, false,
          "rules evaluate: also list the held-out vignettes missed (never while tuning).");

namespace signpost::cli {
namespace {

namespace v1 = ::signpost::v1;
std::string Triage(const std::string& rpc) { return "signpost.v1.TriageService." + rpc; }

int Evaluate(const Context& ctx) {
  v1::SubmitReferralRequest submit;
  if (!ParseJson("@" + ctx.args[0], &submit)) return 2;
  v1::EvaluateReferralRequest request;
  *request.mutable_submission() = submit.submission();
  if (!absl::GetFlag(FLAGS_rules_file).empty() &&
      !ReadFile(absl::GetFlag(FLAGS_rules_file), request.mutable_rule_set_text())) {
    return 2;
  }
  return Invoke(ctx, Triage("EvaluateReferral"), request);
}

// Local validation of a rule file: no server needed.
int RulesCheck(const Context& ctx) {
  std::string text;
  if (!ReadFile(ctx.args[0], &text)) return 2;
  auto engine = router::TriageEngine::FromText(text);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", std::string(engine.status().message()).c_str());
    return 1;
  }
  std::printf("valid: version %s, %d rules\n", (*engine)->version().c_str(),
              (*engine)->rule_set().rules_size());
  return 0;
}

int RulesActive(const Context& ctx) {
  v1::ActiveRuleSet active;
  grpc::Status status =
      Call(ctx, Triage("GetActiveRuleSet"), v1::GetActiveRuleSetRequest(), &active);
  if (!status.ok()) return Fail(status);
  std::printf("%s (activated %s)\n", active.rule_set_version().c_str(),
              google::protobuf::util::TimeUtil::ToString(active.activated_at()).c_str());
  return 0;
}

int RulesActivate(const Context& ctx) {
  v1::ActivateRuleSetRequest request;
  if (!ReadFile(ctx.args[0], request.mutable_rule_set_text())) return 2;
  request.set_override_reason(absl::GetFlag(FLAGS_override_reason));
  return Invoke(ctx, Triage("ActivateRuleSet"), request);
}

// Scores a rule file against a vignette corpus, locally: exit 3 if any
// vignette of either split is under-triaged.
int RulesEvaluate(const Context& ctx) {
  std::string rules_text;
  std::string corpus_text;
  if (!ReadFile(ctx.args[0], &rules_text) || !ReadFile(ctx.args[1], &corpus_text)) return 2;
  auto engine = router::TriageEngine::FromText(rules_text);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", std::string(engine.status().message()).c_str());
    return 1;
  }
  auto corpus = router::ParseVignetteCorpus(corpus_text);
  if (!corpus.ok()) {
    std::fprintf(stderr, "%s\n", std::string(corpus.status().message()).c_str());
    return 1;
  }
  const router::CorpusScore score = router::ScoreCorpus(**engine, *corpus);
  std::printf("rules %s, corpus %s (seed %llu, %d%% held out)\n%s", (*engine)->version().c_str(),
              ctx.args[1].c_str(), static_cast<unsigned long long>(corpus->split_seed()),
              corpus->held_out_percent(),
              router::FormatScore(score, absl::GetFlag(FLAGS_show_held_out)).c_str());
  const bool under =
      !score.development.under_triaged.empty() || !score.held_out.under_triaged.empty();
  return under ? 3 : 0;
}

bool ParseTime(const std::string& text, google::protobuf::Timestamp* out) {
  if (google::protobuf::util::TimeUtil::FromString(text, out)) return true;
  std::fprintf(stderr, "not an RFC 3339 time: %s\n", text.c_str());
  return false;
}

int RulesReplay(const Context& ctx) {
  v1::ReplayRuleSetRequest request;
  if (!ReadFile(ctx.args[0], request.mutable_candidate_rule_set_text())) return 2;
  if ((!absl::GetFlag(FLAGS_from).empty() &&
       !ParseTime(absl::GetFlag(FLAGS_from), request.mutable_received_after())) ||
      (!absl::GetFlag(FLAGS_to).empty() &&
       !ParseTime(absl::GetFlag(FLAGS_to), request.mutable_received_before()))) {
    return 2;
  }
  v1::ReplayRuleSetResponse response;
  grpc::Status status = Call(ctx, Triage("ReplayRuleSet"), request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(response);
  return response.under_triaged_size() == 0 ? 0 : 3;  // 3: under-triage found
}

// Shows how a rule file's lexicon reads a story: every finding with its
// polarity, time, experiencer, certainty and words.
int RulesRead(const Context& ctx) {
  std::string rules_text;
  if (!ReadFile(ctx.args[0], &rules_text)) return 2;
  auto engine = router::TriageEngine::FromText(rules_text);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", std::string(engine.status().message()).c_str());
    return 1;
  }
  const auto channel = ParseEnum<v1::SourceChannel>(absl::GetFlag(FLAGS_from_channel));
  if (!channel) return Usage("--from_channel: not a source channel");
  for (const v1::Finding& f : (*engine)->ReadStory(ctx.args[1], absl::Now(), *channel)) {
    std::printf("%-24s %-8s %-12s %-5s %-8s [%d,%d) \"%s\"\n", f.concept_id().c_str(),
                f.affirmed() ? "affirmed" : "NEGATED",
                EnumSuffix(v1::FindingTime_descriptor(), f.time()).c_str(),
                f.experiencer() == v1::EXPERIENCER_OTHER ? "OTHER" : "self",
                f.definite() ? "definite" : "possible", f.start(), f.end(), f.text().c_str());
  }
  return 0;
}

}  // namespace

std::vector<Command> TriageCommands() {
  return {
      {"triage", "FILE [--rules_file=F]", "Dry-run triage of a referral (stores nothing).",
       Evaluate, 1, 1},
      {"rules check", "FILE", "Validate a rule file locally (no server).", RulesCheck, 1, 1},
      {"rules evaluate", "RULES CORPUS [--show_held_out]",
       "Score a rule file against a vignette corpus locally (exit 3 on under-triage).",
       RulesEvaluate, 2, 2},
      {"rules read", "RULES STORY", "How a rule file's lexicon reads a story (its findings).",
       RulesRead, 2, 2},
      {"rules active", "", "The rule set in force.", RulesActive},
      {"rules activate", "FILE [--override_reason=R]",
       "Make a rule set live (the safety gate may refuse it).", RulesActivate, 1, 1},
      {"rules replay", "FILE [--from=T --to=T]", "Every stored referral a candidate under-triages.",
       RulesReplay, 1, 1},
  };
}

}  // namespace signpost::cli
