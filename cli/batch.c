/* batch — runs of a scenario and their report. */
#include "cli/batch.h"

#include <errno.h>
#include <json-c/printbuf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/csv.h"
#include "cli/output.h"
#include "cli/part.h"
#include "cli/progress.h"
#include "models/lint.h"
#include "models/storage/iolat.h"
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
    world_link_samples *links; /* run 0's link load, when plots want it */
    world_link_samples *chart_links; /* the same over the charts' span (BATCH_CHARTS) */
    const char *stop_reason;   /* why the run stopped early, NULL if it did not */
    bool ran;
    GPtrArray *warnings;
    assume_counts *assumed;    /* the defaults that shaped it (NULL: it never ran) */
    GArray *events;            /* run 0's world_event, when plots want them */
    sim_time end;              /* when it ended (the time its availability is over) */
    struct run_fig *fig;       /* its share of the summary, NULL until made (run_figures) */
    bool done;                 /* ended (its thread is through with it) */
    GByteArray *blob;          /* its records as the fold writes them, made by its thread */
} run_out;

struct batch {
    const scenario *sc;
    bool want_trace;
    /* run 0, kept whole; the other runs from when they start to when they
     * are folded, run k at ring[(k / shard_count) % window] (a run waits
     * for its place while the one before it there is not folded yet) */
    run_out *run0;
    run_out *ring;
    int window;
    GCond room;
    progress *bar;
    bool want_links, want_charts, check, show_progress;
    const volatile int *cancel;
    GPtrArray *violations;
    GMutex lock;
    gint next;  /* the next run to start (its position among this shard's) */
    int shard_index, shard_count;
    json_object *links_summary; /* busiest links read from a part (merge) */
    int nruns;  /* runs started (all of them unless interrupted) */
    GPtrArray *risks; /* lint warnings */
    char *fatal;      /* the first run that could not be built: why */
    struct batch_fold *fold; /* the summary, added up as runs end */
};

/* What one run gives the summary, made by the thread that ran it, once:
 * the report then adds these up in the order of the runs. */
typedef struct run_fig {
    double avail;                /* over its VMs: the sum of their availabilities */
    double unavail;              /* over its VMs: the sum of their seconds unavailable */
    double causes[BATCH_CAUSES]; /* over its VMs: seconds by cause (causes may overlap) */
    double *vm_s;                /* per VM: seconds unavailable */
    bool split_brain;            /* some data was written from two places */
    double diverged, discarded, single;
} run_fig;
static const run_fig *run_figures(const batch *b, int k);

/* The samples of each of the summary's distributions held in memory (2 MiB
 * each); beyond, they wait in a temporary file for their quantiles. */
#define FOLD_SAMPLES (1u << 18)


/* Runs in flight or waiting for those before them to be folded: a few per
 * thread; a run that would need more waits (the memory of a batch does not
 * grow with its runs). */
#define RUN_WINDOW 256
/* The spill file's index: where the first run at or after each multiple of
 * this starts (runs are read back from there, or from the last one read). */
#define SPILL_INDEX_EVERY 1024

typedef struct {
    int32_t run;
    uint32_t len; /* what follows: the run's run_out, then its records */
} blob_head;

typedef struct batch_fold {
    FILE *spill;       /* NULL: records stay in memory (no temporary file) */
    bool spill_full;   /* a write failed: the runs after stay in memory */
    bool read_since_write;
    long spill_end;
    GArray *index;     /* long: per SPILL_INDEX_EVERY runs, the first one's place */
    long cursor;       /* where the run after the last one read starts, -1: none */
    int cursor_run;
    GHashTable *kept;  /* run -> run_out, the runs that stay in memory */
    int next;          /* the runs before it are folded */
    int slot_run;      /* the spilled run read back into slot, -1: none */
    run_out slot;
    double sim_seconds; /* the time the folded runs covered, summed */
    GArray *stopped;    /* stopped_run: the runs that stopped early */
    GString *trace;     /* the runs' traces (BATCH_TRACE), in their order */
    /* the summary, in the order of the runs */
    stats_acc *dt, *cdt, *tt, *win; /* completed migrations; each run's window */
    size_t nmigs, nincidents;       /* every migration (completed or not), every incident */
    stats_acc *av, *un, *risk, *div, *one;
    uint64_t split_brain;           /* runs with some */
    double *vm_avail;               /* per VM: its availability, summed over runs */
    double causes[BATCH_CAUSES];    /* seconds by cause over runs and VMs */
    double causes_per_year[BATCH_CAUSES]; /* the same, each run's per year of it */
    assume_counts assumed;
    uint32_t runs_with[ASSUME_N];
    GPtrArray *warnings;            /* the runs' own, each once, in the order of the runs */
    GHashTable *warned;
} batch_fold;
typedef struct {
    int run;
    const char *reason; /* static */
} stopped_run;

static batch_fold *fold_new(const scenario *sc);
static void fold_free(batch_fold *F);
static void fold_run(const batch *b, int k);
static void fold_ready(batch *b);
static void records_free(run_out *o);
static const run_out *run_view(const batch *b, int k);
static GByteArray *records_blob(const run_out *o, int k);

/* Where run k is while it runs and until it is folded (run 0: always). */
static run_out *run_slot(const batch *b, int k)
{
    return k == 0 ? b->run0 : &b->ring[(k / b->shard_count) % b->window];
}

/* A single run's progress: its simulated time, in seconds. */
static void run_progress(void *arg, sim_time now) { progress_set(arg, (size_t)sim_to_s(now)); }

static void run_one(batch *b, int k)
{
    run_out *o = run_slot(b, k);
    GError *err = NULL;
    world *w = world_new(b->sc, (uint64_t)k, &err);
    o->migs = g_array_new(FALSE, FALSE, sizeof(run_mig));
    o->incidents = g_array_new(FALSE, FALSE, sizeof(run_incident));
    o->warnings = g_ptr_array_new_with_free_func(g_free);
    if (!w) {
        g_mutex_lock(&b->lock);
        if (!b->fatal)
            b->fatal = g_strdup(err->message);
        g_mutex_unlock(&b->lock);
        g_error_free(err);
        return;
    }
    trace_set_keep(sim_trace(world_sim(w)), b->want_trace);
    world_set_cancel(w, b->cancel);
    if (k == 0 && b->want_links)
        world_keep_events(w);
    if (k == 0 && b->want_links) { /* about 400 samples over the run */
        sim_time span = b->sc->until, chart = -1;
        if (!b->sc->until_set || b->want_charts) {
            /* the run ends when nothing is left to happen, and the charts
             * show it up to a little after the last thing that happens
             * (plot_end in run_plots.c): a first pass finds when */
            world *probe = world_new(b->sc, (uint64_t)k, NULL);
            if (probe) {
                world_set_cancel(probe, b->cancel);
                world_keep_events(probe);
                world_run(probe);
                if (!b->sc->until_set)
                    span = world_end_time(probe);
                sim_time last = world_last_activity(probe);
                chart = world_end_time(probe);
                if (last > 0 && last + last / 12 < chart)
                    chart = last + last / 12;
                world_free(probe);
            }
        }
        world_sample_links(w, span / 400 > SIM_MS ? span / 400 : SIM_MS);
        if (b->want_charts && chart > 0)
            world_sample_chart_links(w, chart / 400 > SIM_MS ? chart / 400 : SIM_MS, chart);
    }
    progress *bar = NULL;
    if (b->sc->runs == 1 && b->show_progress && b->sc->until_set) {
        bar = progress_new("simulated s", (size_t)sim_to_s(b->sc->until));
        world_set_progress(w, run_progress, bar);
    }
    world_run(w);
    progress_free(bar);
    o->assumed = g_memdup2(world_assumed(w), sizeof(assume_counts));
    o->end = world_end_time(w);
    o->ran = true;
    o->stop_reason = world_stop_reason(w);
    if (k == 0) {
        o->links = world_take_link_samples(w);
        o->chart_links = world_take_chart_link_samples(w);
        o->events = world_take_events(w);
    }
    if (b->check) {
        GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
        world_check(w, v);
        g_mutex_lock(&b->lock);
        for (guint i = 0; i < v->len; i++)
            g_ptr_array_add(b->violations, g_strdup_printf("run %d: %s", k, (char *)g_ptr_array_index(v, i)));
        g_mutex_unlock(&b->lock);
        g_ptr_array_free(v, TRUE);
    }
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
    run_figures(b, k); /* here, in the thread that ran it */
    if (k > 0 && b->fold->spill)
        o->blob = records_blob(o, k); /* so is what the fold writes */
}

static void pool_fn(gpointer data, gpointer user)
{
    (void)data;
    batch *b = user;
    for (;;) {
        if (b->cancel && *b->cancel)
            return; /* interrupted: the rest is skipped */
        int j = g_atomic_int_add(&b->next, 1);
        int k = b->shard_index + j * b->shard_count;
        if (k >= b->sc->runs)
            return;
        /* its place in the ring: the run there before it must be folded */
        g_mutex_lock(&b->lock);
        while (k > 0 && k - b->fold->next >= b->window * b->shard_count)
            g_cond_wait(&b->room, &b->lock);
        g_mutex_unlock(&b->lock);
        run_one(b, k);
        g_mutex_lock(&b->lock);
        run_slot(b, k)->done = true;
        fold_ready(b);
        g_mutex_unlock(&b->lock);
        progress_tick(b->bar);
    }
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
    iv.lo = fmax(0, iv.lo); /* times are never negative */
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


batch *batch_run(const scenario *sc, int threads, unsigned flags, const volatile int *cancel)
{
    return batch_run_shard(sc, threads, flags, cancel, 0, 1);
}

batch *batch_run_shard(const scenario *sc, int threads, unsigned flags, const volatile int *cancel, int index, int count)
{
    batch *b = g_new0(batch, 1);
    b->shard_index = index;
    b->shard_count = count > 0 ? count : 1;
    b->cancel = cancel;
    b->check = flags & BATCH_CHECK;
    b->violations = g_ptr_array_new_with_free_func(g_free);
    g_mutex_init(&b->lock);
    b->sc = sc;
    b->want_trace = flags & BATCH_TRACE;
    b->want_links = flags & BATCH_LINKS;
    b->want_charts = flags & BATCH_CHARTS;
    bool show_progress = flags & BATCH_PROGRESS;
    b->show_progress = show_progress;
    b->run0 = g_new0(run_out, 1);
    b->window = RUN_WINDOW;
    b->ring = g_new0(run_out, (size_t)b->window);
    g_cond_init(&b->room);
    b->fold = fold_new(sc);
    b->risks = g_ptr_array_new_with_free_func(g_free);
    lint_scenario(sc, b->risks);
    int nthreads = threads > 0 ? threads : (int)g_get_num_processors();
    b->bar = show_progress ? progress_new("runs", (size_t)sc->runs) : NULL;
    if (nthreads > sc->runs)
        nthreads = sc->runs > 0 ? sc->runs : 1;
    /* each worker takes the next run index until none is left or a signal
     * came: the runs done are always a prefix, whatever the threads */
    if (nthreads > 1) {
        GThreadPool *pool = g_thread_pool_new(pool_fn, b, nthreads, TRUE, NULL);
        for (int k = 0; k < nthreads; k++)
            g_thread_pool_push(pool, GINT_TO_POINTER(k + 1), NULL);
        g_thread_pool_free(pool, FALSE, TRUE);
    } else {
        pool_fn(GINT_TO_POINTER(1), b);
    }
    if (b->shard_count == 1)
        b->nruns = g_atomic_int_get(&b->next) < sc->runs ? g_atomic_int_get(&b->next) : sc->runs;
    else
        b->nruns = sc->runs; /* a shard's results are read through batch_write_part only */
    if (b->nruns == 0 && sc->runs > 0)
        fold_run(b, 0); /* interrupted before the first: the report's figures are those of an empty run */
    progress_free(b->bar);
    b->bar = NULL;
    return b;
}

void batch_free(batch *b)
{
    if (!b)
        return;
    g_free(b->fatal);
    for (int k = -1; k < b->window; k++) {
        run_out *o = k < 0 ? b->run0 : &b->ring[k];
        world_link_samples_free(o->links); /* a merge reads them before it knows the run */
        world_link_samples_free(o->chart_links);
        if (o->fig)
            g_free(o->fig->vm_s);
        g_free(o->fig);
        records_free(o);
        g_free(o->trace);
        if (o->blob)
            g_byte_array_free(o->blob, TRUE);
        if (o->events) {
            for (guint i = 0; i < o->events->len; i++)
                g_free(g_array_index(o->events, world_event, i).subject);
            g_array_free(o->events, TRUE);
        }
    }
    g_free(b->run0);
    g_free(b->ring);
    g_cond_clear(&b->room);
    g_ptr_array_free(b->risks, TRUE);
    g_ptr_array_free(b->violations, TRUE);
    g_mutex_clear(&b->lock);
    if (b->links_summary)
        json_object_put(b->links_summary);
    fold_free(b->fold);
    g_free(b);
}

double batch_estimate_bytes(const scenario *sc, int threads, unsigned parts)
{
    int nthreads = threads > 0 ? threads : (int)g_get_num_processors();
    /* a run's records: each event's migration with its iterations and its
     * share of a report tree (measured: 20 KB for a migration of 10
     * iterations, most of it the JSON tree and its text), a few incidents
     * per failure class (a CSV is written as it is made); per world: links,
     * VMs, the flow network */
    double records = 256.0 + 20480.0 * (double)sc->nevents + 1024.0 * (double)sc->nfailures;
    double per_run = parts & BATCH_REPORT_TREE ? records : 0;
    double per_world = 4096.0 + 512.0 * (double)(sc->nhosts * sc->nnetworks) + 4096.0 * (double)sc->nvms;
    /* run 0 and the runs in flight, their records as they are kept (a
     * migration with a dozen iterations: 2 KB), the summary's samples
     * (bounded) */
    double held = 512.0 + 2048.0 * (double)sc->nevents + 512.0 * (double)sc->nfailures;
    double fold = MIN(sc->runs, RUN_WINDOW + 1.0) * (sizeof(run_out) + held) + 4.0 * FOLD_SAMPLES * sizeof(double) +
                  8.0 * (double)sc->nvms;
    return (double)sc->runs * per_run + fold + nthreads * per_world;
}

double batch_estimate_disk_bytes(const scenario *sc)
{
    if (sc->runs <= 1)
        return 0;
    /* a run's records as they are written (measured: 7 KB per run of
     * drbd84-year, 24 events, 3 failure classes): a migration with a dozen
     * iterations, a few incidents per failure class; and the samples of the
     * summary's four distributions beyond what memory holds */
    double per_run = 512.0 + (768.0 + 32.0) * (double)sc->nevents + 512.0 * (double)sc->nfailures;
    return (double)sc->runs * per_run;
}

bool batch_disk_ok(const char *cmd, const char *file, int runs, double need)
{
    const char *dir = g_get_tmp_dir();
    struct statvfs st;
    if (need <= 0 || statvfs(dir, &st) != 0)
        return true;
    double have = (double)st.f_bavail * (double)st.f_frsize;
    if (need <= 0.8 * have)
        return true;
    g_autofree char *n = units_format(UNITS_SIZE, need), *h = units_format(UNITS_SIZE, have);
    fprintf(stderr, "golive %s: %s: %d runs would write about %s of records to temporary files in %s, which has %s "
                    "free; run fewer (--runs), set TMPDIR to a larger file system%s\n",
            cmd, file, runs, n, dir, h, strcmp(cmd, "compare") ? ", or split them over machines (--shard)" : "");
    return false;
}

/* A cgroup's memory limit in bytes (v2 memory.max, v1 limit_in_bytes),
 * INFINITY if none. */
static double cgroup_limit(void)
{
    const char *files[] = { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes" };
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *text = NULL;
        if (!g_file_get_contents(files[i], &text, NULL, NULL))
            continue;
        char *end;
        double v = g_ascii_strtod(g_strstrip(text), &end);
        if (end != text && *end == 0 && v > 0 && v < 1e18) /* v1 says "no limit" as 2^63 rounded to pages */
            return v;
    }
    return INFINITY;
}

double batch_memory_limit(const char **what)
{
    double lim = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    *what = "this machine has";
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < lim) {
        lim = (double)rl.rlim_cur;
        *what = "the address-space limit (ulimit -v) allows";
    }
    double cg = cgroup_limit();
    if (cg < lim) {
        lim = cg;
        *what = "the cgroup's memory limit allows";
    }
    /* a machine shared with other work: the operator's own bound */
    const char *env = g_getenv("GOLIVE_MAX_MEMORY");
    double mine;
    g_autofree char *why = NULL;
    if (env && units_parse(UNITS_SIZE, env, &mine, &why) && mine > 0 && mine < lim) {
        lim = mine;
        *what = "GOLIVE_MAX_MEMORY allows";
    }
    return lim;
}

bool batch_memory_ok(const char *cmd, const char *file, int runs, double need)
{
    const char *what;
    double have = batch_memory_limit(&what);
    if (!(have > 0 && need > 0.8 * have))
        return true;
    g_autofree char *n = units_format(UNITS_SIZE, need), *h = units_format(UNITS_SIZE, have);
    fprintf(stderr, "golive %s: %s: %d runs would need about %s of memory, and %s %s; run fewer (--runs)%s\n", cmd,
            file, runs, n, what, h, strcmp(cmd, "compare") ? ", or split them over machines (--shard)" : "");
    return false;
}

const scenario *batch_scenario(const batch *b) { return b->sc; }

bool batch_interrupted(const batch *b)
{
    if (!b->cancel || !*b->cancel)
        return false;
    return true;
}

int batch_runs_done(const batch *b) { return b->nruns; }

const GPtrArray *batch_violations(const batch *b) { return b->violations; }

const world_link_samples *batch_link_samples(const batch *b) { return b->nruns > 0 ? b->run0->links : NULL; }

const world_link_samples *batch_chart_link_samples(const batch *b)
{
    return b->nruns > 0 && b->run0->chart_links ? b->run0->chart_links : batch_link_samples(b);
}

size_t batch_nmigrations(const batch *b, int run) { return run_view(b, run)->migs->len; }

const mig_result *batch_migration(const batch *b, int run, size_t i)
{
    return &g_array_index(run_view(b, run)->migs, run_mig, i).r;
}

size_t batch_nincidents(const batch *b, int run) { return run_view(b, run)->incidents->len; }

const world_incident *batch_incident(const batch *b, int run, size_t i)
{
    return &g_array_index(run_view(b, run)->incidents, run_incident, i).in;
}

const char *batch_fatal(const batch *b) { return b->fatal; }

GPtrArray *batch_warnings(const batch *b)
{
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < b->risks->len; i++)
        g_ptr_array_add(w, g_strdup(g_ptr_array_index(b->risks, i)));
    for (guint i = 0; i < b->fold->warnings->len; i++)
        g_ptr_array_add(w, g_strdup(g_ptr_array_index(b->fold->warnings, i)));
    return w;
}

char *batch_trace(const batch *b)
{
    return g_strdup(b->fold->trace->str);
}

/* ------------------------------------------------------------------ availability
 *
 * A VM is unavailable while it is down (vm-down, quorum-lost), while its IO
 * is blocked, frozen or failing, and while a migration has it paused. Its
 * availability in a run is 1 - (union of those intervals) / simulated time. */

static const char *const unavailable_kinds[] = { "vm-down", "quorum-lost", "io-frozen", "io-error", "io-blocked",
                                                 "migration", NULL };

typedef struct {
    double s, e;
} span;

static int kind_index(const char *kind)
{
    for (int i = 0; unavailable_kinds[i]; i++)
        if (!strcmp(unavailable_kinds[i], kind))
            return i;
    return -1;
}

/* The time run k covered: `until`, or when nothing was left to happen. */
static double run_seconds(const batch *b, int k)
{
    return sim_to_s(run_slot(b, k)->end > 0 ? run_slot(b, k)->end : 1); /* a run where nothing happened: 0 s */
}

void batch_assumed(const batch *b, assume_counts *total, uint32_t *runs_with)
{
    *total = b->fold->assumed;
    memcpy(runs_with, b->fold->runs_with, ASSUME_N * sizeof *runs_with);
}

/* The mean time the runs covered. */
static double simulated_seconds(const batch *b)
{
    int runs = b->nruns > 0 ? b->nruns : 1;
    return b->fold->sim_seconds / runs;
}

double batch_simulated_seconds(const batch *b) { return simulated_seconds(b); }

double batch_run_seconds(const batch *b, int k) { return run_seconds(b, k); }

const char *const batch_cause_names[BATCH_CAUSES] = { "vm-down", "quorum-lost", "io-frozen", "io-error", "io-blocked",
                                                      "migration" };
G_STATIC_ASSERT(G_N_ELEMENTS(unavailable_kinds) == BATCH_CAUSES + 1);
G_STATIC_ASSERT(BATCH_CAUSES == 6); /* "migration" is the last cause */


/* A run's unavailability spans by VM, so that a pass over the VMs in order
 * reads each span once: looking them up per VM made a report's cost grow
 * with VMs x (migrations + incidents). A span is named by its position:
 * incidents first, then migrations, the order in which they are summed. */
typedef struct {
    int vm;
    uint32_t at;
} span_ref;

static int span_ref_cmp(const void *a, const void *b)
{
    const span_ref *x = a, *y = b;
    if (x->vm != y->vm)
        return x->vm < y->vm ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* Seconds each VM of the run was unavailable (vm_s) and by cause, summed. */
static void run_unavailability(const run_out *o, size_t nvms, double T, run_fig *f)
{
    GArray *ins = o->incidents, *migs = o->migs;
    size_t nrefs = 0, pos = 0;
    span_ref *refs = ins ? g_new(span_ref, ins->len + migs->len + 1) : NULL;
    for (guint i = 0; ins && i < ins->len; i++) {
        const world_incident *in = &g_array_index(ins, run_incident, i).in;
        if (in->vm >= 0 && kind_index(in->kind) >= 0)
            refs[nrefs++] = (span_ref){ in->vm, i };
    }
    for (guint i = 0; ins && i < migs->len; i++) {
        const mig_result *m = &g_array_index(migs, run_mig, i).r;
        if (m->vm >= 0 && m->stop >= 0)
            refs[nrefs++] = (span_ref){ m->vm, ins->len + i };
    }
    if (nrefs > 1)
        qsort(refs, nrefs, sizeof *refs, span_ref_cmp);
    GArray *spans = g_array_new(FALSE, FALSE, sizeof(span));
    for (size_t vm = 0; vm < nvms; vm++) {
        g_array_set_size(spans, 0);
        for (; pos < nrefs && refs[pos].vm == (int)vm; pos++) {
            uint32_t at = refs[pos].at;
            span sp;
            int c;
            if (at < ins->len) {
                const world_incident *in = &g_array_index(ins, run_incident, at).in;
                c = kind_index(in->kind);
                sp = (span){ sim_to_s(in->start), in->end >= 0 ? sim_to_s(in->end) : T };
            } else {
                const mig_result *m = &g_array_index(migs, run_mig, at - ins->len).r;
                c = BATCH_CAUSES - 1; /* migration */
                sp = (span){ sim_to_s(m->stop), m->resume >= 0 ? sim_to_s(m->resume) : T };
            }
            g_array_append_val(spans, sp);
            f->causes[c] += fmin(sp.e, T) - fmin(sp.s, T);
        }
        for (guint i = 0; i < spans->len; i++) {
            span *sp = &g_array_index(spans, span, i);
            sp->s = fmin(fmax(sp->s, 0), T);
            sp->e = fmin(fmax(sp->e, 0), T);
        }
        double sec = stats_union_length((const double *)spans->data, spans->len);
        f->vm_s[vm] = sec;
        f->avail += 1 - sec / T;
        f->unavail += sec;
    }
    g_array_free(spans, TRUE);
    g_free(refs);
}

static bool split_brain_run(const run_out *o, double *diverged, double *discarded, double *single)
{
    GArray *ins = o->incidents;
    bool any = false;
    *diverged = *discarded = *single = 0;
    for (guint i = 0; ins && i < ins->len; i++) {
        const world_incident *in = &g_array_index(ins, run_incident, i).in;
        /* a run has split brain when some data was written from two places */
        if (!strcmp(in->kind, "double-writer") || !strcmp(in->kind, "split-brain"))
            any = true;
        *diverged += in->diverged_bytes;
        *discarded += in->discarded_bytes;
        *single += in->at_risk_bytes;
    }
    return any;
}

/* Run k's share of the summary: made by its thread as it ends, or here
 * for a merged batch and a run that never started. */
static const run_fig *run_figures(const batch *b, int k)
{
    run_out *o = run_slot(b, k);
    if (o->fig)
        return o->fig;
    run_fig *f = g_new0(run_fig, 1);
    size_t nvms = b->sc->nvms;
    f->vm_s = g_new0(double, nvms ? nvms : 1);
    run_unavailability(o, nvms, run_seconds(b, k), f);
    f->split_brain = split_brain_run(o, &f->diverged, &f->discarded, &f->single);
    o->fig = f;
    return f;
}

/* ------------------------------------------------------------------ the fold
 *
 * As runs end, in the order of the runs whatever thread ended them (a run
 * waits for those before it), each is added into the summary's accumulators
 * by the thread that ended it, and its records (migrations, incidents,
 * warnings, defaults) other than run 0's go to an unlinked temporary file,
 * read back one run at a time by whoever reads them later (the report's
 * records, a part, a chart). A batch of N runs then holds, per run, its
 * end and its place in the file, and the samples the summary's exact
 * quantiles need; the rest does not grow with N. */

static batch_fold *fold_new(const scenario *sc)
{
    batch_fold *F = g_new0(batch_fold, 1);
    F->slot_run = -1;
    F->cursor = -1;
    F->index = g_array_new(FALSE, FALSE, sizeof(long));
    F->stopped = g_array_new(FALSE, FALSE, sizeof(stopped_run));
    F->trace = g_string_new(NULL);
    F->dt = stats_acc_new_bounded(FOLD_SAMPLES);
    F->cdt = stats_acc_new_bounded(FOLD_SAMPLES);
    F->tt = stats_acc_new_bounded(FOLD_SAMPLES);
    F->win = stats_acc_new_bounded(FOLD_SAMPLES);
    F->av = stats_acc_new(false);
    F->un = stats_acc_new(false);
    F->risk = stats_acc_new(false);
    F->div = stats_acc_new(false);
    F->one = stats_acc_new(false);
    F->vm_avail = g_new0(double, sc->nvms ? sc->nvms : 1);
    assume_counts_init(&F->assumed);
    F->warnings = g_ptr_array_new_with_free_func(g_free);
    F->warned = g_hash_table_new(g_str_hash, g_str_equal);
    if (sc->runs > 1) {
        /* only a Monte Carlo batch has runs beyond run 0 to spill */
        F->spill = stats_tmpfile("golive-runs-XXXXXX");
        if (F->spill)
            setvbuf(F->spill, NULL, _IOFBF, 1 << 20); /* a run's records are a few KB: one write per MiB */
    }
    return F;
}

static void records_free(run_out *o)
{
    for (guint i = 0; o->migs && i < o->migs->len; i++)
        g_array_free(g_array_index(o->migs, run_mig, i).r.iterations, TRUE);
    if (o->migs)
        g_array_free(o->migs, TRUE);
    for (guint i = 0; o->incidents && i < o->incidents->len; i++)
        g_free(g_array_index(o->incidents, run_incident, i).in.resource);
    if (o->incidents)
        g_array_free(o->incidents, TRUE);
    if (o->warnings)
        g_ptr_array_free(o->warnings, TRUE);
    g_free(o->assumed);
    o->migs = o->incidents = NULL;
    o->warnings = NULL;
    o->assumed = NULL;
}

static void fold_free(batch_fold *F)
{
    if (!F)
        return;
    if (F->spill)
        fclose(F->spill);
    records_free(&F->slot);
    g_array_free(F->index, TRUE);
    g_array_free(F->stopped, TRUE);
    g_string_free(F->trace, TRUE);
    if (F->kept)
        g_hash_table_destroy(F->kept);
    stats_acc *accs[] = { F->dt, F->cdt, F->tt, F->win, F->av, F->un, F->risk, F->div, F->one };
    for (size_t i = 0; i < G_N_ELEMENTS(accs); i++)
        stats_acc_free(accs[i]);
    g_free(F->vm_avail);
    g_ptr_array_free(F->warnings, TRUE);
    g_hash_table_destroy(F->warned);
    g_free(F);
}

/* A run's records, in this process's own layout (the file is this
 * process's and dies with it; kinds and failures are static or interned
 * strings, valid as they are): counts, then fixed-size records, then the
 * bytes of their strings. */
static void blob_u32(GByteArray *a, guint32 v) { g_byte_array_append(a, (const guint8 *)&v, sizeof v); }

static void blob_str(GByteArray *a, const char *str)
{
    guint32 n = str ? (guint32)strlen(str) : 0;
    blob_u32(a, n);
    g_byte_array_append(a, (const guint8 *)(str ? str : ""), n);
}

static GByteArray *records_blob(const run_out *o, int k)
{
    GByteArray *a = g_byte_array_new();
    blob_head h = { k, 0 };
    g_byte_array_append(a, (const guint8 *)&h, sizeof h);
    g_byte_array_append(a, (const guint8 *)o, sizeof *o); /* its end, stop reason (static), ran */
    blob_u32(a, o->migs->len);
    for (guint i = 0; i < o->migs->len; i++) {
        const run_mig *rm = &g_array_index(o->migs, run_mig, i);
        g_byte_array_append(a, (const guint8 *)rm, sizeof *rm);
        blob_u32(a, rm->r.iterations->len);
        g_byte_array_append(a, (const guint8 *)rm->r.iterations->data,
                            rm->r.iterations->len * (guint)sizeof(mig_iteration));
    }
    blob_u32(a, o->incidents->len);
    for (guint i = 0; i < o->incidents->len; i++) {
        const run_incident *ri = &g_array_index(o->incidents, run_incident, i);
        g_byte_array_append(a, (const guint8 *)ri, sizeof *ri);
        blob_str(a, ri->in.resource);
    }
    blob_u32(a, o->warnings->len);
    for (guint i = 0; i < o->warnings->len; i++)
        blob_str(a, g_ptr_array_index(o->warnings, i));
    blob_u32(a, o->assumed != NULL);
    if (o->assumed)
        g_byte_array_append(a, (const guint8 *)o->assumed, sizeof *o->assumed);
    ((blob_head *)a->data)->len = a->len - (guint)sizeof h;
    return a;
}

/* The file is this process's own: only a failing disk gets here, and a
 * report without some runs' records would be a wrong one. */
static G_NORETURN void spill_failed(FILE *f)
{
    fprintf(stderr, "golive: cannot read back the runs' records from a temporary file: %s\n",
            ferror(f) ? g_strerror(errno) : "it is shorter than written");
    exit(CLI_EXIT_FAILURE);
}

static void spill_read(FILE *f, void *p, size_t n)
{
    if (n && fread(p, 1, n, f) != n)
        spill_failed(f);
}

static guint32 spill_u32(FILE *f)
{
    guint32 v;
    spill_read(f, &v, sizeof v);
    return v;
}

static char *spill_str(FILE *f)
{
    guint32 n = spill_u32(f);
    char *str = g_malloc(n + 1);
    spill_read(f, str, n);
    str[n] = '\0';
    return str;
}

static void kept_free(gpointer p)
{
    run_out *o = p;
    records_free(o);
    g_free(o);
}

/* Run k's records: run 0's and those that stay in memory, or read back from
 * the spill file into the fold's slot (valid until another run is read).
 * A run that never ran reads as one without records. */
static const run_out *run_view(const batch *b, int k)
{
    if (k == 0)
        return b->run0;
    batch_fold *F = b->fold;
    run_out *kept = F->kept ? g_hash_table_lookup(F->kept, GINT_TO_POINTER(k)) : NULL;
    if (kept)
        return kept;
    if (F->slot_run == k)
        return &F->slot;
    records_free(&F->slot);
    memset(&F->slot, 0, sizeof F->slot);
    F->slot_run = k;
    FILE *f = F->spill;
    F->read_since_write = true;
    guint slot_i = (guint)(k / SPILL_INDEX_EVERY);
    long at = F->cursor >= 0 && F->cursor_run < k && F->cursor_run / SPILL_INDEX_EVERY == k / SPILL_INDEX_EVERY
                  ? F->cursor
              : f && slot_i < F->index->len ? g_array_index(F->index, long, slot_i)
                                            : -1;
    blob_head h = { -1, 0 };
    /* from there, the runs' heads, in order, to k's */
    while (at >= 0 && at < F->spill_end) {
        if (fseek(f, at, SEEK_SET) != 0)
            spill_failed(f);
        spill_read(f, &h, sizeof h);
        if (h.run >= k)
            break;
        at += (long)(sizeof h + h.len);
    }
    if (h.run != k || at < 0 || at >= F->spill_end) {
        F->slot.migs = g_array_new(FALSE, FALSE, sizeof(run_mig));
        F->slot.incidents = g_array_new(FALSE, FALSE, sizeof(run_incident));
        F->slot.warnings = g_ptr_array_new_with_free_func(g_free);
        return &F->slot;
    }
    spill_read(f, &F->slot, sizeof F->slot);
    F->slot.migs = F->slot.incidents = F->slot.events = NULL;
    F->slot.warnings = NULL;
    F->slot.assumed = NULL;
    F->slot.trace = NULL;
    F->slot.links = F->slot.chart_links = NULL;
    F->slot.fig = NULL;
    F->slot.blob = NULL;
    guint32 nm = spill_u32(f);
    F->slot.migs = g_array_sized_new(FALSE, FALSE, sizeof(run_mig), nm);
    for (guint32 i = 0; i < nm; i++) {
        run_mig rm;
        spill_read(f, &rm, sizeof rm);
        guint32 nit = spill_u32(f);
        rm.r.iterations = g_array_sized_new(FALSE, FALSE, sizeof(mig_iteration), nit);
        g_array_set_size(rm.r.iterations, nit);
        spill_read(f, rm.r.iterations->data, nit * sizeof(mig_iteration));
        g_array_append_val(F->slot.migs, rm);
    }
    guint32 ni = spill_u32(f);
    F->slot.incidents = g_array_sized_new(FALSE, FALSE, sizeof(run_incident), ni);
    for (guint32 i = 0; i < ni; i++) {
        run_incident ri;
        spill_read(f, &ri, sizeof ri);
        ri.in.resource = spill_str(f);
        g_array_append_val(F->slot.incidents, ri);
    }
    guint32 nw = spill_u32(f);
    F->slot.warnings = g_ptr_array_new_full(nw, g_free);
    for (guint32 i = 0; i < nw; i++)
        g_ptr_array_add(F->slot.warnings, spill_str(f));
    if (spill_u32(f)) {
        F->slot.assumed = g_new(assume_counts, 1);
        spill_read(f, F->slot.assumed, sizeof *F->slot.assumed);
    }
    F->cursor = at + (long)(sizeof h + h.len);
    F->cursor_run = k;
    return &F->slot;
}

/* Adds run k into the summary, then spills its records (not run 0's, which
 * the single-run parts of the report and the charts read). */
static void fold_run(const batch *b, int k)
{
    batch_fold *F = b->fold;
    const scenario *sc = b->sc;
    run_out *o = run_slot(b, k);
    const run_fig *rf = run_figures(b, k);
    double T = run_seconds(b, k), years = T / sim_to_s(SIM_YEAR);
    sim_time first = -1, last = -1;
    for (guint i = 0; o->migs && i < o->migs->len; i++) {
        const mig_result *r = &g_array_index(o->migs, run_mig, i).r;
        F->nmigs++;
        if (r->outcome == MIG_COMPLETED) {
            stats_acc_add(F->dt, sim_to_s(r->downtime));
            stats_acc_add(F->cdt, sim_to_s(r->client_downtime));
            stats_acc_add(F->tt, sim_to_s(r->end - r->start));
        }
        if (first < 0 || r->start < first)
            first = r->start;
        if (r->end > last)
            last = r->end;
    }
    if (first >= 0 && last >= first)
        stats_acc_add(F->win, sim_to_s(last - first));
    F->nincidents += o->incidents ? o->incidents->len : 0;
    if (sc->nvms) {
        stats_acc_add(F->av, rf->avail / sc->nvms);
        stats_acc_add(F->un, rf->unavail / sc->nvms / years);
    }
    F->split_brain += rf->split_brain;
    stats_acc_add(F->div, rf->diverged);
    stats_acc_add(F->risk, rf->discarded);
    stats_acc_add(F->one, rf->single);
    for (size_t i = 0; i < sc->nvms; i++)
        F->vm_avail[i] += 1 - rf->vm_s[i] / T;
    for (int c = 0; c < BATCH_CAUSES; c++) {
        F->causes[c] += rf->causes[c];
        F->causes_per_year[c] += rf->causes[c] / years;
    }
    if (o->ran && o->assumed) {
        assume_counts_add(&F->assumed, o->assumed);
        for (int i = 0; i < ASSUME_N; i++)
            F->runs_with[i] += o->assumed->n[i] > 0;
    }
    for (guint i = 0; o->warnings && i < o->warnings->len; i++) {
        char *msg = g_ptr_array_index(o->warnings, i);
        if (!g_hash_table_contains(F->warned, msg)) {
            msg = g_strdup(msg);
            g_hash_table_add(F->warned, msg);
            g_ptr_array_add(F->warnings, msg);
        }
    }
    g_free(o->fig->vm_s);
    g_clear_pointer(&o->fig, g_free);
    F->sim_seconds += T;
    if (o->stop_reason)
        g_array_append_val(F->stopped, ((stopped_run){ k, o->stop_reason }));
    if (o->trace) {
        g_string_append(F->trace, o->trace);
        g_clear_pointer(&o->trace, g_free);
    }
    if (k == 0)
        return; /* run 0 stays whole */
    bool spilled = false;
    if (F->spill && !F->spill_full && o->migs) {
        GByteArray *blob = o->blob ? g_steal_pointer(&o->blob) : records_blob(o, k);
        /* a read moved the file's position (and fseek flushes: only then) */
        bool at_end = !F->read_since_write || fseek(F->spill, F->spill_end, SEEK_SET) == 0;
        F->read_since_write = false;
        if (at_end && fwrite(blob->data, 1, blob->len, F->spill) == blob->len) {
            for (guint i = F->index->len; i <= (guint)(k / SPILL_INDEX_EVERY); i++)
                g_array_append_val(F->index, F->spill_end);
            F->spill_end += (long)blob->len;
            spilled = true;
        } else {
            F->spill_full = true; /* a full disk: this run's records and the rest stay in memory */
        }
        g_byte_array_free(blob, TRUE);
    }
    if (spilled) {
        records_free(o);
    } else {
        if (o->blob)
            g_byte_array_free(g_steal_pointer(&o->blob), TRUE);
        if (!F->kept)
            F->kept = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, kept_free);
        g_hash_table_insert(F->kept, GINT_TO_POINTER(k), g_memdup2(o, sizeof *o));
    }
    if (o->blob)
        g_byte_array_free(o->blob, TRUE);
    memset(o, 0, sizeof *o); /* its place in the ring, for the run after */
}

/* Folds the runs that ended, up to the first that has not (with b->lock
 * held: any thread may call it). */
static void fold_ready(batch *b)
{
    batch_fold *F = b->fold;
    const scenario *sc = b->sc;
    while (F->next < sc->runs) {
        int k = F->next;
        bool mine = k % b->shard_count == b->shard_index;
        if (mine && !run_slot(b, k)->done)
            break;
        if (mine)
            fold_run(b, k);
        F->next++;
    }
    g_cond_broadcast(&b->room);
}

void batch_unavailable_by_cause(const batch *b, double *out)
{
    const scenario *sc = b->sc;
    int runs = b->nruns > 0 ? b->nruns : 1;
    for (int c = 0; c < BATCH_CAUSES; c++)
        out[c] = sc->nvms ? b->fold->causes_per_year[c] / (double)sc->nvms / runs : 0;
}

static double years_of(const batch *b)
{
    return simulated_seconds(b) / sim_to_s(SIM_YEAR);
}

/* P(at least one per year) from p per run of `years` years (independent periods). */
static double per_year(double p, double years)
{
    if (p >= 1)
        return 1;
    return 1 - pow(1 - p, 1 / years);
}

/* The mean over runs with its Student-t 95% interval, clamped to what the
 * quantity can be (an availability within [0, 1], times and bytes not
 * negative): with few runs or rare events the raw interval can cross it. */
static batch_figure figure(stats_acc *a, double lo, double hi)
{
    batch_figure f = { NAN, NAN, NAN, stats_acc_n(a) };
    if (f.n == 0)
        return f;
    f.mean = stats_acc_mean(a);
    stats_interval iv = stats_acc_ci(a, 0.95);
    if (f.n < 2 || !isfinite(iv.lo))
        iv.lo = iv.hi = f.mean;
    f.lo = fmin(hi, fmax(lo, iv.lo));
    f.hi = fmin(hi, fmax(lo, iv.hi));
    return f;
}

void batch_get_figures(const batch *b, batch_figures *f)
{
    const batch_fold *F = b->fold;
    int runs = b->nruns > 0 ? b->nruns : 1;
    f->years = years_of(b);
    f->availability = figure(F->av, 0, 1);
    f->unavailable_s = figure(F->un, 0, INFINITY);
    f->at_risk = figure(F->risk, 0, INFINITY);
    f->diverged = figure(F->div, 0, INFINITY);
    f->single_copy = figure(F->one, 0, INFINITY);
    f->downtime = figure(F->dt, 0, INFINITY);
    f->downtime_p99 = stats_acc_n(F->dt) ? stats_acc_quantile(F->dt, 0.99) : NAN;
    uint64_t sb = F->split_brain;
    stats_interval w = stats_wilson(sb, (uint64_t)runs, 0.95);
    f->split_brain = (batch_figure){ (double)sb / runs, w.lo, w.hi, (size_t)runs };
    f->split_brain_year = (batch_figure){ per_year(f->split_brain.mean, f->years), per_year(w.lo, f->years),
                                          per_year(w.hi, f->years), (size_t)runs };
}

json_object *batch_json_number(double x)
{
    return isfinite(x) ? json_object_new_double(x) : NULL;
}

static json_object *ci_array(double lo, double hi)
{
    json_object *a = json_object_new_array();
    json_object_array_add(a, batch_json_number(lo));
    json_object_array_add(a, batch_json_number(hi));
    return a;
}

json_object *batch_figure_json(batch_figure f)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "mean", batch_json_number(f.mean));
    json_object_object_add(o, "ci95", isfinite(f.mean) ? ci_array(f.lo, f.hi) : NULL);
    return o;
}

json_object *batch_split_brain_json(const batch_figures *f)
{
    json_object *sb = json_object_new_object();
    uint64_t sb_runs = (uint64_t)llround(f->split_brain.mean * (double)f->split_brain.n);
    json_object_object_add(sb, "runs_with", json_object_new_int64((int64_t)sb_runs));
    json_object_object_add(sb, "probability", batch_json_number(f->split_brain.mean));
    json_object_object_add(sb, "ci95", ci_array(f->split_brain.lo, f->split_brain.hi));
    json_object_object_add(sb, "per_year", batch_json_number(f->split_brain_year.mean));
    json_object_object_add(sb, "per_year_ci95", ci_array(f->split_brain_year.lo, f->split_brain_year.hi));
    return sb;
}

json_object *batch_data_at_risk_json(const batch_figures *f)
{
    json_object *risk = json_object_new_object();
    json_object_object_add(risk, "discarded_bytes", batch_figure_json(f->at_risk));
    json_object_object_add(risk, "diverged_bytes", batch_figure_json(f->diverged));
    json_object_object_add(risk, "single_copy_bytes", batch_figure_json(f->single_copy));
    return risk;
}

/* -log10 of the unavailability: 0.999 -> 3 nines; null when never unavailable. */
static json_object *nines(double a)
{
    return a < 1 ? json_object_new_double(-log10(1 - a)) : NULL;
}

/* Run 0's five busiest links, by utilisation: how long each ran at 95% of
 * its capacity or more, then the share of its capacity it carried at its
 * peak (sampled; NULL without samples). Ranking relative to capacity, not by
 * bytes, puts a draining host's own NIC next to the uplinks that carry far
 * more. */
typedef struct {
    size_t link;
    double peak, share, saturated;
} link_use;

static int cmp_link_use(const void *a, const void *b)
{
    const link_use *x = a, *y = b;
    if (x->saturated != y->saturated)
        return x->saturated < y->saturated ? 1 : -1;
    if (x->share != y->share)
        return x->share < y->share ? 1 : -1;
    if (x->peak != y->peak)
        return x->peak < y->peak ? 1 : -1;
    return (x->link > y->link) - (x->link < y->link);
}

#define BUSIEST_LINKS 5

/* The links ranked by use (see busiest_links); free the array. */
static GArray *rank_links(const world_link_samples *s)
{
    GArray *uses = g_array_new(FALSE, FALSE, sizeof(link_use));
    for (size_t i = 0; i < s->nlinks; i++) {
        link_use u = { i, 0, 0, 0 };
        for (size_t k = 0; k < s->nt; k++)
            u.peak = fmax(u.peak, s->transfer[i * s->nt + k] + s->steady[i * s->nt + k]);
        if (u.peak <= 0)
            continue;
        u.share = s->capacity[i] > 0 && isfinite(s->capacity[i]) ? u.peak / s->capacity[i] : 0;
        for (size_t k = 0; k + 1 < s->nt; k++)
            if (s->capacity[i] > 0 && s->transfer[i * s->nt + k] + s->steady[i * s->nt + k] >= 0.95 * s->capacity[i])
                u.saturated += s->t[k + 1] - s->t[k];
        g_array_append_val(uses, u);
    }
    g_array_sort(uses, cmp_link_use);
    return uses;
}

size_t batch_busiest_links(const batch *b, size_t *links, size_t max)
{
    const world_link_samples *s = batch_link_samples(b);
    if (!s || s->nt < 2)
        return 0;
    GArray *uses = rank_links(s);
    size_t n = 0;
    for (; n < uses->len && n < max; n++)
        links[n] = g_array_index(uses, link_use, n).link;
    g_array_free(uses, TRUE);
    return n;
}

size_t batch_nevents(const batch *b) { return b->nruns > 0 && b->run0->events ? b->run0->events->len : 0; }

const world_event *batch_event(const batch *b, size_t i) { return &g_array_index(b->run0->events, world_event, i); }

static json_object *busiest_links(const batch *b)
{
    if (b->links_summary)
        return json_object_get(b->links_summary);
    const world_link_samples *s = batch_link_samples(b);
    if (!s || s->nt < 2)
        return NULL;
    GArray *uses = rank_links(s);
    json_object *arr = json_object_new_array();
    for (guint j = 0; j < uses->len && j < BUSIEST_LINKS; j++) {
        const link_use *u = &g_array_index(uses, link_use, j);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "link", json_object_new_string(s->names[u->link]));
        json_object_object_add(o, "capacity_Bps", json_object_new_double(s->capacity[u->link]));
        json_object_object_add(o, "peak_Bps", json_object_new_double(u->peak));
        json_object_object_add(o, "peak_utilisation", json_object_new_double(u->share));
        json_object_object_add(o, "saturated_seconds", json_object_new_double(u->saturated));
        json_object_array_add(arr, o);
    }
    g_array_free(uses, TRUE);
    return arr;
}

json_object *batch_summary(const batch *b)
{
    const scenario *sc = b->sc;
    int runs = b->nruns > 0 ? b->nruns : 1;
    json_object *summ = json_object_new_object();
    const batch_fold *F = b->fold;
    json_object_object_add(summ, "downtime", stat_obj(F->dt));
    json_object_object_add(summ, "client_downtime", stat_obj(F->cdt));
    json_object_object_add(summ, "total_time", stat_obj(F->tt));
    /* the maintenance window of each run: first migration start to last end */
    json_object_object_add(summ, "maintenance_window", stat_obj(F->win));
    json_object_object_add(summ, "busiest_links", busiest_links(b));

    batch_figures f;
    batch_get_figures(b, &f);
    json_object_object_add(summ, "split_brain", batch_split_brain_json(&f));
    json_object_object_add(summ, "data_at_risk", batch_data_at_risk_json(&f));

    json_object *av = batch_figure_json(f.availability);
    json_object_object_add(av, "nines", nines(f.availability.mean));
    json_object_object_add(av, "nines_ci95", isfinite(f.availability.mean) && f.availability.hi < 1
                                                  ? ci_array(-log10(1 - f.availability.lo), -log10(1 - f.availability.hi))
                                                  : NULL);
    json_object_object_add(av, "unavailable_seconds_per_year", batch_figure_json(f.unavailable_s));
    json_object *byvm = json_object_new_object(), *bycause = json_object_new_object();
    size_t nk = G_N_ELEMENTS(unavailable_kinds) - 1;
    double T = simulated_seconds(b);
    for (size_t i = 0; i < sc->nvms; i++) {
        double a = F->vm_avail[i] / runs;
        json_object *v = json_object_new_object();
        json_object_object_add(v, "mean", json_object_new_double(a));
        json_object_object_add(v, "nines", nines(a));
        json_object_object_add(byvm, sc->vms[i].name, v);
    }
    for (size_t c = 0; c < nk; c++)
        json_object_object_add(bycause, unavailable_kinds[c],
                               json_object_new_double(sc->nvms ? F->causes[c] / runs / sc->nvms : 0));
    json_object_object_add(av, "by_vm", byvm);
    json_object_object_add(av, "seconds_by_cause", bycause);
    json_object_object_add(summ, "availability", av);
    json_object_object_add(summ, "simulated_seconds", json_object_new_double(T));
    json_object_object_add(summ, "until_set", json_object_new_boolean(sc->until_set));
    json_object *io = json_object_new_object();
    json_object_object_add(io, "type", json_object_new_string(scenario_storage_names[sc->storage.type]));
    json_object_object_add(io, "write_latency", json_object_new_double(iolat_write(sc)));
    json_object_object_add(summ, "storage", io);
    return summ;
}

/* Run 0's live migrations that failed, and what became of their VMs: a
 * maintenance window counts migrations, not the recoveries after them. */
static void failed_moves_text(const batch *b, GString *txt)
{
    const run_out *o = b->run0;
    size_t nwhy[MIG_NFAILURES] = { 0 }, failed = 0;
    for (guint i = 0; o->migs && i < o->migs->len; i++) {
        const mig_result *r = &g_array_index(o->migs, run_mig, i).r;
        if (r->restart || r->outcome != MIG_FAILED)
            continue;
        failed++;
        for (size_t k = 0; k < MIG_NFAILURES; k++)
            nwhy[k] += r->failure == mig_failure_names[k];
    }
    if (!failed)
        return;
    g_string_append_printf(txt, "%zu live migration%s failed (", failed, failed == 1 ? "" : "s");
    const char *sep = "";
    for (size_t k = 0; k < MIG_NFAILURES; k++)
        if (nwhy[k]) {
            if (k == MIG_FAILURE_TIMEOUT) {
                g_autofree char *t = units_format(UNITS_TIME, sim_to_s(b->sc->cluster.migrate_timeout));
                g_string_append_printf(txt, "%s%zu past the %s migrate_to timeout", sep, nwhy[k], t);
            } else {
                g_string_append_printf(txt, "%s%zu %s", sep, nwhy[k], mig_failure_names[k]);
            }
            sep = ", ";
        }
    g_string_append(txt, ")");
    size_t rec = 0;
    sim_time back = -1;
    bool still_down = false;
    for (guint i = 0; o->incidents && i < o->incidents->len; i++) {
        const world_incident *in = &g_array_index(o->incidents, run_incident, i).in;
        if (!strcmp(in->kind, "vm-down") && !strcmp(in->resource, "pacemaker:migrate_to-failed")) {
            rec++;
            still_down |= in->end < 0;
            back = MAX(back, in->end);
        }
    }
    if (rec) {
        g_string_append_printf(txt, "; Pacemaker recovered %zu of their VMs by a stop and a start (a boot, not a "
                                    "migration)", rec);
        if (!still_down) {
            g_autofree char *t = units_format(UNITS_TIME, sim_to_s(back));
            g_string_append_printf(txt, ", the last back at %s", t);
        } else {
            g_string_append(txt, ", not all back by the end of the run");
        }
    }
    g_string_append(txt, "\n");
}

static void summary_text(const batch *b, GString *txt)
{
    const scenario *sc = b->sc;
    stats_acc *dt = b->fold->dt;
    batch_figures f;
    batch_get_figures(b, &f);
    bool mc = b->nruns > 1;
    if (mc && stats_acc_n(dt) > 0) {
        stats_interval ci = stats_acc_ci(dt, 0.95);
        g_string_append_printf(txt, "downtime over %zu completed migrations: mean %.1f ms (95%% CI %.1f-%.1f), p99 %.1f ms\n",
                               stats_acc_n(dt), 1e3 * stats_acc_mean(dt), 1e3 * ci.lo, 1e3 * ci.hi,
                               1e3 * stats_acc_quantile(dt, 0.99));
        /* what the users saw: it may vary where the pause does not */
        stats_acc *cl = b->fold->cdt;
        g_autofree char *c50 = units_format(UNITS_TIME, stats_acc_quantile(cl, 0.5)),
                        *clo = units_format(UNITS_TIME, stats_acc_min(cl)), *chi = units_format(UNITS_TIME, stats_acc_max(cl));
        g_string_append_printf(txt, "client-perceived downtime: median %s, range %s-%s\n", c50, clo, chi);
    }
    if (mc) {
        /* the total's distribution: where a run draws what the scenario does
         * not fix (a sweep's start), the median alone would hide the spread */
        stats_acc *tt = b->fold->tt;
        size_t all = b->fold->nmigs;
        if (stats_acc_n(tt) > 0) {
            g_autofree char *p50 = units_format(UNITS_TIME, stats_acc_quantile(tt, 0.5)),
                            *lo = units_format(UNITS_TIME, stats_acc_min(tt)),
                            *hi = units_format(UNITS_TIME, stats_acc_max(tt));
            g_string_append_printf(txt, "migration time over %zu completed migrations: median %s, range %s-%s",
                                   stats_acc_n(tt), p50, lo, hi);
            if (all > stats_acc_n(tt))
                g_string_append_printf(txt, "; %zu of %zu did not complete", all - stats_acc_n(tt), all);
            g_string_append(txt, "\n");
        }
    }
    if (!mc && stats_acc_n(dt) > 1) {
        /* one run with many migrations (a drain): the window and the spread */
        GArray *migs = b->run0->migs;
        sim_time first = -1, last = -1;
        for (guint i = 0; migs && i < migs->len; i++) {
            const mig_result *r = &g_array_index(migs, run_mig, i).r;
            first = first < 0 || r->start < first ? r->start : first;
            last = r->end > last ? r->end : last;
        }
        g_autofree char *w = units_format(UNITS_TIME, sim_to_s(last - first)),
                        *t0 = units_format(UNITS_TIME, sim_to_s(first)), *t1 = units_format(UNITS_TIME, sim_to_s(last));
        g_string_append_printf(txt, "maintenance window: %s (first start %s, last end %s)\n", w, t0, t1);
        g_autofree char *mean = units_format(UNITS_TIME, stats_acc_mean(dt)),
                        *p50 = units_format(UNITS_TIME, stats_acc_quantile(dt, 0.5)),
                        *p99 = units_format(UNITS_TIME, stats_acc_quantile(dt, 0.99)),
                        *mx = units_format(UNITS_TIME, stats_acc_quantile(dt, 1));
        g_string_append_printf(txt, "downtime over %zu completed migrations: mean %s, p50 %s, p99 %s, max %s\n",
                               stats_acc_n(dt), mean, p50, p99, mx);
    }
    if (!mc && b->nruns > 0)
        failed_moves_text(b, txt);
    if (sc->nvms && f.availability.mean < 1) {
        g_autofree char *run = units_format(UNITS_TIME, f.unavailable_s.mean * f.years),
                        *simulated = units_format(UNITS_TIME, simulated_seconds(b));
        g_string_append_printf(txt, "VM availability: %.5f%% (%.2f nines", 100 * f.availability.mean,
                               -log10(1 - f.availability.mean));
        if (mc)
            g_string_append_printf(txt, "; 95%% CI %.5f-%.5f%%", 100 * f.availability.lo, 100 * fmin(1, f.availability.hi));
        g_string_append_printf(txt, "): a VM is unavailable %s of %s on average", run, simulated);
        if (f.years >= 30.0 / 365.25) {
            g_autofree char *per = units_format(UNITS_TIME, f.unavailable_s.mean);
            g_string_append_printf(txt, " (%s per VM-year)", per);
        }
        g_string_append(txt, "\n");
    }
    if (mc || f.split_brain.mean > 0)
        g_string_append_printf(txt, "split brain: %.0f of %d runs (%.2f%%, 95%% CI %.2f-%.2f%%); per year %.2f%% (%.2f-%.2f%%)\n",
                               f.split_brain.mean * b->nruns, b->nruns, 100 * f.split_brain.mean,
                               100 * f.split_brain.lo, 100 * f.split_brain.hi, 100 * f.split_brain_year.mean,
                               100 * f.split_brain_year.lo, 100 * f.split_brain_year.hi);
    json_object *bl = busiest_links(b);
    for (size_t i = 0; bl && i < json_object_array_length(bl); i++) {
        json_object *o = json_object_array_get_idx(bl, i);
        double sat = json_object_get_double(json_object_object_get(o, "saturated_seconds"));
        json_object *share = json_object_object_get(o, "peak_utilisation");
        g_autofree char *pk = units_format(UNITS_RATE, json_object_get_double(json_object_object_get(o, "peak_Bps")));
        g_autofree char *st = units_format(UNITS_TIME, sat);
        g_autofree char *satd = sat > 0 ? g_strdup_printf("saturated %s", st) : g_strdup("never saturated");
        g_autofree char *pct = share ? g_strdup_printf(" (%.0f%% of its capacity)", 100 * json_object_get_double(share))
                                     : g_strdup("");
        if (i == 0)
            g_string_append(txt, "busiest links (run 0, by time saturated, then by the share of capacity at the peak):\n");
        g_string_append_printf(txt, "  %s: peak %s%s, %s\n", json_object_get_string(json_object_object_get(o, "link")),
                               pk, pct, satd);
    }
    if (bl)
        json_object_put(bl);
    if (sc->storage.type != STORAGE_LOCAL) {
        g_autofree char *lat = units_format(UNITS_TIME, iolat_write(sc));
        g_string_append_printf(txt, "storage %s%s%s: a small synchronous write takes about %s\n",
                               scenario_storage_names[sc->storage.type],
                               sc->storage.type == STORAGE_DRBD ? " protocol " : "",
                               sc->storage.type == STORAGE_DRBD ? scenario_protocol_names[sc->storage.protocol] : "",
                               lat);
    }
    if (f.single_copy.mean > 0) {
        g_autofree char *o = units_format(UNITS_SIZE, f.single_copy.mean);
        g_string_append_printf(txt, "data at risk per run: %s written while a single copy held it (mean)\n", o);
    }
    if (f.diverged.mean > 0) {
        g_autofree char *d = units_format(UNITS_SIZE, f.diverged.mean), *x = units_format(UNITS_SIZE, f.at_risk.mean);
        g_string_append_printf(txt, "data at risk per run: %s diverged, %s discarded at recovery (means)\n", d, x);
    }
}

/* ------------------------------------------------------------------ sensitivity
 *
 * What one run leaves to chance and the scenario does not fix: where a
 * sequential writer's sweep starts relative to QEMU's cursor. A single run
 * draws it; its report also replays the run with the sweeps at SPREAD_POINTS
 * evenly spaced starts (everything else as in run 0) and gives the range of
 * each such VM's migration time, so that a knife-edge result says so. */
#define SPREAD_POINTS 8

typedef struct {
    int vm, nth;            /* the VM's nth migration of run 0 */
    double this_run;        /* its total time (s), NaN if it did not complete */
    double lo, hi;          /* over the starting points that completed */
    int completed;          /* of SPREAD_POINTS */
} phase_spread;

static bool sweeps(const scenario *sc, int vm) { return sc->vms[vm].dirty.model == DIRTY_SEQUENTIAL; }

static double mig_total(const mig_result *r)
{
    return r->outcome == MIG_COMPLETED ? sim_to_s(r->end - r->start) : NAN;
}

/* The nth migration of vm among rs (n counted from 0), NULL if none. */
static const mig_result *nth_of(const world *w, int vm, int nth)
{
    for (size_t i = 0; i < world_nmigrations(w); i++) {
        const mig_result *r = world_migration(w, i);
        if (r->vm == vm && !r->restart && nth-- == 0)
            return r;
    }
    return NULL;
}

static GArray *phase_spreads(const batch *b)
{
    const scenario *sc = b->sc;
    GArray *out = g_array_new(FALSE, FALSE, sizeof(phase_spread));
    if (b->nruns != 1 || !b->run0->migs || batch_interrupted(b))
        return out;
    GArray *migs = b->run0->migs;
    int *count = g_new0(int, sc->nvms ? sc->nvms : 1);
    for (guint i = 0; i < migs->len; i++) {
        const mig_result *r = &g_array_index(migs, run_mig, i).r;
        if (r->restart || !sweeps(sc, r->vm))
            continue;
        phase_spread p = { r->vm, count[r->vm]++, mig_total(r), INFINITY, -INFINITY, 0 };
        g_array_append_val(out, p);
    }
    g_free(count);
    for (int q = 0; q < SPREAD_POINTS && out->len; q++) {
        g_autoptr(GError) err = NULL;
        world *w = world_new(sc, 0, &err);
        if (!w)
            break;
        world_set_cancel(w, b->cancel);
        world_set_sweep_phase(w, (q + 0.5) / SPREAD_POINTS);
        world_run(w);
        for (guint i = 0; i < out->len; i++) {
            phase_spread *p = &g_array_index(out, phase_spread, i);
            const mig_result *r = nth_of(w, p->vm, p->nth);
            double t = r ? mig_total(r) : NAN;
            if (!isnan(t)) {
                p->completed++;
                p->lo = fmin(p->lo, t);
                p->hi = fmax(p->hi, t);
            }
        }
        world_free(w);
    }
    return out;
}

/* A game server's players see the pause plus where in a frame it began,
 * which the scenario does not fix: a single run says the range (an
 * analytic one: the phase is uniform) and where it fell. */
static void game_phase_note(const batch *b, json_object *summ, GString *txt)
{
    const scenario *sc = b->sc;
    if (b->nruns != 1 || !b->run0->migs)
        return;
    json_object *js = json_object_object_get(summ, "sensitivity");
    GArray *migs = b->run0->migs;
    for (guint i = 0; i < migs->len; i++) {
        const mig_result *r = &g_array_index(migs, run_mig, i).r;
        const scn_service *sv = &sc->vms[r->vm].service;
        if (sv->type != SERVICE_UDP_GAME || r->outcome != MIG_COMPLETED || r->restart)
            continue;
        double tick = sim_to_s(sv->tick), d = sim_to_s(r->downtime);
        double lo = fmax(tick, d), hi = fmax(tick, d + tick);
        if (!js) {
            js = json_object_new_array();
            json_object_object_add(summ, "sensitivity", js);
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "vm", json_object_new_string(sc->vms[r->vm].name));
        json_object_object_add(o, "depends_on", json_object_new_string("frame_phase"));
        json_object_object_add(o, "client_downtime_min", json_object_new_double(lo));
        json_object_object_add(o, "client_downtime_max", json_object_new_double(hi));
        json_object_object_add(o, "this_run", json_object_new_double(sim_to_s(r->client_downtime)));
        json_object_array_add(js, o);
        g_autofree char *fl = units_format(UNITS_TIME, lo), *fh = units_format(UNITS_TIME, hi),
                        *ft = units_format(UNITS_TIME, tick), *fr = units_format(UNITS_TIME, sim_to_s(r->client_downtime));
        g_string_append_printf(txt, "%s's players: a gap of %s-%s between snapshots, depending on where in the %s "
                                    "frame the pause began (not fixed by the scenario); this run: %s\n",
                               sc->vms[r->vm].name, fl, fh, ft, fr);
    }
}

static gint cmp_incident_start(gconstpointer a, gconstpointer b, gpointer data)
{
    GArray *ins = data;
    guint x = *(const guint *)a, y = *(const guint *)b;
    sim_time sx = g_array_index(ins, run_incident, x).in.start, sy = g_array_index(ins, run_incident, y).in.start;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return (x > y) - (x < y);
}

/* One migration of run k as the report's "migrations" array holds it. */
static json_object *mig_record(const scenario *sc, int k, const mig_result *r)
{
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
    if (r->failure)
        json_object_object_add(o, "failure", json_object_new_string(r->failure));
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
    if (sc->vms[r->vm].migration.xbzrle && !r->restart) {
        /* query-migrate's xbzrle-cache block; the miss rate over
         * the pages XBZRLE looked at */
        json_object *x = json_object_new_object();
        double looked = r->xbzrle_pages + r->xbzrle_cache_miss + r->xbzrle_overflow;
        json_object_object_add(x, "cache_size", json_object_new_int64((int64_t)sc->vms[r->vm].migration.xbzrle_cache));
        json_object_object_add(x, "pages", json_object_new_int64((int64_t)llround(r->xbzrle_pages)));
        json_object_object_add(x, "bytes", json_object_new_int64((int64_t)llround(r->xbzrle_bytes)));
        json_object_object_add(x, "cache_miss", json_object_new_int64((int64_t)llround(r->xbzrle_cache_miss)));
        json_object_object_add(x, "cache_miss_rate", json_object_new_double(looked > 0 ? r->xbzrle_cache_miss / looked : 0));
        json_object_object_add(x, "overflow", json_object_new_int64((int64_t)llround(r->xbzrle_overflow)));
        json_object_object_add(x, "encoding_rate",
                               json_object_new_double(r->xbzrle_bytes > 0 ? r->xbzrle_pages * 4096 / r->xbzrle_bytes : 0));
        json_object_object_add(o, "xbzrle", x);
    }
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
    return o;
}

/* One incident of run k as the report's "incidents" array holds it. */
static json_object *incident_record(const scenario *sc, int k, const world_incident *in)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "run", json_object_new_int(k));
    json_object_object_add(o, "kind", json_object_new_string(in->kind));
    json_object_object_add(o, "resource", json_object_new_string(in->resource));
    json_object_object_add(o, "vm", in->vm >= 0 ? json_object_new_string(sc->vms[in->vm].name) : NULL);
    json_object_object_add(o, "start", jtime(in->start));
    json_object_object_add(o, "end", jtime(in->end));
    json_object_object_add(o, "diverged_bytes", json_object_new_int64((int64_t)llround(in->diverged_bytes)));
    json_object_object_add(o, "discarded_bytes", json_object_new_int64((int64_t)llround(in->discarded_bytes)));
    json_object_object_add(o, "at_risk_bytes", json_object_new_int64((int64_t)llround(in->at_risk_bytes)));
    return o;
}

/* The "migrations" or "incidents" array of a report written as JSON only:
 * its records are made one at a time while the report is serialized, each
 * freed once written, instead of a tree of every run's records (for 10,000
 * runs most of a batch's memory). The text is what json-c prints for the
 * same array: each record serialized on its own and indented to its level
 * (strings hold no raw newline, so every newline is the pretty printer's). */
typedef struct {
    output_streamable head; /* first: output.c writes the array straight to the file */
    const batch *b;
    bool incidents;
} lazy_records;

/* n spaces through emit. */
static int emit_spaces(output_emit_fn emit, void *sink, int n)
{
    static const char sp[] = "                                ";
    for (; n > 0; n -= 32)
        if (emit(sink, sp, (size_t)(n < 32 ? n : 32)) < 0)
            return -1;
    return 0;
}

/* Emits record o (and frees it); -1 when memory runs out or emit fails. */
static int lazy_put(output_emit_fn emit, void *sink, json_object *o, int level, int flags, bool *first)
{
    output_tidy_numbers(o);
    const char *t = json_object_to_json_string_ext(o, flags);
    int rc = t ? 0 : -1;
    if (rc == 0 && !*first)
        rc = emit(sink, ",", 1);
    if (rc == 0 && flags & JSON_C_TO_STRING_PRETTY)
        rc = emit(sink, "\n", 1) < 0 || emit_spaces(emit, sink, (level + 1) * 2) < 0 ? -1 : 0;
    *first = false;
    for (const char *nl; rc == 0 && (nl = strchr(t, '\n')); t = nl + 1)
        rc = emit(sink, t, (size_t)(nl - t + 1)) < 0 || emit_spaces(emit, sink, (level + 1) * 2) < 0 ? -1 : 0;
    if (rc == 0)
        rc = emit(sink, t, strlen(t));
    json_object_put(o);
    return rc;
}

static int lazy_records_stream(const void *self, output_emit_fn emit, void *sink, int level, int flags)
{
    const lazy_records *lr = self;
    const batch *b = lr->b;
    const scenario *sc = b->sc;
    bool first = true;
    if (emit(sink, "[", 1) < 0)
        return -1;
    for (int k = 0; k < b->nruns; k++) {
        if (!lr->incidents) {
            GArray *migs = run_view(b, k)->migs;
            for (guint i = 0; i < migs->len; i++)
                if (lazy_put(emit, sink, mig_record(sc, k, &g_array_index(migs, run_mig, i).r), level, flags, &first) <
                    0)
                    return -1;
            continue;
        }
        GArray *ins = run_view(b, k)->incidents;
        guint *ord = g_new(guint, ins->len ? ins->len : 1);
        for (guint i = 0; i < ins->len; i++)
            ord[i] = i;
        g_qsort_with_data(ord, (gint)ins->len, sizeof *ord, cmp_incident_start, ins);
        int rc = 0;
        for (guint j = 0; j < ins->len && rc == 0; j++)
            rc = lazy_put(emit, sink, incident_record(sc, k, &g_array_index(ins, run_incident, ord[j]).in), level,
                          flags, &first);
        g_free(ord);
        if (rc < 0)
            return -1;
    }
    if (flags & JSON_C_TO_STRING_PRETTY && (emit(sink, "\n", 1) < 0 || emit_spaces(emit, sink, level * 2) < 0))
        return -1;
    return emit(sink, "]", 1);
}

static int printbuf_emit(void *sink, const char *s, size_t n)
{
    return printbuf_memappend(sink, s, (int)n) < 0 ? -1 : 0;
}

/* The same array into json-c's own text (a report serialized whole). */
static int lazy_records_json(json_object *jso, struct printbuf *pb, int level, int flags)
{
    const lazy_records *lr = json_object_get_userdata(jso);
    return lazy_records_stream(lr, printbuf_emit, pb, level, flags);
}

static json_object *lazy_array(const batch *b, bool incidents)
{
    json_object *a = json_object_new_array();
    lazy_records *lr = g_new(lazy_records, 1);
    *lr = (lazy_records){ { lazy_records_stream }, b, incidents };
    json_object_set_serializer(a, lazy_records_json, lr, json_object_free_userdata);
    return a;
}

/* --csv: one row per migration of every run, each run's records read back
 * as its rows are written (cli/output.h). */
typedef struct {
    output_streamable base;
    const batch *b;
} csv_rows;

static int csv_rows_stream(const void *self, output_emit_fn emit, void *sink, int level, int flags)
{
    (void)level;
    (void)flags;
    const batch *b = ((const csv_rows *)self)->b;
    const scenario *sc = b->sc;
    GString *row = g_string_new("run,vm,from,to,start,end,outcome,total_time,downtime,client_downtime,"
                                "qemu_downtime,transferred_bytes,bitmap_syncs,iterations,max_cpu_throttle,mode\n");
    int rc = emit(sink, row->str, row->len);
    for (int k = 0; k < b->nruns && rc >= 0; k++) {
        GArray *migs = run_view(b, k)->migs;
        for (guint i = 0; i < migs->len && rc >= 0; i++) {
            const mig_result *r = &g_array_index(migs, run_mig, i).r;
            g_autofree char *cvm = csv_field(sc->vms[r->vm].name), *cfrom = csv_field(sc->hosts[r->from].name),
                            *cto = csv_field(sc->hosts[r->to].name);
            sim_time total = r->end >= 0 ? r->end - r->start : -1;
            g_string_printf(row, "%d,%s,%s,%s,%.9f,%.9f,%s,%.9f,%.9f,%.9f,%.9f,%.0f,%d,%u,%.4f,%s\n", k, cvm, cfrom, cto,
                            sim_to_s(r->start), sim_to_s(r->end), mig_outcome_name(r->outcome),
                            total >= 0 ? sim_to_s(total) : NAN, r->downtime >= 0 ? sim_to_s(r->downtime) : NAN,
                            r->client_downtime >= 0 ? sim_to_s(r->client_downtime) : NAN,
                            r->qemu_downtime >= 0 ? sim_to_s(r->qemu_downtime) : NAN, r->transferred, r->syncs,
                            r->iterations->len, r->max_throttle, r->restart ? "restart" : "live");
            rc = emit(sink, row->str, row->len);
        }
    }
    g_string_free(row, TRUE);
    return rc < 0 ? -1 : 0;
}

output_streamable *batch_csv(const batch *b)
{
    csv_rows *c = g_new(csv_rows, 1);
    *c = (csv_rows){ { csv_rows_stream }, b };
    return &c->base;
}

json_object *batch_report(const batch *b, unsigned parts, char **txt_out)
{
    const scenario *sc = b->sc;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "golive", json_object_new_int(1));
    json_object_object_add(root, "scenario", json_object_new_string(sc->name));
    json_object_object_add(root, "seed", json_object_new_int64((int64_t)sc->seed));
    json_object_object_add(root, "runs", json_object_new_int(b->nruns));
    /* the per-run records only when a report or a page is written: for
     * 10,000 runs they were most of the time and memory of a batch */
    bool records = parts & BATCH_REPORT_RECORDS, lazy = records && !(parts & BATCH_REPORT_TREE);
    json_object *jm = records && !lazy ? json_object_new_array() : NULL;
    GString *txt = g_string_new(NULL);
    g_string_append_printf(txt, "%s: %d run%s, seed %" G_GUINT64_FORMAT "\n", sc->name, b->nruns,
                           b->nruns > 1 ? "s" : "", sc->seed);
    g_string_append_printf(txt, "%-4s %-12s %-22s %9s %10s %10s %10s %12s %5s %5s  %s\n", "run", "vm", "from -> to",
                           "start", "total", "downtime", "client", "transferred", "iters", "syncs", "outcome");
    /* the records are read back only for what shows them: a text report
     * lists the first 20 runs */
    int listed = jm ? b->nruns : MIN(b->nruns, 20);
    for (int k = 0; k < listed; k++) {
        GArray *migs = run_view(b, k)->migs;
        for (guint i = 0; i < migs->len; i++) {
            const mig_result *r = &g_array_index(migs, run_mig, i).r;
            const char *vm = sc->vms[r->vm].name, *from = sc->hosts[r->from].name, *to = sc->hosts[r->to].name;
            sim_time total = r->end >= 0 ? r->end - r->start : -1;
            if (jm)
                json_object_array_add(jm, mig_record(sc, k, r));
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
    json_object_object_add(root, "migrations", lazy ? lazy_array(b, false) : jm);
    json_object *ji = records && !lazy ? json_object_new_array() : NULL;
    size_t shown = 0;
    for (int k = 0; k < b->nruns && (ji || shown < 20); k++) {
        GArray *ins = run_view(b, k)->incidents;
        /* in time order (an incident may be opened after it began: a split
         * brain noticed when DRBD declares its peer lost) */
        guint *ord = g_new(guint, ins->len ? ins->len : 1);
        for (guint i = 0; i < ins->len; i++)
            ord[i] = i;
        g_qsort_with_data(ord, (gint)ins->len, sizeof *ord, cmp_incident_start, ins);
        for (guint j = 0; j < ins->len; j++) {
            const world_incident *in = &g_array_index(ins, run_incident, ord[j]).in;
            if (ji)
                json_object_array_add(ji, incident_record(sc, k, in));
            if (shown++ < 20) {
                g_autofree char *fs = fmt_time(in->start), *fd = fmt_time(in->end - in->start);
                g_autofree char *lasted = in->end > in->start ? g_strdup(fd) : g_strdup("(instant)");
                if (shown == 1)
                    g_string_append_printf(txt, "incidents:\n%s  %-12s %-10s %-16s %12s %s\n", b->nruns > 1 ? "  run " : "",
                                           "kind", "vm", "resource", "start", "duration");
                if (b->nruns > 1)
                    g_string_append_printf(txt, "  %-4d", k);
                g_string_append_printf(txt, "  %-12s %-10s %-16s %12s %s\n", in->kind,
                                       in->vm >= 0 ? sc->vms[in->vm].name : "-", in->resource, fs, lasted);
            }
        }
        g_free(ord);
    }
    if (b->fold->nincidents > 20)
        g_string_append_printf(txt, "  ... and %zu more incidents (in the JSON report)\n", b->fold->nincidents - 20);
    json_object_object_add(root, "incidents", lazy ? lazy_array(b, true) : ji);
    json_object *summ = batch_summary(b);
    json_object_object_add(root, "summary", summ);
    GArray *spreads = phase_spreads(b);
    if (spreads->len) {
        json_object *js = json_object_new_array();
        for (guint i = 0; i < spreads->len; i++) {
            const phase_spread *p = &g_array_index(spreads, phase_spread, i);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "vm", json_object_new_string(sc->vms[p->vm].name));
            json_object_object_add(o, "migration", json_object_new_int(p->nth));
            json_object_object_add(o, "depends_on", json_object_new_string("sweep_start"));
            json_object_object_add(o, "points", json_object_new_int(SPREAD_POINTS));
            json_object_object_add(o, "completed", json_object_new_int(p->completed));
            json_object_object_add(o, "total_time_min", json_object_new_double(p->completed ? p->lo : -1));
            json_object_object_add(o, "total_time_max", json_object_new_double(p->completed ? p->hi : -1));
            json_object_object_add(o, "this_run", json_object_new_double(isnan(p->this_run) ? -1 : p->this_run));
            json_object_array_add(js, o);
            g_autofree char *lo = units_format(UNITS_TIME, p->lo), *hi = units_format(UNITS_TIME, p->hi),
                            *t = units_format(UNITS_TIME, p->this_run);
            if (p->nth)
                g_string_append_printf(txt, "%s's migration %d: ", sc->vms[p->vm].name, p->nth + 1);
            else
                g_string_append_printf(txt, "%s's migration: ", sc->vms[p->vm].name);
            if (p->completed)
                g_string_append_printf(txt, "total %s-%s depending on where its sweep starts (%d starting points, "
                                            "not fixed by the scenario)",
                                       lo, hi, SPREAD_POINTS);
            if (p->completed < SPREAD_POINTS)
                g_string_append_printf(txt, "%sdoes not complete from %d of %d starting points", p->completed ? "; " : "",
                                       SPREAD_POINTS - p->completed, SPREAD_POINTS);
            g_string_append_printf(txt, "; this run: %s\n", isnan(p->this_run) ? "did not complete" : t);
        }
        json_object_object_add(summ, "sensitivity", js);
    }
    g_array_free(spreads, TRUE);
    game_phase_note(b, summ, txt);
    json_object *jw = json_object_new_array();
    GPtrArray *warns = batch_warnings(b);
    for (guint i = 0; i < warns->len; i++)
        json_object_array_add(jw, json_object_new_string(g_ptr_array_index(warns, i)));
    g_ptr_array_free(warns, TRUE);
    json_object_object_add(root, "warnings", jw);
    json_object *stopped = json_object_new_array();
    for (guint i = 0; i < b->fold->stopped->len; i++) {
        const stopped_run *st = &g_array_index(b->fold->stopped, stopped_run, i);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "run", json_object_new_int(st->run));
        json_object_object_add(o, "reason", json_object_new_string(st->reason));
        json_object_array_add(stopped, o);
        if (json_object_array_length(stopped) <= 3)
            g_string_append_printf(txt, "run %d stopped early: %s%s\n", st->run, st->reason,
                                   !strcmp(st->reason, "max_events")
                                       ? " (the scenario's max_events budget ran out; raise it if the run needs more)"
                                       : "");
    }
    json_object_object_add(root, "stopped", stopped);
    json_object_object_add(root, "partial", json_object_new_boolean(batch_interrupted(b)));
    summary_text(b, txt);
    assume_counts as;
    uint32_t runs_with[ASSUME_N];
    batch_assumed(b, &as, runs_with);
    sim_time simulated = sim_from_s(simulated_seconds(b));
    assume_json_attach(root, assume_json(sc, &as, runs_with, b->nruns, simulated));
    assume_text(sc, &as, runs_with, b->nruns, simulated, false, txt);
    *txt_out = g_string_free(txt, FALSE);
    return root;
}

/* ------------------------------------------------------------------ shards
 *
 * A part holds its runs' results exactly: times as integer nanoseconds,
 * other numbers as C99 hex floats, so that merging rebuilds the very values
 * a single process would have had. */

static json_object *i64(sim_time t) { return json_object_new_int64(t); }

/* Run 0's link load in a part, exactly (hex floats), so that a merge draws
 * the same links chart as one process: only the busiest links (the chart
 * draws the first of them), in their own order, so that ties rank alike. */
static json_object *samples_json(const world_link_samples *s)
{
    GArray *uses = rank_links(s);
    bool *keep = g_new0(bool, MAX(s->nlinks, 1));
    for (guint i = 0; i < uses->len && i < BUSIEST_LINKS; i++)
        keep[g_array_index(uses, link_use, i).link] = true;
    g_array_free(uses, TRUE);
    json_object *o = json_object_new_object(), *names = json_object_new_array();
    json_object *t = json_object_new_array(), *cap = json_object_new_array();
    json_object *tr = json_object_new_array(), *st = json_object_new_array();
    for (size_t k = 0; k < s->nt; k++)
        json_object_array_add(t, part_hex(s->t[k]));
    for (size_t i = 0; i < s->nlinks; i++) {
        if (!keep[i])
            continue;
        json_object_array_add(names, json_object_new_string(s->names[i]));
        json_object_array_add(cap, part_hex(s->capacity[i]));
        for (size_t k = 0; k < s->nt; k++) {
            json_object_array_add(tr, part_hex(s->transfer[i * s->nt + k]));
            json_object_array_add(st, part_hex(s->steady[i * s->nt + k]));
        }
    }
    g_free(keep);
    json_object_object_add(o, "names", names);
    json_object_object_add(o, "t", t);
    json_object_object_add(o, "capacity", cap);
    json_object_object_add(o, "transfer", tr);
    json_object_object_add(o, "steady", st);
    return o;
}

/* The samples back from a part that passed part_ok. */
static world_link_samples *samples_read(json_object *o)
{
    world_link_samples *s = g_new0(world_link_samples, 1);
    json_object *names = part_member(o, "names");
    s->nlinks = json_object_array_length(names);
    s->nt = json_object_array_length(part_member(o, "t"));
    s->names = g_new0(char *, s->nlinks);
    for (size_t i = 0; i < s->nlinks; i++)
        s->names[i] = g_strdup(json_object_get_string(json_object_array_get_idx(names, i)));
    struct {
        const char *key;
        double **v;
        size_t n;
    } arrays[] = { { "t", &s->t, s->nt }, { "capacity", &s->capacity, s->nlinks },
                   { "transfer", &s->transfer, s->nlinks * s->nt }, { "steady", &s->steady, s->nlinks * s->nt } };
    for (size_t k = 0; k < G_N_ELEMENTS(arrays); k++) {
        json_object *a = part_member(o, arrays[k].key);
        *arrays[k].v = g_new0(double, MAX(arrays[k].n, 1));
        for (size_t i = 0; i < arrays[k].n; i++)
            (*arrays[k].v)[i] = part_unhex(json_object_array_get_idx(a, i));
    }
    return s;
}

bool batch_write_part(const batch *b, const char *scenario_text, const char *path, GError **error)
{
    const scenario *sc = b->sc;
    json_object *root = json_object_new_object(), *res = json_object_new_array();
    json_object_object_add(root, "golive_part", json_object_new_int(1));
    json_object_object_add(root, "file", json_object_new_string(sc->file));
    json_object_object_add(root, "scenario_text", json_object_new_string(scenario_text));
    json_object_object_add(root, "seed", json_object_new_int64((int64_t)sc->seed));
    json_object_object_add(root, "runs", json_object_new_int(sc->runs));
    json_object_object_add(root, "until", i64(sc->until));
    json_object_object_add(root, "shard", json_object_new_int(b->shard_index));
    json_object_object_add(root, "shards", json_object_new_int(b->shard_count));
    /* the dirty traces travel with the part: merge opens no path a part names */
    json_object *traces = json_object_new_object();
    for (size_t i = 0; i < sc->nvms; i++) {
        const scn_dirty *d = &sc->vms[i].dirty;
        if (d->model != DIRTY_TRACE || !d->trace_file || json_object_object_get_ex(traces, d->trace_file, NULL))
            continue;
        json_object *v = json_object_new_array();
        for (size_t k = 0; k < d->ntrace; k++)
            json_object_array_add(v, part_hex(d->trace_pages[k]));
        json_object_object_add(traces, d->trace_file, v);
    }
    json_object_object_add(root, "traces", traces);
    for (int k = b->shard_index; k < sc->runs; k += b->shard_count) {
        const run_out *o = run_view(b, k);
        if (!o->migs)
            continue;
        json_object *r = json_object_new_object(), *ms = json_object_new_array(), *is = json_object_new_array(),
                    *ws = json_object_new_array();
        json_object_object_add(r, "run", json_object_new_int(k));
        for (guint i = 0; i < o->migs->len; i++) {
            const mig_result *m = &g_array_index(o->migs, run_mig, i).r;
            json_object *a = json_object_new_array(), *its = json_object_new_array();
            json_object *f[] = { json_object_new_int(m->vm), json_object_new_int(m->from), json_object_new_int(m->to),
                                 json_object_new_boolean(m->restart), json_object_new_int((int)m->outcome),
                                 i64(m->start), i64(m->end), i64(m->stop), i64(m->resume), i64(m->downtime),
                                 i64(m->qemu_downtime), i64(m->client_downtime), part_hex(m->transferred),
                                 json_object_new_int(m->syncs), part_hex(m->remaining_before_stop), part_hex(m->max_throttle),
                                 i64(m->postcopy_switch), i64(m->postcopy_fault_time) };
            for (size_t x = 0; x < G_N_ELEMENTS(f); x++)
                json_object_array_add(a, f[x]);
            for (guint j = 0; j < m->iterations->len; j++) {
                const mig_iteration *it = &g_array_index(m->iterations, mig_iteration, j);
                json_object *ia = json_object_new_array();
                json_object_array_add(ia, i64(it->start));
                json_object_array_add(ia, i64(it->duration));
                json_object_array_add(ia, part_hex(it->bytes));
                json_object_array_add(ia, part_hex(it->dirty_pages_after));
                json_object_array_add(its, ia);
            }
            json_object_array_add(a, its);
            json_object_array_add(a, part_hex(m->xbzrle_pages));
            json_object_array_add(a, part_hex(m->xbzrle_cache_miss));
            json_object_array_add(a, part_hex(m->xbzrle_overflow));
            json_object_array_add(a, part_hex(m->xbzrle_bytes));
            json_object_array_add(a, m->failure ? json_object_new_string(m->failure) : NULL);
            json_object_array_add(ms, a);
        }
        for (guint i = 0; i < o->incidents->len; i++) {
            const world_incident *in = &g_array_index(o->incidents, run_incident, i).in;
            json_object *a = json_object_new_array();
            json_object_array_add(a, json_object_new_string(in->kind));
            json_object_array_add(a, json_object_new_string(in->resource));
            json_object_array_add(a, json_object_new_int(in->vm));
            json_object_array_add(a, i64(in->start));
            json_object_array_add(a, i64(in->end));
            json_object_array_add(a, part_hex(in->diverged_bytes));
            json_object_array_add(a, part_hex(in->discarded_bytes));
            json_object_array_add(a, part_hex(in->at_risk_bytes));
            json_object_array_add(is, a);
        }
        for (guint i = 0; i < o->warnings->len; i++)
            json_object_array_add(ws, json_object_new_string(g_ptr_array_index(o->warnings, i)));
        json_object_object_add(r, "m", ms);
        json_object_object_add(r, "i", is);
        json_object_object_add(r, "w", ws);
        json_object_object_add(r, "stop", o->stop_reason ? json_object_new_string(o->stop_reason) : NULL);
        json_object_object_add(r, "e", i64(o->end));
        json_object *as = json_object_new_array();
        for (int i = 0; o->assumed && i < ASSUME_N; i++)
            if (o->assumed->n[i]) {
                json_object *a = json_object_new_array();
                json_object_array_add(a, json_object_new_int(i));
                json_object_array_add(a, json_object_new_int64(o->assumed->n[i]));
                json_object_array_add(a, json_object_new_int(o->assumed->vm[i]));
                json_object_array_add(as, a);
            }
        json_object_object_add(r, "a", as);
        json_object_array_add(res, r);
    }
    json_object_object_add(root, "results", res);
    if (b->shard_index == 0)
        json_object_object_add(root, "busiest_links", busiest_links(b));
    if (b->shard_index == 0 && batch_link_samples(b))
        json_object_object_add(root, "link_samples", samples_json(batch_link_samples(b)));
    if (b->shard_index == 0 && b->nruns > 0 && b->run0->chart_links) /* the merged page's links chart */
        json_object_object_add(root, "chart_link_samples", samples_json(b->run0->chart_links));
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    bool ok = output_write(path, text, strlen(text), error);
    json_object_put(root);
    return ok;
}

static void free_garray(gpointer a) { g_array_free(a, TRUE); }

/* ------------------------------------------------------------------ part checks
 *
 * A part is an input like any other: a truncated or hand-edited one is
 * refused with the JSON path of what is wrong, never trusted. */

#define PART_BAD(...)                                                                                                 \
    do {                                                                                                              \
        *why = g_strdup_printf(__VA_ARGS__);                                                                          \
        return false;                                                                                                 \
    } while (0)

/* The header: what identifies the batch the part belongs to. */
static bool part_header_ok(json_object *part, char **why)
{
    const char *strs[] = { "file", "scenario_text" };
    for (size_t i = 0; i < G_N_ELEMENTS(strs); i++)
        if (!json_object_is_type(part_member(part, strs[i]), json_type_string))
            PART_BAD("$.%s: expected a string", strs[i]);
    /* the file's name goes into every message about the scenario */
    for (const char *c = json_object_get_string(part_member(part, "file")); *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            PART_BAD("$.file: expected a file name without control characters");
    if (!part_is_int(part_member(part, "seed"), 0, INT64_MAX - 1))
        PART_BAD("$.seed: expected an integer >= 0");
    if (!part_is_int(part_member(part, "runs"), 1, 100000000))
        PART_BAD("$.runs: expected an integer from 1 to 100000000");
    if (!part_is_int(part_member(part, "until"), 1, INT64_MAX))
        PART_BAD("$.until: expected a positive integer (ns)");
    if (!part_is_int(part_member(part, "shards"), 1, 1000000))
        PART_BAD("$.shards: expected an integer from 1 to 1000000");
    if (!part_is_int(part_member(part, "shard"), 0, json_object_get_int64(part_member(part, "shards")) - 1))
        PART_BAD("$.shard: expected an integer below $.shards");
    if (!part_is_array(part_member(part, "results"), 0))
        PART_BAD("$.results: expected an array");
    json_object *tr = part_member(part, "traces");
    if (tr && !json_object_is_type(tr, json_type_object))
        PART_BAD("$.traces: expected an object of page counts per trace file");
    if (tr) {
        json_object_object_foreach(tr, file, vals)
        {
            if (!part_is_array(vals, 0) || json_object_array_length(vals) > (size_t)SCENARIO_MAX_BYTES)
                PART_BAD("$.traces[\"%s\"]: expected an array of page counts", file);
            for (size_t k = 0; k < json_object_array_length(vals); k++)
                if (!part_is_quantity(json_object_array_get_idx(vals, k), PART_MAX_QUANTITY))
                    PART_BAD("$.traces[\"%s\"][%zu]: expected a finite page count >= 0", file, k);
        }
    }
    static const char *const sample_sets[] = { "link_samples", "chart_link_samples" };
    for (size_t m = 0; m < G_N_ELEMENTS(sample_sets); m++) {
        const char *set = sample_sets[m];
        json_object *ls = part_member(part, set);
        if (!ls)
            continue;
        json_object *names = part_member(ls, "names"), *t = part_member(ls, "t");
        if (!part_is_array(names, 0) || !part_is_array(t, 0) || json_object_array_length(names) > 1000000 ||
            json_object_array_length(t) > 100000)
            PART_BAD("$.%s: expected \"names\" and \"t\" arrays", set);
        size_t nl = json_object_array_length(names), nt = json_object_array_length(t);
        for (size_t i = 0; i < nl; i++)
            if (!json_object_is_type(json_object_array_get_idx(names, i), json_type_string))
                PART_BAD("$.%s.names[%zu]: expected a link's name", set, i);
        const char *keys[] = { "t", "capacity", "transfer", "steady" };
        size_t lens[] = { nt, nl, nl * nt, nl * nt };
        for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
            json_object *a = part_member(ls, keys[k]);
            if (!part_is_array(a, lens[k]))
                PART_BAD("$.%s.%s: expected %zu values", set, keys[k], lens[k]);
            for (size_t i = 0; i < lens[k]; i++)
                if (!part_is_quantity(json_object_array_get_idx(a, i), PART_MAX_QUANTITY))
                    PART_BAD("$.%s.%s[%zu]: expected a finite number >= 0", set, keys[k], i);
        }
    }
    json_object *bl = part_member(part, "busiest_links");
    if (bl) {
        if (!part_is_array(bl, 0))
            PART_BAD("$.busiest_links: expected an array");
        for (size_t i = 0; i < json_object_array_length(bl); i++) {
            json_object *o = json_object_array_get_idx(bl, i);
            if (!json_object_is_type(o, json_type_object) ||
                !json_object_is_type(part_member(o, "link"), json_type_string))
                PART_BAD("$.busiest_links[%zu]: expected an object with a \"link\" name", i);
            const char *nums[] = { "peak_Bps", "saturated_seconds" };
            for (size_t k = 0; k < G_N_ELEMENTS(nums); k++) {
                json_object *v = part_member(o, nums[k]);
                if ((!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)) ||
                    !isfinite(json_object_get_double(v)) || json_object_get_double(v) < 0)
                    PART_BAD("$.busiest_links[%zu].%s: expected a finite number >= 0", i, nums[k]);
            }
        }
    }
    return true;
}

/* One run's results, against the scenario they index into. */
static bool part_run_ok(json_object *ro, size_t r, const scenario *sc, char **why)
{
    if (!json_object_is_type(ro, json_type_object) || !part_is_int(part_member(ro, "run"), 0, sc->runs - 1))
        PART_BAD("$.results[%zu].run: expected a run number below %d", r, sc->runs);
    json_object *st = part_member(ro, "stop");
    if (st && !json_object_is_type(st, json_type_string))
        PART_BAD("$.results[%zu].stop: expected a string or null", r);
    json_object *ms = part_member(ro, "m"), *is = part_member(ro, "i"), *ws = part_member(ro, "w");
    if (!part_is_array(ms, 0) || !part_is_array(is, 0) || !part_is_array(ws, 0))
        PART_BAD("$.results[%zu]: expected arrays \"m\", \"i\" and \"w\"", r);
    int64_t nv = (int64_t)sc->nvms, nh = (int64_t)sc->nhosts;
    int64_t horizon = sim_time_add(sc->until, SIM_HOUR);
    for (size_t i = 0; i < json_object_array_length(ms); i++) {
        json_object *a = json_object_array_get_idx(ms, i);
        if (!part_is_array(a, 24))
            PART_BAD("$.results[%zu].m[%zu]: expected an array of 24 values", r, i);
#define F(x) json_object_array_get_idx(a, x)
        /* every value within what the scenario allows: a run's times in
         * [0, until] (a switchover may end an hour later), outcomes that
         * end a migration, finite non-negative quantities */
        bool ok = part_is_int(F(0), 0, nv - 1) && part_is_int(F(1), 0, nh - 1) && part_is_int(F(2), 0, nh - 1) &&
                  json_object_is_type(F(3), json_type_boolean) && part_is_int(F(4), MIG_COMPLETED, MIG_VM_LOST) &&
                  part_is_quantity(F(12), PART_MAX_QUANTITY) && part_is_int(F(13), 0, INT32_MAX) &&
                  part_is_quantity(F(14), PART_MAX_QUANTITY) && part_is_quantity(F(15), 1) && part_is_array(F(18), 0) &&
                  part_is_quantity(F(19), PART_MAX_QUANTITY) && part_is_quantity(F(20), PART_MAX_QUANTITY) &&
                  part_is_quantity(F(21), PART_MAX_QUANTITY) && part_is_quantity(F(22), PART_MAX_QUANTITY) &&
                  part_is_time(F(5), sc->until, false) && (!F(23) || mig_failure_intern(json_object_get_string(F(23))));
        for (int x = 6; x <= 17 && ok; x++)
            if (x < 12 || x > 15)
                ok = part_is_time(F(x), horizon, true);
        if (ok && json_object_get_int64(F(6)) >= 0 && json_object_get_int64(F(6)) < json_object_get_int64(F(5)))
            ok = false; /* ends before it starts */
        if (!ok)
            PART_BAD("$.results[%zu].m[%zu]: a value of the wrong type or out of range (VM and host indexes must "
                     "exist in the scenario, times lie in the run and end after they start, the outcome ends a "
                     "migration, quantities are finite and not negative)",
                     r, i);
        for (size_t j = 0; j < json_object_array_length(F(18)); j++) {
            json_object *ia = json_object_array_get_idx(F(18), j);
            if (!part_is_array(ia, 4) || !part_is_time(json_object_array_get_idx(ia, 0), horizon, false) ||
                !part_is_time(json_object_array_get_idx(ia, 1), horizon, false) ||
                !part_is_quantity(json_object_array_get_idx(ia, 2), PART_MAX_QUANTITY) ||
                !part_is_quantity(json_object_array_get_idx(ia, 3), PART_MAX_QUANTITY))
                PART_BAD("$.results[%zu].m[%zu][18][%zu]: expected [start, duration, bytes, pages]", r, i, j);
        }
#undef F
    }
    for (size_t i = 0; i < json_object_array_length(is); i++) {
        json_object *a = json_object_array_get_idx(is, i);
        if (!part_is_array(a, 8) || !json_object_is_type(json_object_array_get_idx(a, 0), json_type_string) ||
            !json_object_is_type(json_object_array_get_idx(a, 1), json_type_string) ||
            !part_is_int(json_object_array_get_idx(a, 2), -1, nv - 1) ||
            !part_is_time(json_object_array_get_idx(a, 3), horizon, false) ||
            !part_is_time(json_object_array_get_idx(a, 4), horizon, true) ||
            !part_is_quantity(json_object_array_get_idx(a, 5), PART_MAX_QUANTITY) ||
            !part_is_quantity(json_object_array_get_idx(a, 6), PART_MAX_QUANTITY) ||
            !part_is_quantity(json_object_array_get_idx(a, 7), PART_MAX_QUANTITY) ||
            (json_object_get_int64(json_object_array_get_idx(a, 4)) >= 0 &&
             json_object_get_int64(json_object_array_get_idx(a, 4)) < json_object_get_int64(json_object_array_get_idx(a, 3))))
            PART_BAD("$.results[%zu].i[%zu]: expected [kind, resource, vm (-1 or an index), start, end, diverged, "
                     "discarded, at risk]",
                     r, i);
    }
    for (size_t i = 0; i < json_object_array_length(ws); i++)
        if (!json_object_is_type(json_object_array_get_idx(ws, i), json_type_string))
            PART_BAD("$.results[%zu].w[%zu]: expected a string", r, i);
    if (!part_is_time(part_member(ro, "e"), sc->until, false))
        PART_BAD("$.results[%zu].e: expected the run's end, a time within the run (ns)", r);
    json_object *as = part_member(ro, "a");
    if (!part_is_array(as, 0))
        PART_BAD("$.results[%zu].a: expected an array", r);
    for (size_t i = 0; i < json_object_array_length(as); i++) {
        json_object *a = json_object_array_get_idx(as, i);
        if (!part_is_array(a, 3) || !part_is_int(json_object_array_get_idx(a, 0), 0, ASSUME_N - 1) ||
            !part_is_int(json_object_array_get_idx(a, 1), 1, UINT32_MAX) ||
            !part_is_int(json_object_array_get_idx(a, 2), -1, nv - 1))
            PART_BAD("$.results[%zu].a[%zu]: expected [default, uses, vm (-1 or an index)]", r, i);
    }
    return true;
}

batch *batch_merge(const char *const *paths, size_t n, scenario **sc_out, GPtrArray *errors)
{
    json_object **parts = g_new0(json_object *, n);
    scenario *sc = NULL;
    batch *b = NULL;
    int shards = 0;
    for (size_t p = 0; p < n; p++) {
        parts[p] = part_read(paths[p]);
        if (!parts[p] || !part_member(parts[p], "golive_part") || !part_member(parts[p], "results")) {
            g_ptr_array_add(errors, g_strdup_printf("%s: error: not a part written by golive run --shard", paths[p]));
            goto out;
        }
        char *why = NULL;
        if (!part_header_ok(parts[p], &why)) {
            g_ptr_array_add(errors, g_strdup_printf("%s: error: %s (a damaged part?)", paths[p], why));
            g_free(why);
            goto out;
        }
        if (p == 0) {
            shards = json_object_get_int(part_member(parts[p], "shards"));
            const char *text = json_object_get_string(part_member(parts[p], "scenario_text"));
            GPtrArray *e = g_ptr_array_new_with_free_func(g_free);
            /* the traces the part brought; none is read from disk */
            GHashTable *traces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_garray);
            json_object *tr = part_member(parts[p], "traces");
            if (tr) {
                json_object_object_foreach(tr, file, vals)
                {
                    GArray *v = g_array_new(FALSE, FALSE, sizeof(double));
                    for (size_t k = 0; k < json_object_array_length(vals); k++) {
                        double x = part_unhex(json_object_array_get_idx(vals, k));
                        g_array_append_val(v, x);
                    }
                    g_hash_table_insert(traces, g_strdup(file), v);
                }
            }
            sc = scenario_load_text_traces(json_object_get_string(part_member(parts[p], "file")), text, strlen(text),
                                           traces, e);
            g_hash_table_destroy(traces);
            for (guint i = 0; i < e->len; i++)
                g_ptr_array_add(errors, g_strdup(g_ptr_array_index(e, i)));
            g_ptr_array_free(e, TRUE);
            if (!sc)
                goto out;
            sc->seed = (uint64_t)json_object_get_int64(part_member(parts[p], "seed"));
            sc->runs = json_object_get_int(part_member(parts[p], "runs"));
            sc->until = json_object_get_int64(part_member(parts[p], "until"));
        } else if (strcmp(json_object_get_string(part_member(parts[p], "scenario_text")),
                          json_object_get_string(part_member(parts[0], "scenario_text"))) ||
                   (uint64_t)json_object_get_int64(part_member(parts[p], "seed")) != sc->seed ||
                   json_object_get_int(part_member(parts[p], "runs")) != sc->runs ||
                   json_object_get_int(part_member(parts[p], "shards")) != shards) {
            g_ptr_array_add(errors, g_strdup_printf("%s: error: another scenario, seed, run count or shard count than %s",
                                                    paths[p], paths[0]));
            goto out;
        }
    }
    if (shards < 1 || (size_t)shards != n) {
        /* name the shards missing and how to run them again */
        int nmissing;
        g_autofree char *missing = part_missing_shards(parts, n, shards, &nmissing);
        const char *file = json_object_get_string(part_member(parts[0], "file"));
        if (nmissing)
            g_ptr_array_add(errors, g_strdup_printf(
                                        "error: %zu part%s given, the runs were split into %d shards: shard%s %s missing; "
                                        "run %s again (golive run %s --runs %d --seed %" G_GUINT64_FORMAT
                                        " --shard I/%d --json PART for each I, or sbatch --array=%s "
                                        "--export=ALL,GOLIVE_SHARDS=%d scenarios/slurm/golive-array.sbatch %s %d "
                                        "OUTDIR)",
                                        n, n == 1 ? "" : "s", shards, nmissing == 1 ? "" : "s", missing,
                                        nmissing == 1 ? "it" : "them", file, sc->runs, sc->seed, shards, missing,
                                        shards, file, sc->runs));
        else
            g_ptr_array_add(errors, g_strdup_printf("error: %zu parts given, the runs were split into %d shards: a "
                                                    "shard is given twice",
                                                    n, shards));
        goto out;
    }
    b = g_new0(batch, 1);
    b->sc = sc;
    b->shard_count = 1;
    /* every run of the parts at once: the ring holds them all */
    b->run0 = g_new0(run_out, 1);
    b->window = sc->runs;
    b->ring = g_new0(run_out, (size_t)sc->runs);
    g_cond_init(&b->room);
    b->fold = fold_new(sc);
    b->risks = g_ptr_array_new_with_free_func(g_free);
    b->violations = g_ptr_array_new_with_free_func(g_free);
    g_mutex_init(&b->lock);
    lint_scenario(sc, b->risks);
    for (size_t p = 0; p < n; p++) {
        json_object *bl = part_member(parts[p], "busiest_links");
        if (bl && !b->links_summary)
            b->links_summary = json_object_get(bl);
        json_object *ls = part_member(parts[p], "link_samples");
        if (ls && !b->run0->links)
            b->run0->links = samples_read(ls);
        json_object *cs = part_member(parts[p], "chart_link_samples");
        if (cs && !b->run0->chart_links)
            b->run0->chart_links = samples_read(cs);
        json_object *res = part_member(parts[p], "results");
        for (size_t r = 0; r < json_object_array_length(res); r++) {
            json_object *ro = json_object_array_get_idx(res, r);
            char *why = NULL;
            if (!part_run_ok(ro, r, sc, &why)) {
                g_ptr_array_add(errors, g_strdup_printf("%s: error: %s (a damaged part?)", paths[p], why));
                g_free(why);
                continue;
            }
            int k = json_object_get_int(part_member(ro, "run"));
            if (k < 0 || k >= sc->runs || run_slot(b, k)->migs) {
                g_ptr_array_add(errors, g_strdup_printf("%s: error: run %d is out of range or given twice", paths[p], k));
                continue;
            }
            run_out *o = run_slot(b, k);
            o->migs = g_array_new(FALSE, FALSE, sizeof(run_mig));
            o->incidents = g_array_new(FALSE, FALSE, sizeof(run_incident));
            o->warnings = g_ptr_array_new_with_free_func(g_free);
            o->ran = true;
            json_object *st = part_member(ro, "stop");
            o->stop_reason = st ? g_intern_string(json_object_get_string(st)) : NULL;
            json_object *ms = part_member(ro, "m"), *is = part_member(ro, "i"), *ws = part_member(ro, "w");
            for (size_t i = 0; i < json_object_array_length(ms); i++) {
                json_object *a = json_object_array_get_idx(ms, i);
#define F(x) json_object_array_get_idx(a, x)
                run_mig rm = { k, { .vm = json_object_get_int(F(0)), .from = json_object_get_int(F(1)),
                                    .to = json_object_get_int(F(2)), .restart = json_object_get_boolean(F(3)),
                                    .outcome = (mig_outcome)json_object_get_int(F(4)), .start = json_object_get_int64(F(5)),
                                    .end = json_object_get_int64(F(6)), .stop = json_object_get_int64(F(7)),
                                    .resume = json_object_get_int64(F(8)), .downtime = json_object_get_int64(F(9)),
                                    .qemu_downtime = json_object_get_int64(F(10)),
                                    .client_downtime = json_object_get_int64(F(11)), .transferred = part_unhex(F(12)),
                                    .syncs = json_object_get_int(F(13)), .remaining_before_stop = part_unhex(F(14)),
                                    .max_throttle = part_unhex(F(15)), .postcopy_switch = json_object_get_int64(F(16)),
                                    .postcopy_fault_time = json_object_get_int64(F(17)),
                                    .xbzrle_pages = part_unhex(F(19)), .xbzrle_cache_miss = part_unhex(F(20)),
                                    .xbzrle_overflow = part_unhex(F(21)), .xbzrle_bytes = part_unhex(F(22)),
                                    .failure = F(23) ? mig_failure_intern(json_object_get_string(F(23))) : NULL } };
                json_object *its = F(18);
#undef F
                rm.r.iterations = g_array_new(FALSE, FALSE, sizeof(mig_iteration));
                for (size_t j = 0; j < json_object_array_length(its); j++) {
                    json_object *ia = json_object_array_get_idx(its, j);
                    mig_iteration it = { json_object_get_int64(json_object_array_get_idx(ia, 0)),
                                         json_object_get_int64(json_object_array_get_idx(ia, 1)),
                                         part_unhex(json_object_array_get_idx(ia, 2)),
                                         part_unhex(json_object_array_get_idx(ia, 3)) };
                    g_array_append_val(rm.r.iterations, it);
                }
                g_array_append_val(o->migs, rm);
            }
            for (size_t i = 0; i < json_object_array_length(is); i++) {
                json_object *a = json_object_array_get_idx(is, i);
                run_incident ri = { k,
                                    { g_intern_string(json_object_get_string(json_object_array_get_idx(a, 0))),
                                      g_strdup(json_object_get_string(json_object_array_get_idx(a, 1))),
                                      json_object_get_int(json_object_array_get_idx(a, 2)),
                                      json_object_get_int64(json_object_array_get_idx(a, 3)),
                                      json_object_get_int64(json_object_array_get_idx(a, 4)),
                                      part_unhex(json_object_array_get_idx(a, 5)), part_unhex(json_object_array_get_idx(a, 6)),
                                      part_unhex(json_object_array_get_idx(a, 7)) } };
                g_array_append_val(o->incidents, ri);
            }
            for (size_t i = 0; i < json_object_array_length(ws); i++)
                g_ptr_array_add(o->warnings, g_strdup(json_object_get_string(json_object_array_get_idx(ws, i))));
            o->end = json_object_get_int64(part_member(ro, "e"));
            o->assumed = g_new(assume_counts, 1);
            assume_counts_init(o->assumed);
            json_object *as = part_member(ro, "a");
            for (size_t i = 0; i < json_object_array_length(as); i++) {
                json_object *a = json_object_array_get_idx(as, i);
                int id = json_object_get_int(json_object_array_get_idx(a, 0));
                o->assumed->n[id] = (uint32_t)json_object_get_int64(json_object_array_get_idx(a, 1));
                o->assumed->vm[id] = json_object_get_int(json_object_array_get_idx(a, 2));
            }
        }
    }
    b->nruns = sc->runs;
    for (int k = 0; k < sc->runs; k++)
        if (!run_slot(b, k)->migs) {
            g_ptr_array_add(errors, g_strdup_printf("error: run %d is in no part", k));
            break;
        }
    if (errors->len) {
        batch_free(b);
        b = NULL;
    } else {
        for (int k = 0; k < sc->runs; k++)
            run_slot(b, k)->done = true;
        fold_ready(b); /* as the runs of one process are */
    }
out:
    for (size_t p = 0; p < n; p++)
        if (parts[p])
            json_object_put(parts[p]);
    g_free(parts);
    if (!b) {
        scenario_free(sc);
        sc = NULL;
    }
    *sc_out = sc;
    return b;
}
