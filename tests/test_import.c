/* golive import against the real cluster and its real tools.
 *
 * The fixtures in tests/import/ are a real Corosync 3.1.7 + Pacemaker 2.1.5
 * cluster's own exports (tests/import/README.md) and CIBs derived from them
 * by Pacemaker's tools (make-fixtures.sh). The oracles are the real
 * programs: crm_mon says where each resource runs, corosync's own parser
 * (corosync -t) says whether a corosync.conf parses and at which line it
 * does not, corosync-cmapctl's capture says which timings corosync runs
 * with, and the measured failure timings of the same cluster
 * (tests/validation/cluster/) judge the imported scenario's predictions. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "models/units.h"
#include "tests/support.h"
#include "tests/validation/cluster.h"

#define DIR "tests/import/"

/* A fresh temporary directory for one test's files. */
static char *tmpdir(void)
{
    GError *e = NULL;
    char *d = g_dir_make_tmp("golive-import-XXXXXX", &e);
    cr_assert_not_null(d, "%s", e ? e->message : "?");
    return d;
}


/* golive import of the inputs (NULL-terminated) into dir/out.json; returns
 * the exit status, the scenario's text (NULL if none was written) and what
 * it said. */
static int import(const char *dir, bool stand_ins, const char *const *inputs, char **scenario_text, char **report)
{
    g_autofree char *out = g_build_filename(dir, "out.json", NULL);
    g_unlink(out);
    GPtrArray *args = g_ptr_array_new();
    g_ptr_array_add(args, (char *)"import");
    if (stand_ins)
        g_ptr_array_add(args, (char *)"--stand-ins");
    g_ptr_array_add(args, (char *)"--out");
    g_ptr_array_add(args, out);
    for (; *inputs; inputs++)
        g_ptr_array_add(args, (char *)*inputs);
    g_ptr_array_add(args, NULL);
    g_autofree char *so = NULL, *se = NULL;
    int rc = support_golive((const char *const *)args->pdata, &so, &se);
    g_ptr_array_free(args, TRUE);
    *report = g_strconcat(se, so, NULL); /* warnings and errors, then the report of where each value came from */
    *scenario_text = NULL;
    g_file_get_contents(out, scenario_text, NULL, NULL);
    return rc;
}

/* The scenario text imported from the inputs; asserts success. */
static char *import_ok(const char *dir, bool stand_ins, const char *const *inputs)
{
    char *text = NULL;
    g_autofree char *report = NULL;
    int rc = import(dir, stand_ins, inputs, &text, &report);
    cr_assert_eq(rc, 0, "golive import %s exit %d: %s", inputs[0], rc, report);
    cr_assert_not_null(text, "nothing written for %s", inputs[0]);
    return text;
}

static json_object *cluster_of(json_object *root)
{
    json_object *cl = NULL;
    cr_assert(json_object_object_get_ex(root, "cluster", &cl), "no cluster object");
    return cl;
}

static const char *str_at(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* ------------------------------------------------------------ round trip */

/* The two-node cluster as imported (its Dummy resources as small VMs), run
 * with the rig's fence and start times and each measured fault: the same
 * tolerance as validation::corosync_pacemaker_cluster (median within 10%,
 * ranges overlap). The imported CIB has STONITH on and corosync.conf the
 * default token, so the cases with that configuration are compared. */
Test(import, round_trip_two_node_matches_the_measured_cluster, .timeout = 120)
{
    g_autofree char *dir = tmpdir();
    const char *in[] = { DIR "cib-2node.xml", DIR "corosync-2node.conf", NULL };
    g_autofree char *text = import_ok(dir, true, in);
    support_rmtree(dir);
    cluster_case cs[16];
    char *err = NULL;
    size_t n = cluster_run_base("tests/validation/cluster/corosync-pacemaker-2node.csv", text, 100, cs, 16, &err);
    cr_assert_eq(n, 2, "the STONITH cases with the default token (cut, crash): %zu (%s)", n, err ? err : "");
    int compared = 0;
    for (size_t i = 0; i < n; i++)
        for (int m = 0; m < CLUSTER_NMETRICS; m++) {
            const cluster_case *c = &cs[i];
            cr_assert_geq(c->meas[m][0], 0, "%s: %s measured", c->id, cluster_metric_names[m]);
            cr_log_info("imported %s %s: golive median %.3f s (%.3f-%.3f), measured %.3f s (%.3f-%.3f)", c->id,
                        cluster_metric_names[m], c->pred[m][0], c->pred[m][1], c->pred[m][2], c->meas[m][0],
                        c->meas[m][1], c->meas[m][2]);
            g_autofree char *off = cluster_off_tolerance(c, m);
            cr_assert_null(off, "%s", off);
            compared++;
        }
    cr_assert_eq(compared, 6, "%d", compared);
}

/* The three-node cluster: no failure of it was measured, so its timings
 * are checked against corosync's own rule (token + (nodes - 2) x
 * token_coefficient, consensus 1.2 x that; support_membership_window), and
 * the lost node's resource is recovered after its fence. */
Test(import, three_node_detection_follows_corosync, .timeout = 60)
{
    g_autofree char *dir = tmpdir();
    const char *in[] = { DIR "cib-3node.xml", DIR "corosync-3node.conf", NULL };
    g_autofree char *text = import_ok(dir, true, in);
    support_rmtree(dir);
    json_object *root = json_tokener_parse(text);
    json_object *cl = cluster_of(root);
    cr_assert_str_eq(str_at(cl, "consensus"), "4380ms");
    cr_assert_str_eq(str_at(cl, "token"), "3s");
    json_object *evs = json_object_new_array();
    json_object *ev = json_tokener_parse("{\"at\":\"10s\",\"action\":\"fail\",\"target\":\"host:node3\"}");
    json_object_array_add(evs, ev);
    json_object_object_add(root, "events", evs);
    json_object_object_add(root, "until", json_object_new_string("120s"));
    json_object_object_add(cl, "fence_time", json_object_new_string("1s"));
    g_autofree char *run = g_strdup(json_object_to_json_string(root));
    json_object_put(root);
    scenario *sc = NULL;
    world *w = support_run(run, &sc);
    sim_time lo, hi;
    support_membership_window(sc, 3, &lo, &hi);
    sim_time t = support_trace_at(w, "membership", NULL, 0);
    support_between(t - 10 * SIM_S, lo, hi, "membership after node3's loss");
    sim_time f = support_trace_at(w, "fence-confirmed", NULL, 0);
    cr_assert_gt(f, t, "node3 is fenced after the membership");
    sim_time s = support_trace_at(w, "vm-started", "dummy3", 0);
    cr_assert_gt(s, f, "dummy3 starts elsewhere after the fence (%.3f s, fence %.3f s)", sim_to_s(s), sim_to_s(f));
    world_free(w);
    scenario_free(sc);
}

/* The timings the import gives are those corosync ran with:
 * corosync-cmapctl's runtime.config.totem.token and .consensus on the
 * two-node cluster (token + (nodes - 2) x coefficient). */
Test(import, timings_equal_corosync_runtime_config)
{
    g_autofree char *cmap = NULL;
    cr_assert(g_file_get_contents(DIR "cmapctl-2node.txt", &cmap, NULL, NULL));
    long token = -1, consensus = -1;
    g_auto(GStrv) lines = g_strsplit(cmap, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        const char *eq = strstr(lines[i], " = ");
        if (g_str_has_prefix(lines[i], "runtime.config.totem.token ") && eq)
            token = atol(eq + 3);
        if (g_str_has_prefix(lines[i], "runtime.config.totem.consensus ") && eq)
            consensus = atol(eq + 3);
    }
    cr_assert(token > 0 && consensus > 0, "the capture has runtime.config.totem.token and .consensus");
    g_autofree char *dir = tmpdir();
    const char *in[] = { DIR "cib-2node.xml", DIR "corosync-2node.conf", NULL };
    g_autofree char *text = import_ok(dir, true, in);
    support_rmtree(dir);
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("imported", text, strlen(text), errors);
    cr_assert_not_null(sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "?");
    sim_time eff = sc->cluster.token + 0 * sc->cluster.token_coefficient; /* two nodes: no coefficient */
    cr_assert_eq(eff, token * SIM_MS, "token %.0f ms, corosync ran %ld ms", sim_to_s(eff) * 1e3, token);
    cr_assert_eq(sc->cluster.consensus, consensus * SIM_MS, "consensus %.0f ms, corosync ran %ld ms",
                 sim_to_s(sc->cluster.consensus) * 1e3, consensus);
    scenario_free(sc);
    g_ptr_array_free(errors, TRUE);
}

/* ------------------------------------------------------- placement oracle */

static char *find_tool(const char *name)
{
    char *p = g_find_program_in_path(name);
    g_autofree char *sbin = g_build_filename("/usr/sbin", name, NULL);
    if (!p && g_file_test(sbin, G_FILE_TEST_IS_EXECUTABLE))
        p = g_strdup(sbin);
    cr_assert_not_null(p, "%s is not installed: run `make deps` (it is a test oracle)", name);
    return p;
}

/* resource id -> the node it runs on, as crm_mon shows the CIB (resources
 * active on no node or on several are left out; fence devices too). */
static GHashTable *crm_mon_placement(const char *xml, size_t len)
{
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    xmlDoc *doc = xmlReadMemory(xml, (int)len, "crm_mon.xml", NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc, "crm_mon's output is XML");
    for (xmlNode *top = xmlDocGetRootElement(doc)->children; top; top = top->next) {
        if (top->type != XML_ELEMENT_NODE || xmlStrcmp(top->name, BAD_CAST "resources"))
            continue;
        for (xmlNode *r = top->children; r; r = r->next) {
            if (r->type != XML_ELEMENT_NODE || xmlStrcmp(r->name, BAD_CAST "resource"))
                continue;
            xmlChar *agent = xmlGetProp(r, BAD_CAST "resource_agent");
            xmlChar *id = xmlGetProp(r, BAD_CAST "id");
            bool fence = agent && g_str_has_prefix((char *)agent, "stonith:");
            int on = 0;
            xmlChar *node = NULL;
            for (xmlNode *c = r->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, BAD_CAST "node")) {
                    on++;
                    if (!node)
                        node = xmlGetProp(c, BAD_CAST "name");
                }
            if (!fence && on == 1)
                g_hash_table_insert(h, g_strdup((char *)id), g_strdup((char *)node));
            xmlFree(agent);
            xmlFree(id);
            xmlFree(node);
        }
    }
    xmlFreeDoc(doc);
    return h;
}

static GHashTable *crm_mon_of(const char *cib)
{
    g_autofree char *tool = find_tool("crm_mon");
    g_autofree char *env = g_strdup_printf("CIB_file=%s", cib);
    char *argv[] = { tool, (char *)"--output-as=xml", (char *)"--one-shot", NULL };
    char **envp = g_environ_setenv(g_get_environ(), "CIB_file", cib, TRUE);
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    GError *e = NULL;
    cr_assert(g_spawn_sync(NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &e), "%s",
              e ? e->message : "?");
    g_strfreev(envp);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "crm_mon on %s: %s", cib, err);
    return crm_mon_placement(out, strlen(out));
}

/* Every CIB fixture (the real cluster's and those derived by Pacemaker's
 * tools: a failed and fenced node, a disabled resource, a move, VirtualDomain
 * resources): the imported VMs are exactly the resources crm_mon shows
 * running on one node, each on that node. */
Test(import, placement_equals_crm_mon, .timeout = 60)
{
    static const char *const cibs[][2] = {
        { "cib-2node.xml", "corosync-2node.conf" },
        { "cib-2node-node2-failed.xml", "corosync-2node.conf" },
        { "cib-2node-dummy1-stopped.xml", "corosync-2node.conf" },
        { "cib-3node.xml", "corosync-3node.conf" },
        { "cib-3node-dummy1-moved.xml", "corosync-3node.conf" },
        { "cib-3node-virtualdomain.xml", "corosync-3node.conf" },
    };
    g_autofree char *dir = tmpdir();
    for (size_t k = 0; k < G_N_ELEMENTS(cibs); k++) {
        g_autofree char *cib = g_strconcat(DIR, cibs[k][0], NULL);
        g_autofree char *conf = g_strconcat(DIR, cibs[k][1], NULL);
        const char *in[] = { cib, conf, NULL };
        g_autofree char *text = import_ok(dir, true, in);
        GHashTable *want = crm_mon_of(cib);
        json_object *root = json_tokener_parse(text), *vms = NULL;
        cr_assert(json_object_object_get_ex(root, "vms", &vms));
        size_t n = json_object_array_length(vms);
        cr_assert_eq(n, g_hash_table_size(want), "%s: %zu VMs imported, crm_mon shows %u resources running", cib, n,
                     g_hash_table_size(want));
        for (size_t i = 0; i < n; i++) {
            json_object *vm = json_object_array_get_idx(vms, i);
            const char *name = str_at(vm, "name"), *host = str_at(vm, "host");
            const char *on = g_hash_table_lookup(want, name);
            cr_assert_not_null(on, "%s: %s imported, crm_mon shows it running nowhere", cib, name);
            cr_assert_str_eq(host, on, "%s: %s imported on %s, crm_mon shows it on %s", cib, name, host, on);
        }
        json_object_put(root);
        g_hash_table_destroy(want);
    }
    support_rmtree(dir);
}

/* The crm_mon captured on the real cluster and crm_mon run on its CIB here
 * agree: the oracle sees what the cluster saw. */
Test(import, crm_mon_here_agrees_with_the_cluster)
{
    for (int nodes = 2; nodes <= 3; nodes++) {
        g_autofree char *cib = g_strdup_printf(DIR "cib-%dnode.xml", nodes);
        g_autofree char *cap = g_strdup_printf(DIR "crm_mon-%dnode.xml", nodes);
        g_autofree char *xml = NULL;
        gsize len = 0;
        cr_assert(g_file_get_contents(cap, &xml, &len, NULL));
        GHashTable *there = crm_mon_placement(xml, len), *here = crm_mon_of(cib);
        cr_assert_eq(g_hash_table_size(there), g_hash_table_size(here));
        cr_assert_eq(g_hash_table_size(here), (guint)nodes, "one Dummy resource per node");
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, there);
        while (g_hash_table_iter_next(&it, &k, &v))
            cr_assert_str_eq(g_hash_table_lookup(here, k), v, "%s", (char *)k);
        g_hash_table_destroy(there);
        g_hash_table_destroy(here);
    }
}

/* The production-like CIB: VirtualDomain resources are VMs (their memory an
 * assumption named in the description), dummies are not without
 * --stand-ins, and the cluster options set by crm_attribute and
 * crm_resource are read. */
Test(import, virtualdomain_cluster_options_and_fence_delays)
{
    g_autofree char *dir = tmpdir();
    const char *in[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", NULL };
    char *text = NULL;
    g_autofree char *report = NULL;
    int rc = import(dir, false, in, &text, &report);
    support_rmtree(dir);
    cr_assert_eq(rc, 0, "%s", report);
    json_object *root = json_tokener_parse(text), *vms = NULL;
    g_free(text);
    json_object *cl = cluster_of(root);
    cr_assert_str_eq(str_at(cl, "migration_limit"), "2");
    cr_assert_str_eq(str_at(cl, "priority_fencing_delay"), "15s");
    cr_assert_str_eq(str_at(cl, "pcmk_delay_max"), "10s");
    cr_assert_str_eq(str_at(cl, "allow_migrate"), "true");
    cr_assert_str_eq(str_at(cl, "monitor_interval"), "30s");
    cr_assert(json_object_object_get_ex(root, "vms", &vms));
    cr_assert_eq(json_object_array_length(vms), 2, "web and db; the dummies are not VMs without --stand-ins");
    cr_assert_str_eq(str_at(json_object_array_get_idx(vms, 0), "memory"), "4GiB");
    /* db's migration_speed and migration_downtime; web keeps libvirt's unlimited bandwidth */
    json_object *dbm = NULL;
    cr_assert(json_object_object_get_ex(json_object_array_get_idx(vms, 1), "migration", &dbm));
    cr_assert_str_eq(str_at(dbm, "max_bandwidth"), "500MiB/s");
    cr_assert_str_eq(str_at(dbm, "downtime_limit"), "100ms");
    cr_assert(!json_object_object_get_ex(json_object_array_get_idx(vms, 0), "migration", NULL));
    cr_assert(strstr(str_at(root, "description"), "vms[0].memory = 4GiB"), "the assumed memory is in the description");
    cr_assert(strstr(report, "st-node2 sets no pcmk_delay_max"), "the differing fence delays are told: %s", report);
    cr_assert_str_eq(str_at(cl, "migrate_timeout"), "120s", "web's and db's migrate_to op (pcs's 120 s)");
    cr_assert(strstr(report, "resource web's migrate_to op"), "the migrate_to timeout's origin is told: %s", report);
    cr_assert(strstr(report, "dummy3 (ocf:pacemaker:Dummy)"), "the disabled dummy is listed: %s", report);
    json_object_put(root);
}

/* Importing is deterministic, and what it writes validates. */
Test(import, same_bytes_and_validates)
{
    g_autofree char *dir = tmpdir();
    const char *in[] = { DIR "corosync-3node.conf", DIR "cib-3node.xml", NULL };
    g_autofree char *a = import_ok(dir, true, in);
    g_autofree char *b = import_ok(dir, true, in);
    cr_assert_str_eq(a, b);
    g_autofree char *path = g_build_filename(dir, "out.json", NULL);
    const char *args[] = { "validate", path, NULL };
    g_autofree char *out = NULL, *err = NULL;
    cr_assert_eq(support_golive(args, &out, &err), 0, "%s%s", out, err);
    support_rmtree(dir);
}

/* ------------------------------------------------- corosync's own parser */

typedef struct {
    const char *name;
    const char *from, *to; /* replace the first `from` of the real file by `to`; from NULL: append to */
} conf_variant;

static const conf_variant variants[] = {
    { "as exported", "", "" },
    { "no closing brace at the end", "    }\n}\n", "    }\n" },
    { "an extra closing brace", NULL, "}\n" },
    { "a line that is no key, section or brace", "    debug: off\n", "    debug off\n" },
    { "a token that is not a number", "    version: 2\n", "    version: 2\n    token: abc\n" },
    { "a negative token", "    version: 2\n", "    version: 2\n    token: -1\n" },
    { "an empty token", "    version: 2\n", "    version: 2\n    token:\n" },
    { "a token with a comment after it", "    version: 2\n", "    version: 2\n    token: 5000 # ms\n" },
    { "a token in hexadecimal", "    version: 2\n", "    version: 2\n    token: 0x10\n" },
    { "a token past 32 bits", "    version: 2\n", "    version: 2\n    token: 4294967296\n" },
    { "a token with a plus sign", "    version: 2\n", "    version: 2\n    token: +5000\n" },
    { "two_node out of range", "two_node: 1", "two_node: 256" },
    { "a nodeid that is a word", "nodeid: 1", "nodeid: one" },
    { "a 600-character comment",
      "    debug: off\n",
      "    debug: off\n    # "
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" },
    { "a line of 510 characters and its newline",
      "    debug: off\n",
      "    debug: off\n    #"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxx\n" },
    { "text after an opening brace", "totem {", "totem { x" },
    { "text after a closing brace", "    crypto_hash: none\n}", "    crypto_hash: none\n} x" },
    { "a brace on its own line", "logging {", "logging\n{" },
    { "a brace inside a value", "cluster_name: oracle", "cluster_name: or{acle" },
    { "two braces", "quorum {", "quorum {{" },
    { "comments and blank lines", "quorum {", "  # a comment\n\nquorum {" },
    { "tabs for indentation", "    two_node: 1", "\t\ttwo_node: 1" },
    { "no space after a colon", "cluster_name: oracle", "cluster_name:oracle" },
    { "a key set twice (the last wins)", "two_node: 1", "two_node: 0\n    two_node: 1" },
    { "an empty section", NULL, "resources {\n}\n" },
};

static char *variant_text(const char *real, const conf_variant *v)
{
    if (!v->from)
        return g_strconcat(real, v->to, NULL);
    const char *at = strstr(real, v->from);
    cr_assert_not_null(at, "%s: the real file has \"%s\"", v->name, v->from);
    return g_strdup_printf("%.*s%s%s", (int)(at - real), real, v->to, at + strlen(v->from));
}

/* corosync's verdict: its "parser error: FILE:LINE: why" line, or NULL
 * when the file parses (corosync -t then stops at later checks, such as
 * finding this machine in the nodelist, which do not concern parsing). */
static char *corosync_verdict(const char *tool, const char *file)
{
    char *argv[] = { (char *)tool, (char *)"-c", (char *)file, (char *)"-t", NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    GError *e = NULL;
    cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &e), "%s",
              e ? e->message : "?");
    const char *p = strstr(err, "parser error: ");
    if (!p)
        return NULL;
    const char *end = strchr(p, '\n');
    return g_strndup(p + strlen("parser error: "), end ? (size_t)(end - p) - strlen("parser error: ") : strlen(p));
}

/* Each variant of the real corosync.conf: corosync's parser and golive's
 * agree whether it parses, and when it does not, on the line and the words. */
Test(import, corosync_parser_is_the_oracle, .timeout = 60)
{
    g_autofree char *tool = find_tool("corosync");
    g_autofree char *real = NULL;
    cr_assert(g_file_get_contents(DIR "corosync-2node.conf", &real, NULL, NULL));
    g_autofree char *dir = tmpdir();
    g_autofree char *conf = g_build_filename(dir, "corosync.conf", NULL);
    int refused = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(variants); k++) {
        g_autofree char *text = variant_text(real, &variants[k]);
        cr_assert(g_file_set_contents(conf, text, -1, NULL));
        g_autofree char *verdict = corosync_verdict(tool, conf);
        const char *in[] = { DIR "cib-2node.xml", conf, NULL };
        g_autofree char *scen = NULL, *report = NULL;
        int rc = import(dir, true, in, &scen, &report);
        if (verdict) {
            refused++;
            cr_assert_eq(rc, 2, "%s: corosync says \"%s\", golive exit %d", variants[k].name, verdict, rc);
            cr_assert(strstr(report, verdict), "%s: corosync says \"%s\", golive says \"%s\"", variants[k].name,
                      verdict, report);
            cr_assert_null(scen, "%s: nothing is written", variants[k].name);
        } else {
            cr_assert_eq(rc, 0, "%s: corosync parses it, golive exit %d: %s", variants[k].name, rc, report);
        }
    }
    cr_assert_geq(refused, 15, "most variants are parse errors for corosync: %d", refused);
    g_autofree char *crlf = NULL;
    {   /* CRLF line ends: corosync reads them as spaces at the end of a line */
        g_auto(GStrv) lines = g_strsplit(real, "\n", -1);
        crlf = g_strjoinv("\r\n", lines);
        cr_assert(g_file_set_contents(conf, crlf, -1, NULL));
        g_autofree char *verdict = corosync_verdict(tool, conf);
        cr_assert_null(verdict, "corosync parses CRLF: %s", verdict);
        const char *in[] = { DIR "cib-2node.xml", conf, NULL };
        g_autofree char *scen = NULL, *report = NULL;
        cr_assert_eq(import(dir, true, in, &scen, &report), 0, "CRLF: %s", report);
    }
    support_rmtree(dir);
}

/* ------------------------------------------------------ bad and foreign */

typedef struct {
    const char *name;
    const char *text;       /* the second input, next to the real two-node CIB or corosync.conf */
    bool with_cib;          /* the other input is the CIB (else corosync.conf) */
    const char *expect[3];  /* in the message */
} bad_input;

static const bad_input bad[] = {
    { "a libvirt network", "<network>\n  <name>default</name>\n</network>\n", false, { "bad.in", "<network>", NULL } },
    { "a libvirt domain without memory", "<domain type='kvm'>\n  <name>web</name>\n</domain>\n", false,
      { "bad.in:1", "no <memory>", NULL } },
    { "XML that is not well formed", "<cib>\n  <configuration>\n</cib>\n", false, { "bad.in:3", NULL } },
    { "JSON", "{\"golive\": 1}\n", true, { "bad.in", NULL } },
    { "binary", "\x7f" "ELF\x02\x01\x01\0\0\0", true, { "bad.in", NULL } },
    { "a byte-order mark", "\xef\xbb\xbftotem {\n}\n", true, { "bad.in", NULL } },
    { "empty", "", true, { "bad.in", NULL } },
    { "a corosync.conf whose nodelist lacks a CIB node",
      "totem {\n    version: 2\n    cluster_name: oracle\n}\nnodelist {\n    node {\n        name: node1\n"
      "        nodeid: 1\n        ring0_addr: 10.77.0.1\n    }\n}\n",
      true, { "bad.in's nodelist", "cib-2node.xml:15", "node node2" } },
    { "a corosync.conf of another cluster",
      "totem {\n    version: 2\n    cluster_name: other\n}\nnodelist {\n    node {\n        name: node1\n"
      "        nodeid: 1\n        ring0_addr: 10.77.0.1\n    }\n    node {\n        name: node2\n        nodeid: 2\n"
      "        ring0_addr: 10.77.0.2\n    }\n}\n",
      true, { "bad.in:3", "cib-2node.xml", "other" } },
};

/* Exit 2, the file (and line where there is one) named, nothing written. */
Test(import, bad_and_foreign_files_exit_2)
{
    g_autofree char *dir = tmpdir();
    g_autofree char *path = g_build_filename(dir, "bad.in", NULL);
    for (size_t k = 0; k < G_N_ELEMENTS(bad); k++) {
        size_t len = strlen(bad[k].text);
        if (!strcmp(bad[k].name, "binary"))
            len = 10;
        cr_assert(g_file_set_contents(path, bad[k].text, (gssize)len, NULL));
        const char *in[] = { bad[k].with_cib ? DIR "cib-2node.xml" : DIR "corosync-2node.conf", path, NULL };
        g_autofree char *scen = NULL, *report = NULL;
        int rc = import(dir, true, in, &scen, &report);
        cr_assert_eq(rc, 2, "%s: exit %d: %s", bad[k].name, rc, report);
        cr_assert_null(scen, "%s: nothing written", bad[k].name);
        for (int e = 0; e < 3 && bad[k].expect[e]; e++)
            cr_assert(strstr(report, bad[k].expect[e]), "%s: \"%s\" not in: %s", bad[k].name, bad[k].expect[e],
                      report);
    }
    /* two CIBs, a missing file, a directory, no input at all */
    const char *two[] = { DIR "cib-2node.xml", DIR "cib-3node.xml", NULL };
    const char *missing[] = { DIR "no-such-file.xml", NULL };
    const char *directory[] = { DIR, NULL };
    const char *const *cases[] = { two, missing, directory };
    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autofree char *scen = NULL, *report = NULL;
        cr_assert_eq(import(dir, true, cases[k], &scen, &report), 2, "%s: %s", cases[k][0], report);
        cr_assert_null(scen);
        cr_assert(strstr(report, cases[k][k == 0 ? 1 : 0]), "the file is named: %s", report);
    }
    const char *none[] = { "import", NULL };
    g_autofree char *o = NULL, *e = NULL;
    cr_assert_eq(support_golive(none, &o, &e), 2, "no input: %s", e);
    support_rmtree(dir);
}

/* ------------------------------------------------------- libvirt domains */

/* The memory of the first imported VM, in bytes, and its vCPUs. */
static void first_vm(const char *text, uint64_t *bytes, int *vcpus)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("imported", text, strlen(text), errors);
    cr_assert_not_null(sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "?");
    cr_assert_geq(sc->nvms, 1);
    *bytes = (uint64_t)sc->vms[0].memory;
    *vcpus = sc->vms[0].vcpus;
    scenario_free(sc);
    g_ptr_array_free(errors, TRUE);
}

/* virsh's verdict on a domain file: defined (then its dominfo's Max memory
 * in KiB and CPU(s)), or refused. */
static bool virsh_dominfo(const char *file, const char *name, uint64_t *kib, int *cpus)
{
    g_autofree char *tool = find_tool("virsh");
    g_autofree char *cmd = g_strdup_printf("define %s; dominfo %s", file, name);
    char *argv[] = { tool, (char *)"-q", (char *)"-c", (char *)"test:///default", cmd, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    GError *e = NULL;
    cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &e), "%s",
              e ? e->message : "?");
    const char *m = strstr(out, "Max memory:"), *c = strstr(out, "CPU(s):");
    if (!m || !c)
        return false;
    *kib = g_ascii_strtoull(m + strlen("Max memory:"), NULL, 10);
    *cpus = atoi(c + strlen("CPU(s):"));
    return true;
}

/* A VirtualDomain resource's domain XML gives its memory and vCPUs, and its
 * disks the storage: Ceph for RBD, iSCSI, DRBD, and the file and block
 * devices whose kind is an assumption, named as such. */
Test(import, domains_give_memory_vcpus_and_storage, .timeout = 30)
{
    g_autofree char *dir = tmpdir();
    const char *in[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "domain-db.xml",
                         DIR "domain-web.xml", NULL };
    char *text = NULL;
    g_autofree char *report = NULL;
    cr_assert_eq(import(dir, false, in, &text, &report), 0, "%s", report);
    json_object *root = json_tokener_parse(text), *vms = NULL, *st = NULL;
    g_free(text);
    cr_assert(json_object_object_get_ex(root, "vms", &vms) && json_object_object_get_ex(root, "storage", &st));
    cr_assert_str_eq(str_at(json_object_array_get_idx(vms, 0), "name"), "web");
    cr_assert_str_eq(str_at(json_object_array_get_idx(vms, 0), "memory"), "8GiB");
    cr_assert_str_eq(str_at(json_object_array_get_idx(vms, 0), "vcpus"), "4");
    cr_assert_str_eq(str_at(json_object_array_get_idx(vms, 1), "memory"), "16GiB");
    cr_assert_str_eq(str_at(json_object_array_get_idx(vms, 1), "vcpus"), "8");
    cr_assert_str_eq(str_at(st, "type"), "ceph");
    cr_assert(strstr(report, "domain-web.xml:16 disk vda (rbd vms/web-disk0)"), "%s", report);
    cr_assert(strstr(report, "cdrom sda (removable media; not simulated)"), "%s", report);
    cr_assert_null(strstr(str_at(root, "description"), "vms[0].memory"), "no memory assumed");
    json_object_put(root);

    static const char *const kinds[][3] = {
        { "domain-web-iscsi.xml", "iscsi", "disk vda (iscsi iqn.2026-12.org.example:san/1)" },
        { "domain-web-drbd.xml", "drbd", "disk vda (drbd /dev/drbd1)" },
        { "domain-web-file.xml", "nfs", "storage.type = nfs (an external filer)" },
        { "domain-web-lvm.xml", "iscsi", "storage.type = iscsi (an external array)" },
    };
    for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
        g_autofree char *path = g_strconcat(DIR, kinds[k][0], NULL);
        const char *one[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", path, NULL };
        g_autofree char *rep = NULL;
        char *t = NULL;
        cr_assert_eq(import(dir, false, one, &t, &rep), 0, "%s: %s", path, rep);
        json_object *r = json_tokener_parse(t);
        g_free(t);
        cr_assert(json_object_object_get_ex(r, "storage", &st));
        cr_assert_str_eq(str_at(st, "type"), kinds[k][1], "%s", path);
        cr_assert(strstr(rep, kinds[k][2]), "%s: \"%s\" not in %s", path, kinds[k][2], rep);
        json_object_put(r);
        /* with db's RBD disk: two storage designs, both files named */
        const char *two[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", path, DIR "domain-db.xml",
                              NULL };
        g_autofree char *rep2 = NULL;
        char *t2 = NULL;
        cr_assert_eq(import(dir, false, two, &t2, &rep2), 2, "%s with db: %s", path, rep2);
        cr_assert_null(t2);
        cr_assert(strstr(rep2, kinds[k][0]) && strstr(rep2, "domain-db.xml:16 disk vda"), "%s", rep2);
    }
    support_rmtree(dir);
}

/* libvirt's own parser (virsh on its test driver) is the oracle of what a
 * domain's <memory> and <vcpu> mean: for the fixtures and for every way of
 * writing a unit, golive imports the memory and vCPUs virsh's dominfo
 * shows, and refuses what virsh refuses to define. */
Test(import, virsh_is_the_oracle_of_domain_memory, .timeout = 60)
{
    g_autofree char *dir = tmpdir();
    static const char *const fixtures[][2] = { { "domain-web.xml", "web" }, { "domain-db.xml", "db" },
                                               { "domain-web-lvm.xml", "web" }, { "domain-web-drbd.xml", "web" } };
    for (size_t k = 0; k < G_N_ELEMENTS(fixtures); k++) {
        g_autofree char *path = g_strconcat(DIR, fixtures[k][0], NULL);
        uint64_t kib = 0;
        int cpus = 0;
        cr_assert(virsh_dominfo(path, fixtures[k][1], &kib, &cpus), "virsh defines %s", path);
        const char *in[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", path, NULL };
        g_autofree char *text = import_ok(dir, false, in);
        if (strcmp(fixtures[k][1], "web"))
            continue; /* db is the second VM; its memory is checked above */
        uint64_t bytes;
        int vcpus;
        first_vm(text, &bytes, &vcpus);
        cr_assert_eq(bytes, kib * 1024, "%s: golive %" PRIu64 " B, virsh %" PRIu64 " KiB", path, bytes, kib);
        cr_assert_eq(vcpus, cpus, "%s", path);
    }
    static const char *const memories[] = {
        "<memory unit='b'>1000000000</memory>", "<memory unit='bytes'>999999999</memory>",
        "<memory unit='KB'>3000000</memory>",  "<memory unit='k'>3000000</memory>",
        "<memory unit='KiB'>2097152</memory>", "<memory unit='MB'>3001</memory>",
        "<memory unit='M'>3001</memory>",      "<memory unit='mib'>4096</memory>",
        "<memory unit='GB'>8</memory>",        "<memory unit='G'>8</memory>",
        "<memory unit='gib'>8</memory>",       "<memory unit='Kib'>2097152</memory>",
        "<memory>2097152</memory>",            "<memory unit='GiB'> 8 </memory>",
        "<memory unit='x'>8</memory>",         "<memory unit='KBB'>8</memory>",
        "<memory unit='iB'>8</memory>",        "<memory unit='GiB'>0</memory>",
        "<memory unit='GiB'>-1</memory>",      "<memory unit='GiB'>1.5</memory>",
        "<memory unit='GiB'>8GiB</memory>",    "<memory unit='EiB'>20</memory>",
        "<memory unit='GiB'></memory>",
    };
    g_autofree char *path = g_build_filename(dir, "web.xml", NULL);
    int refused = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(memories); k++) {
        g_autofree char *xml = g_strdup_printf(
            "<domain type='kvm'>\n  <name>web</name>\n  %s\n  <vcpu>3</vcpu>\n"
            "  <os><type arch='x86_64'>hvm</type></os>\n</domain>\n",
            memories[k]);
        cr_assert(g_file_set_contents(path, xml, -1, NULL));
        uint64_t kib = 0;
        int cpus = 0;
        bool defined = virsh_dominfo(path, "web", &kib, &cpus);
        const char *in[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", path, NULL };
        char *text = NULL;
        g_autofree char *report = NULL;
        int rc = import(dir, false, in, &text, &report);
        if (!defined) {
            refused++;
            cr_assert_eq(rc, 2, "%s: virsh refuses it, golive exit %d", memories[k], rc);
            cr_assert(strstr(report, "web.xml:3: <memory>"), "%s: the file, line and element: %s", memories[k],
                      report);
            cr_assert_null(text);
            continue;
        }
        cr_assert_eq(rc, 0, "%s: virsh defines it, golive: %s", memories[k], report);
        uint64_t bytes;
        int vcpus;
        first_vm(text, &bytes, &vcpus);
        g_free(text);
        cr_assert_eq(bytes, kib * 1024, "%s: golive %" PRIu64 " B, virsh %" PRIu64 " KiB", memories[k], bytes, kib);
        cr_assert_eq(vcpus, cpus);
    }
    cr_assert_eq(refused, 10, "virsh refuses the ten malformed ones (a space after the number among them): %d", refused);
    support_rmtree(dir);
}

/* ------------------------------------------------- measured dirty rates */

/* golive's uniform writer changes M (1 - exp(-r T / M)) of a VM's M pages in
 * T: the rate the import gives must change what QEMU measured changed. */
static void assert_rate_reproduces(json_object *vm, double mib_s, double period_s)
{
    json_object *d = NULL;
    cr_assert(json_object_object_get_ex(vm, "dirty", &d));
    cr_assert_str_eq(str_at(d, "model"), "uniform");
    cr_assert_str_eq(str_at(vm, "kernel_dirty_rate"), "0pages/s", "the measurement includes the kernel's writes");
    double mem = 0, rate = 0;
    char *why = NULL;
    cr_assert(units_parse(UNITS_SIZE, str_at(vm, "memory"), &mem, &why));
    cr_assert(units_parse(UNITS_RATE, str_at(d, "rate"), &rate, &why));
    double pages = mem / 4096, r = rate / 4096;
    double changed_mib = pages * -expm1(-r * period_s / pages) * 4096 / (1024.0 * 1024);
    cr_assert(fabs(changed_mib - mib_s * period_s) <= 0.01 * mib_s * period_s,
              "%s: %.1f MiB changed in %g s, measured %g MiB/s", str_at(vm, "name"), changed_mib, period_s, mib_s);
}

/* The real measurements (virsh domstats --dirtyrate and QMP
 * query-dirty-rate, on QEMU 7.2 guests that dirty memory: README.md) set
 * each VM's dirtying so that it changes in the measured period what QEMU
 * saw change; a VM without a measurement keeps the named assumption. */
Test(import, measured_dirty_rates_set_the_dirtying, .timeout = 30)
{
    g_autofree char *dir = tmpdir();
    const char *in[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "domain-web-qemu.xml",
                         DIR "domain-db-qemu.xml", DIR "virsh-domstats-dirtyrate.txt", NULL };
    g_autofree char *text = import_ok(dir, false, in);
    json_object *root = json_tokener_parse(text), *vms = NULL;
    cr_assert(json_object_object_get_ex(root, "vms", &vms));
    assert_rate_reproduces(json_object_array_get_idx(vms, 0), 114, 1); /* web, as virsh printed it */
    assert_rate_reproduces(json_object_array_get_idx(vms, 1), 130, 1); /* db */
    cr_assert_null(strstr(str_at(root, "description"), "vms[].dirty"), "nothing assumed of the dirtying rate");
    json_object_put(root);

    /* the QMP reply, named after web; db has no measurement */
    const char *qmp[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "domain-web-qemu.xml",
                          DIR "web-query-dirty-rate.json", NULL };
    char *t = NULL;
    g_autofree char *report = NULL;
    cr_assert_eq(import(dir, false, qmp, &t, &report), 0, "%s", report);
    root = json_tokener_parse(t);
    g_free(t);
    cr_assert(json_object_object_get_ex(root, "vms", &vms));
    assert_rate_reproduces(json_object_array_get_idx(vms, 0), 114, 1);
    cr_assert(strstr(report, "vms[].dirty = none (the guest writes nothing)") &&
                  strstr(report, "no dirty-rate measurement of the other VMs"),
              "%s", report);
    json_object_put(root);

    /* both for web: refused, both files named */
    const char *both[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "virsh-domstats-dirtyrate.txt",
                           DIR "web-query-dirty-rate.json", NULL };
    g_autofree char *r2 = NULL;
    cr_assert_eq(import(dir, false, both, &t, &r2), 2, "%s", r2);
    cr_assert(strstr(r2, "virsh-domstats-dirtyrate.txt:1") && strstr(r2, "web-query-dirty-rate.json:1"), "%s", r2);
    support_rmtree(dir);
}

/* Measurements that are not finished or not whole: exit 2, file and line. */
Test(import, unfinished_or_damaged_measurements_exit_2)
{
    static const char *const cases[][2] = {
        { "Domain: 'web'\n  dirtyrate.calc_status=1\n  dirtyrate.calc_period=1\n", "web-a.txt:1" },
        { "Domain: 'web'\n  dirtyrate.calc_status=2\n  dirtyrate.calc_period=1\n  dirtyrate.megabytes_per_second=x\n",
          "web-a.txt:4" },
        { "Domain: 'web'\n  something else\n", "web-a.txt:2" },
        { "{\"return\":{\"status\":\"measuring\",\"sample-pages\":512,\"dirty-rate\":-1,\"mode\":\"page-sampling\"}}\n",
          "measuring" },
        { "{\"return\":{\"status\":\"measured\",\"calc-time\":0,\"dirty-rate\":5}}", "calc-time" },
        { "{\"return\":{\"status\":\"measured\",\n \"calc-time\":1,\n \"dirty-rate\":5", "web-a.txt:3" },
        { "{\"return\":{}}", "no \"status\"" },
    };
    g_autofree char *dir = tmpdir();
    g_autofree char *path = g_build_filename(dir, "web-a.txt", NULL);
    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        cr_assert(g_file_set_contents(path, cases[k][0], -1, NULL));
        const char *in[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", path, NULL };
        char *t = NULL;
        g_autofree char *report = NULL;
        cr_assert_eq(import(dir, false, in, &t, &report), 2, "case %zu: %s", k, report);
        cr_assert_null(t);
        cr_assert(strstr(report, cases[k][1]), "case %zu: \"%s\" not in %s", k, cases[k][1], report);
    }
    support_rmtree(dir);
}

/* ----------------------------------------------------------------- DRBD */

/* DRBD's configuration as drbdadm dump prints it: 8.4 dual-primary on the
 * two-node cluster with a replication link of its own, 9 with quorum on
 * the three-node cluster over corosync's ring0. */
Test(import, drbd_settings_from_drbdadm_dump, .timeout = 30)
{
    g_autofree char *dir = tmpdir();
    const char *in84[] = { DIR "cib-2node.xml", DIR "corosync-2node.conf", DIR "drbd84-2node.res", NULL };
    g_autofree char *t84 = import_ok(dir, true, in84);
    json_object *root = json_tokener_parse(t84), *st = NULL, *nets = NULL;
    cr_assert(json_object_object_get_ex(root, "storage", &st));
    static const char *const want84[][2] = {
        { "type", "drbd" },          { "version", "8.4" },        { "protocol", "C" },
        { "dual_primary", "true" },  { "fencing", "resource-and-stonith" },
        { "after_sb_0pri", "discard-zero-changes" },              { "after_sb_1pri", "discard-secondary" },
        { "after_sb_2pri", "disconnect" },                        { "timeout", "6000ms" },
        { "ping_timeout", "500ms" }, { "ko_count", "7" },         { "resync_rate", "100MiB/s" },
        { "network", "drbd" },
    };
    for (size_t k = 0; k < G_N_ELEMENTS(want84); k++)
        cr_assert_str_eq(str_at(st, want84[k][0]), want84[k][1], "storage.%s", want84[k][0]);
    cr_assert(json_object_object_get_ex(root, "networks", &nets));
    cr_assert_eq(json_object_array_length(nets), 2, "ring0 and the replication link");
    json_object_put(root);

    const char *in9[] = { DIR "cib-3node.xml", DIR "corosync-3node.conf", DIR "drbd9-3node.res", NULL };
    g_autofree char *t9 = import_ok(dir, true, in9);
    root = json_tokener_parse(t9);
    cr_assert(json_object_object_get_ex(root, "storage", &st));
    cr_assert_str_eq(str_at(st, "version"), "9");
    cr_assert_str_eq(str_at(st, "quorum"), "majority");
    cr_assert_str_eq(str_at(st, "on_no_quorum"), "io-error");
    cr_assert_str_eq(str_at(st, "fencing"), "resource-only");
    cr_assert_str_eq(str_at(st, "ping_int"), "5s");
    cr_assert_str_eq(str_at(st, "network"), "ring0", "replication over corosync's ring0 addresses");
    json_object_put(root);

    /* a VM on /dev/drbd1 while the resource's device is /dev/drbd2: told */
    const char *other[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "drbd9-3node.res",
                            DIR "domain-web-drbd.xml", NULL };
    char *to = NULL;
    g_autofree char *ro = NULL;
    cr_assert_eq(import(dir, false, other, &to, &ro), 0, "%s", ro);
    g_free(to);
    cr_assert(strstr(ro, "disk vda is /dev/drbd1, which no resource of"), "%s", ro);

    /* disks on Ceph next to a DRBD configuration; DRBD on a node the cluster does not have */
    const char *mixed[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "domain-web.xml",
                            DIR "drbd9-3node.res", NULL };
    const char *stranger[] = { DIR "cib-2node.xml", DIR "corosync-2node.conf", DIR "drbd9-3node.res", NULL };
    static const char *const expect[][2] = { { "domain-web.xml:16 disk vda", "drbd9-3node.res:4" },
                                             { "drbd9-3node.res:16", "node3" } };
    const char *const *cases[] = { mixed, stranger };
    for (size_t k = 0; k < 2; k++) {
        char *t = NULL;
        g_autofree char *report = NULL;
        cr_assert_eq(import(dir, true, cases[k], &t, &report), 2, "%s", report);
        cr_assert_null(t);
        cr_assert(strstr(report, expect[k][0]) && strstr(report, expect[k][1]), "%s", report);
    }
    support_rmtree(dir);
}

typedef struct {
    const char *name, *from, *to;
    bool later; /* a value drbdadm dump lets pass and drbdsetup refuses (drbd.conf(5)): golive refuses it */
    bool last;  /* replace the last `from`, not the first */
} drbd_variant;

static const drbd_variant drbd_variants[] = {
    { "as dumped", "", "", false, false },
    { "protocol D", "protocol           C;", "protocol D;", false, false },
    { "a timeout that is not a number", "timeout           60;", "timeout 7x;", false, false },
    { "a rate with an unknown unit", "c-max-rate       100M;", "c-max-rate 100Q;", false, false },
    { "a negative ko-count", "ko-count           7;", "ko-count -1;", false, false },
    { "allow-two-primaries maybe", "allow-two-primaries yes;", "allow-two-primaries maybe;", false, false },
    { "allow-two-primaries without a value", "allow-two-primaries yes;", "allow-two-primaries;", false, false },
    { "a missing ';'", "ko-count           7;", "ko-count 7", false, false },
    { "an extra '}'", NULL, "}\n", false, false },
    { "an unterminated string", "fence-peer       /usr/lib/drbd/crm-fence-peer.sh;",
      "fence-peer \"/usr/lib/drbd/crm-fence-peer.sh;", false, false },
    { "a comment", "    net {", "    # the replication\n    net {", false, false },
    { "the last '}' missing", "\n}\n", "\n", false, true },
    { "the file ends inside a section", "    }\n}\n", "", false, true },
    { "a fencing policy DRBD does not have", "resource-and-stonith", "stonith", true, false },
    { "an after-sb policy DRBD does not have", "discard-zero-changes;", "discard-everything;", true, false },
};

static char *drbd_variant_text(const char *real, const drbd_variant *v)
{
    if (!v->from)
        return g_strconcat(real, v->to, NULL);
    const char *at = NULL;
    if (v->last) {
        for (const char *p = strstr(real, v->from); p; p = strstr(p + 1, v->from))
            at = p;
    } else
        at = strstr(real, v->from);
    cr_assert_not_null(at, "%s: the dump has \"%s\"", v->name, v->from);
    return g_strdup_printf("%.*s%s%s", (int)(at - real), real, v->to, at + strlen(v->from));
}

/* Each variant of the real dump: drbdadm (8.4's, drbdadm-84) and golive
 * agree whether it parses, and on the line where drbdadm names one. */
Test(import, drbdadm_is_the_oracle, .timeout = 60)
{
    g_autofree char *tool = find_tool("drbdadm");
    const char *drbd84 = "/usr/lib/drbd/drbdadm-84";
    cr_assert(g_file_test(drbd84, G_FILE_TEST_IS_EXECUTABLE), "%s is missing: run `make deps` (drbd-utils)", drbd84);
    g_autofree char *real = NULL;
    cr_assert(g_file_get_contents(DIR "drbd84-2node.res", &real, NULL, NULL));
    g_autofree char *dir = tmpdir();
    g_autofree char *path = g_build_filename(dir, "r0.res", NULL);
    int refused = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(drbd_variants); k++) {
        const drbd_variant *v = &drbd_variants[k];
        g_autofree char *text = drbd_variant_text(real, v);
        cr_assert(g_file_set_contents(path, text, -1, NULL));
        char *argv[] = { (char *)drbd84, (char *)"-c", path, (char *)"dump", (char *)"all", NULL };
        g_autofree char *out = NULL, *err = NULL;
        int status = -1;
        cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
        bool refuses = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        /* "FILE:LINE: Parse error ..." when drbdadm names a line */
        g_autofree char *prefix = g_strdup_printf("%s:", path);
        const char *at = strstr(err, prefix);
        int line = at ? atoi(at + strlen(prefix)) : 0;
        const char *in[] = { DIR "cib-2node.xml", DIR "corosync-2node.conf", path, NULL };
        char *scen = NULL;
        g_autofree char *report = NULL;
        int rc = import(dir, true, in, &scen, &report);
        g_free(scen);
        if (refuses || v->later) {
            refused++;
            cr_assert_eq(rc, 2, "%s: drbdadm %s, golive exit %d: %s", v->name, refuses ? err : "lets it pass", rc,
                         report);
            if (line) {
                g_autofree char *where = g_strdup_printf("%s:%d:", path, line);
                cr_assert(strstr(report, where), "%s: drbdadm says line %d (%s), golive: %s", v->name, line, err,
                          report);
            }
        } else
            cr_assert_eq(rc, 0, "%s: drbdadm parses it, golive: %s", v->name, report);
    }
    cr_assert_eq(refused, 11, "%d", refused);
    support_rmtree(dir);
    (void)tool;
}

/* ----------------------------------------------------------------- Ceph */

/* The JSON of ceph osd tree, osd pool ls detail and mon dump (Ceph 16, a
 * real three-monitor quorum: README.md): the pool the VMs' RBD images are
 * in gives size and min_size, each host its OSDs, and the monitors' hosts
 * come first (golive runs the monitors on the first three hosts). */
Test(import, ceph_outputs_set_pool_osds_and_monitors, .timeout = 30)
{
    g_autofree char *dir = tmpdir();
    const char *in[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "domain-web.xml",
                         DIR "domain-db.xml", DIR "ceph-osd-tree.json", DIR "ceph-osd-pool-ls-detail.json",
                         DIR "ceph-mon-dump.json", NULL };
    char *t = NULL;
    g_autofree char *report = NULL;
    cr_assert_eq(import(dir, false, in, &t, &report), 0, "%s", report);
    json_object *root = json_tokener_parse(t), *st = NULL, *hosts = NULL;
    g_free(t);
    cr_assert(json_object_object_get_ex(root, "storage", &st) && json_object_object_get_ex(root, "hosts", &hosts));
    cr_assert_str_eq(str_at(st, "type"), "ceph");
    cr_assert_str_eq(str_at(st, "size"), "3");
    cr_assert_str_eq(str_at(st, "min_size"), "2");
    for (size_t h = 0; h < 3; h++)
        cr_assert_str_eq(str_at(json_object_array_get_idx(hosts, h), "disks"), "2");
    cr_assert(strstr(report, "2 of host node1's OSDs are down"), "the fixture's OSDs never ran: %s", report);
    json_object_put(root);

    /* monitors ranked node3, node1, node2: the hosts follow that order, each with its OSDs */
    g_autofree char *mons = NULL;
    cr_assert(g_file_get_contents(DIR "ceph-mon-dump.json", &mons, NULL, NULL));
    json_object *md = json_tokener_parse(mons), *list = NULL;
    cr_assert(json_object_object_get_ex(md, "mons", &list));
    static const char *const rotated[] = { "node3", "node1", "node2" };
    for (size_t m = 0; m < 3; m++)
        json_object_object_add(json_object_array_get_idx(list, m), "name", json_object_new_string(rotated[m]));
    g_autofree char *mpath = g_build_filename(dir, "mon-dump.json", NULL);
    cr_assert(g_file_set_contents(mpath, json_object_to_json_string(md), -1, NULL));
    json_object_put(md);
    const char *rot[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "ceph-osd-tree.json",
                          mpath, NULL };
    g_autofree char *rt = import_ok(dir, false, rot);
    root = json_tokener_parse(rt);
    cr_assert(json_object_object_get_ex(root, "hosts", &hosts));
    for (size_t h = 0; h < 3; h++) {
        cr_assert_str_eq(str_at(json_object_array_get_idx(hosts, h), "name"), rotated[h]);
        cr_assert_str_eq(str_at(json_object_array_get_idx(hosts, h), "disks"), "2");
    }
    json_object_put(root);

    /* a host with more OSDs than a scenario's host may have disks: told, not silently cut */
    g_autofree char *tree = NULL;
    cr_assert(g_file_get_contents(DIR "ceph-osd-tree.json", &tree, NULL, NULL));
    json_object *tj = json_tokener_parse(tree), *nodes = NULL;
    cr_assert(json_object_object_get_ex(tj, "nodes", &nodes));
    for (size_t i = 0; i < json_object_array_length(nodes); i++) {
        json_object *nd = json_object_array_get_idx(nodes, i), *kids = NULL;
        if (!strcmp(str_at(nd, "name"), "node1") && json_object_object_get_ex(nd, "children", &kids))
            for (int k = 100; k < 170; k++)
                json_object_array_add(kids, json_object_new_int(k));
    }
    g_autofree char *tpath = g_build_filename(dir, "tree.json", NULL);
    cr_assert(g_file_set_contents(tpath, json_object_to_json_string(tj), -1, NULL));
    json_object_put(tj);
    const char *big[] = { DIR "cib-3node.xml", DIR "corosync-3node.conf", tpath, NULL };
    char *bt = NULL;
    g_autofree char *br = NULL;
    cr_assert_eq(import(dir, true, big, &bt, &br), 0, "%s", br);
    g_free(bt);
    cr_assert(strstr(br, "host node1 has 72 OSDs; golive simulates at most 64"), "%s", br);

    /* a pool the disks do not name; Ceph with DRBD; Ceph with disks on DRBD */
    g_autofree char *ppath = g_build_filename(dir, "pools.json", NULL);
    cr_assert(g_file_set_contents(ppath, "[{\"pool_id\":1,\"pool_name\":\"other\",\"size\":2,\"min_size\":1}]", -1,
                                  NULL));
    const char *nopool[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "domain-web.xml", ppath,
                             NULL };
    const char *withdrbd[] = { DIR "cib-3node.xml", DIR "corosync-3node.conf", DIR "drbd9-3node.res",
                               DIR "ceph-osd-tree.json", NULL };
    const char *drbddisk[] = { DIR "cib-3node-virtualdomain.xml", DIR "corosync-3node.conf", DIR "domain-web-drbd.xml",
                               DIR "ceph-osd-tree.json", NULL };
    const char *const *wrong[] = { nopool, withdrbd, drbddisk };
    static const char *const expect[][2] = { { "names pool vms", "pools.json" },
                                             { "ceph-osd-tree.json", "drbd9-3node.res" },
                                             { "domain-web-drbd.xml:16", "ceph-osd-tree.json" } };
    for (size_t k = 0; k < G_N_ELEMENTS(wrong); k++) {
        g_autofree char *r = NULL;
        char *x = NULL;
        cr_assert_eq(import(dir, wrong[k] == withdrbd, wrong[k], &x, &r), 2, "case %zu: %s", k, r);
        cr_assert_null(x);
        cr_assert(strstr(r, expect[k][0]) && strstr(r, expect[k][1]), "case %zu: %s", k, r);
    }
    support_rmtree(dir);
}

/* A nodelist without `name` (older corosync.conf files): Pacemaker names the
 * nodes by their host names and keeps corosync's nodeid as their id, so
 * the CIB's node of the same id gives the name. */
Test(import, nodes_without_names_match_the_cib_by_id)
{
    g_autofree char *real = NULL;
    cr_assert(g_file_get_contents(DIR "corosync-2node.conf", &real, NULL, NULL));
    g_autoptr(GRegex) re = g_regex_new("^ *name: .*\\n", G_REGEX_MULTILINE, 0, NULL);
    g_autofree char *unnamed = g_regex_replace_literal(re, real, -1, 0, "", 0, NULL);
    cr_assert_null(strstr(unnamed, "name: node"));
    g_autofree char *dir = tmpdir();
    g_autofree char *conf = g_build_filename(dir, "corosync.conf", NULL);
    cr_assert(g_file_set_contents(conf, unnamed, -1, NULL));
    const char *in[] = { DIR "cib-2node.xml", conf, NULL };
    g_autofree char *text = import_ok(dir, true, in);
    json_object *root = json_tokener_parse(text), *hosts = NULL;
    cr_assert(json_object_object_get_ex(root, "hosts", &hosts));
    cr_assert_str_eq(str_at(json_object_array_get_idx(hosts, 0), "name"), "node1");
    cr_assert_str_eq(str_at(json_object_array_get_idx(hosts, 1), "name"), "node2");
    json_object_put(root);
    support_rmtree(dir);
}
