// CaseServiceImpl: the gRPC adapter for signpost.v1.CaseService. Each
// method runs its handler (app::CaseHandler or app::LifecycleHandler) on the worker
// pool via RunUnaryInto and translates the status in one place
// (grpc_status.h); no logic lives here.
#ifndef SIGNPOST_TRANSPORT_CASE_SERVICE_H_
#define SIGNPOST_TRANSPORT_CASE_SERVICE_H_

#include "app/break_glass.h"
#include "app/case_handler.h"
#include "app/lifecycle_handler.h"
#include "signpost/v1/case_service.grpc.pb.h"
#include "transport/call_gate.h"
#include "transport/relationships.h"

namespace signpost::transport {

class CaseServiceImpl final : public signpost::v1::CaseService::CallbackService {
 public:
  // References must outlive the service.
  // Team staff's relationship with a record is checked before a command
  // or read runs (transport/relationships.h).
  CaseServiceImpl(app::CaseHandler& cases, app::LifecycleHandler& lifecycle,
                  app::BreakGlassHandler& break_glass, const Relationships& relationships,
                  const CallGate& gate);

  grpc::ServerUnaryReactor* BreakGlass(grpc::CallbackServerContext* ctx,
                                       const signpost::v1::BreakGlassRequest* request,
                                       signpost::v1::BreakGlassGrant* response) override;

  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* ctx,
                                      const signpost::v1::GetPersonRequest* request,
                                      signpost::v1::GetPersonResponse* response) override;
  grpc::ServerUnaryReactor* ListPossibleDuplicates(
      grpc::CallbackServerContext* ctx, const signpost::v1::ListPossibleDuplicatesRequest* request,
      signpost::v1::ListPossibleDuplicatesResponse* response) override;
  grpc::ServerUnaryReactor* ResolvePossibleDuplicate(
      grpc::CallbackServerContext* ctx,
      const signpost::v1::ResolvePossibleDuplicateRequest* request,
      signpost::v1::ResolvePossibleDuplicateResponse* response) override;
  grpc::ServerUnaryReactor* UnmergePeople(grpc::CallbackServerContext* ctx,
                                          const signpost::v1::UnmergePeopleRequest* request,
                                          signpost::v1::MergeRecord* response) override;
  grpc::ServerUnaryReactor* GetAssessment(grpc::CallbackServerContext* ctx,
                                          const signpost::v1::GetAssessmentRequest* request,
                                          signpost::v1::AssessmentVersion* response) override;
  grpc::ServerUnaryReactor* ListAssessmentVersions(
      grpc::CallbackServerContext* ctx, const signpost::v1::ListAssessmentVersionsRequest* request,
      signpost::v1::ListAssessmentVersionsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAssessment(grpc::CallbackServerContext* ctx,
                                             const signpost::v1::UpdateAssessmentRequest* request,
                                             signpost::v1::AssessmentVersion* response) override;
  grpc::ServerUnaryReactor* AcceptReferral(grpc::CallbackServerContext* ctx,
                                           const signpost::v1::AcceptReferralRequest* request,
                                           signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* DeclineReferral(grpc::CallbackServerContext* ctx,
                                            const signpost::v1::DeclineReferralRequest* request,
                                            signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* StartReferral(grpc::CallbackServerContext* ctx,
                                          const signpost::v1::StartReferralRequest* request,
                                          signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* RecordFirstContact(
      grpc::CallbackServerContext* ctx, const signpost::v1::RecordFirstContactRequest* request,
      signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* HoldReferral(grpc::CallbackServerContext* ctx,
                                         const signpost::v1::HoldReferralRequest* request,
                                         signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* CloseReferral(grpc::CallbackServerContext* ctx,
                                          const signpost::v1::CloseReferralRequest* request,
                                          signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* SignpostReferral(grpc::CallbackServerContext* ctx,
                                             const signpost::v1::SignpostReferralRequest* request,
                                             signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* RerouteReferral(grpc::CallbackServerContext* ctx,
                                            const signpost::v1::RerouteReferralRequest* request,
                                            signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* MarkEnteredInError(
      grpc::CallbackServerContext* ctx, const signpost::v1::MarkEnteredInErrorRequest* request,
      signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* RetriageReferral(grpc::CallbackServerContext* ctx,
                                             const signpost::v1::RetriageReferralRequest* request,
                                             signpost::v1::Referral* response) override;
  grpc::ServerUnaryReactor* ListCaseload(
      grpc::CallbackServerContext* ctx, const signpost::v1::ListCaseloadRequest* request,
      signpost::v1::ListCaseReferralsResponse* response) override;
  grpc::ServerUnaryReactor* ListTeamQueue(
      grpc::CallbackServerContext* ctx, const signpost::v1::ListTeamQueueRequest* request,
      signpost::v1::ListCaseReferralsResponse* response) override;
  grpc::ServerUnaryReactor* GetTimeline(grpc::CallbackServerContext* ctx,
                                        const signpost::v1::GetTimelineRequest* request,
                                        signpost::v1::GetTimelineResponse* response) override;
  grpc::ServerUnaryReactor* AddNote(grpc::CallbackServerContext* ctx,
                                    const signpost::v1::AddNoteRequest* request,
                                    signpost::v1::CaseNote* response) override;
  grpc::ServerUnaryReactor* RecordMdtMeeting(grpc::CallbackServerContext* ctx,
                                             const signpost::v1::RecordMdtMeetingRequest* request,
                                             signpost::v1::MdtMeeting* response) override;
  grpc::ServerUnaryReactor* ListOverdue(grpc::CallbackServerContext* ctx,
                                        const signpost::v1::ListOverdueRequest* request,
                                        signpost::v1::ListOverdueResponse* response) override;
  grpc::ServerUnaryReactor* ListPartnerReferrals(
      grpc::CallbackServerContext* ctx, const signpost::v1::ListPartnerReferralsRequest* request,
      signpost::v1::ListPartnerReferralsResponse* response) override;
  grpc::ServerUnaryReactor* RespondToSignposting(
      grpc::CallbackServerContext* ctx, const signpost::v1::RespondToSignpostingRequest* request,
      signpost::v1::PartnerReferralView* response) override;
  grpc::ServerUnaryReactor* RecordPartnerOutcome(
      grpc::CallbackServerContext* ctx, const signpost::v1::RecordPartnerOutcomeRequest* request,
      signpost::v1::PartnerReferralView* response) override;

 private:
  app::CaseHandler& cases_;
  app::LifecycleHandler& lifecycle_;
  app::BreakGlassHandler& break_glass_;
  const Relationships& relationships_;
  const CallGate& gate_;
};

}  // namespace signpost::transport

#endif  // SIGNPOST_TRANSPORT_CASE_SERVICE_H_
