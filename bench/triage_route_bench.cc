// triage_route_bench: p50/p99/p99.9 of triage plus routing for one
// referral, per call, at 1k, 10k and 100k services and 10, 200 and 1,000
// rules (the issue-6 goal: p99 <= 100 us at 10k services and 200 rules,
// growing sub-linearly with the directory). Google Benchmark reports means;
// this times every call so the tail is visible.
//
//   build/bench/triage_route_bench [--calls=20000] [--story_bytes=500]
//
// Prints one line per configuration:
//   services=10000 rules=200 story=500B calls=20000 p50=..us p99=..us ...
// Issue 11's goal is p99 <= 100 us with --story_bytes=2048 and 200 rules.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/synthetic.h"
#include "router/directory/routing.h"

namespace {

namespace v1 = ::signpost::v1;
using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int calls = 20000;
  size_t story_bytes = 500;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--calls=", 0) == 0) {
      calls = std::max(1, std::stoi(a.substr(8)));
    } else if (a.rfind("--story_bytes=", 0) == 0) {
      story_bytes = static_cast<size_t>(std::max(1, std::stoi(a.substr(14))));
    } else {
      std::fprintf(stderr, "usage: triage_route_bench [--calls=N] [--story_bytes=N]\n");
      return 2;
    }
  }
  const absl::Time at = absl::FromUnixSeconds(1795000000);  // a Friday, 09:46 UTC
  // A referral with `story_bytes` of story (500 is typical), in a
  // district the synthetic borough covers.
  v1::ReferralSubmission s = signpost::bench::Submission(story_bytes);
  s.mutable_person()->set_postcode("D17");
  s.add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
  const signpost::router::TeamRoster roster;
  for (int services : {1000, 10000, 100000}) {
    const auto borough = signpost::bench::Borough(services);
    for (int rules : {10, 200, 1000}) {
      const auto engine = signpost::bench::SyntheticEngine(rules);
      std::vector<double> us;
      us.reserve(static_cast<size_t>(calls));
      size_t sink = 0;
      for (int i = 0; i < calls; ++i) {
        const auto t0 = Clock::now();
        v1::TriageDecision d = engine->Evaluate({.submission = s, .received_at = at});
        // The default rules tag low mood and anxiety with these pathways;
        // the synthetic rules do not, so add them as intake would see them.
        d.add_pathways()->set_id("talking_therapies");
        d.add_pathways()->set_id("social_prescribing");
        v1::RoutingDecision r = signpost::router::RouteReferral(
            {.submission = s, .triage = d, .received_at = at}, *borough, roster);
        sink += static_cast<size_t>(r.candidates_size());
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
      std::printf(
          "services=%d rules=%d story=%zuB calls=%d p50=%.1fus p99=%.1fus p99.9=%.1fus "
          "(sink %zu)\n",
          services, rules, story_bytes, calls, Percentile(us, 0.5), Percentile(us, 0.99),
          Percentile(us, 0.999), sink % 7);
    }
  }
  return 0;
}
