#include "router/triage/triage_facts.h"

#include "gtest/gtest.h"

namespace signpost::router {
namespace {

signpost::v1::CalendarDate Date(int y, int m, int d) {
  signpost::v1::CalendarDate out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

TEST(DecimalAgeTest, WholeAndFractionalYears) {
  EXPECT_DOUBLE_EQ(*DecimalAgeYears(Date(2008, 11, 24), absl::CivilDay(2026, 11, 24)), 18.0);
  const double just_under = *DecimalAgeYears(Date(2008, 11, 25), absl::CivilDay(2026, 11, 24));
  EXPECT_LT(just_under, 18.0);
  EXPECT_GT(just_under, 17.99);
  // Half-way between birthdays crosses 17.5.
  EXPECT_LT(*DecimalAgeYears(Date(2009, 5, 29), absl::CivilDay(2026, 11, 24)), 17.5);
  EXPECT_GE(*DecimalAgeYears(Date(2009, 5, 24), absl::CivilDay(2026, 11, 24)), 17.5);
}

TEST(DecimalAgeTest, LeapDayBirthdays) {
  // Born 29 Feb 2000: in 2026 the birthday is taken as 1 March.
  EXPECT_LT(*DecimalAgeYears(Date(2000, 2, 29), absl::CivilDay(2026, 2, 28)), 26.0);
  EXPECT_DOUBLE_EQ(*DecimalAgeYears(Date(2000, 2, 29), absl::CivilDay(2026, 3, 1)), 26.0);
}

TEST(DecimalAgeTest, InvalidOrFutureIsUnknown) {
  EXPECT_FALSE(DecimalAgeYears(Date(2030, 1, 1), absl::CivilDay(2026, 1, 1)).has_value());
  EXPECT_FALSE(DecimalAgeYears(Date(2001, 2, 30), absl::CivilDay(2026, 1, 1)).has_value());
  EXPECT_FALSE(DecimalAgeYears(Date(0, 0, 0), absl::CivilDay(2026, 1, 1)).has_value());
}

TEST(LocalFactsTest, OutOfHoursByDayTimeAndClosedDate) {
  signpost::v1::ServiceHours hours;
  for (int d = 1; d <= 5; ++d) hours.add_weekdays(d);
  hours.set_opens("09:00");
  hours.set_closes("17:00");
  *hours.add_closed_dates() = Date(2026, 12, 25);
  absl::TimeZone london;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &london));
  auto at = [&](int y, int mo, int d, int h, int mi) {
    return LocalFactsAt(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), london), london,
                        hours);
  };
  EXPECT_FALSE(at(2026, 11, 24, 9, 0).out_of_hours);  // Tue 09:00 opens
  EXPECT_FALSE(at(2026, 11, 24, 16, 59).out_of_hours);
  EXPECT_TRUE(at(2026, 11, 24, 17, 0).out_of_hours);  // closes
  EXPECT_TRUE(at(2026, 11, 24, 8, 59).out_of_hours);
  EXPECT_TRUE(at(2026, 11, 22, 2, 0).out_of_hours);  // Sunday
  EXPECT_EQ(at(2026, 11, 22, 2, 0).iso_weekday, 7);
  EXPECT_TRUE(at(2026, 12, 25, 11, 0).out_of_hours);  // bank holiday
  // Summer time: 09:30 BST is 08:30 UTC and must count as in hours.
  EXPECT_FALSE(at(2026, 7, 14, 9, 30).out_of_hours);
}

TEST(LocalFactsTest, ParseClockTime) {
  EXPECT_EQ(ParseClockTime("00:00"), 0);
  EXPECT_EQ(ParseClockTime("17:30"), 17 * 60 + 30);
  EXPECT_EQ(ParseClockTime("24:00"), 24 * 60);
  EXPECT_FALSE(ParseClockTime("24:01").has_value());
  EXPECT_FALSE(ParseClockTime("9:00").has_value());
  EXPECT_FALSE(ParseClockTime("09:60").has_value());
}

}  // namespace
}  // namespace signpost::router
