/* locks — the lock layers on a shared iSCSI LUN (DESIGN 3.2, facts section
 * 3): sanlock leases (lvmlockd-sanlock, libvirt sanlock) and the DLM of
 * clvm, GFS2 and OCFS2, which needs the cluster's fencing. */
#ifndef GOLIVE_MODELS_STORAGE_LOCKS_H
#define GOLIVE_MODELS_STORAGE_LOCKS_H

#include <stdbool.h>

#include "models/world_priv.h"

/* Whether the lock layer is the DLM (clvm, gfs2, ocfs2). */
bool locks_dlm(const world *w);
/* Before vm starts again elsewhere: false if its lock can never be taken
 * now (a live holder keeps its lease, the DLM waits for fencing); else
 * *wait is how long until it can. May take down a cut-off copy of the VM
 * (sanlock kills it when its lease expires). */
bool locks_restart_wait(world *w, int vm, sim_time *wait);
/* Corosync lost nodes from the view of partition group g: GFS2/OCFS2
 * freeze the file system on its nodes until recovery. */
void locks_members_lost(world *w, int g);
/* The lost nodes of group g are fenced: the DLM recovers (journal replay)
 * and the file system thaws. */
void locks_fenced(world *w, int g);
/* Every node is back in one membership: nothing is left to recover. */
void locks_healed(world *w);
/* The time a live migration's switchover spends on storage: releasing and
 * taking the disk's lock or lease, flushing (docs/models.md). */
sim_time locks_switchover(const world *w);

#endif
