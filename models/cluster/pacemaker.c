/* pacemaker — the cluster manager's reaction to failures. */
#include "models/cluster/pacemaker.h"

#include <string.h>

#include <gsl/gsl_rng.h>

#include "models/storage/ceph.h"
#include "models/storage/locks.h"
#include "models/storage/nfs.h"

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
 * The cluster's nodes are the hosts other than the NFS server. */

static int nnodes(const world *w)
{
    int n = 0;
    for (size_t h = 0; h < w->sc->nhosts; h++)
        n += world_is_node(w, (int)h);
    return n;
}

/* corosync (facts rows 12-14): the effective token grows by
 * token_coefficient per node beyond two; consensus defaults to 1.2 x that
 * (exec/totemconfig.c). A silent node never sends a join, so after the token
 * is lost the others wait for the consensus timeout before they exclude it
 * (exec/totemsrp.c memb_state_consensus_timeout_expired; Red Hat solution
 * 57788), then form the new membership (join, 50 ms). Nodes that only join
 * are merged without a token loss: merge 200 ms + join 50 ms. */
static sim_time detection_time(const world *w, bool lost)
{
    const scn_cluster *cl = &w->sc->cluster;
    if (!lost)
        return 250 * SIM_MS;
    int n = nnodes(w);
    sim_time token = cl->token + (n > 2 ? (n - 2) * cl->token_coefficient : 0);
    sim_time consensus = cl->consensus > 0 ? cl->consensus : token * 6 / 5;
    return token + consensus + 50 * SIM_MS;
}

/* Whether a node of the current membership has gone or lost a peer. */
static bool membership_lost(const world *w)
{
    for (size_t a = 0; a < w->sc->nhosts; a++) {
        if (!world_is_node(w, (int)a) || w->part[a] < 0)
            continue;
        if (!w->host_up[a])
            return true;
        for (size_t b = a + 1; b < w->sc->nhosts; b++)
            if (world_is_node(w, (int)b) && w->part[b] == w->part[a] && !pcmk_connected(w, (int)a, (int)b))
                return true;
    }
    return false;
}

static void membership_check(sim *s, void *arg);

void pcmk_cluster_changed(world *w)
{
    if (!w->pacemaker)
        return;
    sim_time at = sim_now(w->s) + detection_time(w, membership_lost(w));
    if (w->membership_ev && w->membership_at >= at)
        return; /* a loss under detection is not detected sooner by a join */
    if (w->membership_ev)
        sim_cancel(w->s, w->membership_ev);
    w->membership_at = at;
    w->membership_ev = sim_at(w->s, at, membership_check, w);
}

typedef struct {
    world *w;
    int vm, target;
} start_job;

static void vm_started(sim *s, void *arg)
{
    (void)s;
    start_job *j = arg;
    world *w = j->w;
    if (w->ended)
        return;
    vm_state *v = &w->vms[j->vm];
    v->restarting = false;
    if (w->host_up[j->target]) {
        if (v->host >= 0) {
            /* the original still runs, cut off: two copies write the disk */
            v->dup_host = j->target;
            v->dup_inc = world_incident_open(w, "double-writer", w->sc->vms[j->vm].name, j->vm);
            /* if the split healed meanwhile, Pacemaker finds it active twice
             * at its next membership check (multiple-active) */
            if (pcmk_connected(w, v->host, j->target))
                pcmk_cluster_changed(w);
        } else {
            v->host = j->target;
            world_incident_close(w, &v->down);
        }
        world_vm_placed(w, j->vm);
        world_note(w, "vm-started", w->sc->vms[j->vm].name, "recovered by Pacemaker");
    }
}

/* Starts vm on the node of group g (any when -1) other than `except` with
 * the most free memory (vm_start later). */
void pcmk_recover_vm(world *w, int vm, int g, int except)
{
    vm_state *v = &w->vms[vm];
    if (v->restarting || v->dup_host >= 0 || w->sc->storage.type == STORAGE_LOCAL)
        return; /* local disks cannot be started elsewhere */
    int best = world_place(w, vm, except, g);
    if (best < 0)
        return;
    sim_time wait = 0;
    if (!locks_restart_wait(w, vm, &wait))
        return;
    if (w->ceph && v->host < 0 && v->down >= 0) {
        sim_time free_at = ceph_lock_free_at(w, world_incident_at(w, v->down)->start);
        if (free_at > sim_now(w->s) + wait)
            wait = free_at - sim_now(w->s);
    }
    start_job *j = world_job(w, sizeof(start_job));
    *j = (start_job){ w, vm, best };
    v->restarting = true;
    sim_after(w->s, wait + w->sc->cluster.vm_start, vm_started, j);
}

typedef struct {
    world *w;
    int group;
} group_job;

static void fence_host(world *w, int h)
{
    w->fenced[h] = true;
    world_fence(w, h, "STONITH");
}

/* After fencing (or at once without STONITH): recover the lost nodes' VMs. */
static void recover_group(sim *s, void *arg)
{
    (void)s;
    group_job *j = arg;
    world *w = j->w;
    if (w->ended)
        return;
    if (w->sc->cluster.stonith) {
        locks_fenced(w, j->group);
        /* every node this partition lost is fenced now: clean offline */
        for (size_t h = 0; h < w->sc->nhosts; h++)
            if (world_is_node(w, (int)h) && w->part[h] != j->group)
                w->fenced[h] = true;
    }
    if (w->sc->cluster.maintenance_mode)
        return; /* Pacemaker starts and stops nothing (facts 5.3) */
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        /* down (its node died, was fenced or lost quorum), or on a node this
         * partition lost */
        bool lost = v->host < 0 ? v->home >= 0 && world_is_node(w, v->home)
                                : world_is_node(w, v->host) && w->part[v->host] != j->group;
        if (lost)
            pcmk_recover_vm(w, (int)i, j->group, w->vms[i].host);
    }
}

static int cluster_network(const world *w)
{
    return w->sc->cluster.network >= 0 ? w->sc->cluster.network : 0;
}

bool pcmk_connected(const world *w, int a, int b)
{
    int net = cluster_network(w);
    return w->host_up[a] && w->host_up[b] && world_hosts_reach(w, a, b) && world_link_up(world_nic(w, a, net)) &&
           world_link_up(world_nic(w, b, net));
}

/* Corosync's partitions: the connected sets of up nodes over the cluster
 * network, each named by its first host (stable while that host stays);
 * -1 for the others. */
static void compute_parts(world *w)
{
    int n = (int)w->sc->nhosts;
    for (int h = 0; h < n; h++)
        w->part[h] = -1;
    int *stack = g_newa(int, n);
    for (int h = 0; h < n; h++) {
        if (!world_is_node(w, h) || !w->host_up[h] || w->part[h] >= 0)
            continue;
        int top = 0;
        w->part[h] = h;
        stack[top++] = h;
        while (top) {
            int a = stack[--top];
            for (int b = 0; b < n; b++)
                if (w->part[b] < 0 && world_is_node(w, b) && pcmk_connected(w, a, b)) {
                    w->part[b] = h;
                    stack[top++] = b;
                }
        }
    }
}

static int group_size(const world *w, int g)
{
    int size = 0;
    for (size_t h = 0; h < w->sc->nhosts; h++)
        size += world_is_node(w, (int)h) && w->host_up[h] && w->part[h] == g;
    return size;
}

static bool in_group(const world *w, int h, int g)
{
    return world_is_node(w, h) && w->host_up[h] && w->part[h] == g;
}

/* The group corosync-qnetd gives its vote to (ffsplit: the larger partition
 * that reaches it, a tie to the one with the lowest node id), -1 if none. */
static int qdevice_vote(const world *w, const int *groups, int ng)
{
    int q = w->sc->cluster.qdevice_host, best = -1, best_size = 0;
    if (q < 0 || !w->host_up[q])
        return -1;
    for (int k = 0; k < ng; k++) {
        bool reach = false;
        for (size_t h = 0; h < w->sc->nhosts && !reach; h++)
            reach = in_group(w, (int)h, groups[k]) && pcmk_connected(w, (int)h, q);
        int size = group_size(w, groups[k]);
        if (reach && size > best_size) { /* groups are in order of their lowest node */
            best = groups[k];
            best_size = size;
        }
    }
    return best;
}

/* votequorum (facts 5.2) for a partition of size nodes. */
static bool quorate(const world *w, int g, int size, int n, int qvote, int lowest)
{
    const scn_cluster *cl = &w->sc->cluster;
    if (cl->no_quorum_policy == NQP_IGNORE)
        return true;
    if (cl->wait_for_all) {
        /* quorate only once every node has been seen together */
        bool seen = false;
        for (size_t h = 0; h < w->sc->nhosts; h++)
            seen |= in_group(w, (int)h, g) && w->seen_all[h];
        if (!seen)
            return false;
    }
    if (cl->two_node)
        return size >= 1;
    if (cl->qdevice_host >= 0)
        return 2 * (size + (qvote == g)) > n + 1;
    int expected = cl->last_man_standing ? w->expected_votes : n;
    if (2 * size > expected)
        return true;
    /* auto_tie_breaker: an even split goes to the side of the lowest node id */
    return cl->auto_tie_breaker && 2 * size == expected && lowest >= 0 && in_group(w, lowest, g);
}

/* Whether partition g misses a node that is not known clean offline (the
 * DLM must wait for its fence). */
static bool lost_unfenced(const world *w, int g)
{
    for (size_t h = 0; h < w->sc->nhosts; h++)
        if (world_is_node(w, (int)h) && !in_group(w, (int)h, g) && !w->fenced[h])
            return true;
    return false;
}

typedef struct {
    world *w;
    int size;
} lms_job;

/* last_man_standing: the membership held for the window; expected votes
 * follow it down (to 2, or 1 with auto_tie_breaker). */
static void lms_expire(sim *s, void *arg)
{
    (void)s;
    lms_job *j = arg;
    world *w = j->w;
    w->lms_ev = 0;
    int floor = w->sc->cluster.auto_tie_breaker ? 1 : 2;
    w->expected_votes = j->size > floor ? j->size : floor;
    world_note(w, "quorum-expected-votes", "corosync", "last_man_standing window passed");
}

static void membership_check(sim *s, void *arg)
{
    world *w = arg;
    const scn_cluster *cl = &w->sc->cluster;
    w->membership_ev = 0;
    int n = nnodes(w);
    compute_parts(w);
    /* the groups that have live nodes, in host order */
    int groups[64], ng = 0, lowest = -1, up = 0;
    for (size_t h = 0; h < w->sc->nhosts && ng < 64; h++) {
        if (!world_is_node(w, (int)h) || !w->host_up[h]) {
            if (world_is_node(w, (int)h))
                w->seen_all[h] = false; /* it must see everyone again after its reboot */
            continue;
        }
        up++;
        if (lowest < 0)
            lowest = (int)h;
        bool seen = false;
        for (int k = 0; k < ng; k++)
            seen |= groups[k] == w->part[h];
        if (!seen)
            groups[ng++] = w->part[h];
    }
    bool whole = ng <= 1 && up == n;
    if (whole) {
        for (size_t h = 0; h < w->sc->nhosts; h++) {
            w->seen_all[h] = true;
            w->fenced[h] = false;
        }
        locks_healed(w);
    }
    bool healed = ng <= 1;
    for (size_t i = 0; healed && i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        if (v->dup_host >= 0) {
            /* multiple-active: the extra copy is stopped */
            world_incident *in = world_incident_at(w, v->dup_inc);
            double secs = sim_to_s(sim_now(s) - in->start);
            in->diverged_bytes = 2 * w->sc->vms[i].disk_write_Bps * secs;
            in->discarded_bytes = w->sc->vms[i].disk_write_Bps * secs;
            world_incident_close(w, &v->dup_inc);
            v->dup_host = -1;
        }
    }
    if (w->lms_ev) {
        sim_cancel(s, w->lms_ev);
        w->lms_ev = 0;
    }
    int biggest = 0;
    for (int k = 0; k < ng; k++)
        if (group_size(w, groups[k]) > biggest)
            biggest = group_size(w, groups[k]);
    if (biggest > w->expected_votes)
        w->expected_votes = biggest; /* nodes that join raise it again */
    int qvote = qdevice_vote(w, groups, ng);
    int quorate_of[64];
    for (int k = 0; k < ng; k++)
        quorate_of[k] = quorate(w, groups[k], group_size(w, groups[k]), n, qvote, lowest);
    int nq = 0;
    for (int k = 0; k < ng; k++)
        nq += quorate_of[k];
    if (cl->last_man_standing && nq == 1) {
        for (int k = 0; k < ng; k++)
            if (quorate_of[k] && group_size(w, groups[k]) < w->expected_votes) {
                lms_job *j = world_job(w, sizeof(lms_job));
                *j = (lms_job){ w, group_size(w, groups[k]) };
                w->lms_ev = sim_after(s, cl->lms_window, lms_expire, j);
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
                for (size_t h = 0; h < w->sc->nhosts; h++)
                    if (in_group(w, (int)h, groups[k]))
                        fence_host(w, (int)h);
                quorate_of[k] = 0;
            }
        }
    }
    for (int k = 0; k < ng; k++) {
        /* the DLM stops granting until the lost nodes are fenced (after
         * the partition's own VMs have stopped, if it must stop them) */
        bool dlm_waits = lost_unfenced(w, groups[k]);
        if (!quorate_of[k]) {
            scn_no_quorum_policy nqp = cl->no_quorum_policy;
            if (nqp == NQP_FENCE && cl->stonith && fence_works) {
                /* the partition fences itself (Pacemaker >= 2.1.9) */
                for (size_t h = 0; h < w->sc->nhosts; h++)
                    if (in_group(w, (int)h, groups[k]))
                        fence_host(w, (int)h);
            } else if ((nqp == NQP_STOP || nqp == NQP_DEMOTE) && !cl->maintenance_mode) {
                for (size_t i = 0; i < w->sc->nvms; i++) {
                    vm_state *v = &w->vms[i];
                    if (v->host >= 0 && w->part[v->host] == groups[k] && world_is_node(w, v->host)) {
                        world_vm_down(w, (int)i, "quorum-lost", w->sc->hosts[v->host].name);
                        world_vm_placed(w, (int)i);
                    }
                }
            } /* freeze: what runs keeps running, nothing is recovered */
            if (dlm_waits)
                locks_members_lost(w, groups[k]);
            continue;
        }
        if (dlm_waits)
            locks_members_lost(w, groups[k]);
        group_job *j = world_job(w, sizeof(group_job));
        *j = (group_job){ w, groups[k] };
        sim_time wait = 0;
        if (cl->stonith && !fence_works)
            continue;
        if (cl->stonith) {
            /* fence the lost nodes that are still alive elsewhere */
            for (size_t h = 0; h < w->sc->nhosts; h++)
                if (world_is_node(w, (int)h) && w->host_up[h] && w->part[h] != groups[k] && !w->fenced[h])
                    fence_host(w, (int)h); /* a node fenced before and booted apart is not a member */
            /* a dead node must be fenced too before its VMs move */
            wait = cl->fence_time;
        }
        sim_after(s, wait, recover_group, j);
    }
}

void pcmk_stop(world *w)
{
    sim_cancel(w->s, w->membership_ev);
    w->membership_ev = 0;
    sim_cancel(w->s, w->lms_ev);
    w->lms_ev = 0;
}
