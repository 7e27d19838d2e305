#include "router/lifecycle.h"

#include <set>
#include <utility>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

TEST(LifecycleTest, WithdrawAllowedExactlyWhileOpen) {
  for (v1::ReferralStatus s : AllStatuses()) {
    SCOPED_TRACE(v1::ReferralStatus_Name(s));
    const bool open = s != v1::REFERRAL_STATUS_CLOSED && s != v1::REFERRAL_STATUS_WITHDRAWN &&
                      s != v1::REFERRAL_STATUS_ENTERED_IN_ERROR;
    EXPECT_EQ(IsOpen(s), open);
    EXPECT_EQ(CanTransition(s, v1::REFERRAL_STATUS_WITHDRAWN), open);
  }
}

TEST(LifecycleTest, TerminalStatusesOnlyAllowEnteredInError) {
  for (v1::ReferralStatus from : {v1::REFERRAL_STATUS_CLOSED, v1::REFERRAL_STATUS_WITHDRAWN}) {
    for (v1::ReferralStatus to : AllStatuses()) {
      EXPECT_EQ(CanTransition(from, to), to == v1::REFERRAL_STATUS_ENTERED_IN_ERROR)
          << v1::ReferralStatus_Name(from) << " -> " << v1::ReferralStatus_Name(to);
    }
  }
  for (v1::ReferralStatus to : AllStatuses()) {
    EXPECT_FALSE(CanTransition(v1::REFERRAL_STATUS_ENTERED_IN_ERROR, to));
  }
}

TEST(LifecycleTest, MainPathIsLegal) {
  const v1::ReferralStatus path[] = {v1::REFERRAL_STATUS_RECEIVED,    v1::REFERRAL_STATUS_TRIAGED,
                                     v1::REFERRAL_STATUS_ROUTED,      v1::REFERRAL_STATUS_ACCEPTED,
                                     v1::REFERRAL_STATUS_IN_PROGRESS, v1::REFERRAL_STATUS_CLOSED};
  for (size_t i = 0; i + 1 < std::size(path); ++i) {
    EXPECT_OK(CheckTransition(path[i], path[i + 1]));
  }
}

TEST(LifecycleTest, IllegalTransitionIsFailedPreconditionNamingBoth) {
  EXPECT_THAT(CheckTransition(v1::REFERRAL_STATUS_RECEIVED, v1::REFERRAL_STATUS_CLOSED),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition,
                                ::testing::AllOf(::testing::HasSubstr("RECEIVED"),
                                                 ::testing::HasSubstr("CLOSED"))));
  EXPECT_FALSE(CanTransition(v1::REFERRAL_STATUS_RECEIVED, v1::REFERRAL_STATUS_RECEIVED));
  EXPECT_FALSE(CanTransition(v1::REFERRAL_STATUS_UNSPECIFIED, v1::REFERRAL_STATUS_RECEIVED));
}

}  // namespace
// Routing again is allowed exactly where every routing outcome is a legal
// move (or no move) in the table.
TEST(LifecycleTest, RoutingAgainFollowsTheTable) {
  std::vector<v1::ReferralStatus> can;
  for (v1::ReferralStatus s : AllStatuses()) {
    if (CanRouteAgain(s)) can.push_back(s);
  }
  EXPECT_THAT(can,
              ::testing::ElementsAre(v1::REFERRAL_STATUS_TRIAGED, v1::REFERRAL_STATUS_NEEDS_REVIEW,
                                     v1::REFERRAL_STATUS_UNMATCHED, v1::REFERRAL_STATUS_SIGNPOSTED,
                                     v1::REFERRAL_STATUS_DECLINED));
}

}  // namespace signpost::router
