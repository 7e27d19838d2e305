// libFuzzer: arbitrary story text (any bytes, any length up to the intake
// limit) evaluated by the shipped default rules.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "router/triage/triage_engine.h"
#include "tests/fuzz/fuzz_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const signpost::router::TriageEngine> engine =
      signpost::fuzz::DefaultEngineOrDie();
  if (size > 32768) return 0;
  const signpost::v1::ReferralSubmission s =
      signpost::fuzz::SampleSubmission(std::string(reinterpret_cast<const char*>(data), size));
  const auto d = engine->Evaluate({.submission = s, .received_at = signpost::fuzz::SampleTime()});
  // Invariants: a band is always decided; every finding's span lies in the
  // story and its text is those bytes.
  if (d.band() == signpost::v1::URGENCY_BAND_UNSPECIFIED) __builtin_trap();
  for (const auto& f : d.findings()) {
    if (f.start() < 0 || f.start() > f.end() || static_cast<size_t>(f.end()) > s.story().size() ||
        s.story().compare(f.start(), f.end() - f.start(), f.text()) != 0) {
      __builtin_trap();
    }
  }
  return 0;
}
