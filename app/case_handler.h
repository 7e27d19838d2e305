// CaseHandler: people, holistic assessments, possible duplicates and
// merges, caseloads, team queues, timelines, notes, MDT meetings and the
// partner list. Transport-free; the gRPC adapter is
// transport/case_service.h. The referral lifecycle is LifecycleHandler.
//
//   absl::StatusOr<AssessmentVersion> v = cases.UpdateAssessment(request);
//   // ABORTED when request.expected_version is stale.
//
// Writes follow validate -> resolve -> decide -> one Store::Apply, under
// the person's key lock ("person:<id>"; a merge locks both people).
// Reads follow merges: asking for a merged person answers with the
// surviving record, and its timeline and referrals include every record
// merged into it. Thread-safe; blocking (synced writes).
#ifndef SIGNPOST_APP_CASE_HANDLER_H_
#define SIGNPOST_APP_CASE_HANDLER_H_

#include "absl/status/statusor.h"
#include "app/deps.h"
#include "signpost/v1/case_service.pb.h"
#include "storage/store.h"

namespace signpost::app {

class CaseHandler {
 public:
  explicit CaseHandler(const AppDeps& deps) : deps_(deps) {}

  [[nodiscard]] absl::StatusOr<signpost::v1::GetPersonResponse> GetPerson(
      const signpost::v1::GetPersonRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ListPossibleDuplicatesResponse> ListPossibleDuplicates(
      const signpost::v1::ListPossibleDuplicatesRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ResolvePossibleDuplicateResponse>
  ResolvePossibleDuplicate(const signpost::v1::ResolvePossibleDuplicateRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::MergeRecord> UnmergePeople(
      const signpost::v1::UnmergePeopleRequest& request);

  [[nodiscard]] absl::StatusOr<signpost::v1::AssessmentVersion> GetAssessment(
      const signpost::v1::GetAssessmentRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ListAssessmentVersionsResponse> ListAssessmentVersions(
      const signpost::v1::ListAssessmentVersionsRequest& request) const;
  // The author must be an active case manager in the roster.
  [[nodiscard]] absl::StatusOr<signpost::v1::AssessmentVersion> UpdateAssessment(
      const signpost::v1::UpdateAssessmentRequest& request);

  [[nodiscard]] absl::StatusOr<signpost::v1::ListCaseReferralsResponse> ListCaseload(
      const signpost::v1::ListCaseloadRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::ListCaseReferralsResponse> ListTeamQueue(
      const signpost::v1::ListTeamQueueRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::GetTimelineResponse> GetTimeline(
      const signpost::v1::GetTimelineRequest& request) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::CaseNote> AddNote(
      const signpost::v1::AddNoteRequest& request);
  [[nodiscard]] absl::StatusOr<signpost::v1::MdtMeeting> RecordMdtMeeting(
      const signpost::v1::RecordMdtMeetingRequest& request);

  [[nodiscard]] absl::StatusOr<signpost::v1::ListPartnerReferralsResponse> ListPartnerReferrals(
      const signpost::v1::ListPartnerReferralsRequest& request) const;

 private:
  // The surviving record for an id (or NHS number), validating the input.
  absl::StatusOr<signpost::v1::PersonRecord> Person(const std::string& id, std::string_view what,
                                                    std::string* named_person_id = nullptr) const;
  absl::StatusOr<signpost::v1::ListCaseReferralsResponse> ListIndexed(
      storage::CaseIndex index, const std::string& key, std::string_view key_field, int page_size,
      const std::string& page_token, const google::protobuf::Message& request) const;
  // Writes a note or meeting to the person's timeline (and, for a meeting
  // naming a care coordinator, the person record).
  absl::StatusOr<signpost::v1::TimelineEntry> AppendToTimeline(const std::string& person_id,
                                                               signpost::v1::TimelineEntry entry);

  AppDeps deps_;
};

}  // namespace signpost::app

#endif  // SIGNPOST_APP_CASE_HANDLER_H_
