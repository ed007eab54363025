/* Statistics against independently published values. */
#include <criterion/criterion.h>
#include <glib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "sim/stats.h"

Test(stats, running_mean_sd_quantiles)
{
    stats_acc *a = stats_acc_new(true);
    const double x[] = { 5, 1, 4, 2, 3 };
    for (int i = 0; i < 5; i++)
        stats_acc_add(a, x[i]);
    cr_assert_eq(stats_acc_n(a), 5);
    cr_assert_float_eq(stats_acc_mean(a), 3.0, 1e-12);
    cr_assert_float_eq(stats_acc_sd(a), sqrt(2.5), 1e-12);
    cr_assert_float_eq(stats_acc_min(a), 1.0, 0);
    cr_assert_float_eq(stats_acc_max(a), 5.0, 0);
    cr_assert_float_eq(stats_acc_quantile(a, 0.5), 3.0, 1e-12);
    cr_assert_float_eq(stats_acc_quantile(a, 0.25), 2.0, 1e-12);
    cr_assert_float_eq(stats_acc_quantile(a, 0.9), 4.6, 1e-12); /* type 7: 1 + 0.9*4 = 4.6 */
    stats_acc_add(a, 100);
    cr_assert_float_eq(stats_acc_quantile(a, 1.0), 100.0, 0, "re-sorts after an add");
    stats_acc_free(a);

    stats_acc *b = stats_acc_new(false);
    stats_acc_add(b, 1);
    cr_assert(isnan(stats_acc_quantile(b, 0.5)), "no quantiles without samples");
    cr_assert(isnan(stats_acc_sd(b)));
    stats_acc_free(b);
}

/* R: t.test(1:5)$conf.int = [1.036757, 4.963243] (t_{0.975,4} = 2.776445). */
Test(stats, student_t_interval)
{
    stats_acc *a = stats_acc_new(false);
    for (int i = 1; i <= 5; i++)
        stats_acc_add(a, i);
    stats_interval ci = stats_acc_ci(a, 0.95);
    cr_assert_float_eq(ci.lo, 1.036757, 1e-6);
    cr_assert_float_eq(ci.hi, 4.963243, 1e-6);
    stats_acc_free(a);
    /* n = 30, mean 10, sd 2: t_{0.975,29} = 2.045230 (t tables) -> half width 0.746812 */
    stats_interval c2 = stats_t_interval(10, 2, 30, 0.95);
    cr_assert_float_eq(c2.hi - 10, 0.746812, 2e-6);
    cr_assert(isnan(stats_t_interval(1, 1, 1, 0.95).lo));
}

/* Newcombe, "Two-sided confidence intervals for the single proportion:
 * comparison of seven methods", Stat. Med. 17:857-872 (1998), Table II,
 * method 3 (Wilson score without continuity correction). */
Test(stats, wilson_interval_newcombe_1998)
{
    struct {
        uint64_t k, n;
        double lo, hi;
    } c[] = {
        { 81, 263, 0.2553, 0.3662 },
        { 15, 148, 0.0624, 0.1605 },
        { 0, 20, 0.0000, 0.1611 },
        { 1, 29, 0.0061, 0.1718 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        stats_interval w = stats_wilson(c[i].k, c[i].n, 0.95);
        cr_assert_float_eq(w.lo, c[i].lo, 5e-5, "%lu/%lu lo %f", c[i].k, c[i].n, w.lo);
        cr_assert_float_eq(w.hi, c[i].hi, 5e-5, "%lu/%lu hi %f", c[i].k, c[i].n, w.hi);
    }
    cr_assert(isnan(stats_wilson(1, 0, 0.95).lo));
}

/* Exact interval for 0/n has the closed form [0, 1 - (alpha/2)^(1/n)];
 * Newcombe (1998) Table II method 5 gives 81/263 -> [0.2527, 0.3676]. */
Test(stats, clopper_pearson_interval)
{
    stats_interval z = stats_clopper_pearson(0, 10, 0.95);
    cr_assert_float_eq(z.lo, 0.0, 0);
    cr_assert_float_eq(z.hi, 1 - pow(0.025, 0.1), 1e-9);
    stats_interval n = stats_clopper_pearson(81, 263, 0.95);
    cr_assert_float_eq(n.lo, 0.2527, 5e-5);
    cr_assert_float_eq(n.hi, 0.3676, 5e-5);
}

Test(stats, histogram)
{
    stats_acc *a = stats_acc_new(true);
    const double x[] = { -1, 0, 0.5, 1.5, 1.9, 2.0, 3.99, 4, 7 };
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        stats_acc_add(a, x[i]);
    size_t below, above;
    gsl_histogram *h = stats_acc_histogram(a, 4, 0, 4, &below, &above);
    cr_assert_not_null(h);
    cr_assert_eq(below, 1);
    cr_assert_eq(above, 2);
    cr_assert_float_eq(gsl_histogram_get(h, 0), 2.0, 0);
    cr_assert_float_eq(gsl_histogram_get(h, 1), 2.0, 0);
    cr_assert_float_eq(gsl_histogram_get(h, 2), 1.0, 0);
    cr_assert_float_eq(gsl_histogram_get(h, 3), 1.0, 0);
    gsl_histogram_free(h);
    cr_assert_null(stats_acc_histogram(a, 4, 4, 0, NULL, NULL));
    stats_acc_free(a);
}

/* Samples beyond the bound go to a temporary file: the quantiles, the
 * histogram and the running figures must be those of the same samples held
 * in memory, bit for bit (ties, a spike, a wide spread; the file read in
 * several chunks). */
Test(stats, bounded_samples_give_the_same_quantiles)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    stats_acc *mem = stats_acc_new(true), *disk = stats_acc_new_bounded(1000);
    for (int i = 0; i < 300000; i++) {
        double u = gsl_rng_uniform(r);
        double x = u < 0.3 ? 0.25 : u < 0.35 ? floor(u * 1000) : gsl_ran_exponential(r, 2.0);
        if (i % 50000 == 0)
            x = 1e6;
        stats_acc_add(mem, x);
        stats_acc_add(disk, x);
    }
    const double ps[] = { 0, 0.01, 0.25, 0.3, 0.5, 0.9, 0.99, 0.999999, 1 };
    for (size_t i = 0; i < G_N_ELEMENTS(ps); i++) {
        double a = stats_acc_quantile(mem, ps[i]), b = stats_acc_quantile(disk, ps[i]);
        cr_assert(a == b, "p=%g: in memory %.17g, bounded %.17g", ps[i], a, b);
    }
    cr_assert_eq(stats_acc_n(mem), stats_acc_n(disk));
    cr_assert(stats_acc_mean(mem) == stats_acc_mean(disk));
    size_t b1, a1, b2, a2;
    gsl_histogram *h1 = stats_acc_histogram(mem, 50, 0, 10, &b1, &a1), *h2 = stats_acc_histogram(disk, 50, 0, 10, &b2, &a2);
    cr_assert_eq(b1, b2);
    cr_assert_eq(a1, a2);
    for (size_t i = 0; i < 50; i++)
        cr_assert(gsl_histogram_get(h1, i) == gsl_histogram_get(h2, i));
    gsl_histogram_free(h1);
    gsl_histogram_free(h2);
    stats_acc_free(mem);
    stats_acc_free(disk);
    gsl_rng_free(r);
}
