/* golive validate FILE... — check scenario files and print every error. */
#include "cli/cmd_validate.h"

#include <glib.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/load.h"
#include "models/lint.h"
#include "models/scenario.h"

int cli_validate(int argc, char **argv)
{
    gboolean quiet = FALSE;
    g_autofree gchar *max_input = NULL;
    GOptionEntry entries[] = {
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing for files without errors", NULL },
        LOAD_OPTION_ENTRY(&max_input),
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE...");
    g_option_context_set_summary(ctx, "Check scenario files and print every error found in each.");
    g_option_context_set_description(ctx, CLI_EXIT_HELP);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "golive validate: %s\n", err->message);
        return CLI_EXIT_USAGE;
    }
    if (argc < 2) {
        fprintf(stderr, "golive validate: no scenario file given\nUsage: golive validate FILE...\n");
        return CLI_EXIT_USAGE;
    }
    load_limit lim;
    if (!load_limit_init(&lim, "validate", max_input))
        return CLI_EXIT_USAGE;
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        g_autoptr(scenario) s = load_scenario(argv[i], &lim);
        if (!s) {
            bad++;
            continue;
        }
        if (!quiet)
            printf("%s: ok (%zu network%s, %zu host%s, %zu VM%s, %zu event%s, %zu failure class%s)\n", argv[i],
                   s->nnetworks, s->nnetworks == 1 ? "" : "s", s->nhosts, s->nhosts == 1 ? "" : "s", s->nvms,
                   s->nvms == 1 ? "" : "s", s->nevents, s->nevents == 1 ? "" : "s", s->nfailures,
                   s->nfailures == 1 ? "" : "es");
        g_autoptr(GPtrArray) risks = g_ptr_array_new_with_free_func(g_free);
        lint_scenario(s, risks);
        for (guint k = 0; k < risks->len; k++)
            fprintf(stderr, "%s: warning: %s\n", argv[i], (char *)g_ptr_array_index(risks, k));
    }
    load_limit_clear(&lim);
    if (bad && argc > 2)
        fprintf(stderr, "golive validate: %d of %d files have errors\n", bad, argc - 1);
    return bad ? CLI_EXIT_USAGE : CLI_EXIT_OK;
}
