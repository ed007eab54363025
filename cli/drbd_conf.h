/* drbd_conf — DRBD's configuration as `drbdadm dump` prints it (or the
 * resource files it reads), for golive import. The grammar is drbdadm's
 * (drbd-utils, user/v9/drbdadm_parser.c): words, "quoted strings", #
 * comments, statements ending in ';' and sections in braces; `common`
 * gives every resource what it does not set itself. Only the settings
 * golive simulates are checked and kept, each with its line. */
#ifndef GOLIVE_CLI_DRBD_CONF_H
#define GOLIVE_CLI_DRBD_CONF_H

#include <glib.h>
#include <stdbool.h>

typedef struct {
    char *name;
    char *address; /* "10.77.2.1" (family and port removed) */
    int line;
} drbd_host;

typedef struct {
    char *name;
    int line;
    GPtrArray *hosts;      /* drbd_host * */
    GHashTable *settings;  /* "net.protocol" -> value, common's included */
    GHashTable *lines;     /* key -> GINT_TO_POINTER(line) */
    bool v9;               /* node-id, connection-mesh or quorum: DRBD 9's format */
    GPtrArray *devices;    /* "/dev/drbd1" */
} drbd_resource;

typedef struct drbd_conf drbd_conf;

/* Does the text begin as a DRBD configuration does? */
bool drbd_conf_sniff(const char *text, size_t len);
drbd_conf *drbd_conf_parse(const char *file, const char *text, size_t len, char **err);
void drbd_conf_free(drbd_conf *c);
size_t drbd_conf_nresources(const drbd_conf *c);
const drbd_resource *drbd_conf_resource(const drbd_conf *c, size_t i);
/* "line N: section.key" of what was read but is not simulated */
const GPtrArray *drbd_conf_unused(const drbd_conf *c);

#endif
