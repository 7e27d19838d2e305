// Shared inputs for the fuzz targets.
#ifndef SIGNPOST_TESTS_FUZZ_FUZZ_INPUTS_H_
#define SIGNPOST_TESTS_FUZZ_FUZZ_INPUTS_H_

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "router/triage/triage_engine.h"
#include "signpost/v1/referral_service.pb.h"

namespace signpost::fuzz {

inline absl::Time SampleTime() { return absl::FromUnixSeconds(1795000000); }

inline signpost::v1::ReferralSubmission SampleSubmission(const std::string& story) {
  signpost::v1::ReferralSubmission s;
  s.set_channel(signpost::v1::SOURCE_CHANNEL_GP);
  s.mutable_person()->mutable_date_of_birth()->set_year(1990);
  s.mutable_person()->mutable_date_of_birth()->set_month(2);
  s.mutable_person()->mutable_date_of_birth()->set_day(28);
  s.set_story(story);
  s.add_presenting_needs(signpost::v1::PRESENTING_NEED_PSYCHOSIS);
  s.mutable_risk()->set_to_self(signpost::v1::RISK_LEVEL_MEDIUM);
  return s;
}

inline std::shared_ptr<const signpost::router::TriageEngine> DefaultEngineOrDie() {
  std::ifstream in(SIGNPOST_DEFAULT_RULES);
  std::stringstream ss;
  ss << in.rdbuf();
  auto engine = signpost::router::TriageEngine::FromText(ss.str());
  if (!engine.ok()) std::abort();
  return *engine;
}

}  // namespace signpost::fuzz

#endif  // SIGNPOST_TESTS_FUZZ_FUZZ_INPUTS_H_
