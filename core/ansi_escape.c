/** @file
 *
 * ANSI escape sequences in console output, for screens
 *
 * A small ECMA-48 state machine: escape sequences, control sequences
 * (CSI) with numeric parameters, and strings (OSC, DCS...) that are
 * skipped.  Controls (C0) inside a sequence are passed on at once, as a
 * terminal executes them; CAN and SUB abandon a sequence.
 */

#include "core/ansi_escape.h"
#include "core/string.h"

/** Escape */
#define ANSI_ESC 0x1b
/** Cancel */
#define ANSI_CAN 0x18
/** Substitute */
#define ANSI_SUB 0x1a
/** Bell (ends an OSC string) */
#define ANSI_BEL 0x07

/** Largest parameter value kept (larger values are clamped) */
#define ANSI_PARAM_MAX 9999

/**
 * Reset the attributes to the defaults
 *
 * @v ansi		Parser
 */
static void ansi_escape_reset_attributes(struct ansi_escape *ansi)
{
	ansi->attributes.foreground = ANSI_COLOUR_DEFAULT;
	ansi->attributes.background = ANSI_COLOUR_DEFAULT;
	ansi->attributes.bold = 0;
	ansi->attributes.bright_background = 0;
	ansi->attributes.reverse = 0;
}

/**
 * Initialise a parser
 *
 * @v ansi		Parser
 * @v op		Screen operations
 */
void ansi_escape_init(struct ansi_escape *ansi,
		      const struct ansi_screen_operations *op)
{
	memset(ansi, 0, sizeof(*ansi));
	ansi->op = op;
	ansi->state = ANSI_STATE_GROUND;
	ansi_escape_reset_attributes(ansi);
}

/**
 * Get a numeric parameter
 *
 * @v ansi		Parser
 * @v index		Parameter index
 * @v fallback		Value if the parameter is missing or zero
 * @ret value		Value
 */
static unsigned int ansi_escape_param(struct ansi_escape *ansi,
				      unsigned int index, unsigned int fallback)
{
	if (index >= ansi->count || !ansi->params[index])
		return fallback;
	return ansi->params[index];
}

/**
 * Apply "select graphic rendition" (CSI ... m)
 *
 * @v ansi		Parser
 */
static void ansi_escape_sgr(struct ansi_escape *ansi)
{
	struct ansi_attributes *attributes = &ansi->attributes;
	unsigned int count = (ansi->count ? ansi->count : 1);
	unsigned int param;
	unsigned int i;

	for (i = 0; i < count; i++) {
		param = ((i < ansi->count) ? ansi->params[i] : 0);
		if (param == 0) {
			ansi_escape_reset_attributes(ansi);
		} else if (param == 1) {
			attributes->bold = 1;
		} else if (param == 22) {
			attributes->bold = 0;
		} else if (param == 7) {
			attributes->reverse = 1;
		} else if (param == 27) {
			attributes->reverse = 0;
		} else if (param >= 30 && param <= 37) {
			attributes->foreground = (param - 30);
		} else if (param == 39) {
			attributes->foreground = ANSI_COLOUR_DEFAULT;
		} else if (param >= 40 && param <= 47) {
			attributes->background = (param - 40);
			attributes->bright_background = 0;
		} else if (param == 49) {
			attributes->background = ANSI_COLOUR_DEFAULT;
			attributes->bright_background = 0;
		} else if (param >= 90 && param <= 97) {
			attributes->foreground = (param - 90);
			attributes->bold = 1;
		} else if (param >= 100 && param <= 107) {
			attributes->background = (param - 100);
			attributes->bright_background = 1;
		} else if (param == 38 || param == 48) {
			/* Extended colours: skip "5;n" or "2;r;g;b" */
			if ((i + 1) < count && ansi->params[i + 1] == 5)
				i += 2;
			else if ((i + 1) < count && ansi->params[i + 1] == 2)
				i += 4;
		}
	}
	ansi->op->set_attributes(ansi);
}

/**
 * Reset the screen (ESC c)
 *
 * @v ansi		Parser
 */
static void ansi_escape_reset(struct ansi_escape *ansi)
{
	ansi_escape_reset_attributes(ansi);
	ansi->op->set_attributes(ansi);
	ansi->op->erase_display(ansi, ANSI_ERASE_ALL);
	ansi->op->move_to(ansi, 0, 0);
	ansi->op->show_cursor(ansi, 1);
}

/**
 * Carry out a complete control sequence
 *
 * @v ansi		Parser
 * @v final		Final byte
 */
static void ansi_escape_csi(struct ansi_escape *ansi, int final)
{
	const struct ansi_screen_operations *op = ansi->op;
	unsigned int first = ansi_escape_param(ansi, 0, 1);
	unsigned int erase;

	if (ansi->intermediate)
		return;
	if (ansi->private) {
		if (ansi->private == '?' &&
		    ansi_escape_param(ansi, 0, 0) == 25) {
			if (final == 'h')
				op->show_cursor(ansi, 1);
			else if (final == 'l')
				op->show_cursor(ansi, 0);
		}
		return;
	}

	switch (final) {
	case 'A':
		op->move_by(ansi, -(int)first, 0);
		break;
	case 'B':
		op->move_by(ansi, first, 0);
		break;
	case 'C':
		op->move_by(ansi, 0, first);
		break;
	case 'D':
		op->move_by(ansi, 0, -(int)first);
		break;
	case 'E':
		op->move_by(ansi, first, 0);
		op->move_to(ansi, -1, 0);
		break;
	case 'F':
		op->move_by(ansi, -(int)first, 0);
		op->move_to(ansi, -1, 0);
		break;
	case 'G':
		op->move_to(ansi, -1, (first - 1));
		break;
	case 'd':
		op->move_to(ansi, (first - 1), -1);
		break;
	case 'H':
	case 'f':
		op->move_to(ansi, (first - 1),
			    (ansi_escape_param(ansi, 1, 1) - 1));
		break;
	case 'J':
		erase = ansi_escape_param(ansi, 0, 0);
		if (erase <= ANSI_ERASE_ALL)
			op->erase_display(ansi, erase);
		else if (erase == 3)
			op->erase_display(ansi, ANSI_ERASE_ALL);
		break;
	case 'K':
		erase = ansi_escape_param(ansi, 0, 0);
		if (erase <= ANSI_ERASE_ALL)
			op->erase_line(ansi, erase);
		break;
	case 'X':
		op->erase_characters(ansi, first);
		break;
	case '@':
		if (op->shift_characters)
			op->shift_characters(ansi, first);
		break;
	case 'P':
		if (op->shift_characters)
			op->shift_characters(ansi, -(int)first);
		break;
	case 'm':
		ansi_escape_sgr(ansi);
		break;
	case 's':
		if (op->save_cursor)
			op->save_cursor(ansi, 1);
		break;
	case 'u':
		if (op->save_cursor)
			op->save_cursor(ansi, 0);
		break;
	default:
		/* Not understood: ignored */
		break;
	}
}

/**
 * Handle a byte in a control sequence
 *
 * @v ansi		Parser
 * @v character		Byte
 */
static void ansi_escape_csi_byte(struct ansi_escape *ansi, int character)
{
	unsigned int *param;

	if (character >= '0' && character <= '9') {
		if (ansi->intermediate) {
			ansi->state = ANSI_STATE_CSI_IGNORE;
			return;
		}
		if (!ansi->count)
			ansi->count = 1;
		param = &ansi->params[ansi->count - 1];
		*param = ((*param * 10) + (character - '0'));
		if (*param > ANSI_PARAM_MAX)
			*param = ANSI_PARAM_MAX;
	} else if (character == ';') {
		if (!ansi->count)
			ansi->count = 1;
		if (ansi->count < ANSI_ESCAPE_MAX_PARAMS) {
			ansi->params[ansi->count] = 0;
			ansi->count++;
		}
	} else if (character >= '<' && character <= '?') {
		if (ansi->count || ansi->private || ansi->intermediate)
			ansi->state = ANSI_STATE_CSI_IGNORE;
		else
			ansi->private = character;
	} else if (character >= 0x20 && character <= 0x2f) {
		ansi->intermediate = character;
	} else if (character >= 0x40 && character <= 0x7e) {
		ansi->state = ANSI_STATE_GROUND;
		ansi_escape_csi(ansi, character);
	} else {
		/* ':' sub-parameters and anything else: not understood */
		ansi->state = ANSI_STATE_CSI_IGNORE;
	}
}

/**
 * Handle a byte after ESC
 *
 * @v ansi		Parser
 * @v character		Byte
 */
static void ansi_escape_escape_byte(struct ansi_escape *ansi, int character)
{
	ansi->state = ANSI_STATE_GROUND;
	switch (character) {
	case '[':
		memset(ansi->params, 0, sizeof(ansi->params));
		ansi->count = 0;
		ansi->private = 0;
		ansi->intermediate = 0;
		ansi->state = ANSI_STATE_CSI;
		break;
	case ']':
	case 'P':
	case 'X':
	case '^':
	case '_':
		ansi->state = ANSI_STATE_STRING;
		break;
	case '7':
		if (ansi->op->save_cursor)
			ansi->op->save_cursor(ansi, 1);
		break;
	case '8':
		if (ansi->op->save_cursor)
			ansi->op->save_cursor(ansi, 0);
		break;
	case 'c':
		ansi_escape_reset(ansi);
		break;
	default:
		if (character >= 0x20 && character <= 0x2f)
			ansi->state = ANSI_STATE_ESCAPE_INTERMEDIATE;
		/* Other escape sequences are ignored */
		break;
	}
}

/**
 * Process one byte of output
 *
 * @v ansi		Parser
 * @v character		Byte
 */
void ansi_escape_process(struct ansi_escape *ansi, int character)
{
	character &= 0xff;

	/* Controls work in every state but strings */
	if (ansi->state != ANSI_STATE_STRING &&
	    ansi->state != ANSI_STATE_STRING_ESCAPE) {
		if (character == ANSI_ESC) {
			ansi->state = ANSI_STATE_ESCAPE;
			return;
		}
		if (character == ANSI_CAN || character == ANSI_SUB) {
			ansi->state = ANSI_STATE_GROUND;
			return;
		}
		if (character < 0x20 && ansi->state != ANSI_STATE_GROUND) {
			ansi->op->putchar(ansi, character);
			return;
		}
	}

	switch (ansi->state) {
	case ANSI_STATE_GROUND:
		ansi->op->putchar(ansi, character);
		break;
	case ANSI_STATE_ESCAPE:
		ansi_escape_escape_byte(ansi, character);
		break;
	case ANSI_STATE_ESCAPE_INTERMEDIATE:
		if (character >= 0x30 && character <= 0x7e)
			ansi->state = ANSI_STATE_GROUND;
		break;
	case ANSI_STATE_CSI:
		ansi_escape_csi_byte(ansi, character);
		break;
	case ANSI_STATE_CSI_IGNORE:
		if (character >= 0x40 && character <= 0x7e)
			ansi->state = ANSI_STATE_GROUND;
		break;
	case ANSI_STATE_STRING:
		if (character == ANSI_BEL)
			ansi->state = ANSI_STATE_GROUND;
		else if (character == ANSI_ESC)
			ansi->state = ANSI_STATE_STRING_ESCAPE;
		break;
	case ANSI_STATE_STRING_ESCAPE:
		ansi->state = ((character == '\\') ? ANSI_STATE_GROUND
						   : ANSI_STATE_STRING);
		break;
	default:
		ansi->state = ANSI_STATE_GROUND;
		break;
	}
}
