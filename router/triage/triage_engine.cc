#include "router/triage/triage_engine.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/fingerprint.h"
#include "proto/signpost/proto_bytes.h"
#include "proto/signpost/proto_time.h"
#include "router/triage/conditions.h"
#include "router/triage/findings.h"
#include "router/triage/rule_set_validator.h"
#include "router/triage/triage_facts.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

constexpr absl::Duration kDefaultReviewWithin = absl::Hours(24);

absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

bool Answered(v1::Answer a) { return a == v1::ANSWER_YES || a == v1::ANSWER_NO; }

// Risk dimensions nobody recorded: not in the structured indicators and not
// covered by the risk screen. Each is (input, why).
std::vector<std::pair<std::string, std::string>> UnknownRisk(const v1::ReferralSubmission& s) {
  const v1::RiskIndicators& risk = s.risk();
  const v1::RiskScreen& screen = s.risk_screen();
  const bool self_screened = Answered(screen.wish_to_be_dead()) ||
                             Answered(screen.suicidal_thoughts()) || Answered(screen.intent()) ||
                             Answered(screen.plan()) || Answered(screen.suicidal_behaviour()) ||
                             Answered(screen.acting_now());
  const bool others_screened =
      Answered(screen.harm_to_others_thoughts()) || Answered(screen.harm_to_others_intent());
  std::vector<std::pair<std::string, std::string>> unknown;
  if (risk.to_self() == v1::RISK_LEVEL_UNSPECIFIED && !self_screened) {
    unknown.emplace_back("risk.to_self", "not recorded");
  }
  if (risk.to_others() == v1::RISK_LEVEL_UNSPECIFIED && !others_screened) {
    unknown.emplace_back("risk.to_others", "not recorded");
  }
  if (risk.from_others() == v1::RISK_LEVEL_UNSPECIFIED &&
      !Answered(screen.safeguarding_concern())) {
    unknown.emplace_back("risk.from_others", "not recorded");
  }
  if (!Answered(risk.safeguarding_concern()) && !Answered(screen.safeguarding_concern())) {
    unknown.emplace_back(
        "risk.safeguarding_concern",
        risk.safeguarding_concern() == v1::ANSWER_UNKNOWN ? "unknown" : "not recorded");
  }
  return unknown;
}

// The band, flags and pathways the fired rules add up to.
class Outcome {
 public:
  void Merge(const v1::FiredRule& fired) {
    if (fired.band() != v1::URGENCY_BAND_UNSPECIFIED &&
        (band_ == v1::URGENCY_BAND_UNSPECIFIED || fired.band() < band_)) {
      band_ = fired.band();  // lower enum value = more urgent
    }
    for (int f : fired.flags()) flags_.insert(f);
    for (const auto& p : fired.pathways()) {
      if (std::find(pathways_.begin(), pathways_.end(), p) == pathways_.end()) {
        pathways_.push_back(p);
      }
    }
  }
  v1::UrgencyBand band() const { return band_; }
  const std::set<int>& flags() const { return flags_; }
  const std::vector<std::string>& pathways() const { return pathways_; }

 private:
  v1::UrgencyBand band_ = v1::URGENCY_BAND_UNSPECIFIED;
  std::set<int> flags_;
  std::vector<std::string> pathways_;
};

v1::FiredRule* AddBuiltin(v1::TriageDecision& d, const char* id, const char* description) {
  v1::FiredRule* fired = d.add_fired_rules();
  fired->set_rule_id(id);
  fired->set_description(description);
  fired->add_flags(v1::TRIAGE_FLAG_NEEDS_CLINICIAN_REVIEW);
  return fired;
}

void AddEvidence(v1::FiredRule* fired, std::string input, std::string value) {
  v1::Evidence* e = fired->add_evidence();
  e->set_input(std::move(input));
  e->set_value(std::move(value));
}

// Every rule whose condition holds fires, in rule-file order.
void FireRules(const v1::RuleSet& rules, const ConditionFacts& facts, v1::TriageDecision& d,
               Outcome& outcome) {
  for (const v1::TriageRule& rule : rules.rules()) {
    std::vector<v1::Evidence> evidence;
    if (!ConditionHolds(rule.when(), facts, &evidence)) continue;
    v1::FiredRule* fired = d.add_fired_rules();
    fired->set_rule_id(rule.id());
    fired->set_description(rule.description());
    fired->set_band(rule.band());
    *fired->mutable_pathways() = rule.pathways();
    *fired->mutable_flags() = rule.flags();
    for (auto& e : evidence) *fired->add_evidence() = std::move(e);
    outcome.Merge(*fired);
  }
}

}  // namespace

// Lookups built once per rule set.
struct TriageEngine::Compiled {
  std::map<v1::UrgencyBand, const v1::BandDefinition*> bands;
  std::map<std::string, const v1::PathwayDefinition*> pathways;
};

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
  for (const auto& b : engine->rules_.bands()) engine->compiled_->bands[b.band()] = &b;
  for (const auto& p : engine->rules_.pathways()) engine->compiled_->pathways[p.id()] = &p;
  auto reader = FindingReader::Create(engine->rules_.lexicon());
  if (!reader.ok()) return reader.status();
  engine->reader_ = *std::move(reader);
  return std::shared_ptr<const TriageEngine>(std::move(engine));
}

const v1::BandDefinition* TriageEngine::Band(v1::UrgencyBand band) const {
  auto it = compiled_->bands.find(band);
  return it == compiled_->bands.end() ? nullptr : it->second;
}

std::vector<v1::Finding> TriageEngine::ReadStory(std::string_view story, absl::Time received_at,
                                                 v1::SourceChannel channel) const {
  return reader_->Read(
      story, {.year_received = static_cast<int>(absl::ToCivilYear(received_at, zone_).year()),
              .channel = channel});
}

v1::TriageDecision TriageEngine::Evaluate(const TriageInput& input) const {
  const v1::ReferralSubmission& s = input.submission;
  ConditionFacts facts;
  facts.submission = &s;
  facts.has_open_referral = input.has_open_referral;
  facts.local = LocalFactsAt(input.received_at, zone_, rules_.in_hours());
  const std::vector<v1::Finding> findings = reader_->Read(
      s.story(),
      {.year_received = static_cast<int>(facts.local.local.year()), .channel = s.channel()});
  const FindingIndex by_concept = IndexFindings(findings);
  facts.findings = &by_concept;
  if (s.person().has_date_of_birth()) {
    facts.age = DecimalAgeYears(s.person().date_of_birth(), absl::CivilDay(facts.local.local));
  }

  v1::TriageDecision d;
  d.set_rule_set_version(version_);
  *d.mutable_received_at() = ToProtoTime(input.received_at);
  d.set_out_of_hours(facts.local.out_of_hours);
  if (facts.age) d.set_age_years(*facts.age);
  for (const auto& f : findings) *d.add_findings() = f;

  Outcome outcome;
  FireRules(rules_, facts, d, outcome);
  const auto unknown = UnknownRisk(s);
  if (!unknown.empty()) {
    v1::FiredRule* fired = AddBuiltin(
        d, "builtin.missing-risk-information",
        "Risk information is missing: a clinician must review by the review-by time. Missing "
        "information never lowers urgency and is never treated as routine.");
    for (const auto& [name, why] : unknown) AddEvidence(fired, name, why);
    outcome.Merge(*fired);
  }
  v1::UrgencyBand band = outcome.band();
  if (band == v1::URGENCY_BAND_UNSPECIFIED) {
    band = rules_.default_band();
    d.set_default_band_applied(true);
    v1::FiredRule* fired =
        AddBuiltin(d, "builtin.default-band",
                   "No rule set a band: the rule set's default band applies as a placeholder and a "
                   "clinician must review.");
    fired->set_band(band);
    AddEvidence(fired, "fired_rules", "none set a band");
    outcome.Merge(*fired);
  }
  d.set_band(band);
  ApplyClocks(input.received_at, !unknown.empty(), d);
  for (int f : outcome.flags()) d.add_flags(static_cast<v1::TriageFlag>(f));
  AddPathways(input.received_at, outcome.pathways(), d);
  return d;
}

void TriageEngine::ApplyClocks(absl::Time received_at, bool risk_unknown,
                               v1::TriageDecision& d) const {
  const v1::BandDefinition* def = Band(d.band());
  if (def == nullptr) return;
  d.set_mhsds_priority(def->mhsds_priority());
  d.set_fhir_priority(def->fhir_priority());
  d.set_instruction(def->instruction());
  std::optional<absl::Time> respond_by;
  if (def->has_respond_within()) {
    *d.mutable_respond_within() = def->respond_within();
    respond_by = received_at + FromProtoDuration(def->respond_within());
  }
  if (risk_unknown) {
    const absl::Time review_by =
        received_at +
        (def->has_review_within() ? FromProtoDuration(def->review_within()) : kDefaultReviewWithin);
    d.set_risk_unknown(true);
    *d.mutable_review_by() = ToProtoTime(review_by);
    respond_by = respond_by ? std::min(*respond_by, review_by) : review_by;
  }
  if (respond_by) *d.mutable_respond_by() = ToProtoTime(*respond_by);
}

void TriageEngine::AddPathways(absl::Time received_at, const std::vector<std::string>& ids,
                               v1::TriageDecision& d) const {
  for (const auto& id : ids) {
    v1::PathwayTag* tag = d.add_pathways();
    tag->set_id(id);
    auto it = compiled_->pathways.find(id);
    if (it == compiled_->pathways.end()) continue;
    tag->set_description(it->second->description());
    if (it->second->has_clock()) {
      *tag->mutable_due_by() = ToProtoTime(received_at + FromProtoDuration(it->second->clock()));
    }
  }
}

}  // namespace signpost::router
