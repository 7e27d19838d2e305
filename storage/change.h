// Change: one state change, as the application layer decided it, for
// Store::Apply to write in one synced WriteBatch (ADR 0003, ADR 0009).
//
// A Change names whole records as they should be stored, with the
// preconditions under which they were decided (the revision each was read
// at). Storage checks every precondition under its key locks, derives what
// follows from the records - index entries, event and timeline numbering,
// timeline entries for assessment versions and merges, the NHS-number and
// demographic indexes of a new person - and writes everything at once, or
// nothing. A failed precondition is ABORTED marked as a conflict
// (IsConflict): the caller reads again, decides again and retries.
//
//   Change change;
//   change.referral = ReferralPut{.record = updated, .before = current, .events = {e}};
//   absl::StatusOr<Applied> applied = store.Apply(std::move(change));
//
// Storage never calls back into its caller; decisions are made before.
#ifndef SIGNPOST_STORAGE_CHANGE_H_
#define SIGNPOST_STORAGE_CHANGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "signpost/v1/access.pb.h"
#include "signpost/v1/audit.pb.h"
#include "signpost/v1/directory.pb.h"
#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral.pb.h"
#include "signpost/v1/triage.pb.h"

namespace signpost::storage {

// A referral written by a change: new (no `before`) or updated.
struct ReferralPut {
  signpost::v1::Referral record;
  // The record as read; nullopt for a new referral. The stored record must
  // still have before->last_event_sequence.
  std::optional<signpost::v1::Referral> before;
  // What happened, in order; at least one. Storage sets each event's
  // sequence, referral_id, reference and referrer_ods_code, and the
  // record's last_event_sequence. Events of a referral linked to a person
  // also join that person's timeline.
  std::vector<signpost::v1::ReferralEvent> events;
  // New referrals only: the idempotency scope (the referrer's ODS code;
  // request ids are unique per referrer) and the human references to try
  // in order - the first not in use is taken (all in use: a conflict).
  std::string idempotency_scope;
  std::vector<std::string> reference_candidates;
};

struct PersonPut {
  // Storage sets revision (read revision + 1, or 1 for a new record).
  signpost::v1::PersonRecord record;
  // nullopt: a new record; its id, and its NHS number if it has one, must
  // be unused. Otherwise the revision the record was read at.
  std::optional<int64_t> expected_revision;
  // New records: the demographic blocking key to index (may be empty).
  std::string demographic_key;
};

struct CandidatePut {
  signpost::v1::DuplicateCandidate record;
  // Deciding a candidate: the stored one must still be PENDING. A new
  // candidate's id must be unused.
  bool deciding = false;
};

struct MergePut {
  signpost::v1::MergeRecord record;
  // Undoing: the stored merge must not be undone yet. A new merge's id
  // must be unused.
  bool undoing = false;
};

struct Change {
  std::optional<ReferralPut> referral;
  std::vector<PersonPut> people;
  // New assessment versions (each (person, version) must be unused); each
  // gets a timeline entry.
  std::vector<signpost::v1::AssessmentVersion> assessments;
  std::vector<CandidatePut> candidates;
  // Also gives both people a timeline entry.
  std::optional<MergePut> merge;
  // Break-glass grants, each replacing the user's earlier one for the
  // person.
  std::vector<signpost::v1::BreakGlassGrant> grants;
  // Notes and MDT meetings for people's timelines (occurred_at, person_id
  // and the entry set; storage numbers them).
  std::vector<signpost::v1::TimelineEntry> journal;
  // Directory records, upserted by id.
  std::vector<signpost::v1::DirectoryServiceRecord> services;
  std::vector<signpost::v1::Team> teams;
  std::vector<signpost::v1::CaseManager> case_managers;
  // The rule set in force from now on.
  std::optional<signpost::v1::RuleActivation> rules;
  // Markers in the meta family ("area/name" -> value).
  std::vector<std::pair<std::string, std::string>> meta;
  // Who made this change and why (ADR 0013): written in the same batch.
  // Storage sets each entry's sequence and indexes its subjects for the
  // subject access report. A replayed referral writes nothing, so its
  // entries are not written either.
  std::vector<signpost::v1::AuditEntry> audit;
};

struct Applied {
  // The new referral's idempotency key was already used: nothing was
  // written, and `referral` is the stored referral it names.
  bool replayed = false;
  // The referral as stored (or as found, on replay).
  signpost::v1::Referral referral;
  // The referral's events with their sequences.
  std::vector<signpost::v1::ReferralEvent> events;
  // People as stored (with their new revisions), in Change order.
  std::vector<signpost::v1::PersonRecord> people;
  // Every timeline journal entry written, with its sequence: the change's
  // notes and meetings, then assessment and merge entries.
  std::vector<signpost::v1::TimelineEntry> journal;
  // The audit entries written, with their sequences.
  std::vector<signpost::v1::AuditEntry> audit;
};

// True when `status` is a failed precondition of Store::Apply: something
// the change was decided on has changed since it was read. Read again,
// decide again, retry.
bool IsConflict(const absl::Status& status);

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_CHANGE_H_
