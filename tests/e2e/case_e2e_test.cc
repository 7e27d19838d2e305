// End to end over the real server binary: one person under concurrent
// intake from separate connections, and the lifecycle streamed back to the
// referrer (issue 5).
#include <atomic>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "signpost/v1/case_service.grpc.pb.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::ValidGpReferral;
using ::testing::ElementsAre;
using ::testing::SizeIs;

std::unique_ptr<grpc::ClientContext> Ctx(int seconds = 20) { return testing::CallContext(seconds); }

// A channel with its own TCP connection (no subchannel sharing).
std::shared_ptr<grpc::Channel> OwnConnection(const std::string& address, int n) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("signpost.test.connection", n);  // distinct args, distinct channel
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> auth;
  auth.push_back(
      std::make_unique<testing::BearerInterceptorFactory>(testing::DevToken(testing::AllRoles())));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, grpc::InsecureChannelCredentials(), args, std::move(auth));
}

class CaseE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start()) << "server did not start";
    referrals_ = v1::ReferralService::NewStub(server_.Channel());
    cases_ = v1::CaseService::NewStub(server_.Channel());
  }

  testing::TempDir dir_;
  testing::ServerProcess server_{dir_.Sub("data"),
                                 testing::DemoDirectoryFlags(SIGNPOST_DEMO_DIRECTORY)};
  std::unique_ptr<v1::ReferralService::Stub> referrals_;
  std::unique_ptr<v1::CaseService::Stub> cases_;
};

TEST_F(CaseE2eTest, HundredConcurrentReferralsFromEightConnectionsMakeOnePerson) {
  constexpr int kConnections = 8;
  constexpr int kTotal = 100;
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int c = 0; c < kConnections; ++c) channels.push_back(OwnConnection(server_.Address(), c));
  for (int c = 0; c < kConnections; ++c) {
    threads.emplace_back([&, c] {
      auto stub = v1::ReferralService::NewStub(channels[c]);
      for (int i = next++; i < kTotal; i = next++) {
        v1::SubmitReferralRequest r = ValidGpReferral("conc-" + std::to_string(i));
        r.mutable_submission()->set_story("Story number " + std::to_string(i));
        v1::SubmitReferralResponse out;
        grpc::Status s = stub->SubmitReferral(Ctx().get(), r, &out);
        if (!s.ok()) {
          ADD_FAILURE() << s.error_message();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures.load(), 0);
  // Eight distinct connections were really used.
  for (const auto& ch : channels) EXPECT_EQ(ch->GetState(false), GRPC_CHANNEL_READY);

  v1::GetPersonRequest get;
  get.set_person_id("999 000 0018");
  v1::GetPersonResponse person;
  ASSERT_TRUE(cases_->GetPerson(Ctx().get(), get, &person).ok());
  EXPECT_THAT(person.referral_ids(), SizeIs(kTotal)) << "100 linked referrals";
  EXPECT_EQ(person.person().assessment_version(), kTotal);
  v1::GetAssessmentRequest latest;
  latest.set_person_id(person.person().person_id());
  v1::AssessmentVersion v;
  ASSERT_TRUE(cases_->GetAssessment(Ctx().get(), latest, &v).ok());
  std::set<std::string> stories;
  for (const auto& h : v.assessment().presenting_needs().history()) stories.insert(h.summary());
  EXPECT_THAT(stories, SizeIs(kTotal)) << "no lost update";
  for (const std::string& id : person.referral_ids()) {
    v1::GetReferralRequest g;
    g.set_referral_id(id);
    v1::Referral r;
    ASSERT_TRUE(referrals_->GetReferral(Ctx().get(), g, &r).ok());
    ASSERT_EQ(r.person_id(), person.person().person_id());
  }
}

TEST_F(CaseE2eTest, TheReferrerFollowsEveryTransitionAndCanResume) {
  v1::SubmitReferralResponse submitted;
  ASSERT_TRUE(referrals_->SubmitReferral(Ctx().get(), ValidGpReferral("loop"), &submitted).ok());
  const v1::Referral& r = submitted.referral();
  ASSERT_EQ(r.status(), v1::REFERRAL_STATUS_ROUTED);

  v1::StaffRef by;
  by.set_id("cm-e2e");
  // A case manager of the team the referral was routed to, acting as
  // themselves (their token's subject is cm-e2e).
  auto cases = v1::CaseService::NewStub(
      server_.ChannelAs({"case_manager"}, r.routing().team_id(), "cm-e2e"));
  v1::AcceptReferralRequest accept;
  accept.set_referral_id(r.reference());
  *accept.mutable_by() = by;
  v1::Referral out;
  ASSERT_TRUE(cases->AcceptReferral(Ctx().get(), accept, &out).ok());
  v1::StartReferralRequest start;
  start.set_referral_id(r.referral_id());
  *start.mutable_by() = by;
  ASSERT_TRUE(cases->StartReferral(Ctx().get(), start, &out).ok());
  // An illegal step is refused over the wire too.
  grpc::Status refused = cases->AcceptReferral(Ctx().get(), accept, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::CloseReferralRequest close;
  close.set_referral_id(r.referral_id());
  *close.mutable_by() = by;
  close.set_outcome(v1::CLOSE_OUTCOME_TREATMENT_COMPLETED);
  ASSERT_TRUE(cases->CloseReferral(Ctx().get(), close, &out).ok());

  auto watch = [&](uint64_t after, size_t n) {
    v1::WatchReferralsRequest req;
    req.set_after_sequence(after);
    req.set_referrer_ods_code("g85001");  // the referrer follows its own referrals
    auto ctx = Ctx();
    auto reader = referrals_->WatchReferrals(ctx.get(), req);
    std::vector<v1::ReferralEvent> events;
    v1::ReferralEvent e;
    while (events.size() < n && reader->Read(&e)) events.push_back(e);
    ctx->TryCancel();
    (void)reader->Finish();
    return events;
  };
  const auto all = watch(0, 7);
  std::vector<std::string> steps;
  for (const auto& e : all) {
    steps.push_back(e.type() == v1::ReferralEvent::TYPE_FIRST_CONTACT
                        ? "first-contact"
                        : v1::ReferralStatus_Name(e.status()).substr(16));
  }
  EXPECT_THAT(steps, ElementsAre("RECEIVED", "TRIAGED", "ROUTED", "ACCEPTED", "first-contact",
                                 "IN_PROGRESS", "CLOSED"));
  // Resume from the middle: the rest, in order, once.
  const auto rest = watch(all[2].sequence(), 4);
  ASSERT_THAT(rest, SizeIs(4));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rest[i].sequence(), all[i + 3].sequence());
}

}  // namespace
}  // namespace signpost
