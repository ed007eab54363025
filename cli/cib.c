/* cib — a Pacemaker CIB read with libxml2 (see the header). */
#include "cli/cib.h"

#include "cli/xmlread.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool cib_is_true(const char *s)
{
    return s && (!g_ascii_strcasecmp(s, "true") || !g_ascii_strcasecmp(s, "on") || !g_ascii_strcasecmp(s, "yes") ||
                 !g_ascii_strcasecmp(s, "y") || !strcmp(s, "1"));
}

/* lib/common/strings.c crm_get_msec (2.1.5): the digits and dots after
 * leading white space, then a unit; only the integer part is scanned. */
int64_t cib_msec(const char *s, bool *fraction)
{
    static const char ws[] = " \t\n\r\f";
    if (fraction)
        *fraction = false;
    if (!s)
        return -1;
    const char *num = s + strspn(s, ws);
    size_t n = strspn(num, "0123456789.");
    if (n < 1)
        return -1;
    const char *u = num + n;
    u += strspn(u, ws);
    int64_t mul = 1000, div = 1;
    if (!g_ascii_strncasecmp(u, "ms", 2))
        mul = 1;
    else if (!g_ascii_strncasecmp(u, "us", 2))
        mul = 1, div = 1000;
    else if (!g_ascii_strncasecmp(u, "s", 1))
        mul = 1000;
    else if (!g_ascii_strncasecmp(u, "m", 1))
        mul = 60 * 1000;
    else if (!g_ascii_strncasecmp(u, "h", 1))
        mul = 3600 * 1000;
    else if (*u && *u != '\n' && *u != '\r')
        return -1;
    char *end;
    long long v = strtoll(num, &end, 10);
    if (end == num)
        return -1; /* ".5": Pacemaker's scan fails too */
    if (fraction && *end == '.' && strspn(end + 1, "0123456789") > 0 && strspn(end + 1, "0") != strspn(end + 1, "0123456789"))
        *fraction = true;
    if (v > LLONG_MAX / mul)
        return LLONG_MAX;
    return v * mul / div;
}

static char *prop(xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = g_strdup((const char *)v);
    xmlFree(v);
    return s;
}

static bool is(xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static void rsc_free(gpointer p)
{
    cib_rsc *r = p;
    g_free(r->id);
    g_free(r->cls);
    g_free(r->provider);
    g_free(r->type);
    g_free(r->parent);
    g_free(r->running_on);
    g_hash_table_destroy(r->attrs);
    g_hash_table_destroy(r->meta);
    g_hash_table_destroy(r->op_timeouts);
    g_hash_table_destroy(r->op_intervals);
    g_free(r);
}

static void node_free(gpointer p)
{
    cib_node *n = p;
    g_free(n->name);
    g_free(n->id);
    g_free(n);
}

void cib_free(cib *c)
{
    if (!c)
        return;
    g_ptr_array_free(c->nodes, TRUE);
    g_ptr_array_free(c->rscs, TRUE);
    g_hash_table_destroy(c->options);
    g_hash_table_destroy(c->option_line);
    g_hash_table_destroy(c->rsc_defaults);
    g_hash_table_destroy(c->op_defaults);
    g_ptr_array_free(c->constraints, TRUE);
    g_ptr_array_free(c->ignored, TRUE);
    g_free(c->dc);
    g_free(c);
}

static void ignore(cib *c, xmlNode *n, const char *why)
{
    g_ptr_array_add(c->ignored, g_strdup_printf("line %ld: <%s>%s%s", xmlGetLineNo(n), (const char *)n->name,
                                                why ? ": " : "", why ? why : ""));
}

/* nvpairs of every set of the given element name under n into t */
static void nvpairs(xmlNode *n, const char *set, GHashTable *t, GHashTable *lines)
{
    for (xmlNode *s = n->children; s; s = s->next) {
        if (!is(s, set))
            continue;
        for (xmlNode *p = s->children; p; p = p->next) {
            if (!is(p, "nvpair"))
                continue;
            char *name = prop(p, "name"), *value = prop(p, "value");
            if (!name) {
                g_free(value);
                continue;
            }
            if (lines)
                g_hash_table_insert(lines, g_strdup(name), GINT_TO_POINTER((int)xmlGetLineNo(p)));
            g_hash_table_insert(t, name, value ? value : g_strdup(""));
        }
    }
}

static GHashTable *str_table(void) { return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free); }

static void read_primitive(cib *c, xmlNode *p, const char *parent)
{
    cib_rsc *r = g_new0(cib_rsc, 1);
    r->id = prop(p, "id");
    r->cls = prop(p, "class");
    r->provider = prop(p, "provider");
    r->type = prop(p, "type");
    r->parent = g_strdup(parent);
    r->line = (int)xmlGetLineNo(p);
    r->attrs = str_table();
    r->meta = str_table();
    r->op_timeouts = str_table();
    r->op_intervals = str_table();
    nvpairs(p, "instance_attributes", r->attrs, NULL);
    nvpairs(p, "meta_attributes", r->meta, NULL);
    for (xmlNode *o = p->children; o; o = o->next) {
        if (!is(o, "operations"))
            continue;
        for (xmlNode *op = o->children; op; op = op->next)
            if (is(op, "op")) {
                char *name = prop(op, "name"), *t = prop(op, "timeout"), *iv = prop(op, "interval");
                if (name && iv && cib_msec(iv, NULL) > 0)
                    g_hash_table_insert(r->op_intervals, g_strdup(name), iv);
                else
                    g_free(iv);
                if (name && t)
                    g_hash_table_insert(r->op_timeouts, name, t);
                else {
                    g_free(name);
                    g_free(t);
                }
            }
    }
    if (!r->id) {
        ignore(c, p, "a primitive without an id");
        rsc_free(r);
        return;
    }
    g_ptr_array_add(c->rscs, r);
}

static void read_resources(cib *c, xmlNode *n, const char *parent)
{
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is(k, "primitive"))
            read_primitive(c, k, parent);
        else if (is(k, "group") || is(k, "clone") || is(k, "master")) {
            g_autofree char *id = prop(k, "id");
            read_resources(c, k, id ? id : (const char *)k->name);
        } else if (!is(k, "meta_attributes") && !is(k, "instance_attributes"))
            ignore(c, k, "not read (bundles and templates are not simulated)");
    }
}

static void read_constraints(cib *c, xmlNode *n)
{
    for (xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        g_autofree char *id = prop(k, "id"), *rsc = prop(k, "rsc"), *node = prop(k, "node"),
                        *score = prop(k, "score");
        if (is(k, "rsc_location") && rsc && node && score)
            g_ptr_array_add(c->constraints, g_strdup_printf("%s %s (line %ld): %s on %s, score %s", (const char *)k->name,
                                                            id ? id : "?", xmlGetLineNo(k), rsc, node, score));
        else
            g_ptr_array_add(c->constraints,
                            g_strdup_printf("%s %s (line %ld)", (const char *)k->name, id ? id : "?", xmlGetLineNo(k)));
    }
}

static cib_node *node_named(cib *c, const char *name)
{
    for (guint i = 0; name && i < c->nodes->len; i++) {
        cib_node *n = g_ptr_array_index(c->nodes, i);
        if (!strcmp(n->name, name))
            return n;
    }
    return NULL;
}

static cib_rsc *rsc_named(cib *c, const char *id)
{
    for (guint i = 0; id && i < c->rscs->len; i++) {
        cib_rsc *r = g_ptr_array_index(c->rscs, i);
        if (!strcmp(r->id, id))
            return r;
    }
    return NULL;
}

/* Whether the resource's operation history on a node leaves it active
 * there, as Pacemaker's unpack of the status section does: the operations
 * in the order of their call ids (sort_op_by_callid), each moving the
 * state: a successful start, promote, demote or migrate_from, or a monitor
 * finding it running (rc 0, or 8: promoted) makes it active; a stop, a
 * migrate_to (it moved away) or a monitor finding it not running (rc 7)
 * makes it inactive; a failed monitor leaves it active (failed, to be
 * recovered); a failed start leaves it inactive. Pending operations
 * (call id -1) count for nothing yet. */
typedef struct {
    long call;
    bool active;
    bool known;
} op_effect;

static int by_call(const void *a, const void *b)
{
    const op_effect *x = a, *y = b;
    return (x->call > y->call) - (x->call < y->call);
}

static bool active_by_history(xmlNode *lrm_rsc)
{
    GArray *ops = g_array_new(FALSE, FALSE, sizeof(op_effect));
    for (xmlNode *op = lrm_rsc->children; op; op = op->next) {
        if (!is(op, "lrm_rsc_op"))
            continue;
        g_autofree char *oper = prop(op, "operation"), *rc = prop(op, "rc-code"), *call = prop(op, "call-id");
        if (!oper || !rc || !call)
            continue;
        op_effect e = { strtol(call, NULL, 10), false, true };
        if (e.call < 0)
            continue;
        long code = strtol(rc, NULL, 10);
        bool ok = code == 0 || code == 8;
        if (!strcmp(oper, "start") || !strcmp(oper, "promote") || !strcmp(oper, "demote") ||
            !strcmp(oper, "migrate_from"))
            e.active = ok;
        else if (!strcmp(oper, "stop"))
            e.active = !ok; /* a failed stop leaves it there */
        else if (!strcmp(oper, "migrate_to"))
            e.active = !ok;
        else if (!strcmp(oper, "monitor"))
            e.active = code != 7;
        else
            e.known = false; /* notify, reload, meta-data ... */
        if (e.known)
            g_array_append_val(ops, e);
    }
    g_array_sort(ops, by_call);
    bool active = ops->len && g_array_index(ops, op_effect, ops->len - 1).active;
    g_array_free(ops, TRUE);
    return active;
}

static void read_status(cib *c, xmlNode *n)
{
    for (xmlNode *ns = n->children; ns; ns = ns->next) {
        if (!is(ns, "node_state"))
            continue;
        g_autofree char *uname = prop(ns, "uname"), *ccm = prop(ns, "in_ccm"), *crmd = prop(ns, "crmd"),
                        *join = prop(ns, "join");
        cib_node *node = node_named(c, uname);
        if (!node)
            continue;
        node->online = cib_is_true(ccm) && crmd && !strcmp(crmd, "online") && join && !strcmp(join, "member");
        for (xmlNode *l = ns->children; l; l = l->next) {
            if (!is(l, "lrm"))
                continue;
            for (xmlNode *rs = l->children; rs; rs = rs->next) {
                if (!is(rs, "lrm_resources"))
                    continue;
                for (xmlNode *r = rs->children; r; r = r->next) {
                    if (!is(r, "lrm_resource"))
                        continue;
                    g_autofree char *id = prop(r, "id");
                    cib_rsc *rsc = rsc_named(c, id);
                    if (!rsc || !active_by_history(r))
                        continue;
                    if (!rsc->running_on)
                        rsc->running_on = g_strdup(node->name);
                    rsc->nrunning++;
                }
            }
        }
    }
}

cib *cib_parse(const char *file, const char *text, size_t len, char **err)
{
    xmlDocPtr doc = xmlread_doc(file, text, len, err);
    if (!doc)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!is(root, "cib")) {
        *err = g_strdup_printf("%s:%ld: the root element is <%s>, not <cib>: not a Pacemaker CIB", file,
                               root ? xmlGetLineNo(root) : 1L, root ? (const char *)root->name : "none");
        xmlFreeDoc(doc);
        return NULL;
    }
    cib *c = g_new0(cib, 1);
    c->nodes = g_ptr_array_new_with_free_func(node_free);
    c->rscs = g_ptr_array_new_with_free_func(rsc_free);
    c->options = str_table();
    c->option_line = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    c->rsc_defaults = str_table();
    c->op_defaults = str_table();
    c->constraints = g_ptr_array_new_with_free_func(g_free);
    c->ignored = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *quorum = prop(root, "have-quorum"), *dc_uuid = prop(root, "dc-uuid");
    c->have_quorum = cib_is_true(quorum);
    xmlNode *conf = NULL, *status = NULL;
    for (xmlNode *k = root->children; k; k = k->next) {
        if (is(k, "configuration"))
            conf = k;
        else if (is(k, "status"))
            status = k;
    }
    if (!conf) {
        *err = g_strdup_printf("%s:%ld: <cib> has no <configuration>: not a CIB as cibadmin --query prints it", file,
                               xmlGetLineNo(root));
        cib_free(c);
        xmlFreeDoc(doc);
        return NULL;
    }
    for (xmlNode *k = conf->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (is(k, "crm_config"))
            nvpairs(k, "cluster_property_set", c->options, c->option_line);
        else if (is(k, "nodes")) {
            for (xmlNode *n = k->children; n; n = n->next) {
                if (!is(n, "node"))
                    continue;
                cib_node *nd = g_new0(cib_node, 1);
                nd->name = prop(n, "uname");
                nd->id = prop(n, "id");
                nd->line = (int)xmlGetLineNo(n);
                g_autofree char *type = prop(n, "type");
                if (!nd->name || (type && strcmp(type, "member") && strcmp(type, "normal"))) {
                    ignore(c, n, nd->name ? "not a cluster member (remote or ping node)" : "a node without uname");
                    node_free(nd);
                    continue;
                }
                GHashTable *attrs = str_table();
                nvpairs(n, "instance_attributes", attrs, NULL);
                nd->standby = cib_is_true(g_hash_table_lookup(attrs, "standby"));
                g_hash_table_destroy(attrs);
                g_ptr_array_add(c->nodes, nd);
            }
        } else if (is(k, "resources"))
            read_resources(c, k, NULL);
        else if (is(k, "constraints"))
            read_constraints(c, k);
        else if (is(k, "rsc_defaults"))
            nvpairs(k, "meta_attributes", c->rsc_defaults, NULL);
        else if (is(k, "op_defaults"))
            nvpairs(k, "meta_attributes", c->op_defaults, NULL);
        else
            ignore(c, k, NULL);
    }
    for (guint i = 0; dc_uuid && !c->dc && i < c->nodes->len; i++) { /* the first node with that id */
        cib_node *n = g_ptr_array_index(c->nodes, i);
        if (n->id && !strcmp(n->id, dc_uuid))
            c->dc = g_strdup(n->name);
    }
    if (status)
        read_status(c, status);
    xmlFreeDoc(doc);
    return c;
}
