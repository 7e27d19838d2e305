// Routing after triage: a statutory service, team and case manager, or
// voluntary-sector signposting, or the call-hub review queue. Never nowhere.
//
//   RoutingDecision r = RouteReferral({.submission = s, .triage = d,
//                                      .received_at = t, .zone = london},
//                                     *snapshot, roster);
//
// Rules (docs/ROUTING.md):
// - Bands F and G go to voluntary services (SIGNPOSTED), or UNMATCHED if none
//   is eligible.
// - Bands A-E search statutory services for the triage pathways and coded
//   needs, filtered by age, postcode district, GP practice, band, referral
//   route, and the clock: for A and B the service must be open at receipt
//   (a crisis is never routed to a closed service); for other bands it must
//   open at some point before the response-by time. Ranked by capacity,
//   locality, the person's language and accessibility needs, and stated
//   preferences (a preferred service ranks up; a declined one is excluded).
// - The case manager: the person's existing one (continuity), else the best
//   skills/language match with caseload headroom, else the team's queue.
//   Headroom is caseload_limit minus the open referrals allocated to them
//   (RoutingInput::caseloads, counted from stored allocations); the
//   roster's current_caseload is ignored.
// - Relevant voluntary services are offered alongside (carer support,
//   employment, social prescribing ...), recorded as signposts.
// - Nothing eligible, or everything eligible full: UNMATCHED, owned by the
//   call-hub review queue, with the reasons and the unmet need by category
//   and area.
// Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_DIRECTORY_ROUTING_H_
#define SIGNPOST_ROUTER_DIRECTORY_ROUTING_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "router/directory/directory_snapshot.h"
#include "signpost/v1/directory.pb.h"
#include "signpost/v1/referral.pb.h"
#include "signpost/v1/triage.pb.h"

namespace signpost::router {

struct TeamRoster {
  std::vector<signpost::v1::Team> teams;
  std::vector<signpost::v1::CaseManager> case_managers;
};

// Open referrals allocated per case manager id (absent = none).
using CaseloadCounts = std::map<std::string, int>;

// Continuity may take a person's existing case manager past their caseload
// limit by this many referrals (open < caseload_limit + allowance).
inline constexpr int kContinuityAllowance = 3;

struct RoutingInput {
  const signpost::v1::ReferralSubmission& submission;
  const signpost::v1::TriageDecision& triage;
  absl::Time received_at;
  absl::TimeZone zone = absl::UTCTimeZone();
  // Continuity: the person's case manager on their open referral, if any.
  std::string existing_case_manager_id;
  // Current caseloads; null means nobody has an open allocation.
  const CaseloadCounts* caseloads = nullptr;
};

// Unmet need for commissioners: the first specific triage pathway, else
// the first coded need ("unspecified" if none), and the postcode district
// ("unknown" if none).
struct UnmetNeed {
  std::string category;
  std::string area;
};
UnmetNeed UnmetNeedFor(const signpost::v1::ReferralSubmission& submission,
                       const signpost::v1::TriageDecision& triage);

signpost::v1::RoutingDecision RouteReferral(const RoutingInput& input,
                                            const DirectorySnapshot& directory,
                                            const TeamRoster& roster);

// The roster's case manager with this id, or null.
const signpost::v1::CaseManager* FindCaseManager(const TeamRoster& roster, std::string_view id);

// The status a routed referral takes (ROUTED / SIGNPOSTED / UNMATCHED).
signpost::v1::ReferralStatus StatusForRouting(const signpost::v1::RoutingDecision& decision);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_DIRECTORY_ROUTING_H_
