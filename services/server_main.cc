// signpost_server: the composition root. The only code that reads flags,
// config files and signals.
//
//   signpost_server --data_dir=./data --listen=127.0.0.1:50051
//   signpost_server --config=deploy/signpost.textproto
//
// Flags override values from --config. SIGTERM and SIGINT shut down
// gracefully (health NOT_SERVING, drain, close storage).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "router/triage/triage_engine.h"
#include "services/directory_handler.h"
#include "services/directory_registry.h"
#include "services/log.h"
#include "services/rule_registry.h"
#include "services/server.h"
#include "signpost/config/server_config.pb.h"
#include "spdlog/spdlog.h"
#include "storage/directory_store.h"
#include "storage/referral_store.h"

ABSL_FLAG(std::string, config, "", "Path to a ServerConfig text-proto file.");
ABSL_FLAG(std::string, listen, "", "host:port to listen on (default 127.0.0.1:50051).");
ABSL_FLAG(std::string, data_dir, "", "RocksDB data directory (default ./data).");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate file; enables TLS with --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key file.");
ABSL_FLAG(std::string, log_level, "", "trace|debug|info|warn|error (default info).");
ABSL_FLAG(std::string, rules, "", "Triage rules file (text-format RuleSet); required.");
ABSL_FLAG(std::string, seed_services, "",
          "ORUK/HSDS JSON of services to import at start-up (idempotent upsert).");
ABSL_FLAG(std::string, seed_roster, "",
          "JSON DirectoryRoster (teams, case managers) to load at start-up.");
ABSL_FLAG(std::string, port_file, "", "Write the bound port here once serving.");
ABSL_FLAG(int, shutdown_grace_ms, 0, "Grace for in-flight calls at shutdown (default 5000).");
ABSL_FLAG(std::string, time_zone, "Europe/London", "Civil time zone of the service.");

namespace {

using signpost::config::ServerConfig;

class ConfigErrors final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    text_ += absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message, "\n");
  }
  std::string text_;
};

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool LoadConfig(ServerConfig* config) {
  const std::string path = absl::GetFlag(FLAGS_config);
  if (!path.empty()) {
    std::string text;
    if (!ReadFile(path, &text)) {
      std::fprintf(stderr, "cannot read config file %s\n", path.c_str());
      return false;
    }
    google::protobuf::TextFormat::Parser parser;
    ConfigErrors errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(text, config)) {
      std::fprintf(stderr, "config file %s is invalid:\n%s", path.c_str(), errors.text_.c_str());
      return false;
    }
  }
  auto override_with = [](const std::string& flag, std::string* field) {
    if (!flag.empty()) *field = flag;
  };
  override_with(absl::GetFlag(FLAGS_listen), config->mutable_listen_address());
  override_with(absl::GetFlag(FLAGS_data_dir), config->mutable_data_dir());
  override_with(absl::GetFlag(FLAGS_tls_cert), config->mutable_tls_cert_file());
  override_with(absl::GetFlag(FLAGS_tls_key), config->mutable_tls_key_file());
  override_with(absl::GetFlag(FLAGS_log_level), config->mutable_log_level());
  override_with(absl::GetFlag(FLAGS_port_file), config->mutable_port_file());
  override_with(absl::GetFlag(FLAGS_rules), config->mutable_rules_file());
  if (config->listen_address().empty()) config->set_listen_address("127.0.0.1:50051");
  if (config->data_dir().empty()) config->set_data_dir("./data");
  if (config->log_level().empty()) config->set_log_level("info");
  if (absl::GetFlag(FLAGS_shutdown_grace_ms) > 0) {
    config->set_shutdown_grace_ms(absl::GetFlag(FLAGS_shutdown_grace_ms));
  }
  return true;
}

bool WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << "\n";
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

// Loads --seed_services and --seed_roster (idempotent upserts).
bool SeedDirectory(signpost::services::DirectoryRegistry& directory, absl::TimeZone zone) {
  const std::string services = absl::GetFlag(FLAGS_seed_services);
  if (!services.empty()) {
    signpost::v1::ImportDirectoryRequest request;
    if (!ReadFile(services, request.mutable_json())) {
      signpost::services::LogError("cannot read --seed_services", {{"path", services}});
      return false;
    }
    request.set_source(services);
    signpost::services::DirectoryHandler handler(directory, signpost::RealClock(), zone);
    auto result = handler.Import(request);
    if (!result.ok() || result->rejected() > 0) {
      signpost::services::LogError("seed services rejected", {{"path", services}});
      return false;
    }
    signpost::services::LogInfo("seeded services",
                                {{"imported", std::to_string(result->imported())},
                                 {"updated", std::to_string(result->updated())}});
  }
  const std::string roster_path = absl::GetFlag(FLAGS_seed_roster);
  if (!roster_path.empty()) {
    std::string text;
    signpost::v1::DirectoryRoster roster;
    if (!ReadFile(roster_path, &text) ||
        !google::protobuf::util::JsonStringToMessage(text, &roster).ok()) {
      signpost::services::LogError("cannot read --seed_roster", {{"path", roster_path}});
      return false;
    }
    for (const auto& team : roster.teams()) {
      if (!directory.store().PutTeam(team).ok()) return false;
    }
    for (const auto& cm : roster.case_managers()) {
      if (!directory.store().PutCaseManager(cm).ok()) return false;
    }
    if (!directory.Reload().ok()) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Signpost referral service. See README.md.");
  absl::ParseCommandLine(argc, argv);
  // Abseil's mutex deadlock detection keeps a lock-order graph on every
  // acquisition (1.5 % of server CPU in a profile at 1 in flight; see
  // docs/BENCHMARKS.md). Lock order is fixed by design (storage/
  // rocks_record_store.h) and the tests run with detection on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Block the shutdown signals before any thread starts, so every thread
  // inherits the mask and main() receives them synchronously via sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ServerConfig config;
  if (!LoadConfig(&config)) return 2;
  if (absl::Status s = signpost::services::InitLogging({.level = config.log_level()}); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 2;
  }

  signpost::services::ServerOptions options;
  options.listen_address = config.listen_address();
  if (!config.tls_cert_file().empty() || !config.tls_key_file().empty()) {
    if (!ReadFile(config.tls_cert_file(), &options.tls_cert_pem) ||
        !ReadFile(config.tls_key_file(), &options.tls_key_pem)) {
      signpost::services::LogError("cannot read TLS certificate or key");
      return 2;
    }
  }
  if (config.max_receive_message_bytes() > 0) {
    options.max_receive_message_bytes = config.max_receive_message_bytes();
  }
  if (config.max_concurrent_streams_per_connection() > 0) {
    options.max_concurrent_streams_per_connection = config.max_concurrent_streams_per_connection();
  }
  if (config.max_watch_streams() > 0) options.max_watch_streams = config.max_watch_streams();
  if (config.max_inflight_unary_calls() > 0) {
    options.max_queued_calls = static_cast<size_t>(config.max_inflight_unary_calls());
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &zone)) {
    signpost::services::LogWarn("time zone not found; using UTC",
                                {{"time_zone", absl::GetFlag(FLAGS_time_zone)}});
    zone = absl::UTCTimeZone();
  }
  options.handler.local_zone = zone;

  signpost::storage::StoreOptions store_options;
  store_options.data_dir = config.data_dir();
  if (config.rocksdb_background_jobs() > 0) {
    store_options.background_jobs = config.rocksdb_background_jobs();
  }
  if (config.rocksdb_block_cache_mb() > 0) {
    store_options.block_cache_bytes = static_cast<size_t>(config.rocksdb_block_cache_mb()) << 20;
  }
  store_options.pipelined_write = config.rocksdb_pipelined_write();
  std::error_code ec;
  std::filesystem::create_directories(store_options.data_dir, ec);
  auto store = signpost::storage::ReferralStore::Open(store_options);
  if (!store.ok()) {
    signpost::services::LogError("cannot open storage",
                                 {{"error", std::string(store.status().message())}});
    return 1;
  }
  signpost::services::LogInfo("storage open", {{"data_dir", store_options.data_dir}});

  // Triage rules: required, validated before anything is served.
  std::string rules_text;
  if (config.rules_file().empty() || !ReadFile(config.rules_file(), &rules_text)) {
    signpost::services::LogError("cannot read the triage rules file (--rules)",
                                 {{"path", config.rules_file()}});
    return 2;
  }
  auto engine = signpost::router::TriageEngine::FromText(rules_text);
  if (!engine.ok()) {
    signpost::services::LogError(
        "triage rules are invalid",
        {{"path", config.rules_file()}, {"error", std::string(engine.status().message())}});
    return 2;
  }
  signpost::services::RuleRegistry rules(*std::move(engine), signpost::RealClock());
  signpost::services::LogInfo("triage rules loaded", {{"path", config.rules_file()},
                                                      {"version", rules.Current()->version()}});

  // The directory of services, in the same database.
  std::unique_ptr<signpost::storage::DirectoryStore> directory_store =
      signpost::storage::DirectoryStore::Create((*store)->database());
  signpost::services::DirectoryRegistry directory(*directory_store);
  if (absl::Status s = directory.Reload(); !s.ok()) {
    signpost::services::LogError("cannot read the directory",
                                 {{"error", std::string(s.message())}});
    return 1;
  }
  if (!SeedDirectory(directory, zone)) return 2;
  signpost::services::LogInfo(
      "directory loaded",
      {{"services", std::to_string(directory.Current()->snapshot->size())},
       {"case_managers", std::to_string(directory.Current()->roster.case_managers.size())}});
  if (directory.Current()->snapshot->size() == 0) {
    signpost::services::LogWarn(
        "the directory is empty: referrals are triaged but not routed until services are imported");
  }

  auto server = signpost::services::SignpostServer::Start(options, **store, rules, directory,
                                                          signpost::RealClock());
  if (!server.ok()) {
    signpost::services::LogError("cannot start server",
                                 {{"error", std::string(server.status().message())}});
    return 1;
  }
  if (!config.port_file().empty() && !WritePortFile(config.port_file(), (*server)->port())) {
    signpost::services::LogError("cannot write port file", {{"path", config.port_file()}});
    return 1;
  }

  while (true) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      // Re-read the rules file; RuleRegistry keeps the live rules and logs
      // why if the new file is invalid.
      std::string text;
      if (!ReadFile(config.rules_file(), &text)) {
        signpost::services::LogError("SIGHUP: cannot read rules file; live rules unchanged",
                                     {{"path", config.rules_file()}});
      } else {
        (void)rules.Activate(text);
      }
      continue;
    }
    signpost::services::LogInfo("signal received", {{"signal", std::to_string(sig)}});
    break;
  }
  const int grace_ms = config.shutdown_grace_ms() > 0 ? config.shutdown_grace_ms() : 5000;
  (*server)->Shutdown(absl::Milliseconds(grace_ms));
  server->reset();
  store->reset();  // closes RocksDB after every call has finished
  signpost::services::LogInfo("storage closed");
  // Everything durable is closed. Skip gRPC's global teardown, which can
  // wait seconds for clients' idle connections to go away.
  spdlog::shutdown();
  std::fflush(nullptr);
  _exit(0);
}
