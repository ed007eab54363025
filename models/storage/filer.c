/* filer — the shared server of NFS and iSCSI designs.
 *
 * Every VM's disk IO goes to the server (facts section 4). A client that
 * cannot reach it (server down, its NIC or the network cut) blocks its IO:
 * a hard mount (the default) retries forever, so the guest hangs until the
 * server is back or an HA standby has taken over (`failover`); a soft mount
 * returns errors after timeo x (retrans + 1), which the guest sees as failed
 * writes (nfs(5) warns of silent data corruption). An iSCSI LUN holds the IO
 * for replacement_timeout, then fails it unless multipath queues it. */
#include "models/storage/filer.h"

typedef struct {
    flow_bg *io;        /* its disk writes on the way to the server */
    int blocked, error; /* open incidents, -1 if none */
    sim_event soft_timer;
    world *w;
    filer *f;
    int index;
} filer_vm;

struct filer {
    int srv;             /* the server's host; -1: an external filer or array on the storage network */
    char *label;         /* "nfs:SERVER", the incidents' resource */
    sim_time *lost_at;   /* when each host last lost the server */
    bool service_down;   /* "nfs-server" failed */
    bool failed_over;    /* an HA standby took over */
    sim_event failover_ev;
    filer_vm *vms;
};

filer *filer_new(world *w)
{
    const scenario *sc = world_scenario(w);
    filer *f = g_new0(filer, 1);
    f->srv = sc->storage.server_host;
    f->label = g_strdup_printf("%s:%s", scenario_storage_names[sc->storage.type],
                               sc->storage.server ? sc->storage.server : "external");
    f->lost_at = g_new0(sim_time, sc->nhosts);
    f->vms = g_new0(filer_vm, sc->nvms ? sc->nvms : 1);
    for (size_t i = 0; i < sc->nvms; i++)
        f->vms[i] = (filer_vm){ .blocked = -1, .error = -1, .w = w, .f = f, .index = (int)i };
    return f;
}

void filer_free(filer *f)
{
    if (!f)
        return;
    g_free(f->label);
    g_free(f->lost_at);
    g_free(f->vms);
    g_free(f);
}

bool filer_reachable(const filer *f, const world *w, int h)
{
    const scenario *sc = world_scenario(w);
    int srv = f->srv;
    /* no RAID is modelled: the server's data needs every one of its disks */
    bool disks_ok = true;
    for (int k = 0; srv >= 0 && k < sc->hosts[srv].disks; k++)
        disks_ok &= world_disk_up(w, srv, k);
    bool server_ok = ((srv < 0 || world_host_up(w, srv)) && !f->service_down && disks_ok) || f->failed_over;
    if (!server_ok)
        return false;
    int net = world_storage_network(w);
    /* an external server, or the standby that took over (neither a modelled
     * host), is reached over the client's own NIC, whatever the partition */
    if (srv < 0 || f->failed_over)
        return world_host_up(w, h) && world_nic_up(w, h, net);
    if (h == srv)
        return world_host_up(w, h);
    return world_hosts_reach(w, h, srv) && world_nic_up(w, srv, net) && world_nic_up(w, h, net);
}

sim_time filer_lost_at(const filer *f, int h) { return f->lost_at[h]; }

static void soft_timeout(sim *s, void *arg)
{
    (void)s;
    filer_vm *v = arg;
    v->soft_timer = 0;
    if (v->blocked >= 0 && v->error < 0)
        v->error = world_incident_open(v->w, "io-error", v->f->label, v->index);
}

void filer_update(filer *f, world *w)
{
    const scenario *sc = world_scenario(w);
    for (size_t h = 0; h < sc->nhosts; h++)
        if (!filer_reachable(f, w, (int)h) && (f->lost_at[h] == 0 || f->lost_at[h] < 0))
            f->lost_at[h] = world_now(w) ? world_now(w) : 1;
        else if (filer_reachable(f, w, (int)h))
            f->lost_at[h] = 0;
    for (size_t i = 0; i < sc->nvms; i++) {
        filer_vm *v = &f->vms[i];
        int host = world_vm_host(w, (int)i);
        bool blocked = host >= 0 && !filer_reachable(f, w, host);
        if (blocked && v->blocked < 0) {
            v->blocked = world_incident_open(w, "io-blocked", f->label, (int)i);
            if (sc->storage.soft)
                v->soft_timer = sim_after(world_sim(w), sc->storage.give_up, soft_timeout, v);
        } else if (!blocked && v->blocked >= 0) {
            world_incident_close(w, &v->blocked);
            world_incident_close(w, &v->error);
            sim_cancel(world_sim(w), v->soft_timer);
            v->soft_timer = 0;
        }
    }
}

/* The VM's disk writes cross its host's NIC and the server's on the storage
 * network: a steady background load (facts section 4: every VM's IO goes
 * through the server's NIC). Re-attached when the VM moves. */
void filer_attach(filer *f, world *w, int vm)
{
    const scenario *sc = world_scenario(w);
    filer_vm *v = &f->vms[vm];
    if (v->io) {
        flow_bg_free(world_net(w), v->io);
        v->io = NULL;
    }
    double rate = sc->vms[vm].disk_write_Bps;
    int host = world_vm_host(w, vm), net = world_storage_network(w);
    if (rate <= 0 || host < 0 || host == f->srv)
        return;
    if (!world_has_nic(w, host, net) || (f->srv >= 0 && !world_has_nic(w, f->srv, net)))
        return;
    flow_link *path[4];
    size_t np = f->srv >= 0 ? world_path(w, host, f->srv, net, path) : world_path_out(w, host, net, path);
    v->io = flow_bg_new(world_net(w), path, np, rate);
}

void filer_vm_gone(filer *f, world *w, int vm)
{
    filer_vm *v = &f->vms[vm];
    world_incident_close(w, &v->blocked);
    world_incident_close(w, &v->error);
    filer_attach(f, w, vm);
}

typedef struct {
    filer *f;
    world *w;
} failover_job;

static void failed_over(sim *s, void *arg)
{
    (void)s;
    failover_job *j = arg;
    filer *f = j->f;
    world *w = j->w;
    f->failover_ev = 0;
    f->failed_over = true;
    trace *tr = sim_trace(world_sim(w));
    if (trace_enabled(tr)) {
        trace_begin(tr, world_now(w), "nfs-failover", f->label);
        trace_end(tr);
    }
    filer_update(f, w);
}

void filer_server_changed(filer *f, world *w, bool down)
{
    const scenario *sc = world_scenario(w);
    if (down && sc->storage.failover > 0 && !f->failover_ev && !f->failed_over) {
        failover_job *j = world_job(w, sizeof(failover_job));
        *j = (failover_job){ f, w };
        f->failover_ev = sim_after(world_sim(w), sc->storage.failover, failed_over, j);
    }
    if (!down) {
        f->failed_over = false;
        if (f->failover_ev)
            sim_cancel(world_sim(w), f->failover_ev);
        f->failover_ev = 0;
    }
}

void filer_service(filer *f, world *w, bool down)
{
    f->service_down = down;
    filer_server_changed(f, w, down);
}

bool filer_is_server_change(const world *w, const world_change *c)
{
    int srv = world_scenario(w)->storage.server_host;
    return srv >= 0 && (c->kind == WORLD_HOST || (c->kind == WORLD_DISK && c->disk >= 0)) && c->host == srv;
}

void filer_stop(filer *f, world *w)
{
    for (size_t i = 0; i < world_scenario(w)->nvms; i++) {
        filer_vm *v = &f->vms[i];
        sim_cancel(world_sim(w), v->soft_timer);
        v->soft_timer = 0;
        v->blocked = v->error = -1;
    }
    sim_cancel(world_sim(w), f->failover_ev);
    f->failover_ev = 0;
}

mig_gate_answer filer_gate(const filer *f, world *w, int from, int to, mig_gate_point p, sim_time *deadline,
                           const char **why)
{
    const scn_storage *st = &world_scenario(w)->storage;
    bool ok = filer_reachable(f, w, to) && (p == MIG_GATE_OPEN || filer_reachable(f, w, from));
    if (ok)
        return MIG_GATE_GO;
    *why = p == MIG_GATE_OPEN ? "the destination cannot reach the storage server to open the disk"
                              : "the switchover flushes and reopens the disk, and the storage server cannot be reached";
    if (st->soft)
        *deadline = world_now(w) + st->give_up;
    return MIG_GATE_WAIT;
}
