/* progress — a progress bar on stderr for long batches (Monte Carlo runs,
 * sweep points): done/total, rate and ETA, redrawn at most ten times a
 * second, and only when stderr is a terminal; never in any report. Safe to
 * tick from several threads. */
#ifndef GOLIVE_CLI_PROGRESS_H
#define GOLIVE_CLI_PROGRESS_H

#include <stddef.h>

typedef struct progress progress;

/* NULL (and every call a no-op) unless stderr is a terminal and the batch
 * has at least two items. */
progress *progress_new(const char *what, size_t total);
void progress_tick(progress *p);
/* Sets how much is done (a single run's simulated time, say). */
void progress_set(progress *p, size_t done);
/* Clears the bar. */
void progress_free(progress *p);

#endif
