// Decisions about person records: an assessor's update, confirming or
// rejecting a possible duplicate (a merge), and undoing a merge. Pure
// functions of the records as read; the case handler reads them, decides
// here, and writes the result with one Store::Apply whose preconditions
// are the revisions read.
//
//   absl::StatusOr<PersonChange> c = decide::UpdateAssessment(person, 3, a, author, now);
//   // ABORTED when version 3 is no longer the latest.
//
// Merges move nothing: the merged record is marked MERGED (readers follow
// merged_into_person_id), the survivor lists it and gets a new assessment
// version filling its unknown sections from the merged one; an unmerge
// reverses exactly that, taking back filled sections nobody has changed
// since (docs/CASES.md, ADR 0008). Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_PERSON_PERSON_DECISIONS_H_
#define SIGNPOST_ROUTER_PERSON_PERSON_DECISIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "signpost/v1/person.pb.h"

namespace signpost::router {

// People to write (as they should be stored) and what else changes.
struct PersonChange {
  std::vector<signpost::v1::PersonRecord> people;
  std::optional<signpost::v1::AssessmentVersion> assessment;
  std::optional<signpost::v1::DuplicateCandidate> candidate;
  std::optional<signpost::v1::MergeRecord> merge;
};

// Both records of a merge as read, with their latest assessments.
struct MergeParties {
  signpost::v1::PersonRecord merged;
  signpost::v1::PersonRecord surviving;
  signpost::v1::AssessmentVersion merged_latest;     // empty if none
  signpost::v1::AssessmentVersion surviving_latest;  // empty if none
};

namespace decide {

// Version expected_version + 1 of the person's assessment. ABORTED if
// expected_version is not the latest; FAILED_PRECONDITION if merged.
absl::StatusOr<PersonChange> UpdateAssessment(const signpost::v1::PersonRecord& person,
                                              int64_t expected_version,
                                              const signpost::v1::HolisticAssessment& assessment,
                                              const signpost::v1::StaffRef& author, absl::Time now);

// Rejects, or confirms and merges candidate.person_id into
// candidate.matched_person_id (`parties` read for a confirm).
// FAILED_PRECONDITION if decided already, either record is merged, or the
// records hold different NHS numbers.
absl::StatusOr<PersonChange> ResolveCandidate(const signpost::v1::DuplicateCandidate& candidate,
                                              bool confirm, const MergeParties* parties,
                                              const signpost::v1::StaffRef& by,
                                              const std::string& reason,
                                              const std::string& merge_id, absl::Time now);

// Undoes `merge`; `at_merge` is the survivor's version the merge wrote.
// FAILED_PRECONDITION if undone already or the survivor has since merged.
absl::StatusOr<PersonChange> Unmerge(const signpost::v1::MergeRecord& merge,
                                     const MergeParties& parties,
                                     const signpost::v1::AssessmentVersion& at_merge,
                                     const signpost::v1::StaffRef& by, const std::string& reason,
                                     absl::Time now);

}  // namespace decide
}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_PERSON_PERSON_DECISIONS_H_
