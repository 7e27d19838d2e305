// signpost_server: the composition root. The only code that reads flags,
// config files and signals.
//
//   signpost_server --data_dir=./data --listen=127.0.0.1:50051 --rules=triage.textproto
//   signpost_server --config=deploy/signpost.textproto
//
// Flags override values from --config. SIGTERM and SIGINT shut down
// gracefully (health NOT_SERVING, drain, close storage); SIGHUP re-reads
// the rules file.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "app/app.h"
#include "app/log.h"
#include "app/safety_gate.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "signpost/config/server_config.pb.h"
#include "spdlog/spdlog.h"
#include "storage/store.h"
#include "transport/auth_setup.h"
#include "transport/server.h"

ABSL_FLAG(std::string, config, "", "Path to a ServerConfig text-proto file.");
ABSL_FLAG(std::string, listen, "", "host:port to listen on (default 127.0.0.1:50051).");
ABSL_FLAG(std::string, data_dir, "", "RocksDB data directory (default ./data).");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate file; enables TLS with --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key file.");
ABSL_FLAG(std::string, log_level, "", "trace|debug|info|warn|error (default info).");
ABSL_FLAG(std::string, rules, "", "Triage rules file (text-format RuleSet); required.");
ABSL_FLAG(std::string, vignettes, "",
          "Triage evaluation corpus for the rule-change safety gate (default: vignettes.textproto "
          "beside the rules file).");
ABSL_FLAG(std::string, rules_override_reason, "",
          "Start with a new rules file the safety gate refuses; the reason is recorded.");
ABSL_FLAG(std::string, seed_services, "",
          "ORUK/HSDS JSON of services to load into an empty directory (see --reseed).");
ABSL_FLAG(std::string, seed_roster, "",
          "JSON DirectoryRoster (teams, case managers) to load with --seed_services.");
ABSL_FLAG(bool, reseed, false,
          "Load the seed files even if the directory already holds data (overwrites by id).");
ABSL_FLAG(std::string, port_file, "", "Write the bound port here once serving.");
ABSL_FLAG(int, shutdown_grace_ms, 0, "Grace for in-flight calls at shutdown (default 5000).");
ABSL_FLAG(std::string, time_zone, "Europe/London", "Civil time zone of the service.");
ABSL_FLAG(std::string, environment, "",
          "production (default: TLS required, no development issuer) or development.");
ABSL_FLAG(std::string, jwks, "", "The OIDC issuer's JSON Web Key Set file.");
ABSL_FLAG(std::string, token_issuer, "", "The issuer (iss) bearer tokens must carry.");
ABSL_FLAG(std::string, token_audience, "", "The audience (aud) bearer tokens must carry.");
ABSL_FLAG(std::string, client_ca, "",
          "PEM CA bundle for client certificates (mutual TLS for systems).");
ABSL_FLAG(std::string, dev_issuer_key, "",
          "Development only: trust tokens minted with this private key (signpost token mint).");

namespace {

namespace v1 = ::signpost::v1;
using signpost::app::LogError;
using signpost::app::LogInfo;
using signpost::app::LogWarn;
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

bool ParseConfigFile(const std::string& path, ServerConfig* config) {
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
  return true;
}

bool LoadConfig(ServerConfig* config) {
  const std::string path = absl::GetFlag(FLAGS_config);
  if (!path.empty() && !ParseConfigFile(path, config)) return false;
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
  override_with(absl::GetFlag(FLAGS_vignettes), config->mutable_vignettes_file());
  auto* auth = config->mutable_auth();
  override_with(absl::GetFlag(FLAGS_environment), auth->mutable_environment());
  override_with(absl::GetFlag(FLAGS_jwks), auth->mutable_jwks_file());
  override_with(absl::GetFlag(FLAGS_token_issuer), auth->mutable_token_issuer());
  override_with(absl::GetFlag(FLAGS_token_audience), auth->mutable_token_audience());
  override_with(absl::GetFlag(FLAGS_client_ca), auth->mutable_client_ca_file());
  override_with(absl::GetFlag(FLAGS_dev_issuer_key), auth->mutable_development_issuer_key_file());
  if (config->vignettes_file().empty() && !config->rules_file().empty()) {
    config->set_vignettes_file(
        (std::filesystem::path(config->rules_file()).parent_path() / "vignettes.textproto")
            .string());
  }
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

absl::TimeZone ServiceZone() {
  absl::TimeZone zone;
  if (absl::LoadTimeZone(absl::GetFlag(FLAGS_time_zone), &zone)) return zone;
  LogWarn("time zone not found; using UTC", {{"time_zone", absl::GetFlag(FLAGS_time_zone)}});
  return absl::UTCTimeZone();
}

std::optional<signpost::transport::ServerOptions> ServerOptionsFrom(const ServerConfig& config) {
  signpost::transport::ServerOptions options;
  options.listen_address = config.listen_address();
  if (!config.tls_cert_file().empty() || !config.tls_key_file().empty()) {
    if (!ReadFile(config.tls_cert_file(), &options.tls_cert_pem) ||
        !ReadFile(config.tls_key_file(), &options.tls_key_pem)) {
      LogError("cannot read TLS certificate or key");
      return std::nullopt;
    }
  }
  if (!config.auth().client_ca_file().empty() &&
      !ReadFile(config.auth().client_ca_file(), &options.client_ca_pem)) {
    LogError("cannot read the client CA bundle", {{"path", config.auth().client_ca_file()}});
    return std::nullopt;
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
  return options;
}

signpost::storage::StoreOptions StoreOptionsFrom(const ServerConfig& config) {
  signpost::storage::StoreOptions store_options;
  store_options.data_dir = config.data_dir();
  if (config.rocksdb_background_jobs() > 0) {
    store_options.background_jobs = config.rocksdb_background_jobs();
  }
  if (config.rocksdb_block_cache_mb() > 0) {
    store_options.block_cache_bytes = static_cast<size_t>(config.rocksdb_block_cache_mb()) << 20;
  }
  store_options.pipelined_write = config.rocksdb_pipelined_write();
  return store_options;
}

// Loads --seed_services and --seed_roster into an empty directory (or any,
// with --reseed).
bool SeedDirectory(signpost::app::DirectoryHandler& directory) {
  const std::string services_path = absl::GetFlag(FLAGS_seed_services);
  const std::string roster_path = absl::GetFlag(FLAGS_seed_roster);
  if (services_path.empty() && roster_path.empty()) return true;
  std::string services, roster_text;
  v1::DirectoryRoster roster;
  if ((!services_path.empty() && !ReadFile(services_path, &services)) ||
      (!roster_path.empty() &&
       (!ReadFile(roster_path, &roster_text) ||
        !google::protobuf::util::JsonStringToMessage(roster_text, &roster).ok()))) {
    LogError("cannot read the seed files", {{"services", services_path}, {"roster", roster_path}});
    return false;
  }
  absl::StatusOr<bool> seeded =
      directory.SeedIfEmpty(services, services_path, roster, absl::GetFlag(FLAGS_reseed));
  if (!seeded.ok()) {
    LogError("seeding the directory failed", {{"error", std::string(seeded.status().message())}});
    return false;
  }
  LogInfo(*seeded ? "directory seeded" : "directory already holds data; seed files not loaded",
          {{"services", services_path}});
  return true;
}

// Waits for SIGTERM or SIGINT; SIGHUP re-reads the rules file (an invalid
// file keeps the live rules).
void ServeUntilSignalled(const sigset_t& signals, const std::string& rules_file,
                         signpost::app::RuleRegistry& rules) {
  while (true) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig != SIGHUP) {
      LogInfo("signal received", {{"signal", std::to_string(sig)}});
      return;
    }
    std::string text;
    if (!ReadFile(rules_file, &text)) {
      LogError("SIGHUP: cannot read rules file; live rules unchanged", {{"path", rules_file}});
    } else {
      (void)rules.ActivateFile(text, rules_file);
    }
  }
}

// Everything that must be up before serving, in dependency order.
struct Services {
  std::unique_ptr<signpost::storage::Store> store;
  std::unique_ptr<signpost::app::SafetyGate> gate;
  std::unique_ptr<signpost::app::RuleRegistry> rules;
  std::unique_ptr<signpost::app::DirectoryRegistry> directory;
  std::unique_ptr<signpost::IdGenerator> ids;
  std::unique_ptr<signpost::app::App> app;
};

int OpenServices(const ServerConfig& config, absl::TimeZone zone, Services& s) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir(), ec);
  auto store = signpost::storage::Store::Open(StoreOptionsFrom(config));
  if (!store.ok()) {
    LogError("cannot open storage", {{"error", std::string(store.status().message())}});
    return 1;
  }
  s.store = *std::move(store);
  LogInfo("storage open", {{"data_dir", config.data_dir()}});
  std::string rules_text;
  if (config.rules_file().empty() || !ReadFile(config.rules_file(), &rules_text)) {
    LogError("cannot read the triage rules file (--rules)", {{"path", config.rules_file()}});
    return 2;
  }
  std::string corpus_text;
  if (!ReadFile(config.vignettes_file(), &corpus_text)) {
    LogError("cannot read the triage vignette corpus (--vignettes)",
             {{"path", config.vignettes_file()}});
    return 2;
  }
  auto gate = signpost::app::SafetyGate::FromCorpusText(*s.store, corpus_text);
  if (!gate.ok()) {
    LogError("the triage vignette corpus is invalid",
             {{"path", config.vignettes_file()}, {"error", std::string(gate.status().message())}});
    return 2;
  }
  s.gate = *std::move(gate);
  auto rules = signpost::app::RuleRegistry::Open(*s.store, rules_text, config.rules_file(),
                                                 signpost::RealClock(), s.gate.get(),
                                                 absl::GetFlag(FLAGS_rules_override_reason));
  if (!rules.ok()) {
    LogError("triage rules are invalid",
             {{"path", config.rules_file()}, {"error", std::string(rules.status().message())}});
    return 2;
  }
  s.rules = *std::move(rules);
  LogInfo("triage rules in force", {{"version", s.rules->Current()->version()}});
  s.directory = std::make_unique<signpost::app::DirectoryRegistry>(*s.store);
  if (absl::Status st = s.directory->Reload(); !st.ok()) {
    LogError("cannot read the directory", {{"error", std::string(st.message())}});
    return 1;
  }
  s.ids = std::make_unique<signpost::IdGenerator>(signpost::RealClock());
  auto app = signpost::app::App::Create({.zone = zone}, *s.store, *s.rules, s.directory.get(),
                                        signpost::RealClock(), *s.ids);
  if (!app.ok()) {
    LogError("cannot start the application", {{"error", std::string(app.status().message())}});
    return 1;
  }
  s.app = *std::move(app);
  return SeedDirectory(*s.app->directory()) ? 0 : 2;
}

void LogDirectory(const signpost::app::DirectoryRegistry& directory) {
  const auto view = directory.Current();
  LogInfo("directory loaded",
          {{"services", std::to_string(view->snapshot->size())},
           {"case_managers", std::to_string(view->roster.case_managers.size())}});
  if (view->snapshot->size() == 0) {
    LogWarn(
        "the directory is empty: referrals are triaged but not routed until services are imported");
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Signpost referral service. See README.md.");
  absl::ParseCommandLine(argc, argv);
  // Abseil's mutex deadlock detection keeps a lock-order graph on every
  // acquisition (1.5 % of server CPU; docs/BENCHMARKS.md). Lock order is
  // fixed by design (app/deps.h, storage/apply.cc); tests keep it on.
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
  if (absl::Status s = signpost::app::InitLogging({.level = config.log_level()}); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 2;
  }
  std::optional<signpost::transport::ServerOptions> options = ServerOptionsFrom(config);
  if (!options) return 2;
  auto authenticator =
      signpost::transport::AuthenticatorFromConfig(config.auth(), !options->tls_cert_pem.empty());
  if (!authenticator.ok()) {
    LogError("access control is not configured correctly",
             {{"error", std::string(authenticator.status().message())}});
    return 2;
  }
  options->authenticator = authenticator->get();
  Services services;
  if (int rc = OpenServices(config, ServiceZone(), services); rc != 0) return rc;
  LogDirectory(*services.directory);
  auto server = signpost::transport::SignpostServer::Start(*options, *services.app);
  if (!server.ok()) {
    LogError("cannot start server", {{"error", std::string(server.status().message())}});
    return 1;
  }
  if (!config.port_file().empty() && !WritePortFile(config.port_file(), (*server)->port())) {
    LogError("cannot write port file", {{"path", config.port_file()}});
    return 1;
  }
  ServeUntilSignalled(signals, config.rules_file(), *services.rules);
  (*server)->Shutdown(
      absl::Milliseconds(config.shutdown_grace_ms() > 0 ? config.shutdown_grace_ms() : 5000));
  server->reset();
  services.app.reset();
  services.store.reset();  // closes RocksDB after every call has finished
  LogInfo("storage closed");
  // Everything durable is closed. Skip gRPC's global teardown, which can
  // wait seconds for clients' idle connections to go away.
  spdlog::shutdown();
  std::fflush(nullptr);
  _exit(0);
}
