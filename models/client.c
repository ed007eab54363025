/* client — perceived downtime per service type. */
#include "models/client.h"

sim_time client_tcp_retransmission(sim_time rto_min, sim_time d)
{
    /* retransmissions at rto, 3 rto, 7 rto, ... after the loss; Linux caps
     * the interval at 120 s (TCP_RTO_MAX) */
    sim_time rto = rto_min > 0 ? rto_min : 200 * SIM_MS;
    sim_time t = rto;
    while (t < d) {
        rto = MIN(rto * 2, 120 * SIM_S);
        t += rto;
    }
    return t;
}

sim_time client_downtime(const scn_service *s, sim_time d, double phase)
{
    if (d <= 0)
        return 0;
    switch (s->type) {
    case SERVICE_NONE:
        return d;
    case SERVICE_UDP_GAME: {
        sim_time tick = s->tick > 0 ? s->tick : 50 * SIM_MS;
        sim_time gap = d + (sim_time)(phase * (double)tick);
        return gap > tick ? gap : tick;
    }
    case SERVICE_TCP:
        return client_tcp_retransmission(s->rto_min > 0 ? s->rto_min : 200 * SIM_MS, d);
    }
    return d;
}
