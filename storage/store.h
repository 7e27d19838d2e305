// Store: Signpost's records on one Database - referrals, people and their
// assessments, timelines, duplicates and merges, the directory, the rule
// set in force - with one way to change them (Apply) and typed reads.
//
//   absl::StatusOr<std::unique_ptr<Store>> store = Store::Open({.data_dir = dir});
//   absl::StatusOr<Applied> a = (*store)->Apply(std::move(change));   // change.h
//   absl::StatusOr<Referral> r = (*store)->GetReferral(id);
//
// Apply is the only writer: each call is one synced WriteBatch holding the
// records, every index entry derived from them, their events and timeline
// entries (storage/referral_indexes.h says which index entries a referral
// has). It returns only after the batch is on disk; on any error nothing
// was written.
//
// Error contract (absl::StatusCode):
//   NOT_FOUND            unknown id or reference
//   ABORTED              a precondition of Apply failed (IsConflict)
//   INVALID_ARGUMENT     a malformed Change (a programming error above)
//   UNAVAILABLE          I/O failure (the write did not happen)
//   DATA_LOSS            a stored value failed to parse (corruption)
//   FAILED_PRECONDITION  schema newer than this build (Open)
// Thread-safe. Apply holds the locks of the keys it checks only around its
// own check and write.
#ifndef SIGNPOST_STORAGE_STORE_H_
#define SIGNPOST_STORAGE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "signpost/v1/audit.pb.h"
#include "signpost/v1/directory.pb.h"
#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral.pb.h"
#include "signpost/v1/triage.pb.h"
#include "storage/change.h"
#include "storage/database.h"
#include "storage/event_log.h"

namespace signpost::storage {

// The case indexes ListIndexed can read (see referral_indexes.h).
enum class CaseIndex {
  kCaseload,      // key: case manager id; oldest received first
  kTeamQueue,     // key: team id; earliest response-by first
  kPartner,       // key: organisation id; oldest received first
  kClockRunning,  // key ignored; earliest response-by first
  kClockBreached  // key ignored; earliest response-by first
};

struct IndexQuery {
  CaseIndex index = CaseIndex::kCaseload;
  std::string key;
  // Opaque resume token from a previous page (empty: from the start).
  std::string resume_after;
  int limit = 50;  // 1..1000
  // Clock indexes only: stop at response-by times after this.
  std::optional<absl::Time> due_before;
};

struct IndexedPage {
  std::vector<signpost::v1::Referral> referrals;
  std::string resume_after;  // empty: no more
};

// A filtered, paged scan. Results are in referral-id order, which is
// received-time order.
struct ReferralQuery {
  std::vector<signpost::v1::ReferralStatus> statuses;  // any of; empty = all
  signpost::v1::SourceChannel channel = signpost::v1::SOURCE_CHANNEL_UNSPECIFIED;
  std::string referrer_ods_code;  // empty = all
  std::optional<absl::Time> received_at_or_after;
  std::optional<absl::Time> received_before;
  std::string start_after_id;  // exclusive; empty = from the start
  int limit = 50;              // 1..1000
  // Most index entries examined in one call; a page can end early (with
  // `resume_after_id` set) when filters are sparse.
  int max_scan = 10000;
};

struct ReferralPage {
  std::vector<signpost::v1::Referral> referrals;
  // Non-empty when more may follow: pass as the next start_after_id.
  std::string resume_after_id;
};

struct CandidatePage {
  std::vector<signpost::v1::DuplicateCandidate> candidates;
  std::string resume_after_id;  // empty: no more
};

// How Store::AppendAudit writes.
enum class AuditDurability {
  // Synced before returning: a read's entry, before the data goes out.
  kSynced,
  // Written to the log, synced by the next synced write: refusals, which
  // disclose nothing and must not let a flood of them cost an fsync each.
  kBuffered,
};

struct AuditPage {
  std::vector<signpost::v1::AuditEntry> entries;
  uint64_t next_after = 0;  // 0: no more
};

class Store {
 public:
  struct Impl;

  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  // ---- The one writer (change.h) ----
  [[nodiscard]] absl::StatusOr<Applied> Apply(Change change);

  // ---- Referrals ----
  // NOT_FOUND if unknown.
  [[nodiscard]] absl::StatusOr<signpost::v1::Referral> GetReferral(
      std::string_view referral_id) const;
  // A canonical human reference ("K7QM-4XD2") to its referral id.
  [[nodiscard]] absl::StatusOr<std::string> ResolveReference(std::string_view reference) const;
  // The referral stored under an idempotency key, if any.
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> FindIdempotent(
      std::string_view scope, std::string_view request_id) const;
  [[nodiscard]] absl::StatusOr<ReferralPage> ListReferrals(const ReferralQuery& query) const;
  // A page of a case index (caseload, team queue, partner list, clocks).
  [[nodiscard]] absl::StatusOr<IndexedPage> ListIndexed(const IndexQuery& query) const;
  // Open referrals per case manager, from the caseload index.
  [[nodiscard]] absl::StatusOr<std::map<std::string, int>> CaseloadCounts() const;

  // ---- People ----
  // NOT_FOUND if unknown. Returns the record itself even when MERGED.
  [[nodiscard]] absl::StatusOr<signpost::v1::PersonRecord> GetPerson(
      std::string_view person_id) const;
  // The record `person_id` finally resolves to, following merges.
  // DATA_LOSS if the chain is longer than 16.
  [[nodiscard]] absl::StatusOr<signpost::v1::PersonRecord> FindSurvivor(
      std::string_view person_id) const;
  // The record holding this NHS number (possibly MERGED). NOT_FOUND if none.
  [[nodiscard]] absl::StatusOr<signpost::v1::PersonRecord> FindByNhsNumber(
      std::string_view nhs_number) const;
  // Records indexed under a demographic blocking key, at most `max`.
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::PersonRecord>> FindByDemographicKey(
      std::string_view key, size_t max) const;
  // Ids of the person's own referrals, oldest first.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> ReferralIds(
      std::string_view person_id) const;
  // A version (0 = the latest). NOT_FOUND if the person or version is unknown.
  [[nodiscard]] absl::StatusOr<signpost::v1::AssessmentVersion> GetAssessment(
      std::string_view person_id, int64_t version) const;
  // The latest version, or nullopt if the person has none.
  [[nodiscard]] absl::StatusOr<std::optional<signpost::v1::AssessmentVersion>> LatestAssessment(
      const signpost::v1::PersonRecord& person) const;
  // Every version, oldest first.
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::AssessmentVersion>> ListAssessments(
      std::string_view person_id) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::DuplicateCandidate> GetCandidate(
      std::string_view candidate_id) const;
  // Pending candidates, oldest first.
  [[nodiscard]] absl::StatusOr<CandidatePage> ListPendingCandidates(std::string_view after_id,
                                                                    int limit) const;
  [[nodiscard]] absl::StatusOr<signpost::v1::MergeRecord> GetMerge(std::string_view merge_id) const;
  // The user's latest break-glass grant for the person (expired or not).
  [[nodiscard]] absl::StatusOr<std::optional<signpost::v1::BreakGlassGrant>> GetBreakGlass(
      std::string_view user_id, std::string_view person_id) const;
  // Timeline entries of all `person_ids` with sequence > after, in
  // sequence order, at most `limit`. Referral events are read from the
  // event log, the rest from the journal.
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::TimelineEntry>> ReadTimeline(
      const std::vector<std::string>& person_ids, uint64_t after, size_t limit) const;

  // ---- Events ----
  EventLog& events();
  const EventLog& events() const;

  // ---- Directory ----
  [[nodiscard]] absl::StatusOr<signpost::v1::DirectoryServiceRecord> GetService(
      std::string_view id) const;
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::DirectoryServiceRecord>> ListServices()
      const;
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::Team>> ListTeams() const;
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::CaseManager>> ListCaseManagers() const;

  // ---- Configuration ----
  // The rule set in force, if one was ever activated.
  [[nodiscard]] absl::StatusOr<std::optional<signpost::v1::RuleActivation>> ActiveRules() const;
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) const;

  // ---- The audit trail (ADR 0013) ----
  // Entries not tied to a change (reads, refusals), numbered and indexed
  // like Change::audit. Returns them with their sequences.
  [[nodiscard]] absl::StatusOr<std::vector<signpost::v1::AuditEntry>> AppendAudit(
      std::vector<signpost::v1::AuditEntry> entries, AuditDurability durability);
  // Chains every committed entry not sealed yet, in sequence order, and
  // returns the new head. One sealer runs at a time; entries still being
  // written (and numbers below them) wait for the next seal.
  [[nodiscard]] absl::StatusOr<signpost::v1::AuditSeal> SealAudit();
  // Re-derives the chain from the stored entries: every sealed entry must
  // be present, unchanged and in place, nothing may be inserted among
  // them, the head must match, and `anchor` (a seal seen earlier) must
  // still be on the chain.
  [[nodiscard]] absl::StatusOr<signpost::v1::VerifyAuditTrailResponse> VerifyAudit(
      const std::optional<signpost::v1::AuditSeal>& anchor) const;
  // Entries with sequence > after, in order, at most `limit`.
  [[nodiscard]] absl::StatusOr<AuditPage> ListAudit(uint64_t after, int limit) const;
  // Entries naming any of `person_ids` or `nhs_number` (may be empty).
  [[nodiscard]] absl::StatusOr<AuditPage> ListAuditFor(const std::vector<std::string>& person_ids,
                                                       std::string_view nhs_number, uint64_t after,
                                                       int limit) const;

  // ---- Operations ----
  [[nodiscard]] absl::Status Checkpoint(const std::string& dir) const;
  [[nodiscard]] absl::StatusOr<std::vector<DumpEntry>> Dump() const;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_STORE_H_
