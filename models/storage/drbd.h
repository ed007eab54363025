/* drbd — one DRBD resource replicating the VMs' disks between the hosts
 * (DESIGN 3.2, facts section 1): 8.x with two nodes, 9 with a full mesh of
 * any number. Replication and resync traffic on the replication network,
 * disconnect detection, fencing policies, DRBD 9 quorum, split brain and the
 * after-sb policies at reconnection. */
#ifndef GOLIVE_MODELS_STORAGE_DRBD_H
#define GOLIVE_MODELS_STORAGE_DRBD_H

#include <stdbool.h>

#include "models/world_priv.h"

/* NULL unless the scenario's storage is DRBD. */
drbd_state *drbd_new(world *w);
void drbd_free(drbd_state *d);
/* Re-checks connections, quorum and replication after anything changed
 * (a host, a link, a partition, where the VMs run). */
void drbd_update(world *w);
/* Whether a live migration between two nodes may open the disk on both:
 * only with dual-primary (facts 1.2). */
bool drbd_allows_live_migration(const world *w);
/* Whether node h may become primary now: it has quorum (DRBD 9) and, with
 * fencing, it is not Outdated (it missed no writes, or it is connected and
 * resyncing). Pacemaker places no VM on it otherwise. */
bool drbd_can_be_primary(const world *w, int h);
/* Disk k of host h failed or came back: disk 0 is the node's backing
 * device; DRBD detaches it (the node goes on diskless, through a peer) and
 * fully resyncs a new one. */
void drbd_disk_changed(world *w, int h, int k, bool down);
/* Disk 0 of host h hangs or recovers: the node's own IO waits (DRBD's
 * disk-timeout is off by default) and its peers' protocol B/C writes wait
 * for it until ko-count x timeout drops it. */
void drbd_disk_hung(world *w, int h, int k, bool hung);
/* Stops its timers at the end of a run; what is still open stays open. */
void drbd_stop(world *w);

#endif
