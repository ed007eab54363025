/* flow — weighted max-min fair rates by progressive filling on the changed
 * component.
 *
 * Progressive filling: every unfrozen flow's rate grows in proportion to its
 * weight until a link saturates (all its unfrozen flows freeze at the link's
 * fair share C/W) or a flow reaches its own cap. Links are kept in a lazy
 * min-heap keyed by C/W: freezing a flow at a rate no greater than the current
 * minimum share can only raise the share of the other links it crosses, so a
 * stale key is a lower bound and is refreshed when it reaches the top. Cost:
 * O((F + P) log(L + F)) for a component of F flows, L links and P path hops.
 *
 * Max-min allocations decompose over connected components of the flow/link
 * graph, so only the component of a change is re-rated: the cost of an
 * arrival grows with its component, not with the network. A link whose flows
 * all have caps that together fit in it (its "demand") can never be a
 * bottleneck, so it neither joins components nor takes part in the filling:
 * thousands of capped migrations on shared links then stay thousands of
 * small problems instead of one large one. Nor does a component grow
 * through a flow that ends at its bound whatever the others do (determined):
 * it keeps its rate and counts on the links that reached it. */
#include "sim/flow.h"

#include <glib.h>
#include <math.h>

typedef struct {
    flow *f;
    uint32_t pi; /* index of this link in f's path */
} link_slot;

struct flow_link {
    char *name;
    double cap;
    sim_time lat;
    link_slot *slots;
    uint32_t nslots, slotcap;
    GPtrArray *bgs;  /* flow_bg* crossing this link */
    double bg_sum;   /* recomputed from bgs on change, so it never drifts */
    double demand;   /* sum of the finite caps of its flows */
    double wsum;     /* sum of its flows' weights */
    uint32_t uncapped; /* flows without a finite cap */
    /* re-rating scratch */
    uint64_t stamp;
    double C, W;
    uint32_t nun;    /* unfrozen flows */
    uint32_t version;
    bool saturated;  /* in its last re-rating: kept until the next one */
};

enum { FLOW_SENDING, FLOW_IN_FLIGHT, FLOW_DELIVERING };

struct flow {
    flow_net *net;
    double size, sent, rate;
    /* sent = base + rate x (now - since): the anchor moves only when the rate
     * changes, so how often anyone looks at a flow (a re-rating that keeps
     * its rate, a plot's sample) never changes the rounding of its bytes */
    double base;
    sim_time since;
    double cap, weight, window, cap_eff;
    double bound;      /* the most it can ever get: its cap and every link's capacity */
    flow_done_fn done;
    flow_change_fn changing;
    void *arg;
    sim_event ev;
    int state;
    uint32_t index;    /* in net->flows */
    int32_t seed_idx;  /* in net->seed_flows, -1 if not a seed */
    uint64_t stamp;
    bool frozen;
    bool pre;          /* keeps its bound (determined): frozen before the filling */
    double new_rate;
    sim_time path_lat;
    uint32_t npath;
    flow_link **path;
    uint32_t *slot;    /* slot of this flow in path[i] */
};

struct flow_bg {
    double rate;
    uint32_t npath;
    flow_link **path;
    uint32_t index;    /* in net->bgs */
};

typedef struct {
    double key;
    void *p;
    uint32_t version;
    bool is_flow;
} fill_entry;

struct flow_net {
    sim *s;
    GPtrArray *links, *flows, *bgs;
    GPtrArray *seed_links, *seed_flows;
    sim_event solve_ev;
    uint64_t stamp;
    GPtrArray *comp_links, *comp_flows;
    fill_entry *heap;
    size_t nheap, heapcap;
    flow_counters counters;
};

/* ------------------------------------------------------------------ heap */

static inline bool fill_less(const fill_entry *a, const fill_entry *b) { return a->key < b->key; }

static void heap_push(flow_net *net, fill_entry e)
{
    if (net->nheap == net->heapcap) {
        net->heapcap = net->heapcap ? 2 * net->heapcap : 256;
        net->heap = g_renew(fill_entry, net->heap, net->heapcap);
    }
    size_t i = net->nheap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!fill_less(&e, &net->heap[p]))
            break;
        net->heap[i] = net->heap[p];
        i = p;
    }
    net->heap[i] = e;
}

static fill_entry heap_pop(flow_net *net)
{
    fill_entry top = net->heap[0];
    fill_entry e = net->heap[--net->nheap];
    size_t n = net->nheap, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && fill_less(&net->heap[c + 1], &net->heap[c]))
            c++;
        if (!fill_less(&net->heap[c], &e))
            break;
        net->heap[i] = net->heap[c];
        i = c;
    }
    if (n)
        net->heap[i] = e;
    return top;
}

/* ------------------------------------------------------------------ bookkeeping */

static void solve(flow_net *net);

static void solve_event(sim *s, void *arg)
{
    (void)s;
    flow_net *net = arg;
    net->solve_ev = 0;
    solve(net);
}

/* Changes at one instant are coalesced into one re-rating, which runs before
 * time advances (an event at now) or earlier if someone asks for a rate. */
static void mark_dirty(flow_net *net)
{
    if (!net->solve_ev)
        net->solve_ev = sim_at(net->s, sim_now(net->s), solve_event, net);
}

static void flush(flow_net *net)
{
    if (net->solve_ev) {
        sim_cancel(net->s, net->solve_ev);
        net->solve_ev = 0;
        solve(net);
    }
}

static void seed_link(flow_net *net, flow_link *l)
{
    g_ptr_array_add(net->seed_links, l);
    mark_dirty(net);
}

static void seed_flow(flow_net *net, flow *f)
{
    if (f->seed_idx < 0) {
        f->seed_idx = (int32_t)net->seed_flows->len;
        g_ptr_array_add(net->seed_flows, f);
    }
    mark_dirty(net);
}

static void settle(flow_net *net, flow *f)
{
    sim_time now = sim_now(net->s);
    if (f->state == FLOW_SENDING && now > f->since && f->rate > 0 && isfinite(f->rate)) {
        f->sent = f->base + f->rate * (double)(now - f->since) / 1e9;
        if (f->sent > f->size)
            f->sent = f->size;
    }
}

/* Settles f and anchors its accounting at now, for a new rate. */
static void set_rate(flow_net *net, flow *f, double rate)
{
    if (f->changing && f->state == FLOW_SENDING)
        f->changing(net, f, f->arg);
    settle(net, f);
    f->base = f->sent;
    f->since = sim_now(net->s);
    f->rate = rate;
}

static double effective_cap(const flow *f)
{
    double c = f->cap > 0 ? f->cap : INFINITY;
    if (f->window > 0 && f->path_lat > 0) {
        double w = f->window / (2.0 * sim_to_s(f->path_lat));
        c = w < c ? w : c;
    }
    return c;
}

/* ------------------------------------------------------------------ net, links */

flow_net *flow_net_new(sim *s)
{
    flow_net *net = g_new0(flow_net, 1);
    net->s = s;
    net->links = g_ptr_array_new();
    net->flows = g_ptr_array_new();
    net->bgs = g_ptr_array_new();
    net->seed_links = g_ptr_array_new();
    net->seed_flows = g_ptr_array_new();
    net->comp_links = g_ptr_array_new();
    net->comp_flows = g_ptr_array_new();
    return net;
}

static void flow_destroy(flow *f)
{
    g_free(f);
}

void flow_net_free(flow_net *net)
{
    if (!net)
        return;
    if (net->solve_ev)
        sim_cancel(net->s, net->solve_ev);
    for (guint i = 0; i < net->flows->len; i++) {
        flow *f = g_ptr_array_index(net->flows, i);
        if (f->ev)
            sim_cancel(net->s, f->ev);
        flow_destroy(f);
    }
    for (guint i = 0; i < net->bgs->len; i++)
        g_free(g_ptr_array_index(net->bgs, i));
    for (guint i = 0; i < net->links->len; i++) {
        flow_link *l = g_ptr_array_index(net->links, i);
        g_free(l->name);
        g_free(l->slots);
        g_ptr_array_free(l->bgs, TRUE);
        g_free(l);
    }
    g_ptr_array_free(net->links, TRUE);
    g_ptr_array_free(net->flows, TRUE);
    g_ptr_array_free(net->bgs, TRUE);
    g_ptr_array_free(net->seed_links, TRUE);
    g_ptr_array_free(net->seed_flows, TRUE);
    g_ptr_array_free(net->comp_links, TRUE);
    g_ptr_array_free(net->comp_flows, TRUE);
    g_free(net->heap);
    g_free(net);
}

sim *flow_net_sim(const flow_net *net) { return net->s; }

flow_link *flow_link_new(flow_net *net, const char *name, double capacity_Bps, sim_time latency)
{
    g_return_val_if_fail(capacity_Bps >= 0 && latency >= 0, NULL);
    flow_link *l = g_new0(flow_link, 1);
    l->name = g_strdup(name ? name : "");
    l->cap = capacity_Bps;
    l->lat = latency;
    l->bgs = g_ptr_array_new();
    g_ptr_array_add(net->links, l);
    return l;
}

const char *flow_link_name(const flow_link *l) { return l->name; }
double flow_link_capacity(const flow_link *l) { return l->cap; }
sim_time flow_link_latency(const flow_link *l) { return l->lat; }
size_t flow_link_nflows(const flow_link *l) { return l->nslots; }

static void demand_add(flow_link *l, const flow *f, double sign);
static double flow_bound(const flow *f);

void flow_link_set_capacity(flow_net *net, flow_link *l, double capacity_Bps)
{
    g_return_if_fail(capacity_Bps >= 0);
    if (l->cap == capacity_Bps)
        return;
    /* its flows' bounds follow the capacity, and with them the demand on
     * every link they cross */
    for (uint32_t k = 0; k < l->nslots; k++) {
        flow *f = l->slots[k].f;
        for (uint32_t i = 0; i < f->npath; i++)
            demand_add(f->path[i], f, -1);
    }
    l->cap = capacity_Bps;
    for (uint32_t k = 0; k < l->nslots; k++) {
        flow *f = l->slots[k].f;
        double b = flow_bound(f);
        if (b != f->bound)
            seed_flow(net, f); /* its own limit moved */
        f->bound = b;
        for (uint32_t i = 0; i < f->npath; i++) {
            demand_add(f->path[i], f, 1);
            if (f->path[i] != l)
                seed_link(net, f->path[i]);
        }
    }
    seed_link(net, l);
}

double flow_link_flow_rate(flow_net *net, flow_link *l)
{
    flush(net);
    return flow_link_current_rate(l);
}

double flow_link_current_rate(const flow_link *l)
{
    double used = 0;
    for (uint32_t k = 0; k < l->nslots; k++)
        if (isfinite(l->slots[k].f->rate))
            used += l->slots[k].f->rate;
    return used;
}

double flow_link_background_rate(const flow_link *l)
{
    return l->bg_sum < l->cap ? l->bg_sum : l->cap;
}

double flow_link_utilisation(flow_net *net, flow_link *l)
{
    flush(net);
    if (!(l->cap > 0) || isinf(l->cap))
        return 0;
    double u = (flow_link_flow_rate(net, l) + flow_link_background_rate(l)) / l->cap;
    return u > 1 ? 1 : u;
}

/* ------------------------------------------------------------------ flows */

/* A flow never gets more than its cap, nor more than any link of its path
 * carries: an uncapped migration behind a 10 GbE NIC adds 10 GbE, not
 * "unbounded", to a rack uplink's demand. Without it one uncapped flow (a
 * stop-and-copy) made a wide uplink a bottleneck candidate and pulled every
 * flow crossing it into one component. */
static double flow_bound(const flow *f)
{
    double b = f->cap_eff;
    for (uint32_t i = 0; i < f->npath; i++)
        if (f->path[i]->cap < b)
            b = f->path[i]->cap;
    return b;
}

static void demand_add(flow_link *l, const flow *f, double sign)
{
    if (isfinite(f->bound))
        l->demand += sign * f->bound;
    else
        l->uncapped += sign > 0 ? 1 : (uint32_t)-1;
    if (!l->nslots && sign < 0) { /* no drift once empty */
        l->demand = 0;
        l->uncapped = 0;
    }
}

/* A link that can never saturate: what every flow could ever get (its
 * bound) fits in what the background loads leave. */
static bool slack(const flow_link *l)
{
    return l->uncapped == 0 && l->demand <= (l->cap > l->bg_sum ? l->cap - l->bg_sum : 0);
}

static void link_attach(flow_link *l, flow *f, uint32_t pi)
{
    if (l->nslots == l->slotcap) {
        l->slotcap = l->slotcap ? 2 * l->slotcap : 4;
        l->slots = g_renew(link_slot, l->slots, l->slotcap);
    }
    f->slot[pi] = l->nslots;
    l->slots[l->nslots++] = (link_slot){ f, pi };
    l->wsum += f->weight;
    demand_add(l, f, 1);
}

static void link_detach(flow_link *l, flow *f, uint32_t pi)
{
    uint32_t s = f->slot[pi];
    link_slot last = l->slots[--l->nslots];
    if (s != l->nslots) {
        l->slots[s] = last;
        last.f->slot[last.pi] = s;
    }
    l->wsum = l->nslots ? l->wsum - f->weight : 0; /* no drift once empty */
    demand_add(l, f, -1);
}

static void schedule_tx(flow_net *net, flow *f);
static void tx_done(sim *s, void *arg);

flow *flow_start(flow_net *net, flow_link *const *path, size_t npath, double size,
                 const flow_params *params, flow_done_fn done, void *arg)
{
    g_return_val_if_fail(size >= 0 && npath < UINT32_MAX, NULL);
    /* One allocation: the flow, then its path, then its slots. */
    flow *f = g_malloc0(sizeof(flow) + npath * (sizeof(flow_link *) + sizeof(uint32_t)));
    f->path = (flow_link **)(f + 1);
    f->slot = (uint32_t *)(f->path + npath);
    f->npath = (uint32_t)npath;
    f->size = size;
    f->since = sim_now(net->s);
    f->cap = params && params->cap_Bps > 0 ? params->cap_Bps : 0;
    f->weight = params && params->weight > 0 ? params->weight : 1;
    f->window = params && params->window_bytes > 0 ? params->window_bytes : 0;
    f->done = done;
    f->arg = arg;
    f->seed_idx = -1;
    f->state = FLOW_SENDING;
    f->net = net;
    for (size_t i = 0; i < npath; i++) {
        f->path[i] = path[i];
        f->path_lat = sim_time_add(f->path_lat, path[i]->lat);
    }
    f->cap_eff = effective_cap(f);
    f->bound = flow_bound(f);
    for (size_t i = 0; i < npath; i++)
        link_attach(path[i], f, (uint32_t)i);
    f->index = net->flows->len;
    g_ptr_array_add(net->flows, f);
    seed_flow(net, f);
    return f;
}

static void unseed_flow(flow_net *net, flow *f)
{
    if (f->seed_idx >= 0) {
        g_ptr_array_index(net->seed_flows, f->seed_idx) = NULL;
        f->seed_idx = -1;
    }
}

/* Takes a sending flow off its links; its neighbours get re-rated. */
static void leave_links(flow_net *net, flow *f)
{
    for (uint32_t i = 0; i < f->npath; i++) {
        link_detach(f->path[i], f, i);
        seed_link(net, f->path[i]);
    }
    unseed_flow(net, f);
    f->rate = 0;
}

static void forget(flow_net *net, flow *f)
{
    flow *last = g_ptr_array_index(net->flows, net->flows->len - 1);
    g_ptr_array_index(net->flows, f->index) = last;
    last->index = f->index;
    g_ptr_array_set_size(net->flows, net->flows->len - 1);
    flow_destroy(f);
}

static void deliver(flow_net *net, flow *f)
{
    net->counters.delivered++;
    net->counters.bytes_delivered += f->sent;
    f->state = FLOW_DELIVERING;
    f->ev = 0;
    if (f->done)
        f->done(net, f, f->arg);
    forget(net, f);
}

static void deliver_event(sim *s, void *arg)
{
    (void)s;
    flow *f = arg;
    deliver(f->net, f);
}

/* The last byte has left the sender: free the links now, deliver one path
 * latency later. */
static void tx_done(sim *s, void *arg)
{
    flow *f = arg;
    flow_net *net = f->net;
    f->ev = 0;
    if (f->changing)
        f->changing(net, f, f->arg);
    settle(net, f);
    /* The event was placed at the nanosecond the fluid model reaches size,
     * rounded up, so at most rounding noise is left; credit it, and count
     * anything more as an accounting error (an invariant). */
    if (!isinf(f->rate) && fabs(f->size - f->sent) > 1.0 + 1e-9 * f->size)
        net->counters.bytes_unaccounted += fabs(f->size - f->sent);
    f->sent = f->size;
    leave_links(net, f);
    f->state = FLOW_IN_FLIGHT;
    if (f->path_lat > 0)
        f->ev = sim_after(s, f->path_lat, deliver_event, f);
    else
        deliver(net, f);
}

void flow_cancel(flow_net *net, flow *f)
{
    if (f->state == FLOW_DELIVERING)
        return; /* inside its own callback: freed when that returns */
    if (f->ev)
        sim_cancel(net->s, f->ev);
    f->ev = 0;
    if (f->state == FLOW_SENDING)
        leave_links(net, f);
    forget(net, f);
}

void flow_set_cap(flow_net *net, flow *f, double cap_Bps)
{
    g_return_if_fail(cap_Bps >= 0);
    if (f->state != FLOW_SENDING || f->cap == cap_Bps)
        return;
    for (uint32_t i = 0; i < f->npath; i++)
        demand_add(f->path[i], f, -1);
    f->cap = cap_Bps;
    f->cap_eff = effective_cap(f);
    f->bound = flow_bound(f);
    /* a lower cap may leave a link slack: its other flows get re-rated */
    for (uint32_t i = 0; i < f->npath; i++) {
        demand_add(f->path[i], f, 1);
        seed_link(net, f->path[i]);
    }
    seed_flow(net, f);
}

void flow_set_weight(flow_net *net, flow *f, double weight)
{
    if (f->state != FLOW_SENDING || f->weight == (weight > 0 ? weight : 1))
        return;
    double w = weight > 0 ? weight : 1;
    for (uint32_t i = 0; i < f->npath; i++)
        f->path[i]->wsum += w - f->weight;
    f->weight = w;
    seed_flow(net, f);
}

void flow_set_size(flow_net *net, flow *f, double size)
{
    if (f->state != FLOW_SENDING)
        return;
    flush(net);
    settle(net, f);
    f->size = size > f->sent ? size : f->sent;
    schedule_tx(net, f);
}

double flow_rate(flow_net *net, flow *f)
{
    flush(net);
    return f->state == FLOW_SENDING ? f->rate : 0;
}

double flow_sent(flow_net *net, flow *f)
{
    /* no flush: a re-rating pending at this instant changes rates from now
     * on, not the bytes sent up to now; forcing it here would split it from
     * the changes still to come at this instant, so that looking at a flow
     * would change when and how its neighbours are re-rated */
    settle(net, f);
    return f->sent;
}

double flow_sent_at(const flow *f, sim_time t)
{
    /* settle's arithmetic, at t instead of now */
    if (f->state == FLOW_SENDING && t > f->since && f->rate > 0 && isfinite(f->rate)) {
        double sent = f->base + f->rate * (double)(t - f->since) / 1e9;
        return sent > f->size ? f->size : sent;
    }
    return f->base;
}

void flow_set_change_hook(flow *f, flow_change_fn fn) { f->changing = fn; }

double flow_current_rate(const flow *f) { return f->state == FLOW_SENDING ? f->rate : 0; }

double flow_size(const flow *f) { return f->size; }

double flow_remaining(flow_net *net, flow *f)
{
    return f->size - flow_sent(net, f);
}

bool flow_stalled(flow_net *net, flow *f)
{
    flush(net);
    return f->state == FLOW_SENDING && f->rate <= 0 && f->sent < f->size;
}

bool flow_is_sent(const flow *f) { return f->state != FLOW_SENDING; }
void *flow_arg(const flow *f) { return f->arg; }

/* Places (or moves, or drops) f's completion event for its current rate. */
static void schedule_tx(flow_net *net, flow *f)
{
    double rem = f->size - f->sent;
    double dt_ns;
    if (rem <= 0 || isinf(f->rate))
        dt_ns = 0;
    else if (f->rate > 0 && isfinite(rem))
        dt_ns = ceil(rem / f->rate * 1e9);
    else
        dt_ns = INFINITY; /* stalled, or a stream that never ends */
    sim_time now = sim_now(net->s);
    if (!(dt_ns < 9e18) || sim_time_add(now, (sim_time)dt_ns) == SIM_NEVER) {
        if (f->ev)
            sim_cancel(net->s, f->ev);
        f->ev = 0;
        return;
    }
    sim_time t = now + (sim_time)dt_ns;
    if (!f->ev || !sim_reschedule(net->s, f->ev, t))
        f->ev = sim_at(net->s, t, tx_done, f);
}

/* ------------------------------------------------------------------ re-rating */

static void visit_link(flow_net *net, flow_link *l)
{
    if (l->stamp != net->stamp) {
        l->stamp = net->stamp;
        g_ptr_array_add(net->comp_links, l);
    }
}

static void visit_flow(flow_net *net, flow *f)
{
    if (f->stamp != net->stamp) {
        f->stamp = net->stamp;
        g_ptr_array_add(net->comp_flows, f);
    }
}

static void freeze(flow_net *net, flow *f, double r)
{
    f->frozen = true;
    f->new_rate = r;
    for (uint32_t i = 0; i < f->npath; i++) {
        flow_link *l = f->path[i];
        if (l->stamp == net->stamp && !l->saturated) { /* slack links are not in the problem */
            l->C = l->C > r ? l->C - r : 0;
            l->W -= f->weight;
            l->nun--;
            l->version++;
        }
    }
}

/* A flow whose bound is within every link's equal share of its path gets
 * its bound whatever the rest of the network does: progressive filling
 * saturates a link l at a level of at least C_l / W_l (C_l what the
 * backgrounds leave, W_l the weight of all its flows), so every flow ends
 * at min(bound, w x min over its path of C_l / W_l) or more. */
static bool determined(const flow *f)
{
    if (!isfinite(f->bound))
        return false;
    double x = f->bound / f->weight;
    for (uint32_t i = 0; i < f->npath; i++) {
        const flow_link *l = f->path[i];
        double C = l->cap > l->bg_sum ? l->cap - l->bg_sum : 0;
        if (!(x * l->wsum <= C))
            return false;
    }
    return true;
}

static void push_link(flow_net *net, flow_link *l)
{
    if (l->nun > 0 && !l->saturated) {
        double w = l->W > 0 ? l->W : 1e-300;
        heap_push(net, (fill_entry){ isinf(l->C) ? INFINITY : l->C / w, l, l->version, false });
    }
}

static void solve(flow_net *net)
{
    net->stamp++;
    g_ptr_array_set_size(net->comp_links, 0);
    g_ptr_array_set_size(net->comp_flows, 0);
    /* A changed link that is slack now leaves the problem. Only if it
     * saturated in its last re-rating can it have held its flows back, and
     * only then are they re-rated: a link that did not saturate constrained
     * nobody, so without it every rate stays what it is (max-min allocations
     * do not depend on links that do not saturate). Re-rating them anyway made
     * each departure from a shared uplink cost all the uplink's flows. Links
     * met on the way join only if they may saturate. */
    for (guint i = 0; i < net->seed_links->len; i++) {
        flow_link *l = g_ptr_array_index(net->seed_links, i);
        if (!slack(l))
            visit_link(net, l);
        else if (l->saturated) {
            l->saturated = false;
            for (uint32_t k = 0; k < l->nslots; k++)
                visit_flow(net, l->slots[k].f);
        }
    }
    for (guint i = 0; i < net->seed_flows->len; i++) {
        flow *f = g_ptr_array_index(net->seed_flows, i);
        if (f) {
            f->seed_idx = -1;
            visit_flow(net, f);
        }
    }
    g_ptr_array_set_size(net->seed_links, 0);
    g_ptr_array_set_size(net->seed_flows, 0);

    /* Breadth-first over the bipartite flow/link graph: the component. */
    guint il = 0, jf = 0;
    while (il < net->comp_links->len || jf < net->comp_flows->len) {
        for (; il < net->comp_links->len; il++) {
            flow_link *l = g_ptr_array_index(net->comp_links, il);
            for (uint32_t k = 0; k < l->nslots; k++)
                visit_flow(net, l->slots[k].f);
        }
        for (; jf < net->comp_flows->len; jf++) {
            flow *f = g_ptr_array_index(net->comp_flows, jf);
            /* one that keeps its bound changes nothing beyond this link */
            f->pre = f->rate == f->bound && determined(f);
            if (f->pre)
                continue;
            for (uint32_t k = 0; k < f->npath; k++)
                if (!slack(f->path[k]))
                    visit_link(net, f->path[k]);
        }
    }
    net->counters.solves++;
    net->counters.flows_rerated += net->comp_flows->len;
    net->counters.links_visited += net->comp_links->len;

    for (guint i = 0; i < net->comp_links->len; i++) {
        flow_link *l = g_ptr_array_index(net->comp_links, i);
        l->C = l->cap > l->bg_sum ? l->cap - l->bg_sum : 0;
        l->W = 0;
        l->nun = l->nslots;
        l->version = 0;
        l->saturated = false;
        for (uint32_t k = 0; k < l->nslots; k++)
            l->W += l->slots[k].f->weight;
    }
    net->nheap = 0;
    for (guint i = 0; i < net->comp_flows->len; i++) {
        flow *f = g_ptr_array_index(net->comp_flows, i);
        f->frozen = false;
        if (f->pre) {
            freeze(net, f, f->bound);
            continue;
        }
        /* its bound is a cap that changes nothing (no link gives it more)
         * but stands in for the slack links left out of the problem */
        if (isfinite(f->bound))
            heap_push(net, (fill_entry){ f->bound / f->weight, f, 0, true });
    }
    for (guint i = 0; i < net->comp_links->len; i++)
        push_link(net, g_ptr_array_index(net->comp_links, i));

    while (net->nheap) {
        fill_entry e = heap_pop(net);
        if (e.is_flow) {
            flow *f = e.p;
            if (!f->frozen)
                freeze(net, f, f->bound);
            continue;
        }
        flow_link *l = e.p;
        if (l->saturated || l->nun == 0)
            continue;
        if (e.version != l->version) {
            push_link(net, l); /* stale lower bound: refresh */
            continue;
        }
        double share = e.key > 0 ? e.key : 0;
        l->saturated = true;
        for (uint32_t k = 0; k < l->nslots; k++) {
            flow *f = l->slots[k].f;
            if (!f->frozen)
                freeze(net, f, share * f->weight);
        }
    }

    for (guint i = 0; i < net->comp_flows->len; i++) {
        flow *f = g_ptr_array_index(net->comp_flows, i);
        if (!f->frozen)
            f->new_rate = INFINITY; /* nothing finite constrains it */
        if (f->new_rate != f->rate || !f->ev) {
            if (f->new_rate != f->rate)
                set_rate(net, f, f->new_rate);
            schedule_tx(net, f);
        }
    }
}

/* ------------------------------------------------------------------ background */

static void bg_recompute(flow_net *net, flow_link *l)
{
    double s = 0;
    for (guint i = 0; i < l->bgs->len; i++)
        s += ((flow_bg *)g_ptr_array_index(l->bgs, i))->rate;
    l->bg_sum = s;
    seed_link(net, l);
}

flow_bg *flow_bg_new(flow_net *net, flow_link *const *path, size_t npath, double rate_Bps)
{
    g_return_val_if_fail(rate_Bps >= 0, NULL);
    flow_bg *bg = g_malloc0(sizeof(flow_bg) + npath * sizeof(flow_link *));
    bg->path = (flow_link **)(bg + 1);
    bg->npath = (uint32_t)npath;
    bg->rate = rate_Bps;
    bg->index = net->bgs->len;
    g_ptr_array_add(net->bgs, bg);
    for (size_t i = 0; i < npath; i++) {
        bg->path[i] = path[i];
        g_ptr_array_add(path[i]->bgs, bg);
        /* appended last: the same sum a recomputation would give, without
         * going over the thousands of loads an uplink may carry */
        path[i]->bg_sum += rate_Bps;
        seed_link(net, path[i]);
    }
    return bg;
}

void flow_bg_set_rate(flow_net *net, flow_bg *bg, double rate_Bps)
{
    g_return_if_fail(rate_Bps >= 0);
    bg->rate = rate_Bps;
    for (uint32_t i = 0; i < bg->npath; i++)
        bg_recompute(net, bg->path[i]);
}

void flow_bg_free(flow_net *net, flow_bg *bg)
{
    if (!bg)
        return;
    for (uint32_t i = 0; i < bg->npath; i++) {
        /* g_ptr_array_remove keeps order, so the sum is summed the same way. */
        g_ptr_array_remove(bg->path[i]->bgs, bg);
        bg_recompute(net, bg->path[i]);
    }
    flow_bg *last = g_ptr_array_index(net->bgs, net->bgs->len - 1);
    g_ptr_array_index(net->bgs, bg->index) = last;
    last->index = bg->index;
    g_ptr_array_set_size(net->bgs, net->bgs->len - 1);
    g_free(bg);
}

flow_counters flow_net_counters(const flow_net *net) { return net->counters; }

size_t flow_net_nflows(const flow_net *net)
{
    size_t n = 0;
    for (guint i = 0; i < net->flows->len; i++)
        n += ((flow *)g_ptr_array_index(net->flows, i))->state == FLOW_SENDING;
    return n;
}
