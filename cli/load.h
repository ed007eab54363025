/* load — a scenario file for a command: every error printed on stderr
 * (file, JSON path, what was expected), NULL if it cannot be used. */
#ifndef GOLIVE_CLI_LOAD_H
#define GOLIVE_CLI_LOAD_H

#include "models/scenario.h"

scenario *load_scenario(const char *path);
/* The same, and the file's text (g_free it): for commands that need the
 * text again (a shard's part, a sweep's base) and must not read a FIFO or
 * standard input twice. */
scenario *load_scenario_keep_text(const char *path, char **text);

#endif
