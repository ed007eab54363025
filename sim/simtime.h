/* simtime — simulated time as int64 nanoseconds, with unit helpers.
 *
 * Integer nanoseconds keep event order exact and reproducible; doubles appear
 * only at the edges (scenario parsing, reports, plots). INT64_MAX ns is about
 * 292 years, so a multi-year Monte Carlo horizon fits with room to spare. */
#ifndef GOLIVE_SIM_SIMTIME_H
#define GOLIVE_SIM_SIMTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time;

#define SIM_NS     ((sim_time)1)
#define SIM_US     ((sim_time)1000)
#define SIM_MS     ((sim_time)1000000)
#define SIM_S      ((sim_time)1000000000)
#define SIM_MIN    (60 * SIM_S)
#define SIM_HOUR   (3600 * SIM_S)
#define SIM_DAY    (86400 * SIM_S)
/* A Julian year (365.25 days), the usual unit of MTBF figures. */
#define SIM_YEAR   ((sim_time)31557600 * SIM_S)
/* "Never": later than any reachable time. */
#define SIM_NEVER  INT64_MAX

/* Seconds (double) -> ns, rounded to nearest; saturates at +-SIM_NEVER and
 * maps NaN to SIM_NEVER so that a bad value can never wrap around. */
sim_time sim_from_s(double seconds);
/* ns -> seconds as double (exact below 2^53 ns, i.e. about 104 days). */
static inline double sim_to_s(sim_time t) { return (double)t / 1e9; }

/* a + b, saturating at SIM_NEVER / -SIM_NEVER instead of overflowing. */
sim_time sim_time_add(sim_time a, sim_time b);

/* Formats t as seconds with millisecond precision ("12.345s"), or "never".
 * Writes at most len bytes; returns buf. */
char *sim_time_format(sim_time t, char *buf, size_t len);

#endif
