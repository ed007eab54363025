/* world — build, dispatch the timeline, place and queue migrations. */
#include "models/world_priv.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "models/cluster/pacemaker.h"
#include "models/failure.h"
#include "models/storage/ceph.h"
#include "models/storage/drbd.h"
#include "models/storage/locks.h"
#include "models/storage/nfs.h"
#include "sim/flow.h"

nic_links *world_nic(const world *w, int host, int network)
{
    return &w->nics[(size_t)host * w->sc->nnetworks + (size_t)network];
}

static int mig_network(const world *w, const scn_vm *vm)
{
    (void)w;
    return vm->migration.network >= 0 ? vm->migration.network : 0;
}

void world_warn(world *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(w->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}


/* The components whose failure this version simulates. */
static bool simulated_target(const char *target)
{
    return g_str_has_prefix(target, "host:") || g_str_has_prefix(target, "nic:") ||
           g_str_has_prefix(target, "disk:") || g_str_has_prefix(target, "osd:") ||
           g_str_has_prefix(target, "network:") || g_str_has_prefix(target, "mon:") ||
           !strcmp(target, "nfs-server");
}

static void on_random_failure(void *ctx, const char *target, bool fail)
{
    world_apply_target(ctx, target, fail);
}

world *world_new(const scenario *sc, uint64_t run, char **err)
{
    world *w = g_new0(world, 1);
    w->sc = sc;
    w->s = sim_new(sc->seed, run);
    w->net = flow_net_new(w->s);
    w->warnings = g_ptr_array_new_with_free_func(g_free);
    w->jobs = g_ptr_array_new_with_free_func(g_free);
    w->nics = g_new0(nic_links, sc->nhosts * sc->nnetworks);
    for (size_t h = 0; h < sc->nhosts; h++)
        for (size_t k = 0; k < sc->hosts[h].nnics; k++) {
            const scn_nic *n = &sc->hosts[h].nics[k];
            nic_links *l = world_nic(w, (int)h, n->network);
            g_autofree char *tx = g_strdup_printf("%s/%s:tx", sc->hosts[h].name, sc->networks[n->network].name);
            g_autofree char *rx = g_strdup_printf("%s/%s:rx", sc->hosts[h].name, sc->networks[n->network].name);
            /* the network's one-way latency sits on the sending side */
            l->tx = flow_link_new(w->net, tx, n->bandwidth_Bps, sc->networks[n->network].latency);
            l->rx = flow_link_new(w->net, rx, n->bandwidth_Bps, 0);
            l->capacity = n->bandwidth_Bps;
        }
    w->uplinks = g_new0(nic_links, (sc->nracks ? sc->nracks : 1) * sc->nnetworks);
    for (size_t r = 0; r < sc->nracks; r++)
        for (size_t k = 0; k < sc->racks[r].nuplinks; k++) {
            const scn_nic *u = &sc->racks[r].uplinks[k];
            nic_links *l = &w->uplinks[r * sc->nnetworks + (size_t)u->network];
            g_autofree char *up = g_strdup_printf("%s/%s:up", sc->racks[r].name, sc->networks[u->network].name);
            g_autofree char *down = g_strdup_printf("%s/%s:down", sc->racks[r].name, sc->networks[u->network].name);
            l->tx = flow_link_new(w->net, up, u->bandwidth_Bps, 0);
            l->rx = flow_link_new(w->net, down, u->bandwidth_Bps, 0);
            l->capacity = u->bandwidth_Bps;
        }
    w->vms = g_new0(vm_state, sc->nvms);
    for (size_t i = 0; i < sc->nvms; i++) {
        w->vms[i].host = sc->vms[i].host;
        w->vms[i].io_blocked = w->vms[i].io_error = -1;
        w->vms[i].w = w;
        w->vms[i].index = (int)i;
        w->vms[i].home = w->vms[i].host;
        w->vms[i].down = w->vms[i].dup_inc = w->vms[i].dup_host = w->vms[i].ceph_stall = w->vms[i].frozen = -1;
    }
    w->incidents = g_array_new(FALSE, TRUE, sizeof(world_incident));
    /* NFS and iSCSI are both served by one host here: the filer or the target */
    w->nfs = (sc->storage.type == STORAGE_NFS || sc->storage.type == STORAGE_ISCSI) && sc->storage.server_host >= 0;
    w->sanlock = sc->storage.type == STORAGE_ISCSI &&
                 (sc->storage.lock == LOCK_SANLOCK || sc->storage.lock == LOCK_LVMLOCKD_SANLOCK);
    w->lost_at = g_new0(sim_time, sc->nhosts);
    w->ceph = sc->storage.type == STORAGE_CEPH;
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
    w->pacemaker = sc->cluster.manager == MANAGER_PACEMAKER;
    w->expected_votes = 0;
    for (size_t h = 0; h < sc->nhosts; h++)
        w->expected_votes += world_is_node(w, (int)h);
    w->host_up = g_new(bool, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        w->host_up[h] = true;
    w->host_active = g_new0(int, sc->nhosts);
    w->host_down = g_new0(int, sc->nhosts);
    w->draining = g_new0(bool, sc->nhosts);
    int nosd = 0;
    for (size_t h = 0; h < sc->nhosts; h++)
        nosd += sc->hosts[h].disks;
    w->disk_down = g_new0(int, nosd > 0 ? nosd : 1);
    w->osd_out_ev = g_new0(sim_event, nosd > 0 ? nosd : 1);
    w->disk_hung = g_new0(bool, nosd > 0 ? nosd : 1);
    w->seen_all = g_new(bool, sc->nhosts);
    w->fenced = g_new0(bool, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        w->seen_all[h] = true; /* the cluster formed before the scenario begins */
    w->group = g_new0(int, sc->nhosts);
    w->part = g_new0(int, sc->nhosts);
    for (size_t i = 0; i < sc->nevents; i++)
        w->partitions |= sc->events[i].action == EV_PARTITION;
    w->drbd = drbd_new(w);
    w->queue = g_queue_new();
    w->migs = g_ptr_array_new_with_free_func((GDestroyNotify)mig_free);

    /* every VM must be able to reach every other host on its migration network */
    for (size_t i = 0; i < sc->nvms; i++) {
        int net = mig_network(w, &sc->vms[i]);
        for (size_t h = 0; h < sc->nhosts; h++)
            if (!world_nic(w, (int)h, net)->tx) {
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
            world_warn(w, "random failures of %s are not simulated yet: ignored", list);
        }
    }
    if (w->drbd && sc->storage.fencing == FENCING_RESOURCE_ONLY && !w->pacemaker)
        world_warn(w, "DRBD fencing resource-only needs a cluster manager to outdate the peer: without one it "
                      "behaves as dont-care");
    if (sc->storage.type != STORAGE_LOCAL && !w->nfs && !w->drbd && !w->ceph)
        world_warn(w, "storage type \"%s\" is not simulated yet: shared storage is assumed (no disk copy, no "
                "switchover cost)", scenario_storage_names[sc->storage.type]);
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
    g_free(w->uplinks);
    g_free(w->vms);
    g_free(w->host_up);
    g_free(w->host_active);
    g_free(w->host_down);
    g_free(w->draining);
    g_free(w->disk_down);
    g_free(w->osd_out_ev);
    g_free(w->disk_hung);
    g_free(w->seen_all);
    g_free(w->fenced);
    g_free(w->group);
    g_free(w->part);
    g_free(w->lost_at);
    g_free(w->mon_up);
    g_free(w->out_ev);
    g_free(w->hrefs);
    drbd_free(w->drbd);
    g_ptr_array_free(w->jobs, TRUE);
    if (w->st) {
        g_array_free(w->st, TRUE);
        g_array_free(w->s_transfer, TRUE);
        g_array_free(w->s_steady, TRUE);
    }
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

void world_note(world *w, const char *kind, const char *subject, const char *why)
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
bool world_hosts_reach(const world *w, int a, int b)
{
    return w->group[a] == 0 || w->group[b] == 0 || w->group[a] == w->group[b];
}

/* ------------------------------------------------------------------ placement */

/* Memory of the VMs that run on each host or are on their way to it: one
 * pass over the VMs, so a placement costs hosts + VMs, not their product. */
static double *hosts_used(const world *w)
{
    double *used = g_new0(double, w->sc->nhosts);
    for (size_t i = 0; i < w->sc->nvms; i++) {
        const vm_state *v = &w->vms[i];
        if (v->host >= 0)
            used[v->host] += w->sc->vms[i].memory;
        const mig_result *r = v->active ? mig_get_result(v->active) : NULL;
        if (r && r->to != v->host)
            used[r->to] += w->sc->vms[i].memory;
    }
    return used;
}

/* Hosts that run VMs: all but the NFS server or iSCSI target and the
 * quorum device's host. */
bool world_is_node(const world *w, int h)
{
    return !(w->nfs && h == w->sc->storage.server_host) && h != w->sc->cluster.qdevice_host;
}

/* The up node other than `except` (and in partition group `group`, unless it
 * is -1) with the most free memory that fits vm; ties go to the first in the
 * scenario. -1 if none fits. */
int world_place(const world *w, int vm, int except, int group)
{
    int best = -1;
    double best_free = -1;
    g_autofree double *used = hosts_used(w);
    for (size_t h = 0; h < w->sc->nhosts; h++) {
        if ((int)h == except || !w->host_up[h] || w->draining[h] || !world_is_node(w, (int)h) ||
            (group >= 0 && w->part[h] != group) ||
            !drbd_can_be_primary(w, (int)h))
            continue;
        double free_mem = w->sc->hosts[h].memory - used[h];
        if (free_mem >= w->sc->vms[vm].memory && free_mem > best_free) {
            best = (int)h;
            best_free = free_mem;
        }
    }
    return best;
}

/* ------------------------------------------------------------------ migrations */

static void try_start(world *w, int vm, int to);

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
    world_vm_placed(w, r->vm);
    start_queued(w);
    if (w->stop_when_settled && g_queue_is_empty(w->queue)) {
        bool busy = false;
        for (size_t h = 0; h < w->sc->nhosts && !busy; h++)
            busy = w->host_active[h] > 0;
        if (!busy)
            sim_stop(w->s);
    }
}

static void try_start(world *w, int vm, int to)
{
    const scenario *sc = w->sc;
    vm_state *st = &w->vms[vm];
    const char *name = sc->vms[vm].name;
    if (st->host < 0) {
        world_note(w, "migration-refused", name, "the VM is down");
        return;
    }
    if (st->active) {
        world_note(w, "migration-refused", name, "a migration of this VM is under way");
        return;
    }
    int limit = sc->cluster.migration_limit;
    if (limit && w->host_active[st->host] >= limit) {
        /* a destination left to placement is chosen when it leaves the queue */
        pending_mig *p = g_new(pending_mig, 1);
        *p = (pending_mig){ vm, to };
        g_queue_push_tail(w->queue, p);
        world_note(w, "migration-queued", name, "the source host is at its migration limit");
        return;
    }
    if (to < 0)
        to = world_place(w, vm, st->host, -1);
    if (to < 0) {
        world_note(w, "migration-refused", name, "no host has enough free memory");
        return;
    }
    if (to == st->host || !w->host_up[to]) {
        world_note(w, "migration-refused", name, to == st->host ? "already on that host" : "the destination is down");
        return;
    }
    /* in maintenance mode the operator migrates with virsh, outside Pacemaker */
    bool cold = w->pacemaker && !sc->cluster.allow_migrate && !sc->cluster.maintenance_mode;
    if (!drbd_can_be_primary(w, to)) {
        world_note(w, "migration-refused", name, "DRBD: the destination may not become primary (outdated or without quorum)");
        return;
    }
    if (!drbd_allows_live_migration(w) && !cold) {
        /* the destination QEMU must open the disk while the source still
         * runs: only a second primary may (facts 1.2) */
        world_note(w, "migration-refused", name, "DRBD without dual-primary: the destination cannot open the disk");
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
        flow_link *path[5];
        size_t npath = world_path(w, st->host, to, net, path);
        if (w->partitions) {
            /* a partition must be able to cut this one pair of hosts: a
             * private link, never a bottleneck, cut while they are apart */
            if (!st->reach)
                st->reach = flow_link_new(w->net, "reach", INFINITY, 0);
            flow_link_set_capacity(w->net, st->reach, world_hosts_reach(w, st->host, to) ? INFINITY : 0);
            path[npath++] = st->reach;
        }
        bool copy_disk = sc->storage.type == STORAGE_LOCAL;
        st->active = mig_start(w->s, w->net, path, npath, &sc->vms[vm], vm, st->host, to, copy_disk, on_mig_done, w);
        mig_set_handover(st->active, locks_switchover(w));
    }
    g_ptr_array_add(w->migs, st->active);
}

/* ------------------------------------------------------------------ incidents */

size_t world_nincidents(const world *w) { return w->incidents->len; }

const world_incident *world_incident_get(const world *w, size_t i)
{
    return &g_array_index(w->incidents, world_incident, i);
}

int world_incident_open(world *w, const char *kind, const char *resource, int vm)
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

void world_incident_close(world *w, int *idx)
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

void *world_job(world *w, size_t size)
{
    void *p = g_malloc0(size);
    g_ptr_array_add(w->jobs, p);
    return p;
}

world_incident *world_incident_at(world *w, int idx)
{
    return &g_array_index(w->incidents, world_incident, idx);
}

void world_vm_down(world *w, int vm, const char *kind, const char *resource)
{
    vm_state *v = &w->vms[vm];
    if (v->host < 0)
        return;
    v->home = v->host;
    v->host = -1;
    world_incident_close(w, &v->io_blocked);
    world_incident_close(w, &v->io_error);
    world_incident_close(w, &v->ceph_stall);
    world_incident_close(w, &v->frozen);
    nfs_io_attach(w, vm);
    ceph_io_attach(w, vm);
    v->down = world_incident_open(w, kind, resource, vm);
}

static void storage_update(world *w)
{
    nfs_update(w);
    drbd_update(w);
    ceph_update(w);
}

void world_vm_placed(world *w, int vm)
{
    nfs_io_attach(w, vm);
    ceph_io_attach(w, vm);
    nfs_update(w);
    drbd_update(w);
}

/* ------------------------------------------------------------------ links */

bool world_link_up(const nic_links *l) { return l->tx && flow_link_capacity(l->tx) > 0; }

size_t world_path(const world *w, int a, int b, int net, flow_link **path)
{
    const scenario *sc = w->sc;
    size_t n = 0;
    path[n++] = world_nic(w, a, net)->tx;
    int ra = sc->hosts[a].rack_index, rb = sc->hosts[b].rack_index;
    if (ra >= 0 && rb >= 0 && ra != rb) {
        const nic_links *ua = &w->uplinks[(size_t)ra * sc->nnetworks + (size_t)net];
        const nic_links *ub = &w->uplinks[(size_t)rb * sc->nnetworks + (size_t)net];
        if (ua->tx)
            path[n++] = ua->tx;
        if (ub->rx)
            path[n++] = ub->rx;
    }
    path[n++] = world_nic(w, b, net)->rx;
    return n;
}

int world_storage_network(const world *w)
{
    return w->sc->storage.network >= 0 ? w->sc->storage.network : 0;
}

/* ------------------------------------------------------------------ faults */

/* One more (or one less) failure holding both directions of a NIC down (if
 * the host has one there): a NIC is up when nothing holds it down. */
static void set_nic(world *w, nic_links *l, bool up)
{
    if (!l->tx)
        return;
    if (!up)
        l->down++;
    else if (l->down > 0)
        l->down--;
    flow_link_set_capacity(w->net, l->tx, l->down ? 0 : l->capacity);
    flow_link_set_capacity(w->net, l->rx, l->down ? 0 : l->capacity);
}

typedef struct {
    world *w;
    char *target;
} reboot_job;

static void rebooted(sim *s, void *arg)
{
    (void)s;
    reboot_job *j = arg;
    if (!j->w->ended) {
        world_note(j->w, "rebooted", j->target, "after STONITH (stonith-action reboot)");
        world_apply_target(j->w, j->target, false);
    }
    g_free(j->target);
    j->target = NULL;
}

bool world_disk_up(const world *w, int h, int k)
{
    int osd = w->sc->hosts[h].first_osd + k;
    return w->disk_down[osd] == 0 && !w->disk_hung[osd];
}

bool world_disk_hung(const world *w, int h, int k)
{
    return w->disk_hung[w->sc->hosts[h].first_osd + k];
}

/* "disk:HOST/N" or "osd:N" -> host and disk; false if it is neither. */
static bool disk_target(const scenario *sc, const char *target, int *h, int *k)
{
    *h = -1;
    *k = 0;
    if (g_str_has_prefix(target, "disk:")) {
        g_auto(GStrv) parts = g_strsplit(target + 5, "/", 2);
        *h = scenario_find_host(sc, parts[0]);
        *k = atoi(parts[1]);
    } else if (g_str_has_prefix(target, "osd:")) {
        int osd = atoi(target + 4);
        for (size_t x = 0; x < sc->nhosts; x++)
            if (osd >= sc->hosts[x].first_osd && osd < sc->hosts[x].first_osd + sc->hosts[x].disks) {
                *h = (int)x;
                *k = osd - sc->hosts[x].first_osd;
            }
    }
    return *h >= 0;
}

static void storage_update(world *w);

/* A disk hangs (mode "hang") or its hang ends (repair): its IO waits
 * instead of failing; the storage model decides what that stalls. */
static void disk_hang(world *w, const char *target, bool hung)
{
    int h, k;
    if (!disk_target(w->sc, target, &h, &k))
        return;
    bool *flag = &w->disk_hung[w->sc->hosts[h].first_osd + k];
    if (*flag == hung)
        return;
    *flag = hung;
    ceph_disk_hung(w, h, k, hung);
    drbd_disk_hung(w, h, k, hung);
    if (w->sc->storage.type == STORAGE_LOCAL) {
        g_autofree char *res = g_strdup_printf("%s (hung)", target);
        for (size_t i = 0; i < w->sc->nvms; i++) {
            vm_state *v = &w->vms[i];
            if (v->host != h || world_disk_of(w, (int)i, h) != k)
                continue;
            if (hung && v->io_blocked < 0)
                v->io_blocked = world_incident_open(w, "io-blocked", res, (int)i);
            else if (!hung)
                world_incident_close(w, &v->io_blocked);
        }
    }
    if (w->nfs && h == w->sc->storage.server_host)
        nfs_server_changed(w, hung);
    storage_update(w);
}

int world_disk_of(const world *w, int vm, int h)
{
    int n = w->sc->hosts[h].disks;
    if (n <= 1)
        return 0;
    guint x = g_str_hash(w->sc->vms[vm].name) * 31u + g_str_hash(w->sc->hosts[h].name);
    return (int)(x % (guint)n);
}

typedef struct {
    world *w;
    int vm, h;
} restore_job;

/* A local disk is back: its VMs boot again from it (restored). */
static void restored(sim *s, void *arg)
{
    (void)s;
    restore_job *j = arg;
    world *w = j->w;
    vm_state *v = &w->vms[j->vm];
    if (w->ended || v->host >= 0 || !w->host_up[j->h] || !world_disk_up(w, j->h, world_disk_of(w, j->vm, j->h)))
        return;
    v->host = j->h;
    world_incident_close(w, &v->down);
    world_note(w, "vm-started", w->sc->vms[j->vm].name, "its local disk is back");
    world_vm_placed(w, j->vm);
}

/* Disk k of host h failed or came back: the storage model that uses it
 * decides; on local storage the VMs whose image is on it stop until it is
 * back (restored), then boot. */
static void disk_changed(world *w, int h, int k, bool down, const char *target)
{
    const scenario *sc = w->sc;
    ceph_disk_changed(w, h, k, down);
    drbd_disk_changed(w, h, k, down);
    if (sc->storage.type != STORAGE_LOCAL)
        return;
    for (size_t i = 0; i < sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        if (down && v->host == h && world_disk_of(w, (int)i, h) == k) {
            if (v->active)
                mig_host_failed(v->active);
            world_vm_down(w, (int)i, "vm-down", target);
        } else if (!down && v->host < 0 && v->home == h && world_disk_of(w, (int)i, h) == k) {
            restore_job *j = world_job(w, sizeof(restore_job));
            *j = (restore_job){ w, (int)i, h };
            sim_after(w->s, sc->cluster.vm_start, restored, j);
        }
    }
}

void world_fence(world *w, int h, const char *why)
{
    g_autofree char *t = g_strdup_printf("host:%s", w->sc->hosts[h].name);
    world_note(w, "fenced", t, why);
    world_incident_close(w, &(int){ world_incident_open(w, "fenced", t, -1) });
    world_apply_target(w, t, true);
    reboot_job *j = world_job(w, sizeof(reboot_job));
    *j = (reboot_job){ w, g_strdup(t) };
    sim_after(w->s, w->sc->cluster.fence_time + w->sc->cluster.reboot_time, rebooted, j);
}

void world_apply_target(world *w, const char *target, bool fail)
{
    const scenario *sc = w->sc;
    const char *colon = strchr(target, ':');
    const char *arg = colon ? colon + 1 : "";
    if (g_str_has_prefix(target, "network:")) {
        int n = scenario_find_network(sc, arg);
        for (size_t h = 0; h < sc->nhosts; h++)
            set_nic(w, world_nic(w, (int)h, n), !fail);
    } else if (g_str_has_prefix(target, "nic:")) {
        g_auto(GStrv) parts = g_strsplit(arg, "/", 2);
        set_nic(w, world_nic(w, scenario_find_host(sc, parts[0]), scenario_find_network(sc, parts[1])), !fail);
    } else if (g_str_has_prefix(target, "host:")) {
        int h = scenario_find_host(sc, arg);
        bool was_up = w->host_up[h];
        if (fail)
            w->host_down[h]++;
        else if (w->host_down[h] > 0)
            w->host_down[h]--;
        w->host_up[h] = w->host_down[h] == 0;
        if (was_up == w->host_up[h])
            return; /* still down for another reason, or already up */
        for (size_t n = 0; n < sc->nnetworks; n++)
            set_nic(w, world_nic(w, h, (int)n), !fail);
        if (fail) {
            for (size_t i = 0; i < w->migs->len; i++) {
                mig *m = g_ptr_array_index(w->migs, i);
                const mig_result *r = mig_get_result(m);
                if (mig_active(m) && (r->from == h || r->to == h))
                    mig_host_failed(m);
            }
            for (size_t i = 0; i < sc->nvms; i++)
                if (w->vms[i].host == h)
                    world_vm_down(w, (int)i, "vm-down", target);
        }
    } else if (g_str_has_prefix(target, "disk:") || g_str_has_prefix(target, "osd:")) {
        int h, k;
        disk_target(sc, target, &h, &k);
        int *cnt = &w->disk_down[sc->hosts[h].first_osd + k];
        bool was_up = *cnt == 0;
        if (fail)
            (*cnt)++;
        else if (*cnt > 0)
            (*cnt)--;
        if (was_up != (*cnt == 0)) {
            g_autofree char *dt = g_strdup_printf("disk:%s/%d", sc->hosts[h].name, k);
            disk_changed(w, h, k, fail, dt);
            if (w->nfs && h == sc->storage.server_host)
                nfs_server_changed(w, fail);
        }
    } else if (g_str_has_prefix(target, "mon:") && w->ceph) {
        int h = scenario_find_host(sc, arg);
        if (h >= 0 && h < w->nmons && w->mon_up[h] == fail) {
            w->mon_up[h] = !fail;
            if (w->host_up[h])
                ceph_mon_changed(w, fail);
        }
    } else if (!strcmp(target, "nfs-server") && w->nfs) {
        w->nfs_service_down = fail;
        nfs_server_changed(w, fail);
    } else {
        world_warn(w, "failure target \"%s\" is not simulated yet", target);
    }
    if (w->nfs && g_str_has_prefix(target, "host:") && scenario_find_host(sc, arg) == sc->storage.server_host)
        nfs_server_changed(w, fail);
    nfs_update(w);
    drbd_update(w);
    if (g_str_has_prefix(target, "host:")) {
        int h = scenario_find_host(sc, arg);
        ceph_host_changed(w, h, fail);
        if (h < w->nmons && w->mon_up[h])
            ceph_mon_changed(w, fail);
    }
    ceph_update(w);
    pcmk_cluster_changed(w); /* a node, or the links between nodes, changed */
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
    case EV_DRAIN: {
        /* a whole rack, or one host: none of them receives VMs meanwhile */
        const char *rack = ev->rack >= 0 ? sc->hosts[ev->rack].rack : NULL;
        for (size_t h = 0; h < sc->nhosts; h++)
            if (rack ? sc->hosts[h].rack && !strcmp(sc->hosts[h].rack, rack) : (int)h == ev->host)
                w->draining[h] = true;
        world_note(w, "drain", rack ? rack : sc->hosts[ev->host].name, NULL);
        for (size_t i = 0; i < sc->nvms; i++)
            if (w->vms[i].host >= 0 && w->draining[w->vms[i].host] &&
                (rack ? sc->hosts[w->vms[i].host].rack && !strcmp(sc->hosts[w->vms[i].host].rack, rack)
                      : w->vms[i].host == ev->host))
                try_start(w, (int)i, -1);
        break;
    }
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
        world_note(w, ev->action == EV_FAIL ? "fail" : "repair", ev->target, ev->hang ? "hang" : NULL);
        int dh, dk;
        if (ev->hang)
            disk_hang(w, ev->target, true);
        else if (ev->action == EV_REPAIR && disk_target(sc, ev->target, &dh, &dk) && world_disk_hung(w, dh, dk))
            disk_hang(w, ev->target, false);
        else
            world_apply_target(w, ev->target, ev->action == EV_FAIL);
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
        world_note(w, ev->action == EV_PARTITION ? "partition" : "heal", "network", NULL);
        for (size_t i = 0; i < sc->nvms; i++) {
            vm_state *v = &w->vms[i];
            if (v->active && v->reach) {
                const mig_result *r = mig_get_result(v->active);
                flow_link_set_capacity(w->net, v->reach, world_hosts_reach(w, r->from, r->to) ? INFINITY : 0);
            }
        }
        nfs_update(w);
        drbd_update(w);
        ceph_update(w);
        pcmk_cluster_changed(w);
        break;
    case EV_SET:
        break; /* reported as not simulated when the world was built */
    }
}

/* ------------------------------------------------------------------ link samples */

static void sample_links(sim *s, void *arg)
{
    world *w = arg;
    const scenario *sc = w->sc;
    double now = sim_to_s(sim_now(s));
    g_array_append_val(w->st, now);
    size_t nn = sc->nhosts * sc->nnetworks, nu = sc->nracks * sc->nnetworks;
    for (size_t i = 0; i < nn + 2 * nu; i++) {
        /* the hosts' NICs (sending side), then the racks' uplinks: out, in */
        nic_links *l = i < nn ? &w->nics[i] : &w->uplinks[(i - nn) % (nu ? nu : 1)];
        flow_link *fl = i < nn || i < nn + nu ? l->tx : l->rx;
        double tr = fl ? flow_link_flow_rate(w->net, fl) : 0, bg = fl ? flow_link_background_rate(fl) : 0;
        g_array_append_val(w->s_transfer, tr);
        g_array_append_val(w->s_steady, bg);
    }
    if (!w->ended && sim_now(s) + w->sample_every <= sc->until)
        sim_after(s, w->sample_every, sample_links, w);
}

void world_sample_links(world *w, sim_time interval)
{
    w->sample_every = interval > 0 ? interval : SIM_S;
    w->st = g_array_new(FALSE, FALSE, sizeof(double));
    w->s_transfer = g_array_new(FALSE, FALSE, sizeof(double));
    w->s_steady = g_array_new(FALSE, FALSE, sizeof(double));
}

world_link_samples *world_take_link_samples(world *w)
{
    if (!w->st)
        return NULL;
    const scenario *sc = w->sc;
    world_link_samples *s = g_new0(world_link_samples, 1);
    size_t nn = sc->nhosts * sc->nnetworks, nu = sc->nracks * sc->nnetworks, n = nn + 2 * nu, nt = w->st->len;
    s->nlinks = n;
    s->nt = nt;
    s->names = g_new0(char *, n);
    s->capacity = g_new0(double, n);
    s->t = g_memdup2(w->st->data, nt * sizeof(double));
    s->transfer = g_new(double, n * nt);
    s->steady = g_new(double, n * nt);
    for (size_t i = 0; i < n; i++) {
        if (i < nn) {
            s->names[i] = g_strdup_printf("%s/%s", sc->hosts[i / sc->nnetworks].name, sc->networks[i % sc->nnetworks].name);
            s->capacity[i] = w->nics[i].capacity;
        } else {
            size_t u = (i - nn) % nu;
            s->names[i] = g_strdup_printf("rack %s/%s %s", sc->racks[u / sc->nnetworks].name,
                                          sc->networks[u % sc->nnetworks].name, i < nn + nu ? "out" : "in");
            s->capacity[i] = w->uplinks[u].capacity;
        }
        for (size_t k = 0; k < nt; k++) {
            s->transfer[i * nt + k] = g_array_index(w->s_transfer, double, k * n + i);
            s->steady[i * nt + k] = g_array_index(w->s_steady, double, k * n + i);
        }
    }
    return s;
}

void world_link_samples_free(world_link_samples *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nlinks; i++)
        g_free(s->names[i]);
    g_free(s->names);
    g_free(s->capacity);
    g_free(s->t);
    g_free(s->transfer);
    g_free(s->steady);
    g_free(s);
}

const char *world_stop_reason(const world *w) { return w->stop_reason; }

void world_set_cancel(world *w, const volatile int *flag) { sim_set_cancel(w->s, flag); }

size_t world_check(world *w, GPtrArray *v)
{
    const scenario *sc = w->sc;
    size_t n0 = v->len;
    if (sim_time_reversals(w->s))
        g_ptr_array_add(v, g_strdup_printf("time went backwards %" G_GUINT64_FORMAT " times", sim_time_reversals(w->s)));
    flow_counters fc = flow_net_counters(w->net);
    if (fc.bytes_unaccounted > 0)
        g_ptr_array_add(v, g_strdup_printf("%.0f bytes of delivered flows were never sent", fc.bytes_unaccounted));
    for (size_t i = 0; i < w->migs->len; i++) {
        const mig_result *r = mig_get_result(g_ptr_array_index(w->migs, i));
        if (r->outcome == MIG_RUNNING)
            g_ptr_array_add(v, g_strdup_printf("migration %zu of %s has no outcome", i, sc->vms[r->vm].name));
        if (r->outcome == MIG_COMPLETED && (r->resume < r->stop || r->end < r->start))
            g_ptr_array_add(v, g_strdup_printf("migration %zu of %s ends before it starts", i, sc->vms[r->vm].name));
    }
    sim_time limit = sim_time_add(sc->until, SIM_HOUR);
    for (size_t i = 0; i < world_nincidents(w); i++) {
        const world_incident *in = world_incident_get(w, i);
        if (in->start < 0 || in->end < in->start || in->end > limit)
            g_ptr_array_add(v, g_strdup_printf("incident %zu (%s) lies outside the run: %.3f-%.3f s", i, in->kind,
                                               sim_to_s(in->start), sim_to_s(in->end)));
    }
    for (size_t i = 0; i < sc->nvms; i++) {
        const vm_state *s = &w->vms[i];
        if (s->dup_host < 0)
            continue;
        bool said = false;
        for (size_t k = 0; k < world_nincidents(w); k++) {
            const world_incident *in = world_incident_get(w, k);
            said |= in->vm == (int)i && !strcmp(in->kind, "double-writer");
        }
        if (!said)
            g_ptr_array_add(v, g_strdup_printf("%s runs on two hosts with no incident", sc->vms[i].name));
    }
    return v->len - n0;
}

void world_stop_when_settled(world *w)
{
    w->stop_when_settled = true;
}

void world_run(world *w)
{
    const scenario *sc = w->sc;
    event_ctx *ctx = g_new(event_ctx, sc->nevents ? sc->nevents : 1);
    for (size_t i = 0; i < sc->nevents; i++) {
        ctx[i] = (event_ctx){ w, &sc->events[i] };
        if (sc->events[i].action == EV_SET)
            world_warn(w, "events[%zu]: action \"set\" is not simulated yet: ignored", i);
        if (sc->events[i].at <= sc->until)
            sim_at(w->s, sc->events[i].at, on_event, &ctx[i]);
    }
    /* Until the end, or (without one) until nothing is left to happen. */
    for (size_t i = 0; i < sc->nvms; i++) {
        nfs_io_attach(w, (int)i);
        ceph_io_attach(w, (int)i);
    }
    nfs_update(w);
    drbd_update(w);
    if (w->st)
        sim_at(w->s, 0, sample_links, w);
    sim_set_max_events(w->s, sc->max_events);
    sim_run_result rr = sim_run(w->s, sc->until);
    if (rr == SIM_RUN_MAX_EVENTS)
        w->stop_reason = "max_events";
    else if (rr == SIM_RUN_CANCELLED)
        w->stop_reason = "interrupted";
    w->ended = true;
    if (w->failures)
        failure_set_stop(w->failures); /* nothing fails after the end */
    nfs_stop(w);
    pcmk_stop(w);
    ceph_stop(w);
    drbd_stop(w);
    for (guint i = 0; i < w->incidents->len; i++) {
        world_incident *in = &g_array_index(w->incidents, world_incident, i);
        if (in->end < 0)
            in->end = sim_now(w->s);
    }
    /* what is still open ends with the run; nothing reopens it */
    for (size_t i = 0; i < sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        v->io_blocked = v->io_error = v->down = v->dup_inc = v->ceph_stall = v->frozen = -1;
    }
    w->mon_inc = -1;
    /* switchovers under way finish; iterating migrations have not converged */
    for (size_t i = 0; i < w->migs->len; i++) {
        mig *m = g_ptr_array_index(w->migs, i);
        if (mig_active(m) && mig_iterating(m))
            mig_run_ended(m);
    }
    g_queue_free_full(w->queue, g_free);
    w->queue = g_queue_new();
    if (!w->stop_reason) {
        /* switchovers under way finish (the budget is the run's, doubled) */
        sim_set_max_events(w->s, 2 * sc->max_events);
        sim_run(w->s, sim_time_add(sim_now(w->s), SIM_HOUR));
    }
    for (size_t i = 0; i < w->migs->len; i++)
        mig_run_ended(g_ptr_array_index(w->migs, i));
    g_free(ctx);
}
