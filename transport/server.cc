#include "transport/server.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "app/breach_timer.h"
#include "app/log.h"
#include "common/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "transport/audit_service.h"
#include "transport/case_service.h"
#include "transport/directory_service.h"
#include "transport/event_hub.h"
#include "transport/referral_service.h"
#include "transport/triage_service.h"
#include "transport/worker_pool.h"

namespace signpost::transport {
namespace {

constexpr char kReferralServiceName[] = "signpost.v1.ReferralService";
constexpr char kTriageServiceName[] = "signpost.v1.TriageService";
constexpr char kDirectoryServiceName[] = "signpost.v1.DirectoryService";
constexpr char kCaseServiceName[] = "signpost.v1.CaseService";
constexpr char kAuditServiceName[] = "signpost.v1.AuditService";

class ServerImpl final : public SignpostServer {
 public:
  ServerImpl(const ServerOptions& options, app::App& app)
      : app_(app),
        hub_(app.deps().store.events().Visible()),
        pool_({.threads = options.worker_threads, .max_queued = options.max_queued_calls}),
        gate_(pool_, *options.authenticator, app.auditor(), RealClock()),
        relationships_(app.referrals(), app.cases(), app.break_glass()),
        service_(app.referrals(), hub_, gate_, relationships_,
                 {.max_watch_streams = options.max_watch_streams}),
        triage_service_(app.triage(), gate_),
        directory_service_(*app.directory(), gate_),
        case_service_(app.cases(), app.lifecycle(), app.break_glass(), relationships_, gate_),
        audit_service_(app.audit(), gate_) {
    app.deps().store.events().SetListener([this](uint64_t visible) { hub_.Publish(visible); });
  }

  ~ServerImpl() override {
    Shutdown(absl::ZeroDuration());
    app_.deps().store.events().SetListener(nullptr);
  }

  absl::Status Build(const ServerOptions& options) {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    const bool tls = !options.tls_cert_pem.empty() && !options.tls_key_pem.empty();
    builder.AddListeningPort(options.listen_address, Credentials(options), &port_);
    builder.RegisterService(&service_);
    builder.RegisterService(&triage_service_);
    builder.RegisterService(&directory_service_);
    builder.RegisterService(&case_service_);
    builder.RegisterService(&audit_service_);
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
    SetServing(true);
    StartTimers(options);
    app::LogInfo("serving",
                 {{"address", options.listen_address},
                  {"port", std::to_string(port_)},
                  {"tls", tls ? "on" : "off"},
                  {"client_certificates",
                   tls && !options.client_ca_pem.empty() ? "verified when presented" : "off"}});
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  void Shutdown(absl::Duration grace) override {
    {
      absl::MutexLock lock(&mu_);
      if (stopped_ || server_ == nullptr) return;
      stopped_ = true;
    }
    app::LogInfo("shutting down", {{"grace_ms", std::to_string(absl::ToInt64Milliseconds(grace))}});
    SetServing(false);
    breach_timer_.reset();
    audit_sealer_.reset();
    hub_.Shutdown();  // watch streams end with UNAVAILABLE so clients resume
    server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
    server_->Wait();
    app::LogInfo("stopped");
  }

 private:
  static std::shared_ptr<grpc::ServerCredentials> Credentials(const ServerOptions& options) {
    if (options.tls_cert_pem.empty() || options.tls_key_pem.empty()) {
      return grpc::InsecureServerCredentials();
    }
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({options.tls_key_pem, options.tls_cert_pem});
    if (!options.client_ca_pem.empty()) {
      ssl.pem_root_certs = options.client_ca_pem;
      ssl.client_certificate_request = GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    return grpc::SslServerCredentials(ssl);
  }

  void SetServing(bool serving) {
    auto* health = server_->GetHealthCheckService();
    for (const char* name : {kReferralServiceName, kTriageServiceName, kDirectoryServiceName,
                             kCaseServiceName, kAuditServiceName}) {
      health->SetServingStatus(name, serving);
    }
    health->SetServingStatus(serving);
  }

  void StartTimers(const ServerOptions& options) {
    // Breaches missed while the server was down are reported now, once.
    breach_timer_ = std::make_unique<app::BreachTimer>(
        [this] {
          app::AuditScope scope({.rpc = "breach-timer", .person_data = false, .internal = true});
          return app_.lifecycle().FireDueBreaches();
        },
        options.breach_scan_interval);
    // Chains new audit entries and logs the head as an outside anchor.
    audit_sealer_ = std::make_unique<app::BreachTimer>(
        [this] { return app::SealAuditTrail(app_.deps().store); }, options.audit_seal_interval);
  }

  app::App& app_;
  EventHub hub_;
  WorkerPool pool_;
  CallGate gate_;
  Relationships relationships_;
  ReferralServiceImpl service_;
  TriageServiceImpl triage_service_;
  DirectoryServiceImpl directory_service_;
  CaseServiceImpl case_service_;
  AuditServiceImpl audit_service_;
  std::unique_ptr<app::BreachTimer> breach_timer_;
  std::unique_ptr<app::BreachTimer> audit_sealer_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SignpostServer>> SignpostServer::Start(const ServerOptions& options,
                                                                      app::App& app) {
  if (app.directory() == nullptr) return absl::InvalidArgumentError("the server needs a directory");
  if (options.authenticator == nullptr) {
    return absl::InvalidArgumentError("the server needs an authenticator");
  }
  auto server = std::make_unique<ServerImpl>(options, app);
  if (absl::Status s = server->Build(options); !s.ok()) return s;
  return std::unique_ptr<SignpostServer>(std::move(server));
}

}  // namespace signpost::transport
