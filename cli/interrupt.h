/* interrupt — SIGINT and SIGTERM during a long batch: the handler only
 * raises a flag, which the simulations check every few thousand events and
 * the batches between runs, so everything stops within a second and the
 * command leaves without a final report (exit 130 or 143). */
#ifndef GOLIVE_CLI_INTERRUPT_H
#define GOLIVE_CLI_INTERRUPT_H

/* Installs the handlers; returns the flag (non-zero once interrupted). */
const volatile int *interrupt_install(void);
/* The signal that arrived, 0 if none. */
int interrupt_signal(void);

#endif
