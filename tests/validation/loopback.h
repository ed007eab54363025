/* loopback — runs the QEMU loopback validation cases through golive. */
#ifndef GOLIVE_TESTS_VALIDATION_LOOPBACK_H
#define GOLIVE_TESTS_VALIDATION_LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char id[32];
    char content[16]; /* what the guest's pages hold (multifd file), "" if not said */
    int reps;
    /* medians over repetitions of the measured values */
    double total_ms, downtime_ms, syncs, transferred, converged;
    double total_spread; /* (max - min) / median of total time */
    /* the downtime a prediction must fall in: the measured range of the
     * repetitions widened on each side by half its width, and by at least
     * QEMU's 1 ms reporting resolution (loopback_run) */
    double downtime_lo, downtime_hi;
    /* golive's prediction: medians over LOOPBACK_RUNS runs; the range of
     * the total (wide where the case leaves something to chance, such as
     * where a sweep starts) */
    bool p_converged;
    double p_total_ms, p_downtime_ms, p_syncs, p_transferred;
    double p_total_lo, p_total_hi;
    /* compressed cases: the page payload over the channels' bytes, measured
     * (median) and predicted; NAN otherwise */
    double ratio, p_ratio;
    /* postcopy cases: golive's guest time lost to remote faults (median), s;
     * NAN otherwise */
    double p_fault_s;
} loopback_case;

/* The accuracy asserted by validation::qemu_loopback_accuracy and stated in
 * docs/validation.md: the targets of the migration fidelity issue. */
#define LOOPBACK_TOTAL_MEDIAN 0.02 /* median total-time error of the converging cases */
#define LOOPBACK_TOTAL_EACH 0.08   /* every converging case's total-time error */
#define LOOPBACK_BYTES_EACH 0.05   /* every case's transferred-bytes error */
#define LOOPBACK_SYNCS_SHARE 0.90  /* share of cases with bitmap syncs within +-1 */
#define LOOPBACK_DOWNTIME_SHARE 0.90 /* share of converging cases with downtime within max(30%, 15 ms) */
#define LOOPBACK_RUNS 20           /* runs per case */

/* The memory content of the compressed cases (validation README, 1b). The
 * guest's own pages (the same kernel and initramfs in every case) compress
 * LOOPBACK_GUEST_RATIO times with zstd -1: read off mfzstd_r4k_const, whose
 * working set of one-byte pages costs next to nothing on the wire
 * (loopback_guest_ratio; 2.80 in each repetition). The workload's pages as
 * it filled them: random bytes do not compress, and a page of one repeated
 * byte shrinks LOOPBACK_ONE_BYTE_RATIO times (zstd 1.5.4 -1 on 32 MiB of
 * such pages). */
#define LOOPBACK_GUEST_RATIO 2.8
#define LOOPBACK_ONE_BYTE_RATIO 1505

/* The zstd ratio of the guest's own pages in each repetition of the cases
 * in csv whose working set holds one-byte pages: the page payload over the
 * compressed bytes (multifd_bytes less the packet headers, 320 bytes a
 * packet of 128 pages and 8 a page, less the working set's pages), with the
 * guest's own pages the non-zero ones less the working set. Returns how many
 * it wrote to out (0 on error, with *err set). */
size_t loopback_guest_ratio(const char *csv, double *out, size_t max, char **err);

/* A case the model is known to miss on one metric, with the cause and the
 * worst error tolerated until the model is fixed (the test fails once the
 * case meets the target, so that the entry goes). */
typedef struct {
    const char *id, *metric; /* "total", "bytes" or "downtime" */
    double worst;
    const char *why;
} loopback_gap;
extern const loopback_gap loopback_gaps[];
/* The gap for case id and metric, NULL if none. */
const loopback_gap *loopback_gap_of(const char *id, const char *metric);

/* Loads csv, runs every case; returns the number of cases (0 on error,
 * with *err set: a row without every column is an error, never skipped).
 * *rows: the data rows read. */
size_t loopback_run(const char *csv, loopback_case *out, size_t max, size_t *rows, char **err);

#endif
