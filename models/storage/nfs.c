/* nfs — the shared server of NFS and iSCSI designs. */
#include "models/storage/nfs.h"

#include <string.h>

/* ------------------------------------------------------------------ NFS
 *
 * Every VM's disk IO goes to the NFS server (facts section 4). A client that
 * cannot reach it (server down, its NIC or the network cut) blocks its IO:
 * a hard mount (the default) retries forever, so the guest hangs until the
 * server is back or an HA standby has taken over (`failover`); a soft mount
 * returns errors after timeo x (retrans + 1), which the guest sees as failed
 * writes (nfs(5) warns of silent data corruption). */

bool nfs_reachable(world *w, int h)
{
    int srv = w->sc->storage.server_host;
    /* no RAID is modelled: the server's data needs every one of its disks */
    bool disks_ok = true;
    for (int k = 0; k < w->sc->hosts[srv].disks; k++)
        disks_ok &= world_disk_up(w, srv, k);
    bool server_ok = (w->host_up[srv] && !w->nfs_service_down && disks_ok) || w->nfs_failed_over;
    if (!server_ok)
        return false;
    int net = world_storage_network(w);
    if (w->nfs_failed_over) /* the standby (not a modelled host) is reached over the client's NIC */
        return w->host_up[h] && world_link_up(world_nic(w, h, net));
    if (h == srv)
        return w->host_up[h];
    return world_hosts_reach(w, h, srv) && world_link_up(world_nic(w, srv, net)) && world_link_up(world_nic(w, h, net));
}

static void soft_timeout(sim *s, void *arg);

void nfs_update(world *w)
{
    if (!w->nfs)
        return;
    g_autofree char *res = g_strdup_printf("%s:%s", scenario_storage_names[w->sc->storage.type], w->sc->storage.server);
    for (size_t h = 0; h < w->sc->nhosts; h++)
        if (!nfs_reachable(w, (int)h) && (w->lost_at[h] == 0 || w->lost_at[h] < 0))
            w->lost_at[h] = sim_now(w->s) ? sim_now(w->s) : 1;
        else if (nfs_reachable(w, (int)h))
            w->lost_at[h] = 0;
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        bool blocked = v->host >= 0 && !nfs_reachable(w, v->host);
        if (blocked && v->io_blocked < 0) {
            v->io_blocked = world_incident_open(w, "io-blocked", res, (int)i);
            if (w->sc->storage.soft) {
                v->soft_timer = sim_after(w->s, w->sc->storage.give_up, soft_timeout, v);
            }
        } else if (!blocked && v->io_blocked >= 0) {
            world_incident_close(w, &v->io_blocked);
            world_incident_close(w, &v->io_error);
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
        g_autofree char *res = g_strdup_printf("%s:%s", scenario_storage_names[w->sc->storage.type], w->sc->storage.server);
        v->io_error = world_incident_open(w, "io-error", res, v->index);
    }
}

/* The VM's disk writes cross its host's NIC and the server's on the storage
 * network: a steady background load (facts section 4: every VM's IO goes
 * through the server's NIC). Re-attached when the VM moves. */
void nfs_io_attach(world *w, int vm)
{
    vm_state *v = &w->vms[vm];
    if (v->io) {
        flow_bg_free(w->net, v->io);
        v->io = NULL;
    }
    double rate = w->sc->vms[vm].disk_write_Bps;
    int srv = w->sc->storage.server_host, net = world_storage_network(w);
    if (!w->nfs || rate <= 0 || v->host < 0 || v->host == srv)
        return;
    nic_links *c = world_nic(w, v->host, net), *s = world_nic(w, srv, net);
    if (!c->tx || !s->rx)
        return;
    flow_link *path[4];
    size_t np = world_path(w, v->host, srv, net, path);
    v->io = flow_bg_new(w->net, path, np, rate);
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
void nfs_server_changed(world *w, bool down)
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

void nfs_stop(world *w)
{
    for (size_t i = 0; i < w->sc->nvms; i++) {
        sim_cancel(w->s, w->vms[i].soft_timer);
        w->vms[i].soft_timer = 0;
    }
    sim_cancel(w->s, w->nfs_failover_ev);
    w->nfs_failover_ev = 0;
}
