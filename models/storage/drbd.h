/* drbd — one DRBD resource replicating the VMs' disks between the hosts
 * (DESIGN 3.2, sources.md 1): 8.x with two nodes, 9 with a full mesh of
 * any number. Replication and resync traffic on the replication network,
 * disconnect detection, fencing policies, DRBD 9 quorum, split brain and the
 * after-sb policies at reconnection. */
#ifndef GOLIVE_MODELS_STORAGE_DRBD_H
#define GOLIVE_MODELS_STORAGE_DRBD_H

#include "models/storage/storage.h"

extern const storage_ops drbd_storage;

#endif
