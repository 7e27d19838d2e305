#include "router/triage/text_matcher.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "re2/re2.h"
#include "re2/set.h"

namespace signpost::router {
namespace {

bool IsWordByte(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '\'' || c == '-' || c >= 0x80;
}

// Clause ends also end a negation's scope. Commas count: a false negation
// ("not eating, suicidal thoughts daily") would under-triage, which is worse
// than a missed one ("denies low mood, suicidal thoughts") over-triaging.
bool IsClauseEnd(char c) {
  return c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n' || c == ',';
}

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && IsWordByte(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

RE2::Options PatternOptions() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  return o;
}

RE2::Options ScreenOptions(int64_t max_mem) {
  RE2::Options o = PatternOptions();
  o.set_max_mem(max_mem);
  return o;
}

}  // namespace

struct TextMatcher::Impl {
  explicit Impl(int64_t max_mem) : set(ScreenOptions(max_mem), RE2::UNANCHORED) {}
  RE2::Set set;
};

absl::Status CheckPattern(const std::string& pattern) {
  RE2 re(pattern, PatternOptions());
  if (!re.ok()) return absl::InvalidArgumentError(re.error());
  return absl::OkStatus();
}

TextMatcher::~TextMatcher() = default;

absl::StatusOr<std::unique_ptr<TextMatcher>> TextMatcher::Create(
    const std::vector<std::string>& patterns, const NegationConfig& negation,
    int64_t screen_max_mem) {
  std::unique_ptr<TextMatcher> m(new TextMatcher());
  m->impl_ = std::make_unique<Impl>(screen_max_mem);
  m->negation_ = negation;
  for (const std::string& cue : negation.cues) {
    // Keep the lower-cased cue alive while Words() views into it (a
    // temporary in the range-for initialiser would be destroyed first:
    // found by tests/fuzz/rule_set_fuzzer, corpus file
    // regression-cue-lifetime).
    const std::string lower = absl::AsciiStrToLower(cue);
    std::vector<std::string> words;
    for (std::string_view w : Words(lower)) words.emplace_back(w);
    if (!words.empty()) m->cue_words_.push_back(std::move(words));
  }
  // Report the most specific cue: "no evidence of" rather than "no".
  std::stable_sort(m->cue_words_.begin(), m->cue_words_.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& words : m->cue_words_) m->cue_text_.push_back(absl::StrJoin(words, " "));
  for (size_t i = 0; i < patterns.size(); ++i) {
    auto re = std::make_unique<RE2>(patterns[i], PatternOptions());
    if (!re->ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pattern \"", patterns[i], "\": ", re->error()));
    }
    std::string error;
    if (m->impl_->set.Add(patterns[i], &error) != static_cast<int>(i)) {
      return absl::InvalidArgumentError(absl::StrCat("pattern \"", patterns[i], "\": ", error));
    }
    m->patterns_.push_back(std::move(re));
  }
  if (!patterns.empty() && !m->impl_->set.Compile()) {
    return absl::InvalidArgumentError("the story patterns together are too large to compile");
  }
  return m;
}

// Lint exception (docs/LINT.md): rewritten by issue 11 (triage reads findings, not keyword hits).
// NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
TextHits TextMatcher::Match(std::string_view text) const {
  TextHits hits;
  hits.positive.resize(patterns_.size());
  hits.negated.resize(patterns_.size());
  if (patterns_.empty() || text.empty()) return hits;
  const std::string lower = absl::AsciiStrToLower(absl::string_view(text.data(), text.size()));
  std::vector<int> candidates;
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  if (!impl_->set.Match(lower, &candidates, &error)) {
    if (error.kind == RE2::Set::kNoError) return hits;  // nothing matched
    // The screen's DFA gave up (out of memory on this text): a silent "no
    // match" here would under-triage, so check every pattern instead.
    candidates.clear();
    for (size_t i = 0; i < patterns_.size(); ++i) candidates.push_back(static_cast<int>(i));
  }
  std::sort(candidates.begin(), candidates.end());

  // A cue can only negate if it ends within window_words of the match, so
  // only the last window_words + longest-cue words before a match matter.
  const size_t max_words = static_cast<size_t>(negation_.window_words) +
                           (cue_words_.empty() ? 0 : cue_words_.front().size());
  std::vector<std::string_view> before;  // reused: nearest word last
  for (int index : candidates) {
    const RE2& re = *patterns_[index];
    re2::StringPiece input(lower);
    re2::StringPiece match;
    size_t pos = 0;
    while (pos <= lower.size() && re.Match(input, pos, lower.size(), RE2::UNANCHORED, &match, 1)) {
      const size_t start = static_cast<size_t>(match.data() - lower.data());
      // Walk back word by word from the match, stopping at a clause end, a
      // terminator word, or once no cue could reach.
      before.clear();
      size_t i = start;
      while (before.size() < max_words && i > 0) {
        while (i > 0 && !IsWordByte(static_cast<unsigned char>(lower[i - 1])) &&
               !IsClauseEnd(lower[i - 1])) {
          --i;
        }
        if (i == 0 || IsClauseEnd(lower[i - 1])) break;
        size_t word_start = i;
        while (word_start > 0 && IsWordByte(static_cast<unsigned char>(lower[word_start - 1]))) {
          --word_start;
        }
        const std::string_view word(lower.data() + word_start, i - word_start);
        if (std::find(negation_.terminators.begin(), negation_.terminators.end(), word) !=
            negation_.terminators.end()) {
          break;
        }
        before.push_back(word);
        i = word_start;
      }
      std::reverse(before.begin(), before.end());
      int cue_found = -1;
      const size_t n = before.size();
      for (size_t c = 0; c < cue_words_.size() && cue_found < 0; ++c) {
        const auto& cue = cue_words_[c];
        const size_t len = cue.size();
        for (size_t j = 0; j + len <= n && cue_found < 0; ++j) {
          if (n - j - len > static_cast<size_t>(negation_.window_words)) continue;
          bool equal = true;
          for (size_t k = 0; k < len && equal; ++k) equal = before[j + k] == cue[k];
          if (equal) cue_found = static_cast<int>(c);
        }
      }
      if (cue_found < 0) {
        hits.positive[index] = std::string(match.data(), match.size());
        break;  // one positive match is enough
      }
      if (hits.negated[index].empty()) {  // the first negated match explains it
        hits.negated[index].push_back(
            {std::string(match.data(), match.size()), cue_text_[cue_found]});
      }
      pos = start + std::max<size_t>(match.size(), 1);
    }
  }
  return hits;
}

}  // namespace signpost::router
