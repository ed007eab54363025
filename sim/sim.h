/* sim — the discrete-event engine of one run.
 *
 * A sim owns everything of one run: the clock, the pending events, the
 * run's random-number streams and its trace. There is no global state, so
 * independent sims can run in parallel threads. */
#ifndef GOLIVE_SIM_SIM_H
#define GOLIVE_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/evq.h"
#include "sim/rng.h"
#include "sim/simtime.h"
#include "sim/trace.h"

typedef struct sim sim;
typedef evq_fn sim_event_fn;     /* void fn(sim *s, void *arg) */
typedef evq_handle sim_event;    /* 0 = no event */

typedef enum {
    SIM_RUN_EMPTY,      /* no event left (run until SIM_NEVER), or only background ones (sim_set_idle) */
    SIM_RUN_UNTIL,      /* reached the requested time; the clock is there */
    SIM_RUN_STOPPED,    /* a callback called sim_stop() */
    SIM_RUN_MAX_EVENTS, /* the event budget (sim_set_max_events) ran out */
    SIM_RUN_CANCELLED,  /* the cancel flag (sim_set_cancel) was raised */
} sim_run_result;

/* Allocates a sim at time 0 whose streams derive from (seed, run). */
sim *sim_new(uint64_t seed, uint64_t run);
void sim_free(sim *s);

sim_time sim_now(const sim *s);

/* Schedules fn(s, arg) at absolute time t (>= now) or after dt (>= 0).
 * Events at equal times run in the order they were scheduled. */
sim_event sim_at(sim *s, sim_time t, sim_event_fn fn, void *arg);
sim_event sim_after(sim *s, sim_time dt, sim_event_fn fn, void *arg);

/* Cancels a pending event; false if it is not pending (it already ran, is
 * running now, or was cancelled). */
bool sim_cancel(sim *s, sim_event ev);
/* Moves a pending event to t, or re-arms the event that is running now (a
 * periodic timer reschedules itself). False for an event that is gone. */
bool sim_reschedule(sim *s, sim_event ev, sim_time t);
bool sim_pending(const sim *s, sim_event ev);

/* Runs events with time <= until (SIM_NEVER: until none is left). */
sim_run_result sim_run(sim *s, sim_time until);
/* From inside a callback: sim_run returns once the callback does. */
void sim_stop(sim *s);

/* Called every few thousand events with the clock (for a progress display;
 * it must not touch the sim). NULL: none. */
typedef void (*sim_progress_fn)(void *arg, sim_time now);
void sim_set_progress(sim *s, sim_progress_fn fn, void *arg);

/* With on, sim_run returns SIM_RUN_EMPTY, the clock left at the last event
 * run, as soon as no more than `background` events are pending: those of
 * timers that only re-arm themselves (a sampler), so that nothing else can
 * ever happen. */
void sim_set_idle(sim *s, bool on, size_t background);

/* Bounds the number of events one sim may run in total (0: no bound). */
void sim_set_max_events(sim *s, uint64_t max_events);
/* A flag (set from a signal handler, say) checked every few thousand events:
 * when it is non-zero sim_run returns SIM_RUN_CANCELLED. NULL: none. */
void sim_set_cancel(sim *s, const volatile int *flag);
/* Events that ran at a time before the one before them: always 0 unless the
 * queue is broken (an invariant checked by tests and `golive run --check`). */
uint64_t sim_time_reversals(const sim *s);
uint64_t sim_events_run(const sim *s);
size_t sim_events_pending(const sim *s);

rng_streams *sim_rng(sim *s);
gsl_rng *sim_stream(sim *s, const char *name);
trace *sim_trace(sim *s);

#endif
