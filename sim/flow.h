/* flow — a fluid model of a network: links with a capacity in bytes/s and a
 * latency, and flows of bytes over a path of links whose rates follow
 * weighted max-min fairness.
 *
 * Rates are computed by progressive filling and recomputed only for the
 * connected component (flows that share links, transitively) of what
 * changed; changes at one instant are coalesced into one re-rating. Progress
 * is accounted lazily; each flow keeps one completion event, moved when its
 * rate changes. A link of capacity 0 (cut) stalls its flows: models decide
 * about timeouts. The last byte arrives one path latency after it was sent:
 * the flow leaves its links when sent and its callback runs when delivered.
 * A background load reserves part of a link's capacity without being a flow,
 * for cheap long-lived streams such as replication at a steady write rate. */
#ifndef GOLIVE_SIM_FLOW_H
#define GOLIVE_SIM_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

typedef struct flow_net flow_net;
typedef struct flow_link flow_link;
typedef struct flow flow;
typedef struct flow_bg flow_bg;

/* Runs when the last byte of f is delivered; f is freed when it returns. */
typedef void (*flow_done_fn)(flow_net *net, flow *f, void *arg);

typedef struct {
    double cap_Bps;      /* rate cap, bytes/s; 0 = none */
    double weight;       /* share weight; 0 = 1 */
    double window_bytes; /* TCP window: rate <= window / RTT (RTT = 2 x path latency); 0 = none */
} flow_params;

/* Allocates a network driven by s; free it before s. */
flow_net *flow_net_new(sim *s);
void flow_net_free(flow_net *net);
sim *flow_net_sim(const flow_net *net);

/* Links are owned by the net. capacity_Bps may be 0 (cut) or INFINITY. */
flow_link *flow_link_new(flow_net *net, const char *name, double capacity_Bps, sim_time latency);
const char *flow_link_name(const flow_link *l);
double flow_link_capacity(const flow_link *l);
sim_time flow_link_latency(const flow_link *l);
/* Changes the capacity at run time; 0 cuts the link, a later value restores it. */
void flow_link_set_capacity(flow_net *net, flow_link *l, double capacity_Bps);
/* Rate carried by flows now (bytes/s). */
double flow_link_flow_rate(flow_net *net, flow_link *l);
/* The same without settling a re-rating pending at this instant: the rates
 * as they stand (a plot's sample must not split a re-rating). */
double flow_link_current_rate(const flow_link *l);
/* Background rate carried now: the reservations, at most the capacity. */
double flow_link_background_rate(const flow_link *l);
/* (flows + background) / capacity, in [0, 1]; 0 for a cut link. */
double flow_link_utilisation(flow_net *net, flow_link *l);
size_t flow_link_nflows(const flow_link *l);

/* Starts a transfer of size bytes (INFINITY: a stream that never ends) over
 * path (npath links, may be 0: then only the cap limits it). params may be
 * NULL. done may be NULL. The flow is owned by the net until it is done or
 * cancelled. */
flow *flow_start(flow_net *net, flow_link *const *path, size_t npath, double size,
                 const flow_params *params, flow_done_fn done, void *arg);
/* Stops f at once without calling its callback, and frees it. */
void flow_cancel(flow_net *net, flow *f);
void flow_set_cap(flow_net *net, flow *f, double cap_Bps);
void flow_set_weight(flow_net *net, flow *f, double weight);
/* Changes the size of a flow still sending (not below what it has sent). */
void flow_set_size(flow_net *net, flow *f, double size);
/* Called (with the flow's arg) just before f's rate changes or its last byte
 * leaves: what it sent up to now is still flow_sent_at's to tell. Never
 * called for the caller's own flow_cancel. */
typedef void (*flow_change_fn)(flow_net *net, flow *f, void *arg);
void flow_set_change_hook(flow *f, flow_change_fn fn);
/* The bytes f had sent at t, for a t between its last rate change (or its
 * start) and now, as flow_sent would have returned at t: f's rate and size
 * must not have changed since t (the change hook says when they do). */
double flow_sent_at(const flow *f, sim_time t);
/* The rate its last re-rating gave f, without running one that is pending
 * (which calls the change hook if it changes it). */
double flow_current_rate(const flow *f);

/* Current rate in bytes/s (0 once sent). */
double flow_rate(flow_net *net, flow *f);
/* Bytes sent so far, settled to now. A re-rating pending at this instant
 * stays pending: a rate changed now changes nothing sent before now. */
double flow_sent(flow_net *net, flow *f);
double flow_size(const flow *f);
/* Bytes left to send. */
double flow_remaining(flow_net *net, flow *f);
/* True while the flow has bytes left and rate 0 (e.g. over a cut link). */
bool flow_stalled(flow_net *net, flow *f);
/* True once all bytes are sent (its last byte may still be in flight). */
bool flow_is_sent(const flow *f);
void *flow_arg(const flow *f);

/* A constant-rate reservation of rate_Bps on every link of path. */
flow_bg *flow_bg_new(flow_net *net, flow_link *const *path, size_t npath, double rate_Bps);
void flow_bg_set_rate(flow_net *net, flow_bg *bg, double rate_Bps);
void flow_bg_free(flow_net *net, flow_bg *bg);

/* Counters for benchmarks and tests. */
typedef struct {
    uint64_t solves;        /* re-ratings performed */
    uint64_t flows_rerated; /* sum over re-ratings of the flows in the component */
    uint64_t links_visited; /* sum over re-ratings of the links in the component */
    uint64_t delivered;     /* flows delivered whole */
    double bytes_delivered;
    double bytes_unaccounted; /* |size - bytes sent| of delivered flows beyond rounding: must stay 0 */
} flow_counters;
flow_counters flow_net_counters(const flow_net *net);
/* Number of flows still sending. */
size_t flow_net_nflows(const flow_net *net);

#endif
