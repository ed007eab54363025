/* cmd_explain — the `golive explain` subcommand. */
#ifndef GOLIVE_CLI_CMD_EXPLAIN_H
#define GOLIVE_CLI_CMD_EXPLAIN_H

#include <glib.h>

#include "models/scenario.h"

int cli_explain(int argc, char **argv);
/* One run's story as `golive explain` tells it (sc's until must be set);
 * NULL and *err if the run cannot start. g_free it. */
char *explain_text(const scenario *sc, int run, GError **err);

#endif
