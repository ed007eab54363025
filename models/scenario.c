/* scenario — loader. One pass over the JSON tree with a path stack; every
 * getter reports into the same error list and returns a usable default, so
 * checking goes on after the first error and all errors are listed. */
#include "models/scenario.h"
#include <glib/gstdio.h>

#include <errno.h>
#include <limits.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/assume.h"
#include "models/jsonpar.h"
#include "models/units.h"

#define HOT_KEYS 24
#define HOT_OBJS 4

typedef struct {
    const char *file;
    char *dir;           /* for relative trace paths */
    GHashTable *traces;  /* trace file as written -> GArray of double: given, never read from disk */
    GPtrArray *errors;
    GString *path;
    /* lists that failed to load: references into them are not reported
     * again, one error is enough */
    bool broken_networks, broken_hosts, broken_vms;
    bool *moved; /* per VM: a migrate event named it already (while loading events) */
    assume_marker *marker; /* while loading the VMs */
    /* The keys of the objects check_keys went through last, so that the
     * getters that follow find them without json-c's hash lookups (a data
     * centre's 10^5 VMs: the loading's largest part) */
    struct hot_obj {
        json_object *obj;
        int n;
        const char *keys[HOT_KEYS];
        json_object *vals[HOT_KEYS];
    } hot[HOT_OBJS];
    int hot_next;
} ctx;

/* ------------------------------------------------------------------ errors, paths */

G_GNUC_PRINTF(3, 4)
static void err_at(ctx *c, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    GString *p = g_string_new(c->path->str);
    if (key)
        g_string_append_printf(p, "%s%s", p->len ? "." : "", key);
    g_ptr_array_add(c->errors, g_strdup_printf("%s: %s: %s", c->file, p->len ? p->str : "(top level)", msg));
    g_string_free(p, TRUE);
}

/* The path grows and shrinks for every item of every list: appended
 * piece by piece, not through printf (a tenth of loading 200,000 VMs). */
static size_t push_key(ctx *c, const char *key)
{
    size_t mark = c->path->len;
    if (c->path->len)
        g_string_append_c(c->path, '.');
    g_string_append(c->path, key);
    return mark;
}

static size_t push_index(ctx *c, size_t i)
{
    size_t mark = c->path->len;
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    g_string_append_c(c->path, '[');
    while (n)
        g_string_append_c(c->path, digits[--n]);
    g_string_append_c(c->path, ']');
    return mark;
}

static void pop_to(ctx *c, size_t mark) { g_string_truncate(c->path, mark); }

static const char *type_name(json_object *o)
{
    switch (json_object_get_type(o)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "?";
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = g_new(size_t, lb + 1);
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
            row[j] = v;
            diag = up;
        }
    }
    size_t d = row[lb];
    g_free(row);
    return d;
}

const char *scenario_suggest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t bestd = SIZE_MAX;
    for (; *candidates; candidates++) {
        size_t d = edit_distance(word, *candidates);
        if (d < bestd) {
            bestd = d;
            best = *candidates;
        }
    }
    size_t len = strlen(word);
    return best && bestd <= (len > 6 ? 3 : 2) && bestd < len ? best : NULL;
}

static void check_keys(ctx *c, json_object *obj, const char *const *allowed)
{
    struct hot_obj *h = &c->hot[c->hot_next];
    c->hot_next = (c->hot_next + 1) % HOT_OBJS;
    h->obj = obj;
    h->n = 0;
    json_object_object_foreach(obj, key, val) {
        if (h->n < HOT_KEYS) {
            h->keys[h->n] = key;
            h->vals[h->n++] = val;
        } else {
            h->obj = NULL; /* too many to hold: looked up as usual */
        }
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = (*a)[0] == key[0] && !strcmp(*a, key);
        if (ok)
            continue;
        const char *s = scenario_suggest(key, allowed);
        if (s)
            err_at(c, key, "unknown key (did you mean \"%s\"?)", s);
        else {
            g_autofree char *list = g_strjoinv(", ", (char **)allowed);
            err_at(c, key, "unknown key (expected one of: %s)", list);
        }
    }
}

static bool expect_object(ctx *c, json_object *o, const char *key)
{
    if (json_object_is_type(o, json_type_object))
        return true;
    err_at(c, key, "expected an object, not %s", type_name(o));
    return false;
}

/* ------------------------------------------------------------------ getters */

static json_object *get(ctx *c, json_object *obj, const char *key)
{
    for (int i = 0; i < HOT_OBJS; i++) {
        const struct hot_obj *h = &c->hot[i];
        if (h->obj != obj || !obj)
            continue;
        for (int k = 0; k < h->n; k++)
            if (h->keys[k][0] == key[0] && !strcmp(h->keys[k], key))
                return h->vals[k];
        return NULL;
    }
    json_object *v = NULL;
    return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

static json_object *get_for_assume(void *data, json_object *obj, const char *key) { return get(data, obj, key); }

static char *get_string(ctx *c, json_object *obj, const char *key, bool required, const char *def)
{
    json_object *v = get(c, obj, key);
    if (!v) {
        if (required)
            err_at(c, key, "missing (expected a string)");
        return def ? g_strdup(def) : NULL;
    }
    if (!json_object_is_type(v, json_type_string)) {
        err_at(c, key, "expected a string, not %s", type_name(v));
        return def ? g_strdup(def) : NULL;
    }
    const char *s = json_object_get_string(v);
    if (json_object_get_string_len(v) > SCENARIO_MAX_STRING) {
        err_at(c, key, "expected at most %d characters, not %d", SCENARIO_MAX_STRING, json_object_get_string_len(v));
        return def ? g_strdup(def) : NULL;
    }
    if (required && !*s) {
        err_at(c, key, "expected a non-empty string");
        return def ? g_strdup(def) : NULL;
    }
    /* names and paths are printed in tables, CSV and terminals: a control
     * character (an escape sequence, a newline) would rewrite the screen
     * or break the rows; a description may hold newlines and tabs */
    bool prose = !strcmp(key, "description");
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if ((u < 0x20 || (u >= 0x7f && u < 0xa0)) && !(prose && (u == '\n' || u == '\t'))) {
            err_at(c, key, "expected no control character (U+%04X at character %ld)%s", u,
                   g_utf8_pointer_to_offset(s, p) + 1, prose ? " but newlines and tabs" : "");
            return def ? g_strdup(def) : NULL;
        }
    }
    return g_strdup(s);
}

static int get_enum(ctx *c, json_object *obj, const char *key, const char *const *values, int def)
{
    json_object *v = get(c, obj, key);
    if (!v)
        return def;
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        for (int i = 0; values[i]; i++)
            if (!strcmp(values[i], s))
                return i;
        g_autofree char *list = g_strjoinv(" | ", (char **)values);
        const char *hint = scenario_suggest(s, values);
        if (hint)
            err_at(c, key, "expected one of %s, not \"%s\" (did you mean \"%s\"?)", list, s, hint);
        else
            err_at(c, key, "expected one of %s, not \"%s\"", list, s);
        return def;
    }
    g_autofree char *list = g_strjoinv(" | ", (char **)values);
    err_at(c, key, "expected one of %s, not %s", list, type_name(v));
    return def;
}

static int64_t get_int(ctx *c, json_object *obj, const char *key, int64_t lo, int64_t hi, int64_t def,
                       bool required)
{
    json_object *v = get(c, obj, key);
    if (!v) {
        if (required)
            err_at(c, key, "missing (expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ")", lo,
                   hi);
        return def;
    }
    if (json_object_is_type(v, json_type_int)) {
        /* json-c saturates literals beyond 64 bits at INT64_MIN / INT64_MAX
         * without a word: the extremes are refused as beyond the range */
        errno = 0;
        int64_t x = json_object_get_int64(v);
        if (x == INT64_MAX || x == INT64_MIN) {
            err_at(c, key, "expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                   ", not a number at or beyond the 64-bit limit", lo, hi);
            return def;
        }
        if (errno == 0 && x >= lo && x <= hi)
            return x;
    } else if (json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        /* converted only inside int64_t's range (2^63 itself is not) */
        if (d == floor(d) && d >= -0x1p63 && d < 0x1p63 && (int64_t)d >= lo && (int64_t)d <= hi)
            return (int64_t)d;
    } else {
        err_at(c, key, "expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ", not %s", lo, hi,
               type_name(v));
        return def;
    }
    err_at(c, key, "expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ", not %s", lo, hi,
           json_object_to_json_string(v));
    return def;
}

static bool get_bool(ctx *c, json_object *obj, const char *key, bool def)
{
    json_object *v = get(c, obj, key);
    if (!v)
        return def;
    if (!json_object_is_type(v, json_type_boolean)) {
        err_at(c, key, "expected true or false, not %s", type_name(v));
        return def;
    }
    return json_object_get_boolean(v);
}

/* A plain number in [lo, hi]. */
static double get_number(ctx *c, json_object *obj, const char *key, double lo, double hi, double def)
{
    json_object *v = get(c, obj, key);
    if (!v)
        return def;
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) {
        err_at(c, key, "expected a number from %g to %g, not %s", lo, hi, type_name(v));
        return def;
    }
    double x = json_object_get_double(v);
    if (!(x >= lo && x <= hi)) {
        err_at(c, key, "expected a number from %g to %g, not %s", lo, hi, json_object_to_json_string(v));
        return def;
    }
    return x;
}

typedef enum { Q_ANY, Q_NONNEG, Q_POS } qrange;

/* A quantity of a kind, as a string with a unit or a plain number in base
 * units; range checks follow. Fractions must lie in [0, 1]. */
static double get_quantity(ctx *c, json_object *obj, const char *key, units_kind kind, qrange range,
                           double def, bool required)
{
    json_object *v = get(c, obj, key);
    if (!v) {
        if (required)
            err_at(c, key, "missing (expected %s)", units_expected(kind));
        return def;
    }
    double x;
    g_autofree char *why = NULL;
    if (json_object_is_type(v, json_type_string)) {
        if (!units_parse(kind, json_object_get_string(v), &x, &why)) {
            err_at(c, key, "expected %s", why);
            return def;
        }
    } else if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) {
        x = json_object_get_double(v);
        if (!units_check_number(kind, x, &why)) {
            err_at(c, key, "expected %s", why);
            return def;
        }
    } else {
        err_at(c, key, "expected %s, not %s", units_expected(kind), type_name(v));
        return def;
    }
    if (kind == UNITS_FRACTION && (x < 0 || x > 1)) {
        err_at(c, key, "expected a fraction from 0 to 1 (0%% to 100%%), not %g", x);
        return def;
    }
    if ((range == Q_NONNEG && x < 0) || (range == Q_POS && !(x > 0))) {
        err_at(c, key, "expected a %s value, not %s", range == Q_POS ? "positive" : "non-negative",
               json_object_get_string(v));
        return def;
    }
    return x;
}

static sim_time get_time(ctx *c, json_object *obj, const char *key, qrange range, sim_time def, bool required)
{
    double s = get_quantity(c, obj, key, UNITS_TIME, range, NAN, required);
    if (!isnan(s) && s > 0 && s < 0.5e-9) {
        /* the simulation counts whole nanoseconds: it would become 0 */
        err_at(c, key, "expected at least 1 ns, not %g s", s);
        return def;
    }
    return isnan(s) ? def : sim_from_s(s);
}

/* An array under key (missing: empty); NULL and an error if not an array. */
static json_object *get_array(ctx *c, json_object *obj, const char *key, bool required)
{
    json_object *v = get(c, obj, key);
    if (!v) {
        if (required)
            err_at(c, key, "missing (expected an array)");
        return NULL;
    }
    if (!json_object_is_type(v, json_type_array)) {
        err_at(c, key, "expected an array, not %s", type_name(v));
        return NULL;
    }
    return v;
}

/* ------------------------------------------------------------------ references */

/* Names are looked up in hash indexes the loader fills (kind 0 networks,
 * 1 hosts, 2 VMs); a scenario is read-only once loaded, so threads may look
 * up at once. */
static int find_name(const scenario *s, int kind, const char *name)
{
    if (!s->index[kind] || !name)
        return -1;
    return GPOINTER_TO_INT(g_hash_table_lookup(s->index[kind], name)) - 1;
}

int scenario_find_network(const scenario *s, const char *name) { return find_name(s, 0, name); }
int scenario_find_host(const scenario *s, const char *name) { return find_name(s, 1, name); }
int scenario_find_vm(const scenario *s, const char *name) { return find_name(s, 2, name); }

char *scenario_target_name(const scenario *s, const scn_target *t)
{
    switch (t->kind) {
    case TARGET_HOST:
        return g_strdup_printf("host:%s", s->hosts[t->host].name);
    case TARGET_MON:
        return g_strdup_printf("mon:%s", s->hosts[t->host].name);
    case TARGET_NIC:
        return g_strdup_printf("nic:%s/%s", s->hosts[t->host].name, s->networks[t->network].name);
    case TARGET_NETWORK:
        return g_strdup_printf("network:%s", s->networks[t->network].name);
    case TARGET_DISK:
        return g_strdup_printf("disk:%s/%d", s->hosts[t->host].name, t->disk);
    case TARGET_OSD:
        return g_strdup_printf("osd:%d", t->disk);
    case TARGET_STORAGE_SERVER:
        break;
    }
    return g_strdup(t->nfs_name ? "nfs-server" : "storage-server");
}

int scenario_ceph_monitors(const scenario *s) { return s->nhosts < 3 ? (int)s->nhosts : 3; }

void scenario_target_disk(const scenario *s, const scn_target *t, int *host, int *disk)
{
    *host = t->host;
    *disk = t->disk;
    if (t->kind != TARGET_OSD)
        return;
    for (size_t h = 0; h < s->nhosts; h++)
        if (t->disk >= s->hosts[h].first_osd && t->disk < s->hosts[h].first_osd + s->hosts[h].disks) {
            *host = (int)h;
            *disk = t->disk - s->hosts[h].first_osd;
        }
}

typedef enum { REF_NETWORK, REF_HOST, REF_VM } ref_kind;

static const char *ref_word(ref_kind k)
{
    return k == REF_NETWORK ? "network" : k == REF_HOST ? "host" : "VM";
}

/* Resolves a name to an index, or reports it (with the closest name). */
static int resolve(ctx *c, const scenario *s, ref_kind kind, const char *key, const char *name)
{
    int i = kind == REF_NETWORK ? scenario_find_network(s, name)
          : kind == REF_HOST    ? scenario_find_host(s, name)
                                : scenario_find_vm(s, name);
    if (i >= 0)
        return i;
    if ((kind == REF_NETWORK && c->broken_networks) || (kind == REF_HOST && c->broken_hosts) ||
        (kind == REF_VM && c->broken_vms))
        return -1;
    size_t n = kind == REF_NETWORK ? s->nnetworks : kind == REF_HOST ? s->nhosts : s->nvms;
    const char **names = g_new0(const char *, n + 1);
    for (size_t k = 0; k < n; k++)
        names[k] = kind == REF_NETWORK ? s->networks[k].name : kind == REF_HOST ? s->hosts[k].name : s->vms[k].name;
    const char *hint = scenario_suggest(name, names);
    if (hint)
        err_at(c, key, "unknown %s \"%s\" (did you mean \"%s\"?)", ref_word(kind), name, hint);
    else if (n == 0)
        err_at(c, key, "unknown %s \"%s\" (none is defined)", ref_word(kind), name);
    else {
        g_autofree char *list = g_strjoinv(", ", (char **)names);
        err_at(c, key, "unknown %s \"%s\" (defined: %s)", ref_word(kind), name, list);
    }
    g_free(names);
    return -1;
}

static int get_ref(ctx *c, const scenario *s, json_object *obj, const char *key, ref_kind kind, bool required)
{
    g_autofree char *name = get_string(c, obj, key, required, NULL);
    return name ? resolve(c, s, kind, key, name) : -1;
}

/* Names must be unique within their list; false (and reported) if the name
 * is already taken by an earlier entry. */
static bool name_is_new(ctx *c, scenario *s, ref_kind kind, const char *name)
{
    if (!name)
        return false;
    int i = kind == REF_NETWORK ? scenario_find_network(s, name)
          : kind == REF_HOST    ? scenario_find_host(s, name)
                                : scenario_find_vm(s, name);
    if (i < 0) {
        /* the item being loaded takes the next index */
        size_t next = kind == REF_NETWORK ? s->nnetworks : kind == REF_HOST ? s->nhosts : s->nvms;
        if (!s->index[kind])
            s->index[kind] = g_hash_table_new(g_str_hash, g_str_equal);
        g_hash_table_insert(s->index[kind], (gpointer)name, GINT_TO_POINTER((int)next + 1));
        return true;
    }
    err_at(c, "name", "duplicate name \"%s\" (already used by %s[%d])", name,
           kind == REF_NETWORK ? "networks" : kind == REF_HOST ? "hosts" : "vms", i);
    return false;
}

/* ------------------------------------------------------------------ sections */

typedef void (*item_fn)(ctx *c, scenario *s, json_object *o);

/* Calls fn for each element of the array arr (found under key) with the
 * path set to key[i]; elements that are not objects are reported. */
static void each_item(ctx *c, scenario *s, json_object *arr, const char *key, item_fn fn)
{
    size_t m0 = push_key(c, key);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        size_t m = push_index(c, i);
        json_object *o = json_object_array_get_idx(arr, i);
        if (expect_object(c, o, NULL))
            fn(c, s, o);
        pop_to(c, m);
    }
    pop_to(c, m0);
}

/* The keys each object accepts (also scenario_keys, which the schema test reads). */
static const char *const network_keys[] = { "name", "latency", NULL };
static const char *const nic_keys[] = { "network", "bandwidth", NULL };
static const char *const uplink_keys[] = { "network", "bandwidth", NULL };
static const char *const rack_keys[] = { "name", "uplinks", NULL };
static const char *const host_keys[] = { "name", "cores", "memory", "rack", "nics", "disks", "disk_size", NULL };
static const char *const migration_keys[] = {
    "profile", "network", "max_bandwidth", "downtime_limit", "setup", "device_state", "suspend", "resume",
    "auto_converge", "xbzrle", "postcopy", "multifd_channels", "multifd_compression", "multifd_channel_bandwidth",
    "zero_page_detection", "page_scan_cost", "zero_page_cost",
    "xen_min_rate", "xen_max_rate", "xen_rate_step", "xen_max_rounds", "xen_max_factor", "xen_stop_pages",
    NULL,
};
static const char *const vm_keys[] = {
    "name", "host", "memory", "vcpus", "zero", "kernel_dirty_rate", "memory_compression", "dirty", "disk", "service",
    "migration", "priority", NULL,
};
static const char *const failure_keys[] = { "target", "mtbf", "mttr", "distribution", "shape", NULL };
static const char *const storage_keys[] = {
    "type", "network", "lock", "version", "protocol", "dual_primary", "fencing", "size", "min_size", "server",
    "mount", "timeo", "retrans", "failover", "quorum", "on_no_quorum", "after_sb_0pri", "after_sb_1pri",
    "after_sb_2pri", "timeout", "ping_int", "ping_timeout", "resync_rate", "ko_count", "fence_peer_time", "switchover", "journal_recovery",
    "replacement_timeout", "no_path_retry", "disk_latency", NULL,
};
static const char *const cluster_keys[] = {
    "manager", "stonith", "two_node", "no_quorum_policy", "allow_migrate", "migration_limit", "vm_stop",
    "vm_start", "libvirt", "token", "token_coefficient", "fence_time", "wait_for_all", "last_man_standing",
    "last_man_standing_window", "auto_tie_breaker", "qdevice", "maintenance_mode", "network", "reboot_time", "stonith_timeout", "consensus",
    "priority_fencing_delay", "pcmk_delay_max", "pcmk_delay_base", "dc_deadtime", "monitor_interval",
    "failure_timeout", "migrate_timeout", NULL,
};
static const char *const root_keys[] = {
    "golive", "name", "description", "seed", "until", "runs", "networks", "hosts", "vms",
    "storage", "cluster", "migration", "events", "failures", "max_events", "racks", NULL,
};

const char *const *scenario_keys(const char *section)
{
    static const struct {
        const char *section;
        const char *const *keys;
    } all[] = {
        { "", root_keys },       { "networks[]", network_keys },   { "hosts[]", host_keys },
        { "hosts[].nics[]", nic_keys }, { "racks[]", rack_keys }, { "racks[].uplinks[]", uplink_keys },
        { "vms[]", vm_keys },    { "migration", migration_keys }, { "storage", storage_keys },
        { "cluster", cluster_keys }, { "failures[]", failure_keys },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
        if (!strcmp(all[i].section, section))
            return all[i].keys;
    return NULL;
}

static void load_network(ctx *c, scenario *s, json_object *o)
{
        scn_network *net = &s->networks[s->nnetworks];
    check_keys(c, o, network_keys);
    net->name = get_string(c, o, "name", true, NULL);
    /* Assumption: one switch hop on a LAN, 50 us one way. */
    net->latency = get_time(c, o, "latency", Q_NONNEG, 50 * SIM_US, false);
    /* a LAN has tens of microseconds, a satellite link 600 ms */
    if (net->latency > 10 * SIM_S)
        err_at(c, "latency", "expected at most 10 s, not %g s", sim_to_s(net->latency));
    if (name_is_new(c, s, REF_NETWORK, net->name))
        s->nnetworks++;
    else
        g_clear_pointer(&net->name, g_free);
}

static void load_networks(ctx *c, scenario *s, json_object *root)
{
    json_object *arr = get_array(c, root, "networks", true);
    size_t n = arr ? json_object_array_length(arr) : 0;
    c->broken_networks = n == 0;
    if (!arr)
        return;
    if (n == 0)
        err_at(c, "networks", "expected at least one network");
    s->networks = g_new0(scn_network, n);
    each_item(c, s, arr, "networks", load_network);
}

/* One NIC of the host being loaded (hosts[nhosts]). */
static void load_nic(ctx *c, scenario *s, json_object *o)
{
        scn_host *h = &s->hosts[s->nhosts];
    check_keys(c, o, nic_keys);
    scn_nic *nic = &h->nics[h->nnics++];
    nic->network = get_ref(c, s, o, "network", REF_NETWORK, true);
    nic->bandwidth_Bps = get_quantity(c, o, "bandwidth", UNITS_RATE, Q_POS, 0, true);
    for (size_t j = 0; j + 1 < h->nnics; j++)
        if (nic->network >= 0 && h->nics[j].network == nic->network)
            err_at(c, "network", "host has two NICs on network \"%s\"", s->networks[nic->network].name);
}

/* One uplink of the rack being loaded (racks[nracks]). */
static void load_uplink(ctx *c, scenario *s, json_object *o)
{
        scn_rack *r = &s->racks[s->nracks];
    check_keys(c, o, uplink_keys);
    scn_nic *u = &r->uplinks[r->nuplinks++];
    u->network = get_ref(c, s, o, "network", REF_NETWORK, true);
    u->bandwidth_Bps = get_quantity(c, o, "bandwidth", UNITS_RATE, Q_POS, 0, true);
    for (size_t j = 0; j + 1 < r->nuplinks; j++)
        if (u->network >= 0 && r->uplinks[j].network == u->network)
            err_at(c, "network", "rack has two uplinks on network \"%s\"", s->networks[u->network].name);
}

static void load_rack(ctx *c, scenario *s, json_object *o)
{
        scn_rack *r = &s->racks[s->nracks];
    check_keys(c, o, rack_keys);
    r->name = get_string(c, o, "name", true, NULL);
    json_object *ups = get_array(c, o, "uplinks", true);
    if (ups) {
        r->uplinks = g_new0(scn_nic, json_object_array_length(ups));
        each_item(c, s, ups, "uplinks", load_uplink);
    }
    for (size_t j = 0; r->name && j < s->nracks; j++)
        if (s->racks[j].name && !strcmp(s->racks[j].name, r->name))
            err_at(c, "name", "duplicate rack \"%s\"", r->name);
    s->nracks++;
}

static void load_host(ctx *c, scenario *s, json_object *o)
{
        scn_host *h = &s->hosts[s->nhosts];
    check_keys(c, o, host_keys);
    h->name = get_string(c, o, "name", true, NULL);
    h->cores = (int)get_int(c, o, "cores", 1, 1 << 20, 16, false);
    h->memory = get_quantity(c, o, "memory", UNITS_SIZE, Q_POS, 256.0 * (1 << 30), false);
    h->rack = get_string(c, o, "rack", false, NULL);
    h->disks = (int)get_int(c, o, "disks", 1, 64, 1, false);
    h->disk_size = get_quantity(c, o, "disk_size", UNITS_SIZE, Q_POS, 0, false);
    json_object *nics = get_array(c, o, "nics", true);
    if (nics) {
        h->nics = g_new0(scn_nic, json_object_array_length(nics));
        each_item(c, s, nics, "nics", load_nic);
        if (json_object_array_length(nics) == 0)
            err_at(c, "nics", "expected at least one NIC");
    }
    if (name_is_new(c, s, REF_HOST, h->name)) {
        s->nhosts++;
    } else {
        g_free(h->name);
        g_free(h->rack);
        g_free(h->nics);
        memset(h, 0, sizeof *h);
    }
}

static void load_hosts(ctx *c, scenario *s, json_object *root)
{
    json_object *arr = get_array(c, root, "hosts", true);
    size_t n = arr ? json_object_array_length(arr) : 0;
    c->broken_hosts = n == 0;
    if (!arr)
        return;
    if (n == 0)
        err_at(c, "hosts", "expected at least one host");
    s->hosts = g_new0(scn_host, n);
    each_item(c, s, arr, "hosts", load_host);
}

/* ------------------------------------------------------------------ migration */

/* VirtualDomain migrates with virsh migrate: libvirt sets QEMU's
 * max-bandwidth to its own default, unlimited, unless given one
 * (qemuMigrationSrcRun, QEMU_DOMAIN_MIG_BANDWIDTH_MAX; sources.md row 35). */
static void libvirt_bandwidth(scn_migration *m)
{
    if (m->profile == PROFILE_QEMU && !m->max_bandwidth_set) {
        m->max_bandwidth_Bps = 0;
        m->libvirt_bandwidth = true;
    }
}

scn_migration scenario_migration_defaults(scn_profile profile)
{
    const double MiB = 1024.0 * 1024.0;
    scn_migration m = {
        .profile = profile,
        .network = -1,
        /* QEMU >= 5.2 MAX_THROTTLE (migration/options.c), sources.md row 35 */
        .max_bandwidth_Bps = 128 * MiB,
        /* DEFAULT_MIGRATE_SET_DOWNTIME, sources.md row 34 */
        .downtime_limit = 300 * SIM_MS,
        /* setup and resume: measured 0-2 ms and 1-3 ms (validation README) */
        .setup = SIM_MS,
        /* bytes beyond the pages: measured about 115 KB per migration
         * (validation README, "transferred = 4104 x normal + 9 x zero + 115 KB") */
        .device_state = 115000,
        .resume = 2 * SIM_MS,
        /* sources.md row 37: DEFAULT_MIGRATE_CPU_THROTTLE_* */
        .ac_initial = 0.20,
        .ac_increment = 0.10,
        .ac_threshold = 0.50,
        .ac_max = 0.99,
        /* xbzrle-cache-size 64 MiB (sources.md 6.3); hits and delta sizes follow
         * from what was sent and how pages are written (migration.c), unless
         * given */
        .xbzrle_cache = 64 * MiB,
        .xbzrle_hit_ratio = -1,
        .xbzrle_compression = -1,
        /* libvirt --postcopy-after-precopy switches after the first pass,
         * i.e. at the second bitmap sync: assumption as a default */
        .postcopy_after_syncs = 2,
        .multifd_channels = 0,
        /* zero-page-detection default "multifd" since QEMU 9.0 (sources.md 6.3);
         * without multifd it runs in the main thread like "legacy". Costs
         * per zero page: calibrated on xiang-zero (Xeon 8457C, 100 GB of
         * zero pages: 6.18 s with 1 detecting thread, 4.64 s with 2 give
         * 118 ns of main-thread walk + 118 ns of zero check); they are
         * CPU-dependent. */
        .zero_detection_multifd = true,
        .page_scan_cost = 118,
        .zero_page_cost = 118,
        /* Assumption: one sender thread copies about 1.2 GB/s without
         * compression (the loopback stop-and-copy reached 1.1 GB/s) */
        .multifd_channel_Bps = 1.2e9,
        /* Xen 2005 (validation README, xc_linux_save.c of that era) */
        .xen_min_rate_Bps = 100e6 / 8,
        .xen_max_rate_Bps = 500e6 / 8,
        .xen_rate_step_Bps = 50e6 / 8,
        .xen_max_rounds = 30,
        .xen_max_factor = 3,
        .xen_stop_pages = 50,
    };
    if (profile == PROFILE_XEN_2005) {
        m.max_bandwidth_Bps = m.xen_max_rate_Bps;
        /* Clark et al. (NSDI 2005), Quake 3: of the 60 ms downtime about 40 ms
         * was restart and 20 ms the final copy, of which 148 KB at gigabit
         * speed take 1.2 ms: the rest is suspending the domain (validation
         * README) */
        m.resume = 40 * SIM_MS;
        m.suspend = 19 * SIM_MS;
        m.device_state = 0;
        m.setup = 0;
    }
    return m;
}

static const char *const profile_names[] = { "qemu", "xen-2005", NULL };

/* `true`, `false` or an object of parameters. Returns whether the feature is
 * on and leaves *params to the object (NULL if none). */
static bool get_feature(ctx *c, json_object *obj, const char *key, bool def, json_object **params)
{
    *params = NULL;
    json_object *v = get(c, obj, key);
    if (!v)
        return def;
    if (json_object_is_type(v, json_type_boolean))
        return json_object_get_boolean(v);
    if (json_object_is_type(v, json_type_object)) {
        *params = v;
        return true;
    }
    err_at(c, key, "expected true, false or an object of parameters, not %s", type_name(v));
    return def;
}

static void load_migration(ctx *c, const scenario *s, json_object *o, scn_migration *m)
{
        check_keys(c, o, migration_keys);
    json_object *pv = get(c, o, "profile");
    if (pv) {
        int p = get_enum(c, o, "profile", profile_names, m->profile);
        if ((scn_profile)p != m->profile) {
            int net = m->network;
            *m = scenario_migration_defaults((scn_profile)p);
            m->network = net;
        }
    }
    if (get(c, o, "network"))
        m->network = get_ref(c, s, o, "network", REF_NETWORK, true);
    json_object *mb = get(c, o, "max_bandwidth");
    if (mb)
        m->max_bandwidth_set = true;
    if (mb && json_object_is_type(mb, json_type_string) && !strcmp(json_object_get_string(mb), "unlimited"))
        m->max_bandwidth_Bps = 0;
    else
        m->max_bandwidth_Bps = get_quantity(c, o, "max_bandwidth", UNITS_RATE, Q_POS, m->max_bandwidth_Bps, false);
    m->downtime_limit = get_time(c, o, "downtime_limit", Q_POS, m->downtime_limit, false);
    m->setup = get_time(c, o, "setup", Q_NONNEG, m->setup, false);
    m->device_state = get_quantity(c, o, "device_state", UNITS_SIZE, Q_NONNEG, m->device_state, false);
    /* devices' state is megabytes (115 KB measured), a vGPU's some GiB */
    if (m->device_state > 1024.0 * 1024 * 1024 * 1024)
        err_at(c, "device_state", "expected at most 1 TiB, not %g bytes", m->device_state);
    m->suspend = get_time(c, o, "suspend", Q_NONNEG, m->suspend, false);
    m->resume = get_time(c, o, "resume", Q_NONNEG, m->resume, false);

    json_object *p;
    m->auto_converge = get_feature(c, o, "auto_converge", m->auto_converge, &p);
    if (p) {
        static const char *const ak[] = { "initial", "increment", "threshold", "max", "tailslow", NULL };
        size_t mk = push_key(c, "auto_converge");
        check_keys(c, p, ak);
        m->ac_initial = get_quantity(c, p, "initial", UNITS_FRACTION, Q_ANY, m->ac_initial, false);
        m->ac_increment = get_quantity(c, p, "increment", UNITS_FRACTION, Q_ANY, m->ac_increment, false);
        m->ac_threshold = get_quantity(c, p, "threshold", UNITS_FRACTION, Q_ANY, m->ac_threshold, false);
        m->ac_max = get_quantity(c, p, "max", UNITS_FRACTION, Q_ANY, m->ac_max, false);
        m->ac_tailslow = get_bool(c, p, "tailslow", m->ac_tailslow);
        /* QEMU's ranges (migration/options.c migrate_params_check), in
         * whole percents */
        const struct {
            const char *key;
            double v, lo, hi;
        } r[] = { { "initial", m->ac_initial, 0.01, 0.99 }, { "increment", m->ac_increment, 0.01, 0.99 },
                  { "threshold", m->ac_threshold, 0.01, 1.0 }, { "max", m->ac_max, 0.01, 0.99 } };
        for (size_t i = 0; i < G_N_ELEMENTS(r); i++)
            if (get(c, p, r[i].key) && !(r[i].v >= r[i].lo - 1e-9 && r[i].v <= r[i].hi + 1e-9))
                err_at(c, r[i].key, "expected %g%% to %g%% (QEMU's range), not %g%%", 100 * r[i].lo, 100 * r[i].hi,
                       100 * r[i].v);
        pop_to(c, mk);
    }
    m->xbzrle = get_feature(c, o, "xbzrle", m->xbzrle, &p);
    if (p) {
        static const char *const xk[] = { "cache_size", "hit_ratio", "compression_ratio", NULL };
        size_t mk = push_key(c, "xbzrle");
        check_keys(c, p, xk);
        m->xbzrle_cache = get_quantity(c, p, "cache_size", UNITS_SIZE, Q_POS, m->xbzrle_cache, false);
        m->xbzrle_hit_ratio = get_quantity(c, p, "hit_ratio", UNITS_FRACTION, Q_ANY, m->xbzrle_hit_ratio, false);
        /* default compression ratio 25%: an assumption (sparse writes into a
         * page encode small; the QEMU docs give no typical figure) */
        m->xbzrle_compression =
            get_quantity(c, p, "compression_ratio", UNITS_FRACTION, Q_POS, m->xbzrle_compression, false);
        pop_to(c, mk);
    }
    m->postcopy = get_feature(c, o, "postcopy", m->postcopy, &p);
    if (p) {
        static const char *const pk[] = { "after_syncs", "recovery", "bandwidth", "preempt", NULL };
        size_t mk = push_key(c, "postcopy");
        check_keys(c, p, pk);
        m->postcopy_after_syncs = (int)get_int(c, p, "after_syncs", 1, 1000000, m->postcopy_after_syncs, false);
        m->postcopy_recovery = get_bool(c, p, "recovery", m->postcopy_recovery);
        /* postcopy-preempt, off by default (QEMU >= 8.0) */
        m->postcopy_preempt = get_bool(c, p, "preempt", m->postcopy_preempt);
        /* max-postcopy-bandwidth 0 = unlimited (sources.md 6.3) */
        m->postcopy_bandwidth_Bps =
            get_quantity(c, p, "bandwidth", UNITS_RATE, Q_NONNEG, m->postcopy_bandwidth_Bps, false);
        pop_to(c, mk);
    }
    m->multifd_channels = (int)get_int(c, o, "multifd_channels", 0, 256, m->multifd_channels, false);
    static const char *const comp[] = { "none", "zlib", "zstd", NULL };
    m->multifd_compression = (scn_compression)get_enum(c, o, "multifd_compression", comp, m->multifd_compression);
    if (m->xbzrle && m->multifd_channels > 0)
        err_at(c, "xbzrle",
               "(set here or inherited) does nothing with multifd_channels: QEMU sends multifd pages without XBZRLE");
    if (m->multifd_compression != COMPRESS_NONE && m->multifd_channels == 0)
        err_at(c, "multifd_compression",
               "(set here or inherited) needs multifd_channels >= 1: QEMU compresses only on the multifd channels");
    static const char *const zpd[] = { "legacy", "multifd", NULL };
    m->zero_detection_multifd = get_enum(c, o, "zero_page_detection", zpd, m->zero_detection_multifd) == 1;
    m->page_scan_cost = get_time(c, o, "page_scan_cost", Q_NONNEG, m->page_scan_cost, false);
    m->zero_page_cost = get_time(c, o, "zero_page_cost", Q_NONNEG, m->zero_page_cost, false);
    m->multifd_channel_Bps =
        get_quantity(c, o, "multifd_channel_bandwidth", UNITS_RATE, Q_POS, m->multifd_channel_Bps, false);
    m->xen_min_rate_Bps = get_quantity(c, o, "xen_min_rate", UNITS_RATE, Q_POS, m->xen_min_rate_Bps, false);
    m->xen_max_rate_Bps = get_quantity(c, o, "xen_max_rate", UNITS_RATE, Q_POS, m->xen_max_rate_Bps, false);
    m->xen_rate_step_Bps = get_quantity(c, o, "xen_rate_step", UNITS_RATE, Q_NONNEG, m->xen_rate_step_Bps, false);
    m->xen_max_rounds = (int)get_int(c, o, "xen_max_rounds", 1, 1000000, m->xen_max_rounds, false);
    m->xen_max_factor = get_number(c, o, "xen_max_factor", 1, 1000, m->xen_max_factor);
    m->xen_stop_pages = (int)get_int(c, o, "xen_stop_pages", 0, 1 << 30, m->xen_stop_pages, false);
    if (m->xen_min_rate_Bps > m->xen_max_rate_Bps)
        err_at(c, "xen_min_rate", "must not exceed xen_max_rate");
}

/* ------------------------------------------------------------------ VMs */

static const char *const dirty_models[] = { "none", "uniform", "sequential", "hotcold", "trace", NULL };

/* Page writes per second from a rate given in pages/s or bytes/s. */
static double get_page_rate(ctx *c, json_object *o, const char *key, bool required)
{
    double Bps = get_quantity(c, o, key, UNITS_RATE, Q_NONNEG, 0, required);
    return Bps / UNITS_PAGE_SIZE;
}

static double get_page_rate_default(ctx *c, json_object *o, const char *key, double pps)
{
    return get_quantity(c, o, key, UNITS_RATE, Q_NONNEG, pps * UNITS_PAGE_SIZE, false) / UNITS_PAGE_SIZE;
}

/* Trace CSV: one number per line (distinct pages dirtied in that interval);
 * blank lines and lines starting with '#' are skipped, and a first line that
 * is not a number is taken as a header. */
static void load_trace(ctx *c, scn_dirty *d, const char *key)
{
    if (c->traces) {
        /* the values came with the text (a part of golive run --shard):
         * no path a part names is ever opened */
        GArray *v = g_hash_table_lookup(c->traces, d->trace_file);
        if (!v || !v->len) {
            err_at(c, key, "trace file %s: its values are not given with the scenario", d->trace_file);
            return;
        }
        d->ntrace = v->len;
        d->trace_pages = g_memdup2(v->data, v->len * sizeof(double));
        return;
    }
    g_autofree char *path = g_path_is_absolute(d->trace_file) ? g_strdup(d->trace_file)
                                                               : g_build_filename(c->dir, d->trace_file, NULL);
    g_autofree char *text = NULL, *why = NULL;
    size_t len;
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        err_at(c, key, "trace file %s is a directory", d->trace_file);
        return;
    }
    /* a FIFO or a device would block or never end; a trace is a file (a
     * merged part's scenario may name any path) */
    if (g_file_test(path, G_FILE_TEST_EXISTS) && !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        err_at(c, key, "trace file %s is not a regular file (a FIFO, a socket or a device)", d->trace_file);
        return;
    }
    if (!scenario_read_file(path, SCENARIO_MAX_BYTES, &text, &len, &why)) {
        err_at(c, key, "cannot read trace file %s: %s", d->trace_file, why);
        return;
    }
    if (memchr(text, 0, len)) {
        err_at(c, key, "trace file %s holds binary data (a NUL byte), not numbers", d->trace_file);
        return;
    }
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GArray *vals = g_array_new(FALSE, FALSE, sizeof(double));
    for (size_t i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]);
        if (!*l || *l == '#')
            continue;
        char *field = l;
        char *comma = strrchr(l, ',');
        if (comma)
            field = comma + 1; /* last column: the count */
        char *end;
        double v = g_ascii_strtod(field, &end);
        while (g_ascii_isspace(*end))
            end++;
        if (end == field || *end || !isfinite(v) || v < 0) {
            if (vals->len == 0 && i == 0)
                continue; /* header */
            /* not the line itself: the file may be any file on the system */
            err_at(c, key, "%s:%zu: expected a non-negative page count (one number per line)", d->trace_file, i + 1);
            break;
        }
        g_array_append_val(vals, v);
    }
    if (vals->len == 0)
        err_at(c, key, "trace file %s has no values", d->trace_file);
    d->ntrace = vals->len;
    d->trace_pages = (double *)g_array_free(vals, FALSE);
}

static void load_dirty(ctx *c, json_object *vo, scn_vm *vm)
{
    json_object *o = get(c, vo, "dirty");
    scn_dirty *d = &vm->dirty;
    d->compression = vm->memory_compression;
    if (!o)
        return;
    size_t m = push_key(c, "dirty");
    if (!expect_object(c, o, NULL)) {
        pop_to(c, m);
        return;
    }
    int model = get_enum(c, o, "model", dirty_models, -1);
    if (!get(c, o, "model"))
        err_at(c, "model", "missing (expected one of none | uniform | sequential | hotcold | trace)");
    if (model < 0) {
        pop_to(c, m); /* the other keys depend on the model: no point checking them */
        return;
    }
    d->model = (scn_dirty_model)model;
    switch (d->model) {
    case DIRTY_NONE: {
        static const char *const k[] = { "model", NULL };
        check_keys(c, o, k);
        break;
    }
    case DIRTY_UNIFORM:
    case DIRTY_SEQUENTIAL: {
        static const char *const k[] = { "model", "rate", "working_set", "cpu_share", "bytes_per_write", "compression", NULL };
        check_keys(c, o, k);
        d->rate_pps = get_page_rate(c, o, "rate", true);
        d->working_set = get_quantity(c, o, "working_set", UNITS_SIZE, Q_POS, vm->memory, false);
        break;
    }
    case DIRTY_HOTCOLD: {
        static const char *const k[] = { "model", "hot_set", "hot_rate", "cold_rate", "cpu_share", "bytes_per_write", "compression", NULL };
        check_keys(c, o, k);
        d->working_set = get_quantity(c, o, "hot_set", UNITS_SIZE, Q_POS, 0, true);
        d->rate_pps = get_page_rate(c, o, "hot_rate", true);
        d->cold_rate_pps = get_page_rate(c, o, "cold_rate", false);
        break;
    }
    case DIRTY_TRACE: {
        static const char *const k[] = { "model", "file", "interval", "cpu_share", "bytes_per_write", "compression", NULL };
        check_keys(c, o, k);
        d->trace_file = get_string(c, o, "file", true, NULL);
        d->trace_interval = get_time(c, o, "interval", Q_POS, SIM_S, false);
        /* a measured dirty rate comes in periods of a second or so (QEMU's
         * calc-dirty-rate); below a millisecond it is no measurement */
        if (d->trace_interval < SIM_MS)
            err_at(c, "interval", "expected at least 1 ms, not %g s", sim_to_s(d->trace_interval));
        if (d->trace_file)
            load_trace(c, d, "file");
        break;
    }
    }
    /* Assumption: a writer is CPU-bound unless told otherwise. */
    d->cpu_share = get_quantity(c, o, "cpu_share", UNITS_FRACTION, Q_POS, 1, false);
    /* Assumption: a write changes one 64-byte cache line of its page. */
    d->bytes_per_write = get_quantity(c, o, "bytes_per_write", UNITS_SIZE, Q_POS, 64, false);
    if (d->bytes_per_write > UNITS_PAGE_SIZE)
        err_at(c, "bytes_per_write", "larger than a page (4 KiB)");
    /* What the workload keeps in its pages may compress otherwise than the
     * rest of the guest (random data next to a kernel's text and tables) */
    d->compression = get_number(c, o, "compression", 1, 1e6, vm->memory_compression);
    if (d->working_set > vm->memory && vm->memory > 0)
        err_at(c, d->model == DIRTY_HOTCOLD ? "hot_set" : "working_set",
               "larger than the VM's memory");
    pop_to(c, m);
}

static const char *const service_names[] = { "none", "tcp", "udp-game", NULL };

/* A VM's settings into vm; its name is checked for uniqueness by the
 * caller (load_vm, or load_vms_parallel's pass in order). */
static void load_vm_settings(ctx *c, const scenario *s, json_object *o, scn_vm *vm)
{
    check_keys(c, o, vm_keys);
    vm->name = get_string(c, o, "name", true, NULL);
    vm->host = get_ref(c, s, o, "host", REF_HOST, true);
    /* rounded up to a whole number of bytes ("0.7GiB" is not one): hosts'
     * usage is then summed exactly in any order */
    vm->memory = get_quantity(c, o, "memory", UNITS_SIZE, Q_POS, 0, true);
    if (vm->memory > 0 && vm->memory < UNITS_PAGE_SIZE)
        err_at(c, "memory", "expected at least one page (4 KiB), not %g bytes", vm->memory);
    vm->memory = ceil(vm->memory);
    vm->vcpus = (int)get_int(c, o, "vcpus", 1, 4096, 1, false);
    /* Pacemaker resource meta priority, 0 by default (Pacemaker Explained,
     * resource meta-attributes): placement order and priority-fencing-delay */
    vm->priority = (int)get_int(c, o, "priority", -1000000, 1000000, 0, false);
    vm->zero = get_quantity(c, o, "zero", UNITS_FRACTION, Q_ANY, 0, false);
    /* An idle guest kernel dirties about 330 distinct pages in 10 s
     * (validation README, section 1): 33 page writes per second at random
     * over its own pages (assumption: the spread, docs/models.md). */
    vm->kernel_dirty_pps = get_page_rate_default(c, o, "kernel_dirty_rate", 33);
    /* Assumption: 2.0, between the validation rig's guest with random data
     * in its working set (1.64) and the Silesia corpus (2.88 with zstd -1,
     * zstd's README); docs/models.md. */
    vm->memory_compression = get_number(c, o, "memory_compression", 1, 1e6, 2.0);
    load_dirty(c, o, vm);
    json_object *disk = get(c, o, "disk");
    if (disk) {
        static const char *const dk[] = { "size", "write_rate", NULL };
        size_t md = push_key(c, "disk");
        if (expect_object(c, disk, NULL)) {
            check_keys(c, disk, dk);
            vm->disk_size = get_quantity(c, disk, "size", UNITS_SIZE, Q_NONNEG, 0, false);
            vm->disk_write_Bps = get_quantity(c, disk, "write_rate", UNITS_RATE, Q_NONNEG, 0, false);
        }
        pop_to(c, md);
    }
    vm->service = (scn_service){ SERVICE_NONE, 50 * SIM_MS, 200 * SIM_MS };
    json_object *svc = get(c, o, "service");
    if (svc) {
        static const char *const sk[] = { "type", "tick", "rto_min", NULL };
        size_t ms = push_key(c, "service");
        if (expect_object(c, svc, NULL)) {
            check_keys(c, svc, sk);
            vm->service.type = get_enum(c, svc, "type", service_names, SERVICE_NONE);
            /* Quake 3 sv_fps 20: 50 ms frames (sources.md row 40) */
            vm->service.tick = get_time(c, svc, "tick", Q_POS, 50 * SIM_MS, false);
            /* Linux TCP_RTO_MIN 200 ms (sources.md row 39) */
            vm->service.rto_min = get_time(c, svc, "rto_min", Q_POS, 200 * SIM_MS, false);
        }
        pop_to(c, ms);
    }
    vm->migration = s->migration;
    json_object *mig = get(c, o, "migration");
    assume_mark_vm(c->marker, &vm->defaulted, o, mig, get_for_assume, c);
    if (mig) {
        size_t mm = push_key(c, "migration");
        if (expect_object(c, mig, NULL))
            load_migration(c, s, mig, &vm->migration);
        pop_to(c, mm);
    }
}

/* A loaded VM keeps its place if its name is new; one that repeats a name
 * is dropped (its error told). */
static void keep_vm(ctx *c, scenario *s, scn_vm *vm)
{
    if (name_is_new(c, s, REF_VM, vm->name)) {
        if (vm != &s->vms[s->nvms])
            s->vms[s->nvms] = *vm;
        s->nvms++;
        if (vm != &s->vms[s->nvms - 1])
            memset(vm, 0, sizeof *vm);
    } else {
        g_free(vm->name);
        g_free(vm->dirty.trace_file);
        g_free(vm->dirty.trace_pages);
        memset(vm, 0, sizeof *vm);
    }
}

static void load_vm(ctx *c, scenario *s, json_object *o)
{
    scn_vm *vm = &s->vms[s->nvms];
    load_vm_settings(c, s, o, vm);
    keep_vm(c, s, vm);
}

/* From this many VMs on, two threads read them (a data centre's 200,000:
 * a third of its loading). */
#define PARALLEL_VMS 20000

typedef struct {
    ctx c;                 /* its own path, errors and look-up cache */
    const scenario *s;
    scn_vm *vms;           /* s->vms, each VM at its place in the file */
    json_object *arr;
    size_t from, to;
    guint *err_end;        /* per VM: where its errors end in c.errors */
    bool *loaded;
} vm_share;

static gpointer load_vm_share(gpointer data)
{
    vm_share *w = data;
    size_t m0 = push_key(&w->c, "vms");
    for (size_t i = w->from; i < w->to; i++) {
        size_t m = push_index(&w->c, i);
        json_object *o = json_object_array_get_idx(w->arr, i);
        w->loaded[i] = expect_object(&w->c, o, NULL);
        if (w->loaded[i])
            load_vm_settings(&w->c, w->s, o, &w->vms[i]);
        w->err_end[i] = w->c.errors->len;
        pop_to(&w->c, m);
    }
    pop_to(&w->c, m0);
    return NULL;
}

/* The VMs in two halves, one in a thread of its own (or after the first,
 * without one), then their names in the file's order: the errors and the
 * scenario are those of one pass. */
static void load_vms_parallel(ctx *c, scenario *s, json_object *arr, size_t n)
{
    vm_share w[2];
    guint *err_end = g_new0(guint, n);
    bool *loaded = g_new0(bool, n);
    for (int h = 0; h < 2; h++) {
        w[h] = (vm_share){ .c = { .file = c->file, .dir = c->dir, .traces = c->traces,
                                  .errors = g_ptr_array_new_with_free_func(g_free),
                                  .path = g_string_new(c->path->str), .broken_networks = c->broken_networks,
                                  .broken_hosts = c->broken_hosts, .broken_vms = c->broken_vms,
                                  .marker = c->marker },
                           .s = s, .vms = s->vms, .arr = arr, .from = h ? n / 2 : 0, .to = h ? n : n / 2,
                           .err_end = err_end, .loaded = loaded };
    }
    GThread *t = g_thread_try_new("golive-load", load_vm_share, &w[1], NULL);
    load_vm_share(&w[0]);
    if (t)
        g_thread_join(t);
    else
        load_vm_share(&w[1]);
    size_t m0 = push_key(c, "vms");
    for (size_t i = 0; i < n; i++) {
        vm_share *x = &w[i >= n / 2];
        guint from = i == x->from ? 0 : err_end[i - 1];
        for (guint e = from; e < err_end[i]; e++)
            g_ptr_array_add(c->errors, g_steal_pointer(&x->c.errors->pdata[e]));
        if (loaded[i]) {
            size_t m = push_index(c, i);
            keep_vm(c, s, &s->vms[i]);
            pop_to(c, m);
        }
    }
    pop_to(c, m0);
    for (int h = 0; h < 2; h++) {
        g_ptr_array_free(w[h].c.errors, TRUE);
        g_string_free(w[h].c.path, TRUE);
    }
    g_free(err_end);
    g_free(loaded);
}

static void load_vms(ctx *c, scenario *s, json_object *root)
{
    json_object *arr = get_array(c, root, "vms", false);
    if (!arr && get(c, root, "vms"))
        c->broken_vms = true;
    if (!arr)
        return;
    size_t n = json_object_array_length(arr);
    s->vms = g_new0(scn_vm, n);
    c->marker = assume_marker_new(root);
    if (n < PARALLEL_VMS)
        each_item(c, s, arr, "vms", load_vm);
    else
        load_vms_parallel(c, s, arr, n);
    assume_marker_free(g_steal_pointer(&c->marker));
}

/* ------------------------------------------------------------------ events, failures */

static const char *const action_names[] = {
    "migrate", "drain", "fail", "repair", "partition", "heal", "cancel", "set", "undrain", NULL,
};

/* Parses a target: "host:NAME", "nic:HOST/NETWORK", "network:NAME",
 * "disk:HOST/N", "osd:N", "mon:NAME", "storage-server" ("nfs-server"); a
 * failure's pattern may put "*" for a name or number (-1 in *out). */
static void parse_target(ctx *c, const scenario *s, const char *key, const char *t, bool wildcard, scn_target *out)
{
    static const char *const kinds[] = { "host", "nic", "network", "disk", "osd", "mon", NULL };
    static const scn_target_kind kind_of[] = { TARGET_HOST, TARGET_NIC, TARGET_NETWORK,
                                               TARGET_DISK, TARGET_OSD, TARGET_MON };
    *out = (scn_target){ TARGET_STORAGE_SERVER, -1, -1, -1, false };
    if (!strcmp(t, "nfs-server") || !strcmp(t, "storage-server")) {
        out->nfs_name = !strcmp(t, "nfs-server");
        if (s->storage.type != STORAGE_NFS && s->storage.type != STORAGE_ISCSI)
            err_at(c, key, "\"%s\" is the NFS or iSCSI server, and storage.type is %s", t,
                   scenario_storage_names[s->storage.type]);
        return;
    }
    const char *colon = strchr(t, ':');
    g_autofree char *kind = colon ? g_strndup(t, (gsize)(colon - t)) : g_strdup(t);
    const char *arg = colon ? colon + 1 : "";
    int k = 0;
    while (kinds[k] && strcmp(kinds[k], kind))
        k++;
    if (!kinds[k] || !colon || !*arg) {
        err_at(c, key, "expected a target such as \"host:NAME\", \"nic:HOST/NETWORK\", \"network:NAME\", "
                       "\"disk:HOST/N\", \"osd:N\", \"mon:NAME\", \"storage-server\" or \"nfs-server\", not \"%s\"", t);
        return;
    }
    out->kind = kind_of[k];
    bool any = wildcard && !strcmp(arg, "*");
    switch (out->kind) {
    case TARGET_HOST:
        out->host = any ? -1 : resolve(c, s, REF_HOST, key, arg);
        break;
    case TARGET_MON: /* a Ceph monitor is named by its host */
        if (s->storage.type != STORAGE_CEPH) {
            err_at(c, key, "\"%s\" names a Ceph monitor, and storage.type is %s", t,
                   scenario_storage_names[s->storage.type]);
            return;
        }
        out->host = any ? -1 : resolve(c, s, REF_HOST, key, arg);
        if (out->host >= scenario_ceph_monitors(s))
            err_at(c, key, "host \"%s\" runs no Ceph monitor (the first %d hosts do)", arg, scenario_ceph_monitors(s));
        break;
    case TARGET_NETWORK:
        out->network = any ? -1 : resolve(c, s, REF_NETWORK, key, arg);
        break;
    case TARGET_NIC:
    case TARGET_DISK: {
        if (any) /* nic:* and disk:* are every NIC and every disk */
            break;
        const char *slash = strchr(arg, '/');
        if (!slash) {
            err_at(c, key, "expected \"%s:HOST/%s\", not \"%s\"", kind, out->kind == TARGET_NIC ? "NETWORK" : "N", t);
            return;
        }
        g_autofree char *host = g_strndup(arg, (gsize)(slash - arg));
        const char *second = slash + 1;
        if (!(wildcard && !strcmp(host, "*")))
            out->host = resolve(c, s, REF_HOST, key, host);
        if (wildcard && !strcmp(second, "*"))
            break;
        if (out->kind == TARGET_NIC) {
            out->network = resolve(c, s, REF_NETWORK, key, second);
            break;
        }
        char *end = NULL;
        long n = strtol(second, &end, 10);
        int most = out->host >= 0 ? s->hosts[out->host].disks : 64;
        if (!*second || *end || n < 0 || n >= most)
            err_at(c, key, "expected a disk number from 0 to %d after \"%s/\", not \"%s\"", most - 1, host, second);
        else
            out->disk = (int)n;
        break;
    }
    case TARGET_OSD: {
        if (any)
            break;
        int total = 0;
        for (size_t h = 0; h < s->nhosts; h++)
            total += s->hosts[h].disks;
        char *end = NULL;
        long n = strtol(arg, &end, 10);
        if (*end || n < 0 || n >= total)
            err_at(c, key, "expected an OSD number from 0 to %d (one per disk, hosts in order), not \"%s\"",
                   total - 1, arg);
        else
            out->disk = (int)n;
        break;
    }
    case TARGET_STORAGE_SERVER:
        break;
    }
}

static void load_event(ctx *c, scenario *s, json_object *o)
{
    scn_event *ev = &s->events[s->nevents++];
    ev->vm = ev->to = ev->host = ev->rack = -1;
    ev->at = get_time(c, o, "at", Q_NONNEG, 0, true);
    if (!get(c, o, "action"))
        err_at(c, "action", "missing (expected one of migrate | drain | fail | repair | partition | heal | "
                            "cancel | set)");
    ev->action = get_enum(c, o, "action", action_names, -1);
    switch ((int)ev->action) {
    case EV_MIGRATE: {
        static const char *const k[] = { "at", "action", "vm", "to", NULL };
        check_keys(c, o, k);
        ev->vm = get_ref(c, s, o, "vm", REF_VM, true);
        ev->to = get_ref(c, s, o, "to", REF_HOST, false);
        /* only a VM's first move can be checked against where it starts */
        if (ev->vm >= 0 && !c->moved[ev->vm]) {
            c->moved[ev->vm] = true;
            if (ev->to >= 0 && s->vms[ev->vm].host == ev->to)
                err_at(c, "to", "VM \"%s\" already runs on \"%s\"", s->vms[ev->vm].name, s->hosts[ev->to].name);
        }
        break;
    }
    case EV_DRAIN:
    case EV_UNDRAIN: {
        static const char *const k[] = { "at", "action", "host", "rack", NULL };
        check_keys(c, o, k);
        ev->rack = -1;
        if (get(c, o, "rack") && !get(c, o, "host")) {
            g_autofree char *r = get_string(c, o, "rack", true, NULL);
            for (size_t i = 0; r && i < s->nhosts; i++)
                if (s->hosts[i].rack && !strcmp(s->hosts[i].rack, r))
                    ev->rack = (int)i; /* a host of it; the world drains all */
            if (r && ev->rack < 0)
                err_at(c, "rack", "no host is in rack \"%s\"", r);
        } else {
            ev->host = get_ref(c, s, o, "host", REF_HOST, true);
        }
        break;
    }
    case EV_FAIL:
    case EV_REPAIR: {
        static const char *const k[] = { "at", "action", "target", "mode", NULL };
        check_keys(c, o, k);
        ev->target = get_string(c, o, "target", true, NULL);
        if (ev->target)
            parse_target(c, s, "target", ev->target, false, &ev->tgt);
        static const char *const modes[] = { "dead", "hang", NULL };
        ev->hang = get_enum(c, o, "mode", modes, 0) == 1;
        if (get(c, o, "mode") && ev->action == EV_REPAIR)
            err_at(c, "mode", "belongs to a fail event");
        else if (ev->hang && ev->target && ev->tgt.kind != TARGET_DISK && ev->tgt.kind != TARGET_OSD)
            err_at(c, "mode", "\"hang\" applies to disks (disk:HOST/N, osd:N), not to \"%s\"", ev->target);
        break;
    }
    case EV_PARTITION: {
        static const char *const k[] = { "at", "action", "groups", NULL };
        check_keys(c, o, k);
        json_object *groups = get_array(c, o, "groups", true);
        if (!groups)
            break;
        ev->groups = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
        size_t mg = push_key(c, "groups");
        size_t ng = json_object_array_length(groups);
        if (ng < 2)
            err_at(c, NULL, "expected at least two groups of hosts");
        for (size_t g = 0; g < ng; g++) {
            json_object *grp = json_object_array_get_idx(groups, g);
            GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(ev->groups, names);
            size_t mi = push_index(c, g);
            if (!json_object_is_type(grp, json_type_array)) {
                err_at(c, NULL, "expected an array of host names, not %s", type_name(grp));
                pop_to(c, mi);
                continue;
            }
            for (size_t h = 0; h < json_object_array_length(grp); h++) {
                json_object *hn = json_object_array_get_idx(grp, h);
                size_t mh = push_index(c, h);
                if (!json_object_is_type(hn, json_type_string))
                    err_at(c, NULL, "expected a host name, not %s", type_name(hn));
                else if (resolve(c, s, REF_HOST, NULL, json_object_get_string(hn)) >= 0)
                    g_ptr_array_add(names, g_strdup(json_object_get_string(hn)));
                pop_to(c, mh);
            }
            pop_to(c, mi);
        }
        pop_to(c, mg);
        break;
    }
    case EV_HEAL: {
        static const char *const k[] = { "at", "action", NULL };
        check_keys(c, o, k);
        break;
    }
    case EV_CANCEL: {
        static const char *const k[] = { "at", "action", "vm", NULL };
        check_keys(c, o, k);
        ev->vm = get_ref(c, s, o, "vm", REF_VM, true);
        break;
    }
    case EV_SET: {
        static const char *const k[] = { "at", "action", "key", "value", "vm", NULL };
        check_keys(c, o, k);
        ev->key = get_string(c, o, "key", true, NULL);
        json_object *v = get(c, o, "value");
        if (!v)
            err_at(c, "value", "missing (expected the new value)");
        else
            ev->value = g_strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        if (get(c, o, "vm"))
            ev->vm = get_ref(c, s, o, "vm", REF_VM, true);
        break;
    }
    default:
        break; /* bad action already reported */
    }
}

static void load_events(ctx *c, scenario *s, json_object *root)
{
    json_object *arr = get_array(c, root, "events", false);
    if (!arr)
        return;
    size_t n = json_object_array_length(arr);
    s->events = g_new0(scn_event, n);
    c->moved = g_new0(bool, s->nvms);
    each_item(c, s, arr, "events", load_event);
    g_clear_pointer(&c->moved, g_free);
}

static void load_failure(ctx *c, scenario *s, json_object *o)
{
        static const char *const dists[] = { "exponential", "weibull", NULL };
    scn_failure *f = &s->failures[s->nfailures++];
    check_keys(c, o, failure_keys);
    f->target = get_string(c, o, "target", true, NULL);
    if (f->target)
        parse_target(c, s, "target", f->target, true, &f->pattern);
    f->mtbf = get_time(c, o, "mtbf", Q_POS, SIM_YEAR, true);
    f->mttr = get_time(c, o, "mttr", Q_POS, SIM_HOUR, true);
    f->weibull = get_enum(c, o, "distribution", dists, 0) == 1;
    f->shape = get_number(c, o, "shape", 0.01, 100, 1);
}

static void load_failures(ctx *c, scenario *s, json_object *root)
{
    json_object *arr = get_array(c, root, "failures", false);
    if (!arr)
        return;
    size_t n = json_object_array_length(arr);
    s->failures = g_new0(scn_failure, n);
    each_item(c, s, arr, "failures", load_failure);
}

/* ------------------------------------------------------------------ storage, cluster */

const char *const scenario_storage_names[] = { "local", "nfs", "iscsi", "drbd", "ceph", NULL };
const char *const scenario_lock_names[] = { "none", "clvm", "lvmlockd-sanlock", "gfs2", "ocfs2", "sanlock", NULL };
const char *const scenario_version_names[] = { "8.3", "8.4", "9", NULL };
const char *const scenario_protocol_names[] = { "A", "B", "C", NULL };
const char *const scenario_fencing_names[] = { "dont-care", "resource-only", "resource-and-stonith", NULL };
const char *const scenario_after_sb_names[] = {
    "disconnect", "discard-younger-primary", "discard-older-primary", "discard-zero-changes",
    "discard-least-changes", "consensus", "violently-as0p", "discard-secondary", "call-pri-lost-after-sb", NULL,
};
const char *const scenario_nqp_names[] = { "stop", "freeze", "ignore", "fence", "demote", NULL };
const char *const scenario_manager_names[] = { "none", "pacemaker", NULL };

/* An after-sb policy among those DRBD allows for that many primaries. */
static scn_after_sb get_after_sb(ctx *c, json_object *o, const char *key, const scn_after_sb *allowed)
{
    const char *names[10];
    int n = 0;
    for (; allowed[n] != SB_DISCONNECT || n == 0; n++)
        names[n] = scenario_after_sb_names[allowed[n]];
    names[n] = NULL;
    return allowed[get_enum(c, o, key, names, 0)];
}

/* DRBD's own keys; defaults from drbd_limits.h (sources.md rows 4-10). */
static void load_drbd(ctx *c, scn_storage *st, json_object *o)
{
    /* each list ends where disconnect would come again */
    static const scn_after_sb sb0[] = { SB_DISCONNECT, SB_DISCARD_YOUNGER_PRIMARY, SB_DISCARD_OLDER_PRIMARY,
                                        SB_DISCARD_ZERO_CHANGES, SB_DISCARD_LEAST_CHANGES, SB_DISCONNECT };
    static const scn_after_sb sb1[] = { SB_DISCONNECT, SB_CONSENSUS, SB_VIOLENTLY_AS0P, SB_DISCARD_SECONDARY,
                                        SB_CALL_PRI_LOST_AFTER_SB, SB_DISCONNECT };
    static const scn_after_sb sb2[] = { SB_DISCONNECT, SB_VIOLENTLY_AS0P, SB_CALL_PRI_LOST_AFTER_SB, SB_DISCONNECT };
    st->after_sb[0] = get_after_sb(c, o, "after_sb_0pri", sb0);
    st->after_sb[1] = get_after_sb(c, o, "after_sb_1pri", sb1);
    st->after_sb[2] = get_after_sb(c, o, "after_sb_2pri", sb2);
    json_object *q = get(c, o, "quorum");
    if (q && json_object_is_type(q, json_type_int)) {
        st->quorum = (int)get_int(c, o, "quorum", 1, 32, 1, false);
    } else {
        static const char *const qs[] = { "off", "majority", "all", NULL };
        int k = get_enum(c, o, "quorum", qs, 0);
        st->quorum = k == 0 ? 0 : k == 1 ? -1 : -2;
    }
    if (st->quorum && st->version != DRBD_9)
        err_at(c, "quorum", "DRBD quorum needs version 9 (since 9.0.7; sources.md 1.4)");
    static const char *const onq[] = { "suspend-io", "io-error", NULL };
    st->on_no_quorum_io_error = get_enum(c, o, "on_no_quorum", onq, 0) == 1;
    /* timeout 6 s, ping-int 10 s, ping-timeout 0.5 s, c-max-rate 100 MiB/s */
    st->drbd_timeout = get_time(c, o, "timeout", Q_POS, 6 * SIM_S, false);
    st->ping_int = get_time(c, o, "ping_int", Q_POS, 10 * SIM_S, false);
    st->ping_timeout = get_time(c, o, "ping_timeout", Q_POS, 500 * SIM_MS, false);
    st->resync_rate_Bps = get_quantity(c, o, "resync_rate", UNITS_RATE, Q_POS, 100.0 * (1 << 20), false);
    /* ko-count 7 (sources.md row 7) */
    st->ko_count = (int)get_int(c, o, "ko_count", 0, 200, 7, false);
    /* Assumption: crm-fence-peer places its constraint about 1 s after the
     * disconnect when the cluster itself is intact (sources.md 1.5) */
    st->fence_peer = get_time(c, o, "fence_peer_time", Q_NONNEG, 1 * SIM_S, false);
}

static void load_storage(ctx *c, scenario *s, json_object *root)
{
    scn_storage *st = &s->storage;
    st->network = -1;
    st->server_host = -1;
    st->timeo = 60 * SIM_S;
    st->retrans = 2;
    st->size = 3;
    st->min_size = 2;
    st->disk_latency = 100 * SIM_US;
    json_object *o = get(c, root, "storage");
    st->version = DRBD_8_4;
    st->protocol = PROTOCOL_C;
    if (!o)
        return;
    size_t m = push_key(c, "storage");
    if (!expect_object(c, o, NULL)) {
        pop_to(c, m);
        return;
    }
        check_keys(c, o, storage_keys);
    st->type = get_enum(c, o, "type", scenario_storage_names, STORAGE_LOCAL);
    if (get(c, o, "network"))
        st->network = get_ref(c, s, o, "network", REF_NETWORK, true);
    st->lock = get_enum(c, o, "lock", scenario_lock_names, LOCK_NONE);
    st->version = get_enum(c, o, "version", scenario_version_names, DRBD_8_4);
    /* DRBD defaults: protocol C, fencing dont-care (drbd_limits.h, sources.md rows 1, 3) */
    st->protocol = get_enum(c, o, "protocol", scenario_protocol_names, PROTOCOL_C);
    st->fencing = get_enum(c, o, "fencing", scenario_fencing_names, FENCING_DONT_CARE);
    st->dual_primary = get_bool(c, o, "dual_primary", false);
    /* Ceph pool defaults 3 / 2 (sources.md row 30) */
    st->size = (int)get_int(c, o, "size", 1, 10, 3, false);
    st->min_size = (int)get_int(c, o, "min_size", 1, 10, 2, false);
    if (st->min_size > st->size)
        err_at(c, "min_size", "must not exceed size (%d)", st->size);
    if (get(c, o, "server"))
        st->server = get_string(c, o, "server", true, NULL);
    if (st->server) {
        st->server_host = resolve(c, s, REF_HOST, "server", st->server);
        if (st->server_host < 0)
            g_clear_pointer(&st->server, g_free);
    }
    static const char *const mounts[] = { "hard", "soft", NULL };
    st->soft = get_enum(c, o, "mount", mounts, 0) == 1;
    /* Linux NFS over TCP: timeo 600 (60 s), retrans 2 (sources.md row 26) */
    st->timeo = get_time(c, o, "timeo", Q_POS, 60 * SIM_S, false);
    st->retrans = (int)get_int(c, o, "retrans", 0, 100, 2, false);
    st->failover = get_time(c, o, "failover", Q_NONNEG, 0, false);
    /* the RPC major timeout, capped at NFS_MAX_TCP_TIMEOUT 600 s (Linux
     * net/sunrpc/xprt.c xprt_calc_majortimeo) */
    st->give_up = MIN(st->timeo * (st->retrans + 1), 600 * SIM_S);
    if (st->type == STORAGE_ISCSI) {
        /* open-iscsi replacement_timeout 120 s, then the IO fails up unless
         * multipath queues it (no_path_retry queue); multipath's default is
         * fail (sources.md rows 24-25) */
        static const char *const npr[] = { "fail", "queue", NULL };
        st->soft = get_enum(c, o, "no_path_retry", npr, 0) == 0;
        st->give_up = get_time(c, o, "replacement_timeout", Q_NONNEG, 120 * SIM_S, false);
        if (get(c, o, "mount"))
            err_at(c, "mount", "is an NFS key; an iSCSI LUN uses replacement_timeout and no_path_retry");
    } else if (get(c, o, "replacement_timeout") || get(c, o, "no_path_retry")) {
        err_at(c, get(c, o, "replacement_timeout") ? "replacement_timeout" : "no_path_retry",
               "is an iSCSI key (storage.type is \"%s\")", scenario_storage_names[st->type]);
    }
    /* Switchover costs, assumptions (docs/models.md): an NFS COMMIT or a
     * flush 5 ms; sanlock releases and acquires a lease with a few disk IOs,
     * 30 ms; an RBD exclusive-lock hand-over is a few RADOS round trips,
     * 5 ms (sources.md 2.5, 3.2, 4); DRBD dual-primary and local disks, none. */
    sim_time sw = 0;
    if (st->type == STORAGE_NFS || st->type == STORAGE_CEPH)
        sw = 5 * SIM_MS;
    else if (st->type == STORAGE_ISCSI)
        sw = st->lock == LOCK_SANLOCK || st->lock == LOCK_LVMLOCKD_SANLOCK ? 30 * SIM_MS : 5 * SIM_MS;
    st->switchover = get_time(c, o, "switchover", Q_NONNEG, sw, false);
    /* Assumption: a datacentre SSD commits a small write in about 100 us */
    st->disk_latency = get_time(c, o, "disk_latency", Q_NONNEG, 100 * SIM_US, false);
    /* Assumption: DLM recovery and a GFS2/OCFS2 journal replay take 5 s */
    st->journal_recovery = get_time(c, o, "journal_recovery", Q_NONNEG, 5 * SIM_S, false);
    /* no server: an external filer or array on the storage network (DESIGN 6, additions 2026-12) */
    if (get(c, o, "server") && st->type != STORAGE_NFS && st->type != STORAGE_ISCSI)
        err_at(c, "server", "is the NFS filer's or the iSCSI target's host (storage.type is \"%s\")",
               scenario_storage_names[st->type]);
    load_drbd(c, st, o);
    if (st->dual_primary && st->protocol != PROTOCOL_C)
        err_at(c, "dual_primary", "DRBD dual-primary requires protocol C (DRBD 8.4 User's Guide 6.8)");
    pop_to(c, m);
}

static void load_cluster(ctx *c, scenario *s, json_object *root)
{
    scn_cluster *cl = &s->cluster;
    /* Pacemaker defaults: stonith-enabled true, no-quorum-policy stop,
     * allow-migrate false, migration-limit -1 (sources.md rows 18, 19, 21) */
    cl->stonith = true;
    /* libvirt's default migration channel: ssh (qemu+ssh); auth_tcp's
     * commented default is sasl (sources.md 6.1) */
    cl->libvirt_transport = TRANSPORT_SSH;
    cl->libvirt_auth = AUTH_SASL;
    cl->vm_stop = 20 * SIM_S;
    cl->vm_start = 30 * SIM_S;
    cl->migrate_timeout = 120 * SIM_S;
    cl->token = 3 * SIM_S;
    cl->token_coefficient = 650 * SIM_MS;
    cl->fence_time = 10 * SIM_S;
    cl->qdevice_host = -1;
    cl->reboot_time = 180 * SIM_S;
    cl->stonith_timeout = 60 * SIM_S;
    /* Assumption: one core encrypts about 2 GB/s with AES-GCM and AES-NI */
    cl->tls_Bps = 2e9;
    cl->network = -1;
    cl->dc_deadtime = 20 * SIM_S;
    cl->monitor_interval = 10 * SIM_S;
    cl->pcmk_delay_base = g_new0(sim_time, s->nhosts ? s->nhosts : 1);
    json_object *o = get(c, root, "cluster");
    if (!o)
        return;
    size_t m = push_key(c, "cluster");
    if (!expect_object(c, o, NULL)) {
        pop_to(c, m);
        return;
    }
        check_keys(c, o, cluster_keys);
    cl->manager = get_enum(c, o, "manager", scenario_manager_names, MANAGER_NONE);
    cl->stonith = get_bool(c, o, "stonith", true);
    cl->two_node = get_bool(c, o, "two_node", false);
    cl->allow_migrate = get_bool(c, o, "allow_migrate", false);
    /* votequorum(5): two_node implies wait_for_all; last_man_standing_window
     * 10 s; qdevice cannot be combined with last_man_standing (sources.md 5.2) */
    cl->wait_for_all = get_bool(c, o, "wait_for_all", cl->two_node);
    cl->last_man_standing = get_bool(c, o, "last_man_standing", false);
    cl->lms_window = get_time(c, o, "last_man_standing_window", Q_POS, 10 * SIM_S, false);
    cl->auto_tie_breaker = get_bool(c, o, "auto_tie_breaker", false);
    cl->maintenance_mode = get_bool(c, o, "maintenance_mode", false);
    if (get(c, o, "network"))
        cl->network = get_ref(c, s, o, "network", REF_NETWORK, true);
    if (get(c, o, "qdevice")) {
        g_autofree char *q = get_string(c, o, "qdevice", true, NULL);
        if (q)
            cl->qdevice_host = resolve(c, s, REF_HOST, "qdevice", q);
        if (cl->last_man_standing)
            err_at(c, "qdevice", "cannot be combined with last_man_standing (votequorum(5))");
        if (cl->two_node)
            err_at(c, "qdevice", "replaces two_node: set one of them (votequorum(5))");
    }
    cl->no_quorum_policy = get_enum(c, o, "no_quorum_policy", scenario_nqp_names, NQP_STOP);
    cl->migration_limit = (int)get_int(c, o, "migration_limit", 0, 1 << 20, 0, false);
    /* Assumptions: a guest shuts down in 20 s and boots in 30 s (VirtualDomain
     * bounds them by its 90 s stop/start op timeouts, sources.md row 22) */
    cl->vm_stop = get_time(c, o, "vm_stop", Q_NONNEG, 20 * SIM_S, false);
    cl->vm_start = get_time(c, o, "vm_start", Q_NONNEG, 30 * SIM_S, false);
    /* VirtualDomain's advised migrate_to timeout, which pcs writes into the
     * resource; without an op in the CIB Pacemaker uses 20 s (sources.md
     * row 44) */
    cl->migrate_timeout = get_time(c, o, "migrate_timeout", Q_POS, 120 * SIM_S, false);
    cl->migrate_timeout_set = get(c, o, "migrate_timeout") != NULL;
    /* corosync 3: token 3000 ms + 650 ms per node beyond two (sources.md row 12) */
    cl->token = get_time(c, o, "token", Q_POS, 3 * SIM_S, false);
    cl->token_coefficient = get_time(c, o, "token_coefficient", Q_NONNEG, 650 * SIM_MS, false);
    /* consensus: 1.2 x token unless set (sources.md row 13) */
    cl->consensus = get_time(c, o, "consensus", Q_POS, 0, false);
    /* Assumption: an IPMI power-off takes about 10 s (sources.md 5.4: 3-15 s,
     * bounded by stonith-timeout 60 s) */
    cl->fence_time = get_time(c, o, "fence_time", Q_NONNEG, 10 * SIM_S, false);
    /* stonith-action reboot (sources.md row 19): the node comes back; assumption:
     * a server's firmware and OS boot take 3 min */
    cl->reboot_time = get_time(c, o, "reboot_time", Q_NONNEG, 180 * SIM_S, false);
    /* stonith-timeout 60 s (sources.md row 19) */
    cl->stonith_timeout = get_time(c, o, "stonith_timeout", Q_POS, 60 * SIM_S, false);
    /* priority-fencing-delay 0 (sources.md row 20); pcmk_delay_max and
     * pcmk_delay_base 0 (fence device attributes, Pacemaker Explained
     * "Fencing"); dc-deadtime 20 s, also the wait before startup fencing
     * (sources.md row 20); VirtualDomain monitor every 10 s (sources.md row 22) */
    cl->priority_fencing_delay = get_time(c, o, "priority_fencing_delay", Q_NONNEG, 0, false);
    cl->pcmk_delay_max = get_time(c, o, "pcmk_delay_max", Q_NONNEG, 0, false);
    json_object *base = get(c, o, "pcmk_delay_base");
    if (base && json_object_is_type(base, json_type_object)) {
        /* per fence device, as "node1:5s" in pcmk_delay_base: the delay of fencing that node */
        size_t mb = push_key(c, "pcmk_delay_base");
        json_object_object_foreach(base, host, v)
        {
            (void)v;
            int h = resolve(c, s, REF_HOST, host, host);
            if (h >= 0)
                cl->pcmk_delay_base[h] = get_time(c, base, host, Q_NONNEG, 0, true);
        }
        pop_to(c, mb);
    } else if (base) {
        sim_time d = get_time(c, o, "pcmk_delay_base", Q_NONNEG, 0, false);
        for (size_t h = 0; h < s->nhosts; h++)
            cl->pcmk_delay_base[h] = d;
    }
    for (size_t h = 0; h < s->nhosts; h++)
        if (cl->pcmk_delay_max > 0 && cl->pcmk_delay_base[h] > cl->pcmk_delay_max)
            err_at(c, "pcmk_delay_base", "exceeds pcmk_delay_max: Pacemaker keeps base + random delay below the maximum");
    cl->dc_deadtime = get_time(c, o, "dc_deadtime", Q_NONNEG, 20 * SIM_S, false);
    cl->monitor_interval = get_time(c, o, "monitor_interval", Q_POS, 10 * SIM_S, false);
    /* resource meta failure-timeout: 0, failures never expire (sources.md row 21) */
    cl->failure_timeout = get_time(c, o, "failure_timeout", Q_NONNEG, 0, false);
    json_object *lv = get(c, o, "libvirt");
    if (lv) {
        static const char *const lk[] = { "transport", "auth", "tls_bandwidth", NULL };
        static const char *const transports[] = { "tcp", "tls", "ssh", NULL };
        static const char *const auths[] = { "none", "sasl", NULL };
        size_t ml = push_key(c, "libvirt");
        if (expect_object(c, lv, NULL)) {
            check_keys(c, lv, lk);
            cl->libvirt_transport = get_enum(c, lv, "transport", transports, TRANSPORT_SSH);
            cl->libvirt_auth = get_enum(c, lv, "auth", auths, AUTH_SASL);
            cl->tls_Bps = get_quantity(c, lv, "tls_bandwidth", UNITS_RATE, Q_POS, cl->tls_Bps, false);
        }
        pop_to(c, ml);
    }
    pop_to(c, m);
}

/* ------------------------------------------------------------------ top level */

static void check_nodes(ctx *c, const scenario *s);
static void check_design(ctx *c, const scenario *s);

static void load_root(ctx *c, scenario *s, json_object *root)
{
        check_keys(c, root, root_keys);
    json_object *ver = get(c, root, "golive");
    if (!ver)
        err_at(c, "golive", "missing (expected the format version, 1)");
    else if (!json_object_is_type(ver, json_type_int) || json_object_get_int64(ver) != 1)
        err_at(c, "golive", "expected the format version 1, not %s", json_object_to_json_string(ver));
    g_autofree char *base = g_path_get_basename(c->file);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    s->name = get_string(c, root, "name", false, base);
    s->description = get_string(c, root, "description", false, NULL);
    s->seed = (uint64_t)get_int(c, root, "seed", 0, INT64_MAX - 1, 1, false);
    json_object *until = get(c, root, "until");
    s->until = until ? get_time(c, root, "until", Q_POS, SIM_NEVER, false) : SIM_NEVER;
    s->until_set = until != NULL;
    s->runs = (int)get_int(c, root, "runs", 1, 100000000, 1, false);
    /* the event budget of one run: about a minute or two of simulation; a
     * scenario that needs more says so */
    s->max_events = (uint64_t)get_int(c, root, "max_events", 1000, INT64_MAX - 1, 1000000000, false);

    load_networks(c, s, root);
    json_object *racks = get(c, root, "racks") ? get_array(c, root, "racks", false) : NULL;
    if (racks) {
        s->racks = g_new0(scn_rack, json_object_array_length(racks));
        each_item(c, s, racks, "racks", load_rack);
    }
    load_hosts(c, s, root);
    for (size_t h = 0; h < s->nhosts; h++) {
        s->hosts[h].rack_index = -1;
        for (size_t r = 0; s->hosts[h].rack && r < s->nracks; r++)
            if (s->racks[r].name && !strcmp(s->racks[r].name, s->hosts[h].rack))
                s->hosts[h].rack_index = (int)r;
        if (s->nracks && s->hosts[h].rack && s->hosts[h].rack_index < 0) {
            size_t m = push_key(c, "hosts");
            push_index(c, h);
            err_at(c, "rack", "unknown rack \"%s\" (not in \"racks\")", s->hosts[h].rack);
            pop_to(c, m);
        }
    }
    for (size_t h = 0, osd = 0; h < s->nhosts; osd += (size_t)s->hosts[h].disks, h++)
        s->hosts[h].first_osd = (int)osd;
    /* racks by name, declared or not: drains and rack loss compare ids (a
     * rack's id is its first host) */
    GHashTable *first = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t h = 0; h < s->nhosts; h++) {
        s->hosts[h].rack_id = -1;
        if (!s->hosts[h].rack)
            continue;
        gpointer at;
        if (g_hash_table_lookup_extended(first, s->hosts[h].rack, NULL, &at))
            s->hosts[h].rack_id = GPOINTER_TO_INT(at);
        else {
            s->hosts[h].rack_id = (int)h;
            g_hash_table_insert(first, s->hosts[h].rack, GINT_TO_POINTER((int)h));
        }
    }
    g_hash_table_destroy(first);
    s->migration = scenario_migration_defaults(PROFILE_QEMU);
    json_object *mig = get(c, root, "migration");
    if (mig) {
        size_t m = push_key(c, "migration");
        if (expect_object(c, mig, NULL))
            load_migration(c, s, mig, &s->migration);
        pop_to(c, m);
    }
    load_storage(c, s, root);
    if (s->storage.type == STORAGE_DRBD && s->storage.version != DRBD_9 && s->nhosts > 2)
        err_at(c, "storage.version",
               "DRBD %s replicates a resource between exactly two nodes, and this scenario has %zu hosts "
               "(a third copy needs a stacked resource, or DRBD 9; sources.md 1.3)",
               scenario_version_names[s->storage.version], s->nhosts);
    if (s->storage.type == STORAGE_DRBD && s->storage.version == DRBD_9 && s->nhosts > 32)
        err_at(c, "storage.version", "DRBD 9 connects at most 32 nodes (DRBD_PEERS_MAX), and this scenario has %zu hosts",
               s->nhosts);
    load_cluster(c, s, root);
    load_vms(c, s, root);
    if (s->cluster.manager == MANAGER_PACEMAKER) {
        libvirt_bandwidth(&s->migration);
        for (size_t i = 0; i < s->nvms; i++)
            libvirt_bandwidth(&s->vms[i].migration);
    }
    if (s->cluster.libvirt_transport == TRANSPORT_TLS) {
        /* QEMU's native TLS encrypts the migration stream on its sending threads */
        s->migration.tls_Bps = s->cluster.tls_Bps;
        for (size_t i = 0; i < s->nvms; i++)
            s->vms[i].migration.tls_Bps = s->cluster.tls_Bps;
    }
    load_events(c, s, root);
    load_failures(c, s, root);
    check_nodes(c, s);
    check_design(c, s);
    if (s->nfailures && s->until == SIM_NEVER)
        err_at(c, "until", "missing: random failures never stop, so the run needs an end time");
}

/* Designs that can never be meant: refused with the reason. */
/* How many targets a failure class's pattern matches (-1: any). */
static double pattern_targets(const scenario *s, const scn_target *t)
{
    size_t disks = 0;
    for (size_t h = 0; h < s->nhosts; h++)
        disks += (size_t)s->hosts[h].disks;
    switch (t->kind) {
    case TARGET_HOST:
    case TARGET_NIC: return t->host < 0 ? (double)s->nhosts : 1;
    case TARGET_NETWORK: return t->network < 0 ? (double)s->nnetworks : 1;
    case TARGET_DISK:
        if (t->host < 0)
            return (double)disks;
        return t->disk < 0 ? s->hosts[t->host].disks : 1;
    case TARGET_OSD: return t->disk < 0 ? (double)disks : 1;
    case TARGET_MON: return t->host < 0 ? scenario_ceph_monitors(s) : 1;
    case TARGET_STORAGE_SERVER: return 1;
    }
    return 1;
}

static void check_design(ctx *c, const scenario *s)
{
    /* random failures that could not fit in the run's event budget: each
     * failure and repair is at least one event, so such a run would work
     * for minutes and stop at max_events (an mtbf of "1ns" for "1h") */
    for (size_t i = 0; i < s->nfailures && s->until != SIM_NEVER; i++) {
        const scn_failure *f = &s->failures[i];
        double events = 2 * pattern_targets(s, &f->pattern) * sim_to_s(s->until) / sim_to_s(f->mtbf + f->mttr);
        if (events > (double)s->max_events) {
            size_t m = push_key(c, "failures");
            push_index(c, i);
            err_at(c, "mtbf", "%s would fail and be repaired about %.3g times over the run (mtbf + mttr %g s), more "
                              "than the event budget max_events %" G_GUINT64_FORMAT ": expected a longer mtbf or mttr",
                   f->target, events, sim_to_s(f->mtbf + f->mttr), s->max_events);
            pop_to(c, m);
        }
    }
    for (size_t i = 0; i < s->nvms; i++) {
        int h = s->vms[i].host;
        if (h >= 0 && s->vms[i].memory > s->hosts[h].memory) {
            size_t m = push_key(c, "vms");
            push_index(c, i);
            g_autofree char *vm = units_format(UNITS_SIZE, s->vms[i].memory),
                            *hm = units_format(UNITS_SIZE, s->hosts[h].memory);
            err_at(c, "memory", "%s is more than its host \"%s\" has (%s)", vm, s->hosts[h].name, hm);
            pop_to(c, m);
        }
    }
    for (size_t e = 0; e < s->nevents; e++) {
        const GPtrArray *groups = s->events[e].groups;
        if (!groups)
            continue;
        size_t m = push_key(c, "events");
        push_index(c, e);
        push_key(c, "groups");
        GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint g = 0; g < groups->len; g++) {
            const GPtrArray *names = g_ptr_array_index(groups, g);
            size_t mi = push_index(c, g);
            if (names->len == 0)
                err_at(c, NULL, "an empty group: a partition splits hosts into groups of at least one");
            for (guint k = 0; k < names->len; k++) {
                const char *n = g_ptr_array_index(names, k);
                gpointer where = g_hash_table_lookup(seen, n);
                if (where)
                    err_at(c, NULL, "host \"%s\" is in %s: a host is on one side of a partition", n,
                           GPOINTER_TO_UINT(where) - 1 == g ? "this group twice" : "two groups");
                else
                    g_hash_table_insert(seen, (gpointer)n, GUINT_TO_POINTER(g + 1));
            }
            pop_to(c, mi);
        }
        g_hash_table_destroy(seen);
        pop_to(c, m);
    }
    /* CRUSH puts a pool's replicas on distinct hosts (failure domain host) */
    if (s->storage.type == STORAGE_CEPH && s->nhosts < (size_t)s->storage.min_size)
        err_at(c, "storage.min_size",
               "%d replicas needed for IO on distinct hosts, and this scenario has %zu hosts: IO would never run",
               s->storage.min_size, s->nhosts);
    if (s->storage.type == STORAGE_DRBD) {
        size_t nodes = 0;
        for (size_t h = 0; h < s->nhosts; h++)
            nodes += scenario_is_node(s, (int)h);
        if (nodes < 2)
            err_at(c, "storage.type", "DRBD replicates between at least two nodes, and this scenario has %zu", nodes);
    }
}

bool scenario_is_node(const scenario *s, int h)
{
    bool server = (s->storage.type == STORAGE_NFS || s->storage.type == STORAGE_ISCSI) && h == s->storage.server_host;
    return !server && h != s->cluster.qdevice_host;
}

/* What the world needs of the hosts: VMs start and land only on nodes, and
 * every node has a NIC on each network a VM migrates over (the storage
 * server and the quorum device's host need none). */
/* Refuses section[i].key naming host h when h runs no VMs. */
static void need_node(ctx *c, const scenario *s, const char *section, size_t i, const char *key, int h)
{
    if (h < 0 || scenario_is_node(s, h))
        return;
    size_t m = push_key(c, section);
    push_index(c, i);
    err_at(c, key, "\"%s\" is the %s's host, which runs no VMs", s->hosts[h].name,
           h == s->cluster.qdevice_host ? "quorum device" : "storage server");
    pop_to(c, m);
}

static void check_nodes(ctx *c, const scenario *s)
{
    for (size_t i = 0; i < s->nvms; i++)
        need_node(c, s, "vms", i, "host", s->vms[i].host);
    for (size_t e = 0; e < s->nevents; e++)
        need_node(c, s, "events", e, "to", s->events[e].action == EV_MIGRATE ? s->events[e].to : -1);
    if (s->cluster.manager == MANAGER_PACEMAKER) {
        size_t nodes = 0;
        for (size_t h = 0; h < s->nhosts; h++)
            nodes += scenario_is_node(s, (int)h);
        if (nodes > SCENARIO_COROSYNC_MAX_NODES) {
            size_t m = push_key(c, "cluster");
            err_at(c, "manager", "pacemaker with %zu nodes: corosync holds at most %d nodes in one cluster "
                                 "(PROCESSOR_COUNT_MAX, corosync 3.1.7 include/corosync/totem/totem.h); split the "
                                 "hosts into several clusters or use manager \"none\"",
                   nodes, SCENARIO_COROSYNC_MAX_NODES);
            pop_to(c, m);
        }
    }
    if (!s->nnetworks)
        return;
    /* Each network some VM migrates over, in the order of the first VM that
     * does (the order the errors are told in): hosts x networks, not hosts x
     * VMs. */
    size_t *first = g_new(size_t, s->nnetworks), *order = g_new(size_t, s->nnetworks), nused = 0;
    for (size_t n = 0; n < s->nnetworks; n++)
        first[n] = SIZE_MAX;
    for (size_t i = 0; i < s->nvms; i++) {
        int net = s->vms[i].migration.network >= 0 ? s->vms[i].migration.network : 0;
        if (first[net] == SIZE_MAX) {
            first[net] = i;
            order[nused++] = (size_t)net;
        }
    }
    for (size_t u = 0; u < nused; u++) {
        size_t net = order[u], i = first[net];
        for (size_t h = 0; h < s->nhosts; h++) {
            bool has = false;
            for (size_t k = 0; k < s->hosts[h].nnics; k++) /* a NIC already reported counts as there */
                has |= s->hosts[h].nics[k].network == (int)net || s->hosts[h].nics[k].network < 0;
            if (has || !scenario_is_node(s, (int)h))
                continue;
            size_t m = push_key(c, "hosts");
            push_index(c, h);
            err_at(c, "nics", "no NIC on network \"%s\", which VM \"%s\" migrates over (every host that runs "
                              "VMs needs one; the storage server and the quorum device's host do not)",
                   s->networks[net].name, s->vms[i].name);
            pop_to(c, m);
        }
    }
    g_free(first);
    g_free(order);
}

/* Line and column (1-based) of byte offset off in text. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
            (*col)++; /* count characters, not UTF-8 continuation bytes */
        }
    }
}

/* The text of a JSON string's body (escapes decoded, as json-c reads it);
 * *nul is set if it holds a NUL character, which json-c's C strings would
 * cut the text at. */
static char *decode_string(const char *s, size_t n, bool *nul)
{
    GString *out = g_string_sized_new(n);
    *nul = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            g_string_append_c(out, s[i]);
            continue;
        }
        char e = s[++i];
        switch (e) {
        case 'b': g_string_append_c(out, '\b'); break;
        case 'f': g_string_append_c(out, '\f'); break;
        case 'n': g_string_append_c(out, '\n'); break;
        case 'r': g_string_append_c(out, '\r'); break;
        case 't': g_string_append_c(out, '\t'); break;
        case 'u': {
            if (i + 4 >= n) { /* json-c checked the four digits; never here */
                g_string_append_c(out, e);
                break;
            }
            char hex[5] = { 0 };
            memcpy(hex, s + i + 1, 4);
            gunichar u = (gunichar)strtoul(hex, NULL, 16);
            i += 4;
            /* a surrogate pair: \uD8xx\uDCxx */
            if (u >= 0xd800 && u < 0xdc00 && i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u') {
                memcpy(hex, s + i + 3, 4);
                gunichar lo = (gunichar)strtoul(hex, NULL, 16);
                if (lo >= 0xdc00 && lo < 0xe000) {
                    u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                    i += 6;
                }
            }
            if (u == 0)
                *nul = true;
            char buf[8];
            g_string_append_len(out, buf, g_unichar_to_utf8(u, buf));
            break;
        }
        default: g_string_append_c(out, e); break; /* \" \\ \/ */
        }
    }
    return g_string_free(out, FALSE);
}

/* What json-c lets through but strict JSON does not, or what it reads
 * silently differently: keys repeated within one object (json-c keeps the
 * last; a second "memory" in a VM is almost always a mistake), compared
 * once their escapes are decoded ("\u006demory" is "memory"); strings in
 * single quotes; a NUL character (\u0000) inside a string, which would cut
 * it. Valid JSON text is scanned once. */
/* A key of the object being scanned: its decoded text (raw bytes when it
 * has no escape: the same thing). */
typedef struct {
    const char *p;
    size_t n;
    char *owned; /* decoded, when it had escapes */
} dup_key;

/* Objects with more keys than this get a hash table of their keys; smaller
 * ones (nearly all: a VM has a handful) are searched in place. */
#define DUP_LINEAR 32

static bool dup_key_equal(const dup_key *x, const dup_key *y)
{
    return x->n == y->n && !memcmp(x->p, y->p, x->n);
}

static void check_duplicate_keys(const char *name, const char *t, size_t len, GPtrArray *errors)
{
    typedef struct {
        bool is_obj, want_key;
        guint first;       /* its keys: keys[first ..] */
        GHashTable *big;   /* once it has more than DUP_LINEAR keys */
    } frame;
    GArray *stack = g_array_new(FALSE, FALSE, sizeof(frame));
    GArray *keys = g_array_new(FALSE, FALSE, sizeof(dup_key));
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        frame *top = stack->len ? &g_array_index(stack, frame, stack->len - 1) : NULL;
        if (ch == '\'') {
            int line, col;
            line_col(t, i, &line, &col);
            g_ptr_array_add(errors, g_strdup_printf("%s:%d:%d: error: a string in single quotes (JSON strings take "
                                                    "double quotes)",
                                                    name, line, col));
            break;
        }
        if (ch == '"') {
            size_t start = ++i;
            bool escaped = false;
            while (i < len && t[i] != '"') {
                escaped |= t[i] == '\\';
                i += t[i] == '\\' ? 2 : 1;
            }
            size_t n = MIN(i, len) - start;
            dup_key k = { t + start, n, NULL };
            if (escaped) { /* only escapes can hide a NUL or spell a key differently */
                bool nul;
                k.owned = decode_string(t + start, n, &nul);
                k.p = k.owned;
                k.n = strlen(k.owned);
                if (nul) {
                    int line, col;
                    line_col(t, start - 1, &line, &col);
                    g_ptr_array_add(errors, g_strdup_printf("%s:%d:%d: error: a NUL character (\\u0000) inside a "
                                                            "string (it would cut the text short)",
                                                            name, line, col));
                }
            }
            if (top && top->is_obj && top->want_key) {
                top->want_key = false;
                bool dup = false;
                g_autofree char *str = top->big ? g_strndup(k.p, k.n) : NULL;
                if (top->big) {
                    dup = g_hash_table_contains(top->big, str);
                } else {
                    for (guint j = top->first; j < keys->len && !dup; j++)
                        dup = dup_key_equal(&g_array_index(keys, dup_key, j), &k);
                }
                if (dup) {
                    int line, col;
                    line_col(t, start - 1, &line, &col);
                    g_autofree char *shown = g_strndup(k.p, k.n);
                    g_ptr_array_add(errors, g_strdup_printf("%s:%d:%d: error: duplicate key \"%s\" in the same object "
                                                            "(JSON keeps only one of them)",
                                                            name, line, col, shown));
                    g_free(k.owned);
                    continue;
                }
                if (top->big) {
                    g_hash_table_add(top->big, g_steal_pointer(&str));
                    g_free(k.owned);
                    continue;
                }
                g_array_append_val(keys, k);
                if (keys->len - top->first > DUP_LINEAR) {
                    /* from here on its keys live in a table of their own */
                    top->big = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
                    for (guint j = top->first; j < keys->len; j++) {
                        dup_key *d = &g_array_index(keys, dup_key, j);
                        g_hash_table_add(top->big, g_strndup(d->p, d->n));
                        g_free(d->owned);
                    }
                    g_array_set_size(keys, top->first);
                }
                continue;
            }
            g_free(k.owned);
        } else if (ch == '{' || ch == '[') {
            frame f = { ch == '{', ch == '{', keys->len, NULL };
            g_array_append_val(stack, f);
        } else if ((ch == '}' || ch == ']') && top) {
            for (guint j = top->first; j < keys->len; j++)
                g_free(g_array_index(keys, dup_key, j).owned);
            g_array_set_size(keys, top->first);
            if (top->big)
                g_hash_table_destroy(top->big);
            g_array_set_size(stack, stack->len - 1);
        } else if (ch == ',' && top && top->is_obj) {
            top->want_key = true;
        }
    }
    for (guint k = 0; k < stack->len; k++)
        if (g_array_index(stack, frame, k).big)
            g_hash_table_destroy(g_array_index(stack, frame, k).big);
    for (guint j = 0; j < keys->len; j++)
        g_free(g_array_index(keys, dup_key, j).owned);
    g_array_free(keys, TRUE);
    g_array_free(stack, TRUE);
}

/* Files from this size on are checked in a thread of their own while
 * json-c parses them (a data centre's 38 MB: 0.13 s of 0.8 s). */
#define TEXT_CHECK_THREAD_BYTES (1 << 20)

typedef struct {
    const char *name, *text;
    size_t len;
    GPtrArray *errors;
    bool utf8_ok;
} text_check;

/* What json-c does not check in the text: UTF-8 first (any error after it
 * would quote garbage), then the keys. */
static gpointer text_check_fn(gpointer data)
{
    text_check *tc = data;
    const char *bad = NULL;
    if (!g_utf8_validate(tc->text, (gssize)tc->len, &bad)) {
        int line, col;
        line_col(tc->text, (size_t)(bad - tc->text), &line, &col);
        g_ptr_array_add(tc->errors, g_strdup_printf("%s:%d:%d: error: not valid UTF-8", tc->name, line, col));
        tc->utf8_ok = false;
        return NULL;
    }
    check_duplicate_keys(tc->name, tc->text, tc->len, tc->errors);
    return NULL;
}

static gpointer free_tree_fn(gpointer root)
{
    json_object_put(root);
    return NULL;
}

static scenario *load_text(const char *name, const char *text, size_t len, GHashTable *traces, GPtrArray *errors);

scenario *scenario_load_text(const char *name, const char *text, size_t len, GPtrArray *errors)
{
    return load_text(name, text, len, NULL, errors);
}

scenario *scenario_load_text_traces(const char *name, const char *text, size_t len, GHashTable *traces,
                                    GPtrArray *errors)
{
    return load_text(name, text, len, traces, errors);
}

static scenario *load_tree(const char *name, json_object *root, size_t len, GHashTable *traces, GPtrArray *errors,
                           bool utf8_ok, GPtrArray *check_errors);

static scenario *load_text(const char *name, const char *text, size_t len, GHashTable *traces, GPtrArray *errors)
{
    if (len == 0) {
        g_ptr_array_add(errors, g_strdup_printf("%s: error: empty file (expected a JSON object)", name));
        return NULL;
    }
    if (memchr(text, '\0', len)) {
        g_ptr_array_add(errors, g_strdup_printf("%s: error: binary data (a NUL byte) in a JSON file", name));
        return NULL;
    }
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
        g_ptr_array_add(errors, g_strdup_printf("%s:1:1: error: a UTF-8 byte-order mark (BOM) starts the file: JSON "
                                                "does not allow one; save the file without it",
                                                name));
        return NULL;
    }
    if (len > INT_MAX - 1) {
        g_ptr_array_add(errors, g_strdup_printf("%s: error: file too large for a scenario", name));
        return NULL;
    }
    /* The checks of the text itself (UTF-8, duplicate keys) read what
     * json-c reads: on a large file they run beside the parse */
    g_autoptr(GPtrArray) check_errors = g_ptr_array_new_with_free_func(g_free);
    text_check tc = { name, text, len, check_errors, true };
    GThread *checker = len >= TEXT_CHECK_THREAD_BYTES ? g_thread_try_new("golive-load", text_check_fn, &tc, NULL) : NULL;
    if (!checker)
        text_check_fn(&tc);
    const int flags = JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS;
    json_object *root = len >= TEXT_CHECK_THREAD_BYTES ? jsonpar_parse_object(text, len, 64, flags) : NULL;
    if (root) {
        if (checker)
            g_thread_join(checker);
        return load_tree(name, root, len, traces, errors, tc.utf8_ok, check_errors);
    }
    /* A document that ends in '}' ends without a NUL after it; any other
     * (a bare number) gets one, so that a number at the very end ends. */
    size_t last = len;
    while (last > 0 && g_ascii_isspace(text[last - 1]))
        last--;
    g_autofree char *copy = last > 0 && text[last - 1] == '}' ? NULL : g_strndup(text, len);
    const char *buf = copy ? copy : text;
    json_tokener *tok = json_tokener_new_ex(64);
    /* Trailing characters are allowed by the tokener so that we can say
     * precisely what is wrong with them below. */
    json_tokener_set_flags(tok, flags);
    root = json_tokener_parse_ex(tok, buf, (int)len + (copy ? 1 : 0));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (checker)
        g_thread_join(checker);
    if (!tc.utf8_ok) {
        g_ptr_array_extend(errors, check_errors, (GCopyFunc)(void (*)(void))g_strdup, NULL);
        json_object_put(root);
        return NULL;
    }
    if (root && jerr == json_tokener_success) {
        size_t k = end > len ? len : end;
        while (k < len && g_ascii_isspace(buf[k]))
            k++;
        if (k < len) {
            int line, col;
            line_col(buf, k, &line, &col);
            g_ptr_array_add(errors, g_strdup_printf("%s:%d:%d: error: unexpected text after the JSON object", name,
                                                    line, col));
            json_object_put(root);
            return NULL;
        }
    }
    if (!root || jerr != json_tokener_success) {
        int line, col;
        line_col(text, end > 0 ? end - 1 : 0, &line, &col);
        size_t at = end > 0 ? end - 1 : 0;
        /* the character the tokener stopped at, and the last one before it */
        size_t h = at;
        while (h < len && g_ascii_isspace(buf[h]))
            h++;
        char here = h < len ? buf[h] : '\0';
        size_t p = h;
        while (p > 0 && g_ascii_isspace(buf[p - 1]))
            p--;
        size_t nx = at + 1;
        while (nx < len && g_ascii_isspace(buf[nx]))
            nx++;
        bool trailing_comma = ((here == '}' || here == ']') && p > 0 && buf[p - 1] == ',') ||
                              (here == ',' && nx < len && (buf[nx] == '}' || buf[nx] == ']'));
        const char *what = jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof
                               ? "unexpected end of file (truncated JSON?)"
                           : jerr == json_tokener_error_depth ? "nesting too deep (more than 64 levels)"
                           : trailing_comma                   ? "unexpected character (a trailing comma?)"
                                                              : json_tokener_error_desc(jerr);
        g_ptr_array_add(errors, g_strdup_printf("%s:%d:%d: error: %s", name, line, col, what));
        json_object_put(root);
        return NULL;
    }
    if (!json_object_is_type(root, json_type_object)) {
        g_ptr_array_add(errors, g_strdup_printf("%s: error: expected a JSON object at the top level, not %s", name,
                                                type_name(root)));
        json_object_put(root);
        return NULL;
    }
    return load_tree(name, root, len, traces, errors, true, check_errors);
}

/* The scenario in a parsed document, once the text's own checks are in. */
static scenario *load_tree(const char *name, json_object *root, size_t len, GHashTable *traces, GPtrArray *errors,
                           bool utf8_ok, GPtrArray *check_errors)
{
    guint before = errors->len;
    if (!utf8_ok || check_errors->len) {
        g_ptr_array_extend(errors, check_errors, (GCopyFunc)(void (*)(void))g_strdup, NULL);
        json_object_put(root);
        return NULL;
    }
    scenario *s = g_new0(scenario, 1);
    s->file = g_strdup(name);
    ctx c = { .file = name, .errors = errors, .path = g_string_new(NULL), .traces = traces };
    c.dir = g_path_get_dirname(name);
    load_root(&c, s, root);
    g_string_free(c.path, TRUE);
    g_free(c.dir);
    if (errors->len == before)
        assume_mark(s, root);
    /* the tree of a large file takes a fifth of its loading to free, and
     * nothing waits for that: a detached thread does it */
    GThread *freer = len >= TEXT_CHECK_THREAD_BYTES ? g_thread_try_new("golive-free", free_tree_fn, root, NULL) : NULL;
    if (freer)
        g_thread_unref(freer);
    else
        json_object_put(root);
    if (errors->len > before) {
        scenario_free(s);
        return NULL;
    }
    return s;
}

static bool read_file(const char *path, size_t max, bool text_only, char **text, size_t *len, char **why)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = g_strdup(g_strerror(errno));
        return false;
    }
    /* a regular file's size is known: one block, never copied as it grows */
    GStatBuf st;
    bool sized = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (guint64)st.st_size <= max;
    GString *s = g_string_sized_new(sized ? (gsize)st.st_size + 1 : 0);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (s->len + n > max) {
            *why = g_strdup_printf("too large (more than %.0f MiB)", max / 1048576.0);
            fclose(f);
            g_string_free(s, TRUE);
            return false;
        }
        const char *nul = text_only ? memchr(buf, 0, n) : NULL;
        if (nul) {
            /* /dev/zero, an image, a core file: no need to read on */
            *why = g_strdup_printf("binary data (a NUL byte at byte %zu): a scenario is JSON text",
                                   s->len + (size_t)(nul - buf));
            fclose(f);
            g_string_free(s, TRUE);
            return false;
        }
        g_string_append_len(s, buf, (gssize)n);
    }
    bool bad = ferror(f);
    int e = errno;
    fclose(f);
    if (bad) {
        *why = g_strdup(g_strerror(e));
        g_string_free(s, TRUE);
        return false;
    }
    *len = s->len;
    *text = g_string_free(s, FALSE);
    return true;
}

bool scenario_read_file(const char *path, size_t max, char **text, size_t *len, char **why)
{
    return read_file(path, max, false, text, len, why);
}

bool scenario_read_text(const char *path, size_t max, char **text, size_t *len, char **why)
{
    return read_file(path, max, true, text, len, why);
}

scenario *scenario_load(const char *path, GPtrArray *errors)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_ptr_array_add(errors, g_strdup_printf("%s: error: is a directory, not a scenario file", path));
        return NULL;
    }
    GStatBuf st;
    if (g_stat(path, &st) == 0 && (guint64)st.st_size > SCENARIO_MAX_BYTES) {
        g_ptr_array_add(errors, g_strdup_printf("%s: error: too large (%.1f MiB; a scenario file may be at most %d MiB)",
                                                path, st.st_size / 1048576.0, SCENARIO_MAX_BYTES >> 20));
        return NULL;
    }
    g_autofree char *text = NULL, *why = NULL;
    size_t len = 0;
    if (!scenario_read_text(path, SCENARIO_MAX_BYTES, &text, &len, &why)) {
        if (g_str_has_prefix(why, "too large"))
            g_ptr_array_add(errors, g_strdup_printf("%s: error: %s; a scenario file may be at most %d MiB", path, why,
                                                    SCENARIO_MAX_BYTES >> 20));
        else if (g_str_has_prefix(why, "binary data"))
            g_ptr_array_add(errors, g_strdup_printf("%s: error: %s", path, why));
        else
            g_ptr_array_add(errors, g_strdup_printf("%s: error: cannot read: %s", path, why));
        return NULL;
    }
    return scenario_load_text(path, text, len, errors);
}


void scenario_free(scenario *s)
{
    if (!s)
        return;
    for (int k = 0; k < 3; k++)
        if (s->index[k])
            g_hash_table_destroy(s->index[k]);
    g_free(s->file);
    g_free(s->name);
    g_free(s->description);
    for (size_t i = 0; i < s->nnetworks; i++)
        g_free(s->networks[i].name);
    g_free(s->networks);
    for (size_t i = 0; i < s->nhosts; i++) {
        g_free(s->hosts[i].name);
        g_free(s->hosts[i].rack);
        g_free(s->hosts[i].nics);
    }
    g_free(s->hosts);
    for (size_t i = 0; i < s->nracks; i++) {
        g_free(s->racks[i].name);
        g_free(s->racks[i].uplinks);
    }
    g_free(s->racks);
    for (size_t i = 0; i < s->nvms; i++) {
        g_free(s->vms[i].name);
        g_free(s->vms[i].dirty.trace_file);
        g_free(s->vms[i].dirty.trace_pages);
    }
    g_free(s->vms);
    for (size_t i = 0; i < s->nevents; i++) {
        g_free(s->events[i].target);
        g_free(s->events[i].key);
        g_free(s->events[i].value);
        if (s->events[i].groups)
            g_ptr_array_unref(s->events[i].groups);
    }
    g_free(s->events);
    for (size_t i = 0; i < s->nfailures; i++)
        g_free(s->failures[i].target);
    g_free(s->failures);
    g_free(s->storage.server);
    g_free(s->cluster.pcmk_delay_base);
    g_free(s);
}
