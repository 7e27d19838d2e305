#include "tools/case_commands.h"

#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "signpost/v1/case_service.grpc.pb.h"
#include "tools/cli_common.h"

ABSL_FLAG(std::string, by, "", "case: the staff id acting (required for changes).");
ABSL_FLAG(std::string, case_manager, "", "case accept: allocate to this case manager.");
ABSL_FLAG(std::string, outcome, "TREATMENT_COMPLETED", "case close: a CloseOutcome name.");
ABSL_FLAG(int, within_hours, 0, "case overdue: include referrals due within this many hours.");

namespace signpost::cli {
namespace {

namespace v1 = ::signpost::v1;

// Runs one unary call and prints the response as JSON.
template <typename Request, typename Response, typename Call>
int Run(const Request& request, Call call) {
  grpc::ClientContext ctx;
  SetDeadline(ctx);
  Response response;
  grpc::Status status = call(&ctx, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << ToJson(response);
  return 0;
}

v1::StaffRef By() {
  v1::StaffRef by;
  by.set_id(absl::GetFlag(FLAGS_by));
  return by;
}

int Usage() {
  std::fprintf(stderr,
               "usage: signpost case person ID | timeline ID | assessment ID | duplicates |\n"
               "       overdue [--within_hours=N] | caseload CM | queue TEAM |\n"
               "       accept REF [--case_manager=CM] | start REF | contact REF |\n"
               "       close REF [--outcome=TREATMENT_COMPLETED]   (changes need --by=STAFF)\n");
  return 2;
}

}  // namespace

int CaseCommand(const std::shared_ptr<grpc::Channel>& channel, const std::vector<char*>& args) {
  if (args.size() < 3) return Usage();
  auto stub = v1::CaseService::NewStub(channel);
  auto* s = stub.get();
  const std::string verb = args[2];
  const std::string arg = args.size() > 3 ? args[3] : "";
  const bool one = args.size() == 4;
  if (verb == "person" && one) {
    v1::GetPersonRequest r;
    r.set_person_id(arg);
    return Run<v1::GetPersonRequest, v1::GetPersonResponse>(
        r, [s](auto* c, const auto& q, auto* p) { return s->GetPerson(c, q, p); });
  }
  if (verb == "timeline" && one) {
    v1::GetTimelineRequest r;
    r.set_person_id(arg);
    return Run<v1::GetTimelineRequest, v1::GetTimelineResponse>(
        r, [s](auto* c, const auto& q, auto* p) { return s->GetTimeline(c, q, p); });
  }
  if (verb == "assessment" && one) {
    v1::GetAssessmentRequest r;
    r.set_person_id(arg);
    return Run<v1::GetAssessmentRequest, v1::AssessmentVersion>(
        r, [s](auto* c, const auto& q, auto* p) { return s->GetAssessment(c, q, p); });
  }
  if (verb == "duplicates" && args.size() == 3) {
    return Run<v1::ListPossibleDuplicatesRequest, v1::ListPossibleDuplicatesResponse>(
        {}, [s](auto* c, const auto& q, auto* p) { return s->ListPossibleDuplicates(c, q, p); });
  }
  if (verb == "overdue" && args.size() == 3) {
    v1::ListOverdueRequest r;
    r.mutable_within()->set_seconds(int64_t{3600} * absl::GetFlag(FLAGS_within_hours));
    return Run<v1::ListOverdueRequest, v1::ListOverdueResponse>(
        r, [s](auto* c, const auto& q, auto* p) { return s->ListOverdue(c, q, p); });
  }
  if (verb == "caseload" && one) {
    v1::ListCaseloadRequest r;
    r.set_case_manager_id(arg);
    return Run<v1::ListCaseloadRequest, v1::ListCaseReferralsResponse>(
        r, [s](auto* c, const auto& q, auto* p) { return s->ListCaseload(c, q, p); });
  }
  if (verb == "queue" && one) {
    v1::ListTeamQueueRequest r;
    r.set_team_id(arg);
    return Run<v1::ListTeamQueueRequest, v1::ListCaseReferralsResponse>(
        r, [s](auto* c, const auto& q, auto* p) { return s->ListTeamQueue(c, q, p); });
  }
  if (verb == "accept" && one) {
    v1::AcceptReferralRequest r;
    r.set_referral_id(arg);
    *r.mutable_by() = By();
    r.set_case_manager_id(absl::GetFlag(FLAGS_case_manager));
    return Run<v1::AcceptReferralRequest, v1::Referral>(
        r, [s](auto* c, const auto& q, auto* p) { return s->AcceptReferral(c, q, p); });
  }
  if (verb == "start" && one) {
    v1::StartReferralRequest r;
    r.set_referral_id(arg);
    *r.mutable_by() = By();
    return Run<v1::StartReferralRequest, v1::Referral>(
        r, [s](auto* c, const auto& q, auto* p) { return s->StartReferral(c, q, p); });
  }
  if (verb == "contact" && one) {
    v1::RecordFirstContactRequest r;
    r.set_referral_id(arg);
    *r.mutable_by() = By();
    return Run<v1::RecordFirstContactRequest, v1::Referral>(
        r, [s](auto* c, const auto& q, auto* p) { return s->RecordFirstContact(c, q, p); });
  }
  if (verb == "close" && one) {
    v1::CloseReferralRequest r;
    r.set_referral_id(arg);
    *r.mutable_by() = By();
    v1::CloseOutcome outcome;
    if (!v1::CloseOutcome_Parse(
            "CLOSE_OUTCOME_" + absl::AsciiStrToUpper(absl::GetFlag(FLAGS_outcome)), &outcome)) {
      std::fprintf(stderr, "unknown outcome %s\n", absl::GetFlag(FLAGS_outcome).c_str());
      return 2;
    }
    r.set_outcome(outcome);
    return Run<v1::CloseReferralRequest, v1::Referral>(
        r, [s](auto* c, const auto& q, auto* p) { return s->CloseReferral(c, q, p); });
  }
  return Usage();
}

}  // namespace signpost::cli
