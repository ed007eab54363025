/* cmd_validate — the `golive validate` subcommand. */
#ifndef GOLIVE_CLI_CMD_VALIDATE_H
#define GOLIVE_CLI_CMD_VALIDATE_H

int cli_validate(int argc, char **argv);

#endif
