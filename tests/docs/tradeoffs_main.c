/* Writes docs/storage-tradeoffs.md from real runs (`make docs`): for each
 * storage design, the same four situations - a live migration, a cut of the
 * storage or replication network, a node crash, a split of the cluster -
 * played on the design's shipped scenario, with golive's own numbers. Never
 * edit the output by hand. */
#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "models/lint.h"
#include "models/units.h"
#include "models/world.h"

typedef struct {
    const char *file, *title, *lesson;
} design;

/* The lessons are the models' rules in words (docs/models.md); every number
 * below them comes from the runs. */
static const design designs[] = {
    { "nfs-san", "NFS filer",
      "Every disk is a file on one server. Migration moves only RAM; the filer and its network are single points of "
      "failure: with a hard mount, IO hangs (it does not fail) until the filer is back. With no cluster manager, "
      "nothing restarts the VMs of a dead node." },
    { "iscsi-no-lock", "iSCSI LUN, no lock layer, no STONITH",
      "A shared LUN with nothing to stop two hosts writing the same volume. When the nodes lose each other but "
      "not the LUN, each boots the other's VMs: two writers on one disk, silent corruption." },
    { "iscsi-clvm-sanlock", "iSCSI LUN with lvmlockd + sanlock",
      "sanlock leases on the LUN itself: a VM runs only where its lease is held, so a split cannot start a "
      "second copy; a dead node's lease frees only 140 s after its last renewal, which is what a restart waits." },
    { "iscsi-gfs2", "iSCSI LUN with GFS2 (DLM)",
      "A cluster file system needs the DLM for nearly every IO: when a node is lost, the whole file system "
      "freezes on every node until the node is fenced and its journal replayed." },
    { "drbd84-dual-primary", "DRBD 8.4 dual-primary, resource-and-stonith",
      "Two nodes, each with a full copy. A cut replication link freezes IO and fences one node: a stall of "
      "seconds instead of diverging data." },
    { "drbd84-dual-primary-no-fencing", "DRBD 8.4 dual-primary, fencing dont-care",
      "The same two copies without fencing: a cut replication link leaves both primaries writing their own "
      "copy - split brain, noticed only when the link returns, and resolved by throwing one side away." },
    { "drbd9-three-node", "DRBD 9, three nodes, quorum majority",
      "Three copies and a quorum: a node that loses the majority suspends its IO instead of diverging, so no "
      "fencing is needed to stay consistent - at the price of a frozen VM on the isolated node." },
    { "ceph-rbd-three-node", "Ceph RBD, three nodes, size 3 / min_size 2",
      "Objects replicated on three hosts by placement rules, monitors in a Paxos quorum: a lost copy stalls IO "
      "for the failure detection, too few copies block it. Ceph blocks; it never splits." },
};

typedef struct {
    const char *title;
    char *events; /* JSON array text */
} situation;

static const char *str(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

/* The base scenario with its events replaced. */
static scenario *variant(const char *path, const char *events, GPtrArray *errors)
{
    json_object *root = json_object_from_file(path);
    if (!root)
        return NULL;
    json_object_object_add(root, "events", json_tokener_parse(events));
    json_object_object_add(root, "until", json_object_new_string("10min"));
    json_object_object_del(root, "failures");
    const char *text = json_object_to_json_string(root);
    scenario *sc = scenario_load_text(path, text, strlen(text), errors);
    json_object_put(root);
    return sc;
}

static void describe(world *w, const scenario *sc)
{
    for (size_t i = 0; i < world_nmigrations(w); i++) {
        const mig_result *m = world_migration(w, i);
        g_autofree char *dt = m->downtime >= 0 ? units_format(UNITS_TIME, sim_to_s(m->downtime)) : g_strdup("-");
        g_autofree char *tt = m->end >= 0 ? units_format(UNITS_TIME, sim_to_s(m->end - m->start)) : g_strdup("-");
        printf("- %s migration of %s, %s -> %s: %s in %s, VM paused %s.\n", m->restart ? "Cold (stop + start)" : "Live",
               sc->vms[m->vm].name, sc->hosts[m->from].name, sc->hosts[m->to].name, mig_outcome_name(m->outcome), tt,
               dt);
    }
    if (world_nincidents(w) == 0) {
        printf("- Nothing any VM's users would notice%s.\n", world_nmigrations(w) ? " beyond the pause" : "");
        return;
    }
    bool split = false;
    for (size_t i = 0; i < world_nincidents(w); i++) {
        const world_incident *in = world_incident_get(w, i);
        g_autofree char *len = units_format(UNITS_TIME, sim_to_s(in->end - in->start));
        g_autofree char *at = units_format(UNITS_TIME, sim_to_s(in->start));
        printf("- %s `%s` (%s) at %s for %s", in->vm >= 0 ? sc->vms[in->vm].name : "cluster:", in->kind, in->resource,
               at, len);
        if (in->diverged_bytes > 0) {
            g_autofree char *d = units_format(UNITS_SIZE, in->diverged_bytes),
                            *x = units_format(UNITS_SIZE, in->discarded_bytes);
            printf(": %s diverged, %s to throw away", d, x);
        }
        printf(".\n");
        split |= !strcmp(in->kind, "split-brain") || !strcmp(in->kind, "double-writer");
    }
    printf("- %s\n", split ? "**Data diverged: split brain.**" : "No data diverged.");
}

int main(void)
{
    printf("# Storage designs and what breaks them\n\n"
           "Generated by `make docs` from real runs; do not edit by hand. Each design below is a shipped\n"
           "scenario (`scenarios/NAME.json`: hosts, VMs, storage and cluster). golive replays the same four\n"
           "situations on each and lists what the VMs' users would see:\n\n"
           "1. a live migration of the first VM at 30 s;\n"
           "2. a cut of the storage or replication network from 1 min to 2 min;\n"
           "3. the crash of the node running the first VM at 1 min;\n"
           "4. a split of the cluster from 1 min to 3 min: that node loses the others, while a storage\n"
           "   server stays reachable from both sides.\n\n"
           "Times are from the start of the run. Put the same events in a scenario and run it with\n"
           "`build/golive run` (add `--trace trace.jsonl` to follow every step). The models and their\n"
           "sources are in docs/models.md; the year-long comparison at the end is\n"
           "`golive compare scenarios/*-year.json`.\n");
    for (size_t d = 0; d < G_N_ELEMENTS(designs); d++) {
        g_autofree char *path = g_strdup_printf("scenarios/%s.json", designs[d].file);
        json_object *root = json_object_from_file(path);
        if (!root) {
            fprintf(stderr, "tradeoffs: cannot read %s\n", path);
            return 1;
        }
        json_object *hosts = json_object_object_get(root, "hosts"), *vms = json_object_object_get(root, "vms");
        json_object *st = json_object_object_get(root, "storage");
        const char *vm0 = str(json_object_array_get_idx(vms, 0), "name");
        const char *node0 = str(json_object_array_get_idx(vms, 0), "host");
        const char *server = str(st, "server"), *snet = str(st, "network");
        /* another node: a host that is neither node0 nor the server */
        const char *other = NULL;
        GString *rest = g_string_new(NULL), *first = g_string_new(NULL);
        g_string_append_printf(first, "\"%s\"", node0);
        for (size_t h = 0; h < json_object_array_length(hosts); h++) {
            const char *n = str(json_object_array_get_idx(hosts, h), "name");
            if (!strcmp(n, node0))
                continue;
            if (server && !strcmp(n, server))
                continue; /* in no group: both sides still reach the storage */
            if (!other)
                other = n;
            g_string_append_printf(rest, "%s\"%s\"", rest->len ? "," : "", n);
        }
        const char *lan = str(json_object_array_get_idx(json_object_object_get(root, "networks"), 0), "name");
        g_autofree char *cut_target =
            snet ? g_strdup_printf("network:%s", snet) : g_strdup_printf("nic:%s/%s", server ? server : node0, lan);
        situation sits[] = {
            { "Live migration", g_strdup_printf("[{\"at\":\"30s\",\"action\":\"migrate\",\"vm\":\"%s\",\"to\":\"%s\"}]",
                                                vm0, other) },
            { NULL, g_strdup_printf("[{\"at\":\"1min\",\"action\":\"fail\",\"target\":\"%s\"},"
                                    "{\"at\":\"2min\",\"action\":\"repair\",\"target\":\"%s\"}]",
                                    cut_target, cut_target) },
            { NULL, g_strdup_printf("[{\"at\":\"1min\",\"action\":\"fail\",\"target\":\"host:%s\"}]", node0) },
            { NULL, g_strdup_printf("[{\"at\":\"1min\",\"action\":\"partition\",\"groups\":[[%s],[%s]]},"
                                    "{\"at\":\"3min\",\"action\":\"heal\"}]",
                                    first->str, rest->str) },
        };
        g_autofree char *t1 = g_strdup_printf("Storage or replication network cut (`%s`)", cut_target);
        g_autofree char *t2 = g_strdup_printf("Crash of %s", node0);
        g_autofree char *g1 = g_strdup(first->str), *g2 = g_strdup(rest->str);
        g_strdelimit(g1, "\"", ' ');
        g_strdelimit(g2, "\"", ' ');
        g_autofree char *t3 = g_strdup_printf("Cluster split: {%s} | {%s}", g1, g2);
        sits[1].title = t1;
        sits[2].title = t2;
        sits[3].title = t3;
        printf("\n## %s\n\n`scenarios/%s.json`. %s\n", designs[d].title, designs[d].file, designs[d].lesson);
        for (size_t s = 0; s < G_N_ELEMENTS(sits); s++) {
            g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
            g_autoptr(scenario) sc = variant(path, sits[s].events, errors);
            if (!sc) {
                fprintf(stderr, "tradeoffs: %s: %s\n", path, errors->len ? (char *)g_ptr_array_index(errors, 0) : "?");
                return 1;
            }
            g_autoptr(GError) err = NULL;
            world *w = world_new(sc, 0, &err);
            if (!w) {
                fprintf(stderr, "tradeoffs: %s\n", err->message);
                return 1;
            }
            world_run(w);
            printf("\n**%s**\n\n", sits[s].title);
            describe(w, sc);
            world_free(w);
            g_free(sits[s].events);
        }
        g_autoptr(GPtrArray) berr = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(scenario) base = scenario_load(path, berr);
        if (base) {
            g_autoptr(GPtrArray) risks = g_ptr_array_new_with_free_func(g_free);
            lint_scenario(base, risks);
            for (guint i = 0; i < risks->len; i++)
                printf("%s> lint: %s\n", i ? "" : "\n", (char *)g_ptr_array_index(risks, i));
        }
        g_string_free(rest, TRUE);
        g_string_free(first, TRUE);
        json_object_put(root);
    }
    return 0;
}
