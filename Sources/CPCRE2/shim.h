#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H
/* Must precede the include: selects the 8-bit code unit API (pcre2_*_8 symbols). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* PCRE2_UNSET and PCRE2_ZERO_TERMINATED are macros with casts that do not import into Swift,
   and a size_t constant holding ~0 overflows Int; inline functions import cleanly. */
static inline size_t cpcre2_unset(void) { return PCRE2_UNSET; }
static inline size_t cpcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }
#endif
