/* bitmap — segments over guest addresses, the cursor, and the fluid sending. */
#include "models/bitmap.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* splits in flight before a merge: a wrapped range splits at four points */
#define SLACK 8
#define EPS 1e-9 /* addresses closer than this are one boundary */

struct bitmap {
    double n;
    int nk;
    double dens[BITMAP_MAX_KINDS]; /* pages of a kind per address of its range */
    double lo[BITMAP_MAX_KINDS], hi[BITMAP_MAX_KINDS];
    double wire[BITMAP_MAX_KINDS], cpu[BITMAP_MAX_KINDS];
    int nseg, cap;
    double cursor;
    /* grown on demand: most migrations need a handful of segments */
    double *x0;
    double (*p)[BITMAP_MAX_KINDS];
};

static int split(bitmap *b, double x);
static void assign(bitmap *b, int k, double lo, double hi, double v);
static void normalize(bitmap *b);

bitmap *bitmap_new(double n, int nkinds, const bitmap_kind *kinds)
{
    g_return_val_if_fail(nkinds > 0 && nkinds <= BITMAP_MAX_KINDS, NULL);
    bitmap *b = g_new0(bitmap, 1);
    b->cap = 8;
    b->x0 = g_new0(double, b->cap);
    b->p = g_malloc0((size_t)b->cap * sizeof b->p[0]);
    b->n = n > 0 ? n : 1;
    b->nk = nkinds;
    b->nseg = 1;
    for (int k = 0; k < nkinds; k++) {
        b->lo[k] = fmax(0, fmin(kinds[k].lo, b->n));
        b->hi[k] = fmax(b->lo[k], fmin(kinds[k].hi, b->n));
        double len = b->hi[k] - b->lo[k];
        b->dens[k] = len > 0 ? kinds[k].pages / len : 0;
        assign(b, k, b->lo[k], b->hi[k], kinds[k].set);
    }
    normalize(b);
    return b;
}

void bitmap_free(bitmap *b)
{
    if (!b)
        return;
    g_free(b->x0);
    g_free(b->p);
    g_free(b);
}

void bitmap_set_cost(bitmap *b, int k, double wire_bytes, double cpu_s)
{
    b->wire[k] = wire_bytes;
    b->cpu[k] = cpu_s;
}

static double seg_end(const bitmap *b, int j) { return j + 1 < b->nseg ? b->x0[j + 1] : b->n; }

static double seg_bytes(const bitmap *b, int j)
{
    double s = 0;
    for (int k = 0; k < b->nk; k++)
        s += b->p[j][k] * b->dens[k] * b->wire[k];
    return s;
}

static double seg_cpu(const bitmap *b, int j)
{
    double s = 0;
    for (int k = 0; k < b->nk; k++)
        s += b->p[j][k] * b->dens[k] * b->cpu[k];
    return s;
}

double bitmap_kind_pending(const bitmap *b, int k)
{
    double s = 0;
    for (int j = 0; j < b->nseg; j++)
        s += (seg_end(b, j) - b->x0[j]) * b->p[j][k];
    return s * b->dens[k];
}

double bitmap_pending(const bitmap *b)
{
    double s = 0;
    for (int k = 0; k < b->nk; k++)
        s += bitmap_kind_pending(b, k);
    return s;
}

double bitmap_wire_bytes(const bitmap *b)
{
    double s = 0;
    for (int j = 0; j < b->nseg; j++)
        s += (seg_end(b, j) - b->x0[j]) * seg_bytes(b, j);
    return s;
}

double bitmap_cursor(const bitmap *b) { return b->cursor; }
int bitmap_segments(const bitmap *b) { return b->nseg; }

/* The segment holding address x (binary search). */
static int find(const bitmap *b, double x)
{
    int lo = 0, hi = b->nseg - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (b->x0[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* A boundary at x; returns the index of the segment starting there (nseg
 * for the end of memory). */
static int split(bitmap *b, double x)
{
    if (x >= b->n - EPS)
        return b->nseg;
    int j = find(b, x);
    if (x - b->x0[j] < EPS)
        return j;
    if (seg_end(b, j) - x < EPS)
        return j + 1;
    g_assert(b->nseg < BITMAP_MAX_SEGMENTS + SLACK);
    if (b->nseg == b->cap) {
        b->cap = MIN(2 * b->cap, BITMAP_MAX_SEGMENTS + SLACK);
        b->x0 = g_renew(double, b->x0, b->cap);
        b->p = g_realloc(b->p, (size_t)b->cap * sizeof b->p[0]);
    }
    memmove(&b->x0[j + 2], &b->x0[j + 1], (size_t)(b->nseg - j - 1) * sizeof b->x0[0]);
    memmove(&b->p[j + 2], &b->p[j + 1], (size_t)(b->nseg - j - 1) * sizeof b->p[0]);
    b->x0[j + 1] = x;
    memcpy(b->p[j + 1], b->p[j], sizeof b->p[0]);
    b->nseg++;
    return j + 1;
}

static void remove_at(bitmap *b, int j)
{
    memmove(&b->x0[j], &b->x0[j + 1], (size_t)(b->nseg - j - 1) * sizeof b->x0[0]);
    memmove(&b->p[j], &b->p[j + 1], (size_t)(b->nseg - j - 1) * sizeof b->p[0]);
    b->nseg--;
}

/* Merges equal neighbours; past the limit, averages the closest pair
 * (weighted by length, so the pages are kept). */
static void normalize(bitmap *b)
{
    for (int j = b->nseg - 1; j > 0; j--)
        if (!memcmp(b->p[j], b->p[j - 1], (size_t)b->nk * sizeof b->p[0][0]))
            remove_at(b, j);
    while (b->nseg > BITMAP_MAX_SEGMENTS) {
        int best = 1;
        double bestd = INFINITY;
        for (int j = 1; j < b->nseg; j++) {
            double d = 0;
            for (int k = 0; k < b->nk; k++)
                d += fabs(b->p[j][k] - b->p[j - 1][k]) * b->dens[k];
            d *= fmin(seg_end(b, j) - b->x0[j], b->x0[j] - b->x0[j - 1]);
            if (d < bestd) {
                bestd = d;
                best = j;
            }
        }
        double la = b->x0[best] - b->x0[best - 1], lb = seg_end(b, best) - b->x0[best];
        for (int k = 0; k < b->nk; k++)
            b->p[best - 1][k] = (la * b->p[best - 1][k] + lb * b->p[best][k]) / (la + lb);
        remove_at(b, best);
    }
}

/* Sets kind k to v (or clears every kind, k < 0) over [lo, hi), no wrap. */
static void assign(bitmap *b, int k, double lo, double hi, double v)
{
    if (hi - lo < EPS)
        return;
    int a = split(b, lo);
    int e = split(b, hi);
    for (int j = a; j < e; j++) {
        if (k >= 0)
            b->p[j][k] = v;
        else
            memset(b->p[j], 0, sizeof b->p[0]);
    }
}

void bitmap_mark_random(bitmap *b, int k, double q)
{
    if (!(q > 0))
        return;
    q = fmin(q, 1);
    int a = split(b, b->lo[k]), e = split(b, b->hi[k]);
    for (int j = a; j < e; j++)
        b->p[j][k] += (1 - b->p[j][k]) * q;
    normalize(b);
}

void bitmap_mark_range(bitmap *b, int k, double u, double len)
{
    if (!(len > 0) || !(b->dens[k] > 0))
        return;
    double lo = b->lo[k], hi = b->hi[k], span = hi - lo;
    double x = lo + fmod(u / b->dens[k], span), w = len / b->dens[k];
    if (x < lo)
        x += span;
    if (w >= span) {
        assign(b, k, lo, hi, 1);
    } else if (x + w <= hi) {
        assign(b, k, x, x + w, 1);
    } else {
        assign(b, k, x, hi, 1);
        assign(b, k, lo, x + w - span, 1);
    }
    normalize(b);
}

void bitmap_clear(bitmap *b)
{
    b->nseg = 1;
    memset(b->p[0], 0, sizeof b->p[0]);
}

double bitmap_send(bitmap *b, double bytes)
{
    double left = bitmap_wire_bytes(b);
    if (!(bytes > 0) || left <= 0)
        return 0;
    double used = 0;
    /* every segment is met at most twice (the cursor's own one before and
     * after the wrap) */
    for (int guard = 0; guard < 2 * b->nseg + 4 && bytes > 0; guard++) {
        if (left < 0.5) {
            bitmap_clear(b);
            break;
        }
        int j = find(b, b->cursor);
        double e = seg_end(b, j), per = seg_bytes(b, j);
        double avail = per * (e - b->cursor);
        if (bytes >= avail - 0.5) {
            /* the rest of this segment (a part under half a byte is
             * rounding, not a page) */
            assign(b, -1, b->cursor, e, 0);
            used += avail;
            bytes -= avail;
            left -= avail;
            b->cursor = e >= b->n - EPS ? 0 : e;
        } else {
            double x = b->cursor + bytes / per;
            assign(b, -1, b->cursor, x, 0);
            used += bytes;
            left -= bytes;
            bytes = 0;
            b->cursor = x;
        }
    }
    normalize(b);
    return used;
}

double bitmap_stretch(const bitmap *b, double *cpu_s, double *max_wire)
{
    double bytes = 0, cpu = 0, ratio = -1, wire = 0;
    int j0 = find(b, b->cursor);
    for (int i = 0; i <= b->nseg; i++) {
        int j = (j0 + i) % b->nseg;
        double lo = i == 0 ? b->cursor : b->x0[j];
        double hi = i == b->nseg ? b->cursor : seg_end(b, j); /* back at the start */
        double len = hi - lo;
        double per = seg_bytes(b, j);
        if (len <= 0 || per <= 0)
            continue;
        double r = seg_cpu(b, j) / per;
        if (ratio >= 0 && fabs(r - ratio) > 1e-12 * ratio)
            break;
        ratio = r;
        bytes += per * len;
        cpu += seg_cpu(b, j) * len;
        for (int k = 0; k < b->nk; k++)
            if (b->p[j][k] > 0 && b->dens[k] > 0)
                wire = fmax(wire, b->wire[k]);
    }
    if (cpu_s)
        *cpu_s = cpu;
    if (max_wire)
        *max_wire = wire;
    return bytes;
}
