// Synthetic inputs shared by the benchmarks: clinical-sounding stories, a
// submission, a rule set of any size built on the default rules' header,
// and a borough of any size. Deterministic for a given size.
#ifndef SIGNPOST_BENCH_SYNTHETIC_H_
#define SIGNPOST_BENCH_SYNTHETIC_H_

#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "router/directory/directory_snapshot.h"
#include "router/triage/triage_engine.h"
#include "signpost/v1/referral.pb.h"

namespace signpost::bench {

namespace v1 = ::signpost::v1;
using ::signpost::router::DirectorySnapshot;
using ::signpost::router::TriageEngine;

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A story of about `bytes` bytes built from realistic clinical sentences,
// some negated, some dated, some about someone else, so the screen, the
// located matches and every kind of context trigger do work.
inline std::string Story(size_t bytes) {
  static const char* const kSentences[] = {
      "Low mood for several months with poor sleep and appetite. ",
      "Denies suicidal thoughts at present. ",
      "Lives with partner and two children, works part time. ",
      "Reports hearing voices at night when stressed, no command hallucinations. ",
      "No thoughts of harming others. ",
      "Drinks alcohol most evenings, trying to cut down. ",
      "Has previously self-harmed but not in the last year. ",
      "Finances are difficult after losing overtime. ",
      "Her brother took an overdose in 2015. ",
      "She says she feels like a burden and sometimes wishes she would not wake up. ",
  };
  std::string out;
  for (size_t i = 0; out.size() < bytes; ++i) out += kSentences[i % 10];
  out.resize(bytes);
  return out;
}

inline v1::ReferralSubmission Submission(size_t story_bytes) {
  v1::ReferralSubmission s;
  s.set_channel(v1::SOURCE_CHANNEL_GP);
  s.mutable_referrer()->set_ods_code("G85001");
  auto* p = s.mutable_person();
  p->set_given_name("Bench");
  p->set_family_name("Mark");
  p->mutable_date_of_birth()->set_year(1984);
  p->mutable_date_of_birth()->set_month(7);
  p->mutable_date_of_birth()->set_day(3);
  s.set_story(Story(story_bytes));
  s.add_presenting_needs(v1::PRESENTING_NEED_LOW_MOOD_DEPRESSION);
  s.mutable_risk()->set_to_self(v1::RISK_LEVEL_LOW);
  s.mutable_risk()->set_to_others(v1::RISK_LEVEL_NONE);
  s.mutable_risk()->set_from_others(v1::RISK_LEVEL_NONE);
  s.mutable_risk()->set_safeguarding_concern(v1::ANSWER_NO);
  return s;
}

// The default rules' header and lexicon (bands, hours, pathways, every
// concept and context trigger) plus `n` synthetic rules: every third tests
// structured risk, the rest test findings of the lexicon's concepts (with
// varied times and experiencers), so reading the story costs what it does
// in production and rule evaluation scales with `n`.
inline std::shared_ptr<const TriageEngine> SyntheticEngine(int n) {
  auto base = TriageEngine::FromText(ReadFile(SIGNPOST_DEFAULT_RULES));
  if (!base.ok()) std::abort();
  v1::RuleSet rules = (*base)->rule_set();
  rules.clear_rules();
  const auto& concepts = rules.lexicon().concepts();
  for (int i = 0; i < n; ++i) {
    v1::TriageRule* r = rules.add_rules();
    r->set_id(absl::StrCat("synthetic.", i));
    r->set_description("synthetic rule");
    if (i % 3 == 0) {
      r->mutable_when()->add_risk_to_self_in(static_cast<v1::RiskLevel>(1 + i % 5));
      r->mutable_when()->add_needs_any(static_cast<v1::PresentingNeed>(1 + i % 21));
    } else {
      v1::FindingCondition* f = r->mutable_when()->add_findings_any();
      f->add_concepts(concepts.Get(i % concepts.size()).id());
      f->add_concepts(concepts.Get((i * 7) % concepts.size()).id());
      if (i % 5 == 1) f->add_times(v1::FINDING_TIME_HISTORICAL);
      f->set_any_experiencer(i % 4 == 2);
      r->mutable_when()->add_risk_to_others_in(static_cast<v1::RiskLevel>(i % 6));
      r->mutable_when()->set_min_age_years(0.001 * i);  // every condition distinct
    }
    r->set_band(static_cast<v1::UrgencyBand>(1 + i % 5));
  }
  auto engine = TriageEngine::FromRuleSet(rules);
  if (!engine.ok()) std::abort();
  return *engine;
}

// `n` services over 400 districts ("D0".."D399"), 20 pathways and 21 needs;
// half statutory, a tenth open 24/7, the rest weekdays 9-5.
inline const char* const kPathways[] = {"crisis",
                                        "eip",
                                        "perinatal",
                                        "eating_disorder",
                                        "memory",
                                        "cmht",
                                        "talking_therapies",
                                        "substance_use",
                                        "adhd",
                                        "older_adult",
                                        "young_adult",
                                        "camhs",
                                        "s117_aftercare",
                                        "personality_disorder",
                                        "social_prescribing",
                                        "debt_advice",
                                        "housing_support",
                                        "employment_support",
                                        "carer_support",
                                        "bereavement_support"};

inline std::shared_ptr<const DirectorySnapshot> Borough(int n) {
  std::mt19937 rng(n);
  std::vector<v1::DirectoryServiceRecord> services;
  services.reserve(n);
  for (int i = 0; i < n; ++i) {
    v1::DirectoryServiceRecord s;
    s.set_id(absl::StrCat("svc-", i));
    s.set_name(absl::StrCat("Service ", i));
    s.set_status(v1::SERVICE_STATUS_ACTIVE);
    s.set_sector(i % 2 ? v1::SERVICE_SECTOR_STATUTORY : v1::SERVICE_SECTOR_VOLUNTARY);
    auto* e = s.mutable_eligibility();
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k)
      e->add_needs(static_cast<v1::PresentingNeed>(1 + rng() % 21));
    e->add_pathways(kPathways[rng() % 20]);
    e->add_postcode_districts(absl::StrCat("D", rng() % 400));
    e->add_postcode_districts(absl::StrCat("D", rng() % 400));
    e->set_min_age_years(16);
    if (i % 3 == 0) e->add_gp_practices(absl::StrCat("G8", 1000 + rng() % 50));
    s.mutable_capacity()->set_status(static_cast<v1::CapacityStatus>(1 + rng() % 4));
    if (i % 10 == 0) {
      s.mutable_schedule()->set_open_24_7(true);
    } else {
      auto* h = s.mutable_schedule()->add_weekly();
      for (int d = 1; d <= 5; ++d) h->add_weekdays(d);
      h->set_opens("09:00");
      h->set_closes("17:00");
    }
    services.push_back(std::move(s));
  }
  return DirectorySnapshot::Build(std::move(services));
}

}  // namespace signpost::bench

#endif  // SIGNPOST_BENCH_SYNTHETIC_H_
