// The one place RocksDB statuses become absl::Status. Internal to storage/.
#ifndef SIGNPOST_STORAGE_ROCKS_STATUS_H_
#define SIGNPOST_STORAGE_ROCKS_STATUS_H_

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace signpost::storage {

// Maps a RocksDB status to absl: NotFound -> NOT_FOUND, IOError/Busy/
// TimedOut/TryAgain/ShutdownInProgress -> UNAVAILABLE, Corruption -> DATA_LOSS,
// InvalidArgument -> INVALID_ARGUMENT, NotSupported -> UNIMPLEMENTED,
// everything else -> INTERNAL. `context` prefixes the message.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace signpost::storage

#endif  // SIGNPOST_STORAGE_ROCKS_STATUS_H_
