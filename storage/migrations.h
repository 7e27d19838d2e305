// Internal to storage/: schema migrations, run by Database::Open one step
// at a time until the stored schema is kSchemaVersion.
//
// Each step is idempotent: if it is interrupted (crash, power cut), the
// next open runs it again from what is left, and the schema version is
// written only after the step has finished.
//
//   1 -> 2: person timelines move from whole TimelineEntry copies in the
//           people family to an index (indexes 'T') over the event log and
//           a journal family for entries that are not referral events.
//   2 -> 3: referral index entries are written again from each stored
//           referral, adding the crisis fast path (band A and B in their
//           crisis team's queue before acceptance) and the clinician-review
//           queue to referrals stored before they existed.
#ifndef SIGNPOST_STORAGE_MIGRATIONS_H_
#define SIGNPOST_STORAGE_MIGRATIONS_H_

#include "absl/status/status.h"
#include "storage/rocks_engine.h"

namespace signpost::storage {

// Migrates the database from schema `from` to `from + 1`.
[[nodiscard]] absl::Status MigrateFrom(const Database::Impl& impl, int from);

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_MIGRATIONS_H_
