/* The "assumed" block (issue 15): every default the scenario left unset that
 * shaped a result is counted where a model used it, and only then; a
 * scenario without `until` ends when nothing is left to happen, and its
 * availability is over that time. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <math.h>
#include <string.h>

#include "models/assume.h"
#include "models/world.h"
#include "tests/support.h"

/* Two hosts on one link of `bw`, two VMs of 1 GiB, v1 moved at 1 s; `migration`
 * is the scenario's migration block, `own` v1's own, `extra` more top-level
 * keys (each may be empty). */
static world *mrun(const char *bw, const char *migration, const char *own, const char *extra, scenario **sc)
{
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,%s\"networks\":[{\"name\":\"lan\",\"latency\":\"50us\"}],"
        "\"hosts\":[{\"name\":\"a\",\"cores\":8,\"memory\":\"64GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"%s\"}]},"
        "{\"name\":\"b\",\"cores\":8,\"memory\":\"64GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"%s\"}]}],"
        "\"migration\":{%s},"
        "\"vms\":[{\"name\":\"v1\",\"host\":\"a\",\"memory\":\"1GiB\",\"migration\":{%s},"
        "\"dirty\":{\"model\":\"uniform\",\"rate\":\"2000pages/s\",\"working_set\":\"64MiB\"}},"
        "{\"name\":\"v2\",\"host\":\"a\",\"memory\":\"1GiB\"}],"
        "\"events\":[{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"b\"}]}",
        extra, bw, bw, migration, own);
    return support_run(text, sc);
}

Test(assume, the_bandwidth_cap_counts_only_where_it_binds)
{
    scenario *sc;
    /* 10 Gbit/s links: QEMU's 128 MiB/s cap, not the link, sets the rate */
    world *w = mrun("10Gbit/s", "", "", "", &sc);
    const assume_counts *c = world_assumed(w);
    cr_assert_eq(c->n[AS_MIG_MAX_BANDWIDTH], 1);
    cr_assert_eq(c->vm[AS_MIG_MAX_BANDWIDTH], 0, "v1's value is shown");
    cr_assert_eq(c->n[AS_MIG_DOWNTIME_LIMIT], 1);
    cr_assert_eq(c->n[AS_VM_WORKING_SET], 0, "the working set is given");
    cr_assert_eq(c->n[AS_CL_FENCE_TIME], 0, "nothing was fenced");
    world_free(w);
    scenario_free(sc);
    /* 1 Gbit/s links are slower than the cap: it changed nothing */
    w = mrun("1Gbit/s", "", "", "", &sc);
    cr_assert_eq(world_assumed(w)->n[AS_MIG_MAX_BANDWIDTH], 0);
    cr_assert_eq(world_assumed(w)->n[AS_MIG_DOWNTIME_LIMIT], 1);
    world_free(w);
    scenario_free(sc);
}

Test(assume, a_key_set_anywhere_is_no_assumption)
{
    scenario *sc;
    world *w = mrun("10Gbit/s", "\"max_bandwidth\":\"unlimited\"", "", "", &sc);
    cr_assert_eq(world_assumed(w)->n[AS_MIG_MAX_BANDWIDTH], 0, "set scenario-wide");
    /* unlimited: one sender thread's copy speed binds on 10 Gbit/s instead */
    cr_assert_eq(world_assumed(w)->n[AS_MIG_SENDER], 1);
    world_free(w);
    scenario_free(sc);
    w = mrun("10Gbit/s", "", "\"max_bandwidth\":\"10Gbit/s\",\"downtime_limit\":\"300ms\"", "", &sc);
    cr_assert_eq(world_assumed(w)->n[AS_MIG_MAX_BANDWIDTH], 0, "set in the VM's own block");
    cr_assert_eq(world_assumed(w)->n[AS_MIG_DOWNTIME_LIMIT], 0, "set to its default value: still set");
    cr_assert(assume_is_default(sc, AS_MIG_DOWNTIME_LIMIT, 1), "v2 sets nothing");
    cr_assert_not(assume_is_default(sc, AS_MIG_DOWNTIME_LIMIT, 0));
    world_free(w);
    scenario_free(sc);
}

Test(assume, without_until_a_run_ends_when_nothing_is_left)
{
    scenario *sc;
    world *w = mrun("1Gbit/s", "", "", "", &sc);
    cr_assert_not(sc->until_set);
    const mig_result *r = world_migration(w, 0);
    cr_assert_eq(r->outcome, MIG_COMPLETED);
    cr_assert_geq(world_end_time(w), r->end, "the run covers the migration");
    cr_assert_lt(world_end_time(w), r->end + SIM_S, "and ends soon after it, not at a hidden horizon");
    cr_assert_eq(world_assumed(w)->n[AS_UNTIL], 1);
    world_free(w);
    scenario_free(sc);
    w = mrun("1Gbit/s", "", "", "\"until\":\"10min\",", &sc);
    cr_assert_eq(world_end_time(w), 600 * SIM_S);
    cr_assert_eq(world_assumed(w)->n[AS_UNTIL], 0);
    world_free(w);
    scenario_free(sc);
}

/* Two Pacemaker nodes and a filer; n1 fails at 100 s and is fenced. */
static world *frun(const char *cluster, scenario **sc)
{
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"until\":\"10min\",\"networks\":[{\"name\":\"lan\",\"latency\":\"50us\"}],"
        "\"hosts\":[{\"name\":\"n1\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"n2\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"filer\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}],"
        "\"storage\":{\"type\":\"nfs\",\"server\":\"filer\",\"disk_latency\":\"100us\",\"switchover\":\"5ms\"},"
        "\"cluster\":%s,"
        "\"vms\":[{\"name\":\"v1\",\"host\":\"n1\",\"memory\":\"1GiB\"}],"
        "\"events\":[{\"at\":\"100s\",\"action\":\"fail\",\"target\":\"host:n1\"}]}",
        cluster);
    return support_run(text, sc);
}

Test(assume, a_fence_counts_the_cluster_timings_it_used)
{
    scenario *sc;
    world *w = frun("{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true}", &sc);
    const assume_counts *c = world_assumed(w);
    cr_assert_geq(support_count(w, "fenced"), 1);
    cr_assert_geq(c->n[AS_CL_TOKEN], 1, "the failure was detected after the token");
    cr_assert_geq(c->n[AS_CL_CONSENSUS], 1);
    cr_assert_eq(c->n[AS_CL_TOKEN_COEFFICIENT], 0, "two nodes: no coefficient");
    cr_assert_geq(c->n[AS_CL_FENCE_TIME], 1);
    cr_assert_geq(c->n[AS_CL_VM_START], 1, "v1 booted on n2");
    cr_assert_eq(c->n[AS_ST_DISK_LATENCY], 0, "set");
    cr_assert_eq(c->n[AS_MIG_DOWNTIME_LIMIT], 0, "no migration");
    world_free(w);
    scenario_free(sc);
    w = frun("{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true,\"fence_time\":\"5s\","
             "\"token\":\"1s\",\"consensus\":\"1200ms\",\"vm_start\":\"10s\",\"stonith_timeout\":\"60s\","
             "\"pcmk_delay_max\":\"0s\",\"priority_fencing_delay\":\"0s\",\"reboot_time\":\"3min\"}",
             &sc);
    c = world_assumed(w);
    for (int id = AS_CL_TOKEN; id <= AS_CL_VM_START; id++)
        cr_assert_eq(c->n[id], 0, "%s is set", assume_key((assume_id)id));
    world_free(w);
    scenario_free(sc);
}

/* Every default a report can name has a key (or is a constant of the
 * model), a source, and can be found by its key. One key has two defaults:
 * migration.max_bandwidth is QEMU's own 128 MiB/s, or libvirt's unlimited
 * under Pacemaker, and those two only. */
/* A postcopy phase whose guest waited for pages shows the fault's fixed
 * cost and the writer's CPU share, which set how long it waited. */
Test(assume, postcopy_faults_show_what_shaped_them)
{
    scenario *sc;
    world *w = mrun("10Gbit/s", "\"postcopy\":{\"after_syncs\":2}", "", "", &sc);
    const assume_counts *c = world_assumed(w);
    cr_assert_geq(world_migration(w, 0)->postcopy_switch, 0, "postcopy ran");
    cr_assert_gt(world_migration(w, 0)->postcopy_fault_time, 0, "the guest faulted");
    cr_assert_eq(c->n[AS_CONST_FAULT_OVERHEAD], 1);
    cr_assert_eq(c->n[AS_VM_CPU_SHARE], 1);
    world_free(w);
    scenario_free(sc);
}

Test(assume, the_catalogue_is_complete)
{
    for (int id = 0; id < ASSUME_N; id++) {
        const char *k = assume_key((assume_id)id);
        if (k && id == AS_MIG_LIBVIRT_BANDWIDTH)
            cr_assert_eq(assume_find(k), AS_MIG_MAX_BANDWIDTH, "%s", k);
        else if (k)
            cr_assert_eq(assume_find(k), id, "%s", k);
    }
    cr_assert_eq(assume_find("migration.no_such_key"), -1);
}

static json_object *report(const char *const *args)
{
    char *out, *err;
    int rc = support_golive(args, &out, &err);
    cr_assert_eq(rc, 0, "%s", err);
    json_object *root = json_tokener_parse(out);
    cr_assert_not_null(root, "%s", out);
    g_free(out);
    g_free(err);
    return root;
}

static json_object *find_key(json_object *assumed, const char *key)
{
    for (size_t i = 0; i < json_object_array_length(assumed); i++) {
        json_object *o = json_object_array_get_idx(assumed, i);
        const char *k = json_object_get_string(json_object_object_get(o, "key"));
        if (k && !strcmp(k, key))
            return o;
    }
    return NULL;
}

/* The shipped web-server scenario without its `until`, through the CLI. */
/* A report object's block under its contract name, "assumptions", checked
 * to be the same as under "assumed". */
static json_object *block(json_object *o)
{
    json_object *a = json_object_object_get(o, "assumptions"), *b = json_object_object_get(o, "assumed");
    cr_assert(json_object_is_type(a, json_type_array), "an \"assumptions\" array");
    cr_assert(json_object_equal(a, b), "\"assumed\" is the same list");
    return a;
}

Test(assume, reports_show_the_block_and_the_time_simulated, .timeout = 60)
{
    g_autofree char *text = NULL;
    cr_assert(g_file_get_contents("scenarios/web-server.json", &text, NULL, NULL));
    json_object *sc = json_tokener_parse(text);
    json_object_object_del(sc, "until");
    g_autofree char *dir = g_dir_make_tmp("golive-assume-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "s.json", NULL);
    cr_assert(g_file_set_contents(path, json_object_to_json_string(sc), -1, NULL));
    json_object_put(sc);

    json_object *root = report((const char *[]){ "run", path, "--json", "-", NULL });
    json_object *as = block(root);
    cr_assert(json_object_is_type(as, json_type_array));
    json_object *mb = find_key(as, "migration.max_bandwidth");
    cr_assert_not_null(mb, "the default cap bound the 10 Gbit/s migration");
    cr_assert_float_eq(json_object_get_double(json_object_object_get(mb, "value")), 128.0 * 1024 * 1024, 1);
    cr_assert_str_eq(json_object_get_string(json_object_object_get(mb, "unit")), "B/s");
    cr_assert(strstr(json_object_get_string(json_object_object_get(mb, "source")), "sources.md"));
    cr_assert_eq(json_object_get_int(json_object_object_get(mb, "shaped")), 1);
    json_object *until = find_key(as, "until");
    cr_assert_not_null(until);
    json_object *summ = json_object_object_get(root, "summary");
    double T = json_object_get_double(json_object_object_get(summ, "simulated_seconds"));
    cr_assert_float_eq(json_object_get_double(json_object_object_get(until, "value")), T, 1e-9);
    double end = json_object_get_double(json_object_object_get(json_object_array_get_idx(json_object_object_get(root, "migrations"), 0), "end"));
    cr_assert(T >= end && T < end + 1, "availability over the time simulated (%g s), not a day", T);
    cr_assert_not(json_object_get_boolean(json_object_object_get(summ, "until_set")));
    json_object_put(root);

    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "run", path, NULL }, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "until = not set"), "%s", out);
    cr_assert(strstr(out, "migration.max_bandwidth = 128 MiB/s"), "%s", out);
    g_free(out);
    g_free(err);

    /* a sweep of the cap: the point that sets it assumes nothing about it */
    root = report((const char *[]){ "sweep", path, "--set", "migration.max_bandwidth=128MiB/s", "--json", "-", NULL });
    json_object *pt = json_object_array_get_idx(json_object_object_get(root, "points"), 0);
    cr_assert_null(find_key(block(pt), "migration.max_bandwidth"));
    cr_assert_not_null(find_key(block(pt), "migration.downtime_limit"));
    json_object_put(root);

    root = report((const char *[]){ "compare", path, "scenarios/web-server.json", "--json", "-", NULL });
    json_object *d0 = json_object_array_get_idx(json_object_object_get(root, "designs"), 0);
    cr_assert_not_null(find_key(block(d0), "until"));
    json_object *d1 = json_object_array_get_idx(json_object_object_get(root, "designs"), 1);
    cr_assert_null(find_key(block(d1), "until"), "the shipped one sets it");
    json_object_put(root);

    root = report((const char *[]){ "capacity", path, "--json", "-", NULL });
    cr_assert_not_null(find_key(block(root), "migration.max_bandwidth"));
    json_object_put(root);
    g_unlink(path);
    g_rmdir(dir);
}

/* A migration that cannot converge says so with its numbers (issue 15). */
Test(assume, a_migration_that_cannot_converge_says_why, .timeout = 60)
{
    json_object *root = report((const char *[]){ "run", "scenarios/never-converges.json", "--json", "-", NULL });
    json_object *ws = json_object_object_get(root, "warnings");
    const char *said = NULL;
    for (size_t i = 0; i < json_object_array_length(ws); i++)
        if (strstr(json_object_get_string(json_object_array_get_idx(ws, i)), "cannot converge"))
            said = json_object_get_string(json_object_array_get_idx(ws, i));
    cr_assert_not_null(said, "no warning of the migration that never converged");
    /* 128 MiB/s x 300 ms: what may stay dirty for the switchover */
    cr_assert(strstr(said, "at most 38.4 MiB"), "%s", said);
    cr_assert(strstr(said, "plain at"), "%s", said);
    json_object_put(root);
}

Test(assume, a_size_without_a_unit_is_refused)
{
    char *out, *err;
    int rc = support_golive((const char *[]){ "capacity", "scenarios/web-server.json", "--size", "16", NULL }, &out, &err);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(err, "16GiB"), "%s", err);
    g_free(out);
    g_free(err);
    rc = support_golive((const char *[]){ "capacity", "scenarios/web-server.json", "--size", "16GiB:2", NULL }, &out, &err);
    cr_assert_eq(rc, 0, "%s", err);
    g_free(out);
    g_free(err);
}

static void check_citations(const char *dir, const char *sources, int *n)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    cr_assert_not_null(d, "%s", dir);
    GRegex *re = g_regex_new("sources\\.md(?:\\s+|\\s*\\n\\s*\\*?\\s*)(rows?\\s+)?([0-9]+)(?:\\.([0-9]+))?(?:-([0-9]+))?",
                             0, 0, NULL);
    for (const char *name; (name = g_dir_read_name(d));) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            check_citations(path, sources, n);
            continue;
        }
        if (!g_str_has_suffix(name, ".c") && !g_str_has_suffix(name, ".h") && !g_str_has_suffix(name, ".md") &&
            !g_str_has_suffix(name, ".1"))
            continue;
        g_autofree char *text = NULL;
        cr_assert(g_file_get_contents(path, &text, NULL, NULL));
        GMatchInfo *mi;
        g_regex_match(re, text, 0, &mi);
        for (; g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
            g_autofree char *row = g_match_info_fetch(mi, 1), *a = g_match_info_fetch(mi, 2),
                            *b = g_match_info_fetch(mi, 3), *last = g_match_info_fetch(mi, 4);
            g_autofree char *want = NULL;
            if (row && *row) {
                /* a row, or each end of a range of rows */
                want = g_strdup_printf("\n| %s | ", a);
                cr_assert(strstr(sources, want), "%s cites row %s, which docs/sources.md lacks", path, a);
                if (last && *last) {
                    g_free(want);
                    want = g_strdup_printf("\n| %s | ", last);
                }
            } else if (b && *b)
                want = g_strdup_printf("\n### %s.%s ", a, b);
            else
                want = g_strdup_printf("\n## %s. ", a);
            cr_assert(strstr(sources, want), "%s cites %s, which docs/sources.md lacks", path, g_strstrip(want));
            (*n)++;
        }
        g_match_info_free(mi);
    }
    g_regex_unref(re);
    g_dir_close(d);
}

/* Every citation of docs/sources.md in the docs, the models and the command
 * line names a row or a section that is there: the sources ship with golive. */
Test(assume, every_cited_source_is_in_the_repository)
{
    g_autofree char *sources = NULL;
    cr_assert(g_file_get_contents("docs/sources.md", &sources, NULL, NULL));
    int n = 0;
    const char *dirs[] = { "docs", "models", "cli", "sim", "plots" };
    for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++)
        check_citations(dirs[i], sources, &n);
    cr_assert_gt(n, 100, "only %d citations found: the pattern is broken", n);
}

/* Rolling maintenance: a drained host takes VMs again after its undrain;
 * a second drain of a drained host, and an undrain of one that is not,
 * are said. */
Test(assume, undrain_ends_a_drain)
{
    const char *text =
        "{\"golive\":1,\"until\":\"10min\",\"networks\":[{\"name\":\"lan\",\"latency\":\"50us\"}],"
        "\"hosts\":[{\"name\":\"a\",\"memory\":\"8GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]},"
        "{\"name\":\"b\",\"memory\":\"8GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]},"
        "{\"name\":\"c\",\"memory\":\"4GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]}],"
        "\"vms\":[{\"name\":\"v1\",\"host\":\"a\",\"memory\":\"1GiB\"}],"
        "\"events\":[{\"at\":\"1s\",\"action\":\"drain\",\"host\":\"a\"},"
        "{\"at\":\"60s\",\"action\":\"drain\",\"host\":\"a\"},"
        "{\"at\":\"100s\",\"action\":\"undrain\",\"host\":\"a\"},"
        "{\"at\":\"120s\",\"action\":\"undrain\",\"host\":\"c\"},"
        "{\"at\":\"200s\",\"action\":\"drain\",\"host\":\"b\"}]}";
    scenario *sc;
    world *w = support_run(text, &sc);
    cr_assert_eq(world_nmigrations(w), 2);
    cr_assert_str_eq(sc->hosts[world_migration(w, 0)->to].name, "b", "the roomiest host");
    cr_assert_str_eq(sc->hosts[world_migration(w, 1)->to].name, "a", "back on a, undrained, the roomiest again");
    cr_assert_eq(world_vm_host(w, 0), 0);
    const GPtrArray *ws = world_warnings(w);
    bool again = false, not_drained = false;
    for (guint i = 0; i < ws->len; i++) {
        again |= strstr(g_ptr_array_index(ws, i), "a, which is already drained") != NULL;
        not_drained |= strstr(g_ptr_array_index(ws, i), "undrain of c, which is not drained") != NULL;
    }
    cr_assert(again && not_drained);
    world_free(w);
    scenario_free(sc);
}

/* A run that ends in the middle of a migration says which case it is: the
 * first pass not over (reported cancelled), or passes still shrinking (not
 * converged yet, a longer run may see it end). */
Test(assume, a_migration_cut_by_the_end_of_the_run_says_so, .timeout = 60)
{
    const char *until[] = { "15s", "29s" };
    const char *want[] = { "still in its first pass when the run ended", "had not converged when the run ended" };
    for (int i = 0; i < 2; i++) {
        g_autofree char *text = NULL;
        cr_assert(g_file_get_contents("scenarios/web-server.json", &text, NULL, NULL));
        json_object *sc = json_tokener_parse(text);
        json_object_object_add(sc, "until", json_object_new_string(until[i]));
        g_autofree char *dir = g_dir_make_tmp("golive-cut-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "s.json", NULL);
        cr_assert(g_file_set_contents(path, json_object_to_json_string(sc), -1, NULL));
        json_object_put(sc);
        json_object *root = report((const char *[]){ "run", path, "--json", "-", NULL });
        json_object *ws = json_object_object_get(root, "warnings");
        bool said = false;
        for (size_t k = 0; k < json_object_array_length(ws); k++)
            said |= strstr(json_object_get_string(json_object_array_get_idx(ws, k)), want[i]) != NULL;
        cr_assert(said, "until %s: no warning \"%s\"", until[i], want[i]);
        json_object_put(root);
        g_unlink(path);
        g_rmdir(dir);
    }
}

/* A drain of a host that runs no VMs (the NFS server) changes nothing,
 * and says so rather than passing in silence. */
Test(assume, a_drain_of_the_storage_server_is_told)
{
    const char *text = "{\"golive\":1,\"until\":\"1min\",\"networks\":[{\"name\":\"n\"}],"
                       "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]},"
                       "{\"name\":\"f\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]}],"
                       "\"storage\":{\"type\":\"nfs\",\"server\":\"f\"},"
                       "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\"}],"
                       "\"events\":[{\"at\":\"1s\",\"action\":\"drain\",\"host\":\"f\"}]}";
    scenario *sc;
    world *w = support_run(text, &sc);
    const GPtrArray *ws = world_warnings(w);
    bool said = false;
    for (guint i = 0; i < ws->len; i++)
        said |= strstr(g_ptr_array_index(ws, i), "drain of f, which runs no VMs") != NULL;
    cr_assert(said);
    world_free(w);
    scenario_free(sc);
}
