#ifndef CORE_TIME_H
#define CORE_TIME_H

/** @file
 *
 * Calendar arithmetic: dates and times of day to and from Unix time
 *
 * Unix time counts seconds since 1970-01-01 00:00:00 UTC without leap
 * seconds; dates are in the proleptic Gregorian calendar.  Platforms use
 * this to turn a hardware clock's date into platform_time()'s answer,
 * and TLS to turn that answer into BearSSL's day count.
 */

#include <stdint.h>

/** Seconds in a day */
#define TIME_SECONDS_PER_DAY    86400U
/** Days from 0000-01-01 (proleptic Gregorian) to 1970-01-01 */
#define TIME_DAYS_YEAR0_TO_UNIX 719528U
/** Earliest year the conversions accept */
#define TIME_YEAR_MIN           1970
/** Latest year the conversions accept */
#define TIME_YEAR_MAX           9999

/** A broken-down UTC date and time */
struct time_date {
	/** Year (TIME_YEAR_MIN to TIME_YEAR_MAX) */
	unsigned int year;
	/** Month (1 to 12) */
	unsigned int month;
	/** Day of the month (1 to 31) */
	unsigned int day;
	/** Hour (0 to 23) */
	unsigned int hour;
	/** Minute (0 to 59) */
	unsigned int minute;
	/** Second (0 to 59) */
	unsigned int second;
};

extern int time_is_leap_year(unsigned int year);
extern unsigned int time_days_in_month(unsigned int year, unsigned int month);
extern int time_from_date(const struct time_date *date, uint64_t *unix_seconds);
extern void time_to_date(uint64_t unix_seconds, struct time_date *date);

#endif /* CORE_TIME_H */
