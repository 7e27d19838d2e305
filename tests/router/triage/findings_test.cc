// FindingReader: how context modifies a concept (table tests over a small
// lexicon, so each rule of the reader is pinned on its own), and the
// shipped lexicon's minimal pairs.
#include "router/triage/findings.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/router/triage/triage_testing.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

// clang-format off
constexpr char kLexicon[] = R"pb(
word_lists { name: "rel" words: ["brother", "mum"] }
concepts { id: "plan" description: "a plan" patterns: ["plan to (die|jump)"] exclusions: ["safety plan"] }
concepts { id: "cutting" description: "cutting" patterns: ["cutting"] }
concepts { id: "noreason" description: "no reason to live" patterns: ["no reason to live"] }
concepts { id: "attempt" description: "attempt" default_time: FINDING_TIME_RECENT patterns: ["tried to die"] }
concepts { id: "fixed" description: "fixed time" fixed_time: true patterns: ["fixed thing"] }
concepts { id: "dad_rel" description: "relation list" patterns: ["{rel} plan"] }
concepts { id: "net" description: "safety net" fallback: true patterns: ["rope", "plan"] }
triggers { kind: KIND_NEGATED window_words: 3 patterns: ["no", "not"] }
triggers { kind: KIND_NEGATED window_words: 8 crosses_commas: true patterns: ["denies"] }
triggers { kind: KIND_PSEUDO patterns: ["not only"] }
triggers { kind: KIND_TERMINATE patterns: ["but"] }
triggers { kind: KIND_TERMINATE terminates: [KIND_OTHER_EXPERIENCER] patterns: ["she"] }
triggers { kind: KIND_HISTORICAL direction: DIRECTION_BOTH patterns: ["years ago", "history of"] }
triggers { kind: KIND_CURRENT direction: DIRECTION_BOTH patterns: ["tonight"] }
triggers { kind: KIND_RECENT direction: DIRECTION_BOTH patterns: ["last week"] }
triggers { kind: KIND_HYPOTHETICAL patterns: ["if"] }
triggers { kind: KIND_POSSIBLE patterns: ["possibly"] }
triggers { kind: KIND_YEAR direction: DIRECTION_BOTH patterns: ["in (19|20)[0-9]{2}"] }
triggers { kind: KIND_OTHER_EXPERIENCER window_words: 4 patterns: ["her {rel}"] }
triggers { kind: KIND_OTHER_EXPERIENCER window_words: 4 channels: [SOURCE_CHANNEL_SELF] patterns: ["my {rel}"] }
)pb";
// clang-format on

std::unique_ptr<FindingReader> Reader() {
  v1::Lexicon lexicon;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kLexicon, &lexicon));
  EXPECT_THAT(ValidateLexicon(lexicon), ::testing::IsEmpty());
  auto reader = FindingReader::Create(lexicon);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? *std::move(reader) : nullptr;
}

struct ContextCase {
  const char* name;
  const char* story;
  const char* concept_id;
  bool affirmed;
  v1::FindingTime time;
  v1::Experiencer experiencer = v1::EXPERIENCER_SELF;
  v1::SourceChannel channel = v1::SOURCE_CHANNEL_GP;
  bool definite = true;
};

constexpr auto kNow = v1::FINDING_TIME_CURRENT;
constexpr auto kRecent = v1::FINDING_TIME_RECENT;
constexpr auto kPast = v1::FINDING_TIME_HISTORICAL;
constexpr auto kIf = v1::FINDING_TIME_HYPOTHETICAL;
constexpr auto kOther = v1::EXPERIENCER_OTHER;

const ContextCase kContextCases[] = {
    {"affirmed_by_default", "She has a plan to die.", "plan", true, kNow},
    {"negated_within_window", "No real plan to die.", "plan", false, kNow},
    {"negation_window_is_words", "No food eaten at all so plan to die.", "plan", true, kNow},
    {"comma_ends_a_short_negation", "Not eating, plan to die.", "plan", true, kNow},
    {"list_negation_crosses_commas", "Denies low mood, cutting or a plan to die.", "plan", false,
     kNow},
    {"terminator_ends_scope", "No cutting but a plan to die.", "plan", true, kNow},
    {"sentence_ends_scope", "No. Plan to die.", "plan", true, kNow},
    {"pseudo_negation_masks", "Not only cutting.", "cutting", true, kNow},
    {"negation_inside_concept_is_wording", "There is no reason to live.", "noreason", true, kNow},
    {"historical_after", "Plan to jump years ago.", "plan", true, kPast},
    {"historical_before", "History of cutting.", "cutting", true, kPast},
    {"nearest_time_wins", "Cutting last week, history of plan to die years ago.", "cutting", true,
     kRecent},
    {"tie_prefers_urgent", "Tonight plan to die years ago.", "plan", true, kNow},
    {"default_time", "Tried to die.", "attempt", true, kRecent},
    {"stated_time_beats_default", "Tried to die tonight.", "attempt", true, kNow},
    {"fixed_time_ignores_triggers", "Fixed thing years ago.", "fixed", true, kNow},
    {"year_before_receipt_is_historical", "Tried to die in 2009.", "attempt", true, kPast},
    {"year_of_receipt_is_recent", "Tried to die in 2026.", "attempt", true, kRecent},
    {"hypothetical", "If she had a plan to die.", "plan", true, kIf},
    {"possible", "Possibly cutting.", "cutting", true, kNow, v1::EXPERIENCER_SELF,
     v1::SOURCE_CHANNEL_GP, false},
    {"someone_else", "Her brother is cutting.", "cutting", true, kNow, kOther},
    {"someone_else_ends_at_subject", "Her mum died and she is cutting.", "cutting", true, kNow},
    {"my_relation_is_other_in_self_referral", "My brother is cutting.", "cutting", true, kNow,
     kOther, v1::SOURCE_CHANNEL_SELF},
    {"my_relation_is_the_person_from_the_hub", "My brother is cutting.", "cutting", true, kNow,
     v1::EXPERIENCER_SELF, v1::SOURCE_CHANNEL_CALL_HUB},
    {"word_list_expands", "Her mum plan.", "dad_rel", true, kNow},
};

class ContextTest : public ::testing::TestWithParam<ContextCase> {};

TEST_P(ContextTest, ReadsTheConceptInContext) {
  static const auto* const reader = Reader().release();
  const ContextCase& c = GetParam();
  const std::vector<v1::Finding> found =
      reader->Read(c.story, {.year_received = 2026, .channel = c.channel});
  const v1::Finding* f = nullptr;
  for (const auto& x : found) {
    if (x.concept_id() == c.concept_id) f = &x;
  }
  ASSERT_NE(f, nullptr) << c.story;
  EXPECT_EQ(f->affirmed(), c.affirmed) << c.story;
  EXPECT_EQ(v1::FindingTime_Name(f->time()), v1::FindingTime_Name(c.time)) << c.story;
  EXPECT_EQ(f->experiencer(), c.experiencer) << c.story;
  EXPECT_EQ(f->definite(), c.definite) << c.story;
}

INSTANTIATE_TEST_SUITE_P(Table, ContextTest, ::testing::ValuesIn(kContextCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(FindingReaderTest, ExclusionDropsTheMatch) {
  auto reader = Reader();
  EXPECT_THAT(reader->Read("Agreed a safety plan to die for.", {}), ::testing::IsEmpty());
}

TEST(FindingReaderTest, FallbackStandsOnlyForWordsNothingElseRead) {
  auto reader = Reader();
  ASSERT_NE(reader, nullptr);
  auto ids = [&](const char* story) {
    std::vector<std::string> out;
    for (const auto& f : reader->Read(story, {.year_received = 2026})) {
      out.push_back(f.concept_id());
    }
    return out;
  };
  EXPECT_THAT(ids("She bought a rope."), ::testing::ElementsAre("net"));
  EXPECT_THAT(ids("A plan to die."), ::testing::ElementsAre("plan"));
  EXPECT_THAT(ids("A plan to die and a rope."), ::testing::UnorderedElementsAre("plan", "net"));
}

TEST(FindingReaderTest, SpansAreOriginalBytes) {
  auto reader = Reader();
  // Curly apostrophe (3 bytes), doubled spaces and upper case before it.
  const std::string story = "Isn\xE2\x80\x99t  it: PLAN  TO DIE now";
  const auto found = reader->Read(story, {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].text(), "PLAN  TO DIE");
  EXPECT_EQ(story.substr(found[0].start(), found[0].end() - found[0].start()), found[0].text());
  EXPECT_FALSE(found[0].time_stated());
}

TEST(FindingReaderTest, TimeStatedOnlyWhenTheStorySaysWhen) {
  auto reader = Reader();
  EXPECT_TRUE(reader->Read("Plan to die tonight.", {})[0].time_stated());
  EXPECT_FALSE(reader->Read("Plan to die.", {})[0].time_stated());
}

TEST(FindingReaderTest, QuotedWordsAreRead) {
  auto reader = Reader();
  const auto found = reader->Read("She said \"plan to die\".", {});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].text(), "plan to die");
}

TEST(FindingReaderTest, EmptyAndHugeStories) {
  auto reader = Reader();
  EXPECT_THAT(reader->Read("", {}), ::testing::IsEmpty());
  std::string big;
  while (big.size() < 32768) big += "Low mood, cutting last week. ";
  EXPECT_GT(reader->Read(big, {}).size(), 1000u);
}

TEST(LexiconValidationTest, NamesEachProblem) {
  v1::Lexicon lexicon;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        concepts {
          id: "Bad Id"
          description: "x"
          patterns: [ "ok" ]
        }
        concepts {
          id: "dup"
          description: "x"
          patterns: [ "ok" ]
        }
        concepts {
          id: "dup"
          description: "x"
          patterns: [ "(unclosed" ]
        }
        concepts { id: "nopat" description: "x" }
        concepts {
          id: "list"
          description: "x"
          patterns: [ "{missing}" ]
        }
        triggers {
          kind: KIND_NEGATED
          window_words: 40
          patterns: [ "no" ]
        }
        triggers {
          kind: KIND_NEGATED
          terminates: [ KIND_HISTORICAL ]
          patterns: [ "x" ]
        }
        word_lists { name: "empty" }
      )pb",
      &lexicon));
  std::vector<std::string> messages;
  for (const auto& p : ValidateLexicon(lexicon)) messages.push_back(p.message);
  EXPECT_THAT(
      messages,
      ::testing::IsSupersetOf(
          {::testing::HasSubstr("id must match"), ::testing::HasSubstr("defined twice"),
           ::testing::HasSubstr("not valid RE2"), ::testing::HasSubstr("at least one pattern"),
           ::testing::HasSubstr("unknown word list {missing}"),
           ::testing::HasSubstr("window_words must be 0-12"),
           ::testing::HasSubstr("only a KIND_TERMINATE trigger lists terminates"),
           ::testing::HasSubstr("has no words")}));
}

}  // namespace
}  // namespace signpost::router
