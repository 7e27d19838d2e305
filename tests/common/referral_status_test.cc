// common/referral_status.h restates ReferralStatus numbers (common/ does
// not depend on generated code); this checks they agree with the proto and
// with the lifecycle's own idea of "open".
#include "common/referral_status.h"

#include "gtest/gtest.h"
#include "router/lifecycle.h"
#include "signpost/v1/vocabulary.pb.h"

namespace signpost {
namespace {

namespace v1 = ::signpost::v1;

TEST(ReferralStatusTest, NumbersMatchTheProto) {
  EXPECT_EQ(kStatusRouted, v1::REFERRAL_STATUS_ROUTED);
  EXPECT_EQ(kStatusAccepted, v1::REFERRAL_STATUS_ACCEPTED);
  EXPECT_EQ(kStatusInProgress, v1::REFERRAL_STATUS_IN_PROGRESS);
  EXPECT_EQ(kStatusOnHold, v1::REFERRAL_STATUS_ON_HOLD);
  EXPECT_EQ(kStatusClosed, v1::REFERRAL_STATUS_CLOSED);
  EXPECT_EQ(kStatusWithdrawn, v1::REFERRAL_STATUS_WITHDRAWN);
  EXPECT_EQ(kStatusEnteredInError, v1::REFERRAL_STATUS_ENTERED_IN_ERROR);
  EXPECT_EQ(kStatusMax, v1::ReferralStatus_MAX);
}

TEST(ReferralStatusTest, OpenMeansNotClosedWithdrawnOrInError) {
  for (int s = -1; s <= kStatusMax + 1; ++s) {
    const bool known = v1::ReferralStatus_IsValid(s) && s != v1::REFERRAL_STATUS_UNSPECIFIED;
    const bool terminal = s == v1::REFERRAL_STATUS_CLOSED || s == v1::REFERRAL_STATUS_WITHDRAWN ||
                          s == v1::REFERRAL_STATUS_ENTERED_IN_ERROR;
    EXPECT_EQ(IsOpenStatus(s), known && !terminal) << s;
  }
  // Every open status can be withdrawn, and only those (BaRS "revoked").
  for (v1::ReferralStatus s : router::AllStatuses()) {
    EXPECT_EQ(router::CanTransition(s, v1::REFERRAL_STATUS_WITHDRAWN), IsOpenStatus(s)) << s;
  }
}

}  // namespace
}  // namespace signpost
