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
    /* Starts vm on another node than `except`. */
    void (*recover)(void *cl, world *w, int vm, int except);
    /* The run is over: timers stop. */
    void (*stop)(void *cl, world *w);
} cluster_ops;

/* The manager of a scenario's cluster.manager; NULL for none. */
const cluster_ops *cluster_manager(scn_manager manager);

#endif
