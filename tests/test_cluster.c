/* Corosync votequorum and Pacemaker options: wait_for_all, last_man_standing,
 * auto_tie_breaker, qdevice, no-quorum-policy, maintenance mode (sources.md 5.2,
 * 5.3). Every node runs one VM on an NFS filer. */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "models/world.h"
#include "tests/support.h"

#define FAIL(at, t) "{\"at\":\"" at "\",\"action\":\"fail\",\"target\":\"" t "\"}"
#define REPAIR(at, t) "{\"at\":\"" at "\",\"action\":\"repair\",\"target\":\"" t "\"}"

/* nodes n1..nN (VM vK on nK), a filer, and a qnetd host "q" when asked. */
static world *crun_seeded(int seed, int nodes, bool qnetd, const char *cluster, const char *events, scenario **out)
{
    GString *hosts = g_string_new(NULL), *vms = g_string_new(NULL);
    for (int k = 1; k <= nodes; k++) {
        g_string_append_printf(hosts, "{\"name\":\"n%d\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},", k);
        g_string_append_printf(vms, "%s{\"name\":\"v%d\",\"host\":\"n%d\",\"memory\":\"1GiB\",\"disk\":{\"write_rate\":\"1MB/s\"}}",
                               k > 1 ? "," : "", k, k);
    }
    if (qnetd)
        g_string_append(hosts, "{\"name\":\"q\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},");
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"seed\":%d,\"until\":\"10min\",\"networks\":[{\"name\":\"lan\"}],"
        "\"hosts\":[%s{\"name\":\"filer\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}],"
        "\"storage\":{\"type\":\"nfs\",\"server\":\"filer\"},\"cluster\":%s,\"vms\":[%s],\"events\":[%s]}",
        seed, hosts->str, cluster, vms->str, events);
    g_string_free(hosts, TRUE);
    g_string_free(vms, TRUE);
    return support_run(text, out);
}

static world *crun(int nodes, bool qnetd, const char *cluster, const char *events, scenario **out)
{
    return crun_seeded(3, nodes, qnetd, cluster, events, out);
}

/* two_node (so wait_for_all): the fence race kills one node; when it boots
 * again while the split lasts it has not seen its peer, so it is not quorate
 * and does not fence back. With wait_for_all off it does: a fence loop. */
Test(cluster, wait_for_all_stops_the_fence_loop)
{
    const char *ev = "{\"at\":\"100s\",\"action\":\"partition\",\"groups\":[[\"n1\",\"filer\"],[\"n2\"]]},";
    scenario *sc;
    g_autofree char *events = NULL;
    world *w = crun(2, false, "{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true}",
                    "{\"at\":\"100s\",\"action\":\"partition\",\"groups\":[[\"n1\",\"filer\"],[\"n2\"]]}", &sc);
    const world_incident *f = support_find(w, "fenced", 0);
    cr_assert_not_null(f);
    g_autofree char *victim = g_strdup(f->resource);
    world_free(w);
    scenario_free(sc);
    events = g_strdup_printf("%s{\"at\":\"200s\",\"action\":\"repair\",\"target\":\"%s\"}", ev, victim);
    w = crun(2, false, "{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true}", events, &sc);
    cr_assert_eq(support_count(w, "fenced"), 1, "the rebooted node waits for all");
    world_free(w);
    scenario_free(sc);
    w = crun(2, false, "{\"manager\":\"pacemaker\",\"two_node\":true,\"wait_for_all\":false,\"allow_migrate\":true}",
             events, &sc);
    cr_assert_geq(support_count(w, "fenced"), 2, "without wait_for_all it fences its peer in turn");
    world_free(w);
    scenario_free(sc);
}

/* Five nodes lose three, one every 30 s. Plain majority: the last two have
 * 2 of 5 votes and stop their VMs. last_man_standing lowers the expected
 * votes after each 10 s window, so they stay quorate. */
Test(cluster, last_man_standing_keeps_the_last_two_quorate)
{
    const char *ev = FAIL("100s", "host:n3") "," FAIL("130s", "host:n4") "," FAIL("160s", "host:n5");
    scenario *sc;
    world *w = crun(5, false, "{\"manager\":\"pacemaker\",\"stonith\":false,\"allow_migrate\":true}", ev, &sc);
    cr_assert_geq(support_count(w, "quorum-lost"), 2, "v1 and v2 stop when 2 of 5 remain");
    const world_incident *q = support_find(w, "quorum-lost", 0);
    /* token 3 s + 3 x 650 ms, consensus 1.2 x that, less the token's phase;
     * then the DC acts */
    sim_time lo, hi;
    support_membership_window(sc, 5, &lo, &hi);
    support_between(q->start, 160 * SIM_S + lo + SUPPORT_REACT_MIN, 160 * SIM_S + hi + SUPPORT_REACT_MAX, "stop");
    world_free(w);
    scenario_free(sc);
    w = crun(5, false, "{\"manager\":\"pacemaker\",\"stonith\":false,\"allow_migrate\":true,\"last_man_standing\":true}",
             ev, &sc);
    cr_assert_eq(support_count(w, "quorum-lost"), 0);
    cr_assert_geq(support_trace_at(w, "quorum-expected-votes", NULL, 0), 0);
    world_free(w);
    scenario_free(sc);
}

/* Four nodes split 2/2: without help neither half is quorate; with
 * auto_tie_breaker the half holding n1 (the lowest node id) is. */
Test(cluster, auto_tie_breaker_picks_the_lowest_node)
{
    const char *ev = "{\"at\":\"100s\",\"action\":\"partition\",\"groups\":[[\"n1\",\"n2\",\"filer\"],[\"n3\",\"n4\"]]}";
    scenario *sc;
    world *w = crun(4, false, "{\"manager\":\"pacemaker\",\"stonith\":false,\"allow_migrate\":true}", ev, &sc);
    cr_assert_eq(support_count(w, "quorum-lost"), 4, "every VM stops");
    world_free(w);
    scenario_free(sc);
    w = crun(4, false, "{\"manager\":\"pacemaker\",\"stonith\":false,\"allow_migrate\":true,\"auto_tie_breaker\":true}",
             ev, &sc);
    cr_assert_eq(support_count(w, "quorum-lost"), 2);
    for (int k = 0; k < 2; k++)
        cr_assert_geq(support_find(w, "quorum-lost", k)->vm, 2, "v3 and v4 stop");
    world_free(w);
    scenario_free(sc);
}

/* Two nodes and a qnetd host (ffsplit): after a split the quorum device
 * votes for one side (a tie goes to the lowest node id), which fences the
 * other: no race, n2 is the one fenced. n2, without quorum, stops its VM
 * first (no-quorum-policy stop); n1 starts it once n2 is fenced. */
Test(cluster, qdevice_breaks_the_tie)
{
    scenario *sc;
    world *w = crun(2, true, "{\"manager\":\"pacemaker\",\"qdevice\":\"q\",\"allow_migrate\":true}",
                    "{\"at\":\"100s\",\"action\":\"partition\",\"groups\":[[\"n1\",\"filer\"],[\"n2\"]]}", &sc);
    cr_assert_eq(support_count(w, "fenced"), 1);
    cr_assert_str_eq(support_find(w, "fenced", 0)->resource, "host:n2");
    const world_incident *d = support_find(w, "quorum-lost", 0);
    cr_assert_not_null(d);
    cr_assert_eq(d->vm, 1);
    cr_assert_null(support_find(w, "vm-down", 0), "v1 runs on");
    /* started on n1 once the fence is confirmed (10 s) and it booted (30 s) */
    sim_time kill = support_find(w, "fenced", 0)->start;
    cr_assert_eq(d->end, kill + 40 * SIM_S);
    world_free(w);
    scenario_free(sc);
}

/* Three nodes without STONITH, n3 cut off. stop: n3 stops its VM while the
 * majority starts it: no double writer. freeze: n3 keeps running it, so it
 * runs twice. fence: n3 fences itself (needs STONITH). */
Test(cluster, no_quorum_policies)
{
    const char *ev = "{\"at\":\"100s\",\"action\":\"partition\",\"groups\":[[\"n1\",\"n2\",\"filer\"],[\"n3\"]]}";
    scenario *sc;
    world *w = crun(3, false, "{\"manager\":\"pacemaker\",\"stonith\":false,\"allow_migrate\":true}", ev, &sc);
    cr_assert_eq(support_count(w, "quorum-lost"), 1);
    cr_assert_eq(support_count(w, "double-writer"), 0);
    world_free(w);
    scenario_free(sc);
    w = crun(3, false, "{\"manager\":\"pacemaker\",\"stonith\":false,\"no_quorum_policy\":\"freeze\",\"allow_migrate\":true}",
             ev, &sc);
    cr_assert_eq(support_count(w, "quorum-lost"), 0);
    cr_assert_eq(support_count(w, "double-writer"), 1);
    world_free(w);
    scenario_free(sc);
    w = crun(3, false, "{\"manager\":\"pacemaker\",\"no_quorum_policy\":\"fence\",\"allow_migrate\":true}", ev, &sc);
    cr_assert_geq(support_count(w, "fenced"), 1);
    cr_assert_str_eq(support_find(w, "fenced", 0)->resource, "host:n3");
    world_free(w);
    scenario_free(sc);
}

/* maintenance-mode: Pacemaker starts and stops nothing: a dead node's VM
 * stays down, and a move without allow-migrate is the operator's live
 * migration, not a stop and start. */
Test(cluster, maintenance_mode_recovers_nothing)
{
    scenario *sc;
    world *w = crun(3, false, "{\"manager\":\"pacemaker\",\"maintenance_mode\":true}",
                    "{\"at\":\"10s\",\"action\":\"migrate\",\"vm\":\"v2\",\"to\":\"n3\"}," FAIL("100s", "host:n1"), &sc);
    const world_incident *d = support_find(w, "vm-down", 0);
    cr_assert_not_null(d);
    cr_assert_eq(d->end, 600 * SIM_S, "down until the end of the run");
    const mig_result *m = world_migration(w, 0);
    cr_assert_lt(m->downtime, SIM_S, "a live migration: %.3f s", sim_to_s(m->downtime));
    world_free(w);
    scenario_free(sc);
}

/* Corosync runs on the cluster network (the first one unless
 * cluster.network says otherwise): a node whose NIC there fails is cut off,
 * exactly like a partition. */
Test(cluster, a_failed_cluster_nic_splits_the_membership)
{
    scenario *sc;
    world *w = crun(3, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true}", FAIL("100s", "nic:n3/lan"), &sc);
    const world_incident *f = support_find(w, "fenced", 0);
    cr_assert_not_null(f);
    cr_assert_str_eq(f->resource, "host:n3");
    sim_time lo, hi;
    support_membership_window(sc, 3, &lo, &hi); /* token 3.65 s + consensus 4.38 s - phase */
    support_between(f->start, 100 * SIM_S + lo + SUPPORT_REACT_MIN, 100 * SIM_S + hi + SUPPORT_REACT_MAX, "fenced");
    world_free(w);
    scenario_free(sc);
    w = crun(3, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true,\"consensus\":\"1s\"}",
             FAIL("100s", "nic:n3/lan"), &sc);
    support_membership_window(sc, 3, &lo, &hi);
    cr_assert_eq(hi, 4650 * SIM_MS, "consensus set to 1 s");
    support_between(support_find(w, "fenced", 0)->start, 100 * SIM_S + lo + SUPPORT_REACT_MIN,
                    100 * SIM_S + hi + SUPPORT_REACT_MAX, "fenced");
    world_free(w);
    scenario_free(sc);
}

/* libvirt transport tls: QEMU encrypts the migration stream on its sending
 * thread, so a migration limited by that thread's CPU (1.2 GB/s copying)
 * slows to 1 / (1/1.2 + 1/2) GB/s with 2 GB/s of AES-GCM. */
Test(cluster, tls_costs_cpu)
{
    double total[2];
    for (int tls = 0; tls < 2; tls++) {
        g_autofree char *text = g_strdup_printf(
            "{\"golive\":1,\"networks\":[{\"name\":\"lan\"}],"
            "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"100Gbit/s\"}]},"
            "{\"name\":\"b\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"100Gbit/s\"}]}],"
            "\"cluster\":{\"libvirt\":{\"transport\":\"%s\"}},\"migration\":{\"max_bandwidth\":\"unlimited\"},"
            "\"vms\":[{\"name\":\"v\",\"host\":\"a\",\"memory\":\"8GiB\",\"zero\":0}],"
            "\"events\":[{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v\",\"to\":\"b\"}]}",
            tls ? "tls" : "ssh");
        scenario *sc;
        world *w = support_run(text, &sc);
        const mig_result *m = world_migration(w, 0);
        total[tls] = sim_to_s(m->end - m->start);
        world_free(w);
        scenario_free(sc);
    }
    double expect = (1 / 1.2e9 + 1 / 2e9) * 1.2e9;
    cr_assert(fabs(total[1] / total[0] - expect) < 0.03, "TLS %.3f s vs %.3f s: ratio %.3f, expected %.3f", total[1],
              total[0], total[1] / total[0], expect);
}

/* A fence agent slower than stonith-timeout never succeeds: Pacemaker
 * recovers nothing from the lost node (its VM stays down), and kills no one. */
Test(cluster, fencing_slower_than_stonith_timeout_fails)
{
    scenario *sc;
    world *w = crun(3, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true,\"fence_time\":\"90s\"}",
                    FAIL("100s", "host:n1"), &sc);
    const world_incident *d = support_find(w, "vm-down", 0);
    cr_assert_not_null(d);
    cr_assert_eq(d->end, 600 * SIM_S, "down to the end");
    cr_assert_geq(support_trace_at(w, "fence-failed", NULL, 0), 0);
    world_free(w);
    scenario_free(sc);
    w = crun(3, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true,\"fence_time\":\"90s\",\"stonith_timeout\":\"2min\"}",
             FAIL("100s", "host:n1"), &sc);
    sim_time lo, hi;
    support_membership_window(sc, 3, &lo, &hi);
    support_between(support_find(w, "vm-down", 0)->end, 100 * SIM_S + lo + SUPPORT_REACT_MIN + 120 * SIM_S,
                    100 * SIM_S + hi + SUPPORT_REACT_MAX + 120 * SIM_S, "fenced in 90 s, booted in 30 s");
    world_free(w);
    scenario_free(sc);
}

/* Two nodes split with wait_for_all off (two_node: 1, wait_for_all: 0): the
 * first fence is a race; then the fenced node boots alone, is quorate (one
 * vote), does not know its peer clean and, with startup fencing, fences it
 * dc-deadtime (20 s) after it booted; the running node, which fenced it and
 * does not see it back, does nothing. Every later fence is that one, not a
 * new random race: a deterministic loop (item: fence loop). */
Test(cluster, fence_loop_without_wait_for_all_is_the_booting_node_each_time)
{
    for (int seed = 1; seed <= 40; seed++) {
        scenario *sc;
        world *w = crun_seeded(seed, 2, false,
                               "{\"manager\":\"pacemaker\",\"two_node\":true,\"wait_for_all\":false,"
                               "\"allow_migrate\":true,\"reboot_time\":\"60s\"}",
                               "{\"at\":\"100s\",\"action\":\"partition\",\"groups\":[[\"n1\",\"filer\"],[\"n2\"]]}", &sc);
        size_t nf = support_count(w, "fenced");
        cr_assert_geq(nf, 4, "seed %d: a loop, %zu fences in 10 min", seed, nf);
        for (size_t k = 1; k < nf; k++) {
            const world_incident *prev = support_find(w, "fenced", (int)k - 1), *f = support_find(w, "fenced", (int)k);
            cr_assert_str_neq(f->resource, prev->resource, "seed %d: the victims alternate", seed);
            /* the previous victim booted after fence_time 10 s + reboot 60 s, then waited dc-deadtime */
            cr_assert_eq(f->start, prev->start + 10 * SIM_S + 60 * SIM_S + 20 * SIM_S, "seed %d, fence %zu at %.3f s",
                         seed, k, sim_to_s(f->start));
        }
        world_free(w);
        scenario_free(sc);
    }
}

/* auto_tie_breaker keeps the lowest node id as it was when the cluster was
 * last quorate (votequorum.c get_lowest_node_id runs only while quorate):
 * when n1 and n2 of four crash, n3 and n4 hold half the votes but not that
 * node, so they are not quorate and stop their VMs. */
Test(cluster, auto_tie_breaker_remembers_the_lowest_node_of_the_quorate_cluster)
{
    for (int seed = 1; seed <= 40; seed++) {
        scenario *sc;
        world *w = crun_seeded(seed, 4, false,
                               "{\"manager\":\"pacemaker\",\"stonith\":false,\"allow_migrate\":true,\"auto_tie_breaker\":true}",
                               FAIL("100s", "host:n1") "," FAIL("100s", "host:n2"), &sc);
        cr_assert_eq(support_count(w, "quorum-lost"), 2, "seed %d: v3 and v4 stop", seed);
        for (int k = 0; k < 2; k++)
            cr_assert_geq(support_find(w, "quorum-lost", k)->vm, 2);
        cr_assert_null(support_find(w, "vm-down", 2), "nothing is started: v1 and v2 stay down");
        world_free(w);
        scenario_free(sc);
    }
}

/* migration-limit (Pacemaker's controller, controld_te_actions.c): at most
 * that many live migrations per node, counted on both the source and the
 * target; moves by stop and start are not limited (crm_simulate shows the
 * three of a drain in one transition: tests/test_pcmk_oracle.c). */
Test(cluster, migration_limit_counts_both_ends_and_only_live_migrations)
{
    scenario *sc;
    world *w;
    for (int seed = 1; seed <= 40; seed++) {
        /* v1 (n1) and v3 (n3) both migrate to n2: different sources, one target */
        w = crun_seeded(seed, 3, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true,\"migration_limit\":1}",
                        "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"},"
                        "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v3\",\"to\":\"n2\"}",
                        &sc);
        cr_assert_eq(world_nmigrations(w), 2);
        const mig_result *a = world_migration(w, 0), *b = world_migration(w, 1);
        cr_assert_eq(a->outcome, MIG_COMPLETED);
        cr_assert_eq(b->outcome, MIG_COMPLETED);
        cr_assert_eq(b->start, a->resume, "seed %d: the target's slot frees when the first is done", seed);
        world_free(w);
        scenario_free(sc);
    }
    /* without allow-migrate, a drain of n1's three VMs: three stop/start moves at once */
    w = crun(3, false, "{\"manager\":\"pacemaker\",\"migration_limit\":1}",
             "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v2\",\"to\":\"n1\"},"
             "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v3\",\"to\":\"n1\"},"
             "{\"at\":\"100s\",\"action\":\"drain\",\"host\":\"n1\"}",
             &sc);
    int drained = 0;
    sim_time first = -1;
    for (size_t i = 0; i < world_nmigrations(w); i++) {
        const mig_result *m = world_migration(w, i);
        cr_assert(m->restart, "stop and start");
        if (m->start < 100 * SIM_S)
            continue;
        drained++;
        if (first < 0)
            first = m->start;
        cr_assert_eq(m->start, first, "all at once");
    }
    cr_assert_eq(drained, 3);
    world_free(w);
    scenario_free(sc);
}

/* Two nodes split, fence race: without delays each side wins about half of
 * 40 runs (as on the real cluster: 4 of 8 each); pcmk_delay_base on n1's
 * device delays fencing n1, so n1 always survives; priority-fencing-delay
 * delays fencing the node with the higher-priority VMs (v2 on n2), so n2
 * always survives; pcmk_delay_max draws a delay per fencing: a fair race
 * again. Never are both fenced. */
Test(cluster, fence_race_delays)
{
    static const struct {
        const char *cluster;
        int min_n1, max_n1; /* runs n1 survives, of 40 */
    } cases[] = {
        { "", 10, 30 },
        { ",\"pcmk_delay_base\":{\"n1\":\"5s\"}", 40, 40 },
        { ",\"priority_fencing_delay\":\"15s\"", 0, 0 },
        { ",\"pcmk_delay_max\":\"10s\"", 10, 30 },
    };
    for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
        int n1_survives = 0;
        for (int seed = 1; seed <= 40; seed++) {
            g_autofree char *text = g_strdup_printf(
                "{\"golive\":1,\"seed\":%d,\"until\":\"3min\",\"networks\":[{\"name\":\"lan\"}],"
                "\"hosts\":[{\"name\":\"n1\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
                "{\"name\":\"n2\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
                "{\"name\":\"filer\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}],"
                "\"storage\":{\"type\":\"nfs\",\"server\":\"filer\"},"
                "\"cluster\":{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true%s},"
                "\"vms\":[{\"name\":\"v1\",\"host\":\"n1\",\"memory\":\"1GiB\"},"
                "{\"name\":\"v2\",\"host\":\"n2\",\"memory\":\"1GiB\",\"priority\":10}],"
                "\"events\":[{\"at\":\"100s\",\"action\":\"partition\",\"groups\":[[\"n1\"],[\"n2\"]]}]}",
                seed, cases[c].cluster);
            scenario *sc;
            world *w = support_run(text, &sc);
            cr_assert_eq(support_count(w, "fenced"), 1, "case %zu seed %d: one node fenced", c, seed);
            n1_survives += !strcmp(support_find(w, "fenced", 0)->resource, "host:n2");
            world_free(w);
            scenario_free(sc);
        }
        cr_assert(n1_survives >= cases[c].min_n1 && n1_survives <= cases[c].max_n1,
                  "case %zu (%s): n1 survived %d of 40", c, cases[c].cluster, n1_survives);
    }
}

/* Regression (review, bug 2): membership once kept at most 64 partitions,
 * so 70 nodes each cut off alone gave 64 quorum-lost incidents and six VMs
 * ran on without quorum. Every node alone is a partition of 1 of 70 votes:
 * each stops its VM, once corosync has noticed (its token grows with the
 * nodelist) and the DC reacted. */
Test(cluster, seventy_isolated_nodes_each_lose_quorum)
{
    const int n = 70;
    GString *ev = g_string_new("{\"at\":\"100s\",\"action\":\"partition\",\"groups\":[[\"n1\",\"filer\"]");
    for (int k = 2; k <= n; k++)
        g_string_append_printf(ev, ",[\"n%d\"]", k);
    g_string_append(ev, "]}");
    scenario *sc;
    world *w = crun(n, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true}", ev->str, &sc);
    g_string_free(ev, TRUE);
    sim_time lo, hi;
    support_membership_window(sc, n, &lo, &hi);
    bool *stopped = g_new0(bool, n);
    size_t seen = 0;
    for (size_t i = 0; i < world_nincidents(w); i++) {
        const world_incident *in = world_incident_get(w, i);
        if (strcmp(in->kind, "quorum-lost"))
            continue;
        cr_assert(in->vm >= 0 && in->vm < n && !stopped[in->vm], "one stop per VM");
        stopped[in->vm] = true;
        seen++;
        support_between(in->start, 100 * SIM_S + lo + SUPPORT_REACT_MIN, 100 * SIM_S + hi + SUPPORT_REACT_MAX,
                        "stop");
        cr_assert_eq(world_vm_host(w, in->vm), -1, "v%d stays stopped", in->vm + 1);
    }
    cr_assert_eq(seen, (size_t)n, "every one of the %d VMs stops: %zu did", n, seen);
    g_free(stopped);
    world_free(w);
    scenario_free(sc);
}

/* corosync holds at most 384 nodes (PROCESSOR_COUNT_MAX): a Pacemaker
 * cluster of 385 is refused with the reason, 384 loads. */
Test(cluster, more_nodes_than_corosync_holds_is_refused)
{
    for (int n = 384; n <= 385; n++) {
        GString *t = g_string_new("{\"golive\":1,\"networks\":[{\"name\":\"lan\"}],\"hosts\":[");
        for (int k = 1; k <= n; k++)
            g_string_append_printf(t, "%s{\"name\":\"n%d\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}",
                                   k > 1 ? "," : "", k);
        g_string_append(t, "],\"cluster\":{\"manager\":\"pacemaker\"},\"vms\":[]}");
        g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
        scenario *sc = scenario_load_text("big.json", t->str, t->len, errors);
        g_string_free(t, TRUE);
        /* no VMs: nothing else to complain about */
        if (n == 384) {
            cr_assert_not_null(sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
            scenario_free(sc);
        } else {
            cr_assert_null(sc);
            cr_assert_eq(errors->len, 1);
            const char *e = g_ptr_array_index(errors, 0);
            cr_assert(strstr(e, "cluster.manager") && strstr(e, "at most 384") && strstr(e, "PROCESSOR_COUNT_MAX"),
                      "%s", e);
        }
    }
}

/* Three Pacemaker nodes and an NFS filer on 1e9 B/s NICs, one VM v1 on n1:
 * cluster and migration blocks as given, v1's memory. */
static world *mrun(const char *cluster, const char *migration, const char *memory, const char *events, scenario **out)
{
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"until\":\"10min\",\"networks\":[{\"name\":\"lan\"}],"
        "\"hosts\":[{\"name\":\"n1\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"n2\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"n3\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]},"
        "{\"name\":\"filer\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9}]}],"
        "\"storage\":{\"type\":\"nfs\",\"server\":\"filer\"},\"cluster\":%s,\"migration\":%s,"
        "\"vms\":[{\"name\":\"v1\",\"host\":\"n1\",\"memory\":\"%s\"}],\"events\":[%s]}",
        cluster, migration, memory, events);
    return support_run(text, out);
}

/* A live migration Pacemaker runs past its migrate_to op's timeout: the
 * executor kills the agent, libvirt cancels the migration (the VM goes on
 * on its source), and the scheduler, taking the VM as active on both ends
 * with a failed op, recovers it: a stop on both and a start on one, here
 * the target (sources.md row 44; the transition is crm_simulate's, in
 * test_pcmk_oracle.c). Within the timeout the same migration completes
 * live; with the timeout left to its default, one that outlasts
 * Pacemaker's own 20 s op default is reported as depending on it. */
Test(cluster, a_migration_past_its_migrate_to_timeout_is_recovered_by_a_stop_and_a_start)
{
    scenario *sc;
    world *w = crun(3, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true,\"migrate_timeout\":\"500ms\"}",
                    "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"}", &sc);
    cr_assert_eq(world_nmigrations(w), 1);
    const mig_result *m = world_migration(w, 0);
    cr_assert_eq(m->outcome, MIG_FAILED);
    cr_assert_str_eq(m->failure, "timeout");
    cr_assert_eq(m->end - m->start, 500 * SIM_MS, "it ends at the op's timeout");
    cr_assert_lt(m->transferred, 1024.0 * 1024 * 1024, "cancelled within its first pass");
    const world_incident *in = support_find(w, "vm-down", 0);
    cr_assert_not_null(in, "the recovery stops the VM");
    cr_assert_str_eq(in->resource, "pacemaker:migrate_to-failed");
    cr_assert_eq(in->vm, 0);
    support_between(in->start, m->end + SUPPORT_REACT_MIN, m->end + SUPPORT_REACT_MAX, "the recovery's stop");
    cr_assert_eq(in->end - in->start, sc->cluster.vm_stop + sc->cluster.vm_start, "down for a shutdown and a boot");
    cr_assert_eq(world_vm_host(w, 0), 1, "started on the target, n2");
    cr_assert_eq(support_count(w, "vm-down"), 1);
    cr_assert_eq(world_assumed(w)->n[AS_CL_MIGRATE_TIMEOUT], 0, "set, not assumed");
    world_free(w);
    scenario_free(sc);

    w = crun(3, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true,\"migrate_timeout\":\"1h\"}",
             "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"}", &sc);
    m = world_migration(w, 0);
    cr_assert_eq(m->outcome, MIG_COMPLETED);
    cr_assert_null(m->failure);
    cr_assert_gt(m->end - m->start, 500 * SIM_MS, "the same migration takes longer than 500 ms");
    cr_assert_eq(support_count(w, "vm-down"), 0);
    cr_assert_eq(world_vm_host(w, 0), 1);
    world_free(w);
    scenario_free(sc);

    /* the default: it completes, shaped by the assumed 120 s; a migration
     * over 20 s says what Pacemaker's own default would have done */
    w = crun(3, false, "{\"manager\":\"pacemaker\",\"allow_migrate\":true}",
             "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"}", &sc);
    cr_assert_eq(world_migration(w, 0)->outcome, MIG_COMPLETED);
    cr_assert_eq(world_assumed(w)->n[AS_CL_MIGRATE_TIMEOUT], 1);
    for (guint i = 0; i < world_warnings(w)->len; i++)
        cr_assert_null(strstr(g_ptr_array_index(world_warnings(w), i), "took longer than 20 s"), "it took %.1f s",
                       sim_to_s(world_migration(w, 0)->end - world_migration(w, 0)->start));
    world_free(w);
    scenario_free(sc);
    w = mrun("{\"manager\":\"pacemaker\",\"allow_migrate\":true}", "{\"max_bandwidth\":\"32MiB/s\"}", "2GiB",
             "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"}", &sc);
    m = world_migration(w, 0);
    cr_assert_eq(m->outcome, MIG_COMPLETED);
    cr_assert_gt(m->end - m->start, 20 * SIM_S);
    cr_assert_lt(m->end - m->start, 120 * SIM_S);
    bool told = false;
    for (guint i = 0; i < world_warnings(w)->len; i++)
        told |= strstr(g_ptr_array_index(world_warnings(w), i), "1 live migration took longer than 20 s") != NULL;
    cr_assert(told, "the spread the default hides is told");
    world_free(w);
    scenario_free(sc);
}

/* The target of a live migration dies: the migration fails at once in the
 * model, but virsh migrate hears nothing from the dead host until libvirt's
 * keepalive gives up (30 s), and only then does migrate_to fail: the node is
 * fenced first, on the membership change as for any lost node, and the VM is
 * recovered by a stop and a start 30 s after the death, not at once. */
Test(cluster, a_dead_target_fails_migrate_to_when_the_keepalive_gives_up)
{
    scenario *sc;
    world *w = mrun("{\"manager\":\"pacemaker\",\"allow_migrate\":true}", "{\"max_bandwidth\":\"20MiB/s\"}", "1GiB",
                    "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"},"
                    "{\"at\":\"5s\",\"action\":\"fail\",\"target\":\"host:n2\"}",
                    &sc);
    const mig_result *m = world_migration(w, 0);
    cr_assert_eq(m->outcome, MIG_FAILED);
    cr_assert_str_eq(m->failure, "host-failed");
    sim_time lo, hi;
    support_membership_window(sc, 3, &lo, &hi);
    sim_time fenced = support_trace_at(w, "fence-request", NULL, 0);
    support_between(fenced, 5 * SIM_S + lo + SUPPORT_REACT_MIN, 5 * SIM_S + hi + SUPPORT_REACT_MAX,
                    "the fence of the dead target, after the membership change");
    const world_incident *in = support_find(w, "vm-down", 0);
    cr_assert_not_null(in);
    cr_assert_str_eq(in->resource, "pacemaker:migrate_to-failed");
    support_between(in->start, 35 * SIM_S + SUPPORT_REACT_MIN, 35 * SIM_S + SUPPORT_REACT_MAX,
                    "the recovery, once migrate_to failed");
    cr_assert_neq(world_vm_host(w, 0), 1, "not on the dead host");
    world_free(w);
    scenario_free(sc);
}

/* The timeout comes while the migration waits at the switchover for its
 * storage (NFS down, hard mount: the source's flush hangs): golive lets it
 * finish when the server is back, and says that what the kill would set off
 * there is not simulated. */
Test(cluster, a_timeout_past_the_point_of_no_return_is_told)
{
    scenario *sc;
    world *w = mrun("{\"manager\":\"pacemaker\",\"allow_migrate\":true,\"migrate_timeout\":\"60s\"}",
                    "{\"max_bandwidth\":\"32MiB/s\"}", "1GiB",
                    "{\"at\":\"10s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"},"
                    "{\"at\":\"25s\",\"action\":\"fail\",\"target\":\"host:filer\"},"
                    "{\"at\":\"300s\",\"action\":\"repair\",\"target\":\"host:filer\"}",
                    &sc);
    const mig_result *m = world_migration(w, 0);
    cr_assert_eq(m->outcome, MIG_COMPLETED);
    cr_assert_lt(m->stop, 70 * SIM_S, "paused before the timeout");
    cr_assert_gt(m->end, 300 * SIM_S, "done once the server is back");
    bool told = false;
    for (guint i = 0; i < world_warnings(w)->len; i++)
        told |= strstr(g_ptr_array_index(world_warnings(w), i), "past the point of no return") != NULL;
    cr_assert(told, "the timeout that changed nothing is told");
    world_free(w);
    scenario_free(sc);
}
