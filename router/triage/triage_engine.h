// TriageEngine: a validated, compiled rule set that turns a referral into an
// explainable TriageDecision.
//
//   absl::StatusOr<std::shared_ptr<const TriageEngine>> engine =
//       TriageEngine::FromText(file_contents);   // errors carry line:column
//   TriageDecision d = (*engine)->Evaluate({.submission = s, .received_at = t});
//
// Loading rejects any rule set that is invalid, ambiguous or incomplete
// (see rule_set_validator.h). Evaluation is deterministic and total: every
// input gives a decision.
//
// Combination (docs/TRIAGE.md):
// - the story is read as findings (findings.h) with the rule set's lexicon;
// - every rule whose condition holds fires; the most urgent band among the
//   fired rules wins, so a structured risk level can raise the band but
//   never lower what the story or the risk screen supports;
// - flags and pathway tags are unioned; flags never change the band;
// - risk not known (an indicator not recorded and not covered by the risk
//   screen) adds NEEDS_CLINICIAN_REVIEW and a review-by deadline (the band's
//   review_within, default 24 hours; respond_by is no later), built in and
//   never a slower band;
// - if no rule sets a band, default_band applies with NEEDS_CLINICIAN_REVIEW.
//
// Immutable; Evaluate() is thread-safe.
#ifndef SIGNPOST_ROUTER_TRIAGE_TRIAGE_ENGINE_H_
#define SIGNPOST_ROUTER_TRIAGE_TRIAGE_ENGINE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "signpost/v1/referral.pb.h"
#include "signpost/v1/triage.pb.h"

namespace signpost::router {

struct TriageInput {
  const signpost::v1::ReferralSubmission& submission;
  // The clocks start here; age, weekday and out-of-hours use it.
  absl::Time received_at;
  // Hook for person records (issue 5): the person has an open referral.
  bool has_open_referral = false;
};

class FindingReader;

class TriageEngine {
 public:
  // Parses protobuf text, validates and compiles. INVALID_ARGUMENT lists
  // every problem as "line L column C: message".
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<const TriageEngine>> FromText(
      std::string_view text);
  // Validates and compiles an already parsed rule set (problems carry rule
  // ids instead of line numbers).
  [[nodiscard]] static absl::StatusOr<std::shared_ptr<const TriageEngine>> FromRuleSet(
      signpost::v1::RuleSet rules);

  ~TriageEngine();

  signpost::v1::TriageDecision Evaluate(const TriageInput& input) const;
  // The story's findings alone, as Evaluate reads them for a referral
  // received at `received_at` (which dates "in 2019") from `channel`.
  std::vector<signpost::v1::Finding> ReadStory(std::string_view story, absl::Time received_at,
                                               signpost::v1::SourceChannel channel) const;

  // Declared version + "+" + 16 hex digits of a hash of the rule set.
  const std::string& version() const { return version_; }
  const signpost::v1::RuleSet& rule_set() const { return rules_; }
  // The band definition (rule sets always define default_band).
  const signpost::v1::BandDefinition* Band(signpost::v1::UrgencyBand band) const;

 private:
  struct Compiled;
  TriageEngine() = default;
  void ApplyClocks(absl::Time received_at, bool risk_unknown,
                   signpost::v1::TriageDecision& d) const;
  void AddPathways(absl::Time received_at, const std::vector<std::string>& ids,
                   signpost::v1::TriageDecision& d) const;

  signpost::v1::RuleSet rules_;
  std::string version_;
  absl::TimeZone zone_;
  std::unique_ptr<FindingReader> reader_;
  std::unique_ptr<Compiled> compiled_;
};

// Effective version for a rule set: declared version plus a content hash of
// its deterministic serialisation (so comments and layout do not change it).
std::string RuleSetVersion(const signpost::v1::RuleSet& rules);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_TRIAGE_TRIAGE_ENGINE_H_
