/* client — what the users of a VM see of its downtime.
 *
 * The VM is paused for D seconds. A UDP game server (Quake 3: a frame every
 * 50 ms, sources.md row 40) sends a snapshot each frame; the pause starts a
 * share `phase` of a frame after the last one sent. Its frame clock is the
 * wall clock (ioq3 code/server/sv_main.c SV_Frame adds the time elapsed to
 * sv.timeResidual and runs every frame that is due), so when it resumes
 * with a frame overdue it sends at once: the clients see a gap between
 * snapshots of D + phase x frame, or the usual frame if none fell due. A TCP peer that lost a segment at the pause retransmits after the
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
/* The downtime a client of service s perceives for a VM pause of d that
 * began `phase` (0..1) of a frame after the server's last snapshot (games
 * only; the run draws it). */
sim_time client_downtime(const scn_service *s, sim_time d, double phase);

#endif
