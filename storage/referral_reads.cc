// Store reads of referrals by id, reference, idempotency key and case index.
#include "storage/referral_indexes.h"
#include "storage/rocks_util.h"
#include "storage/store_impl.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

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

bool IsClock(CaseIndex index) {
  return index == CaseIndex::kClockRunning || index == CaseIndex::kClockBreached;
}

absl::StatusOr<v1::Referral> ReadReferral(const Database::Impl& db, std::string_view id,
                                          const rocksdb::ReadOptions& read = {}) {
  absl::StatusOr<v1::Referral> r =
      ReadMessage<v1::Referral>(db, ColumnFamily::kReferrals, keys::Referral(id), "referral", read);
  if (absl::IsNotFound(r.status())) {
    return absl::NotFoundError(absl::StrCat("no referral with id ", Sv(id)));
  }
  return r;
}

}  // namespace

absl::StatusOr<v1::Referral> Store::GetReferral(std::string_view referral_id) const {
  return ReadReferral(impl_->db, referral_id);
}

absl::StatusOr<std::string> Store::ResolveReference(std::string_view reference) const {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> id,
                      ReadRaw(impl_->db, ColumnFamily::kIndexes, keys::ReferenceIndex(reference)));
  if (!id) return absl::NotFoundError(absl::StrCat("no referral with reference ", Sv(reference)));
  return *id;
}

absl::StatusOr<std::optional<std::string>> Store::FindIdempotent(
    std::string_view scope, std::string_view request_id) const {
  return ReadRaw(impl_->db, ColumnFamily::kIdempotency, keys::Idempotency(scope, request_id));
}

absl::StatusOr<IndexedPage> Store::ListIndexed(const IndexQuery& q) const {
  if (q.limit < 1 || q.limit > 1000) {
    return absl::InvalidArgumentError("limit must be between 1 and 1000");
  }
  const std::string prefix = IndexPrefix(q);
  std::string upper = PrefixSuccessor(prefix);
  if (q.due_before && IsClock(q.index)) {
    const int64_t micros = absl::ToUnixMicros(*q.due_before);
    upper = keys::WithDue(prefix, static_cast<uint64_t>(std::max<int64_t>(micros, 0)));
  }
  const Database::Impl& db = impl_->db;
  rocksdb::ManagedSnapshot snapshot(db.db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions iter_read = read;
  iter_read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      db.db->NewIterator(iter_read, db.cf(ColumnFamily::kIndexes)));
  const std::string start = prefix + q.resume_after;
  it->Seek(start);
  if (!q.resume_after.empty() && it->Valid() && it->key().ToStringView() == start) it->Next();
  IndexedPage page;
  for (; it->Valid() && static_cast<int>(page.referrals.size()) < q.limit; it->Next()) {
    const std::string_view key = it->key().ToStringView();
    std::optional<std::string> id = keys::ReferralIdFromIndex(key);
    if (!id) return absl::DataLossError("malformed case index key");
    SP_ASSIGN_OR_RETURN(v1::Referral r, ReadReferral(db, *id, read));
    page.referrals.push_back(std::move(r));
    page.resume_after = std::string(key.substr(prefix.size()));
  }
  SP_RETURN_IF_ERROR(FromRocks(it->status(), "scanning case index"));
  if (!it->Valid()) page.resume_after.clear();  // nothing after this page
  return page;
}

absl::StatusOr<std::map<std::string, int>> Store::CaseloadCounts() const {
  std::map<std::string, int> counts;
  const std::string prefix = keys::CaseloadPrefix("").substr(0, 1);
  SP_RETURN_IF_ERROR(
      ScanPrefix(impl_->db, ColumnFamily::kIndexes, prefix, "",
                 [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                   std::string_view rest = key.substr(1);
                   std::optional<std::string> cm = ConsumeOrderedString(&rest);
                   if (!cm) return absl::DataLossError("malformed caseload key");
                   ++counts[*cm];
                   return true;
                 }));
  return counts;
}

}  // namespace signpost::storage
