#include "router/triage/conditions.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/signpost/labels.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

template <typename List, typename T>
bool Contains(const List& list, T value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Collects the evidence for one condition.
class Why {
 public:
  explicit Why(std::vector<v1::Evidence>* out) : out_(out) {}
  void Add(std::string input, std::string value) {
    v1::Evidence& e = out_->emplace_back();
    e.set_input(std::move(input));
    e.set_value(std::move(value));
  }
  void AddFinding(const v1::Finding& f) {
    v1::Evidence& e = out_->emplace_back();
    e.set_input("story");
    e.set_value(absl::StrCat(f.concept_id(), " \"", f.text(), "\" [", f.start(), ", ", f.end(),
                             ") ", EnumSuffix(v1::FindingTime_descriptor(), f.time())));
    *e.mutable_finding() = f;
  }
  std::vector<v1::Evidence>* out() { return out_; }

 private:
  std::vector<v1::Evidence>* out_;
};

bool AgeHolds(const v1::TriageCondition& c, const ConditionFacts& f, Why& why) {
  if (!c.has_min_age_years() && !c.has_max_age_years()) return true;
  if (!f.age) return false;
  if (c.has_min_age_years() && *f.age < c.min_age_years()) return false;
  if (c.has_max_age_years() && *f.age >= c.max_age_years()) return false;
  why.Add("age_years", absl::StrFormat("%.2f", *f.age));
  return true;
}

bool NeedsHold(const v1::TriageCondition& c, const v1::ReferralSubmission& s, Why& why) {
  if (!c.channel_in().empty()) {
    if (!Contains(c.channel_in(), s.channel())) return false;
    why.Add("channel", v1::SourceChannel_Name(s.channel()));
  }
  if (!c.needs_any().empty()) {
    auto it = std::find_if(s.presenting_needs().begin(), s.presenting_needs().end(),
                           [&](int n) { return Contains(c.needs_any(), n); });
    if (it == s.presenting_needs().end()) return false;
    why.Add("presenting_needs", v1::PresentingNeed_Name(static_cast<v1::PresentingNeed>(*it)));
  }
  if (!c.needs_only_from().empty()) {
    if (s.presenting_needs().empty()) return false;
    for (int n : s.presenting_needs()) {
      if (!Contains(c.needs_only_from(), n)) return false;
    }
    why.Add("presenting_needs", "all within the listed needs");
  }
  if (c.has_no_needs_coded()) {
    if (s.presenting_needs().empty() != c.no_needs_coded()) return false;
    why.Add("presenting_needs", s.presenting_needs().empty() ? "none coded" : "some coded");
  }
  return true;
}

bool RiskIn(const google::protobuf::RepeatedField<int>& list, v1::RiskLevel value,
            const char* input, Why& why) {
  if (list.empty()) return true;
  if (!Contains(list, value)) return false;
  why.Add(input, v1::RiskLevel_Name(value));
  return true;
}

bool RisksHold(const v1::TriageCondition& c, const v1::RiskIndicators& risk, Why& why) {
  if (!RiskIn(c.risk_to_self_in(), risk.to_self(), "risk.to_self", why) ||
      !RiskIn(c.risk_to_others_in(), risk.to_others(), "risk.to_others", why) ||
      !RiskIn(c.risk_from_others_in(), risk.from_others(), "risk.from_others", why)) {
    return false;
  }
  const std::pair<const char*, v1::RiskLevel> all[] = {{"risk.to_self", risk.to_self()},
                                                       {"risk.to_others", risk.to_others()},
                                                       {"risk.from_others", risk.from_others()}};
  if (!c.any_risk_in().empty()) {
    bool hit = false;
    for (const auto& [name, level] : all) {
      if (Contains(c.any_risk_in(), level)) hit = RiskIn(c.any_risk_in(), level, name, why);
    }
    if (!hit) return false;
  }
  if (!c.all_risks_in().empty()) {
    for (const auto& entry : all) {
      if (!Contains(c.all_risks_in(), entry.second)) return false;
    }
    why.Add("risk", "all three indicators within the listed levels");
  }
  if (!c.safeguarding_in().empty()) {
    if (!Contains(c.safeguarding_in(), risk.safeguarding_concern())) return false;
    why.Add("risk.safeguarding_concern", v1::Answer_Name(risk.safeguarding_concern()));
  }
  return true;
}

// An optional boolean condition: unset holds; set must equal `actual`.
bool FlagHolds(bool is_set, bool want, bool actual, const char* input, Why& why) {
  if (!is_set) return true;
  if (actual != want) return false;
  why.Add(input, actual ? "true" : "false");
  return true;
}

bool PersonFlagsHold(const v1::TriageCondition& c, const v1::ReferralSubmission& s, Why& why) {
  const auto& mha = s.mental_health_act();
  const auto& comm = s.person().communication();
  const auto& fam = s.person().family();
  if (!c.legal_status_in().empty()) {
    if (!mha.has_legal_status_code() || !Contains(c.legal_status_in(), mha.legal_status_code())) {
      return false;
    }
    why.Add("mental_health_act.legal_status_code", mha.legal_status_code());
  }
  return FlagHolds(c.has_section117_aftercare(), c.section117_aftercare(),
                   mha.has_section117_aftercare() && mha.section117_aftercare(),
                   "mental_health_act.section117_aftercare", why) &&
         FlagHolds(c.has_interpreter_needed(), c.interpreter_needed(),
                   !comm.interpreter_language().empty(), "communication.interpreter_language",
                   why) &&
         FlagHolds(c.has_british_sign_language(), c.british_sign_language(),
                   comm.british_sign_language(), "communication.british_sign_language", why) &&
         FlagHolds(c.has_easy_read(), c.easy_read(), comm.easy_read(), "communication.easy_read",
                   why) &&
         FlagHolds(c.has_is_a_carer(), c.is_a_carer(), fam.has_is_a_carer() && fam.is_a_carer(),
                   "family.is_a_carer", why) &&
         FlagHolds(c.has_has_carer(), c.has_carer(), fam.has_has_carer() && fam.has_carer(),
                   "family.has_carer", why) &&
         FlagHolds(c.has_has_dependent_children(), c.has_dependent_children(),
                   fam.has_dependent_children() && fam.dependent_children() > 0,
                   "family.dependent_children", why);
}

bool ReceivedHolds(const v1::TriageCondition& c, const ConditionFacts& f, Why& why) {
  if (c.has_out_of_hours()) {
    if (f.local.out_of_hours != c.out_of_hours()) return false;
    why.Add("received_at", absl::StrCat(f.local.out_of_hours ? "out of hours" : "in hours", " (",
                                        absl::FormatCivilTime(f.local.local), " local)"));
  }
  if (!c.received_weekday_in().empty()) {
    if (!Contains(c.received_weekday_in(), f.local.iso_weekday)) return false;
    why.Add("received_weekday", absl::StrCat(f.local.iso_weekday));
  }
  if (!c.received_from_time().empty()) {
    const int from = ParseClockTime(c.received_from_time()).value_or(0);
    const int before = ParseClockTime(c.received_before_time()).value_or(0);
    const int m = f.local.minute_of_day;
    const bool inside = from <= before ? (m >= from && m < before) : (m >= from || m < before);
    if (!inside) return false;
    why.Add("received_time", absl::StrFormat("%02d:%02d", m / 60, m % 60));
  }
  if (c.has_has_open_referral()) {
    if (f.has_open_referral != c.has_open_referral()) return false;
    why.Add("has_open_referral", f.has_open_referral ? "true" : "false");
  }
  return true;
}

bool FindingsHold(const v1::TriageCondition& c, const ConditionFacts& f, Why& why) {
  if (c.findings_any().empty()) return true;
  for (const v1::FindingCondition& want : c.findings_any()) {
    for (const std::string& concept_id : want.concepts()) {
      auto it = f.findings->find(concept_id);
      if (it == f.findings->end()) continue;
      for (const v1::Finding* finding : it->second) {
        if (FindingMatches(want, *finding)) {
          why.AddFinding(*finding);
          return true;
        }
      }
    }
  }
  return false;
}

bool ScreenHolds(const v1::TriageCondition& c, const v1::ReferralSubmission& s, Why& why) {
  if (c.screen_yes_any().empty()) return true;
  for (int item : c.screen_yes_any()) {
    const auto screen_item = static_cast<v1::ScreenItem>(item);
    if (ScreenAnswer(s.risk_screen(), screen_item) == v1::ANSWER_YES) {
      why.Add(absl::StrCat("risk_screen.", EnumSuffix(v1::ScreenItem_descriptor(), screen_item)),
              "ANSWER_YES");
      return true;
    }
  }
  return false;
}

bool CombinatorsHold(const v1::TriageCondition& c, const ConditionFacts& f, Why& why) {
  for (const auto& sub : c.all_of()) {
    if (!ConditionHolds(sub, f, why.out())) return false;
  }
  if (!c.any_of().empty()) {
    auto holds = [&](const v1::TriageCondition& sub) {
      std::vector<v1::Evidence> sub_why;
      if (!ConditionHolds(sub, f, &sub_why)) return false;
      why.out()->insert(why.out()->end(), sub_why.begin(), sub_why.end());
      return true;
    };
    if (std::none_of(c.any_of().begin(), c.any_of().end(), holds)) return false;
  }
  std::vector<v1::Evidence> ignored;
  return std::none_of(c.none_of().begin(), c.none_of().end(), [&](const v1::TriageCondition& sub) {
    return ConditionHolds(sub, f, &ignored);
  });
}

}  // namespace

FindingIndex IndexFindings(const std::vector<v1::Finding>& findings) {
  FindingIndex index;
  for (const v1::Finding& f : findings) index[f.concept_id()].push_back(&f);
  return index;
}

bool FindingMatches(const v1::FindingCondition& want, const v1::Finding& f) {
  if (!Contains(want.concepts(), f.concept_id())) return false;
  if (f.affirmed() == want.negated()) return false;
  if (!want.any_experiencer() && f.experiencer() == v1::EXPERIENCER_OTHER) return false;
  if (want.time_stated() && !f.time_stated()) return false;
  if (want.times().empty()) {
    return f.time() == v1::FINDING_TIME_CURRENT || f.time() == v1::FINDING_TIME_RECENT;
  }
  return Contains(want.times(), f.time());
}

v1::Answer ScreenAnswer(const v1::RiskScreen& screen, v1::ScreenItem item) {
  switch (item) {
    case v1::SCREEN_ITEM_WISH_TO_BE_DEAD:
      return screen.wish_to_be_dead();
    case v1::SCREEN_ITEM_SUICIDAL_THOUGHTS:
      return screen.suicidal_thoughts();
    case v1::SCREEN_ITEM_THOUGHTS_OF_METHOD:
      return screen.thoughts_of_method();
    case v1::SCREEN_ITEM_INTENT:
      return screen.intent();
    case v1::SCREEN_ITEM_PLAN:
      return screen.plan();
    case v1::SCREEN_ITEM_SUICIDAL_BEHAVIOUR:
      return screen.suicidal_behaviour();
    case v1::SCREEN_ITEM_BEHAVIOUR_PAST_3_MONTHS:
      return screen.behaviour_past_3_months();
    case v1::SCREEN_ITEM_ACTING_NOW:
      return screen.acting_now();
    case v1::SCREEN_ITEM_HARM_TO_OTHERS_THOUGHTS:
      return screen.harm_to_others_thoughts();
    case v1::SCREEN_ITEM_HARM_TO_OTHERS_INTENT:
      return screen.harm_to_others_intent();
    case v1::SCREEN_ITEM_SAFEGUARDING:
      return screen.safeguarding_concern();
    default:
      return v1::ANSWER_UNSPECIFIED;
  }
}

bool ConditionHolds(const v1::TriageCondition& c, const ConditionFacts& f,
                    std::vector<v1::Evidence>* evidence) {
  Why why(evidence);
  const v1::ReferralSubmission& s = *f.submission;
  return AgeHolds(c, f, why) && NeedsHold(c, s, why) && RisksHold(c, s.risk(), why) &&
         PersonFlagsHold(c, s, why) && ReceivedHolds(c, f, why) && FindingsHold(c, f, why) &&
         ScreenHolds(c, s, why) && CombinatorsHold(c, f, why);
}

}  // namespace signpost::router
