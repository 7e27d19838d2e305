#include "router/person/assessment.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using MD = google::protobuf::util::MessageDifferencer;

v1::Referral Referral(const std::string& id, const std::string& story) {
  v1::Referral r;
  r.set_referral_id(id);
  r.set_reference("REF" + id);
  *r.mutable_received_at() = ToProtoTime(absl::FromUnixSeconds(1795000000));
  r.mutable_submission()->set_channel(v1::SOURCE_CHANNEL_GP);
  r.mutable_submission()->set_story(story);
  return r;
}

TEST(AddReferralTest, AddsToWhatIsKnownAndNeverLosesIt) {
  v1::Referral first = Referral("1", "Anxious, not sleeping.");
  auto* s1 = first.mutable_submission();
  s1->add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
  s1->mutable_risk()->set_to_self(v1::RISK_LEVEL_HIGH);
  s1->mutable_risk()->set_safeguarding_concern(v1::ANSWER_YES);
  s1->mutable_risk()->set_details("Took an overdose in 2024.");
  s1->mutable_person()->mutable_communication()->set_interpreter_language("Polish");
  s1->mutable_person()->mutable_family()->set_dependent_children(2);
  s1->mutable_consent()->set_share_with_partners(true);
  const v1::HolisticAssessment a1 = AddReferral({}, first);

  v1::Referral second = Referral("2", "Low mood since losing job.");
  auto* s2 = second.mutable_submission();
  s2->add_presenting_needs(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION);
  s2->add_presenting_needs(v1::PRESENTING_NEED_ANXIETY);
  s2->mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
  s2->mutable_risk()->set_safeguarding_concern(v1::ANSWER_NO);
  s2->mutable_person()->mutable_communication()->set_easy_read(true);
  s2->mutable_consent()->set_share_with_partners(false);
  const v1::HolisticAssessment a2 = AddReferral(a1, second);

  EXPECT_THAT(a2.presenting_needs().needs(),
              ElementsAre(v1::PRESENTING_NEED_ANXIETY, v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION));
  ASSERT_EQ(a2.presenting_needs().history_size(), 2);
  EXPECT_EQ(a2.presenting_needs().history(0).summary(), "Anxious, not sleeping.");
  EXPECT_EQ(a2.presenting_needs().history(0).referral_id(), "1");
  EXPECT_EQ(a2.presenting_needs().history(1).summary(), "Low mood since losing job.");
  EXPECT_EQ(a2.risk().to_self(), v1::RISK_LEVEL_HIGH) << "intake never lowers a recorded risk";
  EXPECT_EQ(a2.risk().safeguarding_concern(), v1::ANSWER_YES);
  EXPECT_EQ(a2.risk().details(), "Took an overdose in 2024.");
  EXPECT_EQ(a2.communication().interpreter_language(), "Polish");
  EXPECT_TRUE(a2.communication().easy_read());
  EXPECT_EQ(a2.relationships().family().dependent_children(), 2);
  EXPECT_FALSE(a2.consent().share_with_partners()) << "the latest explicit consent counts";
  EXPECT_FALSE(a2.has_physical_health()) << "unknown sections stay unset";
}

// Regression: an empty family inside relationships made the section look
// known, so a merge did not fill it.
TEST(AddReferralTest, NothingSaidLeavesSectionsUnknown) {
  const v1::HolisticAssessment a = AddReferral({}, Referral("1", "story"));
  EXPECT_FALSE(a.has_relationships());
  EXPECT_FALSE(a.has_communication());
  EXPECT_FALSE(a.has_living_environment());
  v1::HolisticAssessment known;
  known.mutable_relationships()->mutable_family()->set_carer_name("Alex");
  EXPECT_THAT(FillUnknownSections(a, known).filled_sections,
              ElementsAre(v1::HolisticAssessment::kRelationshipsFieldNumber));
}

TEST(AddReferralTest, HistorySummaryIsCutOnACharacterBoundary) {
  std::string story(499, 'a');
  story += "\xC3\xA9xyz";  // 'é' straddles byte 500
  const v1::HolisticAssessment a = AddReferral({}, Referral("1", story));
  EXPECT_EQ(a.presenting_needs().history(0).summary(), std::string(499, 'a'));
}

TEST(AddReferralTest, HistoryIsBounded) {
  v1::HolisticAssessment a;
  for (int i = 0; i < kMaxHistoryEntries + 5; ++i) {
    a = AddReferral(a, Referral(std::to_string(i), "story " + std::to_string(i)));
  }
  ASSERT_EQ(a.presenting_needs().history_size(), kMaxHistoryEntries);
  EXPECT_EQ(a.presenting_needs().history(0).referral_id(), "5") << "oldest dropped first";
}

TEST(MergeSectionsTest, FillUnknownThenClearOnlyWhatIsUnchanged) {
  v1::HolisticAssessment surviving;
  surviving.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
  v1::HolisticAssessment merged;
  merged.mutable_risk()->set_to_self(v1::RISK_LEVEL_HIGH);
  merged.mutable_physical_health()->set_summary("Type 2 diabetes");
  merged.mutable_functioning()->set_summary("Struggles with shopping");

  FilledAssessment filled = FillUnknownSections(surviving, merged);
  EXPECT_EQ(filled.assessment.risk().to_self(), v1::RISK_LEVEL_LOW) << "known sections kept";
  EXPECT_EQ(filled.assessment.physical_health().summary(), "Type 2 diabetes");
  EXPECT_THAT(filled.filled_sections,
              ElementsAre(v1::HolisticAssessment::kPhysicalHealthFieldNumber,
                          v1::HolisticAssessment::kFunctioningFieldNumber));

  // An assessor edits functioning after the merge; unmerge keeps that edit.
  v1::HolisticAssessment current = filled.assessment;
  current.mutable_functioning()->set_summary("Now shops with support");
  const v1::HolisticAssessment undone =
      ClearFilledSections(current, filled.assessment, filled.filled_sections);
  EXPECT_FALSE(undone.has_physical_health());
  EXPECT_EQ(undone.functioning().summary(), "Now shops with support");
  EXPECT_EQ(undone.risk().to_self(), v1::RISK_LEVEL_LOW);
}

TEST(ValidateAssessmentTest, NamesEveryBadField) {
  v1::HolisticAssessment a;
  a.mutable_risk()->set_details(std::string(4001, 'x'));
  a.mutable_risk()->set_to_self(static_cast<v1::RiskLevel>(99));
  a.mutable_functioning()->set_summary("bell\x07");
  for (int i = 0; i < 21; ++i) a.mutable_preferences_and_goals()->add_goals("goal");
  std::vector<std::string> fields;
  for (const auto& v : ValidateAssessment(a, "assessment")) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("assessment.risk.level", "assessment.risk.details",
                                  "assessment.functioning.summary",
                                  "assessment.preferences_and_goals.goals"));
  EXPECT_THAT(ValidateAssessment(AddReferral({}, Referral("1", "ok")), "a"), IsEmpty());
}

}  // namespace
}  // namespace signpost::router
