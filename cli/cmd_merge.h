/* cmd_merge — the `golive merge` subcommand. */
#ifndef GOLIVE_CLI_CMD_MERGE_H
#define GOLIVE_CLI_CMD_MERGE_H

int cli_merge(int argc, char **argv);

#endif
