// The role gate (router/access/policy.h): every RPC of every service has a
// policy, and the roles behind the abuse scenarios of issue 12 are refused.
#include "router/access/policy.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "signpost/v1/audit.pb.h"
#include "signpost/v1/case_service.pb.h"
#include "signpost/v1/directory_service.pb.h"
#include "signpost/v1/referral_service.pb.h"
#include "signpost/v1/triage_service.pb.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::HasSubstr;

constexpr const char* kServices[] = {"signpost.v1.ReferralService", "signpost.v1.CaseService",
                                     "signpost.v1.DirectoryService", "signpost.v1.TriageService",
                                     "signpost.v1.AuditService"};

std::vector<std::string> AllMethods() {
  // Make sure the generated files are linked in.
  v1::SubmitReferralRequest a;
  v1::GetPersonRequest b;
  v1::UpsertServiceRequest c;
  v1::ActivateRuleSetRequest d;
  v1::VerifyAuditTrailRequest e;
  std::vector<std::string> out;
  for (const char* name : kServices) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) out.push_back(service->method(i)->name());
  }
  return out;
}

std::vector<v1::Role> AllRoles() {
  std::vector<v1::Role> out;
  for (int i = 1; i <= v1::Role_MAX; ++i) {
    if (v1::Role_IsValid(i)) out.push_back(static_cast<v1::Role>(i));
  }
  return out;
}

Caller With(v1::Role role) {
  return Caller{.user_id = "u", .organisation = "ORG", .roles = {role}};
}

TEST(PolicyTest, EveryRpcHasExactlyOnePolicyAndNoPolicyIsStale) {
  const std::vector<std::string> methods = AllMethods();
  EXPECT_EQ(methods.size(), 48u);
  const std::set<std::string> unique(methods.begin(), methods.end());
  EXPECT_EQ(unique.size(), methods.size()) << "RPC names must be unique across services";
  for (const std::string& m : methods) {
    EXPECT_NE(FindMethodPolicy(m), nullptr) << m << " has no policy (denied to everyone)";
  }
  for (const MethodPolicy& p : MethodPolicies()) {
    EXPECT_TRUE(unique.contains(std::string(p.method))) << p.method << " is not an RPC";
    EXPECT_FALSE(p.roles.empty()) << p.method;
  }
}

TEST(PolicyTest, NoCredentialsIsUnauthenticatedForEveryRpc) {
  for (const std::string& m : AllMethods()) {
    EXPECT_EQ(AuthoriseCall(Caller{}, m).code(), absl::StatusCode::kUnauthenticated) << m;
    // An organisation without roles is not enough.
    EXPECT_EQ(AuthoriseCall(Caller{.organisation = "X"}, m).code(),
              absl::StatusCode::kUnauthenticated)
        << m;
  }
}

TEST(PolicyTest, UnknownMethodIsDeniedToEveryRole) {
  for (v1::Role r : AllRoles()) {
    EXPECT_EQ(AuthoriseCall(With(r), "DropDatabase").code(), absl::StatusCode::kPermissionDenied);
  }
}

TEST(PolicyTest, RefusalNamesTheRpcNotTheRecord) {
  const absl::Status s = AuthoriseCall(With(v1::ROLE_PARTNER_STAFF), "GetPerson");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("GetPerson"));
}

// The abuse scenarios of issue 12, at the role gate: which roles may do
// each, written out independently of the table.
struct Scenario {
  const char* what;
  const char* method;
  std::set<v1::Role> allowed;
};

const Scenario kScenarios[] = {
    {"activate a rule set", "ActivateRuleSet", {v1::ROLE_CLINICAL_SAFETY_OFFICER}},
    {"replay rules over stored referrals", "ReplayRuleSet", {v1::ROLE_CLINICAL_SAFETY_OFFICER}},
    {"retire a service", "RetireService", {v1::ROLE_DIRECTORY_ADMIN}},
    {"import a fake partner", "ImportDirectory", {v1::ROLE_DIRECTORY_ADMIN}},
    {"upsert a service", "UpsertService", {v1::ROLE_DIRECTORY_ADMIN}},
    {"enrol a case manager", "UpsertCaseManager", {v1::ROLE_DIRECTORY_ADMIN}},
    {"confirm a merge", "ResolvePossibleDuplicate", {v1::ROLE_DUTY_CLINICIAN}},
    {"unmerge", "UnmergePeople", {v1::ROLE_DUTY_CLINICIAN}},
    {"override triage", "RetriageReferral", {v1::ROLE_DUTY_CLINICIAN}},
    {"stop a clock", "RecordFirstContact", {v1::ROLE_DUTY_CLINICIAN, v1::ROLE_CASE_MANAGER}},
    {"rewrite an assessment", "UpdateAssessment", {v1::ROLE_DUTY_CLINICIAN, v1::ROLE_CASE_MANAGER}},
    {"close a case", "CloseReferral", {v1::ROLE_CASE_MANAGER, v1::ROLE_TEAM_LEAD}},
    {"read a person",
     "GetPerson",
     {v1::ROLE_CALL_HUB, v1::ROLE_DUTY_CLINICIAN, v1::ROLE_CASE_MANAGER, v1::ROLE_TEAM_LEAD}},
    {"answer as a partner", "RespondToSignposting", {v1::ROLE_PARTNER_STAFF}},
    {"submit a referral", "SubmitReferral", {v1::ROLE_REFERRER_SYSTEM, v1::ROLE_CALL_HUB}},
};

TEST(PolicyTest, AbuseScenariosAreRefusedToEveryOtherRole) {
  for (const Scenario& s : kScenarios) {
    for (v1::Role r : AllRoles()) {
      const absl::Status got = AuthoriseCall(With(r), s.method);
      if (s.allowed.contains(r)) {
        EXPECT_TRUE(got.ok()) << s.what << " as " << v1::Role_Name(r) << ": " << got;
      } else {
        EXPECT_EQ(got.code(), absl::StatusCode::kPermissionDenied)
            << s.what << " as " << v1::Role_Name(r);
      }
    }
  }
}

TEST(PolicyTest, CommissionersReachNoPersonLevelData) {
  for (const MethodPolicy& p : MethodPolicies()) {
    if (p.roles.Has(v1::ROLE_COMMISSIONER)) {
      EXPECT_FALSE(p.person_data) << p.method;
    }
  }
}

TEST(PolicyTest, ReferrerSystemsAndPartnersNeverReachTheCaseRecord) {
  const auto* cases = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "signpost.v1.CaseService");
  ASSERT_NE(cases, nullptr);
  for (int i = 0; i < cases->method_count(); ++i) {
    const std::string m = cases->method(i)->name();
    EXPECT_FALSE(AuthoriseCall(With(v1::ROLE_REFERRER_SYSTEM), m).ok()) << m;
    const bool partner_rpc =
        m == "ListPartnerReferrals" || m == "RespondToSignposting" || m == "RecordPartnerOutcome";
    EXPECT_EQ(AuthoriseCall(With(v1::ROLE_PARTNER_STAFF), m).ok(), partner_rpc) << m;
  }
}

}  // namespace
}  // namespace signpost::router
