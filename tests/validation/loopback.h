/* loopback — runs the QEMU loopback validation cases through golive. */
#ifndef GOLIVE_TESTS_VALIDATION_LOOPBACK_H
#define GOLIVE_TESTS_VALIDATION_LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char id[32];
    int reps;
    /* medians over repetitions of the measured values */
    double total_ms, downtime_ms, syncs, transferred, converged;
    double total_spread; /* (max - min) / median of total time */
    /* golive's prediction */
    bool p_converged;
    double p_total_ms, p_downtime_ms, p_syncs, p_transferred;
} loopback_case;

/* Loads csv, runs every case; returns the number of cases (0 on error,
 * with *err set). */
size_t loopback_run(const char *csv, loopback_case *out, size_t max, char **err);

#endif
