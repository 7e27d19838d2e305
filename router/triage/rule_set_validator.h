// Validation of triage rule sets: parse errors and semantic problems, each
// with the line and column of the offending entry where known.
//
// A rule set is rejected when it is:
// - invalid: unparsable text, unknown enum names, bad RE2 patterns, bad
//   times or ages, unknown legal status codes, unknown pathways;
// - incomplete: a band used (by a rule or as default) with no definition, a
//   band definition with neither a response time nor
//   no_face_to_face_response, a rule with no condition or no outcome, an
//   empty version, an unknown time zone;
// - ambiguous: two rules with the same id, two definitions of one band, two
//   rules with identical conditions but different bands, or band clocks that
//   are not ordered (a more urgent band allowed longer than a less urgent).
//
//   std::vector<RuleSetProblem> problems;
//   absl::StatusOr<RuleSet> rules = ParseAndValidateRuleSet(text, &problems);
#ifndef SIGNPOST_ROUTER_TRIAGE_RULE_SET_VALIDATOR_H_
#define SIGNPOST_ROUTER_TRIAGE_RULE_SET_VALIDATOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "signpost/v1/triage.pb.h"

namespace signpost::router {

struct RuleSetProblem {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string message;
};

// Parses and validates. On failure returns INVALID_ARGUMENT whose message
// lists every problem ("line 12 column 3: ..."); `problems` (optional)
// receives them structured.
[[nodiscard]] absl::StatusOr<signpost::v1::RuleSet> ParseAndValidateRuleSet(
    std::string_view text, std::vector<RuleSetProblem>* problems = nullptr);

// Semantic validation only. Problems name the rule id or band instead of a
// line. Empty result means valid.
std::vector<RuleSetProblem> ValidateRuleSet(const signpost::v1::RuleSet& rules);

// Joins problems into one INVALID_ARGUMENT status.
absl::Status ProblemsToStatus(const std::vector<RuleSetProblem>& problems);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_TRIAGE_RULE_SET_VALIDATOR_H_
