#ifndef CORE_TABLES_H
#define CORE_TABLES_H

/** @file
 *
 * Linker tables
 *
 * A linker table is an array whose entries are defined in many files.
 * Each entry is placed in a section named "ferry_tbl_<table>_<order>";
 * the linker script sorts those sections by name and keeps them, so the
 * entries of one table end up contiguous, ordered by <order>, between a
 * start marker (order 00) and an end marker (order 99).
 *
 * Section names are plain C identifiers on purpose: sanitizers leave
 * globals in such sections alone, so no red zone ever lands between two
 * entries.  Every entry is aligned to exactly the alignment of its type,
 * so the stride between entries is sizeof(type).
 *
 * Declaring a table:
 *
 *     #define COMMANDS __table(struct command, commands)
 *     #define __command __table_entry(COMMANDS, 01)
 *
 * Adding an entry (in any file):
 *
 *     struct command echo_command __command = { ... };
 *
 * Walking a table:
 *
 *     struct command *cmd;
 *     for_each_table_entry(cmd, COMMANDS) { ... }
 */

/** Declare a table as a (type, name) pair */
#define __table(type, name) (type, name)

/** The type of a table's entries */
#define __table_type(table)              __table_extract_type table
#define __table_extract_type(type, name) type

/** The name of a table */
#define __table_name(table)              __table_extract_name table
#define __table_extract_name(type, name) name

/** The section an entry of a table goes into */
#define __table_section(table, order) \
	__table_section_expand(__table_name(table), order)
#define __table_section_expand(name, order) __table_section_name(name, order)
#define __table_section_name(name, order) \
	__table_section_str(ferry_tbl_##name##_##order)
#define __table_section_str(x) #x

/** Alignment of a table's entries */
#define __table_alignment(table) __alignof__(__table_type(table))

/** Attributes for an entry of a table, at an order (two digits) */
#define __table_entry(table, order)                                          \
	__attribute__((__used__, __section__(__table_section(table, order)), \
		       __aligned__(__table_alignment(table))))

/** The first entry of a table */
#define table_start(table) __table_marker(table, 00)

/** One past the last entry of a table */
#define table_end(table) __table_marker(table, 99)

/**
 * A zero-length marker at an order of a table
 *
 * The pointer is laundered through an empty asm statement so that the
 * compiler cannot reason that it points to a zero-length object and
 * drop a loop that walks past it.
 */
#define __table_marker(table, order)                                   \
	({                                                             \
		static __table_type(table)                             \
			__table_marker[0] __table_entry(table, order); \
		__table_type(table) *__table_pointer = __table_marker; \
		__asm__("" : "+r"(__table_pointer));                   \
		__table_pointer;                                       \
	})

/** Number of entries in a table */
#define table_num_entries(table) \
	((unsigned int)(table_end(table) - table_start(table)))

/** Iterate over every entry of a table, in order */
#define for_each_table_entry(pointer, table)                           \
	for (pointer = table_start(table); pointer < table_end(table); \
	     pointer++)

/** Iterate over every entry of a table, last first */
#define for_each_table_entry_reverse(pointer, table)                          \
	for (pointer = (table_end(table) - 1); pointer >= table_start(table); \
	     pointer--)

#endif /* CORE_TABLES_H */
