// ReferralHandler: the transport-free core of signpost.v1.ReferralService.
//
// It validates requests (router/), orchestrates storage (storage/) and
// returns absl::StatusOr values; the gRPC adapter (referral_service.h) only
// translates. Tests drive it directly with a fake clock.
//
//   ReferralHandler handler(store, clock, ids, {});
//   absl::StatusOr<SubmitReferralResponse> r = handler.Submit(request);
//
// Errors follow the API contract in proto/signpost/v1/referral.proto.
// Thread-safe; blocking (synced writes), so call it from a worker thread.
#ifndef SIGNPOST_SERVICES_REFERRAL_HANDLER_H_
#define SIGNPOST_SERVICES_REFERRAL_HANDLER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/ids.h"
#include "services/directory_registry.h"
#include "services/person_linker.h"
#include "services/rule_registry.h"
#include "signpost/v1/referral_service.pb.h"
#include "storage/referral_store.h"

namespace signpost::services {

struct ReferralHandlerOptions {
  // Civil time zone of the service (dates of birth are checked against
  // today's date here).
  absl::TimeZone local_zone = absl::UTCTimeZone();
};

// A validated WatchReferrals subscription.
struct WatchSubscription {
  uint64_t after_sequence = 0;
  storage::EventFilter filter;
};

class ReferralHandler {
 public:
  // `store`, `rules`, `directory` (may be null: no routing), `clock` and
  // `ids` must outlive the handler.
  ReferralHandler(storage::ReferralStore& store, RuleRegistry& rules, DirectoryRegistry* directory,
                  const Clock& clock, IdGenerator& ids, const ReferralHandlerOptions& options);

  // Validates, triages with the live rules, routes against the directory
  // (when it has services), links the person (by NHS number, else a new
  // person with possible duplicates listed) and stores the referral, its
  // triage and routing decisions, its events (RECEIVED, triage, routing),
  // the person and their next assessment version in one synced write. Status: NEEDS_REVIEW when
  // triage asks for a clinician (routing is then a recommendation owned by the clinician review
  // queue); else ROUTED, SIGNPOSTED or UNMATCHED; TRIAGED when the directory is empty.
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
  // Resolves an id or human reference to a referral id.
  absl::StatusOr<std::string> ResolveId(const std::string& id_or_reference) const;

  storage::ReferralStore& store_;
  PersonLinker people_;
  RuleRegistry& rules_;
  DirectoryRegistry* directory_;
  const Clock& clock_;
  IdGenerator& ids_;
  const ReferralHandlerOptions options_;
};

}  // namespace signpost::services

#endif  // SIGNPOST_SERVICES_REFERRAL_HANDLER_H_
