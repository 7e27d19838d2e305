// The referral lifecycle, clocks and partner answers (issue 5).
#include <functional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/signpost/proto_time.h"
#include "router/lifecycle.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/service_stack.h"
#include "tests/testing/status_matchers.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;
using ::signpost::testing::IsOk;
using ::signpost::testing::StatusIs;
using ::signpost::testing::TestStaff;
using ::signpost::testing::ValidGpReferral;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kVcsService[] = "bereavement-support";
constexpr char kVcsOrg[] = "org-bereavement-support";

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { stack_.LoadDemoDirectory(); }

  v1::Referral Submit(const v1::SubmitReferralRequest& r) {
    absl::StatusOr<v1::SubmitReferralResponse> response = stack_.referrals->Submit(r);
    EXPECT_THAT(response, IsOk());
    stack_.clock.Advance(absl::Minutes(1));
    return response.ok() ? response->referral() : v1::Referral();
  }

  // Test set-up only: puts a stored referral straight into `status`.
  void ForceStatus(const std::string& id, v1::ReferralStatus status) {
    ASSERT_OK_AND_ASSIGN(const v1::Referral current, stack_.store->GetReferral(id));
    v1::Referral next = current;
    next.set_status(status);
    v1::ReferralEvent e;
    e.set_type(v1::ReferralEvent::TYPE_STATUS_CHANGED);
    e.set_reason("test-setup");
    ASSERT_THAT(
        stack_.store
            ->Apply({.referral =
                         storage::ReferralPut{.record = next, .before = current, .events = {e}}})
            .status(),
        IsOk());
  }

  std::vector<v1::ReferralEvent> EventsAfter(uint64_t after, const std::string& referral_id) {
    app::WatchSubscription sub{.after_sequence = after, .filter = {}};
    sub.filter.referral_id = referral_id;
    absl::StatusOr<std::vector<v1::ReferralEvent>> events = stack_.referrals->NextEvents(sub, 100);
    EXPECT_THAT(events, IsOk());
    return events.ok() ? *events : std::vector<v1::ReferralEvent>();
  }

  // Runs one breach scan; -1 if it failed.
  int Fire() {
    absl::StatusOr<int> fired = stack_.lifecycle->FireDueBreaches();
    EXPECT_THAT(fired, IsOk());
    return fired.ok() ? *fired : -1;
  }

  testing::ServiceStack stack_{testing::InHours(), 33, /*with_directory=*/true};
};

// One explicit command per lifecycle step, each with the status it asks for.
struct Command {
  const char* name;
  v1::ReferralStatus target;
  std::function<absl::StatusOr<v1::Referral>(testing::ServiceStack&, const std::string&)> run;
};

std::vector<Command> Commands() {
  return {
      {"accept", v1::REFERRAL_STATUS_ACCEPTED,
       [](testing::ServiceStack& s, const std::string& id) {
         v1::AcceptReferralRequest r;
         r.set_referral_id(id);
         *r.mutable_by() = TestStaff("cm-test");
         return s.lifecycle->Accept(r);
       }},
      {"decline", v1::REFERRAL_STATUS_DECLINED,
       [](testing::ServiceStack& s, const std::string& id) {
         v1::DeclineReferralRequest r;
         r.set_referral_id(id);
         *r.mutable_by() = TestStaff("cm-test");
         r.set_reason(v1::DECLINE_REASON_NO_CAPACITY);
         return s.lifecycle->Decline(r);
       }},
      {"start", v1::REFERRAL_STATUS_IN_PROGRESS,
       [](testing::ServiceStack& s, const std::string& id) {
         v1::StartReferralRequest r;
         r.set_referral_id(id);
         *r.mutable_by() = TestStaff("cm-test");
         return s.lifecycle->Start(r);
       }},
      {"hold", v1::REFERRAL_STATUS_ON_HOLD,
       [](testing::ServiceStack& s, const std::string& id) {
         v1::HoldReferralRequest r;
         r.set_referral_id(id);
         *r.mutable_by() = TestStaff("cm-test");
         r.set_reason("person-in-hospital");
         return s.lifecycle->Hold(r);
       }},
      {"close", v1::REFERRAL_STATUS_CLOSED,
       [](testing::ServiceStack& s, const std::string& id) {
         v1::CloseReferralRequest r;
         r.set_referral_id(id);
         *r.mutable_by() = TestStaff("cm-test");
         r.set_outcome(v1::CLOSE_OUTCOME_TREATMENT_COMPLETED);
         return s.lifecycle->Close(r);
       }},
      {"signpost", v1::REFERRAL_STATUS_SIGNPOSTED,
       [](testing::ServiceStack& s, const std::string& id) {
         v1::SignpostReferralRequest r;
         r.set_referral_id(id);
         *r.mutable_by() = TestStaff("cm-test");
         r.add_service_ids(kVcsService);
         return s.lifecycle->Signpost(r);
       }},
      {"withdraw", v1::REFERRAL_STATUS_WITHDRAWN,
       [](testing::ServiceStack& s, const std::string& id) -> absl::StatusOr<v1::Referral> {
         v1::WithdrawReferralRequest r;
         r.set_referral_id(id);
         r.set_reason("sent to the wrong service");
         absl::StatusOr<v1::WithdrawReferralResponse> out = s.referrals->Withdraw(r);
         if (!out.ok()) return out.status();
         return out->referral();
       }},
      {"entered-in-error", v1::REFERRAL_STATUS_ENTERED_IN_ERROR,
       [](testing::ServiceStack& s, const std::string& id) {
         v1::MarkEnteredInErrorRequest r;
         r.set_referral_id(id);
         *r.mutable_by() = TestStaff("cm-test");
         r.set_reason("wrong person");
         return s.lifecycle->MarkEnteredInError(r);
       }},
  };
}

TEST_F(LifecycleTest, EveryCommandFromEveryStatusIsStoredAndStreamedOrRefused) {
  int legal = 0;
  int illegal = 0;
  int n = 0;
  for (const v1::ReferralStatus from : router::AllStatuses()) {
    for (const Command& command : Commands()) {
      SCOPED_TRACE(absl::StrCat(command.name, " from ", v1::ReferralStatus_Name(from)));
      const v1::Referral r = Submit(ValidGpReferral(absl::StrCat("t-", n++)));
      ForceStatus(r.referral_id(), from);
      ASSERT_OK_AND_ASSIGN(const v1::Referral before, stack_.store->GetReferral(r.referral_id()));
      const uint64_t seq = stack_.store->events().Visible();

      absl::StatusOr<v1::Referral> result = command.run(stack_, r.referral_id());
      const std::vector<v1::ReferralEvent> events = EventsAfter(seq, r.referral_id());
      if (router::CanTransition(from, command.target)) {
        ++legal;
        ASSERT_THAT(result, IsOk());
        ASSERT_OK_AND_ASSIGN(const v1::Referral stored, stack_.store->GetReferral(r.referral_id()));
        EXPECT_EQ(stored.SerializeAsString(), result->SerializeAsString());
        // The move itself is streamed, with its previous status.
        const auto moved = std::find_if(events.begin(), events.end(), [&](const auto& e) {
          return e.type() == v1::ReferralEvent::TYPE_STATUS_CHANGED &&
                 e.previous_status() == from && e.status() == command.target;
        });
        EXPECT_NE(moved, events.end());
        EXPECT_EQ(stored.last_event_sequence(), events.back().sequence());
        if (command.target == v1::REFERRAL_STATUS_DECLINED) {
          // Never left declined: re-routed in the same write.
          EXPECT_NE(stored.status(), v1::REFERRAL_STATUS_DECLINED);
          EXPECT_THAT(stored.declines(), SizeIs(1));
        } else {
          EXPECT_EQ(stored.status(), command.target);
        }
      } else {
        ++illegal;
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kFailedPrecondition));
        EXPECT_THAT(events, SizeIs(0));
        EXPECT_EQ(stack_.store->events().Visible(), seq) << "nothing written";
        ASSERT_OK_AND_ASSIGN(const v1::Referral after, stack_.store->GetReferral(r.referral_id()));
        EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString());
      }
    }
  }
  // 13 statuses x 8 commands. Legal: accept 1 (from ROUTED), decline 1
  // (ROUTED), start 2 (ACCEPTED, ON_HOLD), hold 2 (ACCEPTED, IN_PROGRESS),
  // close 4 (SIGNPOSTED, ACCEPTED, IN_PROGRESS, ON_HOLD), signpost 4
  // (TRIAGED, NEEDS_REVIEW, UNMATCHED, DECLINED), withdraw 10 (every open
  // status), entered-in-error 12 (all but itself) = 36.
  EXPECT_EQ(legal + illegal, 13 * 8);
  EXPECT_EQ(legal, 36);
}

TEST_F(LifecycleTest, BreachIsReportedOnceAndOnlyOnceAcrossRestarts) {
  const v1::Referral r = Submit(ValidGpReferral("clock"));
  ASSERT_TRUE(r.triage().has_respond_by());
  const absl::Time due = FromProtoTime(r.triage().respond_by());
  const v1::Referral contacted = Submit(ValidGpReferral("contacted"));
  v1::RecordFirstContactRequest contact;
  contact.set_referral_id(contacted.referral_id());
  *contact.mutable_by() = TestStaff("cm-test");
  ASSERT_THAT(stack_.lifecycle->RecordFirstContact(contact), IsOk());
  EXPECT_THAT(stack_.lifecycle->RecordFirstContact(contact),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already")));

  stack_.clock.Set(due - absl::Minutes(1));
  EXPECT_EQ(Fire(), 0);
  // Restart in the middle of the deadline window.
  stack_.Reopen();
  stack_.clock.Set(due + absl::Minutes(1));
  EXPECT_EQ(Fire(), 1);
  EXPECT_EQ(Fire(), 0);
  stack_.Reopen();
  stack_.clock.Advance(absl::Hours(48));
  EXPECT_EQ(Fire(), 0);

  std::vector<v1::ReferralEvent> breaches;
  for (const auto& e : EventsAfter(0, "")) {
    if (e.type() == v1::ReferralEvent::TYPE_BREACHED) breaches.push_back(e);
  }
  ASSERT_THAT(breaches, SizeIs(1)) << "the contacted referral never breaches";
  EXPECT_EQ(breaches[0].referral_id(), r.referral_id());
  EXPECT_EQ(FromProtoTime(breaches[0].respond_by()), due);
  ASSERT_OK_AND_ASSIGN(v1::Referral stored, stack_.store->GetReferral(r.referral_id()));
  EXPECT_EQ(FromProtoTime(stored.breached_respond_by()), due);

  // It heads the overdue list, marked breached.
  ASSERT_OK_AND_ASSIGN(v1::ListOverdueResponse overdue, stack_.lifecycle->ListOverdue({}));
  ASSERT_THAT(overdue.referrals(), SizeIs(1));
  EXPECT_TRUE(overdue.referrals(0).breached());
  EXPECT_LT(overdue.referrals(0).time_to_breach().seconds(), 0);
}

TEST_F(LifecycleTest, RetriageRecordsOldAndNewClocksAndANewDeadlineCanBreachOnce) {
  const v1::Referral r = Submit(ValidGpReferral("retriage"));
  const v1::UrgencyBand old_band = r.triage().band();
  v1::RetriageReferralRequest req;
  req.set_referral_id(r.reference());
  *req.mutable_by() = TestStaff("clinician-1");
  req.set_override_band(v1::URGENCY_BAND_C);
  EXPECT_THAT(stack_.lifecycle->Retriage(req),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  req.set_reason("Disclosed a plan on the phone");
  const uint64_t seq = stack_.store->events().Visible();
  ASSERT_OK_AND_ASSIGN(v1::Referral updated, stack_.lifecycle->Retriage(req));
  EXPECT_EQ(updated.triage().band(), v1::URGENCY_BAND_C);
  ASSERT_THAT(updated.clock_changes(), SizeIs(1));
  const v1::ClockChange& change = updated.clock_changes(0);
  EXPECT_EQ(change.old_band(), old_band);
  EXPECT_EQ(change.new_band(), v1::URGENCY_BAND_C);
  EXPECT_EQ(change.old_respond_by().seconds(), r.triage().respond_by().seconds());
  EXPECT_EQ(change.new_respond_by().seconds(), updated.triage().respond_by().seconds());
  EXPECT_LT(FromProtoTime(change.new_respond_by()), FromProtoTime(change.old_respond_by()));
  const auto events = EventsAfter(seq, r.referral_id());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].type(), v1::ReferralEvent::TYPE_RETRIAGED);
  EXPECT_EQ(events[0].previous_band(), old_band);
  EXPECT_EQ(events[0].band(), v1::URGENCY_BAND_C);
  EXPECT_EQ(events[0].reason(), "clinician-override") << "free text stays off events";

  // The new, sooner deadline breaches once.
  stack_.clock.Set(FromProtoTime(updated.triage().respond_by()) + absl::Seconds(1));
  EXPECT_EQ(Fire(), 1);
  EXPECT_EQ(Fire(), 0);
}

TEST_F(LifecycleTest, DeclineReroutesWithoutTheDecliningService) {
  const v1::Referral r = Submit(ValidGpReferral("decline"));
  ASSERT_EQ(r.status(), v1::REFERRAL_STATUS_ROUTED);
  const std::string first_service = r.routing().service_id();
  v1::DeclineReferralRequest req;
  req.set_referral_id(r.referral_id());
  *req.mutable_by() = TestStaff("cm-test");
  EXPECT_THAT(stack_.lifecycle->Decline(req),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  req.set_reason(v1::DECLINE_REASON_NO_CAPACITY);
  req.set_details("Waiting list closed this month");
  ASSERT_OK_AND_ASSIGN(v1::Referral after, stack_.lifecycle->Decline(req));
  ASSERT_THAT(after.declines(), SizeIs(1));
  EXPECT_EQ(after.declines(0).service_id(), first_service);
  EXPECT_EQ(after.declines(0).details(), "Waiting list closed this month");
  EXPECT_NE(after.routing().service_id(), first_service);
  EXPECT_TRUE(after.status() == v1::REFERRAL_STATUS_ROUTED ||
              after.status() == v1::REFERRAL_STATUS_UNMATCHED ||
              after.status() == v1::REFERRAL_STATUS_SIGNPOSTED)
      << v1::ReferralStatus_Name(after.status());
}

TEST_F(LifecycleTest, CaseloadAndTeamQueueFollowTheReferral) {
  const v1::Referral r = Submit(ValidGpReferral("caseload"));
  ASSERT_EQ(r.status(), v1::REFERRAL_STATUS_ROUTED);
  const std::string team = r.routing().team_id();
  v1::ListTeamQueueRequest queue;
  queue.set_team_id(team);
  ASSERT_OK_AND_ASSIGN(v1::ListCaseReferralsResponse q, stack_.cases->ListTeamQueue(queue));
  ASSERT_THAT(q.referrals(), SizeIs(1));

  // Accept and allocate to a case manager of the routed team.
  std::string cm;
  for (const auto& c : stack_.directory->Current()->roster.case_managers) {
    if (c.team_id() == team && c.active()) cm = c.id();
  }
  ASSERT_FALSE(cm.empty());
  v1::AcceptReferralRequest accept;
  accept.set_referral_id(r.referral_id());
  *accept.mutable_by() = TestStaff("cm-test");
  accept.set_case_manager_id("cm-not-real");
  EXPECT_THAT(stack_.lifecycle->Accept(accept),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("case_manager_id")));
  accept.set_case_manager_id(cm);
  ASSERT_OK_AND_ASSIGN(v1::Referral accepted, stack_.lifecycle->Accept(accept));
  EXPECT_EQ(accepted.routing().owner(), "case_manager:" + cm);
  ASSERT_OK_AND_ASSIGN(q, stack_.cases->ListTeamQueue(queue));
  EXPECT_THAT(q.referrals(), SizeIs(0)) << "accepted referrals leave the queue";
  v1::ListCaseloadRequest caseload;
  caseload.set_case_manager_id(cm);
  ASSERT_OK_AND_ASSIGN(v1::ListCaseReferralsResponse load, stack_.cases->ListCaseload(caseload));
  ASSERT_THAT(load.referrals(), SizeIs(1));
  EXPECT_EQ(load.referrals(0).referral_id(), r.referral_id());

  v1::CloseReferralRequest close;
  close.set_referral_id(r.referral_id());
  *close.mutable_by() = TestStaff("cm-test");
  close.set_outcome(v1::CLOSE_OUTCOME_DISCHARGED_TO_GP);
  ASSERT_THAT(stack_.lifecycle->Close(close), IsOk());
  ASSERT_OK_AND_ASSIGN(load, stack_.cases->ListCaseload(caseload));
  EXPECT_THAT(load.referrals(), SizeIs(0));
}

TEST_F(LifecycleTest, PartnerSeesTheSignpostedPersonAndClosesTheLoop) {
  const v1::Referral r = Submit(ValidGpReferral("vcs"));
  ForceStatus(r.referral_id(), v1::REFERRAL_STATUS_UNMATCHED);
  v1::SignpostReferralRequest sp;
  sp.set_referral_id(r.referral_id());
  *sp.mutable_by() = TestStaff("hub-1");
  sp.add_service_ids("crisis-home-treatment");
  EXPECT_THAT(stack_.lifecycle->Signpost(sp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("service_ids[0]")))
      << "statutory services are routed, not signposted";
  sp.clear_service_ids();
  sp.add_service_ids(kVcsService);
  ASSERT_OK_AND_ASSIGN(v1::Referral signposted, stack_.lifecycle->Signpost(sp));
  ASSERT_THAT(signposted.partner_responses(), SizeIs(1));
  EXPECT_EQ(signposted.partner_responses(0).state(), v1::PartnerResponse::STATE_PENDING);

  v1::ListPartnerReferralsRequest list;
  list.set_organization_id(kVcsOrg);
  ASSERT_OK_AND_ASSIGN(v1::ListPartnerReferralsResponse mine,
                       stack_.cases->ListPartnerReferrals(list));
  ASSERT_THAT(mine.referrals(), SizeIs(1));
  EXPECT_EQ(mine.referrals(0).given_name(), "Sam");
  list.set_organization_id("org-someone-else");
  ASSERT_OK_AND_ASSIGN(v1::ListPartnerReferralsResponse theirs,
                       stack_.cases->ListPartnerReferrals(list));
  EXPECT_THAT(theirs.referrals(), SizeIs(0));

  v1::RespondToSignpostingRequest respond;
  respond.set_referral_id(r.reference());
  respond.set_organization_id("org-someone-else");
  respond.set_accept(true);
  respond.set_recorded_by("volunteer coordinator");
  EXPECT_THAT(stack_.lifecycle->RespondToSignposting(respond),
              StatusIs(absl::StatusCode::kNotFound));
  respond.set_organization_id(kVcsOrg);
  ASSERT_OK_AND_ASSIGN(v1::PartnerReferralView accepted,
                       stack_.lifecycle->RespondToSignposting(respond));
  EXPECT_EQ(accepted.response().state(), v1::PartnerResponse::STATE_ACCEPTED);

  const uint64_t seq = stack_.store->events().Visible();
  v1::RecordPartnerOutcomeRequest outcome;
  outcome.set_referral_id(r.referral_id());
  outcome.set_organization_id(kVcsOrg);
  outcome.set_outcome(v1::PARTNER_OUTCOME_GOT_HELP);
  outcome.set_recorded_by("volunteer coordinator");
  ASSERT_OK_AND_ASSIGN(v1::PartnerReferralView done,
                       stack_.lifecycle->RecordPartnerOutcome(outcome));
  EXPECT_EQ(done.response().outcome(), v1::PARTNER_OUTCOME_GOT_HELP);
  ASSERT_OK_AND_ASSIGN(v1::Referral closed, stack_.store->GetReferral(r.referral_id()));
  EXPECT_EQ(closed.status(), v1::REFERRAL_STATUS_CLOSED);
  EXPECT_EQ(closed.close_outcome(), v1::CLOSE_OUTCOME_PARTNER_GOT_HELP);
  // The referrer following its referrals sees the partner's outcome and the close.
  std::vector<std::string> reasons;
  for (const auto& e : EventsAfter(seq, r.referral_id())) reasons.push_back(e.reason());
  EXPECT_THAT(reasons, ElementsAre("partner-outcome", "closed:partner"));
  EXPECT_THAT(stack_.lifecycle->RecordPartnerOutcome(outcome),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(LifecycleTest, APartnerUnableToHelpSendsThePersonBackToTheCallHub) {
  const v1::Referral r = Submit(ValidGpReferral("vcs-no"));
  ForceStatus(r.referral_id(), v1::REFERRAL_STATUS_UNMATCHED);
  v1::SignpostReferralRequest sp;
  sp.set_referral_id(r.referral_id());
  *sp.mutable_by() = TestStaff("hub-1");
  sp.add_service_ids(kVcsService);
  ASSERT_THAT(stack_.lifecycle->Signpost(sp), IsOk());
  v1::RecordPartnerOutcomeRequest outcome;
  outcome.set_referral_id(r.referral_id());
  outcome.set_organization_id(kVcsOrg);
  outcome.set_outcome(v1::PARTNER_OUTCOME_NO_CAPACITY);
  outcome.set_recorded_by("coordinator");
  ASSERT_THAT(stack_.lifecycle->RecordPartnerOutcome(outcome), IsOk());
  ASSERT_OK_AND_ASSIGN(v1::Referral back, stack_.store->GetReferral(r.referral_id()));
  EXPECT_EQ(back.status(), v1::REFERRAL_STATUS_UNMATCHED) << "never dropped";
  EXPECT_EQ(back.routing().owner(), "queue:call-hub-review");
}

TEST_F(LifecycleTest, WithdrawnConsentHidesThePersonFromPartners) {
  const v1::Referral r = Submit(ValidGpReferral("consent"));
  ForceStatus(r.referral_id(), v1::REFERRAL_STATUS_UNMATCHED);
  v1::SignpostReferralRequest sp;
  sp.set_referral_id(r.referral_id());
  *sp.mutable_by() = TestStaff("hub-1");
  sp.add_service_ids(kVcsService);
  ASSERT_THAT(stack_.lifecycle->Signpost(sp), IsOk());
  v1::ListPartnerReferralsRequest list;
  list.set_organization_id(kVcsOrg);
  ASSERT_OK_AND_ASSIGN(v1::ListPartnerReferralsResponse before,
                       stack_.cases->ListPartnerReferrals(list));
  ASSERT_THAT(before.referrals(), SizeIs(1));

  // A later referral records that the person no longer consents.
  v1::SubmitReferralRequest later = ValidGpReferral("consent-later");
  later.mutable_submission()->mutable_consent()->set_share_with_partners(false);
  Submit(later);
  ASSERT_OK_AND_ASSIGN(v1::ListPartnerReferralsResponse after,
                       stack_.cases->ListPartnerReferrals(list));
  EXPECT_THAT(after.referrals(), SizeIs(0));
  v1::RespondToSignpostingRequest respond;
  respond.set_referral_id(r.referral_id());
  respond.set_organization_id(kVcsOrg);
  respond.set_accept(true);
  respond.set_recorded_by("coordinator");
  EXPECT_THAT(stack_.lifecycle->RespondToSignposting(respond),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(LifecycleTest, OverdueListIsOrderedByTimeToBreach) {
  v1::SubmitReferralRequest urgent = ValidGpReferral("urgent");
  urgent.mutable_submission()->mutable_risk()->set_to_self(v1::RISK_LEVEL_HIGH);
  const v1::Referral routine = Submit(ValidGpReferral("routine"));
  const v1::Referral soon = Submit(urgent);
  ASSERT_LT(FromProtoTime(soon.triage().respond_by()),
            FromProtoTime(routine.triage().respond_by()));
  v1::ListOverdueRequest req;
  req.mutable_within()->set_seconds(30 * 24 * 3600);
  ASSERT_OK_AND_ASSIGN(v1::ListOverdueResponse overdue, stack_.lifecycle->ListOverdue(req));
  ASSERT_THAT(overdue.referrals(), SizeIs(2));
  EXPECT_EQ(overdue.referrals(0).referral_id(), soon.referral_id());
  EXPECT_EQ(overdue.referrals(1).referral_id(), routine.referral_id());
  EXPECT_FALSE(overdue.referrals(0).breached());
  EXPECT_GT(overdue.referrals(0).time_to_breach().seconds(), 0);
  req.mutable_within()->set_seconds(0);
  ASSERT_OK_AND_ASSIGN(overdue, stack_.lifecycle->ListOverdue(req));
  EXPECT_THAT(overdue.referrals(), SizeIs(0));
  req.mutable_within()->set_seconds(31 * 24 * 3600);
  EXPECT_THAT(stack_.lifecycle->ListOverdue(req),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("within")));
}

}  // namespace
}  // namespace signpost
