// signpost: command-line client for the Signpost gRPC API.
//
//   signpost --help                       # every command, then the flags
//   signpost submit referral.json         # SubmitReferralRequest as JSON
//   signpost case accept K7QM-4XD2 --by=cm-1
//   signpost call CaseService.GetPerson '{"person_id": "9990000018"}'
//
// Global flags: --server (default 127.0.0.1:50051), --timeout_ms. The
// commands are tables in tools/*_commands.cc (see tools/cli.h).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "tools/cli.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "Server address host:port.");
ABSL_FLAG(std::string, token, "", "Bearer token for every call (default $SIGNPOST_TOKEN).");
ABSL_FLAG(std::string, token_file, "", "File holding the bearer token.");
ABSL_FLAG(std::string, tls_ca, "", "PEM CA bundle: connect with TLS and verify the server.");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate (mutual TLS), with --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM client private key.");

namespace signpost::cli {

const std::vector<Command>& Commands() {
  static const auto* const kAll = [] {
    auto* all = new std::vector<Command>();
    for (auto group : {ReferralCommands(), TriageCommands(), DirectoryCommands(), CaseCommands(),
                       TokenCommands(), AuditCommands()}) {
      all->insert(all->end(), group.begin(), group.end());
    }
    return all;
  }();
  return *kAll;
}

namespace {

// The channel (TLS when --tls_ca is given) and the bearer token.
bool Connect(Context& ctx) {
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (!absl::GetFlag(FLAGS_tls_ca).empty()) {
    grpc::SslCredentialsOptions ssl;
    if (!ReadFile(absl::GetFlag(FLAGS_tls_ca), &ssl.pem_root_certs)) return false;
    if (!absl::GetFlag(FLAGS_tls_cert).empty() &&
        (!ReadFile(absl::GetFlag(FLAGS_tls_cert), &ssl.pem_cert_chain) ||
         !ReadFile(absl::GetFlag(FLAGS_tls_key), &ssl.pem_private_key))) {
      return false;
    }
    creds = grpc::SslCredentials(ssl);
  }
  ctx.channel = grpc::CreateChannel(absl::GetFlag(FLAGS_server), creds);
  ctx.token = absl::GetFlag(FLAGS_token);
  if (ctx.token.empty() && !absl::GetFlag(FLAGS_token_file).empty()) {
    if (!ReadFile(absl::GetFlag(FLAGS_token_file), &ctx.token)) return false;
  }
  if (ctx.token.empty()) {
    // Read once on the main thread before any channel thread starts.
    // NOLINTNEXTLINE(concurrency-mt-unsafe)
    const char* env = std::getenv("SIGNPOST_TOKEN");
    if (env != nullptr) ctx.token = env;
  }
  while (!ctx.token.empty() && (ctx.token.back() == '\n' || ctx.token.back() == ' ')) {
    ctx.token.pop_back();
  }
  return true;
}

std::string CommandList() {
  std::string out =
      "the Signpost command-line client.\n\nUsage: signpost COMMAND [ARGS] [--flags]\n\n"
      "Commands:\n";
  for (const Command& c : Commands()) {
    absl::StrAppend(&out, "  ", c.name, c.usage.empty() ? "" : " ", c.usage, "\n      ", c.help,
                    "\n");
  }
  absl::StrAppend(&out, "\nEvery RPC is also reachable with `signpost call`; `signpost methods` ",
                  "lists them.\nGlobal flags: --server=HOST:PORT --timeout_ms=MS --token=JWT ",
                  "--token_file=F --tls_ca=F --tls_cert=F --tls_key=F.");
  return out;
}

// The longest command name that the arguments start with.
const Command* Find(const std::vector<char*>& args, size_t* used) {
  const Command* best = nullptr;
  for (const Command& c : Commands()) {
    std::string joined;
    size_t n = 0;
    for (size_t i = 1; i < args.size() && joined.size() < c.name.size(); ++i, ++n) {
      joined += (joined.empty() ? "" : " ") + std::string(args[i]);
    }
    if (joined == c.name && (best == nullptr || c.name.size() > best->name.size())) {
      best = &c;
      *used = n;
    }
  }
  return best;
}

}  // namespace
}  // namespace signpost::cli

int main(int argc, char** argv) {
  using signpost::cli::Commands;
  const std::string help = signpost::cli::CommandList();
  absl::SetProgramUsageMessage(help);
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2 || std::string(args[1]) == "help") {
    std::printf("%s\n", help.c_str());
    return args.size() < 2 ? 2 : 0;
  }
  size_t used = 0;
  const signpost::cli::Command* command = signpost::cli::Find(args, &used);
  if (command == nullptr) return signpost::cli::Usage("unknown command: " + std::string(args[1]));
  signpost::cli::Context ctx;
  for (size_t i = 1 + used; i < args.size(); ++i) ctx.args.emplace_back(args[i]);
  if (ctx.args.size() < command->min_args || ctx.args.size() > command->max_args) {
    return signpost::cli::Usage("usage: signpost " + command->name + " " + command->usage);
  }
  if (!signpost::cli::Connect(ctx)) return 2;
  return command->run(ctx);
}
