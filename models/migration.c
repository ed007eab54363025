/* migration — QEMU precopy (with auto-converge and postcopy) and Xen 2005
 * pre-copy over the fluid network.
 *
 * Memory is QEMU's migration bitmap in address order (models/bitmap.h): the
 * pages of each kind (the dirty model's regions, the guest's own pages, the
 * zero pages) are spread over all addresses, and the sender's cursor sends
 * what is set in address order, wrapping. A sync ORs the pages written since
 * the previous one into the bitmap: random writes set a share of each
 * region's pages everywhere (distinct pages / size, models/dirty.h); a sweep
 * sets the address range it went over, so where it runs relative to the
 * cursor decides what is sent twice. Where a sweep starts is not in the
 * scenario: it is drawn per run.
 *
 * QEMU (migration/migration.c, ram.c; sources.md 6.3, validation README): the
 * sender runs at most max-bandwidth in 100 ms windows (BUFFER_DELAY); at the
 * start of each window, or at once when the bitmap runs dry, it compares the
 * pending bytes (set bits x 4 KiB, unscanned zero pages included:
 * ram_bytes_remaining) with threshold = bandwidth x downtime-limit; below it,
 * it syncs the bitmap and, if still below, stops the VM and sends the rest
 * without rate limit. A normal page costs 4104 bytes on the wire, a zero page
 * 9 bytes and the sending thread's time to find it is zero. */
#include "models/migration.h"

#include <gsl/gsl_rng.h>
#include <math.h>

#include "models/bitmap.h"
#include "models/client.h"
#include "models/dirty.h"
#include "models/units.h"

#define PAGE UNITS_PAGE_SIZE
#define PAGE_WIRE 4104.0          /* 4 KiB + 8-byte header: validation README fit */
#define ZERO_WIRE 9.0             /* save_zero_page: header + 1 byte (sources.md 6.3) */
/* multifd (migration/multifd.h, QEMU 10): a packet carries up to
 * MULTIFD_PACKET_SIZE (512 KiB) = 128 pages, zero or not, behind a header
 * of sizeof(MultiFDPacket_t) = 320 bytes plus an 8-byte offset per page */
#define MULTIFD_PAGES 128.0
#define MULTIFD_HDR (320.0 + 8.0 * MULTIFD_PAGES)
/* Compression speeds per thread, level 1, and zlib's ratio against zstd's
 * (facebook/zstd README, lzbench on the Silesia corpus, i7-6700K: zstd
 * 1.4.0 -1 2.884 at 530 MB/s, 1360 MB/s to decompress; zlib 1.2.11 -1 2.743
 * at 110 MB/s, 440 MB/s). They are CPU-dependent: assumptions. */
#define ZSTD_BPS 530e6
#define ZSTD_DECOMP_BPS 1360e6
/* zstd -1's speed depends on the content. Against a corpus like the
 * README's (the tar of /usr/bin below, ratio 2.45), it skips through
 * incompressible data (random bytes, ratio 1.0) 13.4 times as fast and
 * copies it back out 15.8 times as fast; pages of one repeated byte (ratio
 * 1505) go 45 times as fast and come back 4.9 times as fast. zstd 1.5.4
 * `zstd -b1` on the project's build machine: /usr/bin 324 and 868 MB/s, 32
 * MiB of random bytes 4343 and 13705, of one-byte pages 14611 and 4258.
 * Assumptions: ratios of speeds measured on one machine (docs/models.md). */
#define ZSTD_CORPUS_RATIO 2.884
#define ZSTD_RAW_BPS (13.4 * ZSTD_BPS)
#define ZSTD_RAW_DECOMP_BPS (15.8 * ZSTD_DECOMP_BPS)
#define ZSTD_RUNS_RATIO 1505.0
#define ZSTD_RUNS_BPS (45.0 * ZSTD_BPS)
#define ZSTD_RUNS_DECOMP_BPS (4.9 * ZSTD_DECOMP_BPS)
#define ZLIB_BPS 110e6
#define ZLIB_DECOMP_BPS 440e6
#define ZLIB_OF_ZSTD ((2.743 - 1) / (ZSTD_CORPUS_RATIO - 1))
#define WINDOW (100 * SIM_MS)     /* BUFFER_DELAY (sources.md row 36) */
#define STALL_TIMEOUT MIG_STALL_TIMEOUT
#define WATCHDOG SIM_S
#define AC_SYNC_PERIOD (5 * SIM_S) /* CPU_THROTTLE_DIRTY_SYNC_TIMESLICE_MS */
#define FAULT_OVERHEAD (100 * SIM_US) /* assumption: userfaultfd round trip besides the network */
#define PC_STEP (10 * SIM_MS)         /* the postcopy phase's faults are planned this far ahead */
/* Bytes queued ahead of a requested page without postcopy-preempt:
 * assumption, a full socket send buffer at Linux's default tcp_wmem maximum
 * (4 MiB, Documentation/networking/ip-sysctl.rst) */
#define POSTCOPY_QUEUE (4.0 * 1048576)
/* kinds of pages: the dirty model's regions, the guest's own pages, the
 * zero pages, and the zero pages inside each region */
#define NKIND (2 * DIRTY_MAX_REGIONS + 2)

enum phase { PH_DISK, PH_SETUP, PH_PRECOPY, PH_STOPCOPY, PH_RESUME, PH_PC_SWITCH, PH_POSTCOPY, PH_DONE };

struct mig {
    /* what every 100 ms decision reads comes first: with thousands of
     * migrations under way the ticks are bound by memory */
    sim *s;
    flow_net *net;
    flow *f;
    bitmap *bm;
    const scn_migration *p;
    int phase;
    bool postcopy_requested;
    int nd;                          /* written regions: kinds 0 .. nd-1 */
    int kown, kzero, nk;             /* the guest's own pages, the zero pages; kinds */
    sim_event zero_timer;            /* a stretch of zero pages, sent without a flow */
    double flow_sent_prev, sent_total;
    double bm_debt;                  /* bytes sent, not yet taken off the bitmap */
    sim_time writes_t, trace_t0;
    double throttle;
    sim_time t_bw;
    double bytes_bw, bw;
    sim_event tick, watchdog, timer;
    sim_time tick_b;                 /* the next window start not yet decided on */
    sim_time tick_at;                /* when the tick event is due: the window starts before it pass without one */
    bool every_window;               /* mig_set_every_window */
    double rate[NKIND];              /* page writes per second at full speed */
    double writes[NKIND];            /* page writes since the last sync */
    flow_link **path;
    size_t npath;
    sim_time path_lat;
    const scn_vm *vm;
    sim_time handover;               /* storage switchover (locks, flush), part of the downtime */
    mig_done_fn done;
    void *arg;
    dirty_model dm;
    double kpages[NKIND];            /* pages of each kind */
    bool seq[NKIND];                 /* written in a sweep */
    double sweep_x[NKIND];           /* a sweep's address at the last sync */
    bool xb_on, xb_started;          /* XBZRLE in use; past its first round */
    double xb_sent0[NKIND];          /* pages of each kind sent when it started */
    double xb_prev[NKIND];           /* ... when last counted */
    double xb_hit[NKIND];            /* chance that a page of the kind sent now is cached */
    double xb_delta[NKIND];          /* wire bytes of its delta; over a page: an overflow */
    double pc_rate;                  /* the postcopy stream's own cap */
    double pc_owed;                  /* bytes of pages asked for, not yet through the stream */
    double pc_req_Bps;               /* the requests' bytes per second over the current step */
    double pc_fault_s, pc_step_F;    /* guest seconds lost to faults: so far, planned for this step */
    double pc_prev_sent;             /* sent_total when the step began */
    sim_time pc_step_t0;
    sim_event pc_timer;
    double wire_normal, wire_zero;   /* wire bytes of a normal and a zero page on their first send */
    double kwire[NKIND], kcpu[NKIND]; /* a normal page of each kind: wire bytes and thread seconds */
    int threads, rthreads;           /* sending and receiving threads that run at once */
    double cpu_cap;                  /* sender CPU limit, wire bytes/s of normal pages */
    double plain_cap;                /* ... of bytes sent as they are (device state, disks) */
    double cap;                      /* the live flow's last cap */
    double zero_left, zero_Bps;      /* its bytes still to go, and their rate */
    sim_time zero_t;                 /* zero_left is settled up to here */
    flow_bg *mirror;                 /* disk writes mirrored during RAM migration */
    sim_time ac_period_start;
    double ac_bytes_start, ac_dirty_pages;
    int ac_high;
    sim_event ac_timer;              /* auto-converge's background sync */
    int ac_syncs_prev;               /* dirty-sync-count at its last tick */
    sim_time it_start;
    double it_bytes_start;
    sim_time stall_since;
    int xen_round;
    double xen_rate, xen_prev_dirty;
    sim_time restart_start;          /* cold moves: boot time on the destination */
    mig_gate_fn gate;                /* the storage's say at the open and the switchover */
    void *gate_arg;
    int waiting;                     /* the gate it waits at, -1 if none */
    bool capped;                     /* iterations beyond MIG_MAX_ITERATIONS were summed */
    sim_event gate_timer;            /* its deadline */
    mig_result r;
};

const char *mig_outcome_name(mig_outcome o)
{
    static const char *const names[] = { "running", "completed", "not-converged", "cancelled", "failed", "vm-lost" };
    return names[o];
}

const char *const mig_failure_names[MIG_NFAILURES] = { "timeout", "connection-lost", "storage", "host-failed" };

const char *mig_failure_intern(const char *s)
{
    for (size_t i = 0; s && i < MIG_NFAILURES; i++)
        if (!strcmp(s, mig_failure_names[i]))
            return mig_failure_names[i];
    return NULL;
}

/* ------------------------------------------------------------------ memory state */

static double total_pending(const mig *m) { return m->bm ? bitmap_pending(m->bm) : 0; }

/* Bytes on the wire to send every pending page. */
static double wire_bytes(const mig *m) { return bitmap_wire_bytes(m->bm); }

/* XBZRLE (ram.c save_xbzrle_page, page_cache.c; sources.md 6.3). It starts
 * once the cursor has completed a round (xbzrle_started): the first pass
 * sends every page whole and caches none. From then on a page sent that is
 * not in the cache is a miss: it goes whole and is inserted; a page in the
 * cache goes as its XOR delta against the cached copy, encoded as runs (a
 * zero run and a changed run, each with a 1-2 byte length) behind an
 * 11-byte record (page header, encoding flag, 2-byte length); a delta that
 * would exceed a page is an overflow and goes whole. The cache holds
 * cache_size / 4 KiB pages. QEMU's is direct-mapped with a two-sync
 * protection of fresh entries; golive shares it among what was sent since
 * XBZRLE started, in proportion (so a working set larger than the cache is
 * hit in cache / sent). The encoding scans the page and its cached copy on
 * the sending thread; an insert copies the page. */
static void trace_mig_sync(mig *m, const char *kind, double unsent);
static void trace_mig(mig *m, const char *kind) { trace_mig_sync(m, kind, -1); }
static double logged(const mig *m, int k);

#define XBZRLE_HDR 11.0
#define XBZRLE_RUN_OVERHEAD 3.0  /* the two run lengths of one changed run */
#define XBZRLE_SCAN_BPS 4e9      /* assumption: memory speed, SIMD compare */
#define XBZRLE_COPY_BPS 8e9      /* assumption: memcpy of a page into the cache */

/* Distinct pages among `sent` sends of uniformly chosen pages of kind k (a
 * sweep's sends are distinct until it wraps). */
static double distinct_sent(const mig *m, int k, double sent)
{
    if (m->kpages[k] <= 0 || sent <= 0)
        return 0;
    if (m->seq[k])
        return fmin(sent, m->kpages[k]);
    return m->kpages[k] * -expm1(-sent / m->kpages[k]);
}

/* At a sync: the chance that a page of each kind sent from now on is in the
 * cache, and its delta's size from the writes each dirty page took. */
static void xbzrle_plan(mig *m)
{
    const scn_migration *p = m->p;
    double d[NKIND] = { 0 }, total = 0;
    for (int k = 0; k < m->kzero; k++) {
        d[k] = distinct_sent(m, k, bitmap_kind_sent(m->bm, k) - m->xb_sent0[k]);
        total += d[k];
    }
    double share = total > 0 ? fmin(1, p->xbzrle_cache / PAGE / total) : 1;
    for (int k = 0; k < m->kzero; k++) {
        m->xb_hit[k] = p->xbzrle_hit_ratio >= 0 ? p->xbzrle_hit_ratio
                       : m->kpages[k] > 0       ? fmin(1, d[k] * share / m->kpages[k])
                                                : 0;
        if (p->xbzrle_compression >= 0) {
            m->xb_delta[k] = p->xbzrle_compression * PAGE + XBZRLE_HDR;
            continue;
        }
        /* writes per page the log found dirty in the period that ends here */
        double dirty = m->seq[k] ? fmin(m->writes[k], m->kpages[k]) : logged(m, k);
        double w = dirty > 0 ? fmax(1, m->writes[k] / dirty) : 1;
        double bpw = m->vm->dirty.bytes_per_write > 0 ? m->vm->dirty.bytes_per_write : 64;
        m->xb_delta[k] = XBZRLE_HDR + fmin(PAGE, w * bpw) + w * XBZRLE_RUN_OVERHEAD;
    }
}

/* Counts ds pages of kind k sent: hits, misses, overflows. */
static void xbzrle_count_pages(mig *m, int k, double ds)
{
    if (ds <= 0)
        return;
    double h = ds * m->xb_hit[k];
    m->r.xbzrle_cache_miss += ds - h;
    if (m->xb_delta[k] > PAGE) {
        m->r.xbzrle_overflow += h;
    } else {
        m->r.xbzrle_pages += h;
        m->r.xbzrle_bytes += h * m->xb_delta[k];
    }
}

/* After a send: XBZRLE starts when the cursor completes its first round;
 * then what went out is counted. */
static void xbzrle_after_send(mig *m)
{
    if (!m->xb_started) {
        if (bitmap_rounds(m->bm) < 1)
            return;
        m->xb_started = true;
        /* from the moment the round completed, which may lie inside the
         * bytes just taken off */
        for (int k = 0; k < m->kzero; k++)
            m->xb_sent0[k] = m->xb_prev[k] = bitmap_kind_sent_round1(m->bm, k);
        trace_mig(m, "xbzrle-started");
    }
    for (int k = 0; k < m->kzero; k++) {
        double now = bitmap_kind_sent(m->bm, k);
        xbzrle_count_pages(m, k, now - m->xb_prev[k]);
        m->xb_prev[k] = now;
    }
}

/* Page writes since the last sync, per kind. The guest's own writes need
 * next to no CPU: the throttle does not slow them (assumption). */
static void accumulate(mig *m)
{
    sim_time now = sim_now(m->s);
    if (now <= m->writes_t)
        return;
    double dt = sim_to_s(now - m->writes_t);
    double f = m->throttle > 0 ? dirty_throttle_factor(&m->dm, m->throttle) : 1;
    for (int k = 0; k < m->nd; k++)
        m->writes[k] += m->rate[k] * f * dt;
    m->writes[m->kown] += m->rate[m->kown] * dt;
    m->writes_t = now;
}

/* Distinct pages of random kind k written since the last sync. */
static double logged(const mig *m, int k)
{
    if (m->dm.ntrace)
        return dirty_trace_pages(&m->dm, sim_to_s(m->trace_t0 - m->r.start), sim_to_s(sim_now(m->s) - m->r.start)) *
               dirty_throttle_factor(&m->dm, m->throttle);
    dirty_region r = { m->kpages[k], 0, 0 };
    return dirty_region_distinct(&r, m->writes[k]);
}

/* A trace record of the migration's state; unsent >= 0: at a bitmap sync,
 * what of the pending bytes was still unsent before it (the rest the guest
 * dirtied again since the last sync). */
static void trace_mig_sync(mig *m, const char *kind, double unsent)
{
    trace *tr = sim_trace(m->s);
    if (!trace_enabled(tr))
        return;
    trace_begin(tr, sim_now(m->s), kind, m->vm->name);
    trace_dbl(tr, "pending_bytes", total_pending(m) * PAGE);
    if (unsent >= 0)
        trace_dbl(tr, "unsent_bytes", unsent);
    trace_int(tr, "syncs", m->r.syncs);
    trace_dbl(tr, "sent_bytes", m->sent_total);
    if (m->throttle > 0)
        trace_dbl(tr, "throttle", m->throttle);
    trace_end(tr);
}

/* Takes the bytes the sender has put on the wire since the last call off
 * the bitmap: the cursor moves on through memory. */
static void settle(mig *m)
{
    if (m->zero_timer) {
        sim_time now = sim_now(m->s);
        double d = fmin(m->zero_left, m->zero_Bps * sim_to_s(now - m->zero_t));
        m->zero_left -= d;
        m->zero_t = now;
        m->sent_total += bitmap_send(m->bm, d);
        if (m->xb_on)
            xbzrle_after_send(m);
    }
    double d = m->bm_debt;
    m->bm_debt = 0;
    if (m->f) {
        double s = flow_sent(m->net, m->f);
        m->sent_total += s - m->flow_sent_prev;
        d += s - m->flow_sent_prev;
        m->flow_sent_prev = s;
    }
    if (d <= 0)
        return;
    if (m->phase != PH_PRECOPY && m->phase != PH_POSTCOPY)
        return; /* disk copy, stop-and-copy and device state are not pages */
    if (m->phase == PH_POSTCOPY) {
        /* the pages asked for go first (get_queued_page); they left the
         * bitmap when they were asked for */
        double paid = fmin(d, m->pc_owed);
        m->pc_owed -= paid;
        d -= paid;
        if (d <= 0)
            return;
    }
    bitmap_send(m->bm, d);
    if (m->xb_on)
        xbzrle_after_send(m);
}

static void end_iteration(mig *m)
{
    sim_time now = sim_now(m->s);
    mig_iteration it = { m->it_start, now - m->it_start, m->sent_total - m->it_bytes_start, total_pending(m) };
    if (m->r.iterations->len >= MIG_MAX_ITERATIONS) {
        /* what grows with simulated time is bounded: the syncs beyond
         * are summed into the last record (and the run warns) */
        mig_iteration *last = &g_array_index(m->r.iterations, mig_iteration, m->r.iterations->len - 1);
        last->duration = now - last->start;
        last->bytes += it.bytes;
        last->dirty_pages_after = it.dirty_pages_after;
        m->capped = true;
    } else {
        g_array_append_val(m->r.iterations, it);
    }
    m->it_start = now;
    m->it_bytes_start = m->sent_total;
}

/* mig_throttle_guest_down (ram.c), in QEMU's whole percents: the first
 * step sets cpu-throttle-initial; later ones add cpu-throttle-increment or,
 * with cpu-throttle-tailslow, no more than takes the guest's CPU share down
 * to the one that would make the period's dirty bytes meet the threshold;
 * cpu_throttle_set keeps it within 1..99 and max-cpu-throttle caps it. */
static void throttle_up(mig *m, double dirty_bytes, double threshold_bytes)
{
    const scn_migration *p = m->p;
    int now = (int)lround(m->throttle * 100), initial = (int)lround(p->ac_initial * 100);
    int inc = (int)lround(p->ac_increment * 100), max = (int)lround(p->ac_max * 100);
    int pct;
    if (now == 0) {
        pct = initial;
    } else {
        if (p->ac_tailslow) {
            int cpu_now = 100 - now;
            int cpu_ideal = (int)(cpu_now * (threshold_bytes / dirty_bytes)); /* uint64_t in QEMU: truncated */
            inc = MIN(cpu_now - cpu_ideal, inc);
        }
        pct = MIN(now + inc, max);
    }
    m->throttle = MAX(1, MIN(99, pct)) / 100.0;
    if (m->throttle > m->r.max_throttle)
        m->r.max_throttle = m->throttle;
    trace_mig(m, "cpu-throttle");
}

/* migration_bitmap_sync: merge the log into the bitmap, count it, and let
 * auto-converge look at the last period (ram.c migration_trigger_throttle). */
static void set_costs(mig *m);

static void bitmap_sync(mig *m)
{
    accumulate(m);
    if (m->xb_started)
        xbzrle_plan(m); /* before the period's writes are merged */
    double before = total_pending(m);
    for (int k = 0; k < m->kzero; k++) {
        if (m->kpages[k] <= 0)
            continue;
        if (m->seq[k]) {
            /* the sweep went over these pages since the last sync */
            bitmap_mark_range(m->bm, k, m->sweep_x[k], m->writes[k]);
            m->sweep_x[k] = fmod(m->sweep_x[k] + m->writes[k], m->kpages[k]);
        } else {
            bitmap_mark_random(m->bm, k, logged(m, k) / m->kpages[k]);
        }
        m->writes[k] = 0;
    }
    double added = total_pending(m) - before;
    m->trace_t0 = sim_now(m->s);
    m->r.syncs++;
    if (m->xb_started)
        set_costs(m);
    m->ac_dirty_pages += added;
    sim_time now = sim_now(m->s);
    if (now - m->ac_period_start >= SIM_S) {
        if (m->p->auto_converge) {
            double xfer = m->sent_total - m->ac_bytes_start;
            if (m->ac_dirty_pages * PAGE > m->p->ac_threshold * xfer && ++m->ac_high >= 2) {
                m->ac_high = 0;
                throttle_up(m, m->ac_dirty_pages * PAGE, m->p->ac_threshold * xfer);
            }
        }
        m->ac_period_start = now;
        m->ac_bytes_start = m->sent_total;
        m->ac_dirty_pages = 0;
    }
}

/* ------------------------------------------------------------------ flow plumbing */

static void on_flow_done(flow_net *net, flow *f, void *arg);
static void on_flow_change(flow_net *net, flow *f, void *arg);
static void catch_up(mig *m, sim_time upto);
static void tick_soon(mig *m);

/* Makes the sender's flow carry `bytes` more from now on, at cap. */
static void send(mig *m, double bytes, double cap)
{
    if (m->f && flow_is_sent(m->f)) {
        /* its last bytes are still on their way: they count as sent; the
         * new bytes go in a new flow (the old one's arrival is ignored) */
        settle(m);
        m->f = NULL;
    }
    if (m->f) {
        flow_set_cap(m->net, m->f, cap);
        flow_set_size(m->net, m->f, m->flow_sent_prev + bytes);
    } else {
        m->flow_sent_prev = 0;
        m->f = flow_start(m->net, m->path, m->npath, bytes, &(flow_params){ .cap_Bps = cap }, on_flow_done, m);
        flow_set_change_hook(m->f, on_flow_change);
    }
}

static void stop_sending(mig *m)
{
    if (m->f) {
        settle(m);
        flow_cancel(m->net, m->f);
        m->f = NULL;
    }
}

static void cancel_timers(mig *m)
{
    sim_cancel(m->s, m->tick);
    sim_cancel(m->s, m->watchdog);
    sim_cancel(m->s, m->timer);
    sim_cancel(m->s, m->gate_timer);
    sim_cancel(m->s, m->zero_timer);
    sim_cancel(m->s, m->ac_timer);
    sim_cancel(m->s, m->pc_timer);
    m->tick = m->watchdog = m->timer = m->gate_timer = m->zero_timer = m->ac_timer = m->pc_timer = 0;
    m->waiting = -1;
}

static void postcopy_faults(mig *m);

/* Where in the game server's frame the pause began: not in the scenario,
 * drawn per migration from the run's stream (a uniform phase). */
static double frame_phase(mig *m)
{
    if (m->vm->service.type != SERVICE_UDP_GAME)
        return 0;
    char name[160];
    g_snprintf(name, sizeof name, "frame:%s", m->vm->name);
    return gsl_rng_uniform(rng_stream(sim_rng(m->s), name));
}

static void finish(mig *m, mig_outcome o)
{
    if (m->phase == PH_DONE)
        return;
    catch_up(m, sim_now(m->s));
    stop_sending(m);
    if (m->phase == PH_POSTCOPY)
        postcopy_faults(m);
    if (m->mirror) {
        flow_bg_free(m->net, m->mirror);
        m->mirror = NULL;
    }
    cancel_timers(m);
    m->phase = PH_DONE;
    m->r.outcome = o;
    /* a completed precopy ended when its last byte arrived (QEMU's
     * total-time); the destination's resume shows in the downtime */
    if (m->r.end < 0)
        m->r.end = sim_now(m->s);
    m->r.transferred = m->sent_total;
    for (int k = 0; k < m->nk; k++)
        *(k < m->kzero ? &m->r.normal_pages : &m->r.zero_pages) += bitmap_kind_sent(m->bm, k);
    if (m->r.downtime >= 0)
        m->r.client_downtime = client_downtime(&m->vm->service, m->r.downtime, frame_phase(m));
    trace *tr = sim_trace(m->s);
    if (trace_enabled(tr)) {
        trace_begin(tr, m->r.end, "migration-end", m->vm->name);
        trace_str(tr, "outcome", mig_outcome_name(o));
        if (m->r.failure)
            trace_str(tr, "reason", m->r.failure);
        trace_dbl(tr, "transferred_bytes", m->r.transferred);
        trace_dbl(tr, "downtime", m->r.downtime >= 0 ? sim_to_s(m->r.downtime) : -1);
        trace_dbl(tr, "client_downtime", m->r.client_downtime >= 0 ? sim_to_s(m->r.client_downtime) : -1);
        if (m->r.postcopy_switch >= 0 && m->r.resume >= 0)
            trace_dbl(tr, "postcopy_fault_time", sim_to_s(m->r.postcopy_fault_time));
        trace_end(tr);
    }
    if (m->done)
        m->done(m, m->arg);
}

/* ------------------------------------------------------------------ QEMU */

static void stop_and_copy(mig *m);
static void start_postcopy(mig *m);
static void disk_round_done(mig *m);
static bool pass_gate(mig *m, mig_gate_point p);

/* What each kind of page costs the sender. A normal page: its bytes at the
 * sending threads' speed. A zero page: 9 bytes, and the main thread's time
 * to walk to it (page_scan_cost) plus the check that it is all zeros
 * (zero_page_cost), done by the main thread itself ("legacy") or by the
 * multifd sender threads in parallel ("multifd", QEMU >= 9.0). */
static void set_costs(mig *m)
{
    const scn_migration *p = m->p;
    double zero_cpu = sim_to_s(p->page_scan_cost);
    double detect = sim_to_s(p->zero_page_cost);
    zero_cpu += p->zero_detection_multifd && p->multifd_channels > 0 ? detect / m->threads : detect;
    for (int k = 0; k < m->nk; k++) {
        double full = m->kwire[k], t_full = m->kcpu[k];
        if (k >= m->kzero) {
            bitmap_set_cost(m->bm, k, m->wire_zero, zero_cpu);
        } else if (!m->xb_started) {
            bitmap_set_cost(m->bm, k, full, t_full);
        } else {
            /* a hit is encoded (and sent whole if it overflows); a miss is
             * copied into the cache and sent whole */
            double h = m->xb_hit[k], enc = PAGE / XBZRLE_SCAN_BPS, ins = PAGE / XBZRLE_COPY_BPS;
            double dw = m->xb_delta[k] > PAGE ? full : m->xb_delta[k];
            bitmap_set_cost(m->bm, k, h * dw + (1 - h) * full,
                            h * (enc + dw / m->cpu_cap) + (1 - h) * (ins + t_full));
        }
    }
}

/* QEMU's rate limiter (migration_rate_limit) lets the sender queue
 * max-bandwidth x 100 ms bytes per window. At the window starts, where QEMU
 * decides, a stream capped at max-bandwidth has sent exactly what the
 * bursty limiter has, so the sender is one flow capped at max-bandwidth and
 * at what its thread can do for the pages ahead of the cursor: a stretch of
 * zero pages is bound by the time to find them, which a rate-limited
 * sender spends while it would otherwise wait for the next window. The flow
 * carries the bytes up to where that mix changes (bitmap_stretch); a sync
 * changes what lies ahead, so every decision re-plans it. */
static void decide(mig *m, bool window_start);
static void precopy_continue(mig *m);

static void zero_stretch_done(sim *s, void *arg)
{
    mig *m = arg;
    catch_up(m, sim_now(s));
    settle(m);
    m->zero_timer = 0;
    m->sent_total += bitmap_send(m->bm, m->zero_left); /* rounding */
    m->zero_left = 0;
    (void)s;
    if (bitmap_stretch(m->bm, NULL, NULL, NULL) >= 0.5)
        precopy_continue(m);
    else
        decide(m, false);
    tick_soon(m);
}

static void precopy_continue(mig *m)
{
    if (m->zero_timer)
        return; /* a stretch of zero pages is under way */
    double cpu, wire, pages;
    double bytes = bitmap_stretch(m->bm, &cpu, &wire, &pages);
    if (bytes < 0.5)
        return;
    double cap = cpu > 0 ? bytes / cpu : INFINITY;
    double limit = m->p->max_bandwidth_Bps;
    if (limit > 0 && m->p->multifd_channels > 0 && pages > 0)
        /* a multifd packet is charged to the rate limit only once its
         * channel has written it (multifd_send_thread adds it to
         * mig_stats.multifd_bytes, which migration_rate_exceeded reads):
         * when the limit trips, the packets on the channels are not yet
         * counted, drain while the main thread waits for the next window,
         * and the window's reset forgets them. Each window goes over by
         * about one packet per channel. */
        limit += m->p->multifd_channels * MULTIFD_PAGES * (bytes / pages) / sim_to_s(WINDOW);
    if (limit > 0 && limit < cap)
        cap = limit;
    if (wire <= m->wire_zero && !(m->f && !flow_is_sent(m->f))) {
        /* only zero pages ahead: their 9-byte records are too small to load
         * the network, so the stretch is sender time, not a flow */
        m->zero_left = bytes;
        m->zero_Bps = cap;
        m->zero_t = sim_now(m->s);
        m->zero_timer = sim_after(m->s, sim_from_s(bytes / cap), zero_stretch_done, m);
        return;
    }
    /* the same mix of pages gives the same cap up to rounding, which must
     * not make the network re-rate its flows */
    if (fabs(cap - m->cap) <= 1e-9 * cap)
        cap = m->cap;
    m->cap = cap;
    if (m->f && !flow_is_sent(m->f)) {
        double size = flow_size(m->f) - flow_remaining(m->net, m->f) + bytes;
        flow_set_cap(m->net, m->f, cap);
        if (fabs(size - flow_size(m->f)) > 0.5)
            flow_set_size(m->net, m->f, size);
    } else {
        send(m, bytes, cap);
    }
}

/* The bandwidth QEMU measures: bytes sent over the last window or more
 * (migration_update_counters), updated at a window start. */
static void measure_bw(mig *m, sim_time now)
{
    if (now - m->t_bw < WINDOW)
        return;
    m->bw = (m->sent_total - m->bytes_bw) / sim_to_s(now - m->t_bw);
    m->t_bw = now;
    m->bytes_bw = m->sent_total;
}

/* The decision ticks (hot spot 3 of issue 18). Most window starts only
 * find the sender far from the switch (decide's first test) and move the
 * byte counts and the measured bandwidth on. While the sender's flow keeps
 * its rate, those window starts need no event: the tick event is planned
 * at least two windows before the first window start where the test might
 * fail, and the ones before it are decided when it comes, or when anything
 * else touches the migration first (catch_up), from the flow's own account of
 * what it had sent at each (flow_sent_at), through the tick's own first test
 * in the tick's order: the answers are byte-identical. A change of the
 * flow's rate, or any event of the migration, makes the next window start
 * an event again (its window saw the change). */

/* decide's first test at window start b: what is pending, less what the
 * bytes sent since the last settle could have taken off (at the cheapest
 * page pending), is still above the threshold. Then the sender keeps going
 * with the stretch it has, the sent bytes and the measured bandwidth move
 * on (true), and the page writes and the bitmap catch up at the next full
 * settle (the writes are linear between syncs). Otherwise nothing moves:
 * decide's full settle counts the same bytes in the same sums. */
static bool quick_window(mig *m, sim_time b)
{
    if (m->phase != PH_PRECOPY || m->postcopy_requested || !m->f || flow_is_sent(m->f) || m->zero_timer)
        return false;
    double s = flow_sent_at(m->f, b);
    double sent_total = m->sent_total, debt = m->bm_debt;
    sent_total += s - m->flow_sent_prev;
    debt += s - m->flow_sent_prev;
    double bw = m->bw, bytes_bw = m->bytes_bw;
    sim_time t_bw = m->t_bw;
    if (!(b - t_bw < WINDOW)) {
        bw = (sent_total - bytes_bw) / sim_to_s(b - t_bw);
        t_bw = b;
        bytes_bw = sent_total;
    }
    double floor = total_pending(m) - debt / bitmap_min_pending_wire(m->bm);
    if (!(floor * PAGE > bw * sim_to_s(m->p->downtime_limit)))
        return false;
    m->sent_total = sent_total;
    m->bm_debt = debt;
    m->flow_sent_prev = s;
    m->bw = bw;
    m->t_bw = t_bw;
    m->bytes_bw = bytes_bw;
    return true;
}

/* Decides the window starts before upto that passed without an event. */
static void catch_up(mig *m, sim_time upto)
{
    while (m->tick && m->tick_b < upto && m->tick_b < m->tick_at) {
        bool went_on = quick_window(m, m->tick_b);
        /* planned so: a failing test there would have needed the event */
        g_assert(went_on);
        m->tick_b += WINDOW;
    }
}

/* After anything but the tick moved the migration, or its flow's rate is
 * about to change: the next window start is an event. */
static void tick_soon(mig *m)
{
    if (m->tick && m->tick_at > m->tick_b) {
        m->tick_at = m->tick_b;
        sim_reschedule(m->s, m->tick, m->tick_b);
    }
}

static void on_flow_change(flow_net *net, flow *f, void *arg)
{
    (void)net;
    mig *m = arg;
    if (f != m->f)
        return;
    catch_up(m, sim_now(m->s));
    tick_soon(m);
}

/* Where the next tick must be an event, after a window start at which the
 * sender went on: with the flow's rate r from now on, the pending bytes
 * less what it sends cross the threshold (r x downtime-limit) when the
 * sent bytes reach `room`; two windows before that. */
static sim_time tick_plan(mig *m)
{
    sim_time b = m->tick_b, now = sim_now(m->s);
    if (m->every_window || m->phase != PH_PRECOPY || m->postcopy_requested || !m->f || flow_is_sent(m->f) ||
        m->zero_timer)
        return b;
    double r = flow_current_rate(m->f);
    double mw = bitmap_min_pending_wire(m->bm);
    double room = (total_pending(m) - r * sim_to_s(m->p->downtime_limit) / PAGE) * mw - m->bm_debt -
                  (flow_sent(m->net, m->f) - m->flow_sent_prev);
    if (!(room > 0) || !(r >= 0) || !isfinite(r))
        return b;
    double secs = r > 0 ? room / r : INFINITY;
    double windows = floor((secs - 2.0 * sim_to_s(WINDOW) - sim_to_s(b - now)) / sim_to_s(WINDOW));
    if (!(windows >= 1))
        return b;
    if (windows > 1e6) /* a day of windows: the plan is redone long before */
        windows = 1e6;
    return b + (sim_time)windows * WINDOW;
}

/* migration_iteration_run: the decision at a window start or when dry. */
static void decide(mig *m, bool window_start)
{
    sim_time now = sim_now(m->s);
    /* most decisions are far from the switch (quick_window) */
    if (window_start && quick_window(m, now))
        return;
    settle(m);
    accumulate(m);
    if (window_start)
        measure_bw(m, now);
    if (m->postcopy_requested) {
        start_postcopy(m);
        return;
    }
    /* migration_iteration_run (migration/migration.c): the estimate is the
     * bitmap as last synced; below the threshold an exact sync; then the
     * switch if nothing is pending or it is below the threshold. Until the
     * first window has measured the bandwidth the threshold is 0
     * (threshold_size, set by migration_update_counters): a first pass that
     * ends before then switches at once on its empty bitmap, unsynced (the
     * stop's own sync, ram_save_complete, takes what it left) */
    double threshold = m->bw * sim_to_s(m->p->downtime_limit);
    double pending = total_pending(m) * PAGE;
    bool synced = false;
    if (pending < threshold) {
        synced = true;
        bitmap_sync(m);
        end_iteration(m);
        trace_mig_sync(m, "bitmap-sync", pending);
        pending = total_pending(m) * PAGE;
    }
    if (pending < 0.5 || pending < threshold) {
        if (!synced)
            end_iteration(m); /* the pass that emptied the bitmap */
        stop_and_copy(m);
        return;
    }
    if (synced && m->p->postcopy && m->r.syncs >= m->p->postcopy_after_syncs)
        m->postcopy_requested = true;
    /* without a sync the pages ahead are what the running stretch was
     * planned for: only the cursor moved */
    if (synced || !((m->f && !flow_is_sent(m->f)) || m->zero_timer))
        precopy_continue(m);
}

static void tick_event(sim *s, void *arg)
{
    mig *m = arg;
    sim_time now = sim_now(s);
    catch_up(m, now);
    g_assert(m->tick_b == now);
    m->tick = 0; /* this event is over: nothing to catch up inside decide */
    decide(m, true);
    m->tick_b = now + WINDOW;
    if (m->phase == PH_PRECOPY) {
        m->tick_at = tick_plan(m);
        m->tick = sim_at(s, m->tick_at, tick_event, m);
    }
}

static void postcopy_step(sim *s, void *arg);

static void resume_done(sim *s, void *arg)
{
    mig *m = arg;
    m->timer = 0;
    m->r.resume = sim_now(s);
    m->r.downtime = m->r.resume - m->r.stop;
    trace_mig(m, m->r.restart ? "vm-started" : "vm-resumed");
    if (m->phase == PH_RESUME) {
        finish(m, MIG_COMPLETED);
        return;
    }
    /* postcopy: the VM runs on the destination; now pull the rest (the
     * rate limit is lifted; max-postcopy-bandwidth applies) */
    m->phase = PH_POSTCOPY;
    m->pc_rate = m->p->postcopy_bandwidth_Bps > 0 ? fmin(m->p->postcopy_bandwidth_Bps, m->cpu_cap) : m->cpu_cap;
    if (wire_bytes(m) > 0.5)
        postcopy_step(s, m);
    else
        finish(m, MIG_COMPLETED);
}

/* Distinct pages of kind k (a written region, or the guest's own pages,
 * written at random) that `writes` page writes touch. */
static double touched(const mig *m, int k, double writes)
{
    if (k < m->dm.nregions)
        return dirty_region_distinct(&m->dm.r[k], writes);
    return m->kpages[k] * -expm1(-writes / m->kpages[k]);
}

/* A step of the postcopy phase. The guest touches pages that are still on
 * the source; the destination asks for each (a remote fault) and QEMU sends
 * it at once, past max-postcopy-bandwidth (ram_save_queue_pages wakes the
 * rate-limited thread, and ram_save_iterate goes on while
 * postcopy_has_request), ahead of the background pages (get_queued_page).
 * So the stream carries the background pages at its own cap and the pages
 * asked for on top, and the phase ends when every page has come one way or
 * the other. Over the next step each written kind of page loses to requests
 * the share of its pending pages that the guest's writes touch. A fault
 * costs the request's round trip, the fault handling and the page's way
 * back: at the sender's pace, or, when the network holds the stream below
 * its cap (so the socket stays full), behind the pages queued in the socket
 * (unless postcopy-preempt gives requests their own channel,
 * docs/devel/migration/postcopy.rst). A vCPU that waits for a page runs
 * nothing: the writer, which needs a share of a vCPU (dirty.cpu_share), slows
 * once the waits leave it less, as under a throttle. The time lost F (over
 * all vCPUs) solves F = cost x faults(writes left by F / (step x vcpus)), at
 * most the step x vcpus: bisection. */
static void postcopy_step(sim *s, void *arg)
{
    mig *m = arg;
    m->pc_timer = 0;
    sim_time now = sim_now(s);
    settle(m);
    double dt = sim_to_s(PC_STEP), el = sim_to_s(now - m->pc_step_t0);
    double rate = now > m->r.resume && el > 0 ? (m->sent_total - m->pc_prev_sent) / el : 0;
    bool net_bound = now > m->r.resume && rate < 0.99 * fmin(m->pc_rate + m->pc_req_Bps, m->cpu_cap);
    double left = bitmap_wire_bytes(m->bm) + m->pc_owed;
    double wait = net_bound ? ((m->p->postcopy_preempt ? 0 : fmin(POSTCOPY_QUEUE, left)) + m->wire_normal) /
                                  fmax(rate, 1)
                            : m->wire_normal / m->cpu_cap;
    double cost = sim_to_s(2 * m->path_lat + FAULT_OVERHEAD) + wait;
    double vcpus = m->vm->vcpus > 0 ? m->vm->vcpus : 1, share[NKIND] = { 0 };
    for (int k = 0; k < m->kzero; k++)
        if (m->rate[k] > 0 && m->kpages[k] > 0)
            share[k] = bitmap_kind_pending(m->bm, k) / m->kpages[k];
    double lo = 0, hi = dt * vcpus;
    for (int i = 0; i < 50 && hi - lo > 1e-12; i++) {
        double f = (lo + hi) / 2, run = dt * dirty_throttle_factor(&m->dm, f / (dt * vcpus)), faults = 0;
        for (int k = 0; k < m->kzero; k++)
            if (share[k] > 0)
                faults += share[k] * touched(m, k, m->rate[k] * run);
        if (cost * faults > f)
            lo = f;
        else
            hi = f;
    }
    double F = (lo + hi) / 2, run = dt * dirty_throttle_factor(&m->dm, F / (dt * vcpus)), req = 0;
    for (int k = 0; k < m->kzero; k++)
        if (share[k] > 0)
            req += m->kwire[k] * bitmap_take_random(m->bm, k, touched(m, k, m->rate[k] * run) / m->kpages[k]);
    m->pc_owed += req;
    m->pc_req_Bps = req / dt;
    m->pc_fault_s += F;
    m->pc_step_F = F;
    m->pc_step_t0 = now;
    m->pc_prev_sent = m->sent_total;
    double bytes = bitmap_wire_bytes(m->bm) + m->pc_owed;
    double cap = fmin(m->pc_rate + m->pc_req_Bps, m->cpu_cap);
    if (m->f && !flow_is_sent(m->f)) {
        flow_set_cap(m->net, m->f, cap);
        flow_set_size(m->net, m->f, m->flow_sent_prev + bytes);
    } else if (bytes > 0.5) {
        send(m, bytes, cap);
    }
    m->pc_timer = sim_after(s, PC_STEP, postcopy_step, m);
}

/* The guest's time lost to faults, once the phase is over: the last step's
 * share of what was planned for it. */
static void postcopy_faults(mig *m)
{
    double el = sim_to_s(sim_now(m->s) - m->pc_step_t0), dt = sim_to_s(PC_STEP);
    double lost = m->pc_fault_s - m->pc_step_F * fmax(0, 1 - el / dt);
    m->r.postcopy_fault_time = sim_from_s(fmax(0, lost));
}

static bool compressing(const mig *m)
{
    return m->p->multifd_channels > 0 && m->p->multifd_compression != COMPRESS_NONE;
}

static void final_copy(sim *s, void *arg)
{
    (void)s;
    mig *m = arg;
    m->timer = 0;
    double bytes = wire_bytes(m) + m->p->device_state;
    if (m->xb_started) /* the last stage encodes too, and inserts nothing */
        for (int k = 0; k < m->kzero; k++)
            xbzrle_count_pages(m, k, bitmap_kind_pending(m->bm, k));
    for (int k = 0; k < m->nk; k++) /* sent, but not through the cursor */
        *(k < m->kzero ? &m->r.normal_pages : &m->r.zero_pages) += bitmap_kind_pending(m->bm, k);
    /* the final copy is not rate limited (QEMU RATE_LIMIT_DISABLED; Xen
     * sent the last round at full speed): the sending threads' time. Where
     * the channels compress, that depends on each kind of page's content,
     * and the device state goes as it is. */
    double cap = m->cpu_cap;
    if (compressing(m)) {
        double t = 0, rest = bytes;
        for (int k = 0; k < m->kzero; k++) {
            double n = bitmap_kind_pending(m->bm, k);
            t += n * m->kcpu[k];
            rest -= n * m->kwire[k];
        }
        t += fmax(0, rest) / m->plain_cap;
        if (t > 0)
            cap = bytes / t;
    }
    bitmap_clear(m->bm);
    send(m, bytes, cap);
}

/* The VM stops on the source, for the stop-and-copy or the postcopy
 * switch. What the live phase sent is settled first (while pages still count
 * as pages); ram_save_complete syncs the bitmap once more (nothing was written since the
 * decision's sync at this same instant, but it counts). */
static void pause_vm(mig *m, int phase, const char *kind)
{
    sim_cancel(m->s, m->tick);
    m->tick = 0;
    settle(m);
    sim_cancel(m->s, m->zero_timer);
    m->zero_timer = 0;
    m->zero_left = 0;
    if (m->f) {
        flow_cancel(m->net, m->f);
        m->f = NULL;
    }
    m->phase = phase;
    m->r.stop = sim_now(m->s);
    m->r.remaining_before_stop = total_pending(m) * PAGE;
    trace_mig(m, kind);
    bitmap_sync(m);
}

static void stop_and_copy(mig *m)
{
    pause_vm(m, PH_STOPCOPY, "vm-paused");
    if (m->p->suspend > 0)
        m->timer = sim_after(m->s, m->p->suspend, final_copy, m);
    else
        final_copy(m->s, m);
}

static void start_postcopy(mig *m)
{
    pause_vm(m, PH_PC_SWITCH, "postcopy-start");
    m->r.postcopy_switch = m->r.stop;
    end_iteration(m);
    /* device state (and the discard bitmap) go first, then the VM runs */
    send(m, m->p->device_state, m->plain_cap);
}

/* ------------------------------------------------------------------ Xen 2005 */

static void xen_round(mig *m)
{
    /* pages dirtied again before their turn are skipped this round: for a
     * page sent at a uniform point u of a round of length D, the chance it
     * was written first is 1 - exp(-R u D / S) */
    double send_pages = 0;
    double D = total_pending(m) * PAGE_WIRE / m->xen_rate;
    for (int k = 0; k < m->nk; k++) {
        double skip = 0;
        if (k < m->kzero && D > 0 && m->kpages[k] > 0) {
            double x = m->rate[k] * D / m->kpages[k];
            skip = x > 1e-9 ? 1 - (1 - exp(-x)) / x : 0;
        }
        send_pages += bitmap_kind_pending(m->bm, k) * (1 - skip);
    }
    m->xen_round++;
    send(m, send_pages * PAGE_WIRE, m->xen_rate);
}

static void xen_round_done(mig *m)
{
    const scn_migration *p = m->p;
    sim_time now = sim_now(m->s);
    double dur = sim_to_s(now - m->it_start);
    bitmap_clear(m->bm);
    bitmap_sync(m); /* the round's dirty log becomes the next round's pages */
    end_iteration(m);
    trace_mig(m, "xen-round-end");
    double dirty = total_pending(m);
    double dirty_rate = dur > 0 ? dirty * PAGE_WIRE / dur : 0;
    double mem = m->vm->memory;
    bool at_max = m->xen_rate >= p->xen_max_rate_Bps;
    if (dirty < p->xen_stop_pages || m->xen_round >= p->xen_max_rounds || m->sent_total >= p->xen_max_factor * mem ||
        (at_max && dirty >= m->xen_prev_dirty)) {
        stop_and_copy(m);
        return;
    }
    m->xen_prev_dirty = dirty;
    m->xen_rate = fmin(p->xen_max_rate_Bps, fmax(p->xen_min_rate_Bps, dirty_rate + p->xen_rate_step_Bps));
    xen_round(m);
}

/* ------------------------------------------------------------------ events */

static void on_flow_done(flow_net *net, flow *f, void *arg)
{
    (void)net;
    mig *m = arg;
    if (f != m->f)
        return; /* an earlier flow whose bytes were already counted */
    catch_up(m, sim_now(m->s));
    settle(m);
    m->f = NULL;
    switch (m->phase) {
    case PH_DISK:
        disk_round_done(m);
        break;
    case PH_PRECOPY:
        if (m->p->profile == PROFILE_XEN_2005)
            xen_round_done(m);
        else if (bitmap_stretch(m->bm, NULL, NULL, NULL) >= 0.5)
            precopy_continue(m); /* the mix of pages ahead changed */
        else
            decide(m, false); /* the bitmap ran dry inside a window */
        tick_soon(m);
        break;
    case PH_STOPCOPY:
        m->r.qemu_downtime = sim_now(m->s) - m->r.stop;
        m->phase = PH_RESUME;
        m->r.end = sim_now(m->s);
        if (pass_gate(m, MIG_GATE_SWITCHOVER))
            m->timer = sim_after(m->s, m->p->resume + m->handover, resume_done, m);
        break;
    case PH_PC_SWITCH:
        m->r.qemu_downtime = sim_now(m->s) - m->r.stop;
        if (pass_gate(m, MIG_GATE_SWITCHOVER))
            m->timer = sim_after(m->s, m->p->resume + m->handover, resume_done, m);
        break;
    case PH_POSTCOPY:
        finish(m, MIG_COMPLETED);
        break;
    default:
        break;
    }
}

static void watchdog_event(sim *s, void *arg)
{
    mig *m = arg;
    m->watchdog = 0;
    sim_time now = sim_now(s);
    if (m->f && flow_stalled(m->net, m->f)) {
        if (m->stall_since < 0)
            m->stall_since = now;
        else if (now - m->stall_since >= STALL_TIMEOUT) {
            trace_mig(m, "migration-connection-lost");
            if (m->phase != PH_POSTCOPY || !m->p->postcopy_recovery)
                m->r.failure = mig_failure_names[MIG_FAILURE_CONNECTION];
            if (m->phase == PH_POSTCOPY && !m->p->postcopy_recovery) {
                finish(m, MIG_VM_LOST);
                return;
            }
            if (m->phase != PH_POSTCOPY) {
                finish(m, MIG_FAILED);
                return;
            }
            /* postcopy recovery: paused, waits for the network */
        }
    } else {
        m->stall_since = -1;
    }
    m->watchdog = sim_after(s, WATCHDOG, watchdog_event, m);
}

static void setup_done(sim *s, void *arg);

/* Non-shared storage (libvirt --copy-storage-all, sources.md 6.2): the disks are
 * mirrored first; the mirror keeps copying new writes, and RAM migration
 * starts once the bulk copy is done. The writes the guest makes meanwhile are
 * sent again, round by round, until what is left is under a second of them. */
static void disk_round_done(mig *m)
{
    sim_time now = sim_now(m->s);
    double dur = sim_to_s(now - m->it_start);
    double again = m->vm->disk_write_Bps * dur;
    m->it_start = now;
    if (again > m->vm->disk_write_Bps && again > 1e6) {
        send(m, again, m->plain_cap);
        return;
    }
    trace_mig(m, "disk-mirror-ready");
    if (m->vm->disk_write_Bps > 0)
        m->mirror = flow_bg_new(m->net, m->path, m->npath, m->vm->disk_write_Bps);
    m->phase = PH_SETUP;
    m->timer = sim_after(m->s, m->p->setup, setup_done, m);
}

static void precopy_begins(mig *m);

/* cpu_throttle_dirty_sync_timer_tick (migration/cpu-throttle.c, QEMU >=
 * 9.2): with auto-converge, every 5 s, once the first pass is over (sync
 * count > 1), the bitmap is synced if no sync came in the last 5 s, so that
 * the throttle can rise even when a pass takes minutes. Migration started
 * the timer with the migration thread; golive starts it with precopy (1 ms
 * of setup later). */
static void ac_sync_tick(sim *s, void *arg)
{
    mig *m = arg;
    m->ac_timer = 0;
    if (m->phase != PH_PRECOPY)
        return;
    if (m->r.syncs > 1 && m->r.syncs == m->ac_syncs_prev) {
        catch_up(m, sim_now(s));
        settle(m);
        double unsent = total_pending(m) * PAGE;
        bitmap_sync(m);
        end_iteration(m);
        trace_mig_sync(m, "bitmap-sync", unsent);
        if (m->p->postcopy && m->r.syncs >= m->p->postcopy_after_syncs)
            m->postcopy_requested = true; /* the count is what the operator watches */
        precopy_continue(m); /* what lies ahead changed */
        tick_soon(m);
    }
    m->ac_syncs_prev = m->r.syncs;
    m->ac_timer = sim_after(s, AC_SYNC_PERIOD, ac_sync_tick, m);
}

static void setup_done(sim *s, void *arg)
{
    (void)s;
    mig *m = arg;
    m->timer = 0;
    if (pass_gate(m, MIG_GATE_OPEN))
        precopy_begins(m);
}

static void precopy_begins(mig *m)
{
    sim *s = m->s;
    m->phase = PH_PRECOPY;
    m->t_bw = sim_now(s);
    m->it_start = sim_now(s);
    m->ac_period_start = sim_now(s);
    m->writes_t = sim_now(s);
    m->trace_t0 = sim_now(s);
    if (m->p->profile == PROFILE_XEN_2005) {
        m->xen_rate = m->p->xen_min_rate_Bps;
        xen_round(m);
        return;
    }
    precopy_continue(m);
    m->tick_b = m->tick_at = sim_now(s) + WINDOW;
    m->tick = sim_at(s, m->tick_at, tick_event, m);
    if (m->p->auto_converge)
        m->ac_timer = sim_after(s, AC_SYNC_PERIOD, ac_sync_tick, m);
}

/* The kinds of pages and the bitmap QEMU starts with (every bit set).
 * Zero pages cost 9 bytes (QEMU) or a full page (Xen 2005, which had no
 * zero-page detection); ram_bytes_remaining counts the unscanned ones at
 * full size. The zero share comes out of the memory no region writes;
 * beyond that, out of the pages written least often (the coldest region
 * first), among that region's pages.
 *
 * Layout (assumption, docs/models.md): after boot Linux hands out the highest
 * free pages first, so the guest's own pages sit at the top of its address
 * space, the workload's regions (allocated later) below them, the hot one
 * higher, and the zero pages at the bottom: QEMU's first pass meets the
 * zero pages first and ends on dense used pages (the validation's idle
 * guests stop with their last pages all used). A measured trace may write
 * anywhere: one region, all of memory. */
static void page_cost(const mig *m, double zstd_ratio, double *wire, double *cpu);

static void init_memory(mig *m)
{
    const scn_vm *vm = m->vm;
    double mem = m->dm.mem_pages, used = 0;
    if (m->dm.ntrace) {
        m->nd = 1;
        used = m->kpages[0] = mem;
    } else {
        m->nd = m->dm.nregions;
        for (int i = 0; i < m->nd; i++) {
            used += m->kpages[i] = m->dm.r[i].pages;
            m->rate[i] = m->dm.r[i].rate_pps;
            m->seq[i] = m->dm.r[i].sequential;
        }
    }
    m->kown = m->nd;
    m->kzero = m->nd + 1;
    m->nk = m->kzero + 1;
    /* the workload's pages compress as its data does, the rest as the VM's */
    double wratio = vm->dirty.compression > 0 ? vm->dirty.compression : vm->memory_compression;
    for (int k = 0; k < m->kzero; k++)
        page_cost(m, k < m->nd ? wratio : vm->memory_compression, &m->kwire[k], &m->kcpu[k]);
    double zero = m->p->profile == PROFILE_QEMU ? floor(mem * vm->zero) : 0;
    double rest = fmax(0, mem - used), zrest = fmin(zero, rest);
    bitmap_kind kinds[NKIND];
    double top = mem;
    m->kpages[m->kown] = rest - zrest;
    kinds[m->kown] = (bitmap_kind){ top - m->kpages[m->kown], top, m->kpages[m->kown], 1 };
    top -= m->kpages[m->kown];
    for (int i = 0; i < m->nd; i++) {
        double lo = m->dm.ntrace ? 0 : fmax(0, top - m->kpages[i]);
        kinds[i] = (bitmap_kind){ lo, lo + m->kpages[i], m->kpages[i], 1 };
        top = lo;
    }
    m->kpages[m->kzero] = zrest;
    kinds[m->kzero] = (bitmap_kind){ 0, zrest, zrest, 1 };
    double over = zero - zrest;
    bool taken[NKIND] = { false };
    while (over > 0.5) {
        int c = -1;
        for (int i = 0; i < m->nd; i++)
            if (!taken[i] && (c < 0 || m->rate[i] / m->kpages[i] < m->rate[c] / m->kpages[c]))
                c = i;
        if (c < 0)
            break;
        taken[c] = true;
        double z = fmin(over, m->kpages[c]);
        kinds[c].set = 1 - z / m->kpages[c];
        m->kpages[m->nk] = z;
        kinds[m->nk] = (bitmap_kind){ kinds[c].lo, kinds[c].hi, z, 1 };
        m->nk++;
        over -= z;
    }
    /* the guest's own writes, on its own pages (validation README) */
    m->rate[m->kown] = m->kpages[m->kown] > 0 ? vm->kernel_dirty_pps : 0;
    m->bm = bitmap_new(mem, m->nk, kinds);
    /* where each sweep starts is not in the scenario: drawn per run */
    for (int k = 0; k < m->nd; k++)
        if (m->seq[k]) {
            char name[160];
            g_snprintf(name, sizeof name, "sweep:%s", vm->name);
            m->sweep_x[k] = gsl_rng_uniform(rng_stream(sim_rng(m->s), name)) * m->kpages[k];
        }
}

/* What a normal page whose content zstd -1 shrinks by zstd_ratio costs on
 * the migration's channels: its wire bytes, and the seconds of the sending
 * and the receiving threads (m->threads and m->rthreads run at once; the
 * slower side sets the pace). A page's content is taken as a mix of data
 * like zstd's benchmark corpus and, in the proportion that gives its ratio,
 * incompressible data (a lower ratio) or runs of one byte (a higher one),
 * each at its own speed. */
static void page_cost(const mig *m, double zstd_ratio, double *wire, double *cpu)
{
    const scn_migration *p = m->p;
    bool multifd = p->multifd_channels > 0;
    double hdr = multifd ? MULTIFD_HDR / MULTIFD_PAGES : 0;
    double ratio = 1, comp = 0, decomp = 0;
    if (multifd && p->multifd_compression == COMPRESS_ZSTD) {
        ratio = zstd_ratio;
        double x = 1 / ratio, c = 1 / ZSTD_CORPUS_RATIO;
        if (x >= c) { /* corpus and incompressible data */
            double raw = fmin(1, (x - c) / (1 - c));
            comp = PAGE * (raw / ZSTD_RAW_BPS + (1 - raw) / ZSTD_BPS);
            decomp = PAGE * (raw / ZSTD_RAW_DECOMP_BPS + (1 - raw) / ZSTD_DECOMP_BPS);
        } else { /* corpus and runs of one byte */
            double runs = fmin(1, (c - x) / (c - 1 / ZSTD_RUNS_RATIO));
            comp = PAGE * (runs / ZSTD_RUNS_BPS + (1 - runs) / ZSTD_BPS);
            decomp = PAGE * (runs / ZSTD_RUNS_DECOMP_BPS + (1 - runs) / ZSTD_DECOMP_BPS);
        }
    } else if (multifd && p->multifd_compression == COMPRESS_ZLIB) {
        /* assumption: zlib gains the same share less of every page as on
         * the benchmark corpus, at its corpus speed whatever the content */
        ratio = 1 + ZLIB_OF_ZSTD * (zstd_ratio - 1);
        comp = PAGE / ZLIB_BPS;
        decomp = PAGE / ZLIB_DECOMP_BPS;
    }
    *wire = multifd ? PAGE / ratio + hdr : PAGE_WIRE;
    double plain = multifd ? PAGE + hdr : PAGE_WIRE;
    double t_send = plain / p->multifd_channel_Bps + comp + (p->tls_Bps > 0 ? *wire / p->tls_Bps : 0);
    *cpu = fmax(t_send / m->threads, decomp / m->rthreads);
}

/* Without multifd: one stream, 4104 bytes a page, 9 a zero page. With
 * multifd: every page (zero or not) costs its share of a packet header; a
 * normal page its 4 KiB, compressed if the channels compress. A sending
 * thread copies each page, compresses it and, with TLS, encrypts what goes
 * out; the receiving threads decompress. Threads beyond a host's cores add
 * nothing. cpu_cap is the pace of pages of the VM's own content, plain_cap
 * that of what goes uncompressed. */
static void init_channels(mig *m, mig_ends e)
{
    const scn_migration *p = m->p;
    bool multifd = p->multifd_channels > 0;
    int channels = multifd ? p->multifd_channels : 1;
    m->threads = MIN(channels, MAX(e.src_cores, 1));
    m->rthreads = MIN(channels, MAX(e.dst_cores, 1));
    double cpu;
    page_cost(m, m->vm->memory_compression, &m->wire_normal, &cpu);
    m->wire_zero = multifd && p->zero_detection_multifd ? MULTIFD_HDR / MULTIFD_PAGES : ZERO_WIRE;
    m->cpu_cap = m->wire_normal / cpu;
    m->plain_cap = m->threads / (1 / p->multifd_channel_Bps + (p->tls_Bps > 0 ? 1 / p->tls_Bps : 0));
}

mig *mig_start(sim *s, flow_net *net, flow_link *const *path, size_t npath, const scn_vm *vm, int vm_index,
               mig_ends ends, bool copy_disk, mig_done_fn done, void *arg)
{
    int src = ends.src, dst = ends.dst;
    mig *m = g_new0(mig, 1);
    m->s = s;
    m->net = net;
    m->path = g_memdup2(path, npath * sizeof *path);
    m->npath = npath;
    for (size_t i = 0; i < npath; i++)
        m->path_lat += flow_link_latency(path[i]);
    m->vm = vm;
    m->p = &vm->migration;
    m->done = done;
    m->arg = arg;
    m->stall_since = -1;
    m->waiting = -1;
    dirty_model_init(&m->dm, &vm->dirty, vm->memory);
    init_channels(m, ends);
    /* with multifd, QEMU sends every page on the channels, never through
     * XBZRLE (ram_save_target_page): the scenario loader refuses both */
    m->xb_on = m->p->xbzrle && m->p->profile == PROFILE_QEMU && m->p->multifd_channels == 0;
    init_memory(m);
    set_costs(m);
    m->r = (mig_result){ .vm = vm_index, .from = src, .to = dst, .outcome = MIG_RUNNING, .start = sim_now(s),
                         .end = -1, .stop = -1, .resume = -1, .downtime = -1, .qemu_downtime = -1,
                         .client_downtime = -1, .postcopy_switch = -1 };
    m->r.iterations = g_array_new(FALSE, FALSE, sizeof(mig_iteration));
    m->r.syncs = m->p->profile == PROFILE_QEMU ? 1 : 0; /* ram_init_bitmaps syncs once */
    trace_mig(m, "migration-start");
    if (copy_disk && vm->disk_size > 0) {
        m->phase = PH_DISK;
        m->it_start = sim_now(s);
        send(m, vm->disk_size, m->plain_cap);
    } else {
        m->phase = PH_SETUP;
        m->timer = sim_after(s, m->p->setup, setup_done, m);
    }
    m->watchdog = sim_after(s, WATCHDOG, watchdog_event, m);
    return m;
}

static void restart_stopped(sim *s, void *arg)
{
    mig *m = arg;
    m->timer = 0;
    trace_mig(m, "vm-stopped");
    if (pass_gate(m, MIG_GATE_OPEN))
        m->timer = sim_after(s, m->restart_start, resume_done, m);
}

/* ------------------------------------------------------------------ storage gates */

static void gate_expired(sim *s, void *arg);

/* A gate said no: a live migration fails and the VM goes on on the source
 * (resumed there if it was paused); a cold move keeps waiting, its VM is
 * already stopped. */
static void gate_failed(mig *m, mig_gate_point p, const char *why)
{
    trace *tr = sim_trace(m->s);
    if (trace_enabled(tr)) {
        trace_begin(tr, sim_now(m->s), "migration-storage-failed", m->vm->name);
        if (why)
            trace_str(tr, "reason", why);
        trace_end(tr);
    }
    if (p == MIG_GATE_SWITCHOVER && m->r.stop >= 0) {
        m->r.resume = sim_now(m->s);
        m->r.downtime = m->r.resume - m->r.stop;
    }
    m->r.failure = mig_failure_names[MIG_FAILURE_STORAGE];
    finish(m, MIG_FAILED);
}

/* Asks the storage; true to go on now. */
static bool pass_gate(mig *m, mig_gate_point p)
{
    if (!m->gate)
        return true;
    sim_time deadline = SIM_NEVER;
    const char *why = NULL;
    mig_gate_answer a = m->gate(m->gate_arg, &m->r, p, &deadline, &why);
    if (a == MIG_GATE_GO)
        return true;
    if (a == MIG_GATE_FAIL && !m->r.restart) {
        gate_failed(m, p, why);
        return false;
    }
    if (m->waiting < 0) {
        trace *tr = sim_trace(m->s);
        if (trace_enabled(tr)) {
            trace_begin(tr, sim_now(m->s), "migration-waits", m->vm->name);
            if (why)
                trace_str(tr, "reason", why);
            trace_end(tr);
        }
    }
    m->waiting = p;
    sim_cancel(m->s, m->gate_timer);
    m->gate_timer = deadline != SIM_NEVER && !m->r.restart ? sim_at(m->s, deadline, gate_expired, m) : 0;
    return false;
}

static void gate_expired(sim *s, void *arg)
{
    (void)s;
    mig *m = arg;
    m->gate_timer = 0;
    if (m->waiting >= 0)
        gate_failed(m, (mig_gate_point)m->waiting, "the storage did not come back in time");
}

void mig_set_gate(mig *m, mig_gate_fn fn, void *arg)
{
    m->gate = fn;
    m->gate_arg = arg;
}

bool mig_gate_waiting(const mig *m) { return m->waiting >= 0; }

void mig_gate_retry(mig *m)
{
    if (m->waiting < 0 || m->phase == PH_DONE)
        return;
    mig_gate_point p = (mig_gate_point)m->waiting;
    if (!pass_gate(m, p) || m->phase == PH_DONE)
        return;
    m->waiting = -1;
    sim_cancel(m->s, m->gate_timer);
    m->gate_timer = 0;
    trace_mig(m, "migration-goes-on");
    if (p == MIG_GATE_SWITCHOVER) {
        /* the flush and the disks' hand-over were part of the stop-and-copy */
        m->r.qemu_downtime = sim_now(m->s) - m->r.stop;
        if (m->phase == PH_RESUME)
            m->r.end = sim_now(m->s);
    }
    if (p == MIG_GATE_OPEN && m->r.restart)
        m->timer = sim_after(m->s, m->restart_start, resume_done, m);
    else if (p == MIG_GATE_OPEN)
        precopy_begins(m);
    else
        m->timer = sim_after(m->s, m->p->resume + m->handover, resume_done, m);
}

mig *mig_start_restart(sim *s, const scn_vm *vm, int vm_index, int src, int dst, sim_time stop, sim_time start,
                       mig_done_fn done, void *arg)
{
    mig *m = g_new0(mig, 1);
    m->s = s;
    m->vm = vm;
    m->p = &vm->migration;
    m->done = done;
    m->arg = arg;
    m->stall_since = -1;
    m->waiting = -1;
    m->restart_start = start;
    m->r = (mig_result){ .vm = vm_index, .from = src, .to = dst, .restart = true, .outcome = MIG_RUNNING,
                         .start = sim_now(s), .end = -1, .stop = sim_now(s), .resume = -1, .downtime = -1,
                         .qemu_downtime = -1, .client_downtime = -1, .postcopy_switch = -1 };
    m->r.iterations = g_array_new(FALSE, FALSE, sizeof(mig_iteration));
    m->phase = PH_RESUME; /* past the point of no return from the first moment */
    trace_mig(m, "vm-stopping");
    m->timer = sim_after(s, stop, restart_stopped, m);
    return m;
}

void mig_cancel(mig *m)
{
    if (m->phase == PH_DONE)
        return;
    if (m->phase == PH_POSTCOPY || m->phase == PH_PC_SWITCH || m->phase == PH_RESUME) {
        /* past the switchover there is no going back */
        return;
    }
    bool stopped = m->phase == PH_STOPCOPY;
    if (stopped) {
        /* the source resumes */
        m->r.resume = sim_now(m->s);
        m->r.downtime = m->r.resume - m->r.stop;
    }
    /* A precopy still iterating after its first pass is what an operator
     * cancels when it does not converge (QEMU has no iteration limit). */
    bool iterating = m->phase == PH_PRECOPY && m->r.iterations->len > 0;
    finish(m, iterating ? MIG_NOT_CONVERGED : MIG_CANCELLED);
}

void mig_host_failed(mig *m)
{
    if (m->phase == PH_DONE)
        return;
    bool postcopy = m->phase == PH_POSTCOPY || m->phase == PH_PC_SWITCH;
    /* precopy: the VM stays where it runs, on the source (which, if it is the
     * failed host, takes the VM down with it: not the migration's doing) */
    m->r.failure = mig_failure_names[MIG_FAILURE_HOST];
    finish(m, postcopy ? MIG_VM_LOST : MIG_FAILED);
}

void mig_time_out(mig *m)
{
    if (m->phase == PH_DONE || m->phase == PH_RESUME || m->r.restart)
        return;
    trace_mig(m, "migration-timed-out");
    m->r.failure = mig_failure_names[MIG_FAILURE_TIMEOUT];
    if (m->phase == PH_POSTCOPY || m->phase == PH_PC_SWITCH) {
        /* the destination holds the VM's newest state and is killed with it */
        finish(m, MIG_VM_LOST);
        return;
    }
    if (m->phase == PH_STOPCOPY) {
        m->r.resume = sim_now(m->s);
        m->r.downtime = m->r.resume - m->r.stop;
    }
    finish(m, MIG_FAILED);
}

bool mig_iterating(const mig *m)
{
    return m->phase == PH_SETUP || m->phase == PH_PRECOPY || m->phase == PH_DISK;
}

void mig_run_ended(mig *m)
{
    if (m->phase == PH_DONE)
        return;
    /* the window starts up to the run's end, the end included, were due */
    catch_up(m, sim_time_add(sim_now(m->s), 1));
    finish(m, m->phase == PH_DISK || m->r.iterations->len == 0 ? MIG_CANCELLED : MIG_NOT_CONVERGED);
}

double mig_sender_cap(const mig *m) { return m->cpu_cap > 0 ? m->cpu_cap : INFINITY; }

const mig_result *mig_get_result(const mig *m) { return &m->r; }
bool mig_active(const mig *m) { return m->phase != PH_DONE; }
bool mig_iterations_capped(const mig *m) { return m->capped; }

void mig_free(mig *m)
{
    if (!m)
        return;
    if (m->phase != PH_DONE) {
        stop_sending(m);
        cancel_timers(m);
        if (m->mirror)
            flow_bg_free(m->net, m->mirror);
    }
    g_array_free(m->r.iterations, TRUE);
    bitmap_free(m->bm);
    g_free(m->path);
    g_free(m);
}

void mig_set_handover(mig *m, sim_time t)
{
    m->handover = t;
}

void mig_set_every_window(mig *m, bool on) { m->every_window = on; }

void mig_set_sweep_phase(mig *m, double q)
{
    for (int k = 0; k < m->nd; k++)
        if (m->seq[k])
            m->sweep_x[k] = q * m->kpages[k];
}
