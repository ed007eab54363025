/* storage — the registry of storage designs: one line per design. */
#include "models/storage/storage.h"

#include "models/storage/ceph.h"
#include "models/storage/drbd.h"
#include "models/storage/iscsi.h"
#include "models/storage/local.h"
#include "models/storage/nfs.h"

const storage_ops *storage_design(scn_storage_type type)
{
    static const storage_ops *const designs[] = {
        [STORAGE_LOCAL] = &local_storage,
        [STORAGE_NFS] = &nfs_storage,
        [STORAGE_ISCSI] = &iscsi_storage,
        [STORAGE_DRBD] = &drbd_storage,
        [STORAGE_CEPH] = &ceph_storage,
    };
    return designs[type];
}
