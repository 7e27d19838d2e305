#include "storage/testing/audit_tamper.h"

#include "storage/rocks_util.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

// Opens the database, runs `fn(impl)` and closes it again.
template <typename Fn>
absl::Status WithDatabase(const std::string& dir, Fn&& fn) {
  SP_ASSIGN_OR_RETURN(std::shared_ptr<Database> db, Database::Open({.data_dir = dir}));
  return fn(db->impl());
}

absl::Status Put(const Database::Impl& db, const std::string& key, std::string_view value) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return FromRocks(db.db->Put(sync, db.cf(ColumnFamily::kAudit), key, rocksdb::Slice(value)),
                   "tampering");
}

absl::Status Delete(const Database::Impl& db, const std::string& key) {
  rocksdb::WriteOptions sync;
  sync.sync = true;
  return FromRocks(db.db->Delete(sync, db.cf(ColumnFamily::kAudit), key), "tampering");
}

absl::StatusOr<std::string> Get(const Database::Impl& db, uint64_t seq) {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                      ReadRaw(db, ColumnFamily::kAudit, keys::AuditEntry(seq)));
  if (!raw) return absl::NotFoundError("no such audit entry");
  return *std::move(raw);
}

}  // namespace

absl::Status AuditTamper::EditEntry(const std::string& data_dir, uint64_t seq,
                                    const std::function<void(v1::AuditEntry&)>& edit) {
  return WithDatabase(data_dir, [&](const Database::Impl& db) -> absl::Status {
    SP_ASSIGN_OR_RETURN(std::string raw, Get(db, seq));
    SP_ASSIGN_OR_RETURN(v1::AuditEntry entry, ParseStored<v1::AuditEntry>(raw, "audit entry"));
    edit(entry);
    return Put(db, keys::AuditEntry(seq), entry.SerializeAsString());
  });
}

absl::Status AuditTamper::RemoveEntry(const std::string& data_dir, uint64_t seq, bool with_seal) {
  return WithDatabase(data_dir, [&](const Database::Impl& db) -> absl::Status {
    SP_RETURN_IF_ERROR(Delete(db, keys::AuditEntry(seq)));
    return with_seal ? Delete(db, keys::AuditSeal(seq)) : absl::OkStatus();
  });
}

absl::Status AuditTamper::SwapEntries(const std::string& data_dir, uint64_t a, uint64_t b) {
  return WithDatabase(data_dir, [&](const Database::Impl& db) -> absl::Status {
    SP_ASSIGN_OR_RETURN(std::string raw_a, Get(db, a));
    SP_ASSIGN_OR_RETURN(std::string raw_b, Get(db, b));
    SP_RETURN_IF_ERROR(Put(db, keys::AuditEntry(a), raw_b));
    return Put(db, keys::AuditEntry(b), raw_a);
  });
}

absl::Status AuditTamper::InsertEntry(const std::string& data_dir, const v1::AuditEntry& entry) {
  return WithDatabase(data_dir, [&](const Database::Impl& db) -> absl::Status {
    return Put(db, keys::AuditEntry(entry.sequence()), entry.SerializeAsString());
  });
}

}  // namespace signpost::storage
