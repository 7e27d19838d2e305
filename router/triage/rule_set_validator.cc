#include "router/triage/rule_set_validator.h"

#include <functional>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "proto/signpost/proto_bytes.h"
#include "re2/re2.h"
#include "router/triage/findings.h"
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

// Line and column (1-based) of `path` ("rules", or "lexicon.concepts") entry
// `index` (-1 for a singular field); {0, 0} when unknown.
std::pair<int, int> Locate(const TextFormat::ParseInfoTree& root,
                           const google::protobuf::Descriptor& type, absl::string_view path,
                           int index) {
  const TextFormat::ParseInfoTree* tree = &root;
  const google::protobuf::Descriptor* desc = &type;
  const google::protobuf::FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (field != nullptr) {  // descend into the previous (singular message) field
      tree = tree->GetTreeForNested(field, -1);
      desc = field->message_type();
      if (tree == nullptr || desc == nullptr) return {0, 0};
    }
    field = desc->FindFieldByName(std::string(part));
    if (field == nullptr) return {0, 0};
  }
  auto loc = tree->GetLocation(field, field->is_repeated() ? std::max(index, 0) : -1);
  if (loc.line < 0) return {0, 0};
  return {loc.line + 1, loc.column + 1};
}

bool ValidId(const std::string& id) {
  static const LazyRE2 kId = {R"([a-z0-9][a-z0-9_.\-]{0,63})"};
  return RE2::FullMatch(id, *kId);
}

class Validator {
 public:
  Validator(const v1::RuleSet& rules, Locator locate) : rules_(rules), locate_(std::move(locate)) {}

  std::vector<RuleSetProblem> Run() {
    CheckHeader();
    for (int i = 0; i < rules_.bands_size(); ++i) CheckBand(i);
    CheckClockOrder();
    CheckDefaultBand();
    CheckHours();
    CheckPathways();
    CheckLexicon();
    for (int i = 0; i < rules_.rules_size(); ++i) CheckRule(i);
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

  void CheckBand(int i) {
    const v1::BandDefinition& b = rules_.bands(i);
    const std::string name = absl::StrCat("band ", v1::UrgencyBand_Name(b.band()));
    if (b.band() == v1::URGENCY_BAND_UNSPECIFIED) {
      Add("bands", i, "band definition without a band");
      return;
    }
    if (!defined_.emplace(b.band(), &b).second) {
      Add("bands", i, absl::StrCat(name, " is defined twice (ambiguous)"));
    }
    if (b.label().empty()) Add("bands", i, absl::StrCat(name, " needs a label"));
    if (b.no_face_to_face_response() == b.has_respond_within()) {
      Add("bands", i,
          absl::StrCat(name, " needs exactly one of respond_within or no_face_to_face_response"));
    }
    if (b.has_respond_within() &&
        (b.respond_within().seconds() < 0 || b.respond_within().nanos() < 0)) {
      Add("bands", i, absl::StrCat(name, " has a negative respond_within"));
    }
    if (b.has_review_within() &&
        (b.review_within().seconds() <= 0 || b.review_within().seconds() > int64_t{24} * 3600)) {
      Add("bands", i,
          absl::StrCat(name,
                       " review_within must be more than 0 and at most 24 hours "
                       "(unknown risk is never routine)"));
    }
    if (b.mhsds_priority() < 1 || b.mhsds_priority() > 4) {
      Add("bands", i, absl::StrCat(name, " needs mhsds_priority 1-4"));
    }
    static const std::set<std::string> kFhir = {"routine", "urgent", "asap", "stat"};
    if (!kFhir.count(b.fhir_priority())) {
      Add("bands", i, absl::StrCat(name, " needs fhir_priority routine, urgent, asap or stat"));
    }
    if (b.source().empty()) Add("bands", i, absl::StrCat(name, " needs a source"));
    if (b.instruction().size() > 500) {
      Add("bands", i, absl::StrCat(name, " instruction is longer than 500 characters"));
    }
    static const LazyRE2 kRole = {R"([a-z][a-z0-9_\-]*:[A-Za-z0-9_.\-]{1,64})"};
    if (!b.escalate_to().empty() && !RE2::FullMatch(b.escalate_to(), *kRole)) {
      Add("bands", i,
          absl::StrCat(name, " escalate_to must look like \"duty:crisis-team-lead\" (kind:name)"));
    }
  }

  // Clocks must not get shorter as urgency falls.
  void CheckClockOrder() {
    int64_t previous = -1;
    v1::UrgencyBand previous_band = v1::URGENCY_BAND_UNSPECIFIED;
    bool seen_no_f2f = false;
    for (const auto& [band, def] : defined_) {
      const std::string name = v1::UrgencyBand_Name(band);
      if (def->no_face_to_face_response()) {
        seen_no_f2f = true;
        continue;
      }
      if (seen_no_f2f) {
        Add("bands", IndexOfBand(band),
            absl::StrCat("band ", name,
                         " has a face-to-face clock but a more urgent band has none"));
      }
      const int64_t secs = def->respond_within().seconds();
      if (secs < previous) {
        Add("bands", IndexOfBand(band),
            absl::StrCat("band ", name, " responds faster than the more urgent band ",
                         v1::UrgencyBand_Name(previous_band), " (ambiguous)"));
      }
      previous = secs;
      previous_band = band;
    }
  }

  void CheckDefaultBand() {
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

  void CheckHours() {
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
      if (!ValidId(p.id())) {
        Add("pathways", i, absl::StrCat("pathway id \"", p.id(), "\" is invalid"));
      }
      if (!pathways_.insert(p.id()).second) {
        Add("pathways", i, absl::StrCat("pathway \"", p.id(), "\" is defined twice"));
      }
      if (p.has_clock() && p.clock().seconds() <= 0) {
        Add("pathways", i, absl::StrCat("pathway \"", p.id(), "\" clock must be positive"));
      }
    }
  }

  void CheckLexicon() {
    for (const auto& c : rules_.lexicon().concepts()) concepts_.insert(c.id());
    for (const LexiconProblem& p : ValidateLexicon(rules_.lexicon())) {
      Add(absl::StrCat("lexicon.", p.list).c_str(), p.at, p.message);
    }
  }

  template <typename Values, typename IsValid>
  bool CheckEnums(int rule, const std::string& who, const Values& values, IsValid is_valid,
                  const char* what, bool allow_zero) {
    for (int v : values) {
      if (!is_valid(v) || (!allow_zero && v == 0)) {
        Add("rules", rule, absl::StrCat(who, ": ", what, " has invalid value ", v));
      }
    }
    return !values.empty();
  }

  bool CheckStructured(int rule, const std::string& who, const v1::TriageCondition& c) {
    bool any = false;
    if (c.has_min_age_years() || c.has_max_age_years()) {
      any = true;
      const double lo = c.has_min_age_years() ? c.min_age_years() : 0;
      const double hi = c.has_max_age_years() ? c.max_age_years() : 150;
      if (lo < 0 || hi > 150 || lo >= hi) {
        Add("rules", rule, absl::StrCat(who, ": age range must satisfy 0 <= min < max <= 150"));
      }
    }
    any |= CheckEnums(rule, who, c.channel_in(), v1::SourceChannel_IsValid, "channel_in", false);
    any |= CheckEnums(rule, who, c.needs_any(), v1::PresentingNeed_IsValid, "needs_any", false);
    any |= CheckEnums(rule, who, c.needs_only_from(), v1::PresentingNeed_IsValid, "needs_only_from",
                      false);
    any |=
        CheckEnums(rule, who, c.risk_to_self_in(), v1::RiskLevel_IsValid, "risk_to_self_in", true);
    any |= CheckEnums(rule, who, c.risk_to_others_in(), v1::RiskLevel_IsValid, "risk_to_others_in",
                      true);
    any |= CheckEnums(rule, who, c.risk_from_others_in(), v1::RiskLevel_IsValid,
                      "risk_from_others_in", true);
    any |= CheckEnums(rule, who, c.any_risk_in(), v1::RiskLevel_IsValid, "any_risk_in", true);
    any |= CheckEnums(rule, who, c.all_risks_in(), v1::RiskLevel_IsValid, "all_risks_in", true);
    any |= CheckEnums(rule, who, c.safeguarding_in(), v1::Answer_IsValid, "safeguarding_in", true);
    any |=
        CheckEnums(rule, who, c.screen_yes_any(), v1::ScreenItem_IsValid, "screen_yes_any", false);
    for (const auto& code : c.legal_status_in()) {
      if (!IsKnownLegalStatusCode(code)) {
        Add("rules", rule,
            absl::StrCat(who, ": legal_status_in \"", code,
                         "\" is not a UK Core legal status code"));
      }
    }
    return any || !c.legal_status_in().empty() || c.has_no_needs_coded() ||
           c.has_section117_aftercare() || c.has_interpreter_needed() ||
           c.has_british_sign_language() || c.has_easy_read() || c.has_is_a_carer() ||
           c.has_has_carer() || c.has_has_dependent_children() || c.has_has_open_referral();
  }

  bool CheckReceived(int rule, const std::string& who, const v1::TriageCondition& c) {
    bool any = c.has_out_of_hours();
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
    return any;
  }

  bool CheckFindings(int rule, const std::string& who, const v1::TriageCondition& c) {
    for (const v1::FindingCondition& f : c.findings_any()) {
      if (f.concepts().empty()) {
        Add("rules", rule, absl::StrCat(who, ": a findings_any entry names no concept"));
      }
      for (const auto& id : f.concepts()) {
        if (!concepts_.count(id)) {
          Add("rules", rule, absl::StrCat(who, ": concept \"", id, "\" is not in the lexicon"));
        }
      }
      for (int t : f.times()) {
        if (!v1::FindingTime_IsValid(t) || t == v1::FINDING_TIME_UNSPECIFIED) {
          Add("rules", rule, absl::StrCat(who, ": finding time ", t, " is not a time"));
        }
      }
    }
    return !c.findings_any().empty();
  }

  // Returns false if the condition is empty.
  bool CheckCondition(int rule, const std::string& who, const v1::TriageCondition& c) {
    bool any = CheckStructured(rule, who, c);
    any |= CheckReceived(rule, who, c);
    any |= CheckFindings(rule, who, c);
    auto nested = [&](const auto& list, const char* name) {
      for (const auto& sub : list) {
        if (!CheckCondition(rule, who, sub)) {
          Add("rules", rule, absl::StrCat(who, ": an ", name, " entry is empty"));
        }
      }
      return !list.empty();
    };
    any |= nested(c.any_of(), "any_of");
    any |= nested(c.none_of(), "none_of");
    any |= nested(c.all_of(), "all_of");
    return any;
  }

  void CheckOutcome(int i, const std::string& who, const v1::TriageRule& r) {
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
  }

  void CheckRule(int i) {
    const v1::TriageRule& r = rules_.rules(i);
    const std::string who = absl::StrCat("rule \"", r.id(), "\"");
    if (!ValidId(r.id()))
      Add("rules", i, absl::StrCat(who, ": id must match [a-z0-9][a-z0-9_.-]*"));
    if (!rule_ids_.insert(r.id()).second) {
      Add("rules", i, absl::StrCat(who, ": duplicate id (ambiguous)"));
    }
    if (r.description().empty()) Add("rules", i, absl::StrCat(who, ": description is required"));
    if (!r.has_when() || !CheckCondition(i, who, r.when())) {
      Add("rules", i, absl::StrCat(who, ": has no condition (incomplete)"));
    }
    CheckOutcome(i, who, r);
    if (r.band() == v1::URGENCY_BAND_UNSPECIFIED) return;
    const std::string key = DeterministicBytes(r.when());
    auto [it, inserted] = by_condition_.emplace(key, std::make_pair(r.id(), r.band()));
    if (!inserted && it->second.second != r.band()) {
      Add("rules", i,
          absl::StrCat(who, ": has the same condition as rule \"", it->second.first,
                       "\" but a different band (ambiguous)"));
    }
  }

  const v1::RuleSet& rules_;
  Locator locate_;
  std::vector<RuleSetProblem> problems_;
  std::map<v1::UrgencyBand, const v1::BandDefinition*> defined_;
  std::set<std::string> pathways_;
  std::set<std::string> concepts_;
  std::set<std::string> rule_ids_;
  std::map<std::string, std::pair<std::string, v1::UrgencyBand>> by_condition_;
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
              return Locate(tree, *desc, field, index);
            }).Run();
  }
  if (problems != nullptr) *problems = found;
  if (!found.empty()) return ProblemsToStatus(found);
  return rules;
}

}  // namespace signpost::router
