/* cluster — runs the real Corosync + Pacemaker cluster's failure cases
 * (tests/validation/cluster/) through golive. */
#ifndef GOLIVE_TESTS_VALIDATION_CLUSTER_H
#define GOLIVE_TESTS_VALIDATION_CLUSTER_H

#include <stddef.h>

/* The metrics compared: when the new membership forms, when the fence is
 * confirmed, when the victim's resource runs on the other node. */
enum { CLUSTER_MEMBERSHIP, CLUSTER_FENCE_CONFIRMED, CLUSTER_RESOURCE_STARTED, CLUSTER_NMETRICS };

typedef struct {
    char id[48];
    int trials;
    /* measured: median, min, max (seconds after the fault); < 0 if not observed */
    double meas[CLUSTER_NMETRICS][3];
    /* the rig's own times, given to golive: fence agent and resource start */
    double fence_s, start_s;
    int token_ms;
    int stonith, crash;
    /* golive over `runs` runs: median, min, max */
    int runs;
    double pred[CLUSTER_NMETRICS][3];
} cluster_case;

extern const char *const cluster_metric_names[CLUSTER_NMETRICS];

/* The cluster validation's tolerance for a measured metric of a case:
 * golive's median within 10% of the measured one, and golive's range over
 * its runs overlapping the measured range. NULL when met, else why not
 * (g_free it). */
char *cluster_off_tolerance(const cluster_case *c, int metric);

/* Loads the summary csv, runs each case `runs` times; returns the number
 * of cases (0 on error, with *err set). */
size_t cluster_run(const char *csv, int runs, cluster_case *out, size_t max, char **err);
/* The same from a base scenario (JSON text: a two-node Pacemaker cluster
 * with hosts node1 and node2), given the rig's fence and start times, the
 * fault and the end; only the cases with the base's STONITH and token. */
size_t cluster_run_base(const char *csv, const char *base, int runs, cluster_case *out, size_t max, char **err);

#endif
