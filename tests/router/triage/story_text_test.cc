// StoryText: normalisation, sentences, words, clause breaks and the map
// back to the original bytes.
#include "router/triage/story_text.h"

#include "gtest/gtest.h"

namespace signpost::router {
namespace {

TEST(StoryTextTest, LowerCasesStraightensAndCollapses) {
  const StoryText t =
      StoryText::Prepare("She said:  \xE2\x80\x9CI CAN\xE2\x80\x99T go on\xE2\x80\x9D");
  EXPECT_EQ(t.text(), "she said: i can't go on ");
}

TEST(StoryTextTest, MapsBackToTheOriginalBytes) {
  const std::string story = "I can\xE2\x80\x99t  cope";
  const StoryText t = StoryText::Prepare(story);
  const size_t at = t.text().find("can't");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(story.substr(t.SourceBegin(at), t.SourceEnd(at + 5) - t.SourceBegin(at)),
            "can\xE2\x80\x99t");
  const size_t cope = t.text().find("cope");
  EXPECT_EQ(story.substr(t.SourceBegin(cope), t.SourceEnd(cope + 4) - t.SourceBegin(cope)), "cope");
}

struct SentenceCase {
  const char* text;
  const char* a;
  const char* b;
  bool same;
};

TEST(StoryTextTest, SentenceBoundaries) {
  const SentenceCase cases[] = {
      {"took 2.5 mg. then slept", "2.5", "mg", true},
      {"took 2.5 mg. then slept", "mg", "then", false},
      {"seen by dr. smith today", "dr", "today", true},
      {"e.g. cutting; then calm", "cutting", "calm", false},
      {"at 2:30 she rang", "2", "rang", true},
      {"police report: man on bridge", "report", "man", false},
      {"low mood\nsuicidal thoughts", "low", "suicidal", false},
      {"is it ok? yes", "ok", "yes", false},
  };
  for (const auto& c : cases) {
    const StoryText t = StoryText::Prepare(c.text);
    const size_t a = t.text().find(c.a);
    const size_t b = t.text().find(c.b, a + 1);
    ASSERT_NE(a, std::string::npos) << c.text;
    ASSERT_NE(b, std::string::npos) << c.text;
    EXPECT_EQ(t.Sentence(a) == t.Sentence(b), c.same) << c.text << ": " << c.a << " / " << c.b;
  }
}

TEST(StoryTextTest, WordsAndClauseBreaks) {
  const StoryText t = StoryText::Prepare("denies low mood, suicidal thoughts - self-harm");
  const std::string& s = t.text();
  EXPECT_EQ(t.WordsBetween(0, s.find("suicidal")), 3);  // denies low mood
  EXPECT_TRUE(t.CommaBetween(0, s.find("suicidal")));
  EXPECT_FALSE(t.CommaBetween(0, s.find("mood")));
  EXPECT_TRUE(t.CommaBetween(s.find("thoughts"), s.find("self")));  // spaced dash
  EXPECT_FALSE(t.CommaBetween(s.find("self"), s.size()));           // "self-harm" is one word pair
}

TEST(StoryTextTest, EmptyStory) {
  const StoryText t = StoryText::Prepare("");
  EXPECT_EQ(t.text(), "");
  EXPECT_EQ(t.WordsBetween(0, 0), 0);
  EXPECT_EQ(t.SourceEnd(0), 0u);
}

}  // namespace
}  // namespace signpost::router
