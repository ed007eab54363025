/* nfs — disks on one server host: an NFS filer or an iSCSI target (DESIGN
 * 3.2). Reachability of the server from each host, the VMs' IO blocked
 * (hard mount) or failed (soft mount) while it cannot be reached, the VMs'
 * writes as a load on the server's NIC, and an optional HA failover. */
#ifndef GOLIVE_MODELS_STORAGE_NFS_H
#define GOLIVE_MODELS_STORAGE_NFS_H

#include <stdbool.h>

#include "models/world_priv.h"

/* Whether host h can do IO to the server now. */
bool nfs_reachable(world *w, int h);
/* Re-checks every VM's IO after something changed. */
void nfs_update(world *w);
/* (Re)places vm's disk writes as a load towards the server, from where it runs. */
void nfs_io_attach(world *w, int vm);
/* The server (its host or its service) went down or came back. */
void nfs_server_changed(world *w, bool down);
/* Stops its timers at the end of a run. */
void nfs_stop(world *w);

#endif
