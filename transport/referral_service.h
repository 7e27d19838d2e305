// The gRPC adapter for signpost.v1.ReferralService (callback API).
//
// Thin: each unary RPC is handed to the WorkerPool (handlers block on
// synced writes), run through app::ReferralHandler, logged and finished with
// ToGrpcStatus(). WatchReferrals is a server-write reactor that reads the
// event log in small batches with a single write in flight, so a slow
// reader costs a bounded amount of memory; when caught up it sleeps on the
// EventHub rather than holding a thread.
//
// Overload: if the worker queue is full a unary call gets
// RESOURCE_EXHAUSTED; more than `max_watch_streams` open watches likewise.
#ifndef SIGNPOST_TRANSPORT_REFERRAL_SERVICE_H_
#define SIGNPOST_TRANSPORT_REFERRAL_SERVICE_H_

#include <atomic>

#include "app/referral_handler.h"
#include "signpost/v1/referral_service.grpc.pb.h"
#include "transport/call_gate.h"
#include "transport/event_hub.h"
#include "transport/relationships.h"

namespace signpost::transport {

struct ReferralServiceOptions {
  int max_watch_streams = 256;
  // Events read from storage per batch for one watch stream.
  size_t watch_batch = 64;
};

class ReferralServiceImpl final : public signpost::v1::ReferralService::CallbackService {
 public:
  // All references must outlive the service.
  ReferralServiceImpl(app::ReferralHandler& handler, EventHub& hub, const CallGate& gate,
                      const Relationships& relationships, const ReferralServiceOptions& options);

  grpc::ServerUnaryReactor* SubmitReferral(grpc::CallbackServerContext* ctx,
                                           const signpost::v1::SubmitReferralRequest* request,
                                           signpost::v1::SubmitReferralResponse* response) override;
  grpc::ServerUnaryReactor* GetReferral(grpc::CallbackServerContext* ctx,
                                        const signpost::v1::GetReferralRequest* request,
                                        signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* ListReferrals(grpc::CallbackServerContext* ctx,
                                          const signpost::v1::ListReferralsRequest* request,
                                          signpost::v1::ListReferralsResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawReferral(
      grpc::CallbackServerContext* ctx, const signpost::v1::WithdrawReferralRequest* request,
      signpost::v1::WithdrawReferralResponse* response) override;
  grpc::ServerUnaryReactor* SummariseUnmetNeed(
      grpc::CallbackServerContext* ctx, const signpost::v1::SummariseUnmetNeedRequest* request,
      signpost::v1::SummariseUnmetNeedResponse* response) override;
  grpc::ServerWriteReactor<signpost::v1::ReferralEvent>* WatchReferrals(
      grpc::CallbackServerContext* ctx,
      const signpost::v1::WatchReferralsRequest* request) override;

  int open_watch_streams() const { return open_watches_.load(); }

 private:
  app::ReferralHandler& handler_;
  EventHub& hub_;
  const CallGate& gate_;
  const Relationships& relationships_;
  const ReferralServiceOptions options_;
  std::atomic<int> open_watches_{0};
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_REFERRAL_SERVICE_H_
