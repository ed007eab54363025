/* nfs — every VM's disk a file on one NFS filer (DESIGN 3.2, sources.md
 * 4): see filer.h. */
#ifndef GOLIVE_MODELS_STORAGE_NFS_H
#define GOLIVE_MODELS_STORAGE_NFS_H

#include "models/storage/storage.h"

extern const storage_ops nfs_storage;

#endif
