#ifndef CORE_SHELL_H
#define CORE_SHELL_H

/** @file
 *
 * The interactive command line
 */

extern unsigned long main_prompt_timeout_ms;
extern int main_autoboot;

extern int shell(void);
extern void ferry_init(void);
extern void ferry_banner(void);
extern void ferry_main(void);

#endif /* CORE_SHELL_H */
