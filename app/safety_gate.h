// SafetyGate: what a candidate rule set must pass before it goes live.
//
// A candidate is refused when it under-triages any development vignette
// of the evaluation corpus (a less urgent band than the clinician's), or
// any stored referral on replay (a less urgent band than the live rules
// give it, or dropping a clinician review they ask for). The held-out
// split is not part of the gate: it only measures, and a gate that named
// held-out vignettes would make them what rule authors tune to (ADR 0011). RuleRegistry runs the
// gate on every activation - RPC, SIGHUP and start-up - and only an
// explicit override with a reason lets a refused candidate through; the
// reason and what the gate found are stored with the activation.
//
//   SafetyGate gate(store, corpus);
//   absl::StatusOr<SafetyGateReport> report = gate.Check(*candidate, live.get());
//   if (!Passes(*report)) ...                     // FAILED_PRECONDITION unless overridden
//
// Thread-safe (reads storage; call it off the transport threads).
#ifndef SIGNPOST_APP_SAFETY_GATE_H_
#define SIGNPOST_APP_SAFETY_GATE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "router/triage/triage_engine.h"
#include "signpost/v1/triage_service.pb.h"
#include "storage/store.h"

namespace signpost::app {

class SafetyGate {
 public:
  // `store` must outlive the gate. Replays at most `replay_limit` stored
  // referrals (the report says when it stopped short).
  SafetyGate(storage::Store& store, signpost::v1::VignetteCorpus corpus, int replay_limit = 10000);
  // From the corpus file's text; INVALID_ARGUMENT (line and column) if it
  // is not a valid corpus.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SafetyGate>> FromCorpusText(
      storage::Store& store, std::string_view corpus_text);

  // What the candidate does to the corpus and, when there are live rules,
  // to stored referrals. Errors are storage errors only.
  [[nodiscard]] absl::StatusOr<signpost::v1::SafetyGateReport> Check(
      const router::TriageEngine& candidate, const router::TriageEngine* live) const;

  const signpost::v1::VignetteCorpus& corpus() const { return corpus_; }

 private:
  storage::Store& store_;
  signpost::v1::VignetteCorpus corpus_;
  int replay_limit_;
};

bool Passes(const signpost::v1::SafetyGateReport& report);

// FAILED_PRECONDITION naming what the candidate under-triages (at most 20
// of each) and how to override.
absl::Status GateRefusal(const signpost::v1::SafetyGateReport& report);

// Adds one stored referral's live and candidate decisions to a replay
// report (shared by the gate and ReplayRuleSet).
void CompareOnReplay(const signpost::v1::Referral& r, const router::TriageEngine& live,
                     const router::TriageEngine& candidate,
                     signpost::v1::ReplayRuleSetResponse& out);

}  // namespace signpost::app

#endif  // SIGNPOST_APP_SAFETY_GATE_H_
