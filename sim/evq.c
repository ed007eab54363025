/* evq — a radix heap of (time, seq, id) entries over a pool of records,
 * with a short sorted run in front and lazy removal.
 *
 * Why a radix heap (Ahuja, Mehlhorn, Orlin, Tarjan, "Faster algorithms for
 * the shortest path problem", J. ACM 37(2), 1990): a simulation pops events
 * in non-decreasing time order, and a monotone queue can bucket every entry
 * by the highest bit in which its time differs from a base time that no
 * pending entry is below. A push is an append; the lowest non-empty bucket
 * is re-bucketed against its own minimum, each entry moving down at least one
 * level per pass. Buckets are plain arrays walked in order.
 * Why a sorted run: the last levels of a radix heap move every entry a few
 * more times for the sake of the next few dozen pops. Once the lowest
 * bucket holds at most EVQ_RUN_MAX entries, it is sorted instead (insertion
 * sort: a handful of compares each) and popped from the front. A push due
 * within the run's span is inserted in place; the run is short, and the
 * span it covers is the next few dozen pops, so this is rare.
 * Why the order is FIFO on ties without a sequence in the bucket key: entries
 * of equal time always share a bucket (the bucket is a function of the time
 * and the base), pushes append in sequence order and re-bucketing is stable,
 * so they stay in sequence order; the run sorts on (time, sequence).
 * Why lazy: a cancelled or rescheduled event leaves its old entry behind as
 * garbage: an entry is live only if its record is pending and carries the
 * same sequence number. Garbage is dropped when it reaches the run, or swept
 * when it outnumbers the live entries, so cancel is O(1) and a reschedule one
 * push, amortised.
 * Why a 32-bit sequence: it keeps the entry at 16 bytes; before it wraps, the
 * live entries are renumbered in order. */
#include "sim/evq.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#define EVQ_NONE UINT32_MAX
/* bucket 0 holds entries at the base time, bucket b entries whose highest
 * bit differing from it is b - 1 */
#define EVQ_NBUCKETS 65
/* a bucket this small is sorted into the run rather than re-bucketed
 * (hold model, bench/: 32 and 64 are best; 16 loses 10% at 10^6 pending) */
#define EVQ_RUN_MAX 32

typedef struct {
    sim_time t;
    uint32_t seq;
    uint32_t id;
} evq_entry;

typedef struct {
    evq_entry *v;
    size_t n, cap;
} evq_bucket;

enum { REC_FREE, REC_PENDING, REC_RUNNING };

typedef struct {
    evq_fn fn;
    void *arg;
    uint32_t gen;
    uint32_t state;
    uint32_t seq;       /* sequence of its live entry while pending */
    uint32_t next_free;
} evq_rec;

struct evq {
    evq_bucket b[EVQ_NBUCKETS];
    uint64_t nonempty;  /* bit i-1 set when b[i] (i >= 1) holds entries */
    uint64_t base;      /* no entry in a bucket is earlier */
    evq_bucket run;     /* sorted; v[head..n) are due before every bucket */
    size_t head;
    sim_time floor;     /* time of the last pop: nothing may be pushed before it */
    size_t nkeys;       /* entries in buckets and run, live or not */
    size_t live;        /* pending events */
    evq_rec *rec;
    uint32_t nrec, reccap;
    uint32_t free_head;
    uint32_t next_seq;
};

static inline bool entry_live(const evq *q, evq_entry e)
{
    const evq_rec *r = &q->rec[e.id];
    return r->state == REC_PENDING && r->seq == e.seq;
}

/* Times are never negative (the engine starts at 0 and never schedules into
 * the past), so they compare as unsigned numbers. */
static inline int bucket_of(const evq *q, sim_time t)
{
    uint64_t x = (uint64_t)t ^ q->base;
    return x ? 64 - __builtin_clzll(x) : 0;
}

static inline bool entry_before(evq_entry a, evq_entry b)
{
    return a.t < b.t || (a.t == b.t && a.seq < b.seq);
}

static void bucket_grow(evq_bucket *b, size_t need)
{
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 16;
    while (cap < need)
        cap *= 2;
    b->v = g_renew(evq_entry, b->v, cap);
    b->cap = cap;
}

static inline void bucket_add(evq_bucket *b, evq_entry e)
{
    if (G_UNLIKELY(b->n == b->cap))
        bucket_grow(b, b->n + 1);
    b->v[b->n++] = e;
}

static inline void add_to_bucket(evq *q, evq_entry e)
{
    int i = bucket_of(q, e.t);
    bucket_add(&q->b[i], e);
    if (i)
        q->nonempty |= UINT64_C(1) << (i - 1);
}

evq *evq_new(void)
{
    evq *q = g_new0(evq, 1);
    q->free_head = EVQ_NONE;
    q->next_seq = 1; /* seq 0 is the renumbering base */
    return q;
}

void evq_free(evq *q)
{
    if (!q)
        return;
    for (int i = 0; i < EVQ_NBUCKETS; i++)
        g_free(q->b[i].v);
    g_free(q->run.v);
    g_free(q->rec);
    g_free(q);
}

/* Sorts a short bucket in place on (time, seq); buckets arrive mostly in
 * order of push, so a few compares per entry. */
static void sort_short(evq_entry *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        evq_entry e = v[i];
        size_t j = i;
        while (j > 0 && entry_before(e, v[j - 1])) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = e;
    }
}

/* Makes the run's front the earliest live entry, or leaves the queue empty
 * of entries. */
static bool settle_min(evq *q)
{
    for (;;) {
        evq_bucket *run = &q->run;
        while (q->head < run->n) {
            if (entry_live(q, run->v[q->head]))
                return true;
            q->head++;
            q->nkeys--;
        }
        run->n = q->head = 0;
        int i;
        if (q->b[0].n)
            i = 0;
        else if (q->nonempty)
            i = 1 + __builtin_ctzll(q->nonempty);
        else
            return false;
        evq_bucket *bi = &q->b[i];
        if (i == 0 || bi->n <= EVQ_RUN_MAX) {
            /* The bucket becomes the run: swap the arrays, no copy. Bucket 0
             * holds one time in sequence order already. */
            evq_bucket t = *run;
            *run = *bi;
            *bi = t;
            if (i) {
                q->nonempty &= ~(UINT64_C(1) << (i - 1));
                sort_short(run->v, run->n);
            }
            /* the run's entries are the next pops: fetch their records now */
            for (size_t j = 0; j < run->n && j < 2 * EVQ_RUN_MAX; j++)
                __builtin_prefetch(&q->rec[run->v[j].id]);
            /* every bucket entry is after the run; the base may rise to the
             * run's start (the other buckets stay valid: they differ from it
             * above bit i - 1) */
            q->base = (uint64_t)run->v[0].t;
            continue;
        }
        /* Liveness is not checked here: that would read a random record per
         * entry. Garbage travels down with the rest and is dropped in the run. */
        uint64_t mt = (uint64_t)bi->v[0].t;
        for (size_t j = 1; j < bi->n; j++)
            if ((uint64_t)bi->v[j].t < mt)
                mt = (uint64_t)bi->v[j].t;
        q->nonempty &= ~(UINT64_C(1) << (i - 1));
        q->base = mt;
        /* re-bucketing appends to lower buckets only, never to bi itself */
        for (size_t j = 0; j < bi->n; j++)
            add_to_bucket(q, bi->v[j]);
        bi->n = 0;
    }
}

/* Drops every garbage entry, in place. */
static void sweep(evq *q)
{
    q->nonempty = 0;
    for (int i = 0; i < EVQ_NBUCKETS; i++) {
        evq_bucket *b = &q->b[i];
        size_t k = 0;
        for (size_t j = 0; j < b->n; j++)
            if (entry_live(q, b->v[j]))
                b->v[k++] = b->v[j];
        b->n = k;
        if (i && k)
            q->nonempty |= UINT64_C(1) << (i - 1);
    }
    size_t k = 0;
    for (size_t j = q->head; j < q->run.n; j++)
        if (entry_live(q, q->run.v[j]))
            q->run.v[k++] = q->run.v[j];
    q->run.n = k;
    q->head = 0;
    q->nkeys = q->live;
}

static void note_garbage(evq *q)
{
    q->live--;
    if (q->nkeys > 1024 && q->live < q->nkeys / 2)
        sweep(q);
}

/* Takes every entry out (run and buckets) into one array. */
static evq_entry *take_all(evq *q, size_t *n_out)
{
    evq_entry *all = g_new(evq_entry, q->nkeys ? q->nkeys : 1);
    size_t n = q->run.n - q->head;
    if (n)
        memcpy(all, q->run.v + q->head, n * sizeof(evq_entry));
    q->run.n = q->head = 0;
    for (int i = 0; i < EVQ_NBUCKETS; i++) {
        if (q->b[i].n)
            memcpy(all + n, q->b[i].v, q->b[i].n * sizeof(evq_entry));
        n += q->b[i].n;
        q->b[i].n = 0;
    }
    q->nonempty = 0;
    *n_out = n;
    return all;
}

static int cmp_entry(const void *a, const void *b)
{
    evq_entry x = *(const evq_entry *)a, y = *(const evq_entry *)b;
    return entry_before(x, y) ? -1 : entry_before(y, x) ? 1 : 0;
}

/* The sequence counter is about to wrap: number the live entries 1..n in
 * order and re-bucket them against the time of the last pop. */
static void renumber(evq *q)
{
    sweep(q);
    size_t n;
    evq_entry *all = take_all(q, &n);
    qsort(all, n, sizeof *all, cmp_entry);
    q->base = (uint64_t)q->floor;
    for (size_t i = 0; i < n; i++) {
        all[i].seq = (uint32_t)(i + 1);
        q->rec[all[i].id].seq = all[i].seq;
        add_to_bucket(q, all[i]);
    }
    q->nkeys = n;
    q->next_seq = (uint32_t)(n + 1);
    g_free(all);
}

static uint32_t take_seq(evq *q)
{
    if (q->next_seq == UINT32_MAX)
        renumber(q);
    return q->next_seq++;
}

static uint32_t rec_alloc(evq *q)
{
    uint32_t id;
    if (q->free_head != EVQ_NONE) {
        id = q->free_head;
        q->free_head = q->rec[id].next_free;
    } else {
        if (q->nrec == q->reccap) {
            q->reccap = q->reccap ? q->reccap * 2 : 64;
            g_assert(q->reccap < EVQ_NONE);
            q->rec = g_renew(evq_rec, q->rec, q->reccap);
        }
        id = q->nrec++;
        q->rec[id].gen = 1;
    }
    return id;
}

static void rec_release(evq *q, uint32_t id)
{
    evq_rec *r = &q->rec[id];
    r->state = REC_FREE;
    r->fn = NULL;
    r->arg = NULL;
    if (++r->gen == 0)
        r->gen = 1;
    r->next_free = q->free_head;
    q->free_head = id;
}

static inline evq_handle make_handle(const evq *q, uint32_t id)
{
    return ((uint64_t)q->rec[id].gen << 32) | id;
}

/* The record of h if h is current, else NULL. */
static evq_rec *lookup(const evq *q, evq_handle h)
{
    uint32_t id = (uint32_t)h;
    uint32_t gen = (uint32_t)(h >> 32);
    if (id >= q->nrec || gen == 0)
        return NULL;
    evq_rec *r = &q->rec[id];
    return (r->gen == gen && r->state != REC_FREE) ? r : NULL;
}

/* An entry due inside the run's span goes into it, after every entry of the
 * same time or earlier (FIFO). */
static void run_insert(evq *q, evq_entry e)
{
    evq_bucket *run = &q->run;
    size_t lo = q->head, hi = run->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (run->v[mid].t <= e.t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == q->head && q->head > 0) {
        run->v[--q->head] = e;
        return;
    }
    bucket_grow(run, run->n + 1);
    memmove(run->v + lo + 1, run->v + lo, (run->n - lo) * sizeof(evq_entry));
    run->v[lo] = e;
    run->n++;
}

/* A run longer than this that takes one more entry in its middle goes back
 * into the buckets (each such insertion moves the entries after it) */
#define EVQ_RUN_SPILL 1024

/* Re-buckets every entry against a lower base: O(n). Needed only when the
 * run is spilled while holding entries below the base, which only a push
 * after a peek (the engine stopped at `until` and goes on) can put there. */
static void rebase(evq *q, uint64_t base)
{
    size_t n;
    evq_entry *all = take_all(q, &n);
    q->base = base;
    for (size_t i = 0; i < n; i++)
        add_to_bucket(q, all[i]);
    g_free(all);
}

/* Moves the run back into the buckets. */
static void spill_run(evq *q)
{
    uint64_t front = (uint64_t)q->run.v[q->head].t;
    if (front < q->base) {
        rebase(q, front);
        return;
    }
    for (size_t j = q->head; j < q->run.n; j++)
        add_to_bucket(q, q->run.v[j]);
    q->run.n = q->head = 0;
}

static void key_insert(evq *q, uint32_t id, sim_time t)
{
    uint32_t seq = take_seq(q);
    /* a monotone queue: nothing may go before the last pop */
    g_assert(t >= q->floor);
    evq_rec *r = &q->rec[id];
    r->state = REC_PENDING;
    r->seq = seq;
    q->live++;
    q->nkeys++;
    evq_entry e = { t, seq, id };
    evq_bucket *run = &q->run;
    bool running = q->head < run->n;
    /* Due within the run's span, or before the base (after a peek raised
     * it): the entry belongs to the run. */
    if ((running && t <= run->v[run->n - 1].t) || (uint64_t)t < q->base) {
        if (!running || t == run->v[run->n - 1].t) {
            bucket_add(run, e);
            return;
        }
        if (run->n - q->head < EVQ_RUN_SPILL) {
            run_insert(q, e);
            return;
        }
        spill_run(q);
        if ((uint64_t)t < q->base) {
            bucket_add(run, e);
            return;
        }
    }
    add_to_bucket(q, e);
}

evq_handle evq_push(evq *q, sim_time t, evq_fn fn, void *arg)
{
    uint32_t id = rec_alloc(q);
    q->rec[id].fn = fn;
    q->rec[id].arg = arg;
    key_insert(q, id, t);
    return make_handle(q, id);
}

bool evq_cancel(evq *q, evq_handle h)
{
    evq_rec *r = lookup(q, h);
    if (!r || r->state != REC_PENDING)
        return false;
    rec_release(q, (uint32_t)h);
    note_garbage(q);
    return true;
}

bool evq_reschedule(evq *q, evq_handle h, sim_time t)
{
    evq_rec *r = lookup(q, h);
    if (!r)
        return false;
    if (r->state == REC_PENDING) {
        r->state = REC_RUNNING; /* its old entry becomes garbage */
        note_garbage(q);
    }
    key_insert(q, (uint32_t)h, t);
    return true;
}

bool evq_pending(const evq *q, evq_handle h)
{
    const evq_rec *r = lookup(q, h);
    return r && r->state == REC_PENDING;
}

sim_time evq_peek_time(evq *q)
{
    return settle_min(q) ? q->run.v[q->head].t : SIM_NEVER;
}

size_t evq_size(const evq *q)
{
    return q->live;
}

bool evq_pop(evq *q, sim_time *t, evq_fn *fn, void **arg, evq_handle *h)
{
    return evq_pop_due(q, SIM_NEVER, t, fn, arg, h);
}

bool evq_pop_due(evq *q, sim_time until, sim_time *t, evq_fn *fn, void **arg, evq_handle *h)
{
    if (!settle_min(q) || q->run.v[q->head].t > until)
        return false;
    evq_entry top = q->run.v[q->head++];
    q->nkeys--;
    q->live--;
    q->floor = top.t;
    evq_rec *r = &q->rec[top.id];
    r->state = REC_RUNNING;
    *t = top.t;
    *fn = r->fn;
    *arg = r->arg;
    *h = make_handle(q, top.id);
    return true;
}

void evq_done(evq *q, evq_handle h)
{
    evq_rec *r = lookup(q, h);
    if (r && r->state == REC_RUNNING)
        rec_release(q, (uint32_t)h);
}

void evq_debug_set_next_seq(evq *q, uint32_t next)
{
    /* Only valid forward: smaller values would break the tie order. */
    if (next > q->next_seq)
        q->next_seq = next;
}
