// Binding requests to the caller (router/access/binding.h): table tests.
#include "router/access/binding.h"

#include "gtest/gtest.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

const Caller kGp{.organisation = "G85001", .roles = {v1::ROLE_REFERRER_SYSTEM}};
const Caller kHub{.user_id = "hub-1", .organisation = "SPA01", .roles = {v1::ROLE_CALL_HUB}};
const Caller kPartner{
    .user_id = "vol-1", .organisation = "org-peer", .roles = {v1::ROLE_PARTNER_STAFF}};

struct ReferrerCase {
  const char* name;
  const Caller* caller;
  const char* requested;  // ods code in the request
  absl::StatusCode code;
  const char* bound;  // what the request holds afterwards
};

const ReferrerCase kReferrerCases[] = {
    {"system_empty_is_filled", &kGp, "", absl::StatusCode::kOk, "G85001"},
    {"system_own_is_kept", &kGp, "G85001", absl::StatusCode::kOk, "G85001"},
    {"system_other_is_refused", &kGp, "Y02345", absl::StatusCode::kPermissionDenied, "Y02345"},
    {"hub_keys_in_for_anyone", &kHub, "Y02345", absl::StatusCode::kOk, "Y02345"},
};

class ReferrerTest : public ::testing::TestWithParam<ReferrerCase> {};

TEST_P(ReferrerTest, SubmissionAndFiltersFollowTheCaller) {
  const ReferrerCase& c = GetParam();
  v1::ReferralSubmission s;
  s.mutable_referrer()->set_ods_code(c.requested);
  EXPECT_EQ(BindReferrer(*c.caller, s).code(), c.code);
  EXPECT_EQ(s.referrer().ods_code(), c.bound);
  std::string filter = c.requested;
  EXPECT_EQ(BindReferrerFilter(*c.caller, filter).code(), c.code);
  EXPECT_EQ(filter, c.bound);
}

INSTANTIATE_TEST_SUITE_P(Table, ReferrerTest, ::testing::ValuesIn(kReferrerCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(BindingTest, ASystemSeesOnlyItsOwnReferrals) {
  v1::Referral mine, theirs;
  mine.mutable_submission()->mutable_referrer()->set_ods_code("G85001");
  theirs.mutable_submission()->mutable_referrer()->set_ods_code("Y02345");
  EXPECT_TRUE(CheckReferralVisible(kGp, mine).ok());
  EXPECT_EQ(CheckReferralVisible(kGp, theirs).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckReferralVisible(kHub, theirs).ok());
  // A system that is also SPA staff is not limited to one referrer.
  Caller both = kGp;
  both.roles.Add(v1::ROLE_CALL_HUB);
  EXPECT_FALSE(ActsOnlyForOwnOrganisation(both));
}

TEST(BindingTest, AReferrerSystemIsNotShownThePersonsRecordOnSubmit) {
  v1::SubmitReferralResponse full;
  full.mutable_referral()->set_referral_id("r1");
  full.set_instruction("Contact within 24 hours");
  full.mutable_earlier_assessment()->set_version(3);
  full.mutable_assessment()->set_version(4);
  full.add_possible_duplicates()->set_candidate_id("D1");
  v1::SubmitReferralResponse for_gp = full;
  LimitSubmitResponse(kGp, for_gp);
  EXPECT_EQ(for_gp.referral().referral_id(), "r1");
  EXPECT_EQ(for_gp.instruction(), "Contact within 24 hours");
  EXPECT_FALSE(for_gp.has_earlier_assessment());
  EXPECT_FALSE(for_gp.has_assessment());
  EXPECT_EQ(for_gp.possible_duplicates_size(), 0);
  v1::SubmitReferralResponse for_hub = full;
  LimitSubmitResponse(kHub, for_hub);
  EXPECT_EQ(for_hub.SerializeAsString(), full.SerializeAsString()) << "SPA staff keep it all";
}

TEST(BindingTest, PartnersActForTheirOrganisationAndRecorderOnly) {
  std::string org, by;
  EXPECT_TRUE(BindPartner(kPartner, org, &by).ok());
  EXPECT_EQ(org, "org-peer");
  EXPECT_EQ(by, "vol-1");
  std::string other = "org-else";
  EXPECT_EQ(BindPartner(kPartner, other, nullptr).code(), absl::StatusCode::kPermissionDenied);
  std::string own = "org-peer", someone = "vol-2";
  EXPECT_EQ(BindPartner(kPartner, own, &someone).code(), absl::StatusCode::kPermissionDenied);
}

TEST(BindingTest, StaffActAsThemselves) {
  v1::StaffRef by;
  EXPECT_TRUE(BindStaff(kHub, by).ok());
  EXPECT_EQ(by.id(), "hub-1");
  by.set_id("cm-2");
  EXPECT_EQ(BindStaff(kHub, by).code(), absl::StatusCode::kPermissionDenied);
  // A system has no person to bind.
  v1::StaffRef system_by;
  system_by.set_id("anyone");
  EXPECT_TRUE(BindStaff(kGp, system_by).ok());
}

TEST(BindingTest, ACaseManagerListsOnlyTheirOwnCaseload) {
  const Caller cm{.user_id = "cm-1", .organisation = "T1", .roles = {v1::ROLE_CASE_MANAGER}};
  const Caller lead{.user_id = "tl-1", .organisation = "T1", .roles = {v1::ROLE_TEAM_LEAD}};
  std::string id;
  EXPECT_TRUE(BindCaseload(cm, id).ok());
  EXPECT_EQ(id, "cm-1");
  id = "cm-2";
  EXPECT_EQ(BindCaseload(cm, id).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(BindCaseload(lead, id).ok());  // a team lead oversees the team's caseloads
  EXPECT_EQ(id, "cm-2");
}

TEST(BindingTest, TeamStaffNeedARelationshipWithTheReferral) {
  const Caller cm{.user_id = "cm-1", .organisation = "team-a", .roles = {v1::ROLE_CASE_MANAGER}};
  v1::Referral to_team, to_me, elsewhere;
  to_team.mutable_routing()->set_team_id("team-a");
  to_me.mutable_routing()->set_team_id("team-b");
  to_me.mutable_routing()->set_case_manager_id("cm-1");
  elsewhere.mutable_routing()->set_team_id("team-b");
  EXPECT_TRUE(CheckTeamRelationship(cm, to_team).ok());
  EXPECT_TRUE(CheckTeamRelationship(cm, to_me).ok());
  EXPECT_EQ(CheckTeamRelationship(cm, elsewhere).code(), absl::StatusCode::kPermissionDenied);
  // An unrouted referral has no team: only SPA staff work it.
  EXPECT_EQ(CheckTeamRelationship(cm, v1::Referral()).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckTeamRelationship(kHub, elsewhere).ok());
  std::string team = "team-b";
  EXPECT_EQ(BindTeamQueue(cm, team).code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace signpost::router
