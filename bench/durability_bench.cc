// Durable-write ceilings and the referral store against them, measured in
// the same run on the same disk (docs/BENCHMARKS.md, issue 6).
//
//   build/bench/durability_bench [--dir=/path/on/the/data/disk] [--seconds=2]
//   build/bench/durability_bench --smoke      # a few hundred ms (ctest)
//
// Prints, for the data directory's disk:
//   1. fdatasync latency of a 512-byte append (p50, p99, p99.9);
//   2. raw RocksDB Write(sync=true) throughput with a value the size of a
//      stored referral, at 1, 4, 16 and 64 concurrent writers (group commit);
//   3. Store::Apply of a new referral (record + 4 index entries + idempotency
//      record + 3 events, one synced batch) at the same concurrency, with
//      p50/p99/p99.9 latency and the ratio to (2);
//   4. what the audit trail adds (issue 12): the same create with its audit
//      entry in the batch, and a read's entry on its own (AppendAudit,
//      synced), each with its ratio to (2).
// The raw ceiling goes through storage::RawSyncWriter, so RocksDB stays
// inside storage/.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/ids.h"
#include "storage/store.h"
#include "storage/testing/raw_sync_writer.h"

namespace {

namespace v1 = ::signpost::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string dir = std::filesystem::temp_directory_path().string();
  double seconds = 2.0;
  bool smoke = false;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// A referral as intake stores it (story, triage explanation, routing).
v1::Referral TypicalReferral(signpost::IdGenerator& ids, int n) {
  v1::Referral r;
  r.set_referral_id(ids.NextReferralId());
  r.set_request_id(absl::StrCat("bench-", n));
  r.set_status(v1::REFERRAL_STATUS_ROUTED);
  auto* s = r.mutable_submission();
  s->set_channel(v1::SOURCE_CHANNEL_GP);
  s->mutable_referrer()->set_ods_code("G85001");
  s->mutable_person()->set_given_name("Bench");
  s->mutable_person()->set_family_name("Mark");
  s->set_story(std::string(1200, 'x'));
  for (int i = 0; i < 6; ++i) {
    auto* f = r.mutable_triage()->add_fired_rules();
    f->set_rule_id(absl::StrCat("rule.", i));
    f->set_description(std::string(120, 'd'));
    f->add_evidence()->set_value("RISK_LEVEL_LOW");
  }
  for (int i = 0; i < 10; ++i) {
    auto* c = r.mutable_routing()->add_candidates();
    c->mutable_service()->set_id(absl::StrCat("svc-", i));
    c->add_reasons("covers SE6; has capacity");
  }
  return r;
}

void FsyncCeiling(const Options& o) {
  const std::string path = o.dir + "/signpost-fsync-probe";
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) {
    std::perror("open");
    return;
  }
  char block[512];
  std::memset(block, 'f', sizeof(block));
  std::vector<double> us;
  const int n = o.smoke ? 50 : 2000;
  for (int i = 0; i < n; ++i) {
    if (::write(fd, block, sizeof(block)) != static_cast<ssize_t>(sizeof(block))) break;
    const auto t0 = Clock::now();
    if (::fdatasync(fd) != 0) break;
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  ::close(fd);
  ::unlink(path.c_str());
  std::printf("fdatasync 512 B append: n=%zu p50=%.0f us p99=%.0f us p99.9=%.0f us\n", us.size(),
              Percentile(us, 0.5), Percentile(us, 0.99), Percentile(us, 0.999));
}

// Runs `writers` threads calling `one(thread, i)` for the configured time;
// returns {ops/s, latencies in us}.
template <typename Op>
std::pair<double, std::vector<double>> Run(const Options& o, int writers, Op one) {
  std::atomic<bool> stop{false};
  std::atomic<long> ops{0};
  std::vector<std::vector<double>> lat(writers);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        const auto t0 = Clock::now();
        if (!one(w, i)) return;
        lat[w].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        ops.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  return {static_cast<double>(ops.load()) / elapsed, std::move(all)};
}

// An entry like the one a read of one referral leaves.
v1::AuditEntry TypicalAuditEntry(const v1::Referral& r) {
  v1::AuditEntry e;
  e.mutable_actor()->set_user_id("hub-user-0001");
  e.mutable_actor()->set_organisation("SPA01");
  e.mutable_actor()->add_roles(v1::ROLE_CALL_HUB);
  e.set_rpc("GetReferral");
  e.set_action(v1::AUDIT_ACTION_READ);
  e.set_purpose(v1::AUDIT_PURPOSE_TREATMENT);
  e.set_outcome(v1::AUDIT_OUTCOME_SUCCESS);
  auto* s = e.add_subjects();
  s->set_person_id("P01JBENCHPERSON0000000000000");
  s->set_nhs_number("9990000018");
  auto* obj = e.add_objects();
  obj->set_type("referral");
  obj->set_id(r.referral_id());
  e.set_subject_count(1);
  return e;
}

// One durable referral create (record, 4 index entries, idempotency record,
// 3 events), with the audit entry a write carries when `with_audit`. False
// for a replay, which would not be a durable write.
bool CreateReferral(signpost::storage::Store& store, signpost::IdGenerator& ids, int seq,
                    bool with_audit) {
  v1::Referral r = TypicalReferral(ids, seq);
  v1::ReferralEvent e;
  e.set_referral_id(r.referral_id());
  signpost::storage::Change change{
      .referral = signpost::storage::ReferralPut{.record = r,
                                                 .events = {e, e, e},
                                                 .idempotency_scope = "G85001",
                                                 .reference_candidates = {ids.NextReference()}}};
  if (with_audit) {
    change.audit.push_back(TypicalAuditEntry(r));
    change.audit.back().set_action(v1::AUDIT_ACTION_CREATE);
  }
  auto outcome = store.Apply(std::move(change));
  return outcome.ok() && !outcome->replayed;
}

// 4. The audit trail's cost, against the same run's raw ceiling.
void AuditCosts(const Options& o, signpost::IdGenerator& ids, const std::vector<int>& concurrency,
                const std::vector<double>& raw_rate) {
  const std::string path = o.dir + "/signpost-bench-audit";
  std::filesystem::remove_all(path);
  auto store = signpost::storage::Store::Open({.data_dir = path});
  if (!store.ok()) return;
  std::atomic<int> seq{1 << 20};
  for (size_t k = 0; k < concurrency.size(); ++k) {
    const int w = concurrency[k];
    auto [rate, lat] = Run(o, w, [&](int, int) {
      return CreateReferral(**store, ids, seq.fetch_add(1), /*with_audit=*/true);
    });
    std::printf(
        "Store referral create + audit entry writers=%-3d %8.0f referrals/s p50=%.0f us "
        "p99=%.0f us  ratio to raw=%.2f\n",
        w, rate, Percentile(lat, 0.5), Percentile(lat, 0.99), rate / raw_rate[k]);
  }
  const v1::AuditEntry read_entry = TypicalAuditEntry(TypicalReferral(ids, 0));
  std::printf("typical audit entry: %zu bytes\n", read_entry.ByteSizeLong());
  for (size_t k = 0; k < concurrency.size(); ++k) {
    const int w = concurrency[k];
    auto [rate, lat] = Run(o, w, [&](int, int) {
      return (*store)->AppendAudit({read_entry}, signpost::storage::AuditDurability::kSynced).ok();
    });
    std::printf(
        "Audit read entry (synced) writers=%-3d %8.0f entries/s p50=%.0f us p99=%.0f us  "
        "ratio to raw=%.2f\n",
        w, rate, Percentile(lat, 0.5), Percentile(lat, 0.99), rate / raw_rate[k]);
  }
  const auto t0 = Clock::now();
  auto seal = (*store)->SealAudit();
  const double seal_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (seal.ok()) {
    std::printf("SealAudit of %llu entries: %.1f ms (%.2f us per entry)\n",
                static_cast<unsigned long long>(seal->entries()), seal_ms,
                seal_ms * 1000 / std::max<double>(1, seal->entries()));
  }
  store->reset();
  std::filesystem::remove_all(path);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--smoke") {
      o.smoke = true;
      o.seconds = 0.15;
    } else if (a.rfind("--dir=", 0) == 0) {
      o.dir = a.substr(6);
    } else if (a.rfind("--seconds=", 0) == 0) {
      o.seconds = std::stod(a.substr(10));
    } else {
      std::fprintf(stderr, "usage: durability_bench [--dir=D] [--seconds=S] [--smoke]\n");
      return 2;
    }
  }
  std::printf("durability_bench: dir=%s seconds=%.2f\n", o.dir.c_str(), o.seconds);
  FsyncCeiling(o);

  signpost::IdGenerator ids(signpost::RealClock());
  const std::string value = TypicalReferral(ids, 0).SerializeAsString();
  std::printf("typical stored referral: %zu bytes\n", value.size());
  const std::vector<int> concurrency =
      o.smoke ? std::vector<int>{1, 4} : std::vector<int>{1, 4, 16, 64};
  std::vector<double> raw_rate;

  // 2. Raw RocksDB sync writes.
  {
    const std::string path = o.dir + "/signpost-bench-raw";
    std::filesystem::remove_all(path);
    auto db = signpost::storage::RawSyncWriter::Open(path);
    if (!db.ok()) return 1;
    for (int w : concurrency) {
      auto [rate, lat] = Run(
          o, w, [&](int t, int i) { return (*db)->Put(absl::StrCat("k", t, "-", i), value).ok(); });
      raw_rate.push_back(rate);
      std::printf("raw RocksDB Write(sync) writers=%-3d %8.0f writes/s  p50=%.0f us p99=%.0f us\n",
                  w, rate, Percentile(lat, 0.5), Percentile(lat, 0.99));
    }
    db->reset();
    std::filesystem::remove_all(path);
  }

  // 3. The referral store, with RocksDB's default write path and with
  // pipelined writes (a tuning candidate), in the same run.
  for (const bool pipelined : {false, true}) {
    const std::string path = o.dir + "/signpost-bench-store";
    std::filesystem::remove_all(path);
    auto store = signpost::storage::Store::Open({.data_dir = path, .pipelined_write = pipelined});
    if (!store.ok()) return 1;
    // One counter for the whole run: a request id reused across rounds would
    // be an idempotent replay (no write) and flatter the numbers.
    std::atomic<int> seq{0};
    for (size_t k = 0; k < concurrency.size(); ++k) {
      const int w = concurrency[k];
      auto [rate, lat] = Run(o, w, [&](int, int) {
        return CreateReferral(**store, ids, seq.fetch_add(1), /*with_audit=*/false);
      });
      const long under_100us =
          std::count_if(lat.begin(), lat.end(), [](double x) { return x < 100; });
      std::printf(
          "Store referral create%s writers=%-3d %8.0f referrals/s p50=%.0f us p99=%.0f us "
          "p99.9=%.0f us  ratio to raw=%.2f  (%ld of %zu under 100 us)\n",
          pipelined ? " (pipelined)" : "", w, rate, Percentile(lat, 0.5), Percentile(lat, 0.99),
          Percentile(lat, 0.999), rate / raw_rate[k], under_100us, lat.size());
    }
    store->reset();
    std::filesystem::remove_all(path);
  }
  AuditCosts(o, ids, concurrency, raw_rate);
  std::printf("durability_bench: done\n");
  return 0;
}
