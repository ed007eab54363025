/* ceph_json — what Ceph's own commands print with -f json, for golive
 * import: `ceph osd tree` (hosts and their OSDs), `ceph osd pool ls detail`
 * or `ceph osd dump` (each pool's size and min_size), `ceph mon dump` (the
 * monitors, in rank order). Formats as Ceph 16 prints them. */
#ifndef GOLIVE_CLI_CEPH_JSON_H
#define GOLIVE_CLI_CEPH_JSON_H

#include <glib.h>
#include <json-c/json.h>

typedef enum { CEPH_NONE, CEPH_OSD_TREE, CEPH_POOLS, CEPH_MON_DUMP } ceph_kind;

typedef struct {
    char *name;
    int osds, down; /* OSDs under the host bucket, and how many are down */
} ceph_host;

typedef struct {
    char *name;
    int size, min_size;
} ceph_pool;

typedef struct {
    ceph_kind kind;
    GPtrArray *hosts; /* ceph_host *, CEPH_OSD_TREE */
    GPtrArray *pools; /* ceph_pool *, CEPH_POOLS */
    GPtrArray *mons;  /* char *, CEPH_MON_DUMP, in rank order */
} ceph_info;

/* Which command printed it, CEPH_NONE if none of them. */
ceph_kind ceph_json_kind(json_object *root);
/* Its content, or NULL and *err (file, why). */
ceph_info *ceph_json_read(const char *file, json_object *root, char **err);
void ceph_info_free(ceph_info *c);

#endif
