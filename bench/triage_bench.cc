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
#include "bench/synthetic.h"
#include "common/clock.h"
#include "common/ids.h"
#include "proto/signpost/proto_time.h"
#include "router/triage/triage_engine.h"
#include "storage/store.h"

namespace {

namespace v1 = ::signpost::v1;
using signpost::bench::ReadFile;
using signpost::bench::Submission;
using signpost::bench::SyntheticEngine;
using signpost::router::TriageEngine;

const absl::Time kAt = absl::FromUnixSeconds(1795000000);

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
    auto store = signpost::storage::Store::Open({.data_dir = dir});
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
      auto outcome = (*store)->Apply({.referral = signpost::storage::ReferralPut{
                                          .record = r,
                                          .events = {e, e},
                                          .idempotency_scope = "G85001",
                                          .reference_candidates = {ids.NextReference()}}});
      if (!outcome.ok()) std::abort();
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DurableCreate)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
