/* corosync_conf — corosync.conf as corosync 3.1.7's exec/coroparse.c
 * reads it (see the header). */
#include "cli/corosync_conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *path;  /* "totem.token", or "key" inside a node */
    char *value;
    int line;
    int node;    /* index of the nodelist.node section, -1 outside */
} cc_item;

struct corosync_conf {
    GArray *items;   /* cc_item, file order */
    GArray *nodes;   /* int: the line each node section opens */
};

/* coroparse.c reads lines into a 512-byte buffer: a longer one is refused */
#define CC_LINE_MAX 511

/* Keys corosync stores as integers, with their range (coroparse.c's
 * main_config_parser_cb); any other value is kept as a string. */
typedef struct {
    const char *path;
    int64_t max;
} cc_int_key;

static const cc_int_key int_keys[] = {
    { "totem.version", UINT32_MAX },
    { "totem.nodeid", UINT32_MAX },
    { "totem.threads", UINT32_MAX },
    { "totem.token", UINT32_MAX },
    { "totem.token_coefficient", UINT32_MAX },
    { "totem.token_retransmit", UINT32_MAX },
    { "totem.token_warning", UINT32_MAX },
    { "totem.hold", UINT32_MAX },
    { "totem.token_retransmits_before_loss_const", UINT32_MAX },
    { "totem.join", UINT32_MAX },
    { "totem.send_join", UINT32_MAX },
    { "totem.consensus", UINT32_MAX },
    { "totem.merge", UINT32_MAX },
    { "totem.downcheck", UINT32_MAX },
    { "totem.fail_recv_const", UINT32_MAX },
    { "totem.seqno_unchanged_const", UINT32_MAX },
    { "totem.heartbeat_failures_allowed", UINT32_MAX },
    { "totem.max_network_delay", UINT32_MAX },
    { "totem.window_size", UINT32_MAX },
    { "totem.max_messages", UINT32_MAX },
    { "totem.miss_count_const", UINT32_MAX },
    { "totem.knet_pmtud_interval", UINT32_MAX },
    { "totem.knet_mtu", UINT32_MAX },
    { "totem.knet_compression_threshold", UINT32_MAX },
    { "totem.netmtu", UINT32_MAX },
    { "totem.interface.linknumber", UINT8_MAX },
    { "totem.interface.mcastport", UINT16_MAX },
    { "totem.interface.ttl", UINT8_MAX },
    { "totem.interface.knet_link_priority", UINT8_MAX },
    { "totem.interface.knet_ping_interval", UINT32_MAX },
    { "totem.interface.knet_ping_timeout", UINT32_MAX },
    { "totem.interface.knet_ping_precision", UINT32_MAX },
    { "totem.interface.knet_pong_count", UINT32_MAX },
    { "quorum.expected_votes", UINT32_MAX },
    { "quorum.votes", UINT32_MAX },
    { "quorum.last_man_standing_window", UINT32_MAX },
    { "quorum.leaving_timeout", UINT32_MAX },
    { "quorum.two_node", UINT8_MAX },
    { "quorum.expected_votes_tracking", UINT8_MAX },
    { "quorum.allow_downscale", UINT8_MAX },
    { "quorum.wait_for_all", UINT8_MAX },
    { "quorum.auto_tie_breaker", UINT8_MAX },
    { "quorum.last_man_standing", UINT8_MAX },
    { "quorum.device.timeout", UINT32_MAX },
    { "quorum.device.sync_timeout", UINT32_MAX },
    { "quorum.device.votes", UINT32_MAX },
    { "quorum.device.master_wins", UINT8_MAX },
    { "nodelist.node.nodeid", UINT32_MAX },
    { "nodelist.node.quorum_votes", UINT32_MAX },
};

static int64_t int_key_max(const char *path)
{
    for (size_t i = 0; i < G_N_ELEMENTS(int_keys); i++)
        if (!strcmp(int_keys[i].path, path))
            return int_keys[i].max;
    return -1;
}

/* safe_atoq: the whole value a decimal integer within [0, max] */
static bool int_ok(const char *v, int64_t max, int64_t *out)
{
    errno = 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (errno == ERANGE || end == v || *end || x < 0 || x > max)
        return false;
    if (out)
        *out = x;
    return true;
}

/* Spaces and tabs off both ends; with colon_brace, also a trailing ':' or
 * '{' (remove_whitespace). */
static char *trim(char *s, bool colon_brace)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' || (colon_brace && (s[n - 1] == ':' || s[n - 1] == '{'))))
        n--;
    s[n] = '\0';
    return s;
}

static void item_clear(gpointer p)
{
    cc_item *it = p;
    g_free(it->path);
    g_free(it->value);
}

void corosync_conf_free(corosync_conf *c)
{
    if (!c)
        return;
    g_array_free(c->items, TRUE);
    g_array_free(c->nodes, TRUE);
    g_free(c);
}

#define CC_FAIL(...)                                                                                             \
    do {                                                                                                         \
        g_autofree char *why_ = g_strdup_printf(__VA_ARGS__);                                                   \
        *err = g_strdup_printf("%s:%d: %s", file, lineno, why_);                                                \
        goto fail;                                                                                               \
    } while (0)

corosync_conf *corosync_conf_parse(const char *file, const char *text, size_t len, char **err)
{
    corosync_conf *c = g_new0(corosync_conf, 1);
    c->items = g_array_new(FALSE, TRUE, sizeof(cc_item));
    g_array_set_clear_func(c->items, item_clear);
    c->nodes = g_array_new(FALSE, FALSE, sizeof(int));
    GPtrArray *stack = g_ptr_array_new_with_free_func(g_free); /* section names */
    int node = -1, lineno = 0;
    size_t pos = 0;
    if (memchr(text, '\0', len)) {
        lineno = 1;
        for (const char *p = text; *p; p++)
            lineno += *p == '\n';
        CC_FAIL("a NUL byte: this is not a text file");
    }
    if (!g_utf8_validate(text, (gssize)len, NULL)) {
        lineno = 1;
        CC_FAIL("not UTF-8 text");
    }
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        lineno++;
        /* fgets into 512 bytes: the line and its newline must fit in 511 */
        if (n + (nl ? 1 : 0) > CC_LINE_MAX)
            CC_FAIL("Line too long (corosync reads at most %d bytes a line)", CC_LINE_MAX);
        g_autofree char *buf = g_strndup(text + pos, n);
        pos += n + (nl ? 1 : 0);
        size_t bl = strlen(buf);
        if (bl && buf[bl - 1] == '\r')
            buf[--bl] = '\0';
        for (char *p = buf; *p; p++)
            if ((unsigned char)*p < 0x20 && *p != '\t')
                CC_FAIL("a control character (byte 0x%02x)", (unsigned char)*p);
        char *line = trim(buf, false);
        if (!*line || *line == '#')
            continue;
        g_autofree char *path = NULL;
        if (stack->len) {
            GString *p = g_string_new(NULL);
            for (guint i = 0; i < stack->len; i++)
                g_string_append_printf(p, "%s%s", i ? "." : "", (char *)g_ptr_array_index(stack, i));
            path = g_string_free(p, FALSE);
        }
        char *brace = strchr(line, '{');
        if (brace) {
            *brace = '\0';
            char *after = trim(brace + 1, false);
            char *name = trim(line, true);
            if (!*name)
                CC_FAIL("Missing section name before opening bracket '{'");
            if (*after)
                CC_FAIL("Extra characters after opening bracket '{'");
            g_ptr_array_add(stack, g_strdup(name));
            if (stack->len == 2 && !strcmp(g_ptr_array_index(stack, 0), "nodelist") && !strcmp(name, "node")) {
                node = (int)c->nodes->len;
                g_array_append_val(c->nodes, lineno);
            }
            continue;
        }
        char *colon = strchr(line, ':');
        if (colon) {
            *colon = '\0';
            char *key = trim(line, true);
            char *value = trim(colon + 1, false);
            bool in_node = node >= 0 && stack->len == 2;
            g_autofree char *full = path ? g_strdup_printf("%s.%s", path, key) : g_strdup(key);
            int64_t max = int_key_max(full);
            if (max >= 0 && !int_ok(value, max, NULL)) {
                /* corosync's key names a node by its place in the nodelist */
                g_autofree char *name = in_node ? g_strdup_printf("nodelist.node.%d.%s", node, key) : NULL;
                CC_FAIL("Value of key \"%s\" is expected to be integer in range (0..%" G_GINT64_FORMAT
                        "), but \"%s\" was given",
                        name ? name : full, max, value);
            }
            cc_item it = { in_node ? g_strdup(key) : g_strdup(full), g_strdup(value), lineno, in_node ? node : -1 };
            g_array_append_val(c->items, it);
            continue;
        }
        if (strchr(line, '}')) {
            if (strcmp(line, "}"))
                CC_FAIL("Extra characters before or after closing bracket '}'");
            if (!stack->len)
                CC_FAIL("Unexpected closing brace");
            g_ptr_array_remove_index(stack, stack->len - 1);
            if (stack->len < 2)
                node = -1;
            continue;
        }
        CC_FAIL("Line is not opening or closing section or key value");
    }
    if (stack->len) /* corosync names the last line read */
        CC_FAIL("Missing closing brace");
    g_ptr_array_free(stack, TRUE);
    return c;
fail:
    g_ptr_array_free(stack, TRUE);
    corosync_conf_free(c);
    return NULL;
}

/* The last setting wins, as in corosync's map. */
static const cc_item *find(const corosync_conf *c, const char *path, int node)
{
    for (guint i = c->items->len; i-- > 0;) {
        const cc_item *it = &g_array_index(c->items, cc_item, i);
        if (it->node == node && !strcmp(it->path, path))
            return it;
    }
    return NULL;
}

const char *corosync_conf_get(const corosync_conf *c, const char *path, int *line)
{
    const cc_item *it = find(c, path, -1);
    if (line)
        *line = it ? it->line : 0;
    return it ? it->value : NULL;
}

int64_t corosync_conf_int(const corosync_conf *c, const char *path, int64_t def)
{
    const char *v = corosync_conf_get(c, path, NULL);
    int64_t x;
    return v && int_ok(v, INT64_MAX, &x) ? x : def;
}

size_t corosync_conf_nnodes(const corosync_conf *c) { return c->nodes->len; }

const char *corosync_conf_node(const corosync_conf *c, size_t i, const char *key, int *line)
{
    const cc_item *it = find(c, key, (int)i);
    if (line)
        *line = it ? it->line : 0;
    return it ? it->value : NULL;
}

int corosync_conf_node_line(const corosync_conf *c, size_t i) { return g_array_index(c->nodes, int, i); }

size_t corosync_conf_nkeys(const corosync_conf *c) { return c->items->len; }

const char *corosync_conf_key(const corosync_conf *c, size_t i, const char **value, int *line)
{
    const cc_item *it = &g_array_index(c->items, cc_item, i);
    if (value)
        *value = it->value;
    if (line)
        *line = it->line;
    return it->path;
}
