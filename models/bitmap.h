/* bitmap — QEMU's migration bitmap as a fluid over guest addresses.
 *
 * QEMU sends the pages whose bit is set in address order from a cursor that
 * wraps at the end of memory (migration/ram.c find_dirty_block,
 * migration_bitmap_find_dirty, complete_round), and a sync ORs the dirty log
 * into the bitmap by address (migration_bitmap_sync). Here the address space
 * [0, N) pages is cut into segments; memory holds a few kinds of pages (a
 * working set, a cold set, the guest's own pages, the zero pages), each
 * spread evenly over its own address range (ranges may overlap), and a
 * segment holds, per kind, the fraction of that kind's pages whose bit is
 * set. Random writes set a fraction all over a kind (bitmap_mark_random); a
 * sweep sets a range of it (bitmap_mark_range); sending clears everything
 * the cursor passes. Expected values, not pages: a segment with fraction p
 * of kind k holds p x pages(k) / (hi(k) - lo(k)) pages of it per address.
 *
 * Adjacent segments with equal fractions merge, so the number of segments
 * stays near the number of syncs in one round; past BITMAP_MAX_SEGMENTS
 * the two closest neighbours are averaged (pages kept, positions blurred). */
#ifndef GOLIVE_MODELS_BITMAP_H
#define GOLIVE_MODELS_BITMAP_H

#include <stdbool.h>

#define BITMAP_MAX_KINDS 6
#define BITMAP_MAX_SEGMENTS 256

typedef struct bitmap bitmap;

typedef struct {
    double lo, hi;  /* its address range */
    double pages;   /* how many pages of it there are in that range */
    double set;     /* the share of them whose bit is set at the start */
} bitmap_kind;

/* n addresses (pages) and the kinds of pages in them. */
bitmap *bitmap_new(double n, int nkinds, const bitmap_kind *kinds);
void bitmap_free(bitmap *b);

/* What sending one page of kind k costs: bytes on the wire and seconds of
 * the sending thread. */
void bitmap_set_cost(bitmap *b, int k, double wire_bytes, double cpu_s);

/* Pages with their bit set: all, or of kind k. */
double bitmap_pending(const bitmap *b);
double bitmap_kind_pending(const bitmap *b, int k);
/* Bytes on the wire to send them all. */
double bitmap_wire_bytes(const bitmap *b);
/* The smallest wire cost among the kinds with pages pending (INFINITY if
 * none): d bytes sent take at most d / that pages off. */
double bitmap_min_pending_wire(const bitmap *b);
double bitmap_cursor(const bitmap *b);
int bitmap_segments(const bitmap *b);

/* Each page of kind k not yet set is set with probability q. */
void bitmap_mark_random(bitmap *b, int k, double q);
/* Sets the pages [u, u + len) of kind k, counted in its pages from the
 * start of its range, wrapping at its end. */
void bitmap_mark_range(bitmap *b, int k, double u, double len);
/* Each page of kind k whose bit is set is sent out of order with
 * probability q (a page the destination asked for): cleared where it is and
 * counted as sent. Returns how many pages that is. */
double bitmap_take_random(bitmap *b, int k, double q);
/* Clears everything. */
void bitmap_clear(bitmap *b);

/* The cursor sends `bytes` from where it is, in address order, wrapping;
 * what it passes is cleared. Returns the bytes used (less when the bitmap
 * runs dry). */
double bitmap_send(bitmap *b, double bytes);
/* Pages of kind k sent so far (each send of a page counts). */
double bitmap_kind_sent(const bitmap *b, int k);
/* Complete rounds: how often the cursor has gone past the end of memory
 * (QEMU's complete_round). */
int bitmap_rounds(const bitmap *b);
/* Pages of kind k sent by the time the first round completed (so far, if
 * it has not). */
double bitmap_kind_sent_round1(const bitmap *b, int k);

/* From the cursor on, the bytes up to where the mix of pages (and so the
 * sending thread's cost per byte) changes, the thread's seconds for them,
 * the largest wire cost of a page among them and how many pages they are
 * (each out-parameter may be NULL). 0 bytes: nothing is set. */
double bitmap_stretch(const bitmap *b, double *cpu_s, double *max_wire, double *pages);

#endif
