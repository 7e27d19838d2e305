// The `signpost` command-line client: shared pieces of its commands.
//
// Every command is an entry in a table (Commands() below): a name of one
// or two words ("submit", "case accept"), its arguments, one line of help,
// and a function. Most commands fill one request message and make one
// unary call through Invoke(), which calls any RPC by its full name with
// the generated descriptors - the same path `signpost call` uses for
// every RPC without a command of its own.
//
//   int rc = Invoke(ctx, "signpost.v1.CaseService.AcceptReferral", request);
//
// Output is JSON with proto field names. Exit status: 0 ok, 1 RPC error
// (code, message and each field violation on stderr), 2 usage error,
// 3 a finding (under-triage on replay, rejected import records).
#ifndef SIGNPOST_TOOLS_CLI_H_
#define SIGNPOST_TOOLS_CLI_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"

ABSL_DECLARE_FLAG(int, timeout_ms);

namespace signpost::cli {

// What a command runs with.
struct Context {
  std::shared_ptr<grpc::Channel> channel;
  // The positional arguments after the command's name.
  std::vector<std::string> args;
  // A bearer token sent with every call (--token, --token_file or
  // $SIGNPOST_TOKEN); empty for a system calling with its certificate.
  std::string token;
  // Adds the token to a call's metadata.
  void Authorise(grpc::ClientContext& call) const {
    if (!token.empty()) call.AddMetadata("authorization", "Bearer " + token);
  }
};

struct Command {
  std::string name;   // "submit", "case accept"
  std::string usage;  // "FILE [--flag=...]"
  std::string help;   // one line
  int (*run)(const Context& ctx);
  size_t min_args = 0;
  size_t max_args = 0;
};

// Every command, in help order.
const std::vector<Command>& Commands();
// The command groups' tables (one per file), joined by Commands().
std::vector<Command> ReferralCommands();
std::vector<Command> CaseCommands();
std::vector<Command> DirectoryCommands();
std::vector<Command> TriageCommands();
std::vector<Command> TokenCommands();
std::vector<Command> AuditCommands();

// Calls the unary RPC `method` ("signpost.v1.CaseService.AcceptReferral")
// with `request` and stores the answer in `*response` (whose type must
// be the method's output). Applies --timeout_ms.
grpc::Status Call(const Context& ctx, const std::string& method,
                  const google::protobuf::Message& request, google::protobuf::Message* response);
// Call, then prints the response as JSON (0) or the error (1).
int Invoke(const Context& ctx, const std::string& method, const google::protobuf::Message& request);

// JSON with proto field names, indented.
std::string ToJson(const google::protobuf::Message& m);
// Prints the status (and each field violation) on stderr; returns 1.
int Fail(const grpc::Status& status);
// Prints `message` on stderr; returns 2.
int Usage(const std::string& message);
// The file's contents, or false (after saying so on stderr).
bool ReadFile(const std::string& path, std::string* out);
// Parses JSON (or "@FILE") into `message`, or false (after saying why).
bool ParseJson(const std::string& json_or_file, google::protobuf::Message* message);

}  // namespace signpost::cli

#endif  // SIGNPOST_TOOLS_CLI_H_
