/* dirty — how a guest dirties its memory, as expected values.
 *
 * Memory is split into regions; within a region the guest writes pages at
 * random (uniform) or in a sweep (sequential) at a rate in page writes per
 * second. What the migration needs is the number of *distinct* pages written
 * since the last dirty-bitmap sync: for E random writes over a region of S
 * pages that is S (1 - exp(-E / S)) in expectation (each page is missed by
 * every write with probability 1 - 1/S), for a sweep min(E, S). The model is
 * analytic: it gives expected values, not samples, and is checked in the tests
 * against a page-exact simulation of the same random process.
 *
 * vCPU throttling (auto-converge) scales the write rate by the share of the
 * vCPU the guest still gets, relative to the share the writer needs. */
#ifndef GOLIVE_MODELS_DIRTY_H
#define GOLIVE_MODELS_DIRTY_H

#include <stddef.h>

#include "models/scenario.h"

#define DIRTY_MAX_REGIONS 2

typedef struct {
    double pages;        /* region size */
    double rate_pps;     /* page writes per second at full speed */
    int sequential;      /* a sweep instead of random writes */
} dirty_region;

typedef struct {
    dirty_region r[DIRTY_MAX_REGIONS];
    int nregions;
    double mem_pages;
    /* trace model: distinct pages per interval */
    const double *trace;
    size_t ntrace;
    double trace_interval_s;
    double cpu_share;    /* share of one vCPU the writing needs (throttle effect) */
} dirty_model;

/* Builds the regions of a VM's dirty model (memory in bytes). */
void dirty_model_init(dirty_model *m, const scn_dirty *cfg, double memory);

/* Write-rate multiplier under a vCPU throttle of p (0..1). */
double dirty_throttle_factor(const dirty_model *m, double p);

/* Expected distinct pages of region i written by `writes` page writes. */
double dirty_region_distinct(const dirty_region *r, double writes);

/* Trace model: distinct pages dirtied between t0 and t1 seconds after the
 * start (sum of the per-interval counts, prorated, capped at memory). */
double dirty_trace_pages(const dirty_model *m, double t0, double t1);

#endif
