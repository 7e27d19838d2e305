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
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "tools/cli.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "Server address host:port.");

namespace signpost::cli {

const std::vector<Command>& Commands() {
  static const auto* const kAll = [] {
    auto* all = new std::vector<Command>();
    for (auto group : {ReferralCommands(), TriageCommands(), DirectoryCommands(), CaseCommands()}) {
      all->insert(all->end(), group.begin(), group.end());
    }
    return all;
  }();
  return *kAll;
}

namespace {

std::string CommandList() {
  std::string out =
      "the Signpost command-line client.\n\nUsage: signpost COMMAND [ARGS] [--flags]\n\n"
      "Commands:\n";
  for (const Command& c : Commands()) {
    absl::StrAppend(&out, "  ", c.name, c.usage.empty() ? "" : " ", c.usage, "\n      ", c.help,
                    "\n");
  }
  absl::StrAppend(&out, "\nEvery RPC is also reachable with `signpost call`; `signpost methods` ",
                  "lists them.\nGlobal flags: --server=HOST:PORT --timeout_ms=MS.");
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
  ctx.channel =
      grpc::CreateChannel(absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials());
  return command->run(ctx);
}
