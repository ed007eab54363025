/* world — one run of a scenario: the hosts' NICs as links of the flow
 * network, the VMs and where they run, the scenario's timeline of events,
 * and the migrations it causes (placement, per-host limits, queueing).
 *
 * The world drives one storage design (models/storage/storage.h) and one
 * cluster manager (models/cluster/cluster.h) through their operation
 * tables; they see the world only through the second half of this header. */
#ifndef GOLIVE_MODELS_WORLD_H
#define GOLIVE_MODELS_WORLD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/assume.h"
#include "models/migration.h"
#include "models/scenario.h"
#include "sim/flow.h"
#include "sim/sim.h"

typedef struct world world;

#define WORLD_ERROR (world_error_quark())
GQuark world_error_quark(void);
typedef enum { WORLD_ERROR_SCENARIO } world_error_code;

/* Builds run `run` of scenario sc (which must outlive the world). Returns
 * NULL and sets *error when the scenario cannot be simulated. */
world *world_new(const scenario *sc, uint64_t run, GError **error);
void world_free(world *w);

/* Runs the timeline to the scenario's end (switchovers under way at that
 * moment are allowed to finish). */
void world_run(world *w);

/* Something users of a VM or its data suffered (DESIGN 3.4). */
typedef struct {
    const char *kind;     /* "io-blocked", "io-error", "vm-down", ... */
    char *resource;       /* what failed: "nfs:srv", "host:node1" */
    int vm;               /* the VM affected, -1 for a cluster-wide incident */
    sim_time start, end;  /* end: when it was over, or the end of the run */
    double diverged_bytes, discarded_bytes;
    double at_risk_bytes; /* written with a single copy: lost if that copy is lost */
} world_incident;

size_t world_nincidents(const world *w);
const world_incident *world_incident_get(const world *w, size_t i);

size_t world_nmigrations(const world *w);
const mig_result *world_migration(const world *w, size_t i);
sim *world_sim(world *w);
/* Things that happened (world_note's records, and random failures and
 * repairs), kept for plots even without a trace: call before world_run. */
typedef struct {
    sim_time t;
    const char *kind; /* a string literal */
    char *subject;
} world_event;
void world_keep_events(world *w);
/* Moves them out of the world (a GArray of world_event; free each subject). */
GArray *world_take_events(world *w);
/* Link load over time, for plots: call before world_run to sample every
 * NIC's sending side every `interval`. */
void world_sample_links(world *w, sim_time interval);
/* The samples: nlinks links (named "HOST/NETWORK" for NICs, then "rack
 * RACK/NETWORK out|in" for uplinks), nt times; transfers
 * (migrations, resyncs, recoveries) and steady loads (storage IO,
 * replication) in bytes/s, [link * nt + k]. */
typedef struct {
    size_t nlinks, nt;
    char **names;
    double *t, *transfer, *steady, *capacity;
} world_link_samples;
/* Moves the samples out of the world (free them with world_link_samples_free). */
world_link_samples *world_take_link_samples(world *w);
/* A second sampler for the charts, every interval up to until: it reads the
 * rates without settling a pending re-rating, so it changes no result. */
void world_sample_chart_links(world *w, sim_time interval, sim_time until);
world_link_samples *world_take_chart_link_samples(world *w);
void world_link_samples_free(world_link_samples *s);

/* Why the run stopped early: NULL when it reached its end, "max_events"
 * (the event budget ran out), "interrupted" (the cancel flag). */
const char *world_stop_reason(const world *w);
/* A progress callback while running (see sim_set_progress). */
void world_set_progress(world *w, sim_progress_fn fn, void *arg);
/* The cancel flag checked while running (see sim_set_cancel). */
void world_set_cancel(world *w, const volatile int *flag);
/* Every migration's sweeps start at q (0..1) of their regions instead of
 * where the run's RNG puts them (q < 0: drawn, the default). */
void world_set_sweep_phase(world *w, double q);
/* Every migration's 100 ms window starts are all events (mig_set_every_window). */
void world_set_every_window(world *w, bool on);
/* Checks the run's invariants (DESIGN 3.4, issue: reliability): every
 * migration has exactly one outcome, incidents lie in the run and end after
 * they start, time never went backwards, every delivered flow's bytes were
 * all sent, a VM runs on two hosts only under a double-writer incident, the
 * memory counted on each host along the run equals a recount.
 * Appends a message per violation; returns their number. */
size_t world_check(world *w, GPtrArray *violations);

/* When the run ended: the scenario's `until`, or, without one, when nothing
 * was left to happen (the time the report's availability is over). */
sim_time world_end_time(const world *w);
/* When the last thing happened in a finished run: a migration's end (or
 * resume), an incident's start or its end within the run, a kept event; 0
 * if nothing did. cli/run_plots.c's plot_end reads the same from a report. */
sim_time world_last_activity(const world *w);

/* Ends the run when a migration ends and none is running or queued: for
 * tools that only want how long a drain takes (call before world_run). */
void world_stop_when_settled(world *w);

/* The defaults the scenario left unset that shaped this run, with how
 * many times each did (models/assume.h). */
const assume_counts *world_assumed(const world *w);

/* Things the scenario asks for that this version does not simulate. */
const GPtrArray *world_warnings(const world *w);

/* ------------------------------------------------------------------ for the models
 *
 * What the storage designs and the cluster manager may see and do. */

const scenario *world_scenario(const world *w);
flow_net *world_net(world *w);
sim_time world_now(const world *w);
/* Past the scenario's end: only switchovers under way finish. */
bool world_ended(const world *w);
/* Zeroed memory for an event's or a flow's argument, owned by the world
 * (freed with it, so events still pending at the end leak nothing). */
void *world_job(world *w, size_t size);
/* A trace record of something that happened, with its reason (kind: a
 * string literal). */
void world_note(world *w, const char *kind, const char *subject, const char *why);
void world_warn(world *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A model used setting id (of vm, or -1 for a scenario-wide one) in a way
 * that shaped what happened: counted when the scenario left it unset. */
void world_assume(world *w, assume_id id, int vm);
/* Opens an incident now; returns its index. Closing sets *idx to -1 (a
 * no-op when it already is). */
int world_incident_open(world *w, const char *kind, const char *resource, int vm);
void world_incident_close(world *w, int *idx);
world_incident *world_incident_at(world *w, int idx);

/* What changed, as the world tells its storage design and cluster manager. */
typedef enum {
    WORLD_HOST,   /* host `host` failed (down) or came back */
    WORLD_LINK,   /* a NIC, a network or a partition changed who reaches whom */
    WORLD_DISK,   /* disk `disk` of `host` failed or came back (down), or hangs or no longer does (hung) */
    WORLD_TARGET, /* a failure target of the storage design's own (a monitor, the NFS service) */
    WORLD_VM,     /* `vm` was placed, started, stopped or moved */
} world_change_kind;

typedef struct {
    world_change_kind kind;
    int host, disk, vm;
    bool down;
    bool hang; /* WORLD_DISK: a hang (down: it begins) rather than a failure */
} world_change;

/* Hosts. */
bool world_host_up(const world *w, int h);
/* Drained for maintenance (standby): it receives no VM. */
bool world_host_draining(const world *w, int h);
/* Whether the storage lets VMs run on h now (a DRBD node that may not be
 * primary does not). */
bool world_host_may_run_vms(const world *w, int h);
/* Hosts that run VMs: all but the storage server and the quorum device's host. */
bool world_is_node(const world *w, int h);
/* Whether host h has a NIC on network net, and whether it is up. */
bool world_has_nic(const world *w, int h, int net);
bool world_nic_up(const world *w, int h, int net);
/* Hosts in different groups of a partition cannot reach each other. */
bool world_hosts_reach(const world *w, int a, int b);
/* The links a transfer from host a to host b on network net crosses: a's
 * NIC, the racks' uplinks when a and b sit in different racks with
 * uplinks, b's NIC. Fills path (room for 4); returns how many. */
size_t world_path(const world *w, int a, int b, int net, flow_link **path);
/* The links a transfer from host a to a server outside the racks (an
 * external filer) crosses on network net: a's NIC and its rack's uplink
 * out. Fills path (room for 2); returns how many. */
size_t world_path_out(const world *w, int a, int net, flow_link **path);
/* The storage or replication network (the first network if unset). */
int world_storage_network(const world *w);
/* The hosts holding copies of vm's data now (Ceph's replicas), at most max
 * into hosts; their number, 0 if the design keeps none on hosts. */
int world_storage_copies(const world *w, int vm, int *hosts, int max);
/* Whether disk k of host h works (neither failed nor hung). */
bool world_disk_up(const world *w, int h, int k);
/* Whether it is hung: its IO never completes, no error is returned. */
bool world_disk_hung(const world *w, int h, int k);
/* The disk of host h that holds vm's data there (its image on local
 * storage, its Ceph copy): spread by a hash of the names. */
int world_disk_of(const world *w, int vm, int h);
/* STONITH: host h is fenced now (a `fenced` incident) and, as
 * stonith-action reboot does, boots again after fence_time + reboot_time. */
void world_fence(world *w, int h, const char *why);
/* Host h resets now (its watchdog fired) and boots again after reboot_time. */
void world_host_reset(world *w, int h, const char *why);

/* VMs. */
/* Where vm runs, -1 while it is down. */
int world_vm_host(const world *w, int vm);
/* The host it ran on last (where it runs, or ran before it went down). */
int world_vm_home(const world *w, int vm);
/* A second instance started elsewhere (split brain), -1 if none. */
int world_vm_second_host(const world *w, int vm);
/* The host a start of it under way is on, -1 if none. */
int world_vm_starting_on(const world *w, int vm);
/* The destination of its move under way (live or stop/start), -1 if none. */
int world_vm_moving_to(const world *w, int vm);
/* The destination of its live migration under way, where QEMU already has
 * its disks open (-1 if none, or a stop/start move). */
int world_vm_live_target(const world *w, int vm);
/* Moves vm from where it runs to host `to` now: live (QEMU precopy, or the
 * scenario's profile) or by a stop and a start (cold). False, with a note,
 * if it cannot start (down, already moving, the storage refuses). */
bool world_migrate(world *w, int vm, int to, bool cold);
/* The cluster manager gives up on vm's live migration (mig_time_out). */
void world_migration_time_out(world *w, int vm);
/* The VM dies (its host died, it was killed): its storage lets go of it as
 * of a crash (a lease it held stays held until it expires), and an incident
 * of kind opens. */
void world_vm_down(world *w, int vm, const char *kind, const char *resource);
/* The VM is stopped through libvirt (by its cluster manager, for lack of
 * quorum): the same, but it lets go of its locks and leases cleanly. */
void world_vm_stop(world *w, int vm, const char *kind, const char *resource);
/* Starts vm on host h after `delay` (its boot), unless the run has ended or
 * h is down by then; if it still runs elsewhere, the new instance is a
 * second copy writing the same disk (a double-writer incident). */
void world_vm_start(world *w, int vm, int h, sim_time delay, const char *why);
/* The second instance of a VM that ran twice is stopped: what both copies
 * wrote meanwhile diverged, and one copy's writes are thrown away. */
void world_vm_stop_second(world *w, int vm);
/* The up node other than `except` (and in cluster partition `part`, unless
 * -1) with the most free memory that fits vm and where the storage lets it
 * run; -1 if none. */
int world_place(const world *w, int vm, int except, int part);

/* The cluster manager, for the storage designs (without one: no partition,
 * the cluster network's reachability, nothing recovered). */
bool world_cluster_connected(const world *w, int a, int b);
int world_cluster_partition(const world *w, int h);
bool world_cluster_managed(const world *w);
/* vm died on a node that stays up (killed): the cluster manager's monitor
 * notices it and recovers it. */
void world_cluster_vm_failed(world *w, int vm);
/* Asks the cluster manager to fence host h (a node that must die, as a
 * DRBD fence-peer handler asks); false without a manager that can. */
bool world_cluster_fence(world *w, int h, const char *why);

/* The storage design, for the cluster manager. */
/* Whether every node reaches the VMs' disks (a VM can start elsewhere). */
bool world_storage_shared(const world *w);
/* Whether vm can start on h, as its storage answers. */
typedef enum {
    WORLD_START_GO,      /* after *wait */
    WORLD_START_BLOCKED, /* not now, wherever: a live holder keeps its lease, the DLM waits for a fence */
    WORLD_START_FAILS,   /* the start fails on h (its lock layer cannot work there): try elsewhere */
} world_start;
world_start world_storage_start_wait(world *w, int vm, int h, sim_time *wait);
/* Cluster events the storage's lock layers follow: corosync lost nodes from
 * partition `part`'s view; they are fenced; everyone is back together. */
void world_storage_members_lost(world *w, int part);
void world_storage_fenced(world *w, int part);
void world_storage_healed(world *w);

/* A model changed something the others depend on: the storage design
 * re-checks every VM's IO. */
void world_storage_update(world *w);
/* Asks the cluster manager to look at the membership again. */
void world_cluster_update(world *w);

#endif
