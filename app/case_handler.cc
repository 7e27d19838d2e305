#include "app/case_handler.h"

#include <algorithm>

#include "absl/algorithm/container.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "app/audit.h"
#include "app/page_token.h"
#include "app/people.h"
#include "app/referral_writer.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/directory/routing.h"
#include "router/person/assessment.h"
#include "router/person/partner_view.h"
#include "router/person/person_decisions.h"
#include "router/request_checks.h"

namespace signpost::app {
namespace {

namespace v1 = ::signpost::v1;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr int kDefaultTimelinePage = 200;
constexpr int kMaxTimelinePage = 1000;
constexpr size_t kMaxNoteChars = 8000;
constexpr size_t kMaxMergeReasonChars = 500;
constexpr int kMaxAttendees = 30;
constexpr int kMaxDecisions = 30;
constexpr size_t kMaxDecisionChars = 1000;
// GetPerson lists pending possible duplicates from at most this many.
constexpr int kMaxPendingScanned = 5000;

bool IsActiveCaseManager(const DirectoryRegistry* directory, const std::string& id) {
  if (directory == nullptr) return false;
  const v1::CaseManager* cm = router::FindCaseManager(directory->Current()->roster, id);
  return cm != nullptr && cm->active();
}

storage::Change ChangeOf(router::PersonChange decided,
                         const std::map<std::string, int64_t>& revisions) {
  storage::Change change;
  for (auto& p : decided.people) {
    const int64_t revision = revisions.at(p.person_id());
    change.people.push_back({.record = std::move(p), .expected_revision = revision});
  }
  if (decided.assessment) change.assessments.push_back(std::move(*decided.assessment));
  if (decided.candidate) {
    change.candidates.push_back({.record = std::move(*decided.candidate), .deciding = true});
  }
  return change;
}

// Both records of a merge as read now, with their latest assessments.
absl::StatusOr<router::MergeParties> ReadParties(const storage::Store& store,
                                                 const std::string& merged,
                                                 const std::string& surviving) {
  router::MergeParties parties;
  SP_ASSIGN_OR_RETURN(parties.merged, store.GetPerson(merged));
  SP_ASSIGN_OR_RETURN(parties.surviving, store.GetPerson(surviving));
  SP_ASSIGN_OR_RETURN(auto m, store.LatestAssessment(parties.merged));
  SP_ASSIGN_OR_RETURN(auto s, store.LatestAssessment(parties.surviving));
  parties.merged_latest = m.value_or(v1::AssessmentVersion());
  parties.surviving_latest = s.value_or(v1::AssessmentVersion());
  return parties;
}

// The revisions the parties were read at (none when nobody was read).
std::map<std::string, int64_t> Revisions(const router::MergeParties& p) {
  if (p.merged.person_id().empty()) return {};
  return {{p.merged.person_id(), p.merged.revision()},
          {p.surviving.person_id(), p.surviving.revision()}};
}

// Retries `attempt` (read, decide, Apply) while it meets a conflict.
template <typename Attempt>
auto WithRetry(Attempt attempt) -> decltype(attempt()) {
  for (int n = 1;; ++n) {
    auto result = attempt();
    if (result.ok() || !storage::IsConflict(result.status()) || n == kMaxWriteAttempts) {
      return result;
    }
  }
}

void CheckMeeting(const v1::MdtMeeting& m, absl::CivilDay today, const DirectoryRegistry* directory,
                  router::Violations& v) {
  v.Text("meeting.person_id", m.person_id(), {.max_chars = 64, .required = true});
  const absl::CivilDay held(m.held_on().year(), m.held_on().month(), m.held_on().day());
  if (m.held_on().year() < 2000 || held.year() != m.held_on().year() ||
      held.month() != m.held_on().month() || held.day() != m.held_on().day() || held > today) {
    v.Add("meeting.held_on", "must be a real date, not in the future");
  }
  if (m.attendees().empty() || m.attendees_size() > kMaxAttendees) {
    v.Add("meeting.attendees", absl::StrCat("must list 1-", kMaxAttendees));
  }
  for (int i = 0; i < m.attendees_size(); ++i) {
    v.Staff(absl::StrCat("meeting.attendees[", i, "]"), m.attendees(i));
  }
  if (m.decisions().empty() || m.decisions_size() > kMaxDecisions) {
    v.Add("meeting.decisions", absl::StrCat("must list 1-", kMaxDecisions));
  }
  for (int i = 0; i < m.decisions_size(); ++i) {
    v.Text(absl::StrCat("meeting.decisions[", i, "]"), m.decisions(i),
           {.max_chars = kMaxDecisionChars, .required = true, .multiline = true});
  }
  if (!m.care_coordinator_id().empty() &&
      !IsActiveCaseManager(directory, m.care_coordinator_id())) {
    v.Add("meeting.care_coordinator_id", "is not an active case manager");
  }
  v.Staff("meeting.recorded_by", m.recorded_by());
}

}  // namespace

absl::StatusOr<v1::PersonRecord> CaseHandler::Person(const std::string& id, std::string_view what,
                                                     std::string* named_person_id) const {
  router::Violations v;
  v.Text("person_id", id, {.max_chars = 64, .required = true});
  if (!v.empty()) return v.ToStatus(what);
  return ResolvePerson(deps_.store, id, named_person_id);
}

absl::StatusOr<v1::GetPersonResponse> CaseHandler::GetPerson(
    const v1::GetPersonRequest& request) const {
  std::string named;
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person,
                      Person(request.person_id(), "person request", &named));
  v1::GetPersonResponse out;
  if (named != person.person_id()) out.set_requested_person_id(named);
  const std::vector<std::string> records = RecordIds(person);
  std::vector<std::string> referral_ids;
  for (const auto& pid : records) {
    SP_ASSIGN_OR_RETURN(std::vector<std::string> ids, deps_.store.ReferralIds(pid));
    referral_ids.insert(referral_ids.end(), ids.begin(), ids.end());
  }
  std::sort(referral_ids.begin(), referral_ids.end());
  for (auto& id : referral_ids) out.add_referral_ids(std::move(id));
  std::string after;
  for (int scanned = 0; scanned < kMaxPendingScanned; scanned += 1000) {
    SP_ASSIGN_OR_RETURN(storage::CandidatePage page,
                        deps_.store.ListPendingCandidates(after, 1000));
    for (auto& c : page.candidates) {
      if (absl::c_linear_search(records, c.person_id()) ||
          absl::c_linear_search(records, c.matched_person_id())) {
        *out.add_possible_duplicates() = std::move(c);
      }
    }
    if (page.resume_after_id.empty()) break;
    after = page.resume_after_id;
  }
  *out.mutable_person() = std::move(person);
  return out;
}

absl::StatusOr<v1::ListPossibleDuplicatesResponse> CaseHandler::ListPossibleDuplicates(
    const v1::ListPossibleDuplicatesRequest& request) const {
  router::Violations v;
  v.PageSize("page_size", request.page_size(), kMaxPageSize);
  const uint64_t fingerprint = FilterFingerprint(request);
  const std::string after = ResumeFromPageToken(request.page_token(), fingerprint, v);
  if (!v.empty()) return v.ToStatus("duplicates request");
  SP_ASSIGN_OR_RETURN(
      storage::CandidatePage page,
      deps_.store.ListPendingCandidates(
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
  router::Violations v;
  v.OpaqueId("candidate_id", request.candidate_id());
  v.Staff("decided_by", request.decided_by());
  v.Text("reason", request.reason(),
         {.max_chars = kMaxMergeReasonChars, .required = request.confirm()});
  if (!v.empty()) return v.ToStatus("duplicate decision");
  SP_ASSIGN_OR_RETURN(const v1::DuplicateCandidate first,
                      deps_.store.GetCandidate(request.candidate_id()));
  LockManager::MultiGuard guard =
      deps_.locks.LockAll({"person:" + first.person_id(), "person:" + first.matched_person_id()});
  const std::string merge_id = absl::StrCat("G", deps_.ids.NextReferralId());
  const absl::Time now = deps_.clock.Now();
  return WithRetry([&]() -> absl::StatusOr<v1::ResolvePossibleDuplicateResponse> {
    SP_ASSIGN_OR_RETURN(const v1::DuplicateCandidate candidate,
                        deps_.store.GetCandidate(request.candidate_id()));
    router::MergeParties parties;
    if (request.confirm()) {
      SP_ASSIGN_OR_RETURN(
          parties, ReadParties(deps_.store, candidate.person_id(), candidate.matched_person_id()));
    }
    const std::map<std::string, int64_t> revisions = Revisions(parties);
    SP_ASSIGN_OR_RETURN(router::PersonChange decided,
                        router::decide::ResolveCandidate(
                            candidate, request.confirm(), request.confirm() ? &parties : nullptr,
                            request.decided_by(), request.reason(), merge_id, now));
    std::optional<v1::MergeRecord> merge = decided.merge;
    storage::Change change = ChangeOf(std::move(decided), revisions);
    if (merge) change.merge = storage::MergePut{.record = *merge};
    SP_ASSIGN_OR_RETURN(storage::Applied applied,
                        ApplyAudited(deps_.store, std::move(change), deps_.clock));
    v1::ResolvePossibleDuplicateResponse out;
    SP_ASSIGN_OR_RETURN(*out.mutable_candidate(), deps_.store.GetCandidate(request.candidate_id()));
    if (merge) *out.mutable_merge() = std::move(*merge);
    return out;
  });
}

absl::StatusOr<v1::MergeRecord> CaseHandler::UnmergePeople(
    const v1::UnmergePeopleRequest& request) {
  router::Violations v;
  v.OpaqueId("merge_id", request.merge_id());
  v.Staff("unmerged_by", request.unmerged_by());
  v.Text("reason", request.reason(), {.max_chars = kMaxMergeReasonChars, .required = true});
  if (!v.empty()) return v.ToStatus("unmerge request");
  SP_ASSIGN_OR_RETURN(const v1::MergeRecord first, deps_.store.GetMerge(request.merge_id()));
  LockManager::MultiGuard guard = deps_.locks.LockAll(
      {"person:" + first.surviving_person_id(), "person:" + first.merged_person_id()});
  const absl::Time now = deps_.clock.Now();
  return WithRetry([&]() -> absl::StatusOr<v1::MergeRecord> {
    SP_ASSIGN_OR_RETURN(const v1::MergeRecord merge, deps_.store.GetMerge(request.merge_id()));
    SP_ASSIGN_OR_RETURN(
        const router::MergeParties parties,
        ReadParties(deps_.store, merge.merged_person_id(), merge.surviving_person_id()));
    SP_ASSIGN_OR_RETURN(
        const v1::AssessmentVersion at_merge,
        deps_.store.GetAssessment(merge.surviving_person_id(), merge.merge_assessment_version()));
    SP_ASSIGN_OR_RETURN(router::PersonChange decided,
                        router::decide::Unmerge(merge, parties, at_merge, request.unmerged_by(),
                                                request.reason(), now));
    v1::MergeRecord undone = *decided.merge;
    storage::Change change = ChangeOf(std::move(decided), Revisions(parties));
    change.merge = storage::MergePut{.record = undone, .undoing = true};
    SP_RETURN_IF_ERROR(ApplyAudited(deps_.store, std::move(change), deps_.clock).status());
    return undone;
  });
}

absl::StatusOr<v1::AssessmentVersion> CaseHandler::GetAssessment(
    const v1::GetAssessmentRequest& request) const {
  if (request.version() < 0)
    return InvalidArgument("assessment request", {{"version", "must not be negative"}});
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, Person(request.person_id(), "assessment request"));
  return deps_.store.GetAssessment(person.person_id(), request.version());
}

absl::StatusOr<v1::ListAssessmentVersionsResponse> CaseHandler::ListAssessmentVersions(
    const v1::ListAssessmentVersionsRequest& request) const {
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, Person(request.person_id(), "assessment request"));
  SP_ASSIGN_OR_RETURN(std::vector<v1::AssessmentVersion> versions,
                      deps_.store.ListAssessments(person.person_id()));
  v1::ListAssessmentVersionsResponse out;
  for (auto& v : versions) *out.add_versions() = std::move(v);
  return out;
}

absl::StatusOr<v1::AssessmentVersion> CaseHandler::UpdateAssessment(
    const v1::UpdateAssessmentRequest& request) {
  router::Violations v;
  v.Text("person_id", request.person_id(), {.max_chars = 64, .required = true});
  if (request.expected_version() < 1) {
    v.Add("expected_version", "must be the version you read (1 or more)");
  }
  v.Staff("author", request.author());
  if (!request.author().id().empty() &&
      !IsActiveCaseManager(deps_.directory, request.author().id())) {
    v.Add("author.id", "is not an active case manager (a trusted assessor)");
  }
  for (auto& f : router::ValidateAssessment(request.assessment(), "assessment")) {
    v.Add(std::move(f.field), std::move(f.description));
  }
  if (!v.empty()) return v.ToStatus("assessment update");
  SP_ASSIGN_OR_RETURN(const v1::PersonRecord first,
                      ResolvePerson(deps_.store, request.person_id()));
  LockManager::Guard guard(deps_.locks.Stripe("person:" + first.person_id()));
  const absl::Time now = deps_.clock.Now();
  return WithRetry([&]() -> absl::StatusOr<v1::AssessmentVersion> {
    SP_ASSIGN_OR_RETURN(const v1::PersonRecord person, deps_.store.GetPerson(first.person_id()));
    SP_ASSIGN_OR_RETURN(
        router::PersonChange decided,
        router::decide::UpdateAssessment(person, request.expected_version(), request.assessment(),
                                         request.author(), now));
    v1::AssessmentVersion next = *decided.assessment;
    SP_RETURN_IF_ERROR(
        ApplyAudited(deps_.store,
                     ChangeOf(std::move(decided), {{person.person_id(), person.revision()}}),
                     deps_.clock)
            .status());
    return next;
  });
}

absl::StatusOr<v1::ListCaseReferralsResponse> CaseHandler::ListIndexed(
    storage::CaseIndex index, const std::string& key, std::string_view key_field, int page_size,
    const std::string& page_token, const google::protobuf::Message& request) const {
  router::Violations v;
  v.Text(key_field, key, {.max_chars = 128, .required = true});
  v.PageSize("page_size", page_size, kMaxPageSize);
  const uint64_t fingerprint = FilterFingerprint(request);
  const std::string resume =
      absl::HexStringToBytes(ResumeFromPageToken(page_token, fingerprint, v));
  if (!v.empty()) return v.ToStatus("list request");
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
  router::Violations v;
  v.PageSize("page_size", request.page_size(), kMaxTimelinePage);
  if (!v.empty()) return v.ToStatus("timeline request");
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, Person(request.person_id(), "timeline request"));
  const size_t limit = request.page_size() == 0 ? kDefaultTimelinePage : request.page_size();
  SP_ASSIGN_OR_RETURN(
      std::vector<v1::TimelineEntry> entries,
      deps_.store.ReadTimeline(RecordIds(person), request.after_sequence(), limit + 1));
  v1::GetTimelineResponse out;
  if (entries.size() > limit) {
    entries.resize(limit);
    out.set_next_after_sequence(entries.back().sequence());
  }
  for (auto& e : entries) *out.add_entries() = std::move(e);
  return out;
}

absl::StatusOr<v1::TimelineEntry> CaseHandler::AppendToTimeline(const std::string& person_id,
                                                                v1::TimelineEntry entry) {
  LockManager::Guard guard(deps_.locks.Stripe("person:" + person_id));
  return WithRetry([&]() -> absl::StatusOr<v1::TimelineEntry> {
    SP_ASSIGN_OR_RETURN(v1::PersonRecord person, deps_.store.GetPerson(person_id));
    if (person.state() != v1::PERSON_STATE_ACTIVE) {
      return absl::FailedPreconditionError(absl::StrCat("person ", person_id, " was merged"));
    }
    storage::Change change;
    const std::string& coordinator = entry.mdt_meeting().care_coordinator_id();
    if (entry.has_mdt_meeting() && !coordinator.empty()) {
      const int64_t revision = person.revision();
      person.set_care_coordinator_id(coordinator);
      *person.mutable_updated_at() = entry.occurred_at();
      change.people.push_back({.record = std::move(person), .expected_revision = revision});
    }
    entry.set_person_id(person_id);
    change.journal.push_back(entry);
    SP_ASSIGN_OR_RETURN(storage::Applied applied,
                        ApplyAudited(deps_.store, std::move(change), deps_.clock));
    return std::move(applied.journal.front());
  });
}

absl::StatusOr<v1::CaseNote> CaseHandler::AddNote(const v1::AddNoteRequest& request) {
  router::Violations v;
  v.Text("person_id", request.person_id(), {.max_chars = 64, .required = true});
  v.Staff("author", request.author());
  v.Text("text", request.text(), {.max_chars = kMaxNoteChars, .required = true, .multiline = true});
  if (!request.referral_id().empty()) v.ReferralIdOrReference("referral_id", request.referral_id());
  if (!v.empty()) return v.ToStatus("note");
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, ResolvePerson(deps_.store, request.person_id()));
  v1::TimelineEntry entry;
  v1::CaseNote* note = entry.mutable_note();
  if (!request.referral_id().empty()) {
    SP_ASSIGN_OR_RETURN(const std::string id,
                        ResolveReferralId(deps_.store, request.referral_id()));
    SP_ASSIGN_OR_RETURN(v1::Referral r, deps_.store.GetReferral(id));
    SP_ASSIGN_OR_RETURN(v1::PersonRecord owner, ResolvePerson(deps_.store, r.person_id()));
    if (owner.person_id() != person.person_id()) {
      return InvalidArgument("note", {{"referral_id", "belongs to another person"}});
    }
    note->set_referral_id(id);
  }
  const absl::Time now = deps_.clock.Now();
  note->set_note_id(absl::StrCat("N", deps_.ids.NextReferralId()));
  note->set_person_id(person.person_id());
  *note->mutable_author() = request.author();
  *note->mutable_recorded_at() = ToProtoTime(now);
  note->set_text(request.text());
  *entry.mutable_occurred_at() = ToProtoTime(now);
  SP_ASSIGN_OR_RETURN(v1::TimelineEntry stored,
                      AppendToTimeline(person.person_id(), std::move(entry)));
  return stored.note();
}

absl::StatusOr<v1::MdtMeeting> CaseHandler::RecordMdtMeeting(
    const v1::RecordMdtMeetingRequest& request) {
  const v1::MdtMeeting& m = request.meeting();
  const absl::Time now = deps_.clock.Now();
  router::Violations v;
  CheckMeeting(m, absl::ToCivilDay(now, deps_.zone), deps_.directory, v);
  if (!v.empty()) return v.ToStatus("MDT meeting");
  SP_ASSIGN_OR_RETURN(v1::PersonRecord person, ResolvePerson(deps_.store, m.person_id()));
  v1::TimelineEntry entry;
  v1::MdtMeeting* stored = entry.mutable_mdt_meeting();
  *stored = m;
  stored->set_meeting_id(absl::StrCat("M", deps_.ids.NextReferralId()));
  stored->set_person_id(person.person_id());
  *stored->mutable_recorded_at() = ToProtoTime(now);
  *entry.mutable_occurred_at() = ToProtoTime(now);
  SP_ASSIGN_OR_RETURN(v1::TimelineEntry written,
                      AppendToTimeline(person.person_id(), std::move(entry)));
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
    SP_ASSIGN_OR_RETURN(const bool withdrawn, PartnerConsentWithdrawn(deps_.store, r));
    if (withdrawn) continue;
    if (std::optional<v1::PartnerReferralView> view =
            router::ProjectForPartner(r, request.organization_id())) {
      *out.add_referrals() = std::move(*view);
    }
  }
  out.set_next_page_token(page.next_page_token());
  return out;
}

}  // namespace signpost::app
