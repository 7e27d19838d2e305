#include "router/triage/text_matcher.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace signpost::router {
namespace {

NegationConfig Negation() {
  return {{"no", "not", "denies", "never", "no evidence of", "doesn't"}, 3, {"but", "however"}};
}

struct Case {
  std::string text;
  bool positive;
  std::string cue;  // expected negating cue when !positive
};

class NegationTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(NegationTableTest, ClassifiesMatch) {
  auto m = TextMatcher::Create(
      {"suicidal (thoughts|ideation)", "thoughts of harming others", "self[- ]?harm"}, Negation());
  ASSERT_TRUE(m.ok()) << m.status();
  const TextHits hits = (*m)->Match(GetParam().text);
  bool any_positive = false;
  std::string cue;
  for (size_t i = 0; i < hits.positive.size(); ++i) {
    any_positive = any_positive || hits.positive[i].has_value();
    if (!hits.negated[i].empty()) cue = hits.negated[i][0].cue;
  }
  EXPECT_EQ(any_positive, GetParam().positive) << GetParam().text;
  if (!GetParam().positive) {
    EXPECT_EQ(cue, GetParam().cue);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, NegationTableTest,
    ::testing::Values(
        Case{"Denies suicidal thoughts.", false, "denies"},
        Case{"denies any suicidal ideation", false, "denies"},
        Case{"No thoughts of harming others", false, "no"}, Case{"no self-harm", false, "no"},
        Case{"No evidence of self harm", false, "no evidence of"},
        Case{"He doesn't have suicidal thoughts", false, "doesn't"},
        Case{"Suicidal thoughts daily", true, ""}, Case{"Has suicidal thoughts", true, ""},
        // A clause end stops the cue.
        Case{"Not sleeping. Suicidal thoughts daily", true, ""},
        Case{"Not eating, suicidal thoughts daily", true, ""},
        // A terminator word stops the cue.
        Case{"Denied it at first but suicidal thoughts now", true, ""},
        // Too far from the cue (more than 3 words between).
        Case{"No longer at work and with constant suicidal thoughts", true, ""},
        // One positive occurrence is enough even after a negated one.
        Case{"Denies suicidal thoughts today. Yesterday: suicidal thoughts and self-harm.", true,
             ""},
        Case{"NEVER SELF-HARMED", false, "never"}));

TEST(TextMatcherTest, CaseInsensitiveAndReportsPhrase) {
  auto m = TextMatcher::Create({"taken an overdose"}, Negation());
  ASSERT_TRUE(m.ok());
  TextHits hits = (*m)->Match("She has TAKEN AN OVERDOSE.");
  ASSERT_TRUE(hits.positive[0].has_value());
  EXPECT_EQ(*hits.positive[0], "taken an overdose");
}

TEST(TextMatcherTest, BadPatternIsRejectedWithItsText) {
  auto m = TextMatcher::Create({"ok", "(unclosed"}, Negation());
  EXPECT_THAT(
      m, testing::StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("(unclosed")));
}

TEST(TextMatcherTest, EmptyInputsAreFine) {
  auto m = TextMatcher::Create({}, Negation());
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE((*m)->Match("anything").positive.empty());
  auto m2 = TextMatcher::Create({"x"}, Negation());
  ASSERT_TRUE(m2.ok());
  EXPECT_FALSE((*m2)->Match("").positive[0].has_value());
}

}  // namespace
}  // namespace signpost::router

namespace signpost::router {
namespace {

// Regression: cue words were read from a destroyed temporary (heap use after
// free found by the rule-set fuzzer). Upper-case, multi-word and long cues
// must be stored intact and reported as written.
TEST(TextMatcherTest, CuesAreCopiedIntactAndLowerCased) {
  auto m = TextMatcher::Create({"suicidal thoughts"},
                               {{"NO EVIDENCE OF", "Has Categorically Never Reported Any"}, 3, {}});
  ASSERT_TRUE(m.ok());
  TextHits a = (*m)->Match("no evidence of suicidal thoughts");
  ASSERT_EQ(a.negated[0].size(), 1u);
  EXPECT_EQ(a.negated[0][0].cue, "no evidence of");
  TextHits b = (*m)->Match("has categorically never reported any suicidal thoughts");
  ASSERT_EQ(b.negated[0].size(), 1u);
  EXPECT_EQ(b.negated[0][0].cue, "has categorically never reported any");
}

}  // namespace
}  // namespace signpost::router

namespace signpost::router {
namespace {

// The screening RE2::Set runs with bounded memory. Even at the smallest
// bounds that compile, on text that needs thousands of DFA states, every
// match must still be found: if RE2 reports the DFA out of memory, Match()
// checks each pattern on its own rather than report "no match" (RE2's
// many-match DFA rarely gives up; this pins the behaviour either way).
TEST(TextMatcherTest, ScreenWithTinyMemoryStillFindsMatches) {
  std::vector<std::string> patterns;
  for (int i = 0; i < 8; ++i) {
    patterns.push_back("a[ab]{" + std::to_string(10 + i) + "}z" + std::to_string(i));
  }
  patterns.push_back("suicidal thoughts");
  std::string text;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245 + 12345;
    text.push_back((x >> 16) & 1 ? 'a' : 'b');
  }
  text += ". suicidal thoughts daily.";
  int compiled = 0;
  for (int64_t mem = 4 << 10; mem <= (4 << 20) && compiled < 3; mem += 4 << 10) {
    auto m = TextMatcher::Create(patterns, {{"no"}, 3, {}}, mem);
    if (!m.ok()) continue;
    ++compiled;
    TextHits hits = (*m)->Match(text);
    EXPECT_TRUE(hits.positive.back().has_value()) << "screen memory " << mem;
  }
  EXPECT_EQ(compiled, 3);
}

}  // namespace
}  // namespace signpost::router
