/* capacity — bins, loss checks, fits and simulated drains (capacity.h). */
#include "models/capacity.h"

#include <math.h>
#include <string.h>

#include "models/world.h"

/* The cluster as bins: what each host offers (after overcommit; nothing on
 * hosts that run no VMs) and the VMs it holds. */
typedef struct {
    size_t nh;
    double *mem_cap, *cpu_cap, *mem_used, *cpu_used;
    double *disk_cap, *disk_used; /* NULL unless each host's own disks hold its VMs' images */
    GArray **vms; /* per host: capacity_size */
} bins;

/* Ceph stops writes once an OSD is full: mon_osd_full_ratio (sources.md row 43). */
#define CEPH_FULL_RATIO 0.95

struct capacity {
    const scenario *sc;
    bins b;
    bool *serves; /* hosts that run no VMs */
    capacity_disks disks;
    double pool_cap, pool_used; /* CAPACITY_DISKS_POOL: image bytes the pool may hold, and holds */
    GArray *overfull; /* hosts that start over their memory or vCPUs */
    size_t unplaced;  /* of their excess VMs, those that found no room */
};

static void bins_add(bins *b, size_t h, capacity_size z)
{
    g_array_append_val(b->vms[h], z);
    b->mem_used[h] += z.mem;
    b->cpu_used[h] += z.vcpus;
    if (b->disk_used)
        b->disk_used[h] += z.disk;
}

static double *dup_or_null(const double *a, size_t n) { return a ? g_memdup2(a, n) : NULL; }

static bins *bins_copy(const bins *s)
{
    bins *b = g_new0(bins, 1);
    size_t n = s->nh * sizeof(double);
    b->nh = s->nh;
    b->mem_cap = g_memdup2(s->mem_cap, n);
    b->cpu_cap = g_memdup2(s->cpu_cap, n);
    b->mem_used = g_memdup2(s->mem_used, n);
    b->cpu_used = g_memdup2(s->cpu_used, n);
    b->disk_cap = dup_or_null(s->disk_cap, n);
    b->disk_used = dup_or_null(s->disk_used, n);
    b->vms = g_new(GArray *, s->nh);
    for (size_t h = 0; h < s->nh; h++) {
        b->vms[h] = g_array_sized_new(FALSE, FALSE, sizeof(capacity_size), s->vms[h]->len);
        g_array_append_vals(b->vms[h], s->vms[h]->data, s->vms[h]->len);
    }
    return b;
}

static void bins_clear(bins *b)
{
    for (size_t h = 0; h < b->nh; h++)
        g_array_free(b->vms[h], TRUE);
    g_free(b->vms);
    g_free(b->mem_cap);
    g_free(b->cpu_cap);
    g_free(b->mem_used);
    g_free(b->cpu_used);
    g_free(b->disk_cap);
    g_free(b->disk_used);
}

static void bins_free(bins *b)
{
    bins_clear(b);
    g_free(b);
}

/* A max-heap of hosts by free memory (ties: the first host), so that the
 * roomiest host is found in log time on a thousand-host cluster. */
typedef struct {
    size_t n;
    size_t *h;
    const double *cap, *used;
} roomheap;

static double room(const roomheap *q, size_t h)
{
    return q->cap[h] - q->used[h];
}

static bool above(const roomheap *q, size_t a, size_t b)
{
    double ra = room(q, a), rb = room(q, b);
    return ra > rb || (ra == rb && a < b);
}

static void sift_down(roomheap *q, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->n && above(q, q->h[l], q->h[m]))
            m = l;
        if (r < q->n && above(q, q->h[r], q->h[m]))
            m = r;
        if (m == i)
            return;
        size_t t = q->h[i];
        q->h[i] = q->h[m];
        q->h[m] = t;
        i = m;
    }
}

static void heap_build(roomheap *q)
{
    for (size_t i = q->n / 2; i-- > 0;)
        sift_down(q, i);
}

static size_t heap_pop(roomheap *q)
{
    size_t top = q->h[0];
    q->h[0] = q->h[--q->n];
    sift_down(q, 0);
    return top;
}

static void heap_push(roomheap *q, size_t h)
{
    size_t i = q->n++;
    q->h[i] = h;
    while (i > 0 && above(q, q->h[i], q->h[(i - 1) / 2])) {
        size_t p = (i - 1) / 2, t = q->h[i];
        q->h[i] = q->h[p];
        q->h[p] = t;
        i = p;
    }
}

/* Places z on the roomiest host of q where it fits (memory, vCPUs with
 * used_cpu/cap_cpu, and its disk when the bins hold disks); the hosts tried
 * on the way go back. -1: nowhere. */
static long heap_place(roomheap *q, capacity_size z, double *used_mem, double *used_cpu, const double *cap_cpu,
                       bins *disks, GArray *aside)
{
    long found = -1;
    g_array_set_size(aside, 0);
    while (q->n && found < 0) {
        size_t h = heap_pop(q);
        if (room(q, h) < z.mem) {
            g_array_append_val(aside, h); /* nothing roomier is left */
            break;
        }
        bool disk_ok = !disks || !disks->disk_cap || disks->disk_cap[h] - disks->disk_used[h] >= z.disk;
        if (cap_cpu[h] - used_cpu[h] >= z.vcpus && disk_ok) {
            used_mem[h] += z.mem;
            used_cpu[h] += z.vcpus;
            if (disks && disks->disk_cap)
                disks->disk_used[h] += z.disk;
            found = (long)h;
            heap_push(q, h);
        } else
            g_array_append_val(aside, h);
    }
    for (guint i = 0; i < aside->len; i++)
        heap_push(q, g_array_index(aside, size_t, i));
    return found;
}

static int cmp_size_desc(const void *a, const void *b)
{
    const capacity_size *x = a, *y = b;
    if (x->mem != y->mem)
        return x->mem < y->mem ? 1 : -1;
    if (x->vcpus != y->vcpus)
        return (y->vcpus > x->vcpus) - (y->vcpus < x->vcpus);
    return (y->disk > x->disk) - (y->disk < x->disk);
}

/* What the loss checks share: the hosts in roomiest-first order (room as
 * in b), and scratch copies of the usage that each check changes and then
 * restores (undo), so that a check costs what it moves, not the cluster. */
typedef struct {
    const bins *b;
    size_t *order;        /* every host, roomiest first (above()) */
    double *mem, *cpu;    /* b's usage, changed during a check and restored */
    size_t *heap;         /* hosts a check has touched, by room */
    GArray *undo;         /* size_t: hosts changed by the current check */
    GArray *aside, *out;
} evac;

static void evac_init(evac *e, const bins *b)
{
    e->b = b;
    e->mem = g_memdup2(b->mem_used, b->nh * sizeof(double));
    e->cpu = g_memdup2(b->cpu_used, b->nh * sizeof(double));
    e->order = g_new(size_t, b->nh ? b->nh : 1);
    e->heap = g_new(size_t, b->nh ? b->nh : 1);
    /* the order of a heap's pops over all hosts: a heap sort by above() */
    roomheap q = { .n = b->nh, .h = e->order, .cap = b->mem_cap, .used = e->mem };
    for (size_t h = 0; h < b->nh; h++)
        e->order[h] = h;
    heap_build(&q);
    size_t *sorted = g_new(size_t, b->nh ? b->nh : 1);
    for (size_t i = 0; i < b->nh; i++)
        sorted[i] = heap_pop(&q);
    g_free(e->order);
    e->order = sorted;
    e->undo = g_array_new(FALSE, FALSE, sizeof(size_t));
    e->aside = g_array_new(FALSE, FALSE, sizeof(size_t));
    e->out = g_array_new(FALSE, FALSE, sizeof(capacity_size));
}

static void evac_clear(evac *e)
{
    g_free(e->order);
    g_free(e->mem);
    g_free(e->cpu);
    g_free(e->heap);
    g_array_free(e->undo, TRUE);
    g_array_free(e->aside, TRUE);
    g_array_free(e->out, TRUE);
}

/* Whether the VMs of the lost hosts fit on the others: largest first, each on
 * the surviving host with the most free memory, as world_place (and
 * Pacemaker's "balanced" placement-strategy) would put them. The roomiest
 * host is the first of the hosts a check has touched (a heap) and of the
 * untouched ones (e->order from where the check got to): the same hosts in
 * the same order as a heap of every host, without building one per check. */
static bool evacuates(evac *e, const bool *lost, const size_t *hosts, size_t nlost)
{
    const bins *b = e->b;
    g_array_set_size(e->out, 0);
    for (size_t i = 0; i < nlost; i++) /* the lost hosts, in host order */
        g_array_append_vals(e->out, b->vms[hosts[i]]->data, b->vms[hosts[i]]->len);
    g_array_sort(e->out, cmp_size_desc);
    roomheap q = { .h = e->heap, .cap = b->mem_cap, .used = e->mem };
    size_t next = 0;
    bool ok = true;
    for (guint a = 0; a < e->out->len && ok; a++) {
        capacity_size z = g_array_index(e->out, capacity_size, a);
        long found = -1;
        g_array_set_size(e->aside, 0);
        for (;;) {
            while (next < b->nh && lost[e->order[next]])
                next++;
            if (!q.n && next == b->nh)
                break;
            size_t h = q.n && (next == b->nh || above(&q, q.h[0], e->order[next])) ? heap_pop(&q) : e->order[next++];
            if (room(&q, h) < z.mem) {
                g_array_append_val(e->aside, h); /* nothing roomier is left */
                break;
            }
            if (b->cpu_cap[h] - e->cpu[h] >= z.vcpus) {
                g_array_append_val(e->undo, h);
                e->mem[h] += z.mem;
                e->cpu[h] += z.vcpus;
                found = (long)h;
                heap_push(&q, h);
                break;
            }
            g_array_append_val(e->aside, h);
        }
        for (guint i = 0; i < e->aside->len; i++)
            heap_push(&q, g_array_index(e->aside, size_t, i));
        ok = found >= 0;
    }
    for (guint i = 0; i < e->undo->len; i++) {
        size_t h = g_array_index(e->undo, size_t, i);
        e->mem[h] = b->mem_used[h];
        e->cpu[h] = b->cpu_used[h];
    }
    g_array_set_size(e->undo, 0);
    return ok;
}

/* The hosts whose loss alone cannot be absorbed (host indexes). */
static GArray *n_plus_1_failures(const bins *b, const bool *serves, size_t stop_after)
{
    GArray *bad = g_array_new(FALSE, FALSE, sizeof(size_t));
    bool *lost = g_new0(bool, b->nh);
    evac e;
    evac_init(&e, b);
    for (size_t h = 0; h < b->nh && bad->len < stop_after; h++) {
        if (serves[h] || !b->vms[h]->len)
            continue;
        lost[h] = true;
        if (!evacuates(&e, lost, &h, 1))
            g_array_append_val(bad, h);
        lost[h] = false;
    }
    evac_clear(&e);
    g_free(lost);
    return bad;
}

/* Where k VMs of size z go, added one by one each on the host with the most
 * free memory where it fits: the hosts, in order,
 * until one does not fit. The first j of them are where j such VMs go. */
static GArray *spread_sequence(const bins *b, capacity_size z, int64_t k)
{
    bins *t = bins_copy(b);
    GArray *seq = g_array_new(FALSE, FALSE, sizeof(size_t));
    g_autofree size_t *heap = g_new(size_t, t->nh ? t->nh : 1);
    roomheap q = { .n = t->nh, .h = heap, .cap = t->mem_cap, .used = t->mem_used };
    for (size_t h = 0; h < t->nh; h++)
        heap[h] = h;
    heap_build(&q);
    GArray *aside = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (int64_t i = 0; i < k; i++) {
        long h = heap_place(&q, z, t->mem_used, t->cpu_used, t->cpu_cap, t, aside);
        if (h < 0)
            break;
        size_t hh = (size_t)h;
        g_array_append_val(seq, hh);
    }
    g_array_free(aside, TRUE);
    bins_free(t);
    return seq;
}

/* ------------------------------------------------------------------ drains */

typedef struct {
    const scenario *sc;
    sim_time until;
    gint next;
    size_t n;
    capacity_drain *out; /* per drained host, .host set */
    void (*tick)(void *arg);
    void *tick_arg;
} drain_job;

static gpointer drain_worker(gpointer arg)
{
    drain_job *j = arg;
    for (;;) {
        size_t k = (size_t)g_atomic_int_add(&j->next, 1);
        if (k >= j->n)
            break;
        capacity_drain *d = &j->out[k];
        size_t h = d->host;
        /* a shallow copy: the same cluster, with only this drain on its
         * timeline and no random failures */
        scenario copy = *j->sc;
        scn_event ev = { .at = 0, .action = EV_DRAIN, .vm = -1, .to = -1, .host = (int)h, .rack = -1 };
        copy.events = &ev;
        copy.nevents = 1;
        copy.nfailures = 0;
        copy.until = j->until;
        for (size_t i = 0; i < copy.nvms; i++)
            d->vms += copy.vms[i].host == (int)h;
        g_autoptr(GError) err = NULL;
        world *w = world_new(&copy, 0, &err);
        if (!w) {
            d->window_s = NAN;
            continue;
        }
        world_stop_when_settled(w);
        world_run(w);
        sim_time last = 0;
        double worst = 0;
        size_t started = 0;
        for (size_t i = 0; i < world_nmigrations(w); i++) {
            const mig_result *m = world_migration(w, i);
            started++;
            d->not_converged += m->outcome == MIG_NOT_CONVERGED;
            if (m->outcome != MIG_COMPLETED)
                continue;
            last = m->end > last ? m->end : last;
            d->moved++;
            worst = fmax(worst, sim_to_s(m->downtime));
        }
        d->no_room = d->vms > started ? d->vms - started : 0;
        d->window_s = sim_to_s(last);
        d->downtime_max_s = worst;
        d->assumed = *world_assumed(w);
        world_free(w);
        if (j->tick)
            j->tick(j->tick_arg);
    }
    return NULL;
}


/* ------------------------------------------------------------------ the answers */

/* Where the VMs' images live, and how much room they have: on each host's
 * own disks (local storage), or in a pool every image is in (Ceph: the raw
 * capacity of every OSD, over the pool's copies, below the full ratio;
 * DRBD: every node holds every image, so the smallest node). Unchecked
 * when a host lacks disk_size or the images are on a storage server. */
static void setup_disks(capacity *c)
{
    const scenario *sc = c->sc;
    bins *b = &c->b;
    bool sized = sc->nhosts > 0;
    for (size_t h = 0; h < sc->nhosts; h++)
        sized &= sc->hosts[h].disk_size > 0 || (sc->storage.type == STORAGE_DRBD && !scenario_is_node(sc, (int)h));
    c->disks = CAPACITY_DISKS_UNCHECKED;
    if (!sized)
        return;
    double used = 0;
    for (size_t i = 0; i < sc->nvms; i++)
        used += sc->vms[i].disk_size;
    switch (sc->storage.type) {
    case STORAGE_LOCAL:
        c->disks = CAPACITY_DISKS_LOCAL;
        b->disk_cap = g_new0(double, b->nh);
        b->disk_used = g_new0(double, b->nh);
        for (size_t h = 0; h < b->nh; h++)
            if (!c->serves[h])
                b->disk_cap[h] = sc->hosts[h].disks * sc->hosts[h].disk_size;
        break;
    case STORAGE_CEPH: {
        double raw = 0;
        for (size_t h = 0; h < sc->nhosts; h++)
            raw += sc->hosts[h].disks * sc->hosts[h].disk_size;
        c->disks = CAPACITY_DISKS_POOL;
        c->pool_cap = raw * CEPH_FULL_RATIO / sc->storage.size;
        c->pool_used = used;
        break;
    }
    case STORAGE_DRBD: {
        double least = INFINITY;
        for (size_t h = 0; h < sc->nhosts; h++)
            if (scenario_is_node(sc, (int)h))
                least = fmin(least, sc->hosts[h].disks * sc->hosts[h].disk_size);
        c->disks = CAPACITY_DISKS_POOL;
        c->pool_cap = isfinite(least) ? least : 0;
        c->pool_used = used;
        break;
    }
    default:
        break;
    }
}

/* Hosts that start over what they offer shed their largest VMs until they
 * fit; those go, largest first, to the roomiest hosts with room. */
static void rebalance(capacity *c)
{
    bins *b = &c->b;
    GArray *out = g_array_new(FALSE, FALSE, sizeof(capacity_size)), *aside = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (size_t h = 0; h < b->nh; h++) {
        bool over = b->mem_used[h] > b->mem_cap[h] || b->cpu_used[h] > b->cpu_cap[h] ||
                    (b->disk_cap && b->disk_used[h] > b->disk_cap[h]);
        if (!over || c->serves[h])
            continue;
        g_array_append_val(c->overfull, h);
        GArray *v = b->vms[h];
        g_array_sort(v, cmp_size_desc);
        while (v->len && (b->mem_used[h] > b->mem_cap[h] || b->cpu_used[h] > b->cpu_cap[h] ||
                          (b->disk_cap && b->disk_used[h] > b->disk_cap[h]))) {
            capacity_size z = g_array_index(v, capacity_size, 0);
            g_array_remove_index(v, 0);
            b->mem_used[h] -= z.mem;
            b->cpu_used[h] -= z.vcpus;
            if (b->disk_used)
                b->disk_used[h] -= z.disk;
            g_array_append_val(out, z);
        }
    }
    g_array_sort(out, cmp_size_desc);
    g_autofree size_t *heap = g_new(size_t, b->nh ? b->nh : 1);
    roomheap q = { .h = heap, .cap = b->mem_cap, .used = b->mem_used };
    for (size_t h = 0; h < b->nh; h++)
        heap[q.n++] = h;
    heap_build(&q);
    for (guint i = 0; i < out->len; i++) {
        capacity_size z = g_array_index(out, capacity_size, i);
        long h = heap_place(&q, z, b->mem_used, b->cpu_used, b->cpu_cap, b, aside);
        if (h >= 0)
            g_array_append_val(b->vms[h], z);
        else
            c->unplaced++;
    }
    g_array_free(out, TRUE);
    g_array_free(aside, TRUE);
}

capacity *capacity_new(const scenario *sc, double mem_overcommit, double vcpus_per_core)
{
    capacity *c = g_new0(capacity, 1);
    size_t nh = sc->nhosts;
    c->sc = sc;
    c->serves = g_new0(bool, nh);
    c->overfull = g_array_new(FALSE, FALSE, sizeof(size_t));
    bins *b = &c->b;
    b->nh = nh;
    b->mem_cap = g_new0(double, nh);
    b->cpu_cap = g_new0(double, nh);
    b->mem_used = g_new0(double, nh);
    b->cpu_used = g_new0(double, nh);
    b->vms = g_new(GArray *, nh);
    for (size_t h = 0; h < nh; h++) {
        b->vms[h] = g_array_new(FALSE, FALSE, sizeof(capacity_size));
        c->serves[h] = !scenario_is_node(sc, (int)h);
        if (!c->serves[h]) {
            b->mem_cap[h] = sc->hosts[h].memory * mem_overcommit;
            b->cpu_cap[h] = sc->hosts[h].cores * vcpus_per_core;
        }
    }
    setup_disks(c);
    for (size_t i = 0; i < sc->nvms; i++)
        bins_add(b, (size_t)sc->vms[i].host,
                 (capacity_size){ sc->vms[i].memory, sc->vms[i].vcpus, sc->vms[i].disk_size });
    rebalance(c);
    return c;
}

const GArray *capacity_overfull(const capacity *c, size_t *unplaced)
{
    if (unplaced)
        *unplaced = c->unplaced;
    return c->overfull;
}

capacity_disks capacity_disk_totals(const capacity *c, double *cap, double *used)
{
    *cap = *used = 0;
    if (c->disks == CAPACITY_DISKS_POOL) {
        *cap = c->pool_cap;
        *used = c->pool_used;
    } else if (c->disks == CAPACITY_DISKS_LOCAL) {
        for (size_t h = 0; h < c->b.nh; h++) {
            *cap += c->b.disk_cap[h];
            *used += c->b.disk_used[h];
        }
    }
    return c->disks;
}

void capacity_free(capacity *c)
{
    if (!c)
        return;
    bins_clear(&c->b);
    g_free(c->serves);
    g_array_free(c->overfull, TRUE);
    g_free(c);
}

void capacity_totals(const capacity *c, double *mem, double *mem_used, double *vcpus, double *vcpus_used)
{
    *mem = *mem_used = *vcpus = *vcpus_used = 0;
    for (size_t h = 0; h < c->b.nh; h++) {
        *mem += c->b.mem_cap[h];
        *vcpus += c->b.cpu_cap[h];
        *mem_used += c->b.mem_used[h];
        *vcpus_used += c->b.cpu_used[h];
    }
}

GArray *capacity_host_losses(const capacity *c, size_t stop_after)
{
    return n_plus_1_failures(&c->b, c->serves, stop_after);
}

GPtrArray *capacity_rack_losses(const capacity *c, size_t *nracks)
{
    const scenario *sc = c->sc;
    size_t nh = c->b.nh;
    GPtrArray *bad = g_ptr_array_new();
    bool *lost = g_new0(bool, nh);
    evac e;
    evac_init(&e, &c->b);
    GArray *members = g_array_new(FALSE, FALSE, sizeof(size_t));
    *nracks = 0;
    for (size_t r = 0; r < nh; r++) {
        if (sc->hosts[r].rack_id != (int)r)
            continue; /* not the first host of its rack */
        ++*nracks;
        g_array_set_size(members, 0);
        for (size_t h = 0; h < nh; h++) {
            lost[h] = sc->hosts[h].rack_id == (int)r;
            if (lost[h])
                g_array_append_val(members, h);
        }
        if (!evacuates(&e, lost, (const size_t *)(void *)members->data, members->len))
            g_ptr_array_add(bad, sc->hosts[r].rack);
    }
    g_free(lost);
    g_array_free(members, TRUE);
    evac_clear(&e);
    return bad;
}

void capacity_fit(const capacity *c, capacity_size z, capacity_fit_result *r)
{
    const bins *b = &c->b;
    int64_t fit = 0;
    memset(r->fail, 0, sizeof r->fail);
    for (size_t h = 0; h < b->nh; h++) {
        if (c->serves[h])
            continue;
        double k[3] = { floor(fmax(0, b->mem_cap[h] - b->mem_used[h]) / z.mem),
                        floor(fmax(0, b->cpu_cap[h] - b->cpu_used[h]) / z.vcpus), INFINITY };
        if (b->disk_cap && z.disk > 0)
            k[2] = floor(fmax(0, b->disk_cap[h] - b->disk_used[h]) / z.disk);
        /* the resource that runs out first on this host (ties: memory) */
        int m = 0;
        for (int i = 1; i < 3; i++)
            if (k[i] < k[m])
                m = i;
        r->fail[m]++;
        fit += (int64_t)fmin(k[m], 1e12); /* a count, whatever the sizes */
    }
    size_t worst = 0;
    for (int i = 1; i < 3; i++)
        if (r->fail[i] > r->fail[worst])
            worst = (size_t)i;
    r->binding = (capacity_resource)worst;
    r->pool = -1;
    if (c->disks == CAPACITY_DISKS_POOL && z.disk > 0) {
        r->pool = (int64_t)floor(fmax(0, c->pool_cap - c->pool_used) / z.disk);
        if (r->pool < fit) {
            fit = r->pool;
            r->binding = CAPACITY_POOL;
        }
    }
    r->more = fit;
    r->keeping = -1;
    GArray *now = n_plus_1_failures(b, c->serves, 1);
    bool np1 = now->len == 0 && c->unplaced == 0;
    g_array_free(now, TRUE);
    if (!np1)
        return;
    /* the largest count that, added spread out, leaves the cluster N+1: a
     * bisection (N+1 only gets harder as VMs are added). The spread is
     * placed once; each step adds its first mid VMs (adding mid from
     * scratch chose the same hosts, at a heap operation each, every step). */
    g_autoptr(GArray) seq = spread_sequence(b, z, fit);
    int64_t lo = 0, hi = fit;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2;
        bins *t = bins_copy(b);
        bool ok = mid <= (int64_t)seq->len;
        for (int64_t i = 0; ok && i < mid; i++)
            bins_add(t, g_array_index(seq, size_t, i), z);
        if (ok) {
            GArray *f = n_plus_1_failures(t, c->serves, 1);
            ok = f->len == 0;
            g_array_free(f, TRUE);
        }
        bins_free(t);
        if (ok)
            lo = mid;
        else
            hi = mid - 1;
    }
    r->keeping = lo;
}

GArray *capacity_sizes(const scenario *sc)
{
    GArray *sizes = g_array_new(FALSE, FALSE, sizeof(capacity_size));
    for (size_t i = 0; i < sc->nvms; i++) {
        capacity_size z = { sc->vms[i].memory, sc->vms[i].vcpus, sc->vms[i].disk_size };
        bool seen = false;
        for (guint k = 0; k < sizes->len && !seen; k++)
            seen = !cmp_size_desc(&g_array_index(sizes, capacity_size, k), &z);
        if (!seen)
            g_array_append_val(sizes, z);
    }
    g_array_sort(sizes, cmp_size_desc);
    return sizes;
}

GArray *capacity_drain_candidates(const capacity *c)
{
    GArray *cand = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (size_t h = 0; h < c->b.nh; h++)
        if (!c->serves[h] && c->b.vms[h]->len)
            g_array_append_val(cand, h);
    return cand;
}

capacity_drain *capacity_drains(const scenario *sc, const size_t *hosts, size_t n, sim_time until, int threads)
{
    return capacity_drains_ticking(sc, hosts, n, until, threads, NULL, NULL);
}

capacity_drain *capacity_drains_ticking(const scenario *sc, const size_t *hosts, size_t n, sim_time until, int threads,
                                        void (*tick)(void *arg), void *arg)
{
    drain_job job = { .sc = sc, .until = until, .n = n, .out = g_new0(capacity_drain, n ? n : 1), .tick = tick,
                      .tick_arg = arg };
    for (size_t k = 0; k < n; k++)
        job.out[k].host = hosts[k];
    int nt = threads > 0 ? threads : 1;
    if ((size_t)nt > n)
        nt = (int)n;
    GThread **th = g_new(GThread *, nt > 0 ? nt : 1);
    for (int i = 1; i < nt; i++)
        th[i] = g_thread_new("drain", drain_worker, &job);
    if (n)
        drain_worker(&job);
    for (int i = 1; i < nt; i++)
        g_thread_join(th[i]);
    g_free(th);
    return job.out;
}
