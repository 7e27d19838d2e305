#include "router/triage/findings.h"

#include <algorithm>
#include <optional>
#include <span>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "re2/re2.h"
#include "re2/set.h"
#include "router/triage/story_text.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using Kind = v1::ContextTrigger::Kind;

constexpr int kDefaultWindow = 6;

enum class Role { kConcept, kExclusion, kTrigger };

struct Pattern {
  Role role;
  int owner;  // concept or trigger index
  std::unique_ptr<RE2> re;
};

struct Span {
  size_t start = 0;
  size_t end = 0;
  int owner = 0;
};

bool Overlaps(const Span& a, const Span& b) { return a.start < b.end && b.start < a.end; }

RE2::Options PatternOptions(int64_t max_mem) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(max_mem);
  return o;
}

// Patterns match whole words ("cut" is not "cute"): a word boundary is
// required at each end that starts or ends with a word character. An end
// that is escaped punctuation ("\\(2015\\)") or a non-ASCII symbol ("£")
// gets none, as a boundary there could never match.
std::string Wrapped(const std::string& pattern) {
  auto punctuation = [](char c) { return !absl::ascii_isalnum(static_cast<unsigned char>(c)); };
  const bool open = !(pattern.size() >= 2 && pattern[0] == '\\' && punctuation(pattern[1])) &&
                    !(!pattern.empty() && static_cast<unsigned char>(pattern[0]) >= 0x80);
  const size_t n = pattern.size();
  const bool close = !(n >= 2 && pattern[n - 2] == '\\' && punctuation(pattern[n - 1]));
  return absl::StrCat(open ? "\\b" : "", "(?:", pattern, ")", close ? "\\b" : "");
}

// Urgency of a time, for ties: current first.
int TimeRank(v1::FindingTime t) {
  switch (t) {
    case v1::FINDING_TIME_CURRENT:
      return 0;
    case v1::FINDING_TIME_RECENT:
      return 1;
    case v1::FINDING_TIME_HYPOTHETICAL:
      return 2;
    default:
      return 3;
  }
}

v1::FindingTime TimeOf(Kind kind) {
  switch (kind) {
    case v1::ContextTrigger::KIND_CURRENT:
      return v1::FINDING_TIME_CURRENT;
    case v1::ContextTrigger::KIND_RECENT:
      return v1::FINDING_TIME_RECENT;
    case v1::ContextTrigger::KIND_HISTORICAL:
      return v1::FINDING_TIME_HISTORICAL;
    case v1::ContextTrigger::KIND_HYPOTHETICAL:
      return v1::FINDING_TIME_HYPOTHETICAL;
    default:
      return v1::FINDING_TIME_UNSPECIFIED;
  }
}

// A year trigger's time: before the year of receipt is historical; that
// year (or an unknown year of receipt) is recent.
v1::FindingTime YearTime(std::string_view words, int year_received) {
  int year = 0;
  for (size_t i = 0; i + 4 <= words.size(); ++i) {
    if (absl::SimpleAtoi(absl::string_view(words.data() + i, 4), &year) && year >= 1900 &&
        year <= 2999)
      break;
    year = 0;
  }
  if (year == 0) return v1::FINDING_TIME_UNSPECIFIED;
  return year_received > 0 && year < year_received ? v1::FINDING_TIME_HISTORICAL
                                                   : v1::FINDING_TIME_RECENT;
}

// The story's matches, by role.
struct Matches {
  std::vector<Span> concepts;
  std::vector<std::vector<Span>> exclusions;  // per concept
  std::vector<Span> triggers;
};

// What the triggers in scope say about one concept match.
struct Context {
  bool negated = false;
  bool other = false;
  bool possible = false;
  v1::FindingTime time = v1::FINDING_TIME_UNSPECIFIED;
  int time_distance = 0;
  bool time_stated = false;
};

}  // namespace

struct FindingReader::Impl {
  explicit Impl(int64_t max_mem) : screen(PatternOptions(max_mem), RE2::UNANCHORED) {}

  v1::Lexicon lexicon;
  std::vector<Pattern> patterns;
  RE2::Set screen;

  // Which patterns match in text[begin, end).
  std::vector<int> Screen(const std::string& text, size_t begin, size_t end) const;
  // Adds every match in text[begin, end) of the `hits` patterns.
  void Locate(const std::string& text, size_t begin, size_t end, const std::vector<int>& hits,
              Matches& m) const;
  void Clean(Matches& m) const;
  void CleanConcepts(Matches& m) const;
  void MaskTriggers(Matches& m) const;
  void DropRecognisedFallbacks(Matches& m) const;
  bool Terminated(std::span<const Span> triggers, size_t from, size_t to, Kind kind) const;
  Context ContextOf(const StoryText& t, std::span<const Span> triggers, const Span& c,
                    const FindingReader::Options& options) const;
  // How many words trigger `s` is from concept `c` when `c` is in its
  // scope (direction, window, commas, terminators); nullopt otherwise.
  std::optional<int> Reach(const StoryText& t, std::span<const Span> triggers, const Span& s,
                           const Span& c) const;
  void Apply(const v1::ContextTrigger& trigger, v1::FindingTime year_time, int distance,
             bool time_fixed, bool who_fixed, Context& ctx) const;
};

FindingReader::FindingReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FindingReader::~FindingReader() = default;

absl::StatusOr<std::unique_ptr<FindingReader>> FindingReader::Create(const v1::Lexicon& lexicon,
                                                                     int64_t max_mem) {
  auto impl = std::make_unique<Impl>(max_mem);
  impl->lexicon = lexicon;
  // One expression per concept, per concept's exclusions and per trigger:
  // the alternation of its patterns, each wrapped in word boundaries, read
  // leftmost-longest. Fewer, larger expressions screen and locate faster.
  auto add = [&](Role role, int owner,
                 const google::protobuf::RepeatedPtrField<std::string>& patterns) -> absl::Status {
    if (patterns.empty()) return absl::OkStatus();
    std::vector<std::string> wrapped;
    for (const std::string& pattern : patterns) {
      absl::StatusOr<std::string> expanded = ExpandWordLists(pattern, lexicon);
      if (!expanded.ok()) return expanded.status();
      wrapped.push_back(Wrapped(*expanded));
      if (!RE2(wrapped.back(), PatternOptions(8 << 20)).ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("lexicon pattern \"", pattern, "\" is not valid RE2"));
      }
    }
    const std::string all = absl::StrJoin(wrapped, "|");
    RE2::Options longest = PatternOptions(32 << 20);
    longest.set_longest_match(true);
    auto re = std::make_unique<RE2>(all, longest);
    std::string error;
    if (!re->ok() || impl->screen.Add(all, &error) < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("lexicon patterns do not compile together: ", re->error(), error));
    }
    impl->patterns.push_back({role, owner, std::move(re)});
    return absl::OkStatus();
  };
  for (int i = 0; i < lexicon.concepts_size(); ++i) {
    SP_RETURN_IF_ERROR(add(Role::kConcept, i, lexicon.concepts(i).patterns()));
    SP_RETURN_IF_ERROR(add(Role::kExclusion, i, lexicon.concepts(i).exclusions()));
  }
  for (int i = 0; i < lexicon.triggers_size(); ++i) {
    SP_RETURN_IF_ERROR(add(Role::kTrigger, i, lexicon.triggers(i).patterns()));
  }
  if (!impl->patterns.empty() && !impl->screen.Compile()) {
    return absl::InvalidArgumentError("the lexicon's patterns together are too large to compile");
  }
  return std::unique_ptr<FindingReader>(new FindingReader(std::move(impl)));
}

std::vector<int> FindingReader::Impl::Screen(const std::string& text, size_t begin,
                                             size_t end) const {
  std::vector<int> hits;
  if (patterns.empty()) return hits;
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  const re2::StringPiece part(text.data() + begin, end - begin);
  if (!screen.Match(part, &hits, &error) && error.kind != RE2::Set::kNoError) {
    // The screen's DFA gave up on this story: a silent "no match" would
    // under-triage, so locate every pattern instead.
    hits.resize(patterns.size());
    for (size_t i = 0; i < hits.size(); ++i) hits[i] = static_cast<int>(i);
  }
  return hits;
}

void FindingReader::Impl::Locate(const std::string& text, size_t begin, size_t end,
                                 const std::vector<int>& hits, Matches& m) const {
  for (int index : hits) {
    const Pattern& p = patterns[index];
    re2::StringPiece input(text);
    re2::StringPiece match;
    size_t pos = begin;
    while (pos <= end && p.re->Match(input, pos, end, RE2::UNANCHORED, &match, 1)) {
      const auto start = static_cast<size_t>(match.data() - text.data());
      const Span span{start, start + match.size(), p.owner};
      switch (p.role) {
        case Role::kConcept:
          m.concepts.push_back(span);
          break;
        case Role::kExclusion:
          m.exclusions[p.owner].push_back(span);
          break;
        case Role::kTrigger:
          m.triggers.push_back(span);
          break;
      }
      pos = start + std::max<size_t>(match.size(), 1);
    }
  }
}

// Drops every match of a fallback concept that overlaps a match of a
// concept that is not one, or one of its exclusions: those words were read
// (an excluded "safety plan" was read, and is not a plan).
void FindingReader::Impl::DropRecognisedFallbacks(Matches& m) const {
  auto fallback = [&](const Span& c) { return lexicon.concepts(c.owner).fallback(); };
  std::vector<Span> read;
  for (const Span& c : m.concepts) {
    if (fallback(c)) continue;
    read.push_back(c);
    const auto& ex = m.exclusions[c.owner];
    read.insert(read.end(), ex.begin(), ex.end());
  }
  std::erase_if(m.concepts, [&](const Span& c) {
    return fallback(c) &&
           std::any_of(read.begin(), read.end(), [&](const Span& r) { return Overlaps(c, r); });
  });
}

// Drops excluded concept matches, merges overlapping matches of one
// concept, and masks triggers that overlap pseudo-triggers, and negations
// and other-experiencer triggers inside a concept's own words.
void FindingReader::Impl::Clean(Matches& m) const {
  DropRecognisedFallbacks(m);
  CleanConcepts(m);
  MaskTriggers(m);
}

// Drops excluded concept matches and merges overlapping matches of one
// concept.
void FindingReader::Impl::CleanConcepts(Matches& m) const {
  std::erase_if(m.concepts, [&](const Span& c) {
    const auto& ex = m.exclusions[c.owner];
    return std::any_of(ex.begin(), ex.end(), [&](const Span& e) { return Overlaps(c, e); });
  });
  std::sort(m.concepts.begin(), m.concepts.end(), [](const Span& a, const Span& b) {
    return std::tie(a.owner, a.start, b.end) < std::tie(b.owner, b.start, a.end);
  });
  std::vector<Span> merged;
  for (const Span& c : m.concepts) {
    if (!merged.empty() && merged.back().owner == c.owner && Overlaps(merged.back(), c)) {
      merged.back().end = std::max(merged.back().end, c.end);
    } else {
      merged.push_back(c);
    }
  }
  m.concepts = std::move(merged);
}

// Masks triggers that overlap pseudo-triggers, and negations and
// other-experiencer triggers that are a concept's own words.
void FindingReader::Impl::MaskTriggers(Matches& m) const {
  std::vector<Span> pseudo;
  for (const Span& t : m.triggers) {
    if (lexicon.triggers(t.owner).kind() == v1::ContextTrigger::KIND_PSEUDO) pseudo.push_back(t);
  }
  // Concepts by start with the furthest end so far: a trigger lies inside
  // (overlaps) some concept when a concept starting at or before its start
  // (before its end) reaches its end (past its start).
  std::vector<Span> by_start = m.concepts;
  std::sort(by_start.begin(), by_start.end(),
            [](const Span& a, const Span& b) { return a.start < b.start; });
  std::vector<size_t> reach(by_start.size());
  for (size_t i = 0; i < by_start.size(); ++i) {
    reach[i] = std::max(by_start[i].end, i > 0 ? reach[i - 1] : 0);
  }
  auto inside_a_concept = [&](const Span& t) {
    auto it = std::upper_bound(by_start.begin(), by_start.end(), t.start,
                               [](size_t pos, const Span& c) { return pos < c.start; });
    if (it == by_start.begin()) return false;
    return reach[static_cast<size_t>(it - by_start.begin()) - 1] >= t.end;
  };
  auto overlaps_a_concept = [&](const Span& t) {
    auto it = std::lower_bound(by_start.begin(), by_start.end(), t.end,
                               [](const Span& c, size_t pos) { return c.start < pos; });
    if (it == by_start.begin()) return false;
    return reach[static_cast<size_t>(it - by_start.begin()) - 1] > t.start;
  };
  std::erase_if(m.triggers, [&](const Span& t) {
    if (lexicon.triggers(t.owner).kind() == v1::ContextTrigger::KIND_PSEUDO) return true;
    if (std::any_of(pseudo.begin(), pseudo.end(), [&](const Span& p) { return Overlaps(t, p); })) {
      return true;
    }
    // Negations and people named in a concept's own words are part of it
    // ("no reason to live", "believes his neighbours are ..."), as is one
    // sharing words with it ("her mum" before "mum plans to ..."); times
    // inside it still date it ("previous overdose", "cut last night").
    // A negation that only overlaps one still negates it ("not going to"
    // before "going to kill myself").
    const Kind kind = lexicon.triggers(t.owner).kind();
    if (kind == v1::ContextTrigger::KIND_OTHER_EXPERIENCER) return overlaps_a_concept(t);
    return kind == v1::ContextTrigger::KIND_NEGATED && inside_a_concept(t);
  });
  std::sort(m.triggers.begin(), m.triggers.end(),
            [](const Span& a, const Span& b) { return a.start < b.start; });
}

bool FindingReader::Impl::Terminated(std::span<const Span> triggers, size_t from, size_t to,
                                     Kind kind) const {
  for (const Span& s : triggers) {
    if (s.start < from || s.end > to) continue;
    const auto& trigger = lexicon.triggers(s.owner);
    if (trigger.kind() != v1::ContextTrigger::KIND_TERMINATE) continue;
    const auto& kinds = trigger.terminates();
    if (kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return true;
  }
  return false;
}

void FindingReader::Impl::Apply(const v1::ContextTrigger& trigger, v1::FindingTime year_time,
                                int distance, bool time_fixed, bool who_fixed, Context& ctx) const {
  switch (trigger.kind()) {
    case v1::ContextTrigger::KIND_NEGATED:
      ctx.negated = true;
      return;
    case v1::ContextTrigger::KIND_OTHER_EXPERIENCER:
      ctx.other = ctx.other || !who_fixed;
      return;
    case v1::ContextTrigger::KIND_POSSIBLE:
      ctx.possible = true;
      return;
    default:
      break;
  }
  const v1::FindingTime time =
      trigger.kind() == v1::ContextTrigger::KIND_YEAR ? year_time : TimeOf(trigger.kind());
  if (time_fixed || time == v1::FINDING_TIME_UNSPECIFIED) return;
  const bool nearer = ctx.time == v1::FINDING_TIME_UNSPECIFIED || distance < ctx.time_distance ||
                      (distance == ctx.time_distance && TimeRank(time) < TimeRank(ctx.time));
  if (nearer) {
    ctx.time = time;
    ctx.time_distance = distance;
  }
}

namespace {

bool AppliesOn(const v1::ContextTrigger& trigger, v1::SourceChannel channel) {
  return trigger.channels().empty() ||
         std::find(trigger.channels().begin(), trigger.channels().end(), channel) !=
             trigger.channels().end();
}

// A time inside the concept's own words dates it ("going to take them
// tonight"); an "if" or other kinds inside it are its wording.
bool DatesFromInside(const v1::ContextTrigger& trigger) {
  return trigger.kind() == v1::ContextTrigger::KIND_YEAR ||
         (TimeOf(trigger.kind()) != v1::FINDING_TIME_UNSPECIFIED &&
          trigger.kind() != v1::ContextTrigger::KIND_HYPOTHETICAL);
}

}  // namespace

std::optional<int> FindingReader::Impl::Reach(const StoryText& t, std::span<const Span> triggers,
                                              const Span& s, const Span& c) const {
  const auto& trigger = lexicon.triggers(s.owner);
  const auto dir = trigger.direction();
  // A trigger that starts before the concept looks forward at it, one that
  // starts inside it and runs past its end looks back ("not going to" and
  // "going to kill myself" share words).
  const bool starts_before = s.start < c.start;
  const bool forward = dir != v1::ContextTrigger::DIRECTION_BACKWARD && starts_before;
  const bool backward = (dir == v1::ContextTrigger::DIRECTION_BACKWARD ||
                         dir == v1::ContextTrigger::DIRECTION_BOTH) &&
                        !starts_before;
  if (!forward && !backward) return std::nullopt;
  const size_t from = forward ? std::min(s.end, c.start) : c.end;
  const size_t to = forward ? c.start : std::max(s.start, c.end);
  const int distance = t.WordsBetween(from, to);
  const int window = trigger.window_words() > 0 ? trigger.window_words() : kDefaultWindow;
  if (distance > window) return std::nullopt;
  if (!trigger.crosses_commas() && t.CommaBetween(from, to)) return std::nullopt;
  if (Terminated(triggers, from, to, trigger.kind())) return std::nullopt;
  return distance;
}

Context FindingReader::Impl::ContextOf(const StoryText& t, std::span<const Span> triggers,
                                       const Span& c, const FindingReader::Options& options) const {
  const v1::Concept& concept_def = lexicon.concepts(c.owner);
  Context ctx;
  for (const Span& s : triggers) {
    const auto& trigger = lexicon.triggers(s.owner);
    if (trigger.kind() == v1::ContextTrigger::KIND_TERMINATE) continue;
    if (!AppliesOn(trigger, options.channel)) continue;
    const bool inside = s.start >= c.start && s.end <= c.end;
    if (inside && !DatesFromInside(trigger)) continue;
    const std::optional<int> distance = inside ? 0 : Reach(t, triggers, s, c);
    if (!distance) continue;
    const v1::FindingTime year_time = YearTime(
        std::string_view(t.text()).substr(s.start, s.end - s.start), options.year_received);
    Apply(trigger, year_time, *distance, concept_def.fixed_time(), concept_def.fixed_experiencer(),
          ctx);
  }
  ctx.time_stated = ctx.time != v1::FINDING_TIME_UNSPECIFIED || concept_def.fixed_time();
  if (ctx.time == v1::FINDING_TIME_UNSPECIFIED) {
    ctx.time = concept_def.default_time() == v1::FINDING_TIME_UNSPECIFIED
                   ? v1::FINDING_TIME_CURRENT
                   : concept_def.default_time();
  }
  return ctx;
}

std::vector<v1::Finding> FindingReader::Read(std::string_view story, const Options& options) const {
  std::vector<v1::Finding> out;
  if (story.empty()) return out;
  const StoryText t = StoryText::Prepare(story);
  // Sentence by sentence: every context rule is within a sentence, so no
  // pattern needs to see across one, and each pattern that hits is located
  // in its sentence only.
  Matches m;
  m.exclusions.resize(impl_->lexicon.concepts_size());
  for (const auto& [begin, end] : t.Sentences()) {
    const std::vector<int> hits = impl_->Screen(t.text(), begin, end);
    // Context only matters beside a concept: a sentence without one is done.
    if (std::none_of(hits.begin(), hits.end(),
                     [&](int i) { return impl_->patterns[i].role == Role::kConcept; })) {
      continue;
    }
    impl_->Locate(t.text(), begin, end, hits, m);
  }
  impl_->Clean(m);
  std::sort(m.concepts.begin(), m.concepts.end(), [](const Span& a, const Span& b) {
    return std::tie(a.start, a.end, a.owner) < std::tie(b.start, b.end, b.owner);
  });
  // The triggers of each sentence: triggers are sorted by start, so each
  // sentence's are one run.
  std::vector<int> trigger_sentence;
  trigger_sentence.reserve(m.triggers.size());
  for (const Span& s : m.triggers) trigger_sentence.push_back(t.Sentence(s.start));
  out.reserve(m.concepts.size());
  for (const Span& c : m.concepts) {
    const auto [lo, hi] =
        std::equal_range(trigger_sentence.begin(), trigger_sentence.end(), t.Sentence(c.start));
    const std::span<const Span> in_sentence(m.triggers.data() + (lo - trigger_sentence.begin()),
                                            static_cast<size_t>(hi - lo));
    const Context ctx = impl_->ContextOf(t, in_sentence, c, options);
    v1::Finding& f = out.emplace_back();
    f.set_concept_id(impl_->lexicon.concepts(c.owner).id());
    f.set_affirmed(!ctx.negated);
    f.set_time(ctx.time);
    f.set_experiencer(ctx.other ? v1::EXPERIENCER_OTHER : v1::EXPERIENCER_SELF);
    f.set_definite(!ctx.possible);
    f.set_time_stated(ctx.time_stated);
    const size_t start = t.SourceBegin(c.start);
    const size_t end = t.SourceEnd(c.end);
    f.set_start(static_cast<int32_t>(start));
    f.set_end(static_cast<int32_t>(end));
    f.set_text(std::string(story.substr(start, end - start)));
  }
  return out;
}

absl::StatusOr<std::string> ExpandWordLists(const std::string& pattern,
                                            const v1::Lexicon& lexicon) {
  static const LazyRE2 kReference = {R"(\{([a-z_]+)\})"};
  std::string out;
  re2::StringPiece rest(pattern);
  re2::StringPiece name;
  while (true) {
    const char* before = rest.data();
    if (!RE2::FindAndConsume(&rest, *kReference, &name)) break;
    const size_t consumed = static_cast<size_t>(rest.data() - before);
    out.append(before, consumed - name.size() - 2);  // text before "{name}"
    const auto& lists = lexicon.word_lists();
    auto it = std::find_if(lists.begin(), lists.end(),
                           [&](const v1::WordList& l) { return l.name() == name; });
    if (it == lists.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("pattern \"", pattern, "\" uses unknown word list {",
                       absl::string_view(name.data(), name.size()), "}"));
    }
    absl::StrAppend(&out, "(?:", absl::StrJoin(it->words(), "|"), ")");
  }
  out.append(rest.data(), rest.size());
  return out;
}

}  // namespace signpost::router
