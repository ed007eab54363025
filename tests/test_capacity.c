/* golive capacity: fit, N+1, rack loss and drain times, on a cluster small
 * enough to work out by hand (tests/scenarios/good/capacity-small.json:
 * node1 and node2 in rack r1 hold two 16 GiB VMs each, node3 in r2 none;
 * every host has 64 GiB and 16 cores). */
#include <criterion/criterion.h>
#include <glib.h>
#include <gsl/gsl_rng.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/capacity.h"
#include "tests/support.h"

#define SMALL "tests/scenarios/good/capacity-small.json"

static json_object *capacity_cli(const char *const *extra)
{
    const char *args[16] = { "capacity", SMALL, "--json", "-" };
    size_t n = 4;
    for (size_t i = 0; extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    char *out, *err;
    cr_assert_eq(support_golive(args, &out, &err), 0, "%s", err);
    json_object *root = json_tokener_parse(out);
    cr_assert_not_null(root, "%s", out);
    g_free(out);
    g_free(err);
    return root;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    cr_assert(json_object_object_get_ex(o, key, &v), "no %s", key);
    return v;
}

/* 16 GiB: free 32 + 32 + 64 GiB holds 8 more. Three hosts of four slots stay
 * N+1 while they hold at most 8 VMs in all: 4 more. 32 GiB, spread to the
 * roomiest host: node3, then node1; a third (on node2) leaves node1's 64 GiB
 * nowhere to go but node3's 32 GiB: 2 more. */
Test(capacity, fits_and_keeps_n_plus_1, .timeout = 60)
{
    json_object *root = capacity_cli((const char *[]){ "--size", "16GiB:2", "--size", "32GiB:4", "--drains", "0", NULL });
    cr_assert(json_object_get_boolean(get(root, "n_plus_1")));
    cr_assert(json_object_get_boolean(get(root, "rack_loss_absorbed")));
    json_object *fit = get(root, "fit");
    cr_assert_eq(json_object_array_length(fit), 2);
    int64_t want[2][2] = { { 8, 4 }, { 4, 2 } };
    for (size_t i = 0; i < 2; i++) {
        json_object *f = json_object_array_get_idx(fit, i);
        cr_assert_eq(json_object_get_int64(get(f, "more")), want[i][0], "size %zu", i);
        cr_assert_eq(json_object_get_int64(get(f, "more_keeping_n_plus_1")), want[i][1], "size %zu", i);
    }
    cr_assert_eq(json_object_array_length(get(root, "drains")), 0);
    json_object_put(root);
}

/* Memory overcommit 2: 96 + 96 + 128 GiB free: 20 more of 16 GiB. One vCPU
 * per core: 16 per host, 4 used on node1 and node2: 3 + 3 + 4 VMs of 4
 * vCPUs. */
Test(capacity, overcommit_ratios_apply, .timeout = 60)
{
    json_object *root = capacity_cli((const char *[]){ "--size", "16GiB:2", "--mem-overcommit", "2", "--drains", "0",
                                                   NULL });
    cr_assert_eq(json_object_get_int64(get(json_object_array_get_idx(get(root, "fit"), 0), "more")), 20);
    json_object_put(root);
    root = capacity_cli((const char *[]){ "--size", "1GiB:4", "--cpu-overcommit", "1", "--drains", "0", NULL });
    cr_assert_eq(json_object_get_int64(get(json_object_array_get_idx(get(root, "fit"), 0), "more")), 10);
    json_object_put(root);
}

/* At 40% of 64 GiB (25.6 GiB per host) node1 and node2 start over capacity
 * with 32 GiB each: each sheds a 16 GiB VM; node1's goes to node3 (25.6 GiB
 * free), node2's finds no room (9.6 GiB left anywhere). The cluster is
 * already full: not N+1, the loss of any host cannot be absorbed, nothing can
 * be added "keeping N+1", and losing r1 fails too. */
Test(capacity, reports_what_cannot_be_absorbed, .timeout = 60)
{
    json_object *root = capacity_cli((const char *[]){ "--mem-overcommit", "0.4", "--drains", "0", NULL });
    cr_assert_not(json_object_get_boolean(get(root, "n_plus_1")));
    json_object *over = get(root, "hosts_over_capacity");
    cr_assert_eq(json_object_array_length(over), 2);
    cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(over, 0)), "node1");
    cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(over, 1)), "node2");
    cr_assert_eq(json_object_get_int64(get(root, "vms_without_room")), 1);
    json_object *bad = get(root, "hosts_whose_loss_cannot_be_absorbed");
    cr_assert_eq(json_object_array_length(bad), 3);
    cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(bad, 0)), "node1");
    cr_assert_not(json_object_get_boolean(get(root, "rack_loss_absorbed")));
    cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(get(root, "racks_whose_loss_cannot_be_absorbed"),
                                                                      0)),
                     "r1");
    json_object *f = json_object_array_get_idx(get(root, "fit"), 0);
    cr_assert(json_object_is_type(get(f, "more_keeping_n_plus_1"), json_type_null));
    cr_assert_eq(json_object_get_int64(get(f, "more")), 0);
    json_object_put(root);
}

/* Draining node1: its two 16 GiB VMs leave together, each held to QEMU's
 * 128 MiB/s default cap (the 10 GbE link has room for both): 128 s plus
 * the pages dirtied meanwhile. The answer does not depend on the threads. */
Test(capacity, drains_are_simulated, .timeout = 120)
{
    char *a, *b, *err;
    cr_assert_eq(support_golive((const char *[]){ "capacity", SMALL, "--json", "-", "-t", "1", NULL }, &a, &err), 0);
    g_free(err);
    cr_assert_eq(support_golive((const char *[]){ "capacity", SMALL, "--json", "-", "-t", "2", NULL }, &b, &err), 0);
    g_free(err);
    cr_assert_str_eq(a, b);
    json_object *root = json_tokener_parse(a);
    json_object *d = get(root, "drains");
    cr_assert_eq(json_object_array_length(d), 2, "the hosts that run VMs");
    json_object *d0 = json_object_array_get_idx(d, 0);
    cr_assert_str_eq(json_object_get_string(get(d0, "host")), "node1");
    cr_assert_eq(json_object_get_int(get(d0, "vms")), 2);
    cr_assert_eq(json_object_get_int(get(d0, "moved")), 2);
    double win = json_object_get_double(get(d0, "window_s"));
    cr_assert(win > 128 && win < 140, "window %g s", win);
    double dt = json_object_get_double(get(d0, "downtime_max_s"));
    cr_assert(dt > 0 && dt < 0.3, "downtime %g s", dt);
    json_object_put(root);
    g_free(a);
    g_free(b);
}

Test(capacity, bad_usage_exits_2, .timeout = 30)
{
    const char *cases[][6] = {
        { "capacity", SMALL, "--size", "lots", NULL },
        { "capacity", SMALL, "--size", "4GiB:0", NULL },
        { "capacity", SMALL, "--mem-overcommit", "0", NULL },
        { "capacity", SMALL, "--cpu-overcommit", "1e308", NULL }, /* overflowed the counts */
        { "capacity", SMALL, "--size", "4GiB:2:100", NULL },
        { "capacity", "tests/scenarios/bad/24-vm-unknown-host.json", NULL },
        { "capacity", NULL },
    };
    const char *why[] = { "--size lots", "vCPU count", "overcommit", "at most 1000", "disk size with its unit",
                          "unknown", "one scenario file" };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *out, *err;
        cr_assert_eq(support_golive(cases[i], &out, &err), 2, "case %zu", i);
        cr_assert(strstr(err, why[i]), "case %zu: %s", i, err);
        cr_assert_eq(out[0], '\0');
        g_free(out);
        g_free(err);
    }
}

/* Every shipped scenario gets an answer: valid JSON with the N+1 verdict, a
 * fit per size, and a simulated drain whose VMs all moved or are counted. */
Test(capacity, answers_for_every_shipped_scenario, .timeout = 240)
{
    char **all = support_scenarios();
    for (char **p = all; *p; p++) {
        const char *path = *p, *name = *p;
        char *out, *err;
        cr_assert_eq(support_golive((const char *[]){ "capacity", path, "--drains", "1", "--json", "-", NULL }, &out,
                                    &err),
                     0, "%s: %s", name, err);
        json_object *root = json_tokener_parse(out);
        cr_assert_not_null(root, "%s", name);
        get(root, "n_plus_1");
        cr_assert_gt(json_object_array_length(get(root, "fit")), 0, "%s", name);
        json_object *dr = get(root, "drains");
        for (size_t i = 0; i < json_object_array_length(dr); i++) {
            json_object *o = json_object_array_get_idx(dr, i);
            cr_assert_leq(json_object_get_int(get(o, "moved")), json_object_get_int(get(o, "vms")), "%s", name);
        }
        json_object_put(root);
        g_free(out);
        g_free(err);
    }
    g_strfreev(all);
}

/* The module itself, called directly (cli/cmd_capacity.c only prints its
 * answers): the same hand-worked numbers, the sizes of the scenario, the
 * drain candidates, and a drain with threads 1 and 2 alike. */
Test(capacity, module_answers_directly, .timeout = 60)
{
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load(SMALL, errors);
    cr_assert_not_null(sc);
    capacity *c = capacity_new(sc, 1.0, 4.0);
    double mem, used, vcpus, vused;
    capacity_totals(c, &mem, &used, &vcpus, &vused);
    cr_assert_eq(mem, 3 * 64.0 * (1 << 30));
    cr_assert_eq(used, 4 * 16.0 * (1 << 30));
    cr_assert_eq(vcpus, 3 * 16 * 4.0);
    cr_assert_eq(vused, 8);
    GArray *lost = capacity_host_losses(c, 10);
    cr_assert_eq(lost->len, 0);
    g_array_free(lost, TRUE);
    size_t nracks;
    GPtrArray *racks = capacity_rack_losses(c, &nracks);
    cr_assert_eq(nracks, 2);
    cr_assert_eq(racks->len, 0);
    g_ptr_array_free(racks, TRUE);
    capacity_fit_result fr;
    capacity_fit(c, (capacity_size){ 16.0 * (1 << 30), 2, 0 }, &fr);
    cr_assert(fr.more == 8 && fr.keeping == 4, "%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT, fr.more, fr.keeping);
    capacity_fit(c, (capacity_size){ 32.0 * (1 << 30), 4, 0 }, &fr);
    cr_assert(fr.more == 4 && fr.keeping == 2, "%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT, fr.more, fr.keeping);
    GArray *sizes = capacity_sizes(sc);
    cr_assert_eq(sizes->len, 1, "one size: 16 GiB, 2 vCPUs");
    g_array_free(sizes, TRUE);
    GArray *cand = capacity_drain_candidates(c);
    cr_assert_eq(cand->len, 2);
    cr_assert_eq(g_array_index(cand, size_t, 0), 0);
    cr_assert_eq(g_array_index(cand, size_t, 1), 1);
    capacity_drain *d1 = capacity_drains(sc, (size_t *)(void *)cand->data, cand->len, SIM_HOUR, 1);
    capacity_drain *d2 = capacity_drains(sc, (size_t *)(void *)cand->data, cand->len, SIM_HOUR, 2);
    for (size_t k = 0; k < 2; k++) {
        cr_assert_eq(d1[k].host, k);
        cr_assert(d1[k].vms == 2 && d1[k].moved == 2);
        cr_assert_eq(d1[k].window_s, d2[k].window_s, "threads change nothing");
        cr_assert_eq(d1[k].downtime_max_s, d2[k].downtime_max_s);
    }
    g_free(d1);
    g_free(d2);
    g_array_free(cand, TRUE);
    capacity_free(c);
    scenario_free(sc);
}

/* The NFS server runs no VMs (scenario_is_node, the world's rule): it
 * offers nothing, is no drain candidate, and its loss is not a host loss. */
Test(capacity, the_storage_server_offers_nothing)
{
    const char *text =
        "{\"golive\":1,\"networks\":[{\"name\":\"lan\"}],"
        "\"hosts\":[{\"name\":\"a\",\"memory\":\"64GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"b\",\"memory\":\"64GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"f\",\"memory\":\"512GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}],"
        "\"storage\":{\"type\":\"nfs\",\"server\":\"f\"},"
        "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"48GiB\"},{\"name\":\"w\",\"host\":\"b\",\"memory\":\"48GiB\"}]}";
    g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("nfs.json", text, strlen(text), errors);
    cr_assert_not_null(sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    capacity *c = capacity_new(sc, 1.0, 4.0);
    double mem, used, vcpus, vused;
    capacity_totals(c, &mem, &used, &vcpus, &vused);
    cr_assert_eq(mem, 128.0 * (1 << 30), "the filer's 512 GiB do not count");
    GArray *lost = capacity_host_losses(c, 10);
    cr_assert_eq(lost->len, 2, "48 GiB do not fit in the other node's 16 GiB free");
    g_array_free(lost, TRUE);
    GArray *cand = capacity_drain_candidates(c);
    cr_assert_eq(cand->len, 2);
    g_array_free(cand, TRUE);
    capacity_free(c);
    scenario_free(sc);
}

/* Three hosts of 64 GiB and 2 cores (8 vCPUs at 4 per core); `vms` on a,
 * `storage` and each host's `disk` as given. */
static capacity *cap_of(const char *vms, const char *storage, const char *disk, scenario **sc)
{
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"networks\":[{\"name\":\"lan\"}],\"storage\":%s,\"hosts\":["
        "{\"name\":\"a\",\"cores\":2,\"memory\":\"64GiB\",%s\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]},"
        "{\"name\":\"b\",\"cores\":2,\"memory\":\"64GiB\",%s\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]},"
        "{\"name\":\"c\",\"cores\":2,\"memory\":\"64GiB\",%s\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"10Gbit/s\"}]}],"
        "\"vms\":[%s]}",
        storage, disk, disk, disk, vms);
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    *sc = scenario_load_text("cap.json", text, strlen(text), errors);
    cr_assert_not_null(*sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    g_ptr_array_free(errors, TRUE);
    return capacity_new(*sc, 1, 4);
}

#define GiB (1024.0 * 1024 * 1024)

/* Five 16 GiB VMs on a (80 of 64 GiB): the largest excess VM moves to the
 * roomiest host (b), leaving room for 0 + 3 + 4 = 7 more, not the 8 that
 * ignoring a's excess would give. */
Test(capacity, a_host_over_its_memory_counts_its_excess)
{
    GString *vms = g_string_new(NULL);
    for (int i = 0; i < 5; i++)
        g_string_append_printf(vms, "%s{\"name\":\"v%d\",\"host\":\"a\",\"memory\":\"16GiB\"}", i ? "," : "", i);
    scenario *sc;
    capacity *c = cap_of(vms->str, "{\"type\":\"nfs\"}", "", &sc);
    g_string_free(vms, TRUE);
    size_t unplaced;
    const GArray *over = capacity_overfull(c, &unplaced);
    cr_assert_eq(over->len, 1);
    cr_assert_eq(g_array_index(over, size_t, 0), 0);
    cr_assert_eq(unplaced, 0);
    capacity_fit_result fr;
    capacity_fit(c, (capacity_size){ 16 * GiB, 1, 0 }, &fr);
    cr_assert_eq(fr.more, 7);
    cr_assert_eq(fr.binding, CAPACITY_MEM);
    capacity_free(c);
    scenario_free(sc);
}

/* 4 vCPUs a VM on 8 vCPUs a host: two per host, though memory holds 16. */
Test(capacity, names_what_binds)
{
    scenario *sc;
    capacity *c = cap_of("", "{\"type\":\"nfs\"}", "", &sc);
    capacity_fit_result fr;
    capacity_fit(c, (capacity_size){ 4 * GiB, 4, 0 }, &fr);
    cr_assert_eq(fr.more, 6);
    cr_assert_eq(fr.binding, CAPACITY_CPU);
    cr_assert(fr.fail[CAPACITY_CPU] == 3 && fr.fail[CAPACITY_MEM] == 0, "FAILCPU on every host");
    cr_assert_eq(fr.pool, -1, "the filer's size is not in the scenario");
    double cap, used;
    cr_assert_eq(capacity_disk_totals(c, &cap, &used), CAPACITY_DISKS_UNCHECKED);
    capacity_free(c);
    scenario_free(sc);
}

/* Local disks of 100 GiB: one 60 GiB image per host (FAILDISK). */
Test(capacity, local_disks_bind)
{
    scenario *sc;
    capacity *c = cap_of("", "{\"type\":\"local\"}", "\"disks\":1,\"disk_size\":\"100GiB\",", &sc);
    capacity_fit_result fr;
    capacity_fit(c, (capacity_size){ 4 * GiB, 1, 60 * GiB }, &fr);
    cr_assert_eq(fr.more, 3);
    cr_assert_eq(fr.binding, CAPACITY_DISK);
    cr_assert_eq(fr.fail[CAPACITY_DISK], 3);
    capacity_free(c);
    scenario_free(sc);
}

/* Ceph on 3 hosts of 2 x 1 TiB: 6 TiB raw x 0.95 full ratio / 3 copies =
 * 1945.6 GiB for images, 19 of 100 GiB; memory would hold 48. */
Test(capacity, a_ceph_pool_binds)
{
    scenario *sc;
    capacity *c = cap_of("", "{\"type\":\"ceph\"}", "\"disks\":2,\"disk_size\":\"1TiB\",", &sc);
    capacity_fit_result fr;
    capacity_fit(c, (capacity_size){ 4 * GiB, 1, 100 * GiB }, &fr);
    cr_assert_eq(fr.pool, 19);
    cr_assert_eq(fr.more, 19);
    cr_assert_eq(fr.binding, CAPACITY_POOL);
    double cap, used;
    cr_assert_eq(capacity_disk_totals(c, &cap, &used), CAPACITY_DISKS_POOL);
    cr_assert_float_eq(cap, 6 * 1024 * GiB * 0.95 / 3, 1);
    capacity_free(c);
    scenario_free(sc);
}

/* On a terminal, capacity shows its progress (drains on stderr); piped, it
 * writes none. script(1) (bsdutils, an essential Debian package) gives it a
 * terminal. */
Test(capacity, shows_progress_on_a_terminal_only, .timeout = 120)
{
    const char *bin = getenv("GOLIVE_BIN");
    cr_assert_not_null(bin);
    g_autofree char *cmd = g_strdup_printf("%s capacity scenarios/datacenter-rack-drain.json --drains 4 -q", bin);
    g_autofree char *out = NULL, *err = NULL;
    int status;
    const char *argv[] = { "script", "-qec", cmd, "/dev/null", NULL };
    cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, NULL),
              "script(1) is needed (package bsdutils)");
    cr_assert(strstr(out, "drains") && strstr(out, "ETA"), "no progress on a terminal: %s", out);
    char *o, *e;
    cr_assert_eq(support_golive((const char *[]){ "capacity", "scenarios/datacenter-rack-drain.json", "--drains", "4",
                                                  "-q", NULL },
                                &o, &e),
                 0);
    cr_assert(!strstr(e, "ETA"), "progress on a pipe: %s", e);
    g_free(o);
    g_free(e);
}

/* The hosts whose loss cannot be absorbed, found the plainest way: each VM of
 * the lost host, largest first, goes to the roomiest surviving host (ties:
 * the first), passing over hosts short of vCPUs, and fails at the first host
 * short of memory. */
static GArray *naive_host_losses(const scenario *sc, double vcpus_per_core)
{
    size_t nh = sc->nhosts;
    GArray *bad = g_array_new(FALSE, FALSE, sizeof(size_t));
    double *mem = g_new0(double, nh), *cpu = g_new0(double, nh);
    for (size_t lost = 0; lost < nh; lost++) {
        memset(mem, 0, nh * sizeof(double));
        memset(cpu, 0, nh * sizeof(double));
        GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
        for (size_t i = 0; i < sc->nvms; i++) {
            mem[sc->vms[i].host] += sc->vms[i].memory;
            cpu[sc->vms[i].host] += sc->vms[i].vcpus;
            if ((size_t)sc->vms[i].host == lost)
                g_array_append_val(out, i);
        }
        if (!out->len) {
            g_array_free(out, TRUE);
            continue;
        }
        /* largest first: memory, then vCPUs (the sizes are all that count) */
        for (guint a = 0; a < out->len; a++)
            for (guint b = a + 1; b < out->len; b++) {
                const scn_vm *x = &sc->vms[g_array_index(out, int, a)], *y = &sc->vms[g_array_index(out, int, b)];
                if (y->memory > x->memory || (y->memory == x->memory && y->vcpus > x->vcpus)) {
                    int t = g_array_index(out, int, a);
                    g_array_index(out, int, a) = g_array_index(out, int, b);
                    g_array_index(out, int, b) = t;
                }
            }
        bool ok = true;
        for (guint a = 0; a < out->len && ok; a++) {
            const scn_vm *v = &sc->vms[g_array_index(out, int, a)];
            bool *tried = g_new0(bool, nh);
            bool placed = false;
            for (;;) {
                long best = -1;
                for (size_t h = 0; h < nh; h++)
                    if (h != lost && !tried[h] &&
                        (best < 0 || sc->hosts[h].memory - mem[h] > sc->hosts[best].memory - mem[best]))
                        best = (long)h;
                if (best < 0 || sc->hosts[best].memory - mem[best] < v->memory)
                    break;
                if (sc->hosts[best].cores * vcpus_per_core - cpu[best] >= v->vcpus) {
                    mem[best] += v->memory;
                    cpu[best] += v->vcpus;
                    placed = true;
                    break;
                }
                tried[best] = true;
            }
            g_free(tried);
            ok = placed;
        }
        if (!ok)
            g_array_append_val(bad, lost);
        g_array_free(out, TRUE);
    }
    g_free(mem);
    g_free(cpu);
    return bad;
}

/* Property: on random clusters (hosts of random memory and cores, VMs of
 * random sizes), the N+1 check finds exactly the hosts the plainest
 * evacuation finds. */
Test(capacity, host_losses_match_a_plain_evacuation, .timeout = 120)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2026);
    unsigned bad = 0, ok = 0;
    for (int trial = 0; trial < 60; trial++) {
        int nh = 3 + (int)gsl_rng_uniform_int(r, 12), nv = 2 + (int)gsl_rng_uniform_int(r, 60);
        GString *s = g_string_new("{\"golive\":1,\"networks\":[{\"name\":\"lan\"}],\"hosts\":[");
        int hmem[16], hcores[16];
        for (int h = 0; h < nh; h++) {
            hmem[h] = 16 * (1 + (int)gsl_rng_uniform_int(r, 8));
            hcores[h] = 1 + (int)gsl_rng_uniform_int(r, 8);
            g_string_append_printf(s, "%s{\"name\":\"h%d\",\"memory\":\"%dGiB\",\"cores\":%d,\"nics\":[{\"network\":"
                                      "\"lan\",\"bandwidth\":\"10Gbit/s\"}]}",
                                   h ? "," : "", h, hmem[h], hcores[h]);
        }
        g_string_append(s, "],\"vms\":[");
        /* every VM where it fits: no host starts over its memory or vCPUs */
        int room[16], cores[16], placed = 0;
        for (int h = 0; h < nh; h++) {
            room[h] = hmem[h];
            cores[h] = 4 * hcores[h];
        }
        for (int i = 0; i < nv; i++) {
            int m = 1 << gsl_rng_uniform_int(r, 5), c = 1 + (int)gsl_rng_uniform_int(r, 6),
                h = (int)gsl_rng_uniform_int(r, (unsigned long)nh);
            if (room[h] < m || cores[h] < c)
                continue;
            room[h] -= m;
            cores[h] -= c;
            g_string_append_printf(s, "%s{\"name\":\"v%d\",\"host\":\"h%d\",\"memory\":\"%dGiB\",\"vcpus\":%d}",
                                   placed++ ? "," : "", i, h, m, c);
        }
        g_string_append(s, "]}");
        GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
        scenario *sc = scenario_load_text("random.json", s->str, s->len, errors);
        cr_assert_not_null(sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
        g_ptr_array_free(errors, TRUE);
        capacity *c = capacity_new(sc, 1.0, 4.0);
        GArray *got = capacity_host_losses(c, SIZE_MAX), *want = naive_host_losses(sc, 4.0);
        cr_assert_eq(got->len, want->len, "trial %d: %u hosts cannot be lost, the plain way %u", trial, got->len,
                     want->len);
        for (guint i = 0; i < got->len; i++)
            cr_assert_eq(g_array_index(got, size_t, i), g_array_index(want, size_t, i), "trial %d", trial);
        bad += got->len;
        ok += (unsigned)nh - got->len;
        g_array_free(got, TRUE);
        g_array_free(want, TRUE);
        capacity_free(c);
        scenario_free(sc);
        g_string_free(s, TRUE);
    }
    cr_assert(bad > 20 && ok > 20, "the random clusters must have hosts of both kinds: %u cannot be lost, %u can", bad,
              ok);
    gsl_rng_free(r);
}
