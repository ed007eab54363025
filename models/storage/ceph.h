/* ceph — RBD images on a replicated pool (DESIGN 3.2, facts section 2):
 * CRUSH-like placement of each VM's replicas, OSD failover stalls, PGs below
 * min_size blocking IO, the monitors' quorum, down -> out and recovery
 * traffic, and the RBD lock of a dead client. Ceph blocks; it never splits. */
#ifndef GOLIVE_MODELS_STORAGE_CEPH_H
#define GOLIVE_MODELS_STORAGE_CEPH_H

#include <stdbool.h>

#include "models/world_priv.h"

/* Chooses the hosts holding vm's replicas. */
void ceph_place(world *w, int vm);
/* (Re)places vm's writes as loads: its host to the primary copy, the
 * primary to each other copy (Ceph replicates through the primary). */
void ceph_io_attach(world *w, int vm);
/* Re-checks every VM's IO and the monitors' quorum after a change. */
void ceph_update(world *w);
/* Host h went down or came back: starts or stops its down -> out timer. */
void ceph_host_changed(world *w, int h, bool down);
/* A monitor (or its host) went down (lost) or came back: an election,
 * during which no map can change (an OSD failover stall lasts at least
 * until it is over). */
void ceph_mon_changed(world *w, bool lost);
/* Disk k of host h (an OSD) failed or came back. */
void ceph_disk_changed(world *w, int h, int k, bool down);
/* Disk k of host h hangs (or recovers): its OSD stalls until it kills
 * itself, then its copies are lost as with a failed disk. */
void ceph_disk_hung(world *w, int h, int k, bool hung);
/* When a restart of vm (down since `down_since`) may take its RBD lock. */
sim_time ceph_lock_free_at(const world *w, sim_time down_since);
/* Stops its timers at the end of a run. */
void ceph_stop(world *w);

#endif
