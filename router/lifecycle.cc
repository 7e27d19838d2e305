#include "router/lifecycle.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/referral_status.h"
#include "proto/signpost/proto_time.h"

namespace signpost::router {
namespace {

namespace v1 = ::signpost::v1;

using Edge = std::pair<v1::ReferralStatus, v1::ReferralStatus>;

const std::set<Edge>& Edges() {
  using S = v1::ReferralStatus;
  static const auto* const kEdges = [] {
    auto* edges = new std::set<Edge>();
    auto add = [&](S from, std::initializer_list<S> tos) {
      for (S to : tos) edges->insert({from, to});
    };
    add(v1::REFERRAL_STATUS_RECEIVED,
        {v1::REFERRAL_STATUS_TRIAGED, v1::REFERRAL_STATUS_NEEDS_REVIEW});
    add(v1::REFERRAL_STATUS_TRIAGED,
        {v1::REFERRAL_STATUS_NEEDS_REVIEW, v1::REFERRAL_STATUS_ROUTED,
         v1::REFERRAL_STATUS_UNMATCHED, v1::REFERRAL_STATUS_SIGNPOSTED});
    add(v1::REFERRAL_STATUS_NEEDS_REVIEW,
        {v1::REFERRAL_STATUS_TRIAGED, v1::REFERRAL_STATUS_ROUTED, v1::REFERRAL_STATUS_UNMATCHED,
         v1::REFERRAL_STATUS_SIGNPOSTED});
    add(v1::REFERRAL_STATUS_ROUTED, {v1::REFERRAL_STATUS_ACCEPTED, v1::REFERRAL_STATUS_DECLINED});
    add(v1::REFERRAL_STATUS_UNMATCHED,
        {v1::REFERRAL_STATUS_ROUTED, v1::REFERRAL_STATUS_SIGNPOSTED});
    add(v1::REFERRAL_STATUS_SIGNPOSTED,
        {v1::REFERRAL_STATUS_CLOSED, v1::REFERRAL_STATUS_UNMATCHED, v1::REFERRAL_STATUS_ROUTED});
    add(v1::REFERRAL_STATUS_DECLINED, {v1::REFERRAL_STATUS_ROUTED, v1::REFERRAL_STATUS_UNMATCHED,
                                       v1::REFERRAL_STATUS_SIGNPOSTED});
    add(v1::REFERRAL_STATUS_ACCEPTED,
        {v1::REFERRAL_STATUS_IN_PROGRESS, v1::REFERRAL_STATUS_ON_HOLD, v1::REFERRAL_STATUS_CLOSED});
    add(v1::REFERRAL_STATUS_IN_PROGRESS, {v1::REFERRAL_STATUS_ON_HOLD, v1::REFERRAL_STATUS_CLOSED});
    add(v1::REFERRAL_STATUS_ON_HOLD, {v1::REFERRAL_STATUS_IN_PROGRESS, v1::REFERRAL_STATUS_CLOSED});
    // Every open status can be withdrawn by the referrer (BaRS "revoked"
    // is allowed only while active) and every non-error status can be
    // marked entered-in-error.
    for (S s : AllStatuses()) {
      if (IsOpen(s)) edges->insert({s, v1::REFERRAL_STATUS_WITHDRAWN});
      if (s != v1::REFERRAL_STATUS_ENTERED_IN_ERROR) {
        edges->insert({s, v1::REFERRAL_STATUS_ENTERED_IN_ERROR});
      }
    }
    return edges;
  }();
  return *kEdges;
}

}  // namespace

bool IsOpen(v1::ReferralStatus status) { return IsOpenStatus(status); }

bool CanTransition(v1::ReferralStatus from, v1::ReferralStatus to) {
  return Edges().count({from, to}) > 0;
}

bool CanRouteAgain(v1::ReferralStatus status) {
  for (v1::ReferralStatus target : {v1::REFERRAL_STATUS_ROUTED, v1::REFERRAL_STATUS_SIGNPOSTED,
                                    v1::REFERRAL_STATUS_UNMATCHED}) {
    if (target != status && !CanTransition(status, target)) return false;
  }
  return IsOpen(status);
}

absl::Status CheckTransition(v1::ReferralStatus from, v1::ReferralStatus to) {
  if (CanTransition(from, to)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("a referral in status ", v1::ReferralStatus_Name(from), " cannot move to ",
                   v1::ReferralStatus_Name(to)));
}

v1::ReferralEvent EventAbout(const v1::Referral& referral, v1::ReferralEvent::Type type,
                             std::string_view reason, absl::Time now) {
  v1::ReferralEvent event;
  event.set_type(type);
  event.set_referral_id(referral.referral_id());
  event.set_reference(referral.reference());
  event.set_referrer_ods_code(referral.submission().referrer().ods_code());
  event.set_previous_status(referral.status());
  event.set_status(referral.status());
  *event.mutable_occurred_at() = ToProtoTime(now);
  event.set_reason(std::string(reason));
  event.set_band(referral.triage().band());
  if (referral.triage().has_respond_by())
    *event.mutable_respond_by() = referral.triage().respond_by();
  return event;
}

absl::StatusOr<v1::ReferralEvent> Transition(v1::Referral& referral, v1::ReferralStatus to,
                                             std::string_view reason, absl::Time now) {
  if (absl::Status st = CheckTransition(referral.status(), to); !st.ok()) return st;
  v1::ReferralEvent event =
      EventAbout(referral, v1::ReferralEvent::TYPE_STATUS_CHANGED, reason, now);
  event.set_status(to);
  referral.set_status(to);
  *referral.mutable_updated_at() = ToProtoTime(now);
  return event;
}

std::vector<v1::ReferralStatus> AllStatuses() {
  std::vector<v1::ReferralStatus> out;
  const auto* desc = v1::ReferralStatus_descriptor();
  for (int i = 0; i < desc->value_count(); ++i) {
    const auto s = static_cast<v1::ReferralStatus>(desc->value(i)->number());
    if (s != v1::REFERRAL_STATUS_UNSPECIFIED) out.push_back(s);
  }
  return out;
}

}  // namespace signpost::router
