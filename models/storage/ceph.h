/* ceph — RBD images on a replicated pool (DESIGN 3.2, sources.md 2):
 * CRUSH-like placement of each VM's replicas, OSD failover stalls, PGs below
 * min_size blocking IO, the monitors' quorum, down -> out and recovery
 * traffic, and the RBD lock of a dead client. Ceph blocks; it never splits. */
#ifndef GOLIVE_MODELS_STORAGE_CEPH_H
#define GOLIVE_MODELS_STORAGE_CEPH_H

#include "models/storage/storage.h"

extern const storage_ops ceph_storage;

#endif
