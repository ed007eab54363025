/* Runs spread over processes: 4 shards under make -j2, merged, give the
 * report of a single process byte for byte; parts that do not fit are
 * refused. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/support.h"

/* Runs scenarios/slurm/shards.mk under make -j2 with these variables (and
 * OUT=dir, GOLIVE=the golive under test); returns the merged report. */
static char *make_shards(const char *dir, const char *const *vars)
{
    g_autofree char *out_arg = g_strdup_printf("OUT=%s", dir);
    g_autofree char *golive_arg = g_strdup_printf("GOLIVE=%s", g_getenv("GOLIVE_BIN"));
    GPtrArray *argv = g_ptr_array_new();
    const char *fixed[] = { "make", "-s", "-j2", "-f", "scenarios/slurm/shards.mk", golive_arg, out_arg };
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (gpointer)fixed[i]);
    for (size_t i = 0; vars[i]; i++)
        g_ptr_array_add(argv, (gpointer)vars[i]);
    g_ptr_array_add(argv, NULL);
    int status = -1;
    char *out = NULL, *err = NULL;
    cr_assert(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                           NULL));
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "make: %s", err);
    g_ptr_array_free(argv, TRUE);
    g_free(out);
    g_free(err);
    g_autofree char *merged_path = g_build_filename(dir, "report.json", NULL);
    char *merged = NULL;
    cr_assert(g_file_get_contents(merged_path, &merged, NULL, NULL));
    return merged;
}

Test(shard, four_shards_with_make_j2_merge_to_the_single_report, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-shard-XXXXXX", NULL);
    g_autofree char *merged = make_shards(
        dir, (const char *[]){ "SCENARIO=scenarios/drbd84-no-fencing-year.json", "RUNS=60", "SHARDS=4", NULL });
    char *out, *err;
    char *single;
    cr_assert_eq(support_golive((const char *[]){ "run", "scenarios/drbd84-no-fencing-year.json", "--runs", "60",
                                                  "--json", "-", NULL },
                                &single, &err),
                 0);
    g_free(err);
    cr_assert_str_eq(merged, single, "the merged report differs from the single-process one");
    g_free(single);
    /* a part missing, and a part of another shard count */
    g_autofree char *p0 = g_build_filename(dir, "part-0.json", NULL), *p1 = g_build_filename(dir, "part-1.json", NULL);
    cr_assert_eq(support_golive((const char *[]){ "merge", p0, p1, "--quiet", NULL }, &out, &err), 2);
    cr_assert(strstr(err, "split into 4 shards"), "%s", err);
    g_free(out);
    g_free(err);
    const char *files[] = { "part-0.json", "part-1.json", "part-2.json", "part-3.json", "report.json" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_build_filename(dir, files[i], NULL);
        g_remove(p);
    }
    g_rmdir(dir);
}

/* A sweep's grid split into 3 shards (one of them with no point of the last
 * row) under make -j2: the merged JSON and CSV are the single sweep's, byte
 * for byte; a shard missing, given twice or from another grid is refused. */
Test(shard, sweep_shards_merge_to_the_single_sweep, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-sweep-shard-XXXXXX", NULL);
    const char *set = "SET=--set migration.max_bandwidth=100MiB/s,400MiB/s,1GiB/s --set "
                      "vms[0].dirty.rate=5000pages/s,40000pages/s";
    g_autofree char *merged = make_shards(
        dir, (const char *[]){ "SCENARIO=scenarios/web-server.json", set, "RUNS=2", "SHARDS=3", NULL });
    char *out, *err;
    char *single;
    const char *sweep[] = { "sweep", "scenarios/web-server.json", "--set",
                            "migration.max_bandwidth=100MiB/s,400MiB/s,1GiB/s", "--set",
                            "vms[0].dirty.rate=5000pages/s,40000pages/s", "--runs", "2", "--json", "-", NULL };
    cr_assert_eq(support_golive(sweep, &single, &err), 0, "%s", err);
    g_free(err);
    cr_assert_str_eq(merged, single, "the merged sweep differs from the single-process one");
    cr_assert(strstr(single, "\"points\""));
    g_free(single);

    g_autofree char *p0 = g_build_filename(dir, "part-0.json", NULL), *p1 = g_build_filename(dir, "part-1.json", NULL),
                    *other = g_build_filename(dir, "other.json", NULL);
    cr_assert_eq(support_golive((const char *[]){ "merge", p0, p1, NULL }, &out, &err), 2);
    cr_assert(strstr(err, "split into 3 shards"), "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "merge", p0, p1, p1, NULL }, &out, &err), 2);
    cr_assert(strstr(err, "given twice"), "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "migration.max_bandwidth=100MiB/s,2GiB/s", "--shard", "2/3",
                                                  "--json", other, "--quiet", NULL },
                                &out, &err),
                 0, "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "merge", p0, p1, other, NULL }, &out, &err), 2);
    cr_assert(strstr(err, "another sweep"), "%s", err);
    g_free(out);
    g_free(err);
    const char *files[] = { "part-0.json", "part-1.json", "part-2.json", "other.json", "report.json" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_build_filename(dir, files[i], NULL);
        g_remove(p);
    }
    g_rmdir(dir);
}

/* Parts are inputs: a damaged one (a VM index the scenario does not have,
 * a value of the wrong type, a truncated file) is refused with its JSON
 * path and exit status 2, never trusted. */
static void damage(const char *src, const char *dst, const char *key, int idx, json_object *value)
{
    json_object *root = json_object_from_file(src);
    cr_assert_not_null(root);
    json_object *res = json_object_object_get(root, "results");
    if (!strcmp(key, "results"))
        json_object_object_add(root, "results", value);
    else if (!strcmp(key, "vm")) {
        json_object *m = json_object_object_get(json_object_array_get_idx(res, 0), "m");
        json_object_array_put_idx(json_object_array_get_idx(m, 0), (size_t)idx, value);
    } else
        json_object_object_add(root, key, value);
    cr_assert_eq(json_object_to_file(dst, root), 0);
    json_object_put(root);
}

Test(shard, damaged_parts_are_refused, .timeout = 60)
{
    g_autofree char *dir = g_dir_make_tmp("golive-bad-part-XXXXXX", NULL);
    g_autofree char *p0 = g_build_filename(dir, "p0.json", NULL), *p1 = g_build_filename(dir, "p1.json", NULL),
                    *bad = g_build_filename(dir, "bad.json", NULL), *s0 = g_build_filename(dir, "s0.json", NULL),
                    *s1 = g_build_filename(dir, "s1.json", NULL);
    char *out, *err;
    const char *runs[][10] = {
        { "run", "scenarios/drbd84-dual-primary-no-fencing.json", "--runs", "2", "--shard", "0/2", "--json", p0, "-q", NULL },
        { "run", "scenarios/drbd84-dual-primary-no-fencing.json", "--runs", "2", "--shard", "1/2", "--json", p1, "-q", NULL },
        { "sweep", "scenarios/web-server.json", "--set", "migration.max_bandwidth=1GiB/s,2GiB/s", "--shard", "0/2",
          "--json", s0, "-q", NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
        cr_assert_eq(support_golive(runs[i], &out, &err), 0, "%s", err);
        g_free(out);
        g_free(err);
    }
    struct {
        const char *key;
        int idx;
        json_object *value;
        const char *src, *other, *why;
    } cases[] = {
        { "vm", 0, json_object_new_int(999), p0, p1, "$.results[0].m[0]" },
        { "vm", 4, json_object_new_string("completed"), p0, p1, "$.results[0].m[0]" },
        { "results", 0, json_object_new_string("none"), p0, p1, "$.results: expected an array" },
        { "runs", 0, json_object_new_int(-5), p0, p1, "$.runs" },
        { "keys", 0, json_object_new_int(1), s0, s0, "\"keys\"" },
        /* values of the right type but out of range (issue 14: they used
         * to overflow or come out as -9.2e18 bytes) */
        { "vm", 5, json_object_new_int64(INT64_MAX), p0, p1, "$.results[0].m[0]" },   /* start beyond the run */
        { "vm", 6, json_object_new_int64(INT64_MIN), p0, p1, "$.results[0].m[0]" },   /* end */
        { "vm", 12, json_object_new_string("nan"), p0, p1, "$.results[0].m[0]" },     /* transferred */
        { "vm", 12, json_object_new_string("inf"), p0, p1, "$.results[0].m[0]" },
        { "vm", 12, json_object_new_string("0x1p+1023"), p0, p1, "$.results[0].m[0]" },
        { "vm", 12, json_object_new_string("-0x1p+10"), p0, p1, "$.results[0].m[0]" },
        { "vm", 4, json_object_new_int(0), p0, p1, "$.results[0].m[0]" },             /* outcome "running" */
        { "vm", 9, json_object_new_int64(9200000000LL * 1000000000LL), p0, p1, "$.results[0].m[0]" }, /* downtime */
        { "vm", 15, json_object_new_string("0x1p+1"), p0, p1, "$.results[0].m[0]" },  /* throttle 200% */
        { "seed", 0, json_object_new_int(-1), p0, p1, "$.seed" },
        /* a name with an escape sequence would reach the terminal in every message */
        { "file", 0, json_object_new_string("x\033[2J.json"), p0, p1, "$.file" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        damage(cases[i].src, bad, cases[i].key, cases[i].idx, cases[i].value);
        const char *a[] = { "merge", bad, cases[i].other, "--json", s1, NULL };
        cr_assert_eq(support_golive(a, &out, &err), 2, "case %zu: %s", i, err);
        cr_assert(strstr(err, cases[i].why) && strstr(err, "damaged"), "case %zu: %s", i, err);
        cr_assert_not(g_file_test(s1, G_FILE_TEST_EXISTS), "case %zu wrote a report", i);
        g_free(out);
        g_free(err);
    }
    /* truncated */
    g_autofree char *text = NULL;
    gsize len;
    cr_assert(g_file_get_contents(p0, &text, &len, NULL));
    cr_assert(g_file_set_contents(bad, text, (gssize)(len / 2), NULL));
    cr_assert_eq(support_golive((const char *[]){ "merge", bad, p1, NULL }, &out, &err), 2);
    cr_assert(strstr(err, "not a part"), "%s", err);
    g_free(out);
    g_free(err);
    const char *files[] = { p0, p1, bad, s0 };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
        g_remove(files[i]);
    g_rmdir(dir);
}

/* A part brings its scenario's dirty traces with it: merge opens no path a
 * part names (issue 14). The merged report equals the single process's even
 * with the trace file gone; a part without them is refused. */
Test(shard, parts_carry_their_traces, .timeout = 60)
{
    g_autofree char *dir = g_dir_make_tmp("golive-trace-part-XXXXXX", NULL);
    g_autofree char *csv = g_build_filename(dir, "pages.csv", NULL), *json = g_build_filename(dir, "s.json", NULL),
                    *part = g_build_filename(dir, "p.json", NULL), *bad = g_build_filename(dir, "bad.json", NULL);
    cr_assert(g_file_set_contents(csv, "pages\n2000\n8000\n500\n", -1, NULL));
    cr_assert(g_file_set_contents(json,
                                  "{\"golive\":1,\"until\":\"2min\",\"networks\":[{\"name\":\"n\"}],"
                                  "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"n\",\"bandwidth\":\"1Gbit/s\"}]},"
                                  "{\"name\":\"b\",\"nics\":[{\"network\":\"n\",\"bandwidth\":\"1Gbit/s\"}]}],"
                                  "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\","
                                  "\"dirty\":{\"model\":\"trace\",\"file\":\"pages.csv\"}}],"
                                  "\"events\":[{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v\",\"to\":\"b\"}]}",
                                  -1, NULL));
    char *single, *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "run", json, "--runs", "2", "--json", "-", NULL }, &single, &err), 0,
                 "%s", err);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "run", json, "--runs", "2", "--shard", "0/1", "--json", part, "-q",
                                                  NULL },
                                &out, &err),
                 0, "%s", err);
    g_free(out);
    g_free(err);
    g_remove(csv); /* merge must not need it */
    cr_assert_eq(support_golive((const char *[]){ "merge", part, "--json", "-", NULL }, &out, &err), 0, "%s", err);
    cr_assert_str_eq(out, single);
    g_free(out);
    g_free(err);
    g_free(single);
    json_object *root = json_object_from_file(part);
    json_object_object_del(root, "traces");
    cr_assert_eq(json_object_to_file(bad, root), 0);
    json_object_put(root);
    cr_assert_eq(support_golive((const char *[]){ "merge", bad, NULL }, &out, &err), 2);
    cr_assert(strstr(err, "its values are not given with the scenario"), "%s", err);
    g_free(out);
    g_free(err);
    g_remove(json);
    g_remove(part);
    g_remove(bad);
    g_rmdir(dir);
}
