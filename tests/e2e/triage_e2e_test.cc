// End to end: triage over gRPC on the real server binary, rule activation
// by RPC and by SIGHUP, and an invalid rule file keeping the live rules.
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "signpost/v1/triage_service.grpc.pb.h"
#include "tests/e2e/server_process.h"
#include "tests/router/triage/triage_testing.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::testing::HasSubstr;

std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 10) { return testing::CallContext(seconds); }

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Polls `done` every 10 ms for up to 20 s (waiting on another process).
bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class TriageE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_path_ = dir_.Sub("rules.textproto");
    WriteFile(rules_path_, testing::DefaultRulesText());
    server_.set_rules_file(rules_path_);
    ASSERT_TRUE(server_.Start());
    triage_ = v1::TriageService::NewStub(server_.Channel());
    referrals_ = v1::ReferralService::NewStub(server_.Channel());
  }

  std::string ActiveVersion() {
    v1::ActiveRuleSet active;
    grpc::Status s = triage_->GetActiveRuleSet(Ctx().get(), {}, &active);
    return s.ok() ? active.rule_set_version() : "error: " + s.error_message();
  }

  std::string ServerLog() {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  testing::TempDir dir_;
  std::string rules_path_;
  std::string log_ = dir_.Sub("server.log");
  testing::ServerProcess server_{
      dir_.Sub("data"), {"--log_level=info", "--vignettes=" SIGNPOST_DEFAULT_VIGNETTES}, log_};
  std::unique_ptr<v1::TriageService::Stub> triage_;
  std::unique_ptr<v1::ReferralService::Stub> referrals_;
};

TEST_F(TriageE2eTest, EvaluateOverGrpcStoresNothing) {
  v1::EvaluateReferralRequest req;
  *req.mutable_submission() = testing::ValidGpReferral().submission();
  req.mutable_submission()->set_story("Standing on the bridge now, says he will jump.");
  v1::TriageDecision d;
  ASSERT_TRUE(triage_->EvaluateReferral(Ctx().get(), req, &d).ok());
  EXPECT_EQ(d.band(), v1::URGENCY_BAND_A);
  EXPECT_EQ(d.fhir_priority(), "stat");
  v1::ListReferralsResponse listed;
  ASSERT_TRUE(referrals_->ListReferrals(Ctx().get(), {}, &listed).ok());
  EXPECT_EQ(listed.referrals_size(), 0);
}

TEST_F(TriageE2eTest, InvalidRpcActivationIsRefusedWithLineAndColumn) {
  const std::string before = ActiveVersion();
  v1::ActivateRuleSetRequest req;
  req.set_rule_set_text("version: \"broken\"\nrules { id: \"x\" when { nope: 1 } }\n");
  v1::ActivateRuleSetResponse resp;
  grpc::Status s = triage_->ActivateRuleSet(Ctx().get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("line 2 column"));
  EXPECT_EQ(ActiveVersion(), before);
}

TEST_F(TriageE2eTest, SighupReloadsValidFilesAndRefusesInvalidOnes) {
  const std::string v1_version = ActiveVersion();
  ASSERT_THAT(v1_version, ::testing::StartsWith(testing::DefaultRulesVersion() + "+"));

  // An invalid file: refused, logged, live rules unchanged.
  WriteFile(rules_path_, testing::DefaultRulesText() + "\nrules { id: \"broken\" }\n");
  server_.Signal(SIGHUP);
  ASSERT_TRUE(
      Eventually([&] { return ServerLog().find("rule set refused") != std::string::npos; }));
  EXPECT_EQ(ActiveVersion(), v1_version);
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(
      referrals_->SubmitReferral(Ctx().get(), testing::ValidGpReferral("during"), &submitted).ok());
  EXPECT_EQ(submitted.referral().triage().rule_set_version(), v1_version);

  // A valid new version: activated.
  WriteFile(rules_path_, testing::DefaultRulesWithVersion("2026.11.9"));
  server_.Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return ActiveVersion().rfind("2026.11.9+", 0) == 0; }))
      << ActiveVersion();
  ASSERT_TRUE(
      referrals_->SubmitReferral(Ctx().get(), testing::ValidGpReferral("after"), &submitted).ok());
  EXPECT_THAT(submitted.referral().triage().rule_set_version(),
              ::testing::StartsWith("2026.11.9+"));
}

TEST(TriageStartupTest, ServerRefusesToStartWithInvalidRules) {
  testing::TempDir dir;
  const std::string rules = dir.Sub("bad.textproto");
  WriteFile(rules, "version: \"x\"\n");
  testing::ServerProcess server(dir.Sub("data"));
  server.set_rules_file(rules);
  EXPECT_FALSE(server.Start());
  EXPECT_TRUE(server.Exited());
}

}  // namespace
}  // namespace signpost
