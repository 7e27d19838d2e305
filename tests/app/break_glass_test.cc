// Break-glass (app/break_glass.h): a reason is required, the grant is for
// one clinician and one person and lasts an hour, it is written with an
// alert event on the person's latest referral and an audit entry whose
// purpose is emergency treatment.
#include "app/break_glass.h"

#include "app/audit.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/service_stack.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::HasSubstr;

class BreakGlassTest : public ::testing::Test {
 protected:
  BreakGlassTest() : handler_(stack_.app->deps()) {
    referral_ = stack_.SubmitOk(testing::ValidGpReferral("bg-1"));
  }

  v1::BreakGlassRequest Request(const std::string& reason) {
    v1::BreakGlassRequest r;
    r.set_person_id("9990000018");
    r.set_reason(reason);
    r.mutable_by()->set_id("cm-other");
    return r;
  }

  testing::ServiceStack stack_{testing::InHours(), 11};
  BreakGlassHandler handler_;
  v1::Referral referral_;
};

TEST_F(BreakGlassTest, AReasonIsRequiredAndEveryBadFieldIsNamed) {
  v1::BreakGlassRequest bad;
  bad.set_reason("urgent");  // too short to say why
  absl::StatusOr<v1::BreakGlassGrant> g = handler_.Grant(bad, "team-a");
  ASSERT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(g.status().message(), HasSubstr("person_id"));
  EXPECT_THAT(g.status().message(), HasSubstr("reason"));
  EXPECT_THAT(g.status().message(), HasSubstr("by"));
  v1::BreakGlassRequest both = Request("Seen in A&E after an overdose; need the risk history");
  both.set_referral_id(referral_.referral_id());
  EXPECT_EQ(handler_.Grant(both, "team-a").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BreakGlassTest, AGrantLastsAnHourForThatClinicianAndThatPersonOnly) {
  auto g =
      handler_.Grant(Request("Seen in A&E after an overdose; need the risk history"), "team-a");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->person_id(), referral_.person_id());
  EXPECT_EQ(FromProtoTime(g->expires_at()) - FromProtoTime(g->granted_at()), kBreakGlassWindow);
  EXPECT_TRUE(handler_.Active("cm-other", referral_.person_id())->has_value());
  EXPECT_FALSE(handler_.Active("cm-someone-else", referral_.person_id())->has_value());
  stack_.clock.Advance(kBreakGlassWindow - absl::Seconds(1));
  EXPECT_TRUE(handler_.Active("cm-other", referral_.person_id())->has_value());
  stack_.clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(handler_.Active("cm-other", referral_.person_id())->has_value())
      << "expired at exactly the window's end";
}

TEST_F(BreakGlassTest, AGrantRaisesAnAlertAndIsAuditedAsEmergencyAccess) {
  AuditScope scope({.caller = {.user_id = "cm-other",
                               .organisation = "team-a",
                               .roles = {v1::ROLE_CASE_MANAGER}},
                    .rpc = "BreakGlass"});
  const uint64_t before = stack_.store->events().Visible();
  auto g =
      handler_.Grant(Request("Seen in A&E after an overdose; need the risk history"), "team-a");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE(scope.written());
  EXPECT_EQ(g->alert_referral_id(), referral_.referral_id());
  uint64_t scanned = 0;
  auto events = stack_.store->events().ReadEvents(before, 10, {}, &scanned);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type(), v1::ReferralEvent::TYPE_ALERT);
  EXPECT_EQ((*events)[0].reason(), "break-glass-access");
  EXPECT_EQ((*events)[0].referral_id(), referral_.referral_id());
  auto trail = stack_.store->ListAudit(0, 100);
  ASSERT_TRUE(trail.ok());
  const v1::AuditEntry& last = trail->entries.back();
  EXPECT_EQ(last.rpc(), "BreakGlass");
  EXPECT_EQ(last.purpose(), v1::AUDIT_PURPOSE_EMERGENCY_TREATMENT);
  EXPECT_EQ(last.break_glass_reason(), "Seen in A&E after an overdose; need the risk history");
  EXPECT_EQ(last.actor().user_id(), "cm-other");
}

TEST_F(BreakGlassTest, AnUnknownPersonIsNotFoundAndNothingIsWritten) {
  v1::BreakGlassRequest r = Request("Seen in A&E after an overdose; need the risk history");
  r.set_person_id("9434765919");
  const uint64_t before = stack_.store->events().Visible();
  EXPECT_EQ(handler_.Grant(r, "team-a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(stack_.store->events().Visible(), before);
}

}  // namespace
}  // namespace signpost::app
