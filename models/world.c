/* world — build, dispatch the timeline, place and queue migrations. */
#include "models/world.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "models/failure.h"
#include "sim/flow.h"

/* Ceph timers (facts section 2): heartbeat grace + report, down -> out,
 * RBD watch timeout; recovery rate per image: assumption. */
#define CEPH_GRACE (25 * SIM_S)
#define CEPH_OUT (600 * SIM_S)
#define CEPH_WATCH (30 * SIM_S)
#define CEPH_RECOVERY_BPS 100e6

typedef struct {
    flow_link *tx, *rx;
    double capacity;
} nic_links;

typedef struct {
    struct world *w;
    int h;
} host_ref;

typedef struct {
    int host;       /* where it runs; -1 when down */
    mig *active;    /* its migration under way, if any */
    int io_blocked; /* open incident indexes, -1 if none */
    int io_error;
    sim_event soft_timer;
    flow_bg *io;     /* its disk writes on the way to shared storage */
    flow_link *reach; /* its migration's private link, cut while a partition separates the hosts */
    int home;        /* the host it ran on before it went down */
    int down;        /* open vm-down incident, -1 if none */
    int dup_host;    /* a second instance started elsewhere (split brain), -1 if none */
    int dup_inc;     /* its double-writer incident */
    bool restarting;
    int replicas[10];  /* ceph: the hosts holding its objects (CRUSH-like placement) */
    int nreplicas;
    int ceph_usable;   /* replicas it could reach at the last check */
    int ceph_stall;    /* open io-blocked incident of an OSD failover stall, -1 if none */
    struct world *w; /* back to the world, for the VM's own timers */
    int index;
} vm_state;

typedef struct pending_mig {
    int vm, to;
} pending_mig;

struct world {
    const scenario *sc;
    sim *s;
    flow_net *net;
    nic_links *nics;           /* [host * nnetworks + network] */
    vm_state *vms;
    bool *host_up;
    int *host_active;          /* migrations leaving each host */
    GQueue *queue;             /* pending_mig waiting for a slot */
    GPtrArray *migs;           /* every mig, in start order */
    GPtrArray *warnings;
    failure_set *failures;
    GArray *incidents;         /* world_incident */
    int *group;                /* partition group of each host; 0: reaches every host */
    bool partitions;           /* the timeline partitions hosts */
    bool nfs;                  /* the VMs' disks are on the NFS server */
    bool nfs_service_down;     /* "nfs-server" failed */
    bool nfs_failed_over;      /* an HA standby took over */
    bool pacemaker;
    bool sanlock;              /* iSCSI with sanlock leases on the LUN */
    bool drbd;                 /* two-node DRBD replication between the hosts */
    bool drbd_connected, drbd_standalone;
    int drbd_sb;               /* open split-brain incident, -1 if none */
    double drbd_sb_rate;       /* bytes/s written on both sides while split */
    GPtrArray *drbd_bgs;       /* replication streams */
    bool ceph;
    bool *mon_up;              /* ceph monitors, on the first hosts */
    int nmons;
    bool mon_quorum;
    int mon_inc;               /* open quorum-lost incident */
    sim_event *out_ev;         /* per host: down -> out after mon_osd_down_out_interval */
    host_ref *hrefs;           /* per host, as event arguments */
    sim_time *lost_at;         /* when each host last lost the storage (died or was cut off) */
    sim_event membership_ev;   /* corosync re-forms the membership after a change */
    sim_event nfs_failover_ev;
};

static nic_links *nic(world *w, int host, int network)
{
    return &w->nics[(size_t)host * w->sc->nnetworks + (size_t)network];
}

static int mig_network(const world *w, const scn_vm *vm)
{
    (void)w;
    return vm->migration.network >= 0 ? vm->migration.network : 0;
}

static void warn(world *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void warn(world *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(w->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static void apply_target(world *w, const char *target, bool fail);
static void ceph_place(world *w, int vm);

/* The components whose failure this version simulates. */
static bool simulated_target(const char *target)
{
    return g_str_has_prefix(target, "host:") || g_str_has_prefix(target, "nic:") ||
           g_str_has_prefix(target, "network:") || g_str_has_prefix(target, "mon:") ||
           !strcmp(target, "nfs-server");
}

static void on_random_failure(void *ctx, const char *target, bool fail)
{
    apply_target(ctx, target, fail);
}

world *world_new(const scenario *sc, uint64_t run, char **err)
{
    world *w = g_new0(world, 1);
    w->sc = sc;
    w->s = sim_new(sc->seed, run);
    w->net = flow_net_new(w->s);
    w->warnings = g_ptr_array_new_with_free_func(g_free);
    w->nics = g_new0(nic_links, sc->nhosts * sc->nnetworks);
    for (size_t h = 0; h < sc->nhosts; h++)
        for (size_t k = 0; k < sc->hosts[h].nnics; k++) {
            const scn_nic *n = &sc->hosts[h].nics[k];
            nic_links *l = nic(w, (int)h, n->network);
            g_autofree char *tx = g_strdup_printf("%s/%s:tx", sc->hosts[h].name, sc->networks[n->network].name);
            g_autofree char *rx = g_strdup_printf("%s/%s:rx", sc->hosts[h].name, sc->networks[n->network].name);
            /* the network's one-way latency sits on the sending side */
            l->tx = flow_link_new(w->net, tx, n->bandwidth_Bps, sc->networks[n->network].latency);
            l->rx = flow_link_new(w->net, rx, n->bandwidth_Bps, 0);
            l->capacity = n->bandwidth_Bps;
        }
    w->vms = g_new0(vm_state, sc->nvms);
    for (size_t i = 0; i < sc->nvms; i++) {
        w->vms[i].host = sc->vms[i].host;
        w->vms[i].io_blocked = w->vms[i].io_error = -1;
        w->vms[i].w = w;
        w->vms[i].index = (int)i;
        w->vms[i].home = w->vms[i].host;
        w->vms[i].down = w->vms[i].dup_inc = w->vms[i].dup_host = w->vms[i].ceph_stall = -1;
    }
    w->incidents = g_array_new(FALSE, TRUE, sizeof(world_incident));
    /* NFS and iSCSI are both served by one host here: the filer or the target */
    w->nfs = (!strcmp(sc->storage.type, "nfs") || !strcmp(sc->storage.type, "iscsi")) && sc->storage.server_host >= 0;
    w->sanlock = !strcmp(sc->storage.type, "iscsi") &&
                 (!strcmp(sc->storage.lock, "sanlock") || !strcmp(sc->storage.lock, "lvmlockd-sanlock"));
    w->lost_at = g_new0(sim_time, sc->nhosts);
    w->drbd = !strcmp(sc->storage.type, "drbd") && sc->nhosts == 2;
    w->drbd_connected = true;
    w->drbd_sb = -1;
    w->drbd_bgs = g_ptr_array_new();
    w->ceph = !strcmp(sc->storage.type, "ceph");
    w->mon_up = g_new(bool, sc->nhosts);
    w->out_ev = g_new0(sim_event, sc->nhosts);
    w->hrefs = g_new(host_ref, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        w->hrefs[h] = (host_ref){ w, (int)h };
    w->nmons = sc->nhosts < 3 ? (int)sc->nhosts : 3;
    for (size_t h = 0; h < sc->nhosts; h++)
        w->mon_up[h] = true;
    w->mon_quorum = true;
    w->mon_inc = -1;
    for (size_t i = 0; w->ceph && i < sc->nvms; i++)
        ceph_place(w, (int)i);
    w->pacemaker = !strcmp(sc->cluster.manager, "pacemaker");
    w->host_up = g_new(bool, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        w->host_up[h] = true;
    w->host_active = g_new0(int, sc->nhosts);
    w->group = g_new0(int, sc->nhosts);
    for (size_t i = 0; i < sc->nevents; i++)
        w->partitions |= sc->events[i].action == EV_PARTITION;
    w->queue = g_queue_new();
    w->migs = g_ptr_array_new_with_free_func((GDestroyNotify)mig_free);

    /* every VM must be able to reach every other host on its migration network */
    for (size_t i = 0; i < sc->nvms; i++) {
        int net = mig_network(w, &sc->vms[i]);
        for (size_t h = 0; h < sc->nhosts; h++)
            if (!nic(w, (int)h, net)->tx) {
                *err = g_strdup_printf("%s: host \"%s\" has no NIC on network \"%s\", which VM \"%s\" migrates over",
                                       sc->file, sc->hosts[h].name, sc->networks[net].name, sc->vms[i].name);
                world_free(w);
                return NULL;
            }
    }
    if (sc->nfailures) {
        g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func(g_free);
        w->failures = failure_set_new(w->s, sc, simulated_target, on_random_failure, w, skipped);
        if (skipped->len) {
            g_ptr_array_add(skipped, NULL);
            g_autofree char *list = g_strjoinv(", ", (char **)skipped->pdata);
            warn(w, "random failures of %s are not simulated yet: ignored", list);
        }
    }
    if (w->drbd && strcmp(sc->storage.fencing, "resource-only") == 0)
        warn(w, "DRBD fencing resource-only is not simulated yet: treated as dont-care");
    if (strcmp(sc->storage.type, "local") != 0 && !w->nfs && !w->drbd && !w->ceph)
        warn(w, "storage type \"%s\" is not simulated yet: shared storage is assumed (no disk copy, no "
                "switchover cost)", sc->storage.type);
    return w;
}

void world_free(world *w)
{
    if (!w)
        return;
    failure_set_free(w->failures);
    if (w->migs)
        g_ptr_array_free(w->migs, TRUE);
    if (w->queue)
        g_queue_free_full(w->queue, g_free);
    flow_net_free(w->net);
    sim_free(w->s);
    g_free(w->nics);
    g_free(w->vms);
    g_free(w->host_up);
    g_free(w->host_active);
    g_free(w->group);
    g_free(w->lost_at);
    g_free(w->mon_up);
    g_free(w->out_ev);
    g_free(w->hrefs);
    if (w->drbd_bgs)
        g_ptr_array_free(w->drbd_bgs, TRUE);
    g_ptr_array_free(w->warnings, TRUE);
    for (guint i = 0; w->incidents && i < w->incidents->len; i++)
        g_free(g_array_index(w->incidents, world_incident, i).resource);
    if (w->incidents)
        g_array_free(w->incidents, TRUE);
    g_free(w);
}

sim *world_sim(world *w) { return w->s; }
size_t world_nmigrations(const world *w) { return w->migs->len; }
const GPtrArray *world_warnings(const world *w) { return w->warnings; }

const mig_result *world_migration(const world *w, size_t i)
{
    return mig_get_result(g_ptr_array_index(w->migs, i));
}

static void note(world *w, const char *kind, const char *subject, const char *why)
{
    trace *tr = sim_trace(w->s);
    if (!trace_enabled(tr))
        return;
    trace_begin(tr, sim_now(w->s), kind, subject);
    if (why)
        trace_str(tr, "reason", why);
    trace_end(tr);
}

/* Hosts in different groups of a partition cannot reach each other on any
 * network; a host in no group keeps reaching everyone. */
static bool hosts_reach(const world *w, int a, int b)
{
    return w->group[a] == 0 || w->group[b] == 0 || w->group[a] == w->group[b];
}

/* ------------------------------------------------------------------ placement */

/* Memory of the VMs that run on h or are on their way to it. */
static double host_used(const world *w, int h)
{
    double used = 0;
    for (size_t i = 0; i < w->sc->nvms; i++) {
        const mig_result *r = w->vms[i].active ? mig_get_result(w->vms[i].active) : NULL;
        if (w->vms[i].host == h || (r && r->to == h))
            used += w->sc->vms[i].memory;
    }
    return used;
}

/* Hosts that run VMs: all but the NFS server or iSCSI target. */
static bool is_node(const world *w, int h)
{
    return !(w->nfs && h == w->sc->storage.server_host);
}

/* The up node other than `except` (and in partition group `group`, unless it
 * is -1) with the most free memory that fits vm; ties go to the first in the
 * scenario. -1 if none fits. */
static int place(const world *w, int vm, int except, int group)
{
    int best = -1;
    double best_free = -1;
    for (size_t h = 0; h < w->sc->nhosts; h++) {
        if ((int)h == except || !w->host_up[h] || !is_node(w, (int)h) || (group >= 0 && w->group[h] != group))
            continue;
        double free_mem = w->sc->hosts[h].memory - host_used(w, (int)h);
        if (free_mem >= w->sc->vms[vm].memory && free_mem > best_free) {
            best = (int)h;
            best_free = free_mem;
        }
    }
    return best;
}

/* ------------------------------------------------------------------ migrations */

static void try_start(world *w, int vm, int to);
static void nfs_io_attach(world *w, int vm);
static void drbd_streams(world *w);

static void start_queued(world *w)
{
    for (GList *l = w->queue->head; l;) {
        GList *next = l->next;
        pending_mig *p = l->data;
        int src = w->vms[p->vm].host;
        int limit = w->sc->cluster.migration_limit;
        if (src < 0 || !limit || w->host_active[src] < limit) {
            g_queue_delete_link(w->queue, l);
            int vm = p->vm, to = p->to;
            g_free(p);
            try_start(w, vm, to);
        }
        l = next;
    }
}

static void on_mig_done(mig *m, void *arg)
{
    world *w = arg;
    const mig_result *r = mig_get_result(m);
    w->vms[r->vm].active = NULL;
    w->host_active[r->from]--;
    if (r->outcome == MIG_COMPLETED)
        w->vms[r->vm].host = r->to;
    else if (r->outcome == MIG_VM_LOST)
        w->vms[r->vm].host = -1;
    nfs_io_attach(w, r->vm);
    drbd_streams(w);
    start_queued(w);
}

static void try_start(world *w, int vm, int to)
{
    const scenario *sc = w->sc;
    vm_state *st = &w->vms[vm];
    const char *name = sc->vms[vm].name;
    if (st->host < 0) {
        note(w, "migration-refused", name, "the VM is down");
        return;
    }
    if (st->active) {
        note(w, "migration-refused", name, "a migration of this VM is under way");
        return;
    }
    if (to < 0)
        to = place(w, vm, st->host, -1);
    if (to < 0) {
        note(w, "migration-refused", name, "no host has enough free memory");
        return;
    }
    if (to == st->host || !w->host_up[to]) {
        note(w, "migration-refused", name, to == st->host ? "already on that host" : "the destination is down");
        return;
    }
    int limit = sc->cluster.migration_limit;
    if (limit && w->host_active[st->host] >= limit) {
        pending_mig *p = g_new(pending_mig, 1);
        *p = (pending_mig){ vm, to };
        g_queue_push_tail(w->queue, p);
        note(w, "migration-queued", name, "the source host is at its migration limit");
        return;
    }
    bool cold = !strcmp(sc->cluster.manager, "pacemaker") && !sc->cluster.allow_migrate;
    if (w->drbd && !sc->storage.dual_primary && !cold) {
        /* the destination QEMU must open the disk while the source still
         * runs: only a second primary may (facts 1.2) */
        note(w, "migration-refused", name, "DRBD without dual-primary: the destination cannot open the disk");
        return;
    }
    w->host_active[st->host]++;
    if (cold) {
        /* Pacemaker moves a VirtualDomain without allow-migrate by stopping
         * it and starting it elsewhere (facts row 21) */
        st->active = mig_start_restart(w->s, &sc->vms[vm], vm, st->host, to, sc->cluster.vm_stop,
                                       sc->cluster.vm_start, on_mig_done, w);
    } else {
        int net = mig_network(w, &sc->vms[vm]);
        flow_link *path[3] = { nic(w, st->host, net)->tx, nic(w, to, net)->rx, NULL };
        size_t npath = 2;
        if (w->partitions) {
            /* a partition must be able to cut this one pair of hosts: a
             * private link, never a bottleneck, cut while they are apart */
            if (!st->reach)
                st->reach = flow_link_new(w->net, "reach", INFINITY, 0);
            flow_link_set_capacity(w->net, st->reach, hosts_reach(w, st->host, to) ? INFINITY : 0);
            path[npath++] = st->reach;
        }
        bool copy_disk = !strcmp(sc->storage.type, "local");
        st->active = mig_start(w->s, w->net, path, npath, &sc->vms[vm], vm, st->host, to, copy_disk, on_mig_done, w);
    }
    g_ptr_array_add(w->migs, st->active);
}

/* ------------------------------------------------------------------ incidents */

size_t world_nincidents(const world *w) { return w->incidents->len; }

const world_incident *world_incident_get(const world *w, size_t i)
{
    return &g_array_index(w->incidents, world_incident, i);
}

static int incident_open(world *w, const char *kind, const char *resource, int vm)
{
    world_incident in = { kind, g_strdup(resource), vm, sim_now(w->s), -1, 0, 0 };
    g_array_append_val(w->incidents, in);
    trace *tr = sim_trace(w->s);
    if (trace_enabled(tr)) {
        trace_begin(tr, in.start, kind, vm >= 0 ? w->sc->vms[vm].name : resource);
        trace_str(tr, "resource", resource);
        trace_end(tr);
    }
    return (int)w->incidents->len - 1;
}

static void incident_close(world *w, int *idx)
{
    if (*idx < 0)
        return;
    world_incident *in = &g_array_index(w->incidents, world_incident, *idx);
    in->end = sim_now(w->s);
    trace *tr = sim_trace(w->s);
    if (trace_enabled(tr)) {
        g_autofree char *kind = g_strconcat(in->kind, "-end", NULL);
        trace_begin(tr, in->end, kind, in->vm >= 0 ? w->sc->vms[in->vm].name : in->resource);
        trace_end(tr);
    }
    *idx = -1;
}

/* ------------------------------------------------------------------ NFS
 *
 * Every VM's disk IO goes to the NFS server (facts section 4). A client that
 * cannot reach it (server down, its NIC or the network cut) blocks its IO:
 * a hard mount (the default) retries forever, so the guest hangs until the
 * server is back or an HA standby has taken over (`failover`); a soft mount
 * returns errors after timeo x (retrans + 1), which the guest sees as failed
 * writes (nfs(5) warns of silent data corruption). */

static bool link_up(const nic_links *l) { return l->tx && flow_link_capacity(l->tx) > 0; }

static int storage_network(const world *w)
{
    return w->sc->storage.network >= 0 ? w->sc->storage.network : 0;
}

static bool nfs_reachable(world *w, int h)
{
    int srv = w->sc->storage.server_host;
    bool server_ok = (w->host_up[srv] && !w->nfs_service_down) || w->nfs_failed_over;
    if (!server_ok)
        return false;
    int net = storage_network(w);
    if (w->nfs_failed_over) /* the standby (not a modelled host) is reached over the client's NIC */
        return w->host_up[h] && link_up(nic(w, h, net));
    if (h == srv)
        return w->host_up[h];
    return hosts_reach(w, h, srv) && link_up(nic(w, srv, net)) && link_up(nic(w, h, net));
}

static void soft_timeout(sim *s, void *arg);

static void nfs_update(world *w)
{
    if (!w->nfs)
        return;
    g_autofree char *res = g_strdup_printf("%s:%s", w->sc->storage.type, w->sc->storage.server);
    for (size_t h = 0; h < w->sc->nhosts; h++)
        if (!nfs_reachable(w, (int)h) && (w->lost_at[h] == 0 || w->lost_at[h] < 0))
            w->lost_at[h] = sim_now(w->s) ? sim_now(w->s) : 1;
        else if (nfs_reachable(w, (int)h))
            w->lost_at[h] = 0;
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        bool blocked = v->host >= 0 && !nfs_reachable(w, v->host);
        if (blocked && v->io_blocked < 0) {
            v->io_blocked = incident_open(w, "io-blocked", res, (int)i);
            if (w->sc->storage.soft) {
                sim_time give_up = w->sc->storage.timeo * (w->sc->storage.retrans + 1);
                v->soft_timer = sim_after(w->s, give_up, soft_timeout, v);
            }
        } else if (!blocked && v->io_blocked >= 0) {
            incident_close(w, &v->io_blocked);
            incident_close(w, &v->io_error);
            sim_cancel(w->s, v->soft_timer);
            v->soft_timer = 0;
        }
    }
}

static void soft_timeout(sim *s, void *arg)
{
    (void)s;
    vm_state *v = arg;
    world *w = v->w;
    v->soft_timer = 0;
    if (v->io_blocked >= 0 && v->io_error < 0) {
        g_autofree char *res = g_strdup_printf("%s:%s", w->sc->storage.type, w->sc->storage.server);
        v->io_error = incident_open(w, "io-error", res, v->index);
    }
}

/* The VM's disk writes cross its host's NIC and the server's on the storage
 * network: a steady background load (facts section 4: every VM's IO goes
 * through the server's NIC). Re-attached when the VM moves. */
static void nfs_io_attach(world *w, int vm)
{
    vm_state *v = &w->vms[vm];
    if (v->io) {
        flow_bg_free(w->net, v->io);
        v->io = NULL;
    }
    double rate = w->sc->vms[vm].disk_write_Bps;
    int srv = w->sc->storage.server_host, net = storage_network(w);
    if (!w->nfs || rate <= 0 || v->host < 0 || v->host == srv)
        return;
    nic_links *c = nic(w, v->host, net), *s = nic(w, srv, net);
    if (!c->tx || !s->rx)
        return;
    flow_link *path[2] = { c->tx, s->rx };
    v->io = flow_bg_new(w->net, path, 2, rate);
}

static void nfs_failover_done(sim *s, void *arg)
{
    (void)s;
    world *w = arg;
    w->nfs_failover_ev = 0;
    w->nfs_failed_over = true;
    trace *tr = sim_trace(w->s);
    if (trace_enabled(tr)) {
        trace_begin(tr, sim_now(w->s), "nfs-failover", w->sc->storage.server);
        trace_end(tr);
    }
    nfs_update(w);
}

/* The server (host or service) went down or came back. */
static void nfs_server_changed(world *w, bool down)
{
    if (down && w->sc->storage.failover > 0 && !w->nfs_failover_ev && !w->nfs_failed_over)
        w->nfs_failover_ev = sim_after(w->s, w->sc->storage.failover, nfs_failover_done, w);
    if (!down) {
        w->nfs_failed_over = false;
        if (w->nfs_failover_ev)
            sim_cancel(w->s, w->nfs_failover_ev);
        w->nfs_failover_ev = 0;
    }
}

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
        n += is_node(w, (int)h);
    return n;
}

static sim_time detection_time(const world *w)
{
    int n = nnodes(w);
    return w->sc->cluster.token + (n > 2 ? (n - 2) * w->sc->cluster.token_coefficient : 0) + 50 * SIM_MS;
}

static void membership_check(sim *s, void *arg);

static void cluster_changed(world *w)
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
    vm_state *v = &w->vms[j->vm];
    v->restarting = false;
    if (w->host_up[j->target]) {
        if (v->host >= 0) {
            /* the original still runs, cut off: two copies write the disk */
            v->dup_host = j->target;
            v->dup_inc = incident_open(w, "double-writer", w->sc->vms[j->vm].name, j->vm);
        } else {
            v->host = j->target;
            incident_close(w, &v->down);
            nfs_io_attach(w, j->vm);
            nfs_update(w);
        }
        note(w, "vm-started", w->sc->vms[j->vm].name, "recovered by Pacemaker");
    }
    g_free(j);
}

/* Starts vm on the node of group g with the most free memory (vm_start later). */
static void recover_vm(world *w, int vm, int g)
{
    vm_state *v = &w->vms[vm];
    if (v->restarting || v->dup_host >= 0 || !strcmp(w->sc->storage.type, "local"))
        return; /* local disks cannot be started elsewhere */
    int best = place(w, vm, v->host, g);
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
            note(w, "start-blocked", w->sc->vms[vm].name, "its sanlock lease is held by a live host");
            return;
        }
        sim_time lost = holder >= 0 && w->lost_at[holder] > 0 ? w->lost_at[holder] : sim_now(w->s);
        sim_time free_at = lost + 140 * SIM_S;
        wait = free_at > sim_now(w->s) ? free_at - sim_now(w->s) : 0;
        if (v->host >= 0) {
            /* killed by sanlock on the cut-off host before the lease frees */
            v->home = v->host;
            v->host = -1;
            nfs_io_attach(w, vm);
            v->down = incident_open(w, "vm-down", "sanlock", vm);
            world_incident *in = &g_array_index(w->incidents, world_incident, v->down);
            if (lost + 80 * SIM_S < in->start)
                in->start = lost + 80 * SIM_S;
        }
    }
    if (w->ceph && v->host < 0 && v->down >= 0) {
        /* the dead owner's RBD lock is broken once its watch times out */
        sim_time free_at = g_array_index(w->incidents, world_incident, v->down).start + CEPH_WATCH;
        if (free_at > sim_now(w->s) + wait)
            wait = free_at - sim_now(w->s);
    }
    start_job *j = g_new(start_job, 1);
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
    note(w, "fenced", t, "STONITH");
    incident_close(w, &(int){ incident_open(w, "fenced", t, -1) });
    apply_target(w, t, true);
}

/* After fencing (or at once without STONITH): recover the lost nodes' VMs. */
static void recover_group(sim *s, void *arg)
{
    (void)s;
    group_job *j = arg;
    world *w = j->w;
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        /* down (its node died, was fenced or lost quorum), or on a node this
         * partition lost */
        bool lost = v->host < 0 ? v->home >= 0 && is_node(w, v->home)
                                : is_node(w, v->host) && w->group[v->host] != j->group;
        if (lost)
            recover_vm(w, (int)i, j->group);
    }
    g_free(j);
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
        if (!is_node(w, (int)h) || !w->host_up[h])
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
            incident_close(w, &v->dup_inc);
            v->dup_host = -1;
        }
    }
    int quorate[64];
    for (int k = 0; k < ng; k++) {
        int size = 0;
        for (size_t h = 0; h < w->sc->nhosts; h++)
            size += is_node(w, (int)h) && w->host_up[h] && w->group[h] == groups[k];
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
                    if (is_node(w, (int)h) && w->host_up[h] && w->group[h] == groups[k])
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
                    if (v->host >= 0 && w->group[v->host] == groups[k] && is_node(w, v->host)) {
                        v->home = v->host;
                        v->host = -1;
                        incident_close(w, &v->io_blocked);
                        incident_close(w, &v->io_error);
                        incident_close(w, &v->ceph_stall);
                        nfs_io_attach(w, (int)i);
                        v->down = incident_open(w, "quorum-lost", w->sc->hosts[v->home].name, (int)i);
                    }
                }
            continue;
        }
        group_job *j = g_new(group_job, 1);
        *j = (group_job){ w, groups[k] };
        sim_time wait = 0;
        if (cl->stonith) {
            /* fence the lost nodes that are still alive elsewhere */
            for (size_t h = 0; h < w->sc->nhosts; h++)
                if (is_node(w, (int)h) && w->host_up[h] && w->group[h] != groups[k]) {
                    fence_host(w, (int)h);
                    wait = cl->fence_time;
                }
            /* a dead node must be fenced too before its VMs move */
            wait = cl->fence_time;
        }
        sim_after(s, wait, recover_group, j);
    }
}

/* ------------------------------------------------------------------ DRBD
 *
 * Two nodes replicate every VM's disk (facts section 1): a VM's writes are a
 * steady stream from its node to the peer on the replication network. When
 * the peers lose each other (both alive), the fencing policy decides:
 * dont-care lets both primaries go on writing: if VMs write on both sides the
 * data diverges, a split brain from the cut. DRBD only notices at
 * reconnection; with the default after-sb-2pri disconnect the resource then
 * stays disconnected (StandAlone) for an operator to resolve: the incident
 * ends there with both sides' writes as diverged bytes. resource-and-stonith
 * freezes IO at once and has the peer fenced (facts 1.5): IO resumes on the
 * survivor after the fence, the other node is down and a cluster manager
 * restarts its VMs. */

static bool drbd_link_up(world *w)
{
    int net = storage_network(w);
    return w->host_up[0] && w->host_up[1] && hosts_reach(w, 0, 1) && link_up(nic(w, 0, net)) &&
           link_up(nic(w, 1, net));
}

static double writes_on(const world *w, int h)
{
    double r = 0;
    for (size_t i = 0; i < w->sc->nvms; i++)
        if (w->vms[i].host == h)
            r += w->sc->vms[i].disk_write_Bps;
    return r;
}

static void drbd_streams(world *w)
{
    for (guint i = 0; i < w->drbd_bgs->len; i++)
        flow_bg_free(w->net, g_ptr_array_index(w->drbd_bgs, i));
    g_ptr_array_set_size(w->drbd_bgs, 0);
    if (!w->drbd || !w->drbd_connected || w->drbd_standalone)
        return;
    int net = storage_network(w);
    for (int h = 0; h < 2; h++) {
        double r = writes_on(w, h);
        nic_links *a = nic(w, h, net), *b = nic(w, 1 - h, net);
        if (r > 0 && a->tx && b->rx) {
            flow_link *path[2] = { a->tx, b->rx };
            g_ptr_array_add(w->drbd_bgs, flow_bg_new(w->net, path, 2, r));
        }
    }
}

typedef struct {
    world *w;
    int survivor;
} drbd_fence_job;

static void drbd_fenced(sim *s, void *arg)
{
    (void)s;
    drbd_fence_job *j = arg;
    world *w = j->w;
    for (size_t i = 0; i < w->sc->nvms; i++)
        if (w->vms[i].host == j->survivor)
            incident_close(w, &w->vms[i].io_blocked);
    g_free(j);
}

static void drbd_update(world *w)
{
    if (!w->drbd || w->drbd_standalone)
        return;
    bool up = drbd_link_up(w);
    if (up == w->drbd_connected)
        return;
    w->drbd_connected = up;
    const scn_storage *st = &w->sc->storage;
    if (!up && w->host_up[0] && w->host_up[1]) {
        note(w, "drbd-disconnected", "r0", st->fencing);
        if (!strcmp(st->fencing, "resource-and-stonith")) {
            /* both primaries freeze their IO and call fence-peer; one
             * fence goes through (a race, as in the cluster) */
            int survivor = (int)gsl_rng_uniform_int(sim_stream(w->s, "drbd-fence-race"), 2);
            for (size_t i = 0; i < w->sc->nvms; i++)
                if (w->vms[i].host >= 0 && w->vms[i].io_blocked < 0)
                    w->vms[i].io_blocked = incident_open(w, "io-frozen", "r0", (int)i);
            g_autofree char *t = g_strdup_printf("host:%s", w->sc->hosts[1 - survivor].name);
            incident_close(w, &(int){ incident_open(w, "fenced", t, -1) });
            drbd_fence_job *j = g_new(drbd_fence_job, 1);
            *j = (drbd_fence_job){ w, survivor };
            sim_after(w->s, w->sc->cluster.fence_time, drbd_fenced, j);
            /* the fenced node goes down when the fence completes */
            apply_target(w, t, true);
        } else if (st->dual_primary && writes_on(w, 0) > 0 && writes_on(w, 1) > 0) {
            w->drbd_sb = incident_open(w, "split-brain", "r0", -1);
            w->drbd_sb_rate = writes_on(w, 0) + writes_on(w, 1);
        }
    } else if (up && w->drbd_sb >= 0) {
        world_incident *in = &g_array_index(w->incidents, world_incident, w->drbd_sb);
        in->diverged_bytes = w->drbd_sb_rate * sim_to_s(sim_now(w->s) - in->start);
        incident_close(w, &w->drbd_sb);
        /* after-sb-2pri disconnect (the default, facts row 4): no automatic
         * resolution, the resource stays StandAlone */
        note(w, "drbd-standalone", "r0", "split brain detected at reconnection; after-sb-2pri disconnect");
        w->drbd_standalone = true;
    }
    drbd_streams(w);
}

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


static uint64_t ceph_score(const char *vm, const char *host)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = vm; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    h = (h ^ '/') * 0x100000001b3ULL;
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
    uint64_t bs = 0;
    for (size_t h = 0; h < w->sc->nhosts; h++) {
        bool taken = false;
        for (int k = 0; k < v->nreplicas; k++)
            taken |= v->replicas[k] == (int)h;
        if (taken || (up_only && !w->host_up[h]))
            continue;
        uint64_t sc = ceph_score(w->sc->vms[vm].name, w->sc->hosts[h].name);
        if (best < 0 || sc > bs) {
            best = (int)h;
            bs = sc;
        }
    }
    return best;
}

static void ceph_place(world *w, int vm)
{
    vm_state *v = &w->vms[vm];
    v->nreplicas = 0;
    int size = w->sc->storage.size < 10 ? w->sc->storage.size : 10;
    while (v->nreplicas < size) {
        int h = ceph_pick(w, vm, false);
        if (h < 0)
            break;
        v->replicas[v->nreplicas++] = h;
    }
    v->ceph_usable = v->nreplicas;
}

static int ceph_usable(const world *w, int vm)
{
    const vm_state *v = &w->vms[vm];
    int u = 0;
    for (int k = 0; k < v->nreplicas; k++) {
        int r = v->replicas[k];
        u += w->host_up[r] && (v->host < 0 || hosts_reach(w, v->host, r));
    }
    return u;
}

static bool ceph_mon_quorum(const world *w)
{
    int up = 0;
    for (int m = 0; m < w->nmons; m++)
        up += w->mon_up[m] && w->host_up[m];
    return 2 * up > w->nmons;
}

static void ceph_stall_over(sim *s, void *arg)
{
    (void)s;
    vm_state *v = arg;
    incident_close(v->w, &v->ceph_stall);
}

static void ceph_update(world *w)
{
    if (!w->ceph)
        return;
    bool q = ceph_mon_quorum(w);
    if (!q && w->mon_quorum)
        w->mon_inc = incident_open(w, "quorum-lost", "ceph:mon", -1);
    else if (q && !w->mon_quorum)
        incident_close(w, &w->mon_inc);
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
                v->io_blocked = incident_open(w, "io-blocked", u < min_size ? "ceph:pg" : "ceph:mon", (int)i);
        } else {
            incident_close(w, &v->io_blocked);
            if (lost_one && v->ceph_stall < 0) {
                v->ceph_stall = incident_open(w, "io-blocked", "ceph:osd-failover", (int)i);
                sim_after(w->s, CEPH_GRACE, ceph_stall_over, v);
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
    note(w, "ceph-recovery-done", w->sc->vms[r->vm].name, NULL);
    v->ceph_usable = ceph_usable(w, r->vm);
    ceph_update(w);
    g_free(r);
}

/* mon_osd_down_out_interval: the host's OSDs are out; re-replicate. */
static void ceph_out(sim *s, void *arg)
{
    (void)s;
    host_ref *ref = arg;
    world *w = ref->w;
    int h = ref->h;
    w->out_ev[h] = 0;
    if (w->host_up[h])
        return;
    int net = storage_network(w);
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        bool holds = false;
        int src = -1;
        for (int k = 0; k < v->nreplicas; k++) {
            holds |= v->replicas[k] == h;
            if (v->replicas[k] != h && w->host_up[v->replicas[k]] && src < 0)
                src = v->replicas[k];
        }
        if (!holds)
            continue;
        int to = ceph_pick(w, (int)i, true);
        if (to < 0 || src < 0) {
            note(w, "ceph-undersized", w->sc->vms[i].name, "no other host for the lost copy");
            continue;
        }
        note(w, "ceph-recovery-start", w->sc->vms[i].name, "down -> out after 600 s");
        ceph_recovery *r = g_new(ceph_recovery, 1);
        *r = (ceph_recovery){ w, (int)i, h, to };
        flow_link *path[2] = { nic(w, src, net)->tx, nic(w, to, net)->rx };
        double bytes = w->sc->vms[i].disk_size > 0 ? w->sc->vms[i].disk_size : 1;
        flow_start(w->net, path, 2, bytes, &(flow_params){ .cap_Bps = CEPH_RECOVERY_BPS }, ceph_recovered, r);
    }
}

static void ceph_host_changed(world *w, int h, bool down)
{
    if (!w->ceph || h < 0)
        return;
    if (down && !w->out_ev[h])
        w->out_ev[h] = sim_after(w->s, CEPH_OUT, ceph_out, &w->hrefs[h]);
    else if (!down && w->out_ev[h]) {
        sim_cancel(w->s, w->out_ev[h]);
        w->out_ev[h] = 0;
    }
}

/* ------------------------------------------------------------------ faults */

/* Cuts or restores both directions of a NIC (if the host has one there). */
static void set_nic(world *w, nic_links *l, bool up)
{
    if (!l->tx)
        return;
    flow_link_set_capacity(w->net, l->tx, up ? l->capacity : 0);
    flow_link_set_capacity(w->net, l->rx, up ? l->capacity : 0);
}

static void apply_target(world *w, const char *target, bool fail)
{
    const scenario *sc = w->sc;
    const char *colon = strchr(target, ':');
    const char *arg = colon ? colon + 1 : "";
    if (g_str_has_prefix(target, "network:")) {
        int n = scenario_find_network(sc, arg);
        for (size_t h = 0; h < sc->nhosts; h++)
            set_nic(w, nic(w, (int)h, n), !fail);
    } else if (g_str_has_prefix(target, "nic:")) {
        g_auto(GStrv) parts = g_strsplit(arg, "/", 2);
        set_nic(w, nic(w, scenario_find_host(sc, parts[0]), scenario_find_network(sc, parts[1])), !fail);
    } else if (g_str_has_prefix(target, "host:")) {
        int h = scenario_find_host(sc, arg);
        w->host_up[h] = !fail;
        for (size_t n = 0; n < sc->nnetworks; n++)
            set_nic(w, nic(w, h, (int)n), !fail);
        if (fail) {
            for (size_t i = 0; i < w->migs->len; i++) {
                mig *m = g_ptr_array_index(w->migs, i);
                const mig_result *r = mig_get_result(m);
                if (mig_active(m) && (r->from == h || r->to == h))
                    mig_host_failed(m);
            }
            for (size_t i = 0; i < sc->nvms; i++)
                if (w->vms[i].host == h) {
                    w->vms[i].host = -1;
                    incident_close(w, &w->vms[i].io_blocked);
                    incident_close(w, &w->vms[i].io_error);
                    nfs_io_attach(w, (int)i);
                    w->vms[i].home = h;
                    w->vms[i].down = incident_open(w, "vm-down", target, (int)i);
                }
        }
    } else if (g_str_has_prefix(target, "mon:") && w->ceph) {
        int h = scenario_find_host(sc, arg);
        if (h >= 0)
            w->mon_up[h] = !fail;
    } else if (!strcmp(target, "nfs-server") && w->nfs) {
        w->nfs_service_down = fail;
        nfs_server_changed(w, fail);
    } else {
        warn(w, "failure target \"%s\" is not simulated yet", target);
    }
    if (w->nfs && g_str_has_prefix(target, "host:") && scenario_find_host(sc, arg) == sc->storage.server_host)
        nfs_server_changed(w, fail);
    nfs_update(w);
    drbd_update(w);
    if (g_str_has_prefix(target, "host:"))
        ceph_host_changed(w, scenario_find_host(sc, arg), fail);
    ceph_update(w);
    if (g_str_has_prefix(target, "host:"))
        cluster_changed(w); /* a node left or came back */
}

typedef struct {
    world *w;
    const scn_event *ev;
} event_ctx;

static void on_event(sim *s, void *arg)
{
    (void)s;
    event_ctx *c = arg;
    world *w = c->w;
    const scn_event *ev = c->ev;
    const scenario *sc = w->sc;
    switch (ev->action) {
    case EV_MIGRATE:
        try_start(w, ev->vm, ev->to);
        break;
    case EV_DRAIN:
        note(w, "drain", sc->hosts[ev->host].name, NULL);
        for (size_t i = 0; i < sc->nvms; i++)
            if (w->vms[i].host == ev->host)
                try_start(w, (int)i, -1);
        break;
    case EV_CANCEL:
        if (w->vms[ev->vm].active)
            mig_cancel(w->vms[ev->vm].active);
        for (GList *l = w->queue->head; l; l = l->next)
            if (((pending_mig *)l->data)->vm == ev->vm) {
                g_free(l->data);
                g_queue_delete_link(w->queue, l);
                break;
            }
        break;
    case EV_FAIL:
    case EV_REPAIR:
        note(w, ev->action == EV_FAIL ? "fail" : "repair", ev->target, NULL);
        apply_target(w, ev->target, ev->action == EV_FAIL);
        break;
    case EV_PARTITION:
    case EV_HEAL:
        for (size_t h = 0; h < sc->nhosts; h++)
            w->group[h] = 0;
        if (ev->action == EV_PARTITION)
            for (guint g = 0; g < ev->groups->len; g++) {
                GPtrArray *names = g_ptr_array_index(ev->groups, g);
                for (guint k = 0; k < names->len; k++)
                    w->group[scenario_find_host(sc, g_ptr_array_index(names, k))] = (int)g + 1;
            }
        note(w, ev->action == EV_PARTITION ? "partition" : "heal", "network", NULL);
        for (size_t i = 0; i < sc->nvms; i++) {
            vm_state *v = &w->vms[i];
            if (v->active && v->reach) {
                const mig_result *r = mig_get_result(v->active);
                flow_link_set_capacity(w->net, v->reach, hosts_reach(w, r->from, r->to) ? INFINITY : 0);
            }
        }
        nfs_update(w);
        drbd_update(w);
        ceph_update(w);
        cluster_changed(w);
        break;
    case EV_SET:
        break; /* reported as not simulated when the world was built */
    }
}

void world_run(world *w)
{
    const scenario *sc = w->sc;
    event_ctx *ctx = g_new(event_ctx, sc->nevents ? sc->nevents : 1);
    for (size_t i = 0; i < sc->nevents; i++) {
        ctx[i] = (event_ctx){ w, &sc->events[i] };
        if (sc->events[i].action == EV_SET)
            warn(w, "events[%zu]: action \"set\" is not simulated yet: ignored", i);
        if (sc->events[i].at <= sc->until)
            sim_at(w->s, sc->events[i].at, on_event, &ctx[i]);
    }
    /* Until the end, or (without one) until nothing is left to happen. */
    for (size_t i = 0; i < sc->nvms; i++)
        nfs_io_attach(w, (int)i);
    nfs_update(w);
    drbd_streams(w);
    sim_run(w->s, sc->until);
    if (w->failures)
        failure_set_stop(w->failures); /* nothing fails after the end */
    for (size_t i = 0; i < sc->nvms; i++) {
        sim_cancel(w->s, w->vms[i].soft_timer);
        w->vms[i].soft_timer = 0;
    }
    sim_cancel(w->s, w->nfs_failover_ev);
    w->nfs_failover_ev = 0;
    for (size_t h = 0; h < sc->nhosts; h++) {
        sim_cancel(w->s, w->out_ev[h]);
        w->out_ev[h] = 0;
    }
    for (guint i = 0; i < w->incidents->len; i++) {
        world_incident *in = &g_array_index(w->incidents, world_incident, i);
        if (in->end < 0)
            in->end = sim_now(w->s);
    }
    /* what is still open ends with the run; nothing reopens it */
    for (size_t i = 0; i < sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        v->io_blocked = v->io_error = v->down = v->dup_inc = v->ceph_stall = -1;
    }
    w->drbd_sb = w->mon_inc = -1;
    /* switchovers under way finish; iterating migrations have not converged */
    for (size_t i = 0; i < w->migs->len; i++) {
        mig *m = g_ptr_array_index(w->migs, i);
        if (mig_active(m) && mig_iterating(m))
            mig_run_ended(m);
    }
    g_queue_free_full(w->queue, g_free);
    w->queue = g_queue_new();
    sim_run(w->s, sim_time_add(sim_now(w->s), SIM_HOUR));
    for (size_t i = 0; i < w->migs->len; i++)
        mig_run_ended(g_ptr_array_index(w->migs, i));
    g_free(ctx);
}
