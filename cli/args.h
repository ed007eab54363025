/* args — checks of the options several commands share (--seed, --runs,
 * --threads), so that a value out of range is refused, never replaced by
 * the default. */
#ifndef GOLIVE_CLI_ARGS_H
#define GOLIVE_CLI_ARGS_H

#include <glib.h>
#include <stdbool.h>

/* What an option holds when it was not given. */
#define ARGS_UNSET G_MININT64
#define ARGS_UNSET_INT G_MININT

/* Checks --seed (>= 0), --runs (>= 1) and --threads (>= 0, 0 = all cores),
 * each unless unset (ARGS_UNSET / ARGS_UNSET_INT); prints the first bad one
 * after "golive CMD: " and returns false. */
bool args_check(const char *cmd, gint64 seed, int runs, int threads);

#endif
