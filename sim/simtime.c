/* simtime — conversions at the edges of the kernel. */
#include "sim/simtime.h"

#include <math.h>
#include <stdio.h>

sim_time sim_from_s(double seconds)
{
    if (isnan(seconds))
        return SIM_NEVER;
    double ns = round(seconds * 1e9);
    /* 9.2e18 is below INT64_MAX; anything beyond saturates. */
    if (ns >= 9.2e18)
        return SIM_NEVER;
    if (ns <= -9.2e18)
        return -SIM_NEVER;
    return (sim_time)ns;
}

sim_time sim_time_add(sim_time a, sim_time b)
{
    sim_time r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? SIM_NEVER : -SIM_NEVER;
    return r;
}

char *sim_time_format(sim_time t, char *buf, size_t len)
{
    if (t == SIM_NEVER) {
        snprintf(buf, len, "never");
        return buf;
    }
    const char *sign = t < 0 ? "-" : "";
    uint64_t a = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    snprintf(buf, len, "%s%llu.%03llus", sign, (unsigned long long)(a / 1000000000u),
             (unsigned long long)(a % 1000000000u / 1000000u));
    return buf;
}
