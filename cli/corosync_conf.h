/* corosync_conf — corosync.conf read as corosync 3.1.7 reads it.
 *
 * The structure follows exec/coroparse.c (parse_section): one item per
 * line, `name {` opens a section, `key: value` sets a key (the value is
 * everything after the first colon), `}` alone closes, a line whose first
 * character is `#` is a comment; any other line, a line of 512 bytes or
 * more, an unbalanced brace, and a value that is not an integer where
 * corosync wants one (totem timeouts, quorum flags) are errors, named by
 * file and line as corosync names them. A key set twice keeps the last
 * value, as corosync's map does. */
#ifndef GOLIVE_CLI_COROSYNC_CONF_H
#define GOLIVE_CLI_COROSYNC_CONF_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct corosync_conf corosync_conf;

/* NULL and *err (file:line: why) when the text is not a corosync.conf. */
corosync_conf *corosync_conf_parse(const char *file, const char *text, size_t len, char **err);
void corosync_conf_free(corosync_conf *c);

/* A key outside the nodelist by its dotted path ("totem.token",
 * "quorum.device.net.host"), NULL if not set; *line its line. */
const char *corosync_conf_get(const corosync_conf *c, const char *path, int *line);
/* An integer key (checked when parsed); def when not set. */
int64_t corosync_conf_int(const corosync_conf *c, const char *path, int64_t def);

/* nodelist { node { ... } }: their number, and a key of node i ("name",
 * "nodeid", "ring0_addr" ...), NULL if not set. */
size_t corosync_conf_nnodes(const corosync_conf *c);
const char *corosync_conf_node(const corosync_conf *c, size_t i, const char *key, int *line);
/* The line where node i's section opens. */
int corosync_conf_node_line(const corosync_conf *c, size_t i);

/* Every key set, in file order, as "path" (nodes as nodelist.node.N.key),
 * for the import report's list of what was read and what was not used. */
size_t corosync_conf_nkeys(const corosync_conf *c);
const char *corosync_conf_key(const corosync_conf *c, size_t i, const char **value, int *line);

#endif
