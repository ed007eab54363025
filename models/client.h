/* client — what the users of a VM see of its downtime.
 *
 * The VM is paused for D seconds. A UDP game server (Quake 3: a frame every
 * 50 ms, sources.md row 40) shows the clients a gap of D rounded up to whole
 * frames. A TCP peer that lost a segment at the pause retransmits after the
 * minimum RTO (200 ms on Linux, sources.md row 39) and then at doubling intervals;
 * it sees the service again at the first retransmission after the VM is
 * back. QEMU re-announces the VM (RARP) at resume, so on one L2 segment the
 * path is back at once (sources.md row 38). */
#ifndef GOLIVE_MODELS_CLIENT_H
#define GOLIVE_MODELS_CLIENT_H

#include "models/scenario.h"

/* The first TCP retransmission at or after d of a segment lost at 0, for a
 * connection whose RTO is rto_min (doubling, at most 120 s apart). */
sim_time client_tcp_retransmission(sim_time rto_min, sim_time d);
/* The downtime a client of service s perceives for a VM pause of d. */
sim_time client_downtime(const scn_service *s, sim_time d);

#endif
