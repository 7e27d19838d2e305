// ReferralGenerator: seeded, varied, valid referral requests for load
// generation and bulk loading (test-range NHS numbers; demo-borough
// postcodes and GP practices). Not thread-safe: one per thread.
//
//   ReferralGenerator gen(/*seed=*/7);
//   signpost::v1::SubmitReferralRequest r = gen.Next();
#ifndef SIGNPOST_BENCH_REFERRAL_GENERATOR_H_
#define SIGNPOST_BENCH_REFERRAL_GENERATOR_H_

#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "signpost/v1/referral_service.pb.h"

namespace signpost::bench {

namespace v1 = ::signpost::v1;

class ReferralGenerator {
 public:
  explicit ReferralGenerator(uint64_t seed) : rng_(seed), seed_(seed) {}

  v1::SubmitReferralRequest Next() {
    static const char* const kStories[] = {
        "Low mood for three months, poor sleep. Denies suicidal thoughts.",
        "Panic attacks most days, cannot use public transport. No self-harm.",
        "Hearing voices for a month, paranoid about neighbours.",
        "Six weeks postnatal, tearful and anxious, good support at home.",
        "Facing eviction and debt, feels isolated since bereavement.",
        "Has a plan to jump from the car park tonight and has said goodbyes.",
        "Restrictive eating for a year, weight stable, wants help.",
        "Forgetful for a year, family worried, lives alone.",
    };
    static const char* const kPostcodes[] = {"SE6 4RU",  "SE13 5AB", "SE4 1AA",  "SE8 3BT",
                                             "SE12 9ND", "SE23 2EE", "SE26 4PP", "SE14 6JL"};
    static const v1::PresentingNeed kNeeds[] = {v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION,
                                                v1::PRESENTING_NEED_ANXIETY,
                                                v1::PRESENTING_NEED_PSYCHOSIS,
                                                v1::PRESENTING_NEED_PERINATAL,
                                                v1::PRESENTING_NEED_HOUSING,
                                                v1::PRESENTING_NEED_SUICIDAL_IDEATION,
                                                v1::PRESENTING_NEED_EATING_DISORDER,
                                                v1::PRESENTING_NEED_MEMORY_COGNITION};
    const int kind = static_cast<int>(rng_() % 8);
    v1::SubmitReferralRequest r;
    r.set_request_id(absl::StrCat("load-", seed_, "-", counter_++));
    auto* s = r.mutable_submission();
    s->set_channel(v1::SOURCE_CHANNEL_GP);
    s->mutable_referrer()->set_ods_code(absl::StrCat("G8500", 1 + rng_() % 9));
    s->mutable_referrer()->set_phone("020 7946 0000");
    auto* p = s->mutable_person();
    p->set_nhs_number(NhsNumber());
    p->set_given_name("Load");
    p->set_family_name(absl::StrCat("Test", counter_ % 1000));
    p->mutable_date_of_birth()->set_year(1940 + static_cast<int>(rng_() % 65));
    p->mutable_date_of_birth()->set_month(1 + static_cast<int>(rng_() % 12));
    p->mutable_date_of_birth()->set_day(1 + static_cast<int>(rng_() % 28));
    p->set_postcode(kPostcodes[rng_() % 8]);
    p->set_registered_gp_practice_ods(s->referrer().ods_code());
    p->mutable_contact()->set_phone("07700 900123");
    s->set_story(kStories[kind]);
    s->add_presenting_needs(kNeeds[kind]);
    auto* risk = s->mutable_risk();
    risk->set_to_self(kind == 5 ? v1::RISK_LEVEL_HIGH : static_cast<v1::RiskLevel>(1 + rng_() % 3));
    risk->set_to_others(v1::RISK_LEVEL_NONE);
    risk->set_from_others(v1::RISK_LEVEL_NONE);
    risk->set_safeguarding_concern(v1::ANSWER_NO);
    return r;
  }

 private:
  // A valid test-range (999...) NHS number.
  std::string NhsNumber() {
    while (true) {
      std::string d = absl::StrCat("999", 1000000 + rng_() % 9000000);
      int sum = 0;
      for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * (10 - i);
      const int check = 11 - sum % 11;
      if (check == 10) continue;
      return d.substr(0, 9) + static_cast<char>('0' + (check == 11 ? 0 : check));
    }
  }

  std::mt19937_64 rng_;
  uint64_t seed_;
  uint64_t counter_ = 0;
};

}  // namespace signpost::bench

#endif  // SIGNPOST_BENCH_REFERRAL_GENERATOR_H_
