/* locks — lock layers on a shared LUN.
 *
 * sanlock (facts 3.2): a VM's lease is free only 140 s (8 x io_timeout 10 s +
 * watchdog 60 s) after its holder last renewed it; a holder that still
 * reaches the LUN keeps it forever; the holder's own sanlock kills the VM
 * 80 s after it lost the LUN.
 *
 * DLM (facts 3.1, 5.4): after a membership loss the DLM grants no lock until
 * the lost node is fenced. GFS2 and OCFS2 need locks for nearly all IO, so
 * the file system, and every VM on it, freezes on the surviving nodes from
 * the membership change until the fence and the journal replay; clvm locks
 * only LVM metadata and activation, so running VMs go on but none can be
 * activated (restarted) elsewhere until then. Without STONITH the DLM waits
 * for a fence that never comes: until the lost node rejoins. */
#include "models/storage/locks.h"

#include <string.h>

#include "models/storage/nfs.h"

bool locks_dlm(const world *w)
{
    scn_lock l = w->sc->storage.lock;
    return w->sc->storage.type == STORAGE_ISCSI && (l == LOCK_CLVM || l == LOCK_GFS2 || l == LOCK_OCFS2);
}

static bool cluster_fs(const world *w)
{
    return locks_dlm(w) && (w->sc->storage.lock == LOCK_GFS2 || w->sc->storage.lock == LOCK_OCFS2);
}

bool locks_restart_wait(world *w, int vm, sim_time *wait)
{
    vm_state *v = &w->vms[vm];
    *wait = 0;
    if (locks_dlm(w) && !w->sc->cluster.stonith) {
        world_note(w, "start-blocked", w->sc->vms[vm].name, "the DLM waits for the lost node to be fenced");
        return false;
    }
    if (!w->sanlock)
        return true;
    int holder = v->host >= 0 ? v->host : v->home;
    if (holder >= 0 && w->host_up[holder] && nfs_reachable(w, holder)) {
        world_note(w, "start-blocked", w->sc->vms[vm].name, "its sanlock lease is held by a live host");
        return false;
    }
    sim_time lost = holder >= 0 && w->lost_at[holder] > 0 ? w->lost_at[holder] : sim_now(w->s);
    sim_time free_at = lost + 140 * SIM_S;
    *wait = free_at > sim_now(w->s) ? free_at - sim_now(w->s) : 0;
    if (v->host >= 0) {
        /* killed by sanlock on the cut-off host before the lease frees */
        world_vm_down(w, vm, "vm-down", "sanlock");
        world_incident *in = world_incident_at(w, v->down);
        if (lost + 80 * SIM_S < in->start)
            in->start = lost + 80 * SIM_S;
    }
    return true;
}

static void freeze(world *w, int g, bool on)
{
    g_autofree char *res = g_strdup_printf("dlm:%s", scenario_lock_names[w->sc->storage.lock]);
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        bool here = v->host >= 0 && (g < 0 || w->part[v->host] == g);
        if (on && here && v->frozen < 0)
            v->frozen = world_incident_open(w, "io-frozen", res, (int)i);
        else if (!on && (here || v->host < 0))
            world_incident_close(w, &v->frozen);
    }
}

void locks_members_lost(world *w, int g)
{
    if (cluster_fs(w))
        freeze(w, g, true);
}

typedef struct {
    world *w;
    int g;
} thaw_job;

static void thaw(sim *s, void *arg)
{
    (void)s;
    thaw_job *j = arg;
    if (!j->w->ended)
        freeze(j->w, j->g, false);
}

void locks_fenced(world *w, int g)
{
    if (!cluster_fs(w))
        return;
    thaw_job *j = world_job(w, sizeof(thaw_job));
    *j = (thaw_job){ w, g };
    sim_after(w->s, w->sc->storage.journal_recovery, thaw, j);
}

void locks_healed(world *w)
{
    if (cluster_fs(w))
        freeze(w, -1, false);
}

sim_time locks_switchover(const world *w)
{
    return w->sc->storage.switchover;
}
