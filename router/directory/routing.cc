#include "router/directory/routing.h"

#include <algorithm>
#include <set>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proto/signpost/labels.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/opening_hours.h"
#include "router/triage/triage_facts.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

bool IsCrisis(v1::UrgencyBand b) { return b == v1::URGENCY_BAND_A || b == v1::URGENCY_BAND_B; }
bool NoFaceToFace(v1::UrgencyBand b) { return b == v1::URGENCY_BAND_F || b == v1::URGENCY_BAND_G; }

template <typename List>
bool Contains(const List& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A service can respond in time if, for a crisis, it is open now; otherwise
// if it is open at some point before the response-by time (checked every 15
// minutes, at most 7 days ahead).
bool CanRespondInTime(const v1::DirectoryServiceRecord& s, const RoutingInput& in,
                      std::string* why_not) {
  const OpenCheck now = CheckOpenAt(s.schedule(), in.received_at, in.zone);
  if (now.open) return true;
  if (IsCrisis(in.triage.band())) {
    *why_not = absl::StrCat(now.reason, " (a crisis needs a service open now)");
    return false;
  }
  absl::Time deadline = in.received_at + absl::Hours(24 * 7);
  if (in.triage.has_respond_by())
    deadline = std::min(deadline, FromProtoTime(in.triage.respond_by()));
  for (absl::Time t = in.received_at; t <= deadline; t += absl::Minutes(15)) {
    if (CheckOpenAt(s.schedule(), t, in.zone).open) return true;
  }
  *why_not = "not open before the response-by time";
  return false;
}

v1::SearchServicesRequest BaseQuery(const RoutingInput& in, v1::ServiceSector sector) {
  v1::SearchServicesRequest q;
  const auto& p = in.submission.person();
  for (int n : in.submission.presenting_needs()) q.add_needs(static_cast<v1::PresentingNeed>(n));
  for (const auto& tag : in.triage.pathways()) q.add_pathways(tag.id());
  if (in.triage.has_age_years()) q.set_age_years(in.triage.age_years());
  q.set_postcode(p.postcode());
  q.set_gp_practice(p.registered_gp_practice_ods());
  q.set_band(in.triage.band());
  q.set_channel(in.submission.channel());
  q.set_language(p.communication().interpreter_language());
  q.set_sector(sector);
  q.set_explain_exclusions(false);
  q.set_limit(100);
  return q;
}

// Score bonus for the person's accessibility needs (preference, not a
// filter: interpreters can be booked, but a service that already offers BSL
// or easy read ranks higher).
double AccessibilityBonus(const v1::DirectoryServiceRecord& s, const v1::Person& p,
                          std::vector<std::string>* reasons) {
  double bonus = 0;
  if (p.communication().british_sign_language() && Contains(s.accessibility(), "bsl")) {
    bonus += 10;
    reasons->push_back("offers BSL");
  }
  if (p.communication().easy_read() && Contains(s.accessibility(), "easy_read")) {
    bonus += 5;
    reasons->push_back("offers easy read");
  }
  return bonus;
}

int OpenAllocations(const RoutingInput& in, const std::string& cm_id) {
  if (in.caseloads == nullptr) return 0;
  auto it = in.caseloads->find(cm_id);
  return it == in.caseloads->end() ? 0 : it->second;
}

// How well a case manager with caseload headroom fits the person; the
// reason explains the score.
double ScoreCaseManager(const v1::CaseManager& cm, const RoutingInput& in, int open,
                        std::string* reason) {
  std::set<std::string> wanted_skills;
  for (const auto& tag : in.triage.pathways()) wanted_skills.insert(tag.id());
  double score = 0;
  int skills = 0;
  for (const auto& skill : cm.skills()) {
    skills += static_cast<int>(wanted_skills.count(absl::AsciiStrToLower(skill)));
  }
  if (skills > 0) {
    score += 1000.0 * skills;
    absl::StrAppend(reason, "skills match; ");
  }
  const auto& language = in.submission.person().communication().interpreter_language();
  for (const auto& l : cm.languages()) {
    if (!language.empty() && absl::AsciiStrToLower(l) == absl::AsciiStrToLower(language)) {
      score += 500;
      absl::StrAppend(reason, "speaks ", language, "; ");
    }
  }
  score += cm.caseload_limit() - open;
  absl::StrAppend(reason, "caseload ", open, "/", cm.caseload_limit());
  return score;
}

// Picks a case manager in the service's teams: the person's existing one
// (continuity, a small overrun accepted), else the best fit with caseload
// headroom. Returns false for the team queue.
bool PickCaseManager(const std::string& service_id, const RoutingInput& in,
                     const TeamRoster& roster, v1::RoutingDecision* out) {
  std::set<std::string> team_ids;
  for (const auto& t : roster.teams) {
    if (t.service_id() != service_id) continue;
    team_ids.insert(t.id());
    if (out->team_id().empty()) out->set_team_id(t.id());
  }
  const v1::CaseManager* best = nullptr;
  double best_score = -1;
  std::string best_reason;
  for (const auto& cm : roster.case_managers) {
    if (!cm.active() || !team_ids.count(cm.team_id())) continue;
    const int open = OpenAllocations(in, cm.id());
    const int headroom = cm.caseload_limit() - open;
    if (cm.id() == in.existing_case_manager_id && headroom > -kContinuityAllowance) {
      best = &cm;
      best_reason = "continuity: the person's existing case manager";
      break;
    }
    if (headroom <= 0) continue;
    std::string reason;
    const double score = ScoreCaseManager(cm, in, open, &reason);
    if (score > best_score || (score == best_score && best && cm.id() < best->id())) {
      best = &cm;
      best_score = score;
      best_reason = std::move(reason);
    }
  }
  if (best == nullptr) return false;
  out->set_team_id(best->team_id());
  out->set_case_manager_id(best->id());
  out->set_case_manager_reason(best_reason);
  return true;
}

// Why a voluntary service answers something the person needs: a triage
// pathway it serves, else a coded need it serves; empty if neither.
std::string SignpostReason(const v1::DirectoryServiceRecord& s, const RoutingInput& in) {
  for (const auto& p : s.eligibility().pathways()) {
    for (const auto& tag : in.triage.pathways()) {
      if (tag.id() == p) return p;
    }
  }
  for (int n : s.eligibility().needs()) {
    if (absl::c_linear_search(in.submission.presenting_needs(), n)) {
      return EnumSuffix(static_cast<v1::PresentingNeed>(n));
    }
  }
  return "";
}

void AddSignposts(const RoutingInput& in, const DirectorySnapshot& directory,
                  v1::RoutingDecision* out, int max) {
  v1::SearchServicesRequest q = BaseQuery(in, v1::SERVICE_SECTOR_VOLUNTARY);
  q.clear_band();  // signposting is not bound by the clinical band
  const auto found = directory.Search(q, in.zone);
  const auto& declined = in.submission.preferences().declined_service_ids();
  for (const auto& m : found.matches()) {
    if (out->signposts_size() >= max) break;
    if (Contains(declined, m.service().id())) continue;
    const std::string reason = SignpostReason(m.service(), in);
    if (reason.empty()) continue;
    v1::Signposting* sp = out->add_signposts();
    sp->set_service_id(m.service().id());
    sp->set_service_name(m.service().name());
    sp->set_reason(reason);
    sp->set_organization_id(m.service().organization().id());
  }
}

// Most specific clinical pathways first; age-band and generic ones last.
int PathwayPriority(const std::string& p) {
  static const char* const kOrder[] = {
      "crisis",         "camhs",      "eip",         "perinatal",     "eating_disorder",
      "s117_aftercare", "memory",     "older_adult", "substance_use", "personality_disorder",
      "adhd",           "transition", "young_adult", "cmht",          "talking_therapies"};
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i) {
    if (p == kOrder[i]) return i;
  }
  return 100;  // VCS-only pathways (social prescribing, debt advice, ...)
}

void Exclude(v1::SearchServicesResponse* response, const v1::DirectoryServiceRecord& s,
             std::string reason) {
  v1::ExcludedService* x = response->add_excluded();
  x->set_service_id(s.id());
  x->set_name(s.name());
  x->add_reasons(std::move(reason));
}

// A candidate as recorded on the decision: id, name, score and reasons.
v1::ServiceMatch Candidate(const v1::ServiceMatch& m, const RoutingInput& in) {
  v1::ServiceMatch c;
  c.mutable_service()->set_id(m.service().id());
  c.mutable_service()->set_name(m.service().name());
  std::vector<std::string> reasons(m.reasons().begin(), m.reasons().end());
  double score = m.score() + AccessibilityBonus(m.service(), in.submission.person(), &reasons);
  if (Contains(in.submission.preferences().preferred_service_ids(), m.service().id())) {
    // Decisive among eligible services for the same pathway (choice),
    // never across the pathway order (clinical).
    score += 100;
    reasons.push_back("the person asked for this service");
  }
  c.set_score(score);
  for (auto& r : reasons) c.add_reasons(std::move(r));
  return c;
}

// Searches with `q` and keeps the services that name `pathway` (when
// given), that the person has not declined and that can respond in time,
// best first. Exclusions are added to `*last`.
std::vector<v1::ServiceMatch> EligibleFor(const v1::SearchServicesRequest& q,
                                          const std::string& pathway, const RoutingInput& in,
                                          const DirectorySnapshot& directory,
                                          v1::SearchServicesResponse* last) {
  *last = directory.Search(q, in.zone);
  std::vector<v1::ServiceMatch> eligible;
  for (const auto& m : last->matches()) {
    if (!pathway.empty() && !Contains(m.service().eligibility().pathways(), pathway)) continue;
    std::string why_not;
    if (Contains(in.submission.preferences().declined_service_ids(), m.service().id())) {
      Exclude(last, m.service(), "the person declined this service");
    } else if (!CanRespondInTime(m.service(), in, &why_not)) {
      Exclude(last, m.service(), why_not);
    } else {
      eligible.push_back(Candidate(m, in));
    }
  }
  std::stable_sort(eligible.begin(), eligible.end(),
                   [](const auto& a, const auto& b) { return a.score() > b.score(); });
  return eligible;
}

// For each triage pathway, most specific first, the statutory services
// that serve it and can respond in time; the first pathway with an
// eligible service decides. Then the coded needs.
std::vector<v1::ServiceMatch> RankStatutory(const RoutingInput& in,
                                            const DirectorySnapshot& directory,
                                            v1::RoutingDecision* out,
                                            v1::SearchServicesResponse* last) {
  std::vector<std::string> pathways;
  for (const auto& tag : in.triage.pathways()) pathways.push_back(tag.id());
  std::stable_sort(pathways.begin(), pathways.end(), [](const auto& a, const auto& b) {
    return PathwayPriority(a) < PathwayPriority(b);
  });
  for (const std::string& pathway : pathways) {
    v1::SearchServicesRequest q = BaseQuery(in, v1::SERVICE_SECTOR_STATUTORY);
    q.clear_pathways();
    q.add_pathways(pathway);
    q.clear_needs();
    std::vector<v1::ServiceMatch> ranked = EligibleFor(q, pathway, in, directory, last);
    if (!ranked.empty()) {
      out->add_reasons(absl::StrCat("routed for the ", pathway, " pathway"));
      return ranked;
    }
  }
  v1::SearchServicesRequest q = BaseQuery(in, v1::SERVICE_SECTOR_STATUTORY);
  q.clear_pathways();
  std::vector<v1::ServiceMatch> ranked = EligibleFor(q, "", in, directory, last);
  if (!ranked.empty()) out->add_reasons("routed for the coded needs");
  return ranked;
}

// The statutory services for these needs that were excluded, and why (one
// explained search; at most 50 kept on the record).
void ExplainExclusions(const RoutingInput& in, const DirectorySnapshot& directory,
                       v1::SearchServicesResponse& last, v1::RoutingDecision* out) {
  v1::SearchServicesRequest explain = BaseQuery(in, v1::SERVICE_SECTOR_STATUTORY);
  explain.set_explain_exclusions(true);
  explain.set_explain_local_only(true);
  v1::SearchServicesResponse explained = directory.Search(explain, in.zone);
  for (auto& x : *last.mutable_excluded()) *explained.add_excluded() = std::move(x);
  out->set_excluded_total(explained.excluded_size());
  for (int i = 0; i < explained.excluded_size() && i < 50; ++i) {
    *out->add_excluded() = std::move(*explained.mutable_excluded(i));
  }
}

void Unmatched(const RoutingInput& in, std::string reason, v1::RoutingDecision* out) {
  out->set_outcome(v1::ROUTING_OUTCOME_UNMATCHED);
  out->set_owner("queue:call-hub-review");
  out->add_reasons(std::move(reason));
  const UnmetNeed unmet = UnmetNeedFor(in.submission, in.triage);
  out->set_unmet_need_category(unmet.category);
  out->set_unmet_need_area(unmet.area);
}

void AssignOwner(const RoutingInput& in, const TeamRoster& roster, v1::RoutingDecision* out) {
  if (PickCaseManager(out->service_id(), in, roster, out)) {
    out->set_owner(absl::StrCat("case_manager:", out->case_manager_id()));
  } else if (!out->team_id().empty()) {
    out->set_owner(absl::StrCat("team:", out->team_id()));
    out->add_reasons("no case manager with capacity: the team's queue");
  } else {
    out->set_owner(absl::StrCat("service:", out->service_id()));
    out->add_reasons("the service has no teams recorded: its intake");
  }
}

}  // namespace

UnmetNeed UnmetNeedFor(const v1::ReferralSubmission& submission, const v1::TriageDecision& triage) {
  UnmetNeed out;
  const std::string district = PostcodeDistrict(submission.person().postcode());
  out.area = district.empty() ? "unknown" : district;
  for (const auto& tag : triage.pathways()) {
    if (tag.id() != "young_adult" && tag.id() != "older_adult" && tag.id() != "transition") {
      out.category = tag.id();
      return out;
    }
  }
  out.category = submission.presenting_needs().empty()
                     ? "unspecified"
                     : EnumSuffix(static_cast<v1::PresentingNeed>(submission.presenting_needs(0)));
  return out;
}

v1::RoutingDecision RouteReferral(const RoutingInput& in, const DirectorySnapshot& directory,
                                  const TeamRoster& roster) {
  v1::RoutingDecision out;
  *out.mutable_decided_at() = ToProtoTime(in.received_at);
  if (NoFaceToFace(in.triage.band())) {
    AddSignposts(in, directory, &out, 3);
    if (out.signposts_size() == 0) {
      Unmatched(in, "no eligible voluntary service for a band F/G referral", &out);
      return out;
    }
    out.set_outcome(v1::ROUTING_OUTCOME_SIGNPOSTED);
    out.set_owner(absl::StrCat("vcs:", out.signposts(0).service_id()));
    return out;
  }
  v1::SearchServicesResponse last;
  const std::vector<v1::ServiceMatch> ranked = RankStatutory(in, directory, &out, &last);
  ExplainExclusions(in, directory, last, &out);
  for (const auto& c : ranked) *out.add_candidates() = c;
  AddSignposts(in, directory, &out, 3);
  if (ranked.empty()) {
    Unmatched(in,
              "no statutory service is eligible and able to respond within the band's clock "
              "(see excluded for each service's reasons)",
              &out);
    return out;
  }
  out.set_outcome(v1::ROUTING_OUTCOME_ROUTED);
  out.set_service_id(ranked[0].service().id());
  out.set_service_name(ranked[0].service().name());
  AssignOwner(in, roster, &out);
  return out;
}

v1::ReferralStatus StatusForRouting(const v1::RoutingDecision& d) {
  switch (d.outcome()) {
    case v1::ROUTING_OUTCOME_ROUTED:
      return v1::REFERRAL_STATUS_ROUTED;
    case v1::ROUTING_OUTCOME_SIGNPOSTED:
      return v1::REFERRAL_STATUS_SIGNPOSTED;
    default:
      return v1::REFERRAL_STATUS_UNMATCHED;
  }
}

const v1::CaseManager* FindCaseManager(const TeamRoster& roster, std::string_view id) {
  for (const auto& cm : roster.case_managers) {
    if (cm.id() == id) return &cm;
  }
  return nullptr;
}

}  // namespace signpost::router
