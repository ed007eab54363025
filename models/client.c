/* client — perceived downtime per service type. */
#include "models/client.h"

sim_time client_downtime(const scn_service *s, sim_time d)
{
    if (d <= 0)
        return 0;
    switch (s->type) {
    case SERVICE_NONE:
        return d;
    case SERVICE_UDP_GAME: {
        sim_time tick = s->tick > 0 ? s->tick : 50 * SIM_MS;
        return (d + tick - 1) / tick * tick;
    }
    case SERVICE_TCP: {
        /* retransmissions at rto, 3 rto, 7 rto, ... after the loss */
        sim_time rto = s->rto_min > 0 ? s->rto_min : 200 * SIM_MS;
        sim_time t = rto;
        /* Linux caps the RTO at 120 s (TCP_RTO_MAX) */
        while (t < d) {
            sim_time next = rto < 120 * SIM_S ? rto * 2 : rto;
            rto = next > 120 * SIM_S ? 120 * SIM_S : next;
            t += rto;
        }
        return t;
    }
    }
    return d;
}
