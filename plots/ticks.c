/* ticks — nice numbers (Heckbert, "Nice numbers for graph labels",
 * Graphics Gems, 1990) and display units. */
#include "plots/ticks.h"

#include <glib.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

ticks_unit ticks_pick_unit(const char *base, double maxabs)
{
    maxabs = fabs(maxabs);
    if (!base)
        return (ticks_unit){ 1, "" };
    if (!strcmp(base, "s")) {
        if (maxabs < 1e-3)
            return (ticks_unit){ 1e-6, "us" };
        if (maxabs < 1)
            return (ticks_unit){ 1e-3, "ms" };
        if (maxabs < 300)
            return (ticks_unit){ 1, "s" };
        if (maxabs < 3 * 3600)
            return (ticks_unit){ 60, "min" };
        return (ticks_unit){ 3600, "h" };
    }
    if (!strcmp(base, "B")) {
        static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
        int i = 0;
        double s = 1;
        while (i < 4 && maxabs >= 1024 * s) {
            s *= 1024;
            i++;
        }
        return (ticks_unit){ s, names[i] };
    }
    if (!strcmp(base, "B/s")) {
        static const char *const names[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s" };
        int i = 0;
        double s = 1.0 / 8; /* bytes/s to bit/s */
        while (i < 4 && maxabs >= 1000 * s) {
            s *= 1000;
            i++;
        }
        return (ticks_unit){ s, names[i] };
    }
    if (!strcmp(base, "%"))
        return (ticks_unit){ 0.01, "%" };
    return (ticks_unit){ 1, base };
}

/* The nice number nearest x: 1, 2, 5 or 10 x 10^k. */
static double nice_num(double x)
{
    double e = floor(log10(x)), f = x / pow(10, e);
    double n = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return n * pow(10, e);
}

size_t ticks_linear(double lo, double hi, int target, double *out, size_t max, double *step)
{
    if (!(hi > lo)) {
        hi = lo + (lo != 0 ? fabs(lo) : 1);
        lo -= hi - lo;
    }
    if (target < 2)
        target = 2;
    double s = nice_num((hi - lo) / (target - 1));
    *step = s;
    size_t n = 0;
    for (double v = ceil(lo / s - 1e-9) * s; v <= hi + s * 1e-9 && n < max; v += s)
        out[n++] = fabs(v) < s * 1e-9 ? 0 : v;
    return n;
}

size_t ticks_log(double lo, double hi, double *out, size_t max)
{
    size_t n = 0;
    if (!(lo > 0) || !(hi > lo))
        return 0;
    double d0 = floor(log10(lo)), d1 = ceil(log10(hi));
    static const double fine[] = { 1, 2, 5 };
    bool few = log10(hi / lo) < 2.5;
    for (double d = d0; d <= d1 && n < max; d++)
        for (size_t k = 0; k < (few ? 3u : 1u) && n < max; k++) {
            double v = fine[k] * pow(10, d);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                out[n++] = v;
        }
    return n;
}

char *ticks_label(double v, double step)
{
    int dec = step > 0 && step < 1 ? (int)ceil(-log10(step) - 1e-9) : 0;
    if (dec > 6)
        dec = 6;
    if (fabs(v) >= 1e6 || (fabs(v) > 0 && fabs(v) < 1e-4))
        return g_strdup_printf("%.3g", v);
    return g_strdup_printf("%.*f", dec, v);
}
