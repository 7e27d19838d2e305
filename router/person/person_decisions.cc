#include "router/person/person_decisions.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "proto/signpost/proto_time.h"
#include "router/person/assessment.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

absl::Status RequireActive(const v1::PersonRecord& p) {
  if (p.state() == v1::PERSON_STATE_ACTIVE) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("person ", p.person_id(), " was merged into ", p.merged_into_person_id()));
}

// The version after `person`'s latest, written by `author` for `reason`;
// the person then points at it.
v1::AssessmentVersion NextVersion(v1::PersonRecord& person, v1::HolisticAssessment assessment,
                                  const v1::StaffRef& author, absl::Time now,
                                  std::string_view reason) {
  v1::AssessmentVersion next;
  next.set_person_id(person.person_id());
  next.set_version(person.assessment_version() + 1);
  *next.mutable_assessment() = std::move(assessment);
  *next.mutable_author() = author;
  *next.mutable_recorded_at() = ToProtoTime(now);
  next.set_reason(std::string(reason));
  person.set_assessment_version(next.version());
  *person.mutable_updated_at() = ToProtoTime(now);
  return next;
}

absl::Status CheckMergeable(const MergeParties& p) {
  SP_RETURN_IF_ERROR(RequireActive(p.merged));
  SP_RETURN_IF_ERROR(RequireActive(p.surviving));
  if (p.merged.has_nhs_number() && p.surviving.has_nhs_number() &&
      p.merged.nhs_number() != p.surviving.nhs_number()) {
    return absl::FailedPreconditionError("records with different NHS numbers are different people");
  }
  return absl::OkStatus();
}

v1::MergeRecord NewMerge(const MergeParties& p, const v1::DuplicateCandidate& candidate,
                         const v1::StaffRef& by, const std::string& reason,
                         const std::string& merge_id, absl::Time now) {
  v1::MergeRecord merge;
  merge.set_merge_id(merge_id);
  merge.set_surviving_person_id(p.surviving.person_id());
  merge.set_merged_person_id(p.merged.person_id());
  *merge.mutable_merged_by() = by;
  *merge.mutable_merged_at() = ToProtoTime(now);
  merge.set_reason(reason);
  merge.set_candidate_id(candidate.candidate_id());
  return merge;
}

// Merges `p.merged` into `p.surviving`.
PersonChange Merge(const MergeParties& p, v1::DuplicateCandidate candidate, const v1::StaffRef& by,
                   const std::string& reason, const std::string& merge_id, absl::Time now) {
  PersonChange change;
  v1::PersonRecord surviving = p.surviving;
  v1::PersonRecord merged = p.merged;
  FilledAssessment filled =
      FillUnknownSections(p.surviving_latest.assessment(), p.merged_latest.assessment());
  change.assessment = NextVersion(surviving, std::move(filled.assessment), by, now, "merge");
  v1::MergeRecord merge = NewMerge(p, candidate, by, reason, merge_id, now);
  for (int f : filled.filled_sections) merge.add_filled_sections(f);
  merge.set_merge_assessment_version(change.assessment->version());
  candidate.set_merge_id(merge_id);
  merged.set_state(v1::PERSON_STATE_MERGED);
  merged.set_merged_into_person_id(surviving.person_id());
  *merged.mutable_updated_at() = ToProtoTime(now);
  surviving.add_merged_person_ids(merged.person_id());
  change.people = {std::move(merged), std::move(surviving)};
  change.merge = std::move(merge);
  change.candidate = std::move(candidate);
  return change;
}

}  // namespace

namespace decide {

absl::StatusOr<PersonChange> UpdateAssessment(const v1::PersonRecord& person,
                                              int64_t expected_version,
                                              const v1::HolisticAssessment& assessment,
                                              const v1::StaffRef& author, absl::Time now) {
  SP_RETURN_IF_ERROR(RequireActive(person));
  if (person.assessment_version() != expected_version) {
    return absl::AbortedError(absl::StrCat("expected_version: ", expected_version,
                                           " is not the latest (", person.assessment_version(),
                                           "); read the latest version and apply your change"));
  }
  PersonChange change;
  v1::PersonRecord updated = person;
  change.assessment = NextVersion(updated, assessment, author, now, "assessment");
  change.people.push_back(std::move(updated));
  return change;
}

absl::StatusOr<PersonChange> ResolveCandidate(const v1::DuplicateCandidate& candidate, bool confirm,
                                              const MergeParties* parties, const v1::StaffRef& by,
                                              const std::string& reason,
                                              const std::string& merge_id, absl::Time now) {
  if (candidate.state() != v1::DuplicateCandidate::STATE_PENDING) {
    return absl::FailedPreconditionError(
        absl::StrCat("possible duplicate ", candidate.candidate_id(), " was already decided (",
                     v1::DuplicateCandidate::State_Name(candidate.state()), ")"));
  }
  v1::DuplicateCandidate decided = candidate;
  decided.set_state(confirm ? v1::DuplicateCandidate::STATE_CONFIRMED
                            : v1::DuplicateCandidate::STATE_REJECTED);
  *decided.mutable_decided_by() = by;
  *decided.mutable_decided_at() = ToProtoTime(now);
  if (!confirm) return PersonChange{.candidate = std::move(decided)};
  if (parties == nullptr) return absl::InternalError("a merge needs both records");
  SP_RETURN_IF_ERROR(CheckMergeable(*parties));
  return Merge(*parties, std::move(decided), by, reason, merge_id, now);
}

absl::StatusOr<PersonChange> Unmerge(const v1::MergeRecord& merge, const MergeParties& parties,
                                     const v1::AssessmentVersion& at_merge, const v1::StaffRef& by,
                                     const std::string& reason, absl::Time now) {
  if (merge.undone()) {
    return absl::FailedPreconditionError(
        absl::StrCat("merge ", merge.merge_id(), " is already undone"));
  }
  const v1::PersonRecord& s = parties.surviving;
  if (s.state() != v1::PERSON_STATE_ACTIVE) {
    return absl::FailedPreconditionError(
        absl::StrCat("person ", s.person_id(), " has since been merged into ",
                     s.merged_into_person_id(), "; undo that merge first"));
  }
  PersonChange change;
  v1::PersonRecord surviving = s;
  v1::PersonRecord merged = parties.merged;
  const std::vector<int> filled(merge.filled_sections().begin(), merge.filled_sections().end());
  change.assessment = NextVersion(
      surviving,
      ClearFilledSections(parties.surviving_latest.assessment(), at_merge.assessment(), filled), by,
      now, "unmerge");
  v1::MergeRecord undone = merge;
  undone.set_undone(true);
  *undone.mutable_unmerged_by() = by;
  *undone.mutable_unmerged_at() = ToProtoTime(now);
  undone.set_unmerge_reason(reason);
  merged.set_state(v1::PERSON_STATE_ACTIVE);
  merged.clear_merged_into_person_id();
  *merged.mutable_updated_at() = ToProtoTime(now);
  auto* ids = surviving.mutable_merged_person_ids();
  ids->erase(std::remove(ids->begin(), ids->end(), merged.person_id()), ids->end());
  change.people = {std::move(merged), std::move(surviving)};
  change.merge = std::move(undone);
  return change;
}

}  // namespace decide
}  // namespace signpost::router
