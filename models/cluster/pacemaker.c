/* pacemaker — the cluster manager's reaction to failures. */
#include "models/cluster/pacemaker.h"

#include <string.h>

#include <gsl/gsl_rng.h>

#include "models/storage/ceph.h"
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

static sim_time detection_time(const world *w)
{
    int n = nnodes(w);
    return w->sc->cluster.token + (n > 2 ? (n - 2) * w->sc->cluster.token_coefficient : 0) + 50 * SIM_MS;
}

static void membership_check(sim *s, void *arg);

void pcmk_cluster_changed(world *w)
{
    if (!w->pacemaker)
        return;
    if (w->membership_ev)
        sim_cancel(w->s, w->membership_ev);
    w->membership_ev = sim_after(w->s, detection_time(w), membership_check, w);
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
    if (v->restarting || v->dup_host >= 0 || !strcmp(w->sc->storage.type, "local"))
        return; /* local disks cannot be started elsewhere */
    int best = world_place(w, vm, except, g);
    if (best < 0)
        return;
    sim_time wait = 0;
    if (w->sanlock) {
        /* sanlock (facts 3.2): the VM's lease is free only 140 s (8 x io_timeout
         * + watchdog 60 s) after its holder last renewed it; a holder that
         * still reaches the LUN keeps it forever. The holder's own sanlock
         * kills the VM 80 s after it lost the LUN. */
        int holder = v->host >= 0 ? v->host : v->home;
        if (holder >= 0 && w->host_up[holder] && nfs_reachable(w, holder)) {
            world_note(w, "start-blocked", w->sc->vms[vm].name, "its sanlock lease is held by a live host");
            return;
        }
        sim_time lost = holder >= 0 && w->lost_at[holder] > 0 ? w->lost_at[holder] : sim_now(w->s);
        sim_time free_at = lost + 140 * SIM_S;
        wait = free_at > sim_now(w->s) ? free_at - sim_now(w->s) : 0;
        if (v->host >= 0) {
            /* killed by sanlock on the cut-off host before the lease frees */
            world_vm_down(w, vm, "vm-down", "sanlock");
            world_incident *in = world_incident_at(w, v->down);
            if (lost + 80 * SIM_S < in->start)
                in->start = lost + 80 * SIM_S;
        }
    }
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
    g_autofree char *t = g_strdup_printf("host:%s", w->sc->hosts[h].name);
    world_note(w, "fenced", t, "STONITH");
    world_incident_close(w, &(int){ world_incident_open(w, "fenced", t, -1) });
    world_apply_target(w, t, true);
}

/* After fencing (or at once without STONITH): recover the lost nodes' VMs. */
static void recover_group(sim *s, void *arg)
{
    (void)s;
    group_job *j = arg;
    world *w = j->w;
    if (w->ended)
        return;
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        /* down (its node died, was fenced or lost quorum), or on a node this
         * partition lost */
        bool lost = v->host < 0 ? v->home >= 0 && world_is_node(w, v->home)
                                : world_is_node(w, v->host) && w->group[v->host] != j->group;
        if (lost)
            pcmk_recover_vm(w, (int)i, j->group, w->vms[i].host);
    }
}

static void membership_check(sim *s, void *arg)
{
    world *w = arg;
    const scn_cluster *cl = &w->sc->cluster;
    w->membership_ev = 0;
    int n = nnodes(w);
    /* the groups that have live nodes, in host order */
    int groups[64], ng = 0;
    for (size_t h = 0; h < w->sc->nhosts && ng < 64; h++) {
        if (!world_is_node(w, (int)h) || !w->host_up[h])
            continue;
        bool seen = false;
        for (int k = 0; k < ng; k++)
            seen |= groups[k] == w->group[h];
        if (!seen)
            groups[ng++] = w->group[h];
    }
    bool healed = ng <= 1;
    for (size_t i = 0; healed && i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        if (v->dup_host >= 0) {
            /* multiple-active: the extra copy is stopped */
            world_incident *in = &g_array_index(w->incidents, world_incident, v->dup_inc);
            double secs = sim_to_s(sim_now(s) - in->start);
            in->diverged_bytes = 2 * w->sc->vms[i].disk_write_Bps * secs;
            in->discarded_bytes = w->sc->vms[i].disk_write_Bps * secs;
            world_incident_close(w, &v->dup_inc);
            v->dup_host = -1;
        }
    }
    int quorate[64];
    for (int k = 0; k < ng; k++) {
        int size = 0;
        for (size_t h = 0; h < w->sc->nhosts; h++)
            size += world_is_node(w, (int)h) && w->host_up[h] && w->group[h] == groups[k];
        quorate[k] = cl->two_node ? size >= 1 : 2 * size > n;
        if (!strcmp(cl->no_quorum_policy, "ignore"))
            quorate[k] = 1;
    }
    int nq = 0;
    for (int k = 0; k < ng; k++)
        nq += quorate[k];
    if (cl->stonith && nq > 1) {
        /* quorate halves race to fence each other: one survives (facts 5.2) */
        int winner = (int)gsl_rng_uniform_int(sim_stream(s, "fence-race"), (unsigned long)nq);
        for (int k = 0, q = 0; k < ng; k++) {
            if (!quorate[k])
                continue;
            if (q++ != winner) {
                for (size_t h = 0; h < w->sc->nhosts; h++)
                    if (world_is_node(w, (int)h) && w->host_up[h] && w->group[h] == groups[k])
                        fence_host(w, (int)h);
                quorate[k] = 0;
            }
        }
    }
    for (int k = 0; k < ng; k++) {
        if (!quorate[k]) {
            if (!strcmp(cl->no_quorum_policy, "stop"))
                for (size_t i = 0; i < w->sc->nvms; i++) {
                    vm_state *v = &w->vms[i];
                    if (v->host >= 0 && w->group[v->host] == groups[k] && world_is_node(w, v->host)) {
                        world_vm_down(w, (int)i, "quorum-lost", w->sc->hosts[v->host].name);
                        world_vm_placed(w, (int)i);
                    }
                }
            continue;
        }
        group_job *j = world_job(w, sizeof(group_job));
        *j = (group_job){ w, groups[k] };
        sim_time wait = 0;
        if (cl->stonith) {
            /* fence the lost nodes that are still alive elsewhere */
            for (size_t h = 0; h < w->sc->nhosts; h++)
                if (world_is_node(w, (int)h) && w->host_up[h] && w->group[h] != groups[k]) {
                    fence_host(w, (int)h);
                    wait = cl->fence_time;
                }
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
}
