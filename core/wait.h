#ifndef CORE_WAIT_H
#define CORE_WAIT_H

/** @file
 *
 * Waiting, with Ctrl-C
 *
 * Every wait in Ferry runs the main loop and watches the console for
 * Ctrl-C, so no long step can hold the user hostage.
 */

extern int wait_ms(unsigned long ms);
extern int wait_check_cancel(void);

#endif /* CORE_WAIT_H */
