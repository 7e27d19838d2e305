#include "transport/worker_pool.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace signpost::transport {
namespace {

TEST(WorkerPoolTest, RunsEveryQueuedTaskBeforeDestruction) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool({.threads = 4, .max_queued = 1000});
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(pool.TrySchedule([&] { ran++; }));
  }
  EXPECT_EQ(ran.load(), 500);
}

TEST(WorkerPoolTest, RefusesWhenQueueIsFull) {
  absl::Notification release;
  absl::Notification started;
  WorkerPool pool({.threads = 1, .max_queued = 2});
  ASSERT_TRUE(pool.TrySchedule([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();  // the only thread is now busy
  EXPECT_TRUE(pool.TrySchedule([] {}));
  EXPECT_TRUE(pool.TrySchedule([] {}));
  EXPECT_FALSE(pool.TrySchedule([] {})) << "third queued task must be refused";
  EXPECT_EQ(pool.Queued(), 2u);
  release.Notify();
}

}  // namespace
}  // namespace signpost::transport
