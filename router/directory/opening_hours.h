// Opening hours: is a service open at a given moment, and if not, why.
//
//   OpenCheck c = CheckOpenAt(service.schedule(), t, london);
//   if (!c.open) reasons.push_back(c.reason);  // "closed at 02:00 on Sunday"
//
// A schedule with neither open_24_7 nor weekly hours is treated as unknown
// hours: never open for a time-bound check (a crisis must not be routed to a
// service whose hours we cannot show). Pure; thread-safe.
#ifndef SIGNPOST_ROUTER_DIRECTORY_OPENING_HOURS_H_
#define SIGNPOST_ROUTER_DIRECTORY_OPENING_HOURS_H_

#include <string>

#include "absl/time/time.h"
#include "signpost/v1/directory.pb.h"

namespace signpost::router {

struct OpenCheck {
  bool open = false;
  std::string reason;  // why not open ("closed at 22:00 on Saturday")
};

OpenCheck CheckOpenAt(const signpost::v1::Schedule& schedule, absl::Time t, absl::TimeZone zone);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_DIRECTORY_OPENING_HOURS_H_
