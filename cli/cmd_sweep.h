/* cmd_sweep — the `golive sweep` subcommand. */
#ifndef GOLIVE_CLI_CMD_SWEEP_H
#define GOLIVE_CLI_CMD_SWEEP_H

int cli_sweep(int argc, char **argv);

#endif
