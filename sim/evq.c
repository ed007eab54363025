/* evq — 4-ary heap of 16-byte (time, seq, id) keys over a pool of records.
 *
 * Why 4-ary: a hold operation (pop + push) dominates simulation loops; a
 * 4-ary heap halves the depth of a binary one and its four children share a
 * cache line, which pays off once the heap outgrows the caches (10^5+).
 * Why a 32-bit sequence: it keeps the key at 16 bytes; before it wraps, the
 * pending keys are renumbered in order (a sorted array is a valid heap). */
#include "sim/evq.h"

#include <glib.h>
#include <stdlib.h>

#define EVQ_NONE UINT32_MAX
#define EVQ_ARITY 4

typedef struct {
    sim_time t;
    uint32_t seq;
    uint32_t id;
} evq_entry;

enum { REC_FREE, REC_PENDING, REC_RUNNING };

typedef struct {
    evq_fn fn;
    void *arg;
    uint32_t pos;   /* heap slot while pending; next free record while free */
    uint32_t gen;
    uint32_t state;
} evq_rec;

struct evq {
    evq_entry *heap;
    size_t n, cap;
    evq_rec *rec;
    uint32_t nrec, reccap;
    uint32_t free_head;
    uint32_t next_seq;
};

static inline bool entry_less(evq_entry a, evq_entry b)
{
    return a.t < b.t || (a.t == b.t && a.seq < b.seq);
}

evq *evq_new(void)
{
    evq *q = g_new0(evq, 1);
    q->free_head = EVQ_NONE;
    return q;
}

void evq_free(evq *q)
{
    if (!q)
        return;
    g_free(q->heap);
    g_free(q->rec);
    g_free(q);
}

static void sift_up(evq *q, size_t i, evq_entry e)
{
    evq_entry *h = q->heap;
    while (i > 0) {
        size_t p = (i - 1) / EVQ_ARITY;
        if (!entry_less(e, h[p]))
            break;
        h[i] = h[p];
        q->rec[h[i].id].pos = (uint32_t)i;
        i = p;
    }
    h[i] = e;
    q->rec[e.id].pos = (uint32_t)i;
}

static void sift_down(evq *q, size_t i, evq_entry e)
{
    evq_entry *h = q->heap;
    size_t n = q->n;
    for (;;) {
        size_t c = EVQ_ARITY * i + 1;
        if (c >= n)
            break;
        size_t end = c + EVQ_ARITY < n ? c + EVQ_ARITY : n;
        size_t m = c;
        for (size_t k = c + 1; k < end; k++)
            if (entry_less(h[k], h[m]))
                m = k;
        if (!entry_less(h[m], e))
            break;
        h[i] = h[m];
        q->rec[h[i].id].pos = (uint32_t)i;
        i = m;
    }
    h[i] = e;
    q->rec[e.id].pos = (uint32_t)i;
}

/* Re-places entry e at slot i after its key changed (or it replaced another). */
static void place(evq *q, size_t i, evq_entry e)
{
    if (i > 0 && entry_less(e, q->heap[(i - 1) / EVQ_ARITY]))
        sift_up(q, i, e);
    else
        sift_down(q, i, e);
}

static void remove_at(evq *q, size_t i)
{
    evq_entry last = q->heap[--q->n];
    if (i < q->n)
        place(q, i, last);
}

static int cmp_entry(const void *a, const void *b)
{
    const evq_entry *x = a, *y = b;
    return entry_less(*x, *y) ? -1 : entry_less(*y, *x) ? 1 : 0;
}

static void renumber(evq *q)
{
    qsort(q->heap, q->n, sizeof *q->heap, cmp_entry);
    for (size_t i = 0; i < q->n; i++) {
        q->heap[i].seq = (uint32_t)i;
        q->rec[q->heap[i].id].pos = (uint32_t)i;
    }
    q->next_seq = (uint32_t)q->n;
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
        q->free_head = q->rec[id].pos;
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
    r->pos = q->free_head;
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

static void heap_insert(evq *q, uint32_t id, sim_time t)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 64;
        q->heap = g_renew(evq_entry, q->heap, q->cap);
    }
    evq_entry e = { t, take_seq(q), id };
    q->n++;
    sift_up(q, q->n - 1, e);
    q->rec[id].state = REC_PENDING;
}

evq_handle evq_push(evq *q, sim_time t, evq_fn fn, void *arg)
{
    uint32_t id = rec_alloc(q);
    q->rec[id].fn = fn;
    q->rec[id].arg = arg;
    heap_insert(q, id, t);
    return make_handle(q, id);
}

bool evq_cancel(evq *q, evq_handle h)
{
    evq_rec *r = lookup(q, h);
    if (!r || r->state != REC_PENDING)
        return false;
    uint32_t id = (uint32_t)h;
    remove_at(q, r->pos);
    rec_release(q, id);
    return true;
}

bool evq_reschedule(evq *q, evq_handle h, sim_time t)
{
    evq_rec *r = lookup(q, h);
    if (!r)
        return false;
    uint32_t id = (uint32_t)h;
    if (r->state == REC_RUNNING) {
        heap_insert(q, id, t);
        return true;
    }
    size_t i = r->pos;
    evq_entry e = { t, take_seq(q), id };
    place(q, i, e);
    return true;
}

bool evq_pending(const evq *q, evq_handle h)
{
    const evq_rec *r = lookup(q, h);
    return r && r->state == REC_PENDING;
}

sim_time evq_peek_time(const evq *q)
{
    return q->n ? q->heap[0].t : SIM_NEVER;
}

size_t evq_size(const evq *q)
{
    return q->n;
}

bool evq_pop(evq *q, sim_time *t, evq_fn *fn, void **arg, evq_handle *h)
{
    if (q->n == 0)
        return false;
    evq_entry top = q->heap[0];
    remove_at(q, 0);
    evq_rec *r = &q->rec[top.id];
    r->state = REC_RUNNING;
    r->pos = EVQ_NONE;
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
