// Power-loss durability: every acknowledged write survives losing all
// unsynced data, and what survives is a prefix of what was written.
// A control run with sync turned off shows the harness really drops data,
// so a store that acknowledged before syncing would fail this test.
#include <atomic>
#include <set>
#include <thread>

#include "common/ids.h"
#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"
#include "storage/store.h"
#include "storage/testing/crash_simulator.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

struct RunResult {
  std::vector<int> acked_per_writer;   // acknowledged count per writer
  std::vector<std::set<int>> present;  // sequence numbers found after recovery
  uint64_t unsynced_bytes_at_crash = 0;
};

// `writers` threads each create referrals "w<k>-<i>" for i = 0, 1, ...
// until the simulated crash after about `crash_after` acknowledgements.
RunResult WriteCrashRecover(const std::string& dir, int writers, int crash_after, bool sync) {
  RunResult result;
  IdGenerator ids(RealClock());
  auto sim = CrashSimulator::Create();
  auto opened = Store::Open({.data_dir = dir, .sync_writes = sync, .crash_simulator = sim});
  EXPECT_TRUE(opened.ok()) << opened.status();
  std::unique_ptr<Store> store = std::move(*opened);

  std::atomic<int> total_acked{0};
  std::vector<std::atomic<int>> acked(writers);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 100000; ++i) {
        const std::string request_id = "w" + std::to_string(w) + "-" + std::to_string(i);
        v1::Referral r;
        r.set_referral_id(ids.NextReferralId());
        r.set_request_id(request_id);
        r.set_status(v1::REFERRAL_STATUS_RECEIVED);
        *r.mutable_received_at() = ToProtoTime(*ReferralIdTime(r.referral_id()));
        *r.mutable_submission() = testing::ValidGpReferral(request_id).submission();
        v1::ReferralEvent e;
        e.set_referral_id(r.referral_id());
        auto outcome =
            store->Apply({.referral = ReferralPut{.record = r,
                                                  .events = {e},
                                                  .idempotency_scope = "G85001",
                                                  .reference_candidates = {ids.NextReference()}}});
        if (!outcome.ok()) return;  // the "machine" died
        acked[w].store(i + 1);
        total_acked++;
      }
    });
  }
  while (total_acked.load() < crash_after) std::this_thread::yield();
  sim->Crash();
  for (auto& t : threads) t.join();
  result.unsynced_bytes_at_crash = sim->UnsyncedBytesAtCrash();
  store.reset();
  EXPECT_OK(sim->DropUnsyncedData());

  auto recovered = Store::Open({.data_dir = dir});
  EXPECT_TRUE(recovered.ok()) << recovered.status();
  result.present.resize(writers);
  ReferralQuery q{.limit = 1000};
  while (recovered.ok()) {
    auto page = (*recovered)->ListReferrals(q);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    for (const auto& r : page->referrals) {
      const std::string& id = r.request_id();  // "w<k>-<i>"
      const size_t dash = id.find('-');
      result.present[std::stoi(id.substr(1, dash - 1))].insert(std::stoi(id.substr(dash + 1)));
    }
    if (page->resume_after_id.empty()) break;
    q.start_after_id = page->resume_after_id;
  }
  for (int w = 0; w < writers; ++w) result.acked_per_writer.push_back(acked[w].load());
  return result;
}

class DurabilityTest : public ::testing::TestWithParam<int> {};

TEST_P(DurabilityTest, AcknowledgedWritesSurvivePowerLoss) {
  const int writers = GetParam();
  for (int trial = 0; trial < 3; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    testing::TempDir dir;
    const RunResult r = WriteCrashRecover(dir.Sub("db"), writers, 50 + 60 * trial, /*sync=*/true);
    for (int w = 0; w < writers; ++w) {
      const std::set<int>& present = r.present[w];
      // Everything acknowledged is there...
      for (int i = 0; i < r.acked_per_writer[w]; ++i) {
        ASSERT_TRUE(present.count(i)) << "writer " << w << " lost acknowledged write " << i;
      }
      // ...and what is there is a prefix: no holes, and at most the one
      // write that was in flight beyond the acknowledged ones.
      ASSERT_LE(present.size(), static_cast<size_t>(r.acked_per_writer[w]) + 1);
      if (!present.empty()) {
        ASSERT_EQ(*present.rbegin(), static_cast<int>(present.size()) - 1);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Writers, DurabilityTest, ::testing::Values(1, 4));

TEST(DurabilityControlTest, WithoutSyncTheHarnessLosesAcknowledgedWrites) {
  testing::TempDir dir;
  const RunResult r = WriteCrashRecover(dir.Sub("db"), 1, 200, /*sync=*/false);
  ASSERT_GT(r.unsynced_bytes_at_crash, 0u);
  EXPECT_LT(r.present[0].size(), static_cast<size_t>(r.acked_per_writer[0]))
      << "unsynced acknowledged writes should have been lost; the simulator is not biting";
}

}  // namespace
}  // namespace signpost::storage
