// Triage cost, and triage against the durable write it rides on.
//
//   build/bench/triage_bench --benchmark_min_time=0.2
//
// BM_Triage/<rules>/<story bytes>: synthetic rule sets of 10, 100 and 1000
// rules (a mix of structured conditions and RE2 story patterns, shaped like
// the default rules) against stories of 100 B, 2 KB and 32 KB.
// BM_TriageDefaultRules/<story bytes>: the shipped rules.
// BM_DurableCreate: one referral stored with sync=true in a temp directory on
// the same disk, the ceiling triage is compared with (docs/BENCHMARKS.md
// reports the ratio).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/ids.h"
#include "proto/signpost/proto_time.h"
#include "router/triage/triage_engine.h"
#include "storage/referral_store.h"

namespace {

namespace v1 = ::signpost::v1;
using signpost::router::TriageEngine;

const absl::Time kAt = absl::FromUnixSeconds(1795000000);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A story of about `bytes` bytes built from realistic clinical sentences,
// some negated, so both the RE2::Set screen and the negation check work.
std::string Story(size_t bytes) {
  static const char* const kSentences[] = {
      "Low mood for several months with poor sleep and appetite. ",
      "Denies suicidal thoughts at present. ",
      "Lives with partner and two children, works part time. ",
      "Reports hearing voices at night when stressed, no command hallucinations. ",
      "No thoughts of harming others. ",
      "Drinks alcohol most evenings, trying to cut down. ",
      "Has previously self-harmed but not in the last year. ",
      "Finances are difficult after losing overtime. ",
  };
  std::string out;
  for (size_t i = 0; out.size() < bytes; ++i) out += kSentences[i % 8];
  out.resize(bytes);
  return out;
}

v1::ReferralSubmission Submission(size_t story_bytes) {
  v1::ReferralSubmission s;
  s.set_channel(v1::SOURCE_CHANNEL_GP);
  s.mutable_referrer()->set_ods_code("G85001");
  auto* p = s.mutable_person();
  p->set_given_name("Bench");
  p->set_family_name("Mark");
  p->mutable_date_of_birth()->set_year(1984);
  p->mutable_date_of_birth()->set_month(7);
  p->mutable_date_of_birth()->set_day(3);
  s.set_story(Story(story_bytes));
  s.add_presenting_needs(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION);
  s.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
  s.mutable_risk()->set_to_others(v1::RISK_LEVEL_NONE);
  s.mutable_risk()->set_from_others(v1::RISK_LEVEL_NONE);
  s.mutable_risk()->set_safeguarding_concern(v1::ANSWER_NO);
  return s;
}

// The default rules' header (bands, negation, hours, pathways) plus `n`
// synthetic rules: every third tests structured risk, the rest carry two
// story patterns each, of which a few match the bench story.
std::shared_ptr<const TriageEngine> SyntheticEngine(int n) {
  auto base = TriageEngine::FromText(ReadFile(SIGNPOST_DEFAULT_RULES));
  if (!base.ok()) std::abort();
  v1::RuleSet rules = (*base)->rule_set();
  rules.clear_rules();
  for (int i = 0; i < n; ++i) {
    v1::TriageRule* r = rules.add_rules();
    r->set_id(absl::StrCat("synthetic.", i));
    r->set_description("synthetic rule");
    if (i % 3 == 0) {
      r->mutable_when()->add_risk_to_self_in(static_cast<v1::RiskLevel>(1 + i % 5));
      r->mutable_when()->add_needs_any(static_cast<v1::PresentingNeed>(1 + i % 21));
    } else if (i % 50 == 1) {
      r->mutable_when()->add_story_matches_any("\\bhearing voices\\b");
      r->mutable_when()->add_story_matches_any(absl::StrCat("\\bvoices number ", i, "\\b"));
    } else {
      r->mutable_when()->add_story_matches_any(absl::StrCat("\\bsymptom", i, " (alpha|beta)\\b"));
      r->mutable_when()->add_story_matches_any(absl::StrCat("\\bthoughts of term", i, "\\b"));
    }
    r->set_band(static_cast<v1::UrgencyBand>(1 + i % 5));
  }
  auto engine = TriageEngine::FromRuleSet(rules);
  if (!engine.ok()) std::abort();
  return *engine;
}

void BM_Triage(benchmark::State& state) {
  const auto engine = SyntheticEngine(static_cast<int>(state.range(0)));
  const v1::ReferralSubmission s = Submission(static_cast<size_t>(state.range(1)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine->Evaluate({.submission = s, .received_at = kAt}));
  }
  state.SetBytesProcessed(state.iterations() * state.range(1));
}
BENCHMARK(BM_Triage)
    ->ArgsProduct({{10, 100, 1000}, {100, 2048, 32768}})
    ->Unit(benchmark::kMicrosecond);

void BM_TriageDefaultRules(benchmark::State& state) {
  auto engine = TriageEngine::FromText(ReadFile(SIGNPOST_DEFAULT_RULES));
  if (!engine.ok()) std::abort();
  const v1::ReferralSubmission s = Submission(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize((*engine)->Evaluate({.submission = s, .received_at = kAt}));
  }
}
BENCHMARK(BM_TriageDefaultRules)->Arg(100)->Arg(2048)->Arg(32768)->Unit(benchmark::kMicrosecond);

// One durable referral write (sync=true), one writer: the fdatasync-bound
// ceiling of a submit on this disk.
void BM_DurableCreate(benchmark::State& state) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("signpost-bench-", getpid())).string();
  std::filesystem::remove_all(dir);
  {
    auto store = signpost::storage::ReferralStore::Open({.data_dir = dir});
    if (!store.ok()) std::abort();
    signpost::IdGenerator ids(signpost::RealClock());
    const v1::ReferralSubmission s = Submission(2048);
    int n = 0;
    for (auto _ : state) {
      v1::Referral r;
      r.set_referral_id(ids.NextReferralId());
      r.set_request_id(absl::StrCat("bench-", n++));
      r.set_status(v1::REFERRAL_STATUS_TRIAGED);
      *r.mutable_submission() = s;
      v1::ReferralEvent e;
      e.set_referral_id(r.referral_id());
      auto outcome =
          (*store)->CreateReferral(r, {e, e}, "G85001", [&] { return ids.NextReference(); }, {});
      if (!outcome.ok()) std::abort();
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DurableCreate)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
