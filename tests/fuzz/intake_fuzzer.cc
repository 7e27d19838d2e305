// libFuzzer: arbitrary bytes parsed as a SubmitReferralRequest, through
// normalisation, validation and (when valid) triage with the default rules.
#include <cstddef>
#include <cstdint>

#include "router/triage/triage_engine.h"
#include "router/validation.h"
#include "tests/fuzz/fuzz_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto engine = signpost::fuzz::DefaultEngineOrDie();
  signpost::v1::SubmitReferralRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  const auto violations = signpost::router::NormalizeAndValidateSubmission(
      request, signpost::fuzz::SampleTime(), absl::UTCTimeZone());
  if (violations.empty()) {
    const auto d = engine->Evaluate(
        {.submission = request.submission(), .received_at = signpost::fuzz::SampleTime()});
    if (d.band() == signpost::v1::URGENCY_BAND_UNSPECIFIED) __builtin_trap();
  }
  return 0;
}
