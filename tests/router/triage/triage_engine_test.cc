#include "router/triage/triage_engine.h"

#include <random>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"
#include "router/triage/rule_set_validator.h"
#include "tests/router/triage/triage_testing.h"
#include "tests/testing/status_matchers.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::StatusIs;
using ::testing::HasSubstr;

// A small valid rule set; tests append or break things.
// clang-format off
constexpr char kMinimal[] = R"pb(
version: "t1"
time_zone: "Europe/London"
default_band: URGENCY_BAND_E
bands { band: URGENCY_BAND_B label: "4h" respond_within { seconds: 14400 } mhsds_priority: 4 fhir_priority: "asap" source: "test" }
bands { band: URGENCY_BAND_C label: "24h" respond_within { seconds: 86400 } mhsds_priority: 2 fhir_priority: "urgent" source: "test" }
bands { band: URGENCY_BAND_E label: "4w" respond_within { seconds: 2419200 } mhsds_priority: 3 fhir_priority: "routine" source: "test" }
lexicon {
  concepts { id: "plan" description: "a plan to die" patterns: ["plan to die"] }
  triggers { kind: KIND_NEGATED window_words: 3 patterns: ["no", "denies"] }
}
in_hours { weekdays: [1, 2, 3, 4, 5] opens: "09:00" closes: "17:00" }
pathways { id: "eip" description: "EIP" clock { seconds: 1209600 } }
rules { id: "high" description: "high risk" when { risk_to_self_in: [RISK_LEVEL_HIGH] } band: URGENCY_BAND_C }
rules { id: "plan" description: "plan" when { findings_any { concepts: ["plan"] } } band: URGENCY_BAND_B }
rules { id: "psychosis" description: "psychosis" when { needs_any: [PRESENTING_NEED_PSYCHOSIS] } pathways: ["eip"] flags: [TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW] }
)pb";
// clang-format on

std::shared_ptr<const TriageEngine> Load(const std::string& text) {
  auto engine = TriageEngine::FromText(text);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *engine : nullptr;
}

TEST(RuleLoaderTest, DefaultRulesLoad) {
  auto engine = testing::DefaultEngine();
  ASSERT_NE(engine, nullptr);
  EXPECT_THAT(engine->version(), ::testing::StartsWith("2026.11.3+"));
  for (int b = v1::URGENCY_BAND_A; b <= v1::URGENCY_BAND_G; ++b) {
    EXPECT_NE(engine->Band(static_cast<v1::UrgencyBand>(b)), nullptr) << b;
  }
}

TEST(RuleLoaderTest, SyntaxErrorReportsLineAndColumn) {
  std::string text = std::string(kMinimal) + "\nrules { id: \"x\" when { bogus_field: 1 } }\n";
  auto engine = TriageEngine::FromText(text);
  EXPECT_THAT(engine,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("line 18 column"), HasSubstr("bogus_field"))));
}

TEST(RuleLoaderTest, UnknownEnumNameIsAnError) {
  std::string text = absl::StrReplaceAll(kMinimal, {{"RISK_LEVEL_HIGH", "RISK_LEVEL_HUGE"}});
  EXPECT_THAT(TriageEngine::FromText(text),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RISK_LEVEL_HUGE")));
}

struct BrokenCase {
  std::string name;
  std::string extra;     // appended to kMinimal (or put inside its lexicon)
  std::string expected;  // substring of the error
};

// "lexicon:" cases go inside kMinimal's lexicon block (a message field may
// appear only once); the rest are appended.
std::string WithExtra(const std::string& extra) {
  const std::string tag = "lexicon:";
  if (extra.rfind(tag, 0) != 0) return std::string(kMinimal) + extra;
  return absl::StrReplaceAll(kMinimal,
                             {{"lexicon {\n", "lexicon {\n" + extra.substr(tag.size()) + "\n"}});
}

class RuleSetValidationTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(RuleSetValidationTest, RejectsWithLocatedReason) {
  std::vector<RuleSetProblem> problems;
  auto rules = ParseAndValidateRuleSet(WithExtra(GetParam().extra), &problems);
  ASSERT_FALSE(rules.ok());
  ASSERT_FALSE(problems.empty());
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr(GetParam().expected));
  // Every semantic problem about a rule points at a line after the header.
  for (const auto& p : problems) {
    if (p.message.find("rule \"") == 0) {
      EXPECT_GT(p.line, 10) << p.message;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, RuleSetValidationTest,
    ::testing::Values(
        BrokenCase{
            "band_without_definition",
            // clang-format off
                   R"pb(rules { id: "d" description: "d" when { risk_to_self_in: [RISK_LEVEL_MEDIUM] } band: URGENCY_BAND_D })pb",
            // clang-format on
            "band URGENCY_BAND_D has no band definition"},
        BrokenCase{
            "duplicate_rule_id",
            // clang-format off
                   R"pb(rules { id: "high" description: "again" when { risk_to_others_in: [RISK_LEVEL_HIGH] } band: URGENCY_BAND_C })pb",
            // clang-format on
            "duplicate id"},
        BrokenCase{
            "same_condition_different_band",
            // clang-format off
                   R"pb(rules { id: "high2" description: "x" when { risk_to_self_in: [RISK_LEVEL_HIGH] } band: URGENCY_BAND_B })pb",
            // clang-format on
            "same condition as rule \"high\""},
        BrokenCase{"empty_condition",
                   // clang-format off
                   R"pb(rules { id: "empty" description: "x" when {} band: URGENCY_BAND_C })pb",
                   // clang-format on
                   "has no condition"},
        BrokenCase{"no_outcome",
                   // clang-format off
                   R"pb(rules { id: "nothing" description: "x" when { out_of_hours: true } })pb",
                   // clang-format on
                   "has no outcome"},
        BrokenCase{
            "bad_regex",
            // clang-format off
                   R"pb(lexicon: concepts { id: "bad" description: "x" patterns: ["(unclosed"] })pb",
            // clang-format on
            "not valid RE2"},
        BrokenCase{
            "unknown_concept",
            // clang-format off
                   R"pb(rules { id: "f" description: "x" when { findings_any { concepts: ["nowhere"] } } band: URGENCY_BAND_C })pb",
            // clang-format on
            "concept \"nowhere\" is not in the lexicon"},
        BrokenCase{
            "unknown_word_list",
            // clang-format off
                   R"pb(lexicon: concepts { id: "w" description: "x" patterns: ["take {pills}"] })pb",
            // clang-format on
            "unknown word list {pills}"},
        BrokenCase{"upper_case_pattern",
                   // clang-format off
                   R"pb(lexicon: concepts { id: "u" description: "x" patterns: ["Overdose"] })pb",
                   // clang-format on
                   "upper-case letters"},
        BrokenCase{"trigger_without_kind",
                   // clang-format off
                   R"pb(lexicon: triggers { patterns: ["never"] })pb",
                   // clang-format on
                   "kind is required"},
        BrokenCase{
            "review_within_over_a_day",
            // clang-format off
                   R"pb(bands { band: URGENCY_BAND_D label: "d" respond_within { seconds: 259200 } review_within { seconds: 172800 } mhsds_priority: 2 fhir_priority: "urgent" source: "x" })pb",
            // clang-format on
            "at most 24 hours"},
        BrokenCase{
            "unknown_pathway",
            // clang-format off
                   R"pb(rules { id: "p" description: "x" when { out_of_hours: true } pathways: ["nowhere"] })pb",
            // clang-format on
            "pathway \"nowhere\" is not defined"},
        BrokenCase{
            "bad_age_range",
            // clang-format off
                   R"pb(rules { id: "age" description: "x" when { min_age_years: 30 max_age_years: 20 } band: URGENCY_BAND_C })pb",
            // clang-format on
            "age range"},
        BrokenCase{
            "unknown_legal_status",
            // clang-format off
                   R"pb(rules { id: "mha" description: "x" when { legal_status_in: ["11"] } band: URGENCY_BAND_C })pb",
            // clang-format on
            "not a UK Core legal status code"},
        BrokenCase{
            "band_defined_twice",
            // clang-format off
                   R"pb(bands { band: URGENCY_BAND_C label: "dup" respond_within { seconds: 1 } mhsds_priority: 2 fhir_priority: "urgent" source: "x" })pb",
            // clang-format on
            "defined twice"},
        BrokenCase{
            "band_clock_out_of_order",
            // clang-format off
                   R"pb(bands { band: URGENCY_BAND_D label: "d" respond_within { seconds: 60 } mhsds_priority: 2 fhir_priority: "urgent" source: "x" })pb",
            // clang-format on
            "responds faster than the more urgent band"},
        BrokenCase{"missing_description",
                   // clang-format off
                   R"pb(rules { id: "nodesc" when { out_of_hours: true } band: URGENCY_BAND_C })pb",
                   // clang-format on
                   "description is required"}),
    [](const ::testing::TestParamInfo<BrokenCase>& info) { return info.param.name; });

TEST(RuleLoaderTest, IncompleteBandDefinitionIsRejected) {
  const std::string text = absl::StrReplaceAll(
      kMinimal, {{"bands { band: URGENCY_BAND_C label: \"24h\" respond_within { seconds: 86400 }",
                  "bands { band: URGENCY_BAND_C label: \"24h\""}});
  EXPECT_THAT(
      TriageEngine::FromText(text),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("needs exactly one of respond_within or no_face_to_face_response")));
}

TEST(RuleLoaderTest, VersionIgnoresLayoutButTracksContent) {
  auto a = Load(kMinimal);
  auto b = Load(std::string("# a comment\n") + kMinimal + "\n\n");
  auto c = Load(absl::StrReplaceAll(kMinimal, {{"plan to die", "plan to end it"}}));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->version(), b->version());
  EXPECT_NE(a->version(), c->version());
  EXPECT_THAT(a->version(), ::testing::MatchesRegex("t1\\+[0-9a-f]{16}"));
}

v1::ReferralSubmission Neutral() { return testing::NeutralReferral(); }

TEST(TriageEngineTest, MostUrgentFiredBandWinsAndExplainsEachRule) {
  auto engine = Load(kMinimal);
  v1::ReferralSubmission s = Neutral();
  s.mutable_risk()->set_to_self(v1::RISK_LEVEL_HIGH);
  s.set_story("She has a plan to die tonight.");
  const absl::Time t = testing::InHours();
  const v1::TriageDecision d = engine->Evaluate({.submission = s, .received_at = t});
  EXPECT_EQ(d.band(), v1::URGENCY_BAND_B);
  ASSERT_EQ(d.fired_rules_size(), 2);
  EXPECT_EQ(d.fired_rules(0).rule_id(), "high");
  EXPECT_EQ(d.fired_rules(0).evidence(0).input(), "risk.to_self");
  EXPECT_EQ(d.fired_rules(0).evidence(0).value(), "RISK_LEVEL_HIGH");
  EXPECT_EQ(d.fired_rules(1).rule_id(), "plan");
  EXPECT_EQ(d.fired_rules(1).evidence(0).input(), "story");
  EXPECT_EQ(d.fired_rules(1).evidence(0).finding().concept_id(), "plan");
  EXPECT_EQ(d.fired_rules(1).evidence(0).finding().text(), "plan to die");
  EXPECT_EQ(d.fired_rules(1).evidence(0).finding().start(), 10);  // "She has a |plan to die"
  EXPECT_EQ(d.fired_rules(1).evidence(0).value(), "plan \"plan to die\" [10, 21) current");
  // Decision record: clock, crosswalk, version.
  EXPECT_EQ(FromProtoTime(d.respond_by()), t + absl::Hours(4));
  EXPECT_EQ(d.mhsds_priority(), 4);
  EXPECT_EQ(d.fhir_priority(), "asap");
  EXPECT_EQ(d.rule_set_version(), engine->version());
  EXPECT_FALSE(d.default_band_applied());
}

TEST(TriageEngineTest, NegatedStoryDoesNotFireAndIsExplained) {
  auto engine = Load(kMinimal);
  v1::ReferralSubmission s = Neutral();
  s.set_story("Denies any plan to die.");
  const v1::TriageDecision d =
      engine->Evaluate({.submission = s, .received_at = testing::InHours()});
  EXPECT_EQ(d.band(), v1::URGENCY_BAND_E);
  EXPECT_TRUE(d.default_band_applied());
  ASSERT_EQ(d.findings_size(), 1);
  EXPECT_EQ(d.findings(0).concept_id(), "plan");
  EXPECT_FALSE(d.findings(0).affirmed());
}

TEST(TriageEngineTest, FlagsNeverChangeTheBandAndPathwayClocksRun) {
  auto engine = Load(kMinimal);
  v1::ReferralSubmission s = Neutral();
  s.mutable_risk()->set_to_self(v1::RISK_LEVEL_HIGH);
  s.add_presenting_needs(v1::PRESENTING_NEED_PSYCHOSIS);
  const absl::Time t = testing::InHours();
  const v1::TriageDecision d = engine->Evaluate({.submission = s, .received_at = t});
  EXPECT_EQ(d.band(), v1::URGENCY_BAND_C);
  EXPECT_THAT(d.flags(), ::testing::ElementsAre(v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW));
  ASSERT_EQ(d.pathways_size(), 1);
  EXPECT_EQ(d.pathways(0).id(), "eip");
  EXPECT_EQ(FromProtoTime(d.pathways(0).due_by()), t + absl::Hours(24 * 14));
}

TEST(TriageEngineTest, MissingRiskRaisesReviewNeverASlowerBand) {
  auto engine = Load(kMinimal);
  v1::ReferralSubmission s = Neutral();
  s.mutable_risk()->set_to_self(v1::RISK_LEVEL_HIGH);
  s.mutable_risk()->clear_to_others();
  const v1::TriageDecision d =
      engine->Evaluate({.submission = s, .received_at = testing::InHours()});
  EXPECT_EQ(d.band(), v1::URGENCY_BAND_C);
  EXPECT_THAT(d.flags(), ::testing::Contains(v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW));
  const auto& last = d.fired_rules(d.fired_rules_size() - 1);
  EXPECT_EQ(last.rule_id(), "builtin.missing-risk-information");
  EXPECT_EQ(last.band(), v1::URGENCY_BAND_UNSPECIFIED);
  EXPECT_EQ(last.evidence(0).input(), "risk.to_others");
}

TEST(TriageEngineTest, EvaluationIsDeterministic) {
  auto engine = testing::DefaultEngine();
  v1::ReferralSubmission s = Neutral();
  s.set_story("Hearing voices, paranoid, has a plan to jump. Denies self-harm.");
  s.add_presenting_needs(v1::PRESENTING_NEED_PSYCHOSIS);
  s.mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
  const auto first =
      engine->Evaluate({.submission = s, .received_at = testing::InHours()}).SerializeAsString();
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(
        engine->Evaluate({.submission = s, .received_at = testing::InHours()}).SerializeAsString(),
        first);
  }
}

TEST(TriageEngineTest, OpenReferralHookIsTestable) {
  const std::string text =
      std::string(kMinimal) +
      // clang-format off
      R"pb(rules { id: "open" description: "already open" when { has_open_referral: true } flags: [TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW] })pb";
  // clang-format on
  auto engine = Load(text);
  v1::ReferralSubmission s = Neutral();
  s.mutable_risk()->set_to_self(v1::RISK_LEVEL_HIGH);
  auto without = engine->Evaluate({.submission = s, .received_at = testing::InHours()});
  auto with = engine->Evaluate(
      {.submission = s, .received_at = testing::InHours(), .has_open_referral = true});
  EXPECT_THAT(without.flags(),
              ::testing::Not(::testing::Contains(v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW)));
  EXPECT_THAT(with.flags(), ::testing::Contains(v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW));
}

// Property: adding a rule that fires can never make a referral's band less
// urgent. Random referrals x an always-firing added rule of each band.
// The default band is a placeholder for "no rule set a band" (marked
// default_band_applied, with clinician review); a rule less urgent than the
// default (F, G) may replace that placeholder, and only that.
TEST(TriageEnginePropertyTest, AddingAFiringRuleNeverLowersTheBand) {
  auto base = testing::DefaultEngine();
  ASSERT_NE(base, nullptr);
  std::mt19937 rng(20261122);
  const std::vector<std::string> stories = {
      "Low mood.",          "Denies suicidal thoughts.", "Has a plan to jump.",  "Hearing voices.",
      "Taken an overdose.", "Wants advice only.",        "Self-harming weekly.", ""};
  const std::vector<v1::PresentingNeed> needs = {
      v1::PRESENTING_NEED_ANXIETY, v1::PRESENTING_NEED_PSYCHOSIS, v1::PRESENTING_NEED_HOUSING,
      v1::PRESENTING_NEED_ADVICE_ONLY, v1::PRESENTING_NEED_PERINATAL};
  int checked = 0;
  for (int band = v1::URGENCY_BAND_A; band <= v1::URGENCY_BAND_G; ++band) {
    // The added rule fires for every referral: any risk level, recorded or not.
    v1::RuleSet rules = base->rule_set();
    v1::TriageRule* extra = rules.add_rules();
    extra->set_id("added.always");
    extra->set_description("always fires");
    for (int level = v1::RISK_LEVEL_UNSPECIFIED; level <= v1::RISK_LEVEL_IMMINENT; ++level) {
      extra->mutable_when()->add_any_risk_in(static_cast<v1::RiskLevel>(level));
    }
    extra->set_band(static_cast<v1::UrgencyBand>(band));
    auto extended = TriageEngine::FromRuleSet(rules);
    ASSERT_TRUE(extended.ok()) << extended.status();
    for (int i = 0; i < 200; ++i) {
      v1::ReferralSubmission s = Neutral();
      s.set_story(stories[rng() % stories.size()]);
      if (rng() % 2) s.add_presenting_needs(needs[rng() % needs.size()]);
      s.mutable_risk()->set_to_self(static_cast<v1::RiskLevel>(rng() % 6));
      s.mutable_risk()->set_to_others(static_cast<v1::RiskLevel>(rng() % 6));
      s.mutable_risk()->set_safeguarding_concern(static_cast<v1::Answer>(rng() % 4));
      const absl::Time t = (rng() % 2) ? testing::InHours() : testing::SundayNight();
      const auto before = base->Evaluate({.submission = s, .received_at = t});
      const auto after = (*extended)->Evaluate({.submission = s, .received_at = t});
      if (!before.default_band_applied() || band <= base->rule_set().default_band()) {
        ASSERT_LE(after.band(), before.band())
            << "adding a band " << band << " rule lowered " << v1::UrgencyBand_Name(before.band());
        ASSERT_EQ(after.band(), std::min<int>(before.band(), band));
      } else {
        ASSERT_FALSE(after.default_band_applied());
        ASSERT_EQ(after.band(), band) << "the added rule is the only band-setting rule";
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 7 * 200);
}

}  // namespace
}  // namespace signpost::router
