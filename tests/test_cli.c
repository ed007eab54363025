/* The golive skeleton: help, version, dispatch, exit codes. */
#include <criterion/criterion.h>
#include <glib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-c/json.h>

#include "models/world.h"
#include "tests/support.h"

#define run_golive support_golive

Test(cli, help_lists_every_subcommand)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "--help", NULL }, &out, &err), 0);
    const char *cmds[] = { "run", "sweep", "compare", "validate", "explain", "capacity", "merge", "--version" };
    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++)
        cr_assert(strstr(out, cmds[i]), "--help lacks %s", cmds[i]);
    g_free(out);
    g_free(err);
}

Test(cli, version)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "--version", NULL }, &out, &err), 0);
    cr_assert(g_str_has_prefix(out, "golive "));
    g_free(out);
    g_free(err);
}

Test(cli, exit_codes)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "frobnicate", NULL }, &out, &err), 2);
    cr_assert(strstr(err, "unknown command 'frobnicate'"));
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "--no-such-option", NULL }, &out, &err), 2);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ NULL }, &out, &err), 2, "no command is bad usage");
    g_free(out);
    g_free(err);
}


Test(cli, validate_reports_every_error_and_exits_2)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "validate", "tests/scenarios/bad/43-several-errors.json", NULL }, &out,
                            &err),
                 2);
    cr_assert_str_eq(out, "", "nothing on stdout for a bad file");
    int lines = 0;
    for (char *p = err; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 3, "all three errors: %s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "validate", "tests/scenarios/good/design-example.json", NULL }, &out,
                            &err),
                 0);
    cr_assert(strstr(out, "ok (2 networks, 2 hosts, 1 VM, 3 events"), "%s", out);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "validate", NULL }, &out, &err), 2);
    g_free(out);
    g_free(err);
}

static char *tmpdir(void)
{
    char *d = g_dir_make_tmp("golive-cli-XXXXXX", NULL);
    cr_assert_not_null(d);
    return d;
}

static void rmtree(const char *d)
{
    GDir *dir = g_dir_open(d, 0, NULL);
    const char *n;
    while (dir && (n = g_dir_read_name(dir))) {
        g_autofree char *p = g_build_filename(d, n, NULL);
        g_remove(p);
    }
    if (dir)
        g_dir_close(dir);
    g_rmdir(d);
}

Test(cli, run_writes_the_report_contract)
{
    g_autofree char *d = tmpdir();
    g_autofree char *json = g_build_filename(d, "r.json", NULL);
    g_autofree char *csv = g_build_filename(d, "r.csv", NULL);
    g_autofree char *trace_path = g_build_filename(d, "r.jsonl", NULL);
    char *out, *err;
    int rc = run_golive((const char *[]){ "run", "scenarios/quake3-qemu.json", "--json", json, "--csv", csv,
                                          "--trace", trace_path, NULL },
                        &out, &err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(out, "quake3"), "the summary names the VM: %s", out);
    g_autofree char *text = NULL;
    cr_assert(g_file_get_contents(json, &text, NULL, NULL));
    json_object *root = json_tokener_parse(text);
    cr_assert_not_null(root);
    json_object *v;
    const char *top[] = { "golive", "scenario", "seed", "runs", "migrations", "incidents", "summary" };
    for (size_t i = 0; i < G_N_ELEMENTS(top); i++)
        cr_assert(json_object_object_get_ex(root, top[i], &v), "report lacks %s", top[i]);
    json_object *migs = json_object_object_get(root, "migrations");
    cr_assert_eq(json_object_array_length(migs), 1);
    json_object *m = json_object_array_get_idx(migs, 0);
    const char *keys[] = { "run", "vm", "from", "to", "start", "end", "outcome", "total_time", "downtime",
                           "client_downtime", "transferred_bytes", "bitmap_syncs", "iterations" };
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
        cr_assert(json_object_object_get_ex(m, keys[i], &v), "migration lacks %s", keys[i]);
    cr_assert_str_eq(json_object_get_string(json_object_object_get(m, "outcome")), "completed");
    cr_assert(json_object_is_type(json_object_object_get(m, "transferred_bytes"), json_type_int));
    json_object *it = json_object_array_get_idx(json_object_object_get(m, "iterations"), 0);
    const char *ikeys[] = { "start", "duration", "bytes", "dirty_pages_after" };
    for (size_t i = 0; i < G_N_ELEMENTS(ikeys); i++)
        cr_assert(json_object_object_get_ex(it, ikeys[i], &v), "iteration lacks %s", ikeys[i]);
    json_object *sb = json_object_object_get(json_object_object_get(root, "summary"), "split_brain");
    cr_assert(json_object_object_get_ex(sb, "ci95", &v));
    json_object_put(root);
    g_autofree char *c = NULL;
    cr_assert(g_file_get_contents(csv, &c, NULL, NULL));
    cr_assert(g_str_has_prefix(c, "run,vm,from,to,start,end,outcome,total_time,downtime,client_downtime"));
    cr_assert(strstr(c, "\n0,quake3,host-a,host-b,"));
    g_autofree char *t = NULL;
    cr_assert(g_file_get_contents(trace_path, &t, NULL, NULL));
    cr_assert(strstr(t, "\"kind\":\"vm-paused\""));
    g_free(out);
    g_free(err);
    rmtree(d);
}

Test(cli, run_bad_input_writes_nothing_and_exits_2)
{
    g_autofree char *d = tmpdir();
    g_autofree char *json = g_build_filename(d, "r.json", NULL);
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", "tests/scenarios/bad/24-vm-unknown-host.json", "--json", json,
                                              NULL },
                            &out, &err),
                 2);
    cr_assert(strstr(err, "vms[0].host: unknown host \"h3\""), "%s", err);
    cr_assert_not(g_file_test(json, G_FILE_TEST_EXISTS), "nothing is written for a bad scenario");
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/quake3-qemu.json", "--json",
                                              "/nonexistent-dir/r.json", NULL },
                            &out, &err),
                 2);
    cr_assert(strstr(err, "/nonexistent-dir/r.json"), "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "run", NULL }, &out, &err), 2);
    g_free(out);
    g_free(err);
    /* only our own files were ever in the directory */
    GDir *dir = g_dir_open(d, 0, NULL);
    cr_assert_null(g_dir_read_name(dir), "no temporary file is left behind");
    g_dir_close(dir);
    rmtree(d);
}

Test(cli, runs_are_identical_for_any_thread_count, .timeout = 60)
{
    char *a, *b, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/web-server.json", "--runs", "4", "--threads", "1",
                                              "--json", "-", NULL },
                            &a, &err),
                 0);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/web-server.json", "--runs", "4", "--threads", "2",
                                              "--json", "-", NULL },
                            &b, &err),
                 0);
    g_free(err);
    cr_assert_str_eq(a, b);
    cr_assert(strstr(a, "\"runs\":4") || strstr(a, "\"runs\": 4"));
    g_free(a);
    g_free(b);
}

/* Every long option that a command's --help lists is documented in the man
 * page (docs/golive.1). */
Test(cli, man_page_covers_every_option)
{
    g_autofree char *man = NULL;
    cr_assert(g_file_get_contents("docs/golive.1", &man, NULL, NULL));
    const char *cmds[][2] = { { "--help", NULL }, { "run", "--help" }, { "validate", "--help" }, { "compare", "--help" },
                              { "sweep", "--help" }, { "explain", "--help" },
                              { "merge", "--help" }, { "capacity", "--help" }, { "import", "--help" } };
    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        char *out, *err;
        const char *args[3] = { cmds[i][0], cmds[i][1], NULL };
        cr_assert_eq(run_golive(args, &out, &err), 0);
        GRegex *re = g_regex_new("--([a-z][a-z-]+)", 0, 0, NULL);
        GMatchInfo *mi;
        g_regex_match(re, out, 0, &mi);
        int n = 0;
        while (g_match_info_matches(mi)) {
            g_autofree char *opt = g_match_info_fetch(mi, 1);
            /* groff writes "--" as "\-\-" */
            g_autofree char *roff = g_strdup_printf("\\-\\-%s", opt);
            if (strcmp(opt, "help-all") && strcmp(opt, "help"))
                cr_assert(strstr(man, roff), "option --%s of '%s' is missing from docs/golive.1", opt, cmds[i][0]);
            n++;
            g_match_info_next(mi, NULL);
        }
        cr_assert_gt(n, 0);
        g_match_info_free(mi);
        g_regex_unref(re);
        g_free(out);
        g_free(err);
    }
}

Test(cli, split_brain_is_counted_in_the_summary)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/two-node-no-stonith.json", "--json", "-", NULL },
                            &out, &err),
                 0);
    json_object *root = json_tokener_parse(out);
    cr_assert_not_null(root);
    json_object *sb = json_object_object_get(json_object_object_get(root, "summary"), "split_brain");
    cr_assert_eq(json_object_get_int(json_object_object_get(sb, "runs_with")), 1);
    cr_assert_float_eq(json_object_get_double(json_object_object_get(sb, "probability")), 1.0, 0);
    json_object *ins = json_object_object_get(root, "incidents");
    int writers = 0;
    for (size_t i = 0; i < json_object_array_length(ins); i++) {
        json_object *in = json_object_array_get_idx(ins, i);
        if (strcmp(json_object_get_string(json_object_object_get(in, "kind")), "double-writer") != 0)
            continue;
        writers++;
        cr_assert_gt(json_object_get_int64(json_object_object_get(in, "diverged_bytes")), 0);
    }
    cr_assert_eq(writers, 2, "both VMs ran twice");
    cr_assert(strstr(err, "two_node without STONITH"), "the lint warns: %s", err);
    json_object_put(root);
    g_free(out);
    g_free(err);
}

/* --plots DIR draws the run's charts; a bad format is a usage error and
 * nothing is drawn. */
Test(cli, run_draws_plots)
{
    g_autofree char *dir = g_dir_make_tmp("golive-plots-XXXXXX", NULL);
    g_autofree char *sub = g_build_filename(dir, "p", NULL);
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/quake3-qemu.json", "--runs", "3", "--plots", sub,
                                              "--quiet", NULL },
                            &out, &err),
                 0, "%s", err);
    const char *files[] = { "migration-progress.png", "timeline.png", "downtime-cdf.png", "client-downtime-cdf.png" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_build_filename(sub, files[i], NULL);
        g_autofree char *data = NULL;
        gsize len = 0;
        cr_assert(g_file_get_contents(p, &data, &len, NULL), "%s missing", files[i]);
        cr_assert(len > 1000 && !memcmp(data, "\x89PNG", 4), "%s is a PNG", files[i]);
        g_remove(p);
    }
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/quake3-qemu.json", "--plots", sub, "--plot-format",
                                              "gif", NULL },
                            &out, &err),
                 2);
    cr_assert(strstr(err, "png, svg or pdf"), "%s", err);
    g_free(out);
    g_free(err);
    GDir *d = g_dir_open(sub, 0, NULL);
    for (const char *name; d && (name = g_dir_read_name(d));) {
        g_autofree char *p = g_build_filename(sub, name, NULL);
        g_remove(p); /* the other charts (links.png) */
    }
    if (d)
        g_dir_close(d);
    g_rmdir(sub);
    g_rmdir(dir);
}

/* explain tells every shipped scenario; the no-fencing DRBD design's split
 * brain is told with its reason. */
Test(cli, explain_tells_every_scenario, .timeout = 120)
{
    char **all = support_scenarios();
    for (char **p = all; *p; p++) {
        char *out, *err;
        cr_assert_eq(run_golive((const char *[]){ "explain", *p, NULL }, &out, &err), 0, "%s: %s", *p, err);
        cr_assert(strstr(out, "Phase 1") && strstr(out, "Summary:"), "%s: %s", *p, out);
        g_free(out);
        g_free(err);
    }
    g_strfreev(all);
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "explain", "scenarios/drbd84-dual-primary-no-fencing.json", NULL }, &out,
                            &err),
                 0);
    cr_assert(strstr(out, "split brain: both sides have written r0 apart since t=60.000s") &&
                  strstr(out, "fencing dont-care"),
              "%s", out);
    cr_assert(strstr(out, "DRBD goes StandAlone"), "%s", out);
    g_free(out);
    g_free(err);
    /* postcopy's pause is short; what the guest pays afterwards is told */
    cr_assert_eq(run_golive((const char *[]){ "explain", "scenarios/postcopy.json", NULL }, &out, &err), 0);
    cr_assert(strstr(out, "After the switch its vCPUs lost ") && strstr(out, "(remote faults)"), "%s", out);
    g_free(out);
    g_free(err);
}

/* Two runs of golive draw byte-identical SVG. */
Test(cli, svg_plots_are_reproducible, .timeout = 60)
{
    g_autofree char *d1 = g_dir_make_tmp("golive-svg1-XXXXXX", NULL), *d2 = g_dir_make_tmp("golive-svg2-XXXXXX", NULL);
    const char *dirs[] = { d1, d2 };
    for (int i = 0; i < 2; i++) {
        char *out, *err;
        cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/drbd84-dual-primary.json", "--plots", dirs[i],
                                                  "--plot-format", "svg", "--quiet", NULL },
                                &out, &err),
                     0);
        g_free(out);
        g_free(err);
    }
    const char *files[] = { "migration-progress.svg", "timeline.svg", "links.svg" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p1 = g_build_filename(d1, files[i], NULL), *p2 = g_build_filename(d2, files[i], NULL);
        g_autofree char *a = NULL, *b = NULL;
        gsize la, lb;
        cr_assert(g_file_get_contents(p1, &a, &la, NULL) && g_file_get_contents(p2, &b, &lb, NULL), "%s", files[i]);
        cr_assert(la == lb && !memcmp(a, b, la), "%s differs", files[i]);
        g_remove(p1);
        g_remove(p2);
    }
    g_rmdir(d1);
    g_rmdir(d2);
}

/* The progress bar is for terminals only: piped stderr stays clean. */
Test(cli, no_progress_bar_when_piped, .timeout = 60)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/drbd84-year.json", "--runs", "300", "--quiet", NULL },
                            &out, &err),
                 0);
    cr_assert(!strchr(err, '\r') && !strstr(err, "ETA"), "%s", err);
    g_free(out);
    g_free(err);
}

/* Writes text to a scenario file in a fresh directory; returns its path. */
static char *scenario_file(const char *name, const char *text)
{
    g_autofree char *dir = g_dir_make_tmp("golive-cli-XXXXXX", NULL);
    char *path = g_build_filename(dir, name, NULL);
    cr_assert(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static void remove_scenario_file(char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_remove(path);
    g_rmdir(dir);
    g_free(path);
}

/* A two-node iSCSI design whose target has a NIC only on the storage
 * network (the normal layout) is valid, and its whole timeline is
 * simulated: validate, run and explain agree. A node without a NIC on the
 * migration network is refused by all three, with the JSON path. */
Test(cli, a_target_without_a_lan_nic_is_simulated_and_a_node_without_one_is_refused)
{
    static const char *const tmpl =
        "{\"golive\":1,\"until\":\"10min\",\"networks\":[{\"name\":\"lan\"},{\"name\":\"san\"}],"
        "\"hosts\":[{\"name\":\"n1\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"san\",\"bandwidth\":1e9}]},"
        "{\"name\":\"n2\",\"nics\":[%s{\"network\":\"san\",\"bandwidth\":1e9}]},"
        "{\"name\":\"target\",\"nics\":[{\"network\":\"san\",\"bandwidth\":1e9}]}],"
        "\"storage\":{\"type\":\"iscsi\",\"server\":\"target\",\"network\":\"san\",\"lock\":\"sanlock\"},"
        "\"cluster\":{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true},"
        "\"vms\":[{\"name\":\"v1\",\"host\":\"n1\",\"memory\":\"1GiB\"},{\"name\":\"v2\",\"host\":\"n2\",\"memory\":\"1GiB\"}],"
        "\"events\":[{\"at\":\"60s\",\"action\":\"partition\",\"groups\":[[\"n1\",\"target\"],[\"n2\"]]},"
        "{\"at\":\"300s\",\"action\":\"heal\"}]}";
    g_autofree char *good = g_strdup_printf(tmpl, "{\"network\":\"lan\",\"bandwidth\":1e9},");
    char *path = scenario_file("iscsi.json", good);
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "validate", path, NULL }, &out, &err), 0, "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "run", path, "--json", "-", "--quiet", NULL }, &out, &err), 0, "%s", err);
    json_object *root = json_tokener_parse(out);
    cr_assert_not_null(root);
    cr_assert_gt(json_object_array_length(json_object_object_get(root, "incidents")), 0,
                 "the partition did something: %s", out);
    json_object_put(root);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "explain", path, NULL }, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "the network splits"), "%s", out);
    cr_assert(strstr(out, "the network heals"), "%s", out);
    g_free(out);
    g_free(err);
    remove_scenario_file(path);

    g_autofree char *bad = g_strdup_printf(tmpl, "");
    path = scenario_file("iscsi-bad.json", bad);
    const char *cmds[][6] = { { "validate", NULL }, { "run", NULL }, { "explain", NULL } };
    for (size_t k = 0; k < G_N_ELEMENTS(cmds); k++) {
        cr_assert_eq(run_golive((const char *[]){ cmds[k][0], path, NULL }, &out, &err), 2, "%s: %s", cmds[k][0], out);
        cr_assert(strstr(err, "hosts[1].nics: no NIC on network \"lan\", which VM \"v1\" migrates over"), "%s: %s",
                  cmds[k][0], err);
        g_free(out);
        g_free(err);
    }
    remove_scenario_file(path);
}

/* explain's summary counts each VM's outages once where they overlap (a
 * soft mount's errors come on top of the blocked IO): the server is gone
 * from 60 s to 650 s and the client's next SYN reaches it at 652 s, so the
 * VM is without IO for 592 s, not 592 + 412. */
Test(cli, explain_counts_overlapping_incidents_once)
{
    const char *text =
        "{\"golive\":1,\"until\":\"20min\",\"networks\":[{\"name\":\"lan\"}],"
        "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"srv\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}],"
        "\"storage\":{\"type\":\"nfs\",\"server\":\"srv\",\"mount\":\"soft\"},"
        "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\"}],"
        "\"events\":[{\"at\":\"60s\",\"action\":\"fail\",\"target\":\"storage-server\"},"
        "{\"at\":\"650s\",\"action\":\"repair\",\"target\":\"storage-server\"}]}";
    char *path = scenario_file("soft.json", text);
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "explain", path, NULL }, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "2 incidents; VMs were down or without IO for 592 s in all"), "%s", out);
    g_free(out);
    g_free(err);
    remove_scenario_file(path);
}

/* What a run leaves to chance is told by explain as by the report: a VM
 * writing in a sweep (its start drawn per run), and nothing of the kind for
 * a random writer. */
Test(cli, explain_tells_that_a_sweeps_start_is_drawn)
{
    const char *fmt =
        "{\"golive\":1,\"until\":\"1min\",\"networks\":[{\"name\":\"lan\"}],"
        "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"b\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}],"
        "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\",\"dirty\":{\"model\":\"%s\","
        "\"rate\":\"1000pages/s\",\"working_set\":\"64MiB\"}}],"
        "\"events\":[{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v\",\"to\":\"b\"}]}";
    const char *models[] = { "sequential", "uniform" };
    for (int k = 0; k < 2; k++) {
        g_autofree char *text = g_strdup_printf(fmt, models[k]);
        char *path = scenario_file("sweep.json", text);
        char *out, *err;
        cr_assert_eq(run_golive((const char *[]){ "explain", path, NULL }, &out, &err), 0, "%s", err);
        bool told = strstr(out, "writes in a sweep") != NULL;
        cr_assert_eq(told, k == 0, "%s: %s", models[k], out);
        g_free(out);
        g_free(err);
        remove_scenario_file(path);
    }
}

/* The first random failure of run k with seed s, as `golive run --trace`
 * records it ("t=%.3fs  TARGET fails."), NULL if none. */
static char *first_failure(const char *seed, int k)
{
    g_autofree char *runs = g_strdup_printf("%d", k + 1), *tag = g_strdup_printf("\"run\":%d,", k);
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/nfs-year.json", "--runs", runs, "--seed", seed,
                                              "--trace", "-", "--quiet", NULL },
                            &out, &err),
                 0, "%s", err);
    g_free(err);
    char *line = NULL;
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    g_free(out);
    for (char **l = lines; *l && !line; l++)
        if (strstr(*l, tag) && strstr(*l, "\"kind\":\"fail\"")) {
            json_object *rec = json_tokener_parse(*l);
            cr_assert_not_null(rec, "%s", *l);
            /* explain writes a time past a day as days and a clock */
            double t = json_object_get_double(json_object_object_get(rec, "t"));
            long w = (long)t;
            g_autofree char *at = t < 3600    ? g_strdup_printf("%.3fs", t)
                                  : t < 86400 ? g_strdup_printf("%ldh%02ldm%04.1fs", w / 3600, w / 60 % 60,
                                                                t - (double)(w / 60 * 60))
                                              : g_strdup_printf("%ldd %02ld:%02ld:%06.3f", w / 86400, w / 3600 % 24,
                                                                w / 60 % 60, t - (double)(w / 60 * 60));
            line = g_strdup_printf("t=%s  %s fails.", at, json_object_get_string(json_object_object_get(rec, "subject")));
            json_object_put(rec);
        }
    return line;
}

/* explain --run K and --seed S tell the run that `golive run` simulates
 * with that index and seed: its first random failure is in the story, and
 * another run's (or seed's) is not. */
Test(cli, explain_tells_the_run_and_seed_asked, .timeout = 120)
{
    const char *seeds[] = { "1", "1", "77" };
    const int runs[] = { 0, 3, 3 };
    char *told[3];
    for (int i = 0; i < 3; i++) {
        g_autofree char *want = first_failure(seeds[i], runs[i]);
        cr_assert_not_null(want, "run %d, seed %s has a failure", runs[i], seeds[i]);
        g_autofree char *k = g_strdup_printf("%d", runs[i]);
        char *err;
        cr_assert_eq(run_golive((const char *[]){ "explain", "scenarios/nfs-year.json", "--run", k, "--seed", seeds[i],
                                                  NULL },
                                &told[i], &err),
                     0, "%s", err);
        g_free(err);
        g_autofree char *head = g_strdup_printf("(run %d, seed %s)", runs[i], seeds[i]);
        cr_assert(strstr(told[i], head), "%s", told[i]);
        cr_assert(strstr(told[i], want), "run %d seed %s: \"%s\" not told", runs[i], seeds[i], want);
        for (int j = 0; j < i; j++)
            cr_assert(!strstr(told[j], want), "\"%s\" also told for run %d seed %s", want, runs[j], seeds[j]);
    }
    for (int i = 0; i < 3; i++)
        g_free(told[i]);
}

/* A single run of a VM that writes in a sweep says how much its migration
 * depends on where the sweep starts (the run replayed from evenly spaced
 * starts), in the text and in the JSON summary, and the run's own time lies
 * inside; a random writer gets no such line. */
Test(cli, a_single_run_tells_the_spread_over_the_sweeps_start)
{
    const char *fmt =
        "{\"golive\":1,\"until\":\"2min\",\"networks\":[{\"name\":\"lan\"}],"
        "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]},"
        "{\"name\":\"b\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]}],"
        "\"migration\":{\"max_bandwidth\":\"32MiB/s\"},"
        "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"512MiB\",\"zero\":\"75%%\",\"dirty\":{\"model\":\"%s\","
        "\"rate\":\"6000pages/s\",\"working_set\":\"32MiB\"}}],"
        "\"events\":[{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v\",\"to\":\"b\"}]}";
    const char *models[] = { "sequential", "uniform" };
    for (int k = 0; k < 2; k++) {
        g_autofree char *text = g_strdup_printf(fmt, models[k]);
        char *path = scenario_file("spread.json", text);
        g_autofree char *json = g_build_filename(g_get_tmp_dir(), "golive-spread.json", NULL);
        char *out, *err;
        cr_assert_eq(run_golive((const char *[]){ "run", path, "--json", json, NULL }, &out, &err), 0, "%s", err);
        bool told = strstr(out, "depending on where its sweep starts") != NULL;
        cr_assert_eq(told, k == 0, "%s: %s", models[k], out);
        json_object *root = json_object_from_file(json);
        cr_assert_not_null(root);
        json_object *summ = json_object_object_get(root, "summary"), *sens = NULL;
        cr_assert_eq(json_object_object_get_ex(summ, "sensitivity", &sens), k == 0);
        if (k == 0) {
            json_object *s0 = json_object_array_get_idx(sens, 0);
            double lo = json_object_get_double(json_object_object_get(s0, "total_time_min"));
            double hi = json_object_get_double(json_object_object_get(s0, "total_time_max"));
            double t = json_object_get_double(json_object_object_get(s0, "this_run"));
            cr_assert(lo > 0 && lo < hi, "%g-%g", lo, hi);
            /* the run's start is one more point: within a window of the range */
            cr_assert(t >= lo - 0.11 && t <= hi + 0.11, "this run %g outside %g-%g", t, lo, hi);
        }
        json_object_put(root);
        g_remove(json);
        g_free(out);
        g_free(err);
        remove_scenario_file(path);
    }
}

/* Runs golive in dir (a scenario s.json inside) and returns its status;
 * stderr handed back. */
static int golive_in(const char *dir, const char *const *args, char **err)
{
    g_autofree char *cwd = g_get_current_dir();
    g_autofree char *bin = g_strdup(g_getenv("GOLIVE_BIN"));
    cr_assert_eq(g_chdir(dir), 0);
    char *out = NULL;
    int rc = run_golive(args, &out, err);
    g_free(out);
    cr_assert_eq(g_chdir(cwd), 0);
    return rc;
}

static char *quake_dir(void)
{
    char *dir = g_dir_make_tmp("golive-out-XXXXXX", NULL);
    g_autofree char *text = NULL, *s = g_build_filename(dir, "s.json", NULL);
    cr_assert(g_file_get_contents("scenarios/quake3-xen-2005.json", &text, NULL, NULL));
    cr_assert(g_file_set_contents(s, text, -1, NULL));
    return dir;
}

static int count_entries(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    int n = 0;
    while (g_dir_read_name(d))
        n++;
    g_dir_close(d);
    return n;
}

static void rm_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *e;
    while ((e = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, e, NULL);
        g_remove(p);
    }
    g_dir_close(d);
    g_rmdir(dir);
}

/* Every output path is checked before anything runs: an output naming the
 * input, two outputs naming one file, --plots naming a file, an empty
 * path, a name too long for the file system, two outputs on standard
 * output: exit 2, the reason, and nothing written. */
Test(cli, output_paths_are_checked_before_running)
{
    g_autofree char *dir = quake_dir();
    g_autofree char *longname = g_strnfill(300, 'x');
    g_autofree char *f = g_build_filename(dir, "f", NULL), *sj = g_build_filename(dir, "s.json", NULL);
    cr_assert(g_file_set_contents(f, "", 0, NULL));
    struct {
        const char *args[10];
        const char *says;
    } cases[] = {
        { { "run", "s.json", "--json", "s.json", "--quiet", NULL }, "is an input" },
        { { "run", "s.json", "--json", "a.json", "--csv", "a.json", "--quiet", NULL }, "named for two outputs" },
        { { "run", "s.json", "--json", "b.json", "--plots", "f", "--quiet", NULL }, "not a directory" },
        { { "run", "s.json", "--json", "", "--quiet", NULL }, "empty" },
        { { "run", "s.json", "--json", longname, "--quiet", NULL }, "longer than 255" },
        { { "run", "s.json", "--json", "-", "--csv", "-", "--quiet", NULL }, "standard output" },
        { { "sweep", "s.json", "--set", "until=1min", "--json", "s.json", NULL }, "is an input" },
        { { "compare", "s.json", "--json", "s.json", NULL }, "is an input" },
    };
    int before = count_entries(dir);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *err = NULL;
        cr_assert_eq(golive_in(dir, cases[i].args, &err), 2, "case %zu: %s", i, err);
        cr_assert(strstr(err, cases[i].says), "case %zu: %s", i, err);
        g_free(err);
        cr_assert_eq(count_entries(dir), before, "case %zu wrote something", i);
    }
    g_autofree char *s = NULL;
    cr_assert(g_file_get_contents(sj, &s, NULL, NULL));
    cr_assert(strstr(s, "\"golive\""), "the scenario is intact");
    rm_tree(dir);
}

static gpointer read_fifo(gpointer path)
{
    g_autofree char *text = NULL;
    gsize n = 0;
    g_file_get_contents(path, &text, &n, NULL);
    return GSIZE_TO_POINTER(n);
}

/* Outputs that are not regular files keep what they are: /dev/null stays
 * the device, /dev/full is an error (ENOSPC), a FIFO is written, not
 * replaced; a symbolic link stays a link and its target gets the report
 * (a dangling one's target is created). */
Test(cli, outputs_to_devices_fifos_and_links_are_written_in_place, .timeout = 60)
{
    g_autofree char *dir = quake_dir();
    char *err = NULL;
    cr_assert_eq(golive_in(dir, (const char *[]){ "run", "s.json", "--json", "/dev/null", "--quiet", NULL }, &err), 0,
                 "%s", err);
    g_free(err);
    GStatBuf st;
    cr_assert(g_stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still a device");
    cr_assert_eq(golive_in(dir, (const char *[]){ "run", "s.json", "--json", "/dev/full", "--quiet", NULL }, &err), 1);
    cr_assert(strstr(err, "No space left"), "%s", err);
    g_free(err);

    g_autofree char *fifo = g_build_filename(dir, "fifo", NULL);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    GThread *reader = g_thread_new("fifo", read_fifo, fifo);
    cr_assert_eq(golive_in(dir, (const char *[]){ "run", "s.json", "--json", "fifo", "--quiet", NULL }, &err), 0, "%s",
                 err);
    g_free(err);
    gsize got = GPOINTER_TO_SIZE(g_thread_join(reader));
    cr_assert_gt(got, 100, "the reader got the report (%zu bytes)", got);
    cr_assert(g_lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO is still a FIFO");

    g_autofree char *target = g_build_filename(dir, "target.json", NULL), *link = g_build_filename(dir, "link.json", NULL),
                    *dangling = g_build_filename(dir, "dangling.json", NULL),
                    *created = g_build_filename(dir, "created.json", NULL);
    cr_assert(g_file_set_contents(target, "old", -1, NULL));
    cr_assert_eq(symlink("target.json", link), 0);
    cr_assert_eq(symlink("created.json", dangling), 0);
    cr_assert_eq(golive_in(dir, (const char *[]){ "run", "s.json", "--json", "link.json", "--csv", "dangling.json",
                                                  "--quiet", NULL },
                           &err),
                 0, "%s", err);
    g_free(err);
    cr_assert(g_lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "the link is still a link");
    cr_assert(g_lstat(dangling, &st) == 0 && S_ISLNK(st.st_mode), "the dangling link is still a link");
    g_autofree char *j = NULL, *c = NULL;
    cr_assert(g_file_get_contents(target, &j, NULL, NULL) && strstr(j, "\"migrations\""), "target written");
    cr_assert(g_file_get_contents(created, &c, NULL, NULL) && strstr(c, "run,vm"), "dangling target created");
    rm_tree(dir);
}

/* --seed, --runs and --threads out of range are refused, not replaced by
 * the defaults; explain --run -1 says what is wrong. */
Test(cli, seed_runs_and_threads_out_of_range_are_refused)
{
    struct {
        const char *args[8];
        const char *says;
    } cases[] = {
        { { "run", "scenarios/quake3-xen-2005.json", "--seed", "-5", NULL }, "--seed" },
        { { "run", "scenarios/quake3-xen-2005.json", "--runs", "0", NULL }, "--runs" },
        { { "run", "scenarios/quake3-xen-2005.json", "--threads", "-1", NULL }, "--threads" },
        { { "compare", "scenarios/quake3-xen-2005.json", "--runs", "-2", NULL }, "--runs" },
        { { "sweep", "scenarios/quake3-xen-2005.json", "--set", "until=1min", "--seed", "-1", NULL }, "--seed" },
        { { "explain", "scenarios/quake3-xen-2005.json", "--run", "-1", NULL }, "--run" },
        { { "explain", "scenarios/quake3-xen-2005.json", "--seed", "-3", NULL }, "--seed" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *out, *err;
        cr_assert_eq(run_golive(cases[i].args, &out, &err), 2, "case %zu: %s", i, err);
        cr_assert(strstr(err, cases[i].says), "case %zu: %s", i, err);
        g_free(out);
        g_free(err);
    }
}

/* CSV fields are quoted as RFC 4180 says, and a name a spreadsheet would
 * run as a formula is neutralised: a VM named =HYPERLINK("x"),b keeps its
 * row's columns. */
Test(cli, csv_fields_are_quoted_and_formulas_neutralised)
{
    const char *text =
        "{\"golive\":1,\"until\":\"1min\",\"networks\":[{\"name\":\"lan\"}],"
        "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]},"
        "{\"name\":\"b\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]}],"
        "\"vms\":[{\"name\":\"=HYPERLINK(\\\"x\\\"),b\",\"host\":\"a\",\"memory\":\"64MiB\"}],"
        "\"events\":[{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"=HYPERLINK(\\\"x\\\"),b\",\"to\":\"b\"}]}";
    char *path = scenario_file("csv.json", text);
    g_autofree char *csv = g_build_filename(g_get_tmp_dir(), "golive-quoted.csv", NULL);
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", path, "--csv", csv, "--quiet", NULL }, &out, &err), 0, "%s", err);
    g_autofree char *rows = NULL;
    cr_assert(g_file_get_contents(csv, &rows, NULL, NULL));
    cr_assert(strstr(rows, "\n0,\"'=HYPERLINK(\"\"x\"\"),b\",a,b,"), "%s", rows);
    g_remove(csv);
    g_free(out);
    g_free(err);
    remove_scenario_file(path);
}

/* True if text has NaN or Infinity outside strings: not JSON. */
static bool has_nonfinite_token(const char *t)
{
    bool in = false;
    for (const char *p = t; *p; p++) {
        if (in) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in = false;
        } else if (*p == '"') {
            in = true;
        } else if (!strncmp(p, "NaN", 3) || !strncmp(p, "Infinity", 8)) {
            return true;
        }
    }
    return false;
}

/* Every report is strict JSON: no NaN or Infinity, whatever the figures
 * (a run without migrations, capacity, compare), each parsed by json-c in
 * strict mode. */
Test(cli, reports_are_strict_json)
{
    const char *text = "{\"golive\":1,\"until\":\"1min\",\"networks\":[{\"name\":\"lan\"}],"
                       "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]}],"
                       "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\"}]}";
    char *path = scenario_file("nomig.json", text);
    const char *cmds[][8] = {
        { "run", path, "--json", "-", "--quiet", NULL },
        { "compare", path, "scenarios/quake3-xen-2005.json", "--json", "-", NULL },
        { "capacity", "scenarios/quake3-xen-2005.json", "--json", "-", NULL },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        char *out, *err;
        cr_assert_eq(run_golive(cmds[i], &out, &err), 0, "%s: %s", cmds[i][0], err);
        cr_assert_not(has_nonfinite_token(out), "%s wrote NaN or Infinity", cmds[i][0]);
        json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        json_object *o = json_tokener_parse_ex(tok, out, (int)strlen(out));
        cr_assert_not_null(o, "%s: not strict JSON: %s", cmds[i][0], json_tokener_error_desc(json_tokener_get_error(tok)));
        json_object_put(o);
        json_tokener_free(tok);
        g_free(out);
        g_free(err);
    }
    remove_scenario_file(path);
}

static gpointer write_fifo(gpointer arg)
{
    char **a = arg; /* path, text: written into the FIFO (g_file_set_contents
                     * would rename a file over it) */
    FILE *f = fopen(a[0], "w");
    if (f) {
        fputs(a[1], f);
        fclose(f);
    }
    return NULL;
}

/* Inputs that are not regular files: /dev/zero is refused at its first
 * block (a NUL byte: binary data, never a scenario), a scenario through a FIFO is read
 * once and runs (a shard's part carries its text), a trace outside the
 * scenario's directory is told, and a bad line of a trace is named by its
 * number, not echoed (it may be any file on the system). */
Test(cli, inputs_that_are_not_regular_files, .timeout = 60)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "validate", "/dev/zero", NULL }, &out, &err), 2);
    cr_assert(strstr(err, "binary data (a NUL byte at byte 0)"), "%s", err);
    g_free(out);
    g_free(err);

    g_autofree char *dir = quake_dir();
    g_autofree char *text = NULL, *s = g_build_filename(dir, "s.json", NULL), *fifo = g_build_filename(dir, "in.fifo", NULL);
    cr_assert(g_file_get_contents(s, &text, NULL, NULL));
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    char *args[2] = { fifo, text };
    GThread *writer = g_thread_new("fifo", write_fifo, args);
    cr_assert_eq(golive_in(dir, (const char *[]){ "run", "in.fifo", "--runs", "2", "--shard", "0/1", "--json",
                                                  "p.json", "--quiet", NULL },
                           &err),
                 0, "%s", err);
    g_free(err);
    g_thread_join(writer);
    cr_assert_eq(golive_in(dir, (const char *[]){ "merge", "p.json", "--json", "m.json", "--quiet", NULL }, &err), 0,
                 "%s", err);
    g_free(err);
    rm_tree(dir);

    const char *fmt = "{\"golive\":1,\"until\":\"1min\",\"networks\":[{\"name\":\"lan\"}],"
                      "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]}],"
                      "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\",\"dirty\":{\"model\":\"trace\","
                      "\"file\":\"%s\"}}]}";
    g_autofree char *outside = g_strdup_printf(fmt, "/etc/passwd");
    char *path = scenario_file("t.json", outside);
    cr_assert_eq(run_golive((const char *[]){ "validate", path, NULL }, &out, &err), 2);
    cr_assert(strstr(err, "passwd:2: expected a non-negative page count"), "%s", err);
    cr_assert_null(strstr(err, ":x:"), "the file's line is not echoed: %s", err);
    g_free(out);
    g_free(err);
    remove_scenario_file(path);
}

/* sweep --set keys are read strictly: a stray bracket, an index beyond any
 * array, one key given twice (its grid's labels would be wrong) are
 * refused with the reason. */
Test(cli, sweep_keys_are_read_strictly)
{
    struct {
        const char *set[2];
        const char *says;
    } cases[] = {
        { { "vms[0]]].memory=1GiB", NULL }, "expected [N]" },
        { { "vms[x].memory=1GiB", NULL }, "expected [N]" },
        { { "vms[99999999999999999999].memory=1GiB", NULL }, "out of range" },
        { { "until=1min", "until=2min" }, "given twice" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *args[8] = { "sweep", "scenarios/web-server.json", "--set", cases[i].set[0], "-q", NULL };
        if (cases[i].set[1]) {
            args[4] = "--set";
            args[5] = cases[i].set[1];
            args[6] = "-q";
        }
        char *out, *err;
        cr_assert_eq(run_golive(args, &out, &err), 2, "case %zu: %s", i, err);
        cr_assert(strstr(err, cases[i].says), "case %zu: %s", i, err);
        g_free(out);
        g_free(err);
    }
}

/* Numbers without float noise (issue 15): every double is the shortest text
 * that reads back as itself, so a time of 0.539907066 s is written so, not
 * 0.53990706600000005; and a trace is in time order within each run. */
Test(cli, reports_have_no_float_noise_and_traces_are_in_order, .timeout = 60)
{
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/quake3-qemu.json", "--json", "-", NULL }, &out, &err),
                 0, "%s", err);
    GRegex *noise = g_regex_new("[0-9]\\.[0-9]*(000000|999999)[1-9]", 0, 0, NULL);
    GMatchInfo *mi;
    cr_assert_not(g_regex_match(noise, out, 0, &mi), "float noise: %s", mi ? g_match_info_fetch(mi, 0) : "");
    g_match_info_free(mi);
    cr_assert(strstr(out, "\"total_time\":0.539907066,"), "%s", out);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "run", "scenarios/drbd84-dual-primary.json", "--runs", "2", "--trace", "-",
                                              "--quiet", NULL },
                            &out, &err),
                 0, "%s", err);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    double last = -1;
    int run = -1;
    for (size_t i = 0; lines[i] && *lines[i]; i++) {
        json_object *o = json_tokener_parse(lines[i]);
        cr_assert_not_null(o, "%s", lines[i]);
        int r = json_object_get_int(json_object_object_get(o, "run"));
        double t = json_object_get_double(json_object_object_get(o, "t"));
        if (r != run)
            last = -1;
        cr_assert_geq(t, last, "line %zu goes back in time: %s", i, lines[i]);
        run = r;
        last = t;
        cr_assert_not(g_regex_match(noise, lines[i], 0, NULL), "float noise: %s", lines[i]);
        json_object_put(o);
    }
    g_regex_unref(noise);
    g_free(out);
    g_free(err);
}

/* Every command's --help names the command in its usage line and ends with
 * the exit codes; a mistyped command gets a suggestion (issue 15). */
Test(cli, help_names_the_command_and_typos_get_a_suggestion)
{
    const char *cmds[] = { "run", "sweep", "compare", "validate", "explain", "capacity", "merge" };
    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        char *out, *err;
        cr_assert_eq(run_golive((const char *[]){ cmds[i], "--help", NULL }, &out, &err), 0);
        g_autofree char *usage = g_strdup_printf("golive %s [OPTION", cmds[i]);
        cr_assert(strstr(out, usage), "%s", out);
        cr_assert(strstr(out, "Exit status: 0 success") && strstr(out, "2 bad usage"), "%s", out);
        g_free(out);
        g_free(err);
    }
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "--help", NULL }, &out, &err), 0);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "capcity", "x.json", NULL }, &out, &err), 2);
    cr_assert(strstr(err, "did you mean 'capacity'?"), "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "frobnicate", NULL }, &out, &err), 2);
    cr_assert_null(strstr(err, "did you mean"), "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "run", "--help", NULL }, &out, &err), 0);
    const char *plots[] = { "migration-progress", "timeline", "links", "downtime-cdf", "client-downtime-cdf" };
    for (size_t i = 0; i < G_N_ELEMENTS(plots); i++)
        cr_assert(strstr(out, plots[i]), "run --help does not name the %s plot", plots[i]);
    g_free(out);
    g_free(err);
}

/* Every shipped scenario's report, and a compare, a sweep and a capacity
 * answer, match the JSON Schema of docs/report.schema.json (checked by
 * python3-jsonschema, which make deps installs; its absence fails). */
Test(cli, every_report_matches_its_schema, .timeout = 600)
{
    g_autofree char *dir = g_dir_make_tmp("golive-schema-XXXXXX", NULL);
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    char **all = support_scenarios();
    for (char **p = all; *p; p++) {
        g_autofree char *base = g_path_get_basename(*p);
        char *json = g_build_filename(dir, base, NULL);
        char *out, *err;
        cr_assert_eq(run_golive((const char *[]){ "run", *p, "--runs", "2", "--json", json, "--quiet", NULL }, &out,
                                &err),
                     0, "%s: %s", *p, err);
        g_free(out);
        g_free(err);
        g_ptr_array_add(files, json);
    }
    g_strfreev(all);
    struct {
        const char *name;
        const char *args[12];
    } more[] = {
        { "compare.json", { "compare", "scenarios/drbd84-no-fencing-year.json", "scenarios/ceph-year.json", "--runs",
                            "5", "--quiet", "--json", NULL } },
        { "sweep.json", { "sweep", "scenarios/web-server.json", "--set", "migration.max_bandwidth=1GiB/s,unlimited",
                          "--quiet", "--json", NULL } },
        { "capacity.json", { "capacity", "scenarios/datacenter-rack-drain.json", "--drains", "2", "--quiet", "--json",
                             NULL } },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(more); i++) {
        char *json = g_build_filename(dir, more[i].name, NULL);
        const char *args[16];
        size_t n = 0;
        for (; more[i].args[n]; n++)
            args[n] = more[i].args[n];
        args[n++] = json;
        args[n] = NULL;
        char *out, *err;
        cr_assert_eq(run_golive(args, &out, &err), 0, "%s: %s", more[i].name, err);
        g_free(out);
        g_free(err);
        g_ptr_array_add(files, json);
    }
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "python3");
    g_ptr_array_add(argv, "tests/schema_check.py");
    g_ptr_array_add(argv, "docs/report.schema.json");
    for (guint i = 0; i < files->len; i++)
        g_ptr_array_add(argv, g_ptr_array_index(files, i));
    g_ptr_array_add(argv, NULL);
    int status;
    g_autofree char *out = NULL, *err = NULL;
    cr_assert(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                           NULL),
              "python3 is needed to check the reports (make deps)");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 3, "%s", err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reports that do not match the schema:\n%s", err);
    g_ptr_array_free(argv, TRUE);
    for (guint i = 0; i < files->len; i++)
        g_remove(g_ptr_array_index(files, i));
    g_ptr_array_free(files, TRUE);
    g_rmdir(dir);
}

/* The report's records are made as they are written when only --json asks
 * for them, and kept as a tree when an --html page reads them too: the two
 * give the same bytes. */
Test(cli, records_written_lazily_equal_the_tree, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-lazy-XXXXXX", NULL);
    g_autofree char *a = g_build_filename(dir, "a.json", NULL), *b = g_build_filename(dir, "b.json", NULL),
                    *h = g_build_filename(dir, "b.html", NULL);
    const char *files[] = { "scenarios/drbd84-year.json", "scenarios/idle-vm.json", "scenarios/ten-migrations-10gbe.json" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *out, *err;
        cr_assert_eq(run_golive((const char *[]){ "run", files[i], "-n", "3", "-q", "--json", a, NULL }, &out, &err), 0,
                     "%s", err);
        g_free(out);
        g_free(err);
        cr_assert_eq(run_golive((const char *[]){ "run", files[i], "-n", "3", "-q", "--json", b, "--html", h, NULL }, &out,
                                &err),
                     0, "%s", err);
        g_free(out);
        g_free(err);
        g_autofree char *ta = NULL, *tb = NULL;
        cr_assert(g_file_get_contents(a, &ta, NULL, NULL) && g_file_get_contents(b, &tb, NULL, NULL));
        cr_assert(strstr(ta, "\"migrations\":["), "%s", files[i]);
        cr_assert_str_eq(ta, tb, "%s: the lazily written report differs from the tree's", files[i]);
    }
    support_rmtree(dir);
}

/* The links chart samples run 0 over the span it shows (up to a little after
 * the last thing that happens), found by a first pass, instead of over the
 * whole run: a drain of 20 s in a run of 30 min was drawn from samples 4.5 s
 * apart, idle where the link was full. Its sampler settles no re-rating, so
 * the report is the same with and without the charts. */
Test(cli, the_links_chart_samples_its_own_span_and_changes_no_report)
{
    g_autofree char *dir = g_dir_make_tmp("golive-charts-XXXXXX", NULL);
    g_autofree char *a = g_build_filename(dir, "a.json", NULL), *b = g_build_filename(dir, "b.json", NULL);
    g_autofree char *plots = g_build_filename(dir, "p", NULL);
    const char *scn = "scenarios/drain-with-migration-limit.json";
    char *out, *err;
    cr_assert_eq(run_golive((const char *[]){ "run", scn, "-q", "--json", a, NULL }, &out, &err), 0, "%s", err);
    g_free(out);
    g_free(err);
    cr_assert_eq(run_golive((const char *[]){ "run", scn, "-q", "--json", b, "--plots", plots, NULL }, &out, &err), 0,
                 "%s", err);
    g_free(out);
    g_free(err);
    g_autofree char *ta = NULL, *tb = NULL;
    cr_assert(g_file_get_contents(a, &ta, NULL, NULL) && g_file_get_contents(b, &tb, NULL, NULL));
    cr_assert_str_eq(ta, tb, "the report does not depend on --plots");

    /* the samplers themselves, on the same run */
    g_autofree char *text = NULL;
    cr_assert(g_file_get_contents(scn, &text, NULL, NULL));
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text(scn, text, strlen(text), errors);
    cr_assert_not_null(sc);
    g_ptr_array_free(errors, TRUE);
    world *w = world_new(sc, 0, NULL);
    world_sample_links(w, sc->until / 400);
    world_sample_chart_links(w, 100 * SIM_MS, 40 * SIM_S);
    world_run(w);
    world_link_samples *rep = world_take_link_samples(w), *ch = world_take_chart_link_samples(w);
    cr_assert_eq(ch->nt, 401, "0 to 40 s every 100 ms");
    cr_assert_float_eq(ch->t[ch->nt - 1], 40.0, 1e-9);
    cr_assert_gt(rep->nt, 390);
    /* node1's NIC (link 0) is full from soon after the drain's start to its end */
    sim_time last = world_last_activity(w);
    int full = 0, during = 0;
    for (size_t k = 0; k < ch->nt; k++)
        if (ch->t[k] > 10.5 && ch->t[k] < sim_to_s(last) - 0.5) {
            during++;
            full += ch->transfer[k] > 0.9 * ch->capacity[0];
        }
    cr_assert_gt(during, 150);
    cr_assert_geq(full, during * 9 / 10, "the NIC is full in %d of %d samples", full, during);
    world_link_samples_free(rep);
    world_link_samples_free(ch);
    world_free(w);
    scenario_free(sc);
    support_rmtree(dir);
}
