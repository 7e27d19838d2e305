#include "router/access/policy.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/strings/str_cat.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

constexpr auto kSystem = v1::ROLE_REFERRER_SYSTEM;
constexpr auto kHub = v1::ROLE_CALL_HUB;
constexpr auto kDuty = v1::ROLE_DUTY_CLINICIAN;
constexpr auto kCase = v1::ROLE_CASE_MANAGER;
constexpr auto kLead = v1::ROLE_TEAM_LEAD;
constexpr auto kPartner = v1::ROLE_PARTNER_STAFF;
constexpr auto kCommissioner = v1::ROLE_COMMISSIONER;
constexpr auto kAdmin = v1::ROLE_DIRECTORY_ADMIN;
constexpr auto kSafety = v1::ROLE_CLINICAL_SAFETY_OFFICER;

// Staff who work referrals inside the SPA and its teams.
constexpr RoleSet kClinical = {kHub, kDuty, kCase, kLead};
constexpr RoleSet kEveryone = {kSystem,  kHub,          kDuty,  kCase,   kLead,
                               kPartner, kCommissioner, kAdmin, kSafety, v1::ROLE_AUDITOR};

// Every RPC's row: data, not logic, so it is one constant.
constexpr std::array<MethodPolicy, 48> kTable = {{
    // ReferralService.
    {"SubmitReferral", {kSystem, kHub}, true},
    {"GetReferral", {kSystem, kHub, kDuty, kCase, kLead}, true},
    // Team leads work their team's queue (ListTeamQueue), not the whole list.
    {"ListReferrals", {kSystem, kHub, kDuty}, true},
    {"WithdrawReferral", {kSystem, kHub}, true},
    {"WatchReferrals", {kSystem, kHub, kDuty, kLead}, true},
    {"SummariseUnmetNeed", {kCommissioner, kHub, kLead, kAdmin}, false},
    // TriageService. A dry run stores nothing, but its input is a person.
    {"EvaluateReferral", {kHub, kDuty, kSafety}, true},
    {"ReplayRuleSet", {kSafety}, true},
    {"ActivateRuleSet", {kSafety}, false},
    {"GetActiveRuleSet", kEveryone, false},
    // DirectoryService. Case managers are roster entries: only a
    // directory administrator enrols them.
    {"UpsertService", {kAdmin}, false},
    {"GetService", kEveryone, false},
    {"RetireService", {kAdmin}, false},
    {"UpsertTeam", {kAdmin}, false},
    {"UpsertCaseManager", {kAdmin}, false},
    {"SearchServices", {kSystem, kHub, kDuty, kCase, kLead, kPartner, kAdmin}, false},
    {"ImportDirectory", {kAdmin}, false},
    {"ExportDirectory", {kAdmin, kCommissioner}, false},
    // CaseService: people and their record.
    {"GetPerson", kClinical, true},
    {"ListPossibleDuplicates", {kHub, kDuty}, true},
    {"ResolvePossibleDuplicate", {kDuty}, true},
    {"UnmergePeople", {kDuty}, true},
    {"GetAssessment", kClinical, true},
    {"ListAssessmentVersions", {kDuty, kCase, kLead}, true},
    {"UpdateAssessment", {kDuty, kCase}, true},
    // Outside a relationship, a clinician may break glass (audited,
    // time-limited, alerted). SPA staff are not limited, so need not.
    {"BreakGlass", {kCase, kLead}, true},
    // CaseService: the lifecycle.
    {"AcceptReferral", {kCase, kLead}, true},
    {"DeclineReferral", {kDuty, kCase, kLead}, true},
    {"StartReferral", {kCase, kLead}, true},
    {"RecordFirstContact", {kDuty, kCase}, true},
    {"HoldReferral", {kCase, kLead}, true},
    {"CloseReferral", {kCase, kLead}, true},
    {"SignpostReferral", {kHub, kCase, kLead}, true},
    {"RerouteReferral", {kHub, kDuty, kLead}, true},
    {"MarkEnteredInError", {kHub, kDuty, kLead}, true},
    {"RetriageReferral", {kDuty}, true},
    {"ListCaseload", {kCase, kLead}, true},
    {"ListTeamQueue", kClinical, true},
    {"GetTimeline", {kDuty, kCase, kLead}, true},
    {"AddNote", {kDuty, kCase, kLead}, true},
    {"RecordMdtMeeting", {kDuty, kCase, kLead}, true},
    // Overdue referrals across every team: the SPA's view. Team leads
    // see their team's clocks in ListTeamQueue.
    {"ListOverdue", {kHub, kDuty}, true},
    // CaseService: voluntary-sector partners.
    {"ListPartnerReferrals", {kPartner}, true},
    {"RespondToSignposting", {kPartner}, true},
    {"RecordPartnerOutcome", {kPartner}, true},
    // AuditService. Reading the trail discloses whose records were
    // accessed, so it is itself audited.
    {"VerifyAuditTrail", {v1::ROLE_AUDITOR}, false},
    {"ListRecordAccess", {v1::ROLE_AUDITOR}, true},
    {"ListAuditEntries", {v1::ROLE_AUDITOR}, true},
}};

}  // namespace

std::span<const MethodPolicy> MethodPolicies() { return kTable; }

const MethodPolicy* FindMethodPolicy(std::string_view method) {
  const auto& table = kTable;
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const MethodPolicy& p) { return p.method == method; });
  return it == table.end() ? nullptr : &*it;
}

absl::Status AuthoriseCall(const Caller& caller, std::string_view method) {
  if (!caller.authenticated()) {
    return absl::UnauthenticatedError(
        "credentials required: a client certificate or a bearer token");
  }
  const MethodPolicy* policy = FindMethodPolicy(method);
  if (policy == nullptr || !caller.roles.Intersects(policy->roles)) {
    return absl::PermissionDeniedError(
        absl::StrCat("your role may not call ", std::string(method)));
  }
  return absl::OkStatus();
}

}  // namespace signpost::router
