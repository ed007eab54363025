/* run_plots — the pictures of `golive run --plots DIR`: the data of a batch
 * turned into plain series for plots/chart. */
#include "cli/run_plots.h"
#include "cli/html.h"
#include "cli/cmd_explain.h"
#include "cli/buildinfo.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cli/interrupt.h"
#include "plots/chart.h"

#define W 960
#define H 540
#define PAGE 4096.0
#define MAX_SERIES 8

bool run_plots_save(chart *c, const char *path, const char *format, double w, double h, GError **err)
{
    g_autofree char *tmp = chart_temp_path(path);
    if (!interrupt_track(tmp)) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "%s: too many files written at once", path);
        return false;
    }
    bool ok = chart_save(c, path, format, w, h, err);
    interrupt_untrack(tmp);
    return ok;
}

static bool save(chart *c, const char *dir, const char *name, const char *fmt, GPtrArray *written, GError **err)
{
    g_autofree char *file = g_strdup_printf("%s.%s", name, fmt);
    g_autofree char *path = g_build_filename(dir, file, NULL);
    bool ok = run_plots_save(c, path, fmt, W, H, err);
    if (ok)
        g_ptr_array_add(written, g_strdup(path));
    chart_free(c);
    return ok;
}

/* Bytes still to send against the time since each migration of the first
 * run started (so that migrations hours apart overlay): each pass starts
 * with what it will send and ends with what the guest dirtied meanwhile;
 * the first migration's passes are marked, the pauses shaded, and the bytes
 * that fit in the downtime limit at the last pass's rate drawn as the
 * threshold. */
static chart *progress(const batch *b)
{
    const scenario *sc = batch_scenario(b);
    size_t all = 0;
    for (size_t i = 0; i < batch_nmigrations(b, 0); i++)
        all += !batch_migration(b, 0, i)->restart && batch_migration(b, 0, i)->iterations->len;
    g_autofree char *title = all > MAX_SERIES ? g_strdup_printf("Migration progress (run 0; the first %d of %zu "
                                                                "migrations)",
                                                                MAX_SERIES, all)
                                              : g_strdup("Migration progress (run 0)");
    chart *c = chart_new(CHART_XY, title);
    chart_axis(c, 'x', "time since the migration started", "s", false);
    chart_axis(c, 'y', "still to send", "B", false);
    size_t shown = 0;
    double threshold = NAN;
    for (size_t i = 0; i < batch_nmigrations(b, 0) && shown < MAX_SERIES; i++) {
        const mig_result *m = batch_migration(b, 0, i);
        if (m->restart || !m->iterations->len)
            continue;
        GArray *xs = g_array_new(FALSE, FALSE, sizeof(double)), *ys = g_array_new(FALSE, FALSE, sizeof(double));
        for (guint k = 0; k < m->iterations->len; k++) {
            const mig_iteration *it = &g_array_index(m->iterations, mig_iteration, k);
            double t0 = sim_to_s(it->start - m->start), t1 = sim_to_s(it->start + it->duration - m->start);
            double left = it->dirty_pages_after * PAGE;
            /* a pass starts with what the last one left (the first with
             * what it sends) */
            double at_start = k == 0 ? it->bytes
                                     : g_array_index(m->iterations, mig_iteration, k - 1).dirty_pages_after * PAGE;
            g_array_append_val(xs, t0);
            g_array_append_val(ys, at_start);
            g_array_append_val(xs, t1);
            g_array_append_val(ys, left);
            if (shown == 0)
                chart_vmark(c, t0);
            if (k + 1 == m->iterations->len && it->duration > 0 && !isfinite(threshold) &&
                sc->vms[m->vm].migration.profile == PROFILE_QEMU) { /* Xen 2005 stops on a page count */
                double rate = it->bytes / sim_to_s(it->duration);
                threshold = rate * sim_to_s(sc->vms[m->vm].migration.downtime_limit);
            }
        }
        if (m->stop >= 0) {
            /* the final copy empties what was left, then the VM resumes */
            double s = sim_to_s(m->stop - m->start), zero = 0, left = m->remaining_before_stop;
            double last = m->end >= 0 ? sim_to_s(m->end - m->start) : s;
            double e = m->resume >= 0 ? sim_to_s(m->resume - m->start) : last;
            g_array_append_val(xs, s);
            g_array_append_val(ys, left);
            if (e < last) {
                /* postcopy: the VM runs on the destination while the rest
                 * is pulled from the source */
                g_array_append_val(xs, e);
                g_array_append_val(ys, left);
                g_array_append_val(xs, last);
                g_array_append_val(ys, zero);
            } else {
                g_array_append_val(xs, last);
                g_array_append_val(ys, zero);
                g_array_append_val(xs, e);
                g_array_append_val(ys, zero);
            }
            chart_shade(c, s, e, "VM paused");
        }
        g_autofree char *name = g_strdup_printf("%s %s -> %s", sc->vms[m->vm].name, sc->hosts[m->from].name,
                                                sc->hosts[m->to].name);
        chart_series(c, name, (double *)xs->data, (double *)ys->data, xs->len, false);
        g_array_free(xs, TRUE);
        g_array_free(ys, TRUE);
        shown++;
    }
    if (!shown) {
        chart_free(c);
        return NULL;
    }

    if (isfinite(threshold))
        chart_hline(c, threshold, "stop-and-copy threshold (rate x downtime limit)");
    return c;
}

/* Where run 0's pictures end: after the last thing that happened (a
 * migration, an incident, a failure, a repair, a reboot, a resync), with a
 * little room, within the run; the timeline and the links share it. */
static double plot_end(const batch *b)
{
    double run = batch_run_seconds(b, 0), last = 0;
    for (size_t i = 0; i < batch_nmigrations(b, 0); i++) {
        const mig_result *m = batch_migration(b, 0, i);
        last = fmax(last, sim_to_s(m->resume >= 0 ? m->resume : m->end >= 0 ? m->end : m->start));
        last = fmax(last, sim_to_s(m->end));
    }
    for (size_t i = 0; i < batch_nincidents(b, 0); i++) {
        const world_incident *in = batch_incident(b, 0, i);
        last = fmax(last, sim_to_s(in->start));
        if (in->end >= 0 && sim_to_s(in->end) < run)
            last = fmax(last, sim_to_s(in->end));
    }
    for (size_t i = 0; i < batch_nevents(b); i++)
        last = fmax(last, sim_to_s(batch_event(b, i)->t));
    if (last <= 0)
        return run;
    return fmin(run, last * 1.08);
}

static bool is_host_event(const world_event *e)
{
    return g_str_has_prefix(e->subject, "host:") &&
           (!strcmp(e->kind, "fail") || !strcmp(e->kind, "repair") || !strcmp(e->kind, "fenced") ||
            !strcmp(e->kind, "rebooted") || !strcmp(e->kind, "host-reset"));
}

/* Every VM's states over run 0, a row per host that failed, was fenced or
 * rebooted (down between, markers at each), and a row for what concerns
 * the cluster (split brain, quorum, resyncs and recoveries, failures of
 * links and disks). With many VMs, only those that did something get a row
 * (at most MAX_ROWS). */
#define MAX_ROWS 40
#define MAX_LABELS 24
static chart *timeline(const batch *b, double end)
{
    const scenario *sc = batch_scenario(b);
    bool *involved = g_new0(bool, sc->nvms);
    size_t ninvolved = 0;
    for (size_t i = 0; i < batch_nmigrations(b, 0); i++) {
        const mig_result *m = batch_migration(b, 0, i);
        ninvolved += !involved[m->vm];
        involved[m->vm] = true;
    }
    for (size_t i = 0; i < batch_nincidents(b, 0); i++) {
        const world_incident *in = batch_incident(b, 0, i);
        if (in->vm >= 0) {
            ninvolved += !involved[in->vm];
            involved[in->vm] = true;
        }
    }
    bool few = sc->nvms <= MAX_ROWS;
    g_autofree char *title =
        few ? g_strdup("What each VM and host went through (run 0)")
            : g_strdup_printf("What the VMs went through (run 0; %zu of the %zu that did something; %zu others ran "
                              "throughout)",
                              ninvolved < MAX_ROWS ? ninvolved : (size_t)MAX_ROWS, ninvolved, sc->nvms - ninvolved);
    chart *c = chart_new(CHART_TIMELINE, title);
    chart_axis(c, 'x', "time", "s", false);
    chart_range(c, 'x', 0, end);
    int *row = g_new(int, sc->nvms);
    size_t nrows = 0;
    for (size_t i = 0; i < sc->nvms; i++) {
        row[i] = -1;
        if (!few && (!involved[i] || nrows >= MAX_ROWS))
            continue;
        row[i] = chart_row(c, sc->vms[i].name);
        nrows++;
        chart_span(c, row[i], 0, end, "running");
    }
    g_free(involved);
    for (size_t i = 0; i < batch_nmigrations(b, 0); i++) {
        const mig_result *m = batch_migration(b, 0, i);
        double s = sim_to_s(m->start), stop = m->stop >= 0 ? sim_to_s(m->stop) : (m->end >= 0 ? sim_to_s(m->end) : end);
        if (row[m->vm] < 0)
            continue;
        if (stop > s)
            chart_span(c, row[m->vm], s, stop, "migrating");
        if (m->stop >= 0)
            chart_span(c, row[m->vm], stop, m->resume >= 0 ? sim_to_s(m->resume) : end, "paused");
    }
    /* hosts: down from a failure, fence or reset to the repair or reboot */
    int *hrow = g_new(int, sc->nhosts);
    double *down_since = g_new(double, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++) {
        hrow[h] = -1;
        down_since[h] = -1;
    }
    int hlabels = 0;
    for (size_t i = 0; i < batch_nevents(b); i++) {
        const world_event *e = batch_event(b, i);
        if (!is_host_event(e))
            continue;
        int h = scenario_find_host(sc, e->subject + 5);
        if (h < 0)
            continue;
        if (hrow[h] < 0) {
            g_autofree char *name = g_strdup_printf("host %s", sc->hosts[h].name);
            hrow[h] = chart_row(c, name);
            chart_span(c, hrow[h], 0, end, "running");
        }
        double t = sim_to_s(e->t);
        bool goes_down = !strcmp(e->kind, "fail") || !strcmp(e->kind, "fenced") || !strcmp(e->kind, "host-reset");
        if (goes_down && down_since[h] < 0)
            down_since[h] = t;
        else if (!goes_down && down_since[h] >= 0) {
            chart_span(c, hrow[h], down_since[h], t, "down");
            down_since[h] = -1;
        }
        const char *label = !strcmp(e->kind, "fail")       ? "fails"
                            : !strcmp(e->kind, "repair")   ? "repaired"
                            : !strcmp(e->kind, "fenced")   ? "fenced"
                            : !strcmp(e->kind, "rebooted") ? "boots"
                                                           : "reset";
        chart_marker(c, hrow[h], t, hlabels++ < MAX_LABELS ? label : "");
    }
    for (size_t h = 0; h < sc->nhosts; h++)
        if (hrow[h] >= 0 && down_since[h] >= 0)
            chart_span(c, hrow[h], down_since[h], end, "down");
    g_free(down_since);
    g_free(hrow);
    int cluster = -1;
#define CLUSTER_ROW() (cluster >= 0 ? cluster : (cluster = chart_row(c, "cluster")))
    for (size_t i = 0; i < batch_nincidents(b, 0); i++) {
        const world_incident *in = batch_incident(b, 0, i);
        double s = sim_to_s(in->start), e = in->end >= 0 ? sim_to_s(in->end) : end;
        const char *state = NULL;
        if (!strcmp(in->kind, "vm-down") || !strcmp(in->kind, "quorum-lost"))
            state = "down";
        else if (!strcmp(in->kind, "io-blocked") || !strcmp(in->kind, "io-error"))
            state = "IO blocked or failing";
        else if (!strcmp(in->kind, "io-frozen"))
            state = "IO frozen";
        else if (!strcmp(in->kind, "double-writer"))
            state = "running twice";
        if (in->vm >= 0 && state) {
            if (row[in->vm] >= 0)
                chart_span(c, row[in->vm], s, e, state);
            continue;
        }
        if (in->vm >= 0 || !strcmp(in->kind, "fenced"))
            continue; /* a fence is in its host's row */
        if (!strcmp(in->kind, "split-brain"))
            chart_span(c, CLUSTER_ROW(), s, e, "split brain");
        else if (!strcmp(in->kind, "quorum-lost"))
            chart_span(c, CLUSTER_ROW(), s, e, "quorum lost");
        else {
            g_autofree char *what = g_strdup_printf("%s %s", in->kind, in->resource);
            chart_marker(c, CLUSTER_ROW(), s, what);
        }
    }
    /* the storage's repairs, and the failures of what is not a host */
    double resync = -1, recovery = -1;
    int clabels = 0;
    for (size_t i = 0; i < batch_nevents(b); i++) {
        const world_event *e = batch_event(b, i);
        double t = sim_to_s(e->t);
        if (!strcmp(e->kind, "drbd-resync-start") && resync < 0)
            resync = t;
        else if (!strcmp(e->kind, "drbd-resync-done") && resync >= 0) {
            chart_span(c, CLUSTER_ROW(), resync, t, "resync");
            resync = -1;
        } else if (!strcmp(e->kind, "ceph-recovery-start") && recovery < 0)
            recovery = t;
        else if (!strcmp(e->kind, "ceph-recovery-done") && recovery >= 0) {
            chart_span(c, CLUSTER_ROW(), recovery, t, "recovery");
            recovery = -1;
        } else if ((!strcmp(e->kind, "fail") || !strcmp(e->kind, "repair")) && !is_host_event(e)) {
            g_autofree char *what = g_strdup_printf("%s %s", e->subject, !strcmp(e->kind, "fail") ? "fails" : "repaired");
            chart_marker(c, CLUSTER_ROW(), t, clabels++ < MAX_LABELS ? what : "");
        }
    }
    if (resync >= 0)
        chart_span(c, CLUSTER_ROW(), resync, end, "resync");
    if (recovery >= 0)
        chart_span(c, CLUSTER_ROW(), recovery, end, "recovery");
#undef CLUSTER_ROW
    g_free(row);
    return c;
}

/* Throughput of the busiest links over run 0 (ranked as the report ranks
 * them): a NIC's sending side, a rack uplink in the direction its name
 * says; transfers (migrations, resyncs, recoveries) and steady loads
 * (storage IO, replication) apart. Over the timeline's span. */
static chart *links(const batch *b, double end)
{
    const world_link_samples *s = batch_chart_link_samples(b);
    if (!s || s->nt < 2)
        return NULL;
    enum { TOP = 3 };
    size_t top[TOP];
    size_t n = batch_busiest_links(b, top, TOP);
    if (!n)
        return NULL;
    chart *c = chart_new(CHART_XY, "Busiest links (run 0): a NIC's sending side, an uplink in the direction named");
    chart_axis(c, 'x', "time", "s", false);
    chart_axis(c, 'y', "throughput", "B/s", false);
    for (size_t k = 0; k < n; k++) {
        size_t i = top[k];
        g_autofree char *a = g_strdup_printf("%s: transfers", s->names[i]);
        g_autofree char *st = g_strdup_printf("%s: storage and replication", s->names[i]);
        chart_series(c, a, s->t, s->transfer + i * s->nt, s->nt, true);
        bool any = false;
        for (size_t m = 0; m < s->nt; m++)
            any |= s->steady[i * s->nt + m] > 0;
        if (any)
            chart_series(c, st, s->t, s->steady + i * s->nt, s->nt, true);
    }
    chart_range(c, 'x', 0, end);
    return c;
}

/* The CDF of one downtime over every run's completed migrations. */
static chart *cdf(const batch *b, bool client)
{
    const scenario *sc = batch_scenario(b);
    GArray *v = g_array_new(FALSE, FALSE, sizeof(double));
    for (int k = 0; k < sc->runs; k++)
        for (size_t i = 0; i < batch_nmigrations(b, k); i++) {
            const mig_result *m = batch_migration(b, k, i);
            sim_time t = client ? m->client_downtime : m->downtime;
            if (m->outcome == MIG_COMPLETED && t >= 0) {
                double s = sim_to_s(t);
                g_array_append_val(v, s);
            }
        }
    chart *c = NULL;
    if (v->len >= 2) {
        g_autofree char *title = g_strdup_printf("%s over %d runs (%u migrations)",
                                                 client ? "Client-perceived downtime" : "Migration downtime", sc->runs,
                                                 v->len);
        c = chart_new(CHART_CDF, title);
        chart_axis(c, 'x', client ? "client-perceived downtime" : "downtime", "s", false);
        chart_axis(c, 'y', "fraction of migrations", NULL, false);
        chart_series(c, sc->name, (double *)v->data, NULL, v->len, true);
    }
    g_array_free(v, TRUE);
    return c;
}

/* The run's charts, in order, each with its file name. */
static GPtrArray *charts(const batch *b)
{
    GPtrArray *out = g_ptr_array_new();
    chart *c = progress(b);
    if (c) {
        g_ptr_array_add(out, (char *)"migration-progress");
        g_ptr_array_add(out, c);
    }
    double end = plot_end(b);
    g_ptr_array_add(out, (char *)"timeline");
    g_ptr_array_add(out, timeline(b, end));
    c = links(b, end);
    if (c) {
        g_ptr_array_add(out, (char *)"links");
        g_ptr_array_add(out, c);
    }
    if (batch_scenario(b)->runs > 1) {
        for (int client = 0; client < 2; client++) {
            c = cdf(b, client);
            if (c) {
                g_ptr_array_add(out, (char *)(client ? "client-downtime-cdf" : "downtime-cdf"));
                g_ptr_array_add(out, c);
            }
        }
    }
    return out;
}

bool run_plots(const batch *b, const char *dir, const char *format, GPtrArray *written, GError **err)
{
    if (g_mkdir_with_parents(dir, 0777) != 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot create the directory: %s", dir,
                    g_strerror(errno));
        return false;
    }
    GPtrArray *all = charts(b);
    bool ok = true;
    for (guint i = 0; i < all->len; i += 2) {
        chart *c = g_ptr_array_index(all, i + 1);
        if (ok)
            ok = save(c, dir, g_ptr_array_index(all, i), format, written, err);
        else
            chart_free(c);
    }
    g_ptr_array_free(all, TRUE);
    return ok;
}

GPtrArray *run_plots_svg(const batch *b)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *all = charts(b);
    for (guint i = 0; i < all->len; i += 2) {
        chart *c = g_ptr_array_index(all, i + 1);
        g_autofree char *prefix = g_strdup_printf("%s-", (const char *)g_ptr_array_index(all, i));
        char *svg = chart_svg(c, W, H, prefix);
        if (svg) {
            g_ptr_array_add(out, g_strdup(g_ptr_array_index(all, i)));
            g_ptr_array_add(out, svg);
        }
        chart_free(c);
    }
    g_ptr_array_free(all, TRUE);
    return out;
}

/* One run's (or batch's) page: what the scenario is, what was assumed and
 * warned, the report as the terminal shows it, the migrations and
 * incidents, every chart, and run 0 told as golive explain tells it. */
char *run_plots_page(const batch *b, scenario *sc, json_object *report, const char *txt, const char *command)
{
    g_autofree char *title = g_strdup_printf("golive run: %s", sc->name);
    html *h = html_new(title);
    html_report_common(h, report, sc->description);
    html_section(h, "Summary");
    html_pre(h, txt);
    static const char *const mig_head[] = { "run", "VM", "from", "to", "start (s)", "total (s)", "downtime (s)",
                                            "client (s)", "bytes sent", "syncs", "outcome", NULL };
    static const char *const mig_keys[] = { "run", "vm", "from", "to", "start", "total_time", "downtime",
                                            "client_downtime", "transferred_bytes", "bitmap_syncs", "outcome", NULL };
    static const char *const inc_head[] = { "run", "kind", "VM", "resource", "start (s)", "end (s)", NULL };
    static const char *const inc_keys[] = { "run", "kind", "vm", "resource", "start", "end", NULL };
    html_json_table(h, "Migrations", report, "migrations", mig_head, mig_keys);
    html_json_table(h, "Incidents", report, "incidents", inc_head, inc_keys);
    GPtrArray *svgs = run_plots_svg(b);
    if (svgs->len)
        html_section(h, "Charts");
    for (guint i = 0; i + 1 < svgs->len; i += 2)
    {
        g_autofree char *cap = g_strdup_printf("%s (as --plots draws it)", (const char *)g_ptr_array_index(svgs, i));
        html_figure(h, g_ptr_array_index(svgs, i + 1), cap);
    }
    g_ptr_array_free(svgs, TRUE);
    /* explain's world needs an end; a scenario without `until` runs until idle */
    sim_time until = sc->until;
    if (sc->until == SIM_NEVER)
        sc->until = SIM_DAY;
    g_autoptr(GError) err = NULL;
    g_autofree char *story = explain_text(sc, 0, &err);
    sc->until = until;
    html_section(h, sc->runs > 1 ? "What happened in run 0" : "What happened");
    html_pre(h, story ? story : err->message);
    return html_finish(h, command, cli_version());
}
