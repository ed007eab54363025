/* scheduler — golive's model of Pacemaker's scheduler (pacemaker-schedulerd,
 * lib/pacemaker in Pacemaker 2.1.5): from one partition's view of its nodes
 * and of where its VirtualDomain resources are active, the transition its DC
 * computes: which nodes to fence, and for each resource whether it stays,
 * starts, stops, migrates live, moves by a stop and a start, is recovered
 * after a fence, or is restarted because it is active twice.
 *
 * A pure function of its input, so that tests can put the same situation to
 * Pacemaker's own scheduler (crm_simulate) and compare the transitions. The
 * cluster is modelled as golive configures it (docs/models.md):
 * placement-strategy=balanced with each node's and VM's memory as
 * utilization, resource-stickiness 100, a move by the operator a
 * `crm resource move` (cli-prefer INFINITY, or cli-ban -INFINITY when no node
 * is named), a drained node in standby. */
#ifndef GOLIVE_MODELS_CLUSTER_SCHEDULER_H
#define GOLIVE_MODELS_CLUSTER_SCHEDULER_H

#include <stdbool.h>

#include "models/scenario.h"

typedef enum {
    SCHED_ONLINE,  /* a member of the partition */
    SCHED_STANDBY, /* a member in standby: it runs nothing */
    SCHED_OFFLINE, /* not a member, known clean: fenced, or never seen running anything */
    SCHED_UNCLEAN, /* not a member, not known clean: whatever it ran may still run */
} sched_state;

typedef struct {
    const char *name;  /* node names break the last ties (strcmp) */
    sched_state state;
    double capacity;   /* memory, bytes */
} sched_node;

typedef struct {
    double memory;      /* bytes */
    int priority;       /* resource meta priority */
    bool allow_migrate;
    int on[2];          /* nodes where the partition believes it is active, in node order */
    int non;
    int prefer;         /* cli-prefer INFINITY to this node, -1 if none */
    int avoid;          /* cli-ban -INFINITY from this node, -1 if none */
    /* nodes where a start of it failed: with start-failure-is-fatal (the
     * default) its fail-count there is INFINITY, which bans it as
     * -INFINITY would (Pacemaker Explained, cluster options and
     * migration-threshold); nbanned of them, in node order */
    const int *banned;
    int nbanned;
    /* a migrate_to of it failed (on-fail restart): it is recovered by a
     * stop and a start, never migrated (unpack.c, sources.md row 44) */
    bool failed;
} sched_rsc;

typedef struct {
    bool quorate;
    bool stonith;
    bool maintenance;
    scn_no_quorum_policy no_quorum_policy;
    int nnodes, nrscs;
    const sched_node *nodes;
    const sched_rsc *rscs;
} sched_input;

typedef enum {
    SCHED_NONE,    /* stays where it is, or stays stopped */
    SCHED_START,   /* to */
    SCHED_STOP,    /* from (every active node) */
    SCHED_MIGRATE, /* from -> to, live (migrate_to, migrate_from) */
    SCHED_MOVE,    /* from -> to, stop then start */
    SCHED_RECOVER, /* from an unclean node, after its fence, to `to` (-1: nowhere) */
    SCHED_RESTART, /* active twice, or failed: stop everywhere, start on `to` (-1: nowhere) */
} sched_verb;

typedef struct {
    sched_verb verb;
    int from, to;
} sched_action;

/* Pacemaker's INFINITY (crm.h: CRM_SCORE_INFINITY) and its stickiness here. */
#define SCHED_INFINITY 1000000
#define SCHED_STICKINESS 100

/* Fills fence[nnodes] (true: fence it) and act[nrscs]. */
void sched_transition(const sched_input *in, bool *fence, sched_action *act);

#endif
