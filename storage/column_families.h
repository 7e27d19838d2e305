// The column families of the Signpost database, declared once.
//
// Adding a family: append to ColumnFamily (before kCount) and to
// kColumnFamilyNames in column_families.cc; existing databases get it
// created on the next open. Never renumber or reuse a name.
#ifndef SIGNPOST_STORAGE_COLUMN_FAMILIES_H_
#define SIGNPOST_STORAGE_COLUMN_FAMILIES_H_

#include <array>
#include <cstddef>
#include <string_view>

namespace signpost::storage {

enum class ColumnFamily : size_t {
  kDefault = 0,  // required by RocksDB; unused
  kReferrals,    // referral_id -> Referral
  kEvents,       // sequence -> ReferralEvent (the referral event log)
  kIndexes,      // secondary indexes (see key_codec.h)
  kIdempotency,  // (scope, request_id) -> referral_id
  kMeta,         // schema version, rule set in force, markers
  kDirectory,    // 'S'/'T'/'M' + id -> service / team / case manager
  kPeople,       // people, assessment versions, duplicates, merges
  kJournal,      // sequence -> TimelineEntry that is not a referral event
  kAudit,        // the audit trail, its seals and subject index (ADR 0013)
  kCount,
};

inline constexpr size_t kColumnFamilyCount = static_cast<size_t>(ColumnFamily::kCount);

// RocksDB names, indexed by ColumnFamily.
extern const std::array<std::string_view, kColumnFamilyCount> kColumnFamilyNames;

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_COLUMN_FAMILIES_H_
