/* golive sweep FILE --set KEY=V1,V2,... — a grid of scenario values
 * (DESIGN section 5). Each point is the scenario with the keys set (JSON
 * paths such as vms[0].dirty.rate or migration.max_bandwidth, values with
 * units), checked by the scenario loader before anything runs, then run in
 * parallel threads; every point is independent and seeded as the scenario
 * says, so results do not depend on the thread count. */
#include "cli/cmd_sweep.h"

#include <errno.h>
#include <glib.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/csv.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "cli/buildinfo.h"
#include "cli/html.h"
#include "cli/output.h"
#include "cli/part.h"
#include "cli/progress.h"
#include "cli/run_plots.h"
#include "models/units.h"
#include "plots/chart.h"

typedef struct {
    char *key;
    GPtrArray *values; /* char*, as given */
    double *num;       /* numeric value in base units, NAN if none */
    const char *unit;  /* base unit of the values for plots */
} sweep_key;

typedef struct {
    size_t *idx;       /* value index per key */
    scenario *sc;
    batch *b;
    batch_figures f;
    double converged;  /* completed / started migrations */
    double total_mean, client_mean;
    double window_mean; /* maintenance window: first migration start to last end, mean over runs */
    json_object *assumed; /* the report's "assumed" block of this point */
} point;

/* A value as JSON: a number or boolean when it reads as one, else a string
 * (a quantity with its unit, an enum). */
static json_object *value_json(const char *v)
{
    char *end = NULL;
    double d = strtod(v, &end);
    if (*v && end && !*end && isfinite(d))
        return strchr(v, '.') || strchr(v, 'e') || strchr(v, 'E') ? json_object_new_double(d)
                                                                  : json_object_new_int64((int64_t)d);
    if (!strcmp(v, "true") || !strcmp(v, "false"))
        return json_object_new_boolean(!strcmp(v, "true"));
    return json_object_new_string(v);
}

/* Sets the value at a JSON path ("a.b[2].c") of root, creating missing
 * object members; false and *why when the path cannot be followed. */
static bool set_path(json_object *root, const char *path, json_object *value, char **why)
{
    json_object *cur = root;
    g_auto(GStrv) parts = g_strsplit(path, ".", -1);
    for (size_t i = 0; parts[i]; i++) {
        char *p = parts[i], *br = strchr(p, '[');
        g_autofree char *name = br ? g_strndup(p, (gsize)(br - p)) : g_strdup(p);
        bool last = !parts[i + 1];
        if (!*name) {
            *why = g_strdup_printf("empty name in \"%s\"", path);
            return false;
        }
        if (!json_object_is_type(cur, json_type_object)) {
            *why = g_strdup_printf("\"%s\" is not inside an object", name);
            return false;
        }
        json_object *next = NULL;
        if (!br && last) {
            json_object_object_add(cur, name, value);
            return true;
        }
        if (!json_object_object_get_ex(cur, name, &next)) {
            if (br) {
                *why = g_strdup_printf("the scenario has no \"%s\" to index", name);
                return false;
            }
            next = json_object_new_object();
            json_object_object_add(cur, name, next);
        }
        while (br) {
            char *end = NULL;
            errno = 0;
            long k = strtol(br + 1, &end, 10);
            /* digits, "]", then another "[" or the end of this part */
            if (end == br + 1 || !g_ascii_isdigit(br[1]) || *end != ']' || (end[1] && end[1] != '[')) {
                *why = g_strdup_printf("expected [N] after \"%s\" (N a whole number), then \".\" or the end", name);
                return false;
            }
            if (errno == ERANGE || k > INT32_MAX) {
                *why = g_strdup_printf("%s[%.*s]: index out of range", name, (int)(end - br - 1), br + 1);
                return false;
            }
            if (!json_object_is_type(next, json_type_array) || (size_t)k >= json_object_array_length(next)) {
                *why = g_strdup_printf("%s[%ld]: %s has %zu item%s", name, k, name,
                                       json_object_is_type(next, json_type_array) ? json_object_array_length(next) : 0,
                                       json_object_is_type(next, json_type_array) && json_object_array_length(next) == 1
                                           ? ""
                                           : "s");
                return false;
            }
            br = strchr(end, '[');
            if (!br && last) {
                json_object_array_put_idx(next, (size_t)k, value);
                return true;
            }
            next = json_object_array_get_idx(next, (size_t)k);
        }
        cur = next;
    }
    *why = g_strdup_printf("cannot set \"%s\"", path);
    return false;
}

/* The value at a JSON path of names and [N] indexes, NULL if none. */
static json_object *get_path(json_object *root, const char *path)
{
    json_object *cur = root;
    g_auto(GStrv) parts = g_strsplit(path, ".", -1);
    for (size_t i = 0; parts[i] && cur; i++) {
        char *br = strchr(parts[i], '[');
        g_autofree char *name = br ? g_strndup(parts[i], (gsize)(br - parts[i])) : g_strdup(parts[i]);
        if (!json_object_is_type(cur, json_type_object) || !json_object_object_get_ex(cur, name, &cur))
            return NULL;
        while (br && cur) {
            char *end;
            long k = strtol(br + 1, &end, 10);
            if (*end != ']' || !json_object_is_type(cur, json_type_array) || k < 0 ||
                (size_t)k >= json_object_array_length(cur))
                return NULL;
            cur = json_object_array_get_idx(cur, (size_t)k);
            br = strchr(end, '[');
        }
    }
    return cur;
}

/* The concrete paths a key names: each "[*]" stands for every index of
 * its array in the scenario ("hosts[*].nics[1].bandwidth"). */
static bool expand_key(json_object *root, const char *path, GPtrArray *out, char **why)
{
    const char *star = strstr(path, "[*]");
    if (!star) {
        g_ptr_array_add(out, g_strdup(path));
        return true;
    }
    g_autofree char *head = g_strndup(path, (gsize)(star - path));
    json_object *arr = get_path(root, head);
    if (!json_object_is_type(arr, json_type_array) || json_object_array_length(arr) == 0) {
        *why = g_strdup_printf("\"%s\" is not a non-empty array of the scenario", head);
        return false;
    }
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        g_autofree char *one = g_strdup_printf("%s[%zu]%s", head, i, star + 3);
        if (!expand_key(root, one, out, why))
            return false;
    }
    return true;
}

/* The value in base units and its unit, for plotting; NAN if not a quantity. */
static double numeric(const char *v, const char **unit)
{
    char *end = NULL, *why = NULL;
    double d = strtod(v, &end);
    if (*v && end && !*end && isfinite(d)) {
        *unit = NULL;
        return d;
    }
    static const struct {
        units_kind k;
        const char *unit;
    } kinds[] = { { UNITS_RATE, "B/s" }, { UNITS_SIZE, "B" }, { UNITS_TIME, "s" }, { UNITS_FRACTION, "%" } };
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        if (units_parse(kinds[i].k, v, &d, &why)) {
            *unit = kinds[i].unit;
            return d;
        }
        g_free(why);
        why = NULL;
    }
    *unit = NULL;
    return NAN;
}

typedef struct {
    progress *bar;
    const volatile int *cancel;
} sweep_ctx;

static void run_point(gpointer data, gpointer user)
{
    point *p = data;
    sweep_ctx *ctx = user;
    if (*ctx->cancel)
        return;
    p->b = batch_run(p->sc, 1, 0, ctx->cancel);
    batch_get_figures(p->b, &p->f);
    assume_counts as;
    uint32_t runs_with[ASSUME_N];
    batch_assumed(p->b, &as, runs_with);
    p->assumed = assume_json(p->sc, &as, runs_with, p->sc->runs, sim_from_s(batch_simulated_seconds(p->b)));
    size_t started = 0, done = 0;
    double tot = 0, cli = 0;
    for (int k = 0; k < p->sc->runs; k++)
        for (size_t i = 0; i < batch_nmigrations(p->b, k); i++) {
            const mig_result *m = batch_migration(p->b, k, i);
            if (m->restart)
                continue;
            started++;
            if (m->outcome == MIG_COMPLETED) {
                done++;
                tot += sim_to_s(m->end - m->start);
                cli += sim_to_s(m->client_downtime);
            }
        }
    double win = 0;
    int nwin = 0;
    for (int k = 0; k < p->sc->runs; k++) {
        sim_time first = -1, last = -1;
        for (size_t i = 0; i < batch_nmigrations(p->b, k); i++) {
            const mig_result *m = batch_migration(p->b, k, i);
            first = first < 0 || m->start < first ? m->start : first;
            last = m->end > last ? m->end : last;
        }
        if (first >= 0 && last >= first) {
            win += sim_to_s(last - first);
            nwin++;
        }
    }
    p->window_mean = nwin ? win / nwin : NAN;
    p->converged = started ? (double)done / (double)started : NAN;
    p->total_mean = done ? tot / (double)done : NAN;
    p->client_mean = done ? cli / (double)done : NAN;
    batch_free(p->b); /* the figures are taken: a large grid must not hold every run */
    p->b = NULL;
    progress_tick(ctx->bar);
}


static void csv_num(GString *s, double x)
{
    if (isfinite(x))
        g_string_append_printf(s, ",%.9g", x);
    else
        g_string_append(s, ",");
}

/* Into dir as a file, or (page set) into the page as inline SVG. */
static bool save_chart(chart *c, const char *dir, const char *name, const char *fmt, GString *txt, html *page)
{
    if (page) {
        g_autofree char *prefix = g_strdup_printf("%s-", name);
        g_autofree char *svg = chart_svg(c, 960, 540, prefix);
        if (svg)
            html_figure(page, svg, name);
        chart_free(c);
        return true;
    }
    g_autofree char *file = g_strdup_printf("%s.%s", name, fmt);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    GError *err = NULL;
    bool ok = run_plots_save(c, path, fmt, 960, 540, &err);
    if (!ok) {
        fprintf(stderr, "golive sweep: %s\n", err->message);
        g_error_free(err);
    } else {
        g_string_append_printf(txt, "plot: %s\n", path);
    }
    chart_free(c);
    return ok;
}

/* What a sweep can show per point. */
typedef enum { M_DOWNTIME, M_TOTAL, M_CLIENT, M_CONVERGED, M_AVAILABILITY, M_UNAVAILABLE, M_SPLIT_BRAIN, M_WINDOW, M_N } metric;

static const struct {
    const char *name, *file, *title, *label, *unit;
    bool migration; /* about migrations: the convergence boundary applies */
} metrics[M_N] = {
    [M_DOWNTIME] = { "downtime", "sweep-downtime", "Migration downtime", "mean downtime", "s", true },
    [M_TOTAL] = { "total", "sweep-total-time", "Total migration time", "mean total time", "s", true },
    [M_CLIENT] = { "client", "sweep-client-downtime", "Client-perceived downtime", "mean client downtime", "s", true },
    [M_CONVERGED] = { "converged", "sweep-converged", "Share of migrations that converge", "converged", "%", true },
    [M_AVAILABILITY] = { "availability", "sweep-availability", "VM availability", "nines", NULL, false },
    [M_UNAVAILABLE] = { "unavailable", "sweep-unavailable", "Unavailable time per VM-year", "unavailable per VM-year",
                        "s", false },
    [M_SPLIT_BRAIN] = { "split-brain", "sweep-split-brain", "Split brain per year", "P(split brain in a year)", "%",
                        false },
    [M_WINDOW] = { "window", "sweep-window", "Maintenance window (first migration start to last end)", "mean window",
                   "s", true },
};

static double metric_of(const point *p, metric m)
{
    switch (m) {
    case M_DOWNTIME: return p->f.downtime.mean;
    case M_TOTAL: return p->total_mean;
    case M_CLIENT: return p->client_mean;
    case M_CONVERGED: return p->converged;
    case M_AVAILABILITY: return p->f.availability.mean < 1 ? -log10(1 - p->f.availability.mean) : NAN;
    case M_UNAVAILABLE: return p->f.unavailable_s.mean;
    case M_SPLIT_BRAIN: return p->f.split_brain_year.mean;
    case M_WINDOW: return p->window_mean;
    case M_N: break;
    }
    return NAN;
}

static int metric_find(const char *name)
{
    for (int m = 0; m < M_N; m++)
        if (!strcmp(metrics[m].name, name))
            return m;
    return -1;
}

/* What the swept question is about: the cluster's or the storage's
 * settings and the failures ask about availability and split brain; the
 * rest (migration settings, links, dirtying) about the migrations. */
static void default_metrics(GPtrArray *keys, bool *want)
{
    bool design = false;
    for (guint k = 0; k < keys->len; k++) {
        const char *key = ((sweep_key *)g_ptr_array_index(keys, k))->key;
        design |= g_str_has_prefix(key, "cluster.") || g_str_has_prefix(key, "storage.") ||
                  g_str_has_prefix(key, "failures") || g_str_has_prefix(key, "until");
    }
    memset(want, 0, M_N * sizeof *want);
    if (design)
        want[M_AVAILABILITY] = want[M_SPLIT_BRAIN] = true;
    else
        want[M_DOWNTIME] = want[M_TOTAL] = true;
}

/* Positive values spanning a factor of 8 or more read best on a log axis. */
static bool geometric(const sweep_key *k)
{
    double mn = INFINITY, mx = 0;
    size_t n = 0;
    for (guint i = 0; i < k->values->len; i++) {
        if (isnan(k->num[i]))
            continue; /* "unlimited" */
        if (!(k->num[i] > 0))
            return false;
        mn = fmin(mn, k->num[i]);
        mx = fmax(mx, k->num[i]);
        n++;
    }
    return n > 2 && mx >= 8 * mn;
}

/* Where each value of a key goes on its axis: its number, and "unlimited"
 * past the largest (a step further on the axis's scale). A key with other
 * words among its values (an enum: "dont-care", "resource-only") is
 * categorical: value i at i, every tick named (false). */
static bool positions(const sweep_key *k, bool log, double *pos)
{
    bool words = false;
    for (guint i = 0; i < k->values->len; i++)
        words |= !isfinite(k->num[i]) && strcmp(g_ptr_array_index(k->values, i), "unlimited");
    if (words) {
        for (guint i = 0; i < k->values->len; i++)
            pos[i] = i;
        return false;
    }
    double mn = INFINITY, mx = -INFINITY;
    size_t n = 0;
    for (guint i = 0; i < k->values->len; i++)
        if (isfinite(k->num[i])) {
            mn = fmin(mn, k->num[i]);
            mx = fmax(mx, k->num[i]);
            n++;
        }
    for (guint i = 0; i < k->values->len; i++) {
        if (isfinite(k->num[i]))
            pos[i] = k->num[i];
        else if (n > 0)
            pos[i] = log ? mx * 2 : mx + (n > 1 ? (mx - mn) / (double)(n - 1) : fmax(1, fabs(mx)));
        else
            pos[i] = i; /* "unlimited" alone */
    }
    return true;
}

/* A value per cell of the first two keys' grid, at the first value of the
 * others (m < 0: the convergence share); NAN where no point is. */
static double *grid_of(const point *pts, size_t npts, guint nkeys, size_t n0, size_t n1, int m)
{
    double *z = g_new(double, n0 * n1);
    for (size_t i = 0; i < n0 * n1; i++)
        z[i] = NAN;
    for (size_t p = 0; p < npts; p++) {
        bool first = true;
        for (guint k = 2; k < nkeys; k++)
            first &= pts[p].idx[k] == 0;
        if (first)
            z[pts[p].idx[1] * n0 + pts[p].idx[0]] = m < 0 ? pts[p].converged : metric_of(&pts[p], (metric)m);
    }
    return z;
}

/* A heatmap over the first two keys, its cells named by the values as
 * the user typed them. */
static chart *heatmap(const char *title, const sweep_key *k0, const double *x0, bool log0, const sweep_key *k1,
                      const double *x1, bool log1)
{
    chart *c = chart_new(CHART_HEATMAP, title);
    chart_axis(c, 'x', k0->key, k0->unit, log0);
    chart_axis(c, 'y', k1->key, k1->unit, log1);
    for (guint i = 0; i < k0->values->len; i++)
        chart_tick_label(c, 'x', x0[i], g_ptr_array_index(k0->values, i), true);
    for (guint j = 0; j < k1->values->len; j++)
        chart_tick_label(c, 'y', x1[j], g_ptr_array_index(k1->values, j), true);
    return c;
}

/* One key: a line per metric against it. Two keys: a heatmap per metric
 * (cells named by the values as typed) with the convergence boundary (half
 * the migrations converge) for migration metrics, and the convergence
 * share itself. */
static bool sweep_plots(const char *name, GPtrArray *keys, point *pts, size_t npts, const bool *want, const char *dir,
                        const char *fmt, GString *txt, html *page)
{
    if (!page && g_mkdir_with_parents(dir, 0777) != 0) {
        fprintf(stderr, "golive sweep: %s: cannot create the directory\n", dir);
        return false;
    }
    sweep_key *k0 = g_ptr_array_index(keys, 0);
    size_t n0 = k0->values->len;
    bool log0 = geometric(k0);
    g_autofree double *x0 = g_new(double, n0);
    bool num0 = positions(k0, log0, x0);
    log0 &= num0;
    if (keys->len == 1) {
        for (int m = 0; m < M_N; m++) {
            if (!want[m])
                continue;
            chart *c = chart_new(CHART_XY, metrics[m].title);
            chart_axis(c, 'x', k0->key, num0 ? k0->unit : NULL, log0);
            chart_axis(c, 'y', metrics[m].label, metrics[m].unit, false);
            for (size_t i = 0; i < n0; i++)
                if (!num0 || !isfinite(k0->num[i])) /* "unlimited", or a word: named where it sits */
                    chart_tick_label(c, 'x', x0[i], g_ptr_array_index(k0->values, i), !num0);
            if (!num0)
                chart_range(c, 'x', -0.5, (double)n0 - 0.5);
            double *x = g_new(double, npts), *y = g_new(double, npts);
            for (size_t i = 0; i < npts; i++) {
                x[i] = x0[pts[i].idx[0]];
                y[i] = metric_of(&pts[i], (metric)m);
            }
            chart_series(c, name, x, y, npts, false);
            g_free(x);
            g_free(y);
            if (!save_chart(c, dir, metrics[m].file, fmt, txt, page))
                return false;
        }
        return true;
    }
    sweep_key *k1 = g_ptr_array_index(keys, 1);
    size_t n1 = k1->values->len;
    bool log1 = geometric(k1);
    g_autofree double *x1 = g_new(double, n1);
    log1 &= positions(k1, log1, x1);
    if (keys->len > 2)
        g_string_append_printf(txt, "heatmaps over the first two keys, at the first value of the others\n");
    bool any_migration = false;
    double *conv = grid_of(pts, npts, keys->len, n0, n1, -1);
    bool ok = true;
    for (int m = 0; m < M_N && ok; m++) {
        if (!want[m] || m == M_CONVERGED)
            continue;
        any_migration |= metrics[m].migration;
        double *z = grid_of(pts, npts, keys->len, n0, n1, m);
        g_autofree char *title = g_strdup_printf("%s (mean%s)", metrics[m].title,
                                                 metrics[m].migration ? "; grey: never converges" : "");
        chart *c = heatmap(title, k0, x0, log0, k1, x1, log1);
        chart_grid(c, x0, n0, x1, n1, z, metrics[m].label, metrics[m].unit);
        if (metrics[m].migration)
            chart_contour_of(c, conv, 0.5, "convergence boundary");
        g_free(z);
        ok = save_chart(c, dir, metrics[m].file, fmt, txt, page);
    }
    if (ok && (any_migration || want[M_CONVERGED])) {
        chart *c = heatmap("Share of migrations that converge (boundary at 50%)", k0, x0, log0, k1, x1, log1);
        chart_grid(c, x0, n0, x1, n1, conv, "converged", "%");
        chart_contour(c, 0.5, "50%");
        ok = save_chart(c, dir, "sweep-convergence", fmt, txt, page);
    }
    g_free(conv);
    return ok;
}

/* The defaults that shaped the points, each with the points it shaped:
 * a default the swept key replaces is in none. */
static void assumed_text(const point *pts, size_t npts, GString *txt)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    GHashTable *count = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t p = 0; p < npts; p++)
        for (size_t i = 0; pts[p].assumed && i < json_object_array_length(pts[p].assumed); i++) {
            json_object *o = json_object_array_get_idx(pts[p].assumed, i);
            const char *key = json_object_get_string(json_object_object_get(o, "key"));
            char *line = g_strdup_printf("%s = %s", key ? key : "(model)",
                                         json_object_get_string(json_object_object_get(o, "shown")));
            gpointer known, n;
            if (g_hash_table_lookup_extended(count, line, &known, &n)) {
                g_hash_table_insert(count, known, GSIZE_TO_POINTER(GPOINTER_TO_SIZE(n) + 1));
                g_free(line);
            } else {
                g_ptr_array_add(lines, line); /* owns it */
                g_hash_table_insert(count, line, GSIZE_TO_POINTER(1));
            }
        }
    if (lines->len)
        g_string_append(txt, "assumed (defaults the scenario does not set that shaped the results; golive run tells "
                             "what each is and its source):\n");
    for (guint i = 0; i < lines->len; i++) {
        const char *line = g_ptr_array_index(lines, i);
        g_string_append_printf(txt, "  %-58s in %zu of %zu points\n", line,
                               GPOINTER_TO_SIZE(g_hash_table_lookup(count, line)), npts);
    }
    g_hash_table_destroy(count);
    g_ptr_array_free(lines, TRUE);
}

/* The report of a sweep: JSON, CSV, the table, and the plots. */
static int sweep_report(const char *name, GPtrArray *keys, point *pts, size_t npts, const bool *want,
                        const char *json_path, const char *csv_path, const char *plots_dir, const char *plot_format,
                        bool quiet, const char *html_path, const char *command, const char *description)
{
    int rc = CLI_EXIT_OK;
    GString *csv = g_string_new(NULL), *txt = g_string_new(NULL);
    for (guint k = 0; k < keys->len; k++) {
        g_autofree char *ck = csv_field(((sweep_key *)g_ptr_array_index(keys, k))->key);
        g_string_append_printf(csv, "%s,", ck);
    }
    g_string_append(csv, "migrations,converged,downtime_mean,downtime_lo,downtime_hi,downtime_p99,client_downtime_mean,"
                         "total_time_mean,availability,unavailable_s_per_vm_year,split_brain_per_year,discarded_bytes,"
                         "window_mean\n");
    for (guint k = 0; k < keys->len; k++)
        g_string_append_printf(txt, "%-22s ", ((sweep_key *)g_ptr_array_index(keys, k))->key);
    g_string_append_printf(txt, "%10s %10s %10s %10s %10s %10s %6s %8s\n", "converged", "downtime", "p99", "total",
                           "client", "window", "nines", "sb/yr");
    json_object *root = json_object_new_object(), *jpts = json_object_new_array();
    json_object_object_add(root, "golive", json_object_new_int(1));
    json_object_object_add(root, "scenario", json_object_new_string(name));
    json_object *jkeys = json_object_new_array();
    for (guint k = 0; k < keys->len; k++)
        json_object_array_add(jkeys, json_object_new_string(((sweep_key *)g_ptr_array_index(keys, k))->key));
    json_object_object_add(root, "keys", jkeys);
    for (size_t p = 0; p < npts; p++) {
        const point *pt = &pts[p];
        json_object *o = json_object_new_object(), *vals = json_object_new_object();
        for (guint k = 0; k < keys->len; k++) {
            sweep_key *key = g_ptr_array_index(keys, k);
            const char *v = g_ptr_array_index(key->values, pt->idx[k]);
            g_autofree char *cv = csv_field(v);
            g_string_append_printf(csv, "%s,", cv);
            g_string_append_printf(txt, "%-22s ", v);
            json_object_object_add(vals, key->key, json_object_new_string(v));
        }
        g_string_append_printf(csv, "%zu", pt->f.downtime.n);
        csv_num(csv, pt->converged);
        csv_num(csv, pt->f.downtime.mean);
        csv_num(csv, pt->f.downtime.lo);
        csv_num(csv, pt->f.downtime.hi);
        csv_num(csv, pt->f.downtime_p99);
        csv_num(csv, pt->client_mean);
        csv_num(csv, pt->total_mean);
        csv_num(csv, pt->f.availability.mean);
        csv_num(csv, pt->f.unavailable_s.mean);
        csv_num(csv, pt->f.split_brain_year.mean);
        csv_num(csv, pt->f.at_risk.mean);
        csv_num(csv, pt->window_mean);
        g_string_append_c(csv, '\n');
        g_autofree char *cv = isfinite(pt->converged) ? g_strdup_printf("%.0f%%", 100 * pt->converged) : g_strdup("-");
        g_autofree char *dm = isfinite(pt->f.downtime.mean) ? units_format(UNITS_TIME, pt->f.downtime.mean) : g_strdup("-");
        g_autofree char *dp = isfinite(pt->f.downtime_p99) ? units_format(UNITS_TIME, pt->f.downtime_p99) : g_strdup("-");
        g_autofree char *tm = isfinite(pt->total_mean) ? units_format(UNITS_TIME, pt->total_mean) : g_strdup("-");
        g_autofree char *cm = isfinite(pt->client_mean) ? units_format(UNITS_TIME, pt->client_mean) : g_strdup("-");
        g_autofree char *wm = isfinite(pt->window_mean) ? units_format(UNITS_TIME, pt->window_mean) : g_strdup("-");
        double nn = metric_of(pt, M_AVAILABILITY);
        g_autofree char *ns = isfinite(nn) ? g_strdup_printf("%.2f", nn) : g_strdup("-");
        g_autofree char *sb = isfinite(pt->f.split_brain_year.mean)
                                  ? g_strdup_printf("%.1f%%", 100 * pt->f.split_brain_year.mean)
                                  : g_strdup("-");
        g_string_append_printf(txt, "%10s %10s %10s %10s %10s %10s %6s %8s\n", cv, dm, dp, tm, cm, wm, ns, sb);
        json_object_object_add(o, "values", vals);
        json_object_object_add(o, "migrations", json_object_new_int64((int64_t)pt->f.downtime.n));
        json_object_object_add(o, "converged", batch_json_number(pt->converged));
        json_object *dt = json_object_new_object();
        json_object_object_add(dt, "mean", batch_json_number(pt->f.downtime.mean));
        json_object *ci = json_object_new_array();
        json_object_array_add(ci, batch_json_number(pt->f.downtime.lo));
        json_object_array_add(ci, batch_json_number(pt->f.downtime.hi));
        json_object_object_add(dt, "ci95", ci);
        json_object_object_add(dt, "p99", batch_json_number(pt->f.downtime_p99));
        json_object_object_add(o, "downtime", dt);
        json_object_object_add(o, "client_downtime_mean", batch_json_number(pt->client_mean));
        json_object_object_add(o, "total_time_mean", batch_json_number(pt->total_mean));
        json_object_object_add(o, "availability", batch_json_number(pt->f.availability.mean));
        json_object_object_add(o, "split_brain_per_year", batch_json_number(pt->f.split_brain_year.mean));
        json_object_object_add(o, "discarded_bytes", batch_json_number(pt->f.at_risk.mean));
        json_object_object_add(o, "window_mean", batch_json_number(pt->window_mean));
        assume_json_attach(o, pt->assumed ? json_object_get(pt->assumed) : json_object_new_array());
        json_object_array_add(jpts, o);
    }
    assumed_text(pts, npts, txt);
    json_object_object_add(root, "points", jpts);
    g_autofree char *page = NULL;
    if (html_path) {
        g_autofree char *title = g_strdup_printf("golive sweep: %s", name);
        html *h = html_new(title);
        html_report_common(h, root, description);
        html_section(h, "Points");
        html_pre(h, txt->str);
        html_section(h, "Charts");
        GString *said = g_string_new(NULL); /* what the charts leave to words */
        sweep_plots(name, keys, pts, npts, want, NULL, "svg", said, h);
        if (said->len)
            html_p(h, said->str);
        g_string_free(said, TRUE);
        page = html_finish(h, command, cli_version());
    }
    if (!output_report("sweep", json_path, root, csv_path, csv->str, html_path, page))
        rc = CLI_EXIT_FAILURE;
    if (plots_dir && rc == CLI_EXIT_OK &&
        !sweep_plots(name, keys, pts, npts, want, plots_dir, plot_format ? plot_format : "png", txt, NULL))
        rc = CLI_EXIT_FAILURE;
    if (!quiet && !(json_path && !strcmp(json_path, "-")) && !(csv_path && !strcmp(csv_path, "-")))
        fputs(txt->str, stdout);
    json_object_put(root);
    g_string_free(csv, TRUE);
    g_string_free(txt, TRUE);
    return rc;
}

/* ------------------------------------------------------------------ shards
 *
 * A sweep's points are independent and seeded by the scenario alone, so a
 * shard runs the points p with p % N == I and writes their figures exactly
 * (hex floats); golive merge rebuilds the report one process would write. */

static batch_figure *figure_at(batch_figures *f, size_t i)
{
    batch_figure *all[] = { &f->availability, &f->unavailable_s, &f->downtime, &f->split_brain,
                            &f->split_brain_year, &f->at_risk, &f->diverged };
    return i < G_N_ELEMENTS(all) ? all[i] : NULL;
}

static char *base_digest(json_object *base)
{
    const char *text = json_object_to_json_string_ext(base, JSON_C_TO_STRING_PLAIN);
    return g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
}

static int write_part(const char *file, json_object *base, const scenario *sc0, GPtrArray *keys, const point *pts,
                      size_t npts, int shard_i, int shard_n, const char *path)
{
    json_object *root = json_object_new_object(), *jk = json_object_new_array(), *res = json_object_new_array();
    g_autofree char *digest = base_digest(base);
    json_object_object_add(root, "golive_sweep_part", json_object_new_int(1));
    json_object_object_add(root, "file", json_object_new_string(file));
    json_object_object_add(root, "name", json_object_new_string(sc0->name));
    if (sc0->description) /* for the page a merge writes */
        json_object_object_add(root, "description", json_object_new_string(sc0->description));
    json_object_object_add(root, "scenario_sha256", json_object_new_string(digest));
    json_object_object_add(root, "seed", json_object_new_int64((int64_t)sc0->seed));
    json_object_object_add(root, "runs", json_object_new_int(sc0->runs));
    for (guint k = 0; k < keys->len; k++) {
        const sweep_key *key = g_ptr_array_index(keys, k);
        json_object *o = json_object_new_object(), *vs = json_object_new_array();
        for (guint v = 0; v < key->values->len; v++)
            json_object_array_add(vs, json_object_new_string(g_ptr_array_index(key->values, v)));
        json_object_object_add(o, "key", json_object_new_string(key->key));
        json_object_object_add(o, "values", vs);
        json_object_array_add(jk, o);
    }
    json_object_object_add(root, "keys", jk);
    json_object_object_add(root, "points", json_object_new_int64((int64_t)npts));
    json_object_object_add(root, "shard", json_object_new_int(shard_i));
    json_object_object_add(root, "shards", json_object_new_int(shard_n));
    for (size_t p = (size_t)shard_i; p < npts; p += (size_t)shard_n) {
        point f = pts[p];
        json_object *o = json_object_new_object(), *fa = json_object_new_array();
        for (size_t i = 0; figure_at(&f.f, i); i++) {
            const batch_figure *g = figure_at(&f.f, i);
            json_object *a = json_object_new_array();
            json_object_array_add(a, part_hex(g->mean));
            json_object_array_add(a, part_hex(g->lo));
            json_object_array_add(a, part_hex(g->hi));
            json_object_array_add(a, json_object_new_int64((int64_t)g->n));
            json_object_array_add(fa, a);
        }
        json_object_object_add(o, "p", json_object_new_int64((int64_t)p));
        json_object_object_add(o, "figures", fa);
        json_object_object_add(o, "downtime_p99", part_hex(f.f.downtime_p99));
        json_object_object_add(o, "years", part_hex(f.f.years));
        json_object_object_add(o, "converged", part_hex(f.converged));
        json_object_object_add(o, "total_mean", part_hex(f.total_mean));
        json_object_object_add(o, "client_mean", part_hex(f.client_mean));
        json_object_object_add(o, "window_mean", part_hex(f.window_mean));
        json_object_object_add(o, "assumed", f.assumed ? json_object_get(f.assumed) : json_object_new_array());
        json_object_array_add(res, o);
    }
    json_object_object_add(root, "results", res);
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
    g_autoptr(GError) err = NULL;
    int rc = CLI_EXIT_OK;
    if (!output_write(path, text, strlen(text), &err)) {
        fprintf(stderr, "golive sweep: %s\n", err->message);
        rc = CLI_EXIT_FAILURE;
    }
    json_object_put(root);
    return rc;
}

bool cli_sweep_is_part(json_object *part)
{
    return part_member(part, "golive_sweep_part") != NULL;
}

static void keys_free(GPtrArray *keys)
{
    for (guint k = 0; k < keys->len; k++) {
        sweep_key *key = g_ptr_array_index(keys, k);
        g_free(key->key);
        g_ptr_array_free(key->values, TRUE);
        g_free(key->num);
        g_free(key);
    }
    g_ptr_array_free(keys, TRUE);
}

/* A part is an input like any other: its whole structure is checked before
 * anything in it is used. */
static bool sweep_part_ok(json_object *part, char **why)
{
    json_object *jk = part_member(part, "keys"), *res = part_member(part, "results");
    if (!json_object_is_type(part_member(part, "name"), json_type_string) || !part_is_int(part_member(part, "points"), 1, 100000) ||
        !part_is_int(part_member(part, "shards"), 1, 1000000) || !json_object_is_type(jk, json_type_array) ||
        !json_object_array_length(jk) || !json_object_is_type(res, json_type_array)) {
        *why = g_strdup("expected \"name\", \"points\" (1 to 100000), \"shards\", \"keys\" and \"results\"");
        return false;
    }
    for (size_t k = 0; k < json_object_array_length(jk); k++) {
        json_object *o = json_object_array_get_idx(jk, k), *vs = part_member(o, "values");
        bool ok = json_object_is_type(part_member(o, "key"), json_type_string) && json_object_is_type(vs, json_type_array) &&
                  json_object_array_length(vs) > 0;
        for (size_t v = 0; ok && v < json_object_array_length(vs); v++)
            ok = json_object_is_type(json_object_array_get_idx(vs, v), json_type_string);
        if (!ok) {
            *why = g_strdup_printf("$.keys[%zu]: expected {\"key\": string, \"values\": [strings]}", k);
            return false;
        }
    }
    for (size_t r = 0; r < json_object_array_length(res); r++) {
        json_object *o = json_object_array_get_idx(res, r), *fa = part_member(o, "figures");
        bool ok = part_is_int(part_member(o, "p"), 0, INT64_MAX) && json_object_is_type(fa, json_type_array) &&
                  json_object_array_length(fa) == 7;
        const char *hexes[] = { "downtime_p99", "years", "converged", "total_mean", "client_mean", "window_mean" };
        for (size_t i = 0; ok && i < G_N_ELEMENTS(hexes); i++)
            ok = part_is_hex(part_member(o, hexes[i]));
        for (size_t i = 0; ok && i < 7; i++) {
            json_object *a = json_object_array_get_idx(fa, i);
            ok = json_object_is_type(a, json_type_array) && json_object_array_length(a) == 4 &&
                 part_is_hex(json_object_array_get_idx(a, 0)) && part_is_hex(json_object_array_get_idx(a, 1)) &&
                 part_is_hex(json_object_array_get_idx(a, 2)) && part_is_int(json_object_array_get_idx(a, 3), 0, INT64_MAX);
        }
        if (!ok) {
            *why = g_strdup_printf("$.results[%zu]: expected a point number, 7 figures and 6 numbers", r);
            return false;
        }
        json_object *as = part_member(o, "assumed");
        ok = json_object_is_type(as, json_type_array);
        for (size_t i = 0; ok && i < json_object_array_length(as); i++) {
            json_object *a = json_object_array_get_idx(as, i), *key = part_member(a, "key");
            ok = json_object_is_type(a, json_type_object) && (!key || json_object_is_type(key, json_type_string)) &&
                 json_object_is_type(part_member(a, "shown"), json_type_string);
        }
        if (!ok) {
            *why = g_strdup_printf("$.results[%zu].assumed: expected an array of {\"key\", \"shown\", ...}", r);
            return false;
        }
    }
    return true;
}

/* The identity of a sweep: the parts of one sweep agree on all of it. */
static char *part_identity(json_object *part)
{
    const char *fields[] = { "name", "scenario_sha256", "seed", "runs", "keys", "points", "shards" };
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
        g_string_append_printf(s, "%s;", json_object_to_json_string_ext(part_member(part, fields[i]), JSON_C_TO_STRING_PLAIN));
    return g_string_free(s, FALSE);
}

int cli_sweep_merge(json_object **parts, const char *const *paths, size_t n, const char *json_path,
                    const char *csv_path, const char *plots_dir, const char *plot_format, bool quiet,
                    const char *html_path, const char *command)
{
    for (size_t p = 0; p < n; p++) {
        char *why = NULL;
        if (cli_sweep_is_part(parts[p]) && !sweep_part_ok(parts[p], &why)) {
            fprintf(stderr, "golive merge: %s: error: %s (a damaged part?)\n", paths[p], why);
            g_free(why);
            return CLI_EXIT_USAGE;
        }
    }
    json_object *jk = part_member(parts[0], "keys");
    int64_t npts = json_object_get_int64(part_member(parts[0], "points"));
    int shards = json_object_get_int(part_member(parts[0], "shards"));
    const char *name = json_object_get_string(part_member(parts[0], "name"));
    if (!json_object_is_type(jk, json_type_array) || !json_object_array_length(jk) || npts < 1 || npts > 100000 ||
        shards < 1 || !name) {
        fprintf(stderr, "golive merge: %s: error: not a part written by golive sweep --shard\n", paths[0]);
        return CLI_EXIT_USAGE;
    }
    g_autofree char *id0 = part_identity(parts[0]);
    for (size_t p = 1; p < n; p++) {
        g_autofree char *id = part_identity(parts[p]);
        if (!cli_sweep_is_part(parts[p]) || strcmp(id, id0)) {
            fprintf(stderr, "golive merge: %s: error: a part of another sweep (scenario, seed, runs, keys or shard "
                            "count) than %s\n",
                    paths[p], paths[0]);
            return CLI_EXIT_USAGE;
        }
    }
    if ((size_t)shards != n) {
        int nmissing;
        g_autofree char *missing = part_missing_shards(parts, n, shards, &nmissing);
        if (nmissing)
            fprintf(stderr,
                    "golive merge: error: %zu part%s given, the sweep was split into %d shards: shard%s %s missing; "
                    "run the same golive sweep with --shard I/%d --json PART for each I (or sbatch --array=%s "
                    "--export=ALL,GOLIVE_SHARDS=%d with the same arguments)\n",
                    n, n == 1 ? "" : "s", shards, nmissing == 1 ? "" : "s", missing, shards, missing, shards);
        else
            fprintf(stderr, "golive merge: error: %zu parts given, the sweep was split into %d shards: a shard is given "
                            "twice\n",
                    n, shards);
        return CLI_EXIT_USAGE;
    }
    GPtrArray *keys = g_ptr_array_new();
    int64_t grid = 1;
    for (size_t k = 0; k < json_object_array_length(jk); k++) {
        json_object *o = json_object_array_get_idx(jk, k), *vs = part_member(o, "values");
        sweep_key *key = g_new0(sweep_key, 1);
        key->key = g_strdup(json_object_get_string(part_member(o, "key")));
        key->values = g_ptr_array_new_with_free_func(g_free);
        size_t nv = json_object_is_type(vs, json_type_array) ? json_object_array_length(vs) : 0;
        key->num = g_new(double, nv ? nv : 1);
        for (size_t v = 0; v < nv; v++) {
            const char *t = json_object_get_string(json_object_array_get_idx(vs, v));
            const char *u = NULL;
            g_ptr_array_add(key->values, g_strdup(t ? t : ""));
            key->num[v] = numeric(t ? t : "", &u);
            if (u)
                key->unit = u;
        }
        g_ptr_array_add(keys, key);
        grid *= nv ? (int64_t)nv : 0;
    }
    int rc = CLI_EXIT_OK;
    point *pts = NULL;
    if (grid != npts) {
        fprintf(stderr, "golive merge: %s: error: the keys' values make %" G_GINT64_FORMAT " points, not %" G_GINT64_FORMAT "\n",
                paths[0], grid, npts);
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    pts = g_new0(point, (size_t)npts);
    bool *seen = g_new0(bool, (size_t)npts);
    for (size_t q = 0; q < n && rc == CLI_EXIT_OK; q++) {
        json_object *res = part_member(parts[q], "results");
        for (size_t r = 0; res && r < json_object_array_length(res) && rc == CLI_EXIT_OK; r++) {
            json_object *o = json_object_array_get_idx(res, r), *fa = part_member(o, "figures");
            int64_t p = json_object_get_int64(part_member(o, "p"));
            if (p < 0 || p >= npts || seen[p] || !json_object_is_type(fa, json_type_array)) {
                fprintf(stderr, "golive merge: %s: error: point %" G_GINT64_FORMAT " is out of range, malformed or given twice\n",
                        paths[q], p);
                rc = CLI_EXIT_USAGE;
                break;
            }
            seen[p] = true;
            point *pt = &pts[p];
            for (size_t i = 0; figure_at(&pt->f, i); i++) {
                json_object *a = json_object_array_get_idx(fa, i);
                batch_figure *g = figure_at(&pt->f, i);
                g->mean = part_unhex(json_object_array_get_idx(a, 0));
                g->lo = part_unhex(json_object_array_get_idx(a, 1));
                g->hi = part_unhex(json_object_array_get_idx(a, 2));
                g->n = (size_t)json_object_get_int64(json_object_array_get_idx(a, 3));
            }
            pt->f.downtime_p99 = part_unhex(part_member(o, "downtime_p99"));
            pt->f.years = part_unhex(part_member(o, "years"));
            pt->converged = part_unhex(part_member(o, "converged"));
            pt->total_mean = part_unhex(part_member(o, "total_mean"));
            pt->client_mean = part_unhex(part_member(o, "client_mean"));
            pt->window_mean = part_unhex(part_member(o, "window_mean"));
            pt->assumed = json_object_get(part_member(o, "assumed"));
        }
    }
    for (int64_t p = 0; p < npts && rc == CLI_EXIT_OK; p++)
        if (!seen[p]) {
            fprintf(stderr, "golive merge: error: point %" G_GINT64_FORMAT " is in no part\n", p);
            rc = CLI_EXIT_USAGE;
        }
    g_free(seen);
    if (rc == CLI_EXIT_OK) {
        for (int64_t p = 0; p < npts; p++) {
            pts[p].idx = g_new0(size_t, keys->len);
            size_t rest = (size_t)p;
            for (guint k = 0; k < keys->len; k++) {
                sweep_key *key = g_ptr_array_index(keys, k);
                pts[p].idx[k] = rest % key->values->len;
                rest /= key->values->len;
            }
        }
        bool want[M_N];
        default_metrics(keys, want);
        {
            json_object *d = NULL;
            rc = sweep_report(name, keys, pts, (size_t)npts, want, json_path, csv_path, plots_dir, plot_format, quiet,
                              html_path, command,
                              json_object_object_get_ex(parts[0], "description", &d) &&
                                      json_object_is_type(d, json_type_string)
                                  ? json_object_get_string(d)
                                  : NULL);
        }
    }
out:
    for (int64_t p = 0; pts && p < npts; p++) {
        g_free(pts[p].idx);
        json_object_put(pts[p].assumed);
    }
    g_free(pts);
    keys_free(keys);
    return rc;
}
int cli_sweep(int argc, char **argv)
{
    g_autofree char *command = html_command_line(argc, argv);
    gchar **sets = NULL, *json_path = NULL, *csv_path = NULL, *plots_dir = NULL, *plot_format = NULL, *shard = NULL,
          *html_path = NULL;
    gchar **metric_args = NULL;
    bool want[M_N];
    gint runs = ARGS_UNSET_INT, threads = 0;
    gint64 seed = ARGS_UNSET;
    gboolean quiet = FALSE;
    g_autofree gchar *max_input = NULL;
    GOptionEntry entries[] = {
        { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
          "A key (JSON path, e.g. vms[0].dirty.rate) and its values: KEY=V1,V2,... (repeat for a grid)",
          "KEY=V1,V2,..." },
        { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Runs per point (default: the scenario's \"runs\")", "N" },
        { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed (default: the scenario's \"seed\")", "S" },
        { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "T" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the points as JSON to PATH (- for stdout)", "PATH" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write one CSV row per point to PATH", "PATH" },
        { "plots", 0, 0, G_OPTION_ARG_FILENAME, &plots_dir,
          "Draw the sweep into DIR: lines for one key, heatmaps with the convergence boundary for two", "DIR" },
        { "plot-format", 0, 0, G_OPTION_ARG_STRING, &plot_format, "png (default), svg or pdf", "FMT" },
        { "html", 0, 0, G_OPTION_ARG_FILENAME, &html_path,
          "Write one self-contained page to FILE: the sweep's points and every chart", "FILE" },
        { "metric", 0, 0, G_OPTION_ARG_STRING_ARRAY, &metric_args,
          "What to plot (repeatable): downtime, total, client, converged, availability, unavailable, split-brain, "
          "window (default: downtime and total; availability and split-brain when a cluster, storage or failures "
          "key is swept)",
          "NAME" },
        { "shard", 0, 0, G_OPTION_ARG_STRING, &shard,
          "Run only shard I of N (points p with p mod N = I) and write a part to --json PATH for golive merge",
          "I/N" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No table on stdout", NULL },
        LOAD_OPTION_ENTRY(&max_input),
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
    g_option_context_set_summary(ctx, "Run a scenario over a grid of values and report every point's migration "
                                      "downtime, total time, convergence, availability and split-brain risk.");
    g_option_context_set_description(ctx, "Plots (--plots DIR): one key, a line per metric (sweep-downtime, "
                                          "sweep-total-time, ...); two keys, a heatmap per metric and "
                                          "sweep-convergence.\n" CLI_EXIT_HELP);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) gerr = NULL;
    int rc = CLI_EXIT_OK;
    GPtrArray *keys = g_ptr_array_new();
    point *pts = NULL;
    size_t npts = 0;
    json_object *base = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "golive sweep: %s\n", gerr->message);
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (argc != 2 || !sets || !sets[0]) {
        fprintf(stderr, "golive sweep: expected one scenario file and at least one --set KEY=V1,V2,...\n"
                        "Usage: golive sweep FILE --set KEY=V1,V2,... [--set ...] [OPTION...]\n");
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (!args_check("sweep", seed, runs, threads)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    if (plot_format && strcmp(plot_format, "png") && strcmp(plot_format, "svg") && strcmp(plot_format, "pdf")) {
        fprintf(stderr, "golive sweep: --plot-format: expected png, svg or pdf, not \"%s\"\n", plot_format);
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    int shard_i = 0, shard_n = 1;
    if (shard) {
        if (!part_parse_shard(shard, &shard_i, &shard_n)) {
            fprintf(stderr, "golive sweep: --shard: expected I/N with 0 <= I < N, not \"%s\"\n", shard);
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        if (!json_path || csv_path || plots_dir || html_path) {
            fprintf(stderr, "golive sweep: --shard writes its part to --json PATH (no --csv, --plots or --html; golive "
                            "merge makes the report)\n");
            rc = CLI_EXIT_USAGE;
            goto out;
        }
    }
    for (size_t i = 0; sets[i]; i++) {
        const char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i] || !eq[1]) {
            fprintf(stderr, "golive sweep: --set %s: expected KEY=V1,V2,...\n", sets[i]);
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        bool again = false;
        for (guint j = 0; j < keys->len; j++)
            again |= strlen(((sweep_key *)g_ptr_array_index(keys, j))->key) == (size_t)(eq - sets[i]) &&
                     !strncmp(((sweep_key *)g_ptr_array_index(keys, j))->key, sets[i], (size_t)(eq - sets[i]));
        if (again) {
            fprintf(stderr, "golive sweep: --set %.*s is given twice: give its values once (KEY=V1,V2,...)\n",
                    (int)(eq - sets[i]), sets[i]);
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        sweep_key *k = g_new0(sweep_key, 1);
        k->key = g_strndup(sets[i], (gsize)(eq - sets[i]));
        k->values = g_ptr_array_new_with_free_func(g_free);
        g_auto(GStrv) vs = g_strsplit(eq + 1, ",", -1);
        for (size_t v = 0; vs[v]; v++)
            g_ptr_array_add(k->values, g_strstrip(g_strdup(vs[v])));
        k->num = g_new(double, k->values->len);
        for (guint v = 0; v < k->values->len; v++) {
            const char *u = NULL;
            k->num[v] = numeric(g_ptr_array_index(k->values, v), &u);
            if (u)
                k->unit = u;
        }
        g_ptr_array_add(keys, k);
    }
    default_metrics(keys, want);
    if (metric_args) {
        memset(want, 0, sizeof want);
        for (size_t i = 0; metric_args[i]; i++) {
            int m = metric_find(metric_args[i]);
            if (m < 0) {
                fprintf(stderr, "golive sweep: --metric %s: expected downtime, total, client, converged, availability, "
                                "unavailable, split-brain or window\n",
                        metric_args[i]);
                rc = CLI_EXIT_USAGE;
                goto out;
            }
            want[m] = true;
        }
    }
    const char *paths[] = { json_path, csv_path, html_path };
    const char *ins[] = { argv[1] };
    if (!output_check_all("sweep", paths, G_N_ELEMENTS(paths), ins, 1, plots_dir)) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    /* the base scenario must be valid on its own */
    {
        g_autofree char *text = NULL;
        load_limit lim = { 0 };
        scenario *sc = load_limit_init(&lim, "sweep", max_input) ? load_scenario_keep_text(argv[1], &lim, &text) : NULL;
        load_limit_clear(&lim);
        if (!sc) {
            rc = CLI_EXIT_USAGE;
            goto out;
        }
        scenario_free(sc);
        base = json_tokener_parse(text); /* read once: a FIFO gives its text only once */
    }
    npts = 1;
    for (guint k = 0; k < keys->len; k++)
        npts *= ((sweep_key *)g_ptr_array_index(keys, k))->values->len;
    if (npts > 100000) {
        fprintf(stderr, "golive sweep: %zu points is more than 100000; split the grid\n", npts);
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    pts = g_new0(point, npts);
    /* build and check every point before running any */
    for (size_t p = 0; p < npts; p++) {
        pts[p].idx = g_new0(size_t, keys->len);
        size_t rest = p;
        for (guint k = 0; k < keys->len; k++) {
            sweep_key *key = g_ptr_array_index(keys, k);
            pts[p].idx[k] = rest % key->values->len;
            rest /= key->values->len;
        }
        json_object *copy = NULL;
        json_object_deep_copy(base, &copy, NULL);
        GString *label = g_string_new(NULL);
        for (guint k = 0; k < keys->len && rc == CLI_EXIT_OK; k++) {
            sweep_key *key = g_ptr_array_index(keys, k);
            const char *v = g_ptr_array_index(key->values, pts[p].idx[k]);
            g_string_append_printf(label, "%s%s=%s", k ? ", " : "", key->key, v);
            char *why = NULL;
            GPtrArray *concrete = g_ptr_array_new_with_free_func(g_free);
            bool ok = expand_key(copy, key->key, concrete, &why);
            for (guint c = 0; ok && c < concrete->len; c++) {
                json_object *jv = value_json(v);
                ok = set_path(copy, g_ptr_array_index(concrete, c), jv, &why);
                if (!ok)
                    json_object_put(jv);
            }
            g_ptr_array_free(concrete, TRUE);
            if (!ok) {
                fprintf(stderr, "golive sweep: --set %s: %s\n", key->key, why);
                g_free(why);
                rc = CLI_EXIT_USAGE;
            }
        }
        if (rc == CLI_EXIT_OK) {
            const char *text = json_object_to_json_string(copy);
            g_autofree char *name = g_strdup_printf("%s (%s)", argv[1], label->str);
            GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
            pts[p].sc = scenario_load_text(name, text, strlen(text), errors);
            for (guint i = 0; i < errors->len; i++)
                fprintf(stderr, "%s\n", (char *)g_ptr_array_index(errors, i));
            g_ptr_array_free(errors, TRUE);
            if (!pts[p].sc)
                rc = CLI_EXIT_USAGE;
            else {
                if (seed != ARGS_UNSET)
                    pts[p].sc->seed = (uint64_t)seed;
                if (runs != ARGS_UNSET_INT)
                    pts[p].sc->runs = runs;
                if (pts[p].sc->until == SIM_NEVER)
                    pts[p].sc->until = SIM_DAY;
            }
        }
        g_string_free(label, TRUE);
        json_object_put(copy);
        if (rc != CLI_EXIT_OK)
            goto out;
    }

    /* points run one per thread, each batch freed once its figures are taken */
    int workers = threads > 0 ? threads : (int)g_get_num_processors();
    double need = 0, disk = 0;
    for (size_t p = (size_t)shard_i; p < npts; p += (size_t)shard_n) {
        need = fmax(need, batch_estimate_bytes(pts[p].sc, 1, 0));
        disk = fmax(disk, batch_estimate_disk_bytes(pts[p].sc));
    }
    if (!batch_memory_ok("sweep", argv[1], pts[0].sc->runs, need * MIN((size_t)workers, npts)) ||
        !batch_disk_ok("sweep", argv[1], pts[0].sc->runs, disk * MIN((size_t)workers, npts))) {
        rc = CLI_EXIT_USAGE;
        goto out;
    }
    sweep_ctx sctx = { progress_new("points", (npts - (size_t)shard_i + (size_t)shard_n - 1) / (size_t)shard_n),
                       interrupt_install() };
    GThreadPool *pool = g_thread_pool_new(run_point, &sctx, threads > 0 ? threads : (int)g_get_num_processors(), TRUE,
                                          NULL);
    for (size_t p = (size_t)shard_i; p < npts; p += (size_t)shard_n)
        g_thread_pool_push(pool, &pts[p], NULL);
    g_thread_pool_free(pool, FALSE, TRUE);
    progress_free(sctx.bar);
    if (*sctx.cancel) {
        fprintf(stderr, "golive sweep: interrupted by signal %d; nothing written\n", interrupt_signal());
        rc = 128 + interrupt_signal();
        goto out;
    }
    interrupt_immediate(true); /* the simulations are over */

    if (shard) {
        rc = write_part(argv[1], base, pts[0].sc, keys, pts, npts, shard_i, shard_n, json_path);
        if (rc == CLI_EXIT_OK && !quiet)
            printf("%s: shard %d/%d of %zu points written to %s\n", pts[0].sc->name, shard_i, shard_n, npts,
                   json_path);
        goto out;
    }
    rc = sweep_report(pts[0].sc->name, keys, pts, npts, want, json_path, csv_path, plots_dir, plot_format, quiet,
                      html_path, command, pts[0].sc->description);
out:
    for (size_t p = 0; pts && p < npts; p++) {
        batch_free(pts[p].b);
        scenario_free(pts[p].sc);
        json_object_put(pts[p].assumed);
        g_free(pts[p].idx);
    }
    g_free(pts);
    keys_free(keys);
    if (base)
        json_object_put(base);
    g_strfreev(sets);
    g_strfreev(metric_args);
    g_free(json_path);
    g_free(csv_path);
    g_free(plots_dir);
    g_free(html_path);
    g_free(plot_format);
    g_free(shard);
    return rc;
}
