/** @file
 *
 * Calendar arithmetic (proleptic Gregorian calendar, UTC, no leap
 * seconds)
 *
 * Dates are converted by counting whole years and months from
 * 1970-01-01: simple to check, and cheap enough for the few conversions
 * Ferry makes (a clock read per TLS connection).
 */

#include <stdint.h>
#include "core/time.h"
#include "core/errors.h"

#define EINVAL_DATE ERROR_CODE(ERRCLASS_EINVAL, 1)
ERROR_MESSAGE(EINVAL_DATE, "Clock reads as an impossible date");

/**
 * Test whether a year is a leap year
 *
 * @v year		Year
 * @ret leap		Year has 366 days
 */
int time_is_leap_year(unsigned int year)
{
	return (((year % 4) == 0) &&
		(((year % 100) != 0) || ((year % 400) == 0)));
}

/**
 * Days in a month
 *
 * @v year		Year
 * @v month		Month (1 to 12)
 * @ret days		Days (0 for an invalid month)
 */
unsigned int time_days_in_month(unsigned int year, unsigned int month)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && time_is_leap_year(year))
		return 29;
	return days[month - 1];
}

/**
 * Days in a year
 *
 * @v year		Year
 * @ret days		365 or 366
 */
static unsigned int time_days_in_year(unsigned int year)
{
	return (time_is_leap_year(year) ? 366 : 365);
}

/**
 * Convert a date and time of day to Unix time
 *
 * @v date		Date and time (UTC)
 * @v unix_seconds	Seconds since 1970-01-01 00:00:00 UTC to fill in
 * @ret rc		Return status code (a field out of range)
 */
int time_from_date(const struct time_date *date, uint64_t *unix_seconds)
{
	uint64_t days = 0;
	unsigned int year;
	unsigned int month;

	if (date->year < TIME_YEAR_MIN || date->year > TIME_YEAR_MAX ||
	    date->month < 1 || date->month > 12 || date->day < 1 ||
	    date->day > time_days_in_month(date->year, date->month) ||
	    date->hour > 23 || date->minute > 59 || date->second > 59)
		return -EINVAL_DATE;
	for (year = TIME_YEAR_MIN; year < date->year; year++)
		days += time_days_in_year(year);
	for (month = 1; month < date->month; month++)
		days += time_days_in_month(date->year, month);
	days += (date->day - 1);
	*unix_seconds = ((days * TIME_SECONDS_PER_DAY) + (date->hour * 3600) +
			 (date->minute * 60) + date->second);
	return 0;
}

/**
 * Convert Unix time to a date and time of day
 *
 * Times past the end of TIME_YEAR_MAX come out as the last second of
 * that year.
 *
 * @v unix_seconds	Seconds since 1970-01-01 00:00:00 UTC
 * @v date		Date and time (UTC) to fill in
 */
void time_to_date(uint64_t unix_seconds, struct time_date *date)
{
	uint64_t days = (unix_seconds / TIME_SECONDS_PER_DAY);
	unsigned int seconds = (unix_seconds % TIME_SECONDS_PER_DAY);
	unsigned int length;

	date->year = TIME_YEAR_MIN;
	while (days >= (length = time_days_in_year(date->year))) {
		if (date->year == TIME_YEAR_MAX) {
			date->month = 12;
			date->day = 31;
			date->hour = 23;
			date->minute = 59;
			date->second = 59;
			return;
		}
		days -= length;
		date->year++;
	}
	date->month = 1;
	while (days >= (length = time_days_in_month(date->year, date->month))) {
		days -= length;
		date->month++;
	}
	date->day = (days + 1);
	date->hour = (seconds / 3600);
	date->minute = ((seconds / 60) % 60);
	date->second = (seconds % 60);
}
