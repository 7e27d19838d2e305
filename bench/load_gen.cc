// Load generator: submits realistic, varied referrals (seeded) to a running
// Signpost server over gRPC and reports throughput and latency.
//
//   load_gen --server=127.0.0.1:50051 --mode=closed --concurrency=16 --seconds=5
//   load_gen --server=127.0.0.1:50051 --mode=open --rate=800 --seconds=5
//   load_gen ... --rpc=get        # GetReferral of ids submitted first
//   load_gen ... --rpc=list       # ListReferrals, first page of 50
//   load_gen ... --rpc=noop       # the server framework alone: a GetReferral
//                                 # refused by validation (no storage)
//
// Closed loop: `concurrency` callers, each sending its next call when the
// last returns. Open loop: calls are due at a fixed rate; each call's latency
// is measured from the time it was due, not from when a worker got to it, so
// queueing is not hidden (no coordinated omission). Prints one summary line:
//   mode=closed rpc=submit concurrency=16 ok=... errors=... rate=.../s
//   p50=...us p99=...us p99.9=...us
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "signpost/v1/referral_service.grpc.pb.h"

namespace {

namespace v1 = ::signpost::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string server = "127.0.0.1:50051";
  std::string mode = "closed";
  std::string rpc = "submit";
  int concurrency = 1;
  double rate = 100;
  double seconds = 5;
  uint64_t seed = 1;
};

// Seeded, varied, valid referrals (test-range NHS numbers; demo-borough
// postcodes and GP practices).
class ReferralGenerator {
 public:
  explicit ReferralGenerator(uint64_t seed) : rng_(seed), seed_(seed) {}

  v1::SubmitReferralRequest Next() {
    static const char* const kStories[] = {
        "Low mood for three months, poor sleep. Denies suicidal thoughts.",
        "Panic attacks most days, cannot use public transport. No self-harm.",
        "Hearing voices for a month, paranoid about neighbours.",
        "Six weeks postnatal, tearful and anxious, good support at home.",
        "Facing eviction and debt, feels isolated since bereavement.",
        "Has a plan to jump from the car park tonight and has said goodbyes.",
        "Restrictive eating for a year, weight stable, wants help.",
        "Forgetful for a year, family worried, lives alone.",
    };
    static const char* const kPostcodes[] = {"SE6 4RU",  "SE13 5AB", "SE4 1AA",  "SE8 3BT",
                                             "SE12 9ND", "SE23 2EE", "SE26 4PP", "SE14 6JL"};
    static const v1::PresentingNeed kNeeds[] = {v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION,
                                                v1::PRESENTING_NEED_ANXIETY,
                                                v1::PRESENTING_NEED_PSYCHOSIS,
                                                v1::PRESENTING_NEED_PERINATAL,
                                                v1::PRESENTING_NEED_HOUSING,
                                                v1::PRESENTING_NEED_SUICIDAL_IDEATION,
                                                v1::PRESENTING_NEED_EATING_DISORDER,
                                                v1::PRESENTING_NEED_MEMORY_COGNITION};
    const int kind = static_cast<int>(rng_() % 8);
    v1::SubmitReferralRequest r;
    r.set_request_id(absl::StrCat("load-", seed_, "-", counter_++));
    auto* s = r.mutable_submission();
    s->set_channel(v1::SOURCE_CHANNEL_GP);
    s->mutable_referrer()->set_ods_code(absl::StrCat("G8500", 1 + rng_() % 9));
    s->mutable_referrer()->set_phone("020 7946 0000");
    auto* p = s->mutable_person();
    p->set_nhs_number(NhsNumber());
    p->set_given_name("Load");
    p->set_family_name(absl::StrCat("Test", counter_ % 1000));
    p->mutable_date_of_birth()->set_year(1940 + static_cast<int>(rng_() % 65));
    p->mutable_date_of_birth()->set_month(1 + static_cast<int>(rng_() % 12));
    p->mutable_date_of_birth()->set_day(1 + static_cast<int>(rng_() % 28));
    p->set_postcode(kPostcodes[rng_() % 8]);
    p->set_registered_gp_practice_ods(s->referrer().ods_code());
    p->mutable_contact()->set_phone("07700 900123");
    s->set_story(kStories[kind]);
    s->add_presenting_needs(kNeeds[kind]);
    auto* risk = s->mutable_risk();
    risk->set_to_self(kind == 5 ? v1::RISK_LEVEL_HIGH : static_cast<v1::RiskLevel>(1 + rng_() % 3));
    risk->set_to_others(v1::RISK_LEVEL_NONE);
    risk->set_from_others(v1::RISK_LEVEL_NONE);
    risk->set_safeguarding_concern(v1::ANSWER_NO);
    return r;
  }

 private:
  // A valid test-range (999...) NHS number.
  std::string NhsNumber() {
    while (true) {
      std::string d = absl::StrCat("999", 1000000 + rng_() % 9000000);
      int sum = 0;
      for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * (10 - i);
      const int check = 11 - sum % 11;
      if (check == 10) continue;
      return d.substr(0, 9) + static_cast<char>('0' + (check == 11 ? 0 : check));
    }
  }

  std::mt19937_64 rng_;
  uint64_t seed_;
  uint64_t counter_ = 0;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) { return a.substr(std::string(name).size()); };
    if (a.rfind("--server=", 0) == 0) {
      o.server = value("--server=");
    } else if (a.rfind("--mode=", 0) == 0) {
      o.mode = value("--mode=");
    } else if (a.rfind("--rpc=", 0) == 0) {
      o.rpc = value("--rpc=");
    } else if (a.rfind("--concurrency=", 0) == 0) {
      o.concurrency = std::stoi(value("--concurrency="));
    } else if (a.rfind("--rate=", 0) == 0) {
      o.rate = std::stod(value("--rate="));
    } else if (a.rfind("--seconds=", 0) == 0) {
      o.seconds = std::stod(value("--seconds="));
    } else if (a.rfind("--seed=", 0) == 0) {
      o.seed = std::stoull(value("--seed="));
    } else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  if ((o.mode != "closed" && o.mode != "open") ||
      (o.rpc != "submit" && o.rpc != "get" && o.rpc != "list" && o.rpc != "noop") ||
      o.concurrency < 1 || o.rate <= 0 || o.seconds <= 0) {
    std::fprintf(stderr, "bad flags\n");
    return 2;
  }
  auto channel = grpc::CreateChannel(o.server, grpc::InsecureChannelCredentials());
  auto stub = v1::ReferralService::NewStub(channel);

  // For GetReferral, first create the ids to read.
  std::vector<std::string> ids;
  ReferralGenerator warm(o.seed + 1000);
  if (o.rpc == "get" || o.rpc == "list") {
    for (int i = 0; i < 200; ++i) {
      grpc::ClientContext ctx;
      v1::SubmitReferralResponse r;
      if (stub->SubmitReferral(&ctx, warm.Next(), &r).ok())
        ids.push_back(r.referral().referral_id());
    }
    if (ids.empty()) {
      std::fprintf(stderr, "could not create referrals to read\n");
      return 1;
    }
  }

  std::mutex mu;
  std::vector<double> latencies;
  std::atomic<long> ok{0}, errors{0};
  // One call; returns true on success.
  auto call = [&](ReferralGenerator& gen, size_t i) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (o.rpc == "submit") {
      v1::SubmitReferralResponse r;
      return stub->SubmitReferral(&ctx, gen.Next(), &r).ok();
    }
    if (o.rpc == "list") {
      v1::ListReferralsRequest l;
      l.set_page_size(50);
      v1::ListReferralsResponse r;
      return stub->ListReferrals(&ctx, l, &r).ok() && r.referrals_size() > 0;
    }
    v1::GetReferralRequest g;
    v1::Referral r;
    if (o.rpc == "noop") {
      // Refused by validation before any storage work: the framework's cost
      // (transport, worker pool, logging) alone.
      g.set_referral_id("not-an-id!");
      return stub->GetReferral(&ctx, g, &r).error_code() == grpc::StatusCode::INVALID_ARGUMENT;
    }
    g.set_referral_id(ids[i % ids.size()]);
    return stub->GetReferral(&ctx, g, &r).ok();
  };

  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  if (o.mode == "closed") {
    for (int t = 0; t < o.concurrency; ++t) {
      threads.emplace_back([&, t] {
        ReferralGenerator gen(o.seed * 1000 + t);
        std::vector<double> mine;
        for (size_t i = 0; Clock::now() < end; ++i) {
          const auto t0 = Clock::now();
          (call(gen, i) ? ok : errors)++;
          mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        }
        std::lock_guard<std::mutex> lock(mu);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
      });
    }
  } else {
    // Open loop: call k is due at start + k / rate. Workers take the next
    // due call; latency counts from the due time.
    const auto interval = std::chrono::duration<double>(1.0 / o.rate);
    std::atomic<long> next{0};
    const int workers = std::max(o.concurrency, 64);
    for (int t = 0; t < workers; ++t) {
      threads.emplace_back([&, t] {
        ReferralGenerator gen(o.seed * 1000 + t);
        std::vector<double> mine;
        while (true) {
          const long k = next.fetch_add(1);
          const auto due = start + std::chrono::duration_cast<Clock::duration>(interval * k);
          if (due >= end) break;
          std::this_thread::sleep_until(due);
          (call(gen, static_cast<size_t>(k)) ? ok : errors)++;
          mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - due).count());
        }
        std::lock_guard<std::mutex> lock(mu);
        latencies.insert(latencies.end(), mine.begin(), mine.end());
      });
    }
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "mode=%s rpc=%s concurrency=%d%s ok=%ld errors=%ld rate=%.0f/s p50=%.0fus p99=%.0fus "
      "p99.9=%.0fus\n",
      o.mode.c_str(), o.rpc.c_str(), o.concurrency,
      o.mode == "open" ? absl::StrCat(" target=", static_cast<long>(o.rate), "/s").c_str() : "",
      ok.load(), errors.load(), static_cast<double>(ok.load()) / elapsed,
      Percentile(latencies, 0.5), Percentile(latencies, 0.99), Percentile(latencies, 0.999));
  return errors.load() == 0 ? 0 : 1;
}
