/* bitmap — segments over guest addresses, the cursor, and the fluid sending. */
#include "models/bitmap.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* splits in flight before a merge: a wrapped range splits at four points */
#define SLACK 8
#define EPS 1e-9 /* addresses closer than this are one boundary */

#define INLINE_SEGS 8

/* What a send touches comes first: a simulation with thousands of
 * migrations under way is bound by memory, not by arithmetic. */
struct bitmap {
    double n;
    int nk;
    int nseg, cap;
    double cursor;
    double *x0;
    double (*p)[BITMAP_MAX_KINDS];
    /* pages set per kind: summed exactly at every full normalize, kept up
     * to date in between by the sends (the hot path) */
    double pend[BITMAP_MAX_KINDS];
    double sent[BITMAP_MAX_KINDS]; /* pages of each kind sent so far */
    int rounds;                    /* times the cursor went past the end of memory */
    double sent_round1[BITMAP_MAX_KINDS]; /* sent[] when the first round completed */
    double dens[BITMAP_MAX_KINDS]; /* pages of a kind per address of its range */
    double wire[BITMAP_MAX_KINDS];
    /* most migrations need a handful of segments: they live here, and move
     * to the heap beyond */
    double x0_in[INLINE_SEGS];
    double p_in[INLINE_SEGS][BITMAP_MAX_KINDS];
    double cpu[BITMAP_MAX_KINDS];
    double lo[BITMAP_MAX_KINDS], hi[BITMAP_MAX_KINDS];
};

static int split(bitmap *b, double x);
static void assign(bitmap *b, int k, double lo, double hi, double v);
static void normalize(bitmap *b);

bitmap *bitmap_new(double n, int nkinds, const bitmap_kind *kinds)
{
    g_return_val_if_fail(nkinds > 0 && nkinds <= BITMAP_MAX_KINDS, NULL);
    bitmap *b = g_new0(bitmap, 1);
    b->cap = INLINE_SEGS;
    b->x0 = b->x0_in;
    b->p = b->p_in;
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
    if (b->x0 != b->x0_in) {
        g_free(b->x0);
        g_free(b->p);
    }
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

static bool seg_clear(const bitmap *b, int j)
{
    for (int k = 0; k < b->nk; k++)
        if (b->p[j][k] != 0)
            return false;
    return true;
}

static double seg_cpu(const bitmap *b, int j)
{
    double s = 0;
    for (int k = 0; k < b->nk; k++)
        s += b->p[j][k] * b->dens[k] * b->cpu[k];
    return s;
}

static void sum_pending(bitmap *b)
{
    for (int k = 0; k < b->nk; k++) {
        double s = 0;
        for (int j = 0; j < b->nseg; j++)
            s += (seg_end(b, j) - b->x0[j]) * b->p[j][k];
        b->pend[k] = s * b->dens[k];
    }
}

double bitmap_kind_pending(const bitmap *b, int k) { return b->pend[k] > 0 ? b->pend[k] : 0; }

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
    for (int k = 0; k < b->nk; k++)
        s += bitmap_kind_pending(b, k) * b->wire[k];
    return s;
}

double bitmap_min_pending_wire(const bitmap *b)
{
    double w = INFINITY;
    for (int k = 0; k < b->nk; k++)
        if (b->pend[k] > 0 && b->dens[k] > 0 && b->wire[k] < w)
            w = b->wire[k];
    return w;
}

double bitmap_cursor(const bitmap *b) { return b->cursor; }
double bitmap_kind_sent(const bitmap *b, int k) { return b->sent[k]; }
double bitmap_kind_sent_round1(const bitmap *b, int k) { return b->rounds ? b->sent_round1[k] : b->sent[k]; }
int bitmap_rounds(const bitmap *b) { return b->rounds; }
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
        if (b->x0 == b->x0_in) {
            b->x0 = g_memdup2(b->x0_in, sizeof b->x0_in);
            b->p = g_memdup2(b->p_in, sizeof b->p_in);
        }
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
    sum_pending(b);
}

/* Sets kind k to v (or clears every kind, k < 0) over [lo, hi), no wrap. */
static void assign(bitmap *b, int k, double lo, double hi, double v)
{
    if (hi - lo < EPS)
        return;
    int a = split(b, lo);
    int e = split(b, hi);
    for (int j = a; j < e; j++) {
        double len = seg_end(b, j) - b->x0[j];
        if (k >= 0) {
            b->pend[k] += len * (v - b->p[j][k]) * b->dens[k];
            b->p[j][k] = v;
        } else {
            for (int i = 0; i < b->nk; i++) {
                b->pend[i] -= len * b->p[j][i] * b->dens[i];
                b->sent[i] += len * b->p[j][i] * b->dens[i];
            }
            memset(b->p[j], 0, sizeof b->p[0]);
        }
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

double bitmap_take_random(bitmap *b, int k, double q)
{
    if (!(q > 0))
        return 0;
    q = fmin(q, 1);
    double before = b->pend[k];
    for (int j = 0; j < b->nseg; j++)
        b->p[j][k] *= 1 - q;
    normalize(b);
    double taken = fmax(0, before - b->pend[k]);
    b->sent[k] += taken;
    return taken;
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
    memset(b->pend, 0, sizeof b->pend);
}

/* Merges equal neighbours among segments [a, e] only: the others were
 * merged already. */
static void normalize_near(bitmap *b, int a, int e)
{
    a = MAX(a, 1);
    for (int j = MIN(e, b->nseg - 1); j >= a; j--)
        if (!memcmp(b->p[j], b->p[j - 1], (size_t)b->nk * sizeof b->p[0][0]))
            remove_at(b, j);
    if (b->nseg > BITMAP_MAX_SEGMENTS)
        normalize(b);
}

double bitmap_send(bitmap *b, double bytes)
{
    if (!(bytes > 0))
        return 0;
    int first = find(b, b->cursor), last = first;
    {
        /* the common case: the bytes end inside the cursor's segment, and
         * the sent part before the cursor grows over them */
        int j = first;
        double per = seg_bytes(b, j);
        if (j > 0 && b->cursor - b->x0[j] < EPS && bytes < per * (seg_end(b, j) - b->cursor) - 0.5 &&
            seg_clear(b, j - 1)) {
            double x = b->cursor + bytes / per;
            for (int i = 0; i < b->nk; i++) {
                b->pend[i] -= (x - b->x0[j]) * b->p[j][i] * b->dens[i];
                b->sent[i] += (x - b->x0[j]) * b->p[j][i] * b->dens[i];
            }
            b->x0[j] = b->cursor = x;
            return bytes;
        }
    }
    double used = 0;
    /* what is left in memory is summed only once the cursor crosses a
     * segment's end: within a segment more than the bytes sent remain */
    double left = -1;
    bool wrapped = false;
    /* every segment is met at most twice (the cursor's own one before and
     * after the wrap) */
    for (int guard = 0; guard < 2 * b->nseg + 4 && bytes > 0; guard++) {
        int j = find(b, b->cursor);
        double e = seg_end(b, j), per = seg_bytes(b, j);
        double avail = per * (e - b->cursor);
        if (bytes >= avail - 0.5 && left < 0)
            left = bitmap_wire_bytes(b);
        if (left >= 0 && left < 0.5) {
            if (guard == 0 && left <= 0)
                return 0;
            bitmap_clear(b);
            return used;
        }
        if (bytes >= avail - 0.5) {
            /* the rest of this segment (a part under half a byte is
             * rounding, not a page) */
            assign(b, -1, b->cursor, e, 0);
            used += avail;
            bytes -= avail;
            left -= avail;
            wrapped |= e >= b->n - EPS;
            if (e >= b->n - EPS && b->rounds++ == 0)
                memcpy(b->sent_round1, b->sent, sizeof b->sent);
            b->cursor = e >= b->n - EPS ? 0 : e;
        } else {
            double x = b->cursor + bytes / per;
            assign(b, -1, b->cursor, x, 0);
            used += bytes;
            if (left >= 0)
                left -= bytes;
            bytes = 0;
            b->cursor = x;
        }
        last = find(b, b->cursor);
    }
    if (wrapped)
        normalize(b);
    else
        normalize_near(b, first, last + 1);
    return used;
}

static double seg_pages(const bitmap *b, int j)
{
    double s = 0;
    for (int k = 0; k < b->nk; k++)
        s += b->p[j][k] * b->dens[k];
    return s;
}

double bitmap_stretch(const bitmap *b, double *cpu_s, double *max_wire, double *pages)
{
    double bytes = 0, cpu = 0, ratio = -1, wire = 0, npages = 0;
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
        npages += seg_pages(b, j) * len;
        for (int k = 0; k < b->nk; k++)
            if (b->p[j][k] > 0 && b->dens[k] > 0)
                wire = fmax(wire, b->wire[k]);
    }
    if (cpu_s)
        *cpu_s = cpu;
    if (max_wire)
        *max_wire = wire;
    if (pages)
        *pages = npages;
    return bytes;
}
