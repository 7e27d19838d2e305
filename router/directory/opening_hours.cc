#include "router/directory/opening_hours.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "router/triage/triage_facts.h"

namespace signpost::router {
namespace {

constexpr const char* kDayNames[] = {"",         "Monday", "Tuesday",  "Wednesday",
                                     "Thursday", "Friday", "Saturday", "Sunday"};

}  // namespace

OpenCheck CheckOpenAt(const signpost::v1::Schedule& schedule, absl::Time t, absl::TimeZone zone) {
  static const signpost::v1::ServiceHours kNoHours;
  const LocalTimeFacts local = LocalFactsAt(t, zone, kNoHours);
  const absl::CivilDay day(local.local);
  const std::string when = absl::StrFormat("%02d:%02d on %s", local.minute_of_day / 60,
                                           local.minute_of_day % 60, kDayNames[local.iso_weekday]);
  for (const auto& closed : schedule.closed_dates()) {
    if (closed.year() == day.year() && closed.month() == day.month() && closed.day() == day.day()) {
      return {false, absl::StrFormat("closed on %04d-%02d-%02d", closed.year(), closed.month(),
                                     closed.day())};
    }
  }
  if (schedule.open_24_7()) return {true, ""};
  if (schedule.weekly().empty()) return {false, "opening hours unknown"};
  for (const auto& hours : schedule.weekly()) {
    if (std::find(hours.weekdays().begin(), hours.weekdays().end(), local.iso_weekday) ==
        hours.weekdays().end()) {
      continue;
    }
    const auto opens = ParseClockTime(hours.opens());
    const auto closes = ParseClockTime(hours.closes());
    if (opens && closes && local.minute_of_day >= *opens && local.minute_of_day < *closes) {
      return {true, ""};
    }
  }
  return {false, "closed at " + when};
}

}  // namespace signpost::router
