// `signpost case ...`: the CaseService from the command line (people,
// timelines, assessments, duplicates, the overdue list, caseloads and the
// main lifecycle steps). See tools/signpost_cli.cc for the usage summary.
#ifndef SIGNPOST_TOOLS_CASE_COMMANDS_H_
#define SIGNPOST_TOOLS_CASE_COMMANDS_H_

#include <memory>
#include <vector>

#include "grpcpp/grpcpp.h"

namespace signpost::cli {

// args[0] is the program, args[1] "case". Returns the exit status.
int CaseCommand(const std::shared_ptr<grpc::Channel>& channel, const std::vector<char*>& args);

}  // namespace signpost::cli

#endif  // SIGNPOST_TOOLS_CASE_COMMANDS_H_
