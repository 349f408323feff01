/** @file
 *
 * Error messages
 */

#include <stddef.h>
#include "core/errors.h"
#include "core/printf.h"

/** Messages for each error class */
static const char *const error_class_messages[ERRCLASS_MAX + 1] = {
	[ERRCLASS_EPERM] = "Operation not permitted",
	[ERRCLASS_ENOENT] = "No such file or directory",
	[ERRCLASS_EINTR] = "Interrupted",
	[ERRCLASS_EIO] = "Input/output error",
	[ERRCLASS_ENXIO] = "No such device or address",
	[ERRCLASS_E2BIG] = "Argument list too long",
	[ERRCLASS_ENOEXEC] = "Not an executable image",
	[ERRCLASS_EBADF] = "Bad file descriptor",
	[ERRCLASS_EAGAIN] = "Resource temporarily unavailable",
	[ERRCLASS_ENOMEM] = "Out of memory",
	[ERRCLASS_EACCES] = "Permission denied",
	[ERRCLASS_EFAULT] = "Bad address",
	[ERRCLASS_EBUSY] = "Device or resource busy",
	[ERRCLASS_EEXIST] = "Already exists",
	[ERRCLASS_ENODEV] = "No such device",
	[ERRCLASS_ENOTDIR] = "Not a directory",
	[ERRCLASS_EINVAL] = "Invalid argument",
	[ERRCLASS_ENFILE] = "Too many open files",
	[ERRCLASS_ENOTTY] = "Inappropriate operation for device",
	[ERRCLASS_EFBIG] = "File too large",
	[ERRCLASS_ENOSPC] = "No space left",
	[ERRCLASS_ESPIPE] = "Illegal seek",
	[ERRCLASS_EPIPE] = "Broken pipe",
	[ERRCLASS_ERANGE] = "Result out of range",
	[ERRCLASS_ENAMETOOLONG] = "Name too long",
	[ERRCLASS_ENOSYS] = "Not implemented",
	[ERRCLASS_ELOOP] = "Too many levels of nesting",
	[ERRCLASS_ENOMSG] = "No message of the desired type",
	[ERRCLASS_ENODATA] = "No data available",
	[ERRCLASS_ETIME] = "Timer expired",
	[ERRCLASS_EPROTO] = "Protocol error",
	[ERRCLASS_EBADMSG] = "Bad message",
	[ERRCLASS_EOVERFLOW] = "Value too large",
	[ERRCLASS_EILSEQ] = "Illegal byte sequence",
	[ERRCLASS_EMSGSIZE] = "Message too long",
	[ERRCLASS_EPROTONOSUPPORT] = "Protocol not supported",
	[ERRCLASS_ENOTSUP] = "Operation not supported",
	[ERRCLASS_EAFNOSUPPORT] = "Address family not supported",
	[ERRCLASS_EADDRINUSE] = "Address already in use",
	[ERRCLASS_EADDRNOTAVAIL] = "Address not available",
	[ERRCLASS_ENETDOWN] = "Network is down",
	[ERRCLASS_ENETUNREACH] = "Network unreachable",
	[ERRCLASS_ECONNABORTED] = "Connection aborted",
	[ERRCLASS_ECONNRESET] = "Connection reset",
	[ERRCLASS_ENOBUFS] = "No buffer space available",
	[ERRCLASS_ENOTCONN] = "Not connected",
	[ERRCLASS_ETIMEDOUT] = "Connection timed out",
	[ERRCLASS_ECONNREFUSED] = "Connection refused",
	[ERRCLASS_EHOSTUNREACH] = "No route to host",
	[ERRCLASS_EALREADY] = "Operation already in progress",
	[ERRCLASS_EINPROGRESS] = "Operation in progress",
	[ERRCLASS_ECANCELED] = "Cancelled",
	[ERRCLASS_EKEYREJECTED] = "Key rejected",
};

/**
 * Message for an error class
 *
 * @v class		Class number
 * @ret message		Message
 */
const char *error_class_message(unsigned int class)
{
	const char *message = NULL;

	if (class <= ERRCLASS_MAX)
		message = error_class_messages[class];
	return (message ? message : "Unknown error");
}

/**
 * Message for an error code
 *
 * A message given to the exact site with ERROR_MESSAGE() wins over the
 * message of the code's class.
 *
 * @v rc		Error code (negative or positive)
 * @ret message		Message
 */
const char *error_string(int rc)
{
	struct error_message *message;
	unsigned int code = ((rc < 0) ? -rc : rc);

	for_each_table_entry(message, ERROR_MESSAGES) {
		if (message->code == code)
			return message->text;
	}
	return error_class_message(code >> 24);
}

/**
 * Print the one-line report of a failure
 *
 * The format is the same everywhere:
 * "error 0x6e0c3001: Connection timed out (http://192.0.2.1/vmlinuz)".
 *
 * @v rc		Error code
 * @v context		What failed (a URI, a command, a device), or NULL
 */
void error_print(int rc, const char *context)
{
	unsigned int code = ((rc < 0) ? -rc : rc);

	if (context)
		printf("error 0x%08x: %s (%s)\n", code, error_string(rc), context);
	else
		printf("error 0x%08x: %s\n", code, error_string(rc));
}
