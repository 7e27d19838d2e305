// The evaluation corpus (deploy/rules/vignettes.textproto) against the
// shipped rules, and the properties triage must keep whatever the wording.
//
// The development split must have no under-triage. The held-out split is
// not asserted here: it measures (signpost rules evaluate, docs/TRIAGE.md),
// and a test over it would make it a tuning target.
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "router/triage/vignettes.h"
#include "tests/router/triage/triage_testing.h"
#include "tests/testing/read_file.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

const v1::VignetteCorpus& Corpus() {
  static const auto* const kCorpus = [] {
    auto corpus = ParseVignetteCorpus(testing::ReadTextFile(SIGNPOST_DEFAULT_VIGNETTES));
    EXPECT_TRUE(corpus.ok()) << corpus.status();
    return new v1::VignetteCorpus(corpus.ok() ? *corpus : v1::VignetteCorpus());
  }();
  return *kCorpus;
}

TEST(CorpusTest, IsLargeVariedAndWellFormed) {
  const v1::VignetteCorpus& c = Corpus();
  EXPECT_GE(c.vignettes_size(), 400);
  std::set<std::string> ids;
  std::set<std::string> families;
  std::set<int> bands;
  for (const auto& v : c.vignettes()) {
    EXPECT_TRUE(ids.insert(v.id()).second) << v.id();
    families.insert(v.family());
    bands.insert(v.expected_band());
  }
  EXPECT_GE(families.size(), 50u);
  EXPECT_EQ(bands.size(), 7u) << "every band A-G has vignettes";
}

TEST(CorpusTest, SplitIsKeyedOnSeedIdAndRoundOnly) {
  const v1::VignetteCorpus& c = Corpus();
  int held_out = 0;
  int current_round = 0;
  for (const auto& v : c.vignettes()) {
    const bool out = IsHeldOut(c, v);
    if (std::max(v.round(), 1) != std::max(c.current_round(), 1)) {
      EXPECT_FALSE(out) << v.id() << ": an earlier round's held-out set is used up";
      continue;
    }
    ++current_round;
    held_out += out ? 1 : 0;
    EXPECT_EQ(out, IsHeldOut(c, v)) << "deterministic";
  }
  ASSERT_GT(current_round, 0);
  const double share = 100.0 * held_out / current_round;
  EXPECT_GT(share, c.held_out_percent() - 15);
  EXPECT_LT(share, c.held_out_percent() + 15);
  // Another seed gives another split.
  v1::VignetteCorpus reseeded = c;
  reseeded.set_split_seed(c.split_seed() + 1);
  int moved = 0;
  for (const auto& v : c.vignettes()) moved += IsHeldOut(c, v) != IsHeldOut(reseeded, v) ? 1 : 0;
  EXPECT_GT(moved, 0);
}

TEST(CorpusTest, DevelopmentSplitHasNoUnderTriage) {
  const auto engine = testing::DefaultEngine();
  ASSERT_NE(engine, nullptr);
  const CorpusScore score = ScoreCorpus(*engine, Corpus());
  for (const VignetteMiss& m : score.development.under_triaged) {
    ADD_FAILURE() << m.id << " (" << m.family << "): expected " << v1::UrgencyBand_Name(m.expected)
                  << ", got " << v1::UrgencyBand_Name(m.got);
  }
  EXPECT_GE(score.development.ExactPercent(), 95.0);
  EXPECT_EQ(score.development.urgent_found, score.development.urgent_expected);
  EXPECT_GT(score.held_out.total, 0);
}

// Property: adding a positive finding to the story never lowers the band.
// Each development vignette gets one affirmed situation added before or
// after its story.
TEST(TriagePropertyTest, AddingAPositiveFindingNeverLowersTheBand) {
  const auto engine = testing::DefaultEngine();
  ASSERT_NE(engine, nullptr);
  const std::vector<std::string> positives = {
      "She has been self-harming this week.",
      "He hears voices telling him to hurt himself.",
      "I want to die.",
      "Took an overdose an hour ago.",
      "She has a plan to hang herself.",
      "Life is not worth living.",
      "He has stopped eating and drinking.",
      "Her partner strangled her last night.",
      "Hearing voices.",
      "Keeps a shotgun at home.",
      "Very drunk tonight.",
      "Thoughts of harming other people.",
  };
  std::mt19937 rng(20261128);
  int checked = 0;
  for (const auto& v : Corpus().vignettes()) {
    if (IsHeldOut(Corpus(), v)) continue;
    const v1::UrgencyBand before = BandFor(*engine, v);
    v1::TriageVignette more = v;
    const std::string& add = positives[rng() % positives.size()];
    more.set_story(rng() % 2 ? add + " " + v.story() : v.story() + " " + add);
    const v1::UrgencyBand after = BandFor(*engine, more);
    EXPECT_LE(after, before) << v.id() << " + \"" << add << "\": " << v1::UrgencyBand_Name(before)
                             << " -> " << v1::UrgencyBand_Name(after);
    ++checked;
  }
  EXPECT_GT(checked, 300);
}

// A submission with the risk screen gets the screener's band or a more
// urgent one, whatever the story and the structured risk say.
TEST(RiskScreenTest, GetsTheScreenersBandOrMoreUrgent) {
  const auto engine = testing::DefaultEngine();
  ASSERT_NE(engine, nullptr);
  struct Item {
    void (*set)(v1::RiskScreen&);
    v1::UrgencyBand band;
  };
  const Item items[] = {
      {[](v1::RiskScreen& s) { s.set_acting_now(v1::ANSWER_YES); }, v1::URGENCY_BAND_A},
      {[](v1::RiskScreen& s) { s.set_intent(v1::ANSWER_YES); }, v1::URGENCY_BAND_B},
      {[](v1::RiskScreen& s) { s.set_plan(v1::ANSWER_YES); }, v1::URGENCY_BAND_B},
      {[](v1::RiskScreen& s) { s.set_behaviour_past_3_months(v1::ANSWER_YES); },
       v1::URGENCY_BAND_B},
      {[](v1::RiskScreen& s) { s.set_harm_to_others_intent(v1::ANSWER_YES); }, v1::URGENCY_BAND_B},
      {[](v1::RiskScreen& s) { s.set_thoughts_of_method(v1::ANSWER_YES); }, v1::URGENCY_BAND_C},
      {[](v1::RiskScreen& s) { s.set_suicidal_thoughts(v1::ANSWER_YES); }, v1::URGENCY_BAND_C},
      {[](v1::RiskScreen& s) { s.set_suicidal_behaviour(v1::ANSWER_YES); }, v1::URGENCY_BAND_C},
      {[](v1::RiskScreen& s) { s.set_harm_to_others_thoughts(v1::ANSWER_YES); },
       v1::URGENCY_BAND_C},
      {[](v1::RiskScreen& s) { s.set_wish_to_be_dead(v1::ANSWER_YES); }, v1::URGENCY_BAND_D},
      {[](v1::RiskScreen& s) { s.set_safeguarding_concern(v1::ANSWER_YES); }, v1::URGENCY_BAND_D},
  };
  const std::vector<std::string> stories = {"Screener completed.", "Feeling a bit low.",
                                            "Denies suicidal thoughts.", "Wants advice only.", ""};
  int checked = 0;
  for (const Item& item : items) {
    for (const std::string& story : stories) {
      for (int level = v1::RISK_LEVEL_UNSPECIFIED; level <= v1::RISK_LEVEL_IMMINENT; ++level) {
        v1::TriageVignette v;
        v.set_story(story);
        item.set(*v.mutable_risk_screen());
        if (level != v1::RISK_LEVEL_UNSPECIFIED) {
          v.mutable_risk()->set_to_self(static_cast<v1::RiskLevel>(level));
          v.mutable_risk()->set_to_others(v1::RISK_LEVEL_NONE);
          v.mutable_risk()->set_from_others(v1::RISK_LEVEL_NONE);
          v.mutable_risk()->set_safeguarding_concern(v1::ANSWER_NO);
        }
        EXPECT_LE(BandFor(*engine, v), item.band)
            << "screen item for band " << v1::UrgencyBand_Name(item.band) << ", story \"" << story
            << "\", risk to self " << level;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 11 * 5 * 6);
}

}  // namespace
}  // namespace signpost::router
