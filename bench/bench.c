/* bench — runs every benchmark, prints tables, writes bench/results.json. */
#include "bench/bench.h"

#include <glib.h>
#include <malloc.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_rss_mib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    /* the yardstick of loading: json-c as any program runs it */
    if (argc == 3 && !strcmp(argv[1], "--plain-parse"))
        return bench_plain_parse(argv[2]);
    /* golive's own allocator setting (cli/main.c), so that the code
     * measured in this process runs as it runs in golive (with glibc's
     * fast bins, the Monte Carlo entry's single thread ran 10-50% slower
     * than `golive run --threads 1`, and its speed-up read up to 2.55x) */
    mallopt(M_MXFAST, 0);
    const char *out = argc > 1 ? argv[1] : "bench/results.json";
    const char *only = argc > 2 ? argv[2] : NULL;
    json_object *results = json_object_new_object();
    /* first: its commands' peak memory is their own only while this process,
     * which they are forked from, holds little */
    if (!only || !strcmp(only, "scale"))
        bench_scale(results);
    if (!only || !strcmp(only, "evq"))
        bench_evq(results);
    if (!only || !strcmp(only, "flow"))
        bench_flow(results);
    if (!only || !strcmp(only, "mig"))
        bench_mig(results);
    if (!only || !strcmp(only, "mc"))
        bench_mc(results);
    const char *txt = json_object_to_json_string_ext(results, JSON_C_TO_STRING_PRETTY);
    g_autofree char *tmp = g_strconcat(out, ".tmp", NULL);
    GError *err = NULL;
    if (!g_file_set_contents(tmp, txt, -1, &err) || rename(tmp, out) != 0) {
        fprintf(stderr, "bench: cannot write %s: %s\n", out, err ? err->message : "rename failed");
        return 1;
    }
    printf("\nresults written to %s\n", out);
    json_object_put(results);
    return 0;
}
