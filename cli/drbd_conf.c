/* drbd_conf — DRBD's configuration for the importer (see the header). */
#include "cli/drbd_conf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct drbd_conf {
    GPtrArray *resources; /* drbd_resource * */
    GPtrArray *unused;
};

/* ------------------------------------------------------------ the tree */

typedef struct dnode {
    char *name;
    GPtrArray *args;     /* char * */
    GPtrArray *children; /* dnode *, NULL for a statement */
    int line;
} dnode;

static void dnode_free(gpointer p)
{
    dnode *n = p;
    g_free(n->name);
    g_ptr_array_free(n->args, TRUE);
    if (n->children)
        g_ptr_array_free(n->children, TRUE);
    g_free(n);
}

typedef struct {
    const char *file, *s, *end;
    int line;
    char *err;
} lexer;

typedef enum { T_END, T_WORD, T_OPEN, T_CLOSE, T_SEMI, T_ERROR } tok_kind;

static tok_kind next(lexer *lx, char **word, int *line)
{
    for (;;) {
        while (lx->s < lx->end && g_ascii_isspace(*lx->s))
            lx->line += *lx->s++ == '\n';
        if (lx->s < lx->end && *lx->s == '#') {
            while (lx->s < lx->end && *lx->s != '\n')
                lx->s++;
            continue;
        }
        break;
    }
    *line = lx->line;
    if (lx->s >= lx->end)
        return T_END;
    char c = *lx->s;
    if (c == '{' || c == '}' || c == ';') {
        lx->s++;
        return c == '{' ? T_OPEN : c == '}' ? T_CLOSE : T_SEMI;
    }
    GString *w = g_string_new(NULL);
    if (c == '"') {
        lx->s++;
        while (lx->s < lx->end && *lx->s != '"') {
            if (*lx->s == '\\' && lx->s + 1 < lx->end)
                lx->s++;
            if (*lx->s == '\n') {
                lx->err = g_strdup_printf("%s:%d: a string that does not end on its line", lx->file, *line);
                g_string_free(w, TRUE);
                return T_ERROR;
            }
            g_string_append_c(w, *lx->s++);
        }
        if (lx->s >= lx->end) {
            lx->err = g_strdup_printf("%s:%d: a string that does not end", lx->file, *line);
            g_string_free(w, TRUE);
            return T_ERROR;
        }
        lx->s++;
    } else
        while (lx->s < lx->end && !g_ascii_isspace(*lx->s) && !strchr("{};#\"", *lx->s))
            g_string_append_c(w, *lx->s++);
    *word = g_string_free(w, FALSE);
    return T_WORD;
}

/* Statements until '}' (depth > 0) or the end (depth 0). */
static GPtrArray *parse_block(lexer *lx, int depth)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(dnode_free);
    for (;;) {
        char *w = NULL;
        int line;
        tok_kind t = next(lx, &w, &line);
        if (t == T_ERROR)
            goto fail;
        if (t == T_END) {
            /* drbdadm lets the end of the file close a resource, not a
             * section inside one */
            if (depth > 1) {
                lx->err = g_strdup_printf("%s:%d: the file ends inside a section: a '}' is missing", lx->file, line);
                goto fail;
            }
            return out;
        }
        if (t == T_CLOSE) {
            if (!depth) {
                lx->err = g_strdup_printf("%s:%d: a '}' that closes nothing", lx->file, line);
                goto fail;
            }
            return out;
        }
        if (t != T_WORD) {
            lx->err = g_strdup_printf("%s:%d: expected a keyword, got '%s'", lx->file, line,
                                      t == T_OPEN ? "{" : ";");
            goto fail;
        }
        dnode *n = g_new0(dnode, 1);
        n->name = w;
        n->line = line;
        n->args = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(out, n);
        for (;;) {
            char *a = NULL;
            int l2;
            t = next(lx, &a, &l2);
            if (t == T_WORD) {
                g_ptr_array_add(n->args, a);
                continue;
            }
            if (t == T_SEMI)
                break;
            if (t == T_OPEN) {
                n->children = parse_block(lx, depth + 1);
                if (!n->children)
                    goto fail;
                break;
            }
            if (t != T_ERROR) /* drbdadm names the line of what came instead */
                lx->err = g_strdup_printf("%s:%d: '%s' is not ended by ';'", lx->file, l2, n->name);
            goto fail;
        }
    }
fail:
    g_ptr_array_free(out, TRUE);
    return NULL;
}

/* ------------------------------------------------------- the settings */

typedef struct {
    const char *key;
    const char *values; /* "A|B|C"; NULL: a whole number; "rate": a number with k, M or G */
} drbd_key;

/* The settings golive simulates (drbd.conf(5) of DRBD 8.4 and 9). */
static const drbd_key keys[] = {
    { "net.protocol", "A|B|C" },
    { "net.allow-two-primaries", "yes|no" },
    { "net.fencing", "dont-care|resource-only|resource-and-stonith" },
    { "disk.fencing", "dont-care|resource-only|resource-and-stonith" },
    { "net.after-sb-0pri", "disconnect|discard-younger-primary|discard-older-primary|discard-zero-changes|"
                           "discard-least-changes|discard-local|discard-remote" },
    { "net.after-sb-1pri", "disconnect|consensus|violently-as0p|discard-secondary|call-pri-lost-after-sb" },
    { "net.after-sb-2pri", "disconnect|violently-as0p|call-pri-lost-after-sb" },
    { "net.timeout", NULL },
    { "net.ping-timeout", NULL },
    { "net.ping-int", NULL },
    { "net.ko-count", NULL },
    { "disk.c-max-rate", "rate" },
    { "options.quorum", "off|majority|all|number" },
    { "options.on-no-quorum", "suspend-io|io-error" },
    { "handlers.fence-peer", "any" },
};

static bool is_number(const char *v)
{
    if (!v || !*v)
        return false;
    for (const char *p = v; *p; p++)
        if (!g_ascii_isdigit(*p))
            return false;
    return true;
}

static bool value_ok(const drbd_key *k, const char *v)
{
    if (!k->values)
        return is_number(v);
    if (!strcmp(k->values, "any"))
        return *v;
    if (!strcmp(k->values, "rate")) {
        size_t n = strspn(v, "0123456789");
        return n && (!v[n] || (strchr("kKmMgG", v[n]) && !v[n + 1]));
    }
    g_auto(GStrv) alts = g_strsplit(k->values, "|", -1);
    for (int i = 0; alts[i]; i++)
        if (!strcmp(alts[i], v) || (!strcmp(alts[i], "number") && is_number(v)))
            return true;
    return false;
}

/* The settings of a section list (net, disk, options ...) into r. */
static bool read_sections(drbd_conf *c, const char *file, GPtrArray *nodes, GHashTable *settings, GHashTable *lines,
                          char **err)
{
    for (guint i = 0; i < nodes->len; i++) {
        const dnode *sec = g_ptr_array_index(nodes, i);
        if (!sec->children || (strcmp(sec->name, "net") && strcmp(sec->name, "disk") && strcmp(sec->name, "options") &&
                                   strcmp(sec->name, "handlers") && strcmp(sec->name, "startup")))
            continue;
        for (guint j = 0; j < sec->children->len; j++) {
            const dnode *st = g_ptr_array_index(sec->children, j);
            g_autofree char *key = g_strdup_printf("%s.%s", sec->name, st->name);
            const drbd_key *k = NULL;
            for (size_t q = 0; q < G_N_ELEMENTS(keys) && !k; q++)
                if (!strcmp(keys[q].key, key))
                    k = &keys[q];
            if (!k) {
                g_ptr_array_add(c->unused, g_strdup_printf("%s:%d %s%s", file, st->line, key,
                                                           !strcmp(sec->name, "handlers") ? " (a handler script)" : ""));
                continue;
            }
            /* a boolean given without a value is yes */
            const char *v = st->args->len ? g_ptr_array_index(st->args, 0)
                                          : (!strcmp(k->values ? k->values : "", "yes|no") ? "yes" : "");
            if (st->children || st->args->len > 1 || !value_ok(k, v)) {
                *err = g_strdup_printf("%s:%d: %s %s: expected %s", file, st->line, st->name, v,
                                       k->values ? (!strcmp(k->values, "rate") ? "a rate (a number, then k, M or G)"
                                                                               : k->values)
                                                 : "a whole number");
                return false;
            }
            g_hash_table_insert(settings, g_strdup(key), g_strdup(v));
            g_hash_table_insert(lines, g_strdup(key), GINT_TO_POINTER(st->line));
        }
    }
    return true;
}

static void host_free(gpointer p)
{
    drbd_host *h = p;
    g_free(h->name);
    g_free(h->address);
    g_free(h);
}

static void resource_free(gpointer p)
{
    drbd_resource *r = p;
    g_free(r->name);
    g_ptr_array_free(r->hosts, TRUE);
    g_hash_table_destroy(r->settings);
    g_hash_table_destroy(r->lines);
    g_ptr_array_free(r->devices, TRUE);
    g_free(r);
}

/* "ipv4 10.77.2.1:7789" or "10.77.2.1:7789": the address alone. */
static char *address_of(const GPtrArray *args)
{
    if (!args->len)
        return NULL;
    const char *a = g_ptr_array_index(args, args->len - 1);
    const char *colon = strrchr(a, ':');
    if (a[0] == '[') { /* [ipv6]:port */
        const char *close = strchr(a, ']');
        return close ? g_strndup(a + 1, (gsize)(close - a - 1)) : g_strdup(a);
    }
    return colon ? g_strndup(a, (gsize)(colon - a)) : g_strdup(a);
}

static void add_device(drbd_resource *r, const dnode *st)
{
    if (!st->args->len)
        return;
    const char *d = g_ptr_array_index(st->args, 0);
    for (guint i = 0; i < r->devices->len; i++)
        if (!strcmp(g_ptr_array_index(r->devices, i), d))
            return;
    g_ptr_array_add(r->devices, g_strdup(d));
}

bool drbd_conf_sniff(const char *text, size_t len)
{
    lexer lx = { "", text, text + len, 1, NULL };
    char *w = NULL;
    int line;
    tok_kind t = next(&lx, &w, &line);
    /* corosync.conf has none of these at its top (its section is "resources") */
    bool yes = t == T_WORD && (!strcmp(w, "resource") || !strcmp(w, "common") || !strcmp(w, "global") ||
                               !strcmp(w, "skip") || !strcmp(w, "include"));
    g_free(w);
    g_free(lx.err);
    return yes;
}

drbd_conf *drbd_conf_parse(const char *file, const char *text, size_t len, char **err)
{
    if (memchr(text, '\0', len)) {
        *err = g_strdup_printf("%s: a NUL byte: this is not a text file", file);
        return NULL;
    }
    lexer lx = { file, text, text + len, 1, NULL };
    GPtrArray *top = parse_block(&lx, 0);
    if (!top) {
        *err = lx.err;
        return NULL;
    }
    drbd_conf *c = g_new0(drbd_conf, 1);
    c->resources = g_ptr_array_new_with_free_func(resource_free);
    c->unused = g_ptr_array_new_with_free_func(g_free);
    GHashTable *common = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GHashTable *common_lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < top->len; i++) {
        const dnode *n = g_ptr_array_index(top, i);
        if (!strcmp(n->name, "common") && n->children) {
            if (!read_sections(c, file, n->children, common, common_lines, err))
                goto fail;
        } else if (!strcmp(n->name, "include"))
            g_ptr_array_add(c->unused, g_strdup_printf("%s:%d include %s (not followed: give the output of drbdadm "
                                                       "dump, which resolves it)",
                                                       file, n->line,
                                                       n->args->len ? (char *)g_ptr_array_index(n->args, 0) : ""));
        else if (strcmp(n->name, "resource") && strcmp(n->name, "global") && strcmp(n->name, "skip")) {
            *err = g_strdup_printf("%s:%d: '%s' at the top: expected resource, common, global or include", file,
                                   n->line, n->name);
            goto fail;
        }
    }
    for (guint i = 0; i < top->len; i++) {
        const dnode *n = g_ptr_array_index(top, i);
        if (strcmp(n->name, "resource"))
            continue;
        if (!n->children || n->args->len != 1) {
            *err = g_strdup_printf("%s:%d: expected resource NAME { ... }", file, n->line);
            goto fail;
        }
        drbd_resource *r = g_new0(drbd_resource, 1);
        r->name = g_strdup(g_ptr_array_index(n->args, 0));
        r->line = n->line;
        r->hosts = g_ptr_array_new_with_free_func(host_free);
        r->settings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        r->lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        r->devices = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(c->resources, r);
        if (!read_sections(c, file, n->children, r->settings, r->lines, err))
            goto fail;
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, common);
        while (g_hash_table_iter_next(&it, &k, &v))
            if (!g_hash_table_contains(r->settings, k)) {
                g_hash_table_insert(r->settings, g_strdup(k), g_strdup(v));
                g_hash_table_insert(r->lines, g_strdup(k), g_hash_table_lookup(common_lines, k));
            }
        r->v9 = g_hash_table_contains(r->settings, "options.quorum");
        for (guint j = 0; j < n->children->len; j++) {
            const dnode *st = g_ptr_array_index(n->children, j);
            if (!strcmp(st->name, "device"))
                add_device(r, st);
            if (!strcmp(st->name, "connection-mesh") || !strcmp(st->name, "connection"))
                r->v9 = true;
            if (strcmp(st->name, "on") || !st->children)
                continue;
            if (st->args->len != 1) {
                *err = g_strdup_printf("%s:%d: expected on HOST { ... }", file, st->line);
                goto fail;
            }
            drbd_host *h = g_new0(drbd_host, 1);
            h->name = g_strdup(g_ptr_array_index(st->args, 0));
            h->line = st->line;
            g_ptr_array_add(r->hosts, h);
            for (guint q = 0; q < st->children->len; q++) {
                const dnode *hs = g_ptr_array_index(st->children, q);
                if (!strcmp(hs->name, "address")) {
                    g_free(h->address);
                    h->address = address_of(hs->args);
                } else if (!strcmp(hs->name, "node-id"))
                    r->v9 = true;
                else if (!strcmp(hs->name, "device"))
                    add_device(r, hs);
            }
        }
        if (r->hosts->len < 2) {
            *err = g_strdup_printf("%s:%d: resource %s has %u host%s: DRBD replicates between two or more", file,
                                   r->line, r->name, r->hosts->len, r->hosts->len == 1 ? "" : "s");
            goto fail;
        }
    }
    g_hash_table_destroy(common);
    g_hash_table_destroy(common_lines);
    g_ptr_array_free(top, TRUE);
    if (!c->resources->len) {
        *err = g_strdup_printf("%s: no resource", file);
        drbd_conf_free(c);
        return NULL;
    }
    return c;
fail:
    g_hash_table_destroy(common);
    g_hash_table_destroy(common_lines);
    g_ptr_array_free(top, TRUE);
    drbd_conf_free(c);
    return NULL;
}

void drbd_conf_free(drbd_conf *c)
{
    if (!c)
        return;
    g_ptr_array_free(c->resources, TRUE);
    g_ptr_array_free(c->unused, TRUE);
    g_free(c);
}

size_t drbd_conf_nresources(const drbd_conf *c) { return c->resources->len; }
const drbd_resource *drbd_conf_resource(const drbd_conf *c, size_t i) { return g_ptr_array_index(c->resources, i); }
const GPtrArray *drbd_conf_unused(const drbd_conf *c) { return c->unused; }
