/* dirtyrate — measured dirty rates for golive import: the output of
 * `virsh domstats --dirtyrate` (one block per domain, after `virsh
 * domdirtyrate-calc`) or a QMP reply to query-dirty-rate (as `virsh
 * qemu-monitor-command DOMAIN '{"execute":"query-dirty-rate"}'` prints it,
 * or the bare result object). QEMU's figure (migration/dirtyrate.c,
 * update_dirtyrate) is the share of sampled pages whose content changed
 * over the period, times the guest's memory, per second, in MiB/s (libvirt
 * calls them megabytes): distinct memory changed, not writes. */
#ifndef GOLIVE_CLI_DIRTYRATE_H
#define GOLIVE_CLI_DIRTYRATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    char *vm;        /* the domain, from virsh's "Domain: 'NAME'"; NULL for a QMP reply */
    int64_t mib_s;   /* MiB of memory changed per second */
    double period_s; /* the measurement's period */
    char *mode;      /* page-sampling, dirty-bitmap, dirty-ring */
    int line;
} dirtyrate_entry;

/* Does the text look like either format? */
bool dirtyrate_sniff(const char *text, size_t len);
/* The measurements (free with g_ptr_array_free), or NULL and *err (file,
 * line, why): a measurement not finished, a missing rate or period. */
GPtrArray *dirtyrate_parse(const char *file, const char *text, size_t len, char **err);

#endif
