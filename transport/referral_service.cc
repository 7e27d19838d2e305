#include "transport/referral_service.h"

#include <deque>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "app/log.h"
#include "common/status_macros.h"
#include "router/access/binding.h"
#include "router/validation.h"
#include "transport/grpc_status.h"
#include "transport/unary_call.h"

namespace signpost::transport {
namespace {

namespace v1 = ::signpost::v1;

// Streams events to one client. Lifetime: deleted in OnDone() once no pool
// task still refers to it. Lock order: hub mutex before mu_.
class WatchReactor final : public grpc::ServerWriteReactor<v1::ReferralEvent>,
                           public EventHub::Waiter {
 public:
  WatchReactor(app::ReferralHandler& handler, EventHub& hub, const CallGate& gate,
               std::atomic<int>& open_count, size_t batch)
      : handler_(handler), hub_(hub), gate_(gate), open_count_(open_count), batch_(batch) {}

  // Starts streaming for a validated subscription.
  void Begin(const app::WatchSubscription& sub) {
    sub_ = sub;
    absl::MutexLock lock(&mu_);
    SchedulePumpLocked();
  }

  // Refuses the stream at once.
  void Refuse(const grpc::Status& status) {
    absl::MutexLock lock(&mu_);
    FinishLocked(status);
  }

  void OnEventsAvailable() override {
    absl::MutexLock lock(&mu_);
    SchedulePumpLocked();
  }

  void OnWriteDone(bool ok) override {
    bool cancel_wait = false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {
        FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "stream broken"));
        cancel_wait = true;
      } else if (!buffer_.empty()) {
        WriteNextLocked();
      } else {
        SchedulePumpLocked();
      }
    }
    if (cancel_wait) hub_.Cancel(this);
  }

  void OnCancel() override {
    hub_.Cancel(this);
    absl::MutexLock lock(&mu_);
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by client"));
  }

  void OnDone() override {
    hub_.Cancel(this);
    bool destroy;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      destroy = pending_tasks_ == 0;
    }
    if (destroy) Destroy();
  }

 private:
  void Destroy() {
    open_count_.fetch_sub(1);
    delete this;
  }

  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    buffer_.clear();
    Finish(status);
  }

  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    current_ = std::move(buffer_.front());
    buffer_.pop_front();
    writing_ = true;
    StartWrite(&current_);
  }

  void SchedulePumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || pump_scheduled_ || writing_ || !buffer_.empty()) return;
    pump_scheduled_ = true;
    ++pending_tasks_;
    if (!gate_.pool().TrySchedule([this] { Pump(); })) {
      --pending_tasks_;
      pump_scheduled_ = false;
      FinishLocked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy"));
    }
  }

  // Runs on the pool: reads the next batch and writes it, or waits.
  void Pump() {
    bool shutting_down = hub_.IsShutdown();
    absl::StatusOr<std::vector<v1::ReferralEvent>> events =
        shutting_down ? absl::StatusOr<std::vector<v1::ReferralEvent>>()
                      : handler_.NextEvents(sub_, batch_);
    const uint64_t cursor = sub_.after_sequence;
    bool wait = false;
    {
      absl::MutexLock lock(&mu_);
      pump_scheduled_ = false;
      if (!finished_) {
        if (shutting_down) {
          FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                    "server shutting down; resume from your last sequence"));
        } else if (!events.ok()) {
          app::LogError("watch read failed", {{"error", std::string(events.status().message())}});
          FinishLocked(ToGrpcStatus(events.status()));
        } else if (!events->empty()) {
          for (auto& e : *events) buffer_.push_back(std::move(e));
          WriteNextLocked();
        } else {
          wait = true;
        }
      }
    }
    if (wait) {
      if (!hub_.WaitFor(this, cursor)) {
        absl::MutexLock lock(&mu_);
        SchedulePumpLocked();  // new events (or shutdown) arrived meanwhile
      } else {
        // Registered. If the stream finished meanwhile, whoever finished it
        // may have cancelled before we registered: undo it ourselves.
        bool finished;
        {
          absl::MutexLock lock(&mu_);
          finished = finished_;
        }
        if (finished) hub_.Cancel(this);
      }
    }
    TaskDone();
  }

  void TaskDone() {
    bool destroy;
    {
      absl::MutexLock lock(&mu_);
      --pending_tasks_;
      destroy = done_ && pending_tasks_ == 0;
    }
    if (destroy) Destroy();
  }

  app::ReferralHandler& handler_;
  EventHub& hub_;
  const CallGate& gate_;
  std::atomic<int>& open_count_;
  const size_t batch_;
  // Touched only by the single scheduled Pump() (pump_scheduled_ guards it).
  app::WatchSubscription sub_;

  absl::Mutex mu_;
  std::deque<v1::ReferralEvent> buffer_ ABSL_GUARDED_BY(mu_);
  v1::ReferralEvent current_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool pump_scheduled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  int pending_tasks_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

ReferralServiceImpl::ReferralServiceImpl(app::ReferralHandler& handler, EventHub& hub,
                                         const CallGate& gate, const Relationships& relationships,
                                         const ReferralServiceOptions& options)
    : handler_(handler), hub_(hub), gate_(gate), relationships_(relationships), options_(options) {}

grpc::ServerUnaryReactor* ReferralServiceImpl::SubmitReferral(
    grpc::CallbackServerContext* ctx, const v1::SubmitReferralRequest* request,
    v1::SubmitReferralResponse* response) {
  return RunUnary(ctx, gate_, "SubmitReferral", request, response, request->request_id(),
                  [this, request, response](const router::Caller& who) {
                    v1::SubmitReferralRequest bound = *request;
                    if (absl::Status s = router::BindReferrer(who, *bound.mutable_submission());
                        !s.ok()) {
                      return Outcome{s, ""};
                    }
                    auto result = handler_.Submit(std::move(bound));
                    if (!result.ok()) return Outcome{result.status(), ""};
                    *response = std::move(*result);
                    router::LimitSubmitResponse(who, *response);
                    return Outcome{absl::OkStatus(), response->referral().referral_id()};
                  });
}

grpc::ServerUnaryReactor* ReferralServiceImpl::GetReferral(grpc::CallbackServerContext* ctx,
                                                           const v1::GetReferralRequest* request,
                                                           v1::Referral* response) {
  return RunUnary(ctx, gate_, "GetReferral", request, response, "",
                  [this, request, response](const router::Caller& who) {
                    auto result = handler_.Get(*request);
                    if (!result.ok()) return Outcome{result.status(), ""};
                    if (absl::Status s = router::CheckReferralVisible(who, *result); !s.ok())
                      return Outcome{s, ""};
                    if (absl::Status s = relationships_.ToReferralRecord(who, *result); !s.ok())
                      return Outcome{s, ""};
                    *response = std::move(*result);
                    return Outcome{absl::OkStatus(), response->referral_id()};
                  });
}

grpc::ServerUnaryReactor* ReferralServiceImpl::ListReferrals(
    grpc::CallbackServerContext* ctx, const v1::ListReferralsRequest* request,
    v1::ListReferralsResponse* response) {
  return RunUnaryInto(
      ctx, gate_, "ListReferrals", request, response,
      [this, request](const router::Caller& who) -> absl::StatusOr<v1::ListReferralsResponse> {
        v1::ListReferralsRequest bound = *request;
        SP_RETURN_IF_ERROR(router::BindReferrerFilter(who, *bound.mutable_referrer_ods_code()));
        return handler_.List(bound);
      });
}

grpc::ServerUnaryReactor* ReferralServiceImpl::WithdrawReferral(
    grpc::CallbackServerContext* ctx, const v1::WithdrawReferralRequest* request,
    v1::WithdrawReferralResponse* response) {
  return RunUnary(ctx, gate_, "WithdrawReferral", request, response, "",
                  [this, request, response](const router::Caller& who) {
                    // Whose it is never changes, so checking before the write is enough.
                    v1::GetReferralRequest get;
                    get.set_referral_id(request->referral_id());
                    // Only a referrer system is limited to its own referrals.
                    if (router::ActsOnlyForOwnOrganisation(who)) {
                      if (auto found = handler_.Get(get); found.ok()) {
                        if (absl::Status s = router::CheckReferralVisible(who, *found); !s.ok())
                          return Outcome{s, ""};
                      }
                    }
                    auto result = handler_.Withdraw(*request);
                    if (!result.ok()) return Outcome{result.status(), ""};
                    *response = std::move(*result);
                    return Outcome{absl::OkStatus(), response->referral().referral_id()};
                  });
}

grpc::ServerUnaryReactor* ReferralServiceImpl::SummariseUnmetNeed(
    grpc::CallbackServerContext* ctx, const v1::SummariseUnmetNeedRequest* request,
    v1::SummariseUnmetNeedResponse* response) {
  return RunUnaryInto(ctx, gate_, "SummariseUnmetNeed", request, response,
                      [this, request] { return handler_.SummariseUnmetNeed(*request); });
}

grpc::ServerWriteReactor<v1::ReferralEvent>* ReferralServiceImpl::WatchReferrals(
    grpc::CallbackServerContext* ctx, const v1::WatchReferralsRequest* request) {
  open_watches_.fetch_add(1);
  auto* reactor = new WatchReactor(handler_, hub_, gate_, open_watches_, options_.watch_batch);
  absl::StatusOr<router::Caller> caller = gate_.Admit(ctx, "WatchReferrals", request);
  if (!caller.ok()) {
    app::LogRpc("WatchReferrals", "", "", caller.status(), absl::ZeroDuration());
    reactor->Refuse(ToGrpcStatus(caller.status()));
    return reactor;
  }
  if (open_watches_.load() > options_.max_watch_streams) {
    reactor->Refuse(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "too many open watch streams; retry later"));
    return reactor;
  }
  // The subscription is the access: audited (synced) before any event is
  // sent, with its outcome. Validation may read storage (reference
  // lookup): cheap, point read. Runs on the gRPC thread; watches are few.
  v1::WatchReferralsRequest bound = *request;
  app::AuditScope scope(gate_.AuditContextFor("WatchReferrals", *caller));
  const absl::Status in_scope =
      router::BindReferrerFilter(*caller, *bound.mutable_referrer_ods_code());
  absl::StatusOr<app::WatchSubscription> sub =
      in_scope.ok() ? handler_.StartWatch(bound) : absl::StatusOr<app::WatchSubscription>(in_scope);
  if (absl::Status s = gate_.Audited(scope, &bound, nullptr, sub.status()); !s.ok()) {
    app::LogRpc("WatchReferrals", "", "", s, absl::ZeroDuration());
    reactor->Refuse(ToGrpcStatus(s));
    return reactor;
  }
  app::LogInfo("watch started", {{"after_sequence", std::to_string(sub->after_sequence)}});
  reactor->Begin(*sub);
  return reactor;
}

}  // namespace signpost::transport
