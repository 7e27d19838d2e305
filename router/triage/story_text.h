// StoryText: a referral story prepared for reading: lower-cased, curly
// apostrophes and dashes straightened, double quotes read as spaces
// (quoted words are words), whitespace collapsed, with a map back to
// the original bytes and the structure context scopes need (sentences,
// words, commas).
//
//   StoryText t = StoryText::Prepare("She said: \u201cI can\u2019t go on.\u201d");
//   t.text()                  -> "she said: i can't go on."
//   t.Sentence(12)            -> index of the sentence holding byte 12
//   t.WordsBetween(a, b)      -> words starting in [a, b)
//   t.CommaBetween(a, b)      -> a comma or " - " in [a, b)
//   t.SourceBegin(12)         -> byte in the original story
//
// Sentences end at . ! ? ; : and line breaks (a full stop inside a number
// or after Mr, Mrs, Ms, Dr, e.g. and i.e. does not end one).
//
// Immutable after Prepare(); cheap to query (prefix sums).
#ifndef SIGNPOST_ROUTER_TRIAGE_STORY_TEXT_H_
#define SIGNPOST_ROUTER_TRIAGE_STORY_TEXT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signpost::router {

class StoryText {
 public:
  static StoryText Prepare(std::string_view story);

  const std::string& text() const { return text_; }
  // Sentence number of normalised byte `pos` (0-based).
  int Sentence(size_t pos) const { return sentence_of_[pos]; }
  // Each sentence's [begin, end) in text(), in order (its end mark included).
  std::vector<std::pair<size_t, size_t>> Sentences() const;
  // Number of words that start in [from, to).
  int WordsBetween(size_t from, size_t to) const;
  // True if [from, to) holds a comma or a spaced dash (a clause break).
  bool CommaBetween(size_t from, size_t to) const;
  // The original story's bytes for normalised [from, to): [begin, end).
  size_t SourceBegin(size_t from) const { return source_[from]; }
  size_t SourceEnd(size_t to) const { return to == 0 ? 0 : source_end_[to - 1]; }

 private:
  void Index();

  std::string text_;
  std::vector<size_t> source_;      // first original byte of each byte
  std::vector<size_t> source_end_;  // one past its last original byte
  std::vector<int> sentence_of_;    // size text_.size() + 1
  std::vector<int> words_before_;   // word starts in [0, pos)
  std::vector<int> commas_before_;  // clause breaks in [0, pos)
};

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_TRIAGE_STORY_TEXT_H_
