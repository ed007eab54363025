/* No global state: two sims in two threads give the same traces as the
 * same sims run one after the other. */
#include <criterion/criterion.h>
#include <glib.h>
#include <gsl/gsl_randist.h>

#include "sim/flow.h"

typedef struct {
    sim *s;
    flow_net *net;
    flow_link *links[4];
    int started;
} busy;

static void on_done(flow_net *net, flow *f, void *arg)
{
    busy *b = arg;
    sim *s = flow_net_sim(net);
    trace *tr = sim_trace(s);
    trace_begin(tr, sim_now(s), "flow-done", "net");
    trace_dbl(tr, "bytes", flow_size(f));
    trace_int(tr, "started", b->started);
    trace_end(tr);
}

static void arrival(sim *s, void *arg)
{
    busy *b = arg;
    gsl_rng *r = sim_stream(s, "arrivals");
    flow_link *path[2] = { b->links[gsl_rng_uniform_int(r, 4)], b->links[gsl_rng_uniform_int(r, 4)] };
    size_t np = path[0] == path[1] ? 1 : 2;
    double size = 1e6 * (1 + gsl_ran_exponential(sim_stream(s, "sizes"), 10));
    flow_start(b->net, path, np, size, NULL, on_done, b);
    b->started++;
    if (gsl_rng_uniform(sim_stream(s, "cuts")) < 0.05)
        flow_link_set_capacity(b->net, b->links[0], gsl_rng_uniform(r) < 0.5 ? 0 : 125e6);
    if (b->started < 3000)
        sim_after(s, sim_from_s(gsl_ran_exponential(r, 0.01)), arrival, b);
}

static gpointer run_one(gpointer data)
{
    uint64_t seed = GPOINTER_TO_SIZE(data);
    busy b = { 0 };
    b.s = sim_new(seed, 0);
    b.net = flow_net_new(b.s);
    for (int i = 0; i < 4; i++)
        b.links[i] = flow_link_new(b.net, "l", 125e6, 50 * SIM_US);
    sim_at(b.s, 0, arrival, &b);
    sim_run(b.s, SIM_NEVER);
    char *out = trace_to_jsonl(sim_trace(b.s));
    flow_net_free(b.net);
    sim_free(b.s);
    return out;
}

Test(threads, parallel_sims_match_serial_runs, .timeout = 120)
{
    char *serial1 = run_one(GSIZE_TO_POINTER(1));
    char *serial2 = run_one(GSIZE_TO_POINTER(2));
    cr_assert_gt(strlen(serial1), 100000, "the workload must produce a real trace");
    cr_assert_str_neq(serial1, serial2, "different seeds, different runs");
    GThread *t1 = g_thread_new("sim1", run_one, GSIZE_TO_POINTER(1));
    GThread *t2 = g_thread_new("sim2", run_one, GSIZE_TO_POINTER(2));
    char *par1 = g_thread_join(t1);
    char *par2 = g_thread_join(t2);
    cr_assert(strcmp(serial1, par1) == 0, "thread 1 differs from the serial run");
    cr_assert(strcmp(serial2, par2) == 0, "thread 2 differs from the serial run");
    g_free(serial1);
    g_free(serial2);
    g_free(par1);
    g_free(par2);
}
