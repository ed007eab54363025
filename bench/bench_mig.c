/* Whole-scenario speed (the peak RSS is the process's, earlier benchmarks
 * included; run `golive-bench OUT mig` alone for the scenarios' own): one
 * migration of a 16 GiB VM, and 10,000 concurrent
 * migrations (10 VMs of 1-4 GiB on each of 1,000 source hosts, 10 GbE each,
 * max-bandwidth 1 Gbit/s, starts spread over a minute, destinations crossed
 * so that the NICs form large components). */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "bench/bench.h"
#include "models/world.h"

static scenario *load(const char *text)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("bench.json", text, strlen(text), errors);
    if (!sc)
        fprintf(stderr, "bench: %s\n", (char *)g_ptr_array_index(errors, 0));
    g_ptr_array_free(errors, TRUE);
    return sc;
}

static double run_once(const scenario *sc, size_t *nmig)
{
    char *err = NULL;
    double t0 = bench_now();
    world *w = world_new(sc, 0, &err);
    world_run(w);
    double dt = bench_now() - t0;
    *nmig = world_nmigrations(w);
    world_free(w);
    return dt;
}

static char *many_text(int sources, int per)
{
    GString *s = g_string_new("{\"golive\":1,\"until\":\"1h\",\"networks\":[{\"name\":\"lan\",\"latency\":\"50us\"}],"
                              "\"migration\":{\"max_bandwidth\":\"1Gbit/s\"},\"hosts\":[");
    for (int h = 0; h < 2 * sources; h++)
        g_string_append_printf(s, "%s{\"name\":\"h%d\",\"memory\":\"1TiB\",\"nics\":[{\"network\":\"lan\","
                                  "\"bandwidth\":\"10Gbit/s\"}]}",
                               h ? "," : "", h);
    g_string_append(s, "],\"vms\":[");
    for (int i = 0; i < sources; i++)
        for (int j = 0; j < per; j++)
            g_string_append_printf(s, "%s{\"name\":\"v%d_%d\",\"host\":\"h%d\",\"memory\":\"%dGiB\",\"zero\":\"30%%\","
                                      "\"dirty\":{\"model\":\"uniform\",\"rate\":\"%dpages/s\",\"working_set\":\"256MiB\"}}",
                                   i || j ? "," : "", i, j, i, 1 + (i + j) % 4, 500 * (1 + j % 5));
    g_string_append(s, "],\"events\":[");
    for (int i = 0; i < sources; i++)
        for (int j = 0; j < per; j++)
            g_string_append_printf(s, "%s{\"at\":\"%.3fs\",\"action\":\"migrate\",\"vm\":\"v%d_%d\",\"to\":\"h%d\"}",
                                   i || j ? "," : "", 60.0 * (i * per + j) / (sources * per), i, j,
                                   sources + (i + j) % sources);
    g_string_append(s, "]}");
    return g_string_free(s, FALSE);
}

void bench_mig(json_object *results)
{
    json_object *o = json_object_new_object();
    const char *one = "{\"golive\":1,\"networks\":[{\"name\":\"lan\"}],"
                      "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]},"
                      "{\"name\":\"b\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]}],"
                      "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"16GiB\",\"zero\":\"20%\","
                      "\"dirty\":{\"model\":\"uniform\",\"rate\":\"50000pages/s\",\"working_set\":\"2GiB\"}}],"
                      "\"migration\":{\"max_bandwidth\":\"unlimited\"},"
                      "\"events\":[{\"at\":0,\"action\":\"migrate\",\"vm\":\"v\",\"to\":\"b\"}]}";
    scenario *sc = load(one);
    double t[15];
    size_t n = 0;
    for (int i = 0; i < 15; i++)
        t[i] = run_once(sc, &n);
    double med = bench_median(t, 15);
    scenario_free(sc);
    printf("Whole scenarios\n");
    printf("  one 16 GiB migration (uniform dirtying): %.3f ms wall (median of 15)   target < 1 ms\n", med * 1e3);
    json_object_object_add(o, "one_16GiB_migration_ms", json_object_new_double(med * 1e3));

    const int sources[] = { 10, 100, 1000 };
    json_object *arr = json_object_new_array();
    for (size_t k = 0; k < G_N_ELEMENTS(sources); k++) {
        g_autofree char *text = many_text(sources[k], 10);
        sc = load(text);
        double wall = run_once(sc, &n);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("  %5zu concurrent migrations: %.2f s wall, process peak RSS %.0f MiB%s\n", n, wall, ru.ru_maxrss / 1024.0,
               sources[k] == 1000 ? "   target < 10 s, < 1 GiB" : "");
        json_object *e = json_object_new_object();
        json_object_object_add(e, "migrations", json_object_new_int64((int64_t)n));
        json_object_object_add(e, "wall_s", json_object_new_double(wall));
        json_object_object_add(e, "peak_rss_mib", json_object_new_double(ru.ru_maxrss / 1024.0));
        json_object_array_add(arr, e);
        scenario_free(sc);
    }
    json_object_object_add(o, "concurrent", arr);

    /* the capacity-planning data centre: the rack drain, and an idle hour */
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    double t0 = bench_now();
    sc = scenario_load("scenarios/datacenter-rack-drain.json", errors);
    double load_s = bench_now() - t0;
    g_ptr_array_free(errors, TRUE);
    if (sc) {
        double drain = run_once(sc, &n);
        size_t nev = sc->nevents;
        sc->nevents = 0; /* the same cluster with nothing happening */
        size_t none;
        double idle = run_once(sc, &none);
        sc->nevents = nev;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("  data centre (1,000 hosts, 20,000 VMs, Ceph): loading %.2f s\n", load_s);
        printf("    rack drain, %zu migrations: %.2f s wall   target < 10 s, < 2 GiB (process peak RSS %.0f MiB)\n", n,
               drain, ru.ru_maxrss / 1024.0);
        printf("    one idle hour: %.2f s wall   target < 1 s\n", idle);
        json_object *dc = json_object_new_object();
        json_object_object_add(dc, "load_s", json_object_new_double(load_s));
        json_object_object_add(dc, "rack_drain_wall_s", json_object_new_double(drain));
        json_object_object_add(dc, "rack_drain_migrations", json_object_new_int64((int64_t)n));
        json_object_object_add(dc, "idle_hour_wall_s", json_object_new_double(idle));
        json_object_object_add(dc, "peak_rss_mib", json_object_new_double(ru.ru_maxrss / 1024.0));
        json_object_object_add(o, "datacenter", dc);
        scenario_free(sc);
    }
    json_object_object_add(results, "scenarios", o);
    printf("\n");
}
