/* world — one run of a scenario: the hosts' NICs as links of the flow
 * network, the VMs and where they run, the scenario's timeline of events,
 * and the migrations it causes (placement, per-host limits, queueing). */
#ifndef GOLIVE_MODELS_WORLD_H
#define GOLIVE_MODELS_WORLD_H

#include <glib.h>
#include <stdint.h>

#include "models/migration.h"
#include "models/scenario.h"
#include "sim/sim.h"

typedef struct world world;

/* Builds run `run` of scenario sc (which must outlive the world). Returns
 * NULL and sets *err (g_free it) when the scenario cannot be simulated (a
 * host without a NIC on the migration network...). */
world *world_new(const scenario *sc, uint64_t run, char **err);
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
} world_incident;

size_t world_nincidents(const world *w);
const world_incident *world_incident_get(const world *w, size_t i);

size_t world_nmigrations(const world *w);
const mig_result *world_migration(const world *w, size_t i);
sim *world_sim(world *w);
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
void world_link_samples_free(world_link_samples *s);

/* Why the run stopped early: NULL when it reached its end, "max_events"
 * (the event budget ran out), "interrupted" (the cancel flag). */
const char *world_stop_reason(const world *w);
/* The cancel flag checked while running (see sim_set_cancel). */
void world_set_cancel(world *w, const volatile int *flag);
/* Checks the run's invariants (DESIGN 3.4, issue: reliability): every
 * migration has exactly one outcome, incidents lie in the run and end after
 * they start, time never went backwards, every delivered flow's bytes were
 * all sent, a VM runs on two hosts only under a double-writer incident.
 * Appends a message per violation; returns their number. */
size_t world_check(world *w, GPtrArray *violations);

/* Ends the run when a migration ends and none is running or queued: for
 * tools that only want how long a drain takes (call before world_run). */
void world_stop_when_settled(world *w);

/* Things the scenario asks for that this version does not simulate yet. */
const GPtrArray *world_warnings(const world *w);

#endif
