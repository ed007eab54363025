/* Monte Carlo speed: 10,000 one-year runs of the two-node DRBD design with
 * random failures (scenarios/drbd84-year.json), on 1 and on 2 threads, as
 * `golive run --runs` does them (one world per run, GLib thread pool). */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "models/world.h"

#define MC_RUNS 10000
#define MC_FILE "scenarios/drbd84-year.json"

typedef struct {
    const scenario *sc;
    gint incidents; /* a checksum that the runs happened */
} mc_job;

static void mc_run(gpointer data, gpointer user)
{
    mc_job *j = user;
    world *w = world_new(j->sc, (uint64_t)(GPOINTER_TO_INT(data) - 1), NULL);
    if (!w)
        return;
    world_run(w);
    g_atomic_int_add(&j->incidents, (gint)world_nincidents(w));
    world_free(w);
}

static double mc_time(const scenario *sc, int threads, int *incidents)
{
    mc_job j = { sc, 0 };
    double t0 = bench_now();
    GThreadPool *pool = g_thread_pool_new(mc_run, &j, threads, TRUE, NULL);
    for (int k = 0; k < MC_RUNS; k++)
        g_thread_pool_push(pool, GINT_TO_POINTER(k + 1), NULL);
    g_thread_pool_free(pool, FALSE, TRUE);
    *incidents = j.incidents;
    return bench_now() - t0;
}

void bench_mc(json_object *results)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load(MC_FILE, errors);
    if (!sc) {
        fprintf(stderr, "bench: %s\n", errors->len ? (char *)g_ptr_array_index(errors, 0) : MC_FILE);
        g_ptr_array_free(errors, TRUE);
        return;
    }
    g_ptr_array_free(errors, TRUE);
    enum { REPS = 3 };
    double t1[REPS], t2[REPS];
    int inc1 = 0, inc2 = 0;
    for (int r = 0; r < REPS; r++) {
        t1[r] = mc_time(sc, 1, &inc1);
        t2[r] = mc_time(sc, 2, &inc2);
    }
    double m1 = bench_median(t1, REPS), m2 = bench_median(t2, REPS);
    printf("\nMonte Carlo: %d one-year runs of %s (median of %d)\n", MC_RUNS, MC_FILE, REPS);
    printf("  1 thread : %7.2f s  %8.0f runs/s\n", m1, MC_RUNS / m1);
    printf("  2 threads: %7.2f s  %8.0f runs/s   speed-up %.2fx (target >= 1.7x, issue 18)\n", m2, MC_RUNS / m2, m1 / m2);
    printf("  incidents: %d and %d (the same runs either way)\n", inc1, inc2);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "runs", json_object_new_int(MC_RUNS));
    json_object_object_add(o, "scenario", json_object_new_string(MC_FILE));
    json_object_object_add(o, "wall_1_thread_s", json_object_new_double(m1));
    json_object_object_add(o, "wall_2_threads_s", json_object_new_double(m2));
    json_object_object_add(o, "runs_per_s_2_threads", json_object_new_double(MC_RUNS / m2));
    json_object_object_add(o, "speedup", json_object_new_double(m1 / m2));
    json_object_object_add(results, "monte_carlo", o);
    scenario_free(sc);
}
