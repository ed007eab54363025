/* cli — shared definitions of the golive command line. */
#ifndef GOLIVE_CLI_CLI_H
#define GOLIVE_CLI_CLI_H

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAILURE = 1, /* internal failure, or a command not available */
    CLI_EXIT_USAGE = 2,   /* bad usage or bad scenario; nothing written */
};

/* Every command's --help ends with this. */
#define CLI_EXIT_HELP                                                                                                \
    "Exit status: 0 success; 1 internal failure (or invariant violations with --check); 2 bad usage or bad "       \
    "scenario, nothing written; 130 or 143 interrupted by SIGINT or SIGTERM, nothing written."

#endif
