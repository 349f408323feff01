#ifndef CORE_READLINE_H
#define CORE_READLINE_H

/** @file
 *
 * Line editing with history
 */

/** Longest line readline() accepts (longer input is refused, not cut) */
#define READLINE_MAX 4096

/** Number of lines kept in the history */
#define READLINE_HISTORY_DEPTH 16

extern int readline(const char *prompt, const char *prefill, char **line);

#endif /* CORE_READLINE_H */
