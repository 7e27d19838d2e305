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
#ifndef SIGNPOST_TESTS_E2E_SERVER_PROCESS_H_
#define SIGNPOST_TESTS_E2E_SERVER_PROCESS_H_

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

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
                                     "--shutdown_grace_ms=300"};
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
    channel_ = grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials());
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
  std::shared_ptr<grpc::Channel> NewChannel() const {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    return grpc::CreateCustomChannel(Address(), grpc::InsecureChannelCredentials(), args);
  }

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
};

}  // namespace signpost::testing

#endif  // SIGNPOST_TESTS_E2E_SERVER_PROCESS_H_
