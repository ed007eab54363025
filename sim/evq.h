/* evq — the pending-event set: a monotone priority queue (radix heap) of
 * (time, sequence) keys over a pool of event records, with cancel and
 * reschedule by handle (O(1) and one push, amortised).
 *
 * Ties on time are broken by insertion sequence, so events scheduled for the
 * same instant run in the order they were scheduled (a reschedule counts as a
 * new insertion). Records come from a free-list pool: no malloc per event.
 * Handles carry a generation, so a stale handle (an event that already ran or
 * was cancelled) is recognised and ignored instead of touching a reused record. */
#ifndef GOLIVE_SIM_EVQ_H
#define GOLIVE_SIM_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/simtime.h"

typedef struct evq evq;
/* 0 is never a valid handle. */
typedef uint64_t evq_handle;
/* The engine's callback type (sim.h: sim_event_fn); declared here so that the
 * queue stores it without casts. */
struct sim;
typedef void (*evq_fn)(struct sim *s, void *arg);

/* Allocates an empty queue. */
evq *evq_new(void);
void evq_free(evq *q);

/* Adds an event; returns its handle. The queue is monotone: t must not be
 * earlier than the last event popped. */
evq_handle evq_push(evq *q, sim_time t, evq_fn fn, void *arg);

/* Removes a pending event. False if h is not pending (already ran, cancelled,
 * running now, or never existed). */
bool evq_cancel(evq *q, evq_handle h);

/* Moves a pending event to time t, or re-arms the event that is running now
 * (see evq_pop). False for stale handles. */
bool evq_reschedule(evq *q, evq_handle h, sim_time t);

/* True while h waits in the queue. */
bool evq_pending(const evq *q, evq_handle h);

/* Time of the earliest pending event; SIM_NEVER when empty. */
sim_time evq_peek_time(evq *q);

size_t evq_size(const evq *q);

/* Takes the earliest event out of the heap and marks it running: its record
 * stays valid (and can be re-armed with evq_reschedule) until evq_done().
 * Returns false when empty. */
bool evq_pop(evq *q, sim_time *t, evq_fn *fn, void **arg, evq_handle *h);

/* evq_pop, but only an event due at or before until (one look at the queue
 * instead of peek + pop: the engine's hot path). */
bool evq_pop_due(evq *q, sim_time until, sim_time *t, evq_fn *fn, void **arg, evq_handle *h);

/* Ends the running event h: frees its record unless it was re-armed. */
void evq_done(evq *q, evq_handle h);

/* Test hook: the 32-bit sequence counter is renumbered before it wraps; this
 * moves the counter so that tests can cross the wrap quickly. */
void evq_debug_set_next_seq(evq *q, uint32_t next);

#endif
