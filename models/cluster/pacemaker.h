/* pacemaker — Corosync membership and votequorum, Pacemaker's reaction to a
 * lost node: fencing, restart of its VMs elsewhere, no-quorum-policy
 * (DESIGN 3.3, sources.md 5). */
#ifndef GOLIVE_MODELS_CLUSTER_PACEMAKER_H
#define GOLIVE_MODELS_CLUSTER_PACEMAKER_H

#include "models/cluster/cluster.h"

extern const cluster_ops pacemaker_cluster;

/* The timeout of an op the CIB gives none (PCMK_DEFAULT_ACTION_TIMEOUT_MS,
 * sources.md row 44). */
#define PCMK_OP_TIMEOUT_DEFAULT (20 * SIM_S)

#endif
