/* sim — engine loop over evq. */
#include "sim/sim.h"

#include <glib.h>

struct sim {
    sim_time now;
    evq *q;
    bool stopped;
    uint64_t nevents, max_events, reversals;
    const volatile int *cancel;
    bool idle_stop;     /* sim_set_idle */
    sim_progress_fn progress;
    void *progress_arg;
    size_t idle_background;
    rng_streams *rng;
    trace *tr;
};

sim *sim_new(uint64_t seed, uint64_t run)
{
    sim *s = g_new0(sim, 1);
    s->q = evq_new();
    s->rng = rng_streams_new(seed, run);
    s->tr = trace_new();
    return s;
}

void sim_free(sim *s)
{
    if (!s)
        return;
    evq_free(s->q);
    rng_streams_free(s->rng);
    trace_free(s->tr);
    g_free(s);
}

sim_time sim_now(const sim *s) { return s->now; }

sim_event sim_at(sim *s, sim_time t, sim_event_fn fn, void *arg)
{
    /* Scheduling into the past is a model bug, not an input error. */
    g_assert(t >= s->now);
    return evq_push(s->q, t, fn, arg);
}

sim_event sim_after(sim *s, sim_time dt, sim_event_fn fn, void *arg)
{
    g_assert(dt >= 0);
    return evq_push(s->q, sim_time_add(s->now, dt), fn, arg);
}

bool sim_cancel(sim *s, sim_event ev) { return evq_cancel(s->q, ev); }

bool sim_reschedule(sim *s, sim_event ev, sim_time t)
{
    g_assert(t >= s->now);
    return evq_reschedule(s->q, ev, t);
}

bool sim_pending(const sim *s, sim_event ev) { return evq_pending(s->q, ev); }

void sim_stop(sim *s) { s->stopped = true; }

void sim_set_max_events(sim *s, uint64_t max_events) { s->max_events = max_events; }

void sim_set_idle(sim *s, bool on, size_t background)
{
    s->idle_stop = on;
    s->idle_background = background;
}
void sim_set_cancel(sim *s, const volatile int *flag) { s->cancel = flag; }

void sim_set_progress(sim *s, sim_progress_fn fn, void *arg)
{
    s->progress = fn;
    s->progress_arg = arg;
}
uint64_t sim_time_reversals(const sim *s) { return s->reversals; }
uint64_t sim_events_run(const sim *s) { return s->nevents; }
size_t sim_events_pending(const sim *s) { return evq_size(s->q); }

sim_run_result sim_run(sim *s, sim_time until)
{
    s->stopped = false;
    for (;;) {
        if (s->idle_stop && evq_size(s->q) <= s->idle_background)
            return SIM_RUN_EMPTY;
        if ((s->nevents & 4095) == 0) {
            if (s->cancel && *s->cancel)
                return SIM_RUN_CANCELLED;
            if (s->progress)
                s->progress(s->progress_arg, s->now);
        }
        if (s->max_events && s->nevents >= s->max_events && evq_peek_time(s->q) <= until)
            return SIM_RUN_MAX_EVENTS;
        sim_time t;
        sim_event_fn fn;
        void *arg;
        evq_handle h;
        if (!evq_pop_due(s->q, until, &t, &fn, &arg, &h)) {
            if (until == SIM_NEVER)
                return SIM_RUN_EMPTY;
            s->now = until > s->now ? until : s->now;
            return SIM_RUN_UNTIL;
        }
        if (t < s->now)
            s->reversals++;
        s->now = t;
        s->nevents++;
        fn(s, arg);
        evq_done(s->q, h);
        if (s->stopped)
            return SIM_RUN_STOPPED;
    }
}

rng_streams *sim_rng(sim *s) { return s->rng; }
gsl_rng *sim_stream(sim *s, const char *name) { return rng_stream(s->rng, name); }
trace *sim_trace(sim *s) { return s->tr; }
