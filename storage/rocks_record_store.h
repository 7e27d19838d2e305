// Internal to storage/: the RocksDB implementation of ReferralStore and
// PersonStore. Referral operations are in rocksdb_referral_store.cc, person
// operations in rocksdb_person_store.cc. See referral_store.h,
// person_store.h and key_codec.h for contracts and layout.
//
// Lock order (each a separate LockManager, always taken in this order, at
// most one stripe of each, except PairGuard which takes two person stripes
// in address order): idempotency -> reference -> NHS number -> person;
// referral locks are never held together with person locks.
#ifndef SIGNPOST_STORAGE_ROCKS_RECORD_STORE_H_
#define SIGNPOST_STORAGE_ROCKS_RECORD_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/strings.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "storage/column_families.h"
#include "storage/lock_manager.h"
#include "storage/person_store.h"
#include "storage/referral_store.h"
#include "storage/rocks_engine.h"
#include "storage/rocks_status.h"
#include "storage/sequence_tracker.h"

namespace signpost::storage {

template <typename Message>
absl::StatusOr<Message> ParseStored(std::string_view bytes, std::string_view what) {
  Message m;
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("stored ", Sv(what), " does not parse"));
  }
  return m;
}

// A WriteBatch that remembers the first error.
class Batch {
 public:
  explicit Batch(const Database::Impl& impl) : impl_(impl) {}
  void Put(ColumnFamily family, const std::string& key, const std::string& value) {
    if (status_.ok()) status_ = FromRocks(batch_.Put(impl_.cf(family), key, value), "batching put");
  }
  void Put(ColumnFamily family, const std::string& key,
           const google::protobuf::MessageLite& message) {
    Put(family, key, message.SerializeAsString());
  }
  void Delete(ColumnFamily family, const std::string& key) {
    if (status_.ok()) status_ = FromRocks(batch_.Delete(impl_.cf(family), key), "batching delete");
  }
  // One synced write (StoreOptions::sync_writes).
  [[nodiscard]] absl::Status Commit(std::string_view what) {
    if (!status_.ok()) return status_;
    return FromRocks(impl_.db->Write(impl_.write, &batch_), absl::StrCat("writing ", Sv(what)));
  }

 private:
  const Database::Impl& impl_;
  rocksdb::WriteBatch batch_;
  absl::Status status_;
};

// Holds the stripes of two keys of one LockManager, in address order.
class PairGuard {
 public:
  PairGuard(LockManager& locks, std::string_view a, std::string_view b);
  ~PairGuard();
  PairGuard(const PairGuard&) = delete;
  PairGuard& operator=(const PairGuard&) = delete;

 private:
  absl::Mutex* first_;
  absl::Mutex* second_;  // null when both keys share a stripe
};

class RocksRecordStore final : public ReferralStore, public PersonStore {
 public:
  RocksRecordStore(const StoreOptions& options, std::shared_ptr<Database> database,
                   uint64_t last_seq);

  // ReferralStore (rocksdb_referral_store.cc)
  std::shared_ptr<Database> database() const override { return database_; }
  absl::StatusOr<CreateOutcome> CreateReferral(signpost::v1::Referral referral,
                                               std::vector<signpost::v1::ReferralEvent> events,
                                               std::string_view idempotency_scope,
                                               absl::FunctionRef<std::string()> new_reference,
                                               const PersonLink& link) override;
  absl::StatusOr<signpost::v1::Referral> GetReferral(std::string_view referral_id) const override;
  absl::StatusOr<std::string> ResolveReference(std::string_view reference) const override;
  absl::StatusOr<signpost::v1::Referral> UpdateReferral(std::string_view referral_id,
                                                        const Mutation& mutate) override;
  absl::StatusOr<ReferralPage> ListReferrals(const ReferralQuery& query) const override;
  absl::StatusOr<IndexedPage> ListIndexed(const IndexQuery& query) const override;
  absl::StatusOr<std::vector<signpost::v1::ReferralEvent>> ReadEvents(
      uint64_t after, size_t max, const EventFilter& filter, uint64_t* scanned_to) const override;
  uint64_t VisibleSequence() const override { return sequence_.Visible(); }
  void SetEventListener(std::function<void(uint64_t)> listener) override;
  absl::Status Checkpoint(const std::string& dir) const override;
  PersonStore& people() override { return *this; }

  // PersonStore (rocksdb_person_store.cc)
  absl::StatusOr<signpost::v1::PersonRecord> GetPerson(std::string_view person_id) const override;
  absl::StatusOr<signpost::v1::PersonRecord> FindSurvivor(
      std::string_view person_id) const override;
  absl::StatusOr<signpost::v1::PersonRecord> FindByNhsNumber(
      std::string_view nhs_number) const override;
  absl::StatusOr<std::vector<signpost::v1::PersonRecord>> FindByDemographicKey(
      std::string_view key, size_t max) const override;
  absl::StatusOr<std::vector<std::string>> ReferralIds(std::string_view person_id) const override;
  absl::StatusOr<signpost::v1::AssessmentVersion> GetAssessment(std::string_view person_id,
                                                                int64_t version) const override;
  absl::StatusOr<std::vector<signpost::v1::AssessmentVersion>> ListAssessments(
      std::string_view person_id) const override;
  absl::StatusOr<signpost::v1::AssessmentVersion> UpdateAssessment(
      std::string_view person_id, int64_t expected_version,
      const signpost::v1::HolisticAssessment& assessment, const signpost::v1::StaffRef& author,
      absl::Time now) override;
  absl::StatusOr<signpost::v1::DuplicateCandidate> GetCandidate(
      std::string_view candidate_id) const override;
  absl::StatusOr<CandidatePage> ListPendingCandidates(std::string_view after_id,
                                                      int limit) const override;
  absl::StatusOr<MergeOutcome> ResolveCandidate(std::string_view candidate_id, bool confirm,
                                                const signpost::v1::StaffRef& by,
                                                std::string_view reason, std::string_view merge_id,
                                                absl::Time now, const MergePlanner& plan) override;
  absl::StatusOr<signpost::v1::MergeRecord> Unmerge(std::string_view merge_id,
                                                    const signpost::v1::StaffRef& by,
                                                    std::string_view reason, absl::Time now,
                                                    const UnmergePlanner& plan) override;
  absl::StatusOr<signpost::v1::MergeRecord> GetMerge(std::string_view merge_id) const override;
  absl::StatusOr<signpost::v1::TimelineEntry> AppendTimeline(
      std::string_view person_id, signpost::v1::TimelineEntry entry) override;
  absl::StatusOr<std::vector<signpost::v1::TimelineEntry>> ReadTimeline(
      const std::vector<std::string>& person_ids, uint64_t after, size_t limit) const override;

 private:
  rocksdb::ColumnFamilyHandle* cf(ColumnFamily family) const {
    return database_->impl().cf(family);
  }
  // Reads and parses one value. NOT_FOUND (naming `what`) if absent.
  template <typename Message>
  absl::StatusOr<Message> Read(ColumnFamily family, const std::string& key, std::string_view what,
                               const rocksdb::ReadOptions& read = rocksdb::ReadOptions()) const {
    std::string value;
    rocksdb::Status s = db_->Get(read, cf(family), key, &value);
    if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("no ", Sv(what)));
    if (absl::Status st = FromRocks(s, absl::StrCat("reading ", Sv(what))); !st.ok()) return st;
    return ParseStored<Message>(value, what);
  }
  absl::StatusOr<signpost::v1::Referral> GetReferralAt(const rocksdb::ReadOptions& read,
                                                       std::string_view referral_id) const;
  // Adds a referral event to its person's timeline in `batch`.
  static void AddToTimeline(Batch& batch, const std::string& person_id,
                            const signpost::v1::ReferralEvent& event);
  // Puts `entry` (sequence and person already set) in `batch`.
  static void PutTimeline(Batch& batch, const signpost::v1::TimelineEntry& entry);
  // A timeline entry for an assessment version, with a new sequence.
  signpost::v1::TimelineEntry AssessmentEntry(const signpost::v1::AssessmentVersion& v);
  // A merge or unmerge: both people, the survivor's next assessment
  // version, the merge record, a timeline entry on each record and the
  // assessment entry; every sequence allocated goes to `seqs`.
  void PutMergeChange(Batch& batch, const signpost::v1::PersonRecord& surviving,
                      const signpost::v1::PersonRecord& merged,
                      const signpost::v1::AssessmentVersion& next,
                      const signpost::v1::MergeRecord& merge, absl::Time now,
                      std::vector<uint64_t>& seqs);
  // Latest assessment of `person`, or nullopt if it has none.
  absl::StatusOr<std::optional<signpost::v1::AssessmentVersion>> LatestAssessment(
      const signpost::v1::PersonRecord& person) const;
  // CreateReferral's person step: takes the NHS-number and person locks
  // (held by the caller's guards until the batch is written), links the
  // referral and adds the person, assessment, candidates and timeline to
  // `batch`. `seqs` receives every sequence allocated.
  absl::Status LinkPerson(Batch& batch, signpost::v1::Referral& referral,
                          const std::vector<signpost::v1::ReferralEvent>& events,
                          const PersonLink& link, CreateOutcome& outcome,
                          std::vector<uint64_t>& seqs, std::optional<LockManager::Guard>& nhs_guard,
                          std::optional<LockManager::Guard>& person_guard);
  // Marks `seq` complete and tells the listener if visibility advanced.
  void Publish(uint64_t seq);

  std::shared_ptr<Database> database_;
  rocksdb::DB* db_;  // owned by database_
  LockManager idempotency_locks_;
  LockManager reference_locks_;
  LockManager nhs_locks_;
  LockManager person_locks_;
  LockManager referral_locks_;
  LockManager candidate_locks_;
  SequenceTracker sequence_;
  mutable absl::Mutex listener_mu_;
  std::function<void(uint64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_ROCKS_RECORD_STORE_H_
