/* iscsi — every VM's disk a volume on one shared iSCSI LUN (DESIGN 3.2,
 * sources.md 3): the target as in filer.h, and the lock layer that keeps
 * two hosts from using one volume (locks.h). */
#ifndef GOLIVE_MODELS_STORAGE_ISCSI_H
#define GOLIVE_MODELS_STORAGE_ISCSI_H

#include "models/storage/storage.h"

extern const storage_ops iscsi_storage;

#endif
