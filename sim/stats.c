/* stats — thin layer over gsl_rstat, gsl_stats and gsl_cdf. */
#include "sim/stats.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rstat.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct stats_acc {
    gsl_rstat_workspace *rs;
    GArray *samples; /* double; NULL when not kept */
    bool sorted;
    size_t cap;      /* the most samples held in memory, 0: no bound */
    FILE *spill;     /* the samples beyond: the first nspilled, in order */
    size_t nspilled;
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

stats_acc *stats_acc_new_bounded(size_t cap)
{
    stats_acc *a = stats_acc_new(true);
    a->cap = cap;
    return a;
}

void stats_acc_free(stats_acc *a)
{
    if (!a)
        return;
    gsl_rstat_free(a->rs);
    if (a->samples)
        g_array_free(a->samples, TRUE);
    if (a->spill)
        fclose(a->spill);
    g_free(a);
}

FILE *stats_tmpfile(const char *tmpl)
{
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp(tmpl, &path, NULL);
    if (fd < 0)
        return NULL;
    g_unlink(path); /* gone with the process, whatever ends it */
    FILE *f = fdopen(fd, "w+b");
    if (!f)
        close(fd);
    return f;
}

/* The samples in memory join those in the temporary file; without a file
 * (none can be made, the disk is full) they stay, and so do the next. */
static void spill_samples(stats_acc *a)
{
    if (!a->spill)
        a->spill = stats_tmpfile("golive-samples-XXXXXX");
    if (a->spill && fseek(a->spill, (long)(a->nspilled * sizeof(double)), SEEK_SET) == 0 &&
        fwrite(a->samples->data, sizeof(double), a->samples->len, a->spill) == a->samples->len) {
        a->nspilled += a->samples->len;
        g_array_set_size(a->samples, 0);
        a->sorted = true;
    } else {
        a->cap = 0;
    }
}

void stats_acc_add(stats_acc *a, double x)
{
    gsl_rstat_add(x, a->rs);
    if (a->samples) {
        g_array_append_val(a->samples, x);
        a->sorted = false;
        if (a->cap && a->samples->len >= a->cap)
            spill_samples(a);
    }
}

typedef void (*chunk_fn)(const double *x, size_t n, void *data);

/* Every sample, in chunks: the file's, then memory's. */
static void each_chunk(const stats_acc *a, chunk_fn fn, void *data)
{
    if (a->nspilled) {
        enum { CHUNK = 1 << 16 };
        double *buf = g_new(double, CHUNK);
        if (fseek(a->spill, 0, SEEK_SET) != 0)
            goto failed;
        for (size_t done = 0; done < a->nspilled;) {
            size_t want = MIN((size_t)CHUNK, a->nspilled - done);
            if (fread(buf, sizeof(double), want, a->spill) != want)
                goto failed;
            fn(buf, want, data);
            done += want;
        }
        g_free(buf);
    }
    if (a->samples->len)
        fn((const double *)a->samples->data, a->samples->len, data);
    return;
failed:
    /* the file is this process's own: only a failing disk gets here, and
     * a quantile of some of the samples would be a wrong one */
    fprintf(stderr, "golive: cannot read back samples from a temporary file: %s\n",
            ferror(a->spill) ? g_strerror(errno) : "it is shorter than written");
    exit(1);
}

/* Order statistic r (from 0) of every sample, in bounded memory: each pass
 * counts the samples of [lo, hi] in equal bins; the bin that holds rank r
 * is a contiguous range of values (the bin of x is monotone in x), which
 * becomes the next [lo, hi] until few enough samples are left to sort. */
enum { SELECT_BINS = 4096, SELECT_SORT = 1 << 16 };

typedef struct {
    double lo, hi;
    size_t count[SELECT_BINS];
    double bmin[SELECT_BINS], bmax[SELECT_BINS];
    size_t want_bin; /* collecting: the bin whose samples are kept */
    GArray *kept;
} select_pass;

static size_t bin_of(const select_pass *p, double x)
{
    size_t j = (size_t)((x - p->lo) / (p->hi - p->lo) * SELECT_BINS);
    return j < SELECT_BINS ? j : SELECT_BINS - 1;
}

static void count_chunk(const double *x, size_t n, void *data)
{
    select_pass *p = data;
    for (size_t i = 0; i < n; i++) {
        if (x[i] < p->lo || x[i] > p->hi)
            continue;
        size_t j = bin_of(p, x[i]);
        if (!p->count[j]++)
            p->bmin[j] = p->bmax[j] = x[i];
        p->bmin[j] = fmin(p->bmin[j], x[i]);
        p->bmax[j] = fmax(p->bmax[j], x[i]);
    }
}

static void keep_chunk(const double *x, size_t n, void *data)
{
    select_pass *p = data;
    for (size_t i = 0; i < n; i++)
        if (x[i] >= p->lo && x[i] <= p->hi && bin_of(p, x[i]) == p->want_bin)
            g_array_append_val(p->kept, x[i]);
}

static double select_rank(const stats_acc *a, size_t r)
{
    select_pass *p = g_new(select_pass, 1);
    p->lo = gsl_rstat_min(a->rs);
    p->hi = gsl_rstat_max(a->rs);
    size_t below = 0; /* samples under lo */
    double v;
    for (;;) {
        if (!(p->lo < p->hi)) {
            v = p->lo;
            break;
        }
        memset(p->count, 0, sizeof p->count);
        each_chunk(a, count_chunk, p);
        size_t j = 0, cum = below;
        while (j < SELECT_BINS - 1 && cum + p->count[j] <= r)
            cum += p->count[j++];
        /* a range too wide for its bins to split (near DBL_MAX) is sorted whole */
        if (p->count[j] <= SELECT_SORT || (p->bmin[j] == p->lo && p->bmax[j] == p->hi)) {
            p->want_bin = j;
            p->kept = g_array_sized_new(FALSE, FALSE, sizeof(double), (guint)p->count[j]);
            each_chunk(a, keep_chunk, p);
            gsl_sort((double *)p->kept->data, 1, p->kept->len);
            v = g_array_index(p->kept, double, r - cum);
            g_array_free(p->kept, TRUE);
            break;
        }
        below = cum;
        p->lo = p->bmin[j];
        p->hi = p->bmax[j];
    }
    g_free(p);
    return v;
}

size_t stats_acc_n(const stats_acc *a) { return gsl_rstat_n(a->rs); }
double stats_acc_mean(const stats_acc *a) { return stats_acc_n(a) ? gsl_rstat_mean(a->rs) : NAN; }
double stats_acc_sd(const stats_acc *a) { return stats_acc_n(a) > 1 ? gsl_rstat_sd(a->rs) : NAN; }
double stats_acc_min(const stats_acc *a) { return stats_acc_n(a) ? gsl_rstat_min(a->rs) : NAN; }
double stats_acc_max(const stats_acc *a) { return stats_acc_n(a) ? gsl_rstat_max(a->rs) : NAN; }

double stats_acc_quantile(stats_acc *a, double p)
{
    if (!a->samples || a->samples->len + a->nspilled == 0 || !(p >= 0 && p <= 1))
        return NAN;
    if (a->nspilled) {
        /* gsl_stats_quantile_from_sorted_data's interpolation, on the two
         * order statistics it reads */
        size_t n = a->nspilled + a->samples->len;
        double index = p * (double)(n - 1);
        size_t lhs = (size_t)index;
        double delta = index - (double)lhs;
        double x0 = select_rank(a, lhs);
        if (lhs == n - 1)
            return x0;
        return (1 - delta) * x0 + delta * select_rank(a, lhs + 1);
    }
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

typedef struct {
    gsl_histogram *h;
    double lo, hi;
    size_t below, above;
} hist_pass;

static void hist_chunk(const double *x, size_t n, void *data)
{
    hist_pass *p = data;
    for (size_t i = 0; i < n; i++) {
        if (x[i] < p->lo)
            p->below++;
        else if (!(x[i] < p->hi))
            p->above++;
        else
            gsl_histogram_increment(p->h, x[i]);
    }
}

gsl_histogram *stats_acc_histogram(const stats_acc *a, size_t nbins, double lo, double hi,
                                   size_t *below, size_t *above)
{
    if (!a->samples || nbins == 0 || !(lo < hi))
        return NULL;
    hist_pass p = { gsl_histogram_alloc(nbins), lo, hi, 0, 0 };
    gsl_histogram_set_ranges_uniform(p.h, lo, hi);
    each_chunk(a, hist_chunk, &p);
    if (below)
        *below = p.below;
    if (above)
        *above = p.above;
    return p.h;
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
