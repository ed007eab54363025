/* ceph_json — Ceph's JSON outputs for the importer (see the header). */
#include "cli/ceph_json.h"

#include <stdbool.h>
#include <string.h>

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

ceph_kind ceph_json_kind(json_object *root)
{
    if (json_object_is_type(member(root, "nodes"), json_type_array))
        return CEPH_OSD_TREE;
    if (json_object_is_type(member(root, "mons"), json_type_array))
        return CEPH_MON_DUMP;
    if (json_object_is_type(member(root, "pools"), json_type_array))
        return CEPH_POOLS; /* ceph osd dump */
    if (json_object_is_type(root, json_type_array) &&
        (!json_object_array_length(root) || member(json_object_array_get_idx(root, 0), "pool_name")))
        return CEPH_POOLS; /* ceph osd pool ls detail */
    return CEPH_NONE;
}

static void host_free(gpointer p)
{
    ceph_host *h = p;
    g_free(h->name);
    g_free(h);
}

static void pool_free(gpointer p)
{
    ceph_pool *q = p;
    g_free(q->name);
    g_free(q);
}

void ceph_info_free(ceph_info *c)
{
    if (!c)
        return;
    g_ptr_array_free(c->hosts, TRUE);
    g_ptr_array_free(c->pools, TRUE);
    g_ptr_array_free(c->mons, TRUE);
    g_free(c);
}

static const char *str(json_object *o, const char *key)
{
    json_object *v = member(o, key);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* The OSD tree: every bucket of type host, and the OSDs among its
 * children (ids >= 0) with their status. */
static bool read_tree(const char *file, json_object *root, ceph_info *c, char **err)
{
    json_object *nodes = member(root, "nodes");
    size_t n = json_object_array_length(nodes);
    for (size_t i = 0; i < n; i++) {
        json_object *b = json_object_array_get_idx(nodes, i);
        const char *type = str(b, "type"), *name = str(b, "name");
        if (!type || !name || !json_object_is_type(member(b, "id"), json_type_int)) {
            *err = g_strdup_printf("%s: nodes[%zu]: expected \"id\", \"name\" and \"type\" (ceph osd tree -f json)", file,
                                   i);
            return false;
        }
        if (strcmp(type, "host"))
            continue;
        ceph_host *h = g_new0(ceph_host, 1);
        h->name = g_strdup(name);
        g_ptr_array_add(c->hosts, h);
        json_object *kids = member(b, "children");
        for (size_t k = 0; json_object_is_type(kids, json_type_array) && k < json_object_array_length(kids); k++) {
            int64_t id = json_object_get_int64(json_object_array_get_idx(kids, k));
            if (id < 0)
                continue;
            h->osds++;
            for (size_t j = 0; j < n; j++) {
                json_object *o = json_object_array_get_idx(nodes, j);
                if (json_object_get_int64(member(o, "id")) == id && str(o, "status") &&
                    strcmp(str(o, "status"), "up"))
                    h->down++;
            }
        }
    }
    return true;
}

static bool read_pools(const char *file, json_object *root, ceph_info *c, char **err)
{
    json_object *arr = json_object_is_type(root, json_type_array) ? root : member(root, "pools");
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *p = json_object_array_get_idx(arr, i);
        const char *name = str(p, "pool_name");
        json_object *size = member(p, "size"), *min = member(p, "min_size");
        if (!name || !json_object_is_type(size, json_type_int) || !json_object_is_type(min, json_type_int) ||
            json_object_get_int(size) < 1 || json_object_get_int(min) < 1 ||
            json_object_get_int(min) > json_object_get_int(size)) {
            *err = g_strdup_printf("%s: pool %zu: expected \"pool_name\", \"size\" and \"min_size\" (1 <= min_size <= "
                                   "size)",
                                   file, i);
            return false;
        }
        ceph_pool *q = g_new0(ceph_pool, 1);
        q->name = g_strdup(name);
        q->size = json_object_get_int(size);
        q->min_size = json_object_get_int(min);
        g_ptr_array_add(c->pools, q);
    }
    return true;
}

static bool read_mons(const char *file, json_object *root, ceph_info *c, char **err)
{
    json_object *mons = member(root, "mons");
    for (size_t i = 0; i < json_object_array_length(mons); i++) {
        const char *name = str(json_object_array_get_idx(mons, i), "name");
        if (!name) {
            *err = g_strdup_printf("%s: mons[%zu]: no \"name\" (ceph mon dump -f json)", file, i);
            return false;
        }
        g_ptr_array_add(c->mons, g_strdup(name));
    }
    return true;
}

ceph_info *ceph_json_read(const char *file, json_object *root, char **err)
{
    ceph_info *c = g_new0(ceph_info, 1);
    c->kind = ceph_json_kind(root);
    c->hosts = g_ptr_array_new_with_free_func(host_free);
    c->pools = g_ptr_array_new_with_free_func(pool_free);
    c->mons = g_ptr_array_new_with_free_func(g_free);
    bool ok = c->kind == CEPH_OSD_TREE ? read_tree(file, root, c, err)
              : c->kind == CEPH_POOLS  ? read_pools(file, root, c, err)
              : c->kind == CEPH_MON_DUMP ? read_mons(file, root, c, err)
                                         : (*err = g_strdup_printf("%s: not a Ceph command's JSON", file), false);
    if (!ok) {
        ceph_info_free(c);
        return NULL;
    }
    return c;
}
