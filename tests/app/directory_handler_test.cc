#include "app/directory_handler.h"

#include "app/referral_handler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

v1::DirectoryServiceRecord Cmht(const std::string& id) {
  v1::DirectoryServiceRecord s;
  s.set_id(id);
  s.set_name("CMHT " + id);
  s.set_status(v1::SERVICE_STATUS_ACTIVE);
  s.set_sector(v1::SERVICE_SECTOR_STATUTORY);
  s.mutable_eligibility()->add_needs(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION);
  s.mutable_eligibility()->add_postcode_districts("SE6");
  s.mutable_capacity()->set_status(v1::CAPACITY_STATUS_HAS_CAPACITY);
  s.mutable_schedule()->set_open_24_7(true);
  return s;
}

class DirectoryHandlerTest : public ::testing::Test {
 protected:
  v1::Referral Submit(v1::SubmitReferralRequest r) { return stack_.SubmitOk(r); }

  testing::ServiceStack stack_{testing::InHours(), 5, /*with_directory=*/true};
  std::unique_ptr<storage::Store>& directory_store_ = stack_.store;
  DirectoryHandler* handler_ = stack_.directory_handler;
};

TEST_F(DirectoryHandlerTest, UpsertValidatesEveryField) {
  v1::UpsertServiceRequest bad;
  bad.mutable_service()->mutable_eligibility()->set_min_age_years(30);
  bad.mutable_service()->mutable_eligibility()->set_max_age_years(20);
  auto r = handler_->Upsert(bad);
  ASSERT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  const auto violations = ViolationsFromStatus(r.status());
  ASSERT_TRUE(violations.has_value());
  std::vector<std::string> fields;
  for (const auto& v : violations->violations()) fields.push_back(v.field());
  EXPECT_THAT(fields, ::testing::ElementsAre("service.id", "service.name", "service.status",
                                             "service.eligibility.max_age_years"));
}

TEST_F(DirectoryHandlerTest, RoutesToUpsertedServiceTeamAndCaseManagerThenNotOnceRetired) {
  v1::UpsertServiceRequest up;
  *up.mutable_service() = Cmht("cmht-a");
  ASSERT_TRUE(handler_->Upsert(up).ok());
  v1::UpsertTeamRequest team;
  team.mutable_team()->set_id("team-a");
  team.mutable_team()->set_service_id("cmht-a");
  ASSERT_TRUE(handler_->UpsertTeam(team).ok());
  v1::UpsertCaseManagerRequest cm;
  cm.mutable_case_manager()->set_id("cm-1");
  cm.mutable_case_manager()->set_team_id("team-a");
  cm.mutable_case_manager()->set_caseload_limit(10);
  cm.mutable_case_manager()->set_active(true);
  ASSERT_TRUE(handler_->UpsertCaseManager(cm).ok());

  v1::SubmitReferralRequest r = testing::ValidGpReferral("r1");  // low mood, SE6, band E
  const v1::Referral routed = Submit(r);
  EXPECT_EQ(routed.status(), v1::REFERRAL_STATUS_ROUTED);
  EXPECT_EQ(routed.routing().service_id(), "cmht-a");
  EXPECT_EQ(routed.routing().case_manager_id(), "cm-1");
  EXPECT_EQ(routed.routing().owner(), "case_manager:cm-1");
  EXPECT_EQ(routed.last_event_sequence(), 3u);  // received, triaged, routed

  v1::RetireServiceRequest retire;
  retire.set_service_id("cmht-a");
  ASSERT_OK_AND_ASSIGN(v1::DirectoryServiceRecord retired, handler_->Retire(retire));
  EXPECT_EQ(retired.status(), v1::SERVICE_STATUS_INACTIVE);
  const v1::Referral unmatched = Submit(testing::ValidGpReferral("r2"));
  EXPECT_EQ(unmatched.status(), v1::REFERRAL_STATUS_UNMATCHED);
  EXPECT_EQ(unmatched.routing().owner(), "queue:call-hub-review");
}

TEST_F(DirectoryHandlerTest, FlaggedReferralKeepsReviewStatusWithARoutingRecommendation) {
  v1::UpsertServiceRequest up;
  *up.mutable_service() = Cmht("cmht-a");
  ASSERT_TRUE(handler_->Upsert(up).ok());
  v1::SubmitReferralRequest r = testing::ValidGpReferral("flagged");
  r.mutable_submission()->mutable_risk()->clear_to_others();  // missing risk -> review
  const v1::Referral ref = Submit(r);
  EXPECT_EQ(ref.status(), v1::REFERRAL_STATUS_NEEDS_REVIEW);
  EXPECT_EQ(ref.routing().owner(), "queue:clinician-review");
  EXPECT_EQ(ref.routing().service_id(), "cmht-a");
  EXPECT_EQ(ref.last_event_sequence(), 2u);  // no routing status change yet
}

TEST_F(DirectoryHandlerTest, ReimportUpdatesInPlace) {
  v1::ImportDirectoryRequest req;
  req.set_json(
      R"({"contents": [{"id": "x", "name": "X", "description": "d", "status": "active"}]})");
  ASSERT_OK_AND_ASSIGN(auto first, handler_->Import(req));
  EXPECT_EQ(first.imported(), 1);
  req.set_json(
      R"({"contents": [{"id": "x", "name": "X renamed", "description": "d", "status": "active"}]})");
  ASSERT_OK_AND_ASSIGN(auto second, handler_->Import(req));
  EXPECT_EQ(second.imported(), 0);
  EXPECT_EQ(second.updated(), 1);
  ASSERT_OK_AND_ASSIGN(auto all, directory_store_->ListServices());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name(), "X renamed");
  EXPECT_THAT(handler_->Import({}), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace signpost::app
