#include "common/ids.h"

#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"

namespace signpost {
namespace {

const absl::Time kT = absl::FromUnixMillis(1795000000000);

TEST(IdsTest, ReferralIdsAreWellFormedAndCarryTheirTime) {
  testing::FakeClock clock(kT);
  IdGenerator ids(clock);
  const std::string id = ids.NextReferralId();
  EXPECT_EQ(id.size(), 26u);
  EXPECT_TRUE(IsReferralId(id));
  EXPECT_EQ(ReferralIdTime(id), kT);
  EXPECT_FALSE(IsReferralId("01M820GT6H2HQ3TE3GESFGNCN"));   // 25 chars
  EXPECT_FALSE(IsReferralId("01M820GT6H2HQ3TE3GESFGNCNI"));  // I not Crockford
  EXPECT_FALSE(IsReferralId("81M820GT6H2HQ3TE3GESFGNCNE"));  // overflows 128 bits
}

TEST(IdsTest, StrictlyIncreasingEvenWhenClockStandsStillOrStepsBack) {
  testing::FakeClock clock(kT);
  IdGenerator ids(clock, 1);
  std::string previous = ids.NextReferralId();
  for (int i = 0; i < 1000; ++i) {
    if (i == 500) clock.Advance(-absl::Seconds(10));
    std::string next = ids.NextReferralId();
    ASSERT_LT(previous, next);
    previous = next;
  }
  clock.Advance(absl::Seconds(20));
  EXPECT_LT(previous, ids.NextReferralId());
}

TEST(IdsTest, UniqueAcrossThreads) {
  testing::FakeClock clock(kT);
  IdGenerator ids(clock);
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) made[t].push_back(ids.NextReferralId());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (auto& v : made) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 8000u);
}

TEST(IdsTest, MinReferralIdAtBoundsTimeRanges) {
  testing::FakeClock clock(kT);
  IdGenerator ids(clock);
  const std::string id = ids.NextReferralId();
  EXPECT_LE(MinReferralIdAt(kT), id);
  EXPECT_GT(MinReferralIdAt(kT + absl::Milliseconds(1)), id);
}

TEST(IdsTest, ReferencesAreReadableAndCanonicalise) {
  testing::FakeClock clock(kT);
  IdGenerator ids(clock, 3);
  const std::string ref = ids.NextReference();
  ASSERT_EQ(ref.size(), 9u);
  EXPECT_EQ(ref[4], '-');
  EXPECT_EQ(CanonicalReference(ref), ref);
  EXPECT_EQ(CanonicalReference("k7qm 4xd2"), "K7QM-4XD2");
  EXPECT_EQ(CanonicalReference("k7qm4xd2"), "K7QM-4XD2");
  EXPECT_EQ(CanonicalReference("IOL0-0000"), "1010-0000");  // heard confusables
  EXPECT_FALSE(CanonicalReference("K7QM-4XD").has_value());
  EXPECT_FALSE(CanonicalReference("K7QM-4XD2X").has_value());
  EXPECT_FALSE(CanonicalReference("K7QM-4XU2").has_value());  // U is not Crockford
}

}  // namespace
}  // namespace signpost
