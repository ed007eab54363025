/* ticks — axis scales for charts: "nice" tick values (1, 2, 5 x 10^k),
 * decades on log axes, and the display unit that keeps tick labels short
 * (2.5 GiB rather than 2684354560 B). Plain numbers in, plain numbers out. */
#ifndef GOLIVE_PLOTS_TICKS_H
#define GOLIVE_PLOTS_TICKS_H

#include <stddef.h>

typedef struct {
    double scale;     /* display value = value / scale */
    const char *unit; /* "ms", "GiB", "Gbit/s", "%", "" */
} ticks_unit;

/* The display unit for values up to maxabs in base unit `base`: "s" (us, ms,
 * s, min, h), "B" (B, KiB, MiB, GiB, TiB), "B/s" (shown in bit/s, kbit/s ...
 * Tbit/s), "%" (a fraction shown in percent); anything else is shown as is. */
ticks_unit ticks_pick_unit(const char *base, double maxabs);

/* Up to max tick values in [lo, hi], steps of 1, 2 or 5 x 10^k, aiming at
 * about `target` ticks; returns the count and sets *step. */
size_t ticks_linear(double lo, double hi, int target, double *out, size_t max, double *step);

/* Ticks of a log axis over [lo, hi] (both > 0): every decade, or 1-2-5 in
 * each decade when the range spans fewer than three. */
size_t ticks_log(double lo, double hi, double *out, size_t max);

/* A tick label: v with as many decimals as the step needs (g_free it). */
char *ticks_label(double v, double step);

#endif
