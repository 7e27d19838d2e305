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
#include "router/directory/routing.h"

namespace {

namespace v1 = ::signpost::v1;
using signpost::router::DirectorySnapshot;

const absl::Time kAt = absl::FromUnixSeconds(1795000000);  // a Friday, 09:46 UTC
const char* const kPathways[] = {"crisis", "eip", "perinatal", "eating_disorder", "memory",
                                 "cmht", "talking_therapies", "substance_use", "adhd",
                                 "older_adult", "young_adult", "camhs", "s117_aftercare",
                                 "personality_disorder", "social_prescribing", "debt_advice",
                                 "housing_support", "employment_support", "carer_support",
                                 "bereavement_support"};

std::shared_ptr<const DirectorySnapshot> Borough(int n) {
  std::mt19937 rng(n);
  std::vector<v1::DirectoryServiceRecord> services;
  services.reserve(n);
  for (int i = 0; i < n; ++i) {
    v1::DirectoryServiceRecord s;
    s.set_id(absl::StrCat("svc-", i));
    s.set_name(absl::StrCat("Service ", i));
    s.set_status(v1::SERVICE_STATUS_ACTIVE);
    s.set_sector(i % 2 ? v1::SERVICE_SECTOR_STATUTORY : v1::SERVICE_SECTOR_VOLUNTARY);
    auto* e = s.mutable_eligibility();
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) e->add_needs(static_cast<v1::PresentingNeed>(1 + rng() % 21));
    e->add_pathways(kPathways[rng() % 20]);
    e->add_postcode_districts(absl::StrCat("D", rng() % 400));
    e->add_postcode_districts(absl::StrCat("D", rng() % 400));
    e->set_min_age_years(16);
    if (i % 3 == 0) e->add_gp_practices(absl::StrCat("G8", 1000 + rng() % 50));
    s.mutable_capacity()->set_status(static_cast<v1::CapacityStatus>(1 + rng() % 4));
    if (i % 10 == 0) {
      s.mutable_schedule()->set_open_24_7(true);
    } else {
      auto* h = s.mutable_schedule()->add_weekly();
      for (int d = 1; d <= 5; ++d) h->add_weekdays(d);
      h->set_opens("09:00");
      h->set_closes("17:00");
    }
    services.push_back(std::move(s));
  }
  return DirectorySnapshot::Build(std::move(services));
}

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
