/* stats — thin layer over gsl_rstat, gsl_stats and gsl_cdf. */
#include "sim/stats.h"

#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rstat.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

struct stats_acc {
    gsl_rstat_workspace *rs;
    GArray *samples; /* double; NULL when not kept */
    bool sorted;
};

stats_acc *stats_acc_new(bool keep_samples)
{
    stats_acc *a = g_new0(stats_acc, 1);
    a->rs = gsl_rstat_alloc();
    if (keep_samples)
        a->samples = g_array_new(FALSE, FALSE, sizeof(double));
    a->sorted = true;
    return a;
}

void stats_acc_free(stats_acc *a)
{
    if (!a)
        return;
    gsl_rstat_free(a->rs);
    if (a->samples)
        g_array_free(a->samples, TRUE);
    g_free(a);
}

void stats_acc_add(stats_acc *a, double x)
{
    gsl_rstat_add(x, a->rs);
    if (a->samples) {
        g_array_append_val(a->samples, x);
        a->sorted = false;
    }
}

size_t stats_acc_n(const stats_acc *a) { return gsl_rstat_n(a->rs); }
double stats_acc_mean(const stats_acc *a) { return stats_acc_n(a) ? gsl_rstat_mean(a->rs) : NAN; }
double stats_acc_sd(const stats_acc *a) { return stats_acc_n(a) > 1 ? gsl_rstat_sd(a->rs) : NAN; }
double stats_acc_min(const stats_acc *a) { return stats_acc_n(a) ? gsl_rstat_min(a->rs) : NAN; }
double stats_acc_max(const stats_acc *a) { return stats_acc_n(a) ? gsl_rstat_max(a->rs) : NAN; }

double stats_acc_quantile(stats_acc *a, double p)
{
    if (!a->samples || a->samples->len == 0 || !(p >= 0 && p <= 1))
        return NAN;
    double *d = (double *)a->samples->data;
    if (!a->sorted) {
        gsl_sort(d, 1, a->samples->len);
        a->sorted = true;
    }
    return gsl_stats_quantile_from_sorted_data(d, 1, a->samples->len, p);
}

stats_interval stats_t_interval(double mean, double sd, size_t n, double conf)
{
    if (n < 2 || !(conf > 0 && conf < 1))
        return (stats_interval){ NAN, NAN };
    double t = gsl_cdf_tdist_Pinv(0.5 + conf / 2, (double)(n - 1));
    double h = t * sd / sqrt((double)n);
    return (stats_interval){ mean - h, mean + h };
}

stats_interval stats_acc_ci(const stats_acc *a, double conf)
{
    return stats_t_interval(stats_acc_mean(a), stats_acc_sd(a), stats_acc_n(a), conf);
}

stats_interval stats_wilson(uint64_t k, uint64_t n, double conf)
{
    if (n == 0 || k > n || !(conf > 0 && conf < 1))
        return (stats_interval){ NAN, NAN };
    double z = gsl_cdf_ugaussian_Pinv(0.5 + conf / 2);
    double nn = (double)n, ph = (double)k / nn, z2 = z * z;
    double centre = (ph + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = z / (1 + z2 / nn) * sqrt(ph * (1 - ph) / nn + z2 / (4 * nn * nn));
    stats_interval r = { centre - half, centre + half };
    /* Exact ends: the score interval touches 0 (1) when k = 0 (k = n). */
    if (k == 0)
        r.lo = 0;
    if (k == n)
        r.hi = 1;
    return r;
}

stats_interval stats_clopper_pearson(uint64_t k, uint64_t n, double conf)
{
    if (n == 0 || k > n || !(conf > 0 && conf < 1))
        return (stats_interval){ NAN, NAN };
    double alpha = 1 - conf;
    double kk = (double)k, nn = (double)n;
    stats_interval r;
    r.lo = k == 0 ? 0 : gsl_cdf_beta_Pinv(alpha / 2, kk, nn - kk + 1);
    r.hi = k == n ? 1 : gsl_cdf_beta_Pinv(1 - alpha / 2, kk + 1, nn - kk);
    return r;
}

gsl_histogram *stats_acc_histogram(const stats_acc *a, size_t nbins, double lo, double hi,
                                   size_t *below, size_t *above)
{
    if (!a->samples || nbins == 0 || !(lo < hi))
        return NULL;
    gsl_histogram *h = gsl_histogram_alloc(nbins);
    gsl_histogram_set_ranges_uniform(h, lo, hi);
    size_t nb = 0, na = 0;
    for (guint i = 0; i < a->samples->len; i++) {
        double x = g_array_index(a->samples, double, i);
        if (x < lo)
            nb++;
        else if (!(x < hi))
            na++;
        else
            gsl_histogram_increment(h, x);
    }
    if (below)
        *below = nb;
    if (above)
        *above = na;
    return h;
}

static int pair_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double stats_union_length(const double *pairs, size_t n)
{
    if (!n)
        return 0;
    double *p = g_memdup2(pairs, n * 2 * sizeof(double));
    qsort(p, n, 2 * sizeof(double), pair_cmp);
    double total = 0, cs = p[0], ce = p[1];
    for (size_t i = 1; i < n; i++) {
        double s = p[2 * i], e = p[2 * i + 1];
        if (s > ce) {
            total += ce > cs ? ce - cs : 0;
            cs = s;
            ce = e;
        } else if (e > ce) {
            ce = e;
        }
    }
    total += ce > cs ? ce - cs : 0;
    g_free(p);
    return total;
}
