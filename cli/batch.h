/* batch — the runs of one scenario (in parallel GLib threads, identical for
 * any thread count) and the report built from them (DESIGN section 6):
 * migrations, incidents, and the Monte Carlo summary (downtime, VM
 * availability, split brain per run and per year, data at risk). Shared by
 * `golive run` and `golive compare`. */
#ifndef GOLIVE_CLI_BATCH_H
#define GOLIVE_CLI_BATCH_H

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>

#include "cli/output.h"
#include "models/scenario.h"
#include "models/world.h"

typedef struct batch batch;

enum {
    BATCH_TRACE = 1,    /* keep every run's trace (batch_trace) */
    BATCH_PROGRESS = 2, /* a progress bar on a terminal */
    BATCH_LINKS = 4,    /* sample run 0's link load (batch_link_samples) */
    BATCH_CHECK = 8,    /* check every run's invariants (batch_violations) */
    BATCH_CHARTS = 16,  /* with BATCH_LINKS: also sample run 0's links over what its charts show */
};

/* Runs sc->runs runs of sc on `threads` threads (0: all cores); stops early
 * when *cancel becomes non-zero (NULL: never). */
batch *batch_run(const scenario *sc, int threads, unsigned flags, const volatile int *cancel);
/* A rough upper estimate of the memory a batch of sc needs (bytes): one
 * world per thread, run 0's records, what each run keeps (its end, its
 * place in the temporary file of records), the summary's bounded samples,
 * and the parts of the report that are made in memory before they are
 * written (BATCH_REPORT_TREE: every record as a tree, for a page). */
double batch_estimate_bytes(const scenario *sc, int threads, unsigned parts);
/* What a batch of sc writes to its temporary files (the runs' records and
 * the summary's samples beyond memory), a rough upper estimate (bytes). */
double batch_estimate_disk_bytes(const scenario *sc);
/* Whether `need` bytes fit in the free space of the temporary directory
 * (TMPDIR), with a fifth to spare; if not, says so on stderr. */
bool batch_disk_ok(const char *cmd, const char *file, int runs, double need);
/* The memory this process may use: the least of the machine's memory, the
 * address-space limit (ulimit -v) and the cgroup's memory limit; *what
 * names the one that binds. */
double batch_memory_limit(const char **what);
/* Whether `need` bytes fit in what this process may use (with a fifth to
 * spare); if not, says so for cmd and file (runs per batch) on stderr. */
bool batch_memory_ok(const char *cmd, const char *file, int runs, double need);
/* Shards (DESIGN 7: runs spread over machines): only the runs k with
 * k % count == index, for batch_write_part. Call before nothing else. */
batch *batch_run_shard(const scenario *sc, int threads, unsigned flags, const volatile int *cancel, int index, int count);
/* Writes this shard's runs, exactly, with the scenario text they came from,
 * to path (atomically). */
bool batch_write_part(const batch *b, const char *scenario_text, const char *path, GError **error);
/* Reads the parts of every shard and rebuilds the batch a single process
 * would have run: the same report, byte for byte. *sc gets the scenario
 * (free it after the batch). NULL and errors when the parts do not fit
 * together (another scenario, seed or shard count, a shard missing or twice). */
batch *batch_merge(const char *const *paths, size_t n, scenario **sc, GPtrArray *errors);
/* Why a run could not be built (the scenario cannot be simulated), NULL if
 * every run was: callers refuse the scenario (exit 2). */
const char *batch_fatal(const batch *b);
/* Whether a cancel stopped it: the results are partial. */
bool batch_interrupted(const batch *b);
/* The runs started and ended (a prefix of the batch): fewer than asked
 * only when interrupted, 0 when a signal came before the first. */
int batch_runs_done(const batch *b);
/* Invariant violations of every run (BATCH_CHECK), as "run K: ..." lines. */
const GPtrArray *batch_violations(const batch *b);
void batch_free(batch *b);

/* Warnings of the scenario's design (lint) and of what the models could
 * not simulate in any run, each once, in the order of the runs
 * (g_free'd strings). */
GPtrArray *batch_warnings(const batch *b);

/* The defaults the runs used (models/assume.h): summed, and per default
 * the number of runs that used it (runs_with: ASSUME_N counters). */
void batch_assumed(const batch *b, assume_counts *total, uint32_t *runs_with);
/* Causes of unavailability, in the order of the report's seconds_by_cause. */
#define BATCH_CAUSES 6
extern const char *const batch_cause_names[BATCH_CAUSES];
/* Seconds a VM is unavailable per year, mean over VMs and runs, by cause
 * (causes may overlap: their sum can exceed the union). */
void batch_unavailable_by_cause(const batch *b, double *per_vm_year);
/* The time run k covered (s). */
double batch_run_seconds(const batch *b, int k);
/* The mean time the runs covered (s): `until`, or when nothing was left. */
double batch_simulated_seconds(const batch *b);

/* The summary object of the report ("summary"). */
json_object *batch_summary(const batch *b);
/* What of the report to build besides its summary and text: the per-run
 * records (the "migrations" and "incidents" arrays, for --json and --html). */
#define BATCH_REPORT_RECORDS 1u
/* the records as a tree that can be read back (an --html page's tables);
 * without it they are made only as the report is serialized */
#define BATCH_REPORT_TREE 4u
#define BATCH_REPORT_ALL (BATCH_REPORT_RECORDS | BATCH_REPORT_TREE)
/* The report with the parts asked for (the arrays are null without them);
 * *txt gets the text summary (g_free'd). */
json_object *batch_report(const batch *b, unsigned parts, char **txt);
/* --csv, one row per migration of every run, made as it is written
 * (output_write_all_streams): the runs' records are read back one run at
 * a time, so that its size never sits in memory. g_free it; b must outlive
 * it. */
output_streamable *batch_csv(const batch *b);
/* The runs' traces as JSON Lines, each record with its "run". */
char *batch_trace(const batch *b);

/* The runs' results, for plots. */
const scenario *batch_scenario(const batch *b);
size_t batch_nmigrations(const batch *b, int run);
const mig_result *batch_migration(const batch *b, int run, size_t i);
size_t batch_nincidents(const batch *b, int run);
const world_incident *batch_incident(const batch *b, int run, size_t i);
/* Run 0's link load over time, when the batch kept it (NULL if not). */
const world_link_samples *batch_link_samples(const batch *b);
/* Run 0's link load over the span its charts show (BATCH_CHARTS), else the
 * report's samples. */
const world_link_samples *batch_chart_link_samples(const batch *b);
/* The indexes (into the samples) of run 0's busiest links, as the report
 * ranks them: at most max; returns how many. */
size_t batch_busiest_links(const batch *b, size_t *links, size_t max);
/* What happened in run 0 (failures, repairs, fences, reboots, resyncs...),
 * when the batch kept its link samples. */
size_t batch_nevents(const batch *b);
const world_event *batch_event(const batch *b, size_t i);

/* Summary figures for comparisons. */
typedef struct {
    double mean, lo, hi; /* 95% confidence interval */
    size_t n;
} batch_figure;

typedef struct {
    batch_figure availability;  /* mean VM availability, per run */
    batch_figure unavailable_s; /* seconds a VM is unavailable per year */
    batch_figure downtime;      /* completed migrations' downtime, s */
    double downtime_p99;
    batch_figure split_brain;   /* probability per run (Wilson) */
    batch_figure split_brain_year;
    batch_figure at_risk;       /* bytes discarded per run */
    batch_figure diverged;      /* bytes diverged per run */
    batch_figure single_copy;   /* bytes written with a single copy per run (lost with that copy) */
    double years;               /* simulated time of one run */
} batch_figures;

void batch_get_figures(const batch *b, batch_figures *f);
/* The report's pieces made of figures, the same in `run` and `compare`:
 * {mean, ci95} (nulls where not finite); the split brain's runs_with,
 * probability, per_year and their intervals; the data at risk. */
json_object *batch_figure_json(batch_figure f);
/* A number, or null when it is not finite (JSON has no NaN). */
json_object *batch_json_number(double x);
json_object *batch_split_brain_json(const batch_figures *f);
json_object *batch_data_at_risk_json(const batch_figures *f);

#endif
