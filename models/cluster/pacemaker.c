/* pacemaker — the cluster manager's reaction to failures. */
#include "models/cluster/pacemaker.h"

#include <string.h>

#include <gsl/gsl_rng.h>

/* ------------------------------------------------------------------ Pacemaker
 *
 * After a node dies or the network splits, corosync re-forms the membership
 * once the token times out (token + coefficient per node beyond two, plus
 * about 50 ms to re-form: facts rows 12-14). Each partition with quorum
 * (majority of the nodes, or any one node with two_node: facts 5.2) recovers
 * the VMs of the nodes it lost: with STONITH it first fences them (a node that
 * is only cut off is killed; two quorate halves race to fence each other),
 * then starts their VMs on its own nodes (facts 5.4). Without STONITH it
 * starts them at once, so a VM whose node was only cut off runs twice and
 * both copies write its disk: a double-writer incident until the heal, when
 * Pacemaker stops the extra copy (multiple-active=stop_start, facts 5.5).
 * A partition without quorum stops its VMs under no-quorum-policy=stop.
 * The cluster's nodes are the hosts other than the storage server. */

typedef struct {
    world *w;
    const scenario *sc;
    int *part;                 /* the corosync partition of each node at the last membership check */
    bool *fenced;              /* fenced and not seen since: clean offline to the cluster */
    bool *seen_all;            /* votequorum wait_for_all: the node saw every node together since it booted */
    int expected_votes;        /* votequorum, lowered by last_man_standing */
    sim_event lms_ev;
    sim_event membership_ev;   /* corosync re-forms the membership after a change */
    sim_time membership_at;    /* when */
} pcmk;

static void *pcmk_create(world *w)
{
    const scenario *sc = world_scenario(w);
    pcmk *p = g_new0(pcmk, 1);
    p->w = w;
    p->sc = sc;
    p->part = g_new0(int, sc->nhosts);
    p->fenced = g_new0(bool, sc->nhosts);
    p->seen_all = g_new(bool, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++) {
        p->seen_all[h] = true; /* the cluster formed before the scenario begins */
        p->expected_votes += world_is_node(w, (int)h);
    }
    return p;
}

static void pcmk_destroy(void *cl)
{
    pcmk *p = cl;
    if (!p)
        return;
    g_free(p->part);
    g_free(p->fenced);
    g_free(p->seen_all);
    g_free(p);
}

static int nnodes(const pcmk *p)
{
    int n = 0;
    for (size_t h = 0; h < p->sc->nhosts; h++)
        n += world_is_node(p->w, (int)h);
    return n;
}

/* corosync (facts rows 12-14): the effective token grows by
 * token_coefficient per node beyond two; consensus defaults to 1.2 x that
 * (exec/totemconfig.c). A silent node never sends a join, so after the token
 * is lost the others wait for the consensus timeout before they exclude it
 * (exec/totemsrp.c memb_state_consensus_timeout_expired; Red Hat solution
 * 57788), then form the new membership (join, 50 ms). Nodes that only join
 * are merged without a token loss: merge 200 ms + join 50 ms. */
static sim_time detection_time(const pcmk *p, bool lost)
{
    const scn_cluster *cl = &p->sc->cluster;
    if (!lost)
        return 250 * SIM_MS;
    int n = nnodes(p);
    sim_time token = cl->token + (n > 2 ? (n - 2) * cl->token_coefficient : 0);
    sim_time consensus = cl->consensus > 0 ? cl->consensus : token * 6 / 5;
    return token + consensus + 50 * SIM_MS;
}

static int cluster_network(const pcmk *p)
{
    return p->sc->cluster.network >= 0 ? p->sc->cluster.network : 0;
}

static bool connected(const pcmk *p, int a, int b)
{
    const world *w = p->w;
    int net = cluster_network(p);
    return world_host_up(w, a) && world_host_up(w, b) && world_hosts_reach(w, a, b) && world_nic_up(w, a, net) &&
           world_nic_up(w, b, net);
}

static bool pcmk_connected(void *cl, const world *w, int a, int b)
{
    (void)w;
    return connected(cl, a, b);
}

static int pcmk_partition(void *cl, const world *w, int h)
{
    (void)w;
    return ((pcmk *)cl)->part[h];
}

/* Whether a node of the current membership has gone or lost a peer. */
static bool membership_lost(const pcmk *p)
{
    const world *w = p->w;
    for (size_t a = 0; a < p->sc->nhosts; a++) {
        if (!world_is_node(w, (int)a) || p->part[a] < 0)
            continue;
        if (!world_host_up(w, (int)a))
            return true;
        for (size_t b = a + 1; b < p->sc->nhosts; b++)
            if (world_is_node(w, (int)b) && p->part[b] == p->part[a] && !connected(p, (int)a, (int)b))
                return true;
    }
    return false;
}

static void membership_check(sim *s, void *arg);

static void pcmk_changed(void *cl, world *w, const world_change *c)
{
    pcmk *p = cl;
    (void)c;
    sim_time at = world_now(w) + detection_time(p, membership_lost(p));
    if (p->membership_ev && p->membership_at >= at)
        return; /* a loss under detection is not detected sooner by a join */
    if (p->membership_ev)
        sim_cancel(world_sim(w), p->membership_ev);
    p->membership_at = at;
    p->membership_ev = sim_at(world_sim(w), at, membership_check, p);
}

/* Starts vm on the node of partition part (any when -1) other than
 * `except` with the most free memory (vm_start later). */
static void recover_vm(pcmk *p, int vm, int part, int except)
{
    world *w = p->w;
    if (world_vm_starting(w, vm) || world_vm_second_host(w, vm) >= 0 || !world_storage_shared(w))
        return; /* local disks cannot be started elsewhere */
    int best = world_place(w, vm, except, part);
    if (best < 0)
        return;
    sim_time wait = 0;
    if (!world_storage_start_wait(w, vm, best, &wait))
        return;
    world_vm_start(w, vm, best, wait + p->sc->cluster.vm_start, "recovered by Pacemaker");
}

static void pcmk_recover(void *cl, world *w, int vm, int except)
{
    (void)w;
    recover_vm(cl, vm, -1, except);
}

typedef struct {
    pcmk *p;
    int part;
} group_job;

static void fence_host(pcmk *p, int h)
{
    p->fenced[h] = true;
    world_fence(p->w, h, "STONITH");
}

/* After fencing (or at once without STONITH): recover the lost nodes' VMs. */
static void recover_group(sim *s, void *arg)
{
    (void)s;
    group_job *j = arg;
    pcmk *p = j->p;
    world *w = p->w;
    if (world_ended(w))
        return;
    if (p->sc->cluster.stonith) {
        world_storage_fenced(w, j->part);
        /* every node this partition lost is fenced now: clean offline */
        for (size_t h = 0; h < p->sc->nhosts; h++)
            if (world_is_node(w, (int)h) && p->part[h] != j->part)
                p->fenced[h] = true;
    }
    if (p->sc->cluster.maintenance_mode)
        return; /* Pacemaker starts and stops nothing (facts 5.3) */
    for (size_t i = 0; i < p->sc->nvms; i++) {
        int host = world_vm_host(w, (int)i), home = world_vm_home(w, (int)i);
        /* down (its node died, was fenced or lost quorum), or on a node this
         * partition lost */
        bool lost = host < 0 ? home >= 0 && world_is_node(w, home)
                             : world_is_node(w, host) && p->part[host] != j->part;
        if (lost)
            recover_vm(p, (int)i, j->part, host);
    }
}

/* Corosync's partitions: the connected sets of up nodes over the cluster
 * network, each named by its first host (stable while that host stays);
 * -1 for the others. */
static void compute_parts(pcmk *p)
{
    const world *w = p->w;
    int n = (int)p->sc->nhosts;
    for (int h = 0; h < n; h++)
        p->part[h] = -1;
    int *stack = g_newa(int, n);
    for (int h = 0; h < n; h++) {
        if (!world_is_node(w, h) || !world_host_up(w, h) || p->part[h] >= 0)
            continue;
        int top = 0;
        p->part[h] = h;
        stack[top++] = h;
        while (top) {
            int a = stack[--top];
            for (int b = 0; b < n; b++)
                if (p->part[b] < 0 && world_is_node(w, b) && connected(p, a, b)) {
                    p->part[b] = h;
                    stack[top++] = b;
                }
        }
    }
}

static bool in_group(const pcmk *p, int h, int g)
{
    return world_is_node(p->w, h) && world_host_up(p->w, h) && p->part[h] == g;
}

static int group_size(const pcmk *p, int g)
{
    int size = 0;
    for (size_t h = 0; h < p->sc->nhosts; h++)
        size += in_group(p, (int)h, g);
    return size;
}

/* The group corosync-qnetd gives its vote to (ffsplit: the larger partition
 * that reaches it, a tie to the one with the lowest node id), -1 if none. */
static int qdevice_vote(const pcmk *p, const int *groups, int ng)
{
    int q = p->sc->cluster.qdevice_host, best = -1, best_size = 0;
    if (q < 0 || !world_host_up(p->w, q))
        return -1;
    for (int k = 0; k < ng; k++) {
        bool reach = false;
        for (size_t h = 0; h < p->sc->nhosts && !reach; h++)
            reach = in_group(p, (int)h, groups[k]) && connected(p, (int)h, q);
        int size = group_size(p, groups[k]);
        if (reach && size > best_size) { /* groups are in order of their lowest node */
            best = groups[k];
            best_size = size;
        }
    }
    return best;
}

/* votequorum (facts 5.2) for a partition of size nodes. */
static bool quorate(const pcmk *p, int g, int size, int n, int qvote, int lowest)
{
    const scn_cluster *cl = &p->sc->cluster;
    if (cl->no_quorum_policy == NQP_IGNORE)
        return true;
    if (cl->wait_for_all) {
        /* quorate only once every node has been seen together */
        bool seen = false;
        for (size_t h = 0; h < p->sc->nhosts; h++)
            seen |= in_group(p, (int)h, g) && p->seen_all[h];
        if (!seen)
            return false;
    }
    if (cl->two_node)
        return size >= 1;
    if (cl->qdevice_host >= 0)
        return 2 * (size + (qvote == g)) > n + 1;
    int expected = cl->last_man_standing ? p->expected_votes : n;
    if (2 * size > expected)
        return true;
    /* auto_tie_breaker: an even split goes to the side of the lowest node id */
    return cl->auto_tie_breaker && 2 * size == expected && lowest >= 0 && in_group(p, lowest, g);
}

/* Whether partition g misses a node that is not known clean offline (the
 * DLM must wait for its fence). */
static bool lost_unfenced(const pcmk *p, int g)
{
    for (size_t h = 0; h < p->sc->nhosts; h++)
        if (world_is_node(p->w, (int)h) && !in_group(p, (int)h, g) && !p->fenced[h])
            return true;
    return false;
}

typedef struct {
    pcmk *p;
    int size;
} lms_job;

/* last_man_standing: the membership held for the window; expected votes
 * follow it down (to 2, or 1 with auto_tie_breaker). */
static void lms_expire(sim *s, void *arg)
{
    (void)s;
    lms_job *j = arg;
    pcmk *p = j->p;
    p->lms_ev = 0;
    int floor = p->sc->cluster.auto_tie_breaker ? 1 : 2;
    p->expected_votes = j->size > floor ? j->size : floor;
    world_note(p->w, "quorum-expected-votes", "corosync", "last_man_standing window passed");
}

static void membership_check(sim *s, void *arg)
{
    pcmk *p = arg;
    world *w = p->w;
    const scenario *sc = p->sc;
    const scn_cluster *cl = &sc->cluster;
    p->membership_ev = 0;
    int n = nnodes(p);
    compute_parts(p);
    /* the groups that have live nodes, in host order */
    int *groups = g_newa(int, sc->nhosts + 1), ng = 0, lowest = -1, up = 0;
    for (size_t h = 0; h < sc->nhosts; h++) {
        if (!world_is_node(w, (int)h) || !world_host_up(w, (int)h)) {
            if (world_is_node(w, (int)h))
                p->seen_all[h] = false; /* it must see everyone again after its reboot */
            continue;
        }
        up++;
        if (lowest < 0)
            lowest = (int)h;
        bool seen = false;
        for (int k = 0; k < ng; k++)
            seen |= groups[k] == p->part[h];
        if (!seen)
            groups[ng++] = p->part[h];
    }
    bool whole = ng <= 1 && up == n;
    if (whole) {
        for (size_t h = 0; h < sc->nhosts; h++) {
            p->seen_all[h] = true;
            p->fenced[h] = false;
        }
        world_storage_healed(w);
    }
    if (ng <= 1) /* multiple-active: the extra copy is stopped */
        for (size_t i = 0; i < sc->nvms; i++)
            world_vm_stop_second(w, (int)i);
    if (p->lms_ev) {
        sim_cancel(s, p->lms_ev);
        p->lms_ev = 0;
    }
    int biggest = 0;
    for (int k = 0; k < ng; k++)
        if (group_size(p, groups[k]) > biggest)
            biggest = group_size(p, groups[k]);
    if (biggest > p->expected_votes)
        p->expected_votes = biggest; /* nodes that join raise it again */
    int qvote = qdevice_vote(p, groups, ng);
    int *quorate_of = g_newa(int, ng + 1);
    for (int k = 0; k < ng; k++)
        quorate_of[k] = quorate(p, groups[k], group_size(p, groups[k]), n, qvote, lowest);
    int nq = 0;
    for (int k = 0; k < ng; k++)
        nq += quorate_of[k];
    if (cl->last_man_standing && nq == 1) {
        for (int k = 0; k < ng; k++)
            if (quorate_of[k] && group_size(p, groups[k]) < p->expected_votes) {
                lms_job *j = world_job(w, sizeof(lms_job));
                *j = (lms_job){ p, group_size(p, groups[k]) };
                p->lms_ev = sim_after(s, cl->lms_window, lms_expire, j);
            }
    }
    /* a fence agent slower than stonith-timeout fails, every retry too: with
     * requires=fencing nothing of a lost node is recovered (facts 5.3) */
    bool fence_works = cl->fence_time <= cl->stonith_timeout;
    if (cl->stonith && !fence_works && (nq > 1 || up < n))
        world_note(w, "fence-failed", "stonith", "the fence agent does not finish within stonith-timeout");
    if (cl->stonith && fence_works && nq > 1) {
        /* quorate halves race to fence each other: one survives (facts 5.2) */
        int winner = (int)gsl_rng_uniform_int(sim_stream(s, "fence-race"), (unsigned long)nq);
        for (int k = 0, q = 0; k < ng; k++) {
            if (!quorate_of[k])
                continue;
            if (q++ != winner) {
                for (size_t h = 0; h < sc->nhosts; h++)
                    if (in_group(p, (int)h, groups[k]))
                        fence_host(p, (int)h);
                quorate_of[k] = 0;
            }
        }
    }
    for (int k = 0; k < ng; k++) {
        /* the DLM stops granting until the lost nodes are fenced (after
         * the partition's own VMs have stopped, if it must stop them) */
        bool dlm_waits = lost_unfenced(p, groups[k]);
        if (!quorate_of[k]) {
            scn_no_quorum_policy nqp = cl->no_quorum_policy;
            if (nqp == NQP_FENCE && cl->stonith && fence_works) {
                /* the partition fences itself (Pacemaker >= 2.1.9) */
                for (size_t h = 0; h < sc->nhosts; h++)
                    if (in_group(p, (int)h, groups[k]))
                        fence_host(p, (int)h);
            } else if ((nqp == NQP_STOP || nqp == NQP_DEMOTE) && !cl->maintenance_mode) {
                for (size_t i = 0; i < sc->nvms; i++) {
                    int host = world_vm_host(w, (int)i);
                    if (host >= 0 && p->part[host] == groups[k] && world_is_node(w, host)) {
                        world_vm_down(w, (int)i, "quorum-lost", sc->hosts[host].name);
                        world_storage_update(w);
                    }
                }
            } /* freeze: what runs keeps running, nothing is recovered */
            if (dlm_waits)
                world_storage_members_lost(w, groups[k]);
            continue;
        }
        if (dlm_waits)
            world_storage_members_lost(w, groups[k]);
        group_job *j = world_job(w, sizeof(group_job));
        *j = (group_job){ p, groups[k] };
        sim_time wait = 0;
        if (cl->stonith && !fence_works)
            continue;
        if (cl->stonith) {
            /* fence the lost nodes that are still alive elsewhere */
            for (size_t h = 0; h < sc->nhosts; h++)
                if (world_is_node(w, (int)h) && world_host_up(w, (int)h) && p->part[h] != groups[k] && !p->fenced[h])
                    fence_host(p, (int)h); /* a node fenced before and booted apart is not a member */
            /* a dead node must be fenced too before its VMs move */
            wait = cl->fence_time;
        }
        sim_after(s, wait, recover_group, j);
    }
}

static void pcmk_stop(void *cl, world *w)
{
    pcmk *p = cl;
    sim_cancel(world_sim(w), p->membership_ev);
    p->membership_ev = 0;
    sim_cancel(world_sim(w), p->lms_ev);
    p->lms_ev = 0;
}

const cluster_ops pacemaker_cluster = {
    .name = "pacemaker",
    .create = pcmk_create,
    .destroy = pcmk_destroy,
    .changed = pcmk_changed,
    .connected = pcmk_connected,
    .partition = pcmk_partition,
    .recover = pcmk_recover,
    .stop = pcmk_stop,
};
