#include "app/referral_handler.h"

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
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
using ::signpost::testing::ValidGpReferral;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 22, 9, 0, 0), absl::UTCTimeZone());

class ReferralHandlerTest : public ::testing::Test {
 protected:
  v1::Referral SubmitOk(const v1::SubmitReferralRequest& r) { return stack_.SubmitOk(r); }

  testing::ServiceStack stack_{kStart, 7};
  testing::FakeClock& clock_ = stack_.clock;
  std::unique_ptr<storage::Store>& store_ = stack_.store;
  std::unique_ptr<RuleRegistry>& rules_ = stack_.rules;
  ReferralHandler*& handler_ = stack_.referrals;
};

TEST_F(ReferralHandlerTest, SubmitTriagesAndStoresTheDecisionWithTheReferral) {
  const v1::Referral r = SubmitOk(ValidGpReferral("req-1"));
  EXPECT_EQ(r.status(), v1::REFERRAL_STATUS_TRIAGED);
  EXPECT_EQ(r.triage().band(), v1::URGENCY_BAND_E);
  EXPECT_EQ(r.triage().rule_set_version(), rules_->Current()->version());
  EXPECT_FALSE(r.triage().fired_rules().empty());
  EXPECT_EQ(FromProtoTime(r.triage().respond_by()), kStart + absl::Hours(24 * 28));
  // The stored record carries the same decision.
  ASSERT_OK_AND_ASSIGN(v1::Referral stored, store_->GetReferral(r.referral_id()));
  EXPECT_EQ(stored.triage().SerializeAsString(), r.triage().SerializeAsString());
  // Events: RECEIVED, then the triage status change with band and clock.
  WatchSubscription sub;
  ASSERT_OK_AND_ASSIGN(auto events, handler_->NextEvents(sub, 10));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].type(), v1::ReferralEvent::TYPE_RECEIVED);
  EXPECT_EQ(events[1].previous_status(), v1::REFERRAL_STATUS_RECEIVED);
  EXPECT_EQ(events[1].status(), v1::REFERRAL_STATUS_TRIAGED);
  EXPECT_EQ(events[1].band(), v1::URGENCY_BAND_E);
  EXPECT_EQ(events[1].respond_by().seconds(), r.triage().respond_by().seconds());
}

TEST_F(ReferralHandlerTest, FlaggedReferralNeedsReview) {
  v1::SubmitReferralRequest risky = ValidGpReferral("risky");
  risky.mutable_submission()->mutable_risk()->set_to_self(v1::RISK_LEVEL_IMMINENT);
  risky.mutable_submission()->mutable_risk()->clear_to_others();
  const v1::Referral r = SubmitOk(risky);
  EXPECT_EQ(r.status(), v1::REFERRAL_STATUS_NEEDS_REVIEW);
  EXPECT_EQ(r.triage().band(), v1::URGENCY_BAND_B);
  EXPECT_EQ(FromProtoTime(r.triage().respond_by()),
            FromProtoTime(r.received_at()) + absl::Hours(4));
  v1::ListReferralsRequest q;
  q.add_statuses(v1::REFERRAL_STATUS_NEEDS_REVIEW);
  ASSERT_OK_AND_ASSIGN(v1::ListReferralsResponse listed, handler_->List(q));
  ASSERT_THAT(listed.referrals(), SizeIs(1));
  EXPECT_EQ(listed.referrals(0).referral_id(), r.referral_id());
}

TEST_F(ReferralHandlerTest, SubmitRecordsClockTime) {
  const v1::Referral r = SubmitOk(ValidGpReferral("req-1"));
  EXPECT_EQ(FromProtoTime(r.received_at()), kStart);
  EXPECT_TRUE(IsReferralId(r.referral_id()));
  EXPECT_TRUE(CanonicalReference(r.reference()).has_value());
  EXPECT_EQ(r.submission().person().nhs_number(), "9990000018");
}

TEST_F(ReferralHandlerTest, RetryWithSameContentReplaysOriginal) {
  const v1::Referral first = SubmitOk(ValidGpReferral("req-1"));
  ASSERT_OK_AND_ASSIGN(v1::SubmitReferralResponse again,
                       handler_->Submit(ValidGpReferral("req-1")));
  EXPECT_TRUE(again.idempotent_replay());
  EXPECT_EQ(again.referral().referral_id(), first.referral_id());
  EXPECT_EQ(again.referral().reference(), first.reference());
}

TEST_F(ReferralHandlerTest, RetryDifferingOnlyInFormattingIsTheSameContent) {
  const v1::Referral first = SubmitOk(ValidGpReferral("req-1"));
  v1::SubmitReferralRequest retry = ValidGpReferral("req-1");
  retry.mutable_submission()->mutable_person()->set_nhs_number("999 000 0018");
  retry.mutable_submission()->mutable_person()->set_postcode("se64ru");
  ASSERT_OK_AND_ASSIGN(v1::SubmitReferralResponse again, handler_->Submit(retry));
  EXPECT_TRUE(again.idempotent_replay());
  EXPECT_EQ(again.referral().referral_id(), first.referral_id());
}

TEST_F(ReferralHandlerTest, SameRequestIdDifferentContentIsAlreadyExists) {
  const v1::Referral first = SubmitOk(ValidGpReferral("req-1"));
  v1::SubmitReferralRequest other = ValidGpReferral("req-1");
  other.mutable_submission()->set_story("A different story.");
  EXPECT_THAT(handler_->Submit(other),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(first.referral_id())));
  ASSERT_OK_AND_ASSIGN(v1::ListReferralsResponse all, handler_->List({}));
  EXPECT_THAT(all.referrals(), SizeIs(1));
}

TEST_F(ReferralHandlerTest, InvalidSubmissionListsEveryFieldAndStoresNothing) {
  v1::SubmitReferralRequest bad = testing::ValidSelfReferral("bad-1");
  auto* p = bad.mutable_submission()->mutable_person();
  p->set_nhs_number("9434765918");
  p->clear_family_name();
  p->mutable_contact()->clear_phone();
  absl::StatusOr<v1::SubmitReferralResponse> result = handler_->Submit(bad);
  ASSERT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("submission.person.nhs_number")));
  auto violations = ViolationsFromStatus(result.status());
  ASSERT_TRUE(violations.has_value());
  std::vector<std::string> fields;
  for (const auto& v : violations->violations()) fields.push_back(v.field());
  EXPECT_THAT(fields, ElementsAre("submission.person.nhs_number", "submission.person.family_name",
                                  "submission.person.contact"));
  EXPECT_EQ(store_->events().Visible(), 0u);
}

TEST_F(ReferralHandlerTest, GetByIdOrReferenceAsTyped) {
  const v1::Referral r = SubmitOk(ValidGpReferral("req-1"));
  v1::GetReferralRequest by_id;
  by_id.set_referral_id(absl::AsciiStrToLower(r.referral_id()));
  ASSERT_OK_AND_ASSIGN(v1::Referral got, handler_->Get(by_id));
  EXPECT_EQ(got.referral_id(), r.referral_id());

  std::string spoken = absl::AsciiStrToLower(r.reference());  // "k7qm-4xd2"
  spoken.erase(std::remove(spoken.begin(), spoken.end(), '-'), spoken.end());
  v1::GetReferralRequest by_ref;
  by_ref.set_referral_id(spoken);
  ASSERT_OK_AND_ASSIGN(got, handler_->Get(by_ref));
  EXPECT_EQ(got.referral_id(), r.referral_id());

  v1::GetReferralRequest junk;
  junk.set_referral_id("not an id!");
  EXPECT_THAT(handler_->Get(junk),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("referral_id")));
  v1::GetReferralRequest unknown;
  unknown.set_referral_id("ZZZZ-ZZZZ");
  EXPECT_THAT(handler_->Get(unknown), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReferralHandlerTest, WithdrawOpenReferralThenRefuseSecondTime) {
  const v1::Referral r = SubmitOk(ValidGpReferral("req-1"));
  v1::WithdrawReferralRequest w;
  w.set_referral_id(r.reference());
  w.set_reason("Patient moved out of area");
  ASSERT_OK_AND_ASSIGN(v1::WithdrawReferralResponse done, handler_->Withdraw(w));
  EXPECT_EQ(done.referral().status(), v1::REFERRAL_STATUS_WITHDRAWN);
  EXPECT_EQ(done.referral().withdrawal_reason(), "Patient moved out of area");
  EXPECT_EQ(FromProtoTime(done.referral().updated_at()), clock_.Now());

  EXPECT_THAT(handler_->Withdraw(w),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("WITHDRAWN")));
  // Events: received, triaged, then withdrawn with a coded reason.
  WatchSubscription sub;
  ASSERT_OK_AND_ASSIGN(auto events, handler_->NextEvents(sub, 10));
  ASSERT_THAT(events, SizeIs(3));
  EXPECT_EQ(events[2].previous_status(), v1::REFERRAL_STATUS_TRIAGED);
  EXPECT_EQ(events[2].status(), v1::REFERRAL_STATUS_WITHDRAWN);
  EXPECT_EQ(events[2].reason(), "withdrawn-by-referrer");
  EXPECT_EQ(sub.after_sequence, events[2].sequence());
}

TEST_F(ReferralHandlerTest, WithdrawValidatesInput) {
  v1::WithdrawReferralRequest w;
  auto result = handler_->Withdraw(w);
  ASSERT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument));
  auto violations = ViolationsFromStatus(result.status());
  ASSERT_TRUE(violations.has_value());
  EXPECT_THAT(violations->violations(), SizeIs(2));  // referral_id and reason
  w.set_referral_id("01M820GT6H2HQ3TE3GESFGNCNE");
  w.set_reason("duplicate");
  EXPECT_THAT(handler_->Withdraw(w), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReferralHandlerTest, ListPagesWithTokenBoundToFilters) {
  for (int i = 0; i < 5; ++i) SubmitOk(ValidGpReferral("req-" + std::to_string(i)));
  v1::ListReferralsRequest q;
  q.set_page_size(2);
  q.set_referrer_ods_code("g85001");  // case-insensitive
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    ASSERT_OK_AND_ASSIGN(v1::ListReferralsResponse resp, handler_->List(q));
    for (const auto& r : resp.referrals()) seen.push_back(r.request_id());
    if (resp.next_page_token().empty()) break;
    q.set_page_token(resp.next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre("req-0", "req-1", "req-2", "req-3", "req-4"));

  v1::ListReferralsRequest first_page;
  first_page.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(v1::ListReferralsResponse resp, handler_->List(first_page));
  v1::ListReferralsRequest changed = first_page;
  changed.set_page_token(resp.next_page_token());
  changed.set_channel(v1::SOURCE_CHANNEL_SELF);
  EXPECT_THAT(handler_->List(changed),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  v1::ListReferralsRequest garbage;
  garbage.set_page_token("%%%");
  EXPECT_THAT(handler_->List(garbage), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ReferralHandlerTest, ListValidatesFilters) {
  v1::ListReferralsRequest q;
  q.add_statuses(v1::REFERRAL_STATUS_UNSPECIFIED);
  q.set_page_size(501);
  *q.mutable_received_after() = ToProtoTime(kStart);
  *q.mutable_received_before() = ToProtoTime(kStart - absl::Hours(1));
  auto result = handler_->List(q);
  ASSERT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument));
  const auto violations = ViolationsFromStatus(result.status());
  ASSERT_TRUE(violations.has_value());
  std::vector<std::string> fields;
  for (const auto& v : violations->violations()) fields.push_back(v.field());
  EXPECT_THAT(fields, ElementsAre("statuses[0]", "received_before", "page_size"));
}

TEST_F(ReferralHandlerTest, WatchFiltersByReferralGivenAsReference) {
  const v1::Referral a = SubmitOk(ValidGpReferral("a"));
  SubmitOk(ValidGpReferral("b"));
  v1::WatchReferralsRequest req;
  req.set_referral_id(a.reference());
  ASSERT_OK_AND_ASSIGN(WatchSubscription sub, handler_->StartWatch(req));
  EXPECT_EQ(sub.filter.referral_id, a.referral_id());
  ASSERT_OK_AND_ASSIGN(auto events, handler_->NextEvents(sub, 10));
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].referral_id(), a.referral_id());
  EXPECT_EQ(events[1].referral_id(), a.referral_id());
  EXPECT_EQ(sub.after_sequence, store_->events().Visible())
      << "cursor advances past non-matching events";
  EXPECT_GT(sub.after_sequence, events[1].sequence());
}

TEST_F(ReferralHandlerTest, WatchCursorBeyondTheLogIsOutOfRange) {
  SubmitOk(ValidGpReferral("a"));
  v1::WatchReferralsRequest req;
  req.set_after_sequence(store_->events().Visible());
  EXPECT_TRUE(handler_->StartWatch(req).ok());
  req.set_after_sequence(store_->events().Visible() + 1);
  EXPECT_THAT(handler_->StartWatch(req),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("after_sequence")));
}

}  // namespace
}  // namespace signpost::app
