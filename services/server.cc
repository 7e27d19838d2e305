#include "services/server.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "services/breach_timer.h"
#include "services/case_service.h"
#include "services/directory_service.h"
#include "services/event_hub.h"
#include "services/log.h"
#include "services/referral_service.h"
#include "services/triage_service.h"
#include "services/worker_pool.h"

namespace signpost::services {
namespace {

constexpr char kReferralServiceName[] = "signpost.v1.ReferralService";
constexpr char kTriageServiceName[] = "signpost.v1.TriageService";
constexpr char kDirectoryServiceName[] = "signpost.v1.DirectoryService";
constexpr char kCaseServiceName[] = "signpost.v1.CaseService";

class ServerImpl final : public SignpostServer {
 public:
  ServerImpl(const ServerOptions& options, storage::ReferralStore& store, RuleRegistry& rules,
             DirectoryRegistry& directory, const Clock& clock)
      : ids_(clock),
        handler_(store, rules, &directory, clock, ids_, options.handler),
        triage_handler_(store, rules, clock, options.handler),
        directory_handler_(directory, clock, options.handler.local_zone),
        case_deps_{.store = store,
                   .rules = rules,
                   .directory = &directory,
                   .clock = clock,
                   .ids = ids_,
                   .zone = options.handler.local_zone},
        case_handler_(case_deps_),
        lifecycle_handler_(case_deps_),
        hub_(store.VisibleSequence()),
        pool_({.threads = options.worker_threads, .max_queued = options.max_queued_calls}),
        service_(handler_, hub_, pool_, {.max_watch_streams = options.max_watch_streams}),
        triage_service_(triage_handler_, pool_),
        directory_service_(directory_handler_, pool_),
        case_service_(case_handler_, lifecycle_handler_, pool_) {
    store.SetEventListener([this](uint64_t visible) { hub_.Publish(visible); });
    store_ = &store;
  }

  ~ServerImpl() override {
    Shutdown(absl::ZeroDuration());
    store_->SetEventListener(nullptr);
  }

  absl::Status Build(const ServerOptions& options) {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    std::shared_ptr<grpc::ServerCredentials> creds;
    const bool tls = !options.tls_cert_pem.empty() && !options.tls_key_pem.empty();
    if (tls) {
      grpc::SslServerCredentialsOptions ssl;
      ssl.pem_key_cert_pairs.push_back({options.tls_key_pem, options.tls_cert_pem});
      creds = grpc::SslServerCredentials(ssl);
    } else {
      creds = grpc::InsecureServerCredentials();
    }
    builder.AddListeningPort(options.listen_address, creds, &port_);
    builder.RegisterService(&service_);
    builder.RegisterService(&triage_service_);
    builder.RegisterService(&directory_service_);
    builder.RegisterService(&case_service_);
    builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
    builder.SetMaxSendMessageSize(4 << 20);
    builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                               options.max_concurrent_streams_per_connection);
    builder.AddChannelArgument(GRPC_ARG_MAX_METADATA_SIZE, options.max_metadata_bytes);
    // Reap idle and abusive connections.
    builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 30 * 60 * 1000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 2 * 60 * 1000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(absl::StrCat("could not listen on ", options.listen_address));
    }
    auto* health = server_->GetHealthCheckService();
    health->SetServingStatus(kReferralServiceName, true);
    health->SetServingStatus(kTriageServiceName, true);
    health->SetServingStatus(kDirectoryServiceName, true);
    health->SetServingStatus(kCaseServiceName, true);
    health->SetServingStatus(true);
    // Breaches missed while the server was down are reported now, once.
    breach_timer_ = std::make_unique<BreachTimer>(
        [this] { return lifecycle_handler_.FireDueBreaches(); }, options.breach_scan_interval);
    LogInfo("serving", {{"address", options.listen_address},
                        {"port", std::to_string(port_)},
                        {"tls", tls ? "on" : "off"}});
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  void Shutdown(absl::Duration grace) override {
    {
      absl::MutexLock lock(&mu_);
      if (stopped_ || server_ == nullptr) return;
      stopped_ = true;
    }
    LogInfo("shutting down", {{"grace_ms", std::to_string(absl::ToInt64Milliseconds(grace))}});
    auto* health = server_->GetHealthCheckService();
    health->SetServingStatus(kReferralServiceName, false);
    health->SetServingStatus(kTriageServiceName, false);
    health->SetServingStatus(kDirectoryServiceName, false);
    health->SetServingStatus(kCaseServiceName, false);
    health->SetServingStatus(false);
    breach_timer_.reset();
    hub_.Shutdown();  // watch streams end with UNAVAILABLE so clients resume
    server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
    server_->Wait();
    LogInfo("stopped");
  }

 private:
  IdGenerator ids_;
  ReferralHandler handler_;
  TriageHandler triage_handler_;
  DirectoryHandler directory_handler_;
  CaseDeps case_deps_;
  CaseHandler case_handler_;
  LifecycleHandler lifecycle_handler_;
  EventHub hub_;
  WorkerPool pool_;
  ReferralServiceImpl service_;
  TriageServiceImpl triage_service_;
  DirectoryServiceImpl directory_service_;
  CaseServiceImpl case_service_;
  std::unique_ptr<BreachTimer> breach_timer_;
  storage::ReferralStore* store_ = nullptr;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SignpostServer>> SignpostServer::Start(const ServerOptions& options,
                                                                      storage::ReferralStore& store,
                                                                      RuleRegistry& rules,
                                                                      DirectoryRegistry& directory,
                                                                      const Clock& clock) {
  auto server = std::make_unique<ServerImpl>(options, store, rules, directory, clock);
  if (absl::Status s = server->Build(options); !s.ok()) return s;
  return std::unique_ptr<SignpostServer>(std::move(server));
}

}  // namespace signpost::services
