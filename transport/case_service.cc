#include "transport/case_service.h"

#include "common/status_macros.h"
#include "router/access/binding.h"
#include "transport/unary_call.h"

namespace signpost::transport {

namespace v1 = ::signpost::v1;

namespace {

// A call on a copy of `request` whose staff actor (`by` or `author`) is the
// caller (router/access/binding.h).
template <typename Request, typename Field, typename Call>
auto AsStaff(const Request& request, const router::Caller& who, Field field, Call call)
    -> decltype(call(request)) {
  Request bound = request;
  if (absl::Status s = router::BindStaff(who, *(bound.*field)()); !s.ok()) return s;
  return call(bound);
}

// A call on a copy of a partner `request` bound to the caller's
// organisation (and, when it has one, its recorder).
template <typename Request, typename Call>
auto AsPartner(const Request& request, const router::Caller& who, Call call)
    -> decltype(call(request)) {
  Request bound = request;
  std::string* recorded_by = nullptr;
  if constexpr (requires { bound.mutable_recorded_by(); })
    recorded_by = bound.mutable_recorded_by();
  if (absl::Status s = router::BindPartner(who, *bound.mutable_organization_id(), recorded_by);
      !s.ok()) {
    return s;
  }
  return call(bound);
}

}  // namespace

CaseServiceImpl::CaseServiceImpl(app::CaseHandler& cases, app::LifecycleHandler& lifecycle,
                                 app::BreakGlassHandler& break_glass,
                                 const Relationships& relationships, const CallGate& gate)
    : cases_(cases),
      lifecycle_(lifecycle),
      break_glass_(break_glass),
      relationships_(relationships),
      gate_(gate) {}

grpc::ServerUnaryReactor* CaseServiceImpl::BreakGlass(grpc::CallbackServerContext* ctx,
                                                      const v1::BreakGlassRequest* request,
                                                      v1::BreakGlassGrant* response) {
  return RunUnaryInto(
      ctx, gate_, "BreakGlass", request, response, [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::BreakGlassRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(break_glass_.Grant(r, "")) {
                         return break_glass_.Grant(r, who.organisation);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::GetPerson(grpc::CallbackServerContext* ctx,
                                                     const v1::GetPersonRequest* request,
                                                     v1::GetPersonResponse* response) {
  return RunUnaryInto(
      ctx, gate_, "GetPerson", request, response,
      [this, request](const router::Caller& who) -> decltype(cases_.GetPerson(*request)) {
        SP_RETURN_IF_ERROR(relationships_.ToPerson(who, request->person_id()));
        return cases_.GetPerson(*request);
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListPossibleDuplicates(
    grpc::CallbackServerContext* ctx, const v1::ListPossibleDuplicatesRequest* request,
    v1::ListPossibleDuplicatesResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListPossibleDuplicates", request, response,
                      [this, request] { return cases_.ListPossibleDuplicates(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ResolvePossibleDuplicate(
    grpc::CallbackServerContext* ctx, const v1::ResolvePossibleDuplicateRequest* request,
    v1::ResolvePossibleDuplicateResponse* response) {
  return RunUnaryInto(ctx, gate_, "ResolvePossibleDuplicate", request, response,
                      [this, request] { return cases_.ResolvePossibleDuplicate(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::UnmergePeople(grpc::CallbackServerContext* ctx,
                                                         const v1::UnmergePeopleRequest* request,
                                                         v1::MergeRecord* response) {
  return RunUnaryInto(ctx, gate_, "UnmergePeople", request, response,
                      [this, request] { return cases_.UnmergePeople(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::GetAssessment(grpc::CallbackServerContext* ctx,
                                                         const v1::GetAssessmentRequest* request,
                                                         v1::AssessmentVersion* response) {
  return RunUnaryInto(
      ctx, gate_, "GetAssessment", request, response,
      [this, request](const router::Caller& who) -> decltype(cases_.GetAssessment(*request)) {
        SP_RETURN_IF_ERROR(relationships_.ToPerson(who, request->person_id()));
        return cases_.GetAssessment(*request);
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListAssessmentVersions(
    grpc::CallbackServerContext* ctx, const v1::ListAssessmentVersionsRequest* request,
    v1::ListAssessmentVersionsResponse* response) {
  return RunUnaryInto(
      ctx, gate_, "ListAssessmentVersions", request, response,
      [this,
       request](const router::Caller& who) -> decltype(cases_.ListAssessmentVersions(*request)) {
        SP_RETURN_IF_ERROR(relationships_.ToPerson(who, request->person_id()));
        return cases_.ListAssessmentVersions(*request);
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::UpdateAssessment(
    grpc::CallbackServerContext* ctx, const v1::UpdateAssessmentRequest* request,
    v1::AssessmentVersion* response) {
  return RunUnaryInto(ctx, gate_, "UpdateAssessment", request, response,
                      [this, request](const router::Caller& who) {
                        return AsStaff(
                            *request, who, &v1::UpdateAssessmentRequest::mutable_author,
                            [this, &who](const auto& r) -> decltype(cases_.UpdateAssessment(r)) {
                              SP_RETURN_IF_ERROR(relationships_.ToPerson(who, r.person_id()));
                              return cases_.UpdateAssessment(r);
                            });
                      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::AcceptReferral(grpc::CallbackServerContext* ctx,
                                                          const v1::AcceptReferralRequest* request,
                                                          v1::Referral* response) {
  return RunUnaryInto(
      ctx, gate_, "AcceptReferral", request, response, [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::AcceptReferralRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(lifecycle_.Accept(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                         return lifecycle_.Accept(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::DeclineReferral(
    grpc::CallbackServerContext* ctx, const v1::DeclineReferralRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(
      ctx, gate_, "DeclineReferral", request, response, [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::DeclineReferralRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(lifecycle_.Decline(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                         return lifecycle_.Decline(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::StartReferral(grpc::CallbackServerContext* ctx,
                                                         const v1::StartReferralRequest* request,
                                                         v1::Referral* response) {
  return RunUnaryInto(
      ctx, gate_, "StartReferral", request, response, [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::StartReferralRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(lifecycle_.Start(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                         return lifecycle_.Start(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RecordFirstContact(
    grpc::CallbackServerContext* ctx, const v1::RecordFirstContactRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(
      ctx, gate_, "RecordFirstContact", request, response,
      [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::RecordFirstContactRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(lifecycle_.RecordFirstContact(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                         return lifecycle_.RecordFirstContact(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::HoldReferral(grpc::CallbackServerContext* ctx,
                                                        const v1::HoldReferralRequest* request,
                                                        v1::Referral* response) {
  return RunUnaryInto(
      ctx, gate_, "HoldReferral", request, response, [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::HoldReferralRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(lifecycle_.Hold(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                         return lifecycle_.Hold(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::CloseReferral(grpc::CallbackServerContext* ctx,
                                                         const v1::CloseReferralRequest* request,
                                                         v1::Referral* response) {
  return RunUnaryInto(
      ctx, gate_, "CloseReferral", request, response, [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::CloseReferralRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(lifecycle_.Close(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                         return lifecycle_.Close(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::SignpostReferral(
    grpc::CallbackServerContext* ctx, const v1::SignpostReferralRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "SignpostReferral", request, response,
                      [this, request](const router::Caller& who) {
                        return AsStaff(
                            *request, who, &v1::SignpostReferralRequest::mutable_by,
                            [this, &who](const auto& r) -> decltype(lifecycle_.Signpost(r)) {
                              SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                              return lifecycle_.Signpost(r);
                            });
                      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RerouteReferral(
    grpc::CallbackServerContext* ctx, const v1::RerouteReferralRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(
      ctx, gate_, "RerouteReferral", request, response, [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::RerouteReferralRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(lifecycle_.Reroute(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                         return lifecycle_.Reroute(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::MarkEnteredInError(
    grpc::CallbackServerContext* ctx, const v1::MarkEnteredInErrorRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(
      ctx, gate_, "MarkEnteredInError", request, response,
      [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::MarkEnteredInErrorRequest::mutable_by,
                       [this, &who](const auto& r) -> decltype(lifecycle_.MarkEnteredInError(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                         return lifecycle_.MarkEnteredInError(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RetriageReferral(
    grpc::CallbackServerContext* ctx, const v1::RetriageReferralRequest* request,
    v1::Referral* response) {
  return RunUnaryInto(ctx, gate_, "RetriageReferral", request, response,
                      [this, request](const router::Caller& who) {
                        return AsStaff(
                            *request, who, &v1::RetriageReferralRequest::mutable_by,
                            [this, &who](const auto& r) -> decltype(lifecycle_.Retriage(r)) {
                              SP_RETURN_IF_ERROR(relationships_.ToReferral(who, r.referral_id()));
                              return lifecycle_.Retriage(r);
                            });
                      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListCaseload(grpc::CallbackServerContext* ctx,
                                                        const v1::ListCaseloadRequest* request,
                                                        v1::ListCaseReferralsResponse* response) {
  return RunUnaryInto(
      ctx, gate_, "ListCaseload", request, response,
      [this, request](const router::Caller& who) -> absl::StatusOr<v1::ListCaseReferralsResponse> {
        v1::ListCaseloadRequest bound = *request;
        if (absl::Status s = router::BindCaseload(who, *bound.mutable_case_manager_id()); !s.ok()) {
          return s;
        }
        return cases_.ListCaseload(bound);
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListTeamQueue(grpc::CallbackServerContext* ctx,
                                                         const v1::ListTeamQueueRequest* request,
                                                         v1::ListCaseReferralsResponse* response) {
  return RunUnaryInto(
      ctx, gate_, "ListTeamQueue", request, response,
      [this, request](const router::Caller& who) -> absl::StatusOr<v1::ListCaseReferralsResponse> {
        v1::ListTeamQueueRequest bound = *request;
        SP_RETURN_IF_ERROR(router::BindTeamQueue(who, *bound.mutable_team_id()));
        return cases_.ListTeamQueue(bound);
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::GetTimeline(grpc::CallbackServerContext* ctx,
                                                       const v1::GetTimelineRequest* request,
                                                       v1::GetTimelineResponse* response) {
  return RunUnaryInto(
      ctx, gate_, "GetTimeline", request, response,
      [this, request](const router::Caller& who) -> decltype(cases_.GetTimeline(*request)) {
        SP_RETURN_IF_ERROR(relationships_.ToPerson(who, request->person_id()));
        return cases_.GetTimeline(*request);
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::AddNote(grpc::CallbackServerContext* ctx,
                                                   const v1::AddNoteRequest* request,
                                                   v1::CaseNote* response) {
  return RunUnaryInto(
      ctx, gate_, "AddNote", request, response, [this, request](const router::Caller& who) {
        return AsStaff(*request, who, &v1::AddNoteRequest::mutable_author,
                       [this, &who](const auto& r) -> decltype(cases_.AddNote(r)) {
                         SP_RETURN_IF_ERROR(relationships_.ToPerson(who, r.person_id()));
                         return cases_.AddNote(r);
                       });
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RecordMdtMeeting(
    grpc::CallbackServerContext* ctx, const v1::RecordMdtMeetingRequest* request,
    v1::MdtMeeting* response) {
  return RunUnaryInto(
      ctx, gate_, "RecordMdtMeeting", request, response,
      [this, request](const router::Caller& who) -> decltype(cases_.RecordMdtMeeting(*request)) {
        v1::RecordMdtMeetingRequest bound = *request;
        SP_RETURN_IF_ERROR(router::BindStaff(who, *bound.mutable_meeting()->mutable_recorded_by()));
        SP_RETURN_IF_ERROR(relationships_.ToPerson(who, bound.meeting().person_id()));
        return cases_.RecordMdtMeeting(bound);
      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListOverdue(grpc::CallbackServerContext* ctx,
                                                       const v1::ListOverdueRequest* request,
                                                       v1::ListOverdueResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListOverdue", request, response,
                      [this, request] { return lifecycle_.ListOverdue(*request); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListPartnerReferrals(
    grpc::CallbackServerContext* ctx, const v1::ListPartnerReferralsRequest* request,
    v1::ListPartnerReferralsResponse* response) {
  return RunUnaryInto(ctx, gate_, "ListPartnerReferrals", request, response,
                      [this, request](const router::Caller& who) {
                        return AsPartner(*request, who, [this](const auto& r) {
                          return cases_.ListPartnerReferrals(r);
                        });
                      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RespondToSignposting(
    grpc::CallbackServerContext* ctx, const v1::RespondToSignpostingRequest* request,
    v1::PartnerReferralView* response) {
  return RunUnaryInto(ctx, gate_, "RespondToSignposting", request, response,
                      [this, request](const router::Caller& who) {
                        return AsPartner(*request, who, [this](const auto& r) {
                          return lifecycle_.RespondToSignposting(r);
                        });
                      });
}

grpc::ServerUnaryReactor* CaseServiceImpl::RecordPartnerOutcome(
    grpc::CallbackServerContext* ctx, const v1::RecordPartnerOutcomeRequest* request,
    v1::PartnerReferralView* response) {
  return RunUnaryInto(ctx, gate_, "RecordPartnerOutcome", request, response,
                      [this, request](const router::Caller& who) {
                        return AsPartner(*request, who, [this](const auto& r) {
                          return lifecycle_.RecordPartnerOutcome(r);
                        });
                      });
}

}  // namespace signpost::transport
