// Triage conditions: does a rule's `when` hold for a referral, and why.
//
//   ConditionFacts facts{.submission = &s, .age = 34.2, .local = local,
//                        .findings = &findings};
//   std::vector<Evidence> why;
//   if (ConditionHolds(rule.when(), facts, &why)) ...  // why names each input
//
// A condition holds when every part that is set holds (an empty part is
// no constraint). Evidence lists the input and value behind each part that
// held; for findings it carries the finding with its span.
//
// Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_TRIAGE_CONDITIONS_H_
#define SIGNPOST_ROUTER_TRIAGE_CONDITIONS_H_

#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "router/triage/triage_facts.h"
#include "signpost/v1/referral.pb.h"
#include "signpost/v1/triage.pb.h"

namespace signpost::router {

// Findings by concept id, in story order.
using FindingIndex =
    std::unordered_map<std::string_view, std::vector<const signpost::v1::Finding*>>;
// Indexes `findings`, which must outlive the index.
FindingIndex IndexFindings(const std::vector<signpost::v1::Finding>& findings);

// Everything a condition can test, computed once per evaluation.
struct ConditionFacts {
  const signpost::v1::ReferralSubmission* submission = nullptr;
  std::optional<double> age;
  LocalTimeFacts local;
  bool has_open_referral = false;
  const FindingIndex* findings = nullptr;
};

bool ConditionHolds(const signpost::v1::TriageCondition& c, const ConditionFacts& facts,
                    std::vector<signpost::v1::Evidence>* evidence);

// True if `f` meets `want` (concept, polarity, time, experiencer).
bool FindingMatches(const signpost::v1::FindingCondition& want, const signpost::v1::Finding& f);

// The answer the screen gives for one of its items.
signpost::v1::Answer ScreenAnswer(const signpost::v1::RiskScreen& screen,
                                  signpost::v1::ScreenItem item);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_TRIAGE_CONDITIONS_H_
