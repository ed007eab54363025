/* Random failures: distributions, wildcard expansion, independence of the
 * per-target streams. */
#include <criterion/criterion.h>
#include <glib.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>
#include <math.h>

#include "models/failure.h"
#include "models/world.h"
#include "sim/stats.h"

Test(failure, up_times_have_the_mtbf_as_mean)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    const bool weibull[] = { false, true, true };
    const double shape[] = { 1, 0.7, 2.5 };
    for (int k = 0; k < 3; k++) {
        stats_acc *a = stats_acc_new(false);
        for (int i = 0; i < 200000; i++)
            stats_acc_add(a, failure_draw_up(r, 1000, weibull[k], shape[k]));
        stats_interval ci = stats_acc_ci(a, 0.999);
        cr_assert(ci.lo <= 1000 && 1000 <= ci.hi, "case %d: mean %.1f, 99.9%% CI [%.1f, %.1f]", k, stats_acc_mean(a),
                  ci.lo, ci.hi);
        stats_acc_free(a);
    }
    gsl_rng_free(r);
}

/* The whole distribution, not only its mean: Kolmogorov-Smirnov against
 * the CDF, 1 - exp(-(x/scale)^shape) with scale = mtbf / Gamma(1 + 1/shape)
 * (the exponential is shape 1). A sampler that ignored the shape would keep
 * the mean and fail here. Critical value at the 0.1% level: 1.95 / sqrt(n). */
Test(failure, up_times_follow_their_distribution)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    const bool weibull[] = { false, true, true };
    const double shape[] = { 1, 0.7, 2.5 };
    enum { N = 20000 };
    double *x = g_new(double, N);
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < N; i++)
            x[i] = failure_draw_up(r, 1000, weibull[k], shape[k]);
        gsl_sort(x, 1, N);
        double scale = 1000 / gsl_sf_gamma(1 + 1 / shape[k]), d = 0;
        for (int i = 0; i < N; i++) {
            double f = 1 - exp(-pow(x[i] / scale, shape[k]));
            d = fmax(d, fmax(fabs(f - (double)i / N), fabs(f - (double)(i + 1) / N)));
        }
        cr_assert_lt(d, 1.95 / sqrt(N), "shape %.1f: KS distance %.4f", shape[k], d);
        /* and against the wrong shape: the test can tell them apart */
        double wrong = 0, ws = k ? 1 : 2.5, wscale = 1000 / gsl_sf_gamma(1 + 1 / ws);
        for (int i = 0; i < N; i++)
            wrong = fmax(wrong, fabs(1 - exp(-pow(x[i] / wscale, ws)) - (double)i / N));
        cr_assert_gt(wrong, 1.95 / sqrt(N), "shape %.1f passes as shape %.1f", shape[k], ws);
    }
    g_free(x);
    gsl_rng_free(r);
}

static scenario *load(const char *text)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("f.json", text, strlen(text), errors);
    cr_assert_not_null(sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    g_ptr_array_free(errors, TRUE);
    return sc;
}

#define HOSTS2 "{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"repl\",\"bandwidth\":1e9}]}," \
               "{\"name\":\"b\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}"

/* The names of what failure class i of sc matches, joined by spaces. */
static char *expand(const scenario *sc, size_t i)
{
    g_autoptr(GArray) t = failure_expand(sc, &sc->failures[i].pattern);
    GString *out = g_string_new(NULL);
    for (guint k = 0; k < t->len; k++) {
        g_autofree char *name = scenario_target_name(sc, &g_array_index(t, scn_target, k));
        g_string_append_printf(out, "%s%s", k ? " " : "", name);
    }
    return g_string_free(out, FALSE);
}

Test(failure, wildcards_expand_over_the_scenario)
{
    static const char *const pattern[] = { "host:*", "nic:*/lan", "nic:a/*", "network:*", "host:b", "nic:*",
                                           "disk:*", "disk:b/*", "disk:*/1", "osd:*", "osd:2" };
    static const char *const expect[] = { "host:a host:b", "nic:a/lan nic:b/lan", "nic:a/lan nic:a/repl",
                                          "network:lan network:repl", "host:b", "nic:a/lan nic:a/repl nic:b/lan",
                                          "disk:a/0 disk:b/0 disk:b/1", "disk:b/0 disk:b/1", "disk:b/1",
                                          "osd:0 osd:1 osd:2", "osd:2" };
    GString *f = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(pattern); i++)
        g_string_append_printf(f, "%s{\"target\":\"%s\",\"mtbf\":\"1y\",\"mttr\":\"1h\"}", i ? "," : "", pattern[i]);
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"until\":\"1d\",\"networks\":[{\"name\":\"lan\"},{\"name\":\"repl\"}],"
        "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"repl\",\"bandwidth\":1e9}]},"
        "{\"name\":\"b\",\"disks\":2,\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}],\"failures\":[%s]}",
        f->str);
    g_string_free(f, TRUE);
    scenario *sc = load(text);
    for (size_t i = 0; i < G_N_ELEMENTS(pattern); i++) {
        g_autofree char *got = expand(sc, i);
        cr_assert_str_eq(got, expect[i], "%s", pattern[i]);
    }
    scenario_free(sc);
}

/* The times host a fails, from the trace of one run. */
static char *failures_of_a(const char *hosts, uint64_t seed)
{
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"seed\":%" G_GUINT64_FORMAT ",\"until\":\"365d\",\"networks\":[{\"name\":\"lan\"},{\"name\":\"repl\"}],"
        "\"hosts\":[%s],\"failures\":[{\"target\":\"host:*\",\"mtbf\":\"30d\",\"mttr\":\"4h\"}]}",
        seed, hosts);
    scenario *sc = load(text);
    g_autoptr(GError) err = NULL;
    world *w = world_new(sc, 0, &err);
    cr_assert_not_null(w, "%s", err ? err->message : "");
    world_run(w);
    GString *out = g_string_new(NULL);
    trace_rec rec;
    for (size_t i = 0; trace_get(sim_trace(world_sim(w)), i, &rec); i++)
        if (!strcmp(rec.kind, "fail") && !strcmp(rec.subject, "host:a"))
            g_string_append_printf(out, "%" G_GINT64_FORMAT ",", rec.t);
    world_free(w);
    scenario_free(sc);
    return g_string_free(out, FALSE);
}

Test(failure, each_target_has_its_own_stream)
{
    g_autofree char *two = failures_of_a(HOSTS2, 9);
    g_autofree char *again = failures_of_a(HOSTS2, 9);
    g_autofree char *three = failures_of_a(HOSTS2 ",{\"name\":\"c\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}", 9);
    g_autofree char *other = failures_of_a(HOSTS2, 10);
    cr_assert_gt(strlen(two), 20, "host a fails several times a year: %s", two);
    cr_assert_str_eq(two, again, "same seed, same failures");
    cr_assert_str_eq(two, three, "adding host c does not move host a's failures");
    cr_assert_str_neq(two, other, "another seed, other failures");
}
