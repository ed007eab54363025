/* cmd_capacity — the `golive capacity` subcommand. */
#ifndef GOLIVE_CLI_CMD_CAPACITY_H
#define GOLIVE_CLI_CMD_CAPACITY_H

int cli_capacity(int argc, char **argv);

#endif
