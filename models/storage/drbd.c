/* drbd — DRBD replication of the VMs' disks.
 *
 * One resource ("r0") holds every VM's disk and every host is one of its
 * nodes: two with 8.x, a full mesh with 9 (sources.md 1.3). A node is primary
 * while VMs run on it or a live migration's destination has opened the disk
 * there (dual-primary lets both of a pair be, as live migration needs:
 * sources.md 1.2). Each node's writes stream to every peer it is connected to on
 * the replication network.
 *
 * Losing a peer is declared after `timeout` (6 s) when writes are in
 * flight, else after ping-int + ping-timeout (10.5 s); a link that comes
 * back reconnects at once (DRBD retries every connect-int, 10 s: assumption
 * that the first try succeeds). With protocol B or C the writes of a node
 * waiting for that verdict block (they need the peer's ack: sources.md 1.1, 1.9).
 *
 * Once disconnected, each connected set of nodes goes on alone:
 * - DRBD 9 quorum: a set without quorum (majority, all, or a number of
 *   nodes) freezes its primaries' IO (on-no-quorum suspend-io) or fails it
 *   (io-error); it never diverges (sources.md 1.4);
 * - fencing dont-care: nothing stops the sets; if two of them write, the
 *   data diverges: a split brain from the cut;
 * - resource-only: with Pacemaker and the cluster still connected,
 *   crm-fence-peer places its constraint after fence_peer_time; the loser of
 *   that race is demoted, so Pacemaker stops its VMs and starts them on the
 *   winner. Writes during the race still diverge (sources.md 1.9);
 * - resource-and-stonith: every primary that lost a peer freezes its IO and
 *   calls crm-fence-peer, which powers nothing off (drbd-utils
 *   scripts/crm-fence-peer.9.sh): when the cluster lost the peer too, the
 *   handler waits for Pacemaker's own fencing and returns when the fence is
 *   confirmed (exit 7); when only the replication link is cut, both
 *   handlers race to place their constraint after fence_peer_time, the
 *   winner resumes (exit 4) and the loser asks the cluster to fence it
 *   (--suicide-on-failure-if-primary); a handler still polling after its
 *   --timeout (90 s) places the constraint anyway (exit 5). Without a
 *   cluster manager no handler can run: IO stays frozen until the peer is
 *   back (sources.md 1.5, 1.9).
 *
 * DRBD notices a split brain only when the peers reconnect (sources.md 1.6): the
 * after-sb policy for the number of primaries then decides. disconnect (the
 * default) leaves the resource StandAlone for an operator, who will discard
 * the side with fewer changes (assumption); the others discard one node's
 * writes automatically and resync. A node that reconnects after missing
 * writes resyncs them at c-max-rate (sources.md 1.8). */
#include "models/storage/drbd.h"

#include <string.h>

#include <gsl/gsl_rng.h>

typedef struct drbd_state {
    world *w;
    int n;
    bool *conn;          /* [a * n + b]: DRBD considers the pair connected */
    sim_time *since;     /* [a * n + b]: when the pair lost its path, 0 while it has one */
    double *rate;        /* bytes/s each node has written since the last update */
    double *behind;      /* bytes each node misses from the peers it is not connected to */
    double *sb_written;  /* bytes each node wrote during the open split brain */
    int *side;           /* the connected set each node was in when it opened; -1: down */
    sim_time *primary_since; /* when each node began writing; -1 while it does not */
    bool *qfrozen;       /* the node lacks DRBD 9 quorum */
    bool *ffrozen;       /* the node froze its IO for fencing: its fence-peer handler runs */
    sim_time *fenced_since; /* when it froze */
    bool *waits;         /* [a * n + b]: a froze for losing b */
    bool *constraint;    /* its fence-peer handler placed the constraint: it may be primary, its peers not */
    bool *pending;       /* the node waits for a lost peer's verdict */
    bool *diskless;      /* its backing disk failed: detached (on-io-error detach) */
    bool *hung;          /* its backing disk hangs (disk-timeout 0: DRBD waits) */
    int *vm_frozen, *vm_blocked, *vm_error; /* per VM: open incidents, -1 if none */
    sim_time last;
    sim_event detect_ev;
    int sb;              /* open split-brain incident, -1 if none */
    bool standalone;
    double disk_total;   /* the most a node can be out of sync */
    GPtrArray *bgs;      /* replication streams */
} drbd_state;

static int idx(const drbd_state *d, int a, int b) { return a * d->n + b; }

static void *drbd_create(world *w)
{
    const scenario *sc = world_scenario(w);
    drbd_state *d = g_new0(drbd_state, 1);
    d->w = w;
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
    d->fenced_since = g_new0(sim_time, n);
    d->waits = g_new0(bool, (size_t)n * n);
    d->constraint = g_new0(bool, n);
    d->pending = g_new0(bool, n);
    d->diskless = g_new0(bool, n);
    d->hung = g_new0(bool, n);
    size_t nv = sc->nvms ? sc->nvms : 1;
    d->vm_frozen = g_new(int, nv);
    d->vm_blocked = g_new(int, nv);
    d->vm_error = g_new(int, nv);
    for (size_t i = 0; i < sc->nvms; i++)
        d->vm_frozen[i] = d->vm_blocked[i] = d->vm_error[i] = -1;
    d->sb = -1;
    for (size_t i = 0; i < sc->nvms; i++)
        d->disk_total += sc->vms[i].disk_size;
    d->bgs = g_ptr_array_new();
    if (sc->storage.fencing == FENCING_RESOURCE_ONLY && !world_cluster_managed(w))
        world_warn(w, "DRBD fencing resource-only needs a cluster manager to outdate the peer: without one it "
                      "behaves as dont-care");
    return d;
}

static void drbd_destroy(void *st)
{
    drbd_state *d = st;
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
    g_free(d->fenced_since);
    g_free(d->waits);
    g_free(d->constraint);
    g_free(d->pending);
    g_free(d->diskless);
    g_free(d->hung);
    g_free(d->vm_frozen);
    g_free(d->vm_blocked);
    g_free(d->vm_error);
    g_ptr_array_free(d->bgs, TRUE);
    g_free(d);
}

static const char *drbd_live_refused(void *st, const world *w, int vm)
{
    (void)st;
    (void)vm;
    /* the destination QEMU must open the disk while the source still runs:
     * only a second primary may (sources.md 1.2) */
    return world_scenario(w)->storage.dual_primary ? NULL
                                                    : "DRBD without dual-primary: the destination cannot open the disk";
}

static bool path_up(const drbd_state *d, int a, int b)
{
    const world *w = d->w;
    int net = world_storage_network(w);
    return world_host_up(w, a) && world_host_up(w, b) && !d->hung[a] && !d->hung[b] && world_hosts_reach(w, a, b) &&
           world_nic_up(w, a, net) && world_nic_up(w, b, net);
}

static bool vm_writes(const drbd_state *d, int vm)
{
    return d->vm_frozen[vm] < 0 && d->vm_blocked[vm] < 0 && d->vm_error[vm] < 0;
}

/* Whether vm runs on node h (or a second copy of it does). */
static bool runs_on(const drbd_state *d, int vm, int h)
{
    return world_vm_host(d->w, vm) == h || world_vm_second_host(d->w, vm) == h;
}

/* What node h writes now: its running VMs and second copies started there. */
static double writes(const drbd_state *d, int h)
{
    const scenario *sc = world_scenario(d->w);
    double r = 0;
    for (size_t i = 0; i < sc->nvms; i++)
        if (runs_on(d, (int)i, h) && vm_writes(d, (int)i))
            r += sc->vms[i].disk_write_Bps;
    return r;
}

/* Whether VMs on h have writes to make (blocked or not). */
static bool wants_to_write(const drbd_state *d, int h)
{
    const scenario *sc = world_scenario(d->w);
    for (size_t i = 0; i < sc->nvms; i++)
        if (runs_on(d, (int)i, h) && sc->vms[i].disk_write_Bps > 0)
            return true;
    return false;
}

/* Whether node h is primary: VMs run there, or a live migration's
 * destination has opened its disk there (dual-primary: both ends are
 * primary while the migration runs, sources.md 1.2), though it writes nothing
 * before the switchover. */
static bool runs_vms(const drbd_state *d, int h)
{
    for (size_t i = 0; i < world_scenario(d->w)->nvms; i++)
        if (runs_on(d, (int)i, h) || world_vm_live_target(d->w, (int)i) == h)
            return true;
    return false;
}

/* Connected sets of up nodes: comp[h] (-1 when down), their sizes. */
static int components(const drbd_state *d, int *comp, int *size)
{
    const world *w = d->w;
    int nc = 0;
    int *stack = g_newa(int, d->n);
    for (int h = 0; h < d->n; h++)
        comp[h] = -1;
    for (int h = 0; h < d->n; h++) {
        if (!world_host_up(w, h) || comp[h] >= 0)
            continue;
        int top = 0;
        comp[h] = nc;
        size[nc] = 1;
        stack[top++] = h;
        while (top) {
            int a = stack[--top];
            for (int b = 0; b < d->n; b++)
                if (b != a && world_host_up(w, b) && comp[b] < 0 && d->conn[idx(d, a, b)]) {
                    comp[b] = nc;
                    size[nc]++;
                    stack[top++] = b;
                }
        }
        nc++;
    }
    return nc;
}

static bool has_quorum(const drbd_state *d, int size)
{
    int q = world_scenario(d->w)->storage.quorum, n = d->n;
    if (q == 0)
        return true;
    if (q == -1)
        return 2 * size > n;
    if (q == -2)
        return size == n;
    return size >= q;
}

/* Brings the byte counters forward to now at the rates of the last update. */
static void advance(drbd_state *d)
{
    double dt = sim_to_s(world_now(d->w) - d->last);
    d->last = world_now(d->w);
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
    world_note(j->w, "drbd-resync-done", world_scenario(j->w)->hosts[j->to].name, NULL);
}

/* Sends what node `to` misses from peer `from` at c-max-rate (sources.md 1.8). */
static void resync(drbd_state *d, int from, int to, double bytes)
{
    world *w = d->w;
    const scenario *sc = world_scenario(w);
    if (bytes <= 0)
        return;
    int net = world_storage_network(w);
    if (!world_has_nic(w, from, net) || !world_has_nic(w, to, net))
        return;
    g_autofree char *why = g_strdup_printf("%.0f bytes out of sync, from %s", bytes, sc->hosts[from].name);
    world_note(w, "drbd-resync-start", sc->hosts[to].name, why);
    resync_job *j = world_job(w, sizeof(resync_job));
    *j = (resync_job){ w, to, bytes };
    flow_link *path[4];
    size_t np = world_path(w, from, to, net, path);
    flow_start(world_net(w), path, np, bytes, &(flow_params){ .cap_Bps = sc->storage.resync_rate_Bps }, resync_done, j);
    world_assume(w, AS_ST_RESYNC_RATE, -1);
}

/* The side the after-sb-0pri rule discards, -1 for "disconnect". Sides are
 * the sets of nodes that wrote apart; the decision is between the two that
 * wrote the most (DRBD decides between two nodes: sources.md 1.6). */
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
    if (!world_ended(j->w))
        world_fence(j->w, j->host, "DRBD pri-lost-after-sb handler: the split-brain victim reboots");
}

/* The sides that wrote during the split brain see each other again. */
static void resolve_split_brain(drbd_state *d)
{
    world *w = d->w;
    const scn_storage *st = &world_scenario(w)->storage;
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
        primary[s] |= world_host_up(w, h) && runs_vms(d, h);
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
    world_assume(d->w, (assume_id)(AS_ST_AFTER_SB_0PRI + npri), -1);
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
            if (d->side[h] == winner && world_host_up(w, h))
                src = h;
        for (int h = 0; h < n; h++) {
            if (d->side[h] != victim || !world_host_up(w, h))
                continue;
            world_note(w, "drbd-split-brain-resolved", world_scenario(w)->hosts[h].name, why);
            if (src >= 0)
                resync(d, src, h, total > d->disk_total && d->disk_total > 0 ? d->disk_total : total);
            d->behind[h] = 0;
            if (policy == SB_CALL_PRI_LOST_AFTER_SB && runs_vms(d, h)) {
                reboot_job *j = world_job(w, sizeof(reboot_job));
                *j = (reboot_job){ w, h };
                sim_after(world_sim(w), 0, pri_lost, j);
            }
        }
    }
    world_incident_close(w, &d->sb);
    for (int h = 0; h < n; h++)
        d->sb_written[h] = 0;
}

static void drbd_update(drbd_state *d);

/* crm-fence-peer.9.sh's --timeout (90 s, sources.md row 11): how long the
 * handler polls the cluster for the peer's fate before it places its
 * constraint anyway (exit 5), and IO resumes. */
#define FENCE_PEER_TIMEOUT (90 * SIM_S)

typedef struct {
    drbd_state *d;
    int a, b;       /* the pair that lost each other */
} race_job;

/* resource-and-stonith with the cluster still seeing both nodes (only the
 * replication link is lost): both handlers try to place the constraint;
 * the first wins (exit 4) and resumes IO, the other "commits suicide"
 * (--suicide-on-failure-if-primary): it asks Pacemaker to fence it. */
static void constraint_race(sim *s, void *arg)
{
    race_job *j = arg;
    drbd_state *d = j->d;
    world *w = d->w;
    if (world_ended(w))
        return;
    int winner = gsl_rng_uniform_int(sim_stream(s, "drbd-fence-race"), 2) ? j->a : j->b;
    int loser = winner == j->a ? j->b : j->a;
    if (!world_host_up(w, winner) || !world_host_up(w, loser) || d->conn[idx(d, j->a, j->b)])
        return; /* settled otherwise meanwhile */
    world_note(w, "drbd-fence-peer", world_scenario(w)->hosts[winner].name,
               "crm-fence-peer placed its constraint first (exit 4): IO resumes");
    d->ffrozen[winner] = false;
    d->constraint[winner] = true;
    world_cluster_fence(w, loser, "DRBD fence-peer lost the constraint race: the node asks to be fenced");
    drbd_update(d);
}

typedef struct {
    drbd_state *d;
    int h;
    sim_time since;
} handler_job;

/* The handler gave up polling: it places the constraint anyway (exit 5). */
static void handler_timeout(sim *s, void *arg)
{
    (void)s;
    handler_job *j = arg;
    drbd_state *d = j->d;
    if (world_ended(d->w) || !d->ffrozen[j->h] || d->fenced_since[j->h] != j->since || !world_host_up(d->w, j->h))
        return;
    world_note(d->w, "drbd-fence-peer", world_scenario(d->w)->hosts[j->h].name,
               "crm-fence-peer --timeout passed with the peer still unclean (exit 5): IO resumes");
    d->ffrozen[j->h] = false;
    d->constraint[j->h] = true;
    drbd_update(d);
}

/* A frozen node's handler returns once every peer it lost is dead and
 * fenced as the cluster confirmed (exit 7). */
static void fencing_settled(drbd_state *d)
{
    world *w = d->w;
    for (int h = 0; h < d->n; h++) {
        if (!d->ffrozen[h] || !world_host_up(w, h))
            continue;
        bool all_dead = true;
        for (int b = 0; b < d->n; b++)
            if (d->waits[idx(d, h, b)] && world_host_up(w, b))
                all_dead = false;
        if (all_dead) {
            world_note(w, "drbd-fence-peer", world_scenario(w)->hosts[h].name,
                       "the peer was fenced by the cluster (exit 7): IO resumes");
            d->ffrozen[h] = false;
            d->constraint[h] = true;
        }
    }
}

typedef struct {
    drbd_state *d;
    int loser;
    int winner_comp_node;
} outdate_job;

/* resource-only: crm-fence-peer's constraint is in place; the loser is
 * demoted, so its VMs stop and Pacemaker starts them on the winner. */
static void outdate_done(sim *s, void *arg)
{
    (void)s;
    outdate_job *j = arg;
    drbd_state *d = j->d;
    world *w = d->w;
    const scenario *sc = world_scenario(w);
    if (world_ended(w))
        return;
    if (world_host_up(w, j->loser) && world_host_up(w, j->winner_comp_node)) {
        world_note(w, "drbd-outdated", sc->hosts[j->loser].name, "crm-fence-peer placed its constraint");
        d->constraint[j->winner_comp_node] = true;
        for (size_t i = 0; i < sc->nvms; i++)
            if (world_vm_host(w, (int)i) == j->loser)
                world_vm_down(w, (int)i, "vm-down", "drbd:outdated");
        world_cluster_update(w); /* Pacemaker starts them where DRBD may be primary */
    }
    drbd_update(d);
}

static void detect(sim *s, void *arg)
{
    (void)s;
    drbd_state *d = arg;
    d->detect_ev = 0;
    drbd_update(d);
}

/* Whether node h is connected to a peer that has its disk. */
static bool has_disk_peer(const drbd_state *d, int h)
{
    for (int b = 0; b < d->n; b++)
        if (b != h && world_host_up(d->w, b) && d->conn[idx(d, h, b)] && !d->diskless[b])
            return true;
    return false;
}

/* Freezes, blocks or fails the IO of each VM as its node's state says. */
static void sync_vm_io(drbd_state *d)
{
    world *w = d->w;
    const scenario *sc = world_scenario(w);
    bool io_error = sc->storage.on_no_quorum_io_error;
    for (size_t i = 0; i < sc->nvms; i++) {
        int h = world_vm_host(w, (int)i);
        bool q = h >= 0 && d->qfrozen[h], f = h >= 0 && d->ffrozen[h];
        /* a diskless primary reads and writes through a peer's disk */
        bool no_data = h >= 0 && d->diskless[h] && !has_disk_peer(d, h);
        bool freeze = f || (q && !io_error), fail = (q && io_error && !f) || no_data;
        bool block = h >= 0 && (d->pending[h] || d->hung[h]) && !freeze && !fail;
        if (freeze && d->vm_frozen[i] < 0)
            d->vm_frozen[i] = world_incident_open(w, "io-frozen", f ? "drbd:fencing" : "drbd:quorum", (int)i);
        else if (!freeze)
            world_incident_close(w, &d->vm_frozen[i]);
        if (fail && d->vm_error[i] < 0)
            d->vm_error[i] = world_incident_open(w, "io-error", no_data ? "drbd:diskless" : "drbd:quorum", (int)i);
        else if (!fail)
            world_incident_close(w, &d->vm_error[i]);
        if (block && d->vm_blocked[i] < 0)
            d->vm_blocked[i] = world_incident_open(w, "io-blocked", d->hung[h] ? "drbd:disk-hang" : "drbd:r0", (int)i);
        else if (!block)
            world_incident_close(w, &d->vm_blocked[i]);
    }
}

static void streams(drbd_state *d)
{
    world *w = d->w;
    for (guint i = 0; i < d->bgs->len; i++)
        flow_bg_free(world_net(w), g_ptr_array_index(d->bgs, i));
    g_ptr_array_set_size(d->bgs, 0);
    if (d->standalone)
        return;
    int net = world_storage_network(w);
    for (int y = 0; y < d->n; y++) {
        if (d->rate[y] <= 0)
            continue;
        for (int x = 0; x < d->n; x++) {
            if (x != y && d->conn[idx(d, x, y)] && world_host_up(w, x) && world_has_nic(w, y, net) &&
                world_has_nic(w, x, net)) {
                flow_link *path[4];
                size_t np = world_path(w, y, x, net, path);
                g_ptr_array_add(d->bgs, flow_bg_new(world_net(w), path, np, d->rate[y]));
            }
        }
    }
}

/* When the loss of the pair's path is declared. */
static sim_time verdict_at(const drbd_state *d, int a, int b)
{
    const scn_storage *st = &world_scenario(d->w)->storage;
    if (d->hung[a] || d->hung[b]) {
        /* the peer answers pings but completes no write: dropped after
         * ko-count x timeout (sources.md 1.7); ko-count 0 never drops it */
        if (!st->ko_count)
            return SIM_NEVER;
        return d->since[idx(d, a, b)] + st->ko_count * st->drbd_timeout;
    }
    bool busy = wants_to_write(d, a) || wants_to_write(d, b);
    return d->since[idx(d, a, b)] + (busy ? st->drbd_timeout : st->ping_int + st->ping_timeout);
}

/* Connection verdicts: a path that came back reconnects; one that went
 * away is declared lost once its verdict time has passed (lost_peer marks
 * both ends), else the next verdict is scheduled. Returns whether a
 * disconnect was declared now. */
static bool verdicts(drbd_state *d, bool *lost_peer)
{
    world *w = d->w;
    sim_time now = world_now(w);
    int n = d->n;
    bool lost_now = false;
    sim_time next = SIM_NEVER;
    if (!d->standalone) {
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) {
                int ab = idx(d, a, b), ba = idx(d, b, a);
                bool up = path_up(d, a, b);
                if (up) {
                    if (!d->conn[ab]) /* reconnected: crm-unfence-peer removes the constraint after the resync */
                        d->constraint[a] = d->constraint[b] = false;
                    d->since[ab] = d->since[ba] = 0;
                    d->conn[ab] = d->conn[ba] = true;
                    continue;
                }
                if (!d->conn[ab])
                    continue;
                if (!d->since[ab])
                    d->since[ab] = d->since[ba] = now ? now : 1;
                sim_time at = verdict_at(d, a, b);
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
    for (int a = 0; a < n && world_scenario(w)->storage.protocol != PROTOCOL_A; a++)
        for (int b = 0; b < n; b++)
            if (a != b && d->conn[idx(d, a, b)] && d->since[idx(d, a, b)] && world_host_up(w, a) &&
                wants_to_write(d, a))
                d->pending[a] = true;
    if (d->detect_ev)
        sim_cancel(world_sim(w), d->detect_ev);
    d->detect_ev = next != SIM_NEVER ? sim_at(world_sim(w), next, detect, d) : 0;
    return lost_now;
}

/* Reconnections: a split brain is noticed once every node that wrote
 * during it is connected again; a node that rejoined peers that wrote
 * without it resyncs from one of them. */
static void reconnections(drbd_state *d, const int *comp, const int *old_comp)
{
    int n = d->n;
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
            resolve_split_brain(d);
    }
    for (int x = 0; x < n && d->sb < 0 && !d->standalone; x++) {
        if (comp[x] < 0 || d->behind[x] <= 0 || d->diskless[x])
            continue; /* a diskless node has nothing to resync into */
        int src = -1;
        for (int y = 0; y < n; y++)
            if (y != x && comp[y] == comp[x] && old_comp[y] != old_comp[x] && !d->diskless[y])
                src = y;
        if (src >= 0) {
            resync(d, src, x, d->behind[x]);
            d->behind[x] = 0;
        }
    }
}

/* Fencing after a disconnect, for the sets that keep quorum:
 * resource-and-stonith freezes IO and calls fence-peer, which waits for
 * the cluster (sources.md 1.5, 1.9; drbd-utils scripts/crm-fence-peer.9.sh):
 * DRBD itself kills no one; resource-only races to outdate the peer. */
static void fence_after_disconnect(drbd_state *d, const int *comp, const bool *lost_peer)
{
    world *w = d->w;
    const scn_storage *st = &world_scenario(w)->storage;
    sim_time now = world_now(w);
    int n = d->n;
    /* a disconnect was declared: how soon, and what the policy made of it */
    world_assume(w, AS_ST_FENCING, -1);
    world_assume(w, AS_ST_DRBD_TIMEOUT, -1);
    world_assume(w, AS_ST_PING_INT, -1);
    world_assume(w, AS_ST_PING_TIMEOUT, -1);
    for (int h = 0; h < n; h++)
        if (d->hung[h]) {
            world_assume(w, AS_ST_KO_COUNT, -1);
            break;
        }
    if (st->fencing == FENCING_RESOURCE_AND_STONITH) {
        for (int h = 0; h < n; h++) {
            if (comp[h] < 0 || !runs_vms(d, h) || d->qfrozen[h] || d->ffrozen[h])
                continue;
            bool affected = lost_peer[h];
            for (int x = 0; x < n; x++)
                affected |= comp[x] >= 0 && comp[x] != comp[h] && lost_peer[x];
            if (!affected)
                continue;
            d->ffrozen[h] = true;
            d->fenced_since[h] = now;
            for (int b = 0; b < n; b++)
                d->waits[idx(d, h, b)] = b != h && !d->conn[idx(d, h, b)];
            if (world_cluster_managed(w)) {
                handler_job *j = world_job(w, sizeof(handler_job));
                *j = (handler_job){ d, h, now };
                sim_after(world_sim(w), FENCE_PEER_TIMEOUT, handler_timeout, j);
            }
        }
        if (!world_cluster_managed(w))
            world_note(w, "drbd-disconnected", "r0",
                       "resource-and-stonith without a cluster manager: no fence-peer handler can run, IO stays "
                       "frozen until the peer is back");
        else
            world_note(w, "drbd-disconnected", "r0", "resource-and-stonith: IO frozen, fence-peer called");
        /* the replication link alone is lost: the handlers race to place
         * the constraint (a full split is the cluster's own fence race) */
        for (int a = 0; a < n && world_cluster_managed(w); a++)
            for (int b = a + 1; b < n; b++)
                if (lost_peer[a] && lost_peer[b] && comp[a] != comp[b] && d->ffrozen[a] && d->ffrozen[b] &&
                    world_cluster_connected(w, a, b)) {
                    race_job *j = world_job(w, sizeof(race_job));
                    *j = (race_job){ d, a, b };
                    sim_after(world_sim(w), st->fence_peer, constraint_race, j);
                    world_assume(w, AS_ST_FENCE_PEER_TIME, -1);
                }
    } else if (st->fencing == FENCING_RESOURCE_ONLY && world_cluster_managed(w)) {
        /* crm-fence-peer works only while the cluster connects the nodes */
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++)
                if (lost_peer[a] && lost_peer[b] && comp[a] != comp[b] && comp[a] >= 0 && comp[b] >= 0 &&
                    world_cluster_connected(w, a, b) && runs_vms(d, a) && runs_vms(d, b)) {
                    int loser = gsl_rng_uniform_int(sim_stream(world_sim(w), "drbd-fence-race"), 2) ? a : b;
                    outdate_job *j = world_job(w, sizeof(outdate_job));
                    *j = (outdate_job){ d, loser, loser == a ? b : a };
                    sim_after(world_sim(w), st->fence_peer, outdate_done, j);
                    world_assume(w, AS_ST_FENCE_PEER_TIME, -1);
                }
        world_note(w, "drbd-disconnected", "r0", "resource-only: fence-peer races to outdate the peer");
    } else {
        world_note(w, "drbd-disconnected", "r0", scenario_fencing_names[st->fencing]);
    }
}

/* A frozen node whose lost peers are all connected again resumes; one whose
 * lost peers are dead waits for the cluster's confirmation (drbd_fenced). */
static void thaw(drbd_state *d)
{
    for (int h = 0; h < d->n; h++)
        if (d->ffrozen[h]) {
            bool all_back = true;
            for (int b = 0; b < d->n; b++)
                if (d->waits[idx(d, h, b)] && !d->conn[idx(d, h, b)])
                    all_back = false;
            if (all_back)
                d->ffrozen[h] = false;
        }
}

/* What each node writes from now on; two sets of connected nodes that
 * both write are a split brain, from the first disconnect. */
static void writers(drbd_state *d, const int *comp, int nc)
{
    world *w = d->w;
    sim_time now = world_now(w);
    int n = d->n;
    int writer_sets = 0;
    bool *seen = g_newa(bool, nc + 1);
    memset(seen, 0, sizeof(bool) * (size_t)(nc + 1));
    for (int h = 0; h < n; h++) {
        d->rate[h] = world_host_up(w, h) ? writes(d, h) : 0;
        if (d->rate[h] > 0 && d->primary_since[h] < 0)
            d->primary_since[h] = now;
        else if (d->rate[h] <= 0 && !runs_vms(d, h))
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
        if (world_scenario(w)->storage.protocol == PROTOCOL_A) /* writes went on during the verdict */
            for (int h = 0; h < n; h++)
                d->sb_written[h] += d->rate[h] * sim_to_s(now - start);
    }
}

/* Re-checks everything after a change, in DRBD's order: the connections'
 * verdicts, reconnections (split-brain detection, resyncs), quorum,
 * fencing after a disconnect, thawing, then what each node writes. */
static void drbd_update(drbd_state *d)
{
    int n = d->n;
    advance(d);
    int *comp = g_newa(int, n), *size = g_newa(int, n), *old_comp = g_newa(int, n), *old_size = g_newa(int, n);
    components(d, old_comp, old_size);
    bool *lost_peer = g_newa(bool, n);
    memset(lost_peer, 0, sizeof(bool) * (size_t)n);
    bool lost_now = verdicts(d, lost_peer);
    int nc = components(d, comp, size);
    reconnections(d, comp, old_comp);
    /* quorum (DRBD 9) */
    for (int h = 0; h < n; h++)
        d->qfrozen[h] = comp[h] >= 0 && !has_quorum(d, size[comp[h]]) && runs_vms(d, h);
    if (lost_now)
        fence_after_disconnect(d, comp, lost_peer);
    thaw(d);
    sync_vm_io(d);
    writers(d, comp, nc);
    streams(d);
}

/* Whether node h may become primary now: it has quorum (DRBD 9) and, with
 * fencing, it is not Outdated (it missed no writes, or it is connected and
 * resyncing). Pacemaker places no VM on it otherwise. */
static const char *drbd_host_refused(void *st_, const world *w, int vm, int h)
{
    const drbd_state *d = st_;
    const scn_storage *st = &world_scenario(w)->storage;
    (void)vm;
    bool connected = false;
    int size = 1;
    for (int b = 0; b < d->n; b++)
        if (b != h && world_host_up(w, b) && d->conn[idx(d, h, b)]) {
            connected = true;
            size++; /* direct peers: enough for a quorum count in a mesh */
        }
    static const char *const no = "DRBD: the destination may not become primary (outdated or without quorum)";
    if (st->quorum && !has_quorum(d, size))
        return no; /* promotion needs quorum (sources.md 1.4) */
    if (d->diskless[h] && !connected)
        return no; /* no data at all */
    /* with fencing, a node that missed writes is Outdated until it resyncs
     * (crm-fence-peer's constraint stays until after-resync-target), unless
     * its own handler placed the constraint in its favour */
    return st->fencing == FENCING_DONT_CARE || d->behind[h] <= 0 || connected || d->constraint[h] ? NULL : no;
}

/* Disk 0 of host h hangs or recovers: the node's own IO waits (DRBD's
 * disk-timeout is off by default) and its peers' protocol B/C writes wait
 * for it until ko-count x timeout drops it. */
static void disk_hung(drbd_state *d, int h, bool hung)
{
    d->hung[h] = hung;
    world_note(d->w, hung ? "drbd-disk-hung" : "drbd-disk-back", world_scenario(d->w)->hosts[h].name,
               hung ? "disk-timeout 0: DRBD waits for the backing disk" : NULL);
    drbd_update(d);
}

/* Disk 0 of host h failed or came back: it is the node's backing device;
 * DRBD detaches it (the node goes on diskless, through a peer) and fully
 * resyncs a new one. */
static void disk_changed(drbd_state *d, int h, bool down)
{
    world *w = d->w;
    advance(d);
    d->diskless[h] = down;
    if (down) {
        world_note(w, "drbd-detached", world_scenario(w)->hosts[h].name,
                   "backing disk failed: on-io-error detach, now diskless");
    } else {
        /* a new disk starts Inconsistent: full sync from a peer */
        world_note(w, "drbd-attached", world_scenario(w)->hosts[h].name, "new backing disk: full sync");
        d->behind[h] = d->disk_total > 0 ? d->disk_total : d->behind[h];
        for (int b = 0; b < d->n; b++)
            if (b != h && world_host_up(w, b) && d->conn[idx(d, h, b)] && !d->diskless[b]) {
                resync(d, b, h, d->behind[h]);
                d->behind[h] = 0;
                break;
            }
    }
    drbd_update(d);
}

static void drbd_start(void *st, world *w)
{
    (void)w;
    drbd_update(st);
}

static void drbd_changed(void *st, world *w, const world_change *c)
{
    drbd_state *d = st;
    (void)w;
    /* the backing device is the node's disk 0 (assumption) */
    if (c->kind == WORLD_DISK && c->disk == 0) {
        if (c->hang)
            disk_hung(d, c->host, c->down);
        else
            disk_changed(d, c->host, c->down);
    }
    drbd_update(d);
}

/* The cluster confirmed the fence of the nodes partition `part` lost. */
static void drbd_fenced(void *st, world *w, int part)
{
    drbd_state *d = st;
    (void)w;
    (void)part;
    fencing_settled(d);
    drbd_update(d);
}

static void drbd_vm_gone(void *st, world *w, int vm, bool clean)
{
    drbd_state *d = st;
    (void)clean;
    world_incident_close(w, &d->vm_blocked[vm]);
    world_incident_close(w, &d->vm_error[vm]);
    world_incident_close(w, &d->vm_frozen[vm]);
}

static void drbd_stop(void *st, world *w)
{
    drbd_state *d = st;
    advance(d);
    if (d->sb >= 0) {
        world_incident *in = world_incident_at(w, d->sb);
        for (int h = 0; h < d->n; h++)
            in->diverged_bytes += d->sb_written[h];
    }
    sim_cancel(world_sim(w), d->detect_ev);
    d->detect_ev = 0;
    d->sb = -1;
    for (size_t i = 0; i < world_scenario(w)->nvms; i++)
        d->vm_frozen[i] = d->vm_blocked[i] = d->vm_error[i] = -1;
}

const storage_ops drbd_storage = {
    .name = "drbd",
    .shared = true,
    .create = drbd_create,
    .destroy = drbd_destroy,
    .start = drbd_start,
    .changed = drbd_changed,
    .vm_gone = drbd_vm_gone,
    .host_refused = drbd_host_refused,
    .fenced = drbd_fenced,
    .live_refused = drbd_live_refused,
    .stop = drbd_stop,
};
