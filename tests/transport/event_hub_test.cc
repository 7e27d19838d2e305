#include "transport/event_hub.h"

#include <vector>

#include "gtest/gtest.h"

namespace signpost::transport {
namespace {

struct CountingWaiter : EventHub::Waiter {
  int woken = 0;
  void OnEventsAvailable() override { ++woken; }
};

TEST(EventHubTest, RefusesToWaitWhenEventsAlreadyVisible) {
  EventHub hub(5);
  CountingWaiter w;
  EXPECT_FALSE(hub.WaitFor(&w, 4));
  EXPECT_TRUE(hub.WaitFor(&w, 5));
  EXPECT_EQ(hub.WaiterCount(), 1u);
}

TEST(EventHubTest, WakesOnlyWaitersBehindTheNewSequenceAndOnlyOnce) {
  EventHub hub(0);
  CountingWaiter behind, ahead;
  ASSERT_TRUE(hub.WaitFor(&behind, 0));
  ASSERT_TRUE(hub.WaitFor(&ahead, 3));
  hub.Publish(2);
  EXPECT_EQ(behind.woken, 1);
  EXPECT_EQ(ahead.woken, 0);
  hub.Publish(3);  // not past ahead's cursor yet
  EXPECT_EQ(ahead.woken, 0);
  hub.Publish(4);
  EXPECT_EQ(ahead.woken, 1);
  hub.Publish(9);
  EXPECT_EQ(behind.woken, 1);
  EXPECT_EQ(ahead.woken, 1);
  EXPECT_EQ(hub.WaiterCount(), 0u);
}

TEST(EventHubTest, CancelledWaiterIsNeverCalled) {
  EventHub hub(0);
  CountingWaiter w;
  ASSERT_TRUE(hub.WaitFor(&w, 0));
  hub.Cancel(&w);
  hub.Publish(1);
  EXPECT_EQ(w.woken, 0);
}

TEST(EventHubTest, ShutdownWakesEveryoneAndRefusesNewWaits) {
  EventHub hub(0);
  CountingWaiter a, b;
  ASSERT_TRUE(hub.WaitFor(&a, 0));
  ASSERT_TRUE(hub.WaitFor(&b, 7));
  hub.Shutdown();
  EXPECT_EQ(a.woken + b.woken, 2);
  EXPECT_TRUE(hub.IsShutdown());
  EXPECT_FALSE(hub.WaitFor(&a, 100));
}

}  // namespace
}  // namespace signpost::transport
