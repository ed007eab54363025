/* golive compare: designs side by side with their confidence intervals. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <math.h>
#include <string.h>

#include "tests/support.h"

static json_object *design(json_object *root, const char *name)
{
    json_object *ds = json_object_object_get(root, "designs");
    for (size_t i = 0; i < json_object_array_length(ds); i++) {
        json_object *d = json_object_array_get_idx(ds, i);
        if (!strcmp(json_object_get_string(json_object_object_get(d, "scenario")), name))
            return d;
    }
    return NULL;
}

static double get(json_object *o, const char *a, const char *b)
{
    return json_object_get_double(json_object_object_get(json_object_object_get(o, a), b));
}

/* DRBD dual-primary without fencing splits its brain when the replication
 * network fails; with resource-and-stonith it never does; both reach the
 * table with every column and its interval. */
Test(compare, drbd_with_and_without_fencing, .timeout = 120)
{
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "compare", "scenarios/drbd84-year.json",
                                                  "scenarios/drbd84-no-fencing-year.json", "--runs", "200", "--json",
                                                  "-", NULL },
                                &out, &err),
                 0, "%s", err);
    json_object *root = json_tokener_parse(out);
    cr_assert_not_null(root);
    json_object *safe = design(root, "drbd84-year"), *risky = design(root, "drbd84-no-fencing-year");
    cr_assert_not_null(safe);
    cr_assert_not_null(risky);
    cr_assert_eq(get(safe, "split_brain", "per_year"), 0);
    /* Bounds derived from the failure rates (per year): the replication link
     * is cut by its network (1/2) or either node's repl NIC (1/8 each),
     * 0.75 in all; a cut splits the brain while both nodes run VMs. At most
     * every cut does: 1 - exp(-0.75). At least the cuts that come before
     * anything that could put every VM on one node (the lan network 1/2,
     * either host 1/3, either lan NIC 1/8: 1.4167): (0.75 / 2.1667) x
     * (1 - exp(-2.1667)). The year's interval must overlap [lo, hi] and
     * stay inside [lo - its width, hi + its width]. */
    double lo = 0.75 / 2.1667 * (1 - exp(-2.1667)), hi = 1 - exp(-0.75);
    json_object *ci = json_object_object_get(json_object_object_get(risky, "split_brain"), "per_year_ci95");
    double c0 = json_object_get_double(json_object_array_get_idx(ci, 0)),
           c1 = json_object_get_double(json_object_array_get_idx(ci, 1));
    double py = get(risky, "split_brain", "per_year");
    cr_assert(py >= lo && py <= hi, "split brain per year %.3f outside the derived %.3f-%.3f", py, lo, hi);
    /* the Wilson score interval of 200 runs at that estimate, recomputed */
    double z = 1.959964, n = 200, mid = (py + z * z / (2 * n)) / (1 + z * z / n),
           half = z / (1 + z * z / n) * sqrt(py * (1 - py) / n + z * z / (4 * n * n));
    cr_assert(fabs(c0 - (mid - half)) < 1e-3 && fabs(c1 - (mid + half)) < 1e-3,
              "interval %.4f-%.4f, Wilson gives %.4f-%.4f", c0, c1, mid - half, mid + half);
    cr_assert_gt(get(json_object_object_get(risky, "data_at_risk"), "discarded_bytes", "mean"), 0);
    double a = get(safe, "availability", "mean");
    cr_assert(a > 0.999 && a < 1, "availability %.6f", a);
    cr_assert_gt(get(safe, "availability", "nines"), 3);
    cr_assert_gt(get(safe, "migration_downtime", "mean"), 0.1);
    cr_assert_gt(get(safe, "migration_downtime", "n"), 1000, "24 maintenance moves a year");
    json_object_put(root);
    g_free(out);
    g_free(err);
    /* the text table names every design */
    cr_assert_eq(support_golive((const char *[]){ "compare", "scenarios/drbd84-year.json", "scenarios/nfs-year.json",
                                                  "--runs", "20", NULL },
                                &out, &err),
                 0);
    cr_assert(strstr(out, "drbd84-year") && strstr(out, "nfs-year") && strstr(out, "nines"), "%s", out);
    g_free(out);
    g_free(err);
}

/* One bad file: every error printed, exit 2, nothing run or written. */
Test(compare, a_bad_file_stops_everything)
{
    g_autofree char *dir = g_dir_make_tmp("golive-cmp-XXXXXX", NULL);
    g_autofree char *bad = g_build_filename(dir, "bad.json", NULL), *csv = g_build_filename(dir, "c.csv", NULL);
    cr_assert(g_file_set_contents(bad, "{\"golive\":1,\"hosts\":[{\"name\":3}]}", -1, NULL));
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "compare", "scenarios/drbd84-year.json", bad, "--csv", csv, NULL },
                                &out, &err),
                 2);
    cr_assert(strstr(err, "bad.json") && strstr(err, "hosts[0].name"), "%s", err);
    cr_assert(!g_file_test(csv, G_FILE_TEST_EXISTS));
    g_free(out);
    g_free(err);
    g_remove(bad);
    g_rmdir(dir);
}

/* --plots DIR: bars with intervals and the overlaid CDFs, as SVG here; a
 * chart that would be all zeros (no design splits brain) is not drawn, the
 * text says so. */
Test(compare, plots, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-cmp-plots-XXXXXX", NULL);
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "compare", "scenarios/drbd84-year.json",
                                                  "scenarios/drbd84-no-fencing-year.json", "--runs", "30", "--plots",
                                                  dir, "--plot-format", "svg", "--quiet", NULL },
                                &out, &err),
                 0, "%s", err);
    const char *files[] = { "unavailability.svg", "split-brain.svg", "data-at-risk.svg", "downtime-cdf.svg" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_build_filename(dir, files[i], NULL);
        g_autofree char *data = NULL;
        cr_assert(g_file_get_contents(p, &data, NULL, NULL), "%s missing", files[i]);
        cr_assert(strstr(data, "<svg"), "%s is SVG", files[i]);
        g_remove(p);
    }
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "compare", "scenarios/drbd84-year.json", "scenarios/nfs-year.json",
                                                  "--runs", "20", "--plots", dir, "--plot-format", "svg", NULL },
                                &out, &err),
                 0, "%s", err);
    g_autofree char *sb = g_build_filename(dir, "split-brain.svg", NULL);
    cr_assert_not(g_file_test(sb, G_FILE_TEST_EXISTS), "an all-zero chart was drawn");
    cr_assert(strstr(out, "no split-brain chart"), "%s", out);
    const char *left[] = { "unavailability.svg", "downtime-cdf.svg" };
    for (size_t i = 0; i < G_N_ELEMENTS(left); i++) {
        g_autofree char *p = g_build_filename(dir, left[i], NULL);
        g_remove(p);
    }
    g_free(out);
    g_free(err);
    g_rmdir(dir);
}

/* The ranking explains itself (issue 15): every line fits 120 columns, the
 * unavailability is broken down by cause, and a design whose nines look
 * best while it splits brain carries a warning that says so. */
Test(compare, explains_its_ranking, .timeout = 120)
{
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "compare", "scenarios/drbd84-year.json",
                                                  "scenarios/drbd84-no-fencing-year.json", "scenarios/nfs-year.json",
                                                  "--runs", "100", NULL },
                                &out, &err),
                 0, "%s", err);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (size_t i = 0; lines[i]; i++)
        cr_assert_leq(g_utf8_strlen(lines[i], -1), 120, "line %zu is too wide: %s", i, lines[i]);
    cr_assert(strstr(out, "by cause"), "%s", out);
    const char *warn = strstr(out, "! drbd84-no-fencing-year has the best availability but splits brain");
    cr_assert_not_null(warn, "%s", out);
    cr_assert_null(strstr(out, "! drbd84-year"), "a design that never splits brain is not flagged");
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "compare", "scenarios/drbd84-year.json", "scenarios/nfs-year.json",
                                                  "--runs", "20", "--json", "-", NULL },
                                &out, &err),
                 0, "%s", err);
    json_object *root = json_tokener_parse(out);
    json_object *nfs = design(root, "nfs-year"), *drbd = design(root, "drbd84-year");
    json_object *by = json_object_object_get(nfs, "unavailable_seconds_per_vm_year_by_cause");
    cr_assert_not_null(by);
    cr_assert_gt(json_object_get_double(json_object_object_get(by, "io-blocked")), 0, "a lost filer blocks IO");
    /* one copy over the network (to the filer, to the DRBD peer) */
    cr_assert_gt(json_object_get_double(json_object_object_get(nfs, "storage_network_Bps")), 0);
    cr_assert_float_eq(json_object_get_double(json_object_object_get(nfs, "storage_network_Bps")),
                       json_object_get_double(json_object_object_get(drbd, "storage_network_Bps")), 1e-6);
    cr_assert_gt(json_object_get_double(json_object_object_get(drbd, "write_latency")), 0);
    json_object_put(root);
    g_free(out);
    g_free(err);
}
