// Issue 10: records lost or corrupted in ordinary use. Each test is the
// regression test of one defect and failed before its fix.
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/signpost/referral_facts.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/service_stack.h"
#include "tests/testing/status_matchers.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::IsOk;
using ::signpost::testing::StatusIs;
using ::signpost::testing::TestNhsNumber;
using ::signpost::testing::TestStaff;
using ::signpost::testing::ValidGpReferral;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

class RecordIntegrityTest : public ::testing::Test {
 protected:
  void SetUp() override { stack_.LoadDemoDirectory(); }

  v1::SubmitReferralResponse Submit(const v1::SubmitReferralRequest& r) {
    absl::StatusOr<v1::SubmitReferralResponse> response = stack_.referrals->Submit(r);
    EXPECT_THAT(response, IsOk());
    stack_.clock.Advance(absl::Minutes(1));
    return response.ok() ? *response : v1::SubmitReferralResponse();
  }

  std::vector<v1::TimelineEntry> Timeline(const std::string& person) {
    v1::GetTimelineRequest req;
    req.set_person_id(person);
    absl::StatusOr<v1::GetTimelineResponse> t = stack_.cases->GetTimeline(req);
    EXPECT_THAT(t, IsOk());
    return t.ok() ? std::vector<v1::TimelineEntry>(t->entries().begin(), t->entries().end())
                  : std::vector<v1::TimelineEntry>();
  }

  testing::ServiceStack stack_{testing::InHours(), 31, /*with_directory=*/true};
};

// Defect 1: notes shared sequence numbers with referral events and the
// counter restarted from the last referral event, so an event after a
// restart overwrote the note.
TEST_F(RecordIntegrityTest, ANoteSurvivesARestartAndLaterEvents) {
  const v1::Referral r = Submit(ValidGpReferral("r1")).referral();
  v1::AcceptReferralRequest accept;
  accept.set_referral_id(r.referral_id());
  *accept.mutable_by() = TestStaff("cm-1");
  ASSERT_THAT(stack_.lifecycle->Accept(accept), IsOk());
  v1::AddNoteRequest note;
  note.set_person_id(r.person_id());
  *note.mutable_author() = TestStaff("cm-1");
  note.set_text("Spoke to Sam; prefers afternoon calls.");
  ASSERT_OK_AND_ASSIGN(v1::CaseNote written, stack_.cases->AddNote(note));

  stack_.Reopen();
  v1::HoldReferralRequest hold;
  hold.set_referral_id(r.referral_id());
  *hold.mutable_by() = TestStaff("cm-1");
  hold.set_reason("person-in-hospital");
  ASSERT_THAT(stack_.lifecycle->Hold(hold), IsOk());

  std::vector<std::string> notes;
  std::set<uint64_t> sequences;
  const std::vector<v1::TimelineEntry> entries = Timeline(r.person_id());
  for (const auto& e : entries) {
    if (e.has_note()) notes.push_back(e.note().note_id());
    EXPECT_TRUE(sequences.insert(e.sequence()).second) << "sequence " << e.sequence() << " reused";
  }
  EXPECT_THAT(notes, ElementsAre(written.note_id()));
  EXPECT_EQ(entries.back().referral_event().status(), v1::REFERRAL_STATUS_ON_HOLD);
}

// Defect 2: a referral with a valid NHS number but someone else's name,
// date of birth and postcode rewrote the stored person and was shown
// their earlier assessment.
TEST_F(RecordIntegrityTest, AnNhsNumberWithOtherDetailsBecomesAReviewItem) {
  const v1::SubmitReferralResponse first = Submit(ValidGpReferral("sam"));
  const std::string sam = first.referral().person_id();
  v1::SubmitReferralRequest other = ValidGpReferral("alex");
  v1::Person* p = other.mutable_submission()->mutable_person();
  p->set_given_name("Alex");
  p->set_family_name("Brown");
  p->mutable_date_of_birth()->set_year(1975);
  p->set_postcode("BS1 4DJ");
  const v1::SubmitReferralResponse second = Submit(other);

  EXPECT_FALSE(second.has_earlier_assessment()) << "nothing of Sam's is disclosed";
  EXPECT_NE(second.referral().person_id(), sam) << "kept on a record of its own";
  ASSERT_THAT(second.possible_duplicates(), SizeIs(1));
  const v1::DuplicateCandidate& item = second.possible_duplicates(0);
  EXPECT_EQ(item.kind(), v1::DuplicateCandidate::KIND_NHS_NUMBER_MISMATCH);
  EXPECT_THAT(item.reasons(), ::testing::Contains("date of birth differs"));
  EXPECT_TRUE(item.matched_person_id().empty()) << "the referrer is not told whose number it is";
  EXPECT_EQ(item.claimed_nhs_number(), "9990000018");

  v1::GetPersonRequest get;
  get.set_person_id(sam);
  ASSERT_OK_AND_ASSIGN(v1::GetPersonResponse stored, stack_.cases->GetPerson(get));
  EXPECT_EQ(stored.person().given_name(), "Sam");
  EXPECT_EQ(stored.person().family_name(), "Testperson");
  EXPECT_EQ(stored.person().date_of_birth().year(), 1990);
  EXPECT_EQ(stored.person().postcode(), "SE6 4RU");
  EXPECT_EQ(stored.person().assessment_version(), 1) << "Sam's assessment was not added to";
  ASSERT_THAT(stored.possible_duplicates(), SizeIs(1)) << "the call hub sees the review item";
  EXPECT_EQ(stored.possible_duplicates(0).matched_person_id(), sam);
  // The same NHS number with Sam's own details still joins Sam.
  EXPECT_EQ(Submit(ValidGpReferral("sam-again")).referral().person_id(), sam);
}

// Defect 3: routing used the roster's static current_caseload, so a case
// manager's caseload never filled. 30 concurrent referrals for a case
// manager with room for 20: 20 are allocated, the rest go to the team.
TEST(CaseloadTest, ConcurrentAllocationNeverExceedsTheCaseloadLimit) {
  testing::ServiceStack stack_{testing::InHours(), 37, /*with_directory=*/true};
  v1::UpsertServiceRequest service;
  v1::DirectoryServiceRecord* s = service.mutable_service();
  s->set_id("cmht-solo");
  s->set_name("Solo CMHT");
  s->set_status(v1::SERVICE_STATUS_ACTIVE);
  s->set_sector(v1::SERVICE_SECTOR_STATUTORY);
  s->mutable_eligibility()->add_needs(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION);
  s->mutable_capacity()->set_status(v1::CAPACITY_STATUS_HAS_CAPACITY);
  s->mutable_schedule()->set_open_24_7(true);
  ASSERT_THAT(stack_.directory_handler->Upsert(service), IsOk());
  v1::UpsertTeamRequest team;
  team.mutable_team()->set_id("team-solo");
  team.mutable_team()->set_service_id("cmht-solo");
  ASSERT_THAT(stack_.directory_handler->UpsertTeam(team), IsOk());
  v1::UpsertCaseManagerRequest cm;
  cm.mutable_case_manager()->set_id("cm-solo");
  cm.mutable_case_manager()->set_team_id("team-solo");
  cm.mutable_case_manager()->set_caseload_limit(20);
  cm.mutable_case_manager()->set_current_caseload(0);  // ignored: derived
  cm.mutable_case_manager()->set_active(true);
  ASSERT_THAT(stack_.directory_handler->UpsertCaseManager(cm), IsOk());

  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 30; ++t) {
    threads.emplace_back([&, t] {
      v1::SubmitReferralRequest r = ValidGpReferral("solo-" + std::to_string(t));
      r.mutable_submission()->mutable_person()->set_nhs_number(TestNhsNumber(100 + t));
      if (!stack_.referrals->Submit(r).ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  v1::ListCaseloadRequest caseload;
  caseload.set_case_manager_id("cm-solo");
  caseload.set_page_size(100);
  ASSERT_OK_AND_ASSIGN(v1::ListCaseReferralsResponse on_caseload,
                       stack_.cases->ListCaseload(caseload));
  EXPECT_THAT(on_caseload.referrals(), SizeIs(20));
  v1::ListTeamQueueRequest queue;
  queue.set_team_id("team-solo");
  queue.set_page_size(100);
  ASSERT_OK_AND_ASSIGN(v1::ListCaseReferralsResponse queued, stack_.cases->ListTeamQueue(queue));
  int in_team_queue = 0;
  for (const auto& r : queued.referrals()) in_team_queue += r.routing().case_manager_id().empty();
  EXPECT_EQ(in_team_queue, 10) << "the rest wait in the team's queue";

  // Closing one frees a place for the next referral (counts follow the
  // records, including across a restart).
  v1::AcceptReferralRequest accept;
  accept.set_referral_id(on_caseload.referrals(0).referral_id());
  *accept.mutable_by() = TestStaff("cm-solo");
  ASSERT_THAT(stack_.lifecycle->Accept(accept), IsOk());
  v1::CloseReferralRequest close;
  close.set_referral_id(on_caseload.referrals(0).referral_id());
  *close.mutable_by() = TestStaff("cm-solo");
  close.set_outcome(v1::CLOSE_OUTCOME_DISCHARGED_TO_GP);
  ASSERT_THAT(stack_.lifecycle->Close(close), IsOk());
  stack_.Reopen();
  v1::SubmitReferralRequest next = ValidGpReferral("solo-next");
  next.mutable_submission()->mutable_person()->set_nhs_number(TestNhsNumber(200));
  ASSERT_OK_AND_ASSIGN(v1::SubmitReferralResponse routed, stack_.referrals->Submit(next));
  EXPECT_EQ(routed.referral().routing().case_manager_id(), "cm-solo");
}

// Defect 5: a referral partners sent back to the call hub lost its
// unmet-need category and area.
TEST_F(RecordIntegrityTest, PartnersSendingAReferralBackKeepsItsUnmetNeed) {
  v1::SubmitReferralRequest r = ValidGpReferral("bereaved");
  r.mutable_submission()->clear_presenting_needs();
  r.mutable_submission()->add_presenting_needs(v1::PRESENTING_NEED_BEREAVEMENT);
  r.mutable_submission()->set_story("Struggling since her husband died in the spring.");
  r.mutable_submission()->mutable_risk()->set_to_self(v1::RISK_LEVEL_NONE);
  const v1::Referral referral = Submit(r).referral();
  ASSERT_EQ(referral.status(), v1::REFERRAL_STATUS_SIGNPOSTED) << referral.triage().band();
  ASSERT_EQ(referral.routing().signposts(0).organization_id(), "org-bereavement-support");
  for (const auto& signposted : referral.routing().signposts()) {  // none can help
    v1::RespondToSignpostingRequest decline;
    decline.set_referral_id(referral.referral_id());
    decline.set_organization_id(signposted.organization_id());
    decline.set_accept(false);
    decline.set_recorded_by("volunteer-1");
    ASSERT_THAT(stack_.lifecycle->RespondToSignposting(decline), IsOk());
  }

  ASSERT_OK_AND_ASSIGN(v1::Referral back, stack_.store->GetReferral(referral.referral_id()));
  ASSERT_EQ(back.status(), v1::REFERRAL_STATUS_UNMATCHED);
  ASSERT_OK_AND_ASSIGN(v1::SummariseUnmetNeedResponse unmet,
                       stack_.referrals->SummariseUnmetNeed({}));
  ASSERT_THAT(unmet.counts(), SizeIs(1));
  EXPECT_EQ(unmet.counts(0).category(), "social_prescribing");  // its first triage pathway
  EXPECT_EQ(unmet.counts(0).area(), "SE6");
}

// Defect 6: a retried SubmitReferral redid validation, person reads,
// triage and routing and used up ids before it was recognised. A retry
// must consume nothing: the next referral gets the same id as in a run
// without the retry.
TEST(RetryTest, ARetryIsRecognisedBeforeAnyWorkAndUsesUpNoIds) {
  auto run = [](bool with_retry) {
    testing::ServiceStack stack(testing::InHours(), 41, /*with_directory=*/true);
    stack.LoadDemoDirectory();
    EXPECT_THAT(stack.referrals->Submit(ValidGpReferral("first")), IsOk());
    if (with_retry) {
      absl::StatusOr<v1::SubmitReferralResponse> again =
          stack.referrals->Submit(ValidGpReferral("first"));
      EXPECT_THAT(again, IsOk());
      EXPECT_TRUE(again.ok() && again->idempotent_replay());
    }
    absl::StatusOr<v1::SubmitReferralResponse> next =
        stack.referrals->Submit(ValidGpReferral("second"));
    EXPECT_THAT(next, IsOk());
    return next.ok() ? next->referral().referral_id() + "/" + next->referral().person_id() : "";
  };
  EXPECT_EQ(run(true), run(false));
}

// Defect 7: ExportDirectory failed above 4 MiB (one message). It pages.
TEST_F(RecordIntegrityTest, ExportPagesThroughADirectoryOfAnySize) {
  v1::ImportDirectoryRequest import;
  std::string json = R"({"contents": [)";
  const std::string padding(20000, 'x');
  for (int i = 0; i < 300; ++i) {
    absl::StrAppend(&json, i == 0 ? "" : ",", R"({"id": "big-)", i,
                    R"(", "name": "Big service", "status": "active", "description": ")", padding,
                    R"("})");
  }
  json += "]}";
  import.set_json(json);
  ASSERT_OK_AND_ASSIGN(v1::ImportDirectoryResponse imported,
                       stack_.directory_handler->Import(import));
  ASSERT_EQ(imported.imported(), 300);
  std::set<std::string> seen;
  size_t total_bytes = 0;
  v1::ExportDirectoryRequest request;
  for (int page = 0; page < 100; ++page) {
    ASSERT_OK_AND_ASSIGN(v1::ExportDirectoryResponse r, stack_.directory_handler->Export(request));
    EXPECT_LE(r.json().size(), 1u << 20);
    total_bytes += r.json().size();
    EXPECT_EQ(r.total_items(), 345);
    for (size_t at = r.json().find("\"id\": \""); at != std::string::npos;
         at = r.json().find("\"id\": \"", at + 1)) {
      const size_t end = r.json().find('"', at + 7);
      const std::string id = r.json().substr(at + 7, end - at - 7);
      if (id.rfind("big-", 0) == 0) seen.insert(id);
    }
    if (r.next_page_token().empty()) break;
    request.set_page_token(r.next_page_token());
  }
  EXPECT_GT(total_bytes, 4u << 20) << "the whole directory is bigger than one message";
  EXPECT_EQ(seen.size(), 300u);
}

// Defect 8: errors from requests that are not referrals said "invalid
// referral:".
TEST_F(RecordIntegrityTest, ErrorsNameTheRequestTheyAreAbout) {
  absl::StatusOr<v1::Referral> accepted = stack_.lifecycle->Accept({});
  EXPECT_THAT(accepted, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("invalid accept request: referral_id")));
  EXPECT_THAT(accepted.status().message(), Not(HasSubstr("invalid referral")));
  EXPECT_THAT(stack_.cases->AddNote({}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid note:")));
  EXPECT_THAT(stack_.directory_handler->Upsert({}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid service:")));
  EXPECT_THAT(stack_.referrals->Submit({}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid referral:")));
}

}  // namespace
}  // namespace signpost
