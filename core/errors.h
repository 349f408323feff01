#ifndef CORE_ERRORS_H
#define CORE_ERRORS_H

/** @file
 *
 * Error codes
 *
 * Functions return an int rc: 0 on success, a negative error code on
 * failure.  An error code is a 31-bit number that says what went wrong
 * and where:
 *
 *     bits 30..24  class: a POSIX-style reason (ETIMEDOUT, ENOMEM...)
 *     bits 23..8   file:  the source file's number, assigned by the build
 *                         (config/file-ids.txt, appended automatically)
 *     bits 7..0    site:  a per-file number telling apart the places in
 *                         one file that fail with the same class
 *
 * Using a bare class name such as ENOMEM gives that class with the
 * current file's number and site 0.  Because the file is part of the
 * code, a caller tests the class of a code it did not make with
 * ERROR_IS(rc, ECANCELED).  A file that wants a distinct code
 * (and, optionally, its own message) for one failure defines it with
 * ERROR_CODE():
 *
 *     #define ETIMEDOUT_ARP ERROR_CODE(ERRCLASS_ETIMEDOUT, 1)
 *     ERROR_MESSAGE(ETIMEDOUT_ARP, "No ARP reply");
 *
 * docs/errors.md lists every class, every file number and every site
 * message; util/errors.py generates it from the sources.
 */

#include <stdint.h>
#include "core/tables.h"

#ifndef FILE_ID
#error "FILE_ID must be set by the build (see config/file-ids.txt)"
#endif

/** Build an error code from a class and a per-file site number */
#define ERROR_CODE(class, site) \
	((((class) & 0x7f) << 24) | (((FILE_ID)&0xffff) << 8) | ((site)&0xff))

/**
 * The class part of an error code
 *
 * @v rc		Error code (negative or positive)
 * @ret class		Class (ERRCLASS_...)
 */
static inline unsigned int error_class(int rc)
{
	return ((unsigned int)((rc < 0) ? -rc : rc) >> 24);
}

/**
 * The file part of an error code
 *
 * @v rc		Error code (negative or positive)
 * @ret file		File number (config/file-ids.txt)
 */
static inline unsigned int error_file(int rc)
{
	return (((unsigned int)((rc < 0) ? -rc : rc) >> 8) & 0xffff);
}

/** The class part of an error code (positive or negative) */
#define ERROR_CLASS(rc) error_class(rc)

/**
 * Test an error code's class
 *
 * Codes differ per file and site, so code from another file is compared
 * by class: ERROR_IS(rc, ECANCELED), never rc == -ECANCELED.
 */
#define ERROR_IS(rc, class) (ERROR_CLASS(rc) == ERRCLASS_##class)

/** The file part of an error code (positive or negative) */
#define ERROR_FILE(rc) error_file(rc)

/* Error classes: POSIX numbers, so that they read familiarly */
#define ERRCLASS_EPERM           1
#define ERRCLASS_ENOENT          2
#define ERRCLASS_EINTR           4
#define ERRCLASS_EIO             5
#define ERRCLASS_ENXIO           6
#define ERRCLASS_E2BIG           7
#define ERRCLASS_ENOEXEC         8
#define ERRCLASS_EBADF           9
#define ERRCLASS_EAGAIN          11
#define ERRCLASS_ENOMEM          12
#define ERRCLASS_EACCES          13
#define ERRCLASS_EFAULT          14
#define ERRCLASS_EBUSY           16
#define ERRCLASS_EEXIST          17
#define ERRCLASS_ENODEV          19
#define ERRCLASS_ENOTDIR         20
#define ERRCLASS_EINVAL          22
#define ERRCLASS_ENFILE          23
#define ERRCLASS_ENOTTY          25
#define ERRCLASS_EFBIG           27
#define ERRCLASS_ENOSPC          28
#define ERRCLASS_ESPIPE          29
#define ERRCLASS_EPIPE           32
#define ERRCLASS_ERANGE          34
#define ERRCLASS_ENAMETOOLONG    36
#define ERRCLASS_ENOSYS          38
#define ERRCLASS_ELOOP           40
#define ERRCLASS_ENOMSG          42
#define ERRCLASS_ENODATA         61
#define ERRCLASS_ETIME           62
#define ERRCLASS_EPROTO          71
#define ERRCLASS_EBADMSG         74
#define ERRCLASS_EOVERFLOW       75
#define ERRCLASS_EILSEQ          84
#define ERRCLASS_EMSGSIZE        90
#define ERRCLASS_EPROTONOSUPPORT 93
#define ERRCLASS_ENOTSUP         95
#define ERRCLASS_EAFNOSUPPORT    97
#define ERRCLASS_EADDRINUSE      98
#define ERRCLASS_EADDRNOTAVAIL   99
#define ERRCLASS_ENETDOWN        100
#define ERRCLASS_ENETUNREACH     101
#define ERRCLASS_ECONNABORTED    103
#define ERRCLASS_ECONNRESET      104
#define ERRCLASS_ENOBUFS         105
#define ERRCLASS_ENOTCONN        107
#define ERRCLASS_ETIMEDOUT       110
#define ERRCLASS_ECONNREFUSED    111
#define ERRCLASS_EHOSTUNREACH    113
#define ERRCLASS_EALREADY        114
#define ERRCLASS_EINPROGRESS     115
#define ERRCLASS_ECANCELED       125
#define ERRCLASS_EKEYREJECTED    126
/** Highest class number */
#define ERRCLASS_MAX             127

#define EPERM           ERROR_CODE(ERRCLASS_EPERM, 0)
#define ENOENT          ERROR_CODE(ERRCLASS_ENOENT, 0)
#define EINTR           ERROR_CODE(ERRCLASS_EINTR, 0)
#define EIO             ERROR_CODE(ERRCLASS_EIO, 0)
#define ENXIO           ERROR_CODE(ERRCLASS_ENXIO, 0)
#define E2BIG           ERROR_CODE(ERRCLASS_E2BIG, 0)
#define ENOEXEC         ERROR_CODE(ERRCLASS_ENOEXEC, 0)
#define EBADF           ERROR_CODE(ERRCLASS_EBADF, 0)
#define EAGAIN          ERROR_CODE(ERRCLASS_EAGAIN, 0)
#define ENOMEM          ERROR_CODE(ERRCLASS_ENOMEM, 0)
#define EACCES          ERROR_CODE(ERRCLASS_EACCES, 0)
#define EFAULT          ERROR_CODE(ERRCLASS_EFAULT, 0)
#define EBUSY           ERROR_CODE(ERRCLASS_EBUSY, 0)
#define EEXIST          ERROR_CODE(ERRCLASS_EEXIST, 0)
#define ENODEV          ERROR_CODE(ERRCLASS_ENODEV, 0)
#define ENOTDIR         ERROR_CODE(ERRCLASS_ENOTDIR, 0)
#define EINVAL          ERROR_CODE(ERRCLASS_EINVAL, 0)
#define ENFILE          ERROR_CODE(ERRCLASS_ENFILE, 0)
#define ENOTTY          ERROR_CODE(ERRCLASS_ENOTTY, 0)
#define EFBIG           ERROR_CODE(ERRCLASS_EFBIG, 0)
#define ENOSPC          ERROR_CODE(ERRCLASS_ENOSPC, 0)
#define ESPIPE          ERROR_CODE(ERRCLASS_ESPIPE, 0)
#define EPIPE           ERROR_CODE(ERRCLASS_EPIPE, 0)
#define ERANGE          ERROR_CODE(ERRCLASS_ERANGE, 0)
#define ENAMETOOLONG    ERROR_CODE(ERRCLASS_ENAMETOOLONG, 0)
#define ENOSYS          ERROR_CODE(ERRCLASS_ENOSYS, 0)
#define ELOOP           ERROR_CODE(ERRCLASS_ELOOP, 0)
#define ENOMSG          ERROR_CODE(ERRCLASS_ENOMSG, 0)
#define ENODATA         ERROR_CODE(ERRCLASS_ENODATA, 0)
#define ETIME           ERROR_CODE(ERRCLASS_ETIME, 0)
#define EPROTO          ERROR_CODE(ERRCLASS_EPROTO, 0)
#define EBADMSG         ERROR_CODE(ERRCLASS_EBADMSG, 0)
#define EOVERFLOW       ERROR_CODE(ERRCLASS_EOVERFLOW, 0)
#define EILSEQ          ERROR_CODE(ERRCLASS_EILSEQ, 0)
#define EMSGSIZE        ERROR_CODE(ERRCLASS_EMSGSIZE, 0)
#define EPROTONOSUPPORT ERROR_CODE(ERRCLASS_EPROTONOSUPPORT, 0)
#define ENOTSUP         ERROR_CODE(ERRCLASS_ENOTSUP, 0)
#define EAFNOSUPPORT    ERROR_CODE(ERRCLASS_EAFNOSUPPORT, 0)
#define EADDRINUSE      ERROR_CODE(ERRCLASS_EADDRINUSE, 0)
#define EADDRNOTAVAIL   ERROR_CODE(ERRCLASS_EADDRNOTAVAIL, 0)
#define ENETDOWN        ERROR_CODE(ERRCLASS_ENETDOWN, 0)
#define ENETUNREACH     ERROR_CODE(ERRCLASS_ENETUNREACH, 0)
#define ECONNABORTED    ERROR_CODE(ERRCLASS_ECONNABORTED, 0)
#define ECONNRESET      ERROR_CODE(ERRCLASS_ECONNRESET, 0)
#define ENOBUFS         ERROR_CODE(ERRCLASS_ENOBUFS, 0)
#define ENOTCONN        ERROR_CODE(ERRCLASS_ENOTCONN, 0)
#define ETIMEDOUT       ERROR_CODE(ERRCLASS_ETIMEDOUT, 0)
#define ECONNREFUSED    ERROR_CODE(ERRCLASS_ECONNREFUSED, 0)
#define EHOSTUNREACH    ERROR_CODE(ERRCLASS_EHOSTUNREACH, 0)
#define EALREADY        ERROR_CODE(ERRCLASS_EALREADY, 0)
#define EINPROGRESS     ERROR_CODE(ERRCLASS_EINPROGRESS, 0)
#define ECANCELED       ERROR_CODE(ERRCLASS_ECANCELED, 0)
#define EKEYREJECTED    ERROR_CODE(ERRCLASS_EKEYREJECTED, 0)

/** A message for one error site, more precise than its class's */
struct error_message {
	/** Error code (positive) */
	uint32_t code;
	/** Message */
	const char *text;
};

/** Table of per-site error messages */
#define ERROR_MESSAGES __table(struct error_message, error_messages)

/** Give an error site its own message */
#define ERROR_MESSAGE(error, message)                                      \
	static struct error_message __error_message_##error __table_entry( \
		ERROR_MESSAGES, 01) = { .code = (error), .text = (message) }

extern const char *error_string(int rc);
extern void error_print(int rc, const char *context);
extern const char *error_class_message(unsigned int class);

#endif /* CORE_ERRORS_H */
