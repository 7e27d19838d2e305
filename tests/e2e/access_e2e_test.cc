// Access control end to end (issue 12), over the real server binary with
// the development issuer's tokens and, for systems, real certificates made
// by openssl (scripts/dev_pki.sh): who may see and do what.
#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/jwks.h"
#include "identity/tokens.h"
#include "signpost/v1/case_service.grpc.pb.h"
#include "signpost/v1/directory_service.grpc.pb.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "signpost/v1/triage_service.grpc.pb.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/read_file.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::CallContext;
using ::signpost::testing::ValidGpReferral;

class AccessE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()); }

  std::unique_ptr<v1::ReferralService::Stub> ReferralsAs(const std::vector<std::string>& roles,
                                                         const std::string& org) {
    return v1::ReferralService::NewStub(server_.ChannelAs(roles, org));
  }
  // Submitted by call-hub staff for a referrer other than G85001.
  v1::Referral OtherPracticesReferral() {
    v1::SubmitReferralRequest r = ValidGpReferral("other-practice");
    r.mutable_submission()->mutable_referrer()->set_ods_code("Y02345");
    v1::SubmitReferralResponse out;
    EXPECT_TRUE(
        ReferralsAs({"call_hub"}, "SPA01")->SubmitReferral(CallContext().get(), r, &out).ok());
    return out.referral();
  }

  testing::TempDir dir_;
  testing::ServerProcess server_{dir_.Sub("data")};
};

TEST_F(AccessE2eTest, AStrangerWithNoCredentialsIsUnauthenticatedAndSeesNothing) {
  auto referrals = v1::ReferralService::NewStub(server_.AnonymousChannel());
  auto cases = v1::CaseService::NewStub(server_.AnonymousChannel());
  v1::SubmitReferralResponse submitted;
  EXPECT_EQ(referrals->SubmitReferral(CallContext().get(), ValidGpReferral("anon"), &submitted)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::ListReferralsResponse listed;
  EXPECT_EQ(referrals->ListReferrals(CallContext().get(), {}, &listed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(listed.referrals_size(), 0);
  v1::GetPersonRequest person;
  person.set_person_id("9990000018");
  v1::GetPersonResponse got;
  EXPECT_EQ(cases->GetPerson(CallContext().get(), person, &got).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(got.has_person());
}

TEST_F(AccessE2eTest, ExpiredOrWronglySignedTokensAreRefused) {
  std::ifstream in(testing::DevIssuerKeyFile());
  const std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  identity::MintRequest expired{.private_pem = key,
                                .kid = identity::kDevKeyId,
                                .issuer = identity::kDevIssuer,
                                .audience = identity::kDevAudience,
                                .subject = "hub-1",
                                .organisation = "SPA01",
                                .roles = {"call_hub"},
                                .issued_at = absl::Now() - absl::Hours(3)};
  identity::MintRequest forged = expired;
  forged.issued_at = absl::Now();
  forged.private_pem = *identity::NewSigningKey(/*rsa=*/false);  // same kid, another key
  for (const auto& request : {expired, forged}) {
    auto token = identity::MintToken(request);
    ASSERT_TRUE(token.ok());
    auto stub = v1::ReferralService::NewStub(server_.AnonymousChannel());
    auto ctx = CallContext();
    ctx->AddMetadata("authorization", "Bearer " + *token);
    v1::ListReferralsResponse listed;
    EXPECT_EQ(stub->ListReferrals(ctx.get(), {}, &listed).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(AccessE2eTest, AReferrerSystemIsNotShownWhatOthersRecorded) {
  // H-024: the person's holistic record goes back to SPA staff, not to a
  // referring system.
  auto hub = ReferralsAs({"call_hub"}, "SPA01");
  v1::SubmitReferralResponse first;
  ASSERT_TRUE(hub->SubmitReferral(CallContext().get(), ValidGpReferral("h24-1"), &first).ok());
  auto gp = ReferralsAs({"referrer_system"}, "G85001");
  v1::SubmitReferralResponse second;
  ASSERT_TRUE(gp->SubmitReferral(CallContext().get(), ValidGpReferral("h24-2"), &second).ok());
  EXPECT_FALSE(second.referral().referral_id().empty());
  EXPECT_FALSE(second.has_earlier_assessment());
  EXPECT_FALSE(second.has_assessment());
  v1::SubmitReferralResponse third;
  ASSERT_TRUE(hub->SubmitReferral(CallContext().get(), ValidGpReferral("h24-3"), &third).ok());
  EXPECT_TRUE(third.has_earlier_assessment()) << "SPA staff see what is already known";
}

TEST_F(AccessE2eTest, AGpSystemActsOnlyForItsOwnOdsCode) {
  const v1::Referral other = OtherPracticesReferral();
  auto gp = ReferralsAs({"referrer_system"}, "G85001");
  v1::SubmitReferralResponse mine;
  ASSERT_TRUE(gp->SubmitReferral(CallContext().get(), ValidGpReferral("mine"), &mine).ok());
  // Submitting as another practice is refused.
  v1::SubmitReferralRequest as_other = ValidGpReferral("impersonate");
  as_other.mutable_submission()->mutable_referrer()->set_ods_code("Y02345");
  v1::SubmitReferralResponse refused;
  EXPECT_EQ(gp->SubmitReferral(CallContext().get(), as_other, &refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Its listing holds only its own referrals; another practice's is refused.
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(gp->ListReferrals(CallContext().get(), {}, &listed).ok());
  ASSERT_EQ(listed.referrals_size(), 1);
  EXPECT_EQ(listed.referrals(0).referral_id(), mine.referral().referral_id());
  v1::ListReferralsRequest theirs;
  theirs.set_referrer_ods_code("Y02345");
  EXPECT_EQ(gp->ListReferrals(CallContext().get(), theirs, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Another practice's referral can be neither read nor withdrawn.
  v1::GetReferralRequest get;
  get.set_referral_id(other.reference());
  v1::Referral got;
  EXPECT_EQ(gp->GetReferral(CallContext().get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(got.referral_id().empty());
  v1::WithdrawReferralRequest withdraw;
  withdraw.set_referral_id(other.referral_id());
  withdraw.set_reason("not mine");
  v1::WithdrawReferralResponse withdrawn;
  EXPECT_EQ(gp->WithdrawReferral(CallContext().get(), withdraw, &withdrawn).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  get.set_referral_id(other.referral_id());
  ASSERT_TRUE(ReferralsAs({"call_hub"}, "SPA01")->GetReferral(CallContext().get(), get, &got).ok());
  EXPECT_NE(got.status(), v1::REFERRAL_STATUS_WITHDRAWN);
  // And it never reaches the person's record.
  auto cases = v1::CaseService::NewStub(server_.ChannelAs({"referrer_system"}, "G85001"));
  v1::GetPersonRequest person;
  person.set_person_id("9990000018");
  v1::GetPersonResponse record;
  EXPECT_EQ(cases->GetPerson(CallContext().get(), person, &record).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessE2eTest, AbuseScenariosAreRefused) {
  auto hub = server_.ChannelAs({"call_hub"}, "SPA01", "hub-1");
  // An empty rule set activated by anyone but the clinical safety officer.
  v1::ActivateRuleSetRequest activate;
  activate.set_rule_set_text("version: \"2099.1.1\"");
  v1::ActivateRuleSetResponse activated;
  EXPECT_EQ(v1::TriageService::NewStub(hub)
                ->ActivateRuleSet(CallContext().get(), activate, &activated)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Retiring a service, importing a fake partner, self-enrolment.
  auto directory = v1::DirectoryService::NewStub(hub);
  v1::RetireServiceRequest retire;
  retire.set_service_id("crisis-home-treatment");
  v1::DirectoryServiceRecord retired;
  EXPECT_EQ(directory->RetireService(CallContext().get(), retire, &retired).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ImportDirectoryRequest import;
  v1::ImportDirectoryResponse imported;
  EXPECT_EQ(directory->ImportDirectory(CallContext().get(), import, &imported).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::UpsertCaseManagerRequest enrol;
  v1::CaseManager enrolled;
  EXPECT_EQ(directory->UpsertCaseManager(CallContext().get(), enrol, &enrolled).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Merging people, and a case manager stopping a clock as someone else.
  auto cases = v1::CaseService::NewStub(hub);
  v1::ResolvePossibleDuplicateRequest merge;
  v1::ResolvePossibleDuplicateResponse merged;
  EXPECT_EQ(cases->ResolvePossibleDuplicate(CallContext().get(), merge, &merged).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(v1::ReferralService::NewStub(hub)
                  ->SubmitReferral(CallContext().get(), ValidGpReferral("clock"), &submitted)
                  .ok());
  auto cm = v1::CaseService::NewStub(server_.ChannelAs({"case_manager"}, "SPA01", "cm-1"));
  v1::RecordFirstContactRequest contact;
  contact.set_referral_id(submitted.referral().referral_id());
  contact.mutable_by()->set_id("cm-2");
  v1::Referral out;
  EXPECT_EQ(cm->RecordFirstContact(CallContext().get(), contact, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessE2eTest, APartnerActsOnlyForItsOwnOrganisation) {
  auto partner = v1::CaseService::NewStub(server_.ChannelAs({"partner_staff"}, "org-peer"));
  v1::ListPartnerReferralsRequest theirs;
  theirs.set_organization_id("org-someone-else");
  v1::ListPartnerReferralsResponse listed;
  EXPECT_EQ(partner->ListPartnerReferrals(CallContext().get(), theirs, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListPartnerReferralsRequest own;  // bound to org-peer by the token
  EXPECT_TRUE(partner->ListPartnerReferrals(CallContext().get(), own, &listed).ok());
}

// A voluntary-sector partner sees only the people signposted to it who
// consented to sharing with partners, through the allow-listed view.
TEST(AccessConsentE2eTest, APartnerSeesOnlyItsConsentedSignpostedClients) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"),
                                testing::DemoDirectoryFlags(SIGNPOST_DEMO_DIRECTORY));
  ASSERT_TRUE(server.Start());
  auto hub_referrals = v1::ReferralService::NewStub(server.ChannelAs({"call_hub"}, "SPA01"));
  auto hub = v1::CaseService::NewStub(server.ChannelAs({"call_hub"}, "SPA01", "hub-1"));
  auto signpost_to_peers = [&](v1::SubmitReferralRequest r) {
    v1::SubmitReferralResponse submitted;
    EXPECT_TRUE(hub_referrals->SubmitReferral(CallContext().get(), r, &submitted).ok());
    // Out of the borough: no team takes it (UNMATCHED), so the call hub
    // signposts to a voluntary-sector partner.
    EXPECT_EQ(submitted.referral().status(), v1::REFERRAL_STATUS_UNMATCHED)
        << submitted.referral().routing().ShortDebugString();
    v1::SignpostReferralRequest to;
    to.set_referral_id(submitted.referral().referral_id());
    to.add_service_ids("peer-support");
    v1::Referral out;
    grpc::Status s = hub->SignpostReferral(CallContext().get(), to, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return submitted.referral();
  };
  auto out_of_area = [](const std::string& id) {
    v1::SubmitReferralRequest r = ValidGpReferral(id);
    r.mutable_submission()->mutable_person()->set_postcode("M1 1AE");
    r.mutable_submission()->mutable_person()->clear_registered_gp_practice_ods();
    return r;
  };
  const v1::Referral consented = signpost_to_peers(out_of_area("consented"));
  v1::SubmitReferralRequest silent = out_of_area("not-asked");
  auto* person = silent.mutable_submission()->mutable_person();
  person->set_nhs_number("9434765919");
  person->set_given_name("Alex");
  person->set_family_name("Otherperson");
  silent.mutable_submission()->mutable_consent()->clear_share_with_partners();
  const v1::Referral not_asked = signpost_to_peers(silent);

  auto peers =
      v1::CaseService::NewStub(server.ChannelAs({"partner_staff"}, "org-peer-support", "vol-1"));
  v1::ListPartnerReferralsResponse listed;
  ASSERT_TRUE(peers->ListPartnerReferrals(CallContext().get(), {}, &listed).ok());
  ASSERT_EQ(listed.referrals_size(), 1) << listed.ShortDebugString();
  EXPECT_EQ(listed.referrals(0).referral_id(), consented.referral_id());
  EXPECT_EQ(listed.ShortDebugString().find("Otherperson"), std::string::npos);
  // Answering for the person who did not consent is refused like an
  // unknown referral.
  v1::RespondToSignpostingRequest answer;
  answer.set_referral_id(not_asked.referral_id());
  answer.set_accept(true);
  v1::PartnerReferralView view;
  const grpc::Status refused = peers->RespondToSignposting(CallContext().get(), answer, &view);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_message().find("Otherperson"), std::string::npos);
  EXPECT_TRUE(view.referral_id().empty());
  // Another partner sees neither.
  auto others =
      v1::CaseService::NewStub(server.ChannelAs({"partner_staff"}, "org-debt-advice", "vol-2"));
  ASSERT_TRUE(others->ListPartnerReferrals(CallContext().get(), {}, &listed).ok());
  EXPECT_EQ(listed.referrals_size(), 0);
}

// Team staff work only referrals with a legitimate relationship: routed to
// their team or allocated to them (the demo borough routes the referral).
TEST(AccessRelationshipE2eTest, TeamStaffWorkOnlyTheirTeamsReferrals) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"),
                                testing::DemoDirectoryFlags(SIGNPOST_DEMO_DIRECTORY));
  ASSERT_TRUE(server.Start());
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(v1::ReferralService::NewStub(server.ChannelAs({"call_hub"}, "SPA01"))
                  ->SubmitReferral(CallContext().get(), ValidGpReferral("team"), &submitted)
                  .ok());
  const v1::Referral& r = submitted.referral();
  ASSERT_FALSE(r.routing().team_id().empty()) << r.routing().ShortDebugString();
  auto ours = v1::CaseService::NewStub(
      server.ChannelAs({"case_manager"}, r.routing().team_id(), "cm-ours"));
  auto theirs =
      v1::CaseService::NewStub(server.ChannelAs({"case_manager"}, "team-elsewhere", "cm-theirs"));
  v1::GetPersonRequest person;
  person.set_person_id(r.person_id());
  v1::GetPersonResponse record;
  EXPECT_EQ(theirs->GetPerson(CallContext().get(), person, &record).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_FALSE(record.has_person());
  EXPECT_TRUE(ours->GetPerson(CallContext().get(), person, &record).ok());
  v1::AcceptReferralRequest accept;
  accept.set_referral_id(r.referral_id());
  v1::Referral out;
  EXPECT_EQ(theirs->AcceptReferral(CallContext().get(), accept, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(ours->AcceptReferral(CallContext().get(), accept, &out).ok());
  EXPECT_EQ(out.status(), v1::REFERRAL_STATUS_ACCEPTED);
  v1::CloseReferralRequest close;
  close.set_referral_id(r.referral_id());
  close.set_outcome(v1::CLOSE_OUTCOME_TREATMENT_COMPLETED);
  EXPECT_EQ(theirs->CloseReferral(CallContext().get(), close, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListTeamQueueRequest queue;
  queue.set_team_id(r.routing().team_id());
  v1::ListCaseReferralsResponse listed;
  EXPECT_EQ(theirs->ListTeamQueue(CallContext().get(), queue, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // SPA duty clinicians work the SPA's queues and are not limited to a team.
  auto duty = v1::CaseService::NewStub(server.ChannelAs({"duty_clinician"}, "SPA01", "duty-1"));
  EXPECT_TRUE(duty->GetPerson(CallContext().get(), person, &record).ok());
}

// Systems over mutual TLS with real certificates (scripts/dev_pki.sh).
TEST(AccessTlsE2eTest, AGpSystemCertificateActsForItsPracticeAndStrangersCannotConnect) {
  testing::TempDir dir;
  const std::string pki = dir.Sub("pki");
  ASSERT_EQ(std::system((std::string(SIGNPOST_SOURCE_DIR) + "/scripts/dev_pki.sh " + pki).c_str()),
            0);
  testing::ServerProcess server(
      dir.Sub("data"), {"--tls_cert=" + pki + "/server.pem", "--tls_key=" + pki + "/server.key",
                        "--config=" + pki + "/auth.textproto"});
  EXPECT_FALSE(server.Start());  // its plaintext health probe is refused
  ASSERT_FALSE(server.Exited());
  auto tls = [&](bool with_cert) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = testing::ReadTextFile(pki + "/ca.pem");
    if (with_cert) {
      ssl.pem_cert_chain = testing::ReadTextFile(pki + "/gp-g85001.pem");
      ssl.pem_private_key = testing::ReadTextFile(pki + "/gp-g85001.key");
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    return v1::ReferralService::NewStub(
        grpc::CreateCustomChannel(server.Address(), grpc::SslCredentials(ssl), args));
  };
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(
      tls(true)->SubmitReferral(CallContext().get(), ValidGpReferral("mtls"), &submitted).ok());
  v1::SubmitReferralRequest other = ValidGpReferral("mtls-other");
  other.mutable_submission()->mutable_referrer()->set_ods_code("Y02345");
  EXPECT_EQ(tls(true)->SubmitReferral(CallContext().get(), other, &submitted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // TLS without a client certificate or token: no identity.
  EXPECT_EQ(tls(false)
                ->SubmitReferral(CallContext().get(), ValidGpReferral("x"), &submitted)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace signpost
