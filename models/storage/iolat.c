/* iolat — write latency by design.
 *
 * With one-way network latency l and a disk commit d:
 * - local: d;
 * - NFS, iSCSI: a round trip to the server and its commit, 2l + d;
 * - DRBD protocol A: the local disk only (the peer may lose the last
 *   writes), d; B: the local disk or the peer's receipt, max(d, 2l); C: the
 *   local disk and the peer's disk, max(d, 2l + d) (sources.md 1.1);
 * - Ceph: client to primary, primary to replicas, the slowest commit, 4l + d
 *   (sources.md 2.7). */
#include "models/storage/iolat.h"

#include <math.h>

double iolat_write(const scenario *sc)
{
    const scn_storage *st = &sc->storage;
    double d = sim_to_s(st->disk_latency);
    int net = st->network >= 0 ? st->network : 0;
    double l = sc->nnetworks ? sim_to_s(sc->networks[net].latency) : 0;
    switch (st->type) {
    case STORAGE_NFS:
    case STORAGE_ISCSI:
        return 2 * l + d;
    case STORAGE_CEPH:
        return 4 * l + d;
    case STORAGE_DRBD:
        return st->protocol == PROTOCOL_A ? d : st->protocol == PROTOCOL_B ? fmax(d, 2 * l) : fmax(d, 2 * l + d);
    case STORAGE_LOCAL:
        break;
    }
    return d;
}
