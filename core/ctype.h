#ifndef CORE_CTYPE_H
#define CORE_CTYPE_H

/** @file
 *
 * Character classes (ASCII only; bytes above 0x7f belong to no class)
 */

/** @v c Character @ret is Character is a decimal digit */
static inline int isdigit(int c)
{
	return (c >= '0' && c <= '9');
}
/** @v c Character @ret is Character is a hex digit */
static inline int isxdigit(int c)
{
	return (isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}
/** @v c Character @ret is Character is an upper-case letter */
static inline int isupper(int c)
{
	return (c >= 'A' && c <= 'Z');
}
/** @v c Character @ret is Character is a lower-case letter */
static inline int islower(int c)
{
	return (c >= 'a' && c <= 'z');
}
/** @v c Character @ret is Character is a letter */
static inline int isalpha(int c)
{
	return (isupper(c) || islower(c));
}
/** @v c Character @ret is Character is a letter or digit */
static inline int isalnum(int c)
{
	return (isalpha(c) || isdigit(c));
}
/** @v c Character @ret is Character is white space */
static inline int isspace(int c)
{
	return (c == ' ' || (c >= '\t' && c <= '\r'));
}
/** @v c Character @ret is Character is printable (including space) */
static inline int isprint(int c)
{
	return (c >= 0x20 && c <= 0x7e);
}
/** @v c Character @ret upper Upper-case character */
static inline int toupper(int c)
{
	return (islower(c) ? (c - 'a' + 'A') : c);
}
/** @v c Character @ret lower Lower-case character */
static inline int tolower(int c)
{
	return (isupper(c) ? (c - 'A' + 'a') : c);
}

#endif /* CORE_CTYPE_H */
