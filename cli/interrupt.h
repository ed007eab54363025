/* interrupt — SIGINT and SIGTERM. During a long batch the handler only
 * raises a flag, which the simulations check every few thousand events and
 * the batches between runs, so everything stops within a second and the
 * command leaves without a final report (exit 130 or 143). Once the
 * simulations are over (immediate mode) the handler itself removes the
 * temporary files being written and leaves at once with the same status:
 * a signal at any point before the outputs are committed writes nothing. */
#ifndef GOLIVE_CLI_INTERRUPT_H
#define GOLIVE_CLI_INTERRUPT_H

#include <stdbool.h>

/* Installs the handlers; returns the flag (non-zero once interrupted). */
const volatile int *interrupt_install(void);
/* The signal that arrived, 0 if none. */
int interrupt_signal(void);
/* From now on a signal removes the tracked files and exits 128 + signal;
 * with past_too, one that arrived already does so now (without: it was
 * handled, e.g. by writing a partial report). */
void interrupt_immediate(bool past_too);
/* A temporary file to remove if a signal ends the process (at most a few
 * at once; false if there is no room: the caller writes nothing). */
bool interrupt_track(const char *path);
void interrupt_untrack(const char *path);
/* Removes the tracked files and ends the process with status at once
 * (async-signal-safe: also from a failed allocation's log handler). */
void interrupt_abandon(int status);
/* An abort that follows a failed allocation (errno ENOMEM where it was
 * raised: a library asserting on the NULL it got) ends the process with
 * status 2 and a message instead, temporary files removed; any other abort
 * stays one. */
void interrupt_catch_out_of_memory(void);
/* Signals held back while outputs are renamed into place (a commit is
 * all or nothing), then delivered. */
void interrupt_hold(void);
void interrupt_release(void);
/* Outputs were committed (renamed into place or written out): a signal from
 * now on, or one held back during the commit, still ends the process with
 * 128 + signal, but says that what was written is complete instead of
 * "nothing written". */
void interrupt_committed(void);

#endif
