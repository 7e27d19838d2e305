#include "storage/column_families.h"

namespace signpost::storage {

const std::array<std::string_view, kColumnFamilyCount> kColumnFamilyNames = {
    "default", "referrals", "events", "indexes", "idempotency",
    "meta",    "directory", "people", "journal", "audit",
};

}  // namespace signpost::storage
