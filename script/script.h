#ifndef SCRIPT_SCRIPT_H
#define SCRIPT_SCRIPT_H

/** @file
 *
 * The command interpreter: command lines and scripts
 */

#include <stddef.h>

/** Most words on one command line */
#define SCRIPT_MAX_ARGS 256

extern int script_exec_line(const char *line);
extern int script_exec_buffer(const char *data, size_t len);
extern int script_is_script(const char *data, size_t len);

#endif /* SCRIPT_SCRIPT_H */
