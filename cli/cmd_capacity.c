/* golive capacity FILE — the static and the timed half of capacity planning:
 * how many more VMs of each size fit (with memory and vCPU overcommit), also
 * while keeping the cluster N+1; whether it survives the loss of any one
 * host and of any one rack; and how long draining a host takes with the
 * configured limits and links (simulated, one world per drained host, in
 * threads; results do not depend on the thread count). */
#include "cli/cmd_capacity.h"

#include <glib.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/load.h"
#include "cli/output.h"
#include "models/units.h"
#include "models/world.h"

typedef struct {
    double mem;
    int vcpus;
} vm_size;

/* The cluster as bins: what each host offers (after overcommit; nothing on
 * hosts that serve storage or the quorum device) and the VMs it holds. */
typedef struct {
    size_t nh;
    double *mem_cap, *cpu_cap, *mem_used, *cpu_used;
    GArray **vms; /* per host: vm_size */
} bins;

static void bins_add(bins *b, size_t h, vm_size z)
{
    g_array_append_val(b->vms[h], z);
    b->mem_used[h] += z.mem;
    b->cpu_used[h] += z.vcpus;
}

static bins *bins_copy(const bins *s)
{
    bins *b = g_new0(bins, 1);
    size_t n = s->nh * sizeof(double);
    b->nh = s->nh;
    b->mem_cap = g_memdup2(s->mem_cap, n);
    b->cpu_cap = g_memdup2(s->cpu_cap, n);
    b->mem_used = g_memdup2(s->mem_used, n);
    b->cpu_used = g_memdup2(s->cpu_used, n);
    b->vms = g_new(GArray *, s->nh);
    for (size_t h = 0; h < s->nh; h++) {
        b->vms[h] = g_array_sized_new(FALSE, FALSE, sizeof(vm_size), s->vms[h]->len);
        g_array_append_vals(b->vms[h], s->vms[h]->data, s->vms[h]->len);
    }
    return b;
}

static void bins_free(bins *b)
{
    for (size_t h = 0; h < b->nh; h++)
        g_array_free(b->vms[h], TRUE);
    g_free(b->vms);
    g_free(b->mem_cap);
    g_free(b->cpu_cap);
    g_free(b->mem_used);
    g_free(b->cpu_used);
    g_free(b);
}

/* A max-heap of hosts by free memory (ties: the first host), so that the
 * roomiest host is found in log time on a thousand-host cluster. */
typedef struct {
    size_t n;
    size_t *h;
    const double *cap, *used;
} roomheap;

static double room(const roomheap *q, size_t h)
{
    return q->cap[h] - q->used[h];
}

static bool above(const roomheap *q, size_t a, size_t b)
{
    double ra = room(q, a), rb = room(q, b);
    return ra > rb || (ra == rb && a < b);
}

static void sift_down(roomheap *q, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < q->n && above(q, q->h[l], q->h[m]))
            m = l;
        if (r < q->n && above(q, q->h[r], q->h[m]))
            m = r;
        if (m == i)
            return;
        size_t t = q->h[i];
        q->h[i] = q->h[m];
        q->h[m] = t;
        i = m;
    }
}

static void heap_build(roomheap *q)
{
    for (size_t i = q->n / 2; i-- > 0;)
        sift_down(q, i);
}

static size_t heap_pop(roomheap *q)
{
    size_t top = q->h[0];
    q->h[0] = q->h[--q->n];
    sift_down(q, 0);
    return top;
}

static void heap_push(roomheap *q, size_t h)
{
    size_t i = q->n++;
    q->h[i] = h;
    while (i > 0 && above(q, q->h[i], q->h[(i - 1) / 2])) {
        size_t p = (i - 1) / 2, t = q->h[i];
        q->h[i] = q->h[p];
        q->h[p] = t;
        i = p;
    }
}

/* Places z on the roomiest host of q where it fits (memory and vCPUs, with
 * used_cpu/cap_cpu); the hosts tried on the way go back. -1: nowhere. */
static long heap_place(roomheap *q, vm_size z, double *used_mem, double *used_cpu, const double *cap_cpu,
                       GArray *aside)
{
    long found = -1;
    g_array_set_size(aside, 0);
    while (q->n && found < 0) {
        size_t h = heap_pop(q);
        if (room(q, h) < z.mem) {
            g_array_append_val(aside, h); /* nothing roomier is left */
            break;
        }
        if (cap_cpu[h] - used_cpu[h] >= z.vcpus) {
            used_mem[h] += z.mem;
            used_cpu[h] += z.vcpus;
            found = (long)h;
            heap_push(q, h);
        } else
            g_array_append_val(aside, h);
    }
    for (guint i = 0; i < aside->len; i++)
        heap_push(q, g_array_index(aside, size_t, i));
    return found;
}

static int cmp_size_desc(const void *a, const void *b)
{
    const vm_size *x = a, *y = b;
    if (x->mem != y->mem)
        return x->mem < y->mem ? 1 : -1;
    return (y->vcpus > x->vcpus) - (y->vcpus < x->vcpus);
}

/* Whether the VMs of the lost hosts fit on the others: largest first, each on
 * the surviving host with the most free memory, as golive's placement (and
 * Pacemaker's "balanced" placement-strategy) would put them. */
static bool evacuates(const bins *b, const bool *lost, double *mem_used, double *cpu_used)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(vm_size)), *aside = g_array_new(FALSE, FALSE, sizeof(size_t));
    memcpy(mem_used, b->mem_used, b->nh * sizeof(double));
    memcpy(cpu_used, b->cpu_used, b->nh * sizeof(double));
    g_autofree size_t *heap = g_new(size_t, b->nh);
    roomheap q = { .h = heap, .cap = b->mem_cap, .used = mem_used };
    for (size_t h = 0; h < b->nh; h++)
        if (lost[h])
            g_array_append_vals(out, b->vms[h]->data, b->vms[h]->len);
        else
            heap[q.n++] = h;
    heap_build(&q);
    g_array_sort(out, cmp_size_desc);
    bool ok = true;
    for (guint a = 0; a < out->len && ok; a++)
        ok = heap_place(&q, g_array_index(out, vm_size, a), mem_used, cpu_used, b->cpu_cap, aside) >= 0;
    g_array_free(out, TRUE);
    g_array_free(aside, TRUE);
    return ok;
}

/* The hosts whose loss alone cannot be absorbed (host indexes). */
static GArray *n_plus_1_failures(const bins *b, const bool *serves, size_t stop_after)
{
    GArray *bad = g_array_new(FALSE, FALSE, sizeof(size_t));
    bool *lost = g_new0(bool, b->nh);
    double *me = g_new(double, b->nh), *ce = g_new(double, b->nh);
    for (size_t h = 0; h < b->nh && bad->len < stop_after; h++) {
        if (serves[h] || !b->vms[h]->len)
            continue;
        lost[h] = true;
        if (!evacuates(b, lost, me, ce))
            g_array_append_val(bad, h);
        lost[h] = false;
    }
    g_free(lost);
    g_free(me);
    g_free(ce);
    return bad;
}

/* Adds k VMs of size z, each on the host with the most free memory where it
 * fits; false if they do not all fit. */
static bool add_spread(bins *b, vm_size z, int64_t k)
{
    g_autofree size_t *heap = g_new(size_t, b->nh);
    roomheap q = { .n = b->nh, .h = heap, .cap = b->mem_cap, .used = b->mem_used };
    for (size_t h = 0; h < b->nh; h++)
        heap[h] = h;
    heap_build(&q);
    GArray *aside = g_array_new(FALSE, FALSE, sizeof(size_t));
    bool ok = true;
    for (int64_t i = 0; i < k && ok; i++) {
        long h = heap_place(&q, z, b->mem_used, b->cpu_used, b->cpu_cap, aside);
        if (h < 0)
            ok = false;
        else
            g_array_append_val(b->vms[h], z);
    }
    g_array_free(aside, TRUE);
    return ok;
}

static bool parse_size(const char *text, vm_size *z, char **why)
{
    g_auto(GStrv) parts = g_strsplit(text, ":", 2);
    if (!parts[0] || !units_parse(UNITS_SIZE, parts[0], &z->mem, why) || !(z->mem > 0)) {
        if (!*why)
            *why = g_strdup("a memory size above zero");
        return false;
    }
    z->vcpus = 1;
    if (parts[1]) {
        char *end;
        long v = strtol(parts[1], &end, 10);
        if (end == parts[1] || *end || v < 1 || v > 4096) {
            *why = g_strdup("a vCPU count from 1 to 4096 after the colon");
            return false;
        }
        z->vcpus = (int)v;
    }
    return true;
}

/* ------------------------------------------------------------------ drains */

typedef struct {
    const scenario *sc;
    const size_t *hosts; /* the hosts to drain */
    sim_time until;
    gint next;
    size_t n;
    /* results, per drained host */
    double *window_s, *downtime_max_s;
    size_t *moved, *vms;
} drain_job;

static gpointer drain_worker(gpointer arg)
{
    drain_job *j = arg;
    for (;;) {
        size_t k = (size_t)g_atomic_int_add(&j->next, 1);
        if (k >= j->n)
            break;
        size_t h = j->hosts[k];
        /* a shallow copy: the same cluster, with only this drain on its
         * timeline and no random failures */
        scenario copy = *j->sc;
        scn_event ev = { .at = 0, .action = EV_DRAIN, .vm = -1, .to = -1, .host = (int)h, .rack = -1 };
        copy.events = &ev;
        copy.nevents = 1;
        copy.nfailures = 0;
        copy.until = j->until;
        for (size_t i = 0; i < copy.nvms; i++)
            j->vms[k] += copy.vms[i].host == (int)h;
        g_autoptr(GError) err = NULL;
        world *w = world_new(&copy, 0, &err);
        if (!w) {
            j->window_s[k] = NAN;
            continue;
        }
        world_stop_when_settled(w);
        world_run(w);
        sim_time last = 0;
        double worst = 0;
        for (size_t i = 0; i < world_nmigrations(w); i++) {
            const mig_result *m = world_migration(w, i);
            if (m->outcome != MIG_COMPLETED)
                continue;
            last = m->end > last ? m->end : last;
            j->moved[k]++;
            worst = fmax(worst, sim_to_s(m->downtime));
        }
        j->window_s[k] = sim_to_s(last);
        j->downtime_max_s[k] = worst;
        world_free(w);
    }
    return NULL;
}

/* ------------------------------------------------------------------ command */

static char *size_label(vm_size z)
{
    g_autofree char *m = units_format(UNITS_SIZE, z.mem);
    return g_strdup_printf("%s, %d vCPU%s", m, z.vcpus, z.vcpus == 1 ? "" : "s");
}

int cli_capacity(int argc, char **argv)
{
    gdouble mem_oc = 1.0, cpu_oc = 4.0;
    gint drains = 25, threads = 0;
    gchar *json_path = NULL, *csv_path = NULL;
    gchar **size_args = NULL;
    gboolean quiet = FALSE;
    GOptionEntry entries[] = {
        { "size", 0, 0, G_OPTION_ARG_STRING_ARRAY, &size_args,
          "A VM size to fit, MEMORY[:VCPUS] (e.g. 8GiB:4; repeatable; default: the scenario's sizes)", "SIZE" },
        { "mem-overcommit", 0, 0, G_OPTION_ARG_DOUBLE, &mem_oc, "Memory overcommit ratio (default 1.0)", "R" },
        { "cpu-overcommit", 0, 0, G_OPTION_ARG_DOUBLE, &cpu_oc, "vCPUs per physical core (default 4.0)", "R" },
        { "drains", 0, 0, G_OPTION_ARG_INT, &drains,
          "Simulate the drain of N hosts spread over the cluster (default 25; 0: none; every host when the cluster "
          "has no more)",
          "N" },
        { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads for the drains (default: all cores)", "T" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the answers as JSON to PATH (- for stdout)", "PATH" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write one CSV row per simulated host drain to PATH", "PATH" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No text on stdout", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
    g_option_context_set_summary(ctx, "How many more VMs of each size fit, whether the cluster survives the loss of "
                                      "any host (N+1) or any rack, and how long draining a host takes.");
    g_option_context_set_description(ctx, "Fitting and the loss checks count memory and vCPUs (after overcommit) "
                                          "on every host that may run VMs; evacuated and added VMs go, largest "
                                          "first, to the host with the most free memory. The drains are simulated "
                                          "with the scenario's links, migration settings and limits.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) gerr = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "golive capacity: %s\n", gerr->message);
        return CLI_EXIT_USAGE;
    }
    if (argc != 2 || !(mem_oc > 0) || !(cpu_oc > 0) || drains < 0 || threads < 0) {
        fprintf(stderr, "golive capacity: %s\nUsage: golive capacity FILE [OPTION...]\n",
                argc != 2 ? "expected one scenario file"
                          : "the overcommit ratios must be above zero, --drains and --threads not negative");
        g_strfreev(size_args);
        return CLI_EXIT_USAGE;
    }
    GArray *sizes = g_array_new(FALSE, FALSE, sizeof(vm_size));
    for (size_t i = 0; size_args && size_args[i]; i++) {
        vm_size z;
        char *why = NULL;
        if (!parse_size(size_args[i], &z, &why)) {
            fprintf(stderr, "golive capacity: --size %s: expected %s\n", size_args[i], why);
            g_free(why);
            g_strfreev(size_args);
            g_array_free(sizes, TRUE);
            return CLI_EXIT_USAGE;
        }
        g_array_append_val(sizes, z);
    }
    g_strfreev(size_args);
    const char *paths[] = { json_path, csv_path };
    if (!output_check_paths("capacity", paths, G_N_ELEMENTS(paths))) {
        g_array_free(sizes, TRUE);
        return CLI_EXIT_USAGE;
    }

    scenario *sc = load_scenario(argv[1]);
    if (!sc) {
        g_array_free(sizes, TRUE);
        return CLI_EXIT_USAGE;
    }

    size_t nh = sc->nhosts;
    bool *serves = g_new0(bool, nh);
    if (sc->storage.server_host >= 0)
        serves[sc->storage.server_host] = true;
    if (sc->cluster.qdevice_host >= 0)
        serves[sc->cluster.qdevice_host] = true;
    bins b = { .nh = nh };
    b.mem_cap = g_new0(double, nh);
    b.cpu_cap = g_new0(double, nh);
    b.mem_used = g_new0(double, nh);
    b.cpu_used = g_new0(double, nh);
    b.vms = g_new(GArray *, nh);
    double mem_total = 0, cpu_total = 0, mem_used = 0, cpu_used = 0;
    for (size_t h = 0; h < nh; h++) {
        b.vms[h] = g_array_new(FALSE, FALSE, sizeof(vm_size));
        if (!serves[h]) {
            b.mem_cap[h] = sc->hosts[h].memory * mem_oc;
            b.cpu_cap[h] = sc->hosts[h].cores * cpu_oc;
        }
        mem_total += b.mem_cap[h];
        cpu_total += b.cpu_cap[h];
    }
    for (size_t i = 0; i < sc->nvms; i++) {
        vm_size z = { sc->vms[i].memory, sc->vms[i].vcpus };
        bins_add(&b, (size_t)sc->vms[i].host, z);
        mem_used += z.mem;
        cpu_used += z.vcpus;
    }
    if (!sizes->len) {
        /* the scenario's own sizes, largest first */
        for (size_t i = 0; i < sc->nvms; i++) {
            vm_size z = { sc->vms[i].memory, sc->vms[i].vcpus };
            bool seen = false;
            for (guint k = 0; k < sizes->len && !seen; k++)
                seen = !cmp_size_desc(&g_array_index(sizes, vm_size, k), &z);
            if (!seen)
                g_array_append_val(sizes, z);
        }
        g_array_sort(sizes, cmp_size_desc);
    }

    json_object *root = json_object_new_object();
    json_object_object_add(root, "golive", json_object_new_int(1));
    json_object_object_add(root, "scenario", json_object_new_string(sc->name));
    json_object_object_add(root, "hosts", json_object_new_int64((int64_t)nh));
    json_object_object_add(root, "vms", json_object_new_int64((int64_t)sc->nvms));
    json_object_object_add(root, "memory_overcommit", json_object_new_double(mem_oc));
    json_object_object_add(root, "vcpus_per_core", json_object_new_double(cpu_oc));
    json_object_object_add(root, "memory_bytes", json_object_new_double(mem_total));
    json_object_object_add(root, "memory_used_bytes", json_object_new_double(mem_used));
    json_object_object_add(root, "vcpus", json_object_new_double(cpu_total));
    json_object_object_add(root, "vcpus_used", json_object_new_double(cpu_used));
    GString *txt = g_string_new(NULL);
    g_autofree char *mt = units_format(UNITS_SIZE, mem_total);
    g_string_append_printf(txt,
                           "%s: %zu hosts, %zu VMs\n"
                           "  memory %s, %.0f%% used (overcommit %g); vCPUs %.0f, %.0f%% used (%g per core)\n",
                           sc->name, nh, sc->nvms, mt, mem_total > 0 ? 100 * mem_used / mem_total : 0, mem_oc,
                           cpu_total, cpu_total > 0 ? 100 * cpu_used / cpu_total : 0, cpu_oc);

    /* N+1 and rack loss, as the cluster is */
    GArray *bad = n_plus_1_failures(&b, serves, nh);
    json_object *bad_hosts = json_object_new_array();
    for (guint k = 0; k < bad->len; k++)
        json_object_array_add(bad_hosts,
                              json_object_new_string(sc->hosts[g_array_index(bad, size_t, k)].name));
    bool np1 = bad->len == 0;
    json_object_object_add(root, "n_plus_1", json_object_new_boolean(np1));
    json_object_object_add(root, "hosts_whose_loss_cannot_be_absorbed", bad_hosts);
    g_string_append_printf(txt, "N+1: %s", np1 ? "yes, the VMs of any one lost host fit on the others" : "NO");
    if (!np1)
        g_string_append_printf(txt, ", the VMs of %u host%s would not fit elsewhere (first: %s)", bad->len,
                               bad->len == 1 ? "" : "s", sc->hosts[g_array_index(bad, size_t, 0)].name);
    g_string_append_c(txt, '\n');
    g_array_free(bad, TRUE);

    json_object *bad_racks = json_object_new_array();
    {
        GPtrArray *racks = g_ptr_array_new();
        GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
        for (size_t h = 0; h < nh; h++)
            if (sc->hosts[h].rack && g_hash_table_add(seen, sc->hosts[h].rack))
                g_ptr_array_add(racks, sc->hosts[h].rack);
        bool *lost = g_new0(bool, nh);
        double *me = g_new(double, nh), *ce = g_new(double, nh);
        for (guint k = 0; k < racks->len; k++) {
            for (size_t h = 0; h < nh; h++)
                lost[h] = sc->hosts[h].rack && !strcmp(sc->hosts[h].rack, g_ptr_array_index(racks, k));
            if (!evacuates(&b, lost, me, ce))
                json_object_array_add(bad_racks, json_object_new_string(g_ptr_array_index(racks, k)));
        }
        size_t nr = json_object_array_length(bad_racks);
        if (racks->len) {
            json_object_object_add(root, "rack_loss_absorbed", json_object_new_boolean(nr == 0));
            g_string_append_printf(txt, "loss of a rack (%u racks): %s", racks->len,
                                   nr ? "NOT absorbed" : "yes, the VMs of any one lost rack fit on the others");
            if (nr)
                g_string_append_printf(txt, " for %zu rack%s (first: %s)", nr, nr == 1 ? "" : "s",
                                       json_object_get_string(json_object_array_get_idx(bad_racks, 0)));
            g_string_append_c(txt, '\n');
        } else
            g_string_append(txt, "loss of a rack: no racks in the scenario\n");
        g_free(lost);
        g_free(me);
        g_free(ce);
        g_hash_table_destroy(seen);
        g_ptr_array_free(racks, TRUE);
    }
    json_object_object_add(root, "racks_whose_loss_cannot_be_absorbed", bad_racks);

    /* how many more fit, raw and while staying N+1 */
    json_object *jfit = json_object_new_array();
    if (sizes->len)
        g_string_append_printf(txt, "more VMs that fit, by size:\n  %-22s %10s %14s\n", "size", "now", "keeping N+1");
    else
        g_string_append(txt, "more VMs that fit: the scenario has no VMs; give sizes with --size MEMORY[:VCPUS]\n");
    for (guint k = 0; k < sizes->len; k++) {
        vm_size z = g_array_index(sizes, vm_size, k);
        int64_t fit = 0;
        for (size_t h = 0; h < nh; h++) {
            double a = floor(fmax(0, b.mem_cap[h] - b.mem_used[h]) / z.mem);
            double c = floor(fmax(0, b.cpu_cap[h] - b.cpu_used[h]) / z.vcpus);
            fit += (int64_t)fmin(a, c);
        }
        /* the largest count that, added spread out, leaves the cluster
         * N+1: a bisection (N+1 only gets harder as VMs are added) */
        int64_t keep = -1;
        if (np1) {
            int64_t lo = 0, hi = fit;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo + 1) / 2;
                bins *t = bins_copy(&b);
                bool ok = add_spread(t, z, mid);
                if (ok) {
                    GArray *f = n_plus_1_failures(t, serves, 1);
                    ok = f->len == 0;
                    g_array_free(f, TRUE);
                }
                bins_free(t);
                if (ok)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            keep = lo;
        }
        g_autofree char *label = size_label(z);
        g_autofree char *keep_txt = keep >= 0 ? g_strdup_printf("%" G_GINT64_FORMAT, keep) : g_strdup("-");
        g_string_append_printf(txt, "  %-22s %10" G_GINT64_FORMAT " %14s\n", label, fit, keep_txt);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "memory_bytes", json_object_new_double(z.mem));
        json_object_object_add(o, "vcpus", json_object_new_int(z.vcpus));
        json_object_object_add(o, "more", json_object_new_int64(fit));
        json_object_object_add(o, "more_keeping_n_plus_1", keep >= 0 ? json_object_new_int64(keep) : NULL);
        json_object_array_add(jfit, o);
    }
    json_object_object_add(root, "fit", jfit);

    /* the drains */
    GArray *cand = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (size_t h = 0; h < nh; h++)
        if (!serves[h] && b.vms[h]->len)
            g_array_append_val(cand, h);
    GArray *chosen = g_array_new(FALSE, FALSE, sizeof(size_t));
    size_t want = (size_t)drains < cand->len ? (size_t)drains : cand->len;
    for (size_t i = 0; i < want; i++) /* evenly spread over the candidates */
        g_array_append_val(chosen, g_array_index(cand, size_t, i * cand->len / want));
    drain_job job = { .sc = sc, .hosts = (size_t *)(void *)chosen->data, .n = chosen->len,
                      .until = sc->until == SIM_NEVER ? 7 * SIM_DAY : sc->until };
    job.window_s = g_new0(double, job.n);
    job.downtime_max_s = g_new0(double, job.n);
    job.moved = g_new0(size_t, job.n);
    job.vms = g_new0(size_t, job.n);
    int nt = threads > 0 ? threads : (int)g_get_num_processors();
    if ((size_t)nt > job.n)
        nt = (int)job.n;
    GThread **th = g_new(GThread *, nt > 0 ? nt : 1);
    for (int i = 1; i < nt; i++)
        th[i] = g_thread_new("drain", drain_worker, &job);
    if (job.n)
        drain_worker(&job);
    for (int i = 1; i < nt; i++)
        g_thread_join(th[i]);
    g_free(th);

    GString *csv = g_string_new("host,vms,moved,window_s,downtime_max_s\n");
    json_object *jd = json_object_new_array();
    if (job.n && job.n == cand->len)
        g_string_append_printf(txt, "drain of each host that runs VMs (simulated with the scenario's links and limits):\n");
    else if (job.n)
        g_string_append_printf(txt,
                               "drain of %zu of the %u hosts that run VMs, spread over the cluster (simulated with "
                               "the scenario's links and limits):\n",
                               job.n, cand->len);
    double wsum = 0, wmax = 0;
    size_t wn = 0;
    for (size_t k = 0; k < job.n; k++) {
        const char *name = sc->hosts[job.hosts[k]].name;
        double win = job.window_s[k];
        bool ok = !isnan(win);
        if (ok && job.moved[k] == job.vms[k]) {
            wsum += win;
            wmax = fmax(wmax, win);
            wn++;
        }
        g_autofree char *ws = ok ? units_format(UNITS_TIME, win) : g_strdup("-");
        g_autofree char *ds = ok ? units_format(UNITS_TIME, job.downtime_max_s[k]) : g_strdup("-");
        if (!ok)
            g_string_append_printf(txt, "  %-16s %4zu VM%s: the drain cannot be simulated\n", name, job.vms[k],
                                   job.vms[k] == 1 ? "" : "s");
        else if (job.moved[k] < job.vms[k]) {
            g_autofree char *until = units_format(UNITS_TIME, sim_to_s(job.until));
            g_string_append_printf(txt, "  %-16s %4zu VM%s: only %zu moved by the end (%s); the rest did not converge, "
                                        "failed or found no room\n",
                                   name, job.vms[k], job.vms[k] == 1 ? "" : "s", job.moved[k], until);
        } else
            g_string_append_printf(txt, "  %-16s %4zu VM%s in %10s, longest pause %8s\n", name, job.vms[k],
                                   job.vms[k] == 1 ? " " : "s", ws, ds);
        g_string_append_printf(csv, "%s,%zu,%zu,%.9g,%.9g\n", name, job.vms[k], job.moved[k], ok ? win : NAN,
                               ok ? job.downtime_max_s[k] : NAN);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "host", json_object_new_string(name));
        json_object_object_add(o, "vms", json_object_new_int64((int64_t)job.vms[k]));
        json_object_object_add(o, "moved", json_object_new_int64((int64_t)job.moved[k]));
        json_object_object_add(o, "window_s", ok ? json_object_new_double(win) : NULL);
        json_object_object_add(o, "downtime_max_s", ok ? json_object_new_double(job.downtime_max_s[k]) : NULL);
        json_object_array_add(jd, o);
    }
    if (wn) {
        g_autofree char *mean = units_format(UNITS_TIME, wsum / (double)wn), *mx = units_format(UNITS_TIME, wmax);
        g_string_append_printf(txt, "  drain time: mean %s, longest %s\n", mean, mx);
    }
    json_object_object_add(root, "drains", jd);

    int rc = CLI_EXIT_OK;
    if (!output_report("capacity", json_path, root, csv_path, csv->str))
        rc = CLI_EXIT_FAILURE;
    if (!quiet && !(json_path && !strcmp(json_path, "-")) && !(csv_path && !strcmp(csv_path, "-")))
        fputs(txt->str, stdout);
    g_string_free(txt, TRUE);
    g_string_free(csv, TRUE);
    json_object_put(root);
    g_free(job.window_s);
    g_free(job.downtime_max_s);
    g_free(job.moved);
    g_free(job.vms);
    g_array_free(chosen, TRUE);
    g_array_free(cand, TRUE);
    g_array_free(sizes, TRUE);
    for (size_t h = 0; h < nh; h++)
        g_array_free(b.vms[h], TRUE);
    g_free(b.vms);
    g_free(b.mem_cap);
    g_free(b.cpu_cap);
    g_free(b.mem_used);
    g_free(b.cpu_used);
    g_free(serves);
    scenario_free(sc);
    g_free(json_path);
    g_free(csv_path);
    return rc;
}
