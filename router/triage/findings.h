// FindingReader: reads a referral story as clinical findings, in context.
//
// A ConText-style reader (NegEx, Chapman et al. 2001; ConText, Harkema et
// al. 2009) over a lexicon kept as data (RuleSet.lexicon in the rules file):
//
//   auto reader = FindingReader::Create(rules.lexicon());
//   std::vector<Finding> f = (*reader)->Read(
//       "Attempted suicide in 2009, nothing since. Took an overdose an hour ago.",
//       {.year_received = 2026});
//   f[0] -> suicide_attempt, affirmed, HISTORICAL, SELF, "attempted suicide"
//   f[1] -> overdose_taken,  affirmed, CURRENT,    SELF, "took an overdose"
//
// How a finding gets its context:
// - Each concept match is a finding. A match overlapping one of the
//   concept's exclusions is dropped ("safety plan" is not a suicide plan).
//   A match of a fallback concept (a safety net of risk words) is dropped
//   when it overlaps a match of any other concept: it stands only for
//   words nothing else read.
// - Context triggers modify the concepts in their scope: in the same
//   sentence, in their direction, at most window_words words away, with no
//   comma between (unless the trigger crosses_commas) and no terminator
//   for their kind between.
// - A trigger overlapping a pseudo-trigger modifies nothing, nor does a
//   negation inside a concept's own words ("no reason to live"), nor a
//   someone-else trigger sharing words with one ("her mum" before a
//   concept "mum plans to ..."). A
//   time inside a concept's words still dates it ("previous overdose").
// - Negation: any negation trigger in scope negates. Time: the nearest time
//   trigger in scope sets it (on a tie, the more urgent); none: the
//   concept's default_time. Experiencer: someone else if an
//   other-experiencer trigger is in scope. Certainty: possible if a
//   possibility trigger is in scope.
// - "{name}" in a pattern stands for the lexicon's word list of that name.
//
// Every pattern is RE2 (linear time in the story's length); one RE2::Set
// pass screens the story for every pattern, and only patterns that hit are
// located. Immutable after Create(); Read() is thread-safe.
#ifndef SIGNPOST_ROUTER_TRIAGE_FINDINGS_H_
#define SIGNPOST_ROUTER_TRIAGE_FINDINGS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "signpost/v1/triage.pb.h"

namespace signpost::router {

class FindingReader {
 public:
  // The lexicon should already be valid (ValidateLexicon); INVALID_ARGUMENT
  // if a pattern does not compile. `max_mem` bounds the screening set; if
  // its DFA runs out on some story, Read() checks every pattern on its own
  // (slower, never a missed finding).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<FindingReader>> Create(
      const signpost::v1::Lexicon& lexicon, int64_t max_mem = 64 << 20);
  ~FindingReader();

  // How to read a story.
  struct Options {
    // Places calendar years (KIND_YEAR triggers): before it is historical,
    // in it recent; 0 (unknown) reads every year as recent.
    int year_received = 0;
    // Who wrote it: triggers limited to channels apply only to these.
    signpost::v1::SourceChannel channel = signpost::v1::SOURCE_CHANNEL_UNSPECIFIED;
  };
  // Findings in story order; spans are byte offsets into `story`.
  std::vector<signpost::v1::Finding> Read(std::string_view story, const Options& options) const;

 private:
  struct Impl;
  explicit FindingReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Problems with a lexicon (ids, patterns, windows), each naming the concept,
// trigger or word list; `list` is "concepts", "triggers" or "word_lists"
// and `at` the index within it. Empty result means valid.
struct LexiconProblem {
  const char* list = "concepts";
  int at = 0;
  std::string message;
};
std::vector<LexiconProblem> ValidateLexicon(const signpost::v1::Lexicon& lexicon);

// `pattern` with each "{name}" replaced by the word list's alternation;
// INVALID_ARGUMENT naming an unknown list. ("{2,3}" is RE2's, untouched.)
[[nodiscard]] absl::StatusOr<std::string> ExpandWordLists(const std::string& pattern,
                                                          const signpost::v1::Lexicon& lexicon);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_TRIAGE_FINDINGS_H_
