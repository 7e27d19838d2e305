// End to end: the real server seeded with the demo borough directory
// routes referrals, and the DirectoryService imports, searches and exports.

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "signpost/v1/directory_service.grpc.pb.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/read_file.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;

std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 10) { return testing::CallContext(seconds); }

class DirectoryE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    referrals_ = v1::ReferralService::NewStub(server_.Channel());
    directory_ = v1::DirectoryService::NewStub(server_.Channel());
  }
  testing::TempDir dir_;
  testing::ServerProcess server_{dir_.Sub("data"),
                                 testing::DemoDirectoryFlags(SIGNPOST_DEMO_DIRECTORY)};
  std::unique_ptr<v1::ReferralService::Stub> referrals_;
  std::unique_ptr<v1::DirectoryService::Stub> directory_;
};

TEST_F(DirectoryE2eTest, SubmittedReferralIsRoutedAndExplainableFromTheRecord) {
  v1::SubmitReferralRequest r = testing::ValidGpReferral("routed-1");
  r.mutable_submission()->mutable_person()->set_registered_gp_practice_ods("G85004");
  v1::SubmitReferralResponse out;
  ASSERT_TRUE(referrals_->SubmitReferral(Ctx().get(), r, &out).ok());
  const v1::Referral& ref = out.referral();
  EXPECT_EQ(ref.status(), v1::REFERRAL_STATUS_ROUTED);
  EXPECT_EQ(ref.routing().outcome(), v1::ROUTING_OUTCOME_ROUTED);
  EXPECT_FALSE(ref.routing().owner().empty());
  EXPECT_FALSE(ref.routing().candidates().empty());
  EXPECT_FALSE(ref.routing().excluded().empty());
  // Read back: the stored record explains the routing.
  v1::GetReferralRequest get;
  get.set_referral_id(ref.referral_id());
  v1::Referral stored;
  ASSERT_TRUE(referrals_->GetReferral(Ctx().get(), get, &stored).ok());
  EXPECT_EQ(stored.routing().SerializeAsString(), ref.routing().SerializeAsString());
  // Three events: received, triaged, routed.
  EXPECT_EQ(ref.last_event_sequence(), 3u);
}

TEST_F(DirectoryE2eTest, NoEligibleServiceEndsUnmatchedInTheReviewQueue) {
  v1::SubmitReferralRequest r = testing::ValidGpReferral("far-away");
  r.mutable_submission()->mutable_person()->set_postcode("M1 1AE");
  r.mutable_submission()->mutable_person()->clear_registered_gp_practice_ods();
  v1::SubmitReferralResponse out;
  ASSERT_TRUE(referrals_->SubmitReferral(Ctx().get(), r, &out).ok());
  EXPECT_EQ(out.referral().status(), v1::REFERRAL_STATUS_UNMATCHED);
  EXPECT_EQ(out.referral().routing().owner(), "queue:call-hub-review");
  EXPECT_FALSE(out.referral().routing().reasons().empty());
  EXPECT_EQ(out.referral().routing().unmet_need_area(), "M1");
  v1::ListReferralsRequest queue;
  queue.add_statuses(v1::REFERRAL_STATUS_UNMATCHED);
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(referrals_->ListReferrals(Ctx().get(), queue, &listed).ok());
  ASSERT_EQ(listed.referrals_size(), 1);
  // Commissioners see it as unmet need, by category and area only.
  v1::SummariseUnmetNeedResponse unmet;
  ASSERT_TRUE(referrals_->SummariseUnmetNeed(Ctx().get(), {}, &unmet).ok());
  ASSERT_EQ(unmet.total(), 1);
  ASSERT_EQ(unmet.counts_size(), 1);
  EXPECT_EQ(unmet.counts(0).area(), "M1");
  EXPECT_EQ(unmet.counts(0).referrals(), 1);
  EXPECT_FALSE(unmet.counts(0).category().empty());
}

TEST_F(DirectoryE2eTest, ImportSearchAndExport) {
  v1::ImportDirectoryRequest import;
  import.set_json(testing::ReadTextFile(std::string(SIGNPOST_TEST_DATA_DIR) +
                                        "/oruk/hsds3-examples/service_full.json"));
  v1::ImportDirectoryResponse imported;
  ASSERT_TRUE(directory_->ImportDirectory(Ctx().get(), import, &imported).ok());
  EXPECT_EQ(imported.imported(), 1);
  // Re-import updates in place.
  ASSERT_TRUE(directory_->ImportDirectory(Ctx().get(), import, &imported).ok());
  EXPECT_EQ(imported.imported(), 0);
  EXPECT_EQ(imported.updated(), 1);

  v1::SearchServicesRequest q;
  q.set_postcode("AB1 2AB");
  q.set_age_years(19);
  v1::SearchServicesResponse found;
  ASSERT_TRUE(directory_->SearchServices(Ctx().get(), q, &found).ok());
  bool counselling = false;
  for (const auto& m : found.matches())
    counselling |= m.service().name() == "Community Counselling";
  EXPECT_TRUE(counselling);

  v1::ImportDirectoryRequest bad;
  bad.set_json(testing::ReadTextFile(std::string(SIGNPOST_TEST_DATA_DIR) +
                                     "/oruk/negative/service_list_INVALID.json"));
  ASSERT_TRUE(directory_->ImportDirectory(Ctx().get(), bad, &imported).ok());
  EXPECT_EQ(imported.rejected(), 4);
  EXPECT_EQ(imported.imported(), 0);

  v1::ExportDirectoryResponse exported;
  ASSERT_TRUE(directory_->ExportDirectory(Ctx().get(), {}, &exported).ok());
  EXPECT_THAT(exported.json(), ::testing::HasSubstr("Community Counselling"));
  EXPECT_THAT(exported.json(), ::testing::HasSubstr("crisis-home-treatment"));
}

}  // namespace
}  // namespace signpost
