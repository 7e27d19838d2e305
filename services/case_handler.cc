#include "services/case_handler.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/routing.h"
#include "router/person/assessment.h"
#include "router/person/partner_view.h"
#include "services/case_inputs.h"
#include "services/errors.h"
#include "services/page_token.h"

namespace signpost::services {
namespace {

namespace v1 = ::signpost::v1;
using router::FieldViolation;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr int kDefaultTimelinePage = 200;
constexpr int kMaxTimelinePage = 1000;
constexpr size_t kMaxNote = 8000;
constexpr size_t kMaxMergeReason = 500;
constexpr int kMaxAttendees = 30;
constexpr int kMaxDecisions = 30;
constexpr size_t kMaxDecision = 1000;
// GetPerson lists pending possible duplicates from at most this many.
constexpr int kMaxPendingScanned = 5000;

bool IsActiveCaseManager(const DirectoryRegistry* directory, const std::string& id) {
  if (directory == nullptr) return false;
  const v1::CaseManager* cm = router::FindCaseManager(directory->Current()->roster, id);
  return cm != nullptr && cm->active();
}

void CheckPageSize(int page_size, int max, std::vector<FieldViolation>& violations) {
  if (page_size < 0 || page_size > max) {
    violations.push_back({"page_size", absl::StrCat("must be between 0 and ", max)});
  }
}

}  // namespace

CaseHandler::CaseHandler(const CaseDeps& deps) : deps_(deps), people_(deps.store, deps.ids) {}

absl::StatusOr<v1::PersonRecord> CaseHandler::Person(const std::string& id,
                                                     std::string* named_person_id) const {
  std::vector<FieldViolation> violations;
  CheckText(id, "person_id", 64, true, false, violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  return people_.Resolve(id, named_person_id);
}

absl::StatusOr<v1::GetPersonResponse> CaseHandler::GetPerson(
    const v1::GetPersonRequest& request) const {
  std::string named;
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, Person(request.person_id(), &named));
  v1::GetPersonResponse out;
  if (named != person.person_id()) out.set_requested_person_id(named);
  std::vector<std::string> records = {person.person_id()};
  for (const auto& m : person.merged_person_ids()) records.push_back(m);
  std::vector<std::string> referral_ids;
  for (const auto& pid : records) {
    SP_ASSIGN_OR_RETURN(std::vector<std::string> ids, deps_.store.people().ReferralIds(pid));
    referral_ids.insert(referral_ids.end(), ids.begin(), ids.end());
  }
  std::sort(referral_ids.begin(), referral_ids.end());
  for (auto& id : referral_ids) out.add_referral_ids(std::move(id));

  std::string after;
  for (int scanned = 0; scanned < kMaxPendingScanned;) {
    SP_ASSIGN_OR_RETURN(storage::CandidatePage page,
                        deps_.store.people().ListPendingCandidates(after, 1000));
    for (auto& c : page.candidates) {
      if (absl::c_linear_search(records, c.person_id()) ||
          absl::c_linear_search(records, c.matched_person_id())) {
        *out.add_possible_duplicates() = std::move(c);
      }
    }
    scanned += 1000;
    if (page.resume_after_id.empty()) break;
    after = page.resume_after_id;
  }
  *out.mutable_person() = std::move(person);
  return out;
}

absl::StatusOr<v1::ListPossibleDuplicatesResponse> CaseHandler::ListPossibleDuplicates(
    const v1::ListPossibleDuplicatesRequest& request) const {
  std::vector<FieldViolation> violations;
  CheckPageSize(request.page_size(), kMaxPageSize, violations);
  const uint64_t fingerprint = FilterFingerprint(request);
  const std::string after = ResumeFromPageToken(request.page_token(), fingerprint, violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_ASSIGN_OR_RETURN(
      storage::CandidatePage page,
      deps_.store.people().ListPendingCandidates(
          after, request.page_size() == 0 ? kDefaultPageSize : request.page_size()));
  v1::ListPossibleDuplicatesResponse out;
  for (auto& c : page.candidates) *out.add_candidates() = std::move(c);
  if (!page.resume_after_id.empty()) {
    out.set_next_page_token(EncodePageToken(page.resume_after_id, fingerprint));
  }
  return out;
}

absl::StatusOr<v1::ResolvePossibleDuplicateResponse> CaseHandler::ResolvePossibleDuplicate(
    const v1::ResolvePossibleDuplicateRequest& request) {
  std::vector<FieldViolation> violations;
  CheckOpaqueId(request.candidate_id(), "candidate_id", violations);
  CheckStaff(request.decided_by(), "decided_by", violations);
  CheckText(request.reason(), "reason", kMaxMergeReason, request.confirm(), false, violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  const std::string merge_id = absl::StrCat("G", deps_.ids.NextReferralId());
  SP_ASSIGN_OR_RETURN(
      storage::MergeOutcome outcome,
      deps_.store.people().ResolveCandidate(
          request.candidate_id(), request.confirm(), request.decided_by(), request.reason(),
          merge_id, deps_.clock.Now(),
          [](const v1::AssessmentVersion& surviving, const v1::AssessmentVersion& merged) {
            router::FilledAssessment filled =
                router::FillUnknownSections(surviving.assessment(), merged.assessment());
            return storage::AssessmentPlan{.assessment = std::move(filled.assessment),
                                           .filled_sections = std::move(filled.filled_sections)};
          }));
  v1::ResolvePossibleDuplicateResponse out;
  *out.mutable_candidate() = std::move(outcome.candidate);
  if (request.confirm()) *out.mutable_merge() = std::move(outcome.merge);
  return out;
}

absl::StatusOr<v1::MergeRecord> CaseHandler::UnmergePeople(
    const v1::UnmergePeopleRequest& request) {
  std::vector<FieldViolation> violations;
  CheckOpaqueId(request.merge_id(), "merge_id", violations);
  CheckStaff(request.unmerged_by(), "unmerged_by", violations);
  CheckText(request.reason(), "reason", kMaxMergeReason, true, false, violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  return deps_.store.people().Unmerge(
      request.merge_id(), request.unmerged_by(), request.reason(), deps_.clock.Now(),
      [](const v1::AssessmentVersion& current, const v1::AssessmentVersion& at_merge,
         const v1::MergeRecord& merge) {
        const std::vector<int> filled(merge.filled_sections().begin(),
                                      merge.filled_sections().end());
        return storage::AssessmentPlan{.assessment = router::ClearFilledSections(
                                           current.assessment(), at_merge.assessment(), filled),
                                       .filled_sections = {}};
      });
}

absl::StatusOr<v1::AssessmentVersion> CaseHandler::GetAssessment(
    const v1::GetAssessmentRequest& request) const {
  if (request.version() < 0) {
    return InvalidArgumentFromViolations({{"version", "must not be negative"}});
  }
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, Person(request.person_id()));
  return deps_.store.people().GetAssessment(person.person_id(), request.version());
}

absl::StatusOr<v1::ListAssessmentVersionsResponse> CaseHandler::ListAssessmentVersions(
    const v1::ListAssessmentVersionsRequest& request) const {
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, Person(request.person_id()));
  SP_ASSIGN_OR_RETURN(std::vector<v1::AssessmentVersion> versions,
                      deps_.store.people().ListAssessments(person.person_id()));
  v1::ListAssessmentVersionsResponse out;
  for (auto& v : versions) *out.add_versions() = std::move(v);
  return out;
}

absl::StatusOr<v1::AssessmentVersion> CaseHandler::UpdateAssessment(
    const v1::UpdateAssessmentRequest& request) {
  std::vector<FieldViolation> violations;
  CheckText(request.person_id(), "person_id", 64, true, false, violations);
  if (request.expected_version() < 1) {
    violations.push_back({"expected_version", "must be the version you read (1 or more)"});
  }
  CheckStaff(request.author(), "author", violations);
  if (!request.author().id().empty() &&
      !IsActiveCaseManager(deps_.directory, request.author().id())) {
    violations.push_back({"author.id", "is not an active case manager (a trusted assessor)"});
  }
  for (auto& v : router::ValidateAssessment(request.assessment(), "assessment")) {
    violations.push_back(std::move(v));
  }
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, people_.Resolve(request.person_id()));
  return deps_.store.people().UpdateAssessment(person.person_id(), request.expected_version(),
                                               request.assessment(), request.author(),
                                               deps_.clock.Now());
}

absl::StatusOr<v1::ListCaseReferralsResponse> CaseHandler::ListIndexed(
    storage::CaseIndex index, const std::string& key, std::string_view key_field, int page_size,
    const std::string& page_token, const google::protobuf::Message& request) const {
  std::vector<FieldViolation> violations;
  CheckText(key, key_field, 128, true, false, violations);
  CheckPageSize(page_size, kMaxPageSize, violations);
  const uint64_t fingerprint = FilterFingerprint(request);
  const std::string resume =
      absl::HexStringToBytes(ResumeFromPageToken(page_token, fingerprint, violations));
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_ASSIGN_OR_RETURN(
      storage::IndexedPage page,
      deps_.store.ListIndexed({.index = index,
                               .key = key,
                               .resume_after = resume,
                               .limit = page_size == 0 ? kDefaultPageSize : page_size}));
  v1::ListCaseReferralsResponse out;
  for (auto& r : page.referrals) *out.add_referrals() = std::move(r);
  if (!page.resume_after.empty()) {
    out.set_next_page_token(
        EncodePageToken(absl::BytesToHexString(page.resume_after), fingerprint));
  }
  return out;
}

absl::StatusOr<v1::ListCaseReferralsResponse> CaseHandler::ListCaseload(
    const v1::ListCaseloadRequest& request) const {
  return ListIndexed(storage::CaseIndex::kCaseload, request.case_manager_id(), "case_manager_id",
                     request.page_size(), request.page_token(), request);
}

absl::StatusOr<v1::ListCaseReferralsResponse> CaseHandler::ListTeamQueue(
    const v1::ListTeamQueueRequest& request) const {
  return ListIndexed(storage::CaseIndex::kTeamQueue, request.team_id(), "team_id",
                     request.page_size(), request.page_token(), request);
}

absl::StatusOr<v1::GetTimelineResponse> CaseHandler::GetTimeline(
    const v1::GetTimelineRequest& request) const {
  std::vector<FieldViolation> violations;
  CheckPageSize(request.page_size(), kMaxTimelinePage, violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, Person(request.person_id()));
  std::vector<std::string> records = {person.person_id()};
  for (const auto& m : person.merged_person_ids()) records.push_back(m);
  const size_t limit = request.page_size() == 0 ? kDefaultTimelinePage : request.page_size();
  SP_ASSIGN_OR_RETURN(
      std::vector<v1::TimelineEntry> entries,
      deps_.store.people().ReadTimeline(records, request.after_sequence(), limit + 1));
  v1::GetTimelineResponse out;
  if (entries.size() > limit) {
    entries.resize(limit);
    out.set_next_after_sequence(entries.back().sequence());
  }
  for (auto& e : entries) *out.add_entries() = std::move(e);
  return out;
}

absl::StatusOr<v1::CaseNote> CaseHandler::AddNote(const v1::AddNoteRequest& request) {
  std::vector<FieldViolation> violations;
  CheckText(request.person_id(), "person_id", 64, true, false, violations);
  CheckStaff(request.author(), "author", violations);
  CheckText(request.text(), "text", kMaxNote, true, true, violations);
  absl::StatusOr<std::string> referral_id;
  if (!request.referral_id().empty()) {
    referral_id = ResolveReferralId(deps_.store, request.referral_id());
    if (absl::IsInvalidArgument(referral_id.status())) {
      violations.push_back({"referral_id", std::string(referral_id.status().message())});
    }
  }
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, people_.Resolve(request.person_id()));
  v1::TimelineEntry entry;
  v1::CaseNote* note = entry.mutable_note();
  if (!request.referral_id().empty()) {
    SP_RETURN_IF_ERROR(referral_id.status());
    SP_ASSIGN_OR_RETURN(v1::Referral r, deps_.store.GetReferral(*referral_id));
    SP_ASSIGN_OR_RETURN(v1::PersonRecord owner, people_.Resolve(r.person_id()));
    if (owner.person_id() != person.person_id()) {
      return InvalidArgumentFromViolations({{"referral_id", "belongs to another person"}});
    }
    note->set_referral_id(*referral_id);
  }
  const absl::Time now = deps_.clock.Now();
  note->set_note_id(absl::StrCat("N", deps_.ids.NextReferralId()));
  note->set_person_id(person.person_id());
  *note->mutable_author() = request.author();
  *note->mutable_recorded_at() = ToProtoTime(now);
  note->set_text(request.text());
  *entry.mutable_occurred_at() = ToProtoTime(now);
  SP_ASSIGN_OR_RETURN(v1::TimelineEntry stored,
                      deps_.store.people().AppendTimeline(person.person_id(), std::move(entry)));
  return stored.note();
}

absl::StatusOr<v1::MdtMeeting> CaseHandler::RecordMdtMeeting(
    const v1::RecordMdtMeetingRequest& request) {
  const v1::MdtMeeting& m = request.meeting();
  std::vector<FieldViolation> violations;
  CheckText(m.person_id(), "meeting.person_id", 64, true, false, violations);
  const absl::Time now = deps_.clock.Now();
  const absl::CivilDay held(m.held_on().year(), m.held_on().month(), m.held_on().day());
  if (m.held_on().year() < 2000 || held.year() != m.held_on().year() ||
      held.month() != m.held_on().month() || held.day() != m.held_on().day() ||
      held > absl::ToCivilDay(now, deps_.zone)) {
    violations.push_back({"meeting.held_on", "must be a real date, not in the future"});
  }
  if (m.attendees().empty() || m.attendees_size() > kMaxAttendees) {
    violations.push_back({"meeting.attendees", absl::StrCat("must list 1-", kMaxAttendees)});
  }
  for (int i = 0; i < m.attendees_size(); ++i) {
    CheckStaff(m.attendees(i), absl::StrCat("meeting.attendees[", i, "]"), violations);
  }
  if (m.decisions().empty() || m.decisions_size() > kMaxDecisions) {
    violations.push_back({"meeting.decisions", absl::StrCat("must list 1-", kMaxDecisions)});
  }
  for (int i = 0; i < m.decisions_size(); ++i) {
    CheckText(m.decisions(i), absl::StrCat("meeting.decisions[", i, "]"), kMaxDecision, true, true,
              violations);
  }
  if (!m.care_coordinator_id().empty() &&
      !IsActiveCaseManager(deps_.directory, m.care_coordinator_id())) {
    violations.push_back({"meeting.care_coordinator_id", "is not an active case manager"});
  }
  CheckStaff(m.recorded_by(), "meeting.recorded_by", violations);
  if (!violations.empty()) return InvalidArgumentFromViolations(violations);
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, people_.Resolve(m.person_id()));
  v1::TimelineEntry entry;
  v1::MdtMeeting* stored = entry.mutable_mdt_meeting();
  *stored = m;
  stored->set_meeting_id(absl::StrCat("M", deps_.ids.NextReferralId()));
  stored->set_person_id(person.person_id());
  *stored->mutable_recorded_at() = ToProtoTime(now);
  *entry.mutable_occurred_at() = ToProtoTime(now);
  SP_ASSIGN_OR_RETURN(v1::TimelineEntry written,
                      deps_.store.people().AppendTimeline(person.person_id(), std::move(entry)));
  return written.mdt_meeting();
}

absl::StatusOr<v1::ListPartnerReferralsResponse> CaseHandler::ListPartnerReferrals(
    const v1::ListPartnerReferralsRequest& request) const {
  SP_ASSIGN_OR_RETURN(
      v1::ListCaseReferralsResponse page,
      ListIndexed(storage::CaseIndex::kPartner, request.organization_id(), "organization_id",
                  request.page_size(), request.page_token(), request));
  v1::ListPartnerReferralsResponse out;
  for (const auto& r : page.referrals()) {
    SP_ASSIGN_OR_RETURN(const bool withdrawn, people_.PartnerConsentWithdrawn(r));
    if (withdrawn) continue;
    if (std::optional<v1::PartnerReferralView> view =
            router::ProjectForPartner(r, request.organization_id())) {
      *out.add_referrals() = std::move(*view);
    }
  }
  out.set_next_page_token(page.next_page_token());
  return out;
}

}  // namespace signpost::services
