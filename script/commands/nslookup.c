/** @file
 *
 * "nslookup [--type A|CNAME] name" prints what a name resolves to:
 *
 *     boot.example.test: 192.0.2.1
 *     www.example.test: alias for boot.example.test
 *
 * "nslookup [--type A|CNAME] setting name" stores the answer in a
 * setting instead, as iPXE's nslookup does ("nslookup server
 * boot.example.test" sets ${server}).  A failure prints one error line
 * naming the host.
 */

#include <stddef.h>
#include "core/command.h"
#include "core/errors.h"
#include "core/getopt.h"
#include "core/printf.h"
#include "core/settings.h"
#include "core/string.h"
#include "net/ipv4.h"
#include "net/resolv.h"
#include "net/socket.h"

/** Unknown record type */
#define ENOTSUP_TYPE ERROR_CODE(ERRCLASS_ENOTSUP, 1)
ERROR_MESSAGE(ENOTSUP_TYPE, "No such record type (A or CNAME)");

/**
 * Run "nslookup"
 *
 * @v argc		Number of arguments
 * @v argv		Arguments
 * @ret rc		Return status code
 */
static int nslookup_exec(int argc, char **argv)
{
	static const struct option options[] = {
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct resolv_result result;
	struct settings *settings;
	struct setting setting;
	const struct sockaddr_in *sin;
	const char *setting_name = NULL;
	const char *host;
	unsigned int type = RESOLV_TYPE_A;
	char text[RESOLV_NAME_MAX + 1];
	int option;
	int rc;

	while ((option = getopt_long(argc, argv, "t:", options, NULL)) != -1) {
		switch (option) {
		case 't':
			if (strcasecmp(optarg, "A") == 0) {
				type = RESOLV_TYPE_A;
			} else if (strcasecmp(optarg, "CNAME") == 0) {
				type = RESOLV_TYPE_CNAME;
			} else {
				error_print(-ENOTSUP_TYPE, optarg);
				return -ENOTSUP_TYPE;
			}
			break;
		default:
			goto usage;
		}
	}
	if (optind == (argc - 2)) {
		setting_name = argv[optind];
		host = argv[optind + 1];
	} else if (optind == (argc - 1)) {
		host = argv[optind];
	} else {
		goto usage;
	}

	if ((rc = resolv_wait(host, type, &result)) != 0) {
		error_print(rc, host);
		return rc;
	}
	sin = (const struct sockaddr_in *)&result.sa;
	if (type == RESOLV_TYPE_CNAME)
		strlcpy(text, result.name, sizeof(text));
	else
		strlcpy(text, inet_ntoa(sin->sin_addr), sizeof(text));

	if (!setting_name) {
		if (type == RESOLV_TYPE_CNAME)
			printf("%s: alias for %s\n", host, text);
		else if (result.alias)
			printf("%s: %s (alias for %s)\n", host, text,
			       result.name);
		else
			printf("%s: %s\n", host, text);
		return 0;
	}
	if ((rc = setting_parse_name(setting_name, &settings, &setting)) != 0 ||
	    (rc = setting_storef(settings, &setting, text)) != 0) {
		error_print(rc, setting_name);
		return rc;
	}
	return 0;

usage:
	printf("usage: nslookup [--type A|CNAME] [setting] name\n");
	return -EINVAL;
}

/** The "nslookup" command */
struct command nslookup_command __command = {
	.name = "nslookup",
	.usage = "nslookup [--type A|CNAME] [setting] name",
	.exec = nslookup_exec,
};
