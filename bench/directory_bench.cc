// Directory search and routing cost as the directory grows.
//
//   build/bench/directory_bench --benchmark_min_time=0.2
//
// Synthetic boroughs of 1k, 10k and 100k services: each serves 1-3 of 21
// needs and one of 20 pathways, in 2 of 400 postcode districts, a third
// with GP catchments, mixed schedules and capacity. BM_Search asks for one
// need in one district (indexed); BM_SearchExplained also lists exclusions;
// BM_Route routes a triaged referral (per-pathway searches, clock checks,
// one explained search).
#include <benchmark/benchmark.h>

#include <random>

#include "absl/strings/str_cat.h"
#include "bench/synthetic.h"
#include "router/directory/routing.h"

namespace {

namespace v1 = ::signpost::v1;
using signpost::bench::Borough;
using signpost::router::DirectorySnapshot;

const absl::Time kAt = absl::FromUnixSeconds(1795000000);  // a Friday, 09:46 UTC
v1::SearchServicesRequest Query(bool explain) {
  v1::SearchServicesRequest q;
  q.add_needs(v1::PRESENTING_NEED_ANXIETY);
  q.set_postcode("D17");
  q.set_age_years(30);
  q.set_explain_exclusions(explain);
  return q;
}

void BM_Search(benchmark::State& state) {
  const auto borough = Borough(static_cast<int>(state.range(0)));
  const auto q = Query(false);
  for (auto _ : state) benchmark::DoNotOptimize(borough->Search(q, absl::UTCTimeZone()));
}
BENCHMARK(BM_Search)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

void BM_SearchExplained(benchmark::State& state) {
  const auto borough = Borough(static_cast<int>(state.range(0)));
  const auto q = Query(true);
  for (auto _ : state) benchmark::DoNotOptimize(borough->Search(q, absl::UTCTimeZone()));
}
BENCHMARK(BM_SearchExplained)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

void BM_Route(benchmark::State& state) {
  const auto borough = Borough(static_cast<int>(state.range(0)));
  v1::ReferralSubmission s;
  s.set_channel(v1::SOURCE_CHANNEL_GP);
  s.mutable_person()->set_postcode("D17");
  s.add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
  v1::TriageDecision d;
  d.set_band(v1::URGENCY_BAND_D);
  d.set_age_years(30);
  d.mutable_respond_by()->set_seconds(1795000000 + 72 * 3600);
  d.add_pathways()->set_id("talking_therapies");
  d.add_pathways()->set_id("social_prescribing");
  signpost::router::TeamRoster roster;
  for (auto _ : state) {
    benchmark::DoNotOptimize(signpost::router::RouteReferral(
        {.submission = s, .triage = d, .received_at = kAt}, *borough, roster));
  }
}
BENCHMARK(BM_Route)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
