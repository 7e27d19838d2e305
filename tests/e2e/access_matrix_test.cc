// The access matrix (issue 12), over the real server binary: every RPC x
// every role (and no credentials) x the caller's own versus another
// organisation (for team staff: with versus without a relationship with
// the record) x with versus without a break-glass grant. Each cell is
// asserted against an expectation written from docs/ACCESS.md: allowed
// (anything but PERMISSION_DENIED / UNAUTHENTICATED - the request may still
// fail validation or a precondition), or refused with one of those codes
// and a message that names nothing of the record. Requests target one
// fixture referral and person; those that would change the record's
// relationships are deliberately incomplete, so allowed cells fail
// validation instead.
#include <future>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "identity/authenticator.h"
#include "router/access/policy.h"
#include "signpost/v1/audit.grpc.pb.h"
#include "signpost/v1/case_service.grpc.pb.h"
#include "signpost/v1/directory_service.grpc.pb.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "signpost/v1/triage_service.grpc.pb.h"
#include "tests/e2e/audit_check.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
namespace pb = ::google::protobuf;
using ::signpost::testing::CallContext;

constexpr char kNhs[] = "9990000018";
constexpr char kGp[] = "G85001";
constexpr char kPartnerOrg[] = "org-partner";
constexpr char kOwnUser[] = "u-own";
constexpr char kGlassUser[] = "glass-user";

// What a request is about, for the relationship dimension.
enum class Scope {
  kNone,         // the role gate only
  kReferral,     // the fixture referral: referrer's organisation; team relationship
  kPerson,       // the fixture person: team relationship
  kReferrerOrg,  // names the GP's ODS code: referrer systems act only for their own
  kPartnerOrg,   // names the partner organisation: partner staff act only for their own
  kCaseload,     // names the own case manager: a case manager lists only their own
  kTeamQueue,    // names the referral's team: team staff list only their own
};

struct Rpc {
  const char* service;
  const char* method;
  Scope scope;
  // JSON request; $R referral id, $NHS the person, $T the team.
  const char* json;
};

// Every RPC. Mutating requests that could move the fixture referral to
// another team or person are incomplete (no reason, target or outcome).
const Rpc kRpcs[] = {
    {"ReferralService", "SubmitReferral", Scope::kReferrerOrg,
     R"({"submission": {"referrer": {"ods_code": "G85001"}}})"},
    {"ReferralService", "GetReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"ReferralService", "ListReferrals", Scope::kReferrerOrg, R"({"referrer_ods_code": "G85001"})"},
    {"ReferralService", "WithdrawReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"ReferralService", "SummariseUnmetNeed", Scope::kNone, "{}"},
    {"TriageService", "EvaluateReferral", Scope::kNone, "{}"},
    {"TriageService", "ReplayRuleSet", Scope::kNone, "{}"},
    {"TriageService", "ActivateRuleSet", Scope::kNone, "{}"},
    {"TriageService", "GetActiveRuleSet", Scope::kNone, "{}"},
    {"DirectoryService", "UpsertService", Scope::kNone, "{}"},
    {"DirectoryService", "GetService", Scope::kNone, R"({"service_id": "no-such-service"})"},
    {"DirectoryService", "RetireService", Scope::kNone, R"({"service_id": "no-such-service"})"},
    {"DirectoryService", "UpsertTeam", Scope::kNone, "{}"},
    {"DirectoryService", "UpsertCaseManager", Scope::kNone, "{}"},
    {"DirectoryService", "SearchServices", Scope::kNone, "{}"},
    {"DirectoryService", "ImportDirectory", Scope::kNone, "{}"},
    {"DirectoryService", "ExportDirectory", Scope::kNone, "{}"},
    {"CaseService", "GetPerson", Scope::kPerson, R"({"person_id": "$NHS"})"},
    {"CaseService", "ListPossibleDuplicates", Scope::kNone, "{}"},
    {"CaseService", "ResolvePossibleDuplicate", Scope::kNone, R"({"candidate_id": "Dnone"})"},
    {"CaseService", "UnmergePeople", Scope::kNone, R"({"merge_id": "Gnone"})"},
    {"CaseService", "GetAssessment", Scope::kPerson, R"({"person_id": "$NHS"})"},
    {"CaseService", "ListAssessmentVersions", Scope::kPerson, R"({"person_id": "$NHS"})"},
    {"CaseService", "UpdateAssessment", Scope::kPerson, R"({"person_id": "$NHS"})"},
    {"CaseService", "BreakGlass", Scope::kNone, R"({"person_id": "$NHS"})"},
    {"CaseService", "AcceptReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "DeclineReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "StartReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "RecordFirstContact", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "HoldReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "CloseReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "SignpostReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "RerouteReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "MarkEnteredInError", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "RetriageReferral", Scope::kReferral, R"({"referral_id": "$R"})"},
    {"CaseService", "ListCaseload", Scope::kCaseload, R"({"case_manager_id": "u-own"})"},
    {"CaseService", "ListTeamQueue", Scope::kTeamQueue, R"({"team_id": "$T"})"},
    {"CaseService", "GetTimeline", Scope::kPerson, R"({"person_id": "$NHS"})"},
    {"CaseService", "AddNote", Scope::kPerson, R"({"person_id": "$NHS"})"},
    {"CaseService", "RecordMdtMeeting", Scope::kPerson, R"({"meeting": {"person_id": "$NHS"}})"},
    {"CaseService", "ListOverdue", Scope::kNone, "{}"},
    {"CaseService", "ListPartnerReferrals", Scope::kPartnerOrg,
     R"({"organization_id": "org-partner"})"},
    {"CaseService", "RespondToSignposting", Scope::kPartnerOrg,
     R"({"organization_id": "org-partner", "referral_id": "$R"})"},
    {"CaseService", "RecordPartnerOutcome", Scope::kPartnerOrg,
     R"({"organization_id": "org-partner", "referral_id": "$R"})"},
    {"AuditService", "VerifyAuditTrail", Scope::kNone, "{}"},
    {"AuditService", "ListRecordAccess", Scope::kNone, R"({"nhs_number": "$NHS"})"},
    {"AuditService", "ListAuditEntries", Scope::kNone, R"({"page_size": 1})"},
};

// One caller: a role (empty: no credentials), the organisation acted for,
// and the user.
struct Cell {
  std::string role;
  bool own = true;
  bool glass = false;
  std::string organisation;
  std::string user;
};

bool IsTeamStaff(const std::string& role) { return role == "case_manager" || role == "team_lead"; }

std::vector<Cell> Cells(const std::string& team) {
  std::vector<Cell> out = {{.role = ""}};
  for (const std::string& role : testing::AllRoles()) {
    for (bool own : {true, false}) {
      for (bool glass : {false, true}) {
        Cell c{.role = role, .own = own, .glass = glass};
        if (role == "referrer_system") {
          c.organisation = own ? kGp : "Y02345";
        } else if (IsTeamStaff(role)) {
          c.organisation = own ? team : "team-elsewhere";
        } else if (role == "partner_staff") {
          c.organisation = own ? kPartnerOrg : "org-other";
        } else {
          c.organisation = own ? "SPA01" : "OTHER01";
        }
        c.user = glass ? kGlassUser : (own ? kOwnUser : "u-other");
        out.push_back(c);
      }
    }
  }
  return out;
}

// Whether `cell` may make `rpc`'s call (docs/ACCESS.md).
bool Allowed(const Rpc& rpc, const Cell& cell) {
  if (cell.role.empty()) return false;
  const router::MethodPolicy* policy = router::FindMethodPolicy(rpc.method);
  auto role = identity::ParseRoleName(cell.role);
  if (policy == nullptr || !role.ok() || !policy->roles.Has(*role)) return false;
  const bool team = IsTeamStaff(cell.role);
  switch (rpc.scope) {
    case Scope::kReferral:
      if (cell.role == "referrer_system") return cell.own;
      return !team || cell.own || cell.glass;
    case Scope::kPerson:
      return !team || cell.own || cell.glass;
    case Scope::kReferrerOrg:
      return cell.role != "referrer_system" || cell.own;
    case Scope::kPartnerOrg:
      return cell.role != "partner_staff" || cell.own;
    case Scope::kCaseload:
      return cell.role != "case_manager" || cell.user == kOwnUser;
    case Scope::kTeamQueue:
      return !team || cell.own;
    case Scope::kNone:
      return true;
  }
  return false;
}

std::string Describe(const Rpc& rpc, const Cell& c) {
  return absl::StrCat(rpc.method, " as ", c.role.empty() ? "nobody" : c.role, "@", c.organisation,
                      c.own ? " (own)" : " (other)", c.glass ? " with break-glass" : "");
}

class AccessMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.RecordCallsInto(&recorder_);
    ASSERT_TRUE(server_.Start());
    auto gp = v1::ReferralService::NewStub(server_.ChannelAs({"referrer_system"}, kGp, "gp-1"));
    v1::SubmitReferralResponse submitted;
    ASSERT_TRUE(
        gp->SubmitReferral(CallContext().get(), testing::ValidGpReferral("m-1"), &submitted).ok());
    referral_ = submitted.referral();
    ASSERT_FALSE(referral_.routing().team_id().empty()) << "the fixture must be with a team";
    auto glass =
        v1::CaseService::NewStub(server_.ChannelAs({"case_manager"}, "team-elsewhere", kGlassUser));
    v1::BreakGlassRequest request;
    request.set_person_id(kNhs);
    request.set_reason("Matrix test: emergency access outside the team");
    v1::BreakGlassGrant grant;
    ASSERT_TRUE(glass->BreakGlass(CallContext().get(), request, &grant).ok());
  }

  std::shared_ptr<grpc::Channel> ChannelFor(const Cell& c) {
    if (c.role.empty()) return server_.AnonymousChannel();
    return server_.ChannelAs({c.role}, c.organisation, c.user);
  }

  // The request bytes for `rpc` against the fixture.
  std::string RequestBytes(const Rpc& rpc) {
    const std::string full = absl::StrCat("signpost.v1.", rpc.service, ".", rpc.method);
    const pb::MethodDescriptor* m = pb::DescriptorPool::generated_pool()->FindMethodByName(full);
    EXPECT_NE(m, nullptr) << full;
    if (m == nullptr) return "";
    std::unique_ptr<pb::Message> request(
        pb::MessageFactory::generated_factory()->GetPrototype(m->input_type())->New());
    const std::string json = absl::StrReplaceAll(
        rpc.json,
        {{"$R", referral_.referral_id()}, {"$NHS", kNhs}, {"$T", referral_.routing().team_id()}});
    EXPECT_TRUE(pb::util::JsonStringToMessage(json, request.get()).ok()) << rpc.method << json;
    return request->SerializeAsString();
  }

  grpc::Status Unary(const Rpc& rpc, const Cell& c) {
    grpc::GenericStub stub(ChannelFor(c));
    const std::string bytes = RequestBytes(rpc);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer in(&slice, 1);
    grpc::ByteBuffer out;
    auto ctx = CallContext();
    std::promise<grpc::Status> done;
    stub.UnaryCall(ctx.get(), absl::StrCat("/signpost.v1.", rpc.service, "/", rpc.method),
                   grpc::StubOptions(), &in, &out,
                   [&done](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  // Whatever a refusal says, it names nothing of the record.
  std::vector<std::string> Secrets() const {
    return {kNhs, "999 000 0018", "Testperson", referral_.reference(), referral_.person_id()};
  }

  testing::TempDir dir_;
  testing::CallRecorder recorder_;
  testing::ServerProcess server_{dir_.Sub("data"),
                                 testing::DemoDirectoryFlags(SIGNPOST_DEMO_DIRECTORY)};
  v1::Referral referral_;
};

TEST_F(AccessMatrixTest, EveryRpcRoleOrganisationRelationshipAndBreakGlassCell) {
  // Links every service's descriptors in.
  (void)v1::EvaluateReferralRequest::descriptor();
  (void)v1::UpsertServiceRequest::descriptor();
  (void)v1::VerifyAuditTrailRequest::descriptor();
  const std::vector<Cell> cells = Cells(referral_.routing().team_id());
  int checked = 0;
  int allowed = 0;
  std::vector<std::string> wrong;
  for (const Rpc& rpc : kRpcs) {
    for (const Cell& c : cells) {
      const grpc::Status s = Unary(rpc, c);
      const bool refused = s.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                           s.error_code() == grpc::StatusCode::UNAUTHENTICATED;
      const bool expected = Allowed(rpc, c);
      ++checked;
      allowed += expected ? 1 : 0;
      if (expected == refused) {
        wrong.push_back(absl::StrCat(Describe(rpc, c), ": expected ",
                                     expected ? "allowed" : "refused", ", got ",
                                     static_cast<int>(s.error_code()), " ", s.error_message()));
        continue;
      }
      if (c.role.empty() && s.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
        wrong.push_back(Describe(rpc, c) + ": no credentials must be UNAUTHENTICATED");
      }
      for (const std::string& secret : Secrets()) {
        if (refused && !secret.empty() && s.error_message().find(secret) != std::string::npos) {
          wrong.push_back(Describe(rpc, c) + ": the refusal discloses " + secret);
        }
      }
    }
  }
  // Every RPC of every service is in the matrix.
  size_t rpcs = 0;
  for (const char* name :
       {"ReferralService", "TriageService", "DirectoryService", "CaseService", "AuditService"}) {
    rpcs += pb::DescriptorPool::generated_pool()
                ->FindServiceByName(absl::StrCat("signpost.v1.", name))
                ->method_count();
  }
  EXPECT_EQ(std::size(kRpcs) + 1, rpcs) << "every unary RPC, plus WatchReferrals below";
  EXPECT_EQ(checked, static_cast<int>(std::size(kRpcs) * cells.size()));
  EXPECT_GT(allowed, 0);
  EXPECT_THAT(wrong, ::testing::IsEmpty()) << wrong.size() << " of " << checked << " cells";
  std::printf("access matrix: %d cells, %d allowed, %d refused, %zu wrong\n", checked, allowed,
              checked - allowed, wrong.size());
  // And every one of those calls on person data, and every refusal, is in
  // the audit trail exactly once, in order.
  const std::vector<testing::RecordedCall> calls = recorder_.Calls();
  auto auditor = v1::AuditService::NewStub(server_.ChannelAs({"auditor"}, "SPA01", "auditor-m"));
  const std::vector<v1::AuditEntry> trail = testing::ReadTrail(*auditor);
  EXPECT_THAT(testing::CompareCallsWithTrail(calls, trail), ::testing::IsEmpty());
  std::printf("audit trail: %zu calls made, %zu entries\n", calls.size(), trail.size());
}

TEST_F(AccessMatrixTest, WatchReferralsFollowsTheSameRules) {
  const Rpc watch{"ReferralService", "WatchReferrals", Scope::kReferrerOrg, ""};
  for (const Cell& c : Cells(referral_.routing().team_id())) {
    auto stub = v1::ReferralService::NewStub(ChannelFor(c));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
    v1::WatchReferralsRequest request;
    request.set_referrer_ods_code(kGp);
    auto reader = stub->WatchReferrals(&ctx, request);
    v1::ReferralEvent e;
    while (reader->Read(&e)) {
    }
    const grpc::Status s = reader->Finish();
    const bool refused = s.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                         s.error_code() == grpc::StatusCode::UNAUTHENTICATED;
    EXPECT_EQ(refused, !Allowed(watch, c)) << Describe(watch, c) << ": " << s.error_message();
  }
}

}  // namespace
}  // namespace signpost
