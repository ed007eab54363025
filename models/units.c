/* units — suffix tables and a strict number reader. */
#include "models/units.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *suffix;
    double factor;
} unit;

#define K 1e3
#define KI 1024.0
#define BITS (1.0 / 8)

static const unit size_units[] = {
    { "B", 1 },       { "kB", K },      { "KB", K },       { "MB", K * K },     { "GB", K * K * K },
    { "TB", 1e12 },   { "PB", 1e15 },   { "KiB", KI },     { "MiB", KI * KI },  { "GiB", KI * KI * KI },
    { "TiB", KI * KI * KI * KI },       { "PiB", KI * KI * KI * KI * KI },
    { "page", UNITS_PAGE_SIZE },        { "pages", UNITS_PAGE_SIZE },
    { NULL, 0 },
};

static const unit rate_units[] = {
    { "B/s", 1 },          { "kB/s", K },          { "KB/s", K },        { "MB/s", K * K },
    { "GB/s", 1e9 },       { "TB/s", 1e12 },       { "KiB/s", KI },      { "MiB/s", KI * KI },
    { "GiB/s", KI * KI * KI },                     { "TiB/s", KI * KI * KI * KI },
    { "bit/s", BITS },     { "kbit/s", K * BITS }, { "Kbit/s", K * BITS }, { "Mbit/s", 1e6 * BITS },
    { "Gbit/s", 1e9 * BITS },                      { "Tbit/s", 1e12 * BITS },
    { "bps", BITS },       { "kbps", K * BITS },   { "Kbps", K * BITS }, { "Mbps", 1e6 * BITS },
    { "Gbps", 1e9 * BITS },
    { "page/s", UNITS_PAGE_SIZE },                 { "pages/s", UNITS_PAGE_SIZE },
    { NULL, 0 },
};

static const unit time_units[] = {
    { "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 }, { "ms", 1e-3 }, { "s", 1 },
    { "min", 60 },  { "h", 3600 },  { "d", 86400 },        { "w", 604800 }, { "y", 31557600 },
    { NULL, 0 },
};

static const unit fraction_units[] = {
    { "%", 0.01 },
    { NULL, 0 },
};

static const unit *table(units_kind kind)
{
    switch (kind) {
    case UNITS_SIZE: return size_units;
    case UNITS_RATE: return rate_units;
    case UNITS_TIME: return time_units;
    case UNITS_FRACTION: return fraction_units;
    }
    return NULL;
}

const char *units_expected(units_kind kind)
{
    switch (kind) {
    case UNITS_SIZE: return "a size such as \"64MiB\", \"1GB\" or a number of bytes";
    case UNITS_RATE:
        return "a rate such as \"1Gbit/s\", \"125MB/s\", \"20000pages/s\" or a number of bytes/s";
    case UNITS_TIME: return "a time such as \"300ms\", \"2s\", \"4h\", \"5y\" or a number of seconds";
    case UNITS_FRACTION: return "a fraction such as \"20%\" or a number from 0 to 1";
    }
    return "?";
}

static double limit(units_kind kind)
{
    /* 200 years keeps every time well inside int64 nanoseconds */
    return kind == UNITS_TIME ? 200 * 31557600.0 : kind == UNITS_FRACTION ? 1e300 : 9.2e18;
}

bool units_check_number(units_kind kind, double v, char **why)
{
    if (!isfinite(v)) {
        *why = g_strdup_printf("%s, not %s", units_expected(kind), isnan(v) ? "NaN" : "infinity");
        return false;
    }
    if (fabs(v) > limit(kind)) {
        *why = g_strdup_printf("a value that fits (at most %g %s), not %g", limit(kind),
                               kind == UNITS_TIME ? "s" : kind == UNITS_SIZE ? "bytes" : "bytes/s", v);
        return false;
    }
    return true;
}

bool units_parse(units_kind kind, const char *text, double *out, char **why)
{
    const char *p = text;
    while (g_ascii_isspace(*p))
        p++;
    /* Only plain decimal numbers: no hex, no "inf"/"nan" spelled out. */
    const char *q = p;
    if (*q == '+' || *q == '-')
        q++;
    if ((!g_ascii_isdigit(*q) && !(*q == '.' && g_ascii_isdigit(q[1]))) ||
        (q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))) {
        *why = g_strdup_printf("%s, not \"%s\"", units_expected(kind), text);
        return false;
    }
    char *end;
    double v = g_ascii_strtod(p, &end);
    if (end == p) {
        *why = g_strdup_printf("%s, not \"%s\"", units_expected(kind), text);
        return false;
    }
    while (g_ascii_isspace(*end))
        end++;
    double factor = 1;
    if (*end) {
        const char *suffix = end;
        size_t n = strlen(suffix);
        while (n && g_ascii_isspace(suffix[n - 1]))
            n--;
        const unit *u = table(kind);
        bool found = false;
        for (; u->suffix; u++)
            if (u->suffix[0] == suffix[0] && strlen(u->suffix) == n && strncmp(u->suffix, suffix, n) == 0) {
                factor = u->factor;
                found = true;
                break;
            }
        if (!found) {
            GString *known = g_string_new(NULL);
            for (u = table(kind); u->suffix; u++)
                g_string_append_printf(known, "%s%s", known->len ? ", " : "", u->suffix);
            *why = g_strdup_printf("%s; unknown unit \"%.*s\" (known: %s)", units_expected(kind), (int)n,
                                   suffix, known->str);
            g_string_free(known, TRUE);
            return false;
        }
    }
    double r = v * factor;
    if (!units_check_number(kind, r, why))
        return false;
    *out = r;
    return true;
}

char *units_format(units_kind kind, double v)
{
    switch (kind) {
    case UNITS_SIZE: {
        const char *names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        int i = 0;
        while (i < 5 && fabs(v) >= 1024) {
            v /= 1024;
            i++;
        }
        return g_strdup_printf("%.4g %s", v, names[i]);
    }
    case UNITS_RATE: {
        double bits = v * 8;
        const char *names[] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s" };
        int i = 0;
        while (i < 4 && fabs(bits) >= 1000) {
            bits /= 1000;
            i++;
        }
        return g_strdup_printf("%.4g %s", bits, names[i]);
    }
    case UNITS_TIME:
        if (fabs(v) < 1e-3)
            return g_strdup_printf("%.4g us", v * 1e6);
        if (fabs(v) < 1)
            return g_strdup_printf("%.4g ms", v * 1e3);
        if (fabs(v) < 3600)
            return g_strdup_printf("%.4g s", v);
        return g_strdup_printf("%.4g h", v / 3600);
    case UNITS_FRACTION: return g_strdup_printf("%.4g%%", v * 100);
    }
    return g_strdup("?");
}
