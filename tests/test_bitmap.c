/* The address-order bitmap against a page-exact oracle: an array of bits
 * that the same operations set and a cursor that clears them in address
 * order, one page at a time. */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>

#include "models/bitmap.h"

#define N 1000

/* Two kinds over distinct address ranges: pages [0, 400) cost 9 bytes
 * (zero pages), [400, 1000) cost 100 bytes (used); one bit per address. */
static bitmap *two_kinds(void)
{
    bitmap_kind k[2] = { { 0, 400, 400, 1 }, { 400, N, 600, 1 } };
    bitmap *b = bitmap_new(N, 2, k);
    bitmap_set_cost(b, 0, 9, 0);
    bitmap_set_cost(b, 1, 100, 1e-6);
    return b;
}

typedef struct {
    bool bit[N];
    int cursor;
} oracle;

static double oracle_cost(int x) { return x < 400 ? 9 : 100; }

/* Sends whole pages from the cursor for `bytes`, wrapping. */
static void oracle_send(oracle *o, double bytes)
{
    for (int guard = 0; guard < 2 * N && bytes > 0.5; guard++) {
        int x = o->cursor;
        if (o->bit[x]) {
            o->bit[x] = false;
            bytes -= oracle_cost(x);
        }
        o->cursor = (x + 1) % N;
    }
}

static int oracle_pending(const oracle *o, int lo, int hi)
{
    int n = 0;
    for (int x = lo; x < hi; x++)
        n += o->bit[x];
    return n;
}

Test(bitmap, sends_in_address_order_like_a_page_exact_oracle)
{
    bitmap *b = two_kinds();
    oracle o = { .cursor = 0 };
    for (int x = 0; x < N; x++)
        o.bit[x] = true;
    GRand *r = g_rand_new_with_seed(7);
    for (int step = 0; step < 400; step++) {
        if (g_rand_int_range(r, 0, 3) == 0) {
            /* a sweep over used pages [u, u + len) of kind 1, wrapping in
             * its range */
            int u = g_rand_int_range(r, 0, 600), len = g_rand_int_range(r, 1, 300);
            bitmap_mark_range(b, 1, u, len);
            for (int i = 0; i < len; i++)
                o.bit[400 + (u + i) % 600] = true;
        } else {
            /* send whole pages: the bytes of the next few pages the oracle
             * would send, so that both stop at the same boundary */
            int k = g_rand_int_range(r, 1, 80);
            double bytes = 0;
            int x = o.cursor, found = 0;
            for (int guard = 0; guard < N && found < k; guard++, x = (x + 1) % N)
                if (o.bit[x]) {
                    bytes += oracle_cost(x);
                    found++;
                }
            double used = bitmap_send(b, bytes);
            oracle_send(&o, bytes);
            cr_assert_float_eq(used, bytes, 0.5, "step %d: %g of %g bytes used", step, used, bytes);
        }
        cr_assert_float_eq(bitmap_kind_pending(b, 0), oracle_pending(&o, 0, 400), 1e-6, "step %d: zero pages", step);
        cr_assert_float_eq(bitmap_kind_pending(b, 1), oracle_pending(&o, 400, N), 1e-6, "step %d: used pages", step);
        if (bitmap_pending(b) > 0.5)
            cr_assert_float_eq(bitmap_cursor(b), o.cursor, 1e-6, "step %d: cursor %g, oracle %d", step,
                               bitmap_cursor(b), o.cursor);
        cr_assert_leq(bitmap_segments(b), 2 * 400 + 4);
    }
    g_rand_free(r);
    bitmap_free(b);
}

/* The headline of address order: a sweep just behind the cursor re-dirties
 * what was just sent (sent again next round), one just ahead of it is sent
 * in this round, once. */
Test(bitmap, a_sweep_behind_the_cursor_is_sent_again_one_ahead_once)
{
    bitmap *b = two_kinds();
    /* send the zero pages and the first 300 used pages: cursor at 700 */
    bitmap_send(b, 400 * 9 + 300 * 100);
    cr_assert_float_eq(bitmap_cursor(b), 700, 1e-9);
    bitmap_mark_range(b, 1, 200, 100); /* addresses [600, 700): behind */
    /* the rest of this round: the 300 pages ahead, then the wrap brings
     * the 100 behind */
    double used = bitmap_send(b, 300 * 100);
    cr_assert_float_eq(used, 300 * 100, 1e-6);
    cr_assert_float_eq(bitmap_pending(b), 100, 1e-9, "behind: waits for the next round");
    bitmap_clear(b);

    bitmap *a = two_kinds();
    bitmap_send(a, 400 * 9 + 300 * 100);
    bitmap_mark_range(a, 1, 350, 100); /* [750, 850): ahead, already set */
    cr_assert_float_eq(bitmap_pending(a), 300, 1e-9, "ahead: nothing new to send");
    bitmap_free(a);
    bitmap_free(b);
}

/* Random writes set a share q of every clear page of the kind, and only
 * within its range: p' = p + (1 - p) q. */
Test(bitmap, random_marks_follow_p_plus_1_minus_p_q)
{
    bitmap *b = two_kinds();
    bitmap_send(b, 400 * 9 + 150 * 100); /* used [400, 550) sent */
    bitmap_mark_random(b, 1, 0.25);
    /* 150 clear pages x 0.25 set again; 450 were set already */
    cr_assert_float_eq(bitmap_kind_pending(b, 1), 450 + 150 * 0.25, 1e-9);
    cr_assert_float_eq(bitmap_kind_pending(b, 0), 0, 1e-12, "the zero pages' range is not touched");
    /* what lies ahead of the cursor is sent first, at 100 bytes a page */
    double cpu;
    double ahead = bitmap_stretch(b, &cpu, NULL, NULL);
    cr_assert_float_eq(ahead, (450 + 150 * 0.25) * 100, 1e-6, "one mix of pages all the way round");
    cr_assert_float_eq(cpu, (450 + 150 * 0.25) * 1e-6, 1e-12);
    bitmap_free(b);
}

/* Pages asked for out of order go wherever they are: a share of each
 * segment's set pages, counted as sent, the cursor and the other kinds
 * left alone. */
Test(bitmap, pages_taken_at_random_leave_the_cursor_where_it_is)
{
    bitmap *b = two_kinds();
    bitmap_send(b, 400 * 9 + 150 * 100); /* used [400, 550) sent */
    bitmap_mark_random(b, 1, 0.5);       /* 75 behind the cursor, 450 ahead */
    double before = bitmap_kind_sent(b, 1), cursor = bitmap_cursor(b);
    double got = bitmap_take_random(b, 1, 0.2);
    cr_assert_float_eq(got, (450 + 75) * 0.2, 1e-9);
    cr_assert_float_eq(bitmap_kind_pending(b, 1), (450 + 75) * 0.8, 1e-9);
    cr_assert_float_eq(bitmap_kind_sent(b, 1) - before, got, 1e-9);
    cr_assert_float_eq(bitmap_cursor(b), cursor, 1e-12);
    /* ahead of the cursor 360 pages remain, then the 60 behind it (each
     * call outside the assertions, which evaluate their operands twice) */
    double sent = bitmap_send(b, 360 * 100);
    cr_assert_float_eq(sent, 360 * 100, 1e-6);
    cr_assert_float_eq(bitmap_kind_pending(b, 1), 60, 1e-6);
    double none = bitmap_take_random(b, 0, 0.5), all = bitmap_take_random(b, 1, 2);
    cr_assert_float_eq(none, 0, 1e-12, "no zero page was set");
    cr_assert_float_eq(all, 60, 1e-6, "a share above 1 takes them all");
    bitmap_free(b);
}

/* The zero pages' stretch is bound by the thread's time, the used pages' by
 * their bytes: bitmap_stretch stops where the mix changes. */
Test(bitmap, a_stretch_ends_where_the_cost_per_byte_changes)
{
    bitmap_kind k[2] = { { 0, 400, 400, 1 }, { 400, N, 600, 1 } };
    bitmap *b = bitmap_new(N, 2, k);
    bitmap_set_cost(b, 0, 9, 236e-9);
    bitmap_set_cost(b, 1, 4104, 4104 / 1.2e9);
    double cpu;
    cr_assert_float_eq(bitmap_stretch(b, &cpu, NULL, NULL), 400 * 9, 1e-9);
    cr_assert_float_eq(cpu, 400 * 236e-9, 1e-15);
    bitmap_send(b, 400 * 9);
    cr_assert_float_eq(bitmap_stretch(b, &cpu, NULL, NULL), 600 * 4104, 1e-6);
    bitmap_free(b);
}

/* Past BITMAP_MAX_SEGMENTS, neighbours are averaged: the pages are kept. */
Test(bitmap, merging_keeps_the_pages)
{
    bitmap_kind k[1] = { { 0, 100000, 100000, 0 } };
    bitmap *b = bitmap_new(100000, 1, k);
    bitmap_set_cost(b, 0, 1, 0);
    double expect = 0;
    for (int i = 0; i < 2 * BITMAP_MAX_SEGMENTS; i++) {
        bitmap_mark_range(b, 0, i * 150.0, 50);
        expect += 50;
    }
    cr_assert_leq(bitmap_segments(b), BITMAP_MAX_SEGMENTS);
    cr_assert_float_eq(bitmap_pending(b), expect, 1e-6 * expect);
    bitmap_free(b);
}
