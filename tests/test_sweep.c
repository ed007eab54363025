/* golive sweep: a grid of scenario values, each point checked, run and
 * reported. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <string.h>

#include "tests/support.h"

/* Which max-bandwidth keeps the web server's downtime under 100 ms: the
 * stop-and-copy threshold grows with the bandwidth, so the downtime does
 * too; a dirty rate above the bandwidth never converges. */
Test(sweep, one_key_answers_the_planner, .timeout = 60)
{
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "migration.max_bandwidth=100MiB/s,400MiB/s,1.2GiB/s", "--json", "-",
                                                  NULL },
                                &out, &err),
                 0, "%s", err);
    json_object *root = json_tokener_parse(out);
    cr_assert_not_null(root);
    json_object *pts = json_object_object_get(root, "points");
    cr_assert_eq(json_object_array_length(pts), 3);
    double last = 0;
    for (size_t i = 0; i < 3; i++) {
        json_object *dt = json_object_object_get(json_object_array_get_idx(pts, i), "downtime");
        double d = json_object_get_double(json_object_object_get(dt, "mean"));
        cr_assert_gt(d, last, "downtime grows with the bandwidth");
        last = d;
    }
    json_object_put(root);
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "vms[0].dirty.rate=5000pages/s,80000pages/s", "--set",
                                                  "migration.max_bandwidth=100MiB/s", "--csv", "-", NULL },
                                &out, &err),
                 0, "%s", err);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    cr_assert_eq(g_strv_length(lines), 4, "header, two points, end: %s", out);
    cr_assert(g_str_has_prefix(lines[0], "vms[0].dirty.rate,migration.max_bandwidth,migrations,converged,"));
    cr_assert(strstr(lines[1], "5000pages/s,100MiB/s,1,1,"), "%s", lines[1]);
    cr_assert(strstr(lines[2], "80000pages/s,100MiB/s,0,0,"), "never converges: %s", lines[2]);
    g_free(out);
    g_free(err);
}

/* Two keys: heatmaps of downtime and total time with the convergence
 * boundary, and the convergence share; the same bytes for 1 or 2 threads. */
Test(sweep, two_keys_draw_heatmaps, .timeout = 60)
{
    g_autofree char *dir = g_dir_make_tmp("golive-sweep-XXXXXX", NULL);
    const char *bw = "migration.max_bandwidth=100MiB/s,200MiB/s,400MiB/s";
    const char *dr = "vms[0].dirty.rate=5000pages/s,40000pages/s";
    char *a, *b, *err;
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set", bw, "--set", dr,
                                                  "--plots", dir, "--threads", "1", "--json", "-", NULL },
                                &a, &err),
                 0, "%s", err);
    g_free(err);
    const char *files[] = { "sweep-downtime.png", "sweep-total-time.png", "sweep-convergence.png" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_build_filename(dir, files[i], NULL);
        cr_assert(g_file_test(p, G_FILE_TEST_EXISTS), "%s", files[i]);
        g_remove(p);
    }
    g_rmdir(dir);
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set", bw, "--set", dr,
                                                  "--threads", "2", "--json", "-", NULL },
                                &b, &err),
                 0);
    cr_assert_str_eq(a, b);
    g_free(a);
    g_free(b);
    g_free(err);
}

/* A key that does not exist or a value the loader rejects: a clear
 * message, exit 2, nothing run. */
Test(sweep, bad_keys_and_values)
{
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "vms[7].dirty.rate=1", NULL },
                                &out, &err),
                 2);
    cr_assert(strstr(err, "--set vms[7].dirty.rate: vms[7]: vms has 1 item"), "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "migration.max_bandwidth=fast", NULL },
                                &out, &err),
                 2);
    cr_assert(strstr(err, "(migration.max_bandwidth=fast)") && strstr(err, "migration.max_bandwidth: expected"), "%s",
              err);
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", NULL }, &out, &err), 2);
    g_free(out);
    g_free(err);
}

static bool exists_in(const char *dir, const char *file)
{
    g_autofree char *p = g_build_filename(dir, file, NULL);
    bool ok = g_file_test(p, G_FILE_TEST_EXISTS);
    g_remove(p);
    return ok;
}

/* The metric answers the swept question (issue 15): a design key plots
 * availability and split brain by default, --metric picks others; an enum
 * key is plotted by its names, "unlimited" at the axis end; a [*] key sets
 * every item of its array. */
Test(sweep, metrics_wildcards_and_named_values, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-sweep-XXXXXX", NULL);
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/drbd84-year.json", "--runs", "20", "--set",
                                                  "storage.fencing=dont-care,resource-and-stonith", "--plots", dir,
                                                  "--json", "-", NULL },
                                &out, &err),
                 0, "%s", err);
    cr_assert(exists_in(dir, "sweep-availability.png") && exists_in(dir, "sweep-split-brain.png"));
    cr_assert_not(exists_in(dir, "sweep-downtime.png"), "a design question is not about downtime");
    json_object *root = json_tokener_parse(out);
    json_object *pts = json_object_object_get(root, "points");
    cr_assert_gt(json_object_get_double(json_object_object_get(json_object_array_get_idx(pts, 0), "split_brain_per_year")),
                 0, "dont-care splits brain");
    cr_assert_eq(json_object_get_double(json_object_object_get(json_object_array_get_idx(pts, 1), "split_brain_per_year")),
                 0);
    json_object_put(root);
    g_free(out);
    g_free(err);

    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "migration.max_bandwidth=100MiB/s,1GiB/s,unlimited", "--metric",
                                                  "window", "--metric", "converged", "--plots", dir, "-q", NULL },
                                &out, &err),
                 0, "%s", err);
    cr_assert(exists_in(dir, "sweep-window.png") && exists_in(dir, "sweep-converged.png"));
    cr_assert_not(exists_in(dir, "sweep-downtime.png"));
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set", "migration.max_bandwidth=1GiB/s",
                                                  "--metric", "nines", NULL },
                                &out, &err),
                 2);
    cr_assert(strstr(err, "--metric nines"), "%s", err);
    g_free(out);
    g_free(err);

    /* every host's NIC at once: 1 Gbit/s is slower than the cap */
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "hosts[*].nics[0].bandwidth=1Gbit/s,10Gbit/s", "--json", "-", NULL },
                                &out, &err),
                 0, "%s", err);
    root = json_tokener_parse(out);
    pts = json_object_object_get(root, "points");
    double slow = json_object_get_double(json_object_object_get(json_object_array_get_idx(pts, 0), "total_time_mean"));
    double fast = json_object_get_double(json_object_object_get(json_object_array_get_idx(pts, 1), "total_time_mean"));
    cr_assert_gt(slow, fast, "both ends of the link are slower");
    json_object_put(root);
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "nothing[*].bandwidth=1Gbit/s", NULL },
                                &out, &err),
                 2);
    g_free(out);
    g_free(err);
    g_rmdir(dir);
}
