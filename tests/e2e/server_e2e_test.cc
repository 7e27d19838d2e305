// End to end: the real server binary on port 0, called through the
// generated stubs.
#include <fstream>
#include <sstream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/read_file.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/violations.h"
#include "transport/grpc_status.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::ValidGpReferral;
using ::testing::ElementsAre;
using ::testing::SizeIs;

std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 10) { return testing::CallContext(seconds); }

class ServerE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << "server did not start";
    stub_ = v1::ReferralService::NewStub(server_.Channel());
  }

  void Restart(int signal) {
    server_.Kill(signal);
    ASSERT_TRUE(server_.Start()) << "server did not restart";
    stub_ = v1::ReferralService::NewStub(server_.Channel());
  }

  v1::SubmitReferralResponse Submit(const v1::SubmitReferralRequest& r) {
    v1::SubmitReferralResponse response;
    grpc::Status s = stub_->SubmitReferral(Ctx().get(), r, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  // Reads exactly `n` events from a watch starting after `after`.
  std::vector<v1::ReferralEvent> WatchN(uint64_t after, size_t n,
                                        const std::string& referrer = "") {
    v1::WatchReferralsRequest req;
    req.set_after_sequence(after);
    req.set_referrer_ods_code(referrer);
    auto ctx = Ctx(20);
    auto reader = stub_->WatchReferrals(ctx.get(), req);
    std::vector<v1::ReferralEvent> out;
    v1::ReferralEvent e;
    while (out.size() < n && reader->Read(&e)) out.push_back(e);
    ctx->TryCancel();
    (void)reader->Finish();
    return out;
  }

  testing::TempDir dir_;
  testing::ServerProcess server_{dir_.Sub("data")};
  std::unique_ptr<v1::ReferralService::Stub> stub_;
};

TEST_F(ServerE2eTest, HealthAndServiceAreServing) {
  EXPECT_EQ(server_.HealthStatus(""), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_EQ(server_.HealthStatus("signpost.v1.ReferralService"),
            grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(ServerE2eTest, SubmitGetListWatch) {
  const v1::Referral a = Submit(ValidGpReferral("a")).referral();
  const v1::Referral b = Submit(ValidGpReferral("b")).referral();
  ASSERT_FALSE(a.referral_id().empty());

  v1::GetReferralRequest get;
  get.set_referral_id(b.reference());
  v1::Referral got;
  ASSERT_TRUE(stub_->GetReferral(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.referral_id(), b.referral_id());
  EXPECT_EQ(got.status(), v1::REFERRAL_STATUS_TRIAGED);
  EXPECT_EQ(got.triage().band(), v1::URGENCY_BAND_E);
  EXPECT_FALSE(got.triage().rule_set_version().empty());

  v1::ListReferralsRequest list;
  list.add_statuses(v1::REFERRAL_STATUS_TRIAGED);
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(stub_->ListReferrals(Ctx().get(), list, &listed).ok());
  ASSERT_THAT(listed.referrals(), SizeIs(2));
  EXPECT_EQ(listed.referrals(0).referral_id(), a.referral_id());

  const auto events = WatchN(0, 4);
  ASSERT_THAT(events, SizeIs(4));
  EXPECT_EQ(events[0].referral_id(), a.referral_id());
  EXPECT_EQ(events[0].type(), v1::ReferralEvent::TYPE_RECEIVED);
  EXPECT_EQ(events[1].referral_id(), a.referral_id());
  EXPECT_EQ(events[1].status(), v1::REFERRAL_STATUS_TRIAGED);
  EXPECT_EQ(events[1].band(), v1::URGENCY_BAND_E);
  EXPECT_EQ(events[3].referral_id(), b.referral_id());
}

TEST_F(ServerE2eTest, WatchFollowsLiveEventsInOrder) {
  const v1::Referral a = Submit(ValidGpReferral("a")).referral();
  v1::WatchReferralsRequest req;
  req.set_after_sequence(a.last_event_sequence());
  auto ctx = Ctx(20);
  auto reader = stub_->WatchReferrals(ctx.get(), req);
  // Writes happen after the watch is open and caught up.
  std::thread writer([&] {
    auto stub = v1::ReferralService::NewStub(server_.NewChannel());
    for (int i = 0; i < 20; ++i) {
      v1::SubmitReferralResponse r;
      ASSERT_TRUE(
          stub->SubmitReferral(Ctx().get(), ValidGpReferral("live-" + std::to_string(i)), &r).ok());
    }
    v1::WithdrawReferralRequest w;
    w.set_referral_id(a.referral_id());
    w.set_reason("duplicate referral");
    v1::WithdrawReferralResponse wr;
    ASSERT_TRUE(stub->WithdrawReferral(Ctx().get(), w, &wr).ok());
  });
  std::vector<v1::ReferralEvent> events;
  v1::ReferralEvent e;
  while (events.size() < 41 && reader->Read(&e)) events.push_back(e);
  writer.join();
  ctx->TryCancel();
  (void)reader->Finish();
  ASSERT_THAT(events, SizeIs(41));  // 20 x (received, triaged) + withdrawn
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(events[i].sequence(), events[i - 1].sequence());
  }
  EXPECT_EQ(events.back().referral_id(), a.referral_id());
  EXPECT_EQ(events.back().status(), v1::REFERRAL_STATUS_WITHDRAWN);
}

TEST_F(ServerE2eTest, WatchResumesWithoutLossOrDuplication) {
  for (int i = 0; i < 10; ++i) Submit(ValidGpReferral("r" + std::to_string(i)));
  const auto first = WatchN(0, 7);
  ASSERT_THAT(first, SizeIs(7));
  const auto rest = WatchN(first.back().sequence(), 13);
  ASSERT_THAT(rest, SizeIs(13));
  std::vector<uint64_t> seqs;
  for (const auto& e : first) seqs.push_back(e.sequence());
  for (const auto& e : rest) seqs.push_back(e.sequence());
  // Resuming gives exactly what one uninterrupted watch gives.
  std::vector<uint64_t> expected;
  for (const auto& e : WatchN(0, 20)) expected.push_back(e.sequence());
  EXPECT_EQ(seqs, expected);
}

TEST_F(ServerE2eTest, RestartOnSameDataFindsEverything) {
  const v1::Referral a = Submit(ValidGpReferral("a")).referral();
  const v1::Referral b = Submit(ValidGpReferral("b")).referral();
  Restart(SIGTERM);

  v1::GetReferralRequest get;
  get.set_referral_id(a.referral_id());
  v1::Referral got;
  ASSERT_TRUE(stub_->GetReferral(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.SerializeAsString(), a.SerializeAsString());

  // Idempotency survives the restart.
  const v1::SubmitReferralResponse retry = Submit(ValidGpReferral("b"));
  EXPECT_TRUE(retry.idempotent_replay());
  EXPECT_EQ(retry.referral().referral_id(), b.referral_id());

  // The event log continues; a resumed watch sees only the new event.
  const v1::Referral c = Submit(ValidGpReferral("c")).referral();
  EXPECT_GT(c.last_event_sequence(), b.last_event_sequence());
  const auto events = WatchN(b.last_event_sequence(), 2);
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].referral_id(), c.referral_id());
  EXPECT_EQ(events[1].referral_id(), c.referral_id());
}

TEST_F(ServerE2eTest, IdempotentRetryAndConflict) {
  const v1::SubmitReferralResponse first = Submit(ValidGpReferral("same"));
  const v1::SubmitReferralResponse second = Submit(ValidGpReferral("same"));
  EXPECT_FALSE(first.idempotent_replay());
  EXPECT_TRUE(second.idempotent_replay());
  EXPECT_EQ(first.referral().referral_id(), second.referral().referral_id());

  v1::SubmitReferralRequest changed = ValidGpReferral("same");
  changed.mutable_submission()->set_story("Something else entirely.");
  v1::SubmitReferralResponse ignored;
  grpc::Status s = stub_->SubmitReferral(Ctx().get(), changed, &ignored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(ServerE2eTest, InvalidRequestListsAllFieldErrorsInDetails) {
  v1::SubmitReferralRequest bad = testing::ValidSelfReferral("bad");
  auto* p = bad.mutable_submission()->mutable_person();
  p->set_nhs_number("943 476 5918");
  p->clear_given_name();
  p->mutable_date_of_birth()->set_year(2999);
  v1::SubmitReferralResponse ignored;
  grpc::Status s = stub_->SubmitReferral(Ctx().get(), bad, &ignored);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("submission.person.nhs_number"));
  auto violations = ViolationsFromStatus(transport::FromGrpcStatus(s));
  ASSERT_TRUE(violations.has_value());
  std::vector<std::string> fields;
  for (const auto& v : violations->violations()) fields.push_back(v.field());
  EXPECT_THAT(fields, ElementsAre("submission.person.nhs_number", "submission.person.given_name",
                                  "submission.person.date_of_birth"));
}

TEST_F(ServerE2eTest, WithdrawIsRefusedOnceClosed) {
  const v1::Referral a = Submit(ValidGpReferral("a")).referral();
  v1::WithdrawReferralRequest w;
  w.set_referral_id(a.referral_id());
  w.set_reason("sent in error");
  v1::WithdrawReferralResponse r;
  ASSERT_TRUE(stub_->WithdrawReferral(Ctx().get(), w, &r).ok());
  EXPECT_EQ(r.referral().status(), v1::REFERRAL_STATUS_WITHDRAWN);
  grpc::Status again = stub_->WithdrawReferral(Ctx().get(), w, &r);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ServerE2eTest, OversizedMessageIsRefusedAndServerStaysUp) {
  v1::SubmitReferralRequest huge = ValidGpReferral("huge");
  huge.mutable_submission()->set_story(std::string(2 << 20, 'x'));  // 2 MiB > 1 MiB limit
  v1::SubmitReferralResponse ignored;
  grpc::Status s = stub_->SubmitReferral(Ctx().get(), huge, &ignored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_FALSE(Submit(ValidGpReferral("after-huge")).referral().referral_id().empty());
}

TEST_F(ServerE2eTest, SigtermShutsDownCleanly) {
  Submit(ValidGpReferral("a"));
  const int status = server_.Kill(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace signpost

namespace signpost {
namespace {

// Logs carry ids, never personal data (hazard H-005).
TEST(ServerLogTest, LogsNeverContainPersonalData) {
  testing::TempDir dir;
  const std::string log = dir.Sub("server.log");
  testing::ServerProcess server(dir.Sub("data"), {"--log_level=debug"}, log);
  ASSERT_TRUE(server.Start());
  auto stub = v1::ReferralService::NewStub(server.Channel());
  v1::SubmitReferralRequest r = ValidGpReferral("pii-check");
  v1::SubmitReferralResponse ok;
  ASSERT_TRUE(stub->SubmitReferral(Ctx().get(), r, &ok).ok());
  v1::SubmitReferralRequest bad = r;
  bad.set_request_id("pii-check-bad");
  bad.mutable_submission()->mutable_person()->set_nhs_number("943 476 5918");
  v1::SubmitReferralResponse ignored;
  ASSERT_FALSE(stub->SubmitReferral(Ctx().get(), bad, &ignored).ok());
  v1::GetReferralRequest get;
  get.set_referral_id(ok.referral().reference());
  v1::Referral got;
  ASSERT_TRUE(stub->GetReferral(Ctx().get(), get, &got).ok());
  ASSERT_EQ(WEXITSTATUS(server.Kill(SIGTERM)), 0);

  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  const std::string logged = text.str();
  ASSERT_THAT(logged, ::testing::HasSubstr(ok.referral().referral_id()))
      << "the log should identify the referral by id";
  const auto& p = r.submission().person();
  for (const std::string& pii :
       {p.nhs_number(), std::string("999 000 0018"), std::string("943 476 5918"),
        std::string("9434765918"), p.given_name(), p.family_name(), p.postcode(),
        p.contact().phone(), r.submission().story().substr(0, 20), ok.referral().reference()}) {
    EXPECT_THAT(logged, ::testing::Not(::testing::HasSubstr(pii))) << "log leaks: " << pii;
  }
}

}  // namespace
}  // namespace signpost

namespace signpost {
namespace {

TEST(ServerTlsTest, ServesOverTlsWhenCertificateAndKeyAreGiven) {
  testing::TempDir dir;
  const std::string cert = dir.Sub("cert.pem"), key = dir.Sub("key.pem");
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl is required (scripts/install_deps.sh)";
  testing::ServerProcess server(dir.Sub("data"), {"--tls_cert=" + cert, "--tls_key=" + key});
  // Start() probes health over plaintext, which a TLS server must refuse.
  EXPECT_FALSE(server.Start());
  ASSERT_FALSE(server.Exited()) << "server should be running with TLS";

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = testing::ReadTextFile(cert);
  auto channel = grpc::CreateChannel(server.Address(), grpc::SslCredentials(ssl));
  auto stub = v1::ReferralService::NewStub(channel);
  v1::SubmitReferralResponse response;
  auto ctx = Ctx();
  ctx->AddMetadata("authorization", "Bearer " + testing::DevToken({"call_hub"}));
  grpc::Status s = stub->SubmitReferral(ctx.get(), ValidGpReferral("tls-1"), &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(response.referral().referral_id().empty());
}

}  // namespace
}  // namespace signpost
