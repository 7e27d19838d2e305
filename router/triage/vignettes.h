// The triage evaluation corpus: clinical vignettes with the band a
// clinician applying the scale would give them (deploy/rules/
// vignettes.textproto, schema VignetteCorpus), its development / held-out
// split, and scoring a rule set against it.
//
//   auto corpus = ParseVignetteCorpus(text);          // line:column errors
//   CorpusScore score = ScoreCorpus(*engine, *corpus);
//   score.held_out.under_triaged.size()               // must be 0
//   score.held_out.ExactPercent()                     // >= 90
//
// Each vignette is run as a client would submit it (SubmissionFor): the
// story, channel, age, needs, risk and screen it gives, received in hours
// (Tuesday 24 November 2026 11:00 London) or out of hours (Sunday 22
// November 2026 02:00) as it says. A vignette of the corpus's current
// round is held out when Fingerprint64("<split_seed>:<id>") % 100 <
// held_out_percent: the split depends only on the committed seed, the id
// and the round, never on the rules. Earlier rounds are development data.
//
// Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_TRIAGE_VIGNETTES_H_
#define SIGNPOST_ROUTER_TRIAGE_VIGNETTES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "router/triage/triage_engine.h"
#include "signpost/v1/triage_service.pb.h"

namespace signpost::router {

// Parses and checks a corpus: unique ids, an expected band and a story or a
// risk screen for each. INVALID_ARGUMENT lists every problem with its line
// and column where known.
[[nodiscard]] absl::StatusOr<signpost::v1::VignetteCorpus> ParseVignetteCorpus(
    std::string_view text);

bool IsHeldOut(const signpost::v1::VignetteCorpus& corpus, const signpost::v1::TriageVignette& v);

// The referral a client would submit for the vignette, and when.
signpost::v1::ReferralSubmission SubmissionFor(const signpost::v1::TriageVignette& v);
absl::Time ReceivedAtFor(const signpost::v1::TriageVignette& v);

struct VignetteMiss {
  std::string id;
  std::string family;
  signpost::v1::UrgencyBand expected = signpost::v1::URGENCY_BAND_UNSPECIFIED;
  signpost::v1::UrgencyBand got = signpost::v1::URGENCY_BAND_UNSPECIFIED;
};

// Figures for one split.
struct SplitScore {
  int total = 0;
  int exact = 0;
  std::vector<VignetteMiss> under_triaged;  // got a less urgent band
  std::vector<VignetteMiss> over_triaged;   // got a more urgent band
  int urgent_expected = 0;                  // expected A, B or C
  int urgent_found = 0;                     // ... and given A, B or C
  // confusion[expected][got], bands A..G as 0..6.
  int confusion[7][7] = {};

  double ExactPercent() const;
  // Sensitivity for A-C: urgent_found / urgent_expected, as a percentage.
  double UrgentSensitivityPercent() const;
};

struct CorpusScore {
  SplitScore development;
  SplitScore held_out;
};

CorpusScore ScoreCorpus(const TriageEngine& engine, const signpost::v1::VignetteCorpus& corpus);

// The band the engine gives one vignette.
signpost::v1::UrgencyBand BandFor(const TriageEngine& engine,
                                  const signpost::v1::TriageVignette& v);

// A plain-text report: both splits' figures and confusion matrices, and
// every development miss (id, family, expected, got); held-out misses only
// when asked (tuning must not look at them).
std::string FormatScore(const CorpusScore& score, bool list_held_out_misses);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_TRIAGE_VIGNETTES_H_
