/* locks — the lock layers on a shared iSCSI LUN (DESIGN 3.2, facts section
 * 3): sanlock leases (lvmlockd-sanlock, libvirt sanlock) and the DLM of
 * clvm, GFS2 and OCFS2, which needs the cluster's fencing. Used by iscsi.c,
 * which tells it what the target's reachability is (filer.h). */
#ifndef GOLIVE_MODELS_STORAGE_LOCKS_H
#define GOLIVE_MODELS_STORAGE_LOCKS_H

#include <stdbool.h>

#include "models/storage/filer.h"
#include "models/world.h"

typedef struct locks locks;

locks *locks_new(world *w, const filer *f);
void locks_free(locks *l);
/* Before vm starts again on another host: false if its lock can never be
 * taken now (a live holder keeps its lease, the DLM waits for fencing); else
 * *wait is how long until it can. May take down a cut-off copy of the VM
 * (sanlock kills it when its lease expires). */
bool locks_start_wait(locks *l, world *w, int vm, sim_time *wait);
/* Corosync lost nodes from the view of partition part: GFS2/OCFS2 freeze
 * the file system on its nodes until recovery. */
void locks_members_lost(locks *l, world *w, int part);
/* The lost nodes of partition part are fenced: the DLM recovers (journal
 * replay) and the file system thaws. */
void locks_fenced(locks *l, world *w, int part);
/* Every node is back in one membership: nothing is left to recover. */
void locks_healed(locks *l, world *w);
void locks_vm_gone(locks *l, world *w, int vm);
void locks_stop(locks *l, world *w);

#endif
