#include "router/triage/triage_facts.h"

#include <algorithm>

namespace signpost::router {
namespace {

absl::CivilDay Birthday(const signpost::v1::CalendarDate& dob, absl::civil_year_t year) {
  // CivilDay normalises 29 Feb in a non-leap year to 1 March.
  return absl::CivilDay(year, dob.month(), dob.day());
}

int IsoWeekday(absl::Weekday w) {
  switch (w) {
    case absl::Weekday::monday:
      return 1;
    case absl::Weekday::tuesday:
      return 2;
    case absl::Weekday::wednesday:
      return 3;
    case absl::Weekday::thursday:
      return 4;
    case absl::Weekday::friday:
      return 5;
    case absl::Weekday::saturday:
      return 6;
    case absl::Weekday::sunday:
      return 7;
  }
  return 1;
}

}  // namespace

std::optional<double> DecimalAgeYears(const signpost::v1::CalendarDate& dob, absl::CivilDay on) {
  if (dob.year() < 1 || dob.month() < 1 || dob.month() > 12 || dob.day() < 1 || dob.day() > 31) {
    return std::nullopt;
  }
  const absl::CivilDay born(dob.year(), dob.month(), dob.day());
  if (born.month() != dob.month() || born > on) return std::nullopt;
  absl::civil_year_t years = on.year() - dob.year();
  if (Birthday(dob, on.year()) > on) --years;
  const absl::CivilDay last = Birthday(dob, dob.year() + years);
  const absl::CivilDay next = Birthday(dob, dob.year() + years + 1);
  const double fraction =
      static_cast<double>(on - last) / static_cast<double>(std::max<int64_t>(1, next - last));
  return static_cast<double>(years) + fraction;
}

std::optional<int> ParseClockTime(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

LocalTimeFacts LocalFactsAt(absl::Time t, absl::TimeZone zone,
                            const signpost::v1::ServiceHours& hours) {
  LocalTimeFacts f;
  f.local = absl::ToCivilSecond(t, zone);
  const absl::CivilDay day(f.local);
  f.iso_weekday = IsoWeekday(absl::GetWeekday(day));
  f.minute_of_day = f.local.hour() * 60 + f.local.minute();
  bool working_day = std::find(hours.weekdays().begin(), hours.weekdays().end(), f.iso_weekday) !=
                     hours.weekdays().end();
  for (const auto& closed : hours.closed_dates()) {
    if (closed.year() == day.year() && closed.month() == day.month() && closed.day() == day.day()) {
      working_day = false;
    }
  }
  const int opens = ParseClockTime(hours.opens()).value_or(0);
  const int closes = ParseClockTime(hours.closes()).value_or(0);
  f.out_of_hours = !(working_day && f.minute_of_day >= opens && f.minute_of_day < closes);
  return f;
}

}  // namespace signpost::router
