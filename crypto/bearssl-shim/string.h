/*
 * <string.h> for BearSSL, built freestanding: Ferry's own string
 * functions (core/string.c) stand in for the C library's.
 */
#include "core/string.h"
