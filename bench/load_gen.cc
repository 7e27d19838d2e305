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
#include "bench/referral_generator.h"
#include "grpcpp/grpcpp.h"
#include "signpost/v1/referral_service.grpc.pb.h"

namespace {

namespace v1 = ::signpost::v1;
using signpost::bench::ReferralGenerator;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string server = "127.0.0.1:50051";
  std::string mode = "closed";
  std::string rpc = "submit";
  int concurrency = 1;
  double rate = 100;
  double seconds = 5;
  uint64_t seed = 1;
  // Bearer token sent with every call (the server authenticates callers).
  std::string token;
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
    } else if (a.rfind("--token=", 0) == 0) {
      o.token = value("--token=");
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
      if (!o.token.empty()) ctx.AddMetadata("authorization", "Bearer " + o.token);
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
    if (!o.token.empty()) ctx.AddMetadata("authorization", "Bearer " + o.token);
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
