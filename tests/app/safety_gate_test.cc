// The rule-change safety gate (issue 11): ActivateRuleSet refuses a
// candidate that under-triages a development vignette of the corpus or a
// stored referral on replay; an override with a reason lets it through and
// is recorded with what the gate found.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "router/triage/vignettes.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/service_stack.h"
#include "tests/testing/status_matchers.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::StatusIs;
using ::testing::HasSubstr;

// Two development vignettes (held_out_percent 1 with this seed keeps both
// out of the held-out split; checked below).
constexpr char kCorpus[] = R"pb(
  split_seed: 7
  held_out_percent: 1
  vignettes {
    id: "gate-overdose"
    family: "overdose_taken"
    expected_band: URGENCY_BAND_A
    story: "Took 40 paracetamol an hour ago."
  }
  vignettes {
    id: "gate-voices"
    family: "command_hallucinations"
    expected_band: URGENCY_BAND_B
    story: "Voices telling him to kill himself."
  }
)pb";

// The shipped rules with one rule's band changed.
std::string WithBand(const std::string& rule_id, v1::UrgencyBand band) {
  v1::RuleSet rules = testing::DefaultEngine()->rule_set();
  for (auto& r : *rules.mutable_rules()) {
    if (r.id() == rule_id) r.set_band(band);
  }
  rules.set_version("2099.1.1");
  std::string text;
  google::protobuf::TextFormat::PrintToString(rules, &text);
  return text;
}

class SafetyGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = router::ParseVignetteCorpus(kCorpus);
    ASSERT_TRUE(corpus.ok());
    for (const auto& v : corpus->vignettes()) ASSERT_FALSE(router::IsHeldOut(*corpus, v));
    stack_.EnableGate(kCorpus);
  }
  testing::ServiceStack stack_{testing::InHours(), 5};
};

TEST_F(SafetyGateTest, RefusesACandidateThatUnderTriagesAVignette) {
  const std::string live = stack_.rules->Current()->version();
  v1::ActivateRuleSetRequest request;
  request.set_rule_set_text(WithBand("b.story.command-hallucinations", v1::URGENCY_BAND_C));
  EXPECT_THAT(stack_.triage->Activate(request),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("safety gate"), HasSubstr("gate-voices"),
                                        HasSubstr("override_reason"))));
  EXPECT_EQ(stack_.rules->Current()->version(), live);
}

TEST_F(SafetyGateTest, RefusesACandidateThatUnderTriagesAStoredReferral) {
  v1::SubmitReferralRequest r = testing::ValidGpReferral("stored-1");
  r.mutable_submission()->set_story("Has been self-harming this week.");
  ASSERT_TRUE(stack_.referrals->Submit(r).ok());
  v1::ActivateRuleSetRequest request;
  request.set_rule_set_text(WithBand("c.story.self-harm", v1::URGENCY_BAND_E));
  EXPECT_THAT(stack_.triage->Activate(request),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("stored referral")));
}

TEST_F(SafetyGateTest, OverrideActivatesAndIsRecordedWithItsReason) {
  v1::ActivateRuleSetRequest request;
  request.set_rule_set_text(WithBand("b.story.command-hallucinations", v1::URGENCY_BAND_C));
  request.set_override_reason("CSO approved: trial of C for command hallucinations, ticket 42");
  auto activated = stack_.triage->Activate(request);
  ASSERT_TRUE(activated.ok()) << activated.status();
  EXPECT_THAT(activated->gate().under_triaged_vignettes(), ::testing::ElementsAre("gate-voices"));
  EXPECT_EQ(activated->gate().override_reason(), request.override_reason());
  auto stored = stack_.store->ActiveRules();
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->gate_override_reason(), request.override_reason());
  EXPECT_THAT((*stored)->gate_under_triaged(), ::testing::ElementsAre("gate-voices"));
  EXPECT_EQ((*stored)->rule_set_version(), activated->rule_set_version());
}

TEST_F(SafetyGateTest, APassingCandidateNeedsNoOverride) {
  v1::ActivateRuleSetRequest request;
  request.set_rule_set_text(WithBand("c.story.mania", v1::URGENCY_BAND_B));  // more urgent
  auto activated = stack_.triage->Activate(request);
  ASSERT_TRUE(activated.ok()) << activated.status();
  EXPECT_EQ(activated->gate().vignettes_evaluated(), 2);
  EXPECT_THAT(activated->gate().under_triaged_vignettes(), ::testing::IsEmpty());
  auto stored = stack_.store->ActiveRules();
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_TRUE((*stored)->gate_override_reason().empty());
}

TEST_F(SafetyGateTest, OverrideReasonIsBounded) {
  v1::ActivateRuleSetRequest request;
  request.set_rule_set_text(WithBand("c.story.mania", v1::URGENCY_BAND_B));
  request.set_override_reason(std::string(501, 'x'));
  EXPECT_THAT(stack_.triage->Activate(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("override_reason")));
}

}  // namespace
}  // namespace signpost
