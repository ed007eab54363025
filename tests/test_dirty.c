/* Dirty-page models: the analytic distinct-page counts against a page-exact
 * simulation of the same random process. */
#include <criterion/criterion.h>
#include <glib.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "models/dirty.h"
#include "models/units.h"

/* Uniform random page writes over S pages: count distinct pages after E
 * writes with a bitmap, against S (1 - exp(-E/S)), within 2%. */
Test(dirty, uniform_distinct_pages_match_page_exact_simulation)
{
    const size_t S = 16384; /* 64 MiB working set */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    dirty_region reg = { (double)S, 1000, 0 };
    const double checkpoints[] = { 100, 1000, 5000, 16384, 40000, 100000 };
    guint8 *seen = g_new0(guint8, S);
    size_t distinct = 0, writes = 0;
    for (size_t c = 0; c < G_N_ELEMENTS(checkpoints); c++) {
        while (writes < checkpoints[c]) {
            size_t p = gsl_rng_uniform_int(r, S);
            distinct += !seen[p];
            seen[p] = 1;
            writes++;
        }
        double expect = dirty_region_distinct(&reg, (double)writes);
        cr_assert(fabs((double)distinct - expect) <= 0.02 * expect, "E=%zu: simulated %zu, analytic %.1f", writes,
                  distinct, expect);
    }
    g_free(seen);
    gsl_rng_free(r);
}

Test(dirty, sequential_sweep_saturates_at_the_working_set)
{
    dirty_region reg = { 1000, 10, 1 };
    cr_assert_float_eq(dirty_region_distinct(&reg, 250), 250, 0);
    cr_assert_float_eq(dirty_region_distinct(&reg, 5000), 1000, 0);
    cr_assert_float_eq(dirty_region_distinct(&reg, 0), 0, 0);
}

Test(dirty, regions_from_the_scenario)
{
    scn_dirty hc = { .model = DIRTY_HOTCOLD, .rate_pps = 5000, .working_set = 256.0 * (1 << 20),
                     .cold_rate_pps = 10 };
    dirty_model m;
    dirty_model_init(&m, &hc, 1024.0 * (1 << 20));
    cr_assert_eq(m.nregions, 2);
    cr_assert_float_eq(m.r[0].pages, 65536, 0);
    cr_assert_float_eq(m.r[1].pages, 262144 - 65536, 0);
    cr_assert_float_eq(m.r[1].rate_pps, 10, 0);
    scn_dirty none = { .model = DIRTY_NONE };
    dirty_model_init(&m, &none, 1 << 30);
    cr_assert_eq(m.nregions, 0);
}

Test(dirty, throttle_slows_only_a_writer_that_needs_the_cpu)
{
    dirty_model m = { .cpu_share = 1 };
    cr_assert_float_eq(dirty_throttle_factor(&m, 0.2), 0.8, 1e-12);
    m.cpu_share = 0.05; /* the validation workload needs under 5% of its vCPU */
    cr_assert_float_eq(dirty_throttle_factor(&m, 0.9), 1.0, 1e-12);
    cr_assert_float_eq(dirty_throttle_factor(&m, 0.99), 0.2, 1e-9);
}

Test(dirty, trace_is_prorated_and_repeats)
{
    const double pages[] = { 100, 300 };
    dirty_model m = { .trace = pages, .ntrace = 2, .trace_interval_s = 1, .mem_pages = 1e6 };
    cr_assert_float_eq(dirty_trace_pages(&m, 0, 1), 100, 1e-9);
    cr_assert_float_eq(dirty_trace_pages(&m, 0.5, 1.5), 50 + 150, 1e-9);
    cr_assert_float_eq(dirty_trace_pages(&m, 2, 4), 400, 1e-9, "repeats after its end");
    /* a span of a billion repetitions costs no more than one (it used to
     * walk every interval: a 1 ns interval hung a run), and its count is
     * whole repetitions plus the part of the last one */
    dirty_model big = { .trace = pages, .ntrace = 2, .trace_interval_s = 1, .mem_pages = 1e15 };
    cr_assert_float_eq(dirty_trace_pages(&big, 0.5, 2e9 + 1.5), 1e9 * 400 + 150 + 150, 1e-6 * 4e11);
}
