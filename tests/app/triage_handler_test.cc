#include "app/triage_handler.h"

#include <functional>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"
#include "tests/fakes/fake_clock.h"
#include "tests/router/triage/triage_testing.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/service_stack.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/violations.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// The default rules with `edit` applied, as text.
std::string EditedDefaultRules(const std::function<void(v1::RuleSet&)>& edit) {
  v1::RuleSet rules = testing::DefaultEngine()->rule_set();
  edit(rules);
  std::string text;
  google::protobuf::TextFormat::PrintToString(rules, &text);
  return text;
}

v1::TriageRule* RuleById(v1::RuleSet& rules, const std::string& id) {
  for (auto& r : *rules.mutable_rules()) {
    if (r.id() == id) return &r;
  }
  ADD_FAILURE() << "no rule " << id;
  static v1::TriageRule dummy;
  return &dummy;
}

class TriageHandlerTest : public ::testing::Test {
 protected:
  v1::Referral Submit(const std::string& id, v1::RiskLevel to_self) {
    v1::SubmitReferralRequest r = testing::ValidGpReferral(id);
    r.mutable_submission()->mutable_risk()->set_to_self(to_self);
    return stack_.SubmitOk(r, absl::Minutes(1));
  }

  testing::ServiceStack stack_{testing::InHours(), 11};
  testing::FakeClock& clock_ = stack_.clock;
  std::unique_ptr<storage::Store>& store_ = stack_.store;
  std::unique_ptr<RuleRegistry>& rules_ = stack_.rules;
  ReferralHandler*& referrals_ = stack_.referrals;
  TriageHandler*& triage_ = stack_.triage;
};

TEST_F(TriageHandlerTest, EvaluateIsADryRun) {
  v1::EvaluateReferralRequest req;
  *req.mutable_submission() = testing::ValidGpReferral().submission();
  req.mutable_submission()->set_story("Has taken an overdose of 20 tablets.");
  ASSERT_OK_AND_ASSIGN(v1::TriageDecision d, triage_->Evaluate(req));
  EXPECT_EQ(d.band(), v1::URGENCY_BAND_A);
  EXPECT_EQ(d.rule_set_version(), rules_->Current()->version());
  EXPECT_EQ(FromProtoTime(d.received_at()), clock_.Now());
  EXPECT_EQ(store_->events().Visible(), 0u) << "a dry run stores nothing";
}

TEST_F(TriageHandlerTest, EvaluateValidatesLikeIntake) {
  v1::EvaluateReferralRequest req;
  *req.mutable_submission() = testing::ValidGpReferral().submission();
  req.mutable_submission()->mutable_person()->set_nhs_number("9434765918");
  EXPECT_THAT(triage_->Evaluate(req), StatusIs(absl::StatusCode::kInvalidArgument,
                                               HasSubstr("submission.person.nhs_number")));
  EXPECT_THAT(triage_->Evaluate({}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("submission")));
}

TEST_F(TriageHandlerTest, EvaluateWithCandidateRulesAndTheirErrors) {
  v1::EvaluateReferralRequest req;
  *req.mutable_submission() = testing::ValidGpReferral().submission();
  // Candidate: risk LOW becomes band D.
  req.set_rule_set_text(EditedDefaultRules(
      [](v1::RuleSet& r) { RuleById(r, "e.risk.low")->set_band(v1::URGENCY_BAND_D); }));
  ASSERT_OK_AND_ASSIGN(v1::TriageDecision d, triage_->Evaluate(req));
  EXPECT_EQ(d.band(), v1::URGENCY_BAND_D);
  EXPECT_NE(d.rule_set_version(), rules_->Current()->version());
  req.set_rule_set_text("version: \"x\" bogus: 1");
  EXPECT_THAT(triage_->Evaluate(req),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("rule_set_text: invalid rule set: line 1")));
}

TEST_F(TriageHandlerTest, ReplayListsExactlyTheUnderTriagedReferrals) {
  const v1::Referral high = Submit("high", v1::RISK_LEVEL_HIGH);        // live C
  const v1::Referral medium = Submit("medium", v1::RISK_LEVEL_MEDIUM);  // live D
  const v1::Referral low = Submit("low", v1::RISK_LEVEL_LOW);           // live E
  const v1::Referral high2 = Submit("high2", v1::RISK_LEVEL_HIGH);      // live C
  // Candidate: high risk to self only gets D (under-triage), medium gets C
  // (more urgent).
  const std::string candidate = EditedDefaultRules([](v1::RuleSet& r) {
    RuleById(r, "c.risk.self.high")->set_band(v1::URGENCY_BAND_D);
    RuleById(r, "d.risk.self.medium")->set_band(v1::URGENCY_BAND_C);
  });
  v1::ReplayRuleSetRequest req;
  req.set_candidate_rule_set_text(candidate);
  ASSERT_OK_AND_ASSIGN(v1::ReplayRuleSetResponse r, triage_->Replay(req));
  EXPECT_EQ(r.referrals_evaluated(), 4);
  EXPECT_EQ(r.unchanged(), 1);
  EXPECT_EQ(r.more_urgent(), 1);
  EXPECT_EQ(r.less_urgent(), 2);
  ASSERT_THAT(r.under_triaged(), SizeIs(2));
  EXPECT_EQ(r.under_triaged(0).referral_id(), high.referral_id());
  EXPECT_EQ(r.under_triaged(1).referral_id(), high2.referral_id());
  EXPECT_EQ(r.under_triaged(0).live_band(), v1::URGENCY_BAND_C);
  EXPECT_EQ(r.under_triaged(0).candidate_band(), v1::URGENCY_BAND_D);
  EXPECT_THAT(r.under_triaged(0).live_rule_ids(), ::testing::Contains("c.risk.self.high"));
  EXPECT_EQ(r.transitions().at("C->D"), 2);
  EXPECT_EQ(r.transitions().at("D->C"), 1);
  EXPECT_EQ(r.transitions().at("E->E"), 1);

  // A time range selects referrals by receipt.
  req.mutable_received_after()->CopyFrom(medium.received_at());
  req.mutable_received_before()->CopyFrom(high2.received_at());
  ASSERT_OK_AND_ASSIGN(r, triage_->Replay(req));
  EXPECT_EQ(r.referrals_evaluated(), 2);  // medium, low
  EXPECT_THAT(r.under_triaged(), SizeIs(0));
  // A limit truncates.
  req.clear_received_after();
  req.clear_received_before();
  req.set_max_referrals(3);
  ASSERT_OK_AND_ASSIGN(r, triage_->Replay(req));
  EXPECT_EQ(r.referrals_evaluated(), 3);
  EXPECT_TRUE(r.truncated());
  (void)low;
}

TEST_F(TriageHandlerTest, ReplayFlagsDroppedReviewAsUnderTriage) {
  Submit("contradictory", v1::RISK_LEVEL_NONE);  // story is fine: no review
  v1::SubmitReferralRequest r = testing::ValidGpReferral("suicidal-story");
  r.mutable_submission()->set_story("Feeling suicidal at night.");
  ASSERT_TRUE(referrals_->Submit(r).ok());
  // Candidate drops the review flag from the suicidal-ideation story rule
  // (keeping its band) and disables the contradiction check.
  const std::string candidate = EditedDefaultRules([](v1::RuleSet& r) {
    RuleById(r, "c.story.suicidal-thoughts")->clear_flags();
    auto* contradiction = RuleById(r, "f.flag.contradictory-risk");
    contradiction->mutable_when()->clear_findings_any();
    contradiction->mutable_when()->add_findings_any()->add_concepts("advice_request");
  });
  v1::ReplayRuleSetRequest req;
  req.set_candidate_rule_set_text(candidate);
  ASSERT_OK_AND_ASSIGN(v1::ReplayRuleSetResponse out, triage_->Replay(req));
  ASSERT_THAT(out.under_triaged(), SizeIs(1));
  EXPECT_TRUE(out.under_triaged(0).candidate_drops_review());
  EXPECT_EQ(out.under_triaged(0).live_band(), out.under_triaged(0).candidate_band());
}

TEST_F(TriageHandlerTest, ReplayValidatesItsInput) {
  v1::ReplayRuleSetRequest req;
  EXPECT_THAT(triage_->Replay(req), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("candidate_rule_set_text: is required")));
  req.set_candidate_rule_set_text("rules { id: \"x\" }");
  EXPECT_THAT(triage_->Replay(req),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("version is required")));
}

TEST_F(TriageHandlerTest, InvalidActivationKeepsLiveRules) {
  const std::string live = rules_->Current()->version();
  v1::ActivateRuleSetRequest bad;
  bad.set_rule_set_text(testing::DefaultRulesText() + "\nrules { id: \"broken\" when {} }\n");
  auto result = triage_->Activate(bad);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line ")));
  EXPECT_EQ(rules_->Current()->version(), live);

  v1::ActivateRuleSetRequest good;
  good.set_rule_set_text(testing::DefaultRulesWithVersion("2099.1.1"));
  ASSERT_OK_AND_ASSIGN(v1::ActivateRuleSetResponse activated, triage_->Activate(good));
  EXPECT_EQ(activated.previous_rule_set_version(), live);
  EXPECT_THAT(activated.rule_set_version(), ::testing::StartsWith("2099.1.1+"));
  EXPECT_EQ(triage_->GetActive().rule_set_version(), activated.rule_set_version());
  // New referrals are triaged, and stamped, with the new rules.
  EXPECT_EQ(Submit("after", v1::RISK_LEVEL_LOW).triage().rule_set_version(),
            activated.rule_set_version());
}

}  // namespace
}  // namespace signpost::app
