/* golive merge PART... — the report of runs or sweep points spread over
 * machines (`golive run|sweep --shard I/N`): exactly the report one process
 * would have written, byte for byte. */
#include "cli/cmd_merge.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/cmd_sweep.h"
#include "cli/output.h"
#include "cli/part.h"
#include "cli/html.h"
#include "cli/run_plots.h"

int cli_merge(int argc, char **argv)
{
    g_autofree char *command = html_command_line(argc, argv);
    g_autofree char *page = NULL; /* --html's */
    gchar *json_path = NULL, *csv_path = NULL, *plots_dir = NULL, *plot_format = NULL, *html_path = NULL;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the JSON report to PATH (- for stdout)", "PATH" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path,
          "Write one CSV row per migration (per point for a sweep) to PATH", "PATH" },
        { "plots", 0, 0, G_OPTION_ARG_FILENAME, &plots_dir, "Sweeps: draw the sweep's charts into DIR", "DIR" },
        { "plot-format", 0, 0, G_OPTION_ARG_STRING, &plot_format, "png (default), svg or pdf", "FMT" },
        { "html", 0, 0, G_OPTION_ARG_FILENAME, &html_path,
          "Write the page one process's --html would (its footer names this command) to FILE", "FILE" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No summary on stdout", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("PART...");
    g_option_context_set_summary(ctx, "Merge the parts of `golive run --shard I/N` or `golive sweep --shard "
                                      "I/N` into the report a single process would have written.");
    g_option_context_set_description(ctx, CLI_EXIT_HELP);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) gerr = NULL;
    int rc = CLI_EXIT_OK;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "golive merge: %s\n", gerr->message);
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (argc < 2) {
        fprintf(stderr, "golive merge: expected the part files\nUsage: golive merge PART... [OPTION...]\n");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    const char *paths[] = { json_path, csv_path, html_path };
    if (!output_check_all("merge", paths, G_N_ELEMENTS(paths), (const char *const *)argv + 1, (size_t)argc - 1,
                          plots_dir)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (plot_format && strcmp(plot_format, "png") && strcmp(plot_format, "svg") && strcmp(plot_format, "pdf")) {
        fprintf(stderr, "golive merge: --plot-format: expected png, svg or pdf\n");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    {
        interrupt_install(); /* a signal ends it at once, nothing written */
        interrupt_immediate(true);
        size_t n = (size_t)argc - 1;
        json_object **parts = g_new0(json_object *, n);
        bool sweep = false;
        for (size_t p = 0; p < n; p++) {
            parts[p] = part_read(argv[p + 1]);
            if (p == 0)
                sweep = cli_sweep_is_part(parts[0]);
        }
        if (sweep)
            rc = cli_sweep_merge(parts, (const char *const *)argv + 1, n, json_path, csv_path, plots_dir,
                                 plot_format ? plot_format : "png", quiet, html_path, command);
        for (size_t p = 0; p < n; p++)
            json_object_put(parts[p]);
        g_free(parts);
        if (sweep)
            goto out;
    }
    if (plots_dir || plot_format) {
        fprintf(stderr, "golive merge: --plots is for sweep parts; draw a run's charts with golive run --plots\n");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = NULL;
    batch *b = batch_merge((const char *const *)argv + 1, (size_t)argc - 1, &sc, errors);
    for (guint i = 0; i < errors->len; i++)
        fprintf(stderr, "golive merge: %s\n", (char *)g_ptr_array_index(errors, i));
    g_ptr_array_free(errors, TRUE);
    if (!b) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    char *txt = NULL;
    json_object *root = batch_report(b, (json_path || html_path ? BATCH_REPORT_RECORDS : 0u) |
                                            (html_path ? BATCH_REPORT_TREE : 0u),
                                     &txt);
    page = html_path ? run_plots_page(b, sc, root, txt, command) : NULL;
    {
        const char *outs[3] = { json_path, csv_path, html_path }, *data[3] = { NULL, NULL, page };
        json_object *jsons[3] = { json_path ? root : NULL, NULL, NULL };
        g_autofree output_streamable *csv = csv_path ? batch_csv(b) : NULL;
        const output_streamable *streams[3] = { NULL, csv, NULL };
        if (!output_write_all_streams("merge", outs, data, jsons, streams, 3))
            rc = CLI_EXIT_FAILURE;
    }
    if (!quiet && !(json_path && !strcmp(json_path, "-")) && !(csv_path && !strcmp(csv_path, "-")))
        fputs(txt, stdout);
    g_free(txt);
    json_object_put(root);
    batch_free(b);
    scenario_free(sc);
out:
    g_free(json_path);
    g_free(csv_path);
    g_free(plots_dir);
    g_free(plot_format);
    g_free(html_path);
    return rc;
}
