#include "app/breach_timer.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace signpost::app {
namespace {

// Breaches missed while the server was down must be reported at start,
// not one interval later (H-019).
TEST(BreachTimerTest, ScansAtStartAndStopsWithoutWaitingForTheInterval) {
  std::atomic<int> scans{0};
  absl::Notification first;
  const absl::Time created = absl::Now();
  {
    BreachTimer timer(
        [&]() -> absl::StatusOr<int> {
          if (scans++ == 0) first.Notify();
          return 0;
        },
        absl::Hours(1));
    ASSERT_TRUE(first.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }
  EXPECT_EQ(scans.load(), 1) << "no second scan within the hour";
  EXPECT_LT(absl::Now() - created, absl::Minutes(1)) << "destruction did not wait an interval";
}

TEST(BreachTimerTest, KeepsScanningAfterAFailedScan) {
  std::atomic<int> scans{0};
  absl::Notification third;
  {
    BreachTimer timer(
        [&]() -> absl::StatusOr<int> {
          if (++scans == 3) third.Notify();
          return absl::UnavailableError("disk hiccup");
        },
        absl::Milliseconds(1));
    ASSERT_TRUE(third.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }
  EXPECT_GE(scans.load(), 3);
}

}  // namespace
}  // namespace signpost::app
