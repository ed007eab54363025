/* pacemaker — Corosync membership and votequorum, Pacemaker's reaction to a
 * lost node: fencing, restart of its VMs elsewhere, no-quorum-policy
 * (DESIGN 3.3, facts section 5). */
#ifndef GOLIVE_MODELS_CLUSTER_PACEMAKER_H
#define GOLIVE_MODELS_CLUSTER_PACEMAKER_H

#include "models/world_priv.h"

/* A node left or came back, or the network split or healed: corosync
 * re-forms the membership after the token timeout. */
void pcmk_cluster_changed(world *w);
/* Starts vm again on a node of partition group g (any when -1) other than
 * `except`, after whatever its locks need and its boot time. */
void pcmk_recover_vm(world *w, int vm, int g, int except);
/* Whether nodes a and b reach each other on the cluster network now. */
bool pcmk_connected(const world *w, int a, int b);
/* Stops its timers at the end of a run. */
void pcmk_stop(world *w);

#endif
