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

struct locks {
    const filer *f;
    bool sanlock, dlm, cluster_fs;
    int *frozen; /* per VM: open io-frozen incident, -1 if none */
};

locks *locks_new(world *w, const filer *f)
{
    const scenario *sc = world_scenario(w);
    locks *l = g_new0(locks, 1);
    scn_lock k = sc->storage.lock;
    l->f = f;
    l->sanlock = k == LOCK_SANLOCK || k == LOCK_LVMLOCKD_SANLOCK;
    l->dlm = k == LOCK_CLVM || k == LOCK_GFS2 || k == LOCK_OCFS2;
    l->cluster_fs = k == LOCK_GFS2 || k == LOCK_OCFS2;
    l->frozen = g_new(int, sc->nvms ? sc->nvms : 1);
    for (size_t i = 0; i < sc->nvms; i++)
        l->frozen[i] = -1;
    return l;
}

void locks_free(locks *l)
{
    if (!l)
        return;
    g_free(l->frozen);
    g_free(l);
}

bool locks_start_wait(locks *l, world *w, int vm, sim_time *wait)
{
    const scenario *sc = world_scenario(w);
    *wait = 0;
    if (l->dlm && !sc->cluster.stonith) {
        world_note(w, "start-blocked", sc->vms[vm].name, "the DLM waits for the lost node to be fenced");
        return false;
    }
    if (!l->sanlock)
        return true;
    int host = world_vm_host(w, vm);
    int holder = host >= 0 ? host : world_vm_home(w, vm);
    if (holder >= 0 && world_host_up(w, holder) && filer_reachable(l->f, w, holder)) {
        world_note(w, "start-blocked", sc->vms[vm].name, "its sanlock lease is held by a live host");
        return false;
    }
    sim_time now = world_now(w);
    sim_time lost = holder >= 0 && filer_lost_at(l->f, holder) > 0 ? filer_lost_at(l->f, holder) : now;
    sim_time free_at = lost + 140 * SIM_S;
    *wait = free_at > now ? free_at - now : 0;
    if (host >= 0) {
        /* killed by sanlock on the cut-off host before the lease frees */
        world_vm_down(w, vm, "vm-down", "sanlock");
        world_incident *in = world_vm_down_incident(w, vm);
        if (in && lost + 80 * SIM_S < in->start)
            in->start = lost + 80 * SIM_S;
    }
    return true;
}

static void freeze(locks *l, world *w, int part, bool on)
{
    const scenario *sc = world_scenario(w);
    g_autofree char *res = g_strdup_printf("dlm:%s", scenario_lock_names[sc->storage.lock]);
    for (size_t i = 0; i < sc->nvms; i++) {
        int host = world_vm_host(w, (int)i);
        bool here = host >= 0 && (part < 0 || world_cluster_partition(w, host) == part);
        if (on && here && l->frozen[i] < 0)
            l->frozen[i] = world_incident_open(w, "io-frozen", res, (int)i);
        else if (!on && (here || host < 0))
            world_incident_close(w, &l->frozen[i]);
    }
}

void locks_members_lost(locks *l, world *w, int part)
{
    if (l->cluster_fs)
        freeze(l, w, part, true);
}

typedef struct {
    locks *l;
    world *w;
    int part;
} thaw_job;

static void thaw(sim *s, void *arg)
{
    (void)s;
    thaw_job *j = arg;
    if (!world_ended(j->w))
        freeze(j->l, j->w, j->part, false);
}

void locks_fenced(locks *l, world *w, int part)
{
    if (!l->cluster_fs)
        return;
    thaw_job *j = world_job(w, sizeof(thaw_job));
    *j = (thaw_job){ l, w, part };
    sim_after(world_sim(w), world_scenario(w)->storage.journal_recovery, thaw, j);
}

void locks_healed(locks *l, world *w)
{
    if (l->cluster_fs)
        freeze(l, w, -1, false);
}

void locks_vm_gone(locks *l, world *w, int vm)
{
    world_incident_close(w, &l->frozen[vm]);
}

void locks_stop(locks *l, world *w)
{
    for (size_t i = 0; i < world_scenario(w)->nvms; i++)
        l->frozen[i] = -1;
}
