/* Engine and event queue: order, ties, cancel/reschedule, run-until, stop. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <gsl/gsl_randist.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>

#include "sim/sim.h"

typedef struct {
    int log[64];
    sim_time when[64];
    int n;
    sim_event self[64];
    int mode; /* per-test behaviour of cb_mode */
} rec;

typedef struct {
    rec *r;
    int id;
} tag;

static void cb_log(sim *s, void *arg)
{
    tag *t = arg;
    t->r->when[t->r->n] = sim_now(s);
    t->r->log[t->r->n++] = t->id;
}

Test(engine, ties_run_in_insertion_order)
{
    sim *s = sim_new(1, 0);
    rec r = { 0 };
    tag tags[20];
    /* interleave two instants so insertion order differs from time order */
    for (int i = 0; i < 20; i++) {
        tags[i] = (tag){ &r, i };
        sim_at(s, (i % 2) ? 5 * SIM_S : 3 * SIM_S, cb_log, &tags[i]);
    }
    cr_assert_eq(sim_run(s, SIM_NEVER), SIM_RUN_EMPTY);
    cr_assert_eq(r.n, 20);
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(r.log[i], 2 * i, "slot %d ran %d", i, r.log[i]);
        cr_assert_eq(r.log[10 + i], 2 * i + 1);
        cr_assert_eq(r.when[i], 3 * SIM_S);
    }
    sim_free(s);
}

Test(engine, cancel_pending_and_stale_handles)
{
    sim *s = sim_new(1, 0);
    rec r = { 0 };
    tag a = { &r, 1 }, b = { &r, 2 }, c = { &r, 3 };
    sim_event ea = sim_at(s, 1 * SIM_S, cb_log, &a);
    sim_event eb = sim_at(s, 2 * SIM_S, cb_log, &b);
    cr_assert(sim_pending(s, eb));
    cr_assert(sim_cancel(s, eb));
    cr_assert_not(sim_pending(s, eb));
    cr_assert_not(sim_cancel(s, eb), "second cancel must fail");
    cr_assert_not(sim_reschedule(s, eb, 3 * SIM_S), "reschedule of a cancelled event");
    sim_run(s, SIM_NEVER);
    cr_assert_eq(r.n, 1);
    cr_assert_eq(r.log[0], 1);
    /* ea already fired; its record is reused by the next event: the old
     * handle must not reach the new event. */
    sim_event ec = sim_at(s, 4 * SIM_S, cb_log, &c);
    cr_assert_neq(ea, ec);
    cr_assert_not(sim_cancel(s, ea));
    cr_assert_not(sim_reschedule(s, ea, 10 * SIM_S));
    cr_assert_not(sim_pending(s, ea));
    cr_assert(sim_pending(s, ec));
    sim_run(s, SIM_NEVER);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.log[1], 3);
    cr_assert_eq(r.when[1], 4 * SIM_S);
    cr_assert_not(sim_cancel(s, 0), "0 is never a handle");
    sim_free(s);
}

typedef struct {
    sim_event self;
    int runs;
    int mode;
    bool cancel_result, resched_result;
    sim_time times[8];
} selfref;

static void cb_self(sim *s, void *arg)
{
    selfref *x = arg;
    x->times[x->runs++] = sim_now(s);
    switch (x->mode) {
    case 0: /* cancel itself while running: nothing to cancel */
        x->cancel_result = sim_cancel(s, x->self);
        break;
    case 1: /* periodic: re-arm itself twice */
        if (x->runs < 3)
            x->resched_result = sim_reschedule(s, x->self, sim_now(s) + 2 * SIM_S);
        break;
    case 2: /* re-arm, then change its mind */
        x->resched_result = sim_reschedule(s, x->self, sim_now(s) + SIM_S);
        x->cancel_result = sim_cancel(s, x->self);
        break;
    }
}

Test(engine, cancel_and_reschedule_the_running_event)
{
    for (int mode = 0; mode < 3; mode++) {
        sim *s = sim_new(1, 0);
        selfref x = { .mode = mode };
        x.self = sim_at(s, SIM_S, cb_self, &x);
        sim_run(s, SIM_NEVER);
        if (mode == 0) {
            cr_assert_eq(x.runs, 1);
            cr_assert_not(x.cancel_result, "a running event is not pending");
        } else if (mode == 1) {
            cr_assert_eq(x.runs, 3);
            cr_assert(x.resched_result);
            cr_assert_eq(x.times[1], 3 * SIM_S);
            cr_assert_eq(x.times[2], 5 * SIM_S);
            /* once it has finished, the handle is stale */
            cr_assert_not(sim_reschedule(s, x.self, 9 * SIM_S));
        } else {
            cr_assert_eq(x.runs, 1);
            cr_assert(x.resched_result);
            cr_assert(x.cancel_result, "the re-armed event is pending, so cancel works");
        }
        cr_assert_eq(sim_events_pending(s), 0);
        sim_free(s);
    }
}

Test(engine, reschedule_pending_moves_it_and_counts_as_new_insertion)
{
    sim *s = sim_new(1, 0);
    rec r = { 0 };
    tag a = { &r, 1 }, b = { &r, 2 }, c = { &r, 3 };
    sim_event ea = sim_at(s, 1 * SIM_S, cb_log, &a);
    sim_at(s, 2 * SIM_S, cb_log, &b);
    sim_event ec = sim_at(s, 9 * SIM_S, cb_log, &c);
    cr_assert(sim_reschedule(s, ea, 2 * SIM_S)); /* tie with b, now after it */
    cr_assert(sim_reschedule(s, ec, 500 * SIM_MS));
    sim_run(s, SIM_NEVER);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.log[0], 3);
    cr_assert_eq(r.when[0], 500 * SIM_MS);
    cr_assert_eq(r.log[1], 2);
    cr_assert_eq(r.log[2], 1);
    sim_free(s);
}

Test(engine, run_until_stops_exactly)
{
    sim *s = sim_new(1, 0);
    rec r = { 0 };
    tag t[4] = { { &r, 0 }, { &r, 1 }, { &r, 2 }, { &r, 3 } };
    sim_at(s, 1 * SIM_S, cb_log, &t[0]);
    sim_at(s, 2 * SIM_S, cb_log, &t[1]);
    sim_at(s, 2 * SIM_S + 1, cb_log, &t[2]);
    sim_at(s, 3 * SIM_S, cb_log, &t[3]);
    cr_assert_eq(sim_run(s, 2 * SIM_S), SIM_RUN_UNTIL);
    cr_assert_eq(r.n, 2, "events at <= until run, later ones do not");
    cr_assert_eq(sim_now(s), 2 * SIM_S);
    cr_assert_eq(sim_run(s, 2 * SIM_S), SIM_RUN_UNTIL);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(sim_run(s, 2 * SIM_S + 1), SIM_RUN_UNTIL);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(sim_now(s), 2 * SIM_S + 1);
    cr_assert_eq(sim_run(s, 2500 * SIM_MS), SIM_RUN_UNTIL);
    cr_assert_eq(sim_now(s), 2500 * SIM_MS, "the clock moves to until even without events");
    cr_assert_eq(sim_run(s, SIM_NEVER), SIM_RUN_EMPTY);
    cr_assert_eq(r.n, 4);
    cr_assert_eq(sim_now(s), 3 * SIM_S);
    cr_assert_eq(sim_events_run(s), 4);
    sim_free(s);
}

static void cb_stop(sim *s, void *arg)
{
    cb_log(s, arg);
    sim_stop(s);
}

Test(engine, stop_from_a_callback_and_resume)
{
    sim *s = sim_new(1, 0);
    rec r = { 0 };
    tag t[3] = { { &r, 0 }, { &r, 1 }, { &r, 2 } };
    sim_at(s, 1 * SIM_S, cb_log, &t[0]);
    sim_at(s, 2 * SIM_S, cb_stop, &t[1]);
    sim_at(s, 3 * SIM_S, cb_log, &t[2]);
    cr_assert_eq(sim_run(s, SIM_NEVER), SIM_RUN_STOPPED);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(sim_now(s), 2 * SIM_S);
    cr_assert_eq(sim_run(s, SIM_NEVER), SIM_RUN_EMPTY);
    cr_assert_eq(r.n, 3);
    sim_free(s);
}

static void cb_chain(sim *s, void *arg)
{
    (void)arg;
    sim_after(s, SIM_NS, cb_chain, NULL);
}

Test(engine, max_events_bounds_a_run)
{
    sim *s = sim_new(1, 0);
    sim_set_max_events(s, 1000);
    sim_at(s, 0, cb_chain, NULL);
    cr_assert_eq(sim_run(s, SIM_NEVER), SIM_RUN_MAX_EVENTS);
    cr_assert_eq(sim_events_run(s), 1000);
    cr_assert_eq(sim_now(s), 999);
    sim_free(s);
}

/* 10^6 random events with random cancels and reschedules come out in
 * (time, insertion) order. */
typedef struct {
    sim_time last_t;
    uint64_t last_seq;
    uint64_t seen;
    bool ok;
} order_check;

typedef struct {
    order_check *oc;
    uint64_t seq; /* insertion order, maintained by the test */
    bool cancelled;
} item;

static void cb_order(sim *s, void *arg)
{
    item *it = arg;
    order_check *oc = it->oc;
    sim_time t = sim_now(s);
    if (it->cancelled || t < oc->last_t || (t == oc->last_t && it->seq < oc->last_seq))
        oc->ok = false;
    oc->last_t = t;
    oc->last_seq = it->seq;
    oc->seen++;
}

Test(engine, million_random_events_in_order, .timeout = 120)
{
    const size_t n = 1000000;
    sim *s = sim_new(42, 0);
    gsl_rng *r = sim_stream(s, "test");
    order_check oc = { .ok = true, .last_t = -1 };
    item *items = calloc(n, sizeof *items);
    sim_event *ev = calloc(n, sizeof *ev);
    uint64_t seq = 0, cancelled = 0;
    for (size_t i = 0; i < n; i++) {
        items[i].oc = &oc;
        items[i].seq = seq++;
        /* coarse times so that many ties occur */
        sim_time t = (sim_time)gsl_rng_uniform_int(r, 100000) * SIM_US;
        ev[i] = sim_at(s, t, cb_order, &items[i]);
    }
    for (size_t k = 0; k < n / 10; k++) {
        size_t i = gsl_rng_uniform_int(r, n);
        if (items[i].cancelled)
            continue;
        if (gsl_rng_uniform(r) < 0.5) {
            cr_assert(sim_cancel(s, ev[i]));
            items[i].cancelled = true;
            cancelled++;
        } else {
            items[i].seq = seq++;
            cr_assert(sim_reschedule(s, ev[i], (sim_time)gsl_rng_uniform_int(r, 100000) * SIM_US));
        }
    }
    cr_assert_eq(sim_run(s, SIM_NEVER), SIM_RUN_EMPTY);
    cr_assert(oc.ok, "events out of (time, insertion) order");
    cr_assert_eq(oc.seen, n - cancelled);
    free(items);
    free(ev);
    sim_free(s);
}

/* The queue renumbers its 32-bit sequence before it wraps; ties must keep
 * their insertion order across that. */
Test(engine, sequence_counter_wrap_keeps_tie_order)
{
    evq *q = evq_new();
    int order[40];
    int nord = 0;
    evq_debug_set_next_seq(q, UINT32_MAX - 20);
    for (int i = 0; i < 40; i++)
        evq_push(q, 100 + (i % 3), NULL, (void *)(intptr_t)i);
    sim_time tt, prev = -1;
    evq_fn fn;
    void *arg;
    evq_handle h;
    while (evq_pop(q, &tt, &fn, &arg, &h)) {
        cr_assert_geq(tt, prev);
        prev = tt;
        order[nord++] = (int)(intptr_t)arg;
        evq_done(q, h);
    }
    cr_assert_eq(nord, 40);
    /* Same instant -> increasing insertion index. */
    for (int k = 1; k < 40; k++)
        if ((order[k] % 3) == (order[k - 1] % 3))
            cr_assert_gt(order[k], order[k - 1], "tie order broken across the wrap");
    evq_free(q);
}

Test(engine, time_helpers)
{
    cr_assert_eq(sim_from_s(1.5), 1500 * SIM_MS);
    cr_assert_eq(sim_from_s(1e-9), 1);
    cr_assert_eq(sim_from_s(1e300), SIM_NEVER);
    cr_assert_eq(sim_from_s(NAN), SIM_NEVER);
    cr_assert_eq(sim_time_add(SIM_NEVER - 1, 5), SIM_NEVER);
    cr_assert_float_eq(sim_to_s(SIM_HOUR), 3600.0, 1e-12);
    char buf[32];
    cr_assert_str_eq(sim_time_format(12345 * SIM_MS + 999, buf, sizeof buf), "12.345s");
    cr_assert_str_eq(sim_time_format(SIM_NEVER, buf, sizeof buf), "never");
    cr_assert_eq(SIM_YEAR, (sim_time)31557600 * 1000000000);
}

/* Heavy rescheduling leaves garbage keys behind; they are swept and never
 * run, and the survivors still come out in order. */
Test(engine, garbage_from_reschedules_is_swept)
{
    const int n = 5000;
    sim *s = sim_new(3, 0);
    gsl_rng *r = sim_stream(s, "t");
    order_check oc = { .ok = true, .last_t = -1 };
    item *items = calloc(n, sizeof *items);
    sim_event *ev = calloc(n, sizeof *ev);
    uint64_t seq = 0;
    for (int i = 0; i < n; i++) {
        items[i] = (item){ &oc, seq++, false };
        ev[i] = sim_at(s, (sim_time)gsl_rng_uniform_int(r, 1000000), cb_order, &items[i]);
    }
    for (int round = 0; round < 6; round++)
        for (int i = 0; i < n; i++) {
            items[i].seq = seq++;
            cr_assert(sim_reschedule(s, ev[i], (sim_time)gsl_rng_uniform_int(r, 1000000)));
        }
    for (int i = 0; i < n; i += 2) {
        cr_assert(sim_cancel(s, ev[i]));
        items[i].cancelled = true;
    }
    cr_assert_eq(sim_events_pending(s), (size_t)n / 2);
    sim_run(s, SIM_NEVER);
    cr_assert(oc.ok);
    cr_assert_eq(oc.seen, (uint64_t)n / 2);
    free(items);
    free(ev);
    sim_free(s);
}

static void quiet(void)
{
    cr_redirect_stdout();
    cr_redirect_stderr();
}

Test(engine, scheduling_into_the_past_is_a_bug, .signal = SIGABRT, .init = quiet)
{
    sim *s = sim_new(1, 0);
    sim_run(s, 5 * SIM_S);
    sim_at(s, SIM_S, cb_chain, NULL);
}

/* sim_run(until) peeks at the next event beyond until; an event scheduled
 * afterwards between now and that event must still run first. */
Test(engine, schedule_between_until_and_the_next_event)
{
    sim *s = sim_new(1, 0);
    rec r = { 0 };
    tag a = { &r, 1 }, b = { &r, 2 }, c = { &r, 3 };
    sim_at(s, 10 * SIM_S, cb_log, &a);
    cr_assert_eq(sim_run(s, 5 * SIM_S), SIM_RUN_UNTIL);
    sim_at(s, 6 * SIM_S, cb_log, &b);
    sim_at(s, 5 * SIM_S, cb_log, &c);
    sim_run(s, SIM_NEVER);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.log[0], 3);
    cr_assert_eq(r.log[1], 2);
    cr_assert_eq(r.log[2], 1);
    cr_assert_eq(r.when[0], 5 * SIM_S);
    sim_free(s);
}

/* The queue against a plain list under random pushes, cancels, reschedules,
 * peeks and pops bounded by `until` (as the engine stops and goes on), with
 * bursts that land inside the entries due next (the sorted run in front of
 * the radix heap, up to its spill back into the buckets) and pushes after a
 * peek that raised the base. The list's minimum on (time, insertion) is the
 * answer every pop must give. */
typedef struct {
    sim_time t;
    uint64_t order; /* insertion order, a reschedule counts as new */
    evq_handle h;
    bool pending;
} ref_ev;

static sim_time ref_min(const ref_ev *v, size_t n, size_t *at)
{
    sim_time best = SIM_NEVER;
    uint64_t bo = UINT64_MAX;
    for (size_t i = 0; i < n; i++)
        if (v[i].pending && (v[i].t < best || (v[i].t == best && v[i].order < bo))) {
            best = v[i].t;
            bo = v[i].order;
            *at = i;
        }
    return best;
}

Test(engine, queue_matches_a_reference_under_random_operations, .timeout = 120)
{
    const size_t cap = 3000;
    ref_ev *v = calloc(cap, sizeof *v);
    size_t n = 0, npend = 0;
    uint64_t order = 0;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    evq *q = evq_new();
    /* cross the sequence wrap on the way */
    evq_debug_set_next_seq(q, UINT32_MAX - 50000);
    sim_time floor = 0;
    size_t pops = 0;
    for (int op = 0; op < 300000; op++) {
        double u = gsl_rng_uniform(r);
        int burst = (op % 20000) < 1500; /* pushes into the next few pops' span */
        if ((u < 0.45 || burst) && n < cap) {
            sim_time t;
            double w = gsl_rng_uniform(r);
            if (burst)
                t = floor + (sim_time)gsl_rng_uniform_int(r, 64);
            else if (w < 0.2)
                t = floor; /* a tie with the present */
            else if (w < 0.9)
                t = floor + (sim_time)gsl_rng_uniform_int(r, 5000);
            else
                t = floor + (sim_time)gsl_rng_uniform_int(r, 1u << 30);
            v[n] = (ref_ev){ t, order++, 0, true };
            v[n].h = evq_push(q, t, NULL, (void *)(uintptr_t)n);
            n++;
            npend++;
        } else if (u < 0.52 && n) {
            size_t i = gsl_rng_uniform_int(r, n);
            cr_assert_eq(evq_cancel(q, v[i].h), v[i].pending);
            npend -= v[i].pending;
            v[i].pending = false;
        } else if (u < 0.6 && n) {
            size_t i = gsl_rng_uniform_int(r, n);
            if (v[i].pending) {
                v[i].t = floor + (sim_time)gsl_rng_uniform_int(r, 3000);
                v[i].order = order++;
                cr_assert(evq_reschedule(q, v[i].h, v[i].t));
            }
        } else if (u < 0.65) {
            size_t at = 0;
            cr_assert_eq(evq_peek_time(q), ref_min(v, n, &at));
        } else {
            size_t at = 0;
            sim_time want = ref_min(v, n, &at);
            /* sometimes a bound before the next event: nothing pops */
            sim_time until = gsl_rng_uniform(r) < 0.1 && want != SIM_NEVER ? want - 1 : SIM_NEVER;
            sim_time t;
            evq_fn fn;
            void *arg;
            evq_handle h;
            bool got = evq_pop_due(q, until, &t, &fn, &arg, &h);
            cr_assert_eq(got, want != SIM_NEVER && want <= until);
            if (got) {
                cr_assert_eq(t, want);
                cr_assert_eq((size_t)(uintptr_t)arg, at, "pop %zu: item %zu, want %zu at t=%" PRId64, pops,
                             (size_t)(uintptr_t)arg, at, want);
                v[at].pending = false;
                npend--;
                evq_done(q, h);
                floor = t;
                pops++;
            }
        }
        /* recycle the list's slots once everything in it is done */
        if (n == cap && npend == 0)
            n = 0;
        cr_assert_eq(evq_size(q), npend);
    }
    cr_assert_gt(pops, 50000);
    evq_free(q);
    gsl_rng_free(r);
    free(v);
}

/* A peek raises the queue's base to the next event; pushes may still land
 * before it (the engine stopped at `until` and the model goes on), many of
 * them, in any order and with ties: they must come out in (time, insertion)
 * order before it. */
Test(engine, many_pushes_before_a_peeked_event_keep_order)
{
    const size_t n = 3001;
    ref_ev *v = calloc(n, sizeof *v);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    evq *q = evq_new();
    v[0] = (ref_ev){ 1000000, 0, evq_push(q, 1000000, NULL, (void *)(uintptr_t)0), true };
    cr_assert_eq(evq_peek_time(q), 1000000);
    for (size_t i = 1; i < n; i++) {
        sim_time t = 1000 * (sim_time)gsl_rng_uniform_int(r, 1001);
        v[i] = (ref_ev){ t, i, evq_push(q, t, NULL, (void *)(uintptr_t)i), true };
        if (i % 500 == 0) {
            size_t at = 0;
            cr_assert_eq(evq_peek_time(q), ref_min(v, i + 1, &at));
        }
    }
    for (size_t k = 0; k < n; k++) {
        size_t at = 0;
        sim_time want = ref_min(v, n, &at), t;
        evq_fn fn;
        void *arg;
        evq_handle h;
        cr_assert(evq_pop(q, &t, &fn, &arg, &h));
        cr_assert_eq(t, want);
        cr_assert_eq((size_t)(uintptr_t)arg, at);
        v[at].pending = false;
        evq_done(q, h);
    }
    cr_assert_eq(evq_size(q), 0);
    evq_free(q);
    gsl_rng_free(r);
    free(v);
}
