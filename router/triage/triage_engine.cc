#include "router/triage/triage_engine.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/fingerprint.h"
#include "proto/signpost/proto_bytes.h"
#include "proto/signpost/proto_time.h"
#include "router/triage/rule_set_validator.h"
#include "router/triage/triage_facts.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

// Everything a condition can test, computed once per evaluation.
struct Facts {
  const v1::ReferralSubmission* s = nullptr;
  std::optional<double> age;
  LocalTimeFacts local;
  bool has_open_referral = false;
  const TextHits* hits = nullptr;
};

std::string RiskName(v1::RiskLevel r) { return v1::RiskLevel_Name(r); }

template <typename List, typename T>
bool Contains(const List& list, T value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

// Story patterns of a condition, as indexes into the engine's TextMatcher.
struct TriageEngine::Compiled {
  // condition address -> pattern indexes, for every condition in the tree.
  std::map<const v1::TriageCondition*, std::vector<int>> patterns;
  // pattern index -> ids of rules that use it (for negation explanations).
  std::vector<std::vector<std::string>> pattern_rules;
  std::map<v1::UrgencyBand, const v1::BandDefinition*> bands;
  std::map<std::string, const v1::PathwayDefinition*> pathways;
};

namespace {

class ConditionEvaluator {
 public:
  ConditionEvaluator(const std::map<const v1::TriageCondition*, std::vector<int>>& patterns,
                     const Facts& f)
      : patterns_(patterns), f_(f) {}

  // True if `c` holds; appends the evidence for each part that held.
  // Lint exception (docs/LINT.md): rewritten by issue 11 (triage reads findings, not keyword hits).
  // NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
  bool Holds(const v1::TriageCondition& c, std::vector<v1::Evidence>* ev) const {
    const v1::ReferralSubmission& s = *f_.s;
    const auto& risk = s.risk();
    auto add = [&](std::string input, std::string value) {
      v1::Evidence e;
      e.set_input(std::move(input));
      e.set_value(std::move(value));
      ev->push_back(std::move(e));
    };
    if (c.has_min_age_years() || c.has_max_age_years()) {
      if (!f_.age) return false;
      if (c.has_min_age_years() && *f_.age < c.min_age_years()) return false;
      if (c.has_max_age_years() && *f_.age >= c.max_age_years()) return false;
      add("age_years", absl::StrFormat("%.2f", *f_.age));
    }
    if (!c.channel_in().empty()) {
      if (!Contains(c.channel_in(), s.channel())) return false;
      add("channel", v1::SourceChannel_Name(s.channel()));
    }
    if (!c.needs_any().empty()) {
      bool hit = false;
      for (int n : s.presenting_needs()) {
        if (Contains(c.needs_any(), n)) {
          add("presenting_needs", v1::PresentingNeed_Name(static_cast<v1::PresentingNeed>(n)));
          hit = true;
          break;
        }
      }
      if (!hit) return false;
    }
    if (!c.needs_only_from().empty()) {
      if (s.presenting_needs().empty()) return false;
      for (int n : s.presenting_needs()) {
        if (!Contains(c.needs_only_from(), n)) return false;
      }
      add("presenting_needs", "all within the listed needs");
    }
    if (c.has_no_needs_coded()) {
      if (s.presenting_needs().empty() != c.no_needs_coded()) return false;
      add("presenting_needs", s.presenting_needs().empty() ? "none coded" : "some coded");
    }
    auto risk_in = [&](const auto& list, v1::RiskLevel value, const char* input) {
      if (list.empty()) return true;
      if (!Contains(list, value)) return false;
      add(input, RiskName(value));
      return true;
    };
    if (!risk_in(c.risk_to_self_in(), risk.to_self(), "risk.to_self")) return false;
    if (!risk_in(c.risk_to_others_in(), risk.to_others(), "risk.to_others")) return false;
    if (!risk_in(c.risk_from_others_in(), risk.from_others(), "risk.from_others")) return false;
    if (!c.any_risk_in().empty()) {
      const std::pair<const char*, v1::RiskLevel> all[] = {
          {"risk.to_self", risk.to_self()},
          {"risk.to_others", risk.to_others()},
          {"risk.from_others", risk.from_others()}};
      bool hit = false;
      for (const auto& [name, level] : all) {
        if (Contains(c.any_risk_in(), level)) {
          add(name, RiskName(level));
          hit = true;
        }
      }
      if (!hit) return false;
    }
    if (!c.all_risks_in().empty()) {
      for (v1::RiskLevel level : {risk.to_self(), risk.to_others(), risk.from_others()}) {
        if (!Contains(c.all_risks_in(), level)) return false;
      }
      add("risk", "all three indicators within the listed levels");
    }
    if (!c.safeguarding_in().empty()) {
      if (!Contains(c.safeguarding_in(), risk.safeguarding_concern())) return false;
      add("risk.safeguarding_concern", v1::Answer_Name(risk.safeguarding_concern()));
    }
    if (!c.legal_status_in().empty()) {
      const auto& mha = s.mental_health_act();
      if (!mha.has_legal_status_code() || !Contains(c.legal_status_in(), mha.legal_status_code())) {
        return false;
      }
      add("mental_health_act.legal_status_code", mha.legal_status_code());
    }
    auto optional_bool = [&](bool has, bool want, bool has_value, bool value, const char* input) {
      if (!has) return true;
      const bool actual = has_value && value;
      if (actual != want) return false;
      add(input, actual ? "true" : "false");
      return true;
    };
    const auto& mha = s.mental_health_act();
    const auto& comm = s.person().communication();
    const auto& fam = s.person().family();
    if (!optional_bool(c.has_section117_aftercare(), c.section117_aftercare(),
                       mha.has_section117_aftercare(), mha.section117_aftercare(),
                       "mental_health_act.section117_aftercare")) {
      return false;
    }
    if (!optional_bool(c.has_interpreter_needed(), c.interpreter_needed(), true,
                       !comm.interpreter_language().empty(),
                       "communication.interpreter_language")) {
      return false;
    }
    if (!optional_bool(c.has_british_sign_language(), c.british_sign_language(), true,
                       comm.british_sign_language(), "communication.british_sign_language")) {
      return false;
    }
    if (!optional_bool(c.has_easy_read(), c.easy_read(), true, comm.easy_read(),
                       "communication.easy_read")) {
      return false;
    }
    if (!optional_bool(c.has_is_a_carer(), c.is_a_carer(), fam.has_is_a_carer(), fam.is_a_carer(),
                       "family.is_a_carer")) {
      return false;
    }
    if (!optional_bool(c.has_has_carer(), c.has_carer(), fam.has_has_carer(), fam.has_carer(),
                       "family.has_carer")) {
      return false;
    }
    if (!optional_bool(c.has_has_dependent_children(), c.has_dependent_children(),
                       fam.has_dependent_children(), fam.dependent_children() > 0,
                       "family.dependent_children")) {
      return false;
    }
    if (c.has_out_of_hours()) {
      if (f_.local.out_of_hours != c.out_of_hours()) return false;
      add("received_at", absl::StrCat(f_.local.out_of_hours ? "out of hours" : "in hours", " (",
                                      absl::FormatCivilTime(f_.local.local), " local)"));
    }
    if (!c.received_weekday_in().empty()) {
      if (!Contains(c.received_weekday_in(), f_.local.iso_weekday)) return false;
      add("received_weekday", absl::StrCat(f_.local.iso_weekday));
    }
    if (!c.received_from_time().empty()) {
      const int from = ParseClockTime(c.received_from_time()).value_or(0);
      const int before = ParseClockTime(c.received_before_time()).value_or(0);
      const int m = f_.local.minute_of_day;
      const bool inside = from <= before ? (m >= from && m < before) : (m >= from || m < before);
      if (!inside) return false;
      add("received_time", absl::StrFormat("%02d:%02d", m / 60, m % 60));
    }
    if (c.has_has_open_referral()) {
      if (f_.has_open_referral != c.has_open_referral()) return false;
      add("has_open_referral", f_.has_open_referral ? "true" : "false");
    }
    if (!c.story_matches_any().empty()) {
      bool hit = false;
      auto it = patterns_.find(&c);
      if (it != patterns_.end()) {
        for (int p : it->second) {
          if (f_.hits->positive[p]) {
            add("story", absl::StrCat("\"", *f_.hits->positive[p], "\""));
            hit = true;
            break;
          }
        }
      }
      if (!hit) return false;
    }
    if (!c.any_of().empty()) {
      bool hit = false;
      for (const auto& sub : c.any_of()) {
        std::vector<v1::Evidence> sub_ev;
        if (Holds(sub, &sub_ev)) {
          ev->insert(ev->end(), sub_ev.begin(), sub_ev.end());
          hit = true;
          break;
        }
      }
      if (!hit) return false;
    }
    for (const auto& sub : c.none_of()) {
      std::vector<v1::Evidence> ignored;
      if (Holds(sub, &ignored)) return false;
    }
    return true;
  }

 private:
  const std::map<const v1::TriageCondition*, std::vector<int>>& patterns_;
  const Facts& f_;
};

void CollectPatterns(const v1::TriageCondition& c, const std::string& rule_id,
                     std::map<std::string, int>& index, std::vector<std::string>& ordered,
                     std::map<const v1::TriageCondition*, std::vector<int>>& by_condition,
                     std::vector<std::vector<std::string>>& pattern_rules) {
  for (const auto& p : c.story_matches_any()) {
    auto [it, inserted] = index.emplace(p, static_cast<int>(ordered.size()));
    if (inserted) {
      ordered.push_back(p);
      pattern_rules.emplace_back();
    }
    by_condition[&c].push_back(it->second);
    auto& users = pattern_rules[it->second];
    if (!Contains(users, rule_id)) users.push_back(rule_id);
  }
  for (const auto& sub : c.any_of()) {
    CollectPatterns(sub, rule_id, index, ordered, by_condition, pattern_rules);
  }
  for (const auto& sub : c.none_of()) {
    CollectPatterns(sub, rule_id, index, ordered, by_condition, pattern_rules);
  }
}

}  // namespace

TriageEngine::~TriageEngine() = default;

std::string RuleSetVersion(const v1::RuleSet& rules) {
  return absl::StrCat(rules.version(), "+",
                      absl::Hex(Fingerprint64(DeterministicBytes(rules)), absl::kZeroPad16));
}

absl::StatusOr<std::shared_ptr<const TriageEngine>> TriageEngine::FromText(std::string_view text) {
  absl::StatusOr<v1::RuleSet> rules = ParseAndValidateRuleSet(text);
  if (!rules.ok()) return rules.status();
  return FromRuleSet(*std::move(rules));
}

absl::StatusOr<std::shared_ptr<const TriageEngine>> TriageEngine::FromRuleSet(v1::RuleSet rules) {
  if (auto problems = ValidateRuleSet(rules); !problems.empty()) {
    return ProblemsToStatus(problems);
  }
  std::shared_ptr<TriageEngine> engine(new TriageEngine());
  engine->rules_ = std::move(rules);
  engine->version_ = RuleSetVersion(engine->rules_);
  if (!absl::LoadTimeZone(engine->rules_.time_zone(), &engine->zone_)) {
    return absl::InvalidArgumentError("time_zone cannot be loaded");
  }
  engine->compiled_ = std::make_unique<Compiled>();
  Compiled& c = *engine->compiled_;
  std::map<std::string, int> index;
  std::vector<std::string> ordered;
  for (const auto& rule : engine->rules_.rules()) {
    CollectPatterns(rule.when(), rule.id(), index, ordered, c.patterns, c.pattern_rules);
  }
  for (const auto& b : engine->rules_.bands()) c.bands[b.band()] = &b;
  for (const auto& p : engine->rules_.pathways()) c.pathways[p.id()] = &p;
  const auto& n = engine->rules_.negation();
  NegationConfig negation{{n.cues().begin(), n.cues().end()},
                          n.window_words(),
                          {n.terminators().begin(), n.terminators().end()}};
  auto matcher = TextMatcher::Create(ordered, negation);
  if (!matcher.ok()) return matcher.status();
  engine->matcher_ = *std::move(matcher);
  return std::shared_ptr<const TriageEngine>(std::move(engine));
}

const v1::BandDefinition* TriageEngine::Band(v1::UrgencyBand band) const {
  auto it = compiled_->bands.find(band);
  return it == compiled_->bands.end() ? nullptr : it->second;
}

// Lint exception (docs/LINT.md): rewritten by issue 11 (triage reads findings, not keyword hits).
// NOLINTNEXTLINE(readability-function-size,readability-function-cognitive-complexity)
v1::TriageDecision TriageEngine::Evaluate(const TriageInput& input) const {
  const v1::ReferralSubmission& s = input.submission;
  Facts facts;
  facts.s = &s;
  facts.has_open_referral = input.has_open_referral;
  facts.local = LocalFactsAt(input.received_at, zone_, rules_.in_hours());
  if (s.person().has_date_of_birth()) {
    facts.age = DecimalAgeYears(s.person().date_of_birth(), absl::CivilDay(facts.local.local));
  }
  const TextHits hits = matcher_->Match(s.story());
  facts.hits = &hits;

  v1::TriageDecision d;
  d.set_rule_set_version(version_);
  *d.mutable_received_at() = ToProtoTime(input.received_at);
  d.set_out_of_hours(facts.local.out_of_hours);
  if (facts.age) d.set_age_years(*facts.age);

  v1::UrgencyBand band = v1::URGENCY_BAND_UNSPECIFIED;
  std::set<int> flags;
  std::vector<std::string> pathway_order;
  auto merge_outcome = [&](const v1::FiredRule& fired) {
    if (fired.band() != v1::URGENCY_BAND_UNSPECIFIED &&
        (band == v1::URGENCY_BAND_UNSPECIFIED || fired.band() < band)) {
      band = fired.band();  // lower enum value = more urgent
    }
    for (int f : fired.flags()) flags.insert(f);
    for (const auto& p : fired.pathways()) {
      if (!Contains(pathway_order, p)) pathway_order.push_back(p);
    }
  };

  ConditionEvaluator evaluator(compiled_->patterns, facts);
  for (const v1::TriageRule& rule : rules_.rules()) {
    std::vector<v1::Evidence> evidence;
    if (!evaluator.Holds(rule.when(), &evidence)) continue;
    v1::FiredRule* fired = d.add_fired_rules();
    fired->set_rule_id(rule.id());
    fired->set_description(rule.description());
    fired->set_band(rule.band());
    *fired->mutable_pathways() = rule.pathways();
    *fired->mutable_flags() = rule.flags();
    for (auto& e : evidence) *fired->add_evidence() = std::move(e);
    merge_outcome(*fired);
  }

  // Built-in safety: unrecorded risk information can only add review.
  const auto& risk = s.risk();
  std::vector<std::pair<std::string, std::string>> missing;
  if (risk.to_self() == v1::RISK_LEVEL_UNSPECIFIED)
    missing.emplace_back("risk.to_self", "not recorded");
  if (risk.to_others() == v1::RISK_LEVEL_UNSPECIFIED)
    missing.emplace_back("risk.to_others", "not recorded");
  if (risk.from_others() == v1::RISK_LEVEL_UNSPECIFIED) {
    missing.emplace_back("risk.from_others", "not recorded");
  }
  if (risk.safeguarding_concern() == v1::ANSWER_UNSPECIFIED ||
      risk.safeguarding_concern() == v1::ANSWER_UNKNOWN) {
    missing.emplace_back(
        "risk.safeguarding_concern",
        risk.safeguarding_concern() == v1::ANSWER_UNKNOWN ? "unknown" : "not recorded");
  }
  if (!missing.empty()) {
    v1::FiredRule* fired = d.add_fired_rules();
    fired->set_rule_id("builtin.missing-risk-information");
    fired->set_description(
        "Risk information is missing: a clinician must review. Missing information never "
        "lowers urgency.");
    fired->add_flags(v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW);
    for (const auto& [input_name, value] : missing) {
      v1::Evidence* e = fired->add_evidence();
      e->set_input(input_name);
      e->set_value(value);
    }
    merge_outcome(*fired);
  }

  if (band == v1::URGENCY_BAND_UNSPECIFIED) {
    band = rules_.default_band();
    d.set_default_band_applied(true);
    v1::FiredRule* fired = d.add_fired_rules();
    fired->set_rule_id("builtin.default-band");
    fired->set_description(
        "No rule set a band: the rule set's default band applies as a placeholder and a "
        "clinician must review.");
    fired->set_band(band);
    fired->add_flags(v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW);
    v1::Evidence* e = fired->add_evidence();
    e->set_input("fired_rules");
    e->set_value("none set a band");
    flags.insert(v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW);
  }
  d.set_band(band);
  if (const v1::BandDefinition* def = Band(band)) {
    d.set_mhsds_priority(def->mhsds_priority());
    d.set_fhir_priority(def->fhir_priority());
    if (def->has_respond_within()) {
      *d.mutable_respond_within() = def->respond_within();
      *d.mutable_respond_by() =
          ToProtoTime(input.received_at + FromProtoDuration(def->respond_within()));
    }
  }
  for (int f : flags) d.add_flags(static_cast<v1::TriageFlag>(f));
  for (const auto& id : pathway_order) {
    v1::PathwayTag* tag = d.add_pathways();
    tag->set_id(id);
    auto it = compiled_->pathways.find(id);
    if (it != compiled_->pathways.end()) {
      tag->set_description(it->second->description());
      if (it->second->has_clock()) {
        *tag->mutable_due_by() =
            ToProtoTime(input.received_at + FromProtoDuration(it->second->clock()));
      }
    }
  }
  for (size_t p = 0; p < hits.negated.size(); ++p) {
    if (hits.positive[p] || hits.negated[p].empty()) continue;
    for (const auto& rule_id : compiled_->pattern_rules[p]) {
      v1::NegatedMatch* n = d.add_negated_matches();
      n->set_rule_id(rule_id);
      n->set_phrase(hits.negated[p].front().phrase);
      n->set_cue(hits.negated[p].front().cue);
    }
  }
  return d;
}

}  // namespace signpost::router
