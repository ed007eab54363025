/* cmd_compare — the `golive compare` subcommand. */
#ifndef GOLIVE_CLI_CMD_COMPARE_H
#define GOLIVE_CLI_CMD_COMPARE_H

int cli_compare(int argc, char **argv);

#endif
