/* ceph — RBD on a replicated pool. */
#include "models/storage/ceph.h"

/* Ceph timers (facts section 2): heartbeat grace + report, down -> out,
 * RBD watch timeout; recovery rate per image: assumption. */
#define CEPH_GRACE (25 * SIM_S)
#define CEPH_OUT (600 * SIM_S)
#define CEPH_WATCH (30 * SIM_S)
#define CEPH_RECOVERY_BPS 100e6
/* A failed disk kills its OSD daemon on a live host: connection refused
 * marks it down at once (osd_fast_fail_on_connection_refused); assumption:
 * 2 s of map propagation and peering. */
#define CEPH_FAST_FAIL (2 * SIM_S)
/* A hung disk stalls its OSD's op threads; the OSD kills itself after
 * osd_op_thread_suicide_timeout (150 s, ceph global.yaml.in) and is then
 * marked down at once (assumption: as a dead OSD, 2 s). */
#define CEPH_HANG (150 * SIM_S + CEPH_FAST_FAIL)
/* A monitor lost: the leader waits mon_lease x 2 for lease acks (10 s),
 * then the election (mon_election_timeout 5 s); one that joins: an
 * election (facts 2.1). */
#define CEPH_LEASE_WAIT (10 * SIM_S)
#define CEPH_ELECTION (5 * SIM_S)

/* ------------------------------------------------------------------ Ceph RBD
 *
 * Every host runs OSDs; the first three run the monitors (assumption). A VM's
 * image lives on `size` replicas on distinct hosts, chosen by rendezvous
 * hashing of (VM, host) (deterministic and CRUSH-like: adding a host moves
 * only what it takes). Facts section 2:
 * - a replica lost while at least min_size remain stalls IO for the heartbeat
 *   grace plus a report (20 s + 5 s) until the OSD is marked down, then IO goes
 *   on degraded; fewer than min_size replicas block IO (PG "peered") until one
 *   comes back: Ceph blocks, it never splits;
 * - without a monitor majority no map can change: IO that needs one (a
 *   replica lost meanwhile) hangs until quorum returns;
 * - a host down for mon_osd_down_out_interval (600 s) is marked out and its
 *   data re-replicated to another host, if there is one, at a recovery rate
 *   (100 MB/s per image, assumption);
 * - a VM restarted after its host died waits for its RBD lock holder's watch to
 *   time out (30 s) before it can take the exclusive lock. */


/* FNV-1a of "VM/HOST", finished by a murmur3 mix; the VM's part is hashed
 * once and continued for every host. */
static uint64_t ceph_prefix(const char *vm)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = vm; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return (h ^ '/') * 0x100000001b3ULL;
}

static uint64_t ceph_score(uint64_t prefix, const char *host)
{
    uint64_t h = prefix;
    for (const char *p = host; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

/* The best-scoring host not already holding a replica of vm, -1 if none
 * (up hosts only when up_only). */
static int ceph_pick(const world *w, int vm, bool up_only)
{
    const vm_state *v = &w->vms[vm];
    int best = -1;
    uint64_t bs = 0, prefix = ceph_prefix(w->sc->vms[vm].name);
    for (size_t h = 0; h < w->sc->nhosts; h++) {
        bool taken = false;
        for (int k = 0; k < v->nreplicas; k++)
            taken |= v->replicas[k] == (int)h;
        if (taken || (up_only && !w->host_up[h]))
            continue;
        uint64_t sc = ceph_score(prefix, w->sc->hosts[h].name);
        if (best < 0 || sc > bs) {
            best = (int)h;
            bs = sc;
        }
    }
    return best;
}

/* The `size` best-scoring hosts, best first (ties: the first host), in one
 * pass: what `size` successive ceph_pick calls would choose. */
void ceph_place(world *w, int vm)
{
    vm_state *v = &w->vms[vm];
    int size = w->sc->storage.size < 10 ? w->sc->storage.size : 10;
    uint64_t score[10], prefix = ceph_prefix(w->sc->vms[vm].name);
    int n = 0;
    for (size_t h = 0; h < w->sc->nhosts; h++) {
        uint64_t sc = ceph_score(prefix, w->sc->hosts[h].name);
        if (n == size && sc <= score[n - 1])
            continue;
        int k = n < size ? n++ : n - 1;
        for (; k > 0 && score[k - 1] < sc; k--) {
            score[k] = score[k - 1];
            v->replicas[k] = v->replicas[k - 1];
        }
        score[k] = sc;
        v->replicas[k] = (int)h;
    }
    v->nreplicas = n;
    v->ceph_usable = v->nreplicas;
}

void ceph_io_attach(world *w, int vm)
{
    vm_state *v = &w->vms[vm];
    for (int k = 0; k < v->nceph_io; k++)
        flow_bg_free(w->net, v->ceph_io[k]);
    v->nceph_io = 0;
    double rate = w->sc->vms[vm].disk_write_Bps;
    if (!w->ceph || rate <= 0 || v->host < 0)
        return;
    int net = world_storage_network(w), primary = -1;
    for (int k = 0; k < v->nreplicas && primary < 0; k++)
        if (w->host_up[v->replicas[k]] && world_disk_up(w, v->replicas[k], world_disk_of(w, vm, v->replicas[k])))
            primary = v->replicas[k];
    if (primary < 0)
        return;
    flow_link *path[4];
    if (primary != v->host && v->nceph_io < 10)
        v->ceph_io[v->nceph_io++] = flow_bg_new(w->net, path, world_path(w, v->host, primary, net, path), rate);
    for (int k = 0; k < v->nreplicas && v->nceph_io < 10; k++) {
        int r = v->replicas[k];
        if (r != primary && w->host_up[r])
            v->ceph_io[v->nceph_io++] = flow_bg_new(w->net, path, world_path(w, primary, r, net, path), rate);
    }
}

/* Whether a and b talk over the Ceph network (a host talks to itself). */
static bool ceph_link(const world *w, int a, int b)
{
    int net = world_storage_network(w);
    if (!w->host_up[a] || !w->host_up[b])
        return false;
    if (a == b)
        return true;
    return world_hosts_reach(w, a, b) && world_link_up(world_nic(w, a, net)) && world_link_up(world_nic(w, b, net));
}

/* The copies of vm its host can reach (any that are up and connected when
 * the VM is down). */
static int ceph_usable(const world *w, int vm)
{
    const vm_state *v = &w->vms[vm];
    int u = 0;
    for (int k = 0; k < v->nreplicas; k++) {
        int r = v->replicas[k];
        bool osd = world_disk_up(w, r, world_disk_of(w, vm, r));
        u += osd && (v->host >= 0 ? ceph_link(w, v->host, r) : ceph_link(w, r, r));
    }
    return u;
}

/* A majority of the monitors that reach one another (Paxos, facts 2.1). */
static bool ceph_mon_quorum(const world *w)
{
    for (int m = 0; m < w->nmons; m++) {
        if (!w->mon_up[m] || !w->host_up[m])
            continue;
        int with = 0;
        for (int k = 0; k < w->nmons; k++)
            with += w->mon_up[k] && ceph_link(w, m, k);
        if (2 * with > w->nmons)
            return true;
    }
    return false;
}

static void ceph_stall_over(sim *s, void *arg)
{
    (void)s;
    vm_state *v = arg;
    world_incident_close(v->w, &v->ceph_stall);
}

void ceph_mon_changed(world *w, bool lost)
{
    if (!w->ceph)
        return;
    sim_time until = sim_now(w->s) + (lost ? CEPH_LEASE_WAIT : 0) + CEPH_ELECTION;
    if (until > w->mon_electing_until)
        w->mon_electing_until = until;
    world_note(w, "ceph-mon-election", "ceph:mon", lost ? "a monitor was lost" : "a monitor joined");
}

void ceph_update(world *w)
{
    if (!w->ceph)
        return;
    bool q = ceph_mon_quorum(w);
    if (!q && w->mon_quorum)
        w->mon_inc = world_incident_open(w, "quorum-lost", "ceph:mon", -1);
    else if (q && !w->mon_quorum)
        world_incident_close(w, &w->mon_inc);
    w->mon_quorum = q;
    int min_size = w->sc->storage.min_size;
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        if (v->host < 0)
            continue;
        int u = ceph_usable(w, (int)i);
        bool lost_one = u < v->ceph_usable;
        if (u < min_size || (lost_one && !q) || (v->io_blocked >= 0 && !q)) {
            /* peered PGs, or a map change that cannot be committed */
            if (v->io_blocked < 0)
                v->io_blocked = world_incident_open(w, "io-blocked", u < min_size ? "ceph:pg" : "ceph:mon", (int)i);
        } else {
            world_incident_close(w, &v->io_blocked);
            if (lost_one && v->ceph_stall < 0) {
                v->ceph_stall = world_incident_open(w, "io-blocked", "ceph:osd-failover", (int)i);
                /* until the OSD is marked down, and a monitor election
                 * under way is over (marking it down is a map change) */
                sim_time d = w->ceph_hang ? CEPH_HANG : w->ceph_fast_fail ? CEPH_FAST_FAIL : CEPH_GRACE;
                if (w->mon_electing_until - sim_now(w->s) > d)
                    d = w->mon_electing_until - sim_now(w->s);
                sim_after(w->s, d, ceph_stall_over, v);
            }
        }
        v->ceph_usable = u;
    }
}

typedef struct {
    world *w;
    int vm, from, to;
} ceph_recovery;

static void ceph_recovered(flow_net *net, flow *f, void *arg)
{
    (void)net;
    (void)f;
    ceph_recovery *r = arg;
    world *w = r->w;
    vm_state *v = &w->vms[r->vm];
    for (int k = 0; k < v->nreplicas; k++)
        if (v->replicas[k] == r->from)
            v->replicas[k] = r->to;
    world_note(w, "ceph-recovery-done", w->sc->vms[r->vm].name, NULL);
    ceph_io_attach(w, r->vm);
    v->ceph_usable = ceph_usable(w, r->vm);
    ceph_update(w);
}

/* Re-replicates the copies on host h (on its OSD k only, unless k < 0)
 * that are still down, to another host, from a copy that is up. */
static void rereplicate(world *w, int h, int osd_k)
{
    int net = world_storage_network(w);
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        bool holds = false;
        int src = -1;
        for (int k = 0; k < v->nreplicas; k++) {
            int r = v->replicas[k];
            holds |= r == h && (osd_k < 0 || world_disk_of(w, (int)i, h) == osd_k);
            if (r != h && w->host_up[r] && world_disk_up(w, r, world_disk_of(w, (int)i, r)) && src < 0)
                src = r;
        }
        if (!holds)
            continue;
        int to = ceph_pick(w, (int)i, true);
        if (to < 0 || src < 0) {
            world_note(w, "ceph-undersized", w->sc->vms[i].name, "no other host for the lost copy");
            continue;
        }
        world_note(w, "ceph-recovery-start", w->sc->vms[i].name, "down -> out after 600 s");
        ceph_recovery *r = world_job(w, sizeof(ceph_recovery));
        *r = (ceph_recovery){ w, (int)i, h, to };
        flow_link *path[4];
        size_t np = world_path(w, src, to, net, path);
        double bytes = w->sc->vms[i].disk_size > 0 ? w->sc->vms[i].disk_size : 1;
        flow_start(w->net, path, np, bytes, &(flow_params){ .cap_Bps = CEPH_RECOVERY_BPS }, ceph_recovered, r);
    }
}

/* mon_osd_down_out_interval: the host's OSDs are out; re-replicate. */
static void ceph_out(sim *s, void *arg)
{
    (void)s;
    host_ref *ref = arg;
    world *w = ref->w;
    w->out_ev[ref->h] = 0;
    if (!w->host_up[ref->h])
        rereplicate(w, ref->h, -1);
}

typedef struct {
    world *w;
    int h, k;
} osd_ref;

static void ceph_osd_out(sim *s, void *arg)
{
    (void)s;
    osd_ref *o = arg;
    world *w = o->w;
    w->osd_out_ev[w->sc->hosts[o->h].first_osd + o->k] = 0;
    if (!w->ended && !world_disk_up(w, o->h, o->k))
        rereplicate(w, o->h, o->k);
}

/* An OSD's disk failed or came back: its copies are lost like a host's,
 * and it is marked out after the same interval (facts 2.2). */
void ceph_disk_hung(world *w, int h, int k, bool hung)
{
    if (!w->ceph)
        return;
    if (hung) {
        w->ceph_hang = true;
        ceph_update(w);
        w->ceph_hang = false;
    }
    ceph_disk_changed(w, h, k, hung);
}

void ceph_disk_changed(world *w, int h, int k, bool down)
{
    if (!w->ceph)
        return;
    if (down) {
        w->ceph_fast_fail = true;
        ceph_update(w);
        w->ceph_fast_fail = false;
    }
    sim_event *ev = &w->osd_out_ev[w->sc->hosts[h].first_osd + k];
    if (down && !*ev) {
        osd_ref *o = world_job(w, sizeof(osd_ref));
        *o = (osd_ref){ w, h, k };
        *ev = sim_after(w->s, CEPH_OUT, ceph_osd_out, o);
    } else if (!down && *ev) {
        sim_cancel(w->s, *ev);
        *ev = 0;
    }
}

void ceph_host_changed(world *w, int h, bool down)
{
    if (!w->ceph || h < 0)
        return;
    /* writes that went to or through its copies take another way */
    for (size_t i = 0; i < w->sc->nvms; i++)
        for (int k = 0; k < w->vms[i].nreplicas; k++)
            if (w->vms[i].replicas[k] == h) {
                ceph_io_attach(w, (int)i);
                break;
            }
    if (down && !w->out_ev[h])
        w->out_ev[h] = sim_after(w->s, CEPH_OUT, ceph_out, &w->hrefs[h]);
    else if (!down && w->out_ev[h]) {
        sim_cancel(w->s, w->out_ev[h]);
        w->out_ev[h] = 0;
    }
}

sim_time ceph_lock_free_at(const world *w, sim_time down_since)
{
    (void)w;
    /* the dead owner's RBD lock is broken once its watch times out */
    return down_since + CEPH_WATCH;
}

void ceph_stop(world *w)
{
    for (size_t h = 0; h < w->sc->nhosts; h++) {
        sim_cancel(w->s, w->out_ev[h]);
        w->out_ev[h] = 0;
        for (int k = 0; k < w->sc->hosts[h].disks; k++) {
            sim_cancel(w->s, w->osd_out_ev[w->sc->hosts[h].first_osd + k]);
            w->osd_out_ev[w->sc->hosts[h].first_osd + k] = 0;
        }
    }
}
