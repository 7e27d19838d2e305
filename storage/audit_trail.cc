// The audit trail's sealer, verifier and reads (ADR 0013). Entries are
// written by apply.cc (Writer::Audit), with a change or on their own.
//
// The chain: seal(n) = SHA-256(seal(previous sealed entry) || n as 8
// big-endian bytes || SHA-256(entry n's stored bytes)), from 32 zero bytes.
// Only committed entries are sealed (up to the audit sequence's Visible()),
// so numbers abandoned by failed writes are gaps the chain never covered,
// and a crash cannot leave a break that looks like a removal.
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "absl/strings/escaping.h"
#include "storage/rocks_util.h"
#include "storage/store_impl.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

using Hash = std::array<unsigned char, 32>;

constexpr size_t kSealBatch = 5000;
constexpr int kMaxProblems = 20;

Hash Sha256(std::string_view bytes) {
  Hash out{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string_view View(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

std::string Hex(std::string_view raw) {
  return absl::BytesToHexString(absl::string_view(raw.data(), raw.size()));
}

Hash Chain(std::string_view previous, uint64_t sequence, std::string_view entry) {
  std::string buf(previous);
  AppendUint64(&buf, sequence);
  buf.append(View(Sha256(entry)));
  return Sha256(buf);
}

std::string Genesis() { return std::string(32, '\0'); }

absl::StatusOr<v1::AuditSeal> ReadHead(const Database::Impl& db) {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                      ReadRaw(db, ColumnFamily::kAudit, std::string(keys::kAuditHead)));
  if (!raw) return v1::AuditSeal();
  return ParseStored<v1::AuditSeal>(*raw, "audit seal");
}

// An iterator over one tag's sequence keys of the audit family.
class TagCursor {
 public:
  TagCursor(const Database::Impl& db, char tag, uint64_t from)
      : upper_(1, static_cast<char>(tag + 1)), upper_slice_(upper_) {
    rocksdb::ReadOptions read;
    read.iterate_upper_bound = &upper_slice_;
    it_.reset(db.db->NewIterator(read, db.cf(ColumnFamily::kAudit)));
    std::string start(1, tag);
    AppendUint64(&start, from);
    it_->Seek(start);
  }
  bool Valid() const { return it_->Valid(); }
  uint64_t Sequence() const { return keys::AuditSequence(it_->key().ToStringView()).value_or(0); }
  std::string_view Value() const { return it_->value().ToStringView(); }
  void Next() { it_->Next(); }
  absl::Status status() const { return FromRocks(it_->status(), "scanning the audit trail"); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

void Problem(v1::VerifyAuditTrailResponse& out, uint64_t seq, std::string_view kind,
             std::string_view detail) {
  if (out.problems_size() >= kMaxProblems) return;
  v1::AuditProblem* p = out.add_problems();
  p->set_sequence(seq);
  p->set_kind(std::string(kind));
  p->set_detail(std::string(detail));
}

// Checks one sealed entry against its seal; `previous` is the seal before.
void CheckSealed(v1::VerifyAuditTrailResponse& out, uint64_t seq, std::string_view previous,
                 std::string_view seal, const std::optional<std::string_view>& entry) {
  if (!entry) {
    Problem(out, seq, "removed", "a sealed entry is missing");
    return;
  }
  v1::AuditEntry parsed;
  if (!parsed.ParseFromArray(entry->data(), static_cast<int>(entry->size()))) {
    Problem(out, seq, "changed", "the entry does not parse");
  } else if (parsed.sequence() != seq) {
    Problem(out, seq, "reordered",
            absl::StrCat("the entry stored here is numbered ", parsed.sequence()));
  } else if (View(Chain(previous, seq, *entry)) != seal) {
    Problem(out, seq, "changed",
            "the entry does not match its seal: it was changed, or an entry before it was "
            "removed");
  }
}

}  // namespace

absl::StatusOr<uint64_t> LastAuditSequence(const Database::Impl& db) {
  std::unique_ptr<rocksdb::Iterator> it(
      db.db->NewIterator(rocksdb::ReadOptions(), db.cf(ColumnFamily::kAudit)));
  it->SeekForPrev(keys::AuditEntry(UINT64_MAX));
  uint64_t last = 0;
  if (it->Valid() && it->key().size() == 9 && it->key()[0] == keys::kAuditEntryTag) {
    last = keys::AuditSequence(it->key().ToStringView()).value_or(0);
  }
  SP_RETURN_IF_ERROR(FromRocks(it->status(), "finding the last audit entry"));
  return last;
}

absl::StatusOr<v1::AuditSeal> Store::SealAudit() {
  absl::MutexLock lock(&impl_->seal_mu);
  const Database::Impl& db = impl_->db;
  SP_ASSIGN_OR_RETURN(v1::AuditSeal head, ReadHead(db));
  std::string previous = Genesis();
  if (head.sealed_through() > 0) {
    SP_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                        ReadRaw(db, ColumnFamily::kAudit, keys::AuditSeal(head.sealed_through())));
    if (!raw) return absl::DataLossError("the audit trail's head seal is missing");
    previous = *std::move(raw);
  }
  const uint64_t visible = impl_->audit_sequence.Visible();
  while (head.sealed_through() < visible) {
    Batch batch(db);
    size_t n = 0;
    TagCursor cursor(db, keys::kAuditEntryTag, head.sealed_through() + 1);
    uint64_t through = head.sealed_through();
    for (; cursor.Valid() && cursor.Sequence() <= visible && n < kSealBatch; cursor.Next(), ++n) {
      through = cursor.Sequence();
      Hash seal = Chain(previous, through, cursor.Value());
      previous.assign(View(seal));
      batch.Put(ColumnFamily::kAudit, keys::AuditSeal(through), View(seal));
    }
    SP_RETURN_IF_ERROR(cursor.status());
    if (n == 0) break;  // only abandoned numbers remain below `visible`
    head.set_sealed_through(through);
    head.set_head(Hex(previous));
    head.set_entries(head.entries() + n);
    batch.Put(ColumnFamily::kAudit, std::string(keys::kAuditHead), head);
    SP_RETURN_IF_ERROR(batch.Commit("audit seals"));
  }
  return head;
}

absl::StatusOr<v1::VerifyAuditTrailResponse> Store::VerifyAudit(
    const std::optional<v1::AuditSeal>& anchor) const {
  // No seal moves while the chain is walked (entries may still be added
  // past the head; they are counted as unsealed).
  absl::MutexLock lock(&impl_->seal_mu);
  const Database::Impl& db = impl_->db;
  v1::VerifyAuditTrailResponse out;
  SP_ASSIGN_OR_RETURN(*out.mutable_seal(), ReadHead(db));
  const uint64_t sealed_through = out.seal().sealed_through();
  TagCursor seals(db, keys::kAuditSealTag, 1);
  TagCursor entries(db, keys::kAuditEntryTag, 0);
  std::string previous = Genesis();
  uint64_t last_sealed = 0;
  bool anchor_seen = !anchor || anchor->sealed_through() == 0;
  for (; seals.Valid(); seals.Next()) {
    const uint64_t seq = seals.Sequence();
    // Entries before this seal that have none were inserted.
    for (; entries.Valid() && entries.Sequence() < seq; entries.Next()) {
      Problem(out, entries.Sequence(), "inserted", "an entry inside the sealed trail has no seal");
    }
    std::optional<std::string_view> entry;
    if (entries.Valid() && entries.Sequence() == seq) entry = entries.Value();
    CheckSealed(out, seq, previous, seals.Value(), entry);
    if (entry) entries.Next();
    previous.assign(seals.Value());
    last_sealed = seq;
    if (anchor && seq == anchor->sealed_through()) {
      anchor_seen = Hex(previous) == anchor->head();
    }
  }
  SP_RETURN_IF_ERROR(seals.status());
  if (last_sealed != sealed_through || (sealed_through > 0 && Hex(previous) != out.seal().head())) {
    Problem(out, last_sealed, "removed",
            absl::StrCat("the last seal is entry ", last_sealed, " but the head names entry ",
                         sealed_through, ": sealed entries at the end were removed"));
  }
  for (; entries.Valid(); entries.Next()) {
    if (entries.Sequence() <= sealed_through) {
      Problem(out, entries.Sequence(), "inserted", "an entry inside the sealed trail has no seal");
    } else {
      out.set_unsealed(out.unsealed() + 1);
    }
  }
  SP_RETURN_IF_ERROR(entries.status());
  if (!anchor_seen) {
    Problem(out, anchor->sealed_through(), "anchor",
            "the chain no longer passes through the anchor given: the trail was rewritten");
  }
  out.set_intact(out.problems().empty());
  return out;
}

absl::StatusOr<AuditPage> Store::ListAudit(uint64_t after, int limit) const {
  AuditPage page;
  TagCursor cursor(impl_->db, keys::kAuditEntryTag, after + 1);
  for (; cursor.Valid(); cursor.Next()) {
    if (static_cast<int>(page.entries.size()) == limit) {
      page.next_after = page.entries.back().sequence();
      break;
    }
    SP_ASSIGN_OR_RETURN(v1::AuditEntry e,
                        ParseStored<v1::AuditEntry>(cursor.Value(), "audit entry"));
    page.entries.push_back(std::move(e));
  }
  SP_RETURN_IF_ERROR(cursor.status());
  return page;
}

absl::StatusOr<AuditPage> Store::ListAuditFor(const std::vector<std::string>& person_ids,
                                              std::string_view nhs_number, uint64_t after,
                                              int limit) const {
  std::vector<std::string> prefixes;
  prefixes.reserve(person_ids.size() + 1);
  for (const std::string& id : person_ids) prefixes.push_back(keys::AuditPersonPrefix(id));
  if (!nhs_number.empty()) prefixes.push_back(keys::AuditNhsPrefix(nhs_number));
  std::vector<uint64_t> seqs;
  const size_t want = static_cast<size_t>(limit) + 1;
  for (const std::string& prefix : prefixes) {
    std::string start = prefix;
    AppendUint64(&start, after + 1);
    size_t taken = 0;
    SP_RETURN_IF_ERROR(ScanPrefix(impl_->db, ColumnFamily::kAudit, prefix, start,
                                  [&](std::string_view key, std::string_view) -> bool {
                                    seqs.push_back(keys::AuditSequence(key).value_or(0));
                                    return ++taken < want;
                                  }));
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  AuditPage page;
  for (uint64_t seq : seqs) {
    if (static_cast<int>(page.entries.size()) == limit) {
      page.next_after = page.entries.back().sequence();
      break;
    }
    SP_ASSIGN_OR_RETURN(v1::AuditEntry e,
                        ReadMessage<v1::AuditEntry>(impl_->db, ColumnFamily::kAudit,
                                                    keys::AuditEntry(seq), "audit entry"));
    page.entries.push_back(std::move(e));
  }
  return page;
}

}  // namespace signpost::storage
