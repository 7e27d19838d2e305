// The audit trail end to end (issue 12, ADR 0013), over the real server
// binary: every call a test makes on person data - read or write, allowed,
// failed or refused - has exactly one entry, in order, naming who and
// whose record; a subject access report lists who read a record; and an
// entry edited in the data files is found by VerifyAuditTrail.
#include <future>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "router/access/policy.h"
#include "signpost/v1/audit.grpc.pb.h"
#include "signpost/v1/case_service.grpc.pb.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "signpost/v1/triage_service.grpc.pb.h"
#include "storage/testing/audit_tamper.h"
#include "tests/e2e/audit_check.h"
#include "tests/e2e/call_recorder.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::CallContext;
using ::signpost::testing::ValidGpReferral;
using ::testing::Contains;

constexpr char kNhs[] = "9990000018";

class AuditE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.RecordCallsInto(&recorder_);
    ASSERT_TRUE(server_.Start());
    auditor_ = v1::AuditService::NewStub(server_.ChannelAs({"auditor"}, "SPA01", "auditor-1"));
  }

  std::vector<v1::AuditEntry> Trail() { return testing::ReadTrail(*auditor_); }

  // Calls every unary person-data RPC with an empty request, as staff
  // holding every role: each fails validation or finds nothing, and each
  // must still leave exactly one entry.
  void SweepEveryPersonDataRpc() {
    grpc::GenericStub stub(server_.ChannelAs(testing::AllRoles()));
    // Links the triage service's descriptors in (nothing else uses them).
    (void)v1::EvaluateReferralRequest::descriptor();
    for (const char* name : {"signpost.v1.ReferralService", "signpost.v1.CaseService",
                             "signpost.v1.TriageService", "signpost.v1.AuditService"}) {
      const auto* service =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
      ASSERT_NE(service, nullptr) << name;
      for (int i = 0; i < service->method_count(); ++i) {
        const auto* m = service->method(i);
        const router::MethodPolicy* p = router::FindMethodPolicy(m->name());
        if (m->server_streaming() || p == nullptr || !p->person_data) continue;
        auto ctx = CallContext();
        grpc::Slice empty(std::string(""));
        grpc::ByteBuffer in(&empty, 1);  // an empty request message
        grpc::ByteBuffer out;
        std::promise<grpc::Status> done;
        stub.UnaryCall(ctx.get(), "/" + std::string(name) + "/" + m->name(), grpc::StubOptions(),
                       &in, &out, [&done](grpc::Status s) { done.set_value(std::move(s)); });
        done.get_future().get();
        ++swept_;
      }
    }
  }

  testing::TempDir dir_;
  testing::CallRecorder recorder_;
  testing::ServerProcess server_{dir_.Sub("data"),
                                 testing::DemoDirectoryFlags(SIGNPOST_DEMO_DIRECTORY)};
  std::unique_ptr<v1::AuditService::Stub> auditor_;
  int swept_ = 0;
};

TEST_F(AuditE2eTest, EveryCallOnPersonDataHasExactlyOneEntryInOrder) {
  auto gp =
      v1::ReferralService::NewStub(server_.ChannelAs({"referrer_system"}, "G85001", "gp-system"));
  auto hub = v1::CaseService::NewStub(server_.ChannelAs({"call_hub"}, "SPA01", "hub-1"));
  // A referral, its replay, and the referrer reading it back.
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(gp->SubmitReferral(CallContext().get(), ValidGpReferral("audit-1"), &submitted).ok());
  const v1::Referral& r = submitted.referral();
  v1::SubmitReferralResponse replayed;
  ASSERT_TRUE(gp->SubmitReferral(CallContext().get(), ValidGpReferral("audit-1"), &replayed).ok());
  v1::GetReferralRequest get;
  get.set_referral_id(r.referral_id());
  v1::Referral got;
  ASSERT_TRUE(gp->GetReferral(CallContext().get(), get, &got).ok());
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(gp->ListReferrals(CallContext().get(), {}, &listed).ok());
  // The call hub reads the person; the routed team works the referral.
  v1::GetPersonRequest person;
  person.set_person_id(kNhs);
  v1::GetPersonResponse found;
  ASSERT_TRUE(hub->GetPerson(CallContext().get(), person, &found).ok());
  auto cm = v1::CaseService::NewStub(
      server_.ChannelAs({"case_manager"}, r.routing().team_id(), "cm-audit"));
  v1::AcceptReferralRequest accept;
  accept.set_referral_id(r.referral_id());
  v1::Referral out;
  ASSERT_TRUE(cm->AcceptReferral(CallContext().get(), accept, &out).ok());
  EXPECT_EQ(cm->AcceptReferral(CallContext().get(), accept, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::AddNoteRequest note;
  note.set_person_id(found.person().person_id());
  note.set_text("Phoned; agreed a first appointment.");
  v1::CaseNote added;
  ASSERT_TRUE(cm->AddNote(CallContext().get(), note, &added).ok());
  // Refusals: no credentials; a role the RPC does not allow; a referrer
  // asking for another practice's listing.
  auto stranger = v1::CaseService::NewStub(server_.AnonymousChannel());
  EXPECT_EQ(stranger->GetPerson(CallContext().get(), person, &found).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto commissioner =
      v1::CaseService::NewStub(server_.ChannelAs({"commissioner"}, "ICB01", "comm-1"));
  EXPECT_EQ(commissioner->GetPerson(CallContext().get(), person, &found).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListReferralsRequest theirs;
  theirs.set_referrer_ods_code("Y02345");
  EXPECT_EQ(gp->ListReferrals(CallContext().get(), theirs, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  SweepEveryPersonDataRpc();
  ASSERT_GE(swept_, 30);

  const std::vector<testing::RecordedCall> calls = recorder_.Calls();
  const std::vector<v1::AuditEntry> trail = Trail();
  EXPECT_THAT(testing::CompareCallsWithTrail(calls, trail), ::testing::IsEmpty());

  // Who and whose: the submit names the referrer system and the person;
  // the stranger is recorded with no identity.
  ASSERT_GE(trail.size(), 10u);
  EXPECT_EQ(trail[0].action(), v1::AUDIT_ACTION_CREATE);
  EXPECT_EQ(trail[0].actor().organisation(), "G85001");
  EXPECT_THAT(trail[0].actor().roles(), Contains(v1::ROLE_REFERRER_SYSTEM));
  bool names_person = false;
  for (const auto& s : trail[0].subjects()) names_person |= s.nhs_number() == kNhs;
  EXPECT_TRUE(names_person) << trail[0].DebugString();
  EXPECT_EQ(trail[4].rpc(), "GetPerson");
  EXPECT_EQ(trail[4].actor().user_id(), "hub-1");
  EXPECT_EQ(trail[4].purpose(), v1::AUDIT_PURPOSE_TREATMENT);
  EXPECT_EQ(trail[8].rpc(), "GetPerson");
  EXPECT_EQ(trail[8].outcome(), v1::AUDIT_OUTCOME_DENIED);
  EXPECT_EQ(trail[8].status_code(), "UNAUTHENTICATED");
  EXPECT_TRUE(trail[8].actor().user_id().empty());
  // A refused attempt names whom it asked about, for the subject access
  // report (the caller is told nothing).
  ASSERT_EQ(trail[8].subjects_size(), 1);
  EXPECT_EQ(trail[8].subjects(0).nhs_number(), kNhs);
}

TEST_F(AuditE2eTest, ASubjectAccessReportListsWhoAccessedTheRecord) {
  auto gp =
      v1::ReferralService::NewStub(server_.ChannelAs({"referrer_system"}, "G85001", "gp-system"));
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(gp->SubmitReferral(CallContext().get(), ValidGpReferral("sar-1"), &submitted).ok());
  auto hub = v1::CaseService::NewStub(server_.ChannelAs({"call_hub"}, "SPA01", "hub-7"));
  v1::GetPersonRequest person;
  person.set_person_id(kNhs);
  v1::GetPersonResponse found;
  ASSERT_TRUE(hub->GetPerson(CallContext().get(), person, &found).ok());
  // A refused attempt is listed too.
  auto commissioner =
      v1::CaseService::NewStub(server_.ChannelAs({"commissioner"}, "ICB01", "comm-1"));
  EXPECT_EQ(commissioner->GetPerson(CallContext().get(), person, &found).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Someone else's record: not in this person's report.
  v1::SubmitReferralRequest other = ValidGpReferral("sar-2");
  other.mutable_submission()->mutable_person()->set_nhs_number("9434765919");
  other.mutable_submission()->mutable_person()->set_given_name("Alex");
  ASSERT_TRUE(gp->SubmitReferral(CallContext().get(), other, &submitted).ok());

  v1::ListRecordAccessRequest request;
  request.set_nhs_number("999 000 0018");
  v1::ListRecordAccessResponse report;
  ASSERT_TRUE(auditor_->ListRecordAccess(CallContext().get(), request, &report).ok());
  std::vector<std::string> who;
  for (const auto& e : report.entries()) {
    if (!e.actor().internal()) who.push_back(e.rpc() + " " + e.actor().organisation());
  }
  EXPECT_EQ(who, (std::vector<std::string>{"SubmitReferral G85001", "GetPerson SPA01",
                                           "GetPerson ICB01"}));
  // Only auditors may ask.
  auto not_auditor =
      v1::AuditService::NewStub(server_.ChannelAs({"duty_clinician"}, "SPA01", "duty-1"));
  EXPECT_EQ(not_auditor->ListRecordAccess(CallContext().get(), request, &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuditE2eTest, BreakGlassOpensOnePersonsRecordWithAReasonAndIsAuditedAsEmergency) {
  auto gp = v1::ReferralService::NewStub(server_.ChannelAs({"referrer_system"}, "G85001", "gp-1"));
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(gp->SubmitReferral(CallContext().get(), ValidGpReferral("bg-1"), &submitted).ok());
  // A case manager of a team the referral was not routed to.
  ASSERT_NE(submitted.referral().routing().team_id(), "team-elsewhere");
  auto outsider = v1::CaseService::NewStub(
      server_.ChannelAs({"case_manager"}, "team-elsewhere", "cm-outsider"));
  v1::GetPersonRequest person;
  person.set_person_id(kNhs);
  v1::GetPersonResponse found;
  EXPECT_EQ(outsider->GetPerson(CallContext().get(), person, &found).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_FALSE(found.has_person());
  v1::BreakGlassRequest glass;
  glass.set_person_id(kNhs);
  v1::BreakGlassGrant grant;
  EXPECT_EQ(outsider->BreakGlass(CallContext().get(), glass, &grant).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT)
      << "no reason, no access";
  glass.set_reason("Brought to A&E by police; need risk history before assessment");
  ASSERT_TRUE(outsider->BreakGlass(CallContext().get(), glass, &grant).ok());
  EXPECT_EQ(grant.user_id(), "cm-outsider");
  ASSERT_TRUE(outsider->GetPerson(CallContext().get(), person, &found).ok());
  EXPECT_EQ(found.person().nhs_number(), kNhs);
  // Another outsider has no grant.
  auto other =
      v1::CaseService::NewStub(server_.ChannelAs({"case_manager"}, "team-elsewhere", "cm-other"));
  EXPECT_EQ(other->GetPerson(CallContext().get(), person, &found).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  std::vector<std::string> said;
  for (const auto& e : Trail()) {
    if (e.actor().user_id() != "cm-outsider") continue;
    said.push_back(testing::SaidEntry(e) + " " + v1::AuditPurpose_Name(e.purpose()) + " " +
                   e.break_glass_reason());
  }
  const std::string reason = glass.reason();
  EXPECT_EQ(said, (std::vector<std::string>{
                      "GetPerson DENIED AUDIT_PURPOSE_TREATMENT ",
                      "BreakGlass FAILED AUDIT_PURPOSE_TREATMENT ",
                      "BreakGlass SUCCESS AUDIT_PURPOSE_EMERGENCY_TREATMENT " + reason,
                      "GetPerson SUCCESS AUDIT_PURPOSE_EMERGENCY_TREATMENT " + reason}));
}

TEST_F(AuditE2eTest, AnEntryEditedInTheDataFilesIsFoundByVerify) {
  auto hub = v1::CaseService::NewStub(server_.ChannelAs({"call_hub"}, "SPA01", "hub-1"));
  auto gp =
      v1::ReferralService::NewStub(server_.ChannelAs({"referrer_system"}, "G85001", "gp-system"));
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(gp->SubmitReferral(CallContext().get(), ValidGpReferral("edit-1"), &submitted).ok());
  v1::GetPersonRequest person;
  person.set_person_id(kNhs);
  v1::GetPersonResponse found;
  ASSERT_TRUE(hub->GetPerson(CallContext().get(), person, &found).ok());
  v1::VerifyAuditTrailResponse verified;
  ASSERT_TRUE(auditor_->VerifyAuditTrail(CallContext().get(), {}, &verified).ok());
  EXPECT_TRUE(verified.intact()) << verified.DebugString();
  // The GetPerson entry, and the seal it is under.
  uint64_t target = 0;
  for (const auto& e : Trail()) {
    if (e.rpc() == "GetPerson") target = e.sequence();
  }
  ASSERT_GT(target, 0u);
  const v1::AuditSeal anchor = verified.seal();

  server_.Kill(SIGTERM);
  ASSERT_TRUE(storage::AuditTamper::EditEntry(server_.data_dir(), target, [](v1::AuditEntry& e) {
                e.mutable_actor()->set_user_id("someone-else");
              }).ok());
  ASSERT_TRUE(server_.Start());
  auditor_ = v1::AuditService::NewStub(server_.ChannelAs({"auditor"}, "SPA01", "auditor-1"));
  v1::VerifyAuditTrailRequest with_anchor;
  *with_anchor.mutable_anchor() = anchor;
  ASSERT_TRUE(auditor_->VerifyAuditTrail(CallContext().get(), with_anchor, &verified).ok());
  EXPECT_FALSE(verified.intact());
  ASSERT_EQ(verified.problems_size(), 1) << verified.DebugString();
  EXPECT_EQ(verified.problems(0).sequence(), target);
  EXPECT_EQ(verified.problems(0).kind(), "changed");
}

}  // namespace
}  // namespace signpost
