/* migration — one live migration of one VM, as QEMU (precopy, with
 * auto-converge and postcopy) or Xen 2005 would run it, over a path of the
 * kernel's flow network. See docs/models.md for the algorithm and its sources. */
#ifndef GOLIVE_MODELS_MIGRATION_H
#define GOLIVE_MODELS_MIGRATION_H

#include <glib.h>
#include <stdbool.h>

#include "models/scenario.h"
#include "sim/flow.h"
#include "sim/sim.h"

typedef struct mig mig;

typedef enum {
    MIG_RUNNING,
    MIG_COMPLETED,
    MIG_NOT_CONVERGED, /* still iterating when the run ended, or cancelled while so */
    MIG_CANCELLED,
    MIG_FAILED,        /* the VM stays on the source */
    MIG_VM_LOST,
} mig_outcome;

const char *mig_outcome_name(mig_outcome o);
/* Why a failed or lost migration ended (mig_result.failure points at one). */
enum { MIG_FAILURE_TIMEOUT, MIG_FAILURE_CONNECTION, MIG_FAILURE_STORAGE, MIG_FAILURE_HOST, MIG_NFAILURES };
extern const char *const mig_failure_names[MIG_NFAILURES];
/* The failure reason named s, as mig_failure_names holds it; NULL if there
 * is none of that name. */
const char *mig_failure_intern(const char *s);

typedef struct {
    sim_time start, duration;
    double bytes;             /* sent in this iteration */
    double dirty_pages_after; /* pages to send after the sync that ended it */
} mig_iteration;

typedef struct {
    int vm, from, to;
    bool restart;                 /* a cold move: stop, then start elsewhere (no live migration) */
    mig_outcome outcome;
    /* why a failed or lost one ended: "timeout" (the cluster's migrate_to
     * op timed out), "connection-lost", "storage", "host-failed"; NULL
     * otherwise */
    const char *failure;
    sim_time start, end;          /* end: completion (last byte in) or the outcome */
    sim_time stop, resume;        /* VM paused on the source / running on the destination */
    sim_time downtime;            /* stop -> resume, -1 if the VM never stopped */
    sim_time qemu_downtime;       /* stop -> last byte (QEMU's own "downtime") */
    sim_time client_downtime;
    double transferred;           /* bytes on the wire */
    int syncs;                    /* QEMU dirty-sync-count */
    double remaining_before_stop; /* bytes pending when the VM stopped */
    double max_throttle;          /* auto-converge, 0..1 */
    sim_time postcopy_switch;     /* -1 if none */
    sim_time postcopy_fault_time; /* guest time lost to remote page faults */
    /* XBZRLE, as query-migrate's xbzrle-cache counts them (pages sent as
     * deltas, whole pages that missed the cache, deltas that overflowed a
     * page, and the deltas' bytes) */
    double xbzrle_pages, xbzrle_cache_miss, xbzrle_overflow, xbzrle_bytes;
    /* pages sent, each send counted: non-zero ones and zero ones (query-migrate's
     * ram normal and duplicate) */
    double normal_pages, zero_pages;
    GArray *iterations;           /* mig_iteration */
} mig_result;

/* Called once when the migration reaches its outcome. */
typedef void (*mig_done_fn)(mig *m, void *arg);

/* The two ends of a migration: host indices and their cores (the sending
 * and receiving threads share them). */
typedef struct {
    int src, dst;
    int src_cores, dst_cores;
} mig_ends;

/* Starts migrating vm (index vm_index in the scenario) between the ends
 * over path now; copy_disk mirrors its disk first (non-shared storage). */
mig *mig_start(sim *s, flow_net *net, flow_link *const *path, size_t npath, const scn_vm *vm, int vm_index,
               mig_ends ends, bool copy_disk, mig_done_fn done, void *arg);
/* Time the storage adds to the switchover (releasing and taking the disk's
 * lock, flushing), between the last byte and the resume. */
void mig_set_handover(mig *m, sim_time t);
/* Places every sweep of the VM's dirty model at q (0..1) of its region
 * instead of the start drawn per run: the spread over where sweeps start. */
void mig_set_sweep_phase(mig *m, double q);
/* Makes every 100 ms window start an event, as before issue 18 (a test
 * checks that the answers are the same). */
void mig_set_every_window(mig *m, bool on);
/* What the storage must allow at two points of a move: the destination
 * opening the disks (before the first pass; before the boot of a cold
 * move), and the switchover (the source flushes and releases, the
 * destination activates, the VM paused). */
typedef enum { MIG_GATE_OPEN, MIG_GATE_SWITCHOVER } mig_gate_point;
typedef enum { MIG_GATE_GO, MIG_GATE_WAIT, MIG_GATE_FAIL } mig_gate_answer;
/* Asked at each point: go on, wait (until mig_gate_retry says go, or until
 * *deadline, when the move fails), or fail now; *why says what it waits for. */
typedef mig_gate_answer (*mig_gate_fn)(void *arg, const mig_result *r, mig_gate_point p, sim_time *deadline,
                                       const char **why);
void mig_set_gate(mig *m, mig_gate_fn fn, void *arg);
/* Something changed: a move waiting at a gate asks it again. */
void mig_gate_retry(mig *m);
/* Whether it waits at a gate. */
bool mig_gate_waiting(const mig *m);
/* Still before the switchover (disk copy, setup or precopy iterations). */
bool mig_iterating(const mig *m);
/* The most iteration records a migration keeps; later syncs are summed into
 * the last one (a downtime limit of a nanosecond syncs without end). */
#define MIG_MAX_ITERATIONS 10000
/* How long libvirt goes on with a migration whose peer is silent: its
 * keepalive, 5 s x (5 + 1) (sources.md row 42). */
#define MIG_STALL_TIMEOUT (30 * SIM_S)
/* Whether that happened. */
bool mig_iterations_capped(const mig *m);
/* A cold move, as Pacemaker does it for a VirtualDomain without
 * allow-migrate (sources.md row 21-22): the VM shuts down (stop), then boots on
 * dst (start); its downtime is both. */
mig *mig_start_restart(sim *s, const scn_vm *vm, int vm_index, int src, int dst, sim_time stop, sim_time start,
                       mig_done_fn done, void *arg);
/* Operator cancel: precopy stops, the VM stays on the source. */
void mig_cancel(mig *m);
/* A host of the migration failed: precopy fails (the VM stays, or died,
 * with its source), postcopy loses the VM. */
void mig_host_failed(mig *m);
/* The cluster manager gave up on it (Pacemaker's migrate_to op timed out and
 * the agent was killed): libvirt cancels it and the VM goes on on the source,
 * resumed there if it was paused; past a postcopy switchover the VM is lost.
 * A VM resuming on the destination completes. */
void mig_time_out(mig *m);
/* The run ends: a migration still iterating has not converged. */
void mig_run_ended(mig *m);
const mig_result *mig_get_result(const mig *m);
/* The most its sender threads can put on the wire (bytes/s of normal
 * pages): their copying, compression and encryption; INFINITY for a stop
 * and start move. */
double mig_sender_cap(const mig *m);
bool mig_active(const mig *m);
void mig_free(mig *m);

#endif
