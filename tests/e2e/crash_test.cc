// Crash safety: clients submit continuously and record every acknowledged
// referral; the server is killed with SIGKILL mid-load and restarted on the
// same data. Every acknowledged referral must be readable, and no request_id
// may have produced two referrals (including after clients retry the calls
// that were in flight when the server died).
//
// Note: SIGKILL leaves the OS page cache intact, so this proves the process
// acknowledges only after RocksDB has the batch, not that fsync happened.
// tests/storage/durability_test.cc drops unsynced data to prove the latter.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;

TEST(CrashTest, EveryAcknowledgedReferralSurvivesSigkill) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"));
  ASSERT_TRUE(server.Start());

  constexpr int kClients = 8;
  constexpr int kMinAcksBeforeKill = 300;
  absl::Mutex mu;
  std::map<std::string, std::string> acked;  // request_id -> referral_id
  std::set<std::string> attempted;           // every request_id sent
  std::atomic<int> ack_count{0};
  std::atomic<bool> stop{false};

  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::ReferralService::NewStub(server.NewChannel());
      for (int i = 0; !stop.load() && i < 100000; ++i) {
        const std::string request_id = "crash-" + std::to_string(c) + "-" + std::to_string(i);
        {
          absl::MutexLock lock(&mu);
          attempted.insert(request_id);
        }
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        v1::SubmitReferralResponse response;
        if (stub->SubmitReferral(&ctx, testing::ValidGpReferral(request_id), &response).ok()) {
          absl::MutexLock lock(&mu);
          acked[request_id] = response.referral().referral_id();
          ack_count++;
        } else {
          break;  // the server is gone
        }
      }
    });
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ack_count.load() < kMinAcksBeforeKill && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(ack_count.load(), kMinAcksBeforeKill) << "load never got going";
  server.Kill(SIGKILL);  // mid-load: clients have calls in flight
  stop = true;
  for (auto& t : clients) t.join();

  ASSERT_TRUE(server.Start()) << "server did not restart after SIGKILL";
  auto stub = v1::ReferralService::NewStub(server.Channel());

  // 1. Every acknowledged referral is present with its request id.
  for (const auto& [request_id, referral_id] : acked) {
    grpc::ClientContext ctx;
    v1::GetReferralRequest get;
    get.set_referral_id(referral_id);
    v1::Referral got;
    grpc::Status s = stub->GetReferral(&ctx, get, &got);
    ASSERT_TRUE(s.ok()) << "acknowledged referral lost: " << referral_id << " "
                        << s.error_message();
    EXPECT_EQ(got.request_id(), request_id);
  }

  // 2. Retrying every attempted request (as a real client would) replays
  // the acknowledged ones and never duplicates.
  for (const std::string& request_id : attempted) {
    grpc::ClientContext ctx;
    v1::SubmitReferralResponse response;
    ASSERT_TRUE(stub->SubmitReferral(&ctx, testing::ValidGpReferral(request_id), &response).ok());
    auto it = acked.find(request_id);
    if (it != acked.end()) {
      EXPECT_TRUE(response.idempotent_replay());
      EXPECT_EQ(response.referral().referral_id(), it->second);
    }
  }

  // 3. No request_id produced two referrals: list everything.
  std::map<std::string, int> per_request;
  v1::ListReferralsRequest list;
  list.set_page_size(500);
  size_t total = 0;
  while (true) {
    grpc::ClientContext ctx;
    v1::ListReferralsResponse page;
    ASSERT_TRUE(stub->ListReferrals(&ctx, list, &page).ok());
    for (const auto& r : page.referrals()) per_request[r.request_id()]++;
    total += page.referrals_size();
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  for (const auto& [request_id, n] : per_request) {
    EXPECT_EQ(n, 1) << request_id << " produced " << n << " referrals";
  }
  EXPECT_EQ(total, attempted.size());
  std::printf("crash test: %zu acknowledged before SIGKILL, %zu attempted, %zu stored\n",
              acked.size(), attempted.size(), total);
}

}  // namespace
}  // namespace signpost
