#include "transport/case_service.h"

#include "transport/unary_call.h"

namespace signpost::transport {

namespace v1 = ::signpost::v1;

CaseServiceImpl::CaseServiceImpl(app::CaseHandler& cases, app::LifecycleHandler& lifecycle,
                                 const CallGate& gate)
    : cases_(cases), lifecycle_(lifecycle), gate_(gate) {}

grpc::ServerUnaryReactor* CaseServiceImpl::GetPerson(grpc::CallbackServerContext* ctx,
                                                     const v1::GetPersonRequest* request,
                                                     v1::GetPersonResponse* response) {
  return RunUnaryInto(ctx, gate_, "GetPerson", response,
                      [this, request] { return cases_.GetPerson(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListPossibleDuplicates(
    grpc::CallbackServerContext* ctx, const v1::ListPossibleDuplicatesRequest* request,
    v1::ListPossibleDuplicatesResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListPossibleDuplicates", response,
                      [this, request] { return cases_.ListPossibleDuplicates(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ResolvePossibleDuplicate(
    grpc::CallbackServerContext* ctx, const v1::ResolvePossibleDuplicateRequest* request,
    v1::ResolvePossibleDuplicateResponse* response) {
  return RunUnaryInto(ctx, gate_, "ResolvePossibleDuplicate", response,
                      [this, request] { return cases_.ResolvePossibleDuplicate(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::UnmergePeople(grpc::CallbackServerContext* ctx,
                                                         const v1::UnmergePeopleRequest* request,
                                                         v1::MergeRecord* response) {
  return RunUnaryInto(ctx, gate_, "UnmergePeople", response,
                      [this, request] { return cases_.UnmergePeople(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::GetAssessment(grpc::CallbackServerContext* ctx,
                                                         const v1::GetAssessmentRequest* request,
                                                         v1::AssessmentVersion* response) {
  return RunUnaryInto(ctx, gate_, "GetAssessment", response,
                      [this, request] { return cases_.GetAssessment(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListAssessmentVersions(
    grpc::CallbackServerContext* ctx, const v1::ListAssessmentVersionsRequest* request,
    v1::ListAssessmentVersionsResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListAssessmentVersions", response,
                      [this, request] { return cases_.ListAssessmentVersions(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::UpdateAssessment(
    grpc::CallbackServerContext* ctx, const v1::UpdateAssessmentRequest* request,
    v1::AssessmentVersion* response) {
  return RunUnaryInto(ctx, gate_, "UpdateAssessment", response,
                      [this, request] { return cases_.UpdateAssessment(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::AcceptReferral(grpc::CallbackServerContext* ctx,
                                                          const v1::AcceptReferralRequest* request,
                                                          v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "AcceptReferral", response,
                      [this, request] { return lifecycle_.Accept(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::DeclineReferral(
    grpc::CallbackServerContext* ctx, const v1::DeclineReferralRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "DeclineReferral", response,
                      [this, request] { return lifecycle_.Decline(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::StartReferral(grpc::CallbackServerContext* ctx,
                                                         const v1::StartReferralRequest* request,
                                                         v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "StartReferral", response,
                      [this, request] { return lifecycle_.Start(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RecordFirstContact(
    grpc::CallbackServerContext* ctx, const v1::RecordFirstContactRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "RecordFirstContact", response,
                      [this, request] { return lifecycle_.RecordFirstContact(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::HoldReferral(grpc::CallbackServerContext* ctx,
                                                        const v1::HoldReferralRequest* request,
                                                        v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "HoldReferral", response,
                      [this, request] { return lifecycle_.Hold(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::CloseReferral(grpc::CallbackServerContext* ctx,
                                                         const v1::CloseReferralRequest* request,
                                                         v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "CloseReferral", response,
                      [this, request] { return lifecycle_.Close(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::SignpostReferral(
    grpc::CallbackServerContext* ctx, const v1::SignpostReferralRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "SignpostReferral", response,
                      [this, request] { return lifecycle_.Signpost(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RerouteReferral(
    grpc::CallbackServerContext* ctx, const v1::RerouteReferralRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "RerouteReferral", response,
                      [this, request] { return lifecycle_.Reroute(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::MarkEnteredInError(
    grpc::CallbackServerContext* ctx, const v1::MarkEnteredInErrorRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "MarkEnteredInError", response,
                      [this, request] { return lifecycle_.MarkEnteredInError(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RetriageReferral(
    grpc::CallbackServerContext* ctx, const v1::RetriageReferralRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "RetriageReferral", response,
                      [this, request] { return lifecycle_.Retriage(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListCaseload(grpc::CallbackServerContext* ctx,
                                                        const v1::ListCaseloadRequest* request,
                                                        v1::ListCaseReferralsResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListCaseload", response,
                      [this, request] { return cases_.ListCaseload(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListTeamQueue(grpc::CallbackServerContext* ctx,
                                                         const v1::ListTeamQueueRequest* request,
                                                         v1::ListCaseReferralsResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListTeamQueue", response,
                      [this, request] { return cases_.ListTeamQueue(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::GetTimeline(grpc::CallbackServerContext* ctx,
                                                       const v1::GetTimelineRequest* request,
                                                       v1::GetTimelineResponse* response) {
  return RunUnaryInto(ctx, gate_, "GetTimeline", response,
                      [this, request] { return cases_.GetTimeline(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::AddNote(grpc::CallbackServerContext* ctx,
                                                   const v1::AddNoteRequest* request,
                                                   v1::CaseNote* response) {
  return RunUnaryInto(ctx, gate_, "AddNote", response,
                      [this, request] { return cases_.AddNote(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RecordMdtMeeting(
    grpc::CallbackServerContext* ctx, const v1::RecordMdtMeetingRequest* request,
    v1::MdtMeeting* response) {
  return RunUnaryInto(ctx, gate_, "RecordMdtMeeting", response,
                      [this, request] { return cases_.RecordMdtMeeting(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListOverdue(grpc::CallbackServerContext* ctx,
                                                       const v1::ListOverdueRequest* request,
                                                       v1::ListOverdueResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListOverdue", response,
                      [this, request] { return lifecycle_.ListOverdue(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListPartnerReferrals(
    grpc::CallbackServerContext* ctx, const v1::ListPartnerReferralsRequest* request,
    v1::ListPartnerReferralsResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListPartnerReferrals", response,
                      [this, request] { return cases_.ListPartnerReferrals(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RespondToSignposting(
    grpc::CallbackServerContext* ctx, const v1::RespondToSignpostingRequest* request,
    v1::PartnerReferralView* response) {
  return RunUnaryInto(ctx, gate_, "RespondToSignposting", response,
                      [this, request] { return lifecycle_.RespondToSignposting(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RecordPartnerOutcome(
    grpc::CallbackServerContext* ctx, const v1::RecordPartnerOutcomeRequest* request,
    v1::PartnerReferralView* response) {
  return RunUnaryInto(ctx, gate_, "RecordPartnerOutcome", response,
                      [this, request] { return lifecycle_.RecordPartnerOutcome(*request); });
}

}  // namespace signpost::transport
