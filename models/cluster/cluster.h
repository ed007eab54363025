/* cluster — the interface of a cluster manager (DESIGN 3.3) and the
 * registry of managers. A manager keeps its own state (membership, quorum,
 * fencing) behind one table of operations and sees the world only through
 * world.h. */
#ifndef GOLIVE_MODELS_CLUSTER_CLUSTER_H
#define GOLIVE_MODELS_CLUSTER_CLUSTER_H

#include <stdbool.h>

#include "models/world.h"

typedef struct cluster_ops {
    const char *name;
    void *(*create)(world *w);
    void (*destroy)(void *cl);
    /* A node, a link or a partition changed, or a model asks it to look
     * again (c is NULL then). */
    void (*changed)(void *cl, world *w, const world_change *c);
    /* Whether nodes a and b reach each other on the cluster network now. */
    bool (*connected)(void *cl, const world *w, int a, int b);
    /* The partition host h belongs to at the last membership (-1: none). */
    int (*partition)(void *cl, const world *w, int h);
    /* A VM died on a live node (its monitor will notice). */
    void (*vm_failed)(void *cl, world *w, int vm);
    /* Fences host h because a model asks (NULL: cannot). */
    bool (*fence)(void *cl, world *w, int h, const char *why);
    /* The operator moves vm to host `to` (-1: anywhere else), or drains the
     * hosts world_host_draining says: the manager carries it out and
     * returns true, or returns false and the world migrates by hand (as in
     * maintenance mode, with virsh). */
    bool (*operator_move)(void *cl, world *w, int vm, int to);
    bool (*standby)(void *cl, world *w);
    /* Host h leaves standby (an undrain): it may receive VMs again. */
    void (*unstandby)(void *cl, world *w, int h);
    /* A move the world carried out for it ended (see world_migrate). */
    void (*move_ended)(void *cl, world *w, const mig_result *r);
    /* Moves it still has to start (a drain is not settled before). */
    int (*queued)(void *cl);
    /* The run is over: timers stop. */
    void (*stop)(void *cl, world *w);
} cluster_ops;

/* The manager of a scenario's cluster.manager; NULL for none. */
const cluster_ops *cluster_manager(scn_manager manager);

#endif
