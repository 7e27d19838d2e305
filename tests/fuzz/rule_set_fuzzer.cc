// libFuzzer: arbitrary rule-set text through the loader and, when it loads,
// through an evaluation. Must never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "router/triage/triage_engine.h"
#include "tests/fuzz/fuzz_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto engine = signpost::router::TriageEngine::FromText(text);
  if (engine.ok()) {
    const signpost::v1::ReferralSubmission s = signpost::fuzz::SampleSubmission("plan to jump");
    (void)(*engine)->Evaluate({.submission = s, .received_at = signpost::fuzz::SampleTime()});
  }
  return 0;
}
