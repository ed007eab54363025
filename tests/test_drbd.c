/* DRBD: disconnect verdicts, fencing policies, DRBD 9 quorum, split brain
 * and the after-sb policies, resync (sources.md 1). */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "models/world.h"
#include "tests/support.h"

#define FAIL(at, t) "{\"at\":\"" at "\",\"action\":\"fail\",\"target\":\"" t "\"}"
#define REPAIR(at, t) "{\"at\":\"" at "\",\"action\":\"repair\",\"target\":\"" t "\"}"
#define REPL_CUT FAIL("60s", "network:repl") "," REPAIR("90s", "network:repl")

/* nodes n1..nN on a lan and a replication network; VM vK on nK writes K+1 MB/s. */
static world *drbd_run(int nodes, const char *storage, const char *cluster, const char *events, scenario **out)
{
    GString *hosts = g_string_new(NULL), *vms = g_string_new(NULL);
    for (int k = 1; k <= nodes; k++) {
        g_string_append_printf(hosts,
                               "%s{\"name\":\"n%d\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},"
                               "{\"network\":\"repl\",\"bandwidth\":1e9}]}",
                               k > 1 ? "," : "", k);
        g_string_append_printf(vms,
                               "%s{\"name\":\"v%d\",\"host\":\"n%d\",\"memory\":\"1GiB\","
                               "\"disk\":{\"size\":\"20GB\",\"write_rate\":\"%dMB/s\"}}",
                               k > 1 ? "," : "", k, k, k + 1);
    }
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"seed\":2,\"until\":\"10min\",\"networks\":[{\"name\":\"lan\"},{\"name\":\"repl\"}],"
        "\"hosts\":[%s],\"storage\":%s,\"cluster\":%s,\"vms\":[%s],\"events\":[%s]}",
        hosts->str, storage, cluster, vms->str, events);
    g_string_free(hosts, TRUE);
    g_string_free(vms, TRUE);
    return support_run(text, out);
}

#define DP84 "{\"type\":\"drbd\",\"version\":\"8.4\",\"dual_primary\":true,\"network\":\"repl\""
#define NONE "{\"manager\":\"none\"}"

/* DRBD 8.4 dual-primary, fencing dont-care, replication link cut from 60 to
 * 90 s while both nodes write: protocol C writes block until the loss is
 * declared (timeout 6 s); from then both primaries write alone: split brain
 * from the cut. At reconnection after-sb-2pri disconnect leaves the
 * resource StandAlone; diverged bytes are both sides' writes while split
 * ((2 + 3) MB/s for 24 s); the operator discards the side with fewer changes. */
Test(drbd, dont_care_split_brain)
{
    scenario *sc;
    world *w = drbd_run(2, DP84 "}", NONE, REPL_CUT "," FAIL("200s", "network:repl"), &sc);
    cr_assert_eq(support_count(w, "io-blocked"), 2);
    const world_incident *b = support_find(w, "io-blocked", 0);
    cr_assert_eq(b->start, 60 * SIM_S);
    cr_assert_eq(b->end, 66 * SIM_S, "the timeout verdict: %.3f", sim_to_s(b->end));
    const world_incident *sb = support_find(w, "split-brain", 0);
    cr_assert_not_null(sb);
    cr_assert_eq(sb->start, 60 * SIM_S);
    cr_assert_eq(sb->end, 90 * SIM_S);
    cr_assert_float_eq(sb->diverged_bytes, 5e6 * 24, 1);
    cr_assert_float_eq(sb->discarded_bytes, 2e6 * 24, 1);
    cr_assert_eq(support_trace_at(w, "drbd-standalone", NULL, 0), 90 * SIM_S);
    cr_assert(strstr(support_trace_reason(w, "drbd-standalone", 0), "after-sb-2pri disconnect"));
    cr_assert_null(support_find(w, "split-brain", 1), "StandAlone: the second cut changes nothing");
    world_free(w);
    scenario_free(sc);
}

/* resource-and-stonith, only the replication link cut (the cluster still
 * sees both nodes): at the verdict (66 s) both primaries freeze and call
 * crm-fence-peer; both try to place the constraint, the first wins (fence-
 * peer time, 1 s) and resumes; the other asks Pacemaker to fence it
 * (--suicide-on-failure-if-primary), its DC does after its reaction, and
 * its VM boots on the survivor once the fence is confirmed (10 s) and the
 * VM booted (30 s). No split brain, one node fenced
 * (drbd-utils scripts/crm-fence-peer.9.sh). */
Test(drbd, resource_and_stonith_replication_cut)
{
    scenario *sc;
    world *w = drbd_run(2, DP84 ",\"fencing\":\"resource-and-stonith\"}",
                        "{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true}", REPL_CUT, &sc);
    cr_assert_null(support_find(w, "split-brain", 0));
    cr_assert_eq(support_count(w, "io-frozen"), 2);
    const world_incident *f = support_find(w, "fenced", 0);
    cr_assert_not_null(f);
    cr_assert_null(support_find(w, "fenced", 1), "one node only");
    support_between(f->start, 67 * SIM_S + SUPPORT_REACT_MIN, 67 * SIM_S + SUPPORT_REACT_MAX, "fenced");
    for (int k = 0; k < 2; k++) {
        const world_incident *fz = support_find(w, "io-frozen", k);
        cr_assert_eq(fz->start, 66 * SIM_S);
        bool survivor = strcmp(f->resource + 5, sc->hosts[sc->vms[fz->vm].host].name) != 0;
        if (survivor)
            cr_assert_eq(fz->end, 67 * SIM_S, "the winner resumes when its constraint is placed");
        else
            cr_assert_eq(fz->end, f->start, "the loser is frozen until it is fenced");
    }
    const world_incident *d = support_find(w, "vm-down", 0);
    cr_assert_not_null(d, "the fenced node's VM goes down");
    cr_assert_eq(d->start, f->start);
    cr_assert_eq(d->end, f->start + 40 * SIM_S, "restarted: %.3f", sim_to_s(d->end));
    world_free(w);
    scenario_free(sc);
}

/* resource-and-stonith, the whole network split (cluster and replication):
 * DRBD's handler kills no one; it waits for Pacemaker, whose two_node halves
 * race to fence each other. Over 40 seeds exactly one node is fenced, each
 * side wins about as often, and the survivor resumes its IO when the
 * cluster confirms the fence (exit 7). */
Test(drbd, resource_and_stonith_full_split_fences_one_node)
{
    int wins[2] = { 0, 0 };
    for (int seed = 1; seed <= 40; seed++) {
        g_autofree char *storage = g_strdup_printf(DP84 ",\"fencing\":\"resource-and-stonith\"}");
        GString *text = g_string_new(NULL);
        g_string_printf(text,
                        "{\"golive\":1,\"seed\":%d,\"until\":\"5min\",\"networks\":[{\"name\":\"lan\"},{\"name\":\"repl\"}],"
                        "\"hosts\":[{\"name\":\"n1\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"repl\",\"bandwidth\":1e9}]},"
                        "{\"name\":\"n2\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"repl\",\"bandwidth\":1e9}]}],"
                        "\"storage\":%s,\"cluster\":{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true},"
                        "\"vms\":[{\"name\":\"v1\",\"host\":\"n1\",\"memory\":\"1GiB\",\"disk\":{\"write_rate\":\"2MB/s\"}},"
                        "{\"name\":\"v2\",\"host\":\"n2\",\"memory\":\"1GiB\",\"disk\":{\"write_rate\":\"3MB/s\"}}],"
                        "\"events\":[{\"at\":\"60s\",\"action\":\"partition\",\"groups\":[[\"n1\"],[\"n2\"]]}]}",
                        seed, storage);
        scenario *sc;
        world *w = support_run(text->str, &sc);
        g_string_free(text, TRUE);
        cr_assert_eq(support_count(w, "fenced"), 1, "seed %d: %zu nodes fenced", seed, support_count(w, "fenced"));
        cr_assert_null(support_find(w, "split-brain", 0), "seed %d", seed);
        const world_incident *f = support_find(w, "fenced", 0);
        int dead = strcmp(f->resource, "host:n1") == 0 ? 0 : 1;
        wins[1 - dead]++;
        sim_time confirmed = support_trace_at(w, "fence-confirmed", NULL, 0);
        cr_assert_eq(confirmed, f->start + 10 * SIM_S, "seed %d", seed);
        /* the survivor's VM was frozen from the verdict until the confirmation */
        for (size_t i = 0; i < world_nincidents(w); i++) {
            const world_incident *in = world_incident_get(w, i);
            if (!strcmp(in->kind, "io-frozen") && in->vm == 1 - dead)
                cr_assert_eq(in->end, confirmed, "seed %d", seed);
        }
        world_free(w);
        scenario_free(sc);
    }
    cr_assert(wins[0] >= 10 && wins[1] >= 10, "a fair race: n1 won %d, n2 %d", wins[0], wins[1]);
}

/* resource-only with Pacemaker, only the replication link cut (the cluster
 * still talks): crm-fence-peer's race is won 1 s after the verdict; the
 * loser's VM stops and, after the DC's reaction, boots on the winner 30 s
 * later. The loser's writes in that second diverge and are what the
 * operator discards. */
Test(drbd, resource_only_outdates_the_loser)
{
    scenario *sc;
    world *w = drbd_run(2, DP84 ",\"fencing\":\"resource-only\"}",
                        "{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true}",
                        FAIL("60s", "network:repl") "," REPAIR("200s", "network:repl"), &sc);
    const world_incident *d = support_find(w, "vm-down", 0);
    cr_assert_not_null(d);
    cr_assert_str_eq(d->resource, "drbd:outdated");
    cr_assert_eq(d->start, 67 * SIM_S);
    support_between(d->end, 97 * SIM_S + SUPPORT_REACT_MIN, 97 * SIM_S + SUPPORT_REACT_MAX, "restarted");
    cr_assert_null(support_find(w, "fenced", 0), "no node is killed");
    const world_incident *sb = support_find(w, "split-brain", 0);
    cr_assert_not_null(sb, "writes during the race diverge");
    double loser_rate = d->vm == 0 ? 2e6 : 3e6, winner_rate = 5e6 - loser_rate;
    cr_assert_float_eq(sb->discarded_bytes, loser_rate * 1, 1);
    double up_again = sim_to_s(d->end);
    cr_assert_float_eq(sb->diverged_bytes, loser_rate * 1 + winner_rate * 134 + loser_rate * (200 - up_again), 1);
    world_free(w);
    scenario_free(sc);
}

/* DRBD 9, three nodes, quorum majority: n3's replication NIC is cut from 60
 * to 120 s. After the verdict n3 has no quorum: its VM's IO is suspended
 * until it reconnects, then resyncs what n1 and n2 wrote meanwhile. No split
 * brain. With quorum off the same cut is a split brain. */
Test(drbd, drbd9_quorum_suspends_the_minority)
{
    const char *cut = FAIL("60s", "nic:n3/repl") "," REPAIR("120s", "nic:n3/repl");
    scenario *sc;
    world *w = drbd_run(3, "{\"type\":\"drbd\",\"version\":\"9\",\"quorum\":\"majority\",\"network\":\"repl\"}", NONE,
                        cut, &sc);
    cr_assert_null(support_find(w, "split-brain", 0));
    cr_assert_eq(support_count(w, "io-frozen"), 1);
    const world_incident *fz = support_find(w, "io-frozen", 0);
    cr_assert_eq(fz->vm, 2);
    cr_assert_str_eq(fz->resource, "drbd:quorum");
    cr_assert_eq(fz->start, 66 * SIM_S);
    cr_assert_eq(fz->end, 120 * SIM_S);
    cr_assert_eq(support_trace_at(w, "drbd-resync-start", "n3", 0), 120 * SIM_S);
    cr_assert(strstr(support_trace_reason(w, "drbd-resync-start", 0), "270000000 bytes"),
                "(2 + 3) MB/s for 54 s: %s", support_trace_reason(w, "drbd-resync-start", 0));
    world_free(w);
    scenario_free(sc);

    w = drbd_run(3, "{\"type\":\"drbd\",\"version\":\"9\",\"quorum\":2,\"on_no_quorum\":\"io-error\",\"network\":\"repl\"}",
                 NONE, cut, &sc);
    cr_assert_null(support_find(w, "split-brain", 0));
    cr_assert_eq(support_count(w, "io-error"), 1);
    world_free(w);
    scenario_free(sc);

    w = drbd_run(3, "{\"type\":\"drbd\",\"version\":\"9\",\"network\":\"repl\"}", NONE, cut, &sc);
    const world_incident *sb = support_find(w, "split-brain", 0);
    cr_assert_not_null(sb, "without quorum the isolated node diverges");
    cr_assert_float_eq(sb->diverged_bytes, (2e6 + 3e6 + 4e6) * 54, 1);
    cr_assert_float_eq(sb->discarded_bytes, 4e6 * 54, 1);
    world_free(w);
    scenario_free(sc);
}

/* after-sb-2pri violently-as0p with after-sb-0pri discard-least-changes: the
 * node that wrote less (n1) is discarded at reconnection and both sides'
 * changes resync to it; the resource stays connected, so a second cut is a
 * second split brain. call-pri-lost-after-sb reboots the victim instead. */
Test(drbd, after_sb_policies_resolve_automatically)
{
    scenario *sc;
    world *w = drbd_run(2,
                        DP84 ",\"after_sb_0pri\":\"discard-least-changes\",\"after_sb_2pri\":\"violently-as0p\"}",
                        NONE, REPL_CUT "," FAIL("200s", "network:repl") "," REPAIR("230s", "network:repl"), &sc);
    const world_incident *sb = support_find(w, "split-brain", 0);
    cr_assert_float_eq(sb->discarded_bytes, 2e6 * 24, 1);
    cr_assert_eq(support_trace_at(w, "drbd-split-brain-resolved", "n1", 0), 90 * SIM_S);
    cr_assert_eq(support_trace_at(w, "drbd-resync-start", "n1", 0), 90 * SIM_S);
    cr_assert_not_null(support_find(w, "split-brain", 1));
    world_free(w);
    scenario_free(sc);

    w = drbd_run(2,
                 DP84 ",\"after_sb_0pri\":\"discard-least-changes\",\"after_sb_2pri\":\"call-pri-lost-after-sb\"}",
                 NONE, REPL_CUT, &sc);
    const world_incident *d = support_find(w, "vm-down", 0);
    cr_assert_not_null(d, "the victim reboots");
    cr_assert_eq(d->vm, 0);
    cr_assert_eq(d->start, 90 * SIM_S);
    world_free(w);
    scenario_free(sc);
}

/* A node that was down resyncs what its peer wrote meanwhile at c-max-rate
 * (100 MiB/s): n2 down 60-120 s, n1 writes 2 MB/s from the verdict (66 s). */
Test(drbd, resync_after_a_node_returns)
{
    scenario *sc;
    world *w = drbd_run(2, "{\"type\":\"drbd\",\"network\":\"repl\"}", NONE,
                        FAIL("60s", "host:n2") "," REPAIR("120s", "host:n2"), &sc);
    cr_assert_eq(support_trace_at(w, "drbd-resync-start", "n2", 0), 120 * SIM_S);
    sim_time done = support_trace_at(w, "drbd-resync-done", "n2", 0);
    double expect = 120 + 2e6 * 54 / (100.0 * 1048576);
    cr_assert(fabs(sim_to_s(done) - expect) < 1e-3, "done at %.4f, expected %.4f", sim_to_s(done), expect);
    cr_assert_null(support_find(w, "split-brain", 0));
    world_free(w);
    scenario_free(sc);
}

Test(drbd, drbd_8_refuses_three_nodes_and_needs_dual_primary_to_migrate)
{
    const char *text =
        "{\"golive\":1,\"networks\":[{\"name\":\"n\"}],\"storage\":{\"type\":\"drbd\",\"version\":\"8.4\"},"
        "\"hosts\":[{\"name\":\"a\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]},"
        "{\"name\":\"b\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]},"
        "{\"name\":\"c\",\"nics\":[{\"network\":\"n\",\"bandwidth\":1e9}]}]}";
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    cr_assert_null(scenario_load_text("three.json", text, strlen(text), errors));
    cr_assert(strstr(g_ptr_array_index(errors, 0), "storage.version: DRBD 8.4 replicates a resource between exactly two nodes"),
              "%s", (char *)g_ptr_array_index(errors, 0));
    g_ptr_array_free(errors, TRUE);
    scenario *sc;
    world *w = drbd_run(2, "{\"type\":\"drbd\",\"network\":\"repl\"}", NONE,
                        "{\"at\":\"1s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"}", &sc);
    cr_assert_eq(world_nmigrations(w), 0, "refused without dual-primary");
    world_free(w);
    scenario_free(sc);
}

/* DRBD's backing disk (disk 0) fails: the node detaches and goes on
 * diskless, reading and writing through its peer - no incident - until it
 * also loses the peer: then its VM's IO fails. A new disk is fully synced. */
Test(drbd, a_failed_backing_disk_detaches)
{
    scenario *sc;
    world *w = drbd_run(2, DP84 "}", NONE,
                        FAIL("60s", "disk:n1/0") "," FAIL("100s", "network:repl") "," REPAIR("150s", "network:repl")
                        "," REPAIR("200s", "disk:n1/0"),
                        &sc);
    cr_assert_eq(support_trace_at(w, "drbd-detached", "n1", 0), 60 * SIM_S);
    const world_incident *e = support_find(w, "io-error", 0);
    cr_assert_not_null(e, "diskless and alone");
    cr_assert_eq(e->vm, 0);
    cr_assert_str_eq(e->resource, "drbd:diskless");
    cr_assert_eq(e->start, 106 * SIM_S);
    cr_assert_eq(e->end, 150 * SIM_S);
    cr_assert_eq(support_trace_at(w, "drbd-resync-start", "n1", 0), 200 * SIM_S);
    cr_assert(strstr(support_trace_reason(w, "drbd-resync-start", 0), "40000000000 bytes"), "the whole disk: %s",
              support_trace_reason(w, "drbd-resync-start", 0));
    cr_assert_null(support_find(w, "split-brain", 0), "a diskless node has no copy to diverge");
    world_free(w);
    scenario_free(sc);
}

/* n2's backing disk hangs at 60 s (it answers pings, completes nothing):
 * its own VM's IO waits until the disk is back; n1's protocol C writes wait
 * for n2's acks until ko-count x timeout (7 x 6 s = 42 s) drops n2; when
 * the disk is back at 200 s, n2 reconnects and resyncs what it missed. */
Test(drbd, a_hung_peer_is_dropped_after_ko_count)
{
    scenario *sc;
    world *w = drbd_run(2, DP84 "}", NONE,
                        "{\"at\":\"60s\",\"action\":\"fail\",\"target\":\"disk:n2/0\",\"mode\":\"hang\"},"
                        REPAIR("200s", "disk:n2/0"),
                        &sc);
    const world_incident *a = NULL, *b = NULL;
    for (int k = 0; support_find(w, "io-blocked", k); k++) {
        const world_incident *in = support_find(w, "io-blocked", k);
        if (in->vm == 0)
            a = in;
        else
            b = in;
    }
    cr_assert_not_null(a);
    cr_assert_eq(a->start, 60 * SIM_S);
    cr_assert_eq(a->end, 102 * SIM_S, "n1 waits 42 s: %.1f", sim_to_s(a->end));
    cr_assert_not_null(b);
    cr_assert_str_eq(b->resource, "drbd:disk-hang");
    cr_assert_eq(b->end, 200 * SIM_S);
    cr_assert_null(support_find(w, "split-brain", 0), "the hung side writes nothing");
    cr_assert_eq(support_trace_at(w, "drbd-resync-start", "n2", 0), 200 * SIM_S);
    world_free(w);
    scenario_free(sc);
}

/* Dual-primary live migration: the destination is primary from the moment
 * its QEMU opens the disk (sources.md 1.2). The replication link is cut while v1
 * migrates from n1 to n2: both primaries freeze and race to place their
 * crm-fence-peer constraint, and the loser is fenced, the destination as
 * often as the source. Over 40 seeds: one node fenced each time, each of
 * them in some runs, v1 running at the end, no split brain. */
Test(drbd, a_live_migration_destination_is_primary)
{
    int fenced[2] = { 0, 0 };
    for (int seed = 1; seed <= 40; seed++) {
        g_autofree char *text = g_strdup_printf(
            "{\"golive\":1,\"seed\":%d,\"until\":\"5min\",\"networks\":[{\"name\":\"lan\"},{\"name\":\"repl\"}],"
            "\"hosts\":[{\"name\":\"n1\",\"memory\":\"64GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"repl\",\"bandwidth\":1e9}]},"
            "{\"name\":\"n2\",\"memory\":\"64GiB\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"repl\",\"bandwidth\":1e9}]}],"
            "\"storage\":" DP84 ",\"fencing\":\"resource-and-stonith\"},"
            "\"cluster\":{\"manager\":\"pacemaker\",\"two_node\":true,\"allow_migrate\":true},"
            "\"vms\":[{\"name\":\"v1\",\"host\":\"n1\",\"memory\":\"16GiB\",\"disk\":{\"write_rate\":\"2MB/s\"}}],"
            "\"events\":[{\"at\":\"50s\",\"action\":\"migrate\",\"vm\":\"v1\",\"to\":\"n2\"}," FAIL("55s", "network:repl") "]}",
            seed);
        scenario *sc;
        world *w = support_run(text, &sc);
        const world_incident *f = support_find(w, "fenced", 0);
        cr_assert_not_null(f, "seed %d: the loser of the constraint race is fenced", seed);
        cr_assert_null(support_find(w, "fenced", 1), "seed %d: one node only", seed);
        fenced[!strcmp(f->resource, "host:n2")]++;
        cr_assert_null(support_find(w, "split-brain", 0));
        cr_assert_geq(world_vm_host(w, 0), 0, "seed %d: v1 runs", seed);
        cr_assert_neq(world_migration(w, 0)->outcome, MIG_COMPLETED, "seed %d: a fenced end breaks the migration", seed);
        world_free(w);
        scenario_free(sc);
    }
    cr_assert(fenced[0] > 0 && fenced[1] > 0, "n1 fenced %d times, n2 %d", fenced[0], fenced[1]);
}

/* Two nodes n1, n2 (lan and repl), the VMs given, manager none. */
static world *drbd_two(const char *storage, const char *vms, const char *events, scenario **out)
{
    g_autofree char *text = g_strdup_printf(
        "{\"golive\":1,\"seed\":2,\"until\":\"10min\",\"networks\":[{\"name\":\"lan\"},{\"name\":\"repl\"}],"
        "\"hosts\":[{\"name\":\"n1\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"repl\",\"bandwidth\":1e9}]},"
        "{\"name\":\"n2\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":1e9},{\"network\":\"repl\",\"bandwidth\":1e9}]}],"
        "\"storage\":%s,\"cluster\":" NONE ",\"vms\":[%s],\"events\":[%s]}",
        storage, vms, events);
    return support_run(text, out);
}

#define VM_AT(name, host, rate)                                                                                  \
    "{\"name\":\"" name "\",\"host\":\"" host "\",\"memory\":\"1GiB\",\"disk\":{\"size\":\"20GB\",\"write_rate\":\"" \
    rate "\"}}"

/* after-sb-0pri discard-zero-changes (through violently-as0p): both sides
 * wrote, so it cannot decide and the resource goes StandAlone, as with
 * disconnect (drbd.conf(5)). */
Test(drbd, discard_zero_changes_needs_a_side_without_changes)
{
    scenario *sc;
    world *w = drbd_run(2, DP84 ",\"after_sb_0pri\":\"discard-zero-changes\",\"after_sb_2pri\":\"violently-as0p\"}",
                        NONE, REPL_CUT, &sc);
    const world_incident *sb = support_find(w, "split-brain", 0);
    cr_assert_not_null(sb);
    cr_assert_eq(support_trace_at(w, "drbd-standalone", "r0", 0), 90 * SIM_S);
    cr_assert_lt(support_trace_at(w, "drbd-split-brain-resolved", NULL, 0), 0, "nothing resolved automatically");
    cr_assert_float_eq(sb->discarded_bytes, 2e6 * 24, 1, "the operator discards the side with fewer changes");
    world_free(w);
    scenario_free(sc);
}

/* discard-younger-primary and discard-older-primary (through
 * violently-as0p): v2 moves from n1 to n2 at 20 s, so n2 became primary
 * last (the younger). During the split n1 writes 2 MB/s and n2 3 MB/s for
 * 24 s: least changes would discard n1; younger-primary discards n2 (72 MB),
 * older-primary n1 (48 MB). */
Test(drbd, discard_younger_or_older_primary)
{
    static const char *const policy[] = { "discard-younger-primary", "discard-older-primary" };
    static const char *const victim[] = { "n2", "n1" };
    static const double lost[] = { 3e6 * 24, 2e6 * 24 };
    for (int k = 0; k < 2; k++) {
        scenario *sc;
        g_autofree char *storage =
            g_strdup_printf(DP84 ",\"after_sb_0pri\":\"%s\",\"after_sb_2pri\":\"violently-as0p\"}", policy[k]);
        world *w = drbd_two(storage, VM_AT("v1", "n1", "2MB/s") "," VM_AT("v2", "n1", "3MB/s"),
                            "{\"at\":\"20s\",\"action\":\"migrate\",\"vm\":\"v2\",\"to\":\"n2\"}," REPL_CUT, &sc);
        cr_assert_eq(world_vm_host(w, 1), 1, "v2 runs on n2");
        const world_incident *sb = support_find(w, "split-brain", 0);
        cr_assert_not_null(sb);
        cr_assert_eq(support_trace_at(w, "drbd-split-brain-resolved", victim[k], 0), 90 * SIM_S, "%s", policy[k]);
        cr_assert_float_eq(sb->discarded_bytes, lost[k], 1, "%s: %g", policy[k], sb->discarded_bytes);
        world_free(w);
        scenario_free(sc);
    }
}

/* after-sb-1pri: n2 dies at 80 s and is back at 85 s without its VM (no
 * cluster manager restarts it), so at the reconnection (90 s) it is the
 * secondary. n1 wrote 2 MB/s for 24 s, n2 3 MB/s for 14 s.
 * discard-secondary discards n2. consensus applies after-sb-0pri and
 * accepts its verdict only if it picks the secondary: discard-least-changes
 * picks n2 (42 MB < 48 MB), resolved; discard-zero-changes picks no one,
 * StandAlone. */
Test(drbd, one_primary_policies)
{
    static const char *const sb1[] = { "discard-secondary", "consensus", "consensus" };
    static const char *const sb0[] = { "disconnect", "discard-least-changes", "discard-zero-changes" };
    for (int k = 0; k < 3; k++) {
        scenario *sc;
        g_autofree char *storage = g_strdup_printf(
            DP84 ",\"after_sb_0pri\":\"%s\",\"after_sb_1pri\":\"%s\"}", sb0[k], sb1[k]);
        world *w = drbd_run(2, storage, NONE, REPL_CUT "," FAIL("80s", "host:n2") "," REPAIR("85s", "host:n2"), &sc);
        const world_incident *sb = support_find(w, "split-brain", 0);
        cr_assert_not_null(sb, "case %d", k);
        if (k < 2) {
            cr_assert_eq(support_trace_at(w, "drbd-split-brain-resolved", "n2", 0), 90 * SIM_S, "case %d", k);
            cr_assert_float_eq(sb->discarded_bytes, 3e6 * 14, 1, "case %d: %g", k, sb->discarded_bytes);
        } else {
            cr_assert_eq(support_trace_at(w, "drbd-standalone", "r0", 0), 90 * SIM_S);
            cr_assert_lt(support_trace_at(w, "drbd-split-brain-resolved", NULL, 0), 0);
        }
        world_free(w);
        scenario_free(sc);
    }
}

/* An idle resource notices a lost peer only by its pings: ping-int 10 s +
 * ping-timeout 0.5 s after the cut (drbd_limits.h; sources.md 1.4); a writing
 * one by the request timeout, 6 s. */
Test(drbd, an_idle_peer_is_lost_after_the_ping)
{
    scenario *sc;
    world *w = drbd_two(DP84 "}", VM_AT("v1", "n1", "0") "," VM_AT("v2", "n2", "0"), FAIL("60s", "network:repl"), &sc);
    cr_assert_eq(support_trace_at(w, "drbd-disconnected", "r0", 0), 60 * SIM_S + 10500 * SIM_MS);
    world_free(w);
    scenario_free(sc);
    w = drbd_two(DP84 "}", VM_AT("v1", "n1", "1MB/s") "," VM_AT("v2", "n2", "0"), FAIL("60s", "network:repl"), &sc);
    cr_assert_eq(support_trace_at(w, "drbd-disconnected", "r0", 0), 66 * SIM_S);
    world_free(w);
    scenario_free(sc);
}

/* Protocol A completes a write once it is in the local disk and the send
 * buffer (dual-primary needs C, so one primary here): a cut replication
 * link blocks nothing, where protocol C holds the primary's writes until
 * the 6 s verdict. */
Test(drbd, protocol_a_does_not_block_writes)
{
    for (int a = 0; a < 2; a++) {
        scenario *sc;
        world *w = drbd_two(a ? "{\"type\":\"drbd\",\"version\":\"8.4\",\"network\":\"repl\",\"protocol\":\"A\"}"
                              : "{\"type\":\"drbd\",\"version\":\"8.4\",\"network\":\"repl\"}",
                            VM_AT("v1", "n1", "2MB/s"), REPL_CUT, &sc);
        const world_incident *b = support_find(w, "io-blocked", 0);
        if (a)
            cr_assert_null(b, "protocol A: no write waits for the peer");
        else {
            cr_assert_not_null(b);
            cr_assert(b->start == 60 * SIM_S && b->end == 66 * SIM_S);
        }
        cr_assert_eq(support_trace_at(w, "drbd-disconnected", "r0", 0), 66 * SIM_S);
        cr_assert_null(support_find(w, "split-brain", 0));
        world_free(w);
        scenario_free(sc);
    }
}
