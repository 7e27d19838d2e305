// Runs the real signpost_server binary for end-to-end tests.
//
// SIGNPOST_SERVER_BIN_OVERRIDE=/path/to/signpost_server runs the suite
// against another build (for example one from before a fix, to show that
// fix's regression test fails there).
//
//   ServerProcess server(data_dir);
//   ASSERT_TRUE(server.Start());           // port 0, waits for SERVING
//   auto stub = signpost::v1::ReferralService::NewStub(server.Channel());
//   server.Kill(SIGKILL);  server.Start(); // crash and restart, same data
//
// The server runs in development mode with the development issuer (a key
// made for this process). Channel() and NewChannel() send a token holding
// every role, for tests about other behaviour; ChannelAs() sends a token of
// the roles given and AnonymousChannel() none (access tests).
#ifndef SIGNPOST_TESTS_E2E_SERVER_PROCESS_H_
#define SIGNPOST_TESTS_E2E_SERVER_PROCESS_H_

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/client_interceptor.h"
#include "identity/jwks.h"
#include "identity/tokens.h"
#include "tests/e2e/call_recorder.h"

extern char** environ;

namespace signpost::testing {

// Server flags that seed the bundled demo borough (services and roster)
// from `dir` (deploy/directory).
inline std::vector<std::string> DemoDirectoryFlags(const std::string& dir) {
  return {"--seed_services=" + dir + "/demo_services.json",
          "--seed_roster=" + dir + "/demo_roster.json"};
}

// A client context with a deadline `seconds` from now.
inline std::unique_ptr<grpc::ClientContext> CallContext(int seconds = 10) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return ctx;
}

// Adds "authorization: Bearer <token>" to every call on a channel.
class BearerInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(std::string token) : header_("Bearer " + std::move(token)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->insert({"authorization", header_});
    }
    methods->Proceed();
  }

 private:
  std::string header_;
};

class BearerInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(std::string token) : token_(std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new BearerInterceptor(token_);
  }

 private:
  std::string token_;
};

// The development issuer's key for this test process (EC P-256, PEM),
// written once to a temporary file.
inline const std::string& DevIssuerKeyFile() {
  static const std::string* const kPath = [] {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("signpost-dev-issuer-" + std::to_string(::getpid()) + ".pem"))
                                 .string();
    std::ofstream(path) << *identity::NewSigningKey(/*rsa=*/false);
    static const std::string kRemove = path;
    std::atexit([] { std::filesystem::remove(kRemove); });
    return new std::string(path);
  }();
  return *kPath;
}

// A development-issuer token for `roles` acting for `organisation`.
inline std::string DevToken(const std::vector<std::string>& roles,
                            const std::string& organisation = "SPA01",
                            const std::string& subject = "test-user") {
  std::ifstream in(DevIssuerKeyFile());
  const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto token = identity::MintToken({.private_pem = pem,
                                    .kid = identity::kDevKeyId,
                                    .issuer = identity::kDevIssuer,
                                    .audience = identity::kDevAudience,
                                    .subject = subject,
                                    .organisation = organisation,
                                    .roles = roles,
                                    .issued_at = absl::Now()});
  return token.ok() ? *token : "";
}

// Every role: for tests about behaviour other than access.
inline std::vector<std::string> AllRoles() {
  return {"referrer_system", "call_hub",        "duty_clinician",
          "case_manager",    "team_lead",       "partner_staff",
          "commissioner",    "directory_admin", "clinical_safety_officer",
          "auditor"};
}

class ServerProcess {
 public:
  // If `log_file` is set the server's stderr (its JSON log) goes there.
  explicit ServerProcess(std::string data_dir, std::vector<std::string> extra_args = {},
                         std::string log_file = "")
      : data_dir_(std::move(data_dir)),
        extra_args_(std::move(extra_args)),
        log_file_(std::move(log_file)) {}

  // The rules file used from the next Start() (default: the shipped rules).
  void set_rules_file(std::string path) { rules_file_ = std::move(path); }

  // Sends a signal without waiting (for SIGHUP).
  void Signal(int signal) {
    if (pid_ > 0) ::kill(pid_, signal);
  }
  ~ServerProcess() {
    if (pid_ > 0) Kill(SIGKILL);
  }

  // Starts the server and waits (up to 20 s) until health reports SERVING.
  bool Start() {
    const std::string port_file = data_dir_ + ".port";
    std::filesystem::remove(port_file);
    const char* override_bin = std::getenv("SIGNPOST_SERVER_BIN_OVERRIDE");
    std::vector<std::string> args = {override_bin != nullptr ? override_bin : SIGNPOST_SERVER_BIN,
                                     "--data_dir=" + data_dir_, "--listen=127.0.0.1:0",
                                     "--port_file=" + port_file, "--rules=" + rules_file_,
                                     "--log_level=warn",
                                     // Idle test channels do not poll, so they never
                                     // acknowledge GOAWAY; keep the forced close short.
                                     "--shutdown_grace_ms=300", "--environment=development",
                                     "--dev_issuer_key=" + DevIssuerKeyFile()};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!log_file_.empty()) {
      posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_file_.c_str(),
                                       O_WRONLY | O_CREAT | O_APPEND, 0600);
    }
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      return false;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> port_ && port_ > 0) break;
      if (Exited()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (port_ <= 0) return false;
    channel_ = ChannelAs(AllRoles());
    return HealthStatus("", /*timeout_seconds=*/5) ==
           grpc::health::v1::HealthCheckResponse::SERVING;
  }

  // Sends `signal` and reaps the process. Returns its wait status.
  int Kill(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    port_ = 0;
    return status;
  }

  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::shared_ptr<grpc::Channel> Channel() const { return channel_; }
  // A fresh connection (a separate HTTP/2 connection from Channel()).
  std::shared_ptr<grpc::Channel> NewChannel() const { return ChannelAs(AllRoles()); }
  // A fresh connection whose calls carry a token of `roles` for
  // `organisation`.
  std::shared_ptr<grpc::Channel> ChannelAs(const std::vector<std::string>& roles,
                                           const std::string& organisation = "SPA01",
                                           const std::string& subject = "test-user") const {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> f;
    f.push_back(std::make_unique<BearerInterceptorFactory>(DevToken(roles, organisation, subject)));
    if (recorder_ != nullptr)
      f.push_back(std::make_unique<RecordingInterceptorFactory>(*recorder_));
    return grpc::experimental::CreateCustomChannelWithInterceptors(
        Address(), grpc::InsecureChannelCredentials(), args, std::move(f));
  }
  // A fresh connection with no credentials at all.
  std::shared_ptr<grpc::Channel> AnonymousChannel() const {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> f;
    if (recorder_ != nullptr)
      f.push_back(std::make_unique<RecordingInterceptorFactory>(*recorder_));
    return grpc::experimental::CreateCustomChannelWithInterceptors(
        Address(), grpc::InsecureChannelCredentials(), args, std::move(f));
  }
  // Channels made from now on (ChannelAs, AnonymousChannel) record every
  // call they make into `recorder` (which must outlive them).
  void RecordCallsInto(CallRecorder* recorder) { recorder_ = recorder; }
  const std::string& data_dir() const { return data_dir_; }

  grpc::health::v1::HealthCheckResponse::ServingStatus HealthStatus(const std::string& service,
                                                                    int timeout_seconds = 10) {
    auto stub = grpc::health::v1::Health::NewStub(channel_);
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
    if (!stub->Check(&ctx, request, &response).ok()) {
      return grpc::health::v1::HealthCheckResponse::UNKNOWN;
    }
    return response.status();
  }

  bool Exited() {
    int status = 0;
    if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    return pid_ <= 0;
  }

 private:
  std::string data_dir_;
  std::vector<std::string> extra_args_;
  std::string log_file_;
  std::string rules_file_ = SIGNPOST_DEFAULT_RULES;
  pid_t pid_ = -1;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  CallRecorder* recorder_ = nullptr;
};

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_E2E_SERVER_PROCESS_H_
