/* filer — the shared server of NFS and iSCSI designs.
 *
 * Every VM's disk IO goes to the server (sources.md 4). A host that
 * cannot reach it (server down, its NIC or the network cut) blocks its IO:
 * - NFS (sources.md row 26, nfs(5); Linux fs/nfs/client.c nfs_init_timeout_values,
 *   net/sunrpc/xprt.c xprt_adjust_timeout): an RPC is sent again after
 *   timeo, then after timeo more at each retry (linear backoff), until the
 *   major timeout timeo x (retrans + 1), when a hard mount starts the same
 *   cycle again and a soft one returns an error. When the server is back,
 *   the client resumes at its next TCP retransmission (nfs_resume_at), not
 *   at once;
 * - iSCSI (sources.md 3.3, open-iscsi): the session is declared failed when its
 *   NOP-Out pings go unanswered (sent every 5 s, 5 s timeout: 5-10 s after
 *   the cut, a phase drawn per host), IO is then held for
 *   replacement_timeout and failed up unless multipath queues it
 *   (no_path_retry queue); it resumes when the target answers again.
 * An HA standby (`failover`) takes over after its failover time. IO errors
 * and their incidents are per host (a mount, a session); a lock layer may
 * also withdraw a host's file system (filer_withdraw). */
#include "models/storage/filer.h"

#include <gsl/gsl_rng.h>

#include "models/client.h"

/* open-iscsi: noop_out_interval 5 s, noop_out_timeout 5 s (usr/initiator.h) */
#define NOOP_INTERVAL (5 * SIM_S)
#define NOOP_TIMEOUT (5 * SIM_S)

typedef struct {
    flow_bg *io;        /* its disk writes on the way to the server */
    int blocked, error; /* open incidents, -1 if none */
} filer_vm;

typedef struct filer_host filer_host;

struct filer_host {
    filer *f;
    world *w;
    int h;
    sim_time lost_at;   /* when it lost the server (0 while it reaches it and has resumed) */
    bool errored;       /* its IO fails (soft mount, or no queueing) */
    bool withdrawn;     /* its file system withdrew: IO fails until it reboots */
    sim_event error_ev, resume_ev;
};

struct filer {
    int srv;             /* the server's host; -1: an external filer or array on the storage network */
    bool nfs;            /* NFS (RPC retransmissions) rather than iSCSI */
    char *label;         /* "nfs:SERVER", the incidents' resource */
    filer_host *hosts;
    bool service_down;   /* "storage-server" failed */
    bool failed_over;    /* an HA standby took over */
    sim_event failover_ev;
    filer_vm *vms;
    filer_error_fn on_error;
    void *on_error_arg;
};

filer *filer_new(world *w)
{
    const scenario *sc = world_scenario(w);
    filer *f = g_new0(filer, 1);
    f->srv = sc->storage.server_host;
    f->nfs = sc->storage.type == STORAGE_NFS;
    f->label = g_strdup_printf("%s:%s", scenario_storage_names[sc->storage.type],
                               sc->storage.server ? sc->storage.server : "external");
    f->hosts = g_new0(filer_host, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        f->hosts[h] = (filer_host){ .f = f, .w = w, .h = (int)h };
    f->vms = g_new0(filer_vm, sc->nvms ? sc->nvms : 1);
    for (size_t i = 0; i < sc->nvms; i++)
        f->vms[i] = (filer_vm){ .blocked = -1, .error = -1 };
    return f;
}

void filer_free(filer *f)
{
    if (!f)
        return;
    g_free(f->label);
    g_free(f->hosts);
    g_free(f->vms);
    g_free(f);
}

void filer_on_error(filer *f, filer_error_fn fn, void *arg)
{
    f->on_error = fn;
    f->on_error_arg = arg;
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

bool filer_errored(const filer *f, int h) { return f->hosts[h].errored || f->hosts[h].withdrawn; }

/* Host h's IO to the server flows: it reaches the server and its client
 * has resumed (an NFS client only at its next retransmission). */
static bool flows(const filer *f, const world *w, int h)
{
    return f->hosts[h].lost_at == 0 && filer_reachable(f, w, h);
}

/* The VMs of each host block, fail or go on as their host's state says. */
static void sync_vms(filer *f, world *w)
{
    const scenario *sc = world_scenario(w);
    for (size_t i = 0; i < sc->nvms; i++) {
        filer_vm *v = &f->vms[i];
        int host = world_vm_host(w, (int)i);
        const filer_host *fh = host >= 0 ? &f->hosts[host] : NULL;
        bool blocked = fh && (fh->lost_at > 0 || fh->withdrawn);
        bool error = fh && (fh->errored || fh->withdrawn);
        if (blocked && v->blocked < 0)
            v->blocked = world_incident_open(w, "io-blocked", f->label, (int)i);
        if (error && v->error < 0)
            v->error = world_incident_open(w, "io-error", fh->withdrawn ? "fs:withdrawn" : f->label, (int)i);
        if (!error)
            world_incident_close(w, &v->error);
        if (!blocked)
            world_incident_close(w, &v->blocked);
    }
}

static void host_error(sim *s, void *arg)
{
    (void)s;
    filer_host *fh = arg;
    fh->error_ev = 0;
    if (world_ended(fh->w) || fh->lost_at <= 0)
        return;
    fh->errored = true;
    if (fh->f->on_error)
        fh->f->on_error(fh->f->on_error_arg, fh->w, fh->h);
    sync_vms(fh->f, fh->w);
}

static void host_resumed(sim *s, void *arg)
{
    (void)s;
    filer_host *fh = arg;
    fh->resume_ev = 0;
    if (world_ended(fh->w) || !filer_reachable(fh->f, fh->w, fh->h))
        return;
    fh->lost_at = 0;
    fh->errored = false;
    sync_vms(fh->f, fh->w);
    world_storage_update(fh->w); /* moves waiting for this client go on */
}

/* When an NFS client that lost the server at t0 gets through again, the
 * server being back at now. The RPC rides one TCP connection whose user
 * timeout is timeo x (retrans + 1) (Linux net/sunrpc/xprtsock.c
 * xs_tcp_set_socket_timeouts): until then TCP retransmits the lost segment
 * at doubling intervals from 200 ms, and the first retransmission that
 * reaches the server resumes the IO (a rebooted or failed-over server
 * answers it with a reset, and the client reconnects at once). Past the user
 * timeout the connection is dropped and the client connects again: SYNs
 * 1, 3, 7, 15, 31 and 63 s into an attempt, which fails at 127 s and is
 * retried at once (TCP_TIMEOUT_INIT 1 s, tcp_syn_retries 6; the reconnect
 * back-off, 3 s doubling, runs from the previous attempt's start). */
static sim_time nfs_resume_at(const scn_storage *st, sim_time t0, sim_time now)
{
    sim_time d = now - t0, user = st->timeo * (st->retrans + 1);
    if (d <= 0)
        return now;
    if (d < user)
        return t0 + MIN(client_tcp_retransmission(200 * SIM_MS, d), user);
    sim_time attempt = 127 * SIM_S, into = (d - user) % attempt, start = now - into;
    for (int k = 0; k <= 6; k++) {
        sim_time syn = ((sim_time)1 << k) - 1;
        if (syn * SIM_S >= into)
            return start + syn * SIM_S;
    }
    return start + attempt;
}

void filer_update(filer *f, world *w)
{
    const scenario *sc = world_scenario(w);
    const scn_storage *st = &sc->storage;
    for (size_t h = 0; h < sc->nhosts; h++) {
        filer_host *fh = &f->hosts[h];
        bool reach = filer_reachable(f, w, (int)h);
        if (!reach && (fh->lost_at == 0 || fh->resume_ev)) {
            if (fh->resume_ev) { /* lost again before it resumed */
                sim_cancel(world_sim(w), fh->resume_ev);
                fh->resume_ev = 0;
            } else {
                fh->lost_at = world_now(w) ? world_now(w) : 1;
                /* what the client does without its server */
                static const assume_id nfs[] = { AS_ST_MOUNT, AS_ST_TIMEO, AS_ST_RETRANS };
                static const assume_id iscsi[] = { AS_ST_NO_PATH_RETRY, AS_ST_REPLACEMENT_TIMEOUT };
                for (size_t i = 0; i < (f->nfs ? G_N_ELEMENTS(nfs) : G_N_ELEMENTS(iscsi)); i++)
                    world_assume(w, f->nfs ? nfs[i] : iscsi[i], -1);
            }
            if (st->soft && !fh->error_ev && !fh->errored) {
                sim_time detect = 0;
                if (!f->nfs) { /* the session fails when a NOP-Out goes unanswered */
                    double u = gsl_rng_uniform(sim_stream(world_sim(w), "iscsi-noop"));
                    detect = NOOP_TIMEOUT + (sim_time)(u * (double)NOOP_INTERVAL);
                }
                /* from the first loss: a retransmission in between did not get through */
                fh->error_ev = sim_at(world_sim(w), MAX(world_now(w), fh->lost_at + detect + st->give_up),
                                      host_error, fh);
            }
        } else if (reach && fh->lost_at > 0 && !fh->resume_ev) {
            sim_cancel(world_sim(w), fh->error_ev);
            fh->error_ev = 0;
            sim_time at = f->nfs ? nfs_resume_at(st, fh->lost_at, world_now(w)) : world_now(w);
            if (at > world_now(w)) {
                fh->resume_ev = sim_at(world_sim(w), at, host_resumed, fh);
            } else {
                fh->lost_at = 0;
                fh->errored = false;
            }
        }
    }
    sync_vms(f, w);
}

void filer_withdraw(filer *f, world *w, int h, bool on)
{
    if (f->hosts[h].withdrawn == on)
        return;
    f->hosts[h].withdrawn = on;
    sync_vms(f, w);
}

/* The VM's disk writes cross its host's NIC and the server's on the storage
 * network: a steady background load (sources.md 4: every VM's IO goes
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
    if (down)
        world_assume(w, AS_ST_FAILOVER, -1);
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

mig_gate_answer filer_gate(const filer *f, world *w, int from, int to, mig_gate_point p, sim_time *deadline,
                           const char **why)
{
    const scn_storage *st = &world_scenario(w)->storage;
    if (f->hosts[to].withdrawn || (p == MIG_GATE_SWITCHOVER && f->hosts[from].withdrawn)) {
        *why = "a cluster file system withdrawn after an IO error cannot open or flush the disk";
        return MIG_GATE_FAIL;
    }
    bool ok = flows(f, w, to) && (p == MIG_GATE_OPEN || flows(f, w, from));
    if (ok)
        return MIG_GATE_GO;
    *why = p == MIG_GATE_OPEN ? "the destination cannot reach the storage server to open the disk"
                              : "the switchover flushes and reopens the disk, and the storage server cannot be reached";
    if (st->soft)
        *deadline = world_now(w) + st->give_up;
    return MIG_GATE_WAIT;
}

void filer_stop(filer *f, world *w)
{
    const scenario *sc = world_scenario(w);
    for (size_t h = 0; h < sc->nhosts; h++) {
        sim_cancel(world_sim(w), f->hosts[h].error_ev);
        sim_cancel(world_sim(w), f->hosts[h].resume_ev);
        f->hosts[h].error_ev = f->hosts[h].resume_ev = 0;
    }
    for (size_t i = 0; i < sc->nvms; i++)
        f->vms[i].blocked = f->vms[i].error = -1;
    sim_cancel(world_sim(w), f->failover_ev);
    f->failover_ev = 0;
}
