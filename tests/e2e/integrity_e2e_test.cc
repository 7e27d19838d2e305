// Issue 10 defects reproduced on the real server binary over gRPC, as a
// client found them. Each failed on the build before its fix (run with
// SIGNPOST_SERVER_BIN_OVERRIDE pointing at that build).
#include <csignal>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "signpost/v1/case_service.grpc.pb.h"
#include "signpost/v1/directory_service.grpc.pb.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::CallContext;
using ::signpost::testing::TestStaff;
using ::signpost::testing::ValidGpReferral;

class IntegrityE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start()); }

  void Restart() {
    ASSERT_EQ(WEXITSTATUS(server_.Kill(SIGTERM)), 0);
    ASSERT_TRUE(server_.Start());
  }

  v1::SubmitReferralResponse Submit(const v1::SubmitReferralRequest& r) {
    v1::SubmitReferralResponse out;
    grpc::Status s = Referrals()->SubmitReferral(CallContext().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  std::unique_ptr<v1::ReferralService::Stub> Referrals() {
    return v1::ReferralService::NewStub(server_.Channel());
  }
  // As the staff member `subject` (their `by` and `author` must be them).
  std::unique_ptr<v1::CaseService::Stub> CasesAs(const std::string& subject) {
    return v1::CaseService::NewStub(
        server_.ChannelAs({"case_manager", "duty_clinician"}, "SPA01", subject));
  }
  std::unique_ptr<v1::CaseService::Stub> Cases() {
    return v1::CaseService::NewStub(server_.Channel());
  }
  std::unique_ptr<v1::DirectoryService::Stub> Directory() {
    return v1::DirectoryService::NewStub(server_.Channel());
  }

  testing::TempDir dir_;
  testing::ServerProcess server_{dir_.Sub("data"),
                                 testing::DemoDirectoryFlags(SIGNPOST_DEMO_DIRECTORY)};
};

// Defect 1: add a note, restart with SIGTERM, put the referral on hold:
// the note must still be on the timeline.
TEST_F(IntegrityE2eTest, ANoteSurvivesARestart) {
  const v1::Referral r = Submit(ValidGpReferral("note-1")).referral();
  v1::AcceptReferralRequest accept;
  accept.set_referral_id(r.referral_id());
  *accept.mutable_by() = TestStaff("cm-1");
  v1::Referral accepted;
  ASSERT_TRUE(CasesAs("cm-1")->AcceptReferral(CallContext().get(), accept, &accepted).ok());
  v1::AddNoteRequest note;
  note.set_person_id(r.person_id());
  *note.mutable_author() = TestStaff("cm-1");
  note.set_text("Prefers afternoon calls.");
  v1::CaseNote written;
  ASSERT_TRUE(CasesAs("cm-1")->AddNote(CallContext().get(), note, &written).ok());
  Restart();
  v1::HoldReferralRequest hold;
  hold.set_referral_id(r.referral_id());
  *hold.mutable_by() = TestStaff("cm-1");
  hold.set_reason("person-in-hospital");
  v1::Referral held;
  ASSERT_TRUE(CasesAs("cm-1")->HoldReferral(CallContext().get(), hold, &held).ok());
  v1::GetTimelineRequest get;
  get.set_person_id(r.person_id());
  v1::GetTimelineResponse timeline;
  ASSERT_TRUE(Cases()->GetTimeline(CallContext().get(), get, &timeline).ok());
  int notes = 0;
  for (const auto& e : timeline.entries())
    notes += e.has_note() && e.note().note_id() == written.note_id();
  EXPECT_EQ(notes, 1) << "the note was overwritten";
}

// Defect 2: someone else's details with a known NHS number must not
// rewrite the stored person or see their assessment.
TEST_F(IntegrityE2eTest, AnotherPersonsDetailsNeverOverwriteTheRecord) {
  const v1::SubmitReferralResponse sam = Submit(ValidGpReferral("sam"));
  v1::SubmitReferralRequest other = ValidGpReferral("not-sam");
  other.mutable_submission()->mutable_person()->set_given_name("Alex");
  other.mutable_submission()->mutable_person()->set_family_name("Brown");
  other.mutable_submission()->mutable_person()->mutable_date_of_birth()->set_year(1975);
  other.mutable_submission()->mutable_person()->set_postcode("BS1 4DJ");
  const v1::SubmitReferralResponse alex = Submit(other);
  EXPECT_FALSE(alex.has_earlier_assessment());
  v1::GetPersonRequest get;
  get.set_person_id(sam.referral().person_id());
  v1::GetPersonResponse person;
  ASSERT_TRUE(Cases()->GetPerson(CallContext().get(), get, &person).ok());
  EXPECT_EQ(person.person().given_name(), "Sam");
  EXPECT_EQ(person.person().date_of_birth().year(), 1990);
}

// Defect 4: restarting with the seed flags must not undo a retirement.
TEST_F(IntegrityE2eTest, RestartingWithSeedFilesKeepsDirectoryChanges) {
  v1::RetireServiceRequest retire;
  retire.set_service_id("crisis-home-treatment");
  v1::DirectoryServiceRecord retired;
  ASSERT_TRUE(Directory()->RetireService(CallContext().get(), retire, &retired).ok());
  Restart();
  v1::GetServiceRequest get;
  get.set_service_id("crisis-home-treatment");
  v1::DirectoryServiceRecord now;
  ASSERT_TRUE(Directory()->GetService(CallContext().get(), get, &now).ok());
  EXPECT_EQ(now.status(), v1::SERVICE_STATUS_INACTIVE) << "the seed brought it back";
}

// Defect 7: ExportDirectory above 4 MiB.
TEST_F(IntegrityE2eTest, ExportOfALargeDirectorySucceeds) {
  const std::string padding(200000, 'x');
  for (int batch = 0; batch < 5; ++batch) {
    v1::ImportDirectoryRequest import;
    std::string json = R"({"contents": [)";
    for (int i = 0; i < 5; ++i) {
      absl::StrAppend(&json, i == 0 ? "" : ",", R"({"id": "big-)", batch, "-", i,
                      R"(", "name": "Big", "status": "active", "description": ")", padding,
                      R"("})");
    }
    import.set_json(json + "]}");
    v1::ImportDirectoryResponse imported;
    ASSERT_TRUE(Directory()->ImportDirectory(CallContext().get(), import, &imported).ok());
  }
  v1::ExportDirectoryRequest request;
  size_t bytes = 0;
  for (int page = 0; page < 100; ++page) {
    v1::ExportDirectoryResponse response;
    grpc::Status s = Directory()->ExportDirectory(CallContext().get(), request, &response);
    ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
    bytes += response.json().size();
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_GT(bytes, 4u << 20);
}

// Defect 3: 30 concurrent referrals for a case manager with room for 20,
// in a directory holding only that service.
TEST(CaseloadE2eTest, CaseloadsFillUpUnderConcurrentAllocation) {
  testing::TempDir dir;
  testing::ServerProcess server(dir.Sub("data"));
  ASSERT_TRUE(server.Start());
  auto Directory = [&] { return v1::DirectoryService::NewStub(server.Channel()); };
  auto Cases = [&] { return v1::CaseService::NewStub(server.Channel()); };
  v1::UpsertServiceRequest up;
  v1::DirectoryServiceRecord* s = up.mutable_service();
  s->set_id("solo");
  s->set_name("Solo service");
  s->set_status(v1::SERVICE_STATUS_ACTIVE);
  s->set_sector(v1::SERVICE_SECTOR_STATUTORY);
  s->mutable_eligibility()->add_needs(v1::PRESENTING_NEED_OCD);
  s->mutable_capacity()->set_status(v1::CAPACITY_STATUS_HAS_CAPACITY);
  s->mutable_schedule()->set_open_24_7(true);
  v1::DirectoryServiceRecord stored;
  ASSERT_TRUE(Directory()->UpsertService(CallContext().get(), up, &stored).ok());
  v1::UpsertTeamRequest team;
  team.mutable_team()->set_id("team-solo");
  team.mutable_team()->set_service_id("solo");
  v1::Team t;
  ASSERT_TRUE(Directory()->UpsertTeam(CallContext().get(), team, &t).ok());
  v1::UpsertCaseManagerRequest cm;
  cm.mutable_case_manager()->set_id("cm-solo");
  cm.mutable_case_manager()->set_team_id("team-solo");
  cm.mutable_case_manager()->set_caseload_limit(20);
  cm.mutable_case_manager()->set_active(true);
  v1::CaseManager c;
  ASSERT_TRUE(Directory()->UpsertCaseManager(CallContext().get(), cm, &c).ok());
  std::vector<std::thread> threads;
  for (int i = 0; i < 30; ++i) {
    threads.emplace_back([&, i] {
      v1::SubmitReferralRequest r = ValidGpReferral(absl::StrCat("ocd-", i));
      r.mutable_submission()->mutable_person()->set_nhs_number(testing::TestNhsNumber(300 + i));
      r.mutable_submission()->clear_presenting_needs();
      r.mutable_submission()->add_presenting_needs(v1::PRESENTING_NEED_OCD);
      r.mutable_submission()->set_story("Checking rituals take hours every day.");
      auto stub = v1::ReferralService::NewStub(server.NewChannel());
      v1::SubmitReferralResponse out;
      EXPECT_TRUE(stub->SubmitReferral(CallContext().get(), r, &out).ok());
    });
  }
  for (auto& th : threads) th.join();
  v1::ListCaseloadRequest list;
  list.set_case_manager_id("cm-solo");
  list.set_page_size(100);
  v1::ListCaseReferralsResponse caseload;
  ASSERT_TRUE(Cases()->ListCaseload(CallContext().get(), list, &caseload).ok());
  EXPECT_EQ(caseload.referrals_size(), 20);
}

// Defect 5: partners sending a referral back lost its unmet need.
TEST_F(IntegrityE2eTest, UnmetNeedSurvivesPartnersSendingAReferralBack) {
  v1::SubmitReferralRequest r = ValidGpReferral("bereaved");
  r.mutable_submission()->clear_presenting_needs();
  r.mutable_submission()->add_presenting_needs(v1::PRESENTING_NEED_BEREAVEMENT);
  r.mutable_submission()->mutable_risk()->set_to_self(v1::RISK_LEVEL_NONE);
  const v1::Referral referral = Submit(r).referral();
  ASSERT_EQ(referral.status(), v1::REFERRAL_STATUS_SIGNPOSTED);
  for (const auto& sp : referral.routing().signposts()) {
    v1::RespondToSignpostingRequest decline;
    decline.set_referral_id(referral.referral_id());
    decline.set_organization_id(sp.organization_id());
    decline.set_recorded_by("volunteer");
    v1::PartnerReferralView view;
    auto partner = v1::CaseService::NewStub(
        server_.ChannelAs({"partner_staff"}, sp.organization_id(), "volunteer"));
    ASSERT_TRUE(partner->RespondToSignposting(CallContext().get(), decline, &view).ok());
  }
  v1::SummariseUnmetNeedResponse unmet;
  ASSERT_TRUE(Referrals()->SummariseUnmetNeed(CallContext().get(), {}, &unmet).ok());
  ASSERT_EQ(unmet.counts_size(), 1);
  EXPECT_NE(unmet.counts(0).category(), "unspecified");
  EXPECT_EQ(unmet.counts(0).area(), "SE6");
}

// Defect 8: errors of requests that are not referrals said "invalid referral:".
TEST_F(IntegrityE2eTest, ErrorsNameTheirRequest) {
  v1::Referral out;
  grpc::Status s = Cases()->AcceptReferral(CallContext().get(), {}, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::StartsWith("invalid accept request: "));
}

}  // namespace
}  // namespace signpost
