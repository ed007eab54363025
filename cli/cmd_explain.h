/* cmd_explain — the `golive explain` subcommand. */
#ifndef GOLIVE_CLI_CMD_EXPLAIN_H
#define GOLIVE_CLI_CMD_EXPLAIN_H

int cli_explain(int argc, char **argv);

#endif
