// Derived facts triage conditions test: decimal age and local time.
//
//   DecimalAgeYears(dob, absl::CivilDay(2026, 11, 22))  -> 17.504...
//   LocalFactsAt(t, london, hours).out_of_hours         -> true at 02:00 Sunday
//
// Pure functions; thread-safe.
#ifndef SIGNPOST_ROUTER_TRIAGE_TRIAGE_FACTS_H_
#define SIGNPOST_ROUTER_TRIAGE_TRIAGE_FACTS_H_

#include <optional>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "signpost/v1/triage.pb.h"
#include "signpost/v1/vocabulary.pb.h"

namespace signpost::router {

// Age in decimal years on `on`: whole years since the date of birth plus
// the fraction of the current birthday-to-birthday year elapsed (so 17.5 is
// reached about half-way between the 17th and 18th birthdays). A 29 February
// birthday falls on 1 March in other years. nullopt if `dob` is not a valid
// date or is after `on`.
std::optional<double> DecimalAgeYears(const signpost::v1::CalendarDate& dob, absl::CivilDay on);

struct LocalTimeFacts {
  absl::CivilSecond local;
  int iso_weekday = 1;  // 1 Monday ... 7 Sunday
  int minute_of_day = 0;
  bool out_of_hours = false;
};

// Local civil time of `t` in `zone`, and whether it is outside `hours`
// (a weekday not listed, a closed date, or outside opens-closes).
LocalTimeFacts LocalFactsAt(absl::Time t, absl::TimeZone zone,
                            const signpost::v1::ServiceHours& hours);

// "HH:MM" -> minutes after midnight; nullopt if malformed.
std::optional<int> ParseClockTime(std::string_view hh_mm);

}  // namespace signpost::router

#endif  // SIGNPOST_ROUTER_TRIAGE_TRIAGE_FACTS_H_
