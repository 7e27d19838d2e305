// Store::ListReferrals: a filtered, paged scan over the most selective
// index (status, referrer, channel, or the referrals themselves), merging
// several index streams in referral-id (= received-time) order.
#include <algorithm>

#include "common/ids.h"
#include "proto/signpost/proto_time.h"
#include "storage/rocks_util.h"
#include "storage/store_impl.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

// One ordered source of referral ids: an index prefix, or the referrals
// family itself (primary).
struct IdStream {
  std::string prefix;
  std::string upper;
  rocksdb::Slice upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
  bool primary = false;  // iterating the referrals family: the value is the record

  std::string Id() const {
    const std::string_view key = it->key().ToStringView();
    return std::string(primary ? key : key.substr(prefix.size()));
  }
};

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
  return !q.received_before || received < *q.received_before;
}

// The most selective index for the query; filters are re-checked on each
// record. An empty prefix means the referrals family.
std::vector<std::string> ChoosePrefixes(const ReferralQuery& q) {
  std::vector<std::string> prefixes;
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
  }
  return prefixes;
}

std::vector<std::unique_ptr<IdStream>> OpenStreams(const Database::Impl& db,
                                                   const rocksdb::ReadOptions& read,
                                                   const ReferralQuery& q) {
  std::string id_lower = q.start_after_id;
  if (q.received_at_or_after)
    id_lower = std::max(id_lower, MinReferralIdAt(*q.received_at_or_after));
  std::vector<std::unique_ptr<IdStream>> streams;
  for (const std::string& prefix : ChoosePrefixes(q)) {
    auto s = std::make_unique<IdStream>();
    s->prefix = prefix;
    s->primary = prefix.empty();
    s->upper =
        q.received_before ? prefix + MinReferralIdAt(*q.received_before) : PrefixSuccessor(prefix);
    rocksdb::ReadOptions opts = read;
    if (!s->upper.empty()) {
      s->upper_slice = rocksdb::Slice(s->upper);
      opts.iterate_upper_bound = &s->upper_slice;
    }
    s->it.reset(db.db->NewIterator(
        opts, db.cf(s->primary ? ColumnFamily::kReferrals : ColumnFamily::kIndexes)));
    s->it->Seek(prefix + id_lower);
    if (!q.start_after_id.empty() && s->it->Valid() && s->Id() == q.start_after_id) s->it->Next();
    streams.push_back(std::move(s));
  }
  return streams;
}

// The stream whose next id is smallest, or null when all are exhausted.
IdStream* NextStream(const std::vector<std::unique_ptr<IdStream>>& streams, std::string* id) {
  IdStream* next = nullptr;
  for (const auto& s : streams) {
    if (!s->it->Valid()) continue;
    std::string candidate = s->Id();
    if (next == nullptr || candidate < *id) {
      next = s.get();
      *id = std::move(candidate);
    }
  }
  return next;
}

}  // namespace

absl::StatusOr<ReferralPage> Store::ListReferrals(const ReferralQuery& q) const {
  if (q.limit < 1 || q.limit > 1000) {
    return absl::InvalidArgumentError("limit must be between 1 and 1000");
  }
  const Database::Impl& db = impl_->db;
  rocksdb::ManagedSnapshot snapshot(db.db.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  std::vector<std::unique_ptr<IdStream>> streams = OpenStreams(db, read, q);
  ReferralPage page;
  int scanned = 0;
  std::string id;
  std::string last_scanned;
  while (IdStream* next = NextStream(streams, &id)) {
    if (static_cast<int>(page.referrals.size()) == q.limit) {
      page.resume_after_id = page.referrals.back().referral_id();
      break;
    }
    if (scanned++ == q.max_scan) {
      page.resume_after_id = last_scanned;  // resume after the last id examined
      break;
    }
    last_scanned = id;
    SP_ASSIGN_OR_RETURN(
        v1::Referral referral,
        next->primary ? ParseStored<v1::Referral>(next->it->value().ToStringView(), "referral")
                      : ReadMessage<v1::Referral>(db, ColumnFamily::kReferrals, keys::Referral(id),
                                                  "referral", read));
    if (Matches(referral, q)) page.referrals.push_back(std::move(referral));
    next->it->Next();
  }
  for (auto& s : streams) SP_RETURN_IF_ERROR(FromRocks(s->it->status(), "scanning referrals"));
  return page;
}

}  // namespace signpost::storage
