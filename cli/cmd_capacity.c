/* golive capacity FILE — the answers of models/capacity as text, JSON and
 * CSV: how many more VMs of each size fit (with memory and vCPU overcommit),
 * also while keeping the cluster N+1; whether it survives the loss of any
 * one host and of any one rack; and how long draining a host takes. */
#include "cli/cmd_capacity.h"

#include <glib.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/csv.h"
#include "cli/load.h"
#include "cli/buildinfo.h"
#include "cli/html.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "models/capacity.h"
#include "models/units.h"

/* "16" is 16 bytes to the units parser but 16 GiB to whoever typed it: a
 * size on the command line names its unit. */
static bool ends_in_digit(const char *t)
{
    size_t n = strlen(t);
    while (n > 0 && g_ascii_isspace(t[n - 1]))
        n--;
    return n > 0 && (g_ascii_isdigit(t[n - 1]) || t[n - 1] == '.');
}

static bool parse_bytes(const char *t, const char *what, double *out, char **why)
{
    if (ends_in_digit(t)) {
        *why = g_strdup_printf("a %s size with its unit, such as %sGiB (a bare number would be bytes)", what, t);
        return false;
    }
    if (!units_parse(UNITS_SIZE, t, out, why)) {
        g_free(*why);
        *why = g_strdup_printf("a %s size such as 16GiB", what);
        return false;
    }
    return true;
}

static bool parse_size(const char *text, capacity_size *z, char **why)
{
    g_auto(GStrv) parts = g_strsplit(text, ":", 3);
    if (!parts[0] || !parse_bytes(parts[0], "memory", &z->mem, why))
        return false;
    if (!(z->mem > 0)) {
        *why = g_strdup("a memory size above zero");
        return false;
    }
    z->vcpus = 1;
    z->disk = 0;
    if (parts[1]) {
        char *end;
        long v = strtol(parts[1], &end, 10);
        if (end == parts[1] || *end || v < 1 || v > 4096) {
            *why = g_strdup("a vCPU count from 1 to 4096 after the colon");
            return false;
        }
        z->vcpus = (int)v;
        if (parts[2] && !parse_bytes(parts[2], "disk", &z->disk, why))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ command */

static void tick(void *bar) { progress_tick(bar); }

static char *size_label(capacity_size z)
{
    g_autofree char *m = units_format(UNITS_SIZE, z.mem), *d = units_format(UNITS_SIZE, z.disk);
    if (z.disk > 0)
        return g_strdup_printf("%s, %d vCPU%s, %s disk", m, z.vcpus, z.vcpus == 1 ? "" : "s", d);
    return g_strdup_printf("%s, %d vCPU%s", m, z.vcpus, z.vcpus == 1 ? "" : "s");
}

int cli_capacity(int argc, char **argv)
{
    gdouble mem_oc = 1.0, cpu_oc = 4.0;
    gint drains = 25, threads = 0;
    gchar *json_path = NULL, *csv_path = NULL;
    g_autofree gchar *html_path = NULL;
    g_autofree char *command = html_command_line(argc, argv);
    gchar **size_args = NULL;
    gboolean quiet = FALSE;
    g_autofree gchar *max_input = NULL;
    GOptionEntry entries[] = {
        LOAD_OPTION_ENTRY(&max_input),
        { "size", 0, 0, G_OPTION_ARG_STRING_ARRAY, &size_args,
          "A VM size to fit, MEMORY[:VCPUS[:DISK]] (e.g. 8GiB:4:100GiB; repeatable; default: the scenario's sizes)",
          "SIZE" },
        { "mem-overcommit", 0, 0, G_OPTION_ARG_DOUBLE, &mem_oc, "Memory overcommit ratio (default 1.0)", "R" },
        { "cpu-overcommit", 0, 0, G_OPTION_ARG_DOUBLE, &cpu_oc, "vCPUs per physical core (default 4.0)", "R" },
        { "drains", 0, 0, G_OPTION_ARG_INT, &drains,
          "Simulate the drain of N hosts spread over the cluster (default 25; 0: none; every host when the cluster "
          "has no more)",
          "N" },
        { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads for the drains (default: all cores)", "T" },
        { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write the answers as JSON to PATH (- for stdout)", "PATH" },
        { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write one CSV row per simulated host drain to PATH", "PATH" },
        { "html", 0, 0, G_OPTION_ARG_FILENAME, &html_path,
          "Write one self-contained page to FILE: the answer, the assumptions and the warnings", "FILE" },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No text on stdout", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
    g_option_context_set_summary(ctx, "How many more VMs of each size fit, whether the cluster survives the loss of "
                                      "any host (N+1) or any rack, and how long draining a host takes.");
    g_option_context_set_description(ctx, "Fitting and the loss checks count memory and vCPUs (after overcommit) "
                                          "on every host that may run VMs; evacuated and added VMs go, largest "
                                          "first, to the host with the most free memory. The drains are simulated "
                                          "with the scenario's links, migration settings and limits.\n" CLI_EXIT_HELP);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) gerr = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "golive capacity: %s\n", gerr->message);
        return CLI_EXIT_USAGE;
    }
    /* a ratio past a thousand is a typo (real ones are 1-4 for memory, up to
     * a few dozen vCPUs per core), and would overflow the counts */
    if (argc != 2 || !(mem_oc > 0) || !(cpu_oc > 0) || !(mem_oc <= 1000) || !(cpu_oc <= 1000) || drains < 0 ||
        threads < 0) {
        fprintf(stderr, "golive capacity: %s\nUsage: golive capacity FILE [OPTION...]\n",
                argc != 2 ? "expected one scenario file"
                          : "the overcommit ratios must be numbers above zero and at most 1000, --drains and "
                            "--threads not negative");
        g_strfreev(size_args);
        return CLI_EXIT_USAGE;
    }
    GArray *sizes = g_array_new(FALSE, FALSE, sizeof(capacity_size));
    for (size_t i = 0; size_args && size_args[i]; i++) {
        capacity_size z;
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
    const char *paths[] = { json_path, csv_path, html_path };
    const char *ins[] = { argv[1] };
    if (!output_check_all("capacity", paths, G_N_ELEMENTS(paths), ins, 1, NULL)) {
        g_array_free(sizes, TRUE);
        return CLI_EXIT_USAGE;
    }

    /* no partial answer: a signal ends it at once, nothing written */
    interrupt_install();
    interrupt_immediate(true);
    load_limit lim = { 0 };
    scenario *sc = load_limit_init(&lim, "capacity", max_input) ? load_scenario(argv[1], &lim) : NULL;
    load_limit_clear(&lim);
    if (!sc) {
        g_array_free(sizes, TRUE);
        return CLI_EXIT_USAGE;
    }

    size_t nh = sc->nhosts;
    capacity *cap = capacity_new(sc, mem_oc, cpu_oc);
    double mem_total, mem_used, cpu_total, cpu_used;
    capacity_totals(cap, &mem_total, &mem_used, &cpu_total, &cpu_used);
    if (!sizes->len) {
        g_array_free(sizes, TRUE);
        sizes = capacity_sizes(sc);
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
                           "%s: %zu host%s, %zu VM%s\n"
                           "  memory %s, %.0f%% used (overcommit %g); vCPUs %.0f, %.0f%% used (%g per core)\n",
                           sc->name, nh, nh == 1 ? "" : "s", sc->nvms, sc->nvms == 1 ? "" : "s", mt,
                           mem_total > 0 ? 100 * mem_used / mem_total : 0, mem_oc, cpu_total,
                           cpu_total > 0 ? 100 * cpu_used / cpu_total : 0, cpu_oc);
    /* the disks: per host, in a pool, or not known */
    double disk_cap, disk_used;
    capacity_disks dk = capacity_disk_totals(cap, &disk_cap, &disk_used);
    json_object *jdisk = json_object_new_object();
    static const char *const disk_modes[] = { "unchecked", "local", "pool" };
    json_object_object_add(jdisk, "checked", json_object_new_string(disk_modes[dk]));
    json_object_object_add(jdisk, "capacity_bytes", dk ? json_object_new_double(disk_cap) : NULL);
    json_object_object_add(jdisk, "used_bytes", dk ? json_object_new_double(disk_used) : NULL);
    json_object_object_add(root, "disks", jdisk);
    if (dk) {
        g_autofree char *dc = units_format(UNITS_SIZE, disk_cap), *du = units_format(UNITS_SIZE, disk_used);
        g_string_append_printf(txt, "  disks: %s of images in %s %s\n", du, dc,
                               dk == CAPACITY_DISKS_LOCAL ? "on the hosts' own disks"
                               : sc->storage.type == STORAGE_CEPH
                                   ? "of pool (raw disks x 95% full ratio / copies)"
                                   : "of DRBD (every node holds every image: its smallest node)");
    } else
        g_string_append_printf(txt, "  disks: not checked (%s)\n",
                               sc->storage.type == STORAGE_NFS || sc->storage.type == STORAGE_ISCSI
                                   ? "the images are on the storage server, whose size the scenario does not give"
                                   : "give hosts[].disk_size to check them");
    size_t unplaced;
    const GArray *over = capacity_overfull(cap, &unplaced);
    json_object *jover = json_object_new_array();
    for (guint k = 0; k < over->len; k++) {
        size_t h = g_array_index(over, size_t, k);
        json_object_array_add(jover, json_object_new_string(sc->hosts[h].name));
    }
    json_object_object_add(root, "hosts_over_capacity", jover);
    json_object_object_add(root, "vms_without_room", json_object_new_int64((int64_t)unplaced));
    if (over->len) {
        size_t h = g_array_index(over, size_t, 0);
        double used = 0;
        int vc = 0;
        for (size_t i = 0; i < sc->nvms; i++)
            if (sc->vms[i].host == (int)h) {
                used += sc->vms[i].memory;
                vc += sc->vms[i].vcpus;
            }
        g_autofree char *u = units_format(UNITS_SIZE, used), *m = units_format(UNITS_SIZE, sc->hosts[h].memory * mem_oc);
        g_string_append_printf(txt,
                               "  %u host%s start over capacity (first: %s, %s of %s memory, %d of %.0f vCPUs): the "
                               "answers below count their excess VMs as moved to the roomiest hosts",
                               over->len, over->len == 1 ? "" : "s", sc->hosts[h].name, u, m, vc,
                               sc->hosts[h].cores * cpu_oc);
        if (unplaced)
            g_string_append_printf(txt, "; %zu VM%s find no room anywhere: the cluster is already full", unplaced,
                                   unplaced == 1 ? "" : "s");
        g_string_append(txt, "\n");
    }

    /* N+1 and rack loss, as the cluster is */
    GArray *bad = capacity_host_losses(cap, nh);
    json_object *bad_hosts = json_object_new_array();
    for (guint k = 0; k < bad->len; k++)
        json_object_array_add(bad_hosts,
                              json_object_new_string(sc->hosts[g_array_index(bad, size_t, k)].name));
    bool np1 = bad->len == 0 && unplaced == 0;
    json_object_object_add(root, "n_plus_1", json_object_new_boolean(np1));
    json_object_object_add(root, "hosts_whose_loss_cannot_be_absorbed", bad_hosts);
    g_string_append_printf(txt, "N+1: %s", np1 ? "yes, the VMs of any one lost host fit on the others" : "NO");
    if (unplaced)
        g_string_append(txt, ", some VMs fit nowhere already");
    else if (!np1)
        g_string_append_printf(txt, ", the VMs of %u host%s would not fit elsewhere (first: %s)", bad->len,
                               bad->len == 1 ? "" : "s", sc->hosts[g_array_index(bad, size_t, 0)].name);
    g_string_append_c(txt, '\n');
    g_array_free(bad, TRUE);

    size_t nracks;
    GPtrArray *lost_racks = capacity_rack_losses(cap, &nracks);
    json_object *bad_racks = json_object_new_array();
    for (guint k = 0; k < lost_racks->len; k++)
        json_object_array_add(bad_racks, json_object_new_string(g_ptr_array_index(lost_racks, k)));
    size_t nr = lost_racks->len;
    if (nracks) {
        json_object_object_add(root, "rack_loss_absorbed", json_object_new_boolean(nr == 0));
        g_string_append_printf(txt, "loss of a rack (%zu racks): %s", nracks,
                               nr ? "NOT absorbed" : "yes, the VMs of any one lost rack fit on the others");
        if (nr)
            g_string_append_printf(txt, " for %zu rack%s (first: %s)", nr, nr == 1 ? "" : "s",
                                   (char *)g_ptr_array_index(lost_racks, 0));
        g_string_append_c(txt, '\n');
    } else
        g_string_append(txt, "loss of a rack: no racks in the scenario\n");
    g_ptr_array_free(lost_racks, TRUE);
    json_object_object_add(root, "racks_whose_loss_cannot_be_absorbed", bad_racks);

    /* how many more fit, raw and while staying N+1 */
    json_object *jfit = json_object_new_array();
    if (sizes->len)
        g_string_append_printf(txt, "more VMs that fit, by size:\n  %-34s %8s %12s  %s\n", "size", "now",
                               "keeping N+1", "binding (hosts where memory / vCPUs / disks run out first)");
    else
        g_string_append(txt, "more VMs that fit: the scenario has no VMs; give sizes with --size MEMORY[:VCPUS[:DISK]]\n");
    /* Ganeti's hspace names the resource an allocation failed on */
    static const char *const failname[] = { "FAILMEM", "FAILCPU", "FAILDISK" };
    static const char *const bindname[] = { "memory", "vcpus", "disk", "pool" };
    progress *fits = progress_new("sizes fitted", sizes->len);
    for (guint k = 0; k < sizes->len; k++) {
        capacity_size z = g_array_index(sizes, capacity_size, k);
        capacity_fit_result fr;
        capacity_fit(cap, z, &fr);
        progress_tick(fits);
        int64_t fit = fr.more, keep = fr.keeping;
        g_autofree char *label = size_label(z);
        g_autofree char *keep_txt = keep >= 0 ? g_strdup_printf("%" G_GINT64_FORMAT, keep) : g_strdup("-");
        GString *why = g_string_new(NULL);
        if (fr.binding == CAPACITY_POOL) {
            g_autofree char *room = units_format(UNITS_SIZE, fmax(0, disk_cap - disk_used));
            g_string_append_printf(why, "the storage pool (%s free holds %" G_GINT64_FORMAT ")", room, fr.pool);
        } else {
            g_string_append(why, bindname[fr.binding]);
            g_string_append_printf(why, " (%s %zu / %s %zu / %s %zu)", failname[0], fr.fail[0], failname[1], fr.fail[1],
                                   failname[2], fr.fail[2]);
        }
        g_string_append_printf(txt, "  %-34s %8" G_GINT64_FORMAT " %12s  %s\n", label, fit, keep_txt, why->str);
        g_string_free(why, TRUE);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "memory_bytes", json_object_new_double(z.mem));
        json_object_object_add(o, "vcpus", json_object_new_int(z.vcpus));
        json_object_object_add(o, "disk_bytes", json_object_new_double(z.disk));
        json_object_object_add(o, "more", json_object_new_int64(fit));
        json_object_object_add(o, "more_keeping_n_plus_1", keep >= 0 ? json_object_new_int64(keep) : NULL);
        json_object_object_add(o, "binding", json_object_new_string(bindname[fr.binding]));
        json_object *jf = json_object_new_object();
        for (int i = 0; i < 3; i++)
            json_object_object_add(jf, failname[i], json_object_new_int64((int64_t)fr.fail[i]));
        json_object_object_add(o, "hosts_by_binding", jf);
        json_object_object_add(o, "pool_holds", fr.pool >= 0 ? json_object_new_int64(fr.pool) : NULL);
        json_object_array_add(jfit, o);
    }
    progress_free(fits);
    json_object_object_add(root, "fit", jfit);

    /* the drains, evenly spread over the hosts that run VMs */
    GArray *cand = capacity_drain_candidates(cap);
    GArray *chosen = g_array_new(FALSE, FALSE, sizeof(size_t));
    size_t want = (size_t)drains < cand->len ? (size_t)drains : cand->len;
    for (size_t i = 0; i < want; i++)
        g_array_append_val(chosen, g_array_index(cand, size_t, i * cand->len / want));
    sim_time until = sc->until == SIM_NEVER ? 7 * SIM_DAY : sc->until;
    size_t nd = chosen->len;
    progress *bar = progress_new("drains", nd);
    capacity_drain *dr = capacity_drains_ticking(sc, (size_t *)(void *)chosen->data, nd, until,
                                                 threads > 0 ? threads : (int)g_get_num_processors(), tick, bar);
    progress_free(bar);

    GString *csv = g_string_new("host,vms,moved,window_s,downtime_max_s\n");
    json_object *jd = json_object_new_array();
    if (nd && nd == cand->len)
        g_string_append_printf(txt, "drain of each host that runs VMs (simulated with the scenario's links and limits):\n");
    else if (nd)
        g_string_append_printf(txt,
                               "drain of %zu of the %u hosts that run VMs, spread over the cluster (simulated with "
                               "the scenario's links and limits):\n",
                               nd, cand->len);
    double wsum = 0, wmax = 0;
    size_t wn = 0;
    for (size_t k = 0; k < nd; k++) {
        const capacity_drain *d = &dr[k];
        const char *name = sc->hosts[d->host].name;
        double win = d->window_s;
        bool ok = !isnan(win);
        if (ok && d->moved == d->vms) {
            wsum += win;
            wmax = fmax(wmax, win);
            wn++;
        }
        g_autofree char *ws = ok ? units_format(UNITS_TIME, win) : g_strdup("-");
        g_autofree char *ds = ok ? units_format(UNITS_TIME, d->downtime_max_s) : g_strdup("-");
        if (!ok)
            g_string_append_printf(txt, "  %-16s %4zu VM%s: the drain cannot be simulated\n", name, d->vms,
                                   d->vms == 1 ? "" : "s");
        else if (d->moved < d->vms) {
            g_autofree char *end = units_format(UNITS_TIME, sim_to_s(until));
            g_string_append_printf(txt, "  %-16s %4zu VM%s: only %zu moved by the end (%s): %zu found no host with room, %zu "
                                        "did not converge, %zu failed\n",
                                   name, d->vms, d->vms == 1 ? "" : "s", d->moved, end, d->no_room, d->not_converged,
                                   d->vms - d->moved - d->no_room - d->not_converged);
        } else
            g_string_append_printf(txt, "  %-16s %4zu VM%s in %10s, longest pause %8s\n", name, d->vms,
                                   d->vms == 1 ? " " : "s", ws, ds);
        g_autofree char *cname = csv_field(name);
        g_string_append_printf(csv, "%s,%zu,%zu,%.9g,%.9g\n", cname, d->vms, d->moved, ok ? win : NAN,
                               ok ? d->downtime_max_s : NAN);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "host", json_object_new_string(name));
        json_object_object_add(o, "vms", json_object_new_int64((int64_t)d->vms));
        json_object_object_add(o, "moved", json_object_new_int64((int64_t)d->moved));
        json_object_object_add(o, "no_room", json_object_new_int64((int64_t)d->no_room));
        json_object_object_add(o, "not_converged", json_object_new_int64((int64_t)d->not_converged));
        json_object_object_add(o, "window_s", ok ? json_object_new_double(win) : NULL);
        json_object_object_add(o, "downtime_max_s", ok ? json_object_new_double(d->downtime_max_s) : NULL);
        json_object_array_add(jd, o);
    }
    if (wn) {
        g_autofree char *mean = units_format(UNITS_TIME, wsum / (double)wn), *mx = units_format(UNITS_TIME, wmax);
        g_string_append_printf(txt, "  drain time: mean %s, longest %s\n", mean, mx);
    }
    json_object_object_add(root, "drains", jd);
    assume_counts as;
    assume_counts_init(&as);
    for (size_t k = 0; k < nd; k++)
        assume_counts_add(&as, &dr[k].assumed);
    /* the bins themselves: every answer above counts hosts' memory and
     * cores and VMs' vCPUs */
    assume_use(&as, sc, AS_HOST_MEMORY, -1);
    assume_use(&as, sc, AS_HOST_CORES, -1);
    for (size_t i = 0; i < sc->nvms; i++)
        assume_use(&as, sc, AS_VM_VCPUS, (int)i);
    assume_json_attach(root, assume_json(sc, &as, NULL, 1, until));
    assume_text(sc, &as, NULL, 1, until, false, txt);

    int rc = CLI_EXIT_OK;
    g_autofree char *page = NULL;
    if (html_path) {
        g_autofree char *title = g_strdup_printf("golive capacity: %s", sc->name);
        html *h = html_new(title);
        html_report_common(h, root, sc->description);
        html_section(h, "How many more VMs fit, and how long a drain takes");
        html_pre(h, txt->str);
        page = html_finish(h, command, cli_version());
    }
    if (!output_report("capacity", json_path, root, csv_path, csv->str, html_path, page))
        rc = CLI_EXIT_FAILURE;
    if (!quiet && !(json_path && !strcmp(json_path, "-")) && !(csv_path && !strcmp(csv_path, "-")))
        fputs(txt->str, stdout);
    g_string_free(txt, TRUE);
    g_string_free(csv, TRUE);
    json_object_put(root);
    g_free(dr);
    g_array_free(chosen, TRUE);
    g_array_free(cand, TRUE);
    g_array_free(sizes, TRUE);
    capacity_free(cap);
    scenario_free(sc);
    g_free(json_path);
    g_free(csv_path);
    return rc;
}
