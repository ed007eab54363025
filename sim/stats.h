/* stats — summary statistics on GSL: a running accumulator (mean, sd,
 * min, max in O(1) with gsl_rstat) that can also keep its samples for exact
 * quantiles and histograms, Student-t confidence intervals for a mean, and
 * Wilson / Clopper-Pearson intervals for a probability. */
#ifndef GOLIVE_SIM_STATS_H
#define GOLIVE_SIM_STATS_H

#include <gsl/gsl_histogram.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct stats_acc stats_acc;

typedef struct {
    double lo, hi;
} stats_interval;

/* Allocates an accumulator; keep_samples enables quantiles and histograms. */
stats_acc *stats_acc_new(bool keep_samples);
/* One that keeps its samples with at most cap of them in memory: the rest
 * go to a temporary file, and its quantiles, as exact, are found in a few
 * passes over them (a Monte Carlo summary's memory then does not grow with
 * its runs). Without a temporary file, all stay in memory. */
stats_acc *stats_acc_new_bounded(size_t cap);
void stats_acc_free(stats_acc *a);
/* A temporary file for data spilled out of memory, already unlinked and
 * open for update (tmpl as g_file_open_tmp's); NULL if none can be made. */
FILE *stats_tmpfile(const char *tmpl);

void stats_acc_add(stats_acc *a, double x);
size_t stats_acc_n(const stats_acc *a);
double stats_acc_mean(const stats_acc *a);
/* Sample standard deviation (n - 1 in the denominator); NaN below 2 samples. */
double stats_acc_sd(const stats_acc *a);
double stats_acc_min(const stats_acc *a);
double stats_acc_max(const stats_acc *a);
/* Exact p-quantile (0 <= p <= 1) by linear interpolation between order
 * statistics (GSL's gsl_stats_quantile_from_sorted_data, Hyndman-Fan type 7).
 * NaN without kept samples or with no sample. */
double stats_acc_quantile(stats_acc *a, double p);
/* Student-t confidence interval of the mean at level conf (e.g. 0.95);
 * NaN bounds below 2 samples. */
stats_interval stats_acc_ci(const stats_acc *a, double conf);

/* mean +- t_{(1+conf)/2, n-1} * sd / sqrt(n). */
stats_interval stats_t_interval(double mean, double sd, size_t n, double conf);
/* Wilson score interval for k successes in n trials. */
stats_interval stats_wilson(uint64_t k, uint64_t n, double conf);
/* Exact (Clopper-Pearson) interval for k successes in n trials. */
stats_interval stats_clopper_pearson(uint64_t k, uint64_t n, double conf);

/* The length of the union of n intervals given as pairs (start, end):
 * overlapping intervals count once. */
double stats_union_length(const double *pairs, size_t n);

/* Allocates a histogram of the kept samples with nbins equal bins on
 * [lo, hi); samples outside are counted in *below / *above (may be NULL).
 * NULL without kept samples or with bad bounds. Free with gsl_histogram_free. */
gsl_histogram *stats_acc_histogram(const stats_acc *a, size_t nbins, double lo, double hi,
                                   size_t *below, size_t *above);

#endif
