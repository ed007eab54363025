/* args — shared option checks. */
#include "cli/args.h"

#include <stdio.h>


bool args_check(const char *cmd, gint64 seed, int runs, int threads)
{
    if (seed != ARGS_UNSET && seed < 0) {
        fprintf(stderr, "golive %s: --seed: expected an integer >= 0, not %" G_GINT64_FORMAT "\n", cmd, seed);
        return false;
    }
    if (runs != ARGS_UNSET_INT && runs < 1) {
        fprintf(stderr, "golive %s: --runs: expected an integer >= 1, not %d\n", cmd, runs);
        return false;
    }
    if (threads != ARGS_UNSET_INT && threads < 0) {
        fprintf(stderr, "golive %s: --threads: expected an integer >= 0 (0: all cores), not %d\n", cmd, threads);
        return false;
    }
    return true;
}
