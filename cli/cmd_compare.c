/* golive compare FILE... — designs side by side (DESIGN section 5). */
#include "cli/cmd_compare.h"

#include <glib.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/csv.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "cli/buildinfo.h"
#include "cli/html.h"
#include "cli/output.h"
#include "cli/run_plots.h"
#include "models/storage/iolat.h"
#include "models/units.h"
#include "plots/chart.h"


/* -log10(1 - a): 0.999 is 3 nines */
static double nines(double a)
{
    return a < 1 ? -log10(1 - a) : INFINITY;
}

static char *pct(double p, int digits)
{
    return isfinite(p) ? g_strdup_printf("%.*f%%", digits, 100 * p) : g_strdup("-");
}

static char *dur(double s)
{
    return isfinite(s) ? units_format(UNITS_TIME, s) : g_strdup("-");
}

static void put_json(gpointer o) { json_object_put(o); }

/* What the VMs' writes put on the storage network: each write crosses it
 * once per copy kept elsewhere (NFS and iSCSI: to the server; DRBD: to
 * every peer; Ceph: to the primary, which forwards to the other copies). */
static double storage_traffic(const scenario *sc)
{
    double w = 0;
    for (size_t i = 0; i < sc->nvms; i++)
        w += sc->vms[i].disk_write_Bps;
    int nodes = 0;
    for (size_t h = 0; h < sc->nhosts; h++)
        nodes += scenario_is_node(sc, (int)h);
    switch (sc->storage.type) {
    case STORAGE_NFS:
    case STORAGE_ISCSI: return w;
    case STORAGE_DRBD: return w * (nodes > 1 ? nodes - 1 : 1);
    case STORAGE_CEPH: return w * sc->storage.size;
    default: return 0;
    }
}

/* Appends text wrapped at `width` columns, continuation lines indented. */
static void append_wrapped(GString *out, const char *text, int width, const char *indent)
{
    g_auto(GStrv) words = g_strsplit(text, " ", -1);
    int col = 0;
    for (size_t i = 0; words[i]; i++) {
        int len = (int)g_utf8_strlen(words[i], -1);
        if (col > 0 && col + 1 + len > width) {
            g_string_append_printf(out, "\n%s", indent);
            col = (int)strlen(indent);
        } else if (col > 0) {
            g_string_append_c(out, ' ');
            col++;
        }
        g_string_append(out, words[i]);
        col += len;
    }
    g_string_append_c(out, '\n');
}

/* A design's figures kept for the tables below the ranking. */
typedef struct {
    const scenario *sc;
    batch_figures f;
    double causes[BATCH_CAUSES];
    double traffic, latency;
} design_row;

/* "3.52 (3.45-3.60)": the nines with their interval. */
static char *nines_ci(const batch_figures *f)
{
    double n = nines(f->availability.mean);
    if (!isfinite(n))
        return g_strdup("never down");
    return g_strdup_printf("%.2f (%.2f-%.2f)", n, nines(f->availability.lo), fmin(99, nines(fmin(1, f->availability.hi))));
}

/* Below the ranking: unavailability by cause, write latency and storage
 * traffic, and a warning next to every design that splits brain (its
 * availability counts both copies running as up while their data diverge). */
static void compare_details(GArray *rows, GString *txt)
{
    g_string_append(txt, "\nunavailable per VM-year, by cause (causes may overlap):\n");
    g_string_append_printf(txt, "  %-22s %10s %10s %10s %10s %10s %10s  %s\n", "design", "VM down", "quorum", "IO frozen",
                           "IO errors", "IO blocked", "migration", "storage traffic");
    double best = -INFINITY;
    for (guint i = 0; i < rows->len; i++)
        best = fmax(best, g_array_index(rows, design_row, i).f.availability.mean);
    for (guint i = 0; i < rows->len; i++) {
        const design_row *r = &g_array_index(rows, design_row, i);
        g_string_append_printf(txt, "  %-22s", r->sc->name);
        for (int c = 0; c < BATCH_CAUSES; c++) {
            g_autofree char *d = r->causes[c] > 0 ? dur(r->causes[c]) : g_strdup("-");
            g_string_append_printf(txt, " %10s", d);
        }
        g_autofree char *tr = r->traffic > 0 ? units_format(UNITS_RATE, r->traffic) : g_strdup("-");
        g_string_append_printf(txt, "  %s\n", tr);
    }
    for (guint i = 0; i < rows->len; i++) {
        const design_row *r = &g_array_index(rows, design_row, i);
        if (!(r->f.split_brain.mean > 0))
            continue;
        g_autofree char *p = pct(r->f.split_brain_year.mean, 1), *x = units_format(UNITS_SIZE, r->f.at_risk.mean);
        g_autofree char *msg = g_strdup_printf(
            "! %s%s splits brain in %s of years (%s of writes discarded per run on average): two copies of its VMs "
            "wrote the same data, which the availability counts as up. Its nines hide the data lost.",
            r->sc->name, r->f.availability.mean >= best ? " has the best availability but" : "", p, x);
        append_wrapped(txt, msg, 118, "  ");
    }
}

/* "key = value" of an entry of an "assumed" block. */
static char *assumed_line(json_object *o)
{
    const char *key = json_object_get_string(json_object_object_get(o, "key"));
    const char *shown = json_object_get_string(json_object_object_get(o, "shown"));
    if (key)
        return g_strdup_printf("%s = %s", key, shown);
    return g_strdup_printf("(model) %s: %s", json_object_get_string(json_object_object_get(o, "name")), shown);
}

static bool has_line(json_object *arr, const char *line)
{
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        g_autofree char *l = assumed_line(json_object_array_get_idx(arr, i));
        if (!strcmp(l, line))
            return true;
    }
    return false;
}

/* The designs' "assumed" blocks: what every design assumed alike once, then
 * each design's own, with how often it mattered. */
static void assumed_text(GPtrArray *scs, GPtrArray *blocks, GString *txt)
{
    if (!blocks->len)
        return;
    g_string_append(txt, "assumed (defaults the scenarios do not set that shaped their results; golive run tells what "
                         "each is and its source):\n");
    json_object *first = g_ptr_array_index(blocks, 0);
    GPtrArray *common = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < json_object_array_length(first); i++) {
        char *line = assumed_line(json_object_array_get_idx(first, i));
        bool all = true;
        for (guint d = 1; d < blocks->len && all; d++)
            all = has_line(g_ptr_array_index(blocks, d), line);
        if (all && blocks->len > 1)
            g_ptr_array_add(common, line);
        else
            g_free(line);
    }
    if (common->len) {
        g_string_append(txt, "  every design:\n");
        for (guint i = 0; i < common->len; i++)
            g_string_append_printf(txt, "    %s\n", (char *)g_ptr_array_index(common, i));
    }
    for (guint d = 0; d < blocks->len; d++) {
        const scenario *sc = g_ptr_array_index(scs, d);
        json_object *arr = g_ptr_array_index(blocks, d);
        bool said = false;
        for (size_t i = 0; i < json_object_array_length(arr); i++) {
            json_object *o = json_object_array_get_idx(arr, i);
            g_autofree char *line = assumed_line(o);
            bool shared = false;
            for (guint k = 0; k < common->len && !shared; k++)
                shared = !strcmp(g_ptr_array_index(common, k), line);
            if (shared)
                continue;
            if (!said)
                g_string_append_printf(txt, "  %s:\n", sc->name);
            said = true;
            const char *of = json_object_get_string(json_object_object_get(o, "of"));
            int64_t n = json_object_get_int64(json_object_object_get(o, "shaped"));
            int64_t runs = json_object_get_int64(json_object_object_get(o, "runs"));
            g_string_append_printf(txt, "    %-56s ", line);
            if (strcmp(of, "run"))
                g_string_append_printf(txt, "%" G_GINT64_FORMAT " x %s, ", n, of);
            g_string_append_printf(txt, "in %" G_GINT64_FORMAT " of %d runs\n", runs, sc->runs);
        }
    }
    g_ptr_array_free(common, TRUE);
}

int cli_compare(int argc, char **argv)
{
    g_autofree char *command = html_command_line(argc, argv);
    g_autofree char *page = NULL; /* --html's */
    gint64 seed = ARGS_UNSET;
    gint runs = ARGS_UNSET_INT, threads = 0;
    gchar *json_path = NULL, *csv_path = NULL, *plots_dir = NULL, *plot_format = NULL, *html_path = NULL;
    gboolean quiet = FALSE;
    g_autofree gchar *max_input = NULL;
    load_limit lim = { 0 };
    GOptionEntry entries[] = {
        LOAD_OPTION_ENTRY(&max_input),
        { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Runs of every design (default: each scenario's \"runs\")", "N" },
        { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed of every design (default: each scenario's \"seed\")", "S" },
        { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads for the runs (default: all cores)", "T" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the comparison as JSON to PATH (- for stdout)",
          "PATH" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write one CSV row per design to PATH", "PATH" },
        { "plots", 0, 0, G_OPTION_ARG_FILENAME, &plots_dir,
          "Draw the comparison into DIR (bars with CIs, overlaid downtime CDFs)", "DIR" },
        { "plot-format", 0, 0, G_OPTION_ARG_STRING, &plot_format, "png (default), svg or pdf", "FMT" },
        { "html", 0, 0, G_OPTION_ARG_FILENAME, &html_path,
          "Write one self-contained page to FILE: the designs, the comparison and every chart", "FILE" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No table on stdout", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE...");
    g_option_context_set_summary(ctx, "Run each scenario (a design) and compare availability, split-brain "
                                      "probability, data at risk and migration downtime, each with its 95% "
                                      "confidence interval.");
    g_option_context_set_description(ctx, "Plots (--plots DIR): unavailability, split-brain, data-at-risk (each "
                                          "left out when every design is at zero), downtime-cdf.\n" CLI_EXIT_HELP);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) gerr = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "golive compare: %s\n", gerr->message);
        return CLI_EXIT_USAGE;
    }
    int rc = CLI_EXIT_OK;
    GPtrArray *scs = g_ptr_array_new_with_free_func((GDestroyNotify)scenario_free);
    if (argc < 2) {
        fprintf(stderr, "golive compare: expected one or more scenario files\nUsage: golive compare FILE... [OPTION...]\n");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (!args_check("compare", seed, runs, threads)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (plot_format && strcmp(plot_format, "png") && strcmp(plot_format, "svg") && strcmp(plot_format, "pdf")) {
        fprintf(stderr, "golive compare: --plot-format: expected png, svg or pdf, not \"%s\"\n", plot_format);
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    const char *paths[] = { json_path, csv_path, html_path };
    if (!output_check_all("compare", paths, G_N_ELEMENTS(paths), (const char *const *)argv + 1, (size_t)argc - 1,
                          plots_dir)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (!load_limit_init(&lim, "compare", max_input)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    /* every file is checked before anything runs */
    for (int i = 1; i < argc; i++) {
        scenario *sc = load_scenario(argv[i], &lim);
        if (!sc) {
            rc = CLI_EXIT_USAGE;
            continue;
        }
        if (seed != ARGS_UNSET)
            sc->seed = (uint64_t)seed;
        if (runs != ARGS_UNSET_INT)
            sc->runs = runs;
        if (sc->until == SIM_NEVER)
            sc->until = SIM_DAY;
        g_ptr_array_add(scs, sc);
    }
    /* the designs run one after another, each batch freed before the next */
    for (guint i = 0; i < scs->len && rc == CLI_EXIT_OK; i++) {
        const scenario *sc = g_ptr_array_index(scs, i);
        if (!batch_memory_ok("compare", sc->file, sc->runs, batch_estimate_bytes(sc, threads, 0)) ||
            !batch_disk_ok("compare", sc->file, sc->runs, batch_estimate_disk_bytes(sc)))
            rc = CLI_EXIT_USAGE;
    }
    if (rc != CLI_EXIT_OK)
        goto out;

    const volatile int *cancel = interrupt_install();
    json_object *root = json_object_new_object();
    json_object_object_add(root, "golive", json_object_new_int(1));
    json_object *jd = json_object_new_array();
    GString *csv = g_string_new("scenario,file,runs,seed,years,availability,availability_lo,availability_hi,nines,"
                                "unavailable_s_per_vm_year,split_brain_per_run,split_brain_per_run_lo,"
                                "split_brain_per_run_hi,split_brain_per_year,split_brain_per_year_lo,"
                                "split_brain_per_year_hi,discarded_bytes,discarded_bytes_lo,discarded_bytes_hi,"
                                "diverged_bytes,downtime_mean,downtime_lo,downtime_hi,downtime_p99,migrations\n");
    GString *txt = g_string_new(NULL);
    GPtrArray *assumed = g_ptr_array_new_with_free_func(put_json);
    chart *bars_un = chart_new(CHART_BARS, "Unavailable time per VM-year (95% CI)");
    chart_axis(bars_un, 'y', "unavailable per VM-year", "s", false);
    chart *bars_sb = chart_new(CHART_BARS, "Split-brain probability per year (95% CI)");
    chart_axis(bars_sb, 'y', "P(split brain in a year)", "%", false);
    chart *bars_risk = chart_new(CHART_BARS, "Data discarded at recovery, per run (95% CI)");
    chart_axis(bars_risk, 'y', "discarded", "B", false);
    chart *cdfs = chart_new(CHART_CDF, "Migration downtime, every completed migration");
    chart_axis(cdfs, 'x', "downtime", "s", false);
    chart_axis(cdfs, 'y', "fraction of migrations", NULL, false);
    bool any_cdf = false, any_sb = false, any_risk = false;
    double dt_min = INFINITY, dt_max = 0; /* the downtimes' span: a log axis past two decades */
    double un_max = 0, un_min_pos = INFINITY;
    g_string_append_printf(txt, "%-22s %5s  %-19s %10s  %-21s %10s %9s %11s\n", "design", "runs", "nines (95% CI)",
                           "down/VM-yr", "split brain/yr (CI)", "discarded", "write lat", "mig. p99");
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(design_row));
    for (guint i = 0; i < scs->len; i++) {
        const scenario *sc = g_ptr_array_index(scs, i);
        batch *b = batch_run(sc, threads, BATCH_PROGRESS, cancel);
        if (batch_fatal(b)) {
            fprintf(stderr, "golive compare: %s\n", batch_fatal(b));
            batch_free(b);
            rc = CLI_EXIT_USAGE;
            break;
        }
        if (batch_interrupted(b)) {
            batch_free(b);
            fprintf(stderr, "golive compare: interrupted by signal %d; nothing written\n", interrupt_signal());
            rc = 128 + interrupt_signal();
            break;
        }
        GPtrArray *warns = batch_warnings(b);
        for (guint k = 0; k < warns->len; k++)
            fprintf(stderr, "golive compare: %s: warning: %s\n", sc->name, (char *)g_ptr_array_index(warns, k));
        batch_figures f;
        batch_get_figures(b, &f);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "scenario", json_object_new_string(sc->name));
        json_object_object_add(o, "file", json_object_new_string(sc->file));
        json_object_object_add(o, "runs", json_object_new_int(sc->runs));
        json_object_object_add(o, "seed", json_object_new_int64((int64_t)sc->seed));
        json_object_object_add(o, "simulated_years", json_object_new_double(f.years));
        json_object *av = batch_figure_json(f.availability);
        json_object_object_add(av, "nines", batch_json_number(nines(f.availability.mean)));
        json_object_object_add(o, "availability", av);
        json_object_object_add(o, "unavailable_seconds_per_vm_year", batch_figure_json(f.unavailable_s));
        json_object_object_add(o, "split_brain", batch_split_brain_json(&f));
        json_object_object_add(o, "data_at_risk", batch_data_at_risk_json(&f));
        json_object *md = batch_figure_json(f.downtime);
        json_object_object_add(md, "p99", batch_json_number(f.downtime_p99));
        json_object_object_add(md, "n", json_object_new_int64((int64_t)f.downtime.n));
        json_object_object_add(o, "migration_downtime", md);
        json_object *jw = json_object_new_array();
        for (guint k = 0; k < warns->len; k++)
            json_object_array_add(jw, json_object_new_string(g_ptr_array_index(warns, k)));
        json_object_object_add(o, "warnings", jw);
        assume_counts as;
        uint32_t runs_with[ASSUME_N];
        batch_assumed(b, &as, runs_with);
        sim_time simulated = sim_from_s(batch_simulated_seconds(b));
        json_object *ja = assume_json(sc, &as, runs_with, sc->runs, simulated);
        assume_json_attach(o, ja);
        g_ptr_array_add(assumed, json_object_get(ja));
        json_object_array_add(jd, o);
        g_ptr_array_free(warns, TRUE);
        chart_bar(bars_un, sc->name, f.unavailable_s.mean, f.unavailable_s.lo, f.unavailable_s.hi);
        if (f.unavailable_s.mean > 0) {
            un_max = fmax(un_max, f.unavailable_s.mean);
            un_min_pos = fmin(un_min_pos, f.unavailable_s.mean);
        }
        chart_bar(bars_sb, sc->name, f.split_brain_year.mean, f.split_brain_year.lo, f.split_brain_year.hi);
        chart_bar(bars_risk, sc->name, f.at_risk.mean, f.at_risk.lo, f.at_risk.hi);
        any_sb |= f.split_brain_year.mean > 0;
        any_risk |= f.at_risk.mean > 0;
        GArray *dts = g_array_new(FALSE, FALSE, sizeof(double));
        for (int k = 0; k < sc->runs; k++)
            for (size_t m = 0; m < batch_nmigrations(b, k); m++) {
                const mig_result *r = batch_migration(b, k, m);
                if (r->outcome == MIG_COMPLETED) {
                    double s = sim_to_s(r->downtime);
                    g_array_append_val(dts, s);
                    dt_min = fmin(dt_min, s);
                    dt_max = fmax(dt_max, s);
                }
            }
        if (dts->len) {
            chart_series(cdfs, sc->name, (double *)dts->data, NULL, dts->len, true);
            any_cdf = true;
        }
        g_array_free(dts, TRUE);

        g_autofree char *cname = csv_field(sc->name), *cfile = csv_field(sc->file);
        g_string_append_printf(csv, "%s,%s,%d,%" G_GUINT64_FORMAT ",%.9g,%.9g,%.9g,%.9g,%.6g,%.6g,%.9g,%.9g,%.9g,"
                               "%.9g,%.9g,%.9g,%.6g,%.6g,%.6g,%.6g,%.9g,%.9g,%.9g,%.9g,%zu\n",
                               cname, cfile, sc->runs, sc->seed, f.years, f.availability.mean,
                               f.availability.lo, f.availability.hi, nines(f.availability.mean),
                               f.unavailable_s.mean, f.split_brain.mean, f.split_brain.lo, f.split_brain.hi,
                               f.split_brain_year.mean, f.split_brain_year.lo, f.split_brain_year.hi, f.at_risk.mean,
                               f.at_risk.lo, f.at_risk.hi, f.diverged.mean, f.downtime.mean, f.downtime.lo,
                               f.downtime.hi, f.downtime_p99, f.downtime.n);
        g_autofree char *a = pct(f.availability.mean, 4), *alo = pct(f.availability.lo, 4),
                        *ahi = pct(fmin(1, f.availability.hi), 4), *un = dur(f.unavailable_s.mean),
                        *s = pct(f.split_brain_year.mean, 1), *slo = pct(f.split_brain_year.lo, 1),
                        *shi = pct(f.split_brain_year.hi, 1),
                        *risk_s = isfinite(f.at_risk.mean) ? units_format(UNITS_SIZE, f.at_risk.mean) : g_strdup("-"),
                        *dm = dur(f.downtime.mean), *dp = dur(f.downtime_p99);
        (void)a;
        (void)alo;
        (void)ahi;
        (void)dm;
        g_autofree char *nn = nines_ci(&f);
        g_autofree char *avs = g_strdup_printf("%s%s", nn, f.split_brain.mean > 0 ? " !" : "");
        g_autofree char *sbs = g_strdup_printf("%s (%s-%s)", s, slo, shi);
        design_row row = { .sc = sc, .f = f, .traffic = storage_traffic(sc), .latency = iolat_write(sc) };
        batch_unavailable_by_cause(b, row.causes);
        g_array_append_val(rows, row);
        g_autofree char *lat = units_format(UNITS_TIME, row.latency);
        g_string_append_printf(txt, "%-22s %5d  %-19s %10s  %-21s %10s %9s %11s\n", sc->name, sc->runs, avs, un, sbs,
                               risk_s, lat, dp);
        json_object *jc = json_object_new_object();
        for (int c = 0; c < BATCH_CAUSES; c++)
            json_object_object_add(jc, batch_cause_names[c], batch_json_number(row.causes[c]));
        json_object_object_add(o, "unavailable_seconds_per_vm_year_by_cause", jc);
        json_object_object_add(o, "write_latency", batch_json_number(row.latency));
        json_object_object_add(o, "storage_network_Bps", batch_json_number(row.traffic));
        batch_free(b);
    }
    json_object_object_add(root, "designs", jd);
    append_wrapped(txt, "nines = -log10(1 - availability); discarded: data thrown away per run at recovery; write "
                        "lat: one small synchronous write; mig. p99: migration downtime. CIs: availability and data "
                        "at risk, Student t over runs (kept within what is possible); split brain, Wilson over runs, "
                        "per year = 1 - (1 - p)^(1/years simulated).",
                   118, "");
    compare_details(rows, txt);
    g_array_free(rows, TRUE);
    assumed_text(scs, assumed, txt);
    g_ptr_array_free(assumed, TRUE);

    /* the simulations are over: a signal from here ends it at once, nothing
     * written (one during the last design's figures, too) */
    if (rc == CLI_EXIT_OK)
        interrupt_immediate(true);
    if (rc != CLI_EXIT_OK) {
        chart_free(bars_un);
        chart_free(bars_sb);
        chart_free(bars_risk);
        chart_free(cdfs);
        g_string_free(txt, TRUE);
        g_string_free(csv, TRUE);
        json_object_put(root);
        goto out;
    }
    /* designs decades apart: a log axis shows them all */
    if (un_max > 100 * un_min_pos)
        chart_axis(bars_un, 'y', "unavailable per VM-year", "s", true);
    /* a pause of milliseconds beside one of hours (a migration frozen
     * with its storage) would put every other curve on the axis */
    if (dt_min > 0 && dt_max > 100 * dt_min)
        chart_axis(cdfs, 'x', "downtime", "s", true);
    struct {
        chart *c;
        const char *name;
    } charts[] = { { bars_un, "unavailability" }, { any_sb ? bars_sb : NULL, "split-brain" },
                   { any_risk ? bars_risk : NULL, "data-at-risk" }, { any_cdf ? cdfs : NULL, "downtime-cdf" } };
    if (html_path) {
        GString *title = g_string_new("golive compare: ");
        GPtrArray *designs = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < scs->len; i++) {
            const scenario *d = g_ptr_array_index(scs, i);
            g_string_append_printf(title, "%s%s", i ? " vs " : "", d->name);
            g_ptr_array_add(designs, g_strdup_printf("%s: %s", d->name, d->description ? d->description : "(no "
                                                                                                          "description)"));
        }
        html *h = html_new(title->str);
        g_string_free(title, TRUE);
        html_section(h, "Designs");
        html_list(h, designs);
        g_ptr_array_free(designs, TRUE);
        html_report_common(h, root, NULL);
        html_section(h, "Comparison");
        html_pre(h, txt->str);
        html_section(h, "Charts");
        for (size_t i = 0; i < G_N_ELEMENTS(charts); i++) {
            if (!charts[i].c)
                continue;
            g_autofree char *prefix = g_strdup_printf("%s-", charts[i].name);
            g_autofree char *svg = chart_svg(charts[i].c, 960, 540, prefix);
            if (svg)
                html_figure(h, svg, charts[i].name);
        }
        page = html_finish(h, command, cli_version());
    }
    if (!output_report("compare", json_path, root, csv_path, csv->str, html_path, page))
        rc = CLI_EXIT_FAILURE;
    if (plots_dir && rc == CLI_EXIT_OK) {
        const char *fmt = plot_format ? plot_format : "png";
        /* an empty chart says nothing a line of text cannot */
        if (!any_sb)
            g_string_append(txt, "no split-brain chart: no design split its brain in any run\n");
        if (!any_risk)
            g_string_append(txt, "no data-at-risk chart: no design discarded data in any run\n");
        if (!any_cdf)
            g_string_append(txt, "no downtime chart: no migration completed\n");
        if (g_mkdir_with_parents(plots_dir, 0777) != 0) {
            fprintf(stderr, "golive compare: %s: cannot create the directory\n", plots_dir);
            rc = CLI_EXIT_FAILURE;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(charts) && rc == CLI_EXIT_OK; i++) {
            if (!charts[i].c)
                continue;
            g_autofree char *file = g_strdup_printf("%s.%s", charts[i].name, fmt);
            g_autofree char *path = g_build_filename(plots_dir, file, NULL);
            GError *perr = NULL;
            if (!run_plots_save(charts[i].c, path, fmt, 960, 540, &perr)) {
                fprintf(stderr, "golive compare: %s\n", perr->message);
                g_error_free(perr);
                rc = CLI_EXIT_FAILURE;
            } else {
                g_string_append_printf(txt, "plot: %s\n", path);
            }
        }
    }
    chart_free(bars_un);
    chart_free(bars_sb);
    chart_free(bars_risk);
    chart_free(cdfs);
    if (!quiet && !(json_path && !strcmp(json_path, "-")) && !(csv_path && !strcmp(csv_path, "-")))
        fputs(txt->str, stdout);
    g_string_free(txt, TRUE);
    g_string_free(csv, TRUE);
    json_object_put(root);
out:
    load_limit_clear(&lim);
    g_ptr_array_free(scs, TRUE);
    g_free(json_path);
    g_free(csv_path);
    g_free(plots_dir);
    g_free(html_path);
    g_free(plot_format);
    return rc;
}
