// Valid referral requests to start tests from. Each test changes only what
// it is about, so a failure points at that change.
#ifndef SIGNPOST_TESTS_TESTING_REFERRAL_FIXTURES_H_
#define SIGNPOST_TESTS_TESTING_REFERRAL_FIXTURES_H_

#include <string>

#include "signpost/v1/referral_service.pb.h"

namespace signpost::testing {

// A complete, valid GP referral (test-range NHS number 999 000 0018): low
// mood, low risk, all risk indicators recorded, so default triage gives band E
// with no clinician review (status TRIAGED).
inline signpost::v1::SubmitReferralRequest ValidGpReferral(
    const std::string& request_id = "req-1") {
  namespace v1 = ::signpost::v1;
  v1::SubmitReferralRequest r;
  r.set_request_id(request_id);
  auto* s = r.mutable_submission();
  s->set_channel(v1::SOURCE_CHANNEL_GP);
  auto* ref = s->mutable_referrer();
  ref->set_ods_code("G85001");
  ref->set_organisation_name("Demo Road Surgery");
  ref->set_practitioner_name("Dr A Example");
  ref->set_phone("020 7946 0000");
  auto* p = s->mutable_person();
  p->set_nhs_number("9990000018");
  p->set_given_name("Sam");
  p->set_family_name("Testperson");
  p->mutable_date_of_birth()->set_year(1990);
  p->mutable_date_of_birth()->set_month(4);
  p->mutable_date_of_birth()->set_day(12);
  p->set_postcode("SE6 4RU");
  p->set_registered_gp_practice_ods("G85001");
  p->mutable_contact()->set_phone("07700 900123");
  s->set_story("Low mood for three months. Denies suicidal thoughts.");
  s->add_presenting_needs(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION);
  s->mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
  s->mutable_risk()->set_to_others(v1::RISK_LEVEL_NONE);
  s->mutable_risk()->set_from_others(v1::RISK_LEVEL_NONE);
  s->mutable_risk()->set_safeguarding_concern(v1::ANSWER_NO);
  s->mutable_consent()->set_share_with_partners(true);
  return r;
}

// A valid self-referral: no organisation, person's phone given.
inline signpost::v1::SubmitReferralRequest ValidSelfReferral(
    const std::string& request_id = "self-1") {
  auto r = ValidGpReferral(request_id);
  auto* s = r.mutable_submission();
  s->set_channel(signpost::v1::SOURCE_CHANNEL_SELF);
  s->clear_referrer();
  return r;
}

// The n-th valid test-range NHS number ("999" then 7 digits, Modulus 11
// satisfied; numbers whose check digit would be 10 are skipped).
inline std::string TestNhsNumber(int n) {
  for (int k = n * 2;; ++k) {
    std::string d = std::to_string(9990000000LL + 10LL * (100000 + k)).substr(0, 9);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * (10 - i);
    const int check = 11 - sum % 11;
    if (check == 10) continue;
    return d + static_cast<char>('0' + (check == 11 ? 0 : check));
  }
}

// A member of staff acting in a test.
inline signpost::v1::StaffRef TestStaff(const std::string& id, const std::string& role = "") {
  signpost::v1::StaffRef s;
  s.set_id(id);
  s.set_name("Test Staff " + id);
  s.set_role(role);
  return s;
}

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_TESTING_REFERRAL_FIXTURES_H_
