#include "router/triage/story_text.h"

#include <array>
#include <cctype>

namespace signpost::router {
namespace {

// Three-byte UTF-8 punctuation read as its ASCII twin.
struct Replacement {
  std::array<unsigned char, 3> bytes;
  char ascii;
};
constexpr Replacement kReplacements[] = {
    {{0xE2, 0x80, 0x98}, '\''}, {{0xE2, 0x80, 0x99}, '\''}, {{0xE2, 0x80, 0x9C}, '"'},
    {{0xE2, 0x80, 0x9D}, '"'},  {{0xE2, 0x80, 0x93}, '-'},  {{0xE2, 0x80, 0x94}, '-'},
    {{0xE2, 0x80, 0xA6}, '.'},
};

bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsWordByte(unsigned char c) { return IsAsciiAlnum(c) || c == '\'' || c >= 0x80; }

// Length of the UTF-8 punctuation at `s` that reads as ASCII (0 if none).
int Straightened(std::string_view s, char* out) {
  if (s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0xC2 &&
      static_cast<unsigned char>(s[1]) == 0xA0) {
    *out = ' ';  // no-break space
    return 2;
  }
  if (s.size() < 3) return 0;
  for (const Replacement& r : kReplacements) {
    if (static_cast<unsigned char>(s[0]) == r.bytes[0] &&
        static_cast<unsigned char>(s[1]) == r.bytes[1] &&
        static_cast<unsigned char>(s[2]) == r.bytes[2]) {
      *out = r.ascii;
      return 3;
    }
  }
  return 0;
}

// A full stop that does not end a sentence: inside a number or a word
// ("2.5", "e.g."), or after a title.
bool FullStopContinues(const std::string& t, size_t i) {
  if (i + 1 < t.size() && IsAsciiAlnum(static_cast<unsigned char>(t[i + 1]))) return true;
  size_t start = i;
  while (start > 0 && IsWordByte(static_cast<unsigned char>(t[start - 1]))) --start;
  const std::string_view word(t.data() + start, i - start);
  for (std::string_view title : {"mr", "mrs", "ms", "dr", "st", "e.g", "i.e", "approx", "vs"}) {
    if (word == title) return true;
  }
  // "e.g." and "i.e.": the letter before the first stop.
  return i >= 3 && (t.compare(i - 3, 3, "e.g") == 0 || t.compare(i - 3, 3, "i.e") == 0);
}

bool EndsSentence(const std::string& t, size_t i) {
  switch (t[i]) {
    case '!':
    case '?':
    case ';':
    case '\n':
      return true;
    case ':':  // not in "2:30"
      return !(i > 0 && i + 1 < t.size() && (t[i - 1] >= '0' && t[i - 1] <= '9') &&
               (t[i + 1] >= '0' && t[i + 1] <= '9'));
    case '.':
      return !FullStopContinues(t, i);
    default:
      return false;
  }
}

bool IsClauseBreak(const std::string& t, size_t i) {
  if (t[i] == ',') return true;
  return t[i] == '-' && i > 0 && i + 1 < t.size() && t[i - 1] == ' ' && t[i + 1] == ' ';
}

// Lower case; quotes and blanks other than newlines read as a space
// (quoted words read as words: took "a load of pills").
char NormalisedAscii(unsigned char c) {
  if (c == '"' || c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') return ' ';
  return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

}  // namespace

StoryText StoryText::Prepare(std::string_view story) {
  StoryText out;
  out.text_.reserve(story.size());
  out.source_.reserve(story.size() + 1);
  out.source_end_.reserve(story.size());
  auto emit = [&out](char c, size_t from, size_t to) {
    const bool space = c == ' ';
    if (space && (out.text_.empty() || out.text_.back() == ' ' || out.text_.back() == '\n')) {
      return;
    }
    if (c == '\n' && !out.text_.empty() && out.text_.back() == ' ') {
      out.text_.back() = '\n';
      return;
    }
    out.text_.push_back(c);
    out.source_.push_back(from);
    out.source_end_.push_back(to);
  };
  for (size_t i = 0; i < story.size();) {
    const auto c = static_cast<unsigned char>(story[i]);
    if (c >= 0x80) {
      char ascii = 0;
      if (const int n = Straightened(story.substr(i), &ascii); n > 0) {
        emit(ascii == '"' ? ' ' : ascii, i, i + n);
        i += n;
        continue;
      }
      emit(static_cast<char>(c), i, i + 1);
    } else {
      emit(NormalisedAscii(c), i, i + 1);
    }
    ++i;
  }
  out.source_.push_back(story.size());
  out.Index();
  return out;
}

void StoryText::Index() {
  const size_t n = text_.size();
  sentence_of_.assign(n + 1, 0);
  words_before_.assign(n + 1, 0);
  commas_before_.assign(n + 1, 0);
  int sentence = 0;
  for (size_t i = 0; i < n; ++i) {
    sentence_of_[i] = sentence;
    if (EndsSentence(text_, i)) ++sentence;
    const bool word_start = IsWordByte(static_cast<unsigned char>(text_[i])) &&
                            (i == 0 || !IsWordByte(static_cast<unsigned char>(text_[i - 1])));
    words_before_[i + 1] = words_before_[i] + (word_start ? 1 : 0);
    commas_before_[i + 1] = commas_before_[i] + (IsClauseBreak(text_, i) ? 1 : 0);
  }
  sentence_of_[n] = sentence;
}

std::vector<std::pair<size_t, size_t>> StoryText::Sentences() const {
  std::vector<std::pair<size_t, size_t>> out;
  size_t begin = 0;
  for (size_t i = 1; i <= text_.size(); ++i) {
    if (i == text_.size() || sentence_of_[i] != sentence_of_[i - 1]) {
      out.emplace_back(begin, i);
      begin = i;
    }
  }
  return out;
}

int StoryText::WordsBetween(size_t from, size_t to) const {
  return to <= from ? 0 : words_before_[to] - words_before_[from];
}

bool StoryText::CommaBetween(size_t from, size_t to) const {
  return to > from && commas_before_[to] - commas_before_[from] > 0;
}

}  // namespace signpost::router
