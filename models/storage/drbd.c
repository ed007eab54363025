/* drbd — DRBD replication of the VMs' disks.
 *
 * One resource ("r0") holds every VM's disk and every host is one of its
 * nodes: two with 8.x, a full mesh with 9 (facts 1.3). A node is primary
 * while VMs run on it (dual-primary lets both of a pair be, as live
 * migration needs: facts 1.2). Each node's writes stream to every peer it is
 * connected to on the replication network.
 *
 * Losing a peer is declared after `timeout` (6 s) when writes are in
 * flight, else after ping-int + ping-timeout (10.5 s); a link that comes
 * back reconnects at once (DRBD retries every connect-int, 10 s: assumption
 * that the first try succeeds). With protocol B or C the writes of a node
 * waiting for that verdict block (they need the peer's ack: facts 1.1, 1.9).
 *
 * Once disconnected, each connected set of nodes goes on alone:
 * - DRBD 9 quorum: a set without quorum (majority, all, or a number of
 *   nodes) freezes its primaries' IO (on-no-quorum suspend-io) or fails it
 *   (io-error); it never diverges (facts 1.4);
 * - fencing dont-care: nothing stops the sets; if two of them write, the
 *   data diverges: a split brain from the cut;
 * - resource-only: with Pacemaker and the cluster still connected,
 *   crm-fence-peer places its constraint after fence_peer_time; the loser of
 *   that race is demoted, so Pacemaker stops its VMs and starts them on the
 *   winner. Writes during the race still diverge (facts 1.9);
 * - resource-and-stonith: every primary that lost a peer freezes its IO; after
 *   fence_time the peer is fenced (a race when both are alive: the larger
 *   set wins, a tie is drawn) and the survivor resumes (facts 1.5).
 *
 * DRBD notices a split brain only when the peers reconnect (facts 1.6): the
 * after-sb policy for the number of primaries then decides. disconnect (the
 * default) leaves the resource StandAlone for an operator, who will discard
 * the side with fewer changes (assumption); the others discard one node's
 * writes automatically and resync. A node that reconnects after missing
 * writes resyncs them at c-max-rate (facts 1.8). */
#include "models/storage/drbd.h"

#include <string.h>

#include <gsl/gsl_rng.h>

#include "models/cluster/pacemaker.h"

struct drbd_state {
    int n;
    bool *conn;          /* [a * n + b]: DRBD considers the pair connected */
    sim_time *since;     /* [a * n + b]: when the pair lost its path, 0 while it has one */
    double *rate;        /* bytes/s each node has written since the last update */
    double *behind;      /* bytes each node misses from the peers it is not connected to */
    double *sb_written;  /* bytes each node wrote during the open split brain */
    int *side;           /* the connected set each node was in when it opened; -1: down */
    sim_time *primary_since; /* when each node began writing; -1 while it does not */
    bool *qfrozen;       /* the node lacks DRBD 9 quorum */
    bool *ffrozen;       /* the node froze its IO for fencing */
    bool *pending;       /* the node waits for a lost peer's verdict */
    bool *diskless;      /* its backing disk failed: detached (on-io-error detach) */
    bool *hung;          /* its backing disk hangs (disk-timeout 0: DRBD waits) */
    sim_time last;
    sim_event detect_ev;
    int sb;              /* open split-brain incident, -1 if none */
    bool standalone;
    double disk_total;   /* the most a node can be out of sync */
    GPtrArray *bgs;      /* replication streams */
};

static int idx(const drbd_state *d, int a, int b) { return a * d->n + b; }

drbd_state *drbd_new(world *w)
{
    const scenario *sc = w->sc;
    if (sc->storage.type != STORAGE_DRBD)
        return NULL;
    drbd_state *d = g_new0(drbd_state, 1);
    int n = d->n = (int)sc->nhosts;
    d->conn = g_new(bool, (size_t)n * n);
    for (int k = 0; k < n * n; k++)
        d->conn[k] = true;
    d->since = g_new0(sim_time, (size_t)n * n);
    d->rate = g_new0(double, n);
    d->behind = g_new0(double, n);
    d->sb_written = g_new0(double, n);
    d->side = g_new(int, n);
    d->primary_since = g_new(sim_time, n);
    for (int h = 0; h < n; h++)
        d->primary_since[h] = -1;
    d->qfrozen = g_new0(bool, n);
    d->ffrozen = g_new0(bool, n);
    d->pending = g_new0(bool, n);
    d->diskless = g_new0(bool, n);
    d->hung = g_new0(bool, n);
    d->sb = -1;
    for (size_t i = 0; i < sc->nvms; i++)
        d->disk_total += sc->vms[i].disk_size;
    d->bgs = g_ptr_array_new();
    return d;
}

void drbd_free(drbd_state *d)
{
    if (!d)
        return;
    g_free(d->conn);
    g_free(d->since);
    g_free(d->rate);
    g_free(d->behind);
    g_free(d->sb_written);
    g_free(d->side);
    g_free(d->primary_since);
    g_free(d->qfrozen);
    g_free(d->ffrozen);
    g_free(d->pending);
    g_free(d->diskless);
    g_free(d->hung);
    g_ptr_array_free(d->bgs, TRUE);
    g_free(d);
}

bool drbd_allows_live_migration(const world *w)
{
    return !w->drbd || w->sc->storage.dual_primary;
}

static bool path_up(world *w, int a, int b)
{
    int net = world_storage_network(w);
    const drbd_state *d = w->drbd;
    return w->host_up[a] && w->host_up[b] && !d->hung[a] && !d->hung[b] && world_hosts_reach(w, a, b) &&
           world_link_up(world_nic(w, a, net)) && world_link_up(world_nic(w, b, net));
}

static bool vm_writes(const vm_state *v)
{
    return v->frozen < 0 && v->io_blocked < 0 && v->io_error < 0;
}

/* What node h writes now: its running VMs and second copies started there. */
static double writes(const world *w, int h)
{
    double r = 0;
    for (size_t i = 0; i < w->sc->nvms; i++) {
        const vm_state *v = &w->vms[i];
        if ((v->host == h || v->dup_host == h) && vm_writes(v))
            r += w->sc->vms[i].disk_write_Bps;
    }
    return r;
}

/* Whether VMs on h have writes to make (blocked or not). */
static bool wants_to_write(const world *w, int h)
{
    for (size_t i = 0; i < w->sc->nvms; i++)
        if ((w->vms[i].host == h || w->vms[i].dup_host == h) && w->sc->vms[i].disk_write_Bps > 0)
            return true;
    return false;
}

static bool runs_vms(const world *w, int h)
{
    for (size_t i = 0; i < w->sc->nvms; i++)
        if (w->vms[i].host == h || w->vms[i].dup_host == h)
            return true;
    return false;
}

/* Connected sets of up nodes: comp[h] (-1 when down), their sizes. */
static int components(world *w, int *comp, int *size)
{
    drbd_state *d = w->drbd;
    int nc = 0;
    for (int h = 0; h < d->n; h++)
        comp[h] = -1;
    for (int h = 0; h < d->n; h++) {
        if (!w->host_up[h] || comp[h] >= 0)
            continue;
        int stack[64], top = 0;
        comp[h] = nc;
        size[nc] = 1;
        stack[top++] = h;
        while (top) {
            int a = stack[--top];
            for (int b = 0; b < d->n; b++)
                if (b != a && w->host_up[b] && comp[b] < 0 && d->conn[idx(d, a, b)]) {
                    comp[b] = nc;
                    size[nc]++;
                    stack[top++] = b;
                }
        }
        nc++;
    }
    return nc;
}

static bool has_quorum(const world *w, int size)
{
    int q = w->sc->storage.quorum, n = w->drbd->n;
    if (q == 0)
        return true;
    if (q == -1)
        return 2 * size > n;
    if (q == -2)
        return size == n;
    return size >= q;
}

/* Brings the byte counters forward to now at the rates of the last update. */
static void advance(world *w)
{
    drbd_state *d = w->drbd;
    double dt = sim_to_s(sim_now(w->s) - d->last);
    d->last = sim_now(w->s);
    if (dt <= 0)
        return;
    for (int y = 0; y < d->n; y++) {
        if (d->rate[y] <= 0)
            continue;
        double bytes = d->rate[y] * dt;
        if (d->sb >= 0)
            d->sb_written[y] += bytes;
        for (int x = 0; x < d->n; x++)
            if (x != y && !d->conn[idx(d, x, y)]) {
                d->behind[x] += bytes;
                if (d->disk_total > 0 && d->behind[x] > d->disk_total)
                    d->behind[x] = d->disk_total;
            }
    }
}

typedef struct {
    world *w;
    int to;
    double bytes;
} resync_job;

static void resync_done(flow_net *net, flow *f, void *arg)
{
    (void)net;
    (void)f;
    resync_job *j = arg;
    world_note(j->w, "drbd-resync-done", j->w->sc->hosts[j->to].name, NULL);
}

/* Sends what node `to` misses from peer `from` at c-max-rate (facts 1.8). */
static void resync(world *w, int from, int to, double bytes)
{
    if (bytes <= 0)
        return;
    int net = world_storage_network(w);
    nic_links *a = world_nic(w, from, net), *b = world_nic(w, to, net);
    if (!a->tx || !b->rx)
        return;
    g_autofree char *why = g_strdup_printf("%.0f bytes out of sync, from %s", bytes, w->sc->hosts[from].name);
    world_note(w, "drbd-resync-start", w->sc->hosts[to].name, why);
    resync_job *j = world_job(w, sizeof(resync_job));
    *j = (resync_job){ w, to, bytes };
    flow_link *path[4];
    size_t np = world_path(w, from, to, net, path);
    flow_start(w->net, path, np, bytes, &(flow_params){ .cap_Bps = w->sc->storage.resync_rate_Bps }, resync_done, j);
}

/* The side the after-sb-0pri rule discards, -1 for "disconnect". Sides are
 * the sets of nodes that wrote apart; the decision is between the two that
 * wrote the most (DRBD decides between two nodes: facts 1.6). */
static int rule_0pri(const double *written, const sim_time *since, scn_after_sb policy, int a, int b)
{
    double wa = written[a], wb = written[b];
    if (policy == SB_DISCARD_ZERO_CHANGES)
        return wa == 0 ? a : wb == 0 ? b : -1;
    if (policy == SB_DISCARD_LEAST_CHANGES)
        return wa <= wb ? a : b;
    if (policy == SB_DISCARD_YOUNGER_PRIMARY || policy == SB_DISCARD_OLDER_PRIMARY) {
        if (since[a] == since[b]) /* both promoted together: least changes decides */
            return wa <= wb ? a : b;
        bool a_younger = since[a] > since[b];
        return (policy == SB_DISCARD_YOUNGER_PRIMARY) == a_younger ? a : b;
    }
    return -1;
}

typedef struct {
    world *w;
    int host;
} reboot_job;

/* call-pri-lost-after-sb: the losing primary reboots itself. */
static void pri_lost(sim *s, void *arg)
{
    (void)s;
    reboot_job *j = arg;
    world *w = j->w;
    int h = j->host;
    if (w->ended)
        return;
    world_fence(w, h, "DRBD pri-lost-after-sb handler: the split-brain victim reboots");
}

/* The sides that wrote during the split brain see each other again. */
static void resolve_split_brain(world *w)
{
    drbd_state *d = w->drbd;
    const scn_storage *st = &w->sc->storage;
    world_incident *in = world_incident_at(w, d->sb);
    int n = d->n;
    double *written = g_newa(double, n);
    sim_time *since = g_newa(sim_time, n);
    bool *primary = g_newa(bool, n);
    for (int s = 0; s < n; s++) {
        written[s] = 0;
        since[s] = SIM_NEVER;
        primary[s] = false;
    }
    double total = 0;
    for (int h = 0; h < n; h++) {
        total += d->sb_written[h];
        int s = d->side[h];
        if (s < 0)
            continue;
        written[s] += d->sb_written[h];
        if (d->primary_since[h] >= 0 && d->primary_since[h] < since[s])
            since[s] = d->primary_since[h];
        primary[s] |= w->host_up[h] && runs_vms(w, h);
    }
    in->diverged_bytes = total;
    int a = -1, b = -1, npri = 0;
    for (int s = 0; s < n; s++) {
        npri += primary[s];
        if (a < 0 || written[s] > written[a]) {
            b = a;
            a = s;
        } else if (b < 0 || written[s] > written[b]) {
            b = s;
        }
    }
    if (npri > 2)
        npri = 2;
    scn_after_sb policy = st->after_sb[npri];
    int victim = -1;
    if (policy == SB_DISCARD_SECONDARY) {
        victim = !primary[a] ? a : !primary[b] ? b : -1;
    } else if (policy == SB_CONSENSUS) {
        int v0 = rule_0pri(written, since, st->after_sb[0], a, b);
        victim = v0 >= 0 && !primary[v0] ? v0 : -1;
    } else if (policy == SB_VIOLENTLY_AS0P || policy == SB_CALL_PRI_LOST_AFTER_SB) {
        victim = rule_0pri(written, since, st->after_sb[0], a, b);
    } else if (npri == 0) {
        victim = rule_0pri(written, since, policy, a, b);
    }
    g_autofree char *why = g_strdup_printf("split brain detected at reconnection; after-sb-%dpri %s", npri,
                                           scenario_after_sb_names[policy]);
    if (victim < 0) {
        /* the operator will discard the side with fewer changes */
        in->discarded_bytes = written[b];
        world_note(w, "drbd-standalone", "r0", why);
        d->standalone = true;
    } else {
        in->discarded_bytes = written[victim];
        int winner = victim == a ? b : a, src = -1;
        for (int h = 0; h < n; h++)
            if (d->side[h] == winner && w->host_up[h])
                src = h;
        for (int h = 0; h < n; h++) {
            if (d->side[h] != victim || !w->host_up[h])
                continue;
            world_note(w, "drbd-split-brain-resolved", w->sc->hosts[h].name, why);
            if (src >= 0)
                resync(w, src, h, total > d->disk_total && d->disk_total > 0 ? d->disk_total : total);
            d->behind[h] = 0;
            if (policy == SB_CALL_PRI_LOST_AFTER_SB && runs_vms(w, h)) {
                reboot_job *j = world_job(w, sizeof(reboot_job));
                *j = (reboot_job){ w, h };
                sim_after(w->s, 0, pri_lost, j);
            }
        }
    }
    world_incident_close(w, &d->sb);
    for (int h = 0; h < n; h++)
        d->sb_written[h] = 0;
}

typedef struct {
    world *w;
    uint64_t winners, losers; /* node masks */
} fence_job;

static void fence_done(sim *s, void *arg)
{
    (void)s;
    fence_job *j = arg;
    world *w = j->w;
    drbd_state *d = w->drbd;
    if (w->ended)
        return;
    for (int h = 0; h < d->n; h++) {
        if (j->losers >> h & 1 && w->host_up[h]) {
            d->ffrozen[h] = false;
            world_fence(w, h, "DRBD fence-peer (resource-and-stonith)");
        }
    }
    for (int h = 0; h < d->n; h++)
        if (j->winners >> h & 1)
            d->ffrozen[h] = false;
    drbd_update(w);
}

typedef struct {
    world *w;
    int loser;
    int winner_comp_node;
} outdate_job;

/* resource-only: crm-fence-peer's constraint is in place; the loser is
 * demoted, so its VMs stop and Pacemaker starts them on the winner. */
static void outdate_done(sim *s, void *arg)
{
    (void)s;
    outdate_job *j = arg;
    world *w = j->w;
    if (w->ended)
        return;
    if (w->host_up[j->loser] && w->host_up[j->winner_comp_node]) {
        world_note(w, "drbd-outdated", w->sc->hosts[j->loser].name, "crm-fence-peer placed its constraint");
        for (size_t i = 0; i < w->sc->nvms; i++)
            if (w->vms[i].host == j->loser) {
                world_vm_down(w, (int)i, "vm-down", "drbd:outdated");
                pcmk_recover_vm(w, (int)i, -1, j->loser);
            }
    }
    drbd_update(w);
}

static void detect(sim *s, void *arg)
{
    (void)s;
    world *w = arg;
    w->drbd->detect_ev = 0;
    drbd_update(w);
}

/* Whether node h is connected to a peer that has its disk. */
static bool has_disk_peer(const world *w, int h)
{
    const drbd_state *d = w->drbd;
    for (int b = 0; b < d->n; b++)
        if (b != h && w->host_up[b] && d->conn[idx(d, h, b)] && !d->diskless[b])
            return true;
    return false;
}

/* Freezes, blocks or fails the IO of each VM as its node's state says. */
static void sync_vm_io(world *w)
{
    drbd_state *d = w->drbd;
    bool io_error = w->sc->storage.on_no_quorum_io_error;
    for (size_t i = 0; i < w->sc->nvms; i++) {
        vm_state *v = &w->vms[i];
        int h = v->host;
        bool q = h >= 0 && d->qfrozen[h], f = h >= 0 && d->ffrozen[h];
        /* a diskless primary reads and writes through a peer's disk */
        bool no_data = h >= 0 && d->diskless[h] && !has_disk_peer(w, h);
        bool freeze = f || (q && !io_error), fail = (q && io_error && !f) || no_data;
        bool block = h >= 0 && (d->pending[h] || d->hung[h]) && !freeze && !fail;
        if (freeze && v->frozen < 0)
            v->frozen = world_incident_open(w, "io-frozen", f ? "drbd:fencing" : "drbd:quorum", (int)i);
        else if (!freeze)
            world_incident_close(w, &v->frozen);
        if (fail && v->io_error < 0)
            v->io_error = world_incident_open(w, "io-error", no_data ? "drbd:diskless" : "drbd:quorum", (int)i);
        else if (!fail)
            world_incident_close(w, &v->io_error);
        if (block && v->io_blocked < 0)
            v->io_blocked = world_incident_open(w, "io-blocked", d->hung[h] ? "drbd:disk-hang" : "drbd:r0", (int)i);
        else if (!block)
            world_incident_close(w, &v->io_blocked);
    }
}

static void streams(world *w)
{
    drbd_state *d = w->drbd;
    for (guint i = 0; i < d->bgs->len; i++)
        flow_bg_free(w->net, g_ptr_array_index(d->bgs, i));
    g_ptr_array_set_size(d->bgs, 0);
    if (d->standalone)
        return;
    int net = world_storage_network(w);
    for (int y = 0; y < d->n; y++) {
        if (d->rate[y] <= 0)
            continue;
        for (int x = 0; x < d->n; x++) {
            nic_links *a = world_nic(w, y, net), *b = world_nic(w, x, net);
            if (x != y && d->conn[idx(d, x, y)] && w->host_up[x] && a->tx && b->rx) {
                flow_link *path[4];
                size_t np = world_path(w, y, x, net, path);
                g_ptr_array_add(d->bgs, flow_bg_new(w->net, path, np, d->rate[y]));
            }
        }
    }
}

/* When the loss of the pair's path is declared. */
static sim_time verdict_at(const world *w, int a, int b)
{
    const drbd_state *d = w->drbd;
    const scn_storage *st = &w->sc->storage;
    if (d->hung[a] || d->hung[b]) {
        /* the peer answers pings but completes no write: dropped after
         * ko-count x timeout (facts 1.7); ko-count 0 never drops it */
        if (!st->ko_count)
            return SIM_NEVER;
        return d->since[idx(d, a, b)] + st->ko_count * st->drbd_timeout;
    }
    bool busy = wants_to_write(w, a) || wants_to_write(w, b);
    return d->since[idx(d, a, b)] + (busy ? st->drbd_timeout : st->ping_int + st->ping_timeout);
}

void drbd_update(world *w)
{
    drbd_state *d = w->drbd;
    if (!d)
        return;
    const scn_storage *st = &w->sc->storage;
    sim_time now = sim_now(w->s);
    int n = d->n;
    advance(w);
    int comp[64], size[64];
    int old_comp[64], old_size[64];
    components(w, old_comp, old_size);
    bool lost_now = false;   /* a disconnect was declared in this update */
    bool *lost_peer = g_newa(bool, n);
    memset(lost_peer, 0, sizeof(bool) * (size_t)n);
    sim_time next = SIM_NEVER;
    if (!d->standalone) {
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) {
                int ab = idx(d, a, b), ba = idx(d, b, a);
                bool up = path_up(w, a, b);
                if (up) {
                    d->since[ab] = d->since[ba] = 0;
                    d->conn[ab] = d->conn[ba] = true;
                    continue;
                }
                if (!d->conn[ab])
                    continue;
                if (!d->since[ab])
                    d->since[ab] = d->since[ba] = now ? now : 1;
                sim_time at = verdict_at(w, a, b);
                if (at <= now) {
                    d->conn[ab] = d->conn[ba] = false;
                    lost_now = true;
                    lost_peer[a] = lost_peer[b] = true;
                } else if (at < next) {
                    next = at;
                }
            }
    }
    /* nodes waiting for a verdict; protocol A does not wait for the peer */
    for (int h = 0; h < n; h++)
        d->pending[h] = false;
    for (int a = 0; a < n && st->protocol != PROTOCOL_A; a++)
        for (int b = 0; b < n; b++)
            if (a != b && d->conn[idx(d, a, b)] && d->since[idx(d, a, b)] && w->host_up[a] && wants_to_write(w, a))
                d->pending[a] = true;
    if (d->detect_ev)
        sim_cancel(w->s, d->detect_ev);
    d->detect_ev = next != SIM_NEVER ? sim_at(w->s, next, detect, w) : 0;

    int nc = components(w, comp, size);
    /* reconnections: a split brain is noticed now; missed writes resync */
    if (d->sb >= 0) {
        int writers_comp = -1;
        bool together = true;
        for (int h = 0; h < n; h++) {
            if (d->sb_written[h] <= 0 || comp[h] < 0)
                continue;
            if (writers_comp < 0)
                writers_comp = comp[h];
            together &= comp[h] == writers_comp;
        }
        int live_writers = 0;
        for (int h = 0; h < n; h++)
            live_writers += d->sb_written[h] > 0 && comp[h] >= 0;
        if (together && live_writers >= 2)
            resolve_split_brain(w);
    }
    for (int x = 0; x < n && d->sb < 0 && !d->standalone; x++) {
        if (comp[x] < 0 || d->behind[x] <= 0 || d->diskless[x])
            continue; /* a diskless node has nothing to resync into */
        /* x rejoined peers that wrote without it */
        int src = -1;
        for (int y = 0; y < n; y++)
            if (y != x && comp[y] == comp[x] && old_comp[y] != old_comp[x] && !d->diskless[y])
                src = y;
        if (src >= 0) {
            resync(w, src, x, d->behind[x]);
            d->behind[x] = 0;
        }
    }
    /* quorum (DRBD 9) */
    for (int h = 0; h < n; h++)
        d->qfrozen[h] = comp[h] >= 0 && !has_quorum(w, size[comp[h]]) && runs_vms(w, h);
    /* fencing, for the sets that keep quorum */
    if (lost_now && st->fencing == FENCING_RESOURCE_AND_STONITH) {
        int best = -1, nbest = 0;
        for (int c = 0; c < nc; c++) {
            bool quorate = false;
            for (int h = 0; h < n; h++)
                quorate |= comp[h] == c && !d->qfrozen[h];
            if (!quorate)
                continue;
            if (best < 0 || size[c] > size[best]) {
                best = c;
                nbest = 1;
            } else if (size[c] == size[best]) {
                nbest++;
            }
        }
        if (nbest > 1) { /* a race between equal halves */
            int pick = (int)gsl_rng_uniform_int(sim_stream(w->s, "drbd-fence-race"), (unsigned long)nbest);
            for (int c = 0; c < nc; c++)
                if (size[c] == size[best] && pick-- == 0) {
                    best = c;
                    break;
                }
        }
        fence_job *j = world_job(w, sizeof(fence_job));
        j->w = w;
        for (int h = 0; h < n; h++) {
            if (comp[h] < 0 || !runs_vms(w, h))
                continue;
            bool affected = lost_peer[h];
            for (int x = 0; x < n; x++)
                affected |= comp[x] >= 0 && comp[x] != comp[h] && lost_peer[x];
            if (!affected)
                continue;
            d->ffrozen[h] = true;
            if (comp[h] == best)
                j->winners |= UINT64_C(1) << h;
            else
                j->losers |= UINT64_C(1) << h;
        }
        world_note(w, "drbd-disconnected", "r0", "resource-and-stonith: IO frozen, fence-peer called");
        sim_after(w->s, w->sc->cluster.fence_time, fence_done, j);
    } else if (lost_now && st->fencing == FENCING_RESOURCE_ONLY && w->pacemaker) {
        /* crm-fence-peer works only while the cluster connects the nodes */
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
                if (lost_peer[a] && lost_peer[b] && comp[a] != comp[b] && comp[a] >= 0 && comp[b] >= 0 &&
                    pcmk_connected(w, a, b) && runs_vms(w, a) && runs_vms(w, b)) {
                    int loser = gsl_rng_uniform_int(sim_stream(w->s, "drbd-fence-race"), 2) ? a : b;
                    outdate_job *j = world_job(w, sizeof(outdate_job));
                    *j = (outdate_job){ w, loser, loser == a ? b : a };
                    sim_after(w->s, st->fence_peer, outdate_done, j);
                }
        world_note(w, "drbd-disconnected", "r0", "resource-only: fence-peer races to outdate the peer");
    } else if (lost_now) {
        world_note(w, "drbd-disconnected", "r0", scenario_fencing_names[st->fencing]);
    }
    sync_vm_io(w);
    /* what each node writes from now on */
    int writer_sets = 0;
    bool *seen = g_newa(bool, nc + 1);
    memset(seen, 0, sizeof(bool) * (size_t)(nc + 1));
    for (int h = 0; h < n; h++) {
        d->rate[h] = w->host_up[h] ? writes(w, h) : 0;
        if (d->rate[h] > 0 && d->primary_since[h] < 0)
            d->primary_since[h] = now;
        else if (d->rate[h] <= 0 && !runs_vms(w, h))
            d->primary_since[h] = -1;
        if (d->rate[h] > 0 && comp[h] >= 0 && !seen[comp[h]]) {
            seen[comp[h]] = true;
            writer_sets++;
        }
    }
    if (writer_sets >= 2 && d->sb < 0 && !d->standalone) {
        sim_time start = now;
        for (int k = 0; k < n * n; k++)
            if (!d->conn[k] && d->since[k] && d->since[k] < start)
                start = d->since[k];
        d->sb = world_incident_open(w, "split-brain", "r0", -1);
        for (int h = 0; h < n; h++)
            d->side[h] = comp[h];
        world_incident_at(w, d->sb)->start = start;
        if (st->protocol == PROTOCOL_A) /* writes went on during the verdict */
            for (int h = 0; h < n; h++)
                d->sb_written[h] += d->rate[h] * sim_to_s(now - start);
    }
    streams(w);
}

bool drbd_can_be_primary(const world *w, int h)
{
    const drbd_state *d = w->drbd;
    const scn_storage *st = &w->sc->storage;
    if (!d)
        return true;
    bool connected = false;
    int size = 1;
    for (int b = 0; b < d->n; b++)
        if (b != h && w->host_up[b] && d->conn[idx(d, h, b)]) {
            connected = true;
            size++; /* direct peers: enough for a quorum count in a mesh */
        }
    if (st->quorum && !has_quorum(w, size))
        return false; /* promotion needs quorum (facts 1.4) */
    if (d->diskless[h] && !connected)
        return false; /* no data at all */
    /* with fencing, a node that missed writes is Outdated until it resyncs
     * (crm-fence-peer's constraint stays until after-resync-target) */
    return st->fencing == FENCING_DONT_CARE || d->behind[h] <= 0 || connected;
}

void drbd_disk_hung(world *w, int h, int k, bool hung)
{
    drbd_state *d = w->drbd;
    if (!d || k != 0)
        return;
    d->hung[h] = hung;
    world_note(w, hung ? "drbd-disk-hung" : "drbd-disk-back", w->sc->hosts[h].name,
               hung ? "disk-timeout 0: DRBD waits for the backing disk" : NULL);
    drbd_update(w);
}

void drbd_disk_changed(world *w, int h, int k, bool down)
{
    drbd_state *d = w->drbd;
    if (!d || k != 0)
        return; /* the backing device is the node's disk 0 (assumption) */
    advance(w);
    d->diskless[h] = down;
    if (down) {
        world_note(w, "drbd-detached", w->sc->hosts[h].name, "backing disk failed: on-io-error detach, now diskless");
    } else {
        /* a new disk starts Inconsistent: full sync from a peer */
        world_note(w, "drbd-attached", w->sc->hosts[h].name, "new backing disk: full sync");
        d->behind[h] = d->disk_total > 0 ? d->disk_total : d->behind[h];
        for (int b = 0; b < d->n; b++)
            if (b != h && w->host_up[b] && d->conn[idx(d, h, b)] && !d->diskless[b]) {
                resync(w, b, h, d->behind[h]);
                d->behind[h] = 0;
                break;
            }
    }
    drbd_update(w);
}

void drbd_stop(world *w)
{
    drbd_state *d = w->drbd;
    if (!d)
        return;
    advance(w);
    if (d->sb >= 0) {
        world_incident *in = world_incident_at(w, d->sb);
        for (int h = 0; h < d->n; h++)
            in->diverged_bytes += d->sb_written[h];
    }
    sim_cancel(w->s, d->detect_ev);
    d->detect_ev = 0;
    d->sb = -1;
}
