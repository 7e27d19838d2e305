#include "router/validation.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/referral_fixtures.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 22, 12, 0, 0), absl::UTCTimeZone());

std::vector<FieldViolation> Validate(v1::SubmitReferralRequest r) {
  return NormalizeAndValidateSubmission(r, kNow, absl::UTCTimeZone());
}

std::vector<std::string> Fields(const std::vector<FieldViolation>& v) {
  std::vector<std::string> out;
  for (const auto& f : v) out.push_back(f.field);
  return out;
}

TEST(ValidationTest, FixturesAreValid) {
  EXPECT_THAT(Validate(testing::ValidGpReferral()), IsEmpty());
  EXPECT_THAT(Validate(testing::ValidSelfReferral()), IsEmpty());
}

struct Case {
  std::string name;
  std::function<void(v1::SubmitReferralRequest&)> mutate;
  std::vector<std::string> expected_fields;  // empty = valid
};

class ValidationTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(ValidationTableTest, ReportsExactlyTheExpectedFields) {
  v1::SubmitReferralRequest r = GetParam().name.rfind("self", 0) == 0 ? testing::ValidSelfReferral()
                                                                      : testing::ValidGpReferral();
  GetParam().mutate(r);
  EXPECT_THAT(Fields(Validate(r)), UnorderedElementsAreArray(GetParam().expected_fields));
}

auto P(v1::SubmitReferralRequest& r) { return r.mutable_submission()->mutable_person(); }
auto S(v1::SubmitReferralRequest& r) { return r.mutable_submission(); }
void Dob(v1::SubmitReferralRequest& r, int y, int m, int d) {
  P(r)->mutable_date_of_birth()->set_year(y);
  P(r)->mutable_date_of_birth()->set_month(m);
  P(r)->mutable_date_of_birth()->set_day(d);
}

const std::string kNhs = "submission.person.nhs_number";
const std::string kDob = "submission.person.date_of_birth";
const std::string kPc = "submission.person.postcode";

INSTANTIATE_TEST_SUITE_P(
    Table, ValidationTableTest,
    ::testing::Values(
        // NHS numbers.
        Case{"nhs_spaced_ok", [](auto& r) { P(r)->set_nhs_number("943 476 5919"); }, {}},
        Case{"nhs_bad_check", [](auto& r) { P(r)->set_nhs_number("9434765918"); }, {kNhs}},
        Case{"nhs_hyphens", [](auto& r) { P(r)->set_nhs_number("943-476-5919"); }, {kNhs}},
        Case{"nhs_nine_digits", [](auto& r) { P(r)->set_nhs_number("943476591"); }, {kNhs}},
        Case{"nhs_remainder_one", [](auto& r) { P(r)->set_nhs_number("9991234560"); }, {kNhs}},
        Case{"nhs_empty_string", [](auto& r) { P(r)->set_nhs_number(""); }, {kNhs}},
        Case{"nhs_missing_no_reason", [](auto& r) { P(r)->clear_nhs_number(); }, {kNhs}},
        Case{"nhs_missing_with_reason",
             [](auto& r) {
               P(r)->clear_nhs_number();
               P(r)->set_nhs_number_unavailable_reason(
                   v1::NHS_NUMBER_UNAVAILABLE_REASON_OVERSEAS_PATIENT);
             },
             {}},
        Case{"nhs_and_reason_both",
             [](auto& r) {
               P(r)->set_nhs_number_unavailable_reason(v1::NHS_NUMBER_UNAVAILABLE_REASON_NOT_KNOWN);
             },
             {"submission.person.nhs_number_unavailable_reason"}},
        // Dates of birth (today is 2026-11-22).
        Case{"dob_today", [](auto& r) { Dob(r, 2026, 11, 22); }, {}},
        Case{"dob_tomorrow", [](auto& r) { Dob(r, 2026, 11, 23); }, {kDob}},
        Case{"dob_120_years", [](auto& r) { Dob(r, 1906, 11, 22); }, {}},
        Case{"dob_over_120_years", [](auto& r) { Dob(r, 1906, 11, 21); }, {kDob}},
        Case{"dob_31_feb", [](auto& r) { Dob(r, 1990, 2, 31); }, {kDob}},
        Case{"dob_29_feb_leap", [](auto& r) { Dob(r, 2000, 2, 29); }, {}},
        Case{"dob_29_feb_non_leap", [](auto& r) { Dob(r, 2001, 2, 29); }, {kDob}},
        Case{"dob_month_13", [](auto& r) { Dob(r, 1990, 13, 1); }, {kDob}},
        Case{"dob_missing", [](auto& r) { P(r)->clear_date_of_birth(); }, {kDob}},
        // Postcodes.
        Case{"pc_lower_nospace", [](auto& r) { P(r)->set_postcode("se64ru"); }, {}},
        Case{"pc_a9_9aa", [](auto& r) { P(r)->set_postcode("M1 1AE"); }, {}},
        Case{"pc_a9a_9aa", [](auto& r) { P(r)->set_postcode("W1A 0AX"); }, {}},
        Case{"pc_aa9a_9aa", [](auto& r) { P(r)->set_postcode("EC1A 1BB"); }, {}},
        Case{"pc_gir", [](auto& r) { P(r)->set_postcode("GIR 0AA"); }, {}},
        Case{"pc_empty_allowed", [](auto& r) { P(r)->clear_postcode(); }, {}},
        Case{"pc_bad_inward_letter", [](auto& r) { P(r)->set_postcode("SE6 4RC"); }, {kPc}},
        Case{"pc_no_inward", [](auto& r) { P(r)->set_postcode("SE6"); }, {kPc}},
        Case{"pc_garbage", [](auto& r) { P(r)->set_postcode("NOT A POSTCODE"); }, {kPc}},
        // ODS codes.
        Case{"ods_lower_ok", [](auto& r) { S(r)->mutable_referrer()->set_ods_code("rv5"); }, {}},
        Case{"ods_too_short",
             [](auto& r) { S(r)->mutable_referrer()->set_ods_code("R1"); },
             {"submission.referrer.ods_code"}},
        Case{"ods_punctuation",
             [](auto& r) { S(r)->mutable_referrer()->set_ods_code("A81-01"); },
             {"submission.referrer.ods_code"}},
        Case{"ods_missing_gp",
             [](auto& r) { S(r)->mutable_referrer()->clear_ods_code(); },
             {"submission.referrer.ods_code"}},
        Case{"gp_practice_bad",
             [](auto& r) { P(r)->set_registered_gp_practice_ods("RV5"); },
             {"submission.person.registered_gp_practice_ods"}},
        // Channel rules.
        Case{"channel_missing",
             [](auto& r) { S(r)->set_channel(v1::SOURCE_CHANNEL_UNSPECIFIED); },
             {"submission.channel"}},
        Case{"channel_unknown_number",
             [](auto& r) { S(r)->set_channel(static_cast<v1::SourceChannel>(77)); },
             {"submission.channel"}},
        Case{"referrer_no_contact",
             [](auto& r) { S(r)->mutable_referrer()->clear_phone(); },
             {"submission.referrer.phone"}},
        Case{"self_no_contact",
             [](auto& r) { P(r)->mutable_contact()->clear_phone(); },
             {"submission.person.contact"}},
        Case{"self_email_only",
             [](auto& r) {
               P(r)->mutable_contact()->clear_phone();
               P(r)->mutable_contact()->set_email("sam@example.org");
             },
             {}},
        Case{"self_via_referrer",
             [](auto& r) {
               P(r)->mutable_contact()->set_preferred_method(v1::CONTACT_METHOD_VIA_REFERRER);
             },
             {"submission.person.contact.preferred_method"}},
        Case{"preferred_email_missing",
             [](auto& r) {
               P(r)->mutable_contact()->set_preferred_method(v1::CONTACT_METHOD_EMAIL);
             },
             {"submission.person.contact.email"}},
        Case{"other_channel_needs_org_name",
             [](auto& r) {
               S(r)->set_channel(v1::SOURCE_CHANNEL_OTHER);
               S(r)->mutable_referrer()->clear_organisation_name();
             },
             {"submission.referrer.organisation_name"}},
        // Required text and limits.
        Case{"names_missing",
             [](auto& r) {
               P(r)->clear_given_name();
               P(r)->set_family_name("   ");
             },
             {"submission.person.given_name", "submission.person.family_name"}},
        Case{"story_missing", [](auto& r) { S(r)->clear_story(); }, {"submission.story"}},
        Case{"story_at_limit",
             [](auto& r) { S(r)->set_story(std::string(IntakeLimits::kStory, 'x')); },
             {}},
        Case{"story_over_limit",
             [](auto& r) { S(r)->set_story(std::string(IntakeLimits::kStory + 1, 'x')); },
             {"submission.story"}},
        Case{"name_control_char",
             [](auto& r) { P(r)->set_given_name(std::string("Sa\x01m")); },
             {"submission.person.given_name"}},
        Case{"name_over_limit",
             [](auto& r) { P(r)->set_given_name(std::string(101, 'a')); },
             {"submission.person.given_name"}},
        Case{"needs_duplicate_and_unspecified",
             [](auto& r) {
               S(r)->add_presenting_needs(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION);
               S(r)->add_presenting_needs(v1::PRESENTING_NEED_UNSPECIFIED);
             },
             {"submission.presenting_needs[1]", "submission.presenting_needs[2]"}},
        Case{"too_many_adjustments",
             [](auto& r) {
               for (int i = 0; i < 11; ++i) {
                 P(r)->mutable_communication()->add_other_adjustments("large print");
               }
             },
             {"submission.person.communication.other_adjustments"}},
        Case{"dependants_negative",
             [](auto& r) { P(r)->mutable_family()->set_dependent_children(-1); },
             {"submission.person.family.dependent_children"}},
        Case{"risk_unknown_value",
             [](auto& r) { S(r)->mutable_risk()->set_to_others(static_cast<v1::RiskLevel>(42)); },
             {"submission.risk.to_others"}},
        Case{"mha_code_known",
             [](auto& r) { S(r)->mutable_mental_health_act()->set_legal_status_code("03"); },
             {}},
        Case{"mha_code_unknown",
             [](auto& r) { S(r)->mutable_mental_health_act()->set_legal_status_code("11"); },
             {"submission.mental_health_act.legal_status_code"}},
        Case{"too_many_preferred_services",
             [](auto& r) {
               for (int i = 0; i < 11; ++i) {
                 S(r)->mutable_preferences()->add_preferred_service_ids("svc-" + std::to_string(i));
               }
             },
             {"submission.preferences.preferred_service_ids"}},
        Case{"empty_declined_service_id",
             [](auto& r) { S(r)->mutable_preferences()->add_declined_service_ids(""); },
             {"submission.preferences.declined_service_ids[0]"}},
        Case{"request_id_missing", [](auto& r) { r.clear_request_id(); }, {"request_id"}},
        Case{"request_id_bad_chars", [](auto& r) { r.set_request_id("a b"); }, {"request_id"}},
        Case{"request_id_too_long",
             [](auto& r) { r.set_request_id(std::string(129, 'a')); },
             {"request_id"}},
        Case{"phone_letters",
             [](auto& r) { P(r)->mutable_contact()->set_phone("call me"); },
             {"submission.person.contact.phone"}},
        Case{"email_bad",
             [](auto& r) { P(r)->mutable_contact()->set_email("sam@"); },
             {"submission.person.contact.email"}}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(ValidationTest, ListsEveryViolationNotJustTheFirst) {
  v1::SubmitReferralRequest r = testing::ValidSelfReferral();
  P(r)->set_nhs_number("9434765918");
  P(r)->clear_family_name();
  Dob(r, 2099, 1, 1);
  P(r)->set_postcode("NOT A POSTCODE");
  P(r)->mutable_contact()->clear_phone();
  EXPECT_THAT(Fields(Validate(r)),
              UnorderedElementsAreArray({kNhs, std::string("submission.person.family_name"), kDob,
                                         kPc, std::string("submission.person.contact")}));
}

TEST(ValidationTest, MissingSubmissionIsOneViolation) {
  v1::SubmitReferralRequest r;
  r.set_request_id("x");
  EXPECT_THAT(Validate(r), ElementsAre(Field(&FieldViolation::field, "submission")));
}

TEST(ValidationTest, NormalisesCodesAndNumbers) {
  v1::SubmitReferralRequest r = testing::ValidGpReferral();
  P(r)->set_nhs_number(" 999 000 0018 ");
  P(r)->set_postcode(" se64ru ");
  S(r)->mutable_referrer()->set_ods_code(" g85001 ");
  ASSERT_THAT(NormalizeAndValidateSubmission(r, kNow, absl::UTCTimeZone()), IsEmpty());
  EXPECT_EQ(r.submission().person().nhs_number(), "9990000018");
  EXPECT_EQ(r.submission().person().postcode(), "SE6 4RU");
  EXPECT_EQ(r.submission().referrer().ods_code(), "G85001");
}

TEST(ValidationTest, DateOfBirthUsesLocalCivilDay) {
  // 23:30 UTC on 22 Nov is already 23 Nov in a UTC+1 zone.
  const absl::Time late =
      absl::FromCivil(absl::CivilSecond(2026, 11, 22, 23, 30, 0), absl::UTCTimeZone());
  v1::SubmitReferralRequest r = testing::ValidGpReferral();
  Dob(r, 2026, 11, 23);
  EXPECT_THAT(NormalizeAndValidateSubmission(r, late, absl::FixedTimeZone(3600)), IsEmpty());
  v1::SubmitReferralRequest r2 = testing::ValidGpReferral();
  Dob(r2, 2026, 11, 23);
  EXPECT_THAT(Fields(NormalizeAndValidateSubmission(r2, late, absl::UTCTimeZone())),
              ElementsAre(kDob));
}

}  // namespace
}  // namespace signpost::router
