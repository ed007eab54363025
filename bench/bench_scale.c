/* Scale (issue 18): golive itself, run as a user runs it, each command in a
 * fresh process (its peak RSS is its own, not a fork's of a process that
 * already holds memory), timed by wall clock and by CPU time, three times
 * (min and spread). The scenarios come from scenarios/gen/datacenter.py:
 * SimGrid's migration layout with shared rack uplinks at 10k, 30k and 100k
 * migrations, and data centres of 1k, 5k and 10k hosts (20 VMs per host).
 * Each target of the issue is printed with the measured value and their
 * ratio. */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <limits.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"

#define REPS 3
#define GEN_DIR "build/bench/gen"

typedef struct {
    double wall, cpu, peak_mib; /* min over the repetitions */
    double wall_max;            /* the spread: max - min */
    bool ok;
} proc_run;

/* Runs argv (argv[0] a path) with stdout and stderr to /dev/null, REPS
 * times: min wall, CPU (user + sys) and peak RSS. */
static proc_run measure(char *const *argv)
{
    proc_run m = { INFINITY, INFINITY, INFINITY, 0, true };
    for (int r = 0; r < REPS && m.ok; r++) {
        fflush(stdout); /* the child's freopen would write what is buffered */
        fflush(stderr);
        double t0 = bench_now();
        pid_t pid = fork();
        if (pid == 0) {
            FILE *n1 = freopen("/dev/null", "w", stdout), *n2 = freopen("/dev/null", "w", stderr);
            (void)n1;
            (void)n2;
            execv(argv[0], argv);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench: %s %s failed\n", argv[0], argv[1]);
            m.ok = false;
            break;
        }
        double wall = bench_now() - t0;
        double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
                     ru.ru_stime.tv_usec / 1e6;
        m.wall = fmin(m.wall, wall);
        m.wall_max = fmax(m.wall_max, wall);
        m.cpu = fmin(m.cpu, cpu);
        m.peak_mib = fmin(m.peak_mib, ru.ru_maxrss / 1024.0);
    }
    return m;
}

/* The generated scenario (made once, kept in build/bench/gen). */
static char *generated(const char *name, const char *const *args)
{
    g_mkdir_with_parents(GEN_DIR, 0755);
    char *path = g_strdup_printf(GEN_DIR "/%s.json", name);
    if (g_file_test(path, G_FILE_TEST_EXISTS))
        return path;
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "python3");
    g_ptr_array_add(argv, "scenarios/gen/datacenter.py");
    for (; *args; args++)
        g_ptr_array_add(argv, (char *)*args);
    g_ptr_array_add(argv, "--out");
    g_ptr_array_add(argv, path);
    g_ptr_array_add(argv, NULL);
    int status = 0;
    GError *err = NULL;
    bool ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &err) &&
              g_spawn_check_wait_status(status, NULL);
    g_ptr_array_free(argv, TRUE);
    if (!ok) {
        fprintf(stderr, "bench: cannot generate %s: %s\n", path, err ? err->message : "datacenter.py failed");
        g_clear_error(&err);
        g_free(path);
        return NULL;
    }
    return path;
}

static void target(const char *what, double value, const char *unit, double limit, bool at_most)
{
    bool met = at_most ? value <= limit : value >= limit;
    printf("    %-52s %9.3g %-4s target %s %-7.3g %s (%.2fx)\n", what, value, unit, at_most ? "<=" : ">=", limit,
           met ? "met" : "NOT MET", at_most ? value / limit : limit / value);
}

static json_object *proc_json(proc_run m)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "wall_s_min", json_object_new_double(m.wall));
    json_object_object_add(o, "wall_s_spread", json_object_new_double(m.wall_max - m.wall));
    json_object_object_add(o, "cpu_s_min", json_object_new_double(m.cpu));
    json_object_object_add(o, "peak_rss_mib", json_object_new_double(m.peak_mib));
    return o;
}

/* A plain json-c parse of the file, the loading target's yardstick: this
 * benchmark re-run as `--plain-parse FILE` (bench_plain_parse), a fresh
 * process that reads the file, parses it, frees the tree and exits, timed
 * as golive's commands are. A parse repeated inside one process ran on a
 * heap the previous parse had already faulted in, and left its free's
 * coalescing to whoever allocated next: a yardstick golive, a fresh
 * process, could not be held to. */
static double plain_parse_s(const char *path)
{
    proc_run m = measure((char *const[]){ "/proc/self/exe", "--plain-parse", (char *)path, NULL });
    return m.ok ? m.wall : NAN;
}

int bench_plain_parse(const char *path)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &text, &len, NULL) || len >= INT_MAX)
        return 1;
    json_tokener *tok = json_tokener_new_ex(64);
    json_object *o = json_tokener_parse_ex(tok, text, (int)len + 1);
    json_tokener_free(tok);
    bool ok = o != NULL;
    json_object_put(o);
    return ok ? 0 : 1;
}

void bench_scale(json_object *results)
{
    const char *golive = g_getenv("GOLIVE_BIN") ? g_getenv("GOLIVE_BIN") : "build/golive";
    if (!g_file_test(golive, G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "bench: %s is missing (make builds it)\n", golive);
        return;
    }
    json_object *o = json_object_new_object();
    /* a child starts with what this process holds resident when it forks:
     * its peak cannot be below that */
    double base = bench_rss_mib();
    printf("Scale: golive as a user runs it, each command in a fresh process; min of %d (wall spread), CPU time,\n"
           "peak RSS of the process (it starts with the %.0f MiB the benchmark holds when it forks)\n",
           REPS, base);
    json_object_object_add(o, "bench_rss_at_fork_mib", json_object_new_double(base));

    /* SimGrid's layout: every migration over both rack uplinks */
    printf("  shared uplinks (SimGrid's layout: sources in rack r00, destinations in r01, uplinks that never bind)\n");
    printf("    %10s %9s %9s %9s %10s %9s\n", "migrations", "wall s", "(spread)", "CPU s", "peak MiB", "exponent");
    const int sizes[] = { 10000, 30000, 100000 };
    double cpu[3] = { NAN, NAN, NAN }, wall[3] = { NAN, NAN, NAN }, peak[3] = { NAN, NAN, NAN };
    json_object *su = json_object_new_array();
    for (int i = 0; i < 3; i++) {
        g_autofree char *n = g_strdup_printf("%d", sizes[i]), *name = g_strdup_printf("shared-uplinks-%d", sizes[i]);
        g_autofree char *path = generated(name, (const char *const[]){ "--layout", "shared-uplinks", "--migrations", n, NULL });
        if (!path)
            continue;
        proc_run m = measure((char *const[]){ (char *)golive, "run", "-q", path, NULL });
        if (!m.ok)
            continue;
        cpu[i] = m.cpu;
        wall[i] = m.wall;
        peak[i] = m.peak_mib;
        double expo = i ? log(cpu[i] / cpu[i - 1]) / log((double)sizes[i] / sizes[i - 1]) : NAN;
        printf("    %10d %9.2f %9.2f %9.2f %10.0f %9.2f\n", sizes[i], m.wall, m.wall_max - m.wall, m.cpu, m.peak_mib,
               expo);
        json_object *e = proc_json(m);
        json_object_object_add(e, "migrations", json_object_new_int(sizes[i]));
        if (isfinite(expo))
            json_object_object_add(e, "growth_exponent_cpu", json_object_new_double(expo));
        json_object_array_add(su, e);
    }
    json_object_object_add(o, "shared_uplinks", su);
    double expo = log(cpu[2] / cpu[0]) / log(10.0);
    target("100,000 migrations, wall", wall[2], "s", 10, true);
    target("100,000 migrations, peak", peak[2] / 1024, "GiB", 2, true);
    target("growth 10k -> 100k (CPU time), exponent", expo, "", 1.15, true);
    json_object_object_add(o, "shared_uplinks_exponent_10k_100k", json_object_new_double(expo));

    /* data centres: 40 hosts per rack, 20 VMs per host, a rack drain */
    printf("  data centres (40 hosts per rack, 20 VMs per host on Ceph, the drain of rack 0)\n");
    printf("    %7s %8s %16s %16s %16s %10s %9s\n", "hosts", "VMs", "validate wall s", "run wall s", "capacity wall s",
           "peak MiB", "load/parse");
    const int racks[] = { 25, 125, 250 };
    json_object *dcs = json_object_new_array();
    proc_run big_run = { 0 }, big_cap = { 0 };
    double big_ratio = NAN;
    for (int i = 0; i < 3; i++) {
        g_autofree char *r = g_strdup_printf("%d", racks[i]), *name = g_strdup_printf("datacenter-%dx40x20", racks[i]);
        g_autofree char *path = generated(name, (const char *const[]){ "--racks", r, "--hosts-per-rack", "40",
                                                                       "--vms-per-host", "20", NULL });
        if (!path)
            continue;
        proc_run v = measure((char *const[]){ (char *)golive, "validate", path, NULL });
        proc_run run = measure((char *const[]){ (char *)golive, "run", "-q", path, NULL });
        proc_run cap = measure((char *const[]){ (char *)golive, "capacity", "-q", path, NULL });
        double parse = plain_parse_s(path);
        /* validate is the loading, and the process around it */
        double ratio = v.wall / parse;
        printf("    %7d %8d %16.2f %16.2f %16.2f %10.0f %9.2f\n", racks[i] * 40, racks[i] * 800, v.wall, run.wall,
               cap.wall, fmax(run.peak_mib, cap.peak_mib), ratio);
        json_object *e = json_object_new_object();
        json_object_object_add(e, "hosts", json_object_new_int(racks[i] * 40));
        json_object_object_add(e, "vms", json_object_new_int(racks[i] * 800));
        json_object_object_add(e, "validate", proc_json(v));
        json_object_object_add(e, "run", proc_json(run));
        json_object_object_add(e, "capacity", proc_json(cap));
        json_object_object_add(e, "plain_json_c_parse_s", json_object_new_double(parse));
        json_object_array_add(dcs, e);
        if (i == 2) {
            big_run = run;
            big_cap = cap;
            big_ratio = ratio;
        }
    }
    json_object_object_add(o, "datacenters", dcs);
    target("10,000 hosts: run of the rack drain, wall", big_run.wall, "s", 5, true);
    target("10,000 hosts: capacity, wall", big_cap.wall, "s", 30, true);
    target("10,000 hosts: peak of run and capacity", fmax(big_run.peak_mib, big_cap.peak_mib) / 1024, "GiB", 1.5, true);
    target("10,000 hosts: loading / plain json-c parse", big_ratio, "", 1.3, true);

    /* Monte Carlo through the command line */
    printf("  Monte Carlo: golive run -q --runs 10000 scenarios/drbd84-year.json\n");
    proc_run mc1 = measure((char *const[]){ (char *)golive, "run", "-q", "--runs", "10000", "--threads", "1",
                                            "scenarios/drbd84-year.json", NULL });
    proc_run mc2 = measure((char *const[]){ (char *)golive, "run", "-q", "--runs", "10000", "--threads", "2",
                                            "scenarios/drbd84-year.json", NULL });
    proc_run mcj = measure((char *const[]){ (char *)golive, "run", "-q", "--runs", "10000", "--threads", "2", "--json",
                                            "/dev/null", "scenarios/drbd84-year.json", NULL });
    printf("    1 thread %.2f s, 2 threads %.2f s (spread %.2f), with --json %.2f s; peak %.0f, %.0f, %.0f MiB\n",
           mc1.wall, mc2.wall, mc2.wall_max - mc2.wall, mcj.wall, mc1.peak_mib, mc2.peak_mib, mcj.peak_mib);
    target("2 threads / 1 thread, speed-up", mc1.wall / mc2.wall, "x", 1.7, false);
    target("peak, 2 threads", mc2.peak_mib, "MiB", 300, true);
    target("peak, 2 threads, --json (the report is 190 MB)", mcj.peak_mib, "MiB", 300, true);
    /* what a batch holds as its runs grow: the records are in a temporary
     * file, the summary's samples bounded; per run, its end and its place */
    const int nruns[] = { 1000, 10000, 30000 };
    double mcpeak[3] = { NAN, NAN, NAN };
    printf("    peak with --json as the runs grow:");
    for (int i = 0; i < 3; i++) {
        g_autofree char *r = g_strdup_printf("%d", nruns[i]);
        proc_run m = measure((char *const[]){ (char *)golive, "run", "-q", "--runs", r, "--threads", "2", "--json",
                                              "/dev/null", "scenarios/drbd84-year.json", NULL });
        mcpeak[i] = m.ok ? m.peak_mib : NAN;
        printf(" %d runs %.0f MiB%s", nruns[i], mcpeak[i], i < 2 ? "," : "\n");
    }
    double per_run = (mcpeak[2] - mcpeak[1]) * 1048576.0 / (nruns[2] - nruns[1]);
    printf("    growth from 10,000 to 30,000 runs: %.0f bytes per run (the records: about 13,000 bytes per run)\n",
           per_run);
    target("memory per run beyond the first 10,000", per_run, "B", 1024, true);
    json_object *mc = json_object_new_object();
    json_object *grow = json_object_new_array();
    for (int i = 0; i < 3; i++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "runs", json_object_new_int(nruns[i]));
        json_object_object_add(e, "peak_rss_mib", json_object_new_double(mcpeak[i]));
        json_object_array_add(grow, e);
    }
    json_object_object_add(mc, "peak_as_runs_grow", grow);
    json_object_object_add(mc, "bytes_per_run", json_object_new_double(per_run));
    json_object_object_add(mc, "one_thread", proc_json(mc1));
    json_object_object_add(mc, "two_threads", proc_json(mc2));
    json_object_object_add(mc, "two_threads_json", proc_json(mcj));
    json_object_object_add(mc, "speedup", json_object_new_double(mc1.wall / mc2.wall));
    json_object_object_add(o, "monte_carlo_cli", mc);
    json_object_object_add(results, "scale", o);
    printf("\n");
}
