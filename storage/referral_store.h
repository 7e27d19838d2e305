// ReferralStore: durable storage of referrals, their indexes, idempotency
// records and the referral event log.
//
// Every mutating call is one RocksDB WriteBatch written with sync=true: the
// record, its index entries, its idempotency record (on create) and its
// event land together or not at all, and the call returns only after the
// batch is on disk. If the write fails the call returns an error and
// nothing is acknowledged. Callers never see RocksDB types.
//
//   StoreOptions options{.data_dir = "/var/lib/signpost"};
//   absl::StatusOr<std::unique_ptr<ReferralStore>> store =
//       ReferralStore::Open(options);
//
// Error contract (absl::StatusCode):
//   NOT_FOUND            unknown referral id or reference
//   FAILED_PRECONDITION  schema version mismatch on Open; mutation refused
//   UNAVAILABLE          I/O failure (the write did not happen)
//   DATA_LOSS            a stored value failed to parse (corruption)
//   INTERNAL             anything else from RocksDB
//
// Thread-safe. Read-modify-write operations are serialised per key.
#ifndef SIGNPOST_STORAGE_REFERRAL_STORE_H_
#define SIGNPOST_STORAGE_REFERRAL_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "signpost/v1/person.pb.h"
#include "signpost/v1/referral.pb.h"
#include "storage/database.h"
#include "storage/person_store.h"

namespace signpost::storage {

// What CreateReferral's person step returns: the person to store and the
// assessment it should now read. The store assigns ids and numbers.
struct PersonUpdate {
  signpost::v1::PersonRecord person;
  signpost::v1::HolisticAssessment assessment;
  signpost::v1::StaffRef author;
};

// How a new referral joins a person.
struct PersonLink {
  // When non-empty, the referral joins the person holding this NHS number
  // (following merges), or a new person is created for it. Concurrent
  // creates for one NHS number are serialised: exactly one person results.
  std::string nhs_number;
  // The id for a new person.
  std::string new_person_id;
  // Demographic blocking key indexed for a new person (may be empty).
  std::string demographic_key;
  // Possible duplicates to record if a new person is created (the store
  // sets person_id, state PENDING and created_at).
  std::vector<signpost::v1::DuplicateCandidate> candidates;
  // Called under the person's lock with the stored person and its latest
  // assessment (both null for a new person) and the referral as it will be
  // stored. Unset: the referral is not linked to a person.
  std::function<absl::StatusOr<PersonUpdate>(const signpost::v1::PersonRecord* person,
                                             const signpost::v1::AssessmentVersion* latest,
                                             const signpost::v1::Referral& referral)>
      update;
};

// Result of CreateReferral.
struct CreateOutcome {
  // True if this call stored the referral; false if the idempotency key
  // already existed, in which case `referral` is the earlier one and the
  // fields below are empty.
  bool created = false;
  signpost::v1::Referral referral;
  // The person's latest assessment before this referral, if any.
  std::optional<signpost::v1::AssessmentVersion> earlier;
  // The version this referral wrote.
  signpost::v1::AssessmentVersion assessment;
  // Possible duplicates recorded (new person only).
  std::vector<signpost::v1::DuplicateCandidate> candidates;
};

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

// A filter for reading the event log.
struct EventFilter {
  std::string referral_id;        // empty = all
  std::string referrer_ods_code;  // empty = all
};

// Applies a change to a referral in place and returns its events (at least
// one, in order), or an error to abort the update without writing
// anything.
using Mutation = std::function<absl::StatusOr<std::vector<signpost::v1::ReferralEvent>>(
    signpost::v1::Referral&)>;

class ReferralStore {
 public:
  // Opens (creating if needed) the store in options.data_dir.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<ReferralStore>> Open(
      const StoreOptions& options);

  virtual ~ReferralStore() = default;

  // The database this store lives in (shared with the directory store).
  virtual std::shared_ptr<Database> database() const = 0;

  // Stores a new referral with its first events (for example "received"
  // then "triaged"), keyed for idempotency by (`idempotency_scope`,
  // referral.request_id()). If that key exists, nothing is written and the
  // earlier referral is returned with created=false. `new_reference` is
  // called until it yields a reference not yet in use (at most 16 times;
  // then INTERNAL). Event sequences, the events' reference and the
  // referral's reference/last_event_sequence are assigned here.
  // The referral joins its person (`link`): the person record, the next
  // assessment version, any possible duplicates, the person's timeline
  // entries and every index go in the same synced batch.
  // With link.update unset no person is linked (storage tests and
  // benchmarks only; the intake handler always links).
  // INVALID_ARGUMENT if `events` is empty.
  [[nodiscard]] virtual absl::StatusOr<CreateOutcome> CreateReferral(
      signpost::v1::Referral referral, std::vector<signpost::v1::ReferralEvent> events,
      std::string_view idempotency_scope, absl::FunctionRef<std::string()> new_reference,
      const PersonLink& link) = 0;

  // Reads a referral. NOT_FOUND if unknown.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::Referral> GetReferral(
      std::string_view referral_id) const = 0;

  // Maps a canonical human reference ("K7QM-4XD2") to its referral id.
  [[nodiscard]] virtual absl::StatusOr<std::string> ResolveReference(
      std::string_view reference) const = 0;

  // Read-modify-write of one referral under its key lock: reads it, applies
  // `mutate` (which may refuse with any status), then writes the record,
  // every moved index entry, the returned events and the person's timeline
  // entries in one synced batch. Returns the stored referral.
  [[nodiscard]] virtual absl::StatusOr<signpost::v1::Referral> UpdateReferral(
      std::string_view referral_id, const Mutation& mutate) = 0;

  // Filtered, paged listing.
  [[nodiscard]] virtual absl::StatusOr<ReferralPage> ListReferrals(
      const ReferralQuery& query) const = 0;

  // Up to `max` events with sequence > `after` and <= VisibleSequence(),
  // matching `filter`, in order. `*scanned_to` is set to the last sequence
  // examined (so a filtered reader can advance past non-matching events).
  [[nodiscard]] virtual absl::StatusOr<std::vector<signpost::v1::ReferralEvent>> ReadEvents(
      uint64_t after, size_t max, const EventFilter& filter, uint64_t* scanned_to) const = 0;

  // A page of a case index (caseload, team queue, partner list, clocks).
  [[nodiscard]] virtual absl::StatusOr<IndexedPage> ListIndexed(const IndexQuery& query) const = 0;

  // People and assessments, in the same database.
  virtual PersonStore& people() = 0;

  // Highest event sequence a reader may rely on (see SequenceTracker).
  virtual uint64_t VisibleSequence() const = 0;

  // Registers a callback run after each write that advances the visible
  // sequence, with the new value. Called on the writer's thread; must be
  // fast and must not call back into the store's mutators.
  virtual void SetEventListener(std::function<void(uint64_t)> listener) = 0;

  // Writes a consistent, openable copy of the store to `dir` (which must
  // not exist) using hard links where possible.
  [[nodiscard]] virtual absl::Status Checkpoint(const std::string& dir) const = 0;
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_REFERRAL_STORE_H_
