#include "storage/event_log.h"

#include <algorithm>

#include "storage/rocks_util.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

constexpr size_t kMaxScan = 10000;

bool Matches(const v1::ReferralEvent& event, const EventFilter& filter) {
  if (!filter.referral_id.empty() && event.referral_id() != filter.referral_id) return false;
  return filter.referrer_ods_code.empty() || event.referrer_ods_code() == filter.referrer_ods_code;
}

}  // namespace

EventLog::EventLog(std::shared_ptr<Database> database, uint64_t last_used)
    : database_(std::move(database)), sequence_(last_used) {}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(std::shared_ptr<Database> database) {
  const Database::Impl& impl = database->impl();
  SP_ASSIGN_OR_RETURN(uint64_t last_event, LastSequenceKey(impl, ColumnFamily::kEvents));
  SP_ASSIGN_OR_RETURN(uint64_t last_journal, LastSequenceKey(impl, ColumnFamily::kJournal));
  return std::unique_ptr<EventLog>(
      new EventLog(std::move(database), std::max(last_event, last_journal)));
}

absl::StatusOr<std::vector<v1::ReferralEvent>> EventLog::ReadEvents(uint64_t after, size_t max,
                                                                    const EventFilter& filter,
                                                                    uint64_t* scanned_to) const {
  const uint64_t visible = sequence_.Visible();
  *scanned_to = after;
  std::vector<v1::ReferralEvent> out;
  if (after >= visible || max == 0) return out;
  const Database::Impl& impl = database_->impl();
  const std::string upper = keys::Event(visible + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(impl.db->NewIterator(read, impl.cf(ColumnFamily::kEvents)));
  size_t scanned = 0;
  uint64_t last = after;
  bool stopped_early = false;
  for (it->Seek(keys::Event(after + 1)); it->Valid(); it->Next()) {
    if (out.size() == max || scanned == kMaxScan) {
      stopped_early = true;
      break;
    }
    ++scanned;
    std::optional<uint64_t> seq = keys::DecodeEvent(it->key().ToStringView());
    if (!seq) return absl::DataLossError("malformed event key");
    SP_ASSIGN_OR_RETURN(v1::ReferralEvent event,
                        ParseStored<v1::ReferralEvent>(it->value().ToStringView(), "event"));
    last = *seq;
    if (Matches(event, filter)) out.push_back(std::move(event));
  }
  SP_RETURN_IF_ERROR(FromRocks(it->status(), "reading events"));
  // Everything up to `visible` was examined unless we stopped early.
  *scanned_to = stopped_early ? last : visible;
  return out;
}

void EventLog::SetListener(std::function<void(uint64_t)> listener) {
  absl::MutexLock lock(&listener_mu_);
  listener_ = std::move(listener);
}

void EventLog::Complete(uint64_t seq) {
  const uint64_t before = sequence_.Visible();
  const uint64_t after = sequence_.Complete(seq);
  if (after == before) return;
  absl::ReaderMutexLock lock(&listener_mu_);
  if (listener_) listener_(after);
}

}  // namespace signpost::storage
