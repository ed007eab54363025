/* golive run FILE — simulate a scenario and report (DESIGN sections 5, 6). */
#include "cli/cmd_run.h"

#include <glib.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "cli/output.h"
#include "cli/part.h"
#include "cli/run_plots.h"
#include "cli/buildinfo.h"
#include "cli/cmd_explain.h"
#include "cli/html.h"
#include "models/lint.h"
#include "models/units.h"
#include "models/world.h"
#include "sim/stats.h"

int cli_run(int argc, char **argv)
{
    g_autofree char *command = html_command_line(argc, argv);
    gint64 seed = ARGS_UNSET;
    gint runs = ARGS_UNSET_INT, threads = 0;
    char *scn_text = NULL; /* the scenario's text: a shard's part carries it (read once) */
    gchar *json_path = NULL, *csv_path = NULL, *trace_path = NULL, *plots_dir = NULL, *plot_format = NULL,
          *shard = NULL, *html_path = NULL;
    gboolean quiet = FALSE, check = FALSE, partial = FALSE;
    g_autofree gchar *max_input = NULL;
    GOptionEntry entries[] = {
        { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Number of runs (default: the scenario's \"runs\")", "N" },
        { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed (default: the scenario's \"seed\")", "S" },
        { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads for the runs (default: all cores)", "T" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the JSON report to PATH (- for stdout)", "PATH" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write one CSV row per migration to PATH", "PATH" },
        { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path, "Write the event trace as JSON Lines to PATH",
          "PATH" },
        { "plots", 0, 0, G_OPTION_ARG_FILENAME, &plots_dir,
          "Draw the run's charts into DIR: migration-progress, timeline, links, and with --runs > 1 downtime-cdf and "
          "client-downtime-cdf",
          "DIR" },
        { "plot-format", 0, 0, G_OPTION_ARG_STRING, &plot_format, "png (default), svg or pdf", "FMT" },
        { "html", 0, 0, G_OPTION_ARG_FILENAME, &html_path,
          "Write one self-contained page to FILE: the scenario, assumptions, warnings, summary, every chart and "
          "run 0's story",
          "FILE" },
        { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
          "Run only shard I of N (runs k with k mod N = I) and write a part to --json PATH for golive merge",
          "I/N" },
        { "check", 0, 0, G_OPTION_ARG_NONE, &check,
          "Check every run's invariants; report violations and exit 1 if any", NULL },
        { "partial", 0, 0, G_OPTION_ARG_NONE, &partial,
          "When interrupted, still write the report, marked \"partial\"", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on stdout", NULL },
        LOAD_OPTION_ENTRY(&max_input),
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
    g_option_context_set_summary(ctx, "Simulate a scenario and report its migrations.");
    g_option_context_set_description(ctx, "Plots (--plots DIR, as FMT): migration-progress (bytes still to send, "
                                          "each pass marked), timeline (each VM's and host's states), links (the "
                                          "busiest links' throughput), downtime-cdf and client-downtime-cdf (over "
                                          "the runs).\n" CLI_EXIT_HELP);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) gerr = NULL;
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
    if (!args_check("run", seed, runs, threads)) {
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    if (plot_format && strcmp(plot_format, "png") && strcmp(plot_format, "svg") && strcmp(plot_format, "pdf")) {
        fprintf(stderr, "golive run: --plot-format: expected png, svg or pdf, not \"%s\"\n", plot_format);
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    int shard_i = 0, shard_n = 1;
    if (shard) {
        if (!part_parse_shard(shard, &shard_i, &shard_n)) {
            fprintf(stderr, "golive run: --shard: expected I/N with 0 <= I < N, not \"%s\"\n", shard);
            rc = CLI_EXIT_USAGE;
            goto out_free_opts;
        }
        if (!json_path || csv_path || trace_path || plots_dir || html_path) {
            fprintf(stderr, "golive run: --shard writes its part to --json PATH (no --csv, --trace, --plots or --html; "
                            "golive merge makes the report)\n");
            rc = CLI_EXIT_USAGE;
            goto out_free_opts;
        }
    }
    if (plot_format && !plots_dir) {
        fprintf(stderr, "golive run: --plot-format needs --plots DIR\n");
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    const char *outs_paths[] = { json_path, csv_path, trace_path, html_path };
    const char *ins[] = { argv[1] };
    if (!output_check_all("run", outs_paths, G_N_ELEMENTS(outs_paths), ins, 1, plots_dir)) {
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    load_limit lim = { 0 };
    scenario *sc = load_limit_init(&lim, "run", max_input) ? load_scenario_keep_text(argv[1], &lim, &scn_text) : NULL;
    load_limit_clear(&lim);
    if (!sc) {
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    if (seed != ARGS_UNSET)
        sc->seed = (uint64_t)seed;
    if (runs != ARGS_UNSET_INT)
        sc->runs = runs;
    if (sc->until == SIM_NEVER)
        sc->until = SIM_DAY; /* a bound for migrations that never converge */

    if (!batch_memory_ok("run", argv[1], sc->runs,
                         batch_estimate_bytes(sc, threads, html_path ? BATCH_REPORT_TREE : 0u)) ||
        !batch_disk_ok("run", argv[1], sc->runs, batch_estimate_disk_bytes(sc))) {
        scenario_free(sc);
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    const volatile int *cancel = interrupt_install();
    batch *b = batch_run_shard(sc, threads,
                               (trace_path ? BATCH_TRACE : 0u) | BATCH_PROGRESS | BATCH_LINKS |
                                   (plots_dir || html_path || shard ? BATCH_CHARTS : 0u) | /* a merge draws them */
                                   (check ? BATCH_CHECK : 0u),
                               cancel, shard_i, shard_n);
    if (batch_fatal(b)) {
        /* the scenario cannot be simulated as written: refused, nothing written */
        fprintf(stderr, "golive run: %s\n", batch_fatal(b));
        batch_free(b);
        scenario_free(sc);
        rc = CLI_EXIT_USAGE;
        goto out_free_opts;
    }
    if (shard) {
        g_autoptr(GError) err = NULL;
        if (!batch_interrupted(b))
            interrupt_immediate(true);
        if (batch_interrupted(b)) {
            fprintf(stderr, "golive run: interrupted by signal %d; nothing written\n", interrupt_signal());
            rc = 128 + interrupt_signal();
        } else if (!batch_write_part(b, scn_text, json_path, &err)) {
            fprintf(stderr, "golive run: %s\n", err->message);
            rc = CLI_EXIT_FAILURE;
        } else if (!quiet) {
            printf("%s: shard %d/%d of %d runs written to %s\n", sc->name, shard_i, shard_n, sc->runs, json_path);
        }
        batch_free(b);
        scenario_free(sc);
        goto out_free_opts;
    }
    bool interrupted = batch_interrupted(b);
    if (interrupted) {
        /* a report of no run would be all defaults and empty figures */
        bool none = batch_runs_done(b) == 0;
        fprintf(stderr, "golive run: interrupted by signal %d%s\n", interrupt_signal(),
                !partial ? "; nothing written"
                : none   ? " before the first run began; nothing written"
                         : "; writing the partial report");
        rc = 128 + interrupt_signal();
        if (!partial || none) {
            batch_free(b);
            scenario_free(sc);
            goto out_free_opts;
        }
    }
    /* the simulations are over: from here a signal ends the command at once,
     * with nothing written */
    interrupt_immediate(!interrupted);
    const GPtrArray *viol = batch_violations(b);
    for (guint i = 0; i < viol->len; i++)
        fprintf(stderr, "golive run: invariant violated: %s\n", (char *)g_ptr_array_index(viol, i));
    if (viol->len && rc == CLI_EXIT_OK)
        rc = CLI_EXIT_FAILURE;
    GPtrArray *warns = batch_warnings(b);
    for (guint i = 0; i < warns->len; i++)
        fprintf(stderr, "golive run: warning: %s\n", (char *)g_ptr_array_index(warns, i));
    g_ptr_array_free(warns, TRUE);
    char *txt = NULL;
    json_object *root = batch_report(b, (json_path || html_path ? BATCH_REPORT_RECORDS : 0u) |
                                            (html_path ? BATCH_REPORT_TREE : 0u),
                                     &txt);

    /* write everything or nothing */
    struct {
        const char *path;
        char *data;
    } files[4] = { { json_path, NULL }, { csv_path, NULL }, { trace_path, NULL }, { html_path, NULL } };
    files[0].data = NULL; /* written as it is serialized */
    files[1].data = NULL; /* the same */
    files[2].data = trace_path ? batch_trace(b) : NULL;
    files[3].data = html_path ? run_plots_page(b, sc, root, txt, command) : NULL;
    const char *fpaths[4], *fdata[4];
    for (int i = 0; i < 4; i++) {
        fpaths[i] = files[i].path;
        fdata[i] = files[i].data;
    }
    json_object *jsons[4] = { json_path ? root : NULL, NULL, NULL, NULL };
    output_streamable *csv = csv_path ? batch_csv(b) : NULL;
    const output_streamable *streams[4] = { NULL, csv, NULL, NULL };
    if (!output_write_all_streams("run", fpaths, fdata, jsons, streams, 4) && !interrupted)
        rc = CLI_EXIT_FAILURE;
    g_free(csv);
    for (int i = 0; i < 4; i++)
        g_free(files[i].data);
    if (plots_dir && rc == CLI_EXIT_OK && !interrupted) {
        GError *perr = NULL;
        GPtrArray *written = g_ptr_array_new_with_free_func(g_free);
        if (!run_plots(b, plots_dir, plot_format ? plot_format : "png", written, &perr)) {
            fprintf(stderr, "golive run: %s\n", perr->message);
            g_error_free(perr);
            rc = CLI_EXIT_FAILURE;
        } else {
            GString *list = g_string_new(NULL);
            for (guint i = 0; i < written->len; i++)
                g_string_append_printf(list, "plot: %s\n", (char *)g_ptr_array_index(written, i));
            char *joined = g_strconcat(txt, list->str, NULL);
            g_free(txt);
            txt = joined;
            g_string_free(list, TRUE);
        }
        g_ptr_array_free(written, TRUE);
    }
    bool json_to_stdout = (json_path && !strcmp(json_path, "-")) || (csv_path && !strcmp(csv_path, "-"));
    if (!quiet && !json_to_stdout)
        fputs(txt, stdout);
    g_free(txt);
    json_object_put(root);
    batch_free(b);
    scenario_free(sc);
out_free_opts:
    g_free(scn_text);
    g_free(json_path);
    g_free(csv_path);
    g_free(trace_path);
    g_free(plots_dir);
    g_free(plot_format);
    g_free(shard);
    g_free(html_path);
    return rc;
}
