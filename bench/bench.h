/* bench — shared helpers of the golive benchmarks (`make bench`). */
#ifndef GOLIVE_BENCH_BENCH_H
#define GOLIVE_BENCH_BENCH_H

#include <json-c/json.h>

/* Monotonic wall clock in seconds. */
double bench_now(void);
/* Median of n values (reorders v). */
double bench_median(double *v, int n);
/* Resident set size of this process now, MiB (/proc/self/statm). */
double bench_rss_mib(void);

/* Each benchmark prints its table and adds its figures to results. */
void bench_evq(json_object *results);
void bench_flow(json_object *results);
void bench_mig(json_object *results);
void bench_mc(json_object *results);
void bench_scale(json_object *results);
/* `golive-bench --plain-parse FILE`: reads, parses and frees FILE with
 * json-c, the loading yardstick (bench_scale times it as a process). */
int bench_plain_parse(const char *path);

#endif
