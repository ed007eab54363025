/* pacemaker — Corosync's membership, votequorum, and Pacemaker's controller
 * carrying out the transitions its scheduler (scheduler.c) decides.
 *
 * Membership (corosync exec/totemsrp.c, measured on real Corosync 3.1.7,
 * docs/validation.md): the ring representative holds the idle token and
 * sends it on every `hold` ms (totemconfig.c: hold = 0.8 x token_retransmit
 * - 1000/HZ, token_retransmit = token / 4.2), and every node restarts its
 * token timer when it passes the token on. After a fault a node notices the
 * lost token `token` after it last passed it - a phase uniform in [0, hold)
 * before the fault - then waits for the consensus timeout before it forms
 * the new membership: token + consensus - phase after the fault. Nodes that
 * only join are merged in merge + join (250 ms).
 *
 * Each partition knows which non-members are clean (fenced, or never seen
 * since it booted counts as unclean): a node's knowledge is emptied when it
 * boots, merged with its partition's at each membership, and grows with
 * each fence the partition confirms.
 *
 * After a membership forms, the partition's DC computes a transition (after
 * its reaction time; a DC that booted alone first waits dc-deadtime): the
 * scheduler's fences are requested and the kill lands after the fence
 * devices' delays (pcmk_delay_base, a random part up to pcmk_delay_max,
 * priority-fencing-delay); whoever kills first wins a fence race, and the
 * loser's own request dies with it. A fence is confirmed fence_time after
 * the kill, which starts a new transition: the fenced node's VMs start
 * elsewhere. The controller runs live migrations at most migration-limit
 * at a time per node, counting both the source and the target
 * (controld_te_actions.c); stops and starts are not limited. */
#include "models/cluster/pacemaker.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "models/cluster/scheduler.h"
#include "models/units.h"

/* Assumption: a DC acts 30-180 ms after a membership change (uniform); the
 * real cluster's DC requested fencing 0.03-0.18 s after it saw the peer
 * lost (docs/validation.md; sometimes about 1 s when CIB updates were
 * pending, which is not modelled). */
#define REACT_MIN (30 * SIM_MS)
#define REACT_MAX (180 * SIM_MS)
/* corosync merge (200 ms) + join (50 ms) for nodes that only join */
#define JOIN_TIME (250 * SIM_MS)
/* corosync's userspace HZ (sys/param.h): hold = 0.8 x retransmit - 1000/HZ */
#define COROSYNC_HZ 100

typedef struct {
    int vm, from, to;
} pending_move;

typedef struct pcmk pcmk;

typedef struct {
    pcmk *p;
    int target;
    int by;           /* the requesting partition's representative, for the record */
    guint8 *members;  /* the requesting partition: any of its live nodes drives the device */
    sim_event kill_ev, confirm_ev;
    bool active;
} fence_op;

struct pcmk {
    world *w;
    const scenario *sc;
    int n;                     /* hosts */
    int *part;                 /* each node's partition at the last membership (its lowest member), -1 */
    int *msize;                /* the size of each node's membership */
    int *prev_size;            /* per partition representative: the largest previous membership of its members */
    guint8 *clean;             /* [o * n + t]: node o knows t is clean offline */
    sim_time *boot;            /* when each node last booted */
    bool *seen_all;            /* votequorum wait_for_all: it saw every node together since it booted */
    int *atb_lowest;           /* votequorum: lowest member id at its last quorate membership */
    bool *quorate;             /* per partition representative */
    int expected_votes;        /* votequorum, lowered by last_man_standing */
    sim_event lms_ev;
    sim_event membership_ev;   /* corosync forms the next membership */
    sim_time membership_at;
    sim_event *dc_ev;          /* per partition representative: its DC's next transition */
    fence_op *fencing;         /* per target */
    int *prefer, *avoid;       /* per VM: the operator's move (crm resource move) */
    GHashTable *failed;        /* vm x n + h -> when a start of vm failed on h (fail-count INFINITY) */
    bool *left_stopped;        /* per VM: the last transition left it stopped for failed starts */
    int *nfailed;              /* per VM: how many */
    int *mig_jobs;             /* per node: live migrations under way (source and target) */
    GQueue *moves;             /* pending_move: live migrations waiting for a slot */
    sim_event *mig_timer;      /* per VM: its migrate_to op's timeout */
    bool *mig_failed;          /* per VM: its migrate_to failed, it awaits recovery */
    int *also_on;              /* per VM: the target it is taken as active on after that, -1 */
    int long_migs;             /* live migrations that outlasted Pacemaker's own 20 s op default */
    sim_time longest_mig;
};

static bool knows_clean(const pcmk *p, int o, int t) { return p->clean[(size_t)o * p->n + t]; }
static void set_clean(pcmk *p, int o, int t, bool v) { p->clean[(size_t)o * p->n + t] = v; }

/* Failed starts: key of (vm, h). */
static gpointer failed_key(const pcmk *p, int vm, int h) { return GSIZE_TO_POINTER((gsize)vm * (gsize)p->n + (gsize)h + 1); }

/* h booted: its transient attributes, fail-counts among them, went when it
 * died (the DC erases a departed node's, controld_callbacks.c
 * peer_update_callback); a dead node runs nothing, so forgetting them at its
 * boot is the same. A node only cut off keeps them (assumption: its attrd
 * writes them back when it rejoins). */
static void forget_failures(pcmk *p, int h)
{
    for (size_t i = 0; i < p->sc->nvms; i++)
        if (p->nfailed[i] && g_hash_table_remove(p->failed, failed_key(p, (int)i, h)))
            p->nfailed[i]--;
}

/* totemconfig.c: token_retransmit = token / (4 + 0.2), hold = 0.8 x that
 * - 1000/HZ (ms), both from the effective token. */
static sim_time token_hold(sim_time token)
{
    sim_time token_ms = token / SIM_MS;
    sim_time retransmit = (sim_time)((double)token_ms / 4.2);
    sim_time hold = (sim_time)(retransmit * 0.8 - 1000 / COROSYNC_HZ);
    return (hold > 0 ? hold : 1) * SIM_MS;
}

static void *pcmk_create(world *w)
{
    const scenario *sc = world_scenario(w);
    pcmk *p = g_new0(pcmk, 1);
    p->w = w;
    p->sc = sc;
    int n = p->n = (int)sc->nhosts;
    p->part = g_new(int, n);
    p->msize = g_new0(int, n);
    p->prev_size = g_new0(int, n);
    p->clean = g_new0(guint8, (size_t)n * n);
    p->boot = g_new0(sim_time, n);
    p->seen_all = g_new(bool, n);
    p->atb_lowest = g_new(int, n);
    p->quorate = g_new(bool, n);
    p->dc_ev = g_new0(sim_event, n);
    p->fencing = g_new0(fence_op, n);
    p->mig_jobs = g_new0(int, n);
    p->moves = g_queue_new();
    p->prefer = g_new(int, sc->nvms ? sc->nvms : 1);
    p->avoid = g_new(int, sc->nvms ? sc->nvms : 1);
    for (size_t i = 0; i < sc->nvms; i++)
        p->prefer[i] = p->avoid[i] = -1;
    p->failed = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    p->left_stopped = g_new0(bool, sc->nvms ? sc->nvms : 1);
    p->nfailed = g_new0(int, sc->nvms ? sc->nvms : 1);
    p->mig_timer = g_new0(sim_event, sc->nvms ? sc->nvms : 1);
    p->mig_failed = g_new0(bool, sc->nvms ? sc->nvms : 1);
    p->also_on = g_new(int, sc->nvms ? sc->nvms : 1);
    for (size_t i = 0; i < sc->nvms; i++)
        p->also_on[i] = -1;
    /* the cluster formed whole before the scenario begins */
    int first = -1, nodes = 0;
    for (int h = 0; h < n; h++)
        if (world_is_node(w, h)) {
            if (first < 0)
                first = h;
            nodes++;
        }
    for (int h = 0; h < n; h++) {
        p->part[h] = world_is_node(w, h) ? first : -1;
        p->msize[h] = p->prev_size[h] = nodes;
        p->seen_all[h] = true;
        p->atb_lowest[h] = first;
        p->quorate[h] = true;
        p->fencing[h] = (fence_op){ p, h, -1, g_new0(guint8, n), 0, 0, false };
    }
    p->expected_votes = nodes;
    return p;
}

static void pcmk_destroy(void *cl)
{
    pcmk *p = cl;
    if (!p)
        return;
    g_free(p->part);
    g_free(p->msize);
    g_free(p->prev_size);
    g_free(p->clean);
    g_free(p->boot);
    g_free(p->seen_all);
    g_free(p->atb_lowest);
    g_free(p->quorate);
    g_free(p->dc_ev);
    for (int h = 0; h < p->n; h++)
        g_free(p->fencing[h].members);
    g_free(p->fencing);
    g_free(p->mig_jobs);
    g_queue_free_full(p->moves, g_free);
    g_free(p->prefer);
    g_free(p->avoid);
    g_hash_table_destroy(p->failed);
    g_free(p->left_stopped);
    g_free(p->nfailed);
    g_free(p->mig_timer);
    g_free(p->mig_failed);
    g_free(p->also_on);
    g_free(p);
}

static int nnodes(const pcmk *p)
{
    int n = 0;
    for (int h = 0; h < p->n; h++)
        n += world_is_node(p->w, h);
    return n;
}

static int cluster_network(const pcmk *p)
{
    return p->sc->cluster.network >= 0 ? p->sc->cluster.network : 0;
}

static bool connected(const pcmk *p, int a, int b)
{
    const world *w = p->w;
    int net = cluster_network(p);
    return world_host_up(w, a) && world_host_up(w, b) && world_hosts_reach(w, a, b) && world_nic_up(w, a, net) &&
           world_nic_up(w, b, net);
}

static bool pcmk_connected(void *cl, const world *w, int a, int b)
{
    (void)w;
    return connected(cl, a, b);
}

static int pcmk_partition(void *cl, const world *w, int h)
{
    (void)w;
    return ((pcmk *)cl)->part[h];
}

static bool member(const pcmk *p, int h, int part)
{
    return world_is_node(p->w, h) && world_host_up(p->w, h) && p->part[h] == part && part >= 0;
}

/* ------------------------------------------------------------------ membership */

/* The partitions corosync would form now: connected sets of up nodes over
 * the cluster network, each named by its lowest node; -1 for the others. */
static void components(const pcmk *p, int *comp)
{
    int n = p->n;
    int *stack = g_newa(int, n);
    for (int h = 0; h < n; h++)
        comp[h] = -1;
    for (int h = 0; h < n; h++) {
        if (!world_is_node(p->w, h) || !world_host_up(p->w, h) || comp[h] >= 0)
            continue;
        int top = 0;
        comp[h] = h;
        stack[top++] = h;
        while (top) {
            int a = stack[--top];
            for (int b = 0; b < n; b++)
                if (comp[b] < 0 && world_is_node(p->w, b) && connected(p, a, b)) {
                    comp[b] = h;
                    stack[top++] = b;
                }
        }
    }
}

/* Whether a member lost a peer of its membership (or died), and whether
 * nodes that are apart in it could now join. */
static void compare_membership(const pcmk *p, bool *lost, bool *joined)
{
    int n = p->n;
    int *comp = g_newa(int, n);
    components(p, comp);
    *lost = *joined = false;
    for (int a = 0; a < n; a++) {
        if (!world_is_node(p->w, a))
            continue;
        bool up = world_host_up(p->w, a);
        if (p->part[a] >= 0 && !up)
            *lost = true;
        if (up && p->part[a] < 0)
            *joined = true;
        for (int b = a + 1; b < n && up; b++) {
            if (!world_is_node(p->w, b) || !world_host_up(p->w, b))
                continue;
            bool same = p->part[a] >= 0 && p->part[a] == p->part[b];
            if (same && comp[a] != comp[b])
                *lost = true;
            else if (!same && comp[a] == comp[b])
                *joined = true;
        }
    }
}

static void membership_formed(sim *s, void *arg);
static void schedule_transition(pcmk *p, int part, sim_time at_least);

static void pcmk_changed(void *cl, world *w, const world_change *c)
{
    pcmk *p = cl;
    if (!c) {
        /* a model asks the DCs to look again */
        for (int h = 0; h < p->n; h++)
            if (world_is_node(w, h) && world_host_up(w, h) && p->part[h] == h)
                schedule_transition(p, h, 0);
        return;
    }
    if (c->kind == WORLD_HOST && !c->down && c->host >= 0 && world_is_node(w, c->host)) {
        /* it booted: it knows nobody, and must see everyone again */
        int h = c->host;
        p->boot[h] = world_now(w);
        forget_failures(p, h);
        for (int t = 0; t < p->n; t++)
            set_clean(p, h, t, false);
        p->seen_all[h] = false;
        p->part[h] = -1;
    }
    bool lost, joined;
    compare_membership(p, &lost, &joined);
    if (!lost && !joined)
        return;
    sim_time at;
    if (lost) {
        const scn_cluster *cl_ = &p->sc->cluster;
        int nn = nnodes(p);
        sim_time token = cl_->token + (nn > 2 ? (nn - 2) * cl_->token_coefficient : 0);
        sim_time consensus = cl_->consensus > 0 ? cl_->consensus : token * 6 / 5;
        world_assume(w, AS_CL_TOKEN, -1);
        if (nn > 2)
            world_assume(w, AS_CL_TOKEN_COEFFICIENT, -1);
        world_assume(w, AS_CL_CONSENSUS, -1);
        /* the token was last passed on a uniform phase of the hold before */
        double u = gsl_rng_uniform(sim_stream(world_sim(w), "corosync-token"));
        at = world_now(w) + token + consensus - (sim_time)(u * (double)token_hold(token));
    } else {
        at = world_now(w) + JOIN_TIME;
    }
    if (p->membership_ev && p->membership_at <= at)
        return; /* the membership under way forms first and sees it */
    if (p->membership_ev)
        sim_cancel(world_sim(w), p->membership_ev);
    p->membership_at = at;
    p->membership_ev = sim_at(world_sim(w), at, membership_formed, p);
}

static int part_size(const pcmk *p, int part)
{
    int size = 0;
    for (int h = 0; h < p->n; h++)
        size += member(p, h, part);
    return size;
}

/* The partition corosync-qnetd gives its vote to (ffsplit: the larger
 * partition that reaches it, a tie to the one with the lowest node id), -1. */
static int qdevice_vote(const pcmk *p, const int *parts, int np)
{
    int q = p->sc->cluster.qdevice_host, best = -1, best_size = 0;
    if (q < 0 || !world_host_up(p->w, q))
        return -1;
    for (int k = 0; k < np; k++) {
        bool reach = false;
        for (int h = 0; h < p->n && !reach; h++)
            reach = member(p, h, parts[k]) && connected(p, h, q);
        int size = part_size(p, parts[k]);
        if (reach && size > best_size) { /* parts are in order of their lowest node */
            best = parts[k];
            best_size = size;
        }
    }
    return best;
}

/* votequorum (corosync exec/votequorum.c are_we_quorate, sources.md 5.2). */
static bool votequorum(const pcmk *p, int part, int n, int qvote)
{
    const scn_cluster *cl = &p->sc->cluster;
    int size = part_size(p, part);
    if (cl->wait_for_all) {
        /* quorate only once every node has been seen together */
        bool seen = false;
        for (int h = 0; h < p->n; h++)
            seen |= member(p, h, part) && p->seen_all[h];
        if (!seen)
            return false;
    }
    if (cl->two_node)
        return size >= 1;
    if (cl->qdevice_host >= 0)
        return 2 * (size + (qvote == part)) > n + 1;
    int expected = cl->last_man_standing ? p->expected_votes : n;
    int quorum = expected / 2 + 1;
    if (size >= quorum)
        return true;
    /* auto_tie_breaker: a half split goes to the half holding the lowest
     * node id as it was when the nodes were last quorate (it is recomputed
     * only while quorate), and only if the other half cannot be quorate */
    if (!cl->auto_tie_breaker || size != expected / 2 || p->prev_size[part] - size >= quorum)
        return false;
    int lowest = p->atb_lowest[part];
    return lowest >= 0 && member(p, lowest, part);
}

typedef struct {
    pcmk *p;
    int size;
} lms_job;

/* last_man_standing: the membership held for the window; expected votes
 * follow it down (to 2, or 1 with auto_tie_breaker). */
static void lms_expire(sim *s, void *arg)
{
    (void)s;
    lms_job *j = arg;
    pcmk *p = j->p;
    p->lms_ev = 0;
    int floor = p->sc->cluster.auto_tie_breaker ? 1 : 2;
    p->expected_votes = j->size > floor ? j->size : floor;
    world_note(p->w, "quorum-expected-votes", "corosync", "last_man_standing window passed");
}

static void transition_due(sim *s, void *arg);

typedef struct {
    pcmk *p;
    int part;
} dc_job;

/* The partition's DC computes a transition after its reaction time; a DC
 * whose whole partition booted just now first waits dc-deadtime. */
static void schedule_transition(pcmk *p, int part, sim_time at_least)
{
    world *w = p->w;
    sim_time now = world_now(w);
    double u = gsl_rng_uniform(sim_stream(world_sim(w), "pacemaker-dc"));
    sim_time at = now + REACT_MIN + (sim_time)(u * (double)(REACT_MAX - REACT_MIN));
    if (at < at_least)
        at = at_least;
    sim_time boot = 0;
    bool all_new = true;
    for (int h = 0; h < p->n; h++)
        if (member(p, h, part)) {
            all_new &= p->boot[h] > 0;
            if (p->boot[h] > boot)
                boot = p->boot[h];
        }
    if (all_new && boot + p->sc->cluster.dc_deadtime > at) {
        at = boot + p->sc->cluster.dc_deadtime;
        world_assume(w, AS_CL_DC_DEADTIME, -1);
    }
    if (p->dc_ev[part]) {
        sim_cancel(world_sim(w), p->dc_ev[part]);
        p->dc_ev[part] = 0;
    }
    dc_job *j = world_job(w, sizeof(dc_job));
    *j = (dc_job){ p, part };
    p->dc_ev[part] = sim_at(world_sim(w), at, transition_due, j);
}

/* Whether partition part misses a node it does not know clean (the DLM
 * waits for its fence). */
static bool lost_unclean(const pcmk *p, int part)
{
    for (int h = 0; h < p->n; h++)
        if (world_is_node(p->w, h) && !member(p, h, part) && !knows_clean(p, part, h))
            return true;
    return false;
}

/* Partition r's members pool what they know of clean nodes, remember the
 * largest membership any of them saw before (last_man_standing,
 * wait_for_all) and the lowest node of their last quorate view
 * (auto_tie_breaker). old: each node's partition before this membership. */
static void merge_knowledge(pcmk *p, int r, const int *old)
{
    int n = p->n, prev = 0;
    for (int h = 0; h < n; h++)
        if (member(p, h, r)) {
            for (int t = 0; t < n; t++)
                if (knows_clean(p, h, t))
                    set_clean(p, r, t, true);
            if (old[h] >= 0 && p->msize[h] > prev)
                prev = p->msize[h];
        }
    p->prev_size[r] = prev;
    for (int h = 0; h < n; h++)
        if (member(p, h, r))
            p->msize[h] = part_size(p, r);
    for (int h = 0; h < n; h++)
        if (member(p, h, r))
            set_clean(p, r, h, false); /* a member is not clean offline */
    for (int h = 0; h < n; h++)
        if (member(p, h, r))
            for (int t = 0; t < n; t++)
                set_clean(p, h, t, knows_clean(p, r, t));
    int lowest = -1;
    for (int h = 0; h < n && lowest < 0; h++)
        if (member(p, h, r))
            lowest = p->atb_lowest[h];
    p->atb_lowest[r] = lowest;
}

/* votequorum's verdict for each partition (expected votes follow the
 * largest partition up; the quorum device's vote; no-quorum-policy ignore),
 * and last_man_standing's window when one partition stays quorate below
 * the expected votes. */
static void decide_quorum(pcmk *p, const int *parts, int np, int nn)
{
    world *w = p->w;
    const scn_cluster *cl = &p->sc->cluster;
    if (p->lms_ev) {
        sim_cancel(world_sim(w), p->lms_ev);
        p->lms_ev = 0;
    }
    int biggest = 0;
    for (int k = 0; k < np; k++)
        if (part_size(p, parts[k]) > biggest)
            biggest = part_size(p, parts[k]);
    if (biggest > p->expected_votes)
        p->expected_votes = biggest; /* nodes that join raise it again */
    int qvote = qdevice_vote(p, parts, np);
    int nq = 0;
    for (int k = 0; k < np; k++) {
        int r = parts[k];
        p->quorate[r] = cl->no_quorum_policy == NQP_IGNORE || votequorum(p, r, nn, qvote);
        nq += p->quorate[r];
        if (!p->quorate[r])
            world_assume(w, AS_CL_NO_QUORUM_POLICY, -1);
        for (int h = 0; h < p->n; h++) {
            if (!member(p, h, r))
                continue;
            if (p->quorate[r])
                p->atb_lowest[h] = r; /* recomputed while quorate: the lowest member */
            else if (cl->wait_for_all)
                p->seen_all[h] = false; /* votequorum waits for all again once inquorate */
        }
    }
    if (cl->last_man_standing && nq == 1)
        for (int k = 0; k < np; k++)
            if (p->quorate[parts[k]] && part_size(p, parts[k]) < p->expected_votes) {
                lms_job *j = world_job(w, sizeof(lms_job));
                *j = (lms_job){ p, part_size(p, parts[k]) };
                p->lms_ev = sim_after(world_sim(w), cl->lms_window, lms_expire, j);
                world_assume(w, AS_CL_LMS_WINDOW, -1);
            }
}

/* A new membership: the partitions form (in host order, each named by its
 * lowest member), pending decisions are dropped, each partition merges
 * what its members know, votequorum decides, and each partition's DC
 * decides again. */
static void membership_formed(sim *s, void *arg)
{
    pcmk *p = arg;
    world *w = p->w;
    p->membership_ev = 0;
    int n = p->n, nn = nnodes(p);
    int *old = g_newa(int, n), *comp = g_newa(int, n);
    memcpy(old, p->part, sizeof(int) * (size_t)n);
    components(p, comp);
    for (int h = 0; h < n; h++)
        p->part[h] = comp[h];
    for (int d = 0; d < n; d++)
        if (p->dc_ev[d]) {
            sim_cancel(s, p->dc_ev[d]);
            p->dc_ev[d] = 0;
        }
    int *parts = g_newa(int, n + 1), np = 0, up = 0;
    for (int h = 0; h < n; h++) {
        if (!world_is_node(w, h) || !world_host_up(w, h))
            continue;
        up++;
        if (comp[h] == h)
            parts[np++] = h;
    }
    for (int k = 0; k < np; k++)
        merge_knowledge(p, parts[k], old);
    g_autofree char *why = g_strdup_printf("%d partition%s, %d of %d nodes up", np, np == 1 ? "" : "s", up, nn);
    world_note(w, "membership", "corosync", why);
    bool whole = np == 1 && up == nn;
    /* wait_for_all: a node has seen everyone when they are all together */
    if (whole)
        for (int h = 0; h < n; h++)
            p->seen_all[h] = true;
    decide_quorum(p, parts, np, nn);
    if (whole)
        world_storage_healed(w);
    for (int k = 0; k < np; k++) {
        /* the DLM follows corosync: it stops granting until the lost nodes are fenced */
        if (lost_unclean(p, parts[k]))
            world_storage_members_lost(w, parts[k]);
        schedule_transition(p, parts[k], 0);
    }
}

/* ------------------------------------------------------------------ fencing */

static int node_priority(const pcmk *p, int h)
{
    int pr = 0;
    for (size_t i = 0; i < p->sc->nvms; i++)
        if (world_vm_host(p->w, (int)i) == h || world_vm_second_host(p->w, (int)i) == h)
            pr += p->sc->vms[i].priority;
    return pr;
}

/* priority-fencing-delay (Pacemaker 2.1.5 pe_actions.c
 * node_priority_fencing_delay): fencing a node outside a partition that
 * lacks a majority is delayed if that node has the highest total resource
 * priority and the priorities are not all equal. */
static sim_time priority_delay(const pcmk *p, int target, int part)
{
    sim_time d = p->sc->cluster.priority_fencing_delay;
    if (d <= 0)
        return 0;
    int members = 0, online = 0, top = 0, low = 0;
    for (int h = 0; h < p->n; h++) {
        if (!world_is_node(p->w, h))
            continue;
        int pr = node_priority(p, h);
        members++;
        online += member(p, h, part);
        if (members == 1 || pr > top)
            top = pr;
        if (members == 1 || pr < low)
            low = pr;
    }
    if (online > members / 2 || low == top || node_priority(p, target) < top)
        return 0;
    return d;
}

static void transition(pcmk *p, int part);

/* Whether a node of the requesting partition, other than the target,
 * still lives to drive the fence device. */
static bool requester_alive(const fence_op *f)
{
    for (int h = 0; h < f->p->n; h++)
        if (f->members[h] && h != f->target && world_host_up(f->p->w, h))
            return true;
    return false;
}

static void fence_confirmed(sim *s, void *arg)
{
    (void)s;
    fence_op *f = arg;
    pcmk *p = f->p;
    world *w = p->w;
    f->confirm_ev = 0;
    f->active = false;
    if (world_ended(w) || !requester_alive(f))
        return;
    world_note(w, "fence-confirmed", world_scenario(w)->hosts[f->target].name, NULL);
    /* the requesting nodes learn it (in whatever partition they are now) */
    for (int h = 0; h < p->n; h++)
        if (f->members[h] && h != f->target && world_host_up(w, h) && p->part[h] >= 0)
            for (int o = 0; o < p->n; o++)
                if (member(p, o, p->part[h]))
                    set_clean(p, o, f->target, true);
    for (int h = 0; h < p->n; h++)
        if (world_is_node(w, h) && world_host_up(w, h) && p->part[h] == h && knows_clean(p, h, f->target)) {
            world_storage_fenced(w, h);
            /* the transition's starts were ordered after the fence: they go now */
            transition(p, h);
        }
}

static void fence_kill(sim *s, void *arg)
{
    fence_op *f = arg;
    pcmk *p = f->p;
    world *w = p->w;
    f->kill_ev = 0;
    /* the request dies with the partition that made it (it lost a fence
     * race); the next DC asks again if the node still needs it */
    if (world_ended(w) || !requester_alive(f)) {
        f->active = false;
        return;
    }
    world_fence(w, f->target, "STONITH");
    f->confirm_ev = sim_after(s, p->sc->cluster.fence_time, fence_confirmed, f);
}

/* Partition `part` asks to fence `target`. */
static void request_fence(pcmk *p, int target, int part)
{
    world *w = p->w;
    const scn_cluster *cl = &p->sc->cluster;
    fence_op *f = &p->fencing[target];
    if (f->active && requester_alive(f))
        return; /* under way */
    if (f->active)
        sim_cancel(world_sim(w), f->kill_ev);
    world_assume(w, AS_CL_STONITH_TIMEOUT, -1);
    world_assume(w, AS_CL_PCMK_DELAY_MAX, -1);
    world_assume(w, AS_CL_PRIORITY_FENCING_DELAY, -1);
    if (cl->fence_time > cl->stonith_timeout) {
        /* a fence agent slower than stonith-timeout fails, every retry too:
         * with requires=fencing nothing of the node is recovered (sources.md 5.3) */
        world_note(w, "fence-failed", world_scenario(w)->hosts[target].name,
                   "the fence agent does not finish within stonith-timeout");
        return;
    }
    sim_time delay = cl->pcmk_delay_base[target];
    if (cl->pcmk_delay_max > delay) {
        /* base + a random part, the sum kept below the maximum */
        double u = gsl_rng_uniform(sim_stream(world_sim(w), "pcmk-delay"));
        delay += (sim_time)(u * (double)(cl->pcmk_delay_max - delay));
    }
    delay += priority_delay(p, target, part);
    f->active = true;
    f->by = part;
    for (int h = 0; h < p->n; h++)
        f->members[h] = member(p, h, part);
    g_autofree char *why = g_strdup_printf("requested by %s, delayed %.3f s", world_scenario(w)->hosts[part].name,
                                           sim_to_s(delay));
    world_note(w, "fence-request", world_scenario(w)->hosts[target].name, why);
    f->kill_ev = sim_after(world_sim(w), delay, fence_kill, f);
}

/* ------------------------------------------------------------------ the controller */

/* migration-limit: live migrations per node, the source's and the target's
 * (controld_te_actions.c te_update_job_count, allowed_on_node). */
static bool slot_free(const pcmk *p, int from, int to)
{
    int limit = p->sc->cluster.migration_limit;
    return limit <= 0 || (p->mig_jobs[from] < limit && p->mig_jobs[to] < limit);
}

typedef struct {
    pcmk *p;
    int vm;
} vm_job;

/* The executor kills the agent at the op's timeout (sources.md row 44). */
static void migrate_timed_out(sim *s, void *arg)
{
    (void)s;
    vm_job *j = arg;
    world *w = j->p->w;
    j->p->mig_timer[j->vm] = 0;
    world_migration_time_out(w, j->vm);
    if (world_vm_live_target(w, j->vm) >= 0) {
        g_autofree char *t = units_format(UNITS_TIME, sim_to_s(j->p->sc->cluster.migrate_timeout));
        world_warn(w,
                   "at %.9g s, %s's migrate_to timed out (%s) while its migration was past the point of no return "
                   "(paused at the switchover, waiting for its storage, or resuming on the target): golive lets it "
                   "finish there; the agent's kill, the destination's removal and Pacemaker's recovery that would "
                   "follow are not simulated",
                   sim_to_s(world_now(w)), j->p->sc->vms[j->vm].name, t);
    }
}

/* A failed migrate_to: the scheduler takes the VM as active on the source
 * and on an online target, and recovers it (unpack_migrate_to_failure,
 * sources.md row 44). */
static void migrate_to_failed(pcmk *p, int vm, int from, int to)
{
    int part = p->part[from];
    if (world_ended(p->w) || part < 0 || world_vm_host(p->w, vm) != from || world_vm_moving_to(p->w, vm) >= 0)
        return;
    p->mig_failed[vm] = true;
    p->also_on[vm] = member(p, to, part) ? to : -1;
    schedule_transition(p, part, 0);
}

typedef struct {
    pcmk *p;
    int vm, from, to;
} failed_job;

static void migrate_to_failed_later(sim *s, void *arg)
{
    (void)s;
    failed_job *j = arg;
    migrate_to_failed(j->p, j->vm, j->from, j->to);
}

static void run_moves(pcmk *p)
{
    for (GList *l = p->moves->head; l;) {
        GList *next = l->next;
        pending_move *m = l->data;
        if (slot_free(p, m->from, m->to)) {
            g_queue_delete_link(p->moves, l);
            if (world_vm_host(p->w, m->vm) == m->from && world_migrate(p->w, m->vm, m->to, false)) {
                p->mig_jobs[m->from]++;
                p->mig_jobs[m->to]++;
                vm_job *j = world_job(p->w, sizeof(vm_job));
                *j = (vm_job){ p, m->vm };
                p->mig_timer[m->vm] = sim_after(world_sim(p->w), p->sc->cluster.migrate_timeout, migrate_timed_out, j);
                world_assume(p->w, AS_CL_MIGRATE_TIMEOUT, -1);
            }
            g_free(m);
        }
        l = next;
    }
}

static void pcmk_move_ended(void *cl, world *w, const mig_result *r)
{
    pcmk *p = cl;
    if (!r->restart) {
        p->mig_jobs[r->from]--;
        p->mig_jobs[r->to]--;
        sim_cancel(world_sim(w), p->mig_timer[r->vm]);
        p->mig_timer[r->vm] = 0;
        if (r->outcome == MIG_COMPLETED && !p->sc->cluster.migrate_timeout_set &&
            r->end - r->start > PCMK_OP_TIMEOUT_DEFAULT) {
            p->long_migs++;
            p->longest_mig = MAX(p->longest_mig, r->end - r->start);
        }
        if (r->outcome != MIG_FAILED) /* a failed one keeps it for its recovery */
            p->prefer[r->vm] = p->avoid[r->vm] = -1;
        if (r->outcome == MIG_FAILED && r->failure == mig_failure_names[MIG_FAILURE_HOST]) {
            /* the target died: virsh migrate hears nothing from it until
             * libvirt's keepalive gives up, and only then does the op fail */
            failed_job *j = world_job(w, sizeof(failed_job));
            *j = (failed_job){ p, r->vm, r->from, r->to };
            sim_after(world_sim(w), MIG_STALL_TIMEOUT, migrate_to_failed_later, j);
        } else if (r->outcome == MIG_FAILED) {
            migrate_to_failed(p, r->vm, r->from, r->to);
        }
    }
    run_moves(p);
}

static int pcmk_queued(void *cl) { return (int)g_queue_get_length(((pcmk *)cl)->moves); }

static bool queued_move(const pcmk *p, int vm)
{
    for (GList *l = p->moves->head; l; l = l->next)
        if (((pending_move *)l->data)->vm == vm)
            return true;
    return false;
}

/* ------------------------------------------------------------------ transitions */

static void failure_expired(sim *s, void *arg)
{
    (void)s;
    dc_job *j = arg;
    if (!world_ended(j->p->w) && j->p->part[j->part] >= 0)
        schedule_transition(j->p, j->p->part[j->part], 0);
}

/* A start of vm failed on h: the controller sets its fail-count there to
 * INFINITY (start-failure-is-fatal, failed-start-offset in
 * pcmk_graph_producer.c), which bans it from h until the count is cleared:
 * failure-timeout after the failure, when the scheduler asks for a recheck
 * (pe__update_recheck_time in unpack.c), or never with failure-timeout 0
 * (the default), but when h dies and its transient
 * attributes go, or an operator cleans up. */
static void start_failed(pcmk *p, int vm, int h, sim_time after)
{
    gpointer key = failed_key(p, vm, h);
    sim_time at = world_now(p->w) + after;
    if (!g_hash_table_contains(p->failed, key))
        p->nfailed[vm]++;
    g_hash_table_insert(p->failed, key, g_memdup2(&at, sizeof at));
    if (p->part[h] < 0)
        return;
    schedule_transition(p, p->part[h], at);
    world_assume(p->w, AS_CL_FAILURE_TIMEOUT, -1);
    if (p->sc->cluster.failure_timeout > 0) {
        dc_job *j = world_job(p->w, sizeof(dc_job));
        *j = (dc_job){ p, h };
        sim_at(world_sim(p->w), at + p->sc->cluster.failure_timeout, failure_expired, j);
    }
}

/* Whether a start of vm failed on h and still counts. */
static bool start_banned(const pcmk *p, int vm, int h)
{
    const sim_time *at = g_hash_table_lookup(p->failed, failed_key(p, vm, h));
    sim_time ft = p->sc->cluster.failure_timeout;
    return at && (ft == 0 || world_now(p->w) < *at + ft);
}

/* Starts vm on `to` once its storage lets it (vm_start later). */
static void start_vm(pcmk *p, int vm, int to, sim_time extra)
{
    world *w = p->w;
    sim_time wait = 0;
    switch (world_storage_start_wait(w, vm, to, &wait)) {
    case WORLD_START_GO:
        world_vm_start(w, vm, to, extra + wait + p->sc->cluster.vm_start, "started by Pacemaker");
        world_assume(w, AS_CL_VM_START, -1);
        break;
    case WORLD_START_BLOCKED:
        break;
    case WORLD_START_FAILS:
        start_failed(p, vm, to, extra);
        break;
    }
}

/* The DC of partition `part` decides (scheduler.c) and acts. */
static void transition(pcmk *p, int part)
{
    world *w = p->w;
    const scenario *sc = p->sc;
    const scn_cluster *cl = &sc->cluster;
    int n = p->n;
    if (part < 0 || p->part[part] != part || !world_host_up(w, part))
        return; /* no DC there any more */
    /* the nodes the scheduler sees: the cluster's nodes, in host order */
    int *node_of = g_newa(int, n + 1), *index_of = g_newa(int, n + 1), nn = 0;
    for (int h = 0; h < n; h++) {
        index_of[h] = -1;
        if (world_is_node(w, h)) {
            index_of[h] = nn;
            node_of[nn++] = h;
        }
    }
    sched_node *nodes = g_new(sched_node, nn ? nn : 1);
    for (int k = 0; k < nn; k++) {
        int h = node_of[k];
        sched_state st = member(p, h, part) ? SCHED_ONLINE : knows_clean(p, part, h) ? SCHED_OFFLINE : SCHED_UNCLEAN;
        /* a drained node is in standby; one the storage refuses VMs (a DRBD
         * node that may not be primary) runs none of them either */
        if (st == SCHED_ONLINE && (world_host_draining(w, h) || !world_host_may_run_vms(w, h)))
            st = SCHED_STANDBY;
        nodes[k] = (sched_node){ sc->hosts[h].name, st, sc->hosts[h].memory };
    }
    size_t nv = sc->nvms;
    sched_rsc *rs = g_new0(sched_rsc, nv ? nv : 1);
    bool *skip = g_newa(bool, nv + 1);
    for (size_t i = 0; i < nv; i++) {
        int vm = (int)i;
        sched_rsc *r = &rs[i];
        *r = (sched_rsc){ .memory = sc->vms[i].memory, .priority = sc->vms[i].priority, .allow_migrate = cl->allow_migrate,
                          .on = { -1, -1 }, .prefer = -1, .avoid = -1 };
        int host = world_vm_host(w, vm), second = world_vm_second_host(w, vm);
        int moving = world_vm_moving_to(w, vm), starting = world_vm_starting_on(w, vm);
        /* a move or a start under way is not decided again: it counts where it goes */
        skip[i] = moving >= 0 || starting >= 0 || queued_move(p, vm) ||
                  (host < 0 && !world_storage_shared(w)); /* a local disk: only its host */
        int at[2] = { host, second };
        /* after a failed migrate_to, the target it believes it still runs on */
        if (p->mig_failed[i] && host >= 0 && second < 0 && p->also_on[i] >= 0 && p->also_on[i] != host &&
            member(p, p->also_on[i], part))
            at[1] = p->also_on[i];
        r->failed = p->mig_failed[i] && host >= 0;
        if (moving >= 0)
            at[0] = moving;
        if (starting >= 0)
            at[0] = starting, at[1] = -1;
        if (at[0] < 0) {
            /* down: the partition believes it still runs on a node it lost
             * (unclean, or offline), and knows it stopped on its own nodes */
            int home = world_vm_home(w, vm);
            if (home >= 0 && !member(p, home, part))
                at[0] = home;
        }
        for (int k = 0; k < 2; k++)
            if (at[k] >= 0 && index_of[at[k]] >= 0)
                r->on[r->non++] = index_of[at[k]];
        if (r->non == 2 && r->on[0] > r->on[1]) {
            int x = r->on[0];
            r->on[0] = r->on[1];
            r->on[1] = x;
        }
        r->prefer = p->prefer[i] >= 0 ? index_of[p->prefer[i]] : -1;
        r->avoid = p->avoid[i] >= 0 ? index_of[p->avoid[i]] : -1;
        if (p->nfailed[i]) {
            int *b = g_new(int, p->nfailed[i]);
            for (int k = 0; k < nn; k++)
                if (start_banned(p, vm, node_of[k]))
                    b[r->nbanned++] = k;
            r->banned = b;
        }
    }
    sched_input in = { p->quorate[part], cl->stonith, cl->maintenance_mode, cl->no_quorum_policy, nn, (int)nv, nodes, rs };
    bool *fence = g_new(bool, nn ? nn : 1);
    sched_action *act = g_new(sched_action, nv ? nv : 1);
    sched_transition(&in, fence, act);
    for (int k = 0; k < nn; k++)
        if (fence[k])
            request_fence(p, node_of[k], part);
    for (size_t i = 0; i < nv; i++) {
        int vm = (int)i;
        if (skip[i])
            continue;
        const sched_action *a = &act[i];
        int from = a->from >= 0 ? node_of[a->from] : -1, to = a->to >= 0 ? node_of[a->to] : -1;
        /* the scheduler leaves it stopped: only an operator would retry */
        p->left_stopped[i] = rs[i].nbanned && a->verb == SCHED_NONE && world_vm_host(w, vm) < 0;
        switch (a->verb) {
        case SCHED_NONE:
        case SCHED_RECOVER: /* after the fence: the next transition starts it */
            break;
        case SCHED_START:
            start_vm(p, vm, to, 0);
            break;
        case SCHED_STOP:
            if (world_vm_host(w, vm) >= 0)
                world_vm_stop(w, vm, p->quorate[part] ? "vm-down" : "quorum-lost",
                              p->quorate[part] ? "pacemaker:stopped" : sc->hosts[from].name);
            world_storage_update(w);
            break;
        case SCHED_MIGRATE: {
            pending_move *m = g_new(pending_move, 1);
            *m = (pending_move){ vm, from, to };
            g_queue_push_tail(p->moves, m);
            break;
        }
        case SCHED_MOVE:
            world_migrate(w, vm, to, true);
            break;
        case SCHED_RESTART:
            /* multiple-active stop_start, or the recovery of a failed
             * migrate_to: every copy stops, one starts */
            world_vm_stop_second(w, vm);
            if (world_vm_host(w, vm) >= 0)
                world_vm_stop(w, vm, "vm-down",
                              p->mig_failed[i] ? "pacemaker:migrate_to-failed" : "pacemaker:multiple-active");
            world_storage_update(w);
            if (to >= 0)
                start_vm(p, vm, to, cl->vm_stop);
            world_assume(w, AS_CL_VM_STOP, -1);
            break;
        }
        /* the operator clears the move constraint once it is done (a live
         * migration: once it completed, pcmk_move_ended) */
        if (a->verb != SCHED_NONE && a->verb != SCHED_RECOVER && a->verb != SCHED_MIGRATE)
            p->prefer[i] = p->avoid[i] = -1;
        if (a->verb != SCHED_NONE || world_vm_host(w, vm) < 0) {
            p->mig_failed[i] = false; /* stopped: the failure is behind it */
            p->also_on[i] = -1;
        }
    }
    run_moves(p);
    g_free(nodes);
    for (size_t i = 0; i < nv; i++)
        g_free((int *)rs[i].banned);
    g_free(rs);
    g_free(fence);
    g_free(act);
}

static void transition_due(sim *s, void *arg)
{
    (void)s;
    dc_job *j = arg;
    pcmk *p = j->p;
    p->dc_ev[j->part] = 0;
    if (!world_ended(p->w))
        transition(p, j->part);
}

/* ------------------------------------------------------------------ what the world asks */

static void vm_failed_seen(sim *s, void *arg)
{
    (void)s;
    dc_job *j = arg;
    if (!world_ended(j->p->w) && j->part >= 0)
        schedule_transition(j->p, j->p->part[j->part], 0);
}

/* A VM died on a live node: its monitor notices it within its interval (a
 * uniform phase), then the DC recovers it. */
static void pcmk_vm_failed(void *cl, world *w, int vm)
{
    pcmk *p = cl;
    int home = world_vm_home(w, vm);
    if (home < 0 || p->part[home] < 0)
        return;
    double u = gsl_rng_uniform(sim_stream(world_sim(w), "pacemaker-monitor"));
    dc_job *j = world_job(w, sizeof(dc_job));
    *j = (dc_job){ p, home };
    sim_after(world_sim(w), (sim_time)(u * (double)p->sc->cluster.monitor_interval), vm_failed_seen, j);
    world_assume(w, AS_CL_MONITOR_INTERVAL, -1);
}

typedef struct {
    pcmk *p;
    int h;
} terminate_job;

static void terminate_due(sim *s, void *arg)
{
    (void)s;
    terminate_job *j = arg;
    pcmk *p = j->p;
    if (!world_ended(p->w) && world_host_up(p->w, j->h) && p->part[j->h] >= 0)
        request_fence(p, j->h, p->part[j->h]);
}

/* A node asks to be fenced (crm_attribute terminate=1): its DC fences it
 * after its reaction time. */
static bool pcmk_fence(void *cl, world *w, int h, const char *why)
{
    pcmk *p = cl;
    if (!p->sc->cluster.stonith || p->part[h] < 0)
        return false;
    world_note(w, "fence-asked", world_scenario(w)->hosts[h].name, why);
    double u = gsl_rng_uniform(sim_stream(world_sim(w), "pacemaker-dc"));
    terminate_job *j = world_job(w, sizeof(terminate_job));
    *j = (terminate_job){ p, h };
    sim_after(world_sim(w), REACT_MIN + (sim_time)(u * (double)(REACT_MAX - REACT_MIN)), terminate_due, j);
    return true;
}

static bool pcmk_operator_move(void *cl, world *w, int vm, int to)
{
    pcmk *p = cl;
    if (p->sc->cluster.maintenance_mode)
        return false; /* the operator migrates with virsh, outside Pacemaker */
    int host = world_vm_host(w, vm);
    if (host < 0) {
        world_note(w, "migration-refused", p->sc->vms[vm].name, "the VM is down");
        return true;
    }
    /* crm resource move: cli-prefer on the node, or cli-ban from here */
    p->prefer[vm] = to;
    p->avoid[vm] = to < 0 ? host : -1;
    transition(p, p->part[host]);
    return true;
}

static bool pcmk_standby(void *cl, world *w)
{
    pcmk *p = cl;
    if (p->sc->cluster.maintenance_mode)
        return false;
    for (int h = 0; h < p->n; h++)
        if (world_host_draining(w, h) && p->part[h] >= 0) {
            transition(p, p->part[h]);
            break;
        }
    return true;
}

/* crm node online: a node attribute changed, so the DC runs a transition
 * (resources may move back, as the scheduler decides). */
static void pcmk_unstandby(void *cl, world *w, int h)
{
    pcmk *p = cl;
    (void)w;
    if (!p->sc->cluster.maintenance_mode && p->part[h] >= 0)
        transition(p, p->part[h]);
}

static void pcmk_stop(void *cl, world *w)
{
    pcmk *p = cl;
    sim *s = world_sim(w);
    for (size_t i = 0; i < p->sc->nvms; i++)
        if (p->left_stopped[i] && world_vm_host(w, (int)i) < 0 && world_vm_starting_on(w, (int)i) < 0)
            world_warn(w, "VM %s is left stopped by failed starts (fail-count INFINITY on the nodes that could run it): "
                          "Pacemaker retries only after an operator's crm resource cleanup or when failure-timeout "
                          "expires (cluster.failure_timeout, default 0: never), so it stays down in this prediction",
                       p->sc->vms[i].name);
    if (p->long_migs) {
        /* the spread the scenario leaves open: how the resource was created */
        g_autofree char *t = units_format(UNITS_TIME, sim_to_s(p->sc->cluster.migrate_timeout)),
                        *l = units_format(UNITS_TIME, sim_to_s(p->longest_mig));
        world_warn(w, "%d live migration%s took longer than 20 s (the longest %s): %s under the assumed %s migrate_to "
                      "timeout (VirtualDomain's advised value, which pcs writes into the resource), but a resource "
                      "whose migrate_to op has no timeout gets Pacemaker's 20 s, and then %s would fail and be "
                      "recovered by a stop and a start; set cluster.migrate_timeout to the CIB's value",
                   p->long_migs, p->long_migs == 1 ? "" : "s", l, p->long_migs == 1 ? "it completed" : "they completed",
                   t, p->long_migs == 1 ? "it" : "they");
    }
    sim_cancel(s, p->membership_ev);
    p->membership_ev = 0;
    sim_cancel(s, p->lms_ev);
    p->lms_ev = 0;
    for (int h = 0; h < p->n; h++) {
        sim_cancel(s, p->dc_ev[h]);
        p->dc_ev[h] = 0;
        sim_cancel(s, p->fencing[h].kill_ev);
        sim_cancel(s, p->fencing[h].confirm_ev);
        p->fencing[h].kill_ev = p->fencing[h].confirm_ev = 0;
    }
    g_queue_free_full(p->moves, g_free);
    p->moves = g_queue_new();
}

const cluster_ops pacemaker_cluster = {
    .name = "pacemaker",
    .create = pcmk_create,
    .destroy = pcmk_destroy,
    .changed = pcmk_changed,
    .connected = pcmk_connected,
    .partition = pcmk_partition,
    .vm_failed = pcmk_vm_failed,
    .fence = pcmk_fence,
    .operator_move = pcmk_operator_move,
    .standby = pcmk_standby,
    .unstandby = pcmk_unstandby,
    .move_ended = pcmk_move_ended,
    .queued = pcmk_queued,
    .stop = pcmk_stop,
};
