/* locks — the lock layers on a shared iSCSI LUN (DESIGN 3.2, sources.md
 * 3): sanlock leases (lvmlockd-sanlock, libvirt sanlock) and the DLM of
 * clvm, GFS2 and OCFS2, which needs the cluster's fencing. Used by iscsi.c,
 * which tells it what the target's reachability is (filer.h). */
#ifndef GOLIVE_MODELS_STORAGE_LOCKS_H
#define GOLIVE_MODELS_STORAGE_LOCKS_H

#include <stdbool.h>

#include "models/storage/filer.h"
#include "models/world.h"

typedef struct locks locks;

locks *locks_new(world *w, filer *f);
void locks_free(locks *l);
/* Re-checks which nodes renew their sanlock lockspace, after the target's
 * reachability (filer_update) changed. */
void locks_update(locks *l, world *w);
/* A node failed (down) or booted again. */
void locks_host_changed(locks *l, world *w, int h, bool down);
/* Before vm starts on h: whether it can (after *wait: a lease left by a
 * holder that stopped renewing frees host_dead_seconds after its last
 * renewal), must wait (a live holder keeps its lease, the DLM waits for
 * fencing) or fails there (h has no sanlock lockspace). */
world_start locks_start_wait(locks *l, world *w, int vm, int h, sim_time *wait);
/* Corosync lost nodes from the view of partition part: GFS2/OCFS2 freeze
 * the file system on its nodes until recovery. */
void locks_members_lost(locks *l, world *w, int part);
/* The lost nodes of partition part are fenced: the DLM recovers (journal
 * replay) and the file system thaws. */
void locks_fenced(locks *l, world *w, int part);
/* Every node is back in one membership: nothing is left to recover. */
void locks_healed(locks *l, world *w);
/* vm stopped or died: its lease is let go if its node can still write it. */
void locks_vm_gone(locks *l, world *w, int vm, bool clean);
void locks_stop(locks *l, world *w);

#endif
