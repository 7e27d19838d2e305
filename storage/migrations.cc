#include "storage/migrations.h"

#include <vector>

#include "signpost/v1/person.pb.h"
#include "storage/referral_indexes.h"
#include "storage/rocks_util.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

constexpr size_t kEntriesPerBatch = 1000;

// Moves one schema-1 timeline entry to the index (and the journal) in `batch`.
absl::Status MoveTimelineEntry(Batch& batch, std::string_view key, std::string_view value) {
  SP_ASSIGN_OR_RETURN(v1::TimelineEntry entry,
                      ParseStored<v1::TimelineEntry>(value, "schema-1 timeline entry"));
  const std::string index = keys::Timeline(entry.person_id(), entry.sequence());
  if (entry.has_referral_event()) {
    batch.Put(ColumnFamily::kIndexes, index, keys::kTimelineEvent);
  } else {
    batch.Put(ColumnFamily::kJournal, keys::Journal(entry.sequence()), entry);
    batch.Put(ColumnFamily::kIndexes, index, keys::kTimelineJournal);
  }
  batch.Delete(ColumnFamily::kPeople, std::string(key));
  return absl::OkStatus();
}

absl::Status TimelinesToIndexAndJournal(const Database::Impl& impl) {
  const std::string prefix(1, keys::kLegacyTimeline);
  while (true) {
    Batch batch(impl);
    size_t moved = 0;
    SP_RETURN_IF_ERROR(
        ScanPrefix(impl, ColumnFamily::kPeople, prefix, "",
                   [&](std::string_view k, std::string_view v) -> absl::StatusOr<bool> {
                     SP_RETURN_IF_ERROR(MoveTimelineEntry(batch, k, v));
                     return ++moved < kEntriesPerBatch;
                   }));
    if (moved == 0) return absl::OkStatus();
    SP_RETURN_IF_ERROR(batch.Commit("schema 2 migration"));
  }
}

// Writes every stored referral's index entries again (idempotent: Put of
// the entries the referral has now; nothing is removed).
absl::Status RebuildReferralIndexes(const Database::Impl& impl) {
  std::string resume;
  while (true) {
    Batch batch(impl);
    size_t seen = 0;
    std::string last;
    SP_RETURN_IF_ERROR(
        ScanPrefix(impl, ColumnFamily::kReferrals, "", resume,
                   [&](std::string_view k, std::string_view v) -> absl::StatusOr<bool> {
                     SP_ASSIGN_OR_RETURN(v1::Referral r, ParseStored<v1::Referral>(v, "referral"));
                     for (const auto& [key, value] : IndexEntriesFor(r)) {
                       batch.Put(ColumnFamily::kIndexes, key, value);
                     }
                     last = std::string(k);
                     return ++seen < kEntriesPerBatch;
                   }));
    if (seen == 0) return absl::OkStatus();
    SP_RETURN_IF_ERROR(batch.Commit("schema 3 migration"));
    if (seen < kEntriesPerBatch) return absl::OkStatus();
    resume = last + '\0';  // the next key after the last one done
  }
}

}  // namespace

absl::Status MigrateFrom(const Database::Impl& impl, int from) {
  switch (from) {
    case 1:
      return TimelinesToIndexAndJournal(impl);
    case 2:
      return RebuildReferralIndexes(impl);
    default:
      return absl::FailedPreconditionError(absl::StrCat("no migration from schema ", from));
  }
}

}  // namespace signpost::storage
