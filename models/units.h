/* units — quantities with units in scenario files.
 *
 * Sizes ("64MiB", "1GB"), rates ("1Gbit/s", "125MB/s", "20000pages/s"),
 * times ("300ms", "2s", "4h", "5y") and fractions ("20%", 0.2). A plain
 * number is in base units: bytes, bytes/s, seconds, or a fraction 0..1.
 * Decimal prefixes (k, M, G, T, P) are powers of 1000 and binary ones (Ki,
 * Mi, Gi, Ti, Pi) powers of 1024; a page is 4 KiB; a year is a Julian year
 * (365.25 days). */
#ifndef GOLIVE_MODELS_UNITS_H
#define GOLIVE_MODELS_UNITS_H

#include <stdbool.h>

#define UNITS_PAGE_SIZE 4096.0

typedef enum {
    UNITS_SIZE,     /* bytes */
    UNITS_RATE,     /* bytes per second */
    UNITS_TIME,     /* seconds */
    UNITS_FRACTION, /* 0..1 */
} units_kind;

/* Parses text as a quantity of the given kind into base units. On failure
 * returns false and sets *why (g_free it) to what was expected. Rejects NaN,
 * infinities, and values that overflow (sizes and rates above 2^63, times
 * beyond 200 years). Negative values are left to the caller to judge. */
bool units_parse(units_kind kind, const char *text, double *out, char **why);

/* Checks a plain JSON number of the given kind the same way. */
bool units_check_number(units_kind kind, double v, char **why);

/* A short description of what the kind accepts, for error messages. */
const char *units_expected(units_kind kind);

/* Formats a value for people: "64 MiB", "1.25 Gbit/s", "300 ms". */
char *units_format(units_kind kind, double v);

#endif
