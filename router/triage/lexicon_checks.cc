// ValidateLexicon (declared in findings.h).
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "router/triage/findings.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

// The story is lower-cased before reading, so an upper-case letter outside
// an escape (\b, \d, \W ...) can never match.
bool LowerCaseOutsideEscapes(const std::string& pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (absl::ascii_isupper(static_cast<unsigned char>(pattern[i]))) return false;
  }
  return true;
}

std::string PatternProblem(const std::string& pattern, const v1::Lexicon& lexicon) {
  absl::StatusOr<std::string> expanded = ExpandWordLists(pattern, lexicon);
  if (!expanded.ok()) return std::string(expanded.status().message());
  RE2::Options o;
  o.set_log_errors(false);
  RE2 re(absl::StrCat("\\b(?:", *expanded, ")\\b"), o);
  if (!re.ok()) return absl::StrCat("pattern \"", pattern, "\" is not valid RE2: ", re.error());
  if (pattern.empty() || RE2::FullMatch("", re)) {
    return absl::StrCat("pattern \"", pattern, "\" matches nothing at all (empty)");
  }
  if (!LowerCaseOutsideEscapes(pattern)) {
    return absl::StrCat("pattern \"", pattern,
                        "\" has upper-case letters; stories are read lower-cased");
  }
  return "";
}

class LexiconChecker {
 public:
  explicit LexiconChecker(const v1::Lexicon& lexicon) : lexicon_(lexicon) {}

  std::vector<LexiconProblem> Run() {
    for (int i = 0; i < lexicon_.concepts_size(); ++i) CheckConcept(i);
    for (int i = 0; i < lexicon_.triggers_size(); ++i) CheckTrigger(i);
    CheckWordLists();
    return std::move(problems_);
  }

 private:
  void Add(const char* list, int at, std::string message) {
    problems_.push_back({list, at, std::move(message)});
  }

  void CheckPatterns(const char* list, int at, const std::string& who,
                     const google::protobuf::RepeatedPtrField<std::string>& patterns) {
    for (const auto& p : patterns) {
      if (std::string problem = PatternProblem(p, lexicon_); !problem.empty()) {
        Add(list, at, absl::StrCat(who, ": ", problem));
      }
    }
  }

  void CheckWordLists() {
    std::set<std::string> names;
    static const LazyRE2 kName = {R"([a-z_]{1,64})"};
    for (int index = 0; index < lexicon_.word_lists_size(); ++index) {
      const v1::WordList& list = lexicon_.word_lists(index);
      const std::string who = absl::StrCat("word list \"", list.name(), "\"");
      if (!RE2::FullMatch(list.name(), *kName)) {
        Add("word_lists", index, absl::StrCat(who, ": name must match [a-z_]+"));
      }
      if (!names.insert(list.name()).second)
        Add("word_lists", index, absl::StrCat(who, ": defined twice"));
      if (list.words().empty()) Add("word_lists", index, absl::StrCat(who, ": has no words"));
      for (const auto& w : list.words()) {
        if (w.empty() || !LowerCaseOutsideEscapes(w)) {
          Add("word_lists", index, absl::StrCat(who, ": words must be non-empty lower case"));
        }
      }
    }
  }

  void CheckConcept(int i) {
    const v1::Concept& c = lexicon_.concepts(i);
    const std::string who = absl::StrCat("concept \"", c.id(), "\"");
    static const LazyRE2 kId = {R"([a-z][a-z0-9_]{0,63})"};
    if (!RE2::FullMatch(c.id(), *kId)) {
      Add("concepts", i, absl::StrCat(who, ": id must match [a-z][a-z0-9_]*"));
    }
    if (!ids_.insert(c.id()).second) Add("concepts", i, absl::StrCat(who, ": defined twice"));
    if (c.description().empty()) Add("concepts", i, absl::StrCat(who, ": description is required"));
    if (c.patterns().empty()) Add("concepts", i, absl::StrCat(who, ": needs at least one pattern"));
    if (!v1::FindingTime_IsValid(c.default_time())) {
      Add("concepts", i, absl::StrCat(who, ": default_time is not a finding time"));
    }
    CheckPatterns("concepts", i, who, c.patterns());
    CheckPatterns("concepts", i, who, c.exclusions());
  }

  void CheckTrigger(int i) {
    const v1::ContextTrigger& t = lexicon_.triggers(i);
    const std::string who = absl::StrCat("trigger ", i + 1);
    if (t.kind() == v1::ContextTrigger::KIND_UNSPECIFIED ||
        !v1::ContextTrigger::Kind_IsValid(t.kind())) {
      Add("triggers", i, absl::StrCat(who, ": kind is required"));
    }
    if (!v1::ContextTrigger::Direction_IsValid(t.direction())) {
      Add("triggers", i, absl::StrCat(who, ": direction is not a direction"));
    }
    if (t.window_words() < 0 || t.window_words() > 12) {
      Add("triggers", i, absl::StrCat(who, ": window_words must be 0-12 (0: the default, 6)"));
    }
    if (t.patterns().empty()) Add("triggers", i, absl::StrCat(who, ": needs at least one pattern"));
    if (!t.terminates().empty() && t.kind() != v1::ContextTrigger::KIND_TERMINATE) {
      Add("triggers", i, absl::StrCat(who, ": only a KIND_TERMINATE trigger lists terminates"));
    }
    for (int k : t.terminates()) {
      if (!v1::ContextTrigger::Kind_IsValid(k) || k == v1::ContextTrigger::KIND_UNSPECIFIED ||
          k == v1::ContextTrigger::KIND_TERMINATE || k == v1::ContextTrigger::KIND_PSEUDO) {
        Add("triggers", i, absl::StrCat(who, ": terminates lists ", k, ", not a modifying kind"));
      }
    }
    CheckPatterns("triggers", i, who, t.patterns());
  }

  const v1::Lexicon& lexicon_;
  std::set<std::string> ids_;
  std::vector<LexiconProblem> problems_;
};

}  // namespace

std::vector<LexiconProblem> ValidateLexicon(const v1::Lexicon& lexicon) {
  return LexiconChecker(lexicon).Run();
}

}  // namespace signpost::router
