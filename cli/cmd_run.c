/* golive run FILE — simulate a scenario and report (DESIGN sections 5, 6). */
#include "cli/cmd_run.h"

#include <glib.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "models/lint.h"
#include "models/units.h"
#include "models/world.h"
#include "sim/stats.h"

typedef struct {
    int run;
    mig_result r; /* iterations owned here */
} run_mig;

typedef struct {
    int run;
    world_incident in; /* resource owned here */
} run_incident;

typedef struct {
    GArray *migs;  /* run_mig */
    GArray *incidents; /* run_incident */
    char *trace;   /* JSON Lines, NULL unless asked */
    GPtrArray *warnings;
} run_out;

typedef struct {
    const scenario *sc;
    bool want_trace;
    run_out *outs;
} batch;

static void run_one(batch *b, int k)
{
    run_out *o = &b->outs[k];
    char *err = NULL;
    world *w = world_new(b->sc, (uint64_t)k, &err);
    o->migs = g_array_new(FALSE, FALSE, sizeof(run_mig));
    o->incidents = g_array_new(FALSE, FALSE, sizeof(run_incident));
    o->warnings = g_ptr_array_new_with_free_func(g_free);
    if (!w) {
        g_ptr_array_add(o->warnings, err);
        return;
    }
    trace_set_keep(sim_trace(world_sim(w)), b->want_trace);
    world_run(w);
    for (size_t i = 0; i < world_nmigrations(w); i++) {
        run_mig rm = { k, *world_migration(w, i) };
        rm.r.iterations = g_array_copy(rm.r.iterations);
        g_array_append_val(o->migs, rm);
    }
    for (size_t i = 0; i < world_nincidents(w); i++) {
        run_incident ri = { k, *world_incident_get(w, i) };
        ri.in.resource = g_strdup(ri.in.resource);
        g_array_append_val(o->incidents, ri);
    }
    if (b->want_trace) {
        g_autofree char *jl = trace_to_jsonl(sim_trace(world_sim(w)));
        GString *withrun = g_string_new(NULL);
        g_auto(GStrv) lines = g_strsplit(jl, "\n", -1);
        for (size_t i = 0; lines[i] && *lines[i]; i++)
            g_string_append_printf(withrun, "{\"run\":%d,%s\n", k, lines[i] + 1);
        o->trace = g_string_free(withrun, FALSE);
    }
    const GPtrArray *wn = world_warnings(w);
    for (guint i = 0; i < wn->len; i++)
        g_ptr_array_add(o->warnings, g_strdup(g_ptr_array_index(wn, i)));
    world_free(w);
}

static void pool_fn(gpointer data, gpointer user)
{
    run_one(user, GPOINTER_TO_INT(data) - 1);
}

static json_object *jtime(sim_time t)
{
    return t < 0 ? NULL : json_object_new_double(sim_to_s(t));
}

static json_object *stat_obj(stats_acc *a)
{
    json_object *o = json_object_new_object();
    size_t n = stats_acc_n(a);
    json_object_object_add(o, "n", json_object_new_int64((int64_t)n));
    if (n == 0)
        return o;
    json_object_object_add(o, "mean", json_object_new_double(stats_acc_mean(a)));
    json_object *ci = json_object_new_array();
    stats_interval iv = stats_acc_ci(a, 0.95);
    if (n < 2)
        iv.lo = iv.hi = stats_acc_mean(a);
    json_object_array_add(ci, json_object_new_double(iv.lo));
    json_object_array_add(ci, json_object_new_double(iv.hi));
    json_object_object_add(o, "ci95", ci);
    json_object_object_add(o, "p50", json_object_new_double(stats_acc_quantile(a, 0.5)));
    json_object_object_add(o, "p99", json_object_new_double(stats_acc_quantile(a, 0.99)));
    json_object_object_add(o, "min", json_object_new_double(stats_acc_min(a)));
    json_object_object_add(o, "max", json_object_new_double(stats_acc_max(a)));
    return o;
}

static char *fmt_time(sim_time t)
{
    if (t < 0)
        return g_strdup("-");
    return units_format(UNITS_TIME, sim_to_s(t));
}

int cli_run(int argc, char **argv)
{
    gint64 seed = -1;
    gint runs = 0, threads = 0;
    gchar *json_path = NULL, *csv_path = NULL, *trace_path = NULL;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Number of runs (default: the scenario's \"runs\")", "N" },
        { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed (default: the scenario's \"seed\")", "S" },
        { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads for the runs (default: all cores)", "T" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the JSON report to PATH (- for stdout)", "PATH" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write one CSV row per migration to PATH", "PATH" },
        { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path, "Write the event trace as JSON Lines to PATH",
          "PATH" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on stdout", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
    g_option_context_set_summary(ctx, "Simulate a scenario and report its migrations.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) gerr = NULL;
    GPtrArray *errors = NULL;
    int rc = CLI_EXIT_OK;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "golive run: %s\n", gerr->message);
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    if (argc != 2) {
        fprintf(stderr, "golive run: expected one scenario file\nUsage: golive run FILE [OPTION...]\n");
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    if (runs < 0 || threads < 0) {
        fprintf(stderr, "golive run: --runs and --threads must be positive\n");
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    const char *outs_paths[] = { json_path, csv_path, trace_path };
    for (size_t i = 0; i < G_N_ELEMENTS(outs_paths); i++) {
        char *err = NULL;
        if (outs_paths[i] && !output_check_writable(outs_paths[i], &err)) {
            fprintf(stderr, "golive run: %s\n", err);
            g_free(err);
            rc = CLI_EXIT_USAGE;
            goto out_free_opts;
        }
    }
    errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load(argv[1], errors);
    if (!sc) {
        for (guint i = 0; i < errors->len; i++)
            fprintf(stderr, "%s\n", (char *)g_ptr_array_index(errors, i));
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    if (seed >= 0)
        sc->seed = (uint64_t)seed;
    if (runs > 0)
        sc->runs = runs;
    if (sc->until == SIM_NEVER)
        sc->until = SIM_DAY; /* a bound for migrations that never converge */

    batch b = { sc, trace_path != NULL, g_new0(run_out, (size_t)sc->runs) };
    int nthreads = threads > 0 ? threads : (int)g_get_num_processors();
    if (nthreads > 1 && sc->runs > 1) {
        GThreadPool *pool = g_thread_pool_new(pool_fn, &b, nthreads, TRUE, NULL);
        for (int k = 0; k < sc->runs; k++)
            g_thread_pool_push(pool, GINT_TO_POINTER(k + 1), NULL);
        g_thread_pool_free(pool, FALSE, TRUE);
    } else {
        for (int k = 0; k < sc->runs; k++)
            run_one(&b, k);
    }

    /* warnings of run 0 stand for all runs: they come from the scenario */
    GPtrArray *risks = g_ptr_array_new_with_free_func(g_free);
    lint_scenario(sc, risks);
    for (guint i = 0; i < risks->len; i++)
        fprintf(stderr, "golive run: warning: %s\n", (char *)g_ptr_array_index(risks, i));
    for (guint i = 0; i < b.outs[0].warnings->len; i++)
        fprintf(stderr, "golive run: warning: %s\n", (char *)g_ptr_array_index(b.outs[0].warnings, i));

    stats_acc *dt = stats_acc_new(true), *cdt = stats_acc_new(true), *tt = stats_acc_new(true);
    json_object *root = json_object_new_object();
    json_object_object_add(root, "golive", json_object_new_int(1));
    json_object_object_add(root, "scenario", json_object_new_string(sc->name));
    json_object_object_add(root, "seed", json_object_new_int64((int64_t)sc->seed));
    json_object_object_add(root, "runs", json_object_new_int(sc->runs));
    json_object *jm = json_object_new_array();
    GString *csv = g_string_new("run,vm,from,to,start,end,outcome,total_time,downtime,client_downtime,"
                                "qemu_downtime,transferred_bytes,bitmap_syncs,iterations,max_cpu_throttle,mode\n");
    GString *txt = g_string_new(NULL);
    g_string_append_printf(txt, "%s: %d run%s, seed %" G_GUINT64_FORMAT "\n", sc->name, sc->runs,
                           sc->runs > 1 ? "s" : "", sc->seed);
    g_string_append_printf(txt, "%-4s %-12s %-22s %9s %10s %10s %10s %12s %5s %5s  %s\n", "run", "vm", "from -> to",
                           "start", "total", "downtime", "client", "transferred", "iters", "syncs", "outcome");
    for (int k = 0; k < sc->runs; k++) {
        GArray *migs = b.outs[k].migs;
        for (guint i = 0; i < migs->len; i++) {
            const mig_result *r = &g_array_index(migs, run_mig, i).r;
            const char *vm = sc->vms[r->vm].name, *from = sc->hosts[r->from].name, *to = sc->hosts[r->to].name;
            sim_time total = r->end >= 0 ? r->end - r->start : -1;
            json_object *o = json_object_new_object();
            json_object_object_add(o, "run", json_object_new_int(k));
            json_object_object_add(o, "vm", json_object_new_string(vm));
            json_object_object_add(o, "from", json_object_new_string(from));
            json_object_object_add(o, "to", json_object_new_string(to));
            json_object_object_add(o, "start", jtime(r->start));
            json_object_object_add(o, "end", jtime(r->end));
            json_object_object_add(o, "outcome", json_object_new_string(mig_outcome_name(r->outcome)));
            json_object_object_add(o, "mode", json_object_new_string(r->restart ? "restart" : "live"));
            json_object_object_add(o, "total_time", jtime(total));
            json_object_object_add(o, "downtime", jtime(r->downtime));
            json_object_object_add(o, "client_downtime", jtime(r->client_downtime));
            json_object_object_add(o, "qemu_downtime", jtime(r->qemu_downtime));
            json_object_object_add(o, "transferred_bytes", json_object_new_int64((int64_t)llround(r->transferred)));
            json_object_object_add(o, "bitmap_syncs", json_object_new_int(r->syncs));
            json_object_object_add(o, "remaining_before_stop_bytes",
                                   json_object_new_int64((int64_t)llround(r->remaining_before_stop)));
            json_object_object_add(o, "max_cpu_throttle", json_object_new_double(r->max_throttle));
            json_object_object_add(o, "postcopy_switch", jtime(r->postcopy_switch));
            json_object_object_add(o, "postcopy_fault_time", jtime(r->postcopy_switch >= 0 ? r->postcopy_fault_time : -1));
            json_object *its = json_object_new_array();
            for (guint j = 0; j < r->iterations->len; j++) {
                const mig_iteration *it = &g_array_index(r->iterations, mig_iteration, j);
                json_object *io = json_object_new_object();
                json_object_object_add(io, "start", jtime(it->start));
                json_object_object_add(io, "duration", jtime(it->duration));
                json_object_object_add(io, "bytes", json_object_new_int64((int64_t)llround(it->bytes)));
                json_object_object_add(io, "dirty_pages_after",
                                       json_object_new_int64((int64_t)llround(it->dirty_pages_after)));
                json_object_array_add(its, io);
            }
            json_object_object_add(o, "iterations", its);
            json_object_array_add(jm, o);
            if (r->outcome == MIG_COMPLETED) {
                stats_acc_add(dt, sim_to_s(r->downtime));
                stats_acc_add(cdt, sim_to_s(r->client_downtime));
                stats_acc_add(tt, sim_to_s(total));
            }
            g_string_append_printf(csv, "%d,%s,%s,%s,%.9f,%.9f,%s,%.9f,%.9f,%.9f,%.9f,%.0f,%d,%u,%.4f,%s\n", k, vm, from,
                                   to, sim_to_s(r->start), sim_to_s(r->end), mig_outcome_name(r->outcome),
                                   total >= 0 ? sim_to_s(total) : NAN, r->downtime >= 0 ? sim_to_s(r->downtime) : NAN,
                                   r->client_downtime >= 0 ? sim_to_s(r->client_downtime) : NAN,
                                   r->qemu_downtime >= 0 ? sim_to_s(r->qemu_downtime) : NAN, r->transferred,
                                   r->syncs, r->iterations->len, r->max_throttle, r->restart ? "restart" : "live");
            if (k < 20) {
                g_autofree char *ft = fmt_time(total), *fd = fmt_time(r->downtime),
                                *fc = fmt_time(r->client_downtime), *fb = units_format(UNITS_SIZE, r->transferred),
                                *fs = fmt_time(r->start);
                g_autofree char *route = g_strdup_printf("%s -> %s", from, to);
                g_string_append_printf(txt, "%-4d %-12s %-22s %9s %10s %10s %10s %12s %5u %5d  %s\n", k, vm, route, fs,
                                       ft, fd, fc, fb, r->iterations->len, r->syncs, mig_outcome_name(r->outcome));
            }
        }
    }
    json_object_object_add(root, "migrations", jm);
    json_object *ji = json_object_new_array();
    size_t shown = 0;
    for (int k = 0; k < sc->runs; k++) {
        GArray *ins = b.outs[k].incidents;
        for (guint i = 0; i < ins->len; i++) {
            const world_incident *in = &g_array_index(ins, run_incident, i).in;
            json_object *o = json_object_new_object();
            json_object_object_add(o, "run", json_object_new_int(k));
            json_object_object_add(o, "kind", json_object_new_string(in->kind));
            json_object_object_add(o, "resource", json_object_new_string(in->resource));
            json_object_object_add(o, "vm", in->vm >= 0 ? json_object_new_string(sc->vms[in->vm].name) : NULL);
            json_object_object_add(o, "start", jtime(in->start));
            json_object_object_add(o, "end", jtime(in->end));
            json_object_object_add(o, "diverged_bytes", json_object_new_int64((int64_t)llround(in->diverged_bytes)));
            json_object_object_add(o, "discarded_bytes", json_object_new_int64((int64_t)llround(in->discarded_bytes)));
            json_object_array_add(ji, o);
            if (shown++ < 20) {
                g_autofree char *fs = fmt_time(in->start), *fd = fmt_time(in->end - in->start);
                g_string_append_printf(txt, "%s %-12s %-10s %-16s at %9s for %10s\n", shown == 1 ? "incidents:\n " : " ",
                                       in->kind, in->vm >= 0 ? sc->vms[in->vm].name : "-", in->resource, fs, fd);
            }
        }
    }
    json_object_object_add(root, "incidents", ji);
    json_object *summ = json_object_new_object();
    json_object_object_add(summ, "downtime", stat_obj(dt));
    json_object_object_add(summ, "client_downtime", stat_obj(cdt));
    json_object_object_add(summ, "total_time", stat_obj(tt));
    /* a run has split brain when some data was written from two places */
    uint64_t sb_runs = 0;
    for (int k = 0; k < sc->runs; k++) {
        GArray *ins = b.outs[k].incidents;
        bool any = false;
        for (guint i = 0; i < ins->len; i++) {
            const char *kind = g_array_index(ins, run_incident, i).in.kind;
            any |= !strcmp(kind, "double-writer") || !strcmp(kind, "split-brain");
        }
        sb_runs += any;
    }
    json_object *sb = json_object_new_object();
    stats_interval w = stats_wilson(sb_runs, (uint64_t)sc->runs, 0.95);
    json_object_object_add(sb, "runs_with", json_object_new_int64((int64_t)sb_runs));
    json_object_object_add(sb, "probability", json_object_new_double((double)sb_runs / sc->runs));
    json_object *sbci = json_object_new_array();
    json_object_array_add(sbci, json_object_new_double(w.lo));
    json_object_array_add(sbci, json_object_new_double(w.hi));
    json_object_object_add(sb, "ci95", sbci);
    json_object_object_add(summ, "split_brain", sb);
    json_object_object_add(root, "summary", summ);
    json_object *jw = json_object_new_array();
    for (guint i = 0; i < risks->len; i++)
        json_object_array_add(jw, json_object_new_string(g_ptr_array_index(risks, i)));
    for (guint i = 0; i < b.outs[0].warnings->len; i++)
        json_object_array_add(jw, json_object_new_string(g_ptr_array_index(b.outs[0].warnings, i)));
    json_object_object_add(root, "warnings", jw);

    if (sc->runs > 1 && stats_acc_n(dt) > 0) {
        stats_interval ci = stats_acc_ci(dt, 0.95);
        g_string_append_printf(txt, "downtime over %zu completed migrations: mean %.1f ms (95%% CI %.1f-%.1f), p99 %.1f ms\n",
                               stats_acc_n(dt), 1e3 * stats_acc_mean(dt), 1e3 * ci.lo, 1e3 * ci.hi,
                               1e3 * stats_acc_quantile(dt, 0.99));
    }

    /* write everything or nothing */
    struct {
        const char *path;
        char *data;
    } files[3] = { { json_path, NULL }, { csv_path, NULL }, { trace_path, NULL } };
    files[0].data = json_path ? g_strconcat(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                                     JSON_C_TO_STRING_NOSLASHESCAPE),
                                            "\n", NULL)
                              : NULL;
    files[1].data = csv_path ? g_strdup(csv->str) : NULL;
    if (trace_path) {
        GString *t = g_string_new(NULL);
        for (int k = 0; k < sc->runs; k++)
            if (b.outs[k].trace)
                g_string_append(t, b.outs[k].trace);
        files[2].data = g_string_free(t, FALSE);
    }
    for (int i = 0; i < 3; i++) {
        char *err = NULL;
        if (files[i].path && !output_write(files[i].path, files[i].data, strlen(files[i].data), &err)) {
            fprintf(stderr, "golive run: %s\n", err);
            g_free(err);
            rc = CLI_EXIT_FAILURE;
        }
        g_free(files[i].data);
    }
    bool json_to_stdout = json_path && !strcmp(json_path, "-");
    if (!quiet && !json_to_stdout)
        fputs(txt->str, stdout);

    g_string_free(txt, TRUE);
    g_string_free(csv, TRUE);
    json_object_put(root);
    stats_acc_free(dt);
    stats_acc_free(cdt);
    stats_acc_free(tt);
    for (int k = 0; k < sc->runs; k++) {
        for (guint i = 0; i < b.outs[k].migs->len; i++)
            g_array_free(g_array_index(b.outs[k].migs, run_mig, i).r.iterations, TRUE);
        g_array_free(b.outs[k].migs, TRUE);
        for (guint i = 0; i < b.outs[k].incidents->len; i++)
            g_free(g_array_index(b.outs[k].incidents, run_incident, i).in.resource);
        g_array_free(b.outs[k].incidents, TRUE);
        g_ptr_array_free(b.outs[k].warnings, TRUE);
        g_free(b.outs[k].trace);
    }
    g_free(b.outs);
    g_ptr_array_free(risks, TRUE);
    scenario_free(sc);
out_free_opts:
    if (errors)
        g_ptr_array_free(errors, TRUE);
    g_free(json_path);
    g_free(csv_path);
    g_free(trace_path);
    return rc;
}
