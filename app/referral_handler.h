// ReferralHandler: intake and the referrer's closed loop - the
// transport-free core of signpost.v1.ReferralService, used by the gRPC
// adapter and the HTTP front doors alike.
//
//   absl::StatusOr<SubmitReferralResponse> r = handler.Submit(request);
//
// Submit follows one line: a retry is recognised first (idempotency key:
// nothing else is read, decided or allocated), then validate
// (router/validation.h), read what is known about the person
// (app/people.h), decide (router/intake.h: triage, routing, status, owner,
// events, person, assessment) and write it all with one Store::Apply.
//
// Errors follow the API contract in proto/signpost/v1/referral_service.proto.
// Thread-safe; blocking (synced writes), so call it from a worker thread.
#ifndef SIGNPOST_APP_REFERRAL_HANDLER_H_
#define SIGNPOST_APP_REFERRAL_HANDLER_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "app/deps.h"
#include "signpost/v1/referral_service.pb.h"
#include "storage/event_log.h"

namespace signpost::app {

// A validated WatchReferrals subscription.
struct WatchSubscription {
  uint64_t after_sequence = 0;
  storage::EventFilter filter;
};

class ReferralHandler {
 public:
  explicit ReferralHandler(const AppDeps& deps) : deps_(deps) {}

  [[nodiscard]] absl::StatusOr<signpost::v1::SubmitReferralResponse> Submit(
      signpost::v1::SubmitReferralRequest request);
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> Get(
      const signpost::v1::GetReferralRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ListReferralsResponse> List(
      const signpost::v1::ListReferralsRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::WithdrawReferralResponse> Withdraw(
      const signpost::v1::WithdrawReferralRequest& request);
  // Counts currently UNMATCHED referrals by unmet-need category and area.
  [[nodiscard]] absl::StatusOr<signpost::v1::SummariseUnmetNeedResponse> SummariseUnmetNeed(
      const signpost::v1::SummariseUnmetNeedRequest& request) const;

  // Validates a watch request (resolving a reference to an id).
  [[nodiscard]] absl::StatusOr<WatchSubscription> StartWatch(
      const signpost::v1::WatchReferralsRequest& request) const;
  // Next events for a subscription; advances sub.after_sequence past every
  // event examined, matching or not.
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::ReferralEvent>> NextEvents(
      WatchSubscription& sub, size_t max) const;

 private:
  // The answer to a retry, if `request`'s idempotency key was used.
  absl::StatusOr<std::optional<signpost::v1::SubmitReferralResponse>> Replay(
      const signpost::v1::SubmitReferralRequest& request) const;
  // One read - decide - write attempt of a new referral.
  absl::StatusOr<signpost::v1::SubmitReferralResponse> TrySubmit(
      const signpost::v1::SubmitReferralRequest& request, const std::string& referral_id);

  AppDeps deps_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_REFERRAL_HANDLER_H_
