// google.protobuf.Timestamp <-> absl::Time, for every layer that handles
// proto messages.
//
//   *referral.mutable_received_at() = ToProtoTime(clock.Now());
//   absl::Time t = FromProtoTime(referral.received_at());
#ifndef SIGNPOST_PROTO_TIME_H_
#define SIGNPOST_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace signpost {

inline google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

inline absl::Time FromProtoTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace signpost

#endif  // SIGNPOST_PROTO_TIME_H_
