/* Pacemaker's own scheduler as the oracle of golive's (models/cluster/
 * scheduler.c): each situation below (nodes online, in standby, offline or
 * unclean; quorum; STONITH; no-quorum-policy; maintenance mode;
 * VirtualDomain resources with or without allow-migrate, priorities, moves
 * asked by the operator; a resource active on two nodes) is decided by
 * golive, written as a CIB and run through crm_simulate (Pacemaker 2.1.5,
 * Debian package pacemaker-cli-utils, installed by `make deps`): who is
 * fenced and what each resource does must be the same.
 *
 * The CIB is built in two steps, as an operator's cluster gets there: first
 * every node is up and each VM is found running where it ran (a settled
 * cluster), then the situation's configuration and failures are applied
 * (crm_simulate --node-fail for an unclean node, --node-down for a clean
 * offline one, --quorum, and a probe that finds a VM running a second
 * time). A migrate_to that fails takes a third step: the situation's
 * transition runs with that op failing (--op-fail), and the next
 * transition is the one compared (golive's scheduler sees the VM active on
 * the source and the target, failed: sources.md row 44). A node "fencer" with no memory holds the fence device, so that no
 * VM can run there and the device does not count on a VM node. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "models/cluster/scheduler.h"

typedef struct {
    const char *name;
    int gib;             /* memory */
    int priority;
    bool migrate;        /* allow-migrate */
    const char *on;      /* "n1" or "n1,n2": where it runs (or ran, on a failed node) */
    const char *prefer;  /* crm resource move VM NODE */
    bool ban;            /* crm resource move VM (no node): banned from where it runs */
    const char *failed;  /* "n2" or "n2,n3": a start failed there (the controller set its fail-count to INFINITY) */
    const char *migrate_fails; /* the node its live migration goes to, and whose migrate_to fails (rc 1) */
} vm_spec;

typedef struct {
    const char *title;
    const char *nodes;   /* "n1=16:O n2=16:U": GiB and state (O online, S standby, F offline clean, U unclean) */
    bool no_quorum;
    bool no_stonith;
    bool maintenance;
    scn_no_quorum_policy nqp;
    int migration_limit; /* 0: unset */
    vm_spec vms[8];
} situation;

#define GIB (1024.0 * 1024 * 1024)

static const situation cases[] = {
    { "a node crashes: fenced, its VM recovered on the emptiest node", "n1=16:U n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, false, "n2" }, { "v3", 8, 0, true, "n3" } } },
    { "a node crashes without STONITH: its VM starts elsewhere at once", "n1=16:U n2=16:O n3=16:O",
      .no_stonith = true, .vms = { { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, false, "n2" } } },
    { "two nodes split, the quorate side (two_node) fences its peer", "n1=16:O n2=16:U", .vms = {
        { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, true, "n2" } } },
    { "partition without quorum, no-quorum-policy stop", "n1=16:O n2=16:U n3=16:U", .no_quorum = true, .vms = {
        { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, true, "n2" }, { "v3", 4, 0, true, "n3" } } },
    { "partition without quorum, no-quorum-policy freeze", "n1=16:O n2=16:U n3=16:U", .no_quorum = true,
      .nqp = NQP_FREEZE, .vms = { { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, true, "n2" } } },
    { "partition without quorum, no-quorum-policy ignore", "n1=16:O n2=16:U n3=16:O", .no_quorum = true,
      .nqp = NQP_IGNORE, .vms = { { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, true, "n2" } } },
    { "maintenance mode: a crashed node is neither fenced nor recovered", "n1=16:O n2=16:U",
      .maintenance = true, .vms = { { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, true, "n2" } } },
    { "active twice after a split without STONITH heals (multiple-active)", "n1=16:O n2=16:O n3=16:O",
      .no_stonith = true, .vms = { { "v1", 4, 0, true, "n1,n2" }, { "v2", 4, 0, false, "n2" },
                                   { "v3", 4, 0, true, "n3" } } },
    { "active twice on the two emptiest nodes", "n1=16:O n2=16:O n3=16:O", .vms = {
        { "v1", 8, 0, false, "n2,n3" }, { "v2", 12, 0, false, "n1" } } },
    { "operator move with allow-migrate: live migration", "n1=16:O n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, true, "n1", "n3" }, { "v2", 4, 0, false, "n2" } } },
    { "operator move without allow-migrate: stop and start", "n1=16:O n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, false, "n1", "n3" }, { "v2", 4, 0, true, "n2" } } },
    { "operator move without a node: banned here, the best other node", "n1=16:O n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, true, "n1", NULL, true }, { "v2", 6, 0, true, "n2" }, { "v3", 2, 0, true, "n3" } } },
    { "drain (standby) of a node: each VM to the emptiest node, live when allowed", "n1=16:S n2=16:O n3=16:O",
      .vms = { { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, false, "n1" }, { "v3", 4, 0, true, "n1" } } },
    { "a drained node back online (undrain): its former VMs stay where they are", "n1=16:O n2=16:O n3=16:O",
      .vms = { { "v1", 4, 0, true, "n2" }, { "v2", 4, 0, false, "n3" }, { "v3", 4, 0, true, "n2" } } },
    { "drain with migration-limit 1: still one transition (the limit is the controller's)",
      "n1=16:S n2=16:O n3=16:O", .migration_limit = 1, .vms = {
        { "v1", 4, 0, false, "n1" }, { "v2", 4, 0, false, "n1" }, { "v3", 4, 0, false, "n1" } } },
    { "recovery without room: the VMs stay stopped", "n1=16:U n2=16:O n3=16:O", .vms = {
        { "v1", 8, 0, true, "n1" }, { "v2", 8, 0, false, "n1" }, { "v3", 12, 0, true, "n2" },
        { "v4", 12, 0, true, "n3" } } },
    { "priority: a recovered VM of higher priority displaces others", "n1=16:U n2=16:O n3=16:O", .vms = {
        { "v1", 8, 0, true, "n1" }, { "v2", 8, 10, false, "n1" }, { "v3", 12, 0, true, "n2" },
        { "v4", 12, 0, true, "n3" } } },
    { "a node known clean (fenced before): its VMs start, nothing is fenced", "n1=16:F n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, true, "n1" }, { "v3", 4, 0, true, "n3" } } },
    { "one node unclean, one clean offline", "n1=16:U n2=16:F n3=16:O n4=16:O", .vms = {
        { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, true, "n2" }, { "v3", 8, 0, true, "n3" } } },
    { "only one node has the room", "n1=16:U n2=16:O n3=24:O", .vms = {
        { "v1", 12, 0, true, "n1" }, { "v2", 8, 0, true, "n2" }, { "v3", 8, 0, true, "n3" } } },
    { "equal room: fewer resources, then the node name, break the tie", "n1=16:U n2=16:O n3=16:O n4=16:O",
      .vms = { { "v1", 4, 0, true, "n1" }, { "v2", 4, 0, true, "n1" }, { "v3", 2, 0, true, "n2" },
               { "v4", 1, 0, true, "n2" }, { "v5", 3, 0, true, "n3" } } },
    { "two nodes crash at once: both fenced", "n1=16:U n2=16:U n3=32:O n4=32:O", .vms = {
        { "v1", 4, 0, true, "n1" }, { "v2", 8, 0, false, "n2" }, { "v3", 4, 0, true, "n3" } } },
    { "a move to a full node: the two VMs swap (the preferred one is placed first)", "n1=16:O n2=16:O", .vms = {
        { "v1", 8, 0, true, "n1", "n2" }, { "v2", 12, 0, true, "n2" } } },
    { "standby of a node whose VM fits nowhere: it stops", "n1=16:S n2=16:O", .vms = {
        { "v1", 8, 0, true, "n1" }, { "v2", 12, 0, true, "n2" } } },
    { "a start failed on two nodes: the VM goes to the third", "n1=16:U n2=16:O n3=16:O n4=24:O", .vms = {
        { "v1", 4, 0, true, "n1", .failed = "n2,n4" }, { "v2", 4, 0, true, "n2" }, { "v3", 8, 0, true, "n3" } } },
    { "fail-count INFINITY where it runs: it leaves, live", "n1=16:O n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, true, "n1", .failed = "n1" }, { "v2", 4, 0, true, "n2" } } },
    { "failed on every other node: a crashed node's VM stays stopped", "n1=16:U n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, true, "n1", .failed = "n2,n3" }, { "v2", 4, 0, false, "n1" } } },
    { "a VM of higher priority moved by the operator takes the room of others", "n1=16:O n2=16:O", .vms = {
        { "v1", 8, 5, true, "n1", "n2" }, { "v2", 12, 0, false, "n2" } } },
    { "drain: a migrate_to fails: stopped on the source and the target, started on the target",
      "n1=16:S n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, true, "n1", .migrate_fails = "n3" }, { "v2", 8, 0, true, "n2" } } },
    { "operator move: a migrate_to fails: recovered by a stop and a start on the preferred node",
      "n1=16:O n2=16:O n3=16:O", .vms = {
        { "v1", 4, 0, true, "n1", "n2", .migrate_fails = "n2" }, { "v2", 4, 0, true, "n3" } } },
};

/* ------------------------------------------------------------------ the situation, parsed */

typedef struct {
    int n;
    char names[8][8];
    double cap[8];
    char state[8];
} nodes_t;

static nodes_t parse_nodes(const char *s)
{
    nodes_t t = { 0 };
    g_auto(GStrv) parts = g_strsplit(s, " ", -1);
    for (int i = 0; parts[i]; i++) {
        int gib;
        char st;
        cr_assert_eq(sscanf(parts[i], "%7[^=]=%d:%c", t.names[t.n], &gib, &st), 3, "bad node spec %s", parts[i]);
        t.cap[t.n] = gib * GIB;
        t.state[t.n] = st;
        t.n++;
    }
    return t;
}

static int node_index(const nodes_t *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->names[i], name))
            return i;
    cr_assert_fail("unknown node %s", name);
    return -1;
}

static int nvms(const situation *c)
{
    int n = 0;
    while (n < 8 && c->vms[n].name)
        n++;
    return n;
}

/* golive's transition for the situation. */
static void golive_decides(const situation *c, const nodes_t *t, bool *fence, sched_action *act)
{
    sched_node nodes[8];
    sched_rsc rscs[8];
    int banned[8][8], nbanned[8] = { 0 };
    for (int i = 0; i < t->n; i++) {
        sched_state st = t->state[i] == 'O'   ? SCHED_ONLINE
                         : t->state[i] == 'S' ? SCHED_STANDBY
                         : t->state[i] == 'F' ? SCHED_OFFLINE
                                              : SCHED_UNCLEAN;
        nodes[i] = (sched_node){ t->names[i], st, t->cap[i] };
    }
    int nv = nvms(c);
    for (int i = 0; i < nv; i++) {
        const vm_spec *v = &c->vms[i];
        sched_rsc *r = &rscs[i];
        *r = (sched_rsc){ .memory = v->gib * GIB, .priority = v->priority, .allow_migrate = v->migrate, .on = { -1, -1 },
                          .prefer = -1, .avoid = -1 };
        g_auto(GStrv) on = g_strsplit(v->on, ",", 2);
        for (int k = 0; on[k]; k++)
            r->on[r->non++] = node_index(t, on[k]);
        if (r->non == 2 && r->on[0] > r->on[1]) {
            int x = r->on[0];
            r->on[0] = r->on[1];
            r->on[1] = x;
        }
        r->prefer = v->prefer ? node_index(t, v->prefer) : -1;
        r->avoid = v->ban ? r->on[0] : -1;
        if (v->migrate_fails) { /* taken as active on both ends, and failed */
            r->on[r->non++] = node_index(t, v->migrate_fails);
            if (r->on[0] > r->on[1]) {
                int x = r->on[0];
                r->on[0] = r->on[1];
                r->on[1] = x;
            }
            r->failed = true;
        }
        if (v->failed) {
            g_auto(GStrv) f = g_strsplit(v->failed, ",", -1);
            for (int k = 0; f[k]; k++)
                banned[i][nbanned[i]++] = node_index(t, f[k]);
            r->banned = banned[i];
            r->nbanned = nbanned[i];
        }
    }
    sched_input in = { !c->no_quorum, !c->no_stonith, c->maintenance, c->nqp, t->n, nv, nodes, rscs };
    sched_transition(&in, fence, act);
}

/* ------------------------------------------------------------------ the CIB */

static void append_cib(GString *x, const situation *c, const nodes_t *t, bool final)
{
    static const char *const nqp[] = { "stop", "freeze", "ignore", "suicide", "demote" };
    g_string_append(x, "<cib crm_feature_set=\"3.16.1\" validate-with=\"pacemaker-3.9\" epoch=\"1\" num_updates=\"0\" "
                       "admin_epoch=\"0\" have-quorum=\"1\" dc-uuid=\"1\"><configuration><crm_config>"
                       "<cluster_property_set id=\"cbo\">");
    g_string_append_printf(x, "<nvpair id=\"o-st\" name=\"stonith-enabled\" value=\"%s\"/>",
                           final && c->no_stonith ? "false" : "true");
    g_string_append_printf(x, "<nvpair id=\"o-nqp\" name=\"no-quorum-policy\" value=\"%s\"/>",
                           final ? nqp[c->nqp] : "stop");
    g_string_append(x, "<nvpair id=\"o-ps\" name=\"placement-strategy\" value=\"balanced\"/>");
    if (final && c->maintenance)
        g_string_append(x, "<nvpair id=\"o-mm\" name=\"maintenance-mode\" value=\"true\"/>");
    if (final && c->migration_limit)
        g_string_append_printf(x, "<nvpair id=\"o-ml\" name=\"migration-limit\" value=\"%d\"/>", c->migration_limit);
    g_string_append(x, "</cluster_property_set></crm_config><nodes>");
    for (int i = 0; i <= t->n; i++) {
        const char *name = i < t->n ? t->names[i] : "fencer";
        long mib = i < t->n ? (long)(t->cap[i] / (1024 * 1024)) : 0;
        g_string_append_printf(x, "<node id=\"%d\" uname=\"%s\"><utilization id=\"%s-u\"><nvpair id=\"%s-um\" "
                                  "name=\"memory\" value=\"%ld\"/></utilization>",
                               i + 1, name, name, name, mib);
        if (final && i < t->n && t->state[i] == 'S')
            g_string_append_printf(x, "<instance_attributes id=\"%s-ia\"><nvpair id=\"%s-sb\" name=\"standby\" "
                                      "value=\"on\"/></instance_attributes>",
                                   name, name);
        g_string_append(x, "</node>");
    }
    g_string_append(x, "</nodes><resources>");
    int nv = nvms(c);
    for (int i = 0; i < nv; i++) {
        const vm_spec *v = &c->vms[i];
        g_string_append_printf(x, "<primitive id=\"%s\" class=\"ocf\" provider=\"heartbeat\" type=\"VirtualDomain\">"
                                  "<meta_attributes id=\"%s-m\"><nvpair id=\"%s-am\" name=\"allow-migrate\" "
                                  "value=\"%s\"/>",
                               v->name, v->name, v->name, v->migrate ? "true" : "false");
        if (final && v->priority)
            g_string_append_printf(x, "<nvpair id=\"%s-pr\" name=\"priority\" value=\"%d\"/>", v->name, v->priority);
        g_string_append_printf(x, "</meta_attributes><utilization id=\"%s-u\"><nvpair id=\"%s-um\" name=\"memory\" "
                                  "value=\"%d\"/></utilization></primitive>",
                               v->name, v->name, v->gib * 1024);
    }
    g_string_append(x, "<primitive id=\"fence\" class=\"stonith\" type=\"fence_dummy\"/></resources><constraints>"
                       "<rsc_location id=\"fence-home\" rsc=\"fence\" node=\"fencer\" score=\"INFINITY\"/>");
    for (int i = 0; final && i < nv; i++) {
        const vm_spec *v = &c->vms[i];
        if (v->prefer)
            g_string_append_printf(x, "<rsc_location id=\"cli-prefer-%s\" rsc=\"%s\" node=\"%s\" score=\"INFINITY\"/>",
                                   v->name, v->name, v->prefer);
        if (v->ban) {
            g_auto(GStrv) on = g_strsplit(v->on, ",", 2);
            g_string_append_printf(x, "<rsc_location id=\"cli-ban-%s\" rsc=\"%s\" node=\"%s\" score=\"-INFINITY\"/>",
                                   v->name, v->name, on[0]);
        }
    }
    g_string_append(x, "</constraints><rsc_defaults><meta_attributes id=\"rd\"><nvpair id=\"rd-st\" "
                       "name=\"resource-stickiness\" value=\"100\"/></meta_attributes></rsc_defaults>"
                       "</configuration><status/></cib>");
}

/* The opening tag of node's <node_state> in a CIB. */
static char *node_state_of(char *cib, const char *node)
{
    g_autofree char *key = g_strdup_printf("uname=\"%s\"", node);
    for (char *ns = strstr(cib, "<node_state "); ns; ns = strstr(ns + 1, "<node_state ")) {
        g_autofree char *tag = g_strndup(ns, (gsize)(strchr(ns, '>') - ns));
        if (strstr(tag, key))
            return ns;
    }
    return NULL;
}

/* The fail-counts the controller writes after failed starts (failed-start-offset
 * INFINITY, pcmk_graph_producer.c), as transient attributes of the nodes. */
static void append_failcounts(GString *y, const situation *c)
{
    for (int i = 0; i < nvms(c); i++) {
        if (!c->vms[i].failed)
            continue;
        g_auto(GStrv) f = g_strsplit(c->vms[i].failed, ",", -1);
        for (int k = 0; f[k]; k++) {
            char *ns = node_state_of(y->str, f[k]);
            cr_assert_not_null(ns, "no node_state for %s", f[k]);
            char *end = strchr(ns, '>');
            cr_assert_not_null(end);
            if (end[-1] == '/') { /* <node_state .../>: open it */
                gssize at = end - 1 - y->str;
                g_string_erase(y, at, 2);
                g_string_insert(y, at, "></node_state>");
                end = y->str + at;
            }
            g_autofree char *attr = g_strdup_printf(
                "<transient_attributes id=\"fc-%s-%s\"><instance_attributes id=\"fc-%s-%s-ia\">"
                "<nvpair id=\"fc-%s-%s-nv\" name=\"fail-count-%s#start_0\" value=\"INFINITY\"/>"
                "</instance_attributes></transient_attributes>",
                c->vms[i].name, f[k], c->vms[i].name, f[k], c->vms[i].name, f[k], c->vms[i].name);
            g_string_insert(y, end + 1 - y->str, attr);
        }
    }
}

static char *crm_simulate_path(void)
{
    char *p = g_find_program_in_path("crm_simulate");
    if (!p && g_file_test("/usr/sbin/crm_simulate", G_FILE_TEST_IS_EXECUTABLE))
        p = g_strdup("/usr/sbin/crm_simulate");
    return p;
}

static char *run(GPtrArray *argv)
{
    g_ptr_array_add(argv, NULL);
    char *out = NULL, *err = NULL;
    int status = 0;
    GError *e = NULL;
    gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &e);
    cr_assert(ok, "crm_simulate did not run: %s", e ? e->message : "?");
    g_free(err);
    return out;
}

/* Pacemaker's transition for the situation, as the actions crm_simulate
 * executes: "Fencing N", "Resource action: R OP on N", "Pseudo action:
 * R_stop_0" (a stop implied by a fence). */
static char *pacemaker_decides(const situation *c, const nodes_t *t, const char *dir)
{
    g_autofree char *cs = crm_simulate_path();
    cr_assert_not_null(cs, "crm_simulate (Pacemaker's scheduler) is not installed: run `make deps` "
                           "(Debian package pacemaker-cli-utils); this suite is the oracle of golive's scheduler");
    g_autofree char *settle = g_build_filename(dir, "settle.xml", NULL);
    g_autofree char *settled = g_build_filename(dir, "settled.xml", NULL);
    g_autofree char *final = g_build_filename(dir, "final.xml", NULL);
    GString *x = g_string_new(NULL);
    append_cib(x, c, t, false);
    cr_assert(g_file_set_contents(settle, x->str, -1, NULL));
    g_string_free(x, TRUE);
    /* 1: a settled cluster, each VM running where it ran first */
    GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(a, g_strdup(cs));
    g_ptr_array_add(a, g_strdup("-x"));
    g_ptr_array_add(a, g_strdup(settle));
    for (int i = 0; i <= t->n; i++) {
        g_ptr_array_add(a, g_strdup("--node-up"));
        g_ptr_array_add(a, g_strdup(i < t->n ? t->names[i] : "fencer"));
    }
    int nv = nvms(c);
    for (int i = 0; i < nv; i++) {
        g_auto(GStrv) on = g_strsplit(c->vms[i].on, ",", 2);
        g_ptr_array_add(a, g_strdup("--op-inject"));
        g_ptr_array_add(a, g_strdup_printf("%s_monitor_0@%s=0", c->vms[i].name, on[0]));
    }
    g_ptr_array_add(a, g_strdup("--op-inject"));
    g_ptr_array_add(a, g_strdup("fence_monitor_0@fencer=0"));
    g_ptr_array_add(a, g_strdup("-O"));
    g_ptr_array_add(a, g_strdup(settled));
    g_ptr_array_add(a, g_strdup("-S"));
    g_free(run(a));
    g_ptr_array_free(a, TRUE);
    /* 2: the situation's configuration on that status */
    g_autofree char *st = NULL;
    cr_assert(g_file_get_contents(settled, &st, NULL, NULL), "crm_simulate wrote no status");
    char *cb = strstr(st, "<configuration>"), *ce = strstr(st, "</configuration>");
    cr_assert(cb && ce);
    GString *conf = g_string_new(NULL);
    append_cib(conf, c, t, true);
    char *nb = strstr(conf->str, "<configuration>"), *ne = strstr(conf->str, "</configuration>");
    GString *y = g_string_new_len(st, cb - st);
    g_string_append_len(y, nb, ne - nb);
    g_string_append(y, ce);
    append_failcounts(y, c);
    cr_assert(g_file_set_contents(final, y->str, -1, NULL));
    g_string_free(y, TRUE);
    g_string_free(conf, TRUE);
    a = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(a, g_strdup(cs));
    g_ptr_array_add(a, g_strdup("-x"));
    g_ptr_array_add(a, g_strdup(final));
    for (int i = 0; i < t->n; i++)
        if (t->state[i] == 'U' || t->state[i] == 'F') {
            g_ptr_array_add(a, g_strdup(t->state[i] == 'U' ? "--node-fail" : "--node-down"));
            g_ptr_array_add(a, g_strdup(t->names[i]));
        }
    g_ptr_array_add(a, g_strdup("--quorum"));
    g_ptr_array_add(a, g_strdup(c->no_quorum ? "0" : "1"));
    for (int i = 0; i < nv; i++) {
        g_auto(GStrv) on = g_strsplit(c->vms[i].on, ",", 2);
        if (on[1]) { /* found running a second time */
            g_ptr_array_add(a, g_strdup("--op-inject"));
            g_ptr_array_add(a, g_strdup_printf("%s_monitor_0@%s=0", c->vms[i].name, on[1]));
        }
    }
    g_autofree char *failed = g_build_filename(dir, "failed.xml", NULL);
    const vm_spec *mf = NULL;
    for (int i = 0; i < nv; i++)
        if (c->vms[i].migrate_fails)
            mf = &c->vms[i];
    if (mf) {
        g_ptr_array_add(a, g_strdup("--op-fail"));
        g_ptr_array_add(a, g_strdup_printf("%s_migrate_to_0@%s=1", mf->name, mf->on));
        g_ptr_array_add(a, g_strdup("-O"));
        g_ptr_array_add(a, g_strdup(failed));
    }
    g_ptr_array_add(a, g_strdup("-S"));
    char *out = run(a);
    g_ptr_array_free(a, TRUE);
    if (mf) {
        /* the transition that failed was the live migration to that node */
        g_autofree char *want = g_strdup_printf("Resource action: %s migrate_to on %s", mf->name, mf->on);
        GRegex *ws = g_regex_new("\\s+", 0, 0, NULL);
        g_autofree char *norm = g_regex_replace_literal(ws, out, -1, 0, " ", 0, NULL);
        g_regex_unref(ws);
        cr_assert(strstr(norm, want), "%s: crm_simulate did not try the live migration:\n%s", c->title, out);
        g_autofree char *mig = g_strdup_printf("Migrate %s ( %s -> %s )", mf->name, mf->on, mf->migrate_fails);
        cr_assert(strstr(norm, mig), "%s: crm_simulate migrated it elsewhere:\n%s", c->title, out);
        g_free(out);
        a = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(a, g_strdup(cs));
        g_ptr_array_add(a, g_strdup("-x"));
        g_ptr_array_add(a, g_strdup(failed));
        g_ptr_array_add(a, g_strdup("-S"));
        out = run(a);
        g_ptr_array_free(a, TRUE);
        g_remove(failed);
    }
    return out;
}

/* The per-VM verbs and the fenced nodes crm_simulate executed, in golive's
 * terms, as text ("fence n1; v1 recover n1->n3; ..."). */
static char *pacemaker_summary(const situation *c, const nodes_t *t, const char *out)
{
    int nv = nvms(c);
    int starts[8], stops[8][4], nstops[8], mig_from[8], mig_to[8];
    bool pseudo_stop[8];
    bool fenced[8] = { false };
    for (int i = 0; i < nv; i++) {
        starts[i] = mig_from[i] = mig_to[i] = -1;
        nstops[i] = 0;
        pseudo_stop[i] = false;
    }
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    bool executing = false;
    for (int k = 0; lines[k]; k++) {
        const char *l = g_strstrip(lines[k]);
        if (g_str_has_prefix(l, "Executing Cluster Transition"))
            executing = true;
        if (g_str_has_prefix(l, "Revised Cluster Status"))
            executing = false;
        if (!executing)
            continue;
        char a1[64], a2[64], a3[64];
        if (sscanf(l, "* Fencing %63s", a1) == 1) {
            fenced[node_index(t, a1)] = true;
        } else if (sscanf(l, "* Resource action: %63s %63s on %63s", a1, a2, a3) == 3) {
            int v = -1;
            for (int i = 0; i < nv; i++)
                if (!strcmp(c->vms[i].name, a1))
                    v = i;
            if (v < 0 || !strcmp(a2, "monitor"))
                continue;
            int n = node_index(t, a3);
            if (!strcmp(a2, "start"))
                starts[v] = n;
            else if (!strcmp(a2, "stop"))
                stops[v][nstops[v]++] = n;
            else if (!strcmp(a2, "migrate_to"))
                mig_from[v] = n;
            else if (!strcmp(a2, "migrate_from"))
                mig_to[v] = n;
        } else if (sscanf(l, "* Pseudo action: %63s", a1) == 1) {
            for (int i = 0; i < nv; i++) {
                g_autofree char *stop = g_strdup_printf("%s_stop_0", c->vms[i].name);
                if (!strcmp(a1, stop))
                    pseudo_stop[i] = true;
            }
        }
    }
    GString *s = g_string_new(NULL);
    for (int n = 0; n < t->n; n++)
        if (fenced[n])
            g_string_append_printf(s, "fence %s; ", t->names[n]);
    for (int i = 0; i < nv; i++) {
        const char *name = c->vms[i].name;
        if (mig_from[i] >= 0 && mig_to[i] >= 0)
            g_string_append_printf(s, "%s migrate %s->%s; ", name, t->names[mig_from[i]], t->names[mig_to[i]]);
        else if (nstops[i] >= 2 || (nstops[i] == 1 && pseudo_stop[i]))
            g_string_append_printf(s, "%s restart ->%s; ", name, starts[i] >= 0 ? t->names[starts[i]] : "-");
        else if (pseudo_stop[i])
            g_string_append_printf(s, "%s recover ->%s; ", name, starts[i] >= 0 ? t->names[starts[i]] : "-");
        else if (nstops[i] == 1 && starts[i] >= 0)
            g_string_append_printf(s, "%s move %s->%s; ", name, t->names[stops[i][0]], t->names[starts[i]]);
        else if (nstops[i] == 1)
            g_string_append_printf(s, "%s stop %s; ", name, t->names[stops[i][0]]);
        else if (starts[i] >= 0)
            g_string_append_printf(s, "%s start ->%s; ", name, t->names[starts[i]]);
    }
    return g_string_free(s, FALSE);
}

static char *golive_summary(const situation *c, const nodes_t *t, const bool *fence, const sched_action *act)
{
    GString *s = g_string_new(NULL);
    for (int n = 0; n < t->n; n++)
        if (fence[n])
            g_string_append_printf(s, "fence %s; ", t->names[n]);
    for (int i = 0; i < nvms(c); i++) {
        const char *name = c->vms[i].name;
        const sched_action *a = &act[i];
        const char *to = a->to >= 0 ? t->names[a->to] : "-";
        switch (a->verb) {
        case SCHED_NONE:
            break;
        case SCHED_START:
            g_string_append_printf(s, "%s start ->%s; ", name, to);
            break;
        case SCHED_STOP:
            g_string_append_printf(s, "%s stop %s; ", name, t->names[a->from]);
            break;
        case SCHED_MIGRATE:
        case SCHED_MOVE:
            g_string_append_printf(s, "%s %s %s->%s; ", name, a->verb == SCHED_MIGRATE ? "migrate" : "move",
                                   t->names[a->from], to);
            break;
        case SCHED_RECOVER:
            g_string_append_printf(s, "%s recover ->%s; ", name, to);
            break;
        case SCHED_RESTART:
            g_string_append_printf(s, "%s restart ->%s; ", name, to);
            break;
        }
    }
    return g_string_free(s, FALSE);
}

Test(pcmk_oracle, golive_decides_as_pacemaker, .timeout = 600)
{
    g_autofree char *dir = g_dir_make_tmp("golive-crm-XXXXXX", NULL);
    cr_assert_not_null(dir);
    int differ = 0;
    GString *report = g_string_new(NULL);
    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        const situation *c = &cases[k];
        nodes_t t = parse_nodes(c->nodes);
        bool fence[8];
        sched_action act[8];
        golive_decides(c, &t, fence, act);
        g_autofree char *ours = golive_summary(c, &t, fence, act);
        g_autofree char *out = pacemaker_decides(c, &t, dir);
        g_autofree char *theirs = pacemaker_summary(c, &t, out);
        if (g_getenv("GOLIVE_ORACLE_VERBOSE"))
            fprintf(stderr, "%s\n  golive:    %s\n  Pacemaker: %s\n", c->title, ours, theirs);
        if (strcmp(ours, theirs) != 0) {
            differ++;
            g_string_append_printf(report, "\n%s\n  golive:    %s\n  Pacemaker: %s", c->title, ours, theirs);
        }
    }
    for (const char *const *f = (const char *const[]){ "settle.xml", "settled.xml", "final.xml", NULL }; *f; f++) {
        g_autofree char *path = g_build_filename(dir, *f, NULL);
        g_remove(path);
    }
    g_rmdir(dir);
    cr_assert_eq(differ, 0, "%d of %zu situations decided differently:%s", differ, G_N_ELEMENTS(cases), report->str);
    cr_assert_geq(G_N_ELEMENTS(cases), 20);
    g_string_free(report, TRUE);
}
