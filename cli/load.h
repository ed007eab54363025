/* load — a scenario file for a command: every error printed on stderr
 * (file, JSON path, what was expected), NULL if it cannot be used.
 *
 * How large a file may be is the machine's to say: loading takes about
 * LOAD_BYTES_PER_BYTE of memory per byte of JSON (json-c's tree and the
 * scenario; measured on the generated data centres), and a file is read
 * only if that fits in what the machine (its memory, ulimit -v, the cgroup)
 * allows, as the up-front estimate of a batch decides for its runs.
 * --max-input SIZE overrides it. */
#ifndef GOLIVE_CLI_LOAD_H
#define GOLIVE_CLI_LOAD_H

#include <glib.h>
#include <stdbool.h>

#include "models/scenario.h"

#define LOAD_BYTES_PER_BYTE 32.0

/* The largest file a command reads, and why. */
typedef struct {
    size_t max_bytes;
    char *why; /* "this machine has 24 GiB of memory ..." or "--max-input" */
} load_limit;

/* The option every command that reads scenarios takes: --max-input SIZE
 * (arg must outlive the option context). */
#define LOAD_OPTION_ENTRY(arg)                                                                                    \
    { "max-input", 0, 0, G_OPTION_ARG_STRING, (arg),                                                             \
      "Read scenario files of at most SIZE (e.g. 2GiB; default: what this machine's memory can load)", "SIZE" }

/* Sets *lim from --max-input (NULL: from the machine); false after telling
 * stderr "golive CMD: --max-input: ..." when the size is not one. */
bool load_limit_init(load_limit *lim, const char *cmd, const char *max_input);
void load_limit_clear(load_limit *lim);

scenario *load_scenario(const char *path, const load_limit *lim);
/* The same, and the file's text (g_free it): for commands that need the
 * text again (a shard's part, a sweep's base) and must not read a FIFO or
 * standard input twice. */
scenario *load_scenario_keep_text(const char *path, const load_limit *lim, char **text);

#endif
