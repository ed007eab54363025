/* locks — lock layers on a shared LUN.
 *
 * sanlock (sources.md 3.2; sanlock src/timeouts.h, main.c, paxos_lease.c): each
 * node renews its lockspace lease every 20 s (2 x io_timeout 10 s), at a
 * phase of its own. When it cannot reach the LUN, the renewal fails 80 s
 * after the last good one (T): sanlock kills the processes that hold leases
 * there, and the watchdog, no longer petted, resets the node 60 s after the
 * last keepalive (wdmd tests every 10 s: T + 130 to 140 s) unless they all
 * exited. Another host may take a lease whose holder stopped renewing only
 * host_dead_seconds (140 s) after T: 120 to 140 s after the loss. A lease
 * is let go when its VM stops on a node that still reaches the LUN, and a
 * node that boots again no longer owns what it held (a new generation).
 * - lock "sanlock" (libvirt): the processes are the VMs (QEMU): killed at
 *   T + 80 s, and the cluster manager recovers them. A VM exits only when
 *   its IO in flight completes or fails (the iSCSI IO error), so the node is
 *   reset if that has not happened when the watchdog fires;
 * - lock "lvmlockd-sanlock": the process is lvmlockd, whose kill path
 *   (lvmlockctl --kill) stops nothing: the VMs go on (their IO blocked) and
 *   the watchdog resets the node.
 *
 * DLM (sources.md 3.1, 5.4): after a membership loss the DLM grants no lock until
 * the lost node is fenced. GFS2 and OCFS2 need locks for nearly all IO, so
 * the file system, and every VM on it, freezes on the surviving nodes from
 * the membership change until the fence and the journal replay; clvm locks
 * only LVM metadata and activation, so running VMs go on but none can be
 * activated (restarted) elsewhere until then. Without STONITH the DLM waits
 * for a fence that never comes: until the lost node rejoins. An IO error
 * on a node (the iSCSI session failed up) withdraws its GFS2 or OCFS2 file
 * system: its VMs' IO fails until the node remounts it, here when it boots
 * again (the kernel's gfs2_withdraw; OCFS2 errors=remount-ro). */
#include "models/storage/locks.h"

#include <gsl/gsl_rng.h>

/* sanlock's timeouts, all from its io_timeout (src/sanlock_internal.h
 * DEFAULT_IO_TIMEOUT 10, DEFAULT_WATCHDOG_FIRE_TIMEOUT 60; src/timeouts.c
 * calc_id_renewal_seconds, calc_id_renewal_fail_seconds,
 * calc_host_dead_seconds; sources.md 3.2) */
#define IO_TIMEOUT (10 * SIM_S)
#define RENEWAL (2 * IO_TIMEOUT)      /* id_renewal_seconds */
#define RENEWAL_FAIL (8 * IO_TIMEOUT) /* id_renewal_fail_seconds */
#define WDMD_TEST (10 * SIM_S)        /* wdmd's test interval */
#define WATCHDOG_FIRE (60 * SIM_S)    /* watchdog_fire_timeout */
#define HOST_DEAD (RENEWAL_FAIL + WATCHDOG_FIRE) /* host_dead_seconds: 140 s */

typedef struct {
    locks *l;
    world *w;
    int h;
    sim_time phase;       /* renewals at phase + k x RENEWAL */
    sim_time wdmd;        /* wdmd's test phase relative to the renewals, [0, WDMD_TEST) */
    sim_time last;        /* its last renewal before it lost the LUN or died; INT64_MIN while it renews */
    bool expired;         /* its renewal failed: its lockspace is gone */
    bool stuck;           /* processes killed at the renewal failure have not exited */
    sim_event fail_ev, reset_ev;
} lease_host;

struct locks {
    filer *f;
    bool sanlock, lvmlockd, dlm, cluster_fs;
    int *frozen;          /* per VM: open io-frozen incident, -1 if none */
    lease_host *hosts;
    int *holder;          /* per VM: the node holding its lease, -1 if free */
    sim_time *free_at;    /* per VM: when a lease its dead holder left becomes free */
};

#define RENEWING INT64_MIN

static void host_error(void *arg, world *w, int h);

locks *locks_new(world *w, filer *f)
{
    const scenario *sc = world_scenario(w);
    locks *l = g_new0(locks, 1);
    scn_lock k = sc->storage.lock;
    l->f = f;
    l->sanlock = k == LOCK_SANLOCK || k == LOCK_LVMLOCKD_SANLOCK;
    l->lvmlockd = k == LOCK_LVMLOCKD_SANLOCK;
    l->dlm = k == LOCK_CLVM || k == LOCK_GFS2 || k == LOCK_OCFS2;
    l->cluster_fs = k == LOCK_GFS2 || k == LOCK_OCFS2;
    size_t nv = sc->nvms ? sc->nvms : 1;
    l->frozen = g_new(int, nv);
    l->holder = g_new(int, nv);
    l->free_at = g_new0(sim_time, nv);
    for (size_t i = 0; i < sc->nvms; i++)
        l->frozen[i] = l->holder[i] = -1;
    l->hosts = g_new0(lease_host, sc->nhosts ? sc->nhosts : 1);
    gsl_rng *r = sim_stream(world_sim(w), "sanlock");
    for (size_t h = 0; h < sc->nhosts; h++) {
        lease_host *lh = &l->hosts[h];
        *lh = (lease_host){ .l = l, .w = w, .h = (int)h, .last = RENEWING };
        if (l->sanlock) {
            lh->phase = (sim_time)(gsl_rng_uniform(r) * (double)RENEWAL);
            lh->wdmd = (sim_time)(gsl_rng_uniform(r) * (double)WDMD_TEST);
        }
    }
    if (l->cluster_fs)
        filer_on_error(f, host_error, l);
    return l;
}

void locks_free(locks *l)
{
    if (!l)
        return;
    g_free(l->frozen);
    g_free(l->holder);
    g_free(l->free_at);
    g_free(l->hosts);
    g_free(l);
}

/* ------------------------------------------------------------------ sanlock */

/* The last renewal of host h at or before t. */
static sim_time last_renewal(const lease_host *lh, sim_time t)
{
    sim_time k = (t - lh->phase) / RENEWAL;
    if ((t - lh->phase) % RENEWAL < 0)
        k--;
    return lh->phase + k * RENEWAL;
}

/* Host h renews its lockspace now: up, reaching the LUN, not expired. */
static bool renews(const locks *l, const world *w, int h)
{
    return world_host_up(w, h) && filer_reachable(l->f, w, h) && !l->hosts[h].expired;
}

/* When the lease of a holder that stopped renewing becomes free. */
static sim_time expiry(const locks *l, const world *w, int h)
{
    const lease_host *lh = &l->hosts[h];
    return (lh->last != RENEWING ? lh->last : last_renewal(lh, world_now(w))) + HOST_DEAD;
}

static void watchdog_fires(sim *s, void *arg)
{
    (void)s;
    lease_host *lh = arg;
    lh->reset_ev = 0;
    world *w = lh->w;
    locks *l = lh->l;
    if (world_ended(w) || !world_host_up(w, lh->h))
        return;
    /* the killed VMs exit once their IO in flight fails (or completes) */
    bool stuck = lh->stuck && !filer_reachable(l->f, w, lh->h) && !filer_errored(l->f, lh->h);
    if (l->lvmlockd || stuck)
        world_host_reset(w, lh->h,
                         l->lvmlockd ? "the watchdog fired: lvmlockd's sanlock lockspace expired (lvmlockctl --kill stops no VM)"
                                     : "the watchdog fired: the VMs sanlock killed had not exited (IO in flight)");
}

static void renewal_failed(sim *s, void *arg)
{
    (void)s;
    lease_host *lh = arg;
    lh->fail_ev = 0;
    world *w = lh->w;
    locks *l = lh->l;
    if (world_ended(w) || !world_host_up(w, lh->h))
        return;
    const scenario *sc = world_scenario(w);
    lh->expired = true;
    g_autofree char *why = g_strdup_printf("no lockspace renewal for %.0f s (8 x io_timeout): sanlock kills what "
                                           "holds its leases",
                                           sim_to_s(RENEWAL_FAIL));
    world_note(w, "sanlock-expired", sc->hosts[lh->h].name, why);
    bool killed = false;
    if (!l->lvmlockd)
        for (size_t i = 0; i < sc->nvms; i++)
            if (world_vm_host(w, (int)i) == lh->h && l->holder[i] == lh->h) {
                world_vm_down(w, (int)i, "vm-down", "sanlock");
                l->free_at[i] = expiry(l, w, lh->h);
                world_cluster_vm_failed(w, (int)i);
                killed = true;
            }
    lh->stuck = killed;
    if (killed || l->lvmlockd)
        lh->reset_ev = sim_at(world_sim(w), lh->last + RENEWAL_FAIL - WDMD_TEST + lh->wdmd + WATCHDOG_FIRE,
                              watchdog_fires, lh);
    world_storage_update(w);
}

static void sanlock_update(locks *l, world *w)
{
    const scenario *sc = world_scenario(w);
    sim_time now = world_now(w);
    for (size_t x = 0; x < sc->nhosts; x++) {
        int h = (int)x;
        lease_host *lh = &l->hosts[h];
        if (!world_is_node(w, h))
            continue;
        bool up = world_host_up(w, h), reach = up && filer_reachable(l->f, w, h);
        if (!up) {
            if (lh->last == RENEWING)
                lh->last = last_renewal(lh, now);
            lh->expired = true;
            sim_cancel(world_sim(w), lh->fail_ev);
            sim_cancel(world_sim(w), lh->reset_ev);
            lh->fail_ev = lh->reset_ev = 0;
            continue;
        }
        if (reach && (lh->last != RENEWING || lh->expired)) {
            /* it renews again: in time, or it rejoined (after a boot: a new
             * generation, so what it held before is free) */
            sim_cancel(world_sim(w), lh->fail_ev);
            lh->fail_ev = 0;
            lh->last = RENEWING;
            lh->expired = lh->stuck = false;
            for (size_t i = 0; i < sc->nvms; i++)
                if (l->holder[i] == h && world_vm_host(w, (int)i) != h)
                    l->holder[i] = -1;
        } else if (!reach && lh->last == RENEWING) {
            lh->last = last_renewal(lh, now);
            lh->fail_ev = sim_at(world_sim(w), lh->last + RENEWAL_FAIL, renewal_failed, lh);
        }
    }
    /* a running VM holds its lease where it runs */
    for (size_t i = 0; i < sc->nvms; i++) {
        int host = world_vm_host(w, (int)i);
        if (host >= 0) {
            l->holder[i] = host;
            l->free_at[i] = 0;
        }
    }
}

void locks_update(locks *l, world *w)
{
    if (l->sanlock)
        sanlock_update(l, w);
}

world_start locks_start_wait(locks *l, world *w, int vm, int h, sim_time *wait)
{
    const scenario *sc = world_scenario(w);
    *wait = 0;
    if (l->dlm && !sc->cluster.stonith) {
        world_note(w, "start-blocked", sc->vms[vm].name, "the DLM waits for the lost node to be fenced");
        return WORLD_START_BLOCKED;
    }
    if (!l->sanlock)
        return WORLD_START_GO;
    if (!renews(l, w, h)) {
        g_autofree char *why = g_strdup_printf("%s has no sanlock lockspace (it cannot reach the LUN): the "
                                               "lease cannot be acquired there", sc->hosts[h].name);
        world_note(w, "start-failed", sc->vms[vm].name, why);
        return WORLD_START_FAILS;
    }
    int holder = l->holder[vm];
    if (holder < 0 || holder == h)
        return WORLD_START_GO;
    if (renews(l, w, holder)) {
        world_note(w, "start-blocked", sc->vms[vm].name, "its sanlock lease is held by a live host");
        return WORLD_START_BLOCKED;
    }
    /* paxos_lease_acquire waits until the holder has not renewed for
     * host_dead_seconds */
    sim_time free_at = l->free_at[vm] ? l->free_at[vm] : expiry(l, w, holder);
    *wait = free_at > world_now(w) ? free_at - world_now(w) : 0;
    return WORLD_START_GO;
}

/* ------------------------------------------------------------------ DLM, GFS2 and OCFS2 */

/* The iSCSI session of host h failed its IO up: GFS2 (OCFS2) withdraws. */
static void host_error(void *arg, world *w, int h)
{
    locks *l = arg;
    world_note(w, "fs-withdraw", world_scenario(w)->hosts[h].name,
               "an IO error on the shared LUN withdraws its cluster file system until it is mounted again");
    filer_withdraw(l->f, w, h, true);
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

void locks_host_changed(locks *l, world *w, int h, bool down)
{
    if (l->cluster_fs && !down)
        filer_withdraw(l->f, w, h, false); /* it booted and mounts the file system again */
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
    world_assume(w, AS_ST_JOURNAL_RECOVERY, -1);
}

void locks_healed(locks *l, world *w)
{
    if (l->cluster_fs)
        freeze(l, w, -1, false);
}

void locks_vm_gone(locks *l, world *w, int vm, bool clean)
{
    (void)clean; /* sanlock releases the lease of any process that exits, if it can write */
    world_incident_close(w, &l->frozen[vm]);
    int h = l->holder[vm];
    if (!l->sanlock || h < 0)
        return;
    if (renews(l, w, h))
        l->holder[vm] = -1;
    else
        l->free_at[vm] = expiry(l, w, h);
}

void locks_stop(locks *l, world *w)
{
    const scenario *sc = world_scenario(w);
    for (size_t i = 0; i < sc->nvms; i++)
        l->frozen[i] = -1;
    for (size_t h = 0; h < sc->nhosts; h++) {
        sim_cancel(world_sim(w), l->hosts[h].fail_ev);
        sim_cancel(world_sim(w), l->hosts[h].reset_ev);
        l->hosts[h].fail_ev = l->hosts[h].reset_ev = 0;
    }
}
