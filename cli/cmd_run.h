/* cmd_run — the `golive run` subcommand. */
#ifndef GOLIVE_CLI_CMD_RUN_H
#define GOLIVE_CLI_CMD_RUN_H

int cli_run(int argc, char **argv);

#endif
