/* Flow solver: N flows over a two-tier topology (hosts -> rack switch ->
 * core), with random departures and arrivals, each change re-rated at once.
 *
 * Two layouts with the same N show what a change costs:
 *  - racks: every flow stays inside its rack, so a change re-rates only its
 *    rack's component (100 flows) however many racks there are;
 *  - core: every flow crosses the core, so all flows form one component and
 *    a change re-rates all N. */
#include <glib.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>

#include "bench/bench.h"
#include "sim/flow.h"

#define FLOWS_PER_RACK 100
#define HOSTS_PER_RACK 20

typedef struct {
    sim *s;
    flow_net *net;
    size_t racks;
    flow_link **host_tx, **host_rx, **rack_up, **rack_down;
    flow **flows;
    size_t nflows;
    gsl_rng *r;
    bool core;
} topo;

static flow *start_one(topo *t)
{
    size_t rack = gsl_rng_uniform_int(t->r, t->racks);
    size_t src = rack * HOSTS_PER_RACK + gsl_rng_uniform_int(t->r, HOSTS_PER_RACK);
    flow_link *path[4];
    size_t np = 0;
    path[np++] = t->host_tx[src];
    if (t->core) {
        size_t drack = (rack + 1 + gsl_rng_uniform_int(t->r, t->racks - 1)) % t->racks;
        size_t dst = drack * HOSTS_PER_RACK + gsl_rng_uniform_int(t->r, HOSTS_PER_RACK);
        path[np++] = t->rack_up[rack];
        path[np++] = t->rack_down[drack];
        path[np++] = t->host_rx[dst];
    } else {
        size_t dst = rack * HOSTS_PER_RACK + gsl_rng_uniform_int(t->r, HOSTS_PER_RACK);
        path[np++] = t->host_rx[dst];
    }
    /* a quarter of the flows carry a rate cap, like QEMU's max-bandwidth */
    flow_params p = { .cap_Bps = gsl_rng_uniform(t->r) < 0.25 ? 1.25e8 : 0 };
    return flow_start(t->net, path, np, INFINITY, &p, NULL, NULL);
}

static void topo_init(topo *t, size_t nflows, bool core)
{
    *t = (topo){ 0 };
    t->s = sim_new(1, 0);
    t->net = flow_net_new(t->s);
    t->core = core;
    t->racks = core ? 40 : (nflows + FLOWS_PER_RACK - 1) / FLOWS_PER_RACK;
    if (t->racks < 2)
        t->racks = 2;
    size_t hosts = t->racks * HOSTS_PER_RACK;
    t->host_tx = g_new(flow_link *, hosts);
    t->host_rx = g_new(flow_link *, hosts);
    t->rack_up = g_new(flow_link *, t->racks);
    t->rack_down = g_new(flow_link *, t->racks);
    for (size_t h = 0; h < hosts; h++) {
        t->host_tx[h] = flow_link_new(t->net, "host-tx", 3.125e9, 5 * SIM_US); /* 25 GbE */
        t->host_rx[h] = flow_link_new(t->net, "host-rx", 3.125e9, 5 * SIM_US);
    }
    for (size_t k = 0; k < t->racks; k++) {
        t->rack_up[k] = flow_link_new(t->net, "rack-up", 5e10, 2 * SIM_US); /* 4 x 100 GbE */
        t->rack_down[k] = flow_link_new(t->net, "rack-down", 5e10, 2 * SIM_US);
    }
    t->r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(t->r, 7);
    t->nflows = nflows;
    t->flows = g_new(flow *, nflows);
    for (size_t i = 0; i < nflows; i++)
        t->flows[i] = start_one(t);
    flow_rate(t->net, t->flows[0]); /* one solve for the initial set */
}

static void topo_free(topo *t)
{
    flow_net_free(t->net);
    sim_free(t->s);
    gsl_rng_free(t->r);
    g_free(t->host_tx);
    g_free(t->host_rx);
    g_free(t->rack_up);
    g_free(t->rack_down);
    g_free(t->flows);
}

typedef struct {
    double us_per_change, rerated_per_s, mean_component;
} churn_result;

/* Alternates a departure and an arrival, re-rating after each. */
static churn_result churn(topo *t, double budget_s)
{
    flow_counters c0 = flow_net_counters(t->net);
    uint64_t changes = 0;
    double t0 = bench_now(), el;
    do {
        for (int k = 0; k < 16; k++) {
            size_t i = gsl_rng_uniform_int(t->r, t->nflows);
            flow_cancel(t->net, t->flows[i]);
            flow_rate(t->net, t->flows[(i + 1) % t->nflows]);
            t->flows[i] = start_one(t);
            flow_rate(t->net, t->flows[i]);
            changes += 2;
        }
        el = bench_now() - t0;
    } while (el < budget_s);
    flow_counters c1 = flow_net_counters(t->net);
    double rerated = (double)(c1.flows_rerated - c0.flows_rerated);
    return (churn_result){ el / (double)changes * 1e6, rerated / el,
                           rerated / (double)(c1.solves - c0.solves) };
}

void bench_flow(json_object *results)
{
    const size_t sizes[] = { 1000, 10000, 100000 };
    json_object *arr = json_object_new_array();
    printf("Flow solver: random departures/arrivals, each change re-rated (median of 3)\n");
    printf("%8s %6s %12s %14s %16s\n", "flows", "layout", "component", "us/change", "re-rated flows/s");
    for (int core = 0; core < 2; core++) {
        for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
            double us[3], rr[3], comp[3];
            for (int rep = 0; rep < 3; rep++) {
                topo t;
                topo_init(&t, sizes[i], core);
                churn_result c = churn(&t, 0.4);
                us[rep] = c.us_per_change;
                rr[rep] = c.rerated_per_s;
                comp[rep] = c.mean_component;
                topo_free(&t);
            }
            double u = bench_median(us, 3), r = bench_median(rr, 3), cm = bench_median(comp, 3);
            printf("%8zu %6s %12.0f %14.2f %16.0f\n", sizes[i], core ? "core" : "racks", cm, u, r);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "flows", json_object_new_int64((int64_t)sizes[i]));
            json_object_object_add(o, "layout", json_object_new_string(core ? "shared-core" : "independent-racks"));
            json_object_object_add(o, "mean_component_flows", json_object_new_double(cm));
            json_object_object_add(o, "us_per_change", json_object_new_double(u));
            json_object_object_add(o, "rerated_flows_per_s", json_object_new_double(r));
            json_object_array_add(arr, o);
        }
    }
    printf("target: with independent racks the cost per change stays flat as flows grow;\n"
           "with a shared core it grows with the component (all flows)\n\n");
    json_object_object_add(results, "flow_solver", arr);
}
