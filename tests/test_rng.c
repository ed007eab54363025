/* Named RNG streams: reproducible, independent of each other. */
#include <criterion/criterion.h>

#include "sim/rng.h"

static void draw(gsl_rng *r, unsigned long *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = gsl_rng_get(r);
}

Test(rng, same_seed_and_name_same_sequence)
{
    rng_streams *a = rng_streams_new(7, 3), *b = rng_streams_new(7, 3);
    unsigned long x[100], y[100];
    draw(rng_stream(a, "host:node1"), x, 100);
    draw(rng_stream(b, "host:node1"), y, 100);
    cr_assert_arr_eq(x, y, sizeof x);
    cr_assert_eq(rng_stream(a, "host:node1"), rng_stream(a, "host:node1"), "one stream per name");
    rng_streams_free(a);
    rng_streams_free(b);
}

Test(rng, different_names_runs_seeds_differ)
{
    rng_streams *a = rng_streams_new(7, 3);
    rng_streams *run4 = rng_streams_new(7, 4);
    rng_streams *seed8 = rng_streams_new(8, 3);
    unsigned long x[16], y[16], z[16], w[16];
    draw(rng_stream(a, "link:a"), x, 16);
    draw(rng_stream(a, "link:b"), y, 16);
    draw(rng_stream(run4, "link:a"), z, 16);
    draw(rng_stream(seed8, "link:a"), w, 16);
    cr_assert(memcmp(x, y, sizeof x) != 0);
    cr_assert(memcmp(x, z, sizeof x) != 0);
    cr_assert(memcmp(x, w, sizeof x) != 0);
    cr_assert_neq(rng_stream_key(7, 3, "link:a"), rng_stream_key(7, 3, "link:b"));
    rng_streams_free(a);
    rng_streams_free(run4);
    rng_streams_free(seed8);
}

Test(rng, adding_a_stream_does_not_change_another)
{
    rng_streams *a = rng_streams_new(1, 0), *b = rng_streams_new(1, 0);
    unsigned long x[50], y[50], junk[10];
    draw(rng_stream(a, "vm:web"), x, 50);
    /* b creates other streams first and draws from them in between */
    draw(rng_stream(b, "failure:host"), junk, 10);
    draw(rng_stream(b, "vm:web"), y, 25);
    draw(rng_stream(b, "failure:osd"), junk, 10);
    draw(rng_stream(b, "vm:web"), y + 25, 25);
    cr_assert_arr_eq(x, y, sizeof x);
    rng_streams_free(a);
    rng_streams_free(b);
}

/* Reference: mt19937ar.out of Matsumoto and Nishimura's mt19937ar.c (2002),
 * init_by_array({0x123, 0x234, 0x345, 0x456}), first outputs of
 * genrand_int32(). This pins the state layout that seeding writes into. */
Test(rng, init_by_array_matches_reference_mt19937)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    const uint32_t key[4] = { 0x123, 0x234, 0x345, 0x456 };
    cr_assert(rng_seed_by_array(r, key, 4));
    const unsigned long expect[5] = { 1067595299UL, 955945823UL, 477289528UL, 4107218783UL,
                                      4228976476UL };
    for (int i = 0; i < 5; i++)
        cr_assert_eq(gsl_rng_get(r), expect[i], "output %d", i);
    gsl_rng_free(r);
    gsl_rng *other = gsl_rng_alloc(gsl_rng_taus2);
    cr_assert_not(rng_seed_by_array(other, key, 4), "only MT19937 is accepted");
    gsl_rng_free(other);
}
