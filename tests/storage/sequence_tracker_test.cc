#include "storage/sequence_tracker.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace signpost::storage {
namespace {

TEST(SequenceTrackerTest, VisibleWaitsForEveryEarlierAllocation) {
  SequenceTracker seq(10);
  EXPECT_EQ(seq.Visible(), 10u);
  const uint64_t a = seq.Allocate(), b = seq.Allocate(), c = seq.Allocate();
  EXPECT_EQ(a, 11u);
  EXPECT_EQ(c, 13u);
  EXPECT_EQ(seq.Complete(c), 10u);  // 11 and 12 still in flight
  EXPECT_EQ(seq.Complete(a), 11u);
  EXPECT_EQ(seq.Complete(b), 13u);
  EXPECT_EQ(seq.Visible(), 13u);
}

TEST(SequenceTrackerTest, ConcurrentAllocationsAllBecomeVisible) {
  SequenceTracker seq(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) seq.Complete(seq.Allocate());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(seq.Visible(), 8000u);
}

}  // namespace
}  // namespace signpost::storage
