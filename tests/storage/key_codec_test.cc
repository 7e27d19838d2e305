#include "storage/key_codec.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "common/ids.h"
#include "gtest/gtest.h"

using namespace std::string_literals;

namespace signpost::storage {
namespace {

TEST(KeyCodecTest, Uint64ByteOrderEqualsNumericOrder) {
  std::vector<uint64_t> values = {0,          1,    255, 256, 65535, 1ULL << 32, (1ULL << 63) - 1,
                                  1ULL << 63, ~0ULL};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) values.push_back(rng());
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); j += 37) {
      std::string a, b;
      AppendUint64(&a, values[i]);
      AppendUint64(&b, values[j]);
      ASSERT_EQ(values[i] < values[j], a < b) << values[i] << " vs " << values[j];
    }
  }
}

TEST(KeyCodecTest, Uint64RoundTrips) {
  for (uint64_t v : {0ULL, 42ULL, 1ULL << 40, ~0ULL}) {
    std::string k;
    AppendUint64(&k, v);
    std::string_view in = k;
    EXPECT_EQ(ConsumeUint64(&in), v);
    EXPECT_TRUE(in.empty());
  }
  std::string_view short_input = "abc";
  EXPECT_FALSE(ConsumeUint64(&short_input).has_value());
  EXPECT_EQ(short_input, "abc");
}

TEST(KeyCodecTest, EventKeysSortBySequence) {
  EXPECT_LT(keys::Event(9), keys::Event(10));
  EXPECT_LT(keys::Event(255), keys::Event(256));
  EXPECT_EQ(keys::DecodeEvent(keys::Event(123456789)), 123456789u);
  EXPECT_FALSE(keys::DecodeEvent("short").has_value());
}

TEST(KeyCodecTest, OrderedStringsPreserveOrderAndArePrefixFree) {
  std::vector<std::string> strings = {"",  "A",   "A\0"s,     "A\0\0"s, "AB",   "A\xff",
                                      "B", "\0"s, "\xff\xff", "A81001", "A8100"};
  for (const auto& a : strings) {
    for (const auto& b : strings) {
      std::string ea, eb;
      AppendOrderedString(&ea, a);
      AppendOrderedString(&eb, b);
      ASSERT_EQ(a < b, ea < eb) << "'" << a << "' vs '" << b << "'";
      if (a != b) {
        ASSERT_NE(ea.rfind(eb, 0), 0u) << "encoding of one is a prefix of another";
      }
    }
  }
}

TEST(KeyCodecTest, OrderedStringRoundTripsAndRejectsMalformed) {
  for (std::string s : {""s, "abc"s, "a\0b"s, "\0\0"s, "\xff"s}) {
    std::string k;
    AppendOrderedString(&k, s);
    k += "tail";
    std::string_view in = k;
    EXPECT_EQ(ConsumeOrderedString(&in), s);
    EXPECT_EQ(in, "tail");
  }
  for (std::string bad : {"abc"s, "a\0"s, "a\0\x02"s}) {
    std::string_view in = bad;
    EXPECT_FALSE(ConsumeOrderedString(&in).has_value());
  }
}

TEST(KeyCodecTest, CompositeIndexKeysGroupByFirstComponent) {
  // All entries for org "A8100" sort before all entries for "A81001", even
  // though "A8100" is a prefix of "A81001".
  const std::string lo(26, '0'), hi(26, 'Z');
  EXPECT_LT(keys::OrgIndex("A8100", hi), keys::OrgIndex("A81001", lo));
  EXPECT_LT(keys::OrgIndex("A81001", hi), PrefixSuccessor(keys::OrgPrefix("A81001")));
  EXPECT_LT(keys::StatusIndex(1, hi), keys::StatusIndex(2, lo));
  EXPECT_LT(keys::StatusIndex(255, hi), keys::StatusIndex(256, lo));
  EXPECT_EQ(keys::ReferralIdFromIndex(keys::ChannelIndex(3, hi)), hi);
  EXPECT_LT(keys::Idempotency("A", "z"), keys::Idempotency("AB", "a"));
}

TEST(KeyCodecTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), "");
}

TEST(KeyCodecTest, ReferralIdsSortByTime) {
  // Referral ids are keys in the referrals CF and suffixes of index keys:
  // byte order must follow creation time.
  std::string previous;
  for (int64_t ms : {0LL, 1LL, 999LL, 1000LL, 1700000000000LL, 1700000000001LL, 2000000000000LL}) {
    std::string id = MinReferralIdAt(absl::FromUnixMillis(ms));
    EXPECT_LT(previous, id);
    EXPECT_EQ(ReferralIdTime(id), absl::FromUnixMillis(ms));
    previous = id;
  }
}

}  // namespace
}  // namespace signpost::storage
