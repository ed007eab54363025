/* golive import — a scenario from a running cluster's configuration.
 *
 * Reads a Pacemaker CIB (cli/cib) and a corosync.conf (cli/corosync_conf),
 * in any order, and writes one scenario: every value the files give is
 * set explicitly (the tools' own defaults where the files leave a key out,
 * since that is what the cluster runs with), and what the files cannot
 * say gets the importer's documented default (docs/import.md), listed in
 * the scenario's description and in the report with the key to set.
 * Files that contradict each other are refused (exit 2), naming both. */
#include "cli/cmd_import.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/ceph_json.h"
#include "cli/cib.h"
#include "cli/cli.h"
#include "cli/corosync_conf.h"
#include "cli/dirtyrate.h"
#include "cli/drbd_conf.h"
#include "cli/interrupt.h"
#include "cli/libvirt_domain.h"
#include "cli/output.h"

#include <math.h>
#include "models/cluster/pacemaker.h"
#include "models/scenario.h"
#include "models/units.h"

/* What the files cannot say (docs/import.md, assumptions). */
#define IMPORT_NIC_BANDWIDTH "10Gbit/s"
#define IMPORT_VM_MEMORY "4GiB"
#define IMPORT_STAND_IN_MEMORY "64MiB"
/* corosync 3.1.7 exec/totemconfig.c defaults (sources.md rows 12-14) */
#define COROSYNC_TOKEN_MS 3000
#define COROSYNC_TOKEN_COEFFICIENT_MS 650
#define COROSYNC_JOIN_MS 50
/* knet links per node (corosync.conf(5): up to 8) */
#define COROSYNC_MAX_LINKS 8

typedef struct {
    const char *cib_file, *cc_file;
    cib *cib;
    corosync_conf *cc;
    drbd_conf *drbd;
    const char *drbd_file;
    ceph_info *ceph[4];       /* by ceph_kind: osd tree, pools, mon dump */
    const char *ceph_file[4];
    GPtrArray *domains;      /* libvirt_domain * */
    GPtrArray *domain_files; /* the file of each (argv's strings) */
    GPtrArray *domain_used;  /* GINT_TO_POINTER(1) once a VM took it */
    char *storage_from;      /* "FILE:LINE disk vda (rbd vms/web)": the first disk that decided the storage */
    GPtrArray *rates;        /* dirtyrate_entry *, owned by rate_lists */
    GPtrArray *rate_files;   /* the file of each */
    GPtrArray *rate_used;
    GPtrArray *rate_lists;   /* what dirtyrate_parse returned */
    int vms_measured, vms_unmeasured;
    int storage_kind;        /* an ld_kind, -1 until a disk decides */
    bool stand_ins;
    GPtrArray *from;     /* "key\tvalue\torigin" */
    GPtrArray *assumed;  /* "key\tvalue\twhy" */
    GPtrArray *unused;   /* "where: what" */
    GPtrArray *warnings; /* read, simulated otherwise than the cluster would */
    GPtrArray *errors;
} importer;

/* key: a scenario path; a bare name is a cluster key */
static void G_GNUC_PRINTF(4, 5) note_from(importer *im, const char *key, const char *value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *o = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    bool bare = !strchr(key, '.') && !strchr(key, '[') && strcmp(key, "hosts") && strcmp(key, "networks");
    g_ptr_array_add(im->from, g_strdup_printf("%s%s\t%s\t%s", bare ? "cluster." : "", key, value, o));
}

static void note_assumed(importer *im, const char *key, const char *value, const char *why)
{
    g_ptr_array_add(im->assumed, g_strdup_printf("%s\t%s\t%s", key, value, why));
}

static void G_GNUC_PRINTF(2, 3) note_unused(importer *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(im->unused, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static void G_GNUC_PRINTF(2, 3) warn(importer *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(im->warnings, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static void G_GNUC_PRINTF(2, 3) fail(importer *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(im->errors, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

/* ------------------------------------------------------------------ inputs */

typedef enum { IN_CIB, IN_COROSYNC, IN_DOMAIN, IN_JSON, IN_DIRTY, IN_DRBD, IN_UNKNOWN } input_kind;

/* By content, not by name: an XML document whose root is <cib>, or text
 * in corosync.conf's sections. */
static input_kind sniff(const char *text, size_t len, char **root)
{
    size_t i = 0;
    while (i < len && g_ascii_isspace(text[i]))
        i++;
    *root = NULL;
    if (i < len && text[i] == '<') {
        /* the first element that is not a declaration, comment or doctype */
        const char *p = text + i;
        while ((p = strchr(p, '<'))) {
            if (p[1] != '?' && p[1] != '!')
                break;
            p++;
        }
        if (!p)
            return IN_UNKNOWN;
        size_t n = strcspn(p + 1, " \t\r\n/>");
        *root = g_strndup(p + 1, MIN(n, 64));
        return !strcmp(*root, "cib") ? IN_CIB : !strcmp(*root, "domain") ? IN_DOMAIN : IN_UNKNOWN;
    }
    if (i < len && (text[i] == '{' || text[i] == '['))
        return IN_JSON;
    return dirtyrate_sniff(text, len) ? IN_DIRTY : drbd_conf_sniff(text, len) ? IN_DRBD : IN_COROSYNC;
}

static bool read_input(importer *im, const char *path)
{
    g_autofree char *text = NULL, *why = NULL, *root = NULL;
    size_t len = 0;
    if (!scenario_read_file(path, SCENARIO_MAX_BYTES, &text, &len, &why)) {
        fail(im, "%s: %s%s", path, g_str_has_prefix(why, "too large") ? "" : "cannot read: ", why);
        return false;
    }
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        fail(im, "%s: starts with a byte-order mark; save it as UTF-8 without one", path);
        return false;
    }
    input_kind k = sniff(text, len, &root);
    char *err = NULL;
    if (k == IN_JSON) { /* Ceph's outputs, or a QMP reply */
        json_tokener *tok = json_tokener_new();
        json_object *doc = len <= INT32_MAX ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
        ceph_kind ck = doc && json_tokener_get_error(tok) == json_tokener_success ? ceph_json_kind(doc) : CEPH_NONE;
        json_tokener_free(tok);
        if (ck == CEPH_NONE) {
            json_object_put(doc);
            k = IN_DIRTY; /* its parser says what is wrong, with the line */
        }
        else if (im->ceph[ck]) {
            fail(im, "%s and %s: the same Ceph command's output twice; give one", im->ceph_file[ck], path);
            json_object_put(doc);
            return false;
        } else {
            im->ceph[ck] = ceph_json_read(path, doc, &err);
            im->ceph_file[ck] = path;
            json_object_put(doc);
            if (err) {
                fail(im, "%s", err);
                g_free(err);
                return false;
            }
            return true;
        }
    }
    if (k == IN_CIB) {
        if (im->cib) {
            fail(im, "%s and %s: two CIBs; give one per cluster", im->cib_file, path);
            return false;
        }
        im->cib = cib_parse(path, text, len, &err);
        im->cib_file = path;
    } else if (k == IN_COROSYNC) {
        if (im->cc) {
            fail(im, "%s and %s: two corosync.conf files; give one per cluster", im->cc_file, path);
            return false;
        }
        im->cc = corosync_conf_parse(path, text, len, &err);
        im->cc_file = path;
        if (im->cc && !corosync_conf_nnodes(im->cc) && !corosync_conf_get(im->cc, "totem.version", NULL) &&
            !corosync_conf_get(im->cc, "totem.cluster_name", NULL)) {
            corosync_conf_free(im->cc);
            im->cc = NULL;
            err = g_strdup_printf("%s: no totem section and no nodelist: not a corosync.conf", path);
        }
    } else if (k == IN_DRBD) {
        if (im->drbd) {
            fail(im, "%s and %s: two DRBD configurations; give one (drbdadm dump prints every resource)", im->drbd_file,
                 path);
            return false;
        }
        im->drbd = drbd_conf_parse(path, text, len, &err);
        im->drbd_file = path;
    } else if (k == IN_DIRTY) {
        GPtrArray *list = dirtyrate_parse(path, text, len, &err);
        if (list) {
            g_ptr_array_add(im->rate_lists, list);
            for (guint i = 0; i < list->len; i++) {
                g_ptr_array_add(im->rates, g_ptr_array_index(list, i));
                g_ptr_array_add(im->rate_files, (char *)path);
                g_ptr_array_add(im->rate_used, NULL);
            }
        }
    } else if (k == IN_DOMAIN) {
        libvirt_domain *d = libvirt_domain_parse(path, text, len, &err);
        for (guint i = 0; d && i < im->domains->len; i++) {
            const libvirt_domain *o = g_ptr_array_index(im->domains, i);
            if (!strcmp(o->name, d->name)) {
                err = g_strdup_printf("%s:%d and %s:%d: two domains named %s", (char *)g_ptr_array_index(im->domain_files, i),
                                      o->line, path, d->line, d->name);
                libvirt_domain_free(d);
                d = NULL;
            }
        }
        if (d) {
            g_ptr_array_add(im->domains, d);
            g_ptr_array_add(im->domain_files, (char *)path);
            g_ptr_array_add(im->domain_used, NULL);
        }
    } else {
        fail(im, "%s: an XML document whose root element is <%s>: not a Pacemaker CIB (cibadmin --query) nor a "
                 "libvirt domain (virsh dumpxml), the XML golive import reads",
             path, root ? root : "?");
        return false;
    }
    if (err) {
        fail(im, "%s", err);
        g_free(err);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------------ building */

/* a time in ms as the scenario writes it: whole seconds as s */
static char *ms(int64_t v)
{
    if (v && v % 1000 == 0)
        return g_strdup_printf("%" G_GINT64_FORMAT "s", v / 1000);
    return g_strdup_printf("%" G_GINT64_FORMAT "ms", v);
}

/* A corosync key in ms, its default when not set: explicit in the scenario. */
static void cc_time(importer *im, json_object *cl, const char *key, const char *path, int64_t def, const char *def_why)
{
    int line;
    const char *v = corosync_conf_get(im->cc, path, &line);
    int64_t x = v ? corosync_conf_int(im->cc, path, def) : def;
    g_autofree char *t = ms(x);
    json_object_object_add(cl, key, json_object_new_string(t));
    if (v)
        note_from(im, key, t, "%s:%d %s", im->cc_file, line, path);
    else
        note_from(im, key, t, "%s: %s not set: %s", im->cc_file, path, def_why);
}

static void cc_flag(importer *im, json_object *cl, const char *key, const char *path, bool def, const char *def_why)
{
    int line;
    const char *v = corosync_conf_get(im->cc, path, &line);
    bool b = v ? corosync_conf_int(im->cc, path, 0) != 0 : def;
    json_object_object_add(cl, key, json_object_new_boolean(b));
    if (v)
        note_from(im, key, b ? "true" : "false", "%s:%d %s", im->cc_file, line, path);
    else
        note_from(im, key, b ? "true" : "false", "%s: %s not set: %s", im->cc_file, path, def_why);
}

/* A node's name as corosync finds it: name, else ring0_addr. */
/* A nodelist node's name: its `name`, else the CIB node of the same id
 * (Pacemaker names a node without one by its host name and keeps
 * corosync's nodeid as its id), else its ring0 address, as corosync does. */
static const char *cc_node_name(const importer *im, size_t i)
{
    const corosync_conf *cc = im->cc;
    const char *n = corosync_conf_node(cc, i, "name", NULL);
    if (n)
        return n;
    const char *id = corosync_conf_node(cc, i, "nodeid", NULL);
    for (guint k = 0; id && im->cib && k < im->cib->nodes->len; k++) {
        const cib_node *cn = g_ptr_array_index(im->cib->nodes, k);
        if (cn->id && !strcmp(cn->id, id))
            return cn->name;
    }
    return corosync_conf_node(cc, i, "ring0_addr", NULL);
}

static int cc_links(const corosync_conf *cc)
{
    int links = 0;
    for (size_t i = 0; i < corosync_conf_nnodes(cc); i++)
        for (int l = 0; l < COROSYNC_MAX_LINKS; l++) {
            g_autofree char *k = g_strdup_printf("ring%d_addr", l);
            if (corosync_conf_node(cc, i, k, NULL) && l + 1 > links)
                links = l + 1;
        }
    return links ? links : 1;
}

static GPtrArray *host_names(importer *im)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    if (im->cc) {
        for (size_t i = 0; i < corosync_conf_nnodes(im->cc); i++) {
            const char *n = cc_node_name(im, i);
            if (!n) {
                fail(im, "%s:%d: a node with neither name nor ring0_addr", im->cc_file,
                     corosync_conf_node_line(im->cc, i));
                continue;
            }
            g_ptr_array_add(names, g_strdup(n));
        }
    } else if (im->cib) {
        for (guint i = 0; i < im->cib->nodes->len; i++)
            g_ptr_array_add(names, g_strdup(((cib_node *)g_ptr_array_index(im->cib->nodes, i))->name));
    } else if (im->drbd) {
        for (size_t r = 0; r < drbd_conf_nresources(im->drbd); r++) {
            const drbd_resource *res = drbd_conf_resource(im->drbd, r);
            for (guint h = 0; h < res->hosts->len; h++) {
                const char *n = ((const drbd_host *)g_ptr_array_index(res->hosts, h))->name;
                bool seen = false;
                for (guint k = 0; k < names->len && !seen; k++)
                    seen = !strcmp(g_ptr_array_index(names, k), n);
                if (!seen)
                    g_ptr_array_add(names, g_strdup(n));
            }
        }
    }
    /* DRBD's hosts are the cluster's */
    for (size_t r = 0; im->drbd && (im->cc || im->cib) && r < drbd_conf_nresources(im->drbd); r++) {
        const drbd_resource *res = drbd_conf_resource(im->drbd, r);
        for (guint h = 0; h < res->hosts->len; h++) {
            const drbd_host *dh = g_ptr_array_index(res->hosts, h);
            bool found = false;
            for (guint k = 0; k < names->len && !found; k++)
                found = !strcmp(g_ptr_array_index(names, k), dh->name);
            if (!found)
                fail(im, "%s:%d: resource %s replicates on %s, which is not a node of %s", im->drbd_file, dh->line,
                     res->name, dh->name, im->cc ? im->cc_file : im->cib_file);
        }
    }
    /* the two files must name the same nodes */
    if (im->cc && im->cib) {
        for (guint i = 0; i < im->cib->nodes->len; i++) {
            const cib_node *n = g_ptr_array_index(im->cib->nodes, i);
            bool found = false;
            for (guint k = 0; k < names->len && !found; k++)
                found = !strcmp(g_ptr_array_index(names, k), n->name);
            if (!found)
                fail(im, "%s:%d: node %s is in the CIB but not in %s's nodelist", im->cib_file, n->line, n->name,
                     im->cc_file);
        }
        for (size_t i = 0; i < corosync_conf_nnodes(im->cc); i++) {
            const char *n = cc_node_name(im, i);
            bool found = false;
            for (guint k = 0; n && k < im->cib->nodes->len && !found; k++)
                found = !strcmp(((cib_node *)g_ptr_array_index(im->cib->nodes, k))->name, n);
            if (n && !found)
                fail(im, "%s:%d: node %s is in the nodelist but not among %s's nodes", im->cc_file,
                     corosync_conf_node_line(im->cc, i), n, im->cib_file);
        }
    }
    return names;
}

static void build_corosync(importer *im, json_object *cl, size_t nnodes)
{
    const corosync_conf *cc = im->cc;
    cc_time(im, cl, "token", "totem.token", COROSYNC_TOKEN_MS, "corosync's default");
    cc_time(im, cl, "token_coefficient", "totem.token_coefficient", COROSYNC_TOKEN_COEFFICIENT_MS,
            "corosync's default");
    /* consensus defaults to 1.2 x the token corosync runs with, the
     * coefficient added beyond two nodes (totemconfig.c) */
    int64_t token = corosync_conf_int(cc, "totem.token", COROSYNC_TOKEN_MS);
    if (nnodes > 2)
        token += (int64_t)(nnodes - 2) * corosync_conf_int(cc, "totem.token_coefficient", COROSYNC_TOKEN_COEFFICIENT_MS);
    cc_time(im, cl, "consensus", "totem.consensus", (int64_t)(float)(1.2 * (double)token),
            "1.2 x the token corosync runs with (totemconfig.c)");
    int line;
    const char *j = corosync_conf_get(cc, "totem.join", &line);
    if (j && corosync_conf_int(cc, "totem.join", COROSYNC_JOIN_MS) != COROSYNC_JOIN_MS)
        note_unused(im, "%s:%d totem.join %s: the join timeout is not simulated (membership forms at token + "
                        "consensus)",
                    im->cc_file, line, j);
    bool two = corosync_conf_int(cc, "quorum.two_node", 0) != 0;
    cc_flag(im, cl, "two_node", "quorum.two_node", false, "off");
    cc_flag(im, cl, "wait_for_all", "quorum.wait_for_all", two, two ? "on with two_node (votequorum(5))" : "off");
    cc_flag(im, cl, "last_man_standing", "quorum.last_man_standing", false, "off");
    if (corosync_conf_int(cc, "quorum.last_man_standing", 0))
        cc_time(im, cl, "last_man_standing_window", "quorum.last_man_standing_window", 10000,
                "votequorum's default");
    cc_flag(im, cl, "auto_tie_breaker", "quorum.auto_tie_breaker", false, "off");
    const char *atb = corosync_conf_get(cc, "quorum.auto_tie_breaker_node", &line);
    if (atb && strcmp(atb, "lowest"))
        warn(im, "%s:%d quorum.auto_tie_breaker_node %s: golive gives an even split to the side of the lowest node "
                 "id, as the default 'lowest' does",
             im->cc_file, line, atb);
    const char *ev = corosync_conf_get(cc, "quorum.expected_votes", &line);
    if (ev && corosync_conf_int(cc, "quorum.expected_votes", 0) != (int64_t)nnodes)
        warn(im, "%s:%d quorum.expected_votes %s: golive counts one vote per node of the nodelist (%zu)", im->cc_file,
             line, ev, nnodes);
    for (size_t i = 0; i < corosync_conf_nnodes(cc); i++) {
        const char *qv = corosync_conf_node(cc, i, "quorum_votes", &line);
        if (qv && strcmp(qv, "1"))
            warn(im, "%s:%d quorum_votes %s: golive counts one vote per node", im->cc_file, line, qv);
    }
    const char *model = corosync_conf_get(cc, "quorum.device.model", &line);
    if (model) {
        const char *host = corosync_conf_get(cc, "quorum.device.net.host", NULL);
        const char *alg = corosync_conf_get(cc, "quorum.device.net.algorithm", NULL);
        if (strcmp(model, "net") || !host)
            fail(im, "%s:%d quorum.device.model %s: golive simulates a net device (corosync-qnetd) with its host set",
                 im->cc_file, line, model);
        else {
            if (alg && strcmp(alg, "ffsplit"))
                warn(im, "%s: quorum.device.net.algorithm %s: golive simulates ffsplit", im->cc_file, alg);
            json_object_object_add(cl, "qdevice", json_object_new_string("qnetd"));
            note_from(im, "qdevice", "qnetd", "%s:%d quorum.device (corosync-qnetd on %s, a host of its own)",
                      im->cc_file, line, host);
        }
    }
    /* knet's other links carry the membership when the first fails */
    if (cc_links(cc) > 1)
        warn(im, "%s: %d knet links: each is a network of the scenario, but golive's membership follows link 0 "
                 "(cluster.network ring0) only: a cut of ring0 alone partitions the cluster in golive, not in corosync",
             im->cc_file, cc_links(cc));
    const char *tr = corosync_conf_get(cc, "totem.transport", NULL);
    (void)tr; /* knet, udpu or udp: the timings above are the same */
}

static void cib_option(importer *im, json_object *cl, const char *key, const char *opt, const char *def,
                       const char *def_why, int kind)
{
    const cib *c = im->cib;
    const char *v = g_hash_table_lookup(c->options, opt);
    int line = GPOINTER_TO_INT(g_hash_table_lookup(c->option_line, opt));
    const char *use = v ? v : def;
    g_autofree char *shown = NULL;
    if (kind == 0) { /* boolean */
        bool b = cib_is_true(use);
        json_object_object_add(cl, key, json_object_new_boolean(b));
        shown = g_strdup(b ? "true" : "false");
    } else { /* time */
        bool frac;
        int64_t x = cib_msec(use, &frac);
        if (x < 0) {
            fail(im, "%s:%d: %s=\"%s\": not a time Pacemaker reads (a number and ms, s, min or h)", im->cib_file,
                 line, opt, use);
            return;
        }
        if (frac)
            warn(im, "%s:%d %s=\"%s\": Pacemaker reads only the whole number (%" G_GINT64_FORMAT " ms)",
                 im->cib_file, line, opt, use, x);
        shown = ms(x);
        json_object_object_add(cl, key, json_object_new_string(shown));
    }
    if (v)
        note_from(im, key, shown, "%s:%d %s", im->cib_file, line, opt);
    else
        note_from(im, key, shown, "%s: %s not set: %s", im->cib_file, opt, def_why);
}

static bool is_vm(const cib_rsc *r)
{
    return r->cls && !strcmp(r->cls, "ocf") && r->type && !strcmp(r->type, "VirtualDomain");
}

static bool is_fence(const cib_rsc *r) { return r->cls && !strcmp(r->cls, "stonith"); }

static const char *meta(const cib *c, const cib_rsc *r, const char *name)
{
    const char *v = g_hash_table_lookup(r->meta, name);
    return v ? v : g_hash_table_lookup(c->rsc_defaults, name);
}

static void build_fencing(importer *im, json_object *cl, const GPtrArray *hosts)
{
    const cib *c = im->cib;
    int64_t delay_max = -1;
    json_object *base = json_object_new_object();
    bool any_base = false;
    int devices = 0, with_max = 0;
    const cib_rsc *without = NULL;
    for (guint i = 0; i < c->rscs->len; i++) {
        const cib_rsc *r = g_ptr_array_index(c->rscs, i);
        if (!is_fence(r))
            continue;
        devices++;
        const char *dm = g_hash_table_lookup(r->attrs, "pcmk_delay_max");
        const char *db = g_hash_table_lookup(r->attrs, "pcmk_delay_base");
        const char *hl = g_hash_table_lookup(r->attrs, "pcmk_host_list");
        if (!dm && !without)
            without = r;
        if (dm) {
            with_max++;
            int64_t x = cib_msec(dm, NULL);
            if (x < 0)
                fail(im, "%s:%d: %s pcmk_delay_max=\"%s\": not a time", im->cib_file, r->line, r->id, dm);
            else if (delay_max >= 0 && x != delay_max)
                warn(im, "%s:%d %s pcmk_delay_max %s: the fence devices differ; golive has one pcmk_delay_max for all "
                         "and takes the largest",
                     im->cib_file, r->line, r->id, dm);
            if (x > delay_max)
                delay_max = x;
        }
        if (db) {
            if (strchr(db, ':')) {
                warn(im, "%s:%d %s pcmk_delay_base \"%s\": a per-host map; golive reads a single time per device",
                     im->cib_file, r->line, r->id, db);
                continue;
            }
            int64_t x = cib_msec(db, NULL);
            if (x < 0) {
                fail(im, "%s:%d: %s pcmk_delay_base=\"%s\": not a time", im->cib_file, r->line, r->id, db);
                continue;
            }
            g_auto(GStrv) targets = g_strsplit_set(hl ? hl : "", " ,;", -1);
            for (guint h = 0; h < hosts->len; h++) {
                const char *name = g_ptr_array_index(hosts, h);
                bool covered = !hl;
                for (int t = 0; targets[t] && !covered; t++)
                    covered = !strcmp(targets[t], name);
                if (covered) {
                    g_autofree char *t = ms(x);
                    json_object_object_add(base, name, json_object_new_string(t));
                    any_base = true;
                    note_from(im, "pcmk_delay_base", t, "%s:%d %s fences %s", im->cib_file, r->line, r->id, name);
                }
            }
        }
    }
    if (with_max && with_max < devices)
        warn(im, "%s:%d %s sets no pcmk_delay_max while %d other fence device%s set one: golive has one "
                 "pcmk_delay_max for every kill and takes the largest",
             im->cib_file, without->line, without->id, with_max, with_max == 1 ? "" : "s");
    if (any_base)
        json_object_object_add(cl, "pcmk_delay_base", base);
    else
        json_object_put(base);
    g_autofree char *dmt = ms(delay_max < 0 ? 0 : delay_max);
    json_object_object_add(cl, "pcmk_delay_max", json_object_new_string(dmt));
    if (delay_max >= 0)
        note_from(im, "pcmk_delay_max", dmt, "%s: the fence devices' pcmk_delay_max", im->cib_file);
    else
        note_from(im, "pcmk_delay_max", dmt, "%s: no fence device sets pcmk_delay_max: Pacemaker's default",
                  im->cib_file);
}

/* The domain a VirtualDomain resource runs: the file its config parameter
 * names (by base name), else the domain named as the resource; -1 if none. */
static int domain_of(const importer *im, const cib_rsc *r)
{
    const char *config = g_hash_table_lookup(r->attrs, "config");
    g_autofree char *cb = config ? g_path_get_basename(config) : NULL;
    for (guint i = 0; cb && i < im->domains->len; i++) {
        g_autofree char *fb = g_path_get_basename(g_ptr_array_index(im->domain_files, i));
        if (!strcmp(cb, fb))
            return (int)i;
    }
    for (guint i = 0; i < im->domains->len; i++)
        if (!strcmp(((const libvirt_domain *)g_ptr_array_index(im->domains, i))->name, r->id))
            return (int)i;
    return -1;
}

/* A size in the largest binary unit that divides it exactly. */
static char *size_text(uint64_t b)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (u < 4 && b && b % 1024 == 0) {
        b /= 1024;
        u++;
    }
    return g_strdup_printf("%" G_GUINT64_FORMAT "%s", b, units[u]);
}

/* The scenario's storage type for what a disk shows; NULL when it shows
 * nothing golive can use. */
static const char *storage_type_of(ld_kind k)
{
    switch (k) {
    case LD_RBD:
        return "ceph";
    case LD_ISCSI:
    case LD_BLOCK:
        return "iscsi";
    case LD_NFS:
    case LD_FILE:
        return "nfs";
    case LD_DRBD:
        return "drbd";
    default:
        return NULL;
    }
}

/* The storage a VM's disks reveal; files whose disks reveal two designs
 * are an error (golive simulates one storage design per scenario). */
static void domain_storage(importer *im, const libvirt_domain *d, const char *file)
{
    for (guint k = 0; k < d->disks->len; k++) {
        const ld_disk *disk = g_ptr_array_index(d->disks, k);
        const char *type = storage_type_of(disk->kind);
        g_autofree char *where = g_strdup_printf("%s:%d disk %s (%s %s)", file, disk->line,
                                                 disk->target ? disk->target : "?",
                                                 disk->kind == LD_OTHER && disk->protocol ? disk->protocol
                                                                                           : ld_kind_name(disk->kind),
                                                 disk->source ? disk->source : "no source");
        if (!type) {
            warn(im, "%s: golive cannot tell which storage holds it; not counted", where);
            continue;
        }
        if (im->storage_kind < 0) {
            im->storage_kind = (int)disk->kind;
            im->storage_from = g_strdup(where);
        } else if (strcmp(storage_type_of((ld_kind)im->storage_kind), type))
            fail(im, "%s is on %s and %s on %s: golive simulates one storage design per scenario", im->storage_from,
                 storage_type_of((ld_kind)im->storage_kind), where, type);
        else if ((disk->kind == LD_FILE || disk->kind == LD_BLOCK) && im->storage_kind != (int)disk->kind &&
                 (im->storage_kind == LD_FILE || im->storage_kind == LD_BLOCK)) {
            /* a named kind is better evidence than an assumed one */
        } else if (im->storage_kind == LD_FILE || im->storage_kind == LD_BLOCK) {
            g_free(im->storage_from);
            im->storage_kind = (int)disk->kind;
            im->storage_from = g_strdup(where);
        }
    }
}

/* Does a measurement belong to the VM? virsh names its domain; a QMP reply
 * does not, so its file is named after the VM: web.json, web-dirty.json. */
static bool rate_is_for(const importer *im, guint i, const char *vm)
{
    const dirtyrate_entry *e = g_ptr_array_index(im->rates, i);
    if (e->vm)
        return !strcmp(e->vm, vm);
    g_autofree char *base = g_path_get_basename(g_ptr_array_index(im->rate_files, i));
    size_t n = strlen(vm);
    return !strncmp(base, vm, n) && (!base[n] || !g_ascii_isalnum(base[n]));
}

/* The guest's dirtying from its measurement: QEMU measures the memory whose
 * content changed over the period (distinct pages), and golive's uniform
 * writer over all memory changes M (1 - exp(-r T / M)) of it in T; the
 * write rate r that gives the measured change is
 * r = -(M / T) ln(1 - D T / M). */
static void apply_rate(importer *im, json_object *vm, const char *name, double mem_bytes, size_t index)
{
    int found = -1;
    for (guint i = 0; i < im->rates->len; i++)
        if (rate_is_for(im, i, name)) {
            if (found >= 0) {
                const dirtyrate_entry *a = g_ptr_array_index(im->rates, (guint)found),
                                      *b = g_ptr_array_index(im->rates, i);
                fail(im, "%s:%d and %s:%d: two dirty-rate measurements of %s; give one",
                     (char *)g_ptr_array_index(im->rate_files, (guint)found), a->line,
                     (char *)g_ptr_array_index(im->rate_files, i), b->line, name);
                return;
            }
            found = (int)i;
        }
    if (found < 0) {
        im->vms_unmeasured++;
        return;
    }
    im->vms_measured++;
    g_ptr_array_index(im->rate_used, (guint)found) = GINT_TO_POINTER(1);
    const dirtyrate_entry *e = g_ptr_array_index(im->rates, (guint)found);
    const char *file = g_ptr_array_index(im->rate_files, (guint)found);
    g_autofree char *dk = g_strdup_printf("vms[%zu].dirty", index);
    g_autofree char *kk = g_strdup_printf("vms[%zu].kernel_dirty_rate", index);
    json_object_object_add(vm, "kernel_dirty_rate", json_object_new_string("0pages/s"));
    note_from(im, kk, "0", "%s:%d: the measurement counts the guest kernel's own writes too", file, e->line);
    if (e->mib_s == 0) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "model", json_object_new_string("none"));
        json_object_object_add(vm, "dirty", d);
        note_from(im, dk, "none", "%s:%d measured 0 MiB/s over %g s (%s)", file, e->line, e->period_s, e->mode);
        return;
    }
    double mib = mem_bytes / (1024.0 * 1024.0), frac = (double)e->mib_s * e->period_s / mib;
    if (frac >= 1) {
        warn(im, "%s:%d %s: %" G_GINT64_FORMAT " MiB/s over %g s changes all %g MiB of its memory: the rate beyond "
                 "that cannot be told; taken as 99%% changed (measure with a shorter period, calc-dirty-rate "
                 "calc-time)",
             file, e->line, name, e->mib_s, e->period_s, mib);
        frac = 0.99;
    }
    double pages = mem_bytes / 4096.0;
    double rate = -(pages / e->period_s) * log1p(-frac);
    g_autofree char *rt = g_strdup_printf("%.0fpages/s", rate);
    json_object *d = json_object_new_object();
    json_object_object_add(d, "model", json_object_new_string("uniform"));
    json_object_object_add(d, "rate", json_object_new_string(rt));
    json_object_object_add(vm, "dirty", d);
    g_autofree char *shown = g_strdup_printf("uniform, %s", rt);
    note_from(im, dk, shown,
              "%s:%d measured %" G_GINT64_FORMAT " MiB/s changed over %g s (%s): the writes that change that much",
              file, e->line, e->mib_s, e->period_s, e->mode);
    g_autofree char *mk = g_strdup_printf("vms[%zu].dirty.model", index);
    note_assumed(im, mk, "uniform over all memory", "a dirty rate says how much memory changes, not where");
}

static void build_cib(importer *im, json_object *cl, json_object *vms, const GPtrArray *hosts)
{
    const cib *c = im->cib;
    json_object_object_add(cl, "manager", json_object_new_string("pacemaker"));
    note_from(im, "manager", "pacemaker", "%s", im->cib_file);
    /* Pacemaker 2.1.5 lib/pengine/common.c defaults */
    cib_option(im, cl, "stonith", "stonith-enabled", "true", "Pacemaker's default", 0);
    const char *nqp = g_hash_table_lookup(c->options, "no-quorum-policy");
    int line = GPOINTER_TO_INT(g_hash_table_lookup(c->option_line, "no-quorum-policy"));
    const char *policy = !nqp ? "stop" : !strcmp(nqp, "suicide") ? "fence" : nqp;
    if (strcmp(policy, "stop") && strcmp(policy, "freeze") && strcmp(policy, "ignore") && strcmp(policy, "demote") &&
        strcmp(policy, "fence"))
        fail(im, "%s:%d: no-quorum-policy=\"%s\": expected stop, freeze, ignore, demote or suicide", im->cib_file,
             line, nqp);
    else {
        json_object_object_add(cl, "no_quorum_policy", json_object_new_string(policy));
        if (nqp)
            note_from(im, "no_quorum_policy", policy, "%s:%d no-quorum-policy", im->cib_file, line);
        else
            note_from(im, "no_quorum_policy", policy, "%s: no-quorum-policy not set: Pacemaker's default",
                      im->cib_file);
    }
    cib_option(im, cl, "stonith_timeout", "stonith-timeout", "60s", "Pacemaker's default", 1);
    cib_option(im, cl, "priority_fencing_delay", "priority-fencing-delay", "0", "Pacemaker's default", 1);
    cib_option(im, cl, "dc_deadtime", "dc-deadtime", "20s", "Pacemaker's default", 1);
    cib_option(im, cl, "maintenance_mode", "maintenance-mode", "false", "Pacemaker's default", 0);
    /* migration-limit: only a positive value limits (controld_te_actions.c) */
    const char *ml = g_hash_table_lookup(c->options, "migration-limit");
    int64_t mlv = ml ? g_ascii_strtoll(ml, NULL, 10) : -1;
    json_object_object_add(cl, "migration_limit", json_object_new_int64(mlv > 0 ? mlv : 0));
    note_from(im, "migration_limit", mlv > 0 ? ml : "0 (unlimited)", "%s: migration-limit %s", im->cib_file,
              ml ? ml : "not set (-1, Pacemaker's default)");
    if (cib_is_true(g_hash_table_lookup(c->options, "have-watchdog")))
        warn(im, "%s: have-watchdog=true: SBD's watchdog fencing is not simulated; fencing is the fence devices'",
             im->cib_file);
    static const char *const read_opts[] = { "stonith-enabled", "no-quorum-policy", "stonith-timeout",
                                             "priority-fencing-delay", "dc-deadtime", "maintenance-mode",
                                             "migration-limit", "have-watchdog", "cluster-name", "dc-version",
                                             "cluster-infrastructure", "last-lrm-refresh", NULL };
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, c->options);
    GPtrArray *other = g_ptr_array_new();
    while (g_hash_table_iter_next(&it, &k, &v))
        if (!g_strv_contains(read_opts, k))
            g_ptr_array_add(other, k);
    g_ptr_array_sort(other, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < other->len; i++) {
        const char *o = g_ptr_array_index(other, i);
        note_unused(im, "%s:%d cluster option %s=%s: not simulated", im->cib_file,
                    GPOINTER_TO_INT(g_hash_table_lookup(c->option_line, o)), o,
                    (const char *)g_hash_table_lookup(c->options, o));
    }
    g_ptr_array_free(other, TRUE);
    build_fencing(im, cl, hosts);

    /* resources: VirtualDomain are the VMs */
    int migrate_yes = 0, migrate_no = 0;
    int64_t monitor = -1;
    int64_t mig_timeout = -1; /* the shortest migrate_to timeout of the migratable VMs, ms */
    g_autofree char *mig_timeout_from = NULL;
    for (guint i = 0; i < c->rscs->len; i++) {
        const cib_rsc *r = g_ptr_array_index(c->rscs, i);
        if (is_fence(r))
            continue;
        g_autofree char *agent = g_strdup_printf("%s:%s%s%s", r->cls ? r->cls : "?", r->provider ? r->provider : "",
                                                 r->provider ? ":" : "", r->type ? r->type : "?");
        bool vm = is_vm(r);
        if (!vm && !im->stand_ins) {
            note_unused(im, "%s:%d resource %s (%s): not a VirtualDomain; not imported (--stand-ins imports it as a "
                            "small VM)",
                        im->cib_file, r->line, r->id, agent);
            continue;
        }
        const char *role = meta(c, r, "target-role");
        if (!r->running_on || (role && !g_ascii_strcasecmp(role, "Stopped"))) {
            note_unused(im, "%s:%d resource %s (%s): stopped in the CIB's status; not imported", im->cib_file,
                        r->line, r->id, agent);
            continue;
        }
        if (r->parent) {
            note_unused(im, "%s:%d resource %s (%s) in %s: groups and clones are not simulated; not imported",
                        im->cib_file, r->line, r->id, agent, r->parent);
            continue;
        }
        if (r->nrunning > 1)
            warn(im, "%s:%d resource %s is active on %d nodes; imported on %s", im->cib_file, r->line, r->id,
                 r->nrunning, r->running_on);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(r->id));
        json_object_object_add(o, "host", json_object_new_string(r->running_on));
        int di = vm ? domain_of(im, r) : -1;
        const libvirt_domain *dom = di >= 0 ? g_ptr_array_index(im->domains, (guint)di) : NULL;
        const char *dfile = di >= 0 ? g_ptr_array_index(im->domain_files, (guint)di) : NULL;
        g_autofree char *mem = dom ? size_text(dom->memory) : g_strdup(vm ? IMPORT_VM_MEMORY : IMPORT_STAND_IN_MEMORY);
        json_object_object_add(o, "memory", json_object_new_string(mem));
        g_autofree char *vkey = g_strdup_printf("vms[%zu]", json_object_array_length(vms));
        note_from(im, vkey, r->id, "%s:%d %s, active on %s (status section)", im->cib_file, r->line, agent,
                  r->running_on);
        g_autofree char *mkey = g_strdup_printf("vms[%zu].memory", json_object_array_length(vms));
        if (dom) {
            g_ptr_array_index(im->domain_used, (guint)di) = GINT_TO_POINTER(1);
            note_from(im, mkey, mem, "%s:%d <memory> of domain %s", dfile, dom->memory_line, dom->name);
            json_object_object_add(o, "vcpus", json_object_new_int(dom->vcpus));
            g_autofree char *ck = g_strdup_printf("vms[%zu].vcpus", json_object_array_length(vms));
            g_autofree char *cv = g_strdup_printf("%d", dom->vcpus);
            if (dom->vcpu_line)
                note_from(im, ck, cv, "%s:%d <vcpu> of domain %s", dfile, dom->vcpu_line, dom->name);
            else
                note_from(im, ck, cv, "%s: domain %s has no <vcpu>: libvirt's default", dfile, dom->name);
            domain_storage(im, dom, dfile);
            for (guint j = 0; j < dom->ignored->len; j++)
                note_unused(im, "%s %s", dfile, (const char *)g_ptr_array_index(dom->ignored, j));
        } else if (vm)
            note_assumed(im, mkey, IMPORT_VM_MEMORY,
                         "the CIB does not give a VM's memory; its libvirt domain XML (virsh dumpxml) does");
        else
            note_assumed(im, mkey, IMPORT_STAND_IN_MEMORY,
                         "a stand-in for a resource that is not a VM (as the cluster validation's Dummy resources)");
        if (vm) {
            /* VirtualDomain's migration_speed (MiB/s, virsh migrate-setspeed)
             * and migration_downtime (ms, virsh migrate-setmaxdowntime, 2 s
             * into the migration); 0 or unset: libvirt's unlimited bandwidth
             * and QEMU's 300 ms (sources.md rows 34, 35) */
            const char *sp = g_hash_table_lookup(r->attrs, "migration_speed");
            const char *dt = g_hash_table_lookup(r->attrs, "migration_downtime");
            gint64 speed = sp ? g_ascii_strtoll(sp, NULL, 10) : 0, down = dt ? g_ascii_strtoll(dt, NULL, 10) : 0;
            json_object *migb = NULL;
            size_t vi = json_object_array_length(vms);
            if (speed > 0) {
                migb = json_object_new_object();
                g_autofree char *bw = g_strdup_printf("%" G_GINT64_FORMAT "MiB/s", speed);
                json_object_object_add(migb, "max_bandwidth", json_object_new_string(bw));
                g_autofree char *key = g_strdup_printf("vms[%zu].migration.max_bandwidth", vi);
                note_from(im, key, bw, "%s:%d resource %s's migration_speed", im->cib_file, r->line, r->id);
            }
            if (down > 0) {
                if (!migb)
                    migb = json_object_new_object();
                g_autofree char *dl = g_strdup_printf("%" G_GINT64_FORMAT "ms", down);
                json_object_object_add(migb, "downtime_limit", json_object_new_string(dl));
                g_autofree char *key = g_strdup_printf("vms[%zu].migration.downtime_limit", vi);
                note_from(im, key, dl, "%s:%d resource %s's migration_downtime (set 2 s into each migration)",
                          im->cib_file, r->line, r->id);
            }
            if (migb)
                json_object_object_add(o, "migration", migb);
        }
        const char *prio = meta(c, r, "priority");
        if (prio) {
            json_object_object_add(o, "priority", json_object_new_int((int)CLAMP(g_ascii_strtoll(prio, NULL, 10),
                                                                                  -1000000, 1000000)));
            g_autofree char *pk = g_strdup_printf("vms[%zu].priority", json_object_array_length(vms));
            note_from(im, pk, prio, "%s:%d meta priority", im->cib_file, r->line);
        }
        if (cib_is_true(meta(c, r, "allow-migrate"))) {
            migrate_yes++;
            /* the operation's own timeout, else op_defaults', else
             * PCMK_DEFAULT_ACTION_TIMEOUT_MS (sources.md row 44) */
            const char *mt = g_hash_table_lookup(r->op_timeouts, "migrate_to");
            const char *od = g_hash_table_lookup(c->op_defaults, "timeout");
            const int64_t dflt = PCMK_OP_TIMEOUT_DEFAULT / SIM_MS;
            int64_t t = mt ? cib_msec(mt, NULL) : od ? cib_msec(od, NULL) : dflt;
            if (t <= 0)
                t = dflt;
            if (mig_timeout > 0 && t != mig_timeout)
                warn(im, "%s:%d resource %s has a migrate_to timeout of %s: golive has one migrate_timeout for all "
                         "and takes the shortest",
                     im->cib_file, r->line, r->id, mt ? mt : od ? od : "Pacemaker's default");
            if (mig_timeout < 0 || t < mig_timeout) {
                mig_timeout = t;
                g_free(mig_timeout_from);
                mig_timeout_from = mt ? g_strdup_printf("%s:%d resource %s's migrate_to op", im->cib_file, r->line, r->id)
                                   : od ? g_strdup_printf("%s: op_defaults timeout (resource %s has no migrate_to op "
                                                          "timeout)",
                                                          im->cib_file, r->id)
                                        : g_strdup_printf("%s:%d resource %s has no migrate_to op timeout and the CIB "
                                                          "no op_defaults: Pacemaker's default",
                                                          im->cib_file, r->line, r->id);
            }
        } else
            migrate_no++;
        const char *ft = meta(c, r, "failure-timeout");
        if (ft)
            note_unused(im, "%s:%d resource %s failure-timeout=%s: golive has one failure_timeout for all; not set "
                            "from a resource",
                        im->cib_file, r->line, r->id, ft);
        const char *mi = g_hash_table_lookup(r->op_intervals, "monitor");
        int64_t m = mi ? cib_msec(mi, NULL) : -1;
        if (m > 0 && monitor > 0 && m != monitor)
            warn(im, "%s:%d resource %s monitors every %s: golive has one monitor_interval for all and takes the "
                     "shortest",
                 im->cib_file, r->line, r->id, mi);
        if (m > 0 && (monitor < 0 || m < monitor))
            monitor = m;
        {
            uint64_t bytes = dom ? dom->memory : 0;
            if (!dom) { /* the assumed size, in bytes */
                double b = 0;
                char *why = NULL;
                units_parse(UNITS_SIZE, mem, &b, &why);
                g_free(why);
                bytes = (uint64_t)b;
            }
            apply_rate(im, o, r->id, (double)bytes, json_object_array_length(vms));
        }
        json_object_array_add(vms, o);
    }
    if (monitor > 0) {
        g_autofree char *t = ms(monitor);
        json_object_object_add(cl, "monitor_interval", json_object_new_string(t));
        note_from(im, "monitor_interval", t, "%s: the resources' recurring monitor operation", im->cib_file);
    }
    json_object_object_add(cl, "allow_migrate", json_object_new_boolean(migrate_yes > 0 && migrate_no == 0));
    if (mig_timeout > 0 && migrate_no == 0) {
        g_autofree char *t = ms(mig_timeout);
        json_object_object_add(cl, "migrate_timeout", json_object_new_string(t));
        note_from(im, "migrate_timeout", t, "%s", mig_timeout_from);
    }
    if (migrate_yes && migrate_no)
        warn(im, "%s: %d resources allow live migration and %d do not; golive has one allow_migrate for all and sets "
                 "it false (a move is a stop and a start)",
             im->cib_file, migrate_yes, migrate_no);
    note_from(im, "allow_migrate", migrate_yes > 0 && migrate_no == 0 ? "true" : "false",
              "%s: the resources' allow-migrate meta attribute (Pacemaker's default false)", im->cib_file);
    for (guint i = 0; i < c->constraints->len; i++)
        note_unused(im, "%s %s: constraints are not simulated (placement takes the node with the most free memory)",
                    im->cib_file, (const char *)g_ptr_array_index(c->constraints, i));
    for (guint i = 0; i < c->ignored->len; i++)
        note_unused(im, "%s %s: not read", im->cib_file, (const char *)g_ptr_array_index(c->ignored, i));
    for (guint i = 0; i < c->nodes->len; i++) {
        const cib_node *n = g_ptr_array_index(c->nodes, i);
        if (!n->online)
            warn(im, "%s:%d node %s is offline in the CIB's status: golive starts every node up (add a fail event "
                     "at 0 to start without it)",
                 im->cib_file, n->line, n->name);
        if (n->standby)
            warn(im, "%s:%d node %s is in standby: golive starts it as a node that runs VMs (add a drain event at 0 "
                     "to keep it empty)",
                 im->cib_file, n->line, n->name);
    }
}

/* A DRBD time in tenths of a second (timeout, ping-timeout) as the
 * scenario writes it. */
static char *tenths(const char *v)
{
    return g_strdup_printf("%" G_GINT64_FORMAT "ms", g_ascii_strtoll(v, NULL, 10) * 100);
}

/* c-max-rate: KiB/s unless it says k, M or G (drbdsetup's default unit). */
static char *drbd_rate(const char *v)
{
    size_t n = strspn(v, "0123456789");
    char u = v[n] ? g_ascii_toupper(v[n]) : 'K';
    return g_strdup_printf("%.*s%s/s", (int)n, v, u == 'K' ? "KiB" : u == 'M' ? "MiB" : "GiB");
}

/* The storage from DRBD's own configuration: its first resource's settings
 * (the others must agree), its replication network, its version. */
static void build_drbd(importer *im, json_object *root, json_object *st, json_object *cl, size_t nhosts)
{
    const drbd_resource *r = drbd_conf_resource(im->drbd, 0);
    const char *f = im->drbd_file;
    for (size_t k = 1; k < drbd_conf_nresources(im->drbd); k++) {
        const drbd_resource *o = drbd_conf_resource(im->drbd, k);
        GHashTableIter it;
        gpointer key, v;
        g_hash_table_iter_init(&it, r->settings);
        while (g_hash_table_iter_next(&it, &key, &v)) {
            const char *ov = g_hash_table_lookup(o->settings, key);
            if (!ov || strcmp(ov, v))
                warn(im, "%s:%d resource %s %s %s, resource %s %s: golive has one storage and takes %s's", f, o->line,
                     o->name, (char *)key, ov ? ov : "unset", r->name, (char *)v, r->name);
        }
    }
    json_object_object_add(st, "type", json_object_new_string("drbd"));
    note_from(im, "storage.type", "drbd", "%s:%d resource %s", f, r->line, r->name);
    const char *version = r->v9 ? "9" : "8.4";
    json_object_object_add(st, "version", json_object_new_string(version));
    if (r->v9)
        note_from(im, "storage.version", "9", "%s:%d: DRBD 9's format (node-id, connection-mesh or quorum)", f, r->line);
    else
        note_assumed(im, "storage.version", "8.4", "the format has no node-id, connection or quorum (8.4's); 8.3 "
                                                   "looks the same");
    static const char *const map[][2] = {
        { "net.protocol", "protocol" },           { "net.after-sb-0pri", "after_sb_0pri" },
        { "net.after-sb-1pri", "after_sb_1pri" }, { "net.after-sb-2pri", "after_sb_2pri" },
        { "net.ping-int", "ping_int" },           { "net.ko-count", "ko_count" },
        { "options.quorum", "quorum" },           { "options.on-no-quorum", "on_no_quorum" },
        { "net.timeout", "timeout" },             { "net.ping-timeout", "ping_timeout" },
        { "disk.c-max-rate", "resync_rate" },     { "net.allow-two-primaries", "dual_primary" },
        { "net.fencing", "fencing" },             { "disk.fencing", "fencing" },
    };
    const char *fencing = g_hash_table_lookup(r->settings, "net.fencing");
    if (!fencing)
        fencing = g_hash_table_lookup(r->settings, "disk.fencing");
    if (fencing && strcmp(fencing, "dont-care") && !g_hash_table_contains(r->settings, "handlers.fence-peer"))
        warn(im, "%s:%d resource %s has fencing %s but no fence-peer handler: DRBD would freeze IO on a lost peer with "
                 "nothing to end it; golive assumes the handler (crm-fence-peer) is there",
             f, r->line, r->name, fencing);
    for (size_t k = 0; k < G_N_ELEMENTS(map); k++) {
        const char *v = g_hash_table_lookup(r->settings, map[k][0]);
        if (!v)
            continue;
        const char *key = map[k][1];
        json_object *jv;
        g_autofree char *shown = NULL;
        if (!strcmp(key, "timeout") || !strcmp(key, "ping_timeout"))
            jv = json_object_new_string((shown = tenths(v)));
        else if (!strcmp(key, "ping_int"))
            jv = json_object_new_string((shown = g_strdup_printf("%ss", v)));
        else if (!strcmp(key, "resync_rate"))
            jv = json_object_new_string((shown = drbd_rate(v)));
        else if (!strcmp(key, "dual_primary")) {
            jv = json_object_new_boolean(!strcmp(v, "yes"));
            shown = g_strdup(!strcmp(v, "yes") ? "true" : "false");
        }
        else if (!strcmp(key, "ko_count"))
            jv = json_object_new_int((int)CLAMP(g_ascii_strtoll(v, NULL, 10), 0, 200));
        else if (!strcmp(key, "quorum") && strspn(v, "0123456789") == strlen(v))
            jv = json_object_new_int((int)CLAMP(g_ascii_strtoll(v, NULL, 10), 0, 32));
        else
            jv = json_object_new_string(v);
        json_object_object_add(st, key, jv);
        g_autofree char *sk = g_strdup_printf("storage.%s", key);
        note_from(im, sk, shown ? shown : v, "%s:%d %s %s", f, GPOINTER_TO_INT(g_hash_table_lookup(r->lines, map[k][0])),
                  map[k][0], v);
    }
    json_object *am = NULL;
    if (!g_hash_table_contains(r->settings, "net.allow-two-primaries") &&
        json_object_object_get_ex(cl, "allow_migrate", &am) && json_object_get_boolean(am))
        warn(im, "%s:%d resource %s has no allow-two-primaries, yet the VMs live-migrate: DRBD refuses the second "
                 "primary a live migration needs",
             f, r->line, r->name);
    if (r->hosts->len != nhosts)
        warn(im, "%s:%d resource %s replicates on %u hosts; golive replicates on every host (%zu)", f, r->line, r->name,
             r->hosts->len, nhosts);
    for (guint d = 0; d < im->domains->len; d++) { /* the VMs' DRBD disks are devices of these resources */
        const libvirt_domain *dom = g_ptr_array_index(im->domains, d);
        for (guint k = 0; k < dom->disks->len; k++) {
            const ld_disk *disk = g_ptr_array_index(dom->disks, k);
            bool known = disk->kind != LD_DRBD || !disk->source;
            for (size_t q = 0; !known && q < drbd_conf_nresources(im->drbd); q++) {
                const drbd_resource *res = drbd_conf_resource(im->drbd, q);
                g_autofree char *byres = g_strdup_printf("/dev/drbd/by-res/%s", res->name);
                known = g_str_has_prefix(disk->source, byres);
                for (guint v = 0; !known && v < res->devices->len; v++)
                    known = !strcmp(g_ptr_array_index(res->devices, v), disk->source);
            }
            if (!known)
                warn(im, "%s:%d disk %s is %s, which no resource of %s has", (const char *)g_ptr_array_index(im->domain_files, d),
                     disk->line, disk->target ? disk->target : "?", disk->source, f);
        }
    }
    /* the replication network: a ring of corosync.conf when the addresses are its, else one of its own */
    int ring = -1;
    for (int l = 0; im->cc && l < COROSYNC_MAX_LINKS && ring < 0; l++) {
        g_autofree char *rk = g_strdup_printf("ring%d_addr", l);
        bool all = true;
        for (guint h = 0; h < r->hosts->len && all; h++) {
            const drbd_host *dh = g_ptr_array_index(r->hosts, h);
            bool match = false;
            for (size_t n = 0; n < corosync_conf_nnodes(im->cc) && !match; n++) {
                const char *nm = cc_node_name(im, n), *a = corosync_conf_node(im->cc, n, rk, NULL);
                match = nm && a && dh->address && !strcmp(nm, dh->name) && !strcmp(a, dh->address);
            }
            all = match;
        }
        if (all)
            ring = l;
    }
    if (ring >= 0) {
        g_autofree char *net = g_strdup_printf("ring%d", ring);
        json_object_object_add(st, "network", json_object_new_string(net));
        note_from(im, "storage.network", net, "%s: the replication addresses are corosync's ring%d addresses", f,
                  ring);
        return;
    }
    json_object *nets = NULL, *hosts = NULL;
    json_object_object_get_ex(root, "networks", &nets);
    json_object_object_get_ex(root, "hosts", &hosts);
    json_object *n = json_object_new_object();
    json_object_object_add(n, "name", json_object_new_string("drbd"));
    json_object_array_add(nets, n);
    for (size_t h = 0; h < json_object_array_length(hosts); h++) {
        json_object *ho = json_object_array_get_idx(hosts, h), *nics = NULL;
        const char *hn = json_object_get_string(json_object_object_get(ho, "name"));
        bool on = false;
        for (guint k = 0; k < r->hosts->len && !on; k++)
            on = !strcmp(((const drbd_host *)g_ptr_array_index(r->hosts, k))->name, hn);
        if (!on || !json_object_object_get_ex(ho, "nics", &nics))
            continue;
        json_object *nic = json_object_new_object();
        json_object_object_add(nic, "network", json_object_new_string("drbd"));
        json_object_object_add(nic, "bandwidth", json_object_new_string(IMPORT_NIC_BANDWIDTH));
        json_object_array_add(nics, nic);
    }
    json_object_object_add(st, "network", json_object_new_string("drbd"));
    note_from(im, "networks", "drbd", "%s:%d the replication addresses of resource %s%s", f, r->line, r->name,
              im->cc ? ", none of them a corosync ring address: a link of its own" : "");
}

/* The storage from Ceph's own outputs: the pool's size and min_size, the
 * OSDs of each host, the monitors on the first hosts (golive runs three
 * monitors there: the hosts are reordered so that Ceph's come first). */
static void build_ceph(importer *im, json_object *root, json_object *st)
{
    json_object_object_add(st, "type", json_object_new_string("ceph"));
    const ceph_info *tree = im->ceph[CEPH_OSD_TREE], *pools = im->ceph[CEPH_POOLS], *mons = im->ceph[CEPH_MON_DUMP];
    note_from(im, "storage.type", "ceph", "%s", im->ceph_file[tree ? CEPH_OSD_TREE : pools ? CEPH_POOLS : CEPH_MON_DUMP]);
    if (pools && pools->pools->len) {
        /* the pool the VMs' RBD images are in ("pool/image"), else the only one */
        const ceph_pool *use = NULL;
        const char *want = NULL;
        g_autofree char *wanted = NULL;
        if (im->storage_kind == LD_RBD && im->storage_from) {
            const char *open = strstr(im->storage_from, "(rbd ");
            if (open) {
                wanted = g_strndup(open + 5, strcspn(open + 5, "/)"));
                want = wanted;
            }
        }
        for (guint d = 0; want && d < im->domains->len; d++) { /* every RBD disk should be in that pool */
            const libvirt_domain *dom = g_ptr_array_index(im->domains, d);
            for (guint k = 0; k < dom->disks->len; k++) {
                const ld_disk *disk = g_ptr_array_index(dom->disks, k);
                g_autofree char *pool = disk->kind == LD_RBD && disk->source
                                            ? g_strndup(disk->source, strcspn(disk->source, "/"))
                                            : NULL;
                if (pool && strcmp(pool, want))
                    warn(im, "%s:%d disk %s is in pool %s, others in %s: golive has one pool and takes %s's size",
                         (const char *)g_ptr_array_index(im->domain_files, d), disk->line,
                         disk->target ? disk->target : "?", pool, want, want);
            }
        }
        for (guint i = 0; want && i < pools->pools->len && !use; i++)
            if (!strcmp(((const ceph_pool *)g_ptr_array_index(pools->pools, i))->name, want))
                use = g_ptr_array_index(pools->pools, i);
        if (!use) {
            use = g_ptr_array_index(pools->pools, 0);
            if (want)
                fail(im, "%s names pool %s, which %s does not have", im->storage_from, want, im->ceph_file[CEPH_POOLS]);
            else if (pools->pools->len > 1)
                warn(im, "%s: %u pools and no RBD disk naming one: golive has one pool and takes %s", im->ceph_file[CEPH_POOLS],
                     pools->pools->len, use->name);
        }
        json_object_object_add(st, "size", json_object_new_int(use->size));
        json_object_object_add(st, "min_size", json_object_new_int(use->min_size));
        g_autofree char *sz = g_strdup_printf("%d", use->size), *mn = g_strdup_printf("%d", use->min_size);
        note_from(im, "storage.size", sz, "%s: pool %s", im->ceph_file[CEPH_POOLS], use->name);
        note_from(im, "storage.min_size", mn, "%s: pool %s", im->ceph_file[CEPH_POOLS], use->name);
    } else
        note_assumed(im, "storage.size, min_size", "3, 2 (Ceph's defaults)", "no ceph osd pool ls detail -f json given");
    json_object *hosts = NULL;
    json_object_object_get_ex(root, "hosts", &hosts);
    size_t nh = json_object_array_length(hosts);
    if (!mons)
        note_assumed(im, "Ceph's monitors", "on the first three hosts", "no ceph mon dump -f json given");
    else {
        if (mons->mons->len != 3)
            warn(im, "%s: %u monitors; golive runs three, on the first three hosts", im->ceph_file[CEPH_MON_DUMP],
                 mons->mons->len);
        /* the monitors' hosts first, in rank order */
        json_object *ordered = json_object_new_array();
        GArray *taken = g_array_new(FALSE, TRUE, sizeof(gboolean));
        g_array_set_size(taken, nh);
        for (guint m = 0; m < mons->mons->len && m < 3; m++) {
            const char *mn = g_ptr_array_index(mons->mons, m);
            bool found = false;
            for (size_t h = 0; h < nh && !found; h++) {
                json_object *ho = json_object_array_get_idx(hosts, h);
                if (!g_array_index(taken, gboolean, h) && !strcmp(json_object_get_string(json_object_object_get(ho, "name")), mn)) {
                    json_object_array_add(ordered, json_object_get(ho));
                    g_array_index(taken, gboolean, h) = TRUE;
                    found = true;
                }
            }
            if (!found)
                fail(im, "%s: monitor %s is not a node of the cluster (golive runs the monitors on the cluster's hosts)",
                     im->ceph_file[CEPH_MON_DUMP], mn);
        }
        for (size_t h = 0; h < nh; h++)
            if (!g_array_index(taken, gboolean, h))
                json_object_array_add(ordered, json_object_get(json_object_array_get_idx(hosts, h)));
        g_array_free(taken, TRUE);
        json_object_object_add(root, "hosts", ordered);
        GString *names = g_string_new(NULL);
        for (guint m = 0; m < mons->mons->len && m < 3; m++)
            g_string_append_printf(names, "%s%s", m ? ", " : "", (const char *)g_ptr_array_index(mons->mons, m));
        note_from(im, "hosts[] (order)", names->str, "%s: the monitors, first (golive runs Ceph's monitors on the first three "
                                                    "hosts)",
                  im->ceph_file[CEPH_MON_DUMP]);
        g_string_free(names, TRUE);
        hosts = ordered;
    }
    if (tree) {
        for (size_t h = 0; h < nh; h++) {
            json_object *ho = json_object_array_get_idx(hosts, h);
            const char *hn = json_object_get_string(json_object_object_get(ho, "name"));
            const ceph_host *ch = NULL;
            for (guint k = 0; k < tree->hosts->len && !ch; k++)
                if (!strcmp(((const ceph_host *)g_ptr_array_index(tree->hosts, k))->name, hn))
                    ch = g_ptr_array_index(tree->hosts, k);
            if (!ch || !ch->osds) {
                if (strcmp(hn, "qnetd"))
                    warn(im, "%s: host %s has no OSD; golive runs at least one OSD on every host", im->ceph_file[CEPH_OSD_TREE],
                         hn);
                continue;
            }
            json_object_object_add(ho, "disks", json_object_new_int(MIN(ch->osds, 64)));
            if (ch->osds > 64) /* the scenario's limit on a host's disks */
                warn(im, "%s: host %s has %d OSDs; golive simulates at most 64 disks per host and takes 64",
                     im->ceph_file[CEPH_OSD_TREE], hn, ch->osds);
            g_autofree char *dk = g_strdup_printf("hosts[%zu].disks", h), *dv = g_strdup_printf("%d", ch->osds);
            note_from(im, dk, dv, "%s: host %s's OSDs", im->ceph_file[CEPH_OSD_TREE], hn);
            if (ch->down)
                warn(im, "%s: %d of host %s's OSDs are down: golive starts every OSD up (add fail events at 0 for "
                         "them)",
                     im->ceph_file[CEPH_OSD_TREE], ch->down, hn);
        }
        for (guint k = 0; k < tree->hosts->len; k++) {
            const ceph_host *ch = g_ptr_array_index(tree->hosts, k);
            bool in = false;
            for (size_t h = 0; h < nh && !in; h++)
                in = !strcmp(json_object_get_string(json_object_object_get(json_object_array_get_idx(hosts, h), "name")),
                             ch->name);
            if (!in)
                warn(im, "%s: OSD host %s is not a node of the cluster: golive runs Ceph on the cluster's hosts and "
                         "leaves its %d OSDs out",
                     im->ceph_file[CEPH_OSD_TREE], ch->name, ch->osds);
        }
    } else
        note_assumed(im, "hosts[].disks", "1 (an OSD on every host)", "no ceph osd tree -f json given");
}

static void build_storage(importer *im, json_object *root, json_object *cl, size_t nhosts)
{
    json_object *st = json_object_new_object();
    json_object_object_add(root, "storage", st);
    bool ceph = im->ceph[CEPH_OSD_TREE] || im->ceph[CEPH_POOLS] || im->ceph[CEPH_MON_DUMP];
    if (ceph && im->drbd)
        fail(im, "%s and %s: Ceph's and DRBD's configurations; golive simulates one storage design per scenario",
             im->ceph_file[im->ceph[CEPH_OSD_TREE] ? CEPH_OSD_TREE : im->ceph[CEPH_POOLS] ? CEPH_POOLS : CEPH_MON_DUMP],
             im->drbd_file);
    if (ceph && !im->drbd) {
        if (im->storage_kind >= 0 && im->storage_kind != LD_RBD)
            fail(im, "%s is on %s, but Ceph's outputs are given (%s): golive simulates one storage design",
                 im->storage_from, storage_type_of((ld_kind)im->storage_kind),
                 im->ceph_file[im->ceph[CEPH_OSD_TREE] ? CEPH_OSD_TREE : im->ceph[CEPH_POOLS] ? CEPH_POOLS : CEPH_MON_DUMP]);
        build_ceph(im, root, st);
        return;
    }
    if (im->drbd) {
        if (im->storage_kind >= 0 && strcmp(storage_type_of((ld_kind)im->storage_kind), "drbd"))
            fail(im, "%s is on %s, but %s:%d configures DRBD resource %s: golive simulates one storage design",
                 im->storage_from, storage_type_of((ld_kind)im->storage_kind), im->drbd_file,
                 drbd_conf_resource(im->drbd, 0)->line, drbd_conf_resource(im->drbd, 0)->name);
        build_drbd(im, root, st, cl, nhosts);
        for (guint i = 0; i < drbd_conf_unused(im->drbd)->len; i++)
            note_unused(im, "%s: not simulated", (const char *)g_ptr_array_index(drbd_conf_unused(im->drbd), i));
        return;
    }
    if (im->storage_kind < 0) {
        json_object_object_add(st, "type", json_object_new_string("nfs"));
        note_assumed(im, "storage", "nfs (an external filer)",
                     im->domains->len ? "the domains' disks do not say what holds them"
                                      : "no libvirt domain XML given: the CIB and corosync.conf do not say what holds "
                                        "the disks");
        return;
    }
    ld_kind k = (ld_kind)im->storage_kind;
    const char *type = storage_type_of(k);
    json_object_object_add(st, "type", json_object_new_string(type));
    if (k == LD_FILE)
        note_assumed(im, "storage.type", "nfs (an external filer)",
                     "the disks are image files on storage their path does not name; a GFS2 or OCFS2 file system "
                     "on an iSCSI LUN looks the same (then set storage.type iscsi and storage.lock)");
    else if (k == LD_BLOCK)
        note_assumed(im, "storage.type", "iscsi (an external array)",
                     "the disks are shared block devices; their path does not say how they are reached");
    else
        note_from(im, "storage.type", type, "%s", im->storage_from);
    if (k == LD_RBD)
        note_assumed(im, "storage (ceph)", "an OSD on every host, monitors on the first three, size 3, min_size 2",
                     "golive's Ceph defaults: give ceph osd tree, osd pool ls detail and mon dump -f json to read them");
    if (k == LD_DRBD) {
        if (nhosts > 2) {
            json_object_object_add(st, "version", json_object_new_string("9"));
            note_assumed(im, "storage.version", "9", "DRBD on more than two nodes; the DRBD files are not read yet");
        } else
            note_assumed(im, "storage.version", "8.4", "golive's default; the DRBD files are not read yet");
        json_object *am = NULL;
        if (json_object_object_get_ex(cl, "allow_migrate", &am) && json_object_get_boolean(am)) {
            json_object_object_add(st, "dual_primary", json_object_new_boolean(true));
            note_assumed(im, "storage.dual_primary", "true",
                         "the VMs live-migrate, which DRBD allows only with allow-two-primaries");
        }
    }
    if (k == LD_ISCSI || k == LD_BLOCK || k == LD_NFS || k == LD_FILE)
        note_assumed(im, "storage.server", "none (an external filer or array)",
                     "the target is not one of the cluster's nodes");
}

static json_object *build(importer *im)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "golive", json_object_new_int(1));
    /* the cluster's name: corosync's, else the CIB's */
    int cline = 0;
    const char *cname = im->cc ? corosync_conf_get(im->cc, "totem.cluster_name", &cline) : NULL;
    const char *cibname = im->cib ? g_hash_table_lookup(im->cib->options, "cluster-name") : NULL;
    if (cname && cibname && strcmp(cname, cibname))
        fail(im, "%s:%d totem.cluster_name is %s and %s:%d cluster-name is %s: the files are of two clusters",
             im->cc_file, cline, cname, im->cib_file,
             GPOINTER_TO_INT(g_hash_table_lookup(im->cib->option_line, "cluster-name")), cibname);
    const char *name = cname ? cname : cibname ? cibname : "imported";
    json_object_object_add(root, "name", json_object_new_string(name));
    json_object_object_add(root, "description", json_object_new_string("")); /* filled in at the end */
    g_autoptr(GPtrArray) hosts = host_names(im);
    if (!hosts->len)
        fail(im, "%s: no node found", im->cc ? im->cc_file : im->cib_file);
    int links = im->cc ? cc_links(im->cc) : 1;
    json_object *nets = json_object_new_array();
    for (int l = 0; l < links; l++) {
        json_object *n = json_object_new_object();
        g_autofree char *nn = im->cc ? g_strdup_printf("ring%d", l) : g_strdup("lan");
        json_object_object_add(n, "name", json_object_new_string(nn));
        json_object_array_add(nets, n);
        if (im->cc)
            note_from(im, "networks", nn, "%s: knet link %d (ring%d_addr)", im->cc_file, l, l);
        else
            note_assumed(im, "networks", nn, "no corosync.conf: one network for everything");
    }
    json_object_object_add(root, "networks", nets);
    json_object *jh = json_object_new_array();
    for (guint h = 0; h < hosts->len; h++) {
        json_object *o = json_object_new_object();
        const char *hn = g_ptr_array_index(hosts, h);
        json_object_object_add(o, "name", json_object_new_string(hn));
        json_object *nics = json_object_new_array();
        for (int l = 0; l < links; l++) {
            g_autofree char *k = g_strdup_printf("ring%d_addr", l);
            if (im->cc && l > 0 && !corosync_conf_node(im->cc, h, k, NULL))
                continue;
            json_object *nic = json_object_new_object();
            g_autofree char *nn = im->cc ? g_strdup_printf("ring%d", l) : g_strdup("lan");
            json_object_object_add(nic, "network", json_object_new_string(nn));
            json_object_object_add(nic, "bandwidth", json_object_new_string(IMPORT_NIC_BANDWIDTH));
            json_object_array_add(nics, nic);
        }
        json_object_object_add(o, "nics", nics);
        json_object_array_add(jh, o);
        note_from(im, "hosts", hn, "%s", im->cc ? im->cc_file : im->cib_file);
    }
    note_assumed(im, "hosts[].nics[].bandwidth", IMPORT_NIC_BANDWIDTH, "no file gives a NIC's speed");
    note_assumed(im, "hosts[].memory, hosts[].cores", "256GiB, 16 (golive's defaults)", "no file gives a host's size");
    json_object *cl = json_object_new_object();
    if (!im->cib) {
        json_object_object_add(cl, "manager", json_object_new_string("pacemaker"));
        note_assumed(im, "cluster.manager", "pacemaker", "no CIB: corosync with Pacemaker assumed");
    }
    if (im->cc) {
        json_object_object_add(cl, "network", json_object_new_string("ring0"));
        build_corosync(im, cl, hosts->len);
        if (corosync_conf_get(im->cc, "quorum.device.model", NULL)) {
            json_object *q = json_object_new_object();
            json_object_object_add(q, "name", json_object_new_string("qnetd"));
            json_object *nics = json_object_new_array(), *nic = json_object_new_object();
            json_object_object_add(nic, "network", json_object_new_string("ring0"));
            json_object_object_add(nic, "bandwidth", json_object_new_string(IMPORT_NIC_BANDWIDTH));
            json_object_array_add(nics, nic);
            json_object_object_add(q, "nics", nics);
            json_object_array_add(jh, q);
        }
    } else {
        note_assumed(im, "cluster.token and the quorum keys", "golive's defaults (corosync's)",
                     "no corosync.conf");
        if (hosts->len == 2) { /* without it any failure of a two-node cluster would stop everything */
            json_object_object_add(cl, "two_node", json_object_new_boolean(true));
            note_assumed(im, "cluster.two_node", "true",
                         "two nodes and no corosync.conf: pcs cluster setup and crm cluster init set two_node for "
                         "two nodes");
        }
    }
    json_object_object_add(root, "hosts", jh);
    json_object *vms = json_object_new_array();
    if (im->cib)
        build_cib(im, cl, vms, hosts);
    else
        note_assumed(im, "vms", "none", "no CIB: the VMs and where they run are in the CIB");
    for (guint i = 0; i < im->domains->len; i++)
        if (!g_ptr_array_index(im->domain_used, i))
            note_unused(im, "%s domain %s: no running VirtualDomain resource of the CIB has it; not imported",
                        (const char *)g_ptr_array_index(im->domain_files, i),
                        ((const libvirt_domain *)g_ptr_array_index(im->domains, i))->name);
    build_storage(im, root, cl, hosts->len);
    json_object_object_add(root, "cluster", cl);
    if (json_object_array_length(vms))
        json_object_object_add(root, "vms", vms);
    else
        json_object_put(vms);
    for (guint i = 0; i < im->rates->len; i++)
        if (!g_ptr_array_index(im->rate_used, i)) {
            const dirtyrate_entry *e = g_ptr_array_index(im->rates, i);
            note_unused(im, "%s:%d dirty rate of %s: no imported VM %s; not used",
                        (const char *)g_ptr_array_index(im->rate_files, i), e->line,
                        e->vm ? e->vm : "the VM the file is named after",
                        e->vm ? "has that name" : "has a name the file's begins with");
        }
    if (im->vms_unmeasured)
        note_assumed(im, "vms[].dirty", "none (the guest writes nothing)",
                     im->vms_measured ? "no dirty-rate measurement of the other VMs"
                                      : "no dirty-rate measurement given (virsh domstats --dirtyrate)");
    note_assumed(im, "failures, events", "none", "failure rates and maintenance are not in these files");
    return root;
}

/* ------------------------------------------------------------------ report */

static void table(GString *out, const char *title, const GPtrArray *rows)
{
    if (!rows->len)
        return;
    g_string_append_printf(out, "%s\n", title);
    for (guint i = 0; i < rows->len; i++) {
        g_auto(GStrv) f = g_strsplit(g_ptr_array_index(rows, i), "\t", 3);
        g_autofree char *kv = g_strdup_printf("%s = %s", f[0], f[1] ? f[1] : "");
        /* a key longer than the column still gets two spaces before its source */
        g_string_append_printf(out, "  %-40s  %s\n", kv, f[1] && f[2] ? f[2] : "");
    }
}

static void list(GString *out, const char *title, const GPtrArray *rows)
{
    if (!rows->len)
        return;
    g_string_append_printf(out, "%s\n", title);
    for (guint i = 0; i < rows->len; i++)
        g_string_append_printf(out, "  %s\n", (const char *)g_ptr_array_index(rows, i));
}

/* The scenario's description: where it came from and what was assumed. */
static char *description(const importer *im)
{
    GString *d = g_string_new("Imported by golive import from ");
    if (im->cib_file)
        g_string_append(d, im->cib_file);
    if (im->cib_file && im->cc_file)
        g_string_append(d, " and ");
    if (im->cc_file)
        g_string_append(d, im->cc_file);
    g_string_append(d, ".\nAssumed, not in these files (set the key to change it):");
    for (guint i = 0; i < im->assumed->len; i++) {
        g_auto(GStrv) f = g_strsplit(g_ptr_array_index(im->assumed, i), "\t", 3);
        g_string_append_printf(d, "\n- %s = %s: %s", f[0], f[1] ? f[1] : "", f[1] && f[2] ? f[2] : "");
    }
    if (im->warnings->len) {
        g_string_append(d, "\nSimulated otherwise than the cluster would:");
        for (guint i = 0; i < im->warnings->len; i++)
            g_string_append_printf(d, "\n- %s", (const char *)g_ptr_array_index(im->warnings, i));
    }
    return g_string_free(d, FALSE);
}

int cli_import(int argc, char **argv)
{
    g_autofree char *out = NULL;
    gboolean stand_ins = FALSE, quiet = FALSE;
    GOptionEntry entries[] = {
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the scenario to FILE (default: standard output)",
          "FILE" },
        { "stand-ins", 0, 0, G_OPTION_ARG_NONE, &stand_ins,
          "Import resources that are not VirtualDomain (Dummy, IPaddr2 ...) as 64 MiB VMs standing for them", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only errors and warnings", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("INPUT...");
    g_option_context_set_summary(
        ctx, "Write a scenario from the configuration of a running cluster: a Pacemaker CIB (cibadmin --query), "
             "corosync.conf, the VMs' libvirt domain XML (virsh dumpxml), DRBD's configuration (drbdadm dump all), "
             "Ceph's osd tree, osd pool ls detail and mon dump (-f json) and the VMs' measured dirty rates (virsh "
             "domstats --dirtyrate), in any order. A report says where each value came from, what had to be assumed "
             "(with the key to set) and what was read but is not simulated.");
    g_option_context_set_description(ctx, CLI_EXIT_HELP);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) err = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "golive import: %s\n", err->message);
        return CLI_EXIT_USAGE;
    }
    if (argc < 2) {
        fprintf(stderr, "golive import: no input given\nUsage: golive import [--out FILE] INPUT...\n");
        return CLI_EXIT_USAGE;
    }
    interrupt_install(); /* a signal ends it at once, nothing written */
    interrupt_immediate(true);
    const char *outs[] = { out };
    if (!output_check_all("import", outs, 1, (const char *const *)argv + 1, (size_t)argc - 1, NULL))
        return CLI_EXIT_USAGE;
    importer im = { .stand_ins = stand_ins,
                    .storage_kind = -1,
                    .domains = g_ptr_array_new_with_free_func((GDestroyNotify)libvirt_domain_free),
                    .domain_files = g_ptr_array_new(),
                    .domain_used = g_ptr_array_new(),
                    .rates = g_ptr_array_new(),
                    .rate_files = g_ptr_array_new(),
                    .rate_used = g_ptr_array_new(),
                    .rate_lists = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref),
                    .from = g_ptr_array_new_with_free_func(g_free),
                    .assumed = g_ptr_array_new_with_free_func(g_free),
                    .unused = g_ptr_array_new_with_free_func(g_free),
                    .warnings = g_ptr_array_new_with_free_func(g_free),
                    .errors = g_ptr_array_new_with_free_func(g_free) };
    int rc = CLI_EXIT_OK;
    json_object *root = NULL;
    for (int i = 1; i < argc; i++)
        read_input(&im, argv[i]);
    if (!im.errors->len)
        root = build(&im);
    g_autofree char *text = NULL;
    if (!im.errors->len) {
        g_autofree char *desc = description(&im);
        json_object_object_add(root, "description", json_object_new_string(desc));
        text = output_json_text(root);
        /* the result must load: a contradiction the checks above missed
         * is the loader's to name */
        GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
        scenario *sc = scenario_load_text(out ? out : "the imported scenario", text, strlen(text), errors);
        if (!sc)
            for (guint k = 0; k < errors->len; k++)
                fail(&im, "the imported scenario is not valid: %s", (char *)g_ptr_array_index(errors, k));
        scenario_free(sc);
        g_ptr_array_free(errors, TRUE);
    }
    if (im.errors->len) {
        for (guint k = 0; k < im.errors->len; k++)
            fprintf(stderr, "golive import: %s\n", (char *)g_ptr_array_index(im.errors, k));
        fprintf(stderr, "golive import: nothing written\n");
        rc = CLI_EXIT_USAGE;
    } else {
        GString *rep = g_string_new(NULL);
        table(rep, "read (scenario key = value, and where it came from):", im.from);
        table(rep, "assumed (not in these files; set the key to change it):", im.assumed);
        list(rep, "read but not simulated:", im.unused);
        for (guint k = 0; k < im.warnings->len; k++)
            fprintf(stderr, "golive import: warning: %s\n", (char *)g_ptr_array_index(im.warnings, k));
        const char *dest = out ? out : "-";
        const char *data[] = { text };
        const char *paths[] = { dest };
        if (!output_write_all("import", paths, data, 1))
            rc = CLI_EXIT_FAILURE;
        else if (!quiet) {
            /* the report goes where the scenario does not */
            FILE *f = out && strcmp(out, "-") ? stdout : stderr;
            fputs(rep->str, f);
            if (out && strcmp(out, "-"))
                fprintf(f, "scenario written to %s; check it with golive validate, then golive run\n", out);
        }
        g_string_free(rep, TRUE);
    }
    if (root)
        json_object_put(root);
    cib_free(im.cib);
    corosync_conf_free(im.cc);
    drbd_conf_free(im.drbd);
    for (int c = 0; c < 4; c++)
        ceph_info_free(im.ceph[c]);
    g_ptr_array_free(im.domains, TRUE);
    g_ptr_array_free(im.domain_files, TRUE);
    g_ptr_array_free(im.domain_used, TRUE);
    g_free(im.storage_from);
    g_ptr_array_free(im.rates, TRUE);
    g_ptr_array_free(im.rate_files, TRUE);
    g_ptr_array_free(im.rate_used, TRUE);
    g_ptr_array_free(im.rate_lists, TRUE);
    g_ptr_array_free(im.from, TRUE);
    g_ptr_array_free(im.assumed, TRUE);
    g_ptr_array_free(im.unused, TRUE);
    g_ptr_array_free(im.warnings, TRUE);
    g_ptr_array_free(im.errors, TRUE);
    return rc;
}
