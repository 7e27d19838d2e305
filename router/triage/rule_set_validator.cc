#include "router/triage/rule_set_validator.h"

#include <functional>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "proto/signpost/proto_bytes.h"
#include "re2/re2.h"
#include "router/triage/text_matcher.h"
#include "router/triage/triage_facts.h"
#include "router/validation.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using google::protobuf::TextFormat;

// Where a top-level repeated entry ("rules", 3) starts in the text.
using Locator = std::function<std::pair<int, int>(const char* field, int index)>;

class ParseErrors final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    problems.push_back({line + 1, column + 1, message});
  }
  void AddWarning(int line, int column, const std::string& message) override {}
  std::vector<RuleSetProblem> problems;
};

bool ValidId(const std::string& id) {
  static const LazyRE2 kId = {R"([a-z0-9][a-z0-9_.\-]{0,63})"};
  return RE2::FullMatch(id, *kId);
}

class Validator {
 public:
  Validator(const v1::RuleSet& rules, Locator locate) : rules_(rules), locate_(std::move(locate)) {}

  std::vector<RuleSetProblem> Run() {
    CheckHeader();
    CheckBands();
    CheckNegationAndHours();
    CheckPathways();
    CheckRules();
    return std::move(problems_);
  }

 private:
  void Add(const char* field, int index, std::string message) {
    auto [line, column] = locate_ ? locate_(field, index) : std::pair<int, int>{0, 0};
    problems_.push_back({line, column, std::move(message)});
  }

  void CheckHeader() {
    static const LazyRE2 kVersion = {R"([A-Za-z0-9._\-]{1,64})"};
    if (!RE2::FullMatch(rules_.version(), *kVersion)) {
      Add("version", -1, "version is required: 1-64 characters of A-Z a-z 0-9 . _ -");
    }
    absl::TimeZone zone;
    if (rules_.time_zone().empty() || !absl::LoadTimeZone(rules_.time_zone(), &zone)) {
      Add("time_zone", -1,
          absl::StrCat("time_zone \"", rules_.time_zone(), "\" is not a known IANA time zone"));
    }
  }

  // Lint exception (docs/LINT.md): rewritten by issue 11 (triage reads findings, not keyword hits).
  // NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
  void CheckBands() {
    for (int i = 0; i < rules_.bands_size(); ++i) {
      const v1::BandDefinition& b = rules_.bands(i);
      const std::string name = v1::UrgencyBand_Name(b.band());
      if (b.band() == v1::URGENCY_BAND_UNSPECIFIED) {
        Add("bands", i, "band definition without a band");
        continue;
      }
      if (!defined_.emplace(b.band(), &b).second) {
        Add("bands", i, absl::StrCat("band ", name, " is defined twice (ambiguous)"));
      }
      if (b.label().empty()) Add("bands", i, absl::StrCat("band ", name, " needs a label"));
      if (b.no_face_to_face_response() == b.has_respond_within()) {
        Add("bands", i,
            absl::StrCat("band ", name,
                         " needs exactly one of respond_within or no_face_to_face_response"));
      }
      if (b.has_respond_within() &&
          (b.respond_within().seconds() < 0 || b.respond_within().nanos() < 0)) {
        Add("bands", i, absl::StrCat("band ", name, " has a negative respond_within"));
      }
      if (b.mhsds_priority() < 1 || b.mhsds_priority() > 4) {
        Add("bands", i, absl::StrCat("band ", name, " needs mhsds_priority 1-4"));
      }
      static const std::set<std::string> kFhir = {"routine", "urgent", "asap", "stat"};
      if (!kFhir.count(b.fhir_priority())) {
        Add("bands", i,
            absl::StrCat("band ", name, " needs fhir_priority routine, urgent, asap or stat"));
      }
      if (b.source().empty()) Add("bands", i, absl::StrCat("band ", name, " needs a source"));
    }
    // Clocks must not get shorter as urgency falls.
    int64_t previous = -1;
    v1::UrgencyBand previous_band = v1::URGENCY_BAND_UNSPECIFIED;
    bool seen_no_f2f = false;
    for (const auto& [band, def] : defined_) {
      if (def->no_face_to_face_response()) {
        seen_no_f2f = true;
        continue;
      }
      if (seen_no_f2f) {
        Add("bands", IndexOfBand(band),
            absl::StrCat("band ", v1::UrgencyBand_Name(band),
                         " has a face-to-face clock but a more urgent band has none"));
      }
      const int64_t secs = def->respond_within().seconds();
      if (secs < previous) {
        Add("bands", IndexOfBand(band),
            absl::StrCat("band ", v1::UrgencyBand_Name(band),
                         " responds faster than the more "
                         "urgent band ",
                         v1::UrgencyBand_Name(previous_band), " (ambiguous)"));
      }
      previous = secs;
      previous_band = band;
    }
    if (rules_.default_band() == v1::URGENCY_BAND_UNSPECIFIED) {
      Add("default_band", -1, "default_band is required");
    } else if (!defined_.count(rules_.default_band())) {
      Add("default_band", -1,
          absl::StrCat("default_band ", v1::UrgencyBand_Name(rules_.default_band()),
                       " has no band definition"));
    }
  }

  int IndexOfBand(v1::UrgencyBand band) const {
    for (int i = 0; i < rules_.bands_size(); ++i) {
      if (rules_.bands(i).band() == band) return i;
    }
    return -1;
  }

  void CheckNegationAndHours() {
    const auto& n = rules_.negation();
    if (n.window_words() < 1 || n.window_words() > 10) {
      Add("negation", -1, "negation.window_words must be 1-10");
    }
    if (n.cues().empty()) Add("negation", -1, "negation needs at least one cue");
    for (const auto& cue : n.cues()) {
      if (cue.empty() || cue != absl::AsciiStrToLower(cue)) {
        Add("negation", -1,
            absl::StrCat("negation cue \"", cue, "\" must be non-empty lower case"));
      }
    }
    const auto& h = rules_.in_hours();
    std::set<int> days;
    for (int d : h.weekdays()) {
      if (d < 1 || d > 7 || !days.insert(d).second) {
        Add("in_hours", -1, absl::StrCat("in_hours weekday ", d, " must be 1-7, once each"));
      }
    }
    const auto opens = ParseClockTime(h.opens());
    const auto closes = ParseClockTime(h.closes());
    if (!opens || !closes || *opens >= *closes) {
      Add("in_hours", -1, "in_hours needs opens < closes as HH:MM");
    }
    for (const auto& d : h.closed_dates()) {
      const absl::CivilDay day(d.year(), d.month(), d.day());
      if (day.year() != d.year() || day.month() != d.month() || day.day() != d.day()) {
        Add("in_hours", -1, "in_hours has a closed date that is not a calendar date");
      }
    }
  }

  void CheckPathways() {
    for (int i = 0; i < rules_.pathways_size(); ++i) {
      const auto& p = rules_.pathways(i);
      if (!ValidId(p.id()))
        Add("pathways", i, absl::StrCat("pathway id \"", p.id(), "\" is invalid"));
      if (!pathways_.insert(p.id()).second) {
        Add("pathways", i, absl::StrCat("pathway \"", p.id(), "\" is defined twice"));
      }
      if (p.has_clock() && p.clock().seconds() <= 0) {
        Add("pathways", i, absl::StrCat("pathway \"", p.id(), "\" clock must be positive"));
      }
    }
  }

  // Returns false if the condition is empty.
  // Lint exception (docs/LINT.md): rewritten by issue 11 (triage reads findings, not keyword hits).
  // NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
  bool CheckCondition(int rule, const std::string& who, const v1::TriageCondition& c) {
    bool any = false;
    if (c.has_min_age_years() || c.has_max_age_years()) {
      any = true;
      const double lo = c.has_min_age_years() ? c.min_age_years() : 0;
      const double hi = c.has_max_age_years() ? c.max_age_years() : 150;
      if (lo < 0 || hi > 150 || lo >= hi) {
        Add("rules", rule, absl::StrCat(who, ": age range must satisfy 0 <= min < max <= 150"));
      }
    }
    auto enums_ok = [&](const auto& values, auto is_valid, const char* what, bool allow_zero) {
      for (int v : values) {
        if (!is_valid(v) || (!allow_zero && v == 0)) {
          Add("rules", rule, absl::StrCat(who, ": ", what, " has invalid value ", v));
        }
      }
      if (!values.empty()) any = true;
    };
    enums_ok(c.channel_in(), v1::SourceChannel_IsValid, "channel_in", false);
    enums_ok(c.needs_any(), v1::PresentingNeed_IsValid, "needs_any", false);
    enums_ok(c.needs_only_from(), v1::PresentingNeed_IsValid, "needs_only_from", false);
    enums_ok(c.risk_to_self_in(), v1::RiskLevel_IsValid, "risk_to_self_in", true);
    enums_ok(c.risk_to_others_in(), v1::RiskLevel_IsValid, "risk_to_others_in", true);
    enums_ok(c.risk_from_others_in(), v1::RiskLevel_IsValid, "risk_from_others_in", true);
    enums_ok(c.any_risk_in(), v1::RiskLevel_IsValid, "any_risk_in", true);
    enums_ok(c.all_risks_in(), v1::RiskLevel_IsValid, "all_risks_in", true);
    enums_ok(c.safeguarding_in(), v1::Answer_IsValid, "safeguarding_in", true);
    for (const auto& code : c.legal_status_in()) {
      if (!IsKnownLegalStatusCode(code)) {
        Add("rules", rule,
            absl::StrCat(who, ": legal_status_in \"", code,
                         "\" is not a UK Core legal status code"));
      }
    }
    any = any || !c.legal_status_in().empty();
    any = any || c.has_no_needs_coded() || c.has_section117_aftercare() ||
          c.has_interpreter_needed() || c.has_british_sign_language() || c.has_easy_read() ||
          c.has_is_a_carer() || c.has_has_carer() || c.has_has_dependent_children() ||
          c.has_out_of_hours() || c.has_has_open_referral();
    for (int d : c.received_weekday_in()) {
      if (d < 1 || d > 7) Add("rules", rule, absl::StrCat(who, ": weekday ", d, " is not 1-7"));
      any = true;
    }
    if (!c.received_from_time().empty() || !c.received_before_time().empty()) {
      any = true;
      if (!ParseClockTime(c.received_from_time()) || !ParseClockTime(c.received_before_time())) {
        Add("rules", rule,
            absl::StrCat(who, ": received_from_time and received_before_time need HH:MM both"));
      }
    }
    for (const auto& pattern : c.story_matches_any()) {
      any = true;
      if (absl::Status s = CheckPattern(pattern); !s.ok()) {
        Add("rules", rule,
            absl::StrCat(who, ": story pattern \"", pattern, "\" is not valid RE2: ", s.message()));
      }
    }
    for (const auto& sub : c.any_of()) {
      any = true;
      if (!CheckCondition(rule, who, sub)) {
        Add("rules", rule, absl::StrCat(who, ": an any_of entry is empty"));
      }
    }
    for (const auto& sub : c.none_of()) {
      any = true;
      if (!CheckCondition(rule, who, sub)) {
        Add("rules", rule, absl::StrCat(who, ": a none_of entry is empty"));
      }
    }
    return any;
  }

  // Lint exception (docs/LINT.md): rewritten by issue 11 (triage reads findings, not keyword hits).
  // NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
  void CheckRules() {
    std::set<std::string> ids;
    std::map<std::string, std::pair<std::string, v1::UrgencyBand>> by_condition;
    for (int i = 0; i < rules_.rules_size(); ++i) {
      const v1::TriageRule& r = rules_.rules(i);
      const std::string who = absl::StrCat("rule \"", r.id(), "\"");
      if (!ValidId(r.id()))
        Add("rules", i, absl::StrCat(who, ": id must match [a-z0-9][a-z0-9_.-]*"));
      if (!ids.insert(r.id()).second)
        Add("rules", i, absl::StrCat(who, ": duplicate id (ambiguous)"));
      if (r.description().empty()) Add("rules", i, absl::StrCat(who, ": description is required"));
      if (!r.has_when() || !CheckCondition(i, who, r.when())) {
        Add("rules", i, absl::StrCat(who, ": has no condition (incomplete)"));
      }
      if (r.band() == v1::URGENCY_BAND_UNSPECIFIED && r.pathways().empty() && r.flags().empty()) {
        Add("rules", i, absl::StrCat(who, ": has no outcome: set a band, pathways or flags"));
      }
      if (r.band() != v1::URGENCY_BAND_UNSPECIFIED) {
        if (!v1::UrgencyBand_IsValid(r.band())) {
          Add("rules", i, absl::StrCat(who, ": band ", r.band(), " is not a band"));
        } else if (!defined_.count(r.band())) {
          Add("rules", i,
              absl::StrCat(who, ": band ", v1::UrgencyBand_Name(r.band()),
                           " has no band definition (no response time)"));
        }
      }
      for (const auto& p : r.pathways()) {
        if (!pathways_.count(p)) {
          Add("rules", i, absl::StrCat(who, ": pathway \"", p, "\" is not defined"));
        }
      }
      for (int f : r.flags()) {
        if (!v1::TriageFlag_IsValid(f) || f == 0) {
          Add("rules", i, absl::StrCat(who, ": flag ", f, " is not a triage flag"));
        }
      }
      if (r.band() != v1::URGENCY_BAND_UNSPECIFIED) {
        const std::string key = DeterministicBytes(r.when());
        auto [it, inserted] = by_condition.emplace(key, std::make_pair(r.id(), r.band()));
        if (!inserted && it->second.second != r.band()) {
          Add("rules", i,
              absl::StrCat(who, ": has the same condition as rule \"", it->second.first,
                           "\" but a different band (ambiguous)"));
        }
      }
    }
  }

  const v1::RuleSet& rules_;
  Locator locate_;
  std::vector<RuleSetProblem> problems_;
  std::map<v1::UrgencyBand, const v1::BandDefinition*> defined_;
  std::set<std::string> pathways_;
};

}  // namespace

std::vector<RuleSetProblem> ValidateRuleSet(const v1::RuleSet& rules) {
  return Validator(rules, nullptr).Run();
}

absl::Status ProblemsToStatus(const std::vector<RuleSetProblem>& problems) {
  std::vector<std::string> lines;
  lines.reserve(problems.size());
  for (const auto& p : problems) {
    lines.push_back(p.line > 0
                        ? absl::StrCat("line ", p.line, " column ", p.column, ": ", p.message)
                        : p.message);
  }
  return absl::InvalidArgumentError(absl::StrCat("invalid rule set: ", absl::StrJoin(lines, "; ")));
}

absl::StatusOr<v1::RuleSet> ParseAndValidateRuleSet(std::string_view text,
                                                    std::vector<RuleSetProblem>* problems) {
  v1::RuleSet rules;
  TextFormat::Parser parser;
  ParseErrors errors;
  TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  std::vector<RuleSetProblem> found;
  if (!parser.ParseFromString(std::string(text), &rules)) {
    found = std::move(errors.problems);
    if (found.empty()) found.push_back({0, 0, "the rule set does not parse"});
  } else {
    const auto* desc = v1::RuleSet::descriptor();
    found = Validator(rules, [&](const char* field, int index) {
              const auto* f = desc->FindFieldByName(field);
              if (f == nullptr) return std::pair<int, int>{0, 0};
              auto loc = tree.GetLocation(f, f->is_repeated() ? std::max(index, 0) : -1);
              if (loc.line < 0) return std::pair<int, int>{0, 0};
              return std::pair<int, int>{loc.line + 1, loc.column + 1};
            }).Run();
  }
  if (problems != nullptr) *problems = found;
  if (!found.empty()) return ProblemsToStatus(found);
  return rules;
}

}  // namespace signpost::router
