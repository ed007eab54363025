/* scheduler — one transition of Pacemaker's scheduler, as golive models it.
 *
 * Followed from Pacemaker 2.1.5 (lib/pacemaker, lib/pengine):
 * - fencing (pcmk_sched_allocate.c schedule_fencing_and_shutdowns,
 *   utils.c pe_can_fence): an unclean node is fenced when fencing is enabled
 *   and the partition has quorum or no-quorum-policy is ignore; nothing is
 *   managed, and nothing fenced, in maintenance mode;
 * - no quorum (pe_output.c, unpack.c): stop stops every active resource of
 *   the partition, freeze changes nothing, ignore acts as if quorate;
 *   fence (suicide) fences the partition's own nodes;
 * - allocation order (pcmk_sched_resource.c cmp_resources, used with a
 *   placement strategy other than default): priority, then the score on
 *   the resource's current node, then its scores node by node in the sorted
 *   node order, then configuration order;
 * - stickiness (pcmk_sched_allocate.c apply_stickiness) only for a resource
 *   active on exactly one node;
 * - the node a resource gets (pcmk_sched_nodes.c compare_nodes, balanced):
 *   its score there, then the most free capacity, then the fewest resources
 *   assigned, then the node it is active on, then the node name; nodes
 *   without the capacity are not allowed (pcmk__ban_insufficient_capacity);
 * - a resource active twice (multiple-active stop_start) is stopped
 *   everywhere and started where it is assigned; a resource leaving a live
 *   node migrates if allow-migrate is set, else stops and starts; one on an
 *   unclean node is started elsewhere once the node is fenced. */
#include "models/cluster/scheduler.h"

#include <glib.h>
#include <string.h>

/* pcmk__add_scores: -INFINITY wins, then +INFINITY, else a clamped sum. */
static int add_scores(int a, int b)
{
    if (a <= -SCHED_INFINITY || b <= -SCHED_INFINITY)
        return -SCHED_INFINITY;
    if (a >= SCHED_INFINITY || b >= SCHED_INFINITY)
        return SCHED_INFINITY;
    int s = a + b;
    return s > SCHED_INFINITY ? SCHED_INFINITY : s < -SCHED_INFINITY ? -SCHED_INFINITY : s;
}

/* The resource's score on node n: its constraints, and stickiness on the
 * one node it is active on. */
static int score(const sched_rsc *r, int n)
{
    int s = 0;
    if (r->non == 1 && r->on[0] == n)
        s = add_scores(s, SCHED_STICKINESS);
    if (r->prefer == n)
        s = add_scores(s, SCHED_INFINITY);
    if (r->avoid == n)
        s = add_scores(s, -SCHED_INFINITY);
    for (int k = 0; k < r->nbanned; k++)
        if (r->banned[k] == n)
            s = add_scores(s, -SCHED_INFINITY);
    return s;
}

static bool available(const sched_node *n)
{
    return n->state == SCHED_ONLINE;
}

typedef struct {
    const sched_input *in;
    const int *rank;       /* each node's place in pcmk__sort_nodes order */
} sort_ctx;

static int cmp_nodes_initial(const void *a, const void *b, void *data)
{
    const sched_input *in = data;
    const sched_node *x = &in->nodes[*(const int *)a], *y = &in->nodes[*(const int *)b];
    bool ax = available(x), ay = available(y);
    if (ax != ay)
        return ax ? -1 : 1;
    if (x->capacity != y->capacity)
        return x->capacity > y->capacity ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int cmp_rscs(const void *a, const void *b, void *data)
{
    const sort_ctx *c = data;
    int ia = *(const int *)a, ib = *(const int *)b;
    const sched_rsc *x = &c->in->rscs[ia], *y = &c->in->rscs[ib];
    if (x->priority != y->priority)
        return x->priority > y->priority ? -1 : 1;
    /* the score on its current node (the first it is active on) */
    int wx = x->non ? score(x, x->on[0]) : -SCHED_INFINITY;
    int wy = y->non ? score(y, y->on[0]) : -SCHED_INFINITY;
    if (wx != wy)
        return wx > wy ? -1 : 1;
    /* node by node in the sorted order: the scores are 0 but on the few
     * nodes a resource is sticky to, preferred on or banned from, so only
     * those are compared, earliest first */
    int *cand = g_newa(int, 6 + x->nbanned + y->nbanned), nc = 0;
    const sched_rsc *both[2] = { x, y };
    for (int k = 0; k < 2; k++) {
        const sched_rsc *r = both[k];
        if (r->non == 1)
            cand[nc++] = r->on[0];
        if (r->prefer >= 0)
            cand[nc++] = r->prefer;
        if (r->avoid >= 0)
            cand[nc++] = r->avoid;
        for (int j = 0; j < r->nbanned; j++)
            cand[nc++] = r->banned[j];
    }
    int best = -1;
    for (int k = 0; k < nc; k++) {
        int n = cand[k];
        if (score(x, n) != score(y, n) && (best < 0 || c->rank[n] < c->rank[best]))
            best = n;
    }
    if (best >= 0)
        return score(x, best) > score(y, best) ? -1 : 1;
    return ia < ib ? -1 : ia > ib; /* configuration order */
}

static bool fits(const sched_input *in, const sched_rsc *r, const double *free_cap, int n)
{
    return n >= 0 && available(&in->nodes[n]) && free_cap[n] >= r->memory && score(r, n) >= 0;
}

/* The node resource r gets: the best allowed node with the capacity, -1. */
static int assign(const sched_input *in, const sched_rsc *r, const double *free_cap, const int *nres)
{
    /* a positive score is only ever on its preferred node (INFINITY) or the
     * one node it sticks to: if that node takes it, no other can beat it */
    if (r->prefer >= 0 && fits(in, r, free_cap, r->prefer))
        return r->prefer;
    if (r->non == 1 && r->prefer < 0 && score(r, r->on[0]) > 0 && fits(in, r, free_cap, r->on[0]))
        return r->on[0];
    int best = -1, bs = 0;
    int active = r->non ? r->on[0] : -1;
    for (int n = 0; n < in->nnodes; n++) {
        if (!available(&in->nodes[n]) || free_cap[n] < r->memory)
            continue;
        int s = score(r, n);
        if (s < 0)
            continue;
        if (best >= 0) {
            int better = s != bs                         ? (s > bs ? 1 : -1)
                         : free_cap[n] != free_cap[best] ? (free_cap[n] > free_cap[best] ? 1 : -1)
                         : nres[n] != nres[best]         ? (nres[n] < nres[best] ? 1 : -1)
                         : (n == active) != (best == active) ? (n == active ? 1 : -1)
                                                             : -strcmp(in->nodes[n].name, in->nodes[best].name);
            if (better <= 0)
                continue;
        }
        best = n;
        bs = s;
    }
    return best;
}

void sched_transition(const sched_input *in, bool *fence, sched_action *act)
{
    int N = in->nnodes, R = in->nrscs;
    for (int n = 0; n < N; n++)
        fence[n] = false;
    for (int i = 0; i < R; i++)
        act[i] = (sched_action){ SCHED_NONE, -1, -1 };
    if (in->maintenance)
        return; /* nothing is managed: no action, no fencing */
    bool quorum = in->quorate || in->no_quorum_policy == NQP_IGNORE;
    if (!quorum) {
        if (in->no_quorum_policy == NQP_FENCE && in->stonith) {
            for (int n = 0; n < N; n++)
                fence[n] = in->nodes[n].state == SCHED_ONLINE || in->nodes[n].state == SCHED_STANDBY;
        } else if (in->no_quorum_policy == NQP_STOP || in->no_quorum_policy == NQP_DEMOTE) {
            for (int i = 0; i < R; i++)
                for (int k = 0; k < in->rscs[i].non; k++) {
                    sched_state s = in->nodes[in->rscs[i].on[k]].state;
                    if (s == SCHED_ONLINE || s == SCHED_STANDBY)
                        act[i] = (sched_action){ SCHED_STOP, in->rscs[i].on[k], -1 };
                }
        }
        return;
    }
    for (int n = 0; n < N; n++)
        fence[n] = in->stonith && in->nodes[n].state == SCHED_UNCLEAN;

    /* what each resource is active on, as the partition can act on it:
     * without fencing an unclean node counts as running nothing */
    sched_rsc *rs = g_new(sched_rsc, R ? R : 1);
    for (int i = 0; i < R; i++) {
        rs[i] = in->rscs[i];
        rs[i].non = 0;
        for (int k = 0; k < in->rscs[i].non; k++) {
            sched_state s = in->nodes[in->rscs[i].on[k]].state;
            if (s == SCHED_ONLINE || s == SCHED_STANDBY || (s == SCHED_UNCLEAN && in->stonith))
                rs[i].on[rs[i].non++] = in->rscs[i].on[k];
        }
    }
    int *node_order = g_new(int, N ? N : 1);
    for (int n = 0; n < N; n++)
        node_order[n] = n;
    g_qsort_with_data(node_order, N, sizeof(int), cmp_nodes_initial, (void *)in);
    int *order = g_new(int, R ? R : 1);
    for (int i = 0; i < R; i++)
        order[i] = i;
    int *rank = g_new(int, N ? N : 1);
    for (int k = 0; k < N; k++)
        rank[node_order[k]] = k;
    sched_input view = *in;
    view.rscs = rs;
    sort_ctx ctx = { &view, rank };
    g_qsort_with_data(order, R, sizeof(int), cmp_rscs, &ctx);

    double *free_cap = g_new(double, N ? N : 1);
    int *nres = g_new0(int, N ? N : 1);
    for (int n = 0; n < N; n++)
        free_cap[n] = in->nodes[n].capacity;
    for (int k = 0; k < R; k++) {
        int i = order[k];
        const sched_rsc *r = &rs[i];
        int to = assign(in, r, free_cap, nres);
        if (to >= 0) {
            free_cap[to] -= r->memory;
            nres[to]++;
        }
        int live = -1, nlive = 0, ndead = 0, dead = -1;
        for (int j = 0; j < r->non; j++) {
            if (in->nodes[r->on[j]].state == SCHED_UNCLEAN) {
                ndead++;
                dead = r->on[j];
            } else {
                nlive++;
                if (live < 0)
                    live = r->on[j];
            }
        }
        if (nlive + ndead >= 2)
            act[i] = (sched_action){ SCHED_RESTART, live >= 0 ? live : dead, to };
        else if (nlive == 1 && r->failed)
            act[i] = to < 0 ? (sched_action){ SCHED_STOP, live, -1 } : (sched_action){ SCHED_RESTART, live, to };
        else if (nlive == 1)
            act[i] = to == live ? (sched_action){ SCHED_NONE, live, to }
                     : to < 0   ? (sched_action){ SCHED_STOP, live, -1 }
                                : (sched_action){ r->allow_migrate ? SCHED_MIGRATE : SCHED_MOVE, live, to };
        else if (ndead == 1)
            act[i] = (sched_action){ SCHED_RECOVER, dead, to };
        else if (to >= 0)
            act[i] = (sched_action){ SCHED_START, -1, to };
    }
    g_free(free_cap);
    g_free(nres);
    g_free(order);
    g_free(rank);
    g_free(node_order);
    g_free(rs);
}
