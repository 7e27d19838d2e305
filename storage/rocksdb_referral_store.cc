// RocksDB implementation of ReferralStore: referral operations. See
// referral_store.h for the contract, key_codec.h for the layout and
// rocks_record_store.h for the lock order.
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "proto/signpost/proto_time.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "storage/column_families.h"
#include "storage/crash_simulator.h"
#include "storage/key_codec.h"
#include "storage/lock_manager.h"
#include "storage/referral_indexes.h"
#include "storage/referral_store.h"
#include "storage/rocks_engine.h"
#include "storage/rocks_record_store.h"
#include "storage/rocks_status.h"
#include "storage/sequence_tracker.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

// One ordered source of referral ids for ListReferrals: an index prefix, or
// the referrals column family itself (empty prefix).
struct IdStream {
  std::string prefix;
  std::string lower;
  std::string upper;
  rocksdb::Slice upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
  bool primary = false;  // iterating the referrals CF: value is the record
};

std::string IdOf(const IdStream& stream) {
  const std::string_view key = stream.it->key().ToStringView();
  if (stream.primary) return std::string(key);
  return std::string(key.substr(stream.prefix.size()));
}

void SkipStartKey(IdStream& stream, const std::string& start_after_id) {
  if (!start_after_id.empty() && stream.it->Valid() && IdOf(stream) == start_after_id) {
    stream.it->Next();
  }
}

bool Matches(const v1::Referral& r, const ReferralQuery& q) {
  if (!q.statuses.empty() &&
      std::find(q.statuses.begin(), q.statuses.end(), r.status()) == q.statuses.end()) {
    return false;
  }
  if (q.channel != v1::SOURCE_CHANNEL_UNSPECIFIED && r.submission().channel() != q.channel) {
    return false;
  }
  if (!q.referrer_ods_code.empty() && r.submission().referrer().ods_code() != q.referrer_ods_code) {
    return false;
  }
  const absl::Time received = FromProtoTime(r.received_at());
  if (q.received_at_or_after && received < *q.received_at_or_after) return false;
  if (q.received_before && received >= *q.received_before) return false;
  return true;
}

// Adds the puts and deletes that move `before`'s index entries to
// `after`'s.
void MoveIndexes(Batch& batch, const IndexEntries& before, const IndexEntries& after) {
  for (const auto& [key, value] : before) {
    if (!after.contains(key)) batch.Delete(ColumnFamily::kIndexes, key);
  }
  for (const auto& [key, value] : after) {
    auto it = before.find(key);
    if (it == before.end() || it->second != value) batch.Put(ColumnFamily::kIndexes, key, value);
  }
}

std::string IndexPrefix(const IndexQuery& q) {
  switch (q.index) {
    case CaseIndex::kCaseload:
      return keys::CaseloadPrefix(q.key);
    case CaseIndex::kTeamQueue:
      return keys::TeamQueuePrefix(q.key);
    case CaseIndex::kPartner:
      return keys::PartnerPrefix(q.key);
    case CaseIndex::kClockRunning:
      return keys::ClockPrefix(false);
    case CaseIndex::kClockBreached:
      return keys::ClockPrefix(true);
  }
  return "";
}

}  // namespace

PairGuard::PairGuard(LockManager& locks, std::string_view a, std::string_view b) {
  absl::Mutex* x = locks.Stripe(a);
  absl::Mutex* y = locks.Stripe(b);
  if (x == y) y = nullptr;
  if (y != nullptr && y < x) std::swap(x, y);
  first_ = x;
  second_ = y;
  first_->Lock();
  if (second_ != nullptr) second_->Lock();
}

PairGuard::~PairGuard() {
  if (second_ != nullptr) second_->Unlock();
  first_->Unlock();
}

RocksRecordStore::RocksRecordStore(const StoreOptions& options, std::shared_ptr<Database> database,
                                   uint64_t last_seq)
    : database_(std::move(database)),
      db_(database_->impl().db.get()),
      idempotency_locks_(options.lock_stripes),
      reference_locks_(options.lock_stripes),
      nhs_locks_(options.lock_stripes),
      person_locks_(options.lock_stripes),
      referral_locks_(options.lock_stripes),
      candidate_locks_(options.lock_stripes),
      sequence_(last_seq) {}

absl::StatusOr<CreateOutcome> RocksRecordStore::CreateReferral(
    v1::Referral referral, std::vector<v1::ReferralEvent> events,
    std::string_view idempotency_scope, absl::FunctionRef<std::string()> new_reference,
    const PersonLink& link) {
  if (events.empty()) return absl::InvalidArgumentError("a new referral needs an event");
  const std::string idem_key = keys::Idempotency(idempotency_scope, referral.request_id());
  LockManager::Guard idem_guard = idempotency_locks_.Lock(idem_key);

  std::string existing_id;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf(ColumnFamily::kIdempotency), idem_key, &existing_id);
  if (s.ok()) {
    SP_ASSIGN_OR_RETURN(v1::Referral earlier, GetReferral(existing_id));
    return CreateOutcome{.created = false, .referral = std::move(earlier)};
  }
  if (!s.IsNotFound()) return FromRocks(s, "reading idempotency record");

  // Find an unused human reference, holding its lock until written.
  std::optional<LockManager::Guard> ref_guard;
  std::string reference;
  for (int attempt = 0;; ++attempt) {
    if (attempt == 16) return absl::InternalError("could not find a free reference");
    reference = new_reference();
    ref_guard.reset();
    ref_guard.emplace(reference_locks_.Stripe(reference));
    std::string ignored;
    s = db_->Get(rocksdb::ReadOptions(), cf(ColumnFamily::kIndexes),
                 keys::ReferenceIndex(reference), &ignored);
    if (s.IsNotFound()) break;
    if (!s.ok()) return FromRocks(s, "checking reference");
  }

  std::vector<uint64_t> seqs;
  for (auto& event : events) {
    seqs.push_back(sequence_.Allocate());
    event.set_sequence(seqs.back());
    event.set_reference(reference);
  }
  referral.set_reference(reference);
  referral.set_last_event_sequence(seqs.back());

  Batch batch(database_->impl());
  CreateOutcome outcome{.created = true};
  std::optional<LockManager::Guard> nhs_guard;
  std::optional<LockManager::Guard> person_guard;
  absl::Status st = absl::OkStatus();
  if (link.update) {
    st = LinkPerson(batch, referral, events, link, outcome, seqs, nhs_guard, person_guard);
  }
  if (st.ok()) {
    const std::string& id = referral.referral_id();
    batch.Put(ColumnFamily::kReferrals, keys::Referral(id), referral);
    MoveIndexes(batch, {}, IndexEntriesFor(referral));
    batch.Put(ColumnFamily::kIdempotency, idem_key, id);
    for (const auto& event : events) {
      batch.Put(ColumnFamily::kEvents, keys::Event(event.sequence()), event);
    }
    st = batch.Commit("referral");
  }
  for (uint64_t seq : seqs) Publish(seq);
  SP_RETURN_IF_ERROR(st);
  outcome.referral = std::move(referral);
  return outcome;
}

absl::Status RocksRecordStore::LinkPerson(Batch& batch, v1::Referral& referral,
                                          const std::vector<v1::ReferralEvent>& events,
                                          const PersonLink& link, CreateOutcome& outcome,
                                          std::vector<uint64_t>& seqs,
                                          std::optional<LockManager::Guard>& nhs_guard,
                                          std::optional<LockManager::Guard>& person_guard) {
  // Find (or decide to create) the person. The NHS-number lock makes
  // find-or-create atomic for one number; the person lock serialises the
  // read-modify-write of the person and its assessment.
  std::optional<v1::PersonRecord> person;
  if (!link.nhs_number.empty()) {
    nhs_guard.emplace(nhs_locks_.Stripe(link.nhs_number));
    for (int attempt = 0; attempt < 8 && !person_guard; ++attempt) {
      absl::StatusOr<v1::PersonRecord> found = FindByNhsNumber(link.nhs_number);
      if (absl::IsNotFound(found.status())) break;
      SP_RETURN_IF_ERROR(found.status());
      SP_ASSIGN_OR_RETURN(v1::PersonRecord survivor, FindSurvivor(found->person_id()));
      person_guard.emplace(person_locks_.Stripe(survivor.person_id()));
      // Re-read under the lock: a merge may have moved it meanwhile.
      SP_ASSIGN_OR_RETURN(survivor, GetPerson(survivor.person_id()));
      if (survivor.state() != v1::PERSON_STATE_ACTIVE) {
        person_guard.reset();
        continue;
      }
      person = std::move(survivor);
    }
    if (!person && person_guard) return absl::AbortedError("person record kept moving; retry");
  }
  const bool is_new = !person.has_value();
  if (is_new) {
    if (link.new_person_id.empty()) return absl::InvalidArgumentError("new_person_id is required");
    person_guard.emplace(person_locks_.Stripe(link.new_person_id));
  }
  const std::string person_id = is_new ? link.new_person_id : person->person_id();
  referral.set_person_id(person_id);

  std::optional<v1::AssessmentVersion> latest;
  if (!is_new) {
    SP_ASSIGN_OR_RETURN(latest, LatestAssessment(*person));
  }
  SP_ASSIGN_OR_RETURN(PersonUpdate update, link.update(is_new ? nullptr : &*person,
                                                       latest ? &*latest : nullptr, referral));

  // The store owns identity, state and numbering.
  v1::PersonRecord stored = std::move(update.person);
  stored.set_person_id(person_id);
  if (is_new) {
    stored.set_state(v1::PERSON_STATE_ACTIVE);
    stored.clear_merged_into_person_id();
    stored.clear_merged_person_ids();
    *stored.mutable_created_at() = referral.received_at();
    if (!link.nhs_number.empty()) stored.set_nhs_number(link.nhs_number);
  } else {
    stored.set_state(person->state());
    *stored.mutable_merged_person_ids() = person->merged_person_ids();
    *stored.mutable_created_at() = person->created_at();
    if (person->has_nhs_number()) stored.set_nhs_number(person->nhs_number());
  }
  *stored.mutable_updated_at() = referral.received_at();
  const int64_t version = (is_new ? 0 : person->assessment_version()) + 1;
  stored.set_assessment_version(version);

  v1::AssessmentVersion next;
  next.set_person_id(person_id);
  next.set_version(version);
  *next.mutable_assessment() = std::move(update.assessment);
  *next.mutable_author() = std::move(update.author);
  *next.mutable_recorded_at() = referral.received_at();
  next.set_reason("referral");
  next.set_referral_id(referral.referral_id());

  batch.Put(ColumnFamily::kPeople, keys::Person(person_id), stored);
  batch.Put(ColumnFamily::kPeople, keys::Assessment(person_id, version), next);
  if (is_new && stored.has_nhs_number()) {
    batch.Put(ColumnFamily::kIndexes, keys::NhsNumberIndex(stored.nhs_number()), person_id);
  }
  if (is_new && !link.demographic_key.empty()) {
    batch.Put(ColumnFamily::kIndexes, keys::DemographicPrefix(link.demographic_key) + person_id,
              "");
  }
  if (is_new) {
    for (v1::DuplicateCandidate candidate : link.candidates) {
      candidate.set_person_id(person_id);
      candidate.set_state(v1::DuplicateCandidate::STATE_PENDING);
      *candidate.mutable_created_at() = referral.received_at();
      batch.Put(ColumnFamily::kPeople, keys::Candidate(candidate.candidate_id()), candidate);
      batch.Put(ColumnFamily::kIndexes, keys::PendingCandidateIndex(candidate.candidate_id()), "");
      outcome.candidates.push_back(std::move(candidate));
    }
  }
  for (const auto& event : events) AddToTimeline(batch, person_id, event);
  v1::TimelineEntry entry = AssessmentEntry(next);
  seqs.push_back(entry.sequence());
  PutTimeline(batch, entry);

  outcome.earlier = std::move(latest);
  outcome.assessment = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<v1::Referral> RocksRecordStore::GetReferral(std::string_view referral_id) const {
  return GetReferralAt(rocksdb::ReadOptions(), referral_id);
}

absl::StatusOr<std::string> RocksRecordStore::ResolveReference(std::string_view reference) const {
  std::string id;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(ColumnFamily::kIndexes),
                               keys::ReferenceIndex(reference), &id);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("no referral with reference ", Sv(reference)));
  }
  SP_RETURN_IF_ERROR(FromRocks(s, "reading reference index"));
  return id;
}

absl::StatusOr<v1::Referral> RocksRecordStore::UpdateReferral(std::string_view referral_id,
                                                              const Mutation& mutate) {
  LockManager::Guard guard = referral_locks_.Lock(referral_id);
  SP_ASSIGN_OR_RETURN(const v1::Referral current, GetReferral(referral_id));
  v1::Referral updated = current;
  SP_ASSIGN_OR_RETURN(std::vector<v1::ReferralEvent> events, mutate(updated));
  if (events.empty()) return absl::InternalError("a referral update needs an event");
  if (updated.referral_id() != current.referral_id() ||
      updated.reference() != current.reference() || updated.request_id() != current.request_id() ||
      updated.person_id() != current.person_id()) {
    return absl::InternalError("a mutation may not change a referral's identity");
  }

  std::vector<uint64_t> seqs;
  Batch batch(database_->impl());
  for (auto& event : events) {
    seqs.push_back(sequence_.Allocate());
    event.set_sequence(seqs.back());
    event.set_referral_id(current.referral_id());
    event.set_reference(current.reference());
    event.set_referrer_ods_code(current.submission().referrer().ods_code());
    batch.Put(ColumnFamily::kEvents, keys::Event(event.sequence()), event);
    if (!current.person_id().empty()) AddToTimeline(batch, current.person_id(), event);
  }
  updated.set_last_event_sequence(seqs.back());
  const std::string id(referral_id);
  batch.Put(ColumnFamily::kReferrals, keys::Referral(id), updated);
  MoveIndexes(batch, IndexEntriesFor(current), IndexEntriesFor(updated));
  absl::Status st = batch.Commit("referral update");
  for (uint64_t seq : seqs) Publish(seq);
  SP_RETURN_IF_ERROR(st);
  return updated;
}

absl::StatusOr<IndexedPage> RocksRecordStore::ListIndexed(const IndexQuery& q) const {
  if (q.limit < 1 || q.limit > 1000) {
    return absl::InvalidArgumentError("limit must be between 1 and 1000");
  }
  const std::string prefix = IndexPrefix(q);
  std::string upper = PrefixSuccessor(prefix);
  if (q.due_before &&
      (q.index == CaseIndex::kClockRunning || q.index == CaseIndex::kClockBreached)) {
    const int64_t micros = absl::ToUnixMicros(*q.due_before);
    upper = keys::WithDue(prefix, static_cast<uint64_t>(std::max<int64_t>(micros, 0)));
  }
  rocksdb::ManagedSnapshot snapshot(db_);
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions iter_read = read;
  iter_read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(iter_read, cf(ColumnFamily::kIndexes)));

  const std::string start = prefix + q.resume_after;
  it->Seek(start);
  if (!q.resume_after.empty() && it->Valid() && it->key().ToStringView() == start) it->Next();
  IndexedPage page;
  for (; it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    if (static_cast<int>(page.referrals.size()) == q.limit) break;  // more follow
    std::optional<std::string> id = keys::ReferralIdFromIndex(key);
    if (!id) return absl::DataLossError("malformed case index key");
    SP_ASSIGN_OR_RETURN(v1::Referral r, GetReferralAt(read, *id));
    page.referrals.push_back(std::move(r));
    page.resume_after = std::string(key.substr(prefix.size()));
  }
  SP_RETURN_IF_ERROR(FromRocks(it->status(), "scanning case index"));
  if (!it->Valid()) page.resume_after.clear();  // nothing after this page
  return page;
}

absl::StatusOr<ReferralPage> RocksRecordStore::ListReferrals(const ReferralQuery& q) const {
  if (q.limit < 1 || q.limit > 1000) {
    return absl::InvalidArgumentError("limit must be between 1 and 1000");
  }
  rocksdb::ManagedSnapshot snapshot(db_);
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();

  // Pick the most selective index; filters are re-checked on each record.
  std::vector<std::string> prefixes;
  bool primary = false;
  if (!q.statuses.empty()) {
    for (auto status : q.statuses) prefixes.push_back(keys::StatusPrefix(status));
    std::sort(prefixes.begin(), prefixes.end());
    prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  } else if (!q.referrer_ods_code.empty()) {
    prefixes.push_back(keys::OrgPrefix(q.referrer_ods_code));
  } else if (q.channel != v1::SOURCE_CHANNEL_UNSPECIFIED) {
    prefixes.push_back(keys::ChannelPrefix(q.channel));
  } else {
    prefixes.push_back("");
    primary = true;
  }

  std::string id_lower = q.start_after_id;
  if (q.received_at_or_after) {
    id_lower = std::max(id_lower, MinReferralIdAt(*q.received_at_or_after));
  }
  std::vector<std::unique_ptr<IdStream>> streams;
  for (const std::string& prefix : prefixes) {
    auto stream = std::make_unique<IdStream>();
    stream->prefix = prefix;
    stream->primary = primary;
    stream->lower = prefix + id_lower;
    stream->upper =
        q.received_before ? prefix + MinReferralIdAt(*q.received_before) : PrefixSuccessor(prefix);
    rocksdb::ReadOptions opts = read;
    if (!stream->upper.empty()) {
      stream->upper_slice = rocksdb::Slice(stream->upper);
      opts.iterate_upper_bound = &stream->upper_slice;
    }
    stream->it.reset(
        db_->NewIterator(opts, cf(primary ? ColumnFamily::kReferrals : ColumnFamily::kIndexes)));
    stream->it->Seek(stream->lower);
    SkipStartKey(*stream, q.start_after_id);
    streams.push_back(std::move(stream));
  }

  ReferralPage page;
  int scanned = 0;
  std::string last_scanned;
  while (true) {
    IdStream* next = nullptr;
    std::string next_id;
    for (auto& stream : streams) {
      if (!stream->it->Valid()) continue;
      std::string id = IdOf(*stream);
      if (next == nullptr || id < next_id) {
        next = stream.get();
        next_id = std::move(id);
      }
    }
    if (next == nullptr) break;  // all streams exhausted
    if (static_cast<int>(page.referrals.size()) == q.limit) {
      page.resume_after_id = page.referrals.back().referral_id();
      break;
    }
    if (scanned == q.max_scan) {
      page.resume_after_id = last_scanned;
      break;
    }
    ++scanned;
    last_scanned = next_id;
    v1::Referral referral;
    if (next->primary) {
      SP_ASSIGN_OR_RETURN(referral,
                          ParseStored<v1::Referral>(next->it->value().ToStringView(), "referral"));
    } else {
      SP_ASSIGN_OR_RETURN(referral, GetReferralAt(read, next_id));
    }
    if (Matches(referral, q)) page.referrals.push_back(std::move(referral));
    next->it->Next();
  }
  for (auto& stream : streams) {
    SP_RETURN_IF_ERROR(FromRocks(stream->it->status(), "scanning referrals"));
  }
  return page;
}

absl::StatusOr<std::vector<v1::ReferralEvent>> RocksRecordStore::ReadEvents(
    uint64_t after, size_t max, const EventFilter& filter, uint64_t* scanned_to) const {
  constexpr size_t kMaxScan = 10000;
  const uint64_t visible = sequence_.Visible();
  *scanned_to = after;
  std::vector<v1::ReferralEvent> out;
  if (after >= visible || max == 0) return out;

  const std::string lower = keys::Event(after + 1);
  const std::string upper = keys::Event(visible + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, cf(ColumnFamily::kEvents)));
  size_t scanned = 0;
  uint64_t last = after;
  bool stopped_early = false;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (out.size() == max || scanned == kMaxScan) {
      stopped_early = true;
      break;
    }
    ++scanned;
    std::optional<uint64_t> seq = keys::DecodeEvent(it->key().ToStringView());
    if (!seq) return absl::DataLossError("malformed event key");
    SP_ASSIGN_OR_RETURN(v1::ReferralEvent event,
                        ParseStored<v1::ReferralEvent>(it->value().ToStringView(), "event"));
    last = *seq;
    if (!filter.referral_id.empty() && event.referral_id() != filter.referral_id) continue;
    if (!filter.referrer_ods_code.empty() &&
        event.referrer_ods_code() != filter.referrer_ods_code) {
      continue;
    }
    out.push_back(std::move(event));
  }
  SP_RETURN_IF_ERROR(FromRocks(it->status(), "reading events"));
  // Everything up to `visible` was examined unless we stopped early.
  *scanned_to = stopped_early ? last : visible;
  return out;
}

void RocksRecordStore::SetEventListener(std::function<void(uint64_t)> listener) {
  absl::MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

absl::Status RocksRecordStore::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  SP_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_, &raw), "creating checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir), "writing checkpoint");
}

absl::StatusOr<v1::Referral> RocksRecordStore::GetReferralAt(const rocksdb::ReadOptions& read,
                                                             std::string_view referral_id) const {
  absl::StatusOr<v1::Referral> r =
      Read<v1::Referral>(ColumnFamily::kReferrals, keys::Referral(referral_id), "referral", read);
  if (absl::IsNotFound(r.status())) {
    return absl::NotFoundError(absl::StrCat("no referral with id ", Sv(referral_id)));
  }
  return r;
}

void RocksRecordStore::Publish(uint64_t seq) {
  const uint64_t before = sequence_.Visible();
  const uint64_t after = sequence_.Complete(seq);
  if (after == before) return;
  absl::ReaderMutexLock lock(&listener_mu_);
  if (listener_) listener_(after);
}

namespace {

absl::Status CheckSchemaVersion(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta,
                                const rocksdb::WriteOptions& write) {
  std::string value;
  rocksdb::Status s = db.Get(rocksdb::ReadOptions(), meta, keys::kSchemaVersion, &value);
  if (s.IsNotFound()) {
    return FromRocks(db.Put(write, meta, keys::kSchemaVersion, std::to_string(kSchemaVersion)),
                     "writing schema version");
  }
  SP_RETURN_IF_ERROR(FromRocks(s, "reading schema version"));
  if (value != std::to_string(kSchemaVersion)) {
    return absl::FailedPreconditionError(absl::StrCat("data directory has schema version ", value,
                                                      "; this build supports ", kSchemaVersion));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> LastEventSequence(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* events) {
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), events));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) {
    std::optional<uint64_t> seq = keys::DecodeEvent(it->key().ToStringView());
    if (!seq) return absl::DataLossError("malformed event key");
    last = *seq;
  }
  SP_RETURN_IF_ERROR(FromRocks(it->status(), "finding last event"));
  return last;
}

}  // namespace

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

absl::StatusOr<std::shared_ptr<Database>> Database::Open(const StoreOptions& options) {
  if (options.data_dir.empty()) return absl::InvalidArgumentError("data_dir is required");

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = std::max(1, options.background_jobs);
  db_options.keep_log_file_num = 5;
  db_options.paranoid_checks = true;
  db_options.enable_pipelined_write = options.pipelined_write;
  if (options.crash_simulator) db_options.env = options.crash_simulator->env();

  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (std::string_view name : kColumnFamilyNames) {
    rocksdb::ColumnFamilyOptions cf_options;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    descriptors.emplace_back(std::string(name), cf_options);
  }

  auto impl = std::make_unique<Impl>();
  impl->crash_simulator = options.crash_simulator;
  impl->write.sync = options.sync_writes;
  rocksdb::DB* raw = nullptr;
  SP_RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::Open(db_options, options.data_dir, descriptors, &impl->handles, &raw),
                absl::StrCat("opening ", options.data_dir)));
  impl->db.reset(raw);  // from here Impl's destructor closes everything

  rocksdb::WriteOptions sync_write;
  sync_write.sync = true;
  SP_RETURN_IF_ERROR(CheckSchemaVersion(*impl->db, impl->cf(ColumnFamily::kMeta), sync_write));
  return std::shared_ptr<Database>(new Database(std::move(impl)));
}

absl::StatusOr<std::unique_ptr<ReferralStore>> ReferralStore::Open(const StoreOptions& options) {
  SP_ASSIGN_OR_RETURN(std::shared_ptr<Database> database, Database::Open(options));
  SP_ASSIGN_OR_RETURN(uint64_t last, LastEventSequence(*database->impl().db,
                                                       database->impl().cf(ColumnFamily::kEvents)));
  return std::unique_ptr<ReferralStore>(new RocksRecordStore(options, std::move(database), last));
}

}  // namespace signpost::storage
