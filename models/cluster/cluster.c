/* cluster — the registry of cluster managers: one line per manager. */
#include "models/cluster/cluster.h"

#include "models/cluster/pacemaker.h"

const cluster_ops *cluster_manager(scn_manager manager)
{
    static const cluster_ops *const managers[] = {
        [MANAGER_NONE] = NULL,
        [MANAGER_PACEMAKER] = &pacemaker_cluster,
    };
    return managers[manager];
}
