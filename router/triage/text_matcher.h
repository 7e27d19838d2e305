// Negation-aware free-text matching for triage rules.
//
// Patterns are RE2 (linear time, safe for administrator-written patterns),
// matched case-insensitively against the lower-cased story. An RE2::Set
// screens all patterns in one pass; only patterns that hit are then located
// to check negation. A match is negated when a cue ("denies", "no", "not",
// ...) ends at most `window_words` words before it, in the same clause
// (clauses end at . , ; : ! ? and newlines, and at terminator words such as
// "but"; commas end the scope because a false negation under-triages).
//
//   auto matcher = TextMatcher::Create({"suicidal (thoughts|ideation)"}, negation);
//   TextHits hits = (*matcher)->Match("Denies suicidal thoughts. Low mood.");
//   hits.positive[0]  -> nullopt (negated); hits.negated[0] -> {"suicidal thoughts", "denies"}
//
// Immutable after Create(); Match() is thread-safe.
#ifndef SIGNPOST_ROUTER_TRIAGE_TEXT_MATCHER_H_
#define SIGNPOST_ROUTER_TRIAGE_TEXT_MATCHER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace signpost::router {

struct NegationConfig {
  std::vector<std::string> cues;         // lower case; may be several words
  int window_words = 4;                  // most words between cue and match
  std::vector<std::string> terminators;  // words ending a negation's scope
};

struct NegatedHit {
  std::string phrase;
  std::string cue;
};

// Per pattern (same order as given to Create): the first non-negated match,
// and the first negated match seen (enough to explain a non-firing rule).
struct TextHits {
  std::vector<std::optional<std::string>> positive;
  std::vector<std::vector<NegatedHit>> negated;
};

class TextMatcher {
 public:
  // INVALID_ARGUMENT naming the first pattern that does not compile.
  // `screen_max_mem` bounds the RE2::Set used to screen all patterns at
  // once; if its DFA runs out of memory on some text, Match() falls back to
  // checking every pattern on its own (slower, never a missed match).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<TextMatcher>> Create(
      const std::vector<std::string>& patterns, const NegationConfig& negation,
      int64_t screen_max_mem = 64 << 20);
  ~TextMatcher();

  TextHits Match(std::string_view text) const;
  size_t pattern_count() const { return patterns_.size(); }

 private:
  TextMatcher() = default;
  struct Impl;
  std::vector<std::unique_ptr<re2::RE2>> patterns_;
  std::unique_ptr<Impl> impl_;
  NegationConfig negation_;
  std::vector<std::vector<std::string>> cue_words_;  // longest cue first
  std::vector<std::string> cue_text_;                // cue_words_ joined
};

// Checks that `pattern` compiles as RE2; returns RE2's error otherwise.
[[nodiscard]] absl::Status CheckPattern(const std::string& pattern);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_TRIAGE_TEXT_MATCHER_H_
