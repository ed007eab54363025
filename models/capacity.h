/* capacity — capacity planning on a scenario: the cluster as bins (what
 * each node offers after overcommit, what its VMs use); whether the VMs of
 * any one lost host or rack fit on the others; how many more VMs of a size
 * fit, also while keeping that; and host drains, simulated (one world per
 * drained host, in threads; results do not depend on the thread count).
 * Placement is the world's rule (world_place): each VM, largest first, on
 * the node with the most free memory where it fits, ties to the first;
 * here vCPUs (after overcommit) must fit as well. */
#ifndef GOLIVE_MODELS_CAPACITY_H
#define GOLIVE_MODELS_CAPACITY_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/assume.h"
#include "models/scenario.h"

typedef struct {
    double mem;
    int vcpus;
    double disk; /* bytes of disk image; 0: none counted */
} capacity_size;

typedef struct capacity capacity;

/* The scenario's cluster as it is, with memory and vCPUs scaled by the
 * overcommit ratios; hosts that run no VMs (scenario_is_node) offer none. */
capacity *capacity_new(const scenario *sc, double mem_overcommit, double vcpus_per_core);
void capacity_free(capacity *c);

/* What the nodes offer and what the VMs use. */
void capacity_totals(const capacity *c, double *mem, double *mem_used, double *vcpus, double *vcpus_used);
/* The hosts whose loss alone cannot be absorbed, in host order (at most
 * stop_after of them): size_t indexes. */
GArray *capacity_host_losses(const capacity *c, size_t stop_after);
/* The racks (names, in the order their first host comes) whose loss cannot
 * be absorbed; *nracks: how many racks the hosts name. */
GPtrArray *capacity_rack_losses(const capacity *c, size_t *nracks);
/* What binds a fit, as Ganeti's hspace names it: a host's memory
 * (FAILMEM), its vCPUs (FAILCPU), its disks or the storage pool (FAILDISK). */
typedef enum { CAPACITY_MEM, CAPACITY_CPU, CAPACITY_DISK, CAPACITY_POOL } capacity_resource;

typedef struct {
    int64_t more;      /* how many more fit now */
    int64_t keeping;   /* how many can be added, spread out, with the cluster still N+1; -1 if it is not N+1 now */
    size_t fail[3];    /* hosts where memory, vCPUs or disks bind (FAILMEM, FAILCPU, FAILDISK) */
    int64_t pool;      /* how many the shared pool (Ceph, DRBD) holds; -1: no pool checked */
    capacity_resource binding; /* what limits `more` */
} capacity_fit_result;

/* How many more VMs of size z fit, and what binds. */
void capacity_fit(const capacity *c, capacity_size z, capacity_fit_result *r);

/* Hosts that start over their memory or vCPUs (after overcommit), by host
 * index; their excess VMs (largest first until the host fits) count as
 * placed on the roomiest other hosts, and *unplaced (may be NULL) gets how
 * many of those found no room. */
const GArray *capacity_overfull(const capacity *c, size_t *unplaced);

/* The disks: whether they are checked (hosts give disk_size and the storage
 * keeps images on the hosts' disks), what they hold and what is used
 * (bytes of images; for a pool, after its copies and full ratio). */
typedef enum { CAPACITY_DISKS_UNCHECKED, CAPACITY_DISKS_LOCAL, CAPACITY_DISKS_POOL } capacity_disks;
capacity_disks capacity_disk_totals(const capacity *c, double *cap, double *used);
/* The scenario's distinct VM sizes, largest first. */
GArray *capacity_sizes(const scenario *sc);
/* Hosts that run VMs now (size_t indexes): what a drain can empty. */
GArray *capacity_drain_candidates(const capacity *c);

typedef struct {
    size_t host, vms, moved; /* the drained host, its VMs, how many moved by the end */
    size_t no_room, not_converged; /* of the rest: never started (no host could take them), still iterating */
    double window_s;         /* from the drain to the last move's end; NAN if it cannot be simulated */
    double downtime_max_s;   /* the longest pause */
    assume_counts assumed;   /* the defaults that shaped it */
} capacity_drain;

/* Simulates the drain of each of the n hosts, alone on the scenario's
 * timeline (no other event, no random failure), until `until`; in
 * `threads` threads. Results in the order of hosts (g_free them). */
capacity_drain *capacity_drains(const scenario *sc, const size_t *hosts, size_t n, sim_time until, int threads);
/* The same, calling tick(arg) from the worker threads as each drain ends. */
capacity_drain *capacity_drains_ticking(const scenario *sc, const size_t *hosts, size_t n, sim_time until, int threads,
                                        void (*tick)(void *arg), void *arg);

#endif
