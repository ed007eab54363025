/* Monte Carlo: the split-brain probability against an analytic answer, and
 * the same report for any thread count. */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-c/json.h>
#include <math.h>

#include "tests/support.h"

#define MC "tests/scenarios/mc/drbd-link-failures.json"

static json_object *summary_of(json_object *root, const char *key)
{
    return json_object_object_get(json_object_object_get(root, "summary"), key);
}

/* Exponential link failures with a fixed rate and dont-care fencing: the
 * first failure comes at an exponential time, so P(split brain in T) =
 * P(first failure before T - 6 s) x P(its outage outlasts the 6 s verdict)
 * (a shorter first outage leaves a second chance worth < 1e-4 here). The
 * analytic value must lie in the Wilson interval of the 2000 runs. */
Test(montecarlo, split_brain_matches_the_analytic_probability, .timeout = 120)
{
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "run", MC, "--json", "-", "--quiet", NULL }, &out, &err), 0,
                 "%s", err);
    json_object *root = json_tokener_parse(out);
    cr_assert_not_null(root);
    json_object *sb = summary_of(root, "split_brain");
    double T = 30 * 86400.0, mtbf = 60 * 86400.0, mttr = 10 * 3600.0, verdict = 6;
    double p = (1 - exp(-(T - verdict) / mtbf)) * exp(-verdict / mttr);
    double got = json_object_get_double(json_object_object_get(sb, "probability"));
    json_object *ci = json_object_object_get(sb, "ci95");
    double lo = json_object_get_double(json_object_array_get_idx(ci, 0)),
           hi = json_object_get_double(json_object_array_get_idx(ci, 1));
    cr_assert(lo <= p && p <= hi, "analytic %.4f outside [%.4f, %.4f] (estimate %.4f)", p, lo, hi, got);
    cr_assert_lt(hi - lo, 0.05, "2000 runs give a tight interval");
    /* per year, from the analytic p of 30 days: 1 - (1 - p)^(365.25/30),
     * inside the interval the program gives for it */
    double pya = 1 - pow(1 - p, 365.25 / 30);
    json_object *yci = json_object_object_get(sb, "per_year_ci95");
    double ylo = json_object_get_double(json_object_array_get_idx(yci, 0)),
           yhi = json_object_get_double(json_object_array_get_idx(yci, 1));
    cr_assert(ylo <= pya && pya <= yhi, "analytic per year %.4f outside [%.4f, %.4f]", pya, ylo, yhi);
    json_object *risk = json_object_object_get(summary_of(root, "data_at_risk"), "diverged_bytes");
    cr_assert_gt(json_object_get_double(json_object_object_get(risk, "mean")), 0);
    json_object_put(root);
    g_free(out);
    g_free(err);
}

/* Runs are seeded from (seed, run index): 1 or 2 threads give the same bytes. */
Test(montecarlo, identical_for_one_and_two_threads, .timeout = 120)
{
    char *a, *b, *err;
    cr_assert_eq(support_golive((const char *[]){ "run", MC, "--runs", "300", "--threads", "1", "--json", "-", NULL },
                                &a, &err),
                 0);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "run", MC, "--runs", "300", "--threads", "2", "--json", "-", NULL },
                                &b, &err),
                 0);
    g_free(err);
    cr_assert_str_eq(a, b);
    g_free(a);
    g_free(b);
}

/* A Monte Carlo batch keeps only run 0's records in memory; the others go
 * to a temporary file as the runs end and are read back for the report
 * (1,300 runs: more than the runs in flight at once, and than one stretch
 * of the file's index). Where no temporary file can be made, they stay in
 * memory: the report, the CSV and the text must be the same bytes either
 * way. */
static void mc_outputs(const char *dir, const char *tag, char **json, char **csv, char **txt)
{
    g_autofree char *jp = g_strdup_printf("%s/%s.json", dir, tag), *cp = g_strdup_printf("%s/%s.csv", dir, tag);
    char *err;
    cr_assert_eq(support_golive((const char *[]){ "run", "scenarios/drbd84-year.json", "--runs", "1300", "--json", jp,
                                                  "--csv", cp, NULL },
                                txt,
                                &err),
                 0, "%s", err);
    g_free(err);
    cr_assert(g_file_get_contents(jp, json, NULL, NULL));
    cr_assert(g_file_get_contents(cp, csv, NULL, NULL));
}

Test(montecarlo, records_read_back_from_disk_are_the_ones_kept_in_memory, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-mc-XXXXXX", NULL);
    char *j1, *c1, *t1, *j2, *c2, *t2;
    mc_outputs(dir, "spilled", &j1, &c1, &t1);
    g_setenv("TMPDIR", "/nonexistent/golive-no-temporary-files", TRUE);
    mc_outputs(dir, "kept", &j2, &c2, &t2);
    g_unsetenv("TMPDIR");
    cr_assert_gt(strlen(j1), 4000000, "1,300 runs' records");
    cr_assert_gt(strlen(c1), 400000, "1,300 runs' migrations");
    cr_assert_str_eq(j1, j2);
    cr_assert_str_eq(c1, c2);
    cr_assert_str_eq(t1, t2);
    g_free(j1), g_free(c1), g_free(t1), g_free(j2), g_free(c2), g_free(t2);
    support_rmtree(dir);
}
