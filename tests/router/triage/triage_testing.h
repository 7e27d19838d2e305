// Helpers for triage tests: load the shipped default rules and build
// vignettes tersely.
#ifndef SIGNPOST_TESTS_ROUTER_TRIAGE_TRIAGE_TESTING_H_
#define SIGNPOST_TESTS_ROUTER_TRIAGE_TRIAGE_TESTING_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "router/triage/triage_engine.h"
#include "signpost/v1/referral_service.pb.h"
#include "tests/testing/read_file.h"

namespace signpost::testing {

inline std::string DefaultRulesText() { return ReadTextFile(SIGNPOST_DEFAULT_RULES); }

// The shipped rules' declared version ("2026.11.3").
inline std::string DefaultRulesVersion() {
  const std::string text = DefaultRulesText();
  const size_t at = text.find("\nversion: \"");
  if (at == std::string::npos) return "";
  const size_t start = at + 11;
  return text.substr(start, text.find('"', start) - start);
}

// The shipped rules with another declared version.
inline std::string DefaultRulesWithVersion(const std::string& version) {
  std::string text = DefaultRulesText();
  const std::string old = "\nversion: \"" + DefaultRulesVersion() + "\"";
  text.replace(text.find(old), old.size(), "\nversion: \"" + version + "\"");
  return text;
}

// The shipped default rules; fails the test if they do not load.
inline std::shared_ptr<const router::TriageEngine> DefaultEngine() {
  auto engine = router::TriageEngine::FromText(DefaultRulesText());
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *engine : nullptr;
}

// Tuesday 24 November 2026, 11:00 London (in hours).
inline absl::Time InHours() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 24, 11, 0, 0),
                         absl::FixedTimeZone(0));  // GMT in November
}
// Sunday 22 November 2026, 02:00 London.
inline absl::Time SundayNight() {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 22, 2, 0, 0), absl::FixedTimeZone(0));
}

// A 40-year-old with every risk indicator recorded as NONE and no
// safeguarding concern, referred by a GP: the neutral starting point.
inline signpost::v1::ReferralSubmission NeutralReferral() {
  namespace v1 = ::signpost::v1;
  v1::ReferralSubmission s;
  s.set_channel(v1::SOURCE_CHANNEL_GP);
  s.mutable_referrer()->set_ods_code("G85001");
  auto* p = s.mutable_person();
  p->set_nhs_number("9990000018");
  p->set_given_name("Sam");
  p->set_family_name("Testperson");
  p->mutable_date_of_birth()->set_year(1986);
  p->mutable_date_of_birth()->set_month(6);
  p->mutable_date_of_birth()->set_day(1);
  s.set_story("Referred for assessment.");
  auto* r = s.mutable_risk();
  r->set_to_self(v1::RISK_LEVEL_NONE);
  r->set_to_others(v1::RISK_LEVEL_NONE);
  r->set_from_others(v1::RISK_LEVEL_NONE);
  r->set_safeguarding_concern(v1::ANSWER_NO);
  return s;
}

// Date of birth such that the person is exactly `years` (decimal) old on
// InHours(): derived by walking back from the evaluation day.
inline void SetAgeOn(signpost::v1::ReferralSubmission& s, int whole_years,
                     int days_after_birthday) {
  const absl::CivilDay today(2026, 11, 24);
  const absl::CivilDay birthday_this_year(today.year(), today.month(), today.day());
  const absl::CivilDay last_birthday = birthday_this_year - days_after_birthday;
  auto* dob = s.mutable_person()->mutable_date_of_birth();
  dob->set_year(static_cast<int>(last_birthday.year() - whole_years));
  dob->set_month(last_birthday.month());
  dob->set_day(last_birthday.day());
}

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_ROUTER_TRIAGE_TRIAGE_TESTING_H_
