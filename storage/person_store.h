// PersonStore: people, their holistic assessment versions, timelines,
// possible duplicates and merges, in the same database and the same
// synced-write discipline as referrals (one change = one WriteBatch).
//
// Obtained from ReferralStore::people(); a new referral joins its person
// through ReferralStore::CreateReferral (so the referral, the person and
// the new assessment version land in one write).
//
//   absl::StatusOr<AssessmentVersion> v = store.people().UpdateAssessment(
//       person_id, /*expected_version=*/3, assessment, author, now);
//   // ABORTED if version 3 is no longer the latest: read again and retry.
//
// Merges never move referrals or versions: the merged record is marked
// MERGED (readers follow merged_into_person_id), the survivor lists it,
// and an unmerge reverses exactly that. Both histories stay intact.
//
// Concurrency: read-modify-write of a person is serialised per person id;
// merges lock both records in a fixed order.
// Error contract as ReferralStore, plus ABORTED (stale expected version)
// and FAILED_PRECONDITION (merged record, decided candidate, undone merge).
// Thread-safe.
#ifndef SIGNPOST_STORAGE_PERSON_STORE_H_
#define SIGNPOST_STORAGE_PERSON_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "signpost/v1/person.pb.h"

namespace signpost::storage {

// What a merge or unmerge does to the surviving record's assessment.
struct AssessmentPlan {
  signpost::v1::HolisticAssessment assessment;
  std::vector<int> filled_sections;  // merges only
};

// Given the survivor's and the merged record's latest versions.
using MergePlanner = std::function<AssessmentPlan(const signpost::v1::AssessmentVersion& surviving,
                                                  const signpost::v1::AssessmentVersion& merged)>;
// Given the survivor's latest version, its version written by the merge
// and the merge record.
using UnmergePlanner = std::function<AssessmentPlan(const signpost::v1::AssessmentVersion& current,
                                                    const signpost::v1::AssessmentVersion& at_merge,
                                                    const signpost::v1::MergeRecord& merge)>;

struct CandidatePage {
  std::vector<signpost::v1::DuplicateCandidate> candidates;
  std::string resume_after_id;  // empty: no more
};

struct MergeOutcome {
  signpost::v1::DuplicateCandidate candidate;
  signpost::v1::MergeRecord merge;  // empty when rejected
};

class PersonStore {
 public:
  virtual ~PersonStore() = default;

  // NOT_FOUND if unknown. Returns the record itself even when MERGED.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::PersonRecord> GetPerson(
      std::string_view person_id) const = 0;
  // The record `person_id` finally resolves to, following merges (itself
  // when not merged). DATA_LOSS if the chain is longer than 16.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::PersonRecord> FindSurvivor(
      std::string_view person_id) const = 0;
  // The record holding this NHS number (possibly MERGED). NOT_FOUND if none.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::PersonRecord> FindByNhsNumber(
      std::string_view nhs_number) const = 0;
  // Records indexed under a demographic blocking key, at most `max`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<signpost::v1::PersonRecord>>
  FindByDemographicKey(std::string_view key, size_t max) const = 0;
  // Ids of the person's own referrals, oldest first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> ReferralIds(
      std::string_view person_id) const = 0;

  // A version (0 = the latest). NOT_FOUND if the person or version is unknown.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::AssessmentVersion> GetAssessment(
      std::string_view person_id, int64_t version) const = 0;
  // Every version, oldest first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<signpost::v1::AssessmentVersion>>
  ListAssessments(std::string_view person_id) const = 0;
  // Writes version expected_version + 1 with its timeline entry. ABORTED
  // if expected_version is not the latest; FAILED_PRECONDITION if merged.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::AssessmentVersion> UpdateAssessment(
      std::string_view person_id, int64_t expected_version,
      const signpost::v1::HolisticAssessment& assessment, const signpost::v1::StaffRef& author,
      absl::Time now) = 0;

  [[nodiscard]] virtual absl::StatusOr<signpost::v1::DuplicateCandidate> GetCandidate(
      std::string_view candidate_id) const = 0;
  // Pending candidates, oldest first.
  [[nodiscard]] virtual absl::StatusOr<CandidatePage> ListPendingCandidates(
      std::string_view after_id, int limit) const = 0;
  // Rejects, or confirms and merges candidate.person_id into
  // candidate.matched_person_id (`merge_id` names the new MergeRecord).
  // FAILED_PRECONDITION if already decided or either record is merged.
  [[nodiscard]] virtual absl::StatusOr<MergeOutcome> ResolveCandidate(
      std::string_view candidate_id, bool confirm, const signpost::v1::StaffRef& by,
      std::string_view reason, std::string_view merge_id, absl::Time now,
      const MergePlanner& plan) = 0;
  // Undoes a merge. FAILED_PRECONDITION if already undone.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::MergeRecord> Unmerge(
      std::string_view merge_id, const signpost::v1::StaffRef& by, std::string_view reason,
      absl::Time now, const UnmergePlanner& plan) = 0;
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::MergeRecord> GetMerge(
      std::string_view merge_id) const = 0;

  // Appends a note or MDT meeting to the person's timeline (an MDT meeting
  // with a care coordinator also sets it on the person). Returns the entry
  // with its sequence. FAILED_PRECONDITION if the person is merged.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::TimelineEntry> AppendTimeline(
      std::string_view person_id, signpost::v1::TimelineEntry entry) = 0;
  // Entries of all `person_ids` with sequence > after, in sequence order,
  // at most `limit`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<signpost::v1::TimelineEntry>> ReadTimeline(
      const std::vector<std::string>& person_ids, uint64_t after, size_t limit) const = 0;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_PERSON_STORE_H_
