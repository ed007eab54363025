/* cluster — the real cluster's failure cases through golive.
 *
 * Each case of tests/validation/cluster/corosync-pacemaker-2node.csv becomes
 * a two-node Pacemaker cluster (two_node, so wait_for_all; STONITH on or
 * off; the case's token), one small VM per node standing for the rig's Dummy
 * resources, and the fault at 10 s: a cut of node2's NIC, or the loss of
 * node2 (its corosync was killed). The rig's own fence and start times are
 * given to golive, read from tests/validation/cluster/trials-2node.csv: the
 * median, over the trials that fenced, of fence confirmed - fence requested
 * (the agent's work) and of resource started - fence confirmed (a Dummy
 * start). Nothing else is fitted. Each case runs `runs` times (other runs
 * draw other token phases and DC reactions); the medians, minima and maxima
 * of when the membership forms, the fence is confirmed and the first VM
 * starts elsewhere are compared with the measured ones.
 *
 * cluster_run_base does the same from a scenario made elsewhere (golive
 * import of the same cluster's CIB and corosync.conf): only the rig's
 * fence and start times, the fault and the end are set in it, and only the
 * cases whose STONITH and token the scenario has are run. */
#include "tests/validation/cluster.h"

#include <glib.h>
#include <json-c/json.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/world.h"

const char *const cluster_metric_names[CLUSTER_NMETRICS] = { "membership", "fence confirmed", "resource started" };

#define FAULT_S 10.0

char *cluster_off_tolerance(const cluster_case *c, int m)
{
    const char *what = cluster_metric_names[m];
    if (c->pred[m][0] < 0)
        return g_strdup_printf("%s: %s never happened in golive", c->id, what);
    double e = fabs(c->pred[m][0] - c->meas[m][0]) / c->meas[m][0];
    if (e > 0.10)
        return g_strdup_printf("%s: %s median %.3f s predicted, %.3f s measured (%.1f%%)", c->id, what, c->pred[m][0],
                               c->meas[m][0], 100 * e);
    /* the ranges overlap: golive's spread is not a point far from the measured one */
    if (c->pred[m][1] > c->meas[m][2] || c->pred[m][2] < c->meas[m][1])
        return g_strdup_printf("%s: %s golive %.3f-%.3f s, measured %.3f-%.3f s", c->id, what, c->pred[m][1],
                               c->pred[m][2], c->meas[m][1], c->meas[m][2]);
    return NULL;
}

static double median(double *v, size_t n)
{
    if (!n)
        return -1;
    gsl_sort(v, 1, n);
    return gsl_stats_median_from_sorted_data(v, 1, n);
}

/* The rig's fence and start times from the per-trial file next to csv. */
static bool rig_times(const char *csv, double *fence_s, double *start_s, char **err)
{
    g_autofree char *dir = g_path_get_dirname(csv);
    g_autofree char *path = g_build_filename(dir, "trials-2node.csv", NULL);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        *err = g_strdup_printf("cannot read %s", path);
        return false;
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_auto(GStrv) head = g_strsplit(lines[0], ",", -1);
    int req = -1, conf = -1, rsc = -1;
    for (int i = 0; head[i]; i++) {
        req = !strcmp(head[i], "fence_requested_first") ? i : req;
        conf = !strcmp(head[i], "fence_confirmed_first") ? i : conf;
        rsc = !strcmp(head[i], "rsc_recovered_first") ? i : rsc;
    }
    if (req < 0 || conf < 0 || rsc < 0) {
        *err = g_strdup_printf("%s: missing columns", path);
        return false;
    }
    double f[64], s[64];
    size_t nf = 0;
    for (int k = 1; lines[k] && nf < 64; k++) {
        if (!*g_strstrip(lines[k]))
            continue; /* a blank line */
        g_auto(GStrv) c = g_strsplit(lines[k], ",", -1);
        if (g_strv_length(c) != g_strv_length(head)) {
            *err = g_strdup_printf("%s:%d: %u columns, expected %u", path, k + 1, g_strv_length(c),
                                   g_strv_length(head));
            return false;
        }
        if (!*c[req] || !*c[conf] || !*c[rsc])
            continue; /* not fenced (no STONITH) */
        f[nf] = atof(c[conf]) - atof(c[req]);
        s[nf] = atof(c[rsc]) - atof(c[conf]);
        nf++;
    }
    if (!nf) {
        *err = g_strdup_printf("%s: no fenced trial", path);
        return false;
    }
    *fence_s = median(f, nf);
    *start_s = median(s, nf);
    return true;
}

static cluster_case *find_case(cluster_case *out, size_t *n, size_t max, const char *id)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(out[i].id, id))
            return &out[i];
    if (*n >= max)
        return NULL;
    cluster_case *c = &out[(*n)++];
    memset(c, 0, sizeof *c);
    g_strlcpy(c->id, id, sizeof c->id);
    for (int m = 0; m < CLUSTER_NMETRICS; m++)
        c->meas[m][0] = c->meas[m][1] = c->meas[m][2] = -1;
    c->token_ms = 3000;
    c->stonith = strstr(id, "nostonith") == NULL;
    c->crash = strstr(id, "crash") != NULL;
    return c;
}

/* The base scenario with the case's rig times, fault and end; NULL if it
 * is not JSON. */
static char *from_base(const cluster_case *c, const char *base)
{
    json_object *root = json_tokener_parse(base);
    json_object *cl = NULL, *net = NULL;
    if (!root || !json_object_object_get_ex(root, "cluster", &cl)) {
        json_object_put(root);
        return NULL;
    }
    g_autofree char *fence = g_strdup_printf("%.3fs", c->fence_s);
    g_autofree char *start = g_strdup_printf("%.3fs", c->start_s);
    json_object_object_add(cl, "fence_time", json_object_new_string(fence));
    json_object_object_add(cl, "vm_start", json_object_new_string(start));
    json_object_object_add(root, "until", json_object_new_string("60s"));
    json_object_object_get_ex(cl, "network", &net);
    g_autofree char *target = c->crash ? g_strdup("host:node2")
                                       : g_strdup_printf("nic:node2/%s", net ? json_object_get_string(net) : "lan");
    json_object *ev = json_object_new_object();
    g_autofree char *at = g_strdup_printf("%gs", FAULT_S);
    json_object_object_add(ev, "at", json_object_new_string(at));
    json_object_object_add(ev, "action", json_object_new_string("fail"));
    json_object_object_add(ev, "target", json_object_new_string(target));
    json_object *evs = json_object_new_array();
    json_object_array_add(evs, ev);
    json_object_object_add(root, "events", evs);
    char *text = g_strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return text;
}

/* When each metric first happened after the fault in one run, -1 if not. */
static void one_run(const cluster_case *c, const char *base, int run, double *t)
{
    g_autofree char *text = base ? from_base(c, base) : g_strdup_printf(
        "{\"golive\":1,\"seed\":1,\"until\":\"60s\",\"networks\":[{\"name\":\"lan\",\"latency\":\"50us\"}],"
        "\"hosts\":[{\"name\":\"node1\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]},"
        "{\"name\":\"node2\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]},"
        "{\"name\":\"filer\",\"nics\":[{\"network\":\"lan\",\"bandwidth\":\"1Gbit/s\"}]}],"
        "\"storage\":{\"type\":\"nfs\",\"server\":\"filer\"},"
        "\"cluster\":{\"manager\":\"pacemaker\",\"two_node\":true,\"stonith\":%s,\"allow_migrate\":true,"
        "\"token\":\"%dms\",\"fence_time\":\"%.3fs\",\"vm_start\":\"%.3fs\"},"
        "\"vms\":[{\"name\":\"dummy1\",\"host\":\"node1\",\"memory\":\"64MiB\"},"
        "{\"name\":\"dummy2\",\"host\":\"node2\",\"memory\":\"64MiB\"}],"
        "\"events\":[{\"at\":\"%gs\",\"action\":\"fail\",\"target\":\"%s\"}]}",
        c->stonith ? "true" : "false", c->token_ms, c->fence_s, c->start_s, FAULT_S,
        c->crash ? "host:node2" : "nic:node2/lan");
    for (int m = 0; m < CLUSTER_NMETRICS; m++)
        t[m] = -1;
    if (!text)
        return;
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text(c->id, text, strlen(text), errors);
    g_ptr_array_free(errors, TRUE);
    if (!sc)
        return;
    world *w = world_new(sc, (uint64_t)run, NULL);
    if (!w) {
        scenario_free(sc);
        return;
    }
    world_run(w);
    static const char *const kinds[CLUSTER_NMETRICS] = { "membership", "fence-confirmed", "vm-started" };
    trace_rec rec;
    for (size_t i = 0; trace_get(sim_trace(world_sim(w)), i, &rec); i++)
        for (int m = 0; m < CLUSTER_NMETRICS; m++)
            if (t[m] < 0 && !strcmp(rec.kind, kinds[m]) && sim_to_s(rec.t) >= FAULT_S)
                t[m] = sim_to_s(rec.t) - FAULT_S;
    world_free(w);
    scenario_free(sc);
}

/* Does the base scenario have the case's STONITH and token? */
static bool base_matches(const cluster_case *c, const char *base, char **err)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("base", base, strlen(base), errors);
    if (!sc) {
        *err = g_strdup_printf("the base scenario does not load: %s",
                               errors->len ? (char *)g_ptr_array_index(errors, 0) : "?");
        g_ptr_array_free(errors, TRUE);
        return false;
    }
    g_ptr_array_free(errors, TRUE);
    bool yes = sc->cluster.stonith == (c->stonith != 0) && sc->cluster.token == (sim_time)c->token_ms * SIM_MS;
    scenario_free(sc);
    return yes;
}

size_t cluster_run(const char *csv, int runs, cluster_case *out, size_t max, char **err)
{
    return cluster_run_base(csv, NULL, runs, out, max, err);
}

size_t cluster_run_base(const char *csv, const char *base, int runs, cluster_case *out, size_t max, char **err)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(csv, &text, NULL, NULL)) {
        *err = g_strdup_printf("cannot read %s", csv);
        return 0;
    }
    double fence_s, start_s;
    if (!rig_times(csv, &fence_s, &start_s, err))
        return 0;
    static const char *const metrics[CLUSTER_NMETRICS] = { "membership_others", "fence_confirmed_first",
                                                           "rsc_recovered_first" };
    size_t n = 0;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (int k = 1; lines[k]; k++) {
        if (!*g_strstrip(lines[k]))
            continue;
        g_auto(GStrv) c = g_strsplit(lines[k], ",", 8);
        if (g_strv_length(c) < 8) {
            *err = g_strdup_printf("%s:%d: %u columns, expected 8", csv, k + 1, g_strv_length(c));
            return 0;
        }
        cluster_case *cc = find_case(out, &n, max, c[0]);
        if (!cc)
            break;
        cc->trials = atoi(c[2]);
        if (!strcmp(c[1], "token_cfg") && strstr(c[7], "default") == NULL)
            cc->token_ms = atoi(c[7]);
        for (int m = 0; m < CLUSTER_NMETRICS; m++)
            if (!strcmp(c[1], metrics[m]) && *c[4]) {
                cc->meas[m][0] = atof(c[4]);
                cc->meas[m][1] = atof(c[5]);
                cc->meas[m][2] = atof(c[6]);
            }
    }
    if (base) { /* keep the cases the base scenario describes */
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            bool yes = base_matches(&out[i], base, err);
            if (*err)
                return 0;
            if (yes)
                out[kept++] = out[i];
        }
        n = kept;
    }
    for (size_t i = 0; i < n; i++) {
        cluster_case *cc = &out[i];
        cc->fence_s = fence_s;
        cc->start_s = start_s;
        cc->runs = runs;
        double *v[CLUSTER_NMETRICS];
        size_t nv[CLUSTER_NMETRICS] = { 0 };
        for (int m = 0; m < CLUSTER_NMETRICS; m++)
            v[m] = g_new(double, runs);
        for (int r = 0; r < runs; r++) {
            double t[CLUSTER_NMETRICS];
            one_run(cc, base, r, t);
            for (int m = 0; m < CLUSTER_NMETRICS; m++)
                if (t[m] >= 0)
                    v[m][nv[m]++] = t[m];
        }
        for (int m = 0; m < CLUSTER_NMETRICS; m++) {
            cc->pred[m][0] = median(v[m], nv[m]);
            cc->pred[m][1] = nv[m] ? v[m][0] : -1;
            cc->pred[m][2] = nv[m] ? v[m][nv[m] - 1] : -1;
            g_free(v[m]);
        }
    }
    return n;
}
