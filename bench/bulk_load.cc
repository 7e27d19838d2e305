// bulk_load: fills a data directory with N referrals through the real
// intake path (validation, triage with the default rules, routing against
// the demo borough, person linking), writing without fsync so that a
// million referrals take minutes, not hours. For the restart and scaling
// figures in docs/BENCHMARKS.md; never for a live data directory.
//
//   bulk_load --data_dir=/tmp/big --count=1000000 --threads=2 --seed=1
//             --rules=deploy/rules/triage.textproto --directory=deploy/directory
//
// Prints progress every 100k and a final line:
//   bulk_load: stored=1000000 seconds=... rate=.../s
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "bench/referral_generator.h"
#include "common/clock.h"
#include "common/ids.h"
#include "google/protobuf/util/json_util.h"
#include "router/directory/oruk_import.h"
#include "router/triage/triage_engine.h"
#include "storage/store.h"

namespace {

namespace v1 = ::signpost::v1;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "bulk_load: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir, rules = "deploy/rules/triage.textproto", directory = "deploy/directory";
  long count = 1000;
  int threads = 2;
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      const std::string prefix = std::string("--") + name + "=";
      return a.rfind(prefix, 0) == 0 ? argv[i] + prefix.size() : nullptr;
    };
    if (const char* v = value("data_dir"))
      data_dir = v;
    else if (const char* v = value("count"))
      count = std::atol(v);
    else if (const char* v = value("threads"))
      threads = std::atoi(v);
    else if (const char* v = value("seed"))
      seed = std::strtoull(v, nullptr, 10);
    else if (const char* v = value("rules"))
      rules = v;
    else if (const char* v = value("directory"))
      directory = v;
    else
      return Fail("unknown flag " + a);
  }
  if (data_dir.empty() || count < 1 || threads < 1)
    return Fail("--data_dir and --count are required");

  auto store = signpost::storage::Store::Open({.data_dir = data_dir, .sync_writes = false});
  if (!store.ok()) return Fail(std::string(store.status().message()));
  const signpost::Clock& clock = signpost::RealClock();
  auto registry = signpost::app::RuleRegistry::Open(**store, Slurp(rules), rules, clock);
  if (!registry.ok()) return Fail(std::string(registry.status().message()));
  signpost::app::DirectoryRegistry directory_registry(**store);
  if (!directory_registry.Reload().ok()) return Fail("directory reload");
  signpost::IdGenerator ids(clock);
  auto app = signpost::app::App::Create({}, **store, **registry, &directory_registry, clock, ids);
  if (!app.ok()) return Fail(std::string(app.status().message()));
  v1::DirectoryRoster roster;
  if (!google::protobuf::util::JsonStringToMessage(Slurp(directory + "/demo_roster.json"), &roster)
           .ok()) {
    return Fail("roster");
  }
  if (!(*app)
           ->directory()
           ->SeedIfEmpty(Slurp(directory + "/demo_services.json"), "demo", roster, false)
           .ok()) {
    return Fail("directory import");
  }
  signpost::app::ReferralHandler& handler = (*app)->referrals();

  std::atomic<long> next{0};
  std::atomic<long> stored{0};
  std::atomic<long> errors{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      signpost::bench::ReferralGenerator gen(seed * 1000 + static_cast<uint64_t>(t));
      for (long i = next++; i < count; i = next++) {
        v1::SubmitReferralRequest r = gen.Next();
        r.set_request_id("bulk-" + std::to_string(seed) + "-" + std::to_string(i));
        if (handler.Submit(std::move(r)).ok()) {
          const long n = ++stored;
          if (n % 100000 == 0) std::fprintf(stderr, "bulk_load: %ld\n", n);
        } else {
          ++errors;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("bulk_load: stored=%ld errors=%ld seconds=%.1f rate=%.0f/s\n", stored.load(),
              errors.load(), seconds, static_cast<double>(stored.load()) / seconds);
  return errors.load() == 0 ? 0 : 1;
}
