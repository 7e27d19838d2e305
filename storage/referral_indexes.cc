#include "storage/referral_indexes.h"

#include <algorithm>
#include <limits>

#include "common/referral_status.h"
#include "google/protobuf/util/time_util.h"
#include "storage/key_codec.h"

namespace signpost::storage {
namespace {

namespace v1 = ::signpost::v1;

}  // namespace

uint64_t DueMicros(const v1::Referral& r) {
  if (!r.triage().has_respond_by()) return std::numeric_limits<uint64_t>::max();
  const int64_t micros =
      google::protobuf::util::TimeUtil::TimestampToMicroseconds(r.triage().respond_by());
  return static_cast<uint64_t>(std::max<int64_t>(micros, 0));
}

IndexEntries IndexEntriesFor(const v1::Referral& r) {
  const std::string& id = r.referral_id();
  IndexEntries out;
  out[keys::StatusIndex(r.status(), id)] = "";
  out[keys::ChannelIndex(r.submission().channel(), id)] = "";
  out[keys::OrgIndex(r.submission().referrer().ods_code(), id)] = "";
  if (!r.reference().empty()) out[keys::ReferenceIndex(r.reference())] = id;
  if (!r.person_id().empty()) out[keys::PersonReferralsPrefix(r.person_id()) + id] = "";
  if (const std::string owner = CaseloadOwner(r); !owner.empty()) {
    out[keys::CaseloadPrefix(owner) + id] = "";
  }
  if (r.status() == v1::REFERRAL_STATUS_ROUTED && !r.routing().team_id().empty()) {
    out[keys::WithDue(keys::TeamQueuePrefix(r.routing().team_id()), DueMicros(r)) + id] = "";
  }
  if (const std::string crisis = CrisisQueue(r); !crisis.empty()) {
    out[keys::WithDue(keys::TeamQueuePrefix(crisis), DueMicros(r)) + id] = "";
  }
  if (r.status() == v1::REFERRAL_STATUS_NEEDS_REVIEW) {
    out[keys::WithDue(keys::TeamQueuePrefix(kClinicianReviewQueue), DueMicros(r)) + id] = "";
  }
  const v1::Consent& consent = r.submission().consent();
  if (IsOpenStatus(r.status()) && consent.has_share_with_partners() &&
      consent.share_with_partners()) {
    for (const auto& s : r.routing().signposts()) {
      if (!s.organization_id().empty()) out[keys::PartnerPrefix(s.organization_id()) + id] = "";
    }
  }
  if (ClockRunning(r)) {
    out[keys::WithDue(keys::ClockPrefix(DeadlineBreached(r)), DueMicros(r)) + id] = "";
  }
  return out;
}

}  // namespace signpost::storage
