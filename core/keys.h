#ifndef CORE_KEYS_H
#define CORE_KEYS_H

/** @file
 *
 * Keys
 *
 * getkey() returns a byte for ordinary keys and one of these codes for
 * special keys, decoded from the ANSI escape sequences that consoles
 * deliver.  Codes above 0xff cannot be confused with bytes.
 */

#include <stdint.h>

#define CTRL_A        0x01
#define CTRL_B        0x02
#define CTRL_C        0x03
#define CTRL_D        0x04
#define CTRL_E        0x05
#define CTRL_F        0x06
#define CTRL_H        0x08
#define CTRL_K        0x0b
#define CTRL_L        0x0c
#define CTRL_N        0x0e
#define CTRL_P        0x10
#define CTRL_U        0x15
#define CTRL_W        0x17
#define KEY_TAB       0x09
#define KEY_ENTER     0x0d
#define KEY_LF        0x0a
#define KEY_ESC       0x1b
#define KEY_BACKSPACE 0x7f

#define KEY_UP        0x101
#define KEY_DOWN      0x102
#define KEY_RIGHT     0x103
#define KEY_LEFT      0x104
#define KEY_HOME      0x105
#define KEY_END       0x106
#define KEY_INSERT    0x107
#define KEY_DELETE    0x108
#define KEY_PAGE_UP   0x109
#define KEY_PAGE_DOWN 0x10a
#define KEY_F1        0x111
#define KEY_F12       (KEY_F1 + 11)

/** getkey() timeout meaning "wait forever" */
#define GETKEY_FOREVER (~0UL)

extern int getkey(unsigned long timeout_ms);

#endif /* CORE_KEYS_H */
