/* Fluid flow network: max-min rates, exact completion times, cuts,
 * background load, TCP window, incremental re-rating. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "sim/flow.h"

#define MB 1e6

typedef struct {
    sim_time at;
    int calls;
    double sent_at_done;
} done_rec;

static void on_done(flow_net *net, flow *f, void *arg)
{
    done_rec *d = arg;
    d->at = sim_now(flow_net_sim(net));
    d->calls++;
    d->sent_at_done = flow_sent(net, f);
}

typedef struct {
    sim *s;
    flow_net *net;
} world;

static world mk(void)
{
    world w;
    w.s = sim_new(1, 0);
    w.net = flow_net_new(w.s);
    return w;
}

static void rm(world w)
{
    flow_net_free(w.net);
    sim_free(w.s);
}

#define RATE_EQ(net, f, v) cr_assert_float_eq(flow_rate(net, f), (v), 1e-6 * (v) + 1e-9, \
                                              "rate %.9g, expected %.9g", flow_rate(net, f), (double)(v))

Test(flow, two_equal_flows_share_a_link)
{
    world w = mk();
    flow_link *l = flow_link_new(w.net, "l", 100 * MB, 0);
    flow *a = flow_start(w.net, &l, 1, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, a, 100 * MB);
    flow *b = flow_start(w.net, &l, 1, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, a, 50 * MB);
    RATE_EQ(w.net, b, 50 * MB);
    cr_assert_float_eq(flow_link_utilisation(w.net, l), 1.0, 1e-12);
    cr_assert_float_eq(flow_link_flow_rate(w.net, l), 100 * MB, 1e-3);
    rm(w);
}

/* Bertsekas & Gallager, Data Networks (2nd ed.), section 6.5.2: max-min
 * fairness. Links L1 (capacity 1) and L2 (capacity 2); flow 0 crosses both,
 * flow 1 only L1, flow 2 only L2. L1 is the bottleneck of flows 0 and 1
 * (1/2 each); flow 2 takes the rest of L2: 3/2. With equal capacities the
 * classic answer is 1/2 for all three. */
Test(flow, classic_two_link_three_flow_example)
{
    world w = mk();
    flow_link *l1 = flow_link_new(w.net, "L1", 1 * MB, 0);
    flow_link *l2 = flow_link_new(w.net, "L2", 2 * MB, 0);
    flow_link *both[2] = { l1, l2 };
    flow *f0 = flow_start(w.net, both, 2, INFINITY, NULL, NULL, NULL);
    flow *f1 = flow_start(w.net, &l1, 1, INFINITY, NULL, NULL, NULL);
    flow *f2 = flow_start(w.net, &l2, 1, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, f0, 0.5 * MB);
    RATE_EQ(w.net, f1, 0.5 * MB);
    RATE_EQ(w.net, f2, 1.5 * MB);
    flow_link_set_capacity(w.net, l2, 1 * MB);
    RATE_EQ(w.net, f0, 0.5 * MB);
    RATE_EQ(w.net, f1, 0.5 * MB);
    RATE_EQ(w.net, f2, 0.5 * MB);
    rm(w);
}

Test(flow, capped_flow_leaves_its_share_to_others)
{
    world w = mk();
    flow_link *l = flow_link_new(w.net, "l", 100 * MB, 0);
    flow *a = flow_start(w.net, &l, 1, INFINITY, &(flow_params){ .cap_Bps = 20 * MB }, NULL, NULL);
    flow *b = flow_start(w.net, &l, 1, INFINITY, NULL, NULL, NULL);
    flow *c = flow_start(w.net, &l, 1, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, a, 20 * MB);
    RATE_EQ(w.net, b, 40 * MB);
    RATE_EQ(w.net, c, 40 * MB);
    flow_set_cap(w.net, a, 0); /* lift the cap */
    RATE_EQ(w.net, a, 100 * MB / 3);
    flow_set_cap(w.net, b, 10 * MB);
    RATE_EQ(w.net, a, 45 * MB);
    RATE_EQ(w.net, c, 45 * MB);
    rm(w);
}

Test(flow, weights_split_in_proportion)
{
    world w = mk();
    flow_link *l = flow_link_new(w.net, "l", 100 * MB, 0);
    flow *a = flow_start(w.net, &l, 1, INFINITY, &(flow_params){ .weight = 1 }, NULL, NULL);
    flow *b = flow_start(w.net, &l, 1, INFINITY, &(flow_params){ .weight = 3 }, NULL, NULL);
    RATE_EQ(w.net, a, 25 * MB);
    RATE_EQ(w.net, b, 75 * MB);
    /* a weight-3 flow capped below its share gives the rest back */
    flow_set_cap(w.net, b, 60 * MB);
    RATE_EQ(w.net, a, 40 * MB);
    flow_set_weight(w.net, a, 4);
    flow_set_cap(w.net, b, 0);
    RATE_EQ(w.net, a, 400 * MB / 7);
    rm(w);
}

/* Flow A (1 GB) starts alone on a 1 GB/s link at t = 0. At 0.3 s flow B
 * (100 MB) joins: 500 MB/s each. B ends at 0.3 + 0.1e9/0.5e9 = 0.5 s; A has
 * sent 0.3e9 + 0.1e9 = 0.4e9 and is capped to 300 MB/s at 0.5 s: the rest,
 * 0.6e9 B, takes 2 s -> A completes at exactly 2.5 s. */
typedef struct {
    world w;
    flow_link *l;
    flow *a;
    done_rec *db;
} midflight;

static void start_b(sim *s, void *arg)
{
    (void)s;
    midflight *m = arg;
    flow_start(m->w.net, &m->l, 1, 100 * MB, NULL, on_done, m->db);
}

static void cap_a(sim *s, void *arg)
{
    (void)s;
    midflight *m = arg;
    flow_set_cap(m->w.net, m->a, 300 * MB);
}

Test(flow, completion_exact_when_rates_change_mid_flight)
{
    midflight m;
    m.w = mk();
    done_rec da = { 0 }, db = { 0 };
    m.db = &db;
    m.l = flow_link_new(m.w.net, "l", 1000 * MB, 0);
    m.a = flow_start(m.w.net, &m.l, 1, 1000 * MB, NULL, on_done, &da);
    sim_at(m.w.s, 300 * SIM_MS, start_b, &m);
    sim_at(m.w.s, 500 * SIM_MS, cap_a, &m);
    sim_run(m.w.s, SIM_NEVER);
    cr_assert_eq(db.at, 500 * SIM_MS, "B done at %lld", (long long)db.at);
    cr_assert_eq(da.at, 2500 * SIM_MS, "A done at %lld", (long long)da.at);
    cr_assert_eq(da.calls, 1);
    cr_assert_float_eq(da.sent_at_done, 1000 * MB, 0);
    rm(m.w);
}

/* 1000 B at 3 B/s: 333.333...s; the event goes to the next whole
 * nanosecond, 333333333334 ns. A 1 ms path latency delays delivery. */
Test(flow, completion_rounds_up_to_the_nanosecond_and_adds_latency)
{
    world w = mk();
    done_rec d = { 0 };
    flow_link *l = flow_link_new(w.net, "l", 3, 0);
    flow_start(w.net, &l, 1, 1000, NULL, on_done, &d);
    sim_run(w.s, SIM_NEVER);
    cr_assert_eq(d.at, 333333333334LL);
    rm(w);

    w = mk();
    done_rec d2 = { 0 };
    flow_link *a = flow_link_new(w.net, "a", 1 * MB, 400 * SIM_US);
    flow_link *b = flow_link_new(w.net, "b", 2 * MB, 600 * SIM_US);
    flow_link *p[2] = { a, b };
    flow_start(w.net, p, 2, 1 * MB, NULL, on_done, &d2);
    sim_run(w.s, SIM_NEVER);
    cr_assert_eq(d2.at, SIM_S + SIM_MS, "1 s of sending + 1 ms latency");
    rm(w);
}

/* 1000 B over a 100 B/s link; cut at 3 s, restored at 10 s: 300 B sent
 * before, 700 B after -> done at 17 s, every byte counted once. */
typedef struct {
    world w;
    flow_link *l;
    flow *f;
    double sent_at_cut, sent_during_cut;
    bool stalled;
} cutter;

static void do_cut(sim *s, void *arg)
{
    (void)s;
    cutter *c = arg;
    flow_link_set_capacity(c->w.net, c->l, 0);
    c->sent_at_cut = flow_sent(c->w.net, c->f);
}

static void check_cut(sim *s, void *arg)
{
    (void)s;
    cutter *c = arg;
    c->sent_during_cut = flow_sent(c->w.net, c->f);
    c->stalled = flow_stalled(c->w.net, c->f);
}

static void do_restore(sim *s, void *arg)
{
    (void)s;
    cutter *c = arg;
    flow_link_set_capacity(c->w.net, c->l, 100);
}

Test(flow, cut_link_stalls_and_restore_resumes_without_loss)
{
    cutter c;
    c.w = mk();
    done_rec d = { 0 };
    c.l = flow_link_new(c.w.net, "l", 100, 0);
    c.f = flow_start(c.w.net, &c.l, 1, 1000, NULL, on_done, &d);
    sim_at(c.w.s, 3 * SIM_S, do_cut, &c);
    sim_at(c.w.s, 7 * SIM_S, check_cut, &c);
    sim_at(c.w.s, 10 * SIM_S, do_restore, &c);
    sim_run(c.w.s, SIM_NEVER);
    cr_assert_float_eq(c.sent_at_cut, 300, 1e-9);
    cr_assert_float_eq(c.sent_during_cut, 300, 1e-9, "no progress while cut");
    cr_assert(c.stalled);
    cr_assert_eq(d.calls, 1);
    cr_assert_eq(d.at, 17 * SIM_S);
    cr_assert_float_eq(d.sent_at_done, 1000, 0, "delivered == size");
    cr_assert_float_eq(flow_link_utilisation(c.w.net, c.l), 0, 0);
    rm(c.w);
}

Test(flow, background_load_reduces_what_flows_get)
{
    world w = mk();
    flow_link *l = flow_link_new(w.net, "l", 100 * MB, 0);
    flow *a = flow_start(w.net, &l, 1, INFINITY, NULL, NULL, NULL);
    flow_bg *bg = flow_bg_new(w.net, &l, 1, 40 * MB);
    RATE_EQ(w.net, a, 60 * MB);
    cr_assert_float_eq(flow_link_utilisation(w.net, l), 1.0, 1e-12);
    cr_assert_float_eq(flow_link_background_rate(l), 40 * MB, 0);
    flow_bg *bg2 = flow_bg_new(w.net, &l, 1, 30 * MB);
    RATE_EQ(w.net, a, 30 * MB);
    flow_bg_set_rate(w.net, bg2, 90 * MB);
    cr_assert_float_eq(flow_rate(w.net, a), 0, 0, "reservations beyond capacity starve flows");
    cr_assert(flow_stalled(w.net, a));
    cr_assert_float_eq(flow_link_background_rate(l), 100 * MB, 0);
    flow_bg_free(w.net, bg2);
    flow_bg_free(w.net, bg);
    RATE_EQ(w.net, a, 100 * MB);
    cr_assert_float_eq(flow_link_background_rate(l), 0, 0, "no drift after add/remove");
    rm(w);
}

Test(flow, tcp_window_caps_rate_by_rtt)
{
    world w = mk();
    /* one-way latency 1 ms -> RTT 2 ms; 64 KiB window -> 32.768 MB/s */
    flow_link *l = flow_link_new(w.net, "wan", 1000 * MB, SIM_MS);
    flow *f = flow_start(w.net, &l, 1, INFINITY, &(flow_params){ .window_bytes = 65536 }, NULL, NULL);
    flow *g = flow_start(w.net, &l, 1, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, f, 65536 / 0.002);
    RATE_EQ(w.net, g, 1000 * MB - 65536 / 0.002);
    rm(w);
}

Test(flow, rerating_is_limited_to_the_component)
{
    world w = mk();
    flow_link *rack[4];
    for (int i = 0; i < 4; i++)
        rack[i] = flow_link_new(w.net, "rack", 100 * MB, 0);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 10; k++)
            flow_start(w.net, &rack[i], 1, INFINITY, NULL, NULL, NULL);
    flow *x = flow_start(w.net, &rack[0], 1, INFINITY, NULL, NULL, NULL);
    cr_assert_float_eq(flow_rate(w.net, x), 100 * MB / 11, 1);
    flow_counters before = flow_net_counters(w.net);
    flow *y = flow_start(w.net, &rack[2], 1, INFINITY, NULL, NULL, NULL);
    cr_assert_float_eq(flow_rate(w.net, y), 100 * MB / 11, 1);
    flow_counters after = flow_net_counters(w.net);
    cr_assert_eq(after.solves - before.solves, 1);
    cr_assert_eq(after.flows_rerated - before.flows_rerated, 11, "only rack 2's flows");
    cr_assert_eq(after.links_visited - before.links_visited, 1);
    /* a flow across two racks joins their components */
    flow_link *two[2] = { rack[1], rack[3] };
    flow *z = flow_start(w.net, two, 2, INFINITY, NULL, NULL, NULL);
    cr_assert_float_eq(flow_rate(w.net, z), 100 * MB / 11, 1);
    flow_counters joined = flow_net_counters(w.net);
    cr_assert_eq(joined.flows_rerated - after.flows_rerated, 21);
    rm(w);
}

static void start_many(sim *s, void *arg)
{
    (void)s;
    world *w = arg;
    flow_link *l = flow_link_new(w->net, "l", 100 * MB, 0);
    for (int i = 0; i < 100; i++)
        flow_start(w->net, &l, 1, 1 * MB, NULL, NULL, NULL);
}

Test(flow, changes_at_one_instant_are_coalesced)
{
    world w = mk();
    sim_at(w.s, SIM_S, start_many, &w);
    sim_run(w.s, SIM_S);
    cr_assert_eq(flow_net_counters(w.net).solves, 1);
    sim_run(w.s, SIM_NEVER);
    /* all 100 end together at 1 s + 100 MB / 100 MB/s */
    cr_assert_eq(sim_now(w.s), 2 * SIM_S);
    cr_assert_eq(flow_net_nflows(w.net), 0);
    rm(w);
}

/* Half the flows start, someone reads how much a running flow has sent,
 * the other half start: still one re-rating at that instant, and the bytes
 * read are the bytes sent up to then (a rate changed now changes nothing
 * before now). Reading once forced the pending re-rating, so that a
 * migration's 100 ms check split its neighbours' re-ratings. */
typedef struct {
    world w;
    flow_link *l;
    flow *old;
    double seen;
} peek_mid;

static void start_peek_start(sim *s, void *arg)
{
    (void)s;
    peek_mid *p = arg;
    for (int i = 0; i < 50; i++)
        flow_start(p->w.net, &p->l, 1, 1 * MB, NULL, NULL, NULL);
    p->seen = flow_sent(p->w.net, p->old);
    for (int i = 0; i < 49; i++)
        flow_start(p->w.net, &p->l, 1, 1 * MB, NULL, NULL, NULL);
}

Test(flow, reading_sent_bytes_does_not_split_a_rerating)
{
    peek_mid p = { .w = mk() };
    p.l = flow_link_new(p.w.net, "l", 100 * MB, 0);
    p.old = flow_start(p.w.net, &p.l, 1, 200 * MB, NULL, NULL, NULL);
    sim_run(p.w.s, 0);
    flow_counters before = flow_net_counters(p.w.net);
    sim_at(p.w.s, SIM_S, start_peek_start, &p);
    sim_run(p.w.s, SIM_S);
    cr_assert_eq(flow_net_counters(p.w.net).solves - before.solves, 1);
    cr_assert_float_eq(p.seen, 100 * MB, 1e-6, "alone on the link for 1 s");
    RATE_EQ(p.w.net, p.old, 1 * MB);
    rm(p.w);
}

/* The change hook comes before the flow moves its anchor: inside it, what
 * the flow had sent at any earlier instant since its last change is still
 * flow_sent_at's to tell, as flow_sent told it then. It comes for a rate
 * change and for the last byte, not for the owner's own cancel. */
typedef struct {
    int calls;
    sim_time at[8];
    double half_second_before[8];
} change_rec;

static void on_change(flow_net *net, flow *f, void *arg)
{
    change_rec *c = arg;
    sim_time now = sim_now(flow_net_sim(net));
    cr_assert_lt(c->calls, 8, "more changes than the test makes");
    c->at[c->calls] = now;
    c->half_second_before[c->calls] = flow_sent_at(f, now - 500 * SIM_MS);
    c->calls++;
}

static void start_second(sim *s, void *arg)
{
    (void)s;
    peek_mid *p = arg; /* reused: w, l */
    flow_start(p->w.net, &p->l, 1, 50 * MB, NULL, NULL, NULL);
}

Test(flow, the_change_hook_sees_the_bytes_sent_before_the_change)
{
    peek_mid p = { .w = mk() };
    change_rec c = { 0 };
    p.l = flow_link_new(p.w.net, "l", 100 * MB, 0);
    flow *f = flow_start(p.w.net, &p.l, 1, 300 * MB, NULL, NULL, &c);
    flow_set_change_hook(f, on_change);
    sim_at(p.w.s, SIM_S, start_second, &p);
    sim_run(p.w.s, 1500 * SIM_MS);
    /* sent_at agrees with what flow_sent says now */
    cr_assert_float_eq(flow_sent_at(f, 1500 * SIM_MS), flow_sent(p.w.net, f), 1e-6);
    cr_assert_float_eq(flow_sent_at(f, 1200 * SIM_MS), 100 * MB + 10 * MB, 1e-3);
    sim_run(p.w.s, SIM_NEVER);
    /* 0 -> 100 MB/s at 0 (its first rating), 50 MB/s at 1 s, 100 MB/s again
     * when the second ends (2 s), and its last byte at 3.5 s */
    cr_assert_eq(c.calls, 4);
    cr_assert_eq(c.at[1], SIM_S);
    cr_assert_float_eq(c.half_second_before[1], 50 * MB, 1e-3, "the old rate's account");
    cr_assert_eq(c.at[2], 2 * SIM_S);
    cr_assert_float_eq(c.half_second_before[2], 100 * MB + 25 * MB, 1e-3);
    cr_assert_eq(c.at[3], 3500 * SIM_MS);
    cr_assert_float_eq(c.half_second_before[3], 250 * MB, 1e-3);
    flow *g = flow_start(p.w.net, &p.l, 1, 100 * MB, NULL, NULL, &c);
    flow_set_change_hook(g, on_change);
    sim_run(p.w.s, 4 * SIM_S);
    int before = c.calls;
    flow_cancel(p.w.net, g);
    cr_assert_eq(c.calls, before, "no call for the owner's own cancel");
    rm(p.w);
}

typedef struct {
    world w;
    flow *f;
} grow;

static void grow_it(sim *s, void *arg)
{
    (void)s;
    grow *g = arg;
    flow_set_size(g->w.net, g->f, 300);
}

Test(flow, size_can_grow_while_sending_and_cancel_stops_it)
{
    grow g;
    g.w = mk();
    done_rec d = { 0 };
    flow_link *l = flow_link_new(g.w.net, "l", 100, 0);
    g.f = flow_start(g.w.net, &l, 1, 100, NULL, on_done, &d);
    sim_at(g.w.s, 500 * SIM_MS, grow_it, &g);
    sim_run(g.w.s, SIM_NEVER);
    cr_assert_eq(d.at, 3 * SIM_S);
    cr_assert_float_eq(d.sent_at_done, 300, 0);

    done_rec d2 = { 0 };
    flow *a = flow_start(g.w.net, &l, 1, 1000, NULL, on_done, &d2);
    flow *b = flow_start(g.w.net, &l, 1, 1000, NULL, NULL, NULL);
    RATE_EQ(g.w.net, b, 50);
    flow_cancel(g.w.net, a);
    RATE_EQ(g.w.net, b, 100);
    sim_run(g.w.s, SIM_NEVER);
    cr_assert_eq(d2.calls, 0, "a cancelled flow never calls back");
    rm(g.w);
}

Test(flow, pathless_flow_runs_at_its_cap_or_at_once)
{
    world w = mk();
    done_rec d = { 0 }, d2 = { 0 };
    flow_start(w.net, NULL, 0, 1000, &(flow_params){ .cap_Bps = 500 }, on_done, &d);
    flow_start(w.net, NULL, 0, 1000, NULL, on_done, &d2);
    sim_run(w.s, SIM_NEVER);
    cr_assert_eq(d.at, 2 * SIM_S);
    cr_assert_eq(d2.at, 0);
    cr_assert_float_eq(d2.sent_at_done, 1000, 0);
    rm(w);
}

/* Random flows over at most 8 links: their paths, caps and weights. */
typedef struct {
    flow_link *links[8];
    int nl, nf;
    flow *fl[20];
    flow_link *paths[20][8];
    int np[20];
    double caps[20], wts[20];
} fair_case;

/* Asserts that the rates are a weighted max-min fair allocation: no link
 * carries more than its background loads leave, and every flow (fl[k] NULL:
 * none) runs at its cap or crosses a saturated link on which no flow has a
 * larger rate per weight. */
static void assert_max_min(flow_net *net, const fair_case *c, int trial, int op)
{
    double load[8] = { 0 }, rate[20] = { 0 };
    for (int f = 0; f < c->nf; f++) {
        if (!c->fl[f])
            continue;
        rate[f] = flow_rate(net, c->fl[f]);
        for (int j = 0; j < c->np[f]; j++)
            for (int i = 0; i < c->nl; i++)
                if (c->paths[f][j] == c->links[i])
                    load[i] += rate[f];
    }
    double avail[8];
    for (int i = 0; i < c->nl; i++) {
        avail[i] = flow_link_capacity(c->links[i]) - flow_link_background_rate(c->links[i]);
        cr_assert_leq(load[i], avail[i] * (1 + 1e-9) + 1e-9, "trial %d op %d link %d", trial, op, i);
    }
    for (int f = 0; f < c->nf; f++) {
        if (!c->fl[f] || (c->caps[f] > 0 && fabs(rate[f] - c->caps[f]) <= 1e-9 * c->caps[f]))
            continue;
        bool bottleneck = false;
        for (int j = 0; j < c->np[f] && !bottleneck; j++) {
            int i = 0;
            while (c->links[i] != c->paths[f][j])
                i++;
            if (load[i] < avail[i] * (1 - 1e-9))
                continue;
            bool largest = true;
            for (int m = 0; m < c->nf; m++)
                for (int q = 0; c->fl[m] && q < c->np[m]; q++)
                    if (c->paths[m][q] == c->links[i] && rate[m] / c->wts[m] > rate[f] / c->wts[f] * (1 + 1e-9))
                        largest = false;
            bottleneck = largest;
        }
        cr_assert(bottleneck, "trial %d op %d flow %d has no bottleneck (rate %g)", trial, op, f, rate[f]);
    }
}

/* A random path over c's links, a cap (or none) and a weight for flow k. */
static void random_flow(gsl_rng *r, fair_case *c, int k, double p_link, double p_cap, unsigned max_cap)
{
    c->np[k] = 0;
    for (int i = 0; i < c->nl; i++)
        if (gsl_rng_uniform(r) < p_link)
            c->paths[k][c->np[k]++] = c->links[i];
    if (c->np[k] == 0)
        c->paths[k][c->np[k]++] = c->links[gsl_rng_uniform_int(r, (unsigned long)c->nl)];
    c->caps[k] = gsl_rng_uniform(r) < p_cap ? 1 + gsl_rng_uniform_int(r, max_cap) : 0;
    c->wts[k] = 1 + gsl_rng_uniform_int(r, 4);
}

/* Property: on random networks the rates are a weighted max-min fair
 * allocation: feasible, and every flow either runs at its cap or crosses a
 * saturated link on which no flow has a larger rate per weight. */
Test(flow, random_networks_are_max_min_fair)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345);
    for (int trial = 0; trial < 200; trial++) {
        world w = mk();
        fair_case c = { .nl = 1 + (int)gsl_rng_uniform_int(r, 8), .nf = 1 + (int)gsl_rng_uniform_int(r, 20) };
        for (int i = 0; i < c.nl; i++)
            c.links[i] = flow_link_new(w.net, "l", 1 + gsl_rng_uniform_int(r, 1000), 0);
        for (int k = 0; k < c.nf; k++) {
            random_flow(r, &c, k, 0.4, 0.3, 300);
            c.fl[k] = flow_start(w.net, c.paths[k], (size_t)c.np[k], INFINITY,
                                 &(flow_params){ .cap_Bps = c.caps[k], .weight = c.wts[k] }, NULL, NULL);
        }
        assert_max_min(w.net, &c, trial, 0);
        rm(w);
    }
    gsl_rng_free(r);
}

/* Each sending flow holds exactly one completion event however often its
 * rate changes; a stalled flow holds none. */
Test(flow, one_completion_event_per_flow)
{
    world w = mk();
    flow_link *l = flow_link_new(w.net, "l", 100 * MB, 0);
    flow *f[5];
    for (int i = 0; i < 5; i++) {
        f[i] = flow_start(w.net, &l, 1, 1000 * MB, NULL, NULL, NULL);
        flow_rate(w.net, f[i]); /* re-rate after every arrival */
        cr_assert_eq(sim_events_pending(w.s), (size_t)i + 1);
    }
    for (int k = 0; k < 10; k++) {
        flow_set_cap(w.net, f[k % 5], (k + 1) * MB);
        flow_rate(w.net, f[0]);
        cr_assert_eq(sim_events_pending(w.s), 5);
    }
    flow_link_set_capacity(w.net, l, 0);
    flow_rate(w.net, f[0]);
    cr_assert_eq(sim_events_pending(w.s), 0, "stalled flows have no completion event");
    rm(w);
}

/* A link whose flows' caps all fit in it can never saturate: it joins no
 * component (a change on one side of it re-rates only that side), and when
 * a lower cap makes a link slack, the flows it held back are re-rated. */
Test(flow, slack_links_do_not_join_components)
{
    world w = mk();
    flow_link *l1 = flow_link_new(w.net, "l1", 100 * MB, 0), *l2 = flow_link_new(w.net, "l2", 100 * MB, 0);
    flow_link *core = flow_link_new(w.net, "core", 1000 * MB, 0);
    flow_link *p1[2] = { l1, core }, *p2[2] = { l2, core };
    flow_params cap60 = { .cap_Bps = 60 * MB };
    flow *a1 = flow_start(w.net, p1, 2, INFINITY, &cap60, NULL, NULL);
    flow_start(w.net, p1, 2, INFINITY, &cap60, NULL, NULL);
    flow *b1 = flow_start(w.net, p2, 2, INFINITY, &cap60, NULL, NULL);
    flow_start(w.net, p2, 2, INFINITY, &cap60, NULL, NULL);
    RATE_EQ(w.net, a1, 50 * MB);
    RATE_EQ(w.net, b1, 50 * MB);
    flow_counters before = flow_net_counters(w.net);
    flow *a3 = flow_start(w.net, p1, 2, INFINITY, &cap60, NULL, NULL);
    RATE_EQ(w.net, a3, 100 * MB / 3);
    RATE_EQ(w.net, a1, 100 * MB / 3);
    RATE_EQ(w.net, b1, 50 * MB);
    flow_counters after = flow_net_counters(w.net);
    cr_assert_eq(after.flows_rerated - before.flows_rerated, 3, "only l1's flows: the core is slack");
    cr_assert_float_eq(flow_link_flow_rate(w.net, core), 200 * MB, 1);

    /* c at 10 leaves the b flows 45 each on l2; b1 at 5 then leaves l2
     * slack (10 + 5 + 60 <= 100), and b2, held back by l2, runs at its cap */
    flow_link *only2 = l2;
    flow *c = flow_start(w.net, &only2, 1, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, c, 100 * MB / 3);
    flow_set_cap(w.net, c, 10 * MB);
    RATE_EQ(w.net, c, 10 * MB);
    RATE_EQ(w.net, b1, 45 * MB);
    flow_set_cap(w.net, b1, 5 * MB);
    RATE_EQ(w.net, b1, 5 * MB);
    cr_assert_float_eq(flow_link_flow_rate(w.net, l2), 75 * MB, 1, "the other b flow runs at its 60 MB/s cap");
    rm(w);
}

/* Property: after every change of a random sequence (flows starting and
 * cancelled, caps raised and lowered, weights, background loads, link capacity) the
 * incremental rates are still the weighted max-min fair allocation. */
Test(flow, random_changes_keep_max_min_fairness)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 777);
    for (int trial = 0; trial < 60; trial++) {
        world w = mk();
        fair_case c = { .nl = 6, .nf = 16 };
        flow_bg *bg[6] = { 0 };
        for (int i = 0; i < c.nl; i++)
            c.links[i] = flow_link_new(w.net, "l", 50 + gsl_rng_uniform_int(r, 500), 0);
        for (int op = 0; op < 40; op++) {
            int k = (int)gsl_rng_uniform_int(r, (unsigned long)c.nf);
            double u = gsl_rng_uniform(r);
            if (!c.fl[k]) {
                random_flow(r, &c, k, 0.35, 0.7, 200);
                c.fl[k] = flow_start(w.net, c.paths[k], (size_t)c.np[k], INFINITY,
                                     &(flow_params){ .cap_Bps = c.caps[k], .weight = c.wts[k] }, NULL, NULL);
            } else if (u < 0.3) {
                flow_cancel(w.net, c.fl[k]);
                c.fl[k] = NULL;
            } else if (u < 0.7) {
                c.caps[k] = gsl_rng_uniform(r) < 0.8 ? 1 + gsl_rng_uniform_int(r, 200) : 0;
                flow_set_cap(w.net, c.fl[k], c.caps[k]);
            } else if (u < 0.78) {
                c.wts[k] = 1 + gsl_rng_uniform_int(r, 4);
                flow_set_weight(w.net, c.fl[k], c.wts[k]);
            } else if (u < 0.9) {
                int i = (int)gsl_rng_uniform_int(r, (unsigned long)c.nl);
                double rate = (double)gsl_rng_uniform_int(r, 100);
                if (!bg[i])
                    bg[i] = flow_bg_new(w.net, &c.links[i], 1, rate);
                else
                    flow_bg_set_rate(w.net, bg[i], rate);
            } else {
                flow_link_set_capacity(w.net, c.links[gsl_rng_uniform_int(r, (unsigned long)c.nl)],
                                       50 + gsl_rng_uniform_int(r, 500));
            }
            assert_max_min(w.net, &c, trial, op);
        }
        rm(w);
    }
    gsl_rng_free(r);
}

/* n flows capped at 10 MB/s, each behind a 100 MB/s NIC of its own, all
 * over uplink up: the shared-uplink layout of issue 18. */
static void behind_nics(flow_net *net, flow_link *up, flow **f, int n)
{
    for (int i = 0; i < n; i++) {
        flow_link *path[2] = { flow_link_new(net, "nic", 100 * MB, 0), up };
        f[i] = flow_start(net, path, 2, INFINITY, &(flow_params){ .cap_Bps = 10 * MB }, NULL, NULL);
    }
    RATE_EQ(net, f[0], 10 * MB);
}

/* The shared-uplink layout (issue 18): n capped flows, each on its own NIC,
 * all over one uplink wide enough never to bind. When one leaves, only a
 * link that saturated in its last re-rating could have held flows back: the
 * uplink did not, so none of the others is re-rated. The uplink's flows are
 * re-rated when it did saturate and a departure makes it slack. */
Test(flow, departures_from_a_slack_uplink_rerate_nobody_else)
{
    world w = mk();
    enum { N = 200 };
    flow_link *up = flow_link_new(w.net, "uplink", N * 10 * MB, 0);
    flow *f[N];
    behind_nics(w.net, up, f, N);
    flow_counters before = flow_net_counters(w.net);
    for (int i = 0; i < N / 2; i++) {
        flow_cancel(w.net, f[i]);
        flow_rate(w.net, f[N - 1]);
    }
    flow_counters after = flow_net_counters(w.net);
    cr_assert_eq(after.flows_rerated - before.flows_rerated, 0, "re-rated %llu flows",
                 (unsigned long long)(after.flows_rerated - before.flows_rerated));
    RATE_EQ(w.net, f[N - 1], 10 * MB);

    /* an uncapped flow makes the uplink a bottleneck: the capped flows keep
     * their caps (fair share is higher), the newcomer takes the rest */
    flow_link *path[1] = { up };
    flow *hog = flow_start(w.net, path, 1, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, hog, (N * 10 - N / 2 * 10) * MB);
    /* capped flows that now exceed the uplink: it saturates and holds them */
    flow_set_cap(w.net, hog, 0);
    flow_link_set_capacity(w.net, up, N / 4 * 10 * MB);
    RATE_EQ(w.net, f[N - 1], N / 4 * 10 * MB / (N / 2 + 1));
    /* the hog leaves, the uplink becomes slack: the flows it held get their caps */
    flow_link_set_capacity(w.net, up, N * 10 * MB);
    flow_cancel(w.net, hog);
    RATE_EQ(w.net, f[N - 1], 10 * MB);
    RATE_EQ(w.net, f[N / 2], 10 * MB);
    rm(w);
}

typedef struct {
    flow_net *net;
    flow *f[3];
    double sent_at_2s[3];
} looker;

/* Looks at every flow every 7 ms until 2 s, before any of them is done. */
static void look(sim *s, void *arg)
{
    looker *k = arg;
    for (int i = 0; i < 3; i++)
        flow_sent(k->net, k->f[i]);
    if (sim_now(s) < 2 * SIM_S - 7 * SIM_MS)
        sim_after(s, 7 * SIM_MS + 1, look, k);
}

static void record(sim *s, void *arg)
{
    (void)s;
    looker *k = arg;
    for (int i = 0; i < 3; i++)
        k->sent_at_2s[i] = flow_sent(k->net, k->f[i]);
}

/* How often a flow is looked at (a plot's sample, a re-rating that keeps its
 * rate) never changes the rounding of its bytes or its completion time. */
Test(flow, looking_at_a_flow_never_changes_its_result)
{
    done_rec d[2][3] = { { { 0 } } };
    looker k[2] = { { 0 } };
    for (int pass = 0; pass < 2; pass++) {
        world w = mk();
        flow_link *l = flow_link_new(w.net, "l", 333.333 * MB, 0);
        k[pass].net = w.net;
        for (int i = 0; i < 3; i++)
            k[pass].f[i] = flow_start(w.net, &l, 1, (1000.0 + 77.7 * i) * MB,
                                      &(flow_params){ .cap_Bps = (91.1 + 40 * i) * MB }, on_done, &d[pass][i]);
        sim_at(w.s, 2 * SIM_S, record, &k[pass]);
        if (pass == 1)
            sim_after(w.s, 1, look, &k[pass]);
        sim_run(w.s, 20 * SIM_S);
        rm(w);
    }
    for (int i = 0; i < 3; i++) {
        cr_assert(d[0][i].calls == 1 && d[1][i].calls == 1);
        cr_assert_eq(d[0][i].at, d[1][i].at, "flow %d done at %lld, looked at: %lld", i, (long long)d[0][i].at,
                     (long long)d[1][i].at);
        cr_assert(k[0].sent_at_2s[i] == k[1].sent_at_2s[i], "flow %d at 2 s: %.17g, looked at: %.17g", i,
                  k[0].sent_at_2s[i], k[1].sent_at_2s[i]);
    }
}

/* An uncapped flow (a stop-and-copy) behind a NIC can never get more than
 * the NIC: a wide uplink it crosses stays slack, and its start re-rates it
 * alone, not every flow on the uplink. When the NIC's capacity rises past
 * what the uplink has left, the uplink binds again. */
Test(flow, an_uncapped_flow_is_bounded_by_its_narrowest_link)
{
    world w = mk();
    enum { N = 100 };
    flow_link *up = flow_link_new(w.net, "uplink", N * 10 * MB + 100 * MB, 0);
    flow *f[N];
    behind_nics(w.net, up, f, N);
    flow_counters before = flow_net_counters(w.net);
    flow_link *nic = flow_link_new(w.net, "nic", 100 * MB, 0);
    flow_link *path[2] = { nic, up };
    flow *g = flow_start(w.net, path, 2, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, g, 100 * MB);
    flow_counters after = flow_net_counters(w.net);
    cr_assert_eq(after.flows_rerated - before.flows_rerated, 1, "re-rated %llu flows",
                 (unsigned long long)(after.flows_rerated - before.flows_rerated));
    /* a wider NIC: the uplink's 100 MB/s to spare is what g gets */
    flow_link_set_capacity(w.net, nic, 10000 * MB);
    RATE_EQ(w.net, g, 100 * MB);
    flow_link_set_capacity(w.net, up, N * 10 * MB + 50 * MB);
    RATE_EQ(w.net, g, 50 * MB);
    RATE_EQ(w.net, f[N - 1], 10 * MB);
    /* the uplink shrinks below the capped flows' sum: they share it */
    flow_link_set_capacity(w.net, up, N * 5 * MB);
    RATE_EQ(w.net, f[0], 5.0 * N * MB / (N + 1));
    RATE_EQ(w.net, g, 5.0 * N * MB / (N + 1));
    /* cut g's NIC: g stalls, the others share the uplink alone */
    flow_link_set_capacity(w.net, nic, 0);
    RATE_EQ(w.net, f[0], 5 * MB);
    cr_assert(flow_stalled(w.net, g));
    rm(w);
}

/* A flow whose bound is within every link's equal share (what the
 * backgrounds leave over the weight of all its flows) ends at its bound
 * whatever the others do, so a re-rating that finds it there goes no
 * further through it. The layout of the shared-uplink bench: n sources and
 * n destinations with 100 MB/s NICs, ten flows out of source i to
 * destinations i..i+9, capped at 10 MB/s, so every NIC carries ten; the
 * first flow of each source is uncapped (a stop-and-copy): every NIC may
 * saturate and the NICs form one chain. A change at one end re-rates the
 * flows of the NICs it touches, not the chain; the rates are those the
 * whole chain's filling gives. */
Test(flow, a_flow_held_at_its_bound_ends_the_component)
{
    enum { N = 60, K = 10 };
    world w = mk();
    flow_link *src[N], *dst[N];
    for (int i = 0; i < N; i++) {
        src[i] = flow_link_new(w.net, "s", 100 * MB, 0);
        dst[i] = flow_link_new(w.net, "d", 100 * MB, 0);
    }
    flow *f[N][K];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < K; j++) {
            flow_link *path[2] = { src[i], dst[(i + j) % N] };
            f[i][j] = flow_start(w.net, path, 2, INFINITY, &(flow_params){ .cap_Bps = j ? 10 * MB : 0 }, NULL, NULL);
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < K; j++)
            RATE_EQ(w.net, f[i][j], 10 * MB);
    /* a capped flow leaves: its NICs' uncapped flows are still held to 10
     * MB/s by their other NIC */
    flow_counters before = flow_net_counters(w.net);
    flow_cancel(w.net, f[7][3]);
    RATE_EQ(w.net, f[7][0], 10 * MB);
    flow_counters after = flow_net_counters(w.net);
    cr_assert_leq(after.flows_rerated - before.flows_rerated, 4 * K, "the NICs around the change, not the %d flows",
                  N * K);
    /* an uncapped flow's other NIC frees up too: it takes what is left */
    flow_cancel(w.net, f[3][0]);
    flow_cancel(w.net, f[3][1]);
    flow_cancel(w.net, f[2][1]);
    flow_link *path[2] = { src[3], dst[3] };
    flow *g = flow_start(w.net, path, 2, INFINITY, NULL, NULL, NULL);
    RATE_EQ(w.net, g, 20 * MB); /* src[3] and dst[3] each carry eight flows at 10 and g */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < K; j++)
            if (!(i == 7 && j == 3) && !(i == 3 && j <= 1) && !(i == 2 && j == 1))
                RATE_EQ(w.net, f[i][j], 10 * MB);
    /* weights move the equal share: a heavier flow on src[5] is no longer
     * within it, and its neighbours give way */
    flow_set_weight(w.net, f[5][0], 3);
    double sum = 0;
    for (int j = 0; j < K; j++)
        sum += flow_rate(w.net, f[5][j]);
    cr_assert_float_eq(sum, 100 * MB, 1e-3);
    rm(w);
}
