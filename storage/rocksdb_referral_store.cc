// RocksDB implementation of ReferralStore. See referral_store.h for the
// contract and key_codec.h for the layout.
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
#include "storage/referral_store.h"
#include "storage/rocks_engine.h"
#include "storage/rocks_status.h"
#include "storage/sequence_tracker.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

template <typename Message>
absl::StatusOr<Message> Parse(const std::string& bytes, std::string_view what) {
  Message m;
  if (!m.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("stored ", Sv(what), " does not parse"));
  }
  return m;
}

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

class RocksReferralStore final : public ReferralStore {
 public:
  RocksReferralStore(const StoreOptions& options, std::shared_ptr<Database> database,
                     uint64_t last_seq)
      : database_(std::move(database)),
        db_(database_->impl().db.get()),
        idempotency_locks_(options.lock_stripes),
        reference_locks_(options.lock_stripes),
        referral_locks_(options.lock_stripes),
        sequence_(last_seq) {}

  std::shared_ptr<Database> database() const override { return database_; }

  absl::StatusOr<CreateOutcome> CreateReferral(
      v1::Referral referral, std::vector<v1::ReferralEvent> events,
      std::string_view idempotency_scope, absl::FunctionRef<std::string()> new_reference) override {
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

    const std::string& id = referral.referral_id();
    std::vector<Put> puts = {
        {ColumnFamily::kReferrals, keys::Referral(id), referral.SerializeAsString()},
        {ColumnFamily::kIndexes, keys::StatusIndex(referral.status(), id), ""},
        {ColumnFamily::kIndexes, keys::ChannelIndex(referral.submission().channel(), id), ""},
        {ColumnFamily::kIndexes, keys::OrgIndex(referral.submission().referrer().ods_code(), id),
         ""},
        {ColumnFamily::kIndexes, keys::ReferenceIndex(reference), id},
        {ColumnFamily::kIdempotency, idem_key, id},
    };
    for (const auto& event : events) {
      puts.push_back(
          {ColumnFamily::kEvents, keys::Event(event.sequence()), event.SerializeAsString()});
    }
    rocksdb::WriteBatch batch;
    absl::Status st = PutAll(batch, puts);
    if (st.ok()) st = FromRocks(db_->Write(database_->impl().write, &batch), "writing referral");
    for (uint64_t seq : seqs) Publish(seq);
    SP_RETURN_IF_ERROR(st);
    return CreateOutcome{.created = true, .referral = std::move(referral)};
  }

  absl::StatusOr<v1::Referral> GetReferral(std::string_view referral_id) const override {
    return GetReferralAt(rocksdb::ReadOptions(), referral_id);
  }

  absl::StatusOr<std::string> ResolveReference(std::string_view reference) const override {
    std::string id;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(ColumnFamily::kIndexes),
                                 keys::ReferenceIndex(reference), &id);
    if (s.IsNotFound()) {
      return absl::NotFoundError(absl::StrCat("no referral with reference ", Sv(reference)));
    }
    SP_RETURN_IF_ERROR(FromRocks(s, "reading reference index"));
    return id;
  }

  absl::StatusOr<v1::Referral> UpdateReferral(std::string_view referral_id,
                                              const Mutation& mutate) override {
    LockManager::Guard guard = referral_locks_.Lock(referral_id);
    SP_ASSIGN_OR_RETURN(const v1::Referral current, GetReferral(referral_id));
    v1::Referral updated = current;
    SP_ASSIGN_OR_RETURN(v1::ReferralEvent event, mutate(updated));
    if (updated.referral_id() != current.referral_id() ||
        updated.reference() != current.reference() ||
        updated.request_id() != current.request_id()) {
      return absl::InternalError("a mutation may not change a referral's identity");
    }

    const uint64_t seq = sequence_.Allocate();
    updated.set_last_event_sequence(seq);
    event.set_sequence(seq);
    event.set_referral_id(current.referral_id());
    event.set_reference(current.reference());

    const std::string id(referral_id);
    rocksdb::WriteBatch batch;
    absl::Status st = PutAll(
        batch, {
                   {ColumnFamily::kReferrals, keys::Referral(id), updated.SerializeAsString()},
                   {ColumnFamily::kEvents, keys::Event(seq), event.SerializeAsString()},
               });
    if (st.ok() && updated.status() != current.status()) {
      st = FromRocks(
          batch.Delete(cf(ColumnFamily::kIndexes), keys::StatusIndex(current.status(), id)),
          "batching index delete");
      if (st.ok()) {
        st = FromRocks(
            batch.Put(cf(ColumnFamily::kIndexes), keys::StatusIndex(updated.status(), id), ""),
            "batching index put");
      }
    }
    if (st.ok())
      st = FromRocks(db_->Write(database_->impl().write, &batch), "writing referral update");
    Publish(seq);
    SP_RETURN_IF_ERROR(st);
    return updated;
  }

  absl::StatusOr<ReferralPage> ListReferrals(const ReferralQuery& q) const override {
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
      stream->upper = q.received_before ? prefix + MinReferralIdAt(*q.received_before)
                                        : PrefixSuccessor(prefix);
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
                            Parse<v1::Referral>(next->it->value().ToString(), "referral"));
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

  absl::StatusOr<std::vector<v1::ReferralEvent>> ReadEvents(uint64_t after, size_t max,
                                                            const EventFilter& filter,
                                                            uint64_t* scanned_to) const override {
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
                          Parse<v1::ReferralEvent>(it->value().ToString(), "event"));
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

  uint64_t VisibleSequence() const override { return sequence_.Visible(); }

  void SetEventListener(std::function<void(uint64_t)> listener) override {
    absl::MutexLock lock(&listener_mu_);
    listener_ = std::move(listener);
  }

  absl::Status Checkpoint(const std::string& dir) const override {
    rocksdb::Checkpoint* raw = nullptr;
    SP_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_, &raw), "creating checkpoint"));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    return FromRocks(checkpoint->CreateCheckpoint(dir), "writing checkpoint");
  }

 private:
  struct Put {
    ColumnFamily family;
    std::string key;
    std::string value;
  };

  rocksdb::ColumnFamilyHandle* cf(ColumnFamily family) const {
    return database_->impl().cf(family);
  }

  absl::Status PutAll(rocksdb::WriteBatch& batch, const std::vector<Put>& puts) const {
    for (const Put& p : puts) {
      SP_RETURN_IF_ERROR(FromRocks(batch.Put(cf(p.family), p.key, p.value), "batching write"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<v1::Referral> GetReferralAt(const rocksdb::ReadOptions& read,
                                             std::string_view referral_id) const {
    std::string value;
    rocksdb::Status s =
        db_->Get(read, cf(ColumnFamily::kReferrals), keys::Referral(referral_id), &value);
    if (s.IsNotFound()) {
      return absl::NotFoundError(absl::StrCat("no referral with id ", Sv(referral_id)));
    }
    SP_RETURN_IF_ERROR(FromRocks(s, "reading referral"));
    return Parse<v1::Referral>(value, "referral");
  }

  static std::string IdOf(const IdStream& stream) {
    const std::string_view key = stream.it->key().ToStringView();
    if (stream.primary) return std::string(key);
    return std::string(key.substr(stream.prefix.size()));
  }

  static void SkipStartKey(IdStream& stream, const std::string& start_after_id) {
    if (!start_after_id.empty() && stream.it->Valid() && IdOf(stream) == start_after_id) {
      stream.it->Next();
    }
  }

  static bool Matches(const v1::Referral& r, const ReferralQuery& q) {
    if (!q.statuses.empty() &&
        std::find(q.statuses.begin(), q.statuses.end(), r.status()) == q.statuses.end()) {
      return false;
    }
    if (q.channel != v1::SOURCE_CHANNEL_UNSPECIFIED && r.submission().channel() != q.channel) {
      return false;
    }
    if (!q.referrer_ods_code.empty() &&
        r.submission().referrer().ods_code() != q.referrer_ods_code) {
      return false;
    }
    const absl::Time received = FromProtoTime(r.received_at());
    if (q.received_at_or_after && received < *q.received_at_or_after) return false;
    if (q.received_before && received >= *q.received_before) return false;
    return true;
  }

  // Marks `seq` complete and tells the listener if visibility advanced.
  void Publish(uint64_t seq) {
    const uint64_t before = sequence_.Visible();
    const uint64_t after = sequence_.Complete(seq);
    if (after == before) return;
    absl::ReaderMutexLock lock(&listener_mu_);
    if (listener_) listener_(after);
  }

  std::shared_ptr<Database> database_;
  rocksdb::DB* db_;  // owned by database_
  LockManager idempotency_locks_;
  LockManager reference_locks_;
  LockManager referral_locks_;
  SequenceTracker sequence_;
  mutable absl::Mutex listener_mu_;
  std::function<void(uint64_t)> listener_ ABSL_GUARDED_BY(listener_mu_);
};

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
  return std::unique_ptr<ReferralStore>(new RocksReferralStore(options, std::move(database), last));
}

}  // namespace signpost::storage
