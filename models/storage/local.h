/* local — each VM's disk on its host's own disks (DESIGN 3.2): nothing is
 * shared, a live migration copies the disk first, and a VM whose disk
 * fails stops until the disk is back. */
#ifndef GOLIVE_MODELS_STORAGE_LOCAL_H
#define GOLIVE_MODELS_STORAGE_LOCAL_H

#include "models/storage/storage.h"

extern const storage_ops local_storage;

#endif
