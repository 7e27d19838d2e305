#include "router/directory/routing.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/opening_hours.h"
#include "router/triage/triage_facts.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

bool IsCrisis(v1::UrgencyBand b) { return b == v1::URGENCY_BAND_A || b == v1::URGENCY_BAND_B; }
bool NoFaceToFace(v1::UrgencyBand b) { return b == v1::URGENCY_BAND_F || b == v1::URGENCY_BAND_G; }

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
  auto offers = [&](const char* f) {
    return std::find(s.accessibility().begin(), s.accessibility().end(), f) !=
           s.accessibility().end();
  };
  if (p.communication().british_sign_language() && offers("bsl")) {
    bonus += 10;
    reasons->push_back("offers BSL");
  }
  if (p.communication().easy_read() && offers("easy_read")) {
    bonus += 5;
    reasons->push_back("offers easy read");
  }
  return bonus;
}

// Picks a case manager in the service's teams. Returns false for the team
// queue.
bool PickCaseManager(const std::string& service_id, const RoutingInput& in,
                     const TeamRoster& roster, v1::RoutingDecision* out) {
  std::set<std::string> team_ids;
  for (const auto& t : roster.teams) {
    if (t.service_id() == service_id) {
      team_ids.insert(t.id());
      if (out->team_id().empty()) out->set_team_id(t.id());
    }
  }
  const auto& language = in.submission.person().communication().interpreter_language();
  std::set<std::string> wanted_skills;
  for (const auto& tag : in.triage.pathways()) wanted_skills.insert(tag.id());
  const v1::CaseManager* best = nullptr;
  double best_score = -1;
  std::string best_reason;
  for (const auto& cm : roster.case_managers) {
    if (!cm.active() || !team_ids.count(cm.team_id())) continue;
    const int headroom = cm.caseload_limit() - cm.current_caseload();
    if (cm.id() == in.existing_case_manager_id && headroom > -3) {
      // Continuity first (a small overrun is accepted to keep the person
      // with someone they know).
      best = &cm;
      best_reason = "continuity: the person's existing case manager";
      break;
    }
    if (headroom <= 0) continue;
    double score = 0;
    std::string reason;
    int skills = 0;
    for (const auto& skill : cm.skills())
      skills += wanted_skills.count(absl::AsciiStrToLower(skill));
    if (skills > 0) {
      score += 1000.0 * skills;
      absl::StrAppend(&reason, "skills match; ");
    }
    if (!language.empty()) {
      for (const auto& l : cm.languages()) {
        if (absl::AsciiStrToLower(l) == absl::AsciiStrToLower(language)) {
          score += 500;
          absl::StrAppend(&reason, "speaks ", language, "; ");
        }
      }
    }
    score += headroom;
    absl::StrAppend(&reason, "caseload ", cm.current_caseload(), "/", cm.caseload_limit());
    if (score > best_score || (score == best_score && best && cm.id() < best->id())) {
      best = &cm;
      best_score = score;
      best_reason = reason;
    }
  }
  if (best == nullptr) return false;
  out->set_team_id(best->team_id());
  out->set_case_manager_id(best->id());
  out->set_case_manager_reason(best_reason);
  return true;
}

void AddSignposts(const RoutingInput& in, const DirectorySnapshot& directory,
                  v1::RoutingDecision* out, int max) {
  v1::SearchServicesRequest q = BaseQuery(in, v1::SERVICE_SECTOR_VOLUNTARY);
  q.set_explain_exclusions(false);
  q.clear_band();  // signposting is not bound by the clinical band
  const auto found = directory.Search(q, in.zone);
  std::set<std::string> pathways;
  for (const auto& tag : in.triage.pathways()) pathways.insert(tag.id());
  const auto& declined = in.submission.preferences().declined_service_ids();
  for (const auto& m : found.matches()) {
    if (out->signposts_size() >= max) break;
    if (std::find(declined.begin(), declined.end(), m.service().id()) != declined.end()) continue;
    // Only services that answer something the person needs.
    std::string reason;
    for (const auto& p : m.service().eligibility().pathways()) {
      if (pathways.count(p)) {
        reason = p;
        break;
      }
    }
    if (reason.empty()) {
      for (int n : m.service().eligibility().needs()) {
        const auto& needs = in.submission.presenting_needs();
        if (std::find(needs.begin(), needs.end(), n) != needs.end()) {
          reason = absl::AsciiStrToLower(
              v1::PresentingNeed_Name(static_cast<v1::PresentingNeed>(n)).substr(16));
          break;
        }
      }
    }
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

std::string UnmetCategory(const RoutingInput& in) {
  for (const auto& tag : in.triage.pathways()) {
    if (tag.id() != "young_adult" && tag.id() != "older_adult" && tag.id() != "transition") {
      return tag.id();
    }
  }
  if (!in.submission.presenting_needs().empty()) {
    return absl::AsciiStrToLower(
        v1::PresentingNeed_Name(static_cast<v1::PresentingNeed>(in.submission.presenting_needs(0)))
            .substr(16));
  }
  return "unspecified";
}

}  // namespace

v1::RoutingDecision RouteReferral(const RoutingInput& in, const DirectorySnapshot& directory,
                                  const TeamRoster& roster) {
  v1::RoutingDecision out;
  *out.mutable_decided_at() = ToProtoTime(in.received_at);
  const std::string district = PostcodeDistrict(in.submission.person().postcode());

  if (NoFaceToFace(in.triage.band())) {
    AddSignposts(in, directory, &out, 3);
    if (out.signposts_size() > 0) {
      out.set_outcome(v1::ROUTING_OUTCOME_SIGNPOSTED);
      out.set_owner(absl::StrCat("vcs:", out.signposts(0).service_id()));
      return out;
    }
    out.set_outcome(v1::ROUTING_OUTCOME_UNMATCHED);
    out.set_owner("queue:call-hub-review");
    out.add_reasons("no eligible voluntary service for a band F/G referral");
    out.set_unmet_need_category(UnmetCategory(in));
    out.set_unmet_need_area(district.empty() ? "unknown" : district);
    return out;
  }

  // For each triage pathway, most specific first, look for statutory
  // services that serve it and can respond in time; the first pathway with
  // an eligible service decides. Then fall back to the coded needs.
  std::vector<std::string> pathways;
  for (const auto& tag : in.triage.pathways()) pathways.push_back(tag.id());
  std::stable_sort(pathways.begin(), pathways.end(), [](const auto& a, const auto& b) {
    return PathwayPriority(a) < PathwayPriority(b);
  });
  std::vector<v1::ServiceMatch> ranked;
  v1::SearchServicesResponse last;
  auto try_search = [&](v1::SearchServicesRequest q, const std::string& pathway) {
    last = directory.Search(q, in.zone);
    std::vector<v1::ServiceMatch> eligible;
    for (const auto& m : last.matches()) {
      if (!pathway.empty()) {
        const auto& p = m.service().eligibility().pathways();
        if (std::find(p.begin(), p.end(), pathway) == p.end()) continue;  // must name it
      }
      std::string why_not;
      const auto& prefs = in.submission.preferences();
      if (std::find(prefs.declined_service_ids().begin(), prefs.declined_service_ids().end(),
                    m.service().id()) != prefs.declined_service_ids().end()) {
        v1::ExcludedService* x = last.add_excluded();
        x->set_service_id(m.service().id());
        x->set_name(m.service().name());
        x->add_reasons("the person declined this service");
        continue;
      }
      if (!CanRespondInTime(m.service(), in, &why_not)) {
        v1::ExcludedService* x = last.add_excluded();
        x->set_service_id(m.service().id());
        x->set_name(m.service().name());
        x->add_reasons(why_not);
        continue;
      }
      v1::ServiceMatch c;
      c.mutable_service()->set_id(m.service().id());
      c.mutable_service()->set_name(m.service().name());
      std::vector<std::string> reasons(m.reasons().begin(), m.reasons().end());
      double score = m.score() + AccessibilityBonus(m.service(), in.submission.person(), &reasons);
      if (std::find(prefs.preferred_service_ids().begin(), prefs.preferred_service_ids().end(),
                    m.service().id()) != prefs.preferred_service_ids().end()) {
        // Decisive among eligible services for the same pathway (choice),
        // never across the pathway order (clinical).
        score += 100;
        reasons.push_back("the person asked for this service");
      }
      c.set_score(score);
      for (auto& r : reasons) c.add_reasons(std::move(r));
      eligible.push_back(std::move(c));
    }
    std::stable_sort(eligible.begin(), eligible.end(),
                     [](const auto& a, const auto& b) { return a.score() > b.score(); });
    return eligible;
  };
  for (const std::string& pathway : pathways) {
    v1::SearchServicesRequest q = BaseQuery(in, v1::SERVICE_SECTOR_STATUTORY);
    q.clear_pathways();
    q.add_pathways(pathway);
    q.clear_needs();
    ranked = try_search(q, pathway);
    if (!ranked.empty()) {
      out.add_reasons(absl::StrCat("routed for the ", pathway, " pathway"));
      break;
    }
  }
  if (ranked.empty()) {
    v1::SearchServicesRequest q = BaseQuery(in, v1::SERVICE_SECTOR_STATUTORY);
    q.clear_pathways();
    ranked = try_search(q, "");
    if (!ranked.empty()) out.add_reasons("routed for the coded needs");
  }
  // Explain: the statutory services for these needs that were excluded,
  // and why (one explained search; at most 50 kept on the record).
  v1::SearchServicesRequest explain = BaseQuery(in, v1::SERVICE_SECTOR_STATUTORY);
  explain.set_explain_exclusions(true);
  explain.set_explain_local_only(true);
  v1::SearchServicesResponse explained = directory.Search(explain, in.zone);
  for (auto& x : *last.mutable_excluded()) *explained.add_excluded() = std::move(x);
  out.set_excluded_total(explained.excluded_size());
  for (int i = 0; i < explained.excluded_size() && i < 50; ++i) {
    *out.add_excluded() = std::move(*explained.mutable_excluded(i));
  }
  for (const auto& c : ranked) *out.add_candidates() = c;

  AddSignposts(in, directory, &out, 3);
  if (ranked.empty()) {
    out.set_outcome(v1::ROUTING_OUTCOME_UNMATCHED);
    out.set_owner("queue:call-hub-review");
    out.add_reasons(
        "no statutory service is eligible and able to respond within the band's "
        "clock (see excluded for each service's reasons)");
    out.set_unmet_need_category(UnmetCategory(in));
    out.set_unmet_need_area(district.empty() ? "unknown" : district);
    return out;
  }
  out.set_outcome(v1::ROUTING_OUTCOME_ROUTED);
  out.set_service_id(ranked[0].service().id());
  out.set_service_name(ranked[0].service().name());
  if (PickCaseManager(out.service_id(), in, roster, &out)) {
    out.set_owner(absl::StrCat("case_manager:", out.case_manager_id()));
  } else if (!out.team_id().empty()) {
    out.set_owner(absl::StrCat("team:", out.team_id()));
    out.add_reasons("no case manager with capacity: the team's queue");
  } else {
    out.set_owner(absl::StrCat("service:", out.service_id()));
    out.add_reasons("the service has no teams recorded: its intake");
  }
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
