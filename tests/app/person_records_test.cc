// One person, one record: linking at intake, the holistic assessment,
// possible duplicates, merge and unmerge, timeline (issue 5).
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/service_stack.h"
#include "tests/testing/status_matchers.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::IsOk;
using ::signpost::testing::StatusIs;
using ::signpost::testing::TestStaff;
using ::signpost::testing::ValidGpReferral;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kAssessor[] = "cm-crisis-home-treatment-1";  // in the demo roster

v1::SubmitReferralRequest WithoutNhsNumber(const std::string& request_id) {
  v1::SubmitReferralRequest r = ValidGpReferral(request_id);
  r.mutable_submission()->mutable_person()->clear_nhs_number();
  r.mutable_submission()->mutable_person()->set_nhs_number_unavailable_reason(
      v1::NHS_NUMBER_UNAVAILABLE_REASON_NOT_KNOWN);
  return r;
}

class PersonRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override { stack_.LoadDemoDirectory(); }

  v1::SubmitReferralResponse Submit(const v1::SubmitReferralRequest& r) {
    absl::StatusOr<v1::SubmitReferralResponse> response = stack_.referrals->Submit(r);
    EXPECT_THAT(response, IsOk());
    stack_.clock.Advance(absl::Minutes(1));
    return response.ok() ? *response : v1::SubmitReferralResponse();
  }

  testing::ServiceStack stack_{testing::InHours(), 21, /*with_directory=*/true};
};

TEST_F(PersonRecordsTest, ASecondReferralShowsTheEarlierAssessmentAndAddsToIt) {
  v1::SubmitReferralRequest first = ValidGpReferral("first");
  first.mutable_submission()->set_story("Panic attacks at work.");
  first.mutable_submission()->clear_presenting_needs();
  first.mutable_submission()->add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
  first.mutable_submission()->mutable_risk()->set_to_self(v1::RISK_LEVEL_MEDIUM);
  first.mutable_submission()->mutable_person()->mutable_communication()->set_british_sign_language(
      true);
  const v1::SubmitReferralResponse a = Submit(first);
  EXPECT_FALSE(a.has_earlier_assessment()) << "a new person has nothing earlier";
  EXPECT_EQ(a.assessment().version(), 1);
  EXPECT_EQ(a.assessment().reason(), "referral");
  EXPECT_EQ(a.assessment().author().id(), "referrer:G85001");
  ASSERT_FALSE(a.referral().person_id().empty());

  v1::SubmitReferralRequest second = ValidGpReferral("second");
  second.mutable_submission()->set_story("Low mood after bereavement.");
  second.mutable_submission()->mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
  const v1::SubmitReferralResponse b = Submit(second);

  EXPECT_EQ(b.referral().person_id(), a.referral().person_id()) << "same NHS number, same person";
  // The earlier assessment is shown to whoever takes the second referral...
  ASSERT_TRUE(b.has_earlier_assessment());
  EXPECT_EQ(b.earlier_assessment().version(), 1);
  EXPECT_THAT(b.earlier_assessment().assessment().presenting_needs().needs(),
              ElementsAre(v1::PRESENTING_NEED_ANXIETY));
  EXPECT_TRUE(b.earlier_assessment().assessment().communication().british_sign_language());
  // ...and the new version adds to it rather than replacing it.
  const v1::HolisticAssessment& now = b.assessment().assessment();
  EXPECT_EQ(b.assessment().version(), 2);
  EXPECT_THAT(now.presenting_needs().needs(),
              ElementsAre(v1::PRESENTING_NEED_ANXIETY, v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION));
  ASSERT_THAT(now.presenting_needs().history(), SizeIs(2));
  EXPECT_EQ(now.presenting_needs().history(0).referral_id(), a.referral().referral_id());
  EXPECT_EQ(now.presenting_needs().history(1).referral_id(), b.referral().referral_id());
  EXPECT_EQ(now.risk().to_self(), v1::RISK_LEVEL_MEDIUM);
  EXPECT_TRUE(now.communication().british_sign_language()) << "no need to say it again";

  // Earlier versions stay readable, unchanged.
  v1::GetAssessmentRequest get;
  get.set_person_id(a.referral().person_id());
  get.set_version(1);
  ASSERT_OK_AND_ASSIGN(v1::AssessmentVersion v1_again, stack_.cases->GetAssessment(get));
  EXPECT_EQ(v1_again.SerializeAsString(), a.assessment().SerializeAsString());
  v1::ListAssessmentVersionsRequest list;
  list.set_person_id("999 000 0018");  // an NHS number finds the person too
  ASSERT_OK_AND_ASSIGN(v1::ListAssessmentVersionsResponse versions,
                       stack_.cases->ListAssessmentVersions(list));
  EXPECT_THAT(versions.versions(), SizeIs(2));

  v1::GetPersonRequest person;
  person.set_person_id(a.referral().person_id());
  ASSERT_OK_AND_ASSIGN(v1::GetPersonResponse p, stack_.cases->GetPerson(person));
  EXPECT_THAT(p.referral_ids(),
              ElementsAre(a.referral().referral_id(), b.referral().referral_id()));
  EXPECT_EQ(p.person().assessment_version(), 2);
  person.set_person_id("9990000018");
  ASSERT_OK_AND_ASSIGN(v1::GetPersonResponse by_nhs, stack_.cases->GetPerson(person));
  EXPECT_EQ(by_nhs.person().person_id(), a.referral().person_id());
  EXPECT_EQ(by_nhs.requested_person_id(), "") << "nothing merged, so nothing to say";
}

TEST_F(PersonRecordsTest, AKnownPersonKeepsTheirCaseManager) {
  const v1::Referral first = Submit(ValidGpReferral("first")).referral();
  ASSERT_EQ(first.status(), v1::REFERRAL_STATUS_ROUTED);
  ASSERT_FALSE(first.routing().case_manager_id().empty());
  const v1::Referral second = Submit(ValidGpReferral("second")).referral();
  EXPECT_EQ(second.routing().case_manager_id(), first.routing().case_manager_id());
  EXPECT_THAT(second.routing().case_manager_reason(), HasSubstr("continuity"));
}

TEST_F(PersonRecordsTest, ConcurrentReferralsForOneNhsNumberMakeOnePersonAndLoseNoUpdate) {
  constexpr int kThreads = 8;
  constexpr int kTotal = 100;
  std::vector<std::thread> threads;
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < kTotal; i = next++) {
        v1::SubmitReferralRequest r = ValidGpReferral("c-" + std::to_string(i));
        r.mutable_submission()->set_story("Concurrent story " + std::to_string(i));
        if (!stack_.referrals->Submit(r).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);

  v1::GetPersonRequest req;
  req.set_person_id("9990000018");
  ASSERT_OK_AND_ASSIGN(v1::GetPersonResponse person, stack_.cases->GetPerson(req));
  EXPECT_THAT(person.referral_ids(), SizeIs(kTotal));
  EXPECT_EQ(person.person().assessment_version(), kTotal) << "every referral wrote one version";
  v1::GetAssessmentRequest latest;
  latest.set_person_id(person.person().person_id());
  ASSERT_OK_AND_ASSIGN(v1::AssessmentVersion v, stack_.cases->GetAssessment(latest));
  std::set<std::string> stories;
  for (const auto& h : v.assessment().presenting_needs().history()) stories.insert(h.summary());
  EXPECT_THAT(stories, SizeIs(kTotal)) << "no referral's contribution was overwritten";
  // Exactly one person record exists: every referral points at it.
  for (const std::string& id : person.referral_ids()) {
    ASSERT_OK_AND_ASSIGN(v1::Referral r, stack_.store->GetReferral(id));
    EXPECT_EQ(r.person_id(), person.person().person_id());
  }
}

TEST_F(PersonRecordsTest, StaleAssessmentUpdatesAreAbortedAndAuthorsMustBeTrusted) {
  const v1::SubmitReferralResponse a = Submit(ValidGpReferral("a"));
  v1::UpdateAssessmentRequest up;
  up.set_person_id(a.referral().person_id());
  up.set_expected_version(1);
  *up.mutable_assessment() = a.assessment().assessment();
  up.mutable_assessment()->mutable_physical_health()->set_summary("Asthma");
  *up.mutable_author() = TestStaff("not-on-roster");
  EXPECT_THAT(stack_.cases->UpdateAssessment(up),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("author.id")));

  *up.mutable_author() = TestStaff(kAssessor);
  ASSERT_OK_AND_ASSIGN(v1::AssessmentVersion v2, stack_.cases->UpdateAssessment(up));
  EXPECT_EQ(v2.version(), 2);
  EXPECT_EQ(v2.author().id(), kAssessor);
  EXPECT_EQ(v2.reason(), "assessment");

  // A second assessor who read version 1 is refused, not silently applied.
  up.mutable_assessment()->mutable_physical_health()->set_summary("COPD");
  EXPECT_THAT(stack_.cases->UpdateAssessment(up),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("expected_version")));
  // A referral arriving meanwhile also moves the version on.
  Submit(ValidGpReferral("b"));
  up.set_expected_version(2);
  EXPECT_THAT(stack_.cases->UpdateAssessment(up), StatusIs(absl::StatusCode::kAborted));
  up.set_expected_version(3);
  ASSERT_OK_AND_ASSIGN(v1::AssessmentVersion v4, stack_.cases->UpdateAssessment(up));
  EXPECT_EQ(v4.assessment().physical_health().summary(), "COPD");
}

TEST_F(PersonRecordsTest, PossibleDuplicatesAreListedThenMergedAndUnmergedByAHuman) {
  const v1::SubmitReferralResponse known = Submit(ValidGpReferral("known"));
  v1::SubmitReferralRequest anon = WithoutNhsNumber("anon");
  anon.mutable_submission()->mutable_person()->mutable_family()->set_has_carer(true);
  anon.mutable_submission()->mutable_person()->mutable_family()->set_carer_name("Alex");
  const v1::SubmitReferralResponse unknown = Submit(anon);

  // Not merged automatically: a new person, with the match listed.
  EXPECT_NE(unknown.referral().person_id(), known.referral().person_id());
  ASSERT_THAT(unknown.possible_duplicates(), SizeIs(1));
  const v1::DuplicateCandidate c = unknown.possible_duplicates(0);
  EXPECT_EQ(c.person_id(), unknown.referral().person_id());
  EXPECT_EQ(c.matched_person_id(), known.referral().person_id());
  EXPECT_EQ(c.score(), 100);
  EXPECT_EQ(c.state(), v1::DuplicateCandidate::STATE_PENDING);
  ASSERT_OK_AND_ASSIGN(v1::ListPossibleDuplicatesResponse pending,
                       stack_.cases->ListPossibleDuplicates({}));
  ASSERT_THAT(pending.candidates(), SizeIs(1));

  // A person with a different date of birth is not listed.
  v1::SubmitReferralRequest other = WithoutNhsNumber("other");
  other.mutable_submission()->mutable_person()->mutable_date_of_birth()->set_day(13);
  EXPECT_THAT(Submit(other).possible_duplicates(), SizeIs(0));

  v1::ResolvePossibleDuplicateRequest confirm;
  confirm.set_candidate_id(c.candidate_id());
  confirm.set_confirm(true);
  *confirm.mutable_decided_by() = TestStaff("hub-1");
  EXPECT_THAT(stack_.cases->ResolvePossibleDuplicate(confirm),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  confirm.set_reason("Same person: confirmed date of birth and address by phone");
  ASSERT_OK_AND_ASSIGN(v1::ResolvePossibleDuplicateResponse merged,
                       stack_.cases->ResolvePossibleDuplicate(confirm));
  EXPECT_EQ(merged.candidate().state(), v1::DuplicateCandidate::STATE_CONFIRMED);
  EXPECT_EQ(merged.merge().surviving_person_id(), known.referral().person_id());
  EXPECT_THAT(stack_.cases->ResolvePossibleDuplicate(confirm),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already decided")));

  // Reads follow the merge; both histories are there.
  v1::GetPersonRequest get;
  get.set_person_id(unknown.referral().person_id());
  ASSERT_OK_AND_ASSIGN(v1::GetPersonResponse p, stack_.cases->GetPerson(get));
  EXPECT_EQ(p.person().person_id(), known.referral().person_id());
  EXPECT_EQ(p.requested_person_id(), unknown.referral().person_id());
  EXPECT_THAT(p.referral_ids(),
              ElementsAre(known.referral().referral_id(), unknown.referral().referral_id()));
  EXPECT_TRUE(p.person().has_nhs_number());
  // The merge filled what the surviving record did not know (the carer).
  v1::GetAssessmentRequest latest;
  latest.set_person_id(known.referral().person_id());
  ASSERT_OK_AND_ASSIGN(v1::AssessmentVersion after_merge, stack_.cases->GetAssessment(latest));
  EXPECT_EQ(after_merge.reason(), "merge");
  EXPECT_EQ(after_merge.assessment().relationships().family().carer_name(), "Alex");
  // A new referral for the merged record's NHS number joins the survivor.
  EXPECT_EQ(Submit(ValidGpReferral("later")).referral().person_id(), known.referral().person_id());

  v1::UnmergePeopleRequest unmerge;
  unmerge.set_merge_id(merged.merge().merge_id());
  *unmerge.mutable_unmerged_by() = TestStaff("hub-2");
  unmerge.set_reason("Twin sibling, not the same person");
  ASSERT_OK_AND_ASSIGN(v1::MergeRecord undone, stack_.cases->UnmergePeople(unmerge));
  EXPECT_TRUE(undone.undone());
  EXPECT_THAT(stack_.cases->UnmergePeople(unmerge),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already undone")));
  ASSERT_OK_AND_ASSIGN(p, stack_.cases->GetPerson(get));
  EXPECT_EQ(p.person().person_id(), unknown.referral().person_id()) << "separate again";
  EXPECT_THAT(p.referral_ids(), ElementsAre(unknown.referral().referral_id()));
  ASSERT_OK_AND_ASSIGN(v1::AssessmentVersion after_unmerge, stack_.cases->GetAssessment(latest));
  EXPECT_EQ(after_unmerge.reason(), "unmerge");
  EXPECT_FALSE(after_unmerge.assessment().relationships().family().has_has_carer())
      << "what the merge brought in is taken back out";

  // Both timelines record the merge and its undoing.
  v1::GetTimelineRequest tl;
  tl.set_person_id(unknown.referral().person_id());
  ASSERT_OK_AND_ASSIGN(v1::GetTimelineResponse timeline, stack_.cases->GetTimeline(tl));
  int merges = 0;
  for (const auto& e : timeline.entries()) merges += e.has_merge();
  EXPECT_EQ(merges, 2);
}

TEST_F(PersonRecordsTest, TimelineHoldsReferralsDecisionsNotesAndMeetingsInOrder) {
  const v1::SubmitReferralResponse a = Submit(ValidGpReferral("a"));
  const std::string person_id = a.referral().person_id();
  v1::AddNoteRequest note;
  note.set_person_id(person_id);
  note.set_referral_id(a.referral().reference());
  *note.mutable_author() = TestStaff(kAssessor);
  note.set_text("Spoke to Sam; prefers afternoon calls.");
  ASSERT_OK_AND_ASSIGN(v1::CaseNote stored_note, stack_.cases->AddNote(note));
  EXPECT_EQ(stored_note.referral_id(), a.referral().referral_id());

  v1::RecordMdtMeetingRequest mdt;
  v1::MdtMeeting* m = mdt.mutable_meeting();
  m->set_person_id(person_id);
  const absl::CivilDay today = absl::ToCivilDay(stack_.clock.Now(), absl::UTCTimeZone());
  m->mutable_held_on()->set_year(static_cast<int>(today.year()));
  m->mutable_held_on()->set_month(today.month());
  m->mutable_held_on()->set_day(today.day());
  *m->add_attendees() = TestStaff(kAssessor);
  *m->add_attendees() = TestStaff("psychiatrist-1");
  m->add_decisions("Offer CBT; review in 6 weeks");
  m->set_care_coordinator_id(kAssessor);
  *m->mutable_recorded_by() = TestStaff(kAssessor);
  ASSERT_OK_AND_ASSIGN(v1::MdtMeeting stored_mdt, stack_.cases->RecordMdtMeeting(mdt));
  EXPECT_FALSE(stored_mdt.meeting_id().empty());

  v1::GetPersonRequest get;
  get.set_person_id(person_id);
  ASSERT_OK_AND_ASSIGN(v1::GetPersonResponse p, stack_.cases->GetPerson(get));
  EXPECT_EQ(p.person().care_coordinator_id(), kAssessor);

  v1::GetTimelineRequest tl;
  tl.set_person_id(person_id);
  ASSERT_OK_AND_ASSIGN(v1::GetTimelineResponse timeline, stack_.cases->GetTimeline(tl));
  std::vector<std::string> kinds;
  for (const auto& e : timeline.entries()) {
    if (e.has_referral_event())
      kinds.push_back(e.referral_event().reason().empty() ? "received"
                                                          : e.referral_event().reason());
    if (e.has_assessment_change()) kinds.push_back("assessment");
    if (e.has_note()) kinds.push_back("note");
    if (e.has_mdt_meeting()) kinds.push_back("mdt");
  }
  EXPECT_THAT(kinds, ElementsAre("received", "triage", "routing", "assessment", "note", "mdt"));
  for (int i = 1; i < timeline.entries_size(); ++i) {
    EXPECT_GT(timeline.entries(i).sequence(), timeline.entries(i - 1).sequence());
  }
  // Paging by sequence.
  tl.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(v1::GetTimelineResponse page1, stack_.cases->GetTimeline(tl));
  ASSERT_THAT(page1.entries(), SizeIs(2));
  tl.set_after_sequence(page1.next_after_sequence());
  ASSERT_OK_AND_ASSIGN(v1::GetTimelineResponse page2, stack_.cases->GetTimeline(tl));
  EXPECT_EQ(page2.entries(0).sequence(), timeline.entries(2).sequence());
}

TEST_F(PersonRecordsTest, BadInputNamesTheField) {
  v1::AddNoteRequest note;
  note.set_person_id("P1");
  EXPECT_THAT(stack_.cases->AddNote(note),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("author.id")));
  v1::GetPersonRequest get;
  get.set_person_id("Pnope");
  EXPECT_THAT(stack_.cases->GetPerson(get), StatusIs(absl::StatusCode::kNotFound));
  v1::UpdateAssessmentRequest up;
  EXPECT_THAT(stack_.cases->UpdateAssessment(up),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected_version")));
}

}  // namespace
}  // namespace signpost
