// Store: opening, events, configuration reads and operations. The writer
// is apply.cc; reads are in referral_reads.cc, referral_queries.cc,
// person_reads.cc and directory_reads.cc.
#include "storage/store.h"

#include "storage/rocks_util.h"
#include "storage/store_impl.h"

namespace signpost::storage {

namespace v1 = ::signpost::v1;

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  SP_ASSIGN_OR_RETURN(std::shared_ptr<Database> database, Database::Open(options));
  SP_ASSIGN_OR_RETURN(std::unique_ptr<EventLog> events, EventLog::Open(database));
  SP_ASSIGN_OR_RETURN(uint64_t last_audit, LastAuditSequence(database->impl()));
  return std::unique_ptr<Store>(new Store(std::make_unique<Impl>(
      std::move(database), std::move(events), options.lock_stripes, last_audit)));
}

EventLog& Store::events() { return *impl_->events; }
const EventLog& Store::events() const { return *impl_->events; }

absl::StatusOr<std::optional<v1::RuleActivation>> Store::ActiveRules() const {
  SP_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                      ReadRaw(impl_->db, ColumnFamily::kMeta, std::string(keys::kActiveRules)));
  if (!raw) return std::optional<v1::RuleActivation>();
  SP_ASSIGN_OR_RETURN(v1::RuleActivation a, ParseStored<v1::RuleActivation>(*raw, "rule set"));
  return std::optional<v1::RuleActivation>(std::move(a));
}

absl::StatusOr<std::optional<std::string>> Store::GetMeta(std::string_view key) const {
  return ReadRaw(impl_->db, ColumnFamily::kMeta, std::string(key));
}

absl::Status Store::Checkpoint(const std::string& dir) const {
  return impl_->database->Checkpoint(dir);
}

absl::StatusOr<std::vector<DumpEntry>> Store::Dump() const { return impl_->database->Dump(); }

}  // namespace signpost::storage
