/** @file
 *
 * The CMOS real-time clock (MC146818 and compatibles): platform_time()
 *
 * The clock is read through the CMOS index and data ports.  Its
 * registers change once a second, during an "update in progress" that
 * lasts up to about 2 ms; a read is made after the update flag clears
 * and is repeated until two reads in a row agree, so that a date is
 * never assembled from both sides of an update.  Register B says
 * whether the values are BCD or binary and whether the hour is 12- or
 * 24-hour.
 *
 * The clock keeps a two-digit year; years 70 to 99 are taken as 19xx
 * and 00 to 69 as 20xx (the century register is not read: where it
 * lives varies between chipsets).  The clock is assumed to keep UTC,
 * as Linux and iPXE assume; a clock kept on local time makes
 * certificates look valid a few hours early or late.
 */

#include <stdint.h>
#include "core/platform.h"
#include "core/time.h"
#include "core/errors.h"
#include "core/io.h"
#include "core/string.h"

/** CMOS index port (bit 7 would mask NMIs: left clear) */
#define CMOS_INDEX 0x70
/** CMOS data port */
#define CMOS_DATA  0x71

/* Clock registers */
#define RTC_SECONDS  0x00
#define RTC_MINUTES  0x02
#define RTC_HOURS    0x04
#define RTC_DAY      0x07
#define RTC_MONTH    0x08
#define RTC_YEAR     0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b

/** Status A: an update is in progress, the time registers are changing */
#define RTC_STATUS_A_UIP    0x80
/** Status B: values are binary (else BCD) */
#define RTC_STATUS_B_BINARY 0x04
/** Status B: the hour is 24-hour (else 12-hour with a PM flag) */
#define RTC_STATUS_B_24H    0x02
/** Hour register in 12-hour mode: PM */
#define RTC_HOUR_PM         0x80

/** Longest wait for an update to finish (it lasts under 2 ms) */
#define RTC_UPDATE_WAIT_US 10000
/** Poll interval while waiting */
#define RTC_POLL_US        10
/** Reads made at most until two agree */
#define RTC_MAX_READS      5
/** Two-digit years below this are in the 2000s */
#define RTC_CENTURY_PIVOT  70

#define ETIMEDOUT_RTC ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
ERROR_MESSAGE(ETIMEDOUT_RTC, "Real-time clock is stuck in an update");
#define EIO_RTC ERROR_CODE(ERRCLASS_EIO, 1)
ERROR_MESSAGE(EIO_RTC, "Real-time clock reads as an impossible date");

/** The clock's registers as read */
struct rtc_registers {
	/** Seconds */
	uint8_t seconds;
	/** Minutes */
	uint8_t minutes;
	/** Hours (with RTC_HOUR_PM in 12-hour mode) */
	uint8_t hours;
	/** Day of the month */
	uint8_t day;
	/** Month */
	uint8_t month;
	/** Year within the century */
	uint8_t year;
	/** Status B (the format of the others) */
	uint8_t status_b;
};

/**
 * Read a CMOS register
 *
 * @v reg		Register
 * @ret value		Value
 */
static uint8_t rtc_readb(uint8_t reg)
{
	outb(reg, CMOS_INDEX);
	return inb(CMOS_DATA);
}

/**
 * Wait until the clock is not updating
 *
 * @ret rc		Return status code
 */
static int rtc_wait_update(void)
{
	unsigned int waited_us;

	for (waited_us = 0; waited_us < RTC_UPDATE_WAIT_US;
	     waited_us += RTC_POLL_US) {
		if (!(rtc_readb(RTC_STATUS_A) & RTC_STATUS_A_UIP))
			return 0;
		udelay(RTC_POLL_US);
	}
	return -ETIMEDOUT_RTC;
}

/**
 * Read the time registers once, between updates
 *
 * @v regs		Registers to fill in
 * @ret rc		Return status code
 */
static int rtc_read_registers(struct rtc_registers *regs)
{
	int rc;

	rc = rtc_wait_update();
	if (rc != 0)
		return rc;
	regs->seconds = rtc_readb(RTC_SECONDS);
	regs->minutes = rtc_readb(RTC_MINUTES);
	regs->hours = rtc_readb(RTC_HOURS);
	regs->day = rtc_readb(RTC_DAY);
	regs->month = rtc_readb(RTC_MONTH);
	regs->year = rtc_readb(RTC_YEAR);
	regs->status_b = rtc_readb(RTC_STATUS_B);
	return 0;
}

/**
 * Convert a register value to binary
 *
 * @v value		Value as read
 * @v binary		Clock is in binary mode (else BCD)
 * @ret number		Number, or 0xff if the BCD digits are invalid
 */
static unsigned int rtc_number(uint8_t value, int binary)
{
	if (binary)
		return value;
	if ((value & 0x0f) > 9 || (value >> 4) > 9)
		return 0xff;
	return (((value >> 4) * 10) + (value & 0x0f));
}

/**
 * Turn register values into a date
 *
 * @v regs		Registers
 * @v date		Date to fill in (range checks are the caller's)
 */
static void rtc_decode(const struct rtc_registers *regs, struct time_date *date)
{
	int binary = (regs->status_b & RTC_STATUS_B_BINARY);
	unsigned int hour;
	unsigned int year;

	date->second = rtc_number(regs->seconds, binary);
	date->minute = rtc_number(regs->minutes, binary);
	hour = rtc_number((regs->hours & ~RTC_HOUR_PM), binary);
	if (!(regs->status_b & RTC_STATUS_B_24H)) {
		/* 12-hour mode: 12 AM is midnight, 12 PM is noon */
		if (hour < 1 || hour > 12) {
			hour = 0xff;
		} else {
			hour %= 12;
			if (regs->hours & RTC_HOUR_PM)
				hour += 12;
		}
	}
	date->hour = hour;
	date->day = rtc_number(regs->day, binary);
	date->month = rtc_number(regs->month, binary);
	year = rtc_number(regs->year, binary);
	if (year > 99)
		year = 0;
	date->year = (year + ((year < RTC_CENTURY_PIVOT) ? 2000 : 1900));
}

/**
 * Read the wall-clock time from the real-time clock
 *
 * @v unix_seconds	Seconds since 1970-01-01 00:00:00 UTC to fill in
 * @ret rc		Return status code
 */
int platform_time(uint64_t *unix_seconds)
{
	struct rtc_registers regs;
	struct rtc_registers again;
	struct time_date date;
	unsigned int reads;
	int rc;

	rc = rtc_read_registers(&regs);
	if (rc != 0)
		return rc;
	for (reads = 1; reads < RTC_MAX_READS; reads++) {
		rc = rtc_read_registers(&again);
		if (rc != 0)
			return rc;
		if (memcmp(&regs, &again, sizeof(regs)) == 0)
			break;
		regs = again;
	}
	if (reads == RTC_MAX_READS)
		return -ETIMEDOUT_RTC;
	rtc_decode(&regs, &date);
	if (time_from_date(&date, unix_seconds) != 0)
		return -EIO_RTC;
	return 0;
}
