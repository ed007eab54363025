/* Reliability: invariants of every shipped scenario, interrupts, the event
 * budget, hostile inputs through the command line, repeatability. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/world.h"
#include "tests/support.h"

/* Every shipped scenario, every invariant (world_check), runs 0 and 1. */
Test(reliability, invariants_hold_on_every_scenario, .timeout = 120)
{
    char **all = support_scenarios();
    for (char **p = all; *p; p++) {
        const char *path = *p, *name = *p;
        GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
        scenario *sc = scenario_load(path, errors);
        cr_assert_not_null(sc, "%s", name);
        g_ptr_array_free(errors, TRUE);
        if (sc->until == SIM_NEVER)
            sc->until = SIM_DAY;
        for (uint64_t run = 0; run < 2; run++) {
            g_autoptr(GError) err = NULL;
            world *w = world_new(sc, run, &err);
            cr_assert_not_null(w, "%s", err ? err->message : "");
            world_run(w);
            GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
            size_t bad = world_check(w, v);
            cr_assert_eq(bad, 0, "%s run %" G_GUINT64_FORMAT ": %s", name, run,
                         bad ? (char *)g_ptr_array_index(v, 0) : "");
            cr_assert_null(world_stop_reason(w), "%s stopped early", name);
            g_ptr_array_free(v, TRUE);
            world_free(w);
        }
        scenario_free(sc);
    }
    g_strfreev(all);
}

/* A hundred years of a migration that never converges (a decision every
 * 100 ms) is bounded by max_events, and the report says why the run stopped.
 * (Random failures that could not fit in the budget are refused up front:
 * tests/scenarios/bad/58-failure-storm.json.) */
Test(reliability, max_events_stops_with_a_reason, .timeout = 60)
{
    g_autofree char *dir = g_dir_make_tmp("golive-rel-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "busy.json", NULL);
    cr_assert(g_file_set_contents(path,
                                  "{\"golive\":1,\"until\":\"100y\",\"max_events\":100000,"
                                  "\"networks\":[{\"name\":\"n\"}],"
                                  "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]},"
                                  "{\"name\":\"b\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]}],"
                                  "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\",\"dirty\":"
                                  "{\"model\":\"uniform\",\"rate\":\"100000pages/s\"}}],"
                                  "\"events\":[{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v\",\"to\":\"b\"}]}",
                                  -1, NULL));
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "run", path, "--json", "-", NULL }, &out, &err), 0, "%s", err);
    json_object *root = json_tokener_parse(out);
    json_object *st = json_object_object_get(root, "stopped");
    cr_assert_eq(json_object_array_length(st), 1);
    cr_assert_str_eq(json_object_get_string(json_object_object_get(json_object_array_get_idx(st, 0), "reason")),
                     "max_events");
    json_object_put(root);
    g_free(out);
    g_free(err);
    g_remove(path);
    g_rmdir(dir);
}

/* Whether process pid catches SIGINT and SIGTERM (its handlers are in:
 * the SigCgt mask of /proc/PID/status). */
static bool catches_signals(GPid pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid), *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false;
    const char *cgt = strstr(text, "SigCgt:");
    if (!cgt)
        return false;
    guint64 mask = g_ascii_strtoull(cgt + 7, NULL, 16);
    guint64 want = (1ULL << (SIGINT - 1)) | (1ULL << (SIGTERM - 1));
    return (mask & want) == want;
}

/* A batch long enough to be interrupted, sized from the memory the machine
 * has (the up-front estimate refuses what does not fit): about 1.6 KB per
 * run kept, an eighth of what is available, 200,000 runs at least (over
 * 30 s even unsanitised). */
static char *batch_runs(void)
{
    g_autofree char *info = NULL;
    guint64 avail = 2ULL << 30;
    if (g_file_get_contents("/proc/meminfo", &info, NULL, NULL)) {
        const char *a = strstr(info, "MemAvailable:");
        if (a)
            avail = g_ascii_strtoull(a + 13, NULL, 10) * 1024;
    }
    guint64 runs = CLAMP(avail / 8 / 1700, 200000, 5000000);
    return g_strdup_printf("%" G_GUINT64_FORMAT, runs);
}

/* SIGINT or SIGTERM in a long batch: out within a second, no report, exit
 * 130 / 143; with --partial a report marked partial. The signal goes once
 * the handlers are in (no race with their installation). */
/* Spawns golive with args (after the binary), signals it `delay` seconds
 * after its handlers are in, and returns its exit status; *secs is the time
 * from the signal to its end. */
/* Starts golive, sends sig `delay` seconds after its handlers are in, and
 * returns its exit status (-2: it ended before its handlers were seen); with
 * err, what it wrote on standard error. */
static int signal_after_err(const char *const *args, double delay, int sig, double *secs, char **err)
{
    const char *argv[16] = { g_getenv("GOLIVE_BIN") };
    for (int i = 0; args[i] && i < 14; i++)
        argv[i + 1] = args[i];
    GPid pid;
    GError *e = NULL;
    int errfd = -1;
    cr_assert(g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                       G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                           (err ? 0 : G_SPAWN_STDERR_TO_DEV_NULL),
                                       NULL, NULL, &pid, NULL, NULL, err ? &errfd : NULL, &e),
              "%s", e ? e->message : "");
    int status = 0, rc;
    bool early = false;
    while (!catches_signals(pid)) {
        if (waitpid(pid, &status, WNOHANG) != 0) {
            early = true; /* ended before its handlers were seen */
            break;
        }
        g_usleep(1000);
    }
    if (!early) {
        g_usleep((gulong)(delay * 1e6));
        gint64 t0 = g_get_monotonic_time();
        kill(pid, sig);
        waitpid(pid, &status, 0);
        *secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    }
    g_spawn_close_pid(pid);
    rc = early ? -2 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (err) {
        /* it has ended: what it wrote waits in the pipe (a few lines) */
        GString *text = g_string_new(NULL);
        char buf[4096];
        ssize_t n;
        while ((n = read(errfd, buf, sizeof buf)) > 0)
            g_string_append_len(text, buf, n);
        close(errfd);
        *err = g_string_free(text, FALSE);
    }
    return rc;
}

static int signal_after(const char *const *args, double delay, int sig, double *secs)
{
    return signal_after_err(args, delay, sig, secs, NULL);
}

static int interrupt_run_after(double delay, int sig, bool partial, const char *json, double *secs)
{
    g_autofree char *runs = batch_runs();
    const char *args[] = { "run", "tests/scenarios/mc/drbd-link-failures.json", "--runs", runs, "--json", json,
                           partial ? "--partial" : "--quiet", "--quiet", NULL };
    int rc = signal_after(args, delay, sig, secs);
    cr_assert_neq(rc, -2, "golive ended before its handlers were seen");
    return rc;
}

static int interrupt_run(int sig, bool partial, const char *json, double *secs)
{
    return interrupt_run_after(0.1, sig, partial, json, secs); /* into the batch */
}

/* A signal as soon as the handlers are in, often before the first run:
 * --partial then writes nothing rather than a report of no run (it once
 * read the results of a run never started). */
Test(reliability, interrupt_before_the_first_run, .timeout = 60)
{
    g_autofree char *dir = g_dir_make_tmp("golive-int-XXXXXX", NULL);
    g_autofree char *json = g_build_filename(dir, "r.json", NULL);
    double secs;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(interrupt_run_after(0, SIGINT, true, json, &secs), 130);
        g_remove(json);
    }
    g_rmdir(dir);
}

Test(reliability, interrupts_stop_cleanly, .timeout = 60)
{
    g_autofree char *dir = g_dir_make_tmp("golive-int-XXXXXX", NULL);
    g_autofree char *json = g_build_filename(dir, "r.json", NULL);
    double secs;
    cr_assert_eq(interrupt_run(SIGINT, false, json, &secs), 130);
    cr_assert_lt(secs, 1.0, "stopped in %.2f s", secs);
    cr_assert(!g_file_test(json, G_FILE_TEST_EXISTS), "no report");
    cr_assert_eq(interrupt_run(SIGTERM, false, json, &secs), 143);
    cr_assert_lt(secs, 1.0);
    GDir *d = g_dir_open(dir, 0, NULL);
    cr_assert_null(g_dir_read_name(d), "no temporary file left");
    g_dir_close(d);
    /* later, so that some run has ended whatever the machine's load */
    cr_assert_eq(interrupt_run_after(0.5, SIGINT, true, json, &secs), 130);
    g_autofree char *text = NULL;
    cr_assert(g_file_get_contents(json, &text, NULL, NULL), "--partial writes the report");
    cr_assert(strstr(text, "\"partial\": true") || strstr(text, "\"partial\":true"), "marked partial");
    g_remove(json);
    g_rmdir(dir);
}

/* The same seed, the same bytes, run after run. */
Test(reliability, repeated_runs_are_identical, .timeout = 60)
{
    char *a, *b, *err;
    const char *args[] = { "run", "scenarios/ceph-year.json", "--runs", "50", "--json", "-", NULL };
    cr_assert_eq(support_golive(args, &a, &err), 0);
    g_free(err);
    cr_assert_eq(support_golive(args, &b, &err), 0);
    g_free(err);
    cr_assert_str_eq(a, b);
    g_free(a);
    g_free(b);
}

/* --check runs the invariants from the command line. */
Test(reliability, run_check_option)
{
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "run", "scenarios/drbd84-dual-primary.json", "--check", "--quiet", NULL },
                                &out, &err),
                 0, "%s", err);
    cr_assert_null(strstr(err, "invariant"));
    g_free(out);
    g_free(err);
}

/* Hostile inputs through `golive run`: each a clear message naming the
 * file, exit 2, and no report written. (Malformed JSON, NaN, overflowing
 * units, duplicate keys ... are the bad-input corpus of test_scenario.) */
static void refused(const char *file, const char *const *extra, const char *message)
{
    g_autofree char *dir = g_dir_make_tmp("golive-hostile-XXXXXX", NULL);
    g_autofree char *json = g_build_filename(dir, "r.json", NULL);
    const char *args[12] = { "run", file, "--json", json };
    int n = 4;
    for (; extra && *extra && n < 11; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    char *out, *err;
    cr_assert_eq(support_golive(args, &out, &err), 2, "%s: %s", file, err);
    cr_assert(strstr(err, message), "%s: expected \"%s\" in: %s", file, message, err);
    cr_assert(!g_file_test(json, G_FILE_TEST_EXISTS), "%s: nothing written", file);
    g_free(out);
    g_free(err);
    g_rmdir(dir);
}

Test(reliability, hostile_inputs, .timeout = 60)
{
    g_autofree char *dir = g_dir_make_tmp("golive-hostile-in-XXXXXX", NULL);
    refused(dir, NULL, "is a directory");
    g_autofree char *missing = g_build_filename(dir, "missing.json", NULL);
    refused(missing, NULL, "cannot read");
    /* a 100 MB string */
    g_autofree char *big = g_build_filename(dir, "big.json", NULL);
    GString *s = g_string_new("{\"golive\":1,\"description\":\"");
    for (int i = 0; i < 100 * 1024; i++)
        g_string_append(s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                           "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    g_string_append(s, "\"}");
    cr_assert_gt(s->len, 100 * 1000 * 1000);
    cr_assert(g_file_set_contents(big, s->str, (gssize)s->len, NULL));
    g_string_free(s, TRUE);
    /* read whole where the machine's memory allows it, and refused for the
     * string; refused before parsing under a smaller --max-input */
    refused(big, NULL, "expected at most 65536 characters");
    refused(big, (const char *const[]){ "--max-input", "64MiB", NULL }, "too large");
    refused(big, (const char *const[]){ "--max-input", "lots", NULL }, "--max-input: expected a size");
    g_remove(big);
    /* 10,000 levels of nesting */
    g_autofree char *deep = g_build_filename(dir, "deep.json", NULL);
    GString *d = g_string_new("{\"golive\":1,\"description\":");
    for (int i = 0; i < 10000; i++)
        g_string_append_c(d, '[');
    for (int i = 0; i < 10000; i++)
        g_string_append_c(d, ']');
    g_string_append_c(d, '}');
    cr_assert(g_file_set_contents(deep, d->str, (gssize)d->len, NULL));
    g_string_free(d, TRUE);
    refused(deep, NULL, "nesting too deep");
    g_remove(deep);
    /* more memory than golive may use: a batch's memory does not grow with
     * its runs (their records go to a temporary file), so a bound below
     * what it holds whatever their number (run 0, the runs in flight, the
     * summary's samples) is set */
    g_setenv("GOLIVE_MAX_MEMORY", "16MiB", TRUE);
    const char *many[] = { "--runs", "100000000", NULL };
    refused("scenarios/drbd84-year.json", many, "would need about");
    /* the same for a sweep's points and compare's designs, before anything runs */
    char *o, *e;
    cr_assert_eq(support_golive((const char *[]){ "sweep", "scenarios/web-server.json", "--set",
                                                  "migration.max_bandwidth=1GiB/s,2GiB/s", "--runs", "100000000", NULL },
                                &o, &e),
                 2);
    cr_assert(strstr(e, "golive sweep:") && strstr(e, "would need about"), "%s", e);
    g_free(o);
    g_free(e);
    cr_assert_eq(support_golive((const char *[]){ "compare", "scenarios/nfs-year.json", "--runs", "100000000", NULL },
                                &o, &e),
                 2);
    cr_assert(strstr(e, "golive compare:") && strstr(e, "would need about") && !strstr(e, "--shard"), "%s", e);
    cr_assert(strstr(e, "GOLIVE_MAX_MEMORY allows 16 MiB"), "%s", e);
    g_free(o);
    g_free(e);
    g_unsetenv("GOLIVE_MAX_MEMORY");
    /* unreadable: a file without permissions (root reads those anyway, so
     * only as a normal user), and one nobody can read, root included */
    if (geteuid() != 0) {
        g_autofree char *locked = g_build_filename(dir, "locked.json", NULL);
        cr_assert(g_file_set_contents(locked, "{\"golive\":1}", -1, NULL));
        g_chmod(locked, 0);
        refused(locked, NULL, "cannot read");
        g_remove(locked);
    }
    refused("/proc/self/mem", NULL, "cannot read");
    g_rmdir(dir);
    /* an output directory that cannot be written */
    char *out, *err;
    cr_assert_eq(support_golive((const char *[]){ "run", "scenarios/idle-vm.json", "--json", "/proc/golive/r.json", NULL },
                                &out, &err),
                 2);
    cr_assert(strstr(err, "/proc/golive/r.json"), "%s", err);
    g_free(out);
    g_free(err);
}

/* Wall time of a golive command run to its end (it must succeed). */
static double timed_golive(const char *const *args)
{
    char *out, *err;
    gint64 t0 = g_get_monotonic_time();
    cr_assert_eq(support_golive(args, &out, &err), 0, "%s", err);
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    g_free(out);
    g_free(err);
    return secs;
}

/* A signal after the simulations (while the report is built, written or
 * merged) ends the command within a second, exit 130 / 143, nothing
 * written and no temporary file left: at several moments of `run` (the
 * batch, then its report) and during a `merge` of a large part. */
Test(reliability, interrupts_after_the_simulation_write_nothing, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-late-XXXXXX", NULL);
    g_autofree char *part = g_build_filename(dir, "part.json", NULL), *json = g_build_filename(dir, "r.json", NULL),
                    *csv = g_build_filename(dir, "r.csv", NULL);
    char *out, *err;
    const char *mk[] = { "run", "scenarios/quake3-xen-2005.json", "--runs", "20000", "--shard", "0/1", "--json", part,
                         "--quiet", NULL };
    cr_assert_eq(support_golive(mk, &out, &err), 0, "%s", err);
    g_free(out);
    g_free(err);
    /* the signals land at shares of what the whole command takes here, the
     * last ones while the report is built and written */
    const char *run[] = { "run", "scenarios/quake3-xen-2005.json", "--runs", "20000", "--json", json, "--csv", csv,
                          "--quiet", NULL };
    const char *merge[] = { "merge", part, "--json", json, "--csv", csv, "--quiet", NULL };
    double run_s = timed_golive(run), merge_s = timed_golive(merge);
    g_remove(json);
    g_remove(csv);
    const double shares[] = { 0.05, 0.6, 0.85, 0.95, 1.0 };
    int interrupted = 0;
    for (size_t i = 0; i < 2 * G_N_ELEMENTS(shares); i++) {
        bool is_run = i % 2 == 0;
        double secs, delay = shares[i / 2] * (is_run ? run_s : merge_s);
        g_autofree char *msg = NULL;
        int rc = signal_after_err(is_run ? run : merge, delay, is_run ? SIGTERM : SIGINT, &secs, &msg);
        bool wrote_json = g_file_test(json, G_FILE_TEST_EXISTS), wrote_csv = g_file_test(csv, G_FILE_TEST_EXISTS);
        g_remove(json);
        g_remove(csv);
        if (rc == 0 || rc == -2) /* it finished first: nothing to check */
            continue;
        interrupted++;
        const char *what = is_run ? "run" : "merge";
        cr_assert_eq(rc, is_run ? 143 : 130, "%s, signal after %.2f s: exit %d", what, delay, rc);
        cr_assert_lt(secs, 1.0, "%s ended %.2f s after the signal", what, secs);
        /* all or nothing, and what it says is what it did: a signal
         * held back while the outputs were renamed arrives after them */
        cr_assert_eq(wrote_json, wrote_csv, "%s, signal after %.2f s: one output of two written", what, delay);
        if (wrote_json)
            cr_assert(strstr(msg, "the outputs written so far are complete"), "%s: outputs written, but it said: %s",
                      what, msg);
        else
            cr_assert(strstr(msg, "nothing written"), "%s: nothing written, but it said: %s", what, msg);
    }
    cr_assert_geq(interrupted, 2, "only %d of 10 commands were still running at their signal", interrupted);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *e;
    while ((e = g_dir_read_name(d)))
        cr_assert_str_eq(e, "part.json", "left behind: %s", e);
    g_dir_close(d);
    g_remove(part);
    g_rmdir(dir);
}

static void limit_address_space(gpointer data)
{
    struct rlimit rl = { GPOINTER_TO_SIZE(data), GPOINTER_TO_SIZE(data) };
    setrlimit(RLIMIT_AS, &rl);
}

/* Runs argv within `limit` bytes of address space: its standard error
 * (g_free it) and *status, or NULL when the sanitizer build cannot even
 * start within the limit (its shadow memory, or its libraries beside it,
 * reserve more), which it says itself: the normal build's run is then the
 * check. */
static char *run_within(const char *const *argv, gsize limit, int *status)
{
    char *err = NULL;
    GError *e = NULL;
    cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, limit_address_space,
                           GSIZE_TO_POINTER(limit), NULL, &err, status, &e),
              "%s", e ? e->message : "");
    if (strstr(err, "ReserveShadowMemoryRange") ||
        (strstr(err, "error while loading shared libraries") && strstr(g_getenv("GOLIVE_BIN"), "/san/"))) {
        g_free(err);
        return NULL;
    }
    return err;
}

/* Memory is bounded: under an address-space limit (ulimit -v) a batch too
 * large is refused up front naming the limit, and one the estimate let
 * through but that runs out anyway ends with exit 2 and a message, never an
 * abort (GLib's and json-c's allocation failures included). */
Test(reliability, running_out_of_memory_is_exit_2, .timeout = 120)
{
    /* 2,000,000 runs with a page, whose tables hold every record in memory
     * before it is written, refused up front within 64 MiB of address space
     * (the runs' records themselves go to a temporary file, and a CSV is
     * written as it is made). Then a migration that syncs
     * without end (a 1 ns downtime limit): 10,000 iteration records each,
     * far beyond what the estimate counts, whose records run out of memory
     * as the report is written */
    g_autofree char *dir = g_dir_make_tmp("golive-oom-XXXXXX", NULL);
    g_autofree char *endless = g_build_filename(dir, "endless.json", NULL);
    cr_assert(g_file_set_contents(
        endless,
        "{\"golive\":1,\"until\":\"30s\",\"networks\":[{\"name\":\"lan\"}],"
        "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]},"
        "{\"name\":\"b\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]}],"
        "\"migration\":{\"max_bandwidth\":\"unlimited\",\"downtime_limit\":\"1ns\"},"
        "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1GiB\",\"dirty\":{\"model\":\"uniform\","
        "\"rate\":\"1000pages/s\",\"working_set\":\"64MiB\"}}],"
        "\"events\":[{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v\",\"to\":\"b\"}]}",
        -1, NULL));
    struct {
        const char *file, *runs, *out;
        gsize limit;
    } cases[] = { { "scenarios/quake3-xen-2005.json", "2000000", "--html", 64u << 20 },
                  { endless, "40", "--json", 64u << 20 } };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *argv[] = { g_getenv("GOLIVE_BIN"), "run", cases[i].file, "--runs", cases[i].runs,
                               "--threads", "1", cases[i].out, "/dev/null", "--quiet", NULL };
        int status = 0;
        char *err = run_within(argv, cases[i].limit, &status);
        if (!err)
            continue;
        cr_assert(WIFEXITED(status), "case %zu: killed by signal %d: %s", i, WTERMSIG(status), err);
        cr_assert_eq(WEXITSTATUS(status), 2, "case %zu: exit %d: %s", i, WEXITSTATUS(status), err);
        cr_assert(strstr(err, "memory"), "case %zu: %s", i, err);
        g_free(err);
    }
    g_remove(endless);
    g_rmdir(dir);
}

/* A CSV is written as it is made, a run's rows at a time: 100,000 runs
 * (13 MB of rows) fit in the 64 MiB of address space where the CSV built
 * whole ran out of memory. */
Test(reliability, a_csv_of_many_runs_takes_no_memory_of_its_own, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-csv-XXXXXX", NULL);
    g_autofree char *csv = g_build_filename(dir, "runs.csv", NULL);
    const char *argv[] = { g_getenv("GOLIVE_BIN"), "run", "scenarios/quake3-xen-2005.json", "--runs", "100000",
                           "--threads", "1", "--csv", csv, "--quiet", NULL };
    int status = 0;
    char *err = run_within(argv, 64u << 20, &status);
    if (err) {
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit %d: %s", WEXITSTATUS(status), err);
        g_autofree char *text = NULL;
        gsize len = 0;
        cr_assert(g_file_get_contents(csv, &text, &len, NULL));
        size_t lines = 0;
        for (gsize i = 0; i < len; i++)
            lines += text[i] == '\n';
        cr_assert_eq(lines, 100001, "a header and a row per run's migration");
        cr_assert(g_str_has_suffix(text, "\n") && strstr(text, "\n99999,quake3,xen-a,xen-b,"), "the last run's row");
    }
    g_free(err);
    g_remove(csv);
    g_rmdir(dir);
}

/* The estimate counts what a batch holds: a single run keeps its own
 * records, not a ring of runs in flight. 20,000 migrations of one run fit
 * in 1 GiB (an estimate that counted 257 runs' records refused them). */
Test(reliability, a_single_run_of_many_migrations_is_not_refused, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-estimate-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "many.json", NULL);
    GString *t = g_string_new("{\"golive\":1,\"networks\":[{\"name\":\"lan\"}],\"hosts\":["
                              "{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]},"
                              "{\"name\":\"b\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]}],"
                              "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"1MiB\"}],\"events\":[");
    for (int i = 0; i < 20000; i++)
        g_string_append_printf(t, "%s{\"at\":\"%ds\",\"action\":\"migrate\",\"vm\":\"v\",\"to\":\"%s\"}", i ? "," : "",
                               i + 1, i % 2 ? "a" : "b");
    g_string_append(t, "]}");
    cr_assert(g_file_set_contents(path, t->str, (gssize)t->len, NULL));
    g_string_free(t, TRUE);
    g_setenv("GOLIVE_MAX_MEMORY", "1GiB", TRUE);
    char *out, *err;
    int rc = support_golive((const char *[]){ "run", path, "--quiet", "--json", "/dev/null", NULL }, &out, &err);
    g_unsetenv("GOLIVE_MAX_MEMORY");
    cr_assert_eq(rc, 0, "%s", err);
    g_free(out);
    g_free(err);
    support_rmtree(dir);
}
