/* world — build, dispatch the timeline, carry out migrations, and tell the
 * storage design and the cluster manager what changed. */
#include "models/world.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/cluster/cluster.h"
#include "models/failure.h"
#include "models/units.h"
#include "models/storage/storage.h"
#include "sim/flow.h"

typedef struct {
    flow_link *tx, *rx;
    double capacity;
    int down; /* failures holding it down (its own, its network's, its host's) */
} nic_links;

typedef struct {
    int host;          /* where it runs; -1 when down */
    int home;          /* the host it runs on, or ran on before it went down */
    mig *active;       /* its migration under way, if any */
    int down;          /* open down incident (vm-down, quorum-lost...), -1 if none */
    int second;        /* a second instance started elsewhere (split brain), -1 if none */
    int second_inc;    /* its double-writer incident */
    int starting_on;   /* a start under way on that host, -1 if none */
    flow_link *reach;  /* its migration's private link, cut while a partition separates the hosts */
    int counted[3];    /* the hosts whose usage counts its memory (usage_sync) */
} vm_state;

struct world {
    const scenario *sc;
    const char *refusal;       /* why the last migration could not start */
    double sweep_phase;        /* world_set_sweep_phase; < 0: drawn */
    bool every_window;         /* world_set_every_window */
    sim *s;
    flow_net *net;
    nic_links *nics;           /* [host * nnetworks + network] */
    nic_links *uplinks;        /* [rack * nnetworks + network]: tx out of the rack, rx into it */
    vm_state *vms;
    bool *host_up;
    bool *draining;            /* drained for maintenance: receives no VM */
    double *used;              /* per host: memory of the VMs on it or on their way (whole bytes: exact) */
    int *host_down;            /* failures holding each host down (crash, fence) */
    int *disk_down;            /* failures holding each disk down, by OSD id (hosts[h].first_osd + k) */
    bool *disk_hung;           /* disks whose IO never completes (mode "hang"), by OSD id */
    int nactive;               /* migrations under way */
    GPtrArray *migs;           /* every mig, in start order */
    GPtrArray *warnings;
    failure_set *failures;
    GArray *incidents;         /* world_incident */
    int *group;                /* partition group of each host; 0: reaches every host */
    bool partitions;           /* the timeline partitions hosts */
    const storage_ops *so;
    void *st;
    const cluster_ops *co;     /* NULL without a cluster manager */
    void *cl;
    GPtrArray *jobs;           /* world_job allocations */
    bool retrying;             /* asking waiting migrations' gates again */
    /* link sampling: the report's (its busiest links) and the charts' (over
     * the span they show) */
    struct world_sampler {
        world *w;
        sim_time every, until;
        bool settle;           /* settle a pending re-rating first (the report's, as ever) */
        GArray *t, *transfer, *steady; /* times; rates [sample][link] */
    } sampler[2];
    size_t sampling;           /* samplers still running: background events for an until-less run */
    const char *stop_reason;   /* NULL, "max_events", "interrupted" */
    bool ended;                /* past the scenario's end: only switchovers finish */
    bool stop_when_settled;    /* end the run once no migration is running or queued */
    assume_counts assumed;     /* defaults that shaped this run (models/assume.h) */
    sim_time end;              /* when the run ended: `until`, or when nothing was left to happen */
    GArray *events;            /* world_event, when kept for plots */
};

static void usage_sync(world *w, int vm);

static nic_links *nic(const world *w, int host, int network)
{
    return &w->nics[(size_t)host * w->sc->nnetworks + (size_t)network];
}

static bool link_up(const nic_links *l) { return l->tx && flow_link_capacity(l->tx) > 0; }

static int mig_network(const scn_vm *vm)
{
    return vm->migration.network >= 0 ? vm->migration.network : 0;
}

void world_warn(world *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(w->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* ------------------------------------------------------------------ telling the models */

static void storage_changed(world *w, const world_change *c)
{
    if (w->so->changed)
        w->so->changed(w->st, w, c);
    /* moves waiting for the storage ask again */
    if (w->retrying || !w->so->gate)
        return;
    w->retrying = true;
    for (guint i = 0; i < w->migs->len; i++) {
        mig *m = g_ptr_array_index(w->migs, i);
        if (mig_active(m) && mig_gate_waiting(m))
            mig_gate_retry(m);
    }
    w->retrying = false;
}

static mig_gate_answer storage_gate(void *arg, const mig_result *r, mig_gate_point p, sim_time *deadline,
                                    const char **why)
{
    world *w = arg;
    return w->so->gate(w->st, w, r->vm, r->from, r->to, p, deadline, why);
}

static void cluster_changed(world *w, const world_change *c)
{
    if (w->co)
        w->co->changed(w->cl, w, c);
}

/* Where vm runs changed: its storage follows it. */
static void vm_placed(world *w, int vm)
{
    storage_changed(w, &(world_change){ .kind = WORLD_VM, .host = -1, .disk = -1, .vm = vm });
}

void world_storage_update(world *w)
{
    storage_changed(w, &(world_change){ .kind = WORLD_LINK, .host = -1, .disk = -1, .vm = -1 });
}

void world_cluster_update(world *w)
{
    cluster_changed(w, NULL);
}

/* ------------------------------------------------------------------ building */

static void apply_target(world *w, const scn_target *target, bool fail);
static void keep_event(world *w, const char *kind, const char *subject);

static void on_random_failure(void *ctx, const scn_target *target, bool fail)
{
    world *w = ctx;
    if (fail)
        world_assume(w, AS_FAIL_DISTRIBUTION, -1);
    if (w->events) {
        g_autofree char *name = scenario_target_name(w->sc, target);
        keep_event(w, fail ? "fail" : "repair", name);
    }
    apply_target(w, target, fail);
}

G_DEFINE_QUARK(golive-world-error, world_error)

world *world_new(const scenario *sc, uint64_t run, GError **error)
{
    world *w = g_new0(world, 1);
    w->sweep_phase = -1;
    w->sc = sc;
    w->s = sim_new(sc->seed, run);
    w->net = flow_net_new(w->s);
    w->warnings = g_ptr_array_new_with_free_func(g_free);
    assume_counts_init(&w->assumed);
    w->jobs = g_ptr_array_new_with_free_func(g_free);
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
    for (size_t i = 0; i < sc->nvms; i++)
        w->vms[i] = (vm_state){ .host = sc->vms[i].host, .home = sc->vms[i].host, .down = -1, .second = -1,
                                .second_inc = -1, .starting_on = -1, .counted = { -1, -1, -1 } };
    w->used = g_new0(double, sc->nhosts ? sc->nhosts : 1);
    for (size_t i = 0; i < sc->nvms; i++)
        usage_sync(w, (int)i);
    w->incidents = g_array_new(FALSE, TRUE, sizeof(world_incident));
    /* NFS and iSCSI are both served by one host here: the filer or the target */
    w->host_up = g_new(bool, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        w->host_up[h] = true;
    w->host_down = g_new0(int, sc->nhosts);
    w->draining = g_new0(bool, sc->nhosts);
    int nosd = 0;
    for (size_t h = 0; h < sc->nhosts; h++)
        nosd += sc->hosts[h].disks;
    w->disk_down = g_new0(int, nosd > 0 ? nosd : 1);
    w->disk_hung = g_new0(bool, nosd > 0 ? nosd : 1);
    w->group = g_new0(int, sc->nhosts);
    for (size_t i = 0; i < sc->nevents; i++)
        w->partitions |= sc->events[i].action == EV_PARTITION;
    w->migs = g_ptr_array_new_with_free_func((GDestroyNotify)mig_free);
    w->co = cluster_manager(sc->cluster.manager);
    w->cl = w->co ? w->co->create(w) : NULL;
    w->so = storage_design(sc->storage.type);
    w->st = w->so->create(w);

    /* the loader made sure that every node has a NIC on each VM's migration
     * network; checked once per network (the first VM that uses it names
     * it), not once per VM */
    bool *net_seen = g_newa(bool, sc->nnetworks + 1);
    memset(net_seen, 0, sc->nnetworks + 1);
    for (size_t i = 0; i < sc->nvms; i++) {
        int net = mig_network(&sc->vms[i]);
        if (net_seen[net])
            continue;
        net_seen[net] = true;
        for (size_t h = 0; h < sc->nhosts; h++)
            if (world_is_node(w, (int)h) && !nic(w, (int)h, net)->tx) {
                g_set_error(error, WORLD_ERROR, WORLD_ERROR_SCENARIO,
                            "%s: host \"%s\" has no NIC on network \"%s\", which VM \"%s\" migrates over", sc->file,
                            sc->hosts[h].name, sc->networks[net].name, sc->vms[i].name);
                world_free(w);
                return NULL;
            }
    }
    if (sc->cluster.migration_limit > 0 && sc->cluster.manager != MANAGER_PACEMAKER)
        world_warn(w, "cluster.migration_limit is Pacemaker's migration-limit: without a cluster manager nothing "
                      "limits the scenario's migrations, which all run at once");
    if (sc->nfailures)
        w->failures = failure_set_new(w->s, sc, on_random_failure, w);
    return w;
}

void world_free(world *w)
{
    if (!w)
        return;
    failure_set_free(w->failures);
    if (w->migs)
        g_ptr_array_free(w->migs, TRUE);
    if (w->co)
        w->co->destroy(w->cl);
    if (w->so)
        w->so->destroy(w->st);
    flow_net_free(w->net);
    sim_free(w->s);
    g_free(w->nics);
    g_free(w->uplinks);
    g_free(w->vms);
    g_free(w->host_up);
    g_free(w->host_down);
    g_free(w->draining);
    g_free(w->used);
    g_free(w->disk_down);
    g_free(w->disk_hung);
    g_free(w->group);
    g_ptr_array_free(w->jobs, TRUE);
    if (w->events) {
        for (guint i = 0; i < w->events->len; i++)
            g_free(g_array_index(w->events, world_event, i).subject);
        g_array_free(w->events, TRUE);
    }
    for (int k = 0; k < 2; k++)
        if (w->sampler[k].t) {
            g_array_free(w->sampler[k].t, TRUE);
            g_array_free(w->sampler[k].transfer, TRUE);
            g_array_free(w->sampler[k].steady, TRUE);
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
const scenario *world_scenario(const world *w) { return w->sc; }
flow_net *world_net(world *w) { return w->net; }
sim_time world_now(const world *w) { return sim_now(w->s); }
bool world_ended(const world *w) { return w->ended; }

const mig_result *world_migration(const world *w, size_t i)
{
    return mig_get_result(g_ptr_array_index(w->migs, i));
}

static void keep_event(world *w, const char *kind, const char *subject)
{
    if (!w->events)
        return;
    world_event e = { sim_now(w->s), kind, g_strdup(subject ? subject : "") };
    g_array_append_val(w->events, e);
}

void world_keep_events(world *w)
{
    if (!w->events)
        w->events = g_array_new(FALSE, FALSE, sizeof(world_event));
}

GArray *world_take_events(world *w)
{
    GArray *e = w->events;
    w->events = NULL;
    return e;
}

void world_note(world *w, const char *kind, const char *subject, const char *why)
{
    keep_event(w, kind, subject);
    trace *tr = sim_trace(w->s);
    if (!trace_enabled(tr))
        return;
    trace_begin(tr, sim_now(w->s), kind, subject);
    if (why)
        trace_str(tr, "reason", why);
    trace_end(tr);
}

void *world_job(world *w, size_t size)
{
    void *p = g_malloc0(size);
    g_ptr_array_add(w->jobs, p);
    return p;
}

/* ------------------------------------------------------------------ hosts and links */

bool world_host_up(const world *w, int h) { return w->host_up[h]; }
bool world_host_draining(const world *w, int h) { return w->draining[h]; }

/* Hosts in different groups of a partition cannot reach each other on any
 * network; a host in no group keeps reaching everyone. */
bool world_hosts_reach(const world *w, int a, int b)
{
    return w->group[a] == 0 || w->group[b] == 0 || w->group[a] == w->group[b];
}

bool world_has_nic(const world *w, int h, int net) { return nic(w, h, net)->tx != NULL; }
bool world_nic_up(const world *w, int h, int net) { return link_up(nic(w, h, net)); }

/* Hosts that run VMs: all but the storage server and the quorum device's host. */
bool world_is_node(const world *w, int h) { return scenario_is_node(w->sc, h); }

size_t world_path(const world *w, int a, int b, int net, flow_link **path)
{
    const scenario *sc = w->sc;
    size_t n = 0;
    path[n++] = nic(w, a, net)->tx;
    int ra = sc->hosts[a].rack_index, rb = sc->hosts[b].rack_index;
    if (ra >= 0 && rb >= 0 && ra != rb) {
        const nic_links *ua = &w->uplinks[(size_t)ra * sc->nnetworks + (size_t)net];
        const nic_links *ub = &w->uplinks[(size_t)rb * sc->nnetworks + (size_t)net];
        if (ua->tx)
            path[n++] = ua->tx;
        if (ub->rx)
            path[n++] = ub->rx;
    }
    path[n++] = nic(w, b, net)->rx;
    return n;
}

size_t world_path_out(const world *w, int a, int net, flow_link **path)
{
    const scenario *sc = w->sc;
    size_t n = 0;
    path[n++] = nic(w, a, net)->tx;
    int ra = sc->hosts[a].rack_index;
    if (ra >= 0 && w->uplinks[(size_t)ra * sc->nnetworks + (size_t)net].tx)
        path[n++] = w->uplinks[(size_t)ra * sc->nnetworks + (size_t)net].tx;
    return n;
}

int world_storage_network(const world *w)
{
    return w->sc->storage.network >= 0 ? w->sc->storage.network : 0;
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

int world_disk_of(const world *w, int vm, int h)
{
    int n = w->sc->hosts[h].disks;
    if (n <= 1)
        return 0;
    guint x = g_str_hash(w->sc->vms[vm].name) * 31u + g_str_hash(w->sc->hosts[h].name);
    return (int)(x % (guint)n);
}

/* ------------------------------------------------------------------ the cluster and the storage, for each other */

bool world_cluster_managed(const world *w) { return w->co != NULL; }

bool world_cluster_connected(const world *w, int a, int b)
{
    if (w->co)
        return w->co->connected(w->cl, w, a, b);
    int net = w->sc->cluster.network >= 0 ? w->sc->cluster.network : 0;
    return w->host_up[a] && w->host_up[b] && world_hosts_reach(w, a, b) && world_nic_up(w, a, net) &&
           world_nic_up(w, b, net);
}

int world_cluster_partition(const world *w, int h)
{
    return w->co ? w->co->partition(w->cl, w, h) : 0;
}

void world_cluster_vm_failed(world *w, int vm)
{
    if (w->co && w->co->vm_failed)
        w->co->vm_failed(w->cl, w, vm);
}

bool world_cluster_fence(world *w, int h, const char *why)
{
    return w->co && w->co->fence && w->co->fence(w->cl, w, h, why);
}

bool world_storage_shared(const world *w) { return w->so->shared; }

world_start world_storage_start_wait(world *w, int vm, int h, sim_time *wait)
{
    *wait = 0;
    return w->so->start_wait ? w->so->start_wait(w->st, w, vm, h, wait) : WORLD_START_GO;
}

void world_storage_members_lost(world *w, int part)
{
    if (w->so->members_lost)
        w->so->members_lost(w->st, w, part);
}

void world_storage_fenced(world *w, int part)
{
    if (w->so->fenced)
        w->so->fenced(w->st, w, part);
}

void world_storage_healed(world *w)
{
    if (w->so->healed)
        w->so->healed(w->st, w);
}

/* ------------------------------------------------------------------ VMs and placement */

int world_vm_host(const world *w, int vm) { return w->vms[vm].host; }
int world_vm_home(const world *w, int vm) { return w->vms[vm].home; }
int world_vm_second_host(const world *w, int vm) { return w->vms[vm].second; }
int world_vm_starting_on(const world *w, int vm) { return w->vms[vm].starting_on; }

/* Memory of the VMs that run on each host or are on their way to it,
 * recomputed: what w->used must always equal (world_check). */
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
        if (v->starting_on >= 0 && v->starting_on != v->host)
            used[v->starting_on] += w->sc->vms[i].memory;
    }
    return used;
}

/* Keeps w->used up to date after vm's host, migration or start changed:
 * its memory leaves the hosts that counted it and goes to the ones that do
 * now. Placing a VM then costs hosts, not hosts + VMs (a drain of a rack of
 * a 200,000-VM data centre placed 800 VMs, each recounting every VM). Sums
 * of whole bytes are exact, so the figures equal a recount's. */
static void usage_sync(world *w, int vm)
{
    vm_state *v = &w->vms[vm];
    double mem = w->sc->vms[vm].memory;
    for (int k = 0; k < 3; k++)
        if (v->counted[k] >= 0)
            w->used[v->counted[k]] -= mem;
    const mig_result *r = v->active ? mig_get_result(v->active) : NULL;
    v->counted[0] = v->host;
    v->counted[1] = r && r->to != v->host ? r->to : -1;
    v->counted[2] = v->starting_on >= 0 && v->starting_on != v->host ? v->starting_on : -1;
    for (int k = 0; k < 3; k++)
        if (v->counted[k] >= 0)
            w->used[v->counted[k]] += mem;
}

/* Why the storage does not let vm run on h now, NULL if it does. */
static const char *host_refused(const world *w, int vm, int h)
{
    return w->so->host_refused ? w->so->host_refused(w->st, w, vm, h) : NULL;
}

int world_storage_copies(const world *w, int vm, int *hosts, int max)
{
    return w->so->copies ? w->so->copies(w->st, w, vm, hosts, max) : 0;
}

bool world_host_may_run_vms(const world *w, int h)
{
    return host_refused(w, -1, h) == NULL;
}

/* The up node other than `except` (and in partition `part`, unless it is
 * -1) with the most free memory that fits vm; ties go to the first in the
 * scenario. -1 if none fits. */
int world_place(const world *w, int vm, int except, int part)
{
    int best = -1;
    double best_free = -1;
    const double *used = w->used;
    for (size_t h = 0; h < w->sc->nhosts; h++) {
        if ((int)h == except || !w->host_up[h] || w->draining[h] || !world_is_node(w, (int)h) ||
            (part >= 0 && world_cluster_partition(w, (int)h) != part) || host_refused(w, vm, (int)h))
            continue;
        double free_mem = w->sc->hosts[h].memory - used[h];
        if (free_mem >= w->sc->vms[vm].memory && free_mem > best_free) {
            best = (int)h;
            best_free = free_mem;
        }
    }
    return best;
}

static void vm_down(world *w, int vm, const char *kind, const char *resource, bool clean)
{
    vm_state *v = &w->vms[vm];
    if (v->host < 0)
        return;
    if (v->active) /* precopy fails with its VM; postcopy loses it */
        mig_host_failed(v->active);
    if (v->host < 0)
        return;
    v->home = v->host;
    v->host = -1;
    usage_sync(w, vm);
    w->so->vm_gone(w->st, w, vm, clean);
    v->down = world_incident_open(w, kind, resource, vm);
}

void world_vm_down(world *w, int vm, const char *kind, const char *resource)
{
    vm_down(w, vm, kind, resource, false);
}

void world_vm_stop(world *w, int vm, const char *kind, const char *resource)
{
    vm_down(w, vm, kind, resource, true);
}

typedef struct {
    world *w;
    int vm, host;
    const char *why;
} start_job;

static void vm_started(sim *s, void *arg)
{
    (void)s;
    start_job *j = arg;
    world *w = j->w;
    vm_state *v = &w->vms[j->vm];
    if (w->ended)
        return;
    v->starting_on = -1;
    usage_sync(w, j->vm);
    if (!w->host_up[j->host])
        return;
    if (v->host >= 0) {
        /* the original still runs, cut off: two copies write the disk */
        v->second = j->host;
        v->second_inc = world_incident_open(w, "double-writer", w->sc->vms[j->vm].name, j->vm);
        /* if the split healed meanwhile, the cluster finds it active twice
         * at its next membership check (multiple-active) */
        if (world_cluster_connected(w, v->host, j->host))
            cluster_changed(w, NULL);
    } else {
        v->host = v->home = j->host;
        usage_sync(w, j->vm);
        world_incident_close(w, &v->down);
    }
    vm_placed(w, j->vm);
    world_note(w, "vm-started", w->sc->vms[j->vm].name, j->why);
}

void world_vm_start(world *w, int vm, int h, sim_time delay, const char *why)
{
    start_job *j = world_job(w, sizeof(start_job));
    *j = (start_job){ w, vm, h, why };
    w->vms[vm].starting_on = h;
    usage_sync(w, vm);
    if (delay > 0)
        sim_after(w->s, delay, vm_started, j);
    else
        vm_started(w->s, j);
}

void world_vm_stop_second(world *w, int vm)
{
    vm_state *v = &w->vms[vm];
    if (v->second < 0)
        return;
    world_incident *in = world_incident_at(w, v->second_inc);
    double secs = sim_to_s(sim_now(w->s) - in->start);
    in->diverged_bytes = 2 * w->sc->vms[vm].disk_write_Bps * secs;
    in->discarded_bytes = w->sc->vms[vm].disk_write_Bps * secs;
    world_incident_close(w, &v->second_inc);
    v->second = -1;
}

/* ------------------------------------------------------------------ migrations */

static void on_mig_done(mig *m, void *arg)
{
    world *w = arg;
    const mig_result *r = mig_get_result(m);
    vm_state *v = &w->vms[r->vm];
    v->active = NULL;
    w->nactive--;
    if (r->outcome == MIG_COMPLETED) {
        v->host = v->home = r->to;
        /* a drain that came while it was on its way: nothing moves it on */
        if (w->draining[r->to] && !w->ended)
            world_warn(w, "at %.9g s, %s arrived on %s, which was drained while it migrated there: it stays",
                       sim_to_s(sim_now(w->s)), w->sc->vms[r->vm].name, w->sc->hosts[r->to].name);
    } else if (r->outcome == MIG_VM_LOST)
        v->host = -1;
    usage_sync(w, r->vm);
    vm_placed(w, r->vm);
    if (w->co && w->co->move_ended)
        w->co->move_ended(w->cl, w, r);
    if (w->stop_when_settled && !w->nactive && !(w->co && w->co->queued && w->co->queued(w->cl)))
        sim_stop(w->s);
}

int world_vm_moving_to(const world *w, int vm)
{
    const mig *m = w->vms[vm].active;
    return m ? mig_get_result(m)->to : -1;
}

int world_vm_live_target(const world *w, int vm)
{
    const mig *m = w->vms[vm].active;
    return m && !mig_get_result(m)->restart ? mig_get_result(m)->to : -1;
}

void world_migration_time_out(world *w, int vm)
{
    mig *m = w->vms[vm].active;
    if (m && !mig_get_result(m)->restart)
        mig_time_out(m);
}

/* A migration that cannot start: noted in the trace (and told by explain),
 * and kept for an operator's request to warn about. */
static bool refuse(world *w, const char *name, const char *why)
{
    world_note(w, "migration-refused", name, why);
    w->refusal = why;
    return false;
}

/* The defaults a live migration starting now rests on: those it always
 * uses, and the rate limits that bind below its path's slowest link. */
static void assume_live_start(world *w, int vm, const mig *m, flow_link *const *path, size_t npath)
{
    const scenario *sc = w->sc;
    const scn_vm *v = &sc->vms[vm];
    const scn_migration *p = &v->migration;
    double links = INFINITY;
    for (size_t i = 0; i < npath; i++)
        links = fmin(links, flow_link_capacity(path[i]));
    double cap = p->max_bandwidth_Bps > 0 ? p->max_bandwidth_Bps : INFINITY;
    assume_use(&w->assumed, sc, AS_VM_ZERO, vm);
    if (v->kernel_dirty_pps > 0)
        assume_use(&w->assumed, sc, AS_VM_KERNEL_DIRTY, vm);
    if (v->dirty.model == DIRTY_UNIFORM || v->dirty.model == DIRTY_SEQUENTIAL)
        assume_use(&w->assumed, sc, AS_VM_WORKING_SET, vm);
    if (sc->storage.switchover > 0)
        assume_use(&w->assumed, sc, AS_ST_SWITCHOVER, -1);
    if (p->profile == PROFILE_XEN_2005) {
        static const assume_id xen[] = { AS_MIG_XEN_MIN_RATE, AS_MIG_XEN_MAX_RATE, AS_MIG_XEN_ROUNDS, AS_MIG_SUSPEND,
                                         AS_MIG_RESUME };
        for (size_t i = 0; i < G_N_ELEMENTS(xen); i++)
            assume_use(&w->assumed, sc, xen[i], vm);
        return;
    }
    static const assume_id always[] = { AS_MIG_DOWNTIME_LIMIT, AS_MIG_SETUP, AS_MIG_RESUME, AS_MIG_DEVICE_STATE };
    for (size_t i = 0; i < G_N_ELEMENTS(always); i++)
        assume_use(&w->assumed, sc, always[i], vm);
    if (cap < links)
        assume_use(&w->assumed, sc, AS_MIG_MAX_BANDWIDTH, vm);
    if (p->libvirt_bandwidth && fmin(links, mig_sender_cap(m)) > scenario_migration_defaults(PROFILE_QEMU).max_bandwidth_Bps)
        assume_use(&w->assumed, sc, AS_MIG_LIBVIRT_BANDWIDTH, vm);
    if (mig_sender_cap(m) < fmin(cap, links))
        assume_use(&w->assumed, sc, AS_MIG_SENDER, vm);
    if (v->zero > 0) {
        assume_use(&w->assumed, sc, AS_MIG_SCAN_COST, vm);
        assume_use(&w->assumed, sc, AS_MIG_ZERO_COST, vm);
    }
    const mig_result *r = mig_get_result(m);
    if (p->multifd_channels > MIN(sc->hosts[r->from].cores, sc->hosts[r->to].cores) &&
        mig_sender_cap(m) < fmin(cap, links))
        assume_use(&w->assumed, sc, AS_HOST_CORES, -1); /* threads beyond the cores add nothing */
    if (p->multifd_channels > 0 && p->multifd_compression != COMPRESS_NONE) {
        assume_use(&w->assumed, sc, AS_VM_COMPRESSION, vm);
        if (v->dirty.model != DIRTY_NONE)
            assume_use(&w->assumed, sc, AS_VM_DIRTY_COMPRESSION, vm);
        assume_use(&w->assumed, sc, AS_CONST_COMPRESSION_SPEED, -1);
    }
    if (p->tls_Bps > 0)
        assume_use(&w->assumed, sc, AS_CL_TLS_BANDWIDTH, -1);
    if (p->xbzrle)
        assume_use(&w->assumed, sc, AS_MIG_XBZRLE_CACHE, vm);
    if (p->postcopy)
        assume_use(&w->assumed, sc, AS_MIG_POSTCOPY_AFTER, vm);
    if (p->auto_converge)
        assume_use(&w->assumed, sc, AS_MIG_AC_THRESHOLD, vm);
    if (sc->cluster.manager == MANAGER_PACEMAKER && sc->cluster.migration_limit == 0) {
        /* migration-limit unset: a host sends all its migrations at once */
        int src = r->from, same = 0;
        for (guint i = 0; i < w->migs->len; i++) {
            const mig *o = g_ptr_array_index(w->migs, i);
            same += mig_active(o) && mig_get_result(o)->from == src;
        }
        if (same > 0)
            assume_use(&w->assumed, sc, AS_CL_MIGRATION_LIMIT, -1);
    }
}

/* The defaults a migration's course showed it used (throttling, XBZRLE,
 * postcopy), once it is over. */
static void assume_live_end(world *w, const mig_result *r)
{
    const scenario *sc = w->sc;
    if (r->restart)
        return;
    if (r->max_throttle > 0) {
        static const assume_id ac[] = { AS_MIG_AC_INITIAL, AS_MIG_AC_INCREMENT, AS_MIG_AC_MAX, AS_VM_CPU_SHARE };
        for (size_t i = 0; i < G_N_ELEMENTS(ac); i++)
            assume_use(&w->assumed, sc, ac[i], r->vm);
    }
    if (r->xbzrle_pages > 0)
        assume_use(&w->assumed, sc, AS_VM_BYTES_PER_WRITE, r->vm);
    if (r->postcopy_switch >= 0) {
        assume_use(&w->assumed, sc, AS_CONST_POSTCOPY_QUEUE, -1);
        if (r->postcopy_fault_time > 0) {
            /* the waits and how much they slowed the writer */
            assume_use(&w->assumed, sc, AS_CONST_FAULT_OVERHEAD, -1);
            assume_use(&w->assumed, sc, AS_VM_CPU_SHARE, r->vm);
        }
    }
}

/* A precopy that never got below its threshold, said with its numbers:
 * what each pass left dirty against what the downtime limit allows at the
 * rate it sent, and from when it was plain that it would not converge (the
 * first pass that left within 5% of what the one before left). */
static void warn_not_converged(world *w, const mig_result *r)
{
    const scenario *sc = w->sc;
    const scn_migration *p = &sc->vms[r->vm].migration;
    guint n = r->iterations->len;
    if (n == 0 || r->restart)
        return;
    const mig_iteration *last = &g_array_index(r->iterations, mig_iteration, n - 1);
    if (n > 1 && last->duration <= 0)
        last = &g_array_index(r->iterations, mig_iteration, n - 2);
    double rate = last->duration > 0 ? last->bytes / sim_to_s(last->duration) : 0;
    double left = last->dirty_pages_after * UNITS_PAGE_SIZE, allowed = rate * sim_to_s(p->downtime_limit);
    sim_time evident = -1;
    for (guint i = 1; i < n && evident < 0; i++) {
        const mig_iteration *a = &g_array_index(r->iterations, mig_iteration, i - 1),
                            *b = &g_array_index(r->iterations, mig_iteration, i);
        if (b->dirty_pages_after > 0.95 * a->dirty_pages_after && b->dirty_pages_after * UNITS_PAGE_SIZE > allowed)
            evident = b->start + b->duration;
    }
    g_autofree char *fl = units_format(UNITS_SIZE, left), *fa = units_format(UNITS_SIZE, allowed),
                    *fr = units_format(UNITS_SIZE, rate), *fd = units_format(UNITS_TIME, sim_to_s(p->downtime_limit)),
                    *fs = units_format(UNITS_SIZE, r->transferred), *fm = units_format(UNITS_SIZE, sc->vms[r->vm].memory),
                    *fe = units_format(UNITS_TIME, sim_to_s(evident)), *ft = units_format(UNITS_TIME, sim_to_s(r->end));
    if (evident >= 0)
        world_warn(w,
                   "%s: its migration to %s cannot converge: a pass leaves %s dirty, and at most %s may stay for the "
                   "switchover (the %s/s it sends x the %s downtime limit); plain at %s, when a pass left nearly as "
                   "much as the one before. It ran until the end of the run (%s), sending %s for a VM of %s; QEMU "
                   "would go on until cancelled. Give it auto_converge, postcopy, more bandwidth or a larger "
                   "downtime_limit, or cancel it",
                   sc->vms[r->vm].name, sc->hosts[r->to].name, fl, fa, fr, fd, fe, ft, fs, fm);
    else /* still shrinking: the run ended too soon to tell */
        world_warn(w,
                   "%s: its migration to %s had not converged when the run ended (%s): the last pass left %s dirty, "
                   "and at most %s may stay for the switchover (the %s/s it sends x the %s downtime limit); each "
                   "pass still left less than the one before, so a longer run (until) may see it converge",
                   sc->vms[r->vm].name, sc->hosts[r->to].name, ft, fl, fa, fr, fd);
}

/* Defaults that shape a run as a whole: its end, and the storage design's
 * settings every write meets. */
static void assume_run(world *w)
{
    const scenario *sc = w->sc;
    if (!w->stop_when_settled) /* that ends it, not `until` */
        world_assume(w, AS_UNTIL, -1);
    bool writes = false;
    for (size_t i = 0; i < sc->nvms; i++)
        writes |= sc->vms[i].disk_write_Bps > 0;
    bool live = false;
    for (size_t i = 0; i < w->migs->len; i++)
        live |= !mig_get_result(g_ptr_array_index(w->migs, i))->restart;
    if ((sc->storage.type != STORAGE_LOCAL || writes) && !w->stop_when_settled) /* the report's write latency */
        world_assume(w, AS_ST_DISK_LATENCY, -1);
    if (sc->storage.type != STORAGE_LOCAL || writes || live)
        world_assume(w, AS_NET_LATENCY, -1);
    if (sc->storage.type == STORAGE_DRBD)
        world_assume(w, AS_ST_PROTOCOL, -1);
    if (sc->storage.type == STORAGE_CEPH)
        world_assume(w, AS_ST_SIZE, -1);
}

void world_assume(world *w, assume_id id, int vm) { assume_use(&w->assumed, w->sc, id, vm); }

const assume_counts *world_assumed(const world *w) { return &w->assumed; }

bool world_migrate(world *w, int vm, int to, bool cold)
{
    const scenario *sc = w->sc;
    vm_state *st = &w->vms[vm];
    const char *name = sc->vms[vm].name;
    if (st->host < 0) {
        return refuse(w, name, "the VM is down");
    }
    if (st->active) {
        return refuse(w, name, "a migration of this VM is under way");
    }
    if (to < 0) {
        return refuse(w, name, "no other host can take it (enough free memory, not drained, up)");
    }
    if (to == st->host || !w->host_up[to]) {
        return refuse(w, name, to == st->host ? "already on that host" : "the destination is down");
    }
    const char *why = host_refused(w, vm, to);
    if (why) {
        return refuse(w, name, why);
    }
    const char *refused = w->so->live_refused ? w->so->live_refused(w->st, w, vm) : NULL;
    if (refused && !cold) {
        return refuse(w, name, refused);
    }
    w->nactive++;
    if (cold) {
        /* Pacemaker moves a VirtualDomain without allow-migrate by stopping
         * it and starting it elsewhere (sources.md row 21) */
        st->active = mig_start_restart(w->s, &sc->vms[vm], vm, st->host, to, sc->cluster.vm_stop,
                                       sc->cluster.vm_start, on_mig_done, w);
        world_assume(w, AS_CL_VM_STOP, -1);
        world_assume(w, AS_CL_VM_START, -1);
        if (w->so->gate)
            mig_set_gate(st->active, storage_gate, w);
    } else {
        int net = mig_network(&sc->vms[vm]);
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
        mig_ends ends = { st->host, to, sc->hosts[st->host].cores, sc->hosts[to].cores };
        st->active = mig_start(w->s, w->net, path, npath, &sc->vms[vm], vm, ends, !w->so->shared, on_mig_done, w);
        assume_live_start(w, vm, st->active, path, npath);
        /* the storage's part of the switchover (locks, flush): storage.switchover */
        mig_set_handover(st->active, sc->storage.switchover);
        if (w->sweep_phase >= 0)
            mig_set_sweep_phase(st->active, w->sweep_phase);
        mig_set_every_window(st->active, w->every_window);
        if (w->so->gate)
            mig_set_gate(st->active, storage_gate, w);
    }
    usage_sync(w, vm);
    g_ptr_array_add(w->migs, st->active);
    return true;
}

/* An operator's move: through the cluster manager, or by hand (virsh). */
static void operator_move(world *w, int vm, int to)
{
    if (w->co && w->co->operator_move && w->co->operator_move(w->cl, w, vm, to))
        return;
    if (to < 0 && w->vms[vm].host >= 0) {
        to = world_place(w, vm, w->vms[vm].host, -1);
        world_assume(w, AS_HOST_MEMORY, -1); /* the host with the most free memory */
    }
    /* an operator's request refused is in the report, not only the trace */
    if (!world_migrate(w, vm, to, false))
        world_warn(w, "at %.9g s, the move of %s%s%s was refused: %s", sim_to_s(sim_now(w->s)), w->sc->vms[vm].name,
                   to >= 0 ? " to " : "", to >= 0 ? w->sc->hosts[to].name : "", w->refusal);
}

/* ------------------------------------------------------------------ incidents */

size_t world_nincidents(const world *w) { return w->incidents->len; }

const world_incident *world_incident_get(const world *w, size_t i)
{
    return &g_array_index(w->incidents, world_incident, i);
}

int world_incident_open(world *w, const char *kind, const char *resource, int vm)
{
    world_incident in = { kind, g_strdup(resource), vm, sim_now(w->s), -1, 0, 0, 0 };
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

world_incident *world_incident_at(world *w, int idx)
{
    return &g_array_index(w->incidents, world_incident, idx);
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
    int h;
    const char *why;
} reboot_job;

static void rebooted(sim *s, void *arg)
{
    (void)s;
    reboot_job *j = arg;
    if (!j->w->ended) {
        /* a node fenced while it was rebooting comes back after the fence's power cycle */
        apply_target(j->w, &(scn_target){ .kind = TARGET_HOST, .host = j->h }, false);
        if (j->w->host_up[j->h]) {
            g_autofree char *t = g_strdup_printf("host:%s", j->w->sc->hosts[j->h].name);
            world_note(j->w, "rebooted", t, j->why);
        }
    }
}

void world_host_reset(world *w, int h, const char *why)
{
    if (!w->host_up[h])
        return;
    g_autofree char *t = g_strdup_printf("host:%s", w->sc->hosts[h].name);
    world_note(w, "host-reset", t, why);
    apply_target(w, &(scn_target){ .kind = TARGET_HOST, .host = h }, true);
    reboot_job *j = world_job(w, sizeof(reboot_job));
    *j = (reboot_job){ w, h, "after its reset" };
    world_assume(w, AS_CL_REBOOT_TIME, -1);
    sim_after(w->s, w->sc->cluster.reboot_time, rebooted, j);
}

void world_fence(world *w, int h, const char *why)
{
    g_autofree char *t = g_strdup_printf("host:%s", w->sc->hosts[h].name);
    world_note(w, "fenced", t, why);
    world_incident_close(w, &(int){ world_incident_open(w, "fenced", t, -1) });
    apply_target(w, &(scn_target){ .kind = TARGET_HOST, .host = h }, true);
    reboot_job *j = world_job(w, sizeof(reboot_job));
    *j = (reboot_job){ w, h, "after STONITH (stonith-action reboot)" };
    world_assume(w, AS_CL_FENCE_TIME, -1);
    world_assume(w, AS_CL_REBOOT_TIME, -1);
    sim_after(w->s, w->sc->cluster.fence_time + w->sc->cluster.reboot_time, rebooted, j);
}

/* A disk hangs (mode "hang") or its hang ends (repair): its IO waits
 * instead of failing; the storage design decides what that stalls. */
static void disk_hang(world *w, const scn_target *target, bool hung)
{
    int h, k;
    scenario_target_disk(w->sc, target, &h, &k);
    bool *flag = &w->disk_hung[w->sc->hosts[h].first_osd + k];
    if (*flag == hung)
        return;
    *flag = hung;
    storage_changed(w, &(world_change){ .kind = WORLD_DISK, .host = h, .disk = k, .vm = -1, .down = hung, .hang = true });
}

/* Fails or repairs a target. */
static void apply_target(world *w, const scn_target *target, bool fail)
{
    const scenario *sc = w->sc;
    world_change c = { .kind = WORLD_LINK, .host = -1, .disk = -1, .vm = -1, .down = fail };
    switch (target->kind) {
    case TARGET_NETWORK:
        for (size_t h = 0; h < sc->nhosts; h++)
            set_nic(w, nic(w, (int)h, target->network), !fail);
        break;
    case TARGET_NIC:
        set_nic(w, nic(w, target->host, target->network), !fail);
        break;
    case TARGET_HOST: {
        int h = target->host;
        bool was_up = w->host_up[h];
        if (fail)
            w->host_down[h]++;
        else if (w->host_down[h] > 0)
            w->host_down[h]--;
        w->host_up[h] = w->host_down[h] == 0;
        if (was_up == w->host_up[h])
            return; /* still down for another reason, or already up */
        for (size_t n = 0; n < sc->nnetworks; n++)
            set_nic(w, nic(w, h, (int)n), !fail);
        if (fail) {
            for (size_t i = 0; i < w->migs->len; i++) {
                mig *m = g_ptr_array_index(w->migs, i);
                const mig_result *r = mig_get_result(m);
                if (mig_active(m) && (r->from == h || r->to == h))
                    mig_host_failed(m);
            }
            g_autofree char *name = scenario_target_name(sc, target);
            for (size_t i = 0; i < sc->nvms; i++)
                if (w->vms[i].host == h)
                    world_vm_down(w, (int)i, "vm-down", name);
        }
        c.kind = WORLD_HOST;
        c.host = h;
        break;
    }
    case TARGET_DISK:
    case TARGET_OSD: {
        int h, k;
        scenario_target_disk(sc, target, &h, &k);
        int *cnt = &w->disk_down[sc->hosts[h].first_osd + k];
        bool was_up = *cnt == 0;
        if (fail)
            (*cnt)++;
        else if (*cnt > 0)
            (*cnt)--;
        c.kind = WORLD_DISK;
        c.host = h;
        c.disk = k;
        if (was_up == (*cnt == 0))
            c.disk = -1; /* no change to that disk: the others only re-check */
        break;
    }
    case TARGET_MON:
    case TARGET_STORAGE_SERVER:
        if (w->so->apply_target && w->so->apply_target(w->st, w, target, fail)) {
            c.kind = WORLD_TARGET;
        } else {
            g_autofree char *name = scenario_target_name(sc, target);
            world_warn(w, "failure target \"%s\" means nothing with storage %s: ignored", name, w->so->name);
        }
        break;
    }
    storage_changed(w, &c);
    cluster_changed(w, &c); /* a node, or the links between nodes, changed */
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
        operator_move(w, ev->vm, ev->to);
        break;
    case EV_UNDRAIN: {
        /* back from maintenance: it may receive VMs again; nothing moves
         * back by itself unless the cluster manager decides so */
        int rack = ev->rack >= 0 ? sc->hosts[ev->rack].rack_id : -1;
        const char *name = rack >= 0 ? sc->hosts[ev->rack].rack : sc->hosts[ev->host].name;
        bool any = false;
        for (size_t h = 0; h < sc->nhosts; h++)
            if ((rack >= 0 ? sc->hosts[h].rack_id == rack : (int)h == ev->host) && w->draining[h]) {
                w->draining[h] = false;
                any = true;
                if (w->co && w->co->unstandby)
                    w->co->unstandby(w->cl, w, (int)h);
            }
        if (!any)
            world_warn(w, "at %.9g s, undrain of %s, which is not drained: nothing to undo", sim_to_s(sim_now(w->s)),
                       name);
        world_note(w, "undrain", name, NULL);
        break;
    }
    case EV_DRAIN: {
        /* a whole rack, or one host: none of them receives VMs meanwhile */
        int rack = ev->rack >= 0 ? sc->hosts[ev->rack].rack_id : -1;
        bool fresh = false, node = false;
        for (size_t h = 0; h < sc->nhosts; h++)
            if (rack >= 0 ? sc->hosts[h].rack_id == rack : (int)h == ev->host) {
                fresh |= !w->draining[h];
                node |= world_is_node(w, (int)h);
                w->draining[h] = true;
            }
        if (!node)
            world_warn(w, "at %.9g s, drain of %s, which runs no VMs (the storage server or the quorum device's host): "
                          "it changes nothing",
                       sim_to_s(sim_now(w->s)), rack >= 0 ? sc->hosts[ev->rack].rack : sc->hosts[ev->host].name);
        if (!fresh)
            world_warn(w, "at %.9g s, drain of %s, which is already drained (an undrain ends a drain): its VMs are "
                          "moved away again if any came back",
                       sim_to_s(sim_now(w->s)), rack >= 0 ? sc->hosts[ev->rack].rack : sc->hosts[ev->host].name);
        world_note(w, "drain", rack >= 0 ? sc->hosts[ev->rack].rack : sc->hosts[ev->host].name, NULL);
        if (w->co && w->co->standby && w->co->standby(w->cl, w))
            break; /* the cluster moves them (standby) */
        for (size_t i = 0; i < sc->nvms; i++)
            if (w->vms[i].host >= 0 && w->draining[w->vms[i].host] &&
                (rack >= 0 ? sc->hosts[w->vms[i].host].rack_id == rack : w->vms[i].host == ev->host))
                operator_move(w, (int)i, -1);
        break;
    }
    case EV_CANCEL:
        if (w->vms[ev->vm].active)
            mig_cancel(w->vms[ev->vm].active);
        break;
    case EV_FAIL:
    case EV_REPAIR:
        world_note(w, ev->action == EV_FAIL ? "fail" : "repair", ev->target, ev->hang ? "hang" : NULL);
        int dh, dk;
        bool disk = ev->tgt.kind == TARGET_DISK || ev->tgt.kind == TARGET_OSD;
        if (disk)
            scenario_target_disk(sc, &ev->tgt, &dh, &dk);
        if (ev->hang)
            disk_hang(w, &ev->tgt, true);
        else if (ev->action == EV_REPAIR && disk && world_disk_hung(w, dh, dk))
            disk_hang(w, &ev->tgt, false);
        else
            apply_target(w, &ev->tgt, ev->action == EV_FAIL);
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
        world_storage_update(w);
        cluster_changed(w, &(world_change){ .kind = WORLD_LINK, .host = -1, .disk = -1, .vm = -1 });
        break;
    case EV_SET:
        break; /* reported as not simulated when the world was built */
    }
}

/* ------------------------------------------------------------------ link samples */

static void sample_links(sim *s, void *arg)
{
    struct world_sampler *sp = arg;
    world *w = sp->w;
    const scenario *sc = w->sc;
    double now = sim_to_s(sim_now(s));
    g_array_append_val(sp->t, now);
    size_t nn = sc->nhosts * sc->nnetworks, nu = sc->nracks * sc->nnetworks;
    for (size_t i = 0; i < nn + 2 * nu; i++) {
        /* the hosts' NICs (sending side), then the racks' uplinks: out, in */
        nic_links *l = i < nn ? &w->nics[i] : &w->uplinks[(i - nn) % (nu ? nu : 1)];
        flow_link *fl = i < nn || i < nn + nu ? l->tx : l->rx;
        double tr = !fl ? 0 : sp->settle ? flow_link_flow_rate(w->net, fl) : flow_link_current_rate(fl);
        double bg = fl ? flow_link_background_rate(fl) : 0;
        g_array_append_val(sp->transfer, tr);
        g_array_append_val(sp->steady, bg);
    }
    if (!w->ended && sim_now(s) + sp->every <= sp->until)
        sim_after(s, sp->every, sample_links, sp);
    else /* one background event fewer */
        sim_set_idle(s, !sc->until_set, --w->sampling);
}

static void sampler_start(world *w, struct world_sampler *sp, sim_time interval, sim_time until, bool settle)
{
    *sp = (struct world_sampler){ w, interval > 0 ? interval : SIM_S, until, settle,
                                  g_array_new(FALSE, FALSE, sizeof(double)), g_array_new(FALSE, FALSE, sizeof(double)),
                                  g_array_new(FALSE, FALSE, sizeof(double)) };
}

void world_sample_links(world *w, sim_time interval)
{
    sampler_start(w, &w->sampler[0], interval, w->sc->until, true);
}

void world_sample_chart_links(world *w, sim_time interval, sim_time until)
{
    /* it reads the rates as they are: settling a re-rating early could
     * split it (flow_sent's comment in sim/flow.c), and the charts must not
     * change the report */
    sampler_start(w, &w->sampler[1], interval, MIN(until, w->sc->until), false);
}

static world_link_samples *take_samples(world *w, struct world_sampler *sp)
{
    if (!sp->t)
        return NULL;
    const scenario *sc = w->sc;
    world_link_samples *s = g_new0(world_link_samples, 1);
    size_t nn = sc->nhosts * sc->nnetworks, nu = sc->nracks * sc->nnetworks, n = nn + 2 * nu, nt = sp->t->len;
    s->nlinks = n;
    s->nt = nt;
    s->names = g_new0(char *, n);
    s->capacity = g_new0(double, n);
    s->t = g_memdup2(sp->t->data, nt * sizeof(double));
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
            s->transfer[i * nt + k] = g_array_index(sp->transfer, double, k * n + i);
            s->steady[i * nt + k] = g_array_index(sp->steady, double, k * n + i);
        }
    }
    return s;
}

world_link_samples *world_take_link_samples(world *w) { return take_samples(w, &w->sampler[0]); }

world_link_samples *world_take_chart_link_samples(world *w) { return take_samples(w, &w->sampler[1]); }

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
void world_set_sweep_phase(world *w, double q) { w->sweep_phase = q; }
void world_set_every_window(world *w, bool on) { w->every_window = on; }

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
        /* within the run: a switchover under way at the end may finish up
         * to an hour later, if the VM was paused before the end */
        sim_time horizon = r->stop >= 0 && r->stop <= sc->until ? sim_time_add(sc->until, SIM_HOUR) : sc->until;
        if (r->start < 0 || r->start > sc->until || r->end > horizon ||
            (r->resume >= 0 && r->resume > horizon))
            g_ptr_array_add(v, g_strdup_printf("migration %zu of %s lies outside the run (start %.9g s, end %.9g s, "
                                               "until %.9g s)",
                                               i, sc->vms[r->vm].name, sim_to_s(r->start), sim_to_s(r->end),
                                               sim_to_s(sc->until)));
        if (r->outcome == MIG_COMPLETED && (r->resume < r->stop || r->end < r->start))
            g_ptr_array_add(v, g_strdup_printf("migration %zu of %s ends before it starts", i, sc->vms[r->vm].name));
        /* the guest is paused within the migration: it cannot be paused longer
         * than the migration lasts (up to the resume) */
        if (r->outcome == MIG_COMPLETED && !r->restart && r->stop >= 0 && r->downtime > r->resume - r->start)
            g_ptr_array_add(v, g_strdup_printf("migration %zu of %s was paused longer than it lasted", i,
                                               sc->vms[r->vm].name));
        if (r->outcome == MIG_COMPLETED && !r->restart && r->postcopy_switch < 0 && r->stop >= 0 && r->resume >= 0 &&
            r->end > r->resume) /* postcopy resumes it on the destination first */
            g_ptr_array_add(v, g_strdup_printf("migration %zu of %s resumed its VM before it ended", i,
                                               sc->vms[r->vm].name));
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
        if (s->second < 0)
            continue;
        bool said = false;
        for (size_t k = 0; k < world_nincidents(w); k++) {
            const world_incident *in = world_incident_get(w, k);
            said |= in->vm == (int)i && !strcmp(in->kind, "double-writer");
        }
        if (!said)
            g_ptr_array_add(v, g_strdup_printf("%s runs on two hosts with no incident", sc->vms[i].name));
    }
    /* the hosts' usage kept along the run is what a recount gives */
    g_autofree double *used = hosts_used(w);
    for (size_t h = 0; h < sc->nhosts; h++) {
        if (used[h] != w->used[h])
            g_ptr_array_add(v, g_strdup_printf("host %s: %.0f bytes of VMs counted along the run, %.0f recounted",
                                               sc->hosts[h].name, w->used[h], used[h]));
    }
    return v->len - n0;
}

sim_time world_end_time(const world *w) { return w->end; }

sim_time world_last_activity(const world *w)
{
    sim_time last = 0;
    for (guint i = 0; i < w->migs->len; i++) {
        const mig_result *m = mig_get_result(g_ptr_array_index(w->migs, i));
        last = MAX(last, m->resume >= 0 ? m->resume : m->end >= 0 ? m->end : m->start);
        last = MAX(last, m->end);
    }
    for (size_t i = 0; i < world_nincidents(w); i++) {
        const world_incident *in = world_incident_get(w, i);
        last = MAX(last, in->start);
        if (in->end >= 0 && in->end < w->end)
            last = MAX(last, in->end);
    }
    for (guint i = 0; w->events && i < w->events->len; i++)
        last = MAX(last, g_array_index(w->events, world_event, i).t);
    return last;
}

void world_set_progress(world *w, sim_progress_fn fn, void *arg) { sim_set_progress(w->s, fn, arg); }

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
        else
            world_warn(w, "events[%zu] at %.9g s is after the end of the run (until %.9g s): not simulated", i,
                       sim_to_s(sc->events[i].at), sim_to_s(sc->until));
    }
    if (w->so->start)
        w->so->start(w->st, w);
    w->sampling = 0;
    for (int k = 0; k < 2; k++)
        if (w->sampler[k].t) {
            sim_at(w->s, 0, sample_links, &w->sampler[k]);
            w->sampling++;
        }
    sim_set_max_events(w->s, sc->max_events);
    /* without `until`: until nothing but the samplers are left, `until`
     * (a day, set by the commands) bounding what never settles */
    sim_set_idle(w->s, !sc->until_set, w->sampling);
    sim_run_result rr = sim_run(w->s, sc->until);
    sim_set_idle(w->s, false, 0);
    w->end = rr == SIM_RUN_UNTIL ? sc->until : sim_now(w->s);
    if (!sc->until_set && rr == SIM_RUN_UNTIL)
        world_warn(w, "the scenario sets no `until` and the run had not settled after %s of simulated time: it stops "
                      "there (set `until` to choose the end)",
                   sc->until == SIM_DAY ? "24 h" : "the commands' bound");
    if (rr == SIM_RUN_MAX_EVENTS)
        w->stop_reason = "max_events";
    else if (rr == SIM_RUN_CANCELLED)
        w->stop_reason = "interrupted";
    w->ended = true;
    if (w->failures)
        failure_set_stop(w->failures); /* nothing fails after the end */
    if (w->so->stop)
        w->so->stop(w->st, w);
    if (w->co)
        w->co->stop(w->cl, w);
    for (guint i = 0; i < w->incidents->len; i++) {
        world_incident *in = &g_array_index(w->incidents, world_incident, i);
        if (in->end < 0)
            in->end = sim_now(w->s);
    }
    /* what is still open ends with the run; nothing reopens it */
    for (size_t i = 0; i < sc->nvms; i++)
        w->vms[i].down = w->vms[i].second_inc = -1;
    /* switchovers under way finish; iterating migrations have not converged */
    for (size_t i = 0; i < w->migs->len; i++) {
        mig *m = g_ptr_array_index(w->migs, i);
        if (mig_active(m) && mig_iterating(m)) {
            const mig_result *r = mig_get_result(m);
            if (!r->iterations->len) /* reported cancelled: say why */
                world_warn(w, "%s: its migration to %s was still in its first pass when the run ended (%.9g s): "
                              "reported cancelled; set a later `until` to see it end",
                           sc->vms[r->vm].name, sc->hosts[r->to].name, sim_to_s(sim_now(w->s)));
            mig_run_ended(m);
        }
    }
    if (!w->stop_reason) {
        /* switchovers under way finish (the budget is the run's, doubled) */
        sim_set_max_events(w->s, 2 * sc->max_events);
        sim_run(w->s, sim_time_add(sim_now(w->s), SIM_HOUR));
    }
    for (size_t i = 0; i < w->migs->len; i++) {
        mig *m = g_ptr_array_index(w->migs, i);
        if (mig_iterations_capped(m))
            world_warn(w, "%s: more than %d bitmap syncs in one migration; those beyond are summed into its last "
                          "iteration record",
                       sc->vms[mig_get_result(m)->vm].name, MIG_MAX_ITERATIONS);
        if (mig_active(m) && !mig_iterating(m))
            world_warn(w, "%s: its switchover did not finish within an hour after the end of the run: the VM stays "
                          "paused (reported not-converged)",
                       sc->vms[mig_get_result(m)->vm].name);
        mig_run_ended(m);
    }
    for (size_t i = 0; i < w->migs->len; i++) {
        const mig_result *r = mig_get_result(g_ptr_array_index(w->migs, i));
        assume_live_end(w, r);
        if (r->outcome == MIG_NOT_CONVERGED)
            warn_not_converged(w, r);
    }
    assume_run(w);
    /* what the extra time for switchovers opened ends with it too */
    for (guint i = 0; i < w->incidents->len; i++) {
        world_incident *in = &g_array_index(w->incidents, world_incident, i);
        if (in->end < 0)
            in->end = sim_now(w->s);
    }
    g_free(ctx);
}
