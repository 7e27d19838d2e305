// The crisis fast path (issue 11): a band A referral is in its crisis
// team's queue at once (also while it awaits clinician review), carries the
// emergency instruction, emits exactly one alert, and escalates exactly once
// on breach - across a restart, with an injected clock. Unknown risk gets a
// review-by deadline.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"
#include "proto/signpost/referral_facts.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/service_stack.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::HasSubstr;

// A hub call about an overdose taken an hour ago, with no structured risk:
// band A, and (risk unknown) awaiting clinician review.
v1::SubmitReferralRequest OverdoseNow(const std::string& request_id) {
  v1::SubmitReferralRequest r = testing::ValidGpReferral(request_id);
  auto* s = r.mutable_submission();
  s->set_channel(v1::SOURCE_CHANNEL_CALL_HUB);
  s->mutable_referrer()->set_ods_code("RV505");
  s->set_story("Caller says her son took 30 paracetamol about an hour ago and won't go to A&E.");
  s->clear_risk();
  s->clear_presenting_needs();
  s->add_presenting_needs(v1::PRESENTING_NEED_SUICIDAL_IDEATION);
  return r;
}

std::vector<v1::ReferralEvent> EventsOf(const testing::ServiceStack& stack, const std::string& id) {
  uint64_t scanned = 0;
  auto events = stack.store->events().ReadEvents(0, 1000, {.referral_id = id}, &scanned);
  EXPECT_TRUE(events.ok()) << events.status();
  return events.ok() ? *events : std::vector<v1::ReferralEvent>();
}

int Count(const std::vector<v1::ReferralEvent>& events, v1::ReferralEvent::Type type) {
  int n = 0;
  for (const auto& e : events) n += e.type() == type ? 1 : 0;
  return n;
}

std::vector<std::string> Queue(testing::ServiceStack& stack, const std::string& team) {
  v1::ListTeamQueueRequest request;
  request.set_team_id(team);
  auto page = stack.cases->ListTeamQueue(request);
  EXPECT_TRUE(page.ok()) << page.status();
  std::vector<std::string> ids;
  if (page.ok()) {
    for (const auto& r : page->referrals()) ids.push_back(r.referral_id());
  }
  return ids;
}

class CrisisPathTest : public ::testing::Test {
 protected:
  void SetUp() override { stack_.LoadDemoDirectory(); }
  testing::ServiceStack stack_{testing::InHours(), 11, /*with_directory=*/true};
};

TEST_F(CrisisPathTest, BandAIsInTheCrisisTeamsQueueAtOnceAndInTheReviewQueue) {
  auto response = stack_.referrals->Submit(OverdoseNow("a1"));
  ASSERT_TRUE(response.ok()) << response.status();
  const v1::Referral& r = response->referral();
  ASSERT_EQ(r.triage().band(), v1::URGENCY_BAND_A);
  EXPECT_EQ(r.status(), v1::REFERRAL_STATUS_NEEDS_REVIEW);
  const std::string team = r.routing().team_id();
  ASSERT_FALSE(team.empty()) << "routing recommends a crisis team";
  EXPECT_THAT(Queue(stack_, team), ::testing::Contains(r.referral_id()));
  EXPECT_THAT(Queue(stack_, kClinicianReviewQueue), ::testing::Contains(r.referral_id()));
  // A routine referral awaiting review is in the review queue only.
  v1::SubmitReferralRequest routine = testing::ValidGpReferral("e1");
  routine.mutable_submission()->mutable_person()->set_nhs_number(testing::TestNhsNumber(3));
  routine.mutable_submission()->clear_risk();
  auto e = stack_.referrals->Submit(routine);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->referral().status(), v1::REFERRAL_STATUS_NEEDS_REVIEW);
  EXPECT_THAT(Queue(stack_, kClinicianReviewQueue),
              ::testing::Contains(e->referral().referral_id()));
  EXPECT_THAT(Queue(stack_, e->referral().routing().team_id()),
              ::testing::Not(::testing::Contains(e->referral().referral_id())));
}

TEST_F(CrisisPathTest, BandACarriesTheEmergencyInstructionAndOneAlert) {
  auto response = stack_.referrals->Submit(OverdoseNow("a2"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(response->instruction(), HasSubstr("Call 999 now"));
  EXPECT_EQ(response->referral().triage().instruction(), response->instruction());
  // An idempotent replay gives the instruction again, and no second alert.
  auto replay = stack_.referrals->Submit(OverdoseNow("a2"));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_TRUE(replay->idempotent_replay());
  EXPECT_THAT(replay->instruction(), HasSubstr("Call 999 now"));
  const auto events = EventsOf(stack_, response->referral().referral_id());
  EXPECT_EQ(Count(events, v1::ReferralEvent::TYPE_ALERT), 1);
  // A band E referral has no instruction to call 999 and no alert.
  auto routine = stack_.referrals->Submit(testing::ValidGpReferral("e2"));
  ASSERT_TRUE(routine.ok());
  EXPECT_THAT(routine->instruction(), ::testing::Not(HasSubstr("999")));
  EXPECT_EQ(
      Count(EventsOf(stack_, routine->referral().referral_id()), v1::ReferralEvent::TYPE_ALERT), 0);
}

TEST_F(CrisisPathTest, BreachEscalatesExactlyOnceAcrossARestart) {
  auto response = stack_.referrals->Submit(OverdoseNow("a3"));
  ASSERT_TRUE(response.ok()) << response.status();
  const std::string id = response->referral().referral_id();
  // Band A responds within 0 seconds: due at once.
  stack_.clock.Advance(absl::Seconds(1));
  ASSERT_EQ(*stack_.lifecycle->FireDueBreaches(), 1);
  EXPECT_EQ(*stack_.lifecycle->FireDueBreaches(), 0) << "once per deadline";
  stack_.Reopen();
  stack_.clock.Advance(absl::Minutes(10));
  EXPECT_EQ(*stack_.lifecycle->FireDueBreaches(), 0) << "still once after a restart";
  auto stored = stack_.store->GetReferral(id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->escalations_size(), 1);
  EXPECT_EQ(stored->escalations(0).escalated_to(), "duty:crisis-team-lead");
  EXPECT_EQ(stored->escalations(0).band(), v1::URGENCY_BAND_A);
  const auto events = EventsOf(stack_, id);
  ASSERT_EQ(Count(events, v1::ReferralEvent::TYPE_BREACHED), 1);
  for (const auto& e : events) {
    if (e.type() == v1::ReferralEvent::TYPE_BREACHED) {
      EXPECT_EQ(e.escalated_to(), "duty:crisis-team-lead");
    }
  }
}

TEST_F(CrisisPathTest, UnknownRiskGetsAReviewByDeadlineNeverRoutine) {
  v1::SubmitReferralRequest r = testing::ValidSelfReferral("s1");
  r.mutable_submission()->set_story("Feeling low and tired for a few months.");
  r.mutable_submission()->clear_risk();
  auto response = stack_.referrals->Submit(r);
  ASSERT_TRUE(response.ok()) << response.status();
  const v1::TriageDecision& d = response->referral().triage();
  EXPECT_EQ(d.band(), v1::URGENCY_BAND_E);
  EXPECT_TRUE(d.risk_unknown());
  const absl::Time received = FromProtoTime(response->referral().received_at());
  EXPECT_EQ(FromProtoTime(d.review_by()), received + absl::Hours(24));
  EXPECT_EQ(FromProtoTime(d.respond_by()), received + absl::Hours(24));
  // It breaches like any other clock.
  stack_.clock.Advance(absl::Hours(25));
  EXPECT_EQ(*stack_.lifecycle->FireDueBreaches(), 1);
}

}  // namespace
}  // namespace signpost
