/* golive — command-line entry point: global options and subcommand dispatch.
 *
 * Exit status (DESIGN section 5): 0 success, 1 internal failure, 2 bad usage
 * or bad scenario (nothing written). */
#include <cairo.h>
#include <glib.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_capacity.h"
#include "cli/cmd_compare.h"
#include "cli/cmd_explain.h"
#include "cli/cmd_import.h"
#include "cli/cmd_merge.h"
#include "cli/cmd_run.h"
#include "cli/cmd_sweep.h"
#include "cli/cmd_validate.h"
#include "cli/interrupt.h"
#include "models/scenario.h"
#include "version.h"

typedef struct {
    const char *name;
    const char *summary;
    int (*fn)(int argc, char **argv);
} subcommand;

static const subcommand subcommands[] = {
    { "run", "simulate a scenario and report migrations, downtime and incidents", cli_run },
    { "sweep", "run a grid of scenario values (CSV, heatmap)", cli_sweep },
    { "compare", "compare designs side by side with confidence intervals", cli_compare },
    { "validate", "check scenario files and print every error", cli_validate },
    { "explain", "narrate a run's timeline in plain sentences", cli_explain },
    { "capacity", "how many more VMs fit, N+1 and rack loss, time to drain a host", cli_capacity },
    { "merge", "merge the parts of runs spread over machines (run --shard I/N)", cli_merge },
    { "import", "a scenario from a cluster's CIB, corosync.conf, domains, DRBD, Ceph, dirty rates", cli_import },
};

static char *commands_help(void)
{
    GString *s = g_string_new("Commands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++)
        g_string_append_printf(s, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
    g_string_append(s, "\nRun 'golive COMMAND --help' for a command's options.\n"
                       "Exit status: 0 success, 1 internal failure, 2 bad usage or bad scenario.");
    return g_string_free(s, FALSE);
}

/* GLib ends the process when an allocation fails (g_error, then abort):
 * golive says why and leaves with status 2, temporary files removed,
 * never a core dump. Everything else goes to GLib's own writer. */
static GLogWriterOutput log_writer(GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
    if (level & G_LOG_LEVEL_ERROR)
        for (gsize i = 0; i < n; i++)
            if (!strcmp(fields[i].key, "MESSAGE") && fields[i].length < 0 &&
                strstr((const char *)fields[i].value, "failed to allocate")) {
                fprintf(stderr, "golive: out of memory (%s): run fewer runs (--runs), split them over machines "
                                "(--shard), or raise the memory limit; nothing written\n",
                        (const char *)fields[i].value);
                interrupt_abandon(CLI_EXIT_USAGE);
            }
    return g_log_writer_default(level, fields, n, data);
}

int main(int argc, char **argv)
{
    /* the terminal's character set, for --help's text (LC_CTYPE only: numbers
     * are written the same everywhere) */
    setlocale(LC_CTYPE, "");
    /* GSL aborts on errors by default; callers check return codes instead. */
    gsl_set_error_handler_off();
    g_log_set_writer_func(log_writer, NULL, NULL);
    interrupt_catch_out_of_memory();
    /* A scenario's json-c tree is millions of small blocks. With glibc's
     * fast bins their free is deferred, and the next large allocation
     * coalesces them all at once: a fifth of `validate` on a 38 MB scenario.
     * Without fast bins they coalesce as they are freed (the per-thread
     * cache still serves the simulation's small blocks); measured in
     * bench/ (loading) and no slower on the simulations. */
    mallopt(M_MXFAST, 0);

    gboolean version = FALSE;
    GOptionEntry entries[] = {
        { "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("COMMAND [ARGS...]");
    g_option_context_set_summary(ctx, "golive: a discrete-event simulator of live migration in "
                                      "virtualization clusters.");
    g_autofree char *desc = commands_help();
    g_option_context_set_description(ctx, desc);
    g_option_context_add_main_entries(ctx, entries, NULL);
    /* Options after the command belong to the command. */
    g_option_context_set_strict_posix(ctx, TRUE);

    g_autoptr(GError) err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "golive: %s\nTry 'golive --help'.\n", err->message);
        return CLI_EXIT_USAGE;
    }
    if (version) {
        printf("golive %s (%s)\n", GOLIVE_VERSION, GOLIVE_GIT);
        return CLI_EXIT_OK;
    }
    if (argc < 2) {
        g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);
        fputs(help, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help")) {
        g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    const char *names[G_N_ELEMENTS(subcommands) + 1];
    for (size_t i = 0; i < G_N_ELEMENTS(subcommands); i++) {
        const subcommand *sc = &subcommands[i];
        names[i] = sc->name;
        if (strcmp(cmd, sc->name) != 0)
            continue;
        /* "Usage: golive run [OPTION...] FILE" */
        g_autofree char *prg = g_strdup_printf("golive %s", sc->name);
        g_set_prgname(prg);
        int rc = sc->fn(argc - 1, argv + 1);
        cairo_debug_reset_static_data(); /* cairo's font caches, for leak checkers */
        return rc;
    }
    names[G_N_ELEMENTS(subcommands)] = NULL;
    const char *near = scenario_suggest(cmd, names);
    if (near)
        fprintf(stderr, "golive: unknown command '%s' (did you mean '%s'?)\nTry 'golive --help'.\n", cmd, near);
    else
        fprintf(stderr, "golive: unknown command '%s'\nTry 'golive --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}
