/* cmd_sweep — the `golive sweep` subcommand. */
#ifndef GOLIVE_CLI_CMD_SWEEP_H
#define GOLIVE_CLI_CMD_SWEEP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

int cli_sweep(int argc, char **argv);

/* Whether a part file (parsed) was written by `golive sweep --shard`. */
bool cli_sweep_is_part(json_object *part);
/* `golive merge` of sweep parts: checks that they are the shards of one sweep,
 * each point once, and writes the report (plots, page) one process would
 * have written. Returns the exit status. */
int cli_sweep_merge(json_object **parts, const char *const *paths, size_t n, const char *json_path,
                    const char *csv_path, const char *plots_dir, const char *plot_format, bool quiet,
                    const char *html_path, const char *command);

#endif
