/* loopback — one golive scenario per measured case, built from the case's
 * own settings: memory, zero pages found by QEMU (the measured memory
 * content, as the validation README prescribes), working set, write rate and
 * pattern, max-bandwidth, downtime-limit and capabilities. Nothing in here
 * knows a case by name. */
#include "tests/validation/loopback.h"

#include <glib.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/world.h"

/* the columns read, by their name in the header; the multifd file has
 * more (its channels, compression and memory content) */
enum { C_ID, C_WS, C_PATTERN, C_RATE, C_BW, C_DTL, C_CAPS, C_CONV, C_TOTAL, C_DOWN, C_XFER, C_DUP, C_SYNCS, C_RAM,
       C_NREQ, C_CHANNELS = C_NREQ, C_COMPRESSION, C_CONTENT, C_RATIO, C_NCOLS };
static const char *const col_names[C_NCOLS] = { "case_id", "ws_mib", "pattern", "dirty_rate_req_pps",
                                                "max_bw_bytes_s", "downtime_limit_ms", "capabilities", "converged",
                                                "total_time_ms", "downtime_ms", "transferred_bytes",
                                                "duplicate_pages", "dirty_sync_count", "ram_total_bytes",
                                                "multifd_channels", "multifd_compression", "content",
                                                "compression_ratio" };

/* One row's fields in column order (NULL where the file has no such
 * column); false if the row has not as many fields as the header. */
static bool pick(char **f, const int *idx, int nhead, char **out)
{
    if ((int)g_strv_length(f) != nhead)
        return false;
    for (int c = 0; c < C_NCOLS; c++)
        out[c] = idx[c] >= 0 ? f[idx[c]] : NULL;
    return true;
}

/* bw128_r4k: its bytes (-4.5%) and downtime (26 ms against 27-57 ms) say
 * the pass ends on dense used pages as modelled, but the live phase ran at
 * about 0.88 of the 128 MiB/s cap (92 MB in 0.80 s), where every 32 MiB/s
 * case met its cap: a cost of the sender at high rates with the guest
 * running that golive does not know. */
const loopback_gap loopback_gaps[] = {
    { "bw128_r4k", "total", 0.125, "the live phase ran at ~0.88 of a 128 MiB/s cap; the cause is not modelled" },
    /* unl_r20k: no rate limit, the guest running: the live phase moved
     * about 0.1-0.2 GB/s on the 2-core rig (the destination QEMU busy,
     * 0.46-0.53 CPU s), where golive's sender runs at its stop-and-copy
     * speed, 1.2 GB/s. The same unexplained cost as bw128_r4k, larger. */
    { "unl_r20k", "total", 0.85,
      "no rate limit: the live phase ran at 0.1-0.2 GB/s on the 2-core rig, golive's at 1.2 GB/s (not modelled)" },
    { "unl_r20k", "bytes", 0.13, "the same: a faster live phase leaves the guest less time to dirty pages" },
    { "unl_r20k", "downtime", 0.75, "the same: the real switch came with more left to send" },
    /* mfzstd_r4k_rand: its last copy (about 10 MB of random pages) ran at
     * about 1.1 GB/s, no faster than one plain channel: source and
     * destination shared the rig's two cores, four threads on two. golive
     * gives each end its own two (it has no migration within one machine),
     * so its two sending threads run at once. */
    { "mfzstd_r4k_rand", "downtime", 0.5,
      "golive's two sending threads each have a core; on the rig the receiving threads shared them" },
    { NULL, NULL, 0, NULL },
};

/* Where each of the n columns named is in the header (-1 if absent); false,
 * with *err set, if one of the first nreq is missing. */
static bool find_columns(char **head, const char *const *names, int n, int nreq, int *idx, const char *csv,
                         char **err)
{
    for (int c = 0; c < n; c++) {
        idx[c] = -1;
        for (int h = 0; head[h]; h++)
            if (!strcmp(head[h], names[c]))
                idx[c] = h;
        if (idx[c] < 0 && c < nreq) {
            *err = g_strdup_printf("%s:1: no column \"%s\"", csv, names[c]);
            return false;
        }
    }
    return true;
}

size_t loopback_guest_ratio(const char *csv, double *out, size_t max, char **err)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(csv, &text, NULL, NULL)) {
        *err = g_strdup_printf("cannot read %s", csv);
        return 0;
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_auto(GStrv) head = g_strsplit(g_strstrip(lines[0]), ",", -1);
    enum { G_CONTENT, G_COMP, G_NORMAL, G_DUP, G_RAM, G_WS, G_MFBYTES, G_N };
    static const char *const names[G_N] = { "content", "multifd_compression", "normal_pages", "duplicate_pages",
                                            "ram_total_bytes", "ws_mib", "multifd_bytes" };
    int idx[G_N], nhead = (int)g_strv_length(head);
    if (!find_columns(head, names, G_N, G_N, idx, csv, err))
        return 0;
    size_t n = 0;
    for (size_t i = 1; lines[i] && n < max; i++) {
        g_auto(GStrv) f = g_strsplit(g_strstrip(lines[i]), ",", -1);
        if ((int)g_strv_length(f) != nhead || strcmp(f[idx[G_CONTENT]], "const") || !strcmp(f[idx[G_COMP]], "none") ||
            !*f[idx[G_COMP]])
            continue;
        double normal = g_ascii_strtod(f[idx[G_NORMAL]], NULL), dup = g_ascii_strtod(f[idx[G_DUP]], NULL);
        double pages = g_ascii_strtod(f[idx[G_RAM]], NULL) / 4096, ws = g_ascii_strtod(f[idx[G_WS]], NULL) * 256;
        double own = pages - dup - ws, ws_sent = normal - own;
        double packed = normal + dup; /* zero pages ride in the packets too */
        double body = g_ascii_strtod(f[idx[G_MFBYTES]], NULL) - packed / 128 * 320 - packed * 8;
        out[n++] = own / (body / 4096 - ws_sent / LOOPBACK_ONE_BYTE_RATIO);
    }
    if (!n)
        *err = g_strdup_printf("%s: no compressed case with one-byte pages", csv);
    return n;
}

const loopback_gap *loopback_gap_of(const char *id, const char *metric)
{
    for (const loopback_gap *g = loopback_gaps; g->id; g++)
        if (!strcmp(g->id, id) && !strcmp(g->metric, metric))
            return g;
    return NULL;
}

static double median(GArray *v)
{
    if (v->len == 0)
        return NAN;
    gsl_sort((double *)v->data, 1, v->len);
    return gsl_stats_median_from_sorted_data((double *)v->data, 1, v->len);
}

static char *scenario_text(char **f)
{
    double ram = g_ascii_strtod(f[C_RAM], NULL);
    double zero = g_ascii_strtod(f[C_DUP], NULL) / (ram / 4096);
    double ws = g_ascii_strtod(f[C_WS], NULL), rate = g_ascii_strtod(f[C_RATE], NULL);
    int channels = f[C_CHANNELS] && *f[C_CHANNELS] ? atoi(f[C_CHANNELS]) : 0;
    bool multifd = channels > 0 && strstr(f[C_CAPS], "multifd");
    bool compressed = multifd && f[C_COMPRESSION] && *f[C_COMPRESSION] && strcmp(f[C_COMPRESSION], "none");
    GString *dirty = g_string_new(NULL);
    if (ws > 0 && rate > 0) {
        /* the workload needs under 5% of its vCPU (validation README) */
        g_string_printf(dirty, ",\"dirty\":{\"model\":\"%s\",\"rate\":\"%gpages/s\",\"working_set\":\"%gMiB\","
                               "\"cpu_share\":\"5%%\"",
                        !strcmp(f[C_PATTERN], "seq") ? "sequential" : "uniform", rate, ws);
        /* its pages as the workload filled them (memory content, README 1b):
         * random bytes, or each page one repeated byte */
        const char *content = f[C_CONTENT] ? f[C_CONTENT] : "";
        if (compressed && (!strcmp(content, "random") || !strcmp(content, "const")))
            g_string_append_printf(dirty, ",\"compression\":%g",
                                   !strcmp(content, "random") ? 1.0 : LOOPBACK_ONE_BYTE_RATIO);
        g_string_append_c(dirty, '}');
    }
    /* the guest's own pages: the same kernel and initramfs in every case */
    if (compressed)
        g_string_append_printf(dirty, ",\"memory_compression\":%g", LOOPBACK_GUEST_RATIO);
    GString *mg = g_string_new(NULL);
    g_string_printf(mg, "\"max_bandwidth\":%s,\"downtime_limit\":\"%sms\"", f[C_BW], f[C_DTL]);
    if (multifd) {
        g_string_append_printf(mg, ",\"multifd_channels\":%d", channels);
        if (f[C_COMPRESSION] && *f[C_COMPRESSION])
            g_string_append_printf(mg, ",\"multifd_compression\":\"%s\"", f[C_COMPRESSION]);
    }
    if (strstr(f[C_CAPS], "auto-converge"))
        g_string_append(mg, ",\"auto_converge\":true");
    if (strstr(f[C_CAPS], "postcopy-ram"))
        /* postcopy started once dirty-sync-count >= 3, max-postcopy-bandwidth = max-bandwidth */
        g_string_append_printf(mg, ",\"postcopy\":{\"after_syncs\":3,\"bandwidth\":%s}", f[C_BW]);
    char *s = g_strdup_printf(
        "{\"golive\":1,\"name\":\"%s\",\"until\":\"40s\","
        "\"networks\":[{\"name\":\"lo\",\"latency\":\"10us\"}],"
        "\"hosts\":[{\"name\":\"src\",\"cores\":2,\"nics\":[{\"network\":\"lo\",\"bandwidth\":\"100Gbit/s\"}]},"
        "{\"name\":\"dst\",\"cores\":2,\"nics\":[{\"network\":\"lo\",\"bandwidth\":\"100Gbit/s\"}]}],"
        "\"migration\":{%s},"
        "\"vms\":[{\"name\":\"vm\",\"host\":\"src\",\"memory\":%.0f,\"zero\":%.6f%s}],"
        "\"events\":[{\"at\":0,\"action\":\"migrate\",\"vm\":\"vm\",\"to\":\"dst\"}]}",
        f[C_ID], mg->str, ram, zero, dirty->str);
    g_string_free(dirty, TRUE);
    g_string_free(mg, TRUE);
    return s;
}

size_t loopback_run(const char *csv, loopback_case *out, size_t max, size_t *rows, char **err)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(csv, &text, NULL, NULL)) {
        *err = g_strdup_printf("cannot read %s", csv);
        return 0;
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    size_t n = 0;
    *rows = 0;
    g_auto(GStrv) head = g_strsplit(g_strstrip(lines[0]), ",", -1);
    int nhead = (int)g_strv_length(head), idx[C_NCOLS];
    if (!find_columns(head, col_names, C_NCOLS, C_NREQ, idx, csv, err))
        return 0;
    for (size_t i = 1; lines[i]; i++) {
        if (!*g_strstrip(lines[i]))
            continue; /* a blank line */
        g_auto(GStrv) all = g_strsplit(lines[i], ",", -1);
        char *f[C_NCOLS];
        if (!pick(all, idx, nhead, f)) {
            *err = g_strdup_printf("%s:%zu: %u columns, expected %d", csv, i + 1, g_strv_length(all), nhead);
            return 0;
        }
        ++*rows;
        size_t k = 0;
        while (k < n && strcmp(out[k].id, f[C_ID]))
            k++;
        if (k == n) {
            if (n == max)
                break;
            n++;
            memset(&out[k], 0, sizeof out[k]);
            g_strlcpy(out[k].id, f[C_ID], sizeof out[k].id);
            g_strlcpy(out[k].content, f[C_CONTENT] ? f[C_CONTENT] : "", sizeof out[k].content);
            /* predict over LOOPBACK_RUNS runs: the median, and the range
             * where something the case does not fix is drawn per run */
            g_autofree char *scn = scenario_text(f);
            GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
            scenario *sc = scenario_load_text(f[C_ID], scn, strlen(scn), errors);
            if (!sc) {
                *err = g_strdup_printf("%s: %s", f[C_ID], (char *)g_ptr_array_index(errors, 0));
                g_ptr_array_free(errors, TRUE);
                return 0;
            }
            g_ptr_array_free(errors, TRUE);
            GArray *pv[6];
            for (int j = 0; j < 6; j++)
                pv[j] = g_array_new(FALSE, FALSE, sizeof(double));
            int conv = 0;
            out[k].p_total_lo = INFINITY;
            out[k].p_total_hi = -INFINITY;
            for (int run = 0; run < LOOPBACK_RUNS; run++) {
                g_autoptr(GError) werr = NULL;
                world *w = world_new(sc, (uint64_t)run, &werr);
                world_run(w);
                const mig_result *r = world_migration(w, 0);
                conv += r->outcome == MIG_COMPLETED;
                /* the page payload over what the channels carried, headers
                 * included: the measurement's compression_ratio */
                double ratio = f[C_RATIO] && *f[C_RATIO]
                                   ? r->normal_pages * 4096 / (r->transferred - sc->migration.device_state)
                                   : NAN;
                double v[6] = { sim_to_s(r->end - r->start) * 1e3,
                                r->qemu_downtime >= 0 ? sim_to_s(r->qemu_downtime) * 1e3 : NAN, r->syncs,
                                r->transferred, ratio,
                                r->postcopy_switch >= 0 ? sim_to_s(r->postcopy_fault_time) : NAN };
                for (int j = 0; j < 6; j++)
                    if (!isnan(v[j]))
                        g_array_append_val(pv[j], v[j]);
                out[k].p_total_lo = fmin(out[k].p_total_lo, v[0]);
                out[k].p_total_hi = fmax(out[k].p_total_hi, v[0]);
                world_free(w);
            }
            scenario_free(sc);
            out[k].p_converged = 2 * conv > LOOPBACK_RUNS;
            out[k].p_total_ms = median(pv[0]);
            out[k].p_downtime_ms = median(pv[1]);
            out[k].p_syncs = median(pv[2]);
            out[k].p_transferred = median(pv[3]);
            out[k].p_ratio = median(pv[4]);
            out[k].p_fault_s = median(pv[5]);
            for (int j = 0; j < 6; j++)
                g_array_free(pv[j], TRUE);
        }
        out[k].reps++;
    }
    /* medians of the repetitions */
    for (size_t k = 0; k < n; k++) {
        GArray *tot = g_array_new(FALSE, FALSE, sizeof(double)), *down = g_array_new(FALSE, FALSE, sizeof(double)),
               *syn = g_array_new(FALSE, FALSE, sizeof(double)), *xf = g_array_new(FALSE, FALSE, sizeof(double)),
               *cv = g_array_new(FALSE, FALSE, sizeof(double)), *cr = g_array_new(FALSE, FALSE, sizeof(double));
        for (size_t i = 1; lines[i]; i++) {
            if (!*lines[i])
                continue;
            g_auto(GStrv) all = g_strsplit(lines[i], ",", -1);
            char *f[C_NCOLS];
            if (!pick(all, idx, nhead, f) || strcmp(f[C_ID], out[k].id))
                continue;
            double v;
            v = g_ascii_strtod(f[C_TOTAL], NULL), g_array_append_val(tot, v);
            if (*f[C_DOWN])
                v = g_ascii_strtod(f[C_DOWN], NULL), g_array_append_val(down, v);
            v = g_ascii_strtod(f[C_SYNCS], NULL), g_array_append_val(syn, v);
            v = g_ascii_strtod(f[C_XFER], NULL), g_array_append_val(xf, v);
            v = g_ascii_strtod(f[C_CONV], NULL), g_array_append_val(cv, v);
            if (f[C_RATIO] && *f[C_RATIO])
                v = g_ascii_strtod(f[C_RATIO], NULL), g_array_append_val(cr, v);
        }
        out[k].ratio = cr->len ? median(cr) : NAN;
        g_array_free(cr, TRUE);
        double lo = INFINITY, hi = -INFINITY;
        for (guint j = 0; j < tot->len; j++) {
            lo = fmin(lo, g_array_index(tot, double, j));
            hi = fmax(hi, g_array_index(tot, double, j));
        }
        out[k].total_ms = median(tot);
        out[k].total_spread = (hi - lo) / out[k].total_ms;
        out[k].downtime_ms = median(down);
        double dlo = INFINITY, dhi = -INFINITY;
        for (guint j = 0; j < down->len; j++) {
            dlo = fmin(dlo, g_array_index(down, double, j));
            dhi = fmax(dhi, g_array_index(down, double, j));
        }
        double widen = fmax(1.0, (dhi - dlo) / 2);
        out[k].downtime_lo = down->len ? dlo - widen : NAN;
        out[k].downtime_hi = down->len ? dhi + widen : NAN;
        out[k].syncs = median(syn);
        out[k].transferred = median(xf);
        out[k].converged = median(cv);
        g_array_free(tot, TRUE);
        g_array_free(down, TRUE);
        g_array_free(syn, TRUE);
        g_array_free(xf, TRUE);
        g_array_free(cv, TRUE);
    }
    return n;
}
