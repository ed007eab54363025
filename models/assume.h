/* assume — the defaults a result rests on (issue 15: "nothing that shapes a
 * result stays hidden").
 *
 * A catalogue of every default golive applies where a scenario is silent:
 * its key, its value, where the value comes from, and what it shapes. At
 * load time the scenario records which of them it left unset (per VM where
 * a VM may set its own); while a run goes, the models report each use of a
 * setting that changed what happened (a migration whose rate the default
 * bandwidth cap bounded, a fence that took the default fence time); the
 * report lists the defaults that were used, with the key to set. */
#ifndef GOLIVE_MODELS_ASSUME_H
#define GOLIVE_MODELS_ASSUME_H

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/scenario.h"

typedef enum {
    AS_UNTIL,
    AS_NET_LATENCY,
    AS_HOST_MEMORY,
    AS_HOST_CORES,
    AS_VM_VCPUS,
    /* migration (scenario-wide, or a VM's own migration block) */
    AS_MIG_MAX_BANDWIDTH,
    AS_MIG_LIBVIRT_BANDWIDTH,
    AS_MIG_DOWNTIME_LIMIT,
    AS_MIG_SETUP,
    AS_MIG_RESUME,
    AS_MIG_SUSPEND,
    AS_MIG_DEVICE_STATE,
    AS_MIG_SENDER,
    AS_MIG_SCAN_COST,
    AS_MIG_ZERO_COST,
    AS_MIG_XBZRLE_CACHE,
    AS_MIG_POSTCOPY_AFTER,
    AS_MIG_AC_INITIAL,
    AS_MIG_AC_INCREMENT,
    AS_MIG_AC_THRESHOLD,
    AS_MIG_AC_MAX,
    AS_MIG_XEN_MIN_RATE,
    AS_MIG_XEN_MAX_RATE,
    AS_MIG_XEN_ROUNDS,
    /* a VM's own */
    AS_VM_ZERO,
    AS_VM_KERNEL_DIRTY,
    AS_VM_COMPRESSION,
    AS_VM_BYTES_PER_WRITE,
    AS_VM_CPU_SHARE,
    AS_VM_WORKING_SET,
    AS_VM_DIRTY_COMPRESSION,
    /* model constants no key sets */
    AS_CONST_COMPRESSION_SPEED,
    AS_CONST_POSTCOPY_QUEUE,
    AS_CONST_FAULT_OVERHEAD,
    AS_CONST_CEPH_MONITORS,
    /* cluster */
    AS_CL_TOKEN,
    AS_CL_TOKEN_COEFFICIENT,
    AS_CL_CONSENSUS,
    AS_CL_FENCE_TIME,
    AS_CL_STONITH_TIMEOUT,
    AS_CL_REBOOT_TIME,
    AS_CL_PCMK_DELAY_MAX,
    AS_CL_PRIORITY_FENCING_DELAY,
    AS_CL_VM_START,
    AS_CL_VM_STOP,
    AS_CL_MIGRATE_TIMEOUT,
    AS_CL_MONITOR_INTERVAL,
    AS_CL_DC_DEADTIME,
    AS_CL_FAILURE_TIMEOUT,
    AS_CL_MIGRATION_LIMIT,
    AS_CL_NO_QUORUM_POLICY,
    AS_CL_LMS_WINDOW,
    AS_CL_TLS_BANDWIDTH,
    /* storage */
    AS_ST_DRBD_TIMEOUT,
    AS_ST_PING_INT,
    AS_ST_PING_TIMEOUT,
    AS_ST_KO_COUNT,
    AS_ST_RESYNC_RATE,
    AS_ST_FENCE_PEER_TIME,
    AS_ST_FENCING,
    AS_ST_AFTER_SB_0PRI,
    AS_ST_AFTER_SB_1PRI,
    AS_ST_AFTER_SB_2PRI,
    AS_ST_PROTOCOL,
    AS_ST_DISK_LATENCY,
    AS_ST_SWITCHOVER,
    AS_ST_JOURNAL_RECOVERY,
    AS_ST_TIMEO,
    AS_ST_RETRANS,
    AS_ST_MOUNT,
    AS_ST_FAILOVER,
    AS_ST_REPLACEMENT_TIMEOUT,
    AS_ST_NO_PATH_RETRY,
    AS_ST_SIZE,
    AS_ST_MIN_SIZE,
    /* failures */
    AS_FAIL_DISTRIBUTION,
    ASSUME_N
} assume_id;

/* Which defaults a scenario (or one VM of it) left unset, by assume_id. */
typedef scn_defaults assume_bits;

/* What one run (or many, summed) used: per default, how many times it
 * shaped something, and the lowest VM it did so for (-1: none, or a
 * scenario-wide setting), whose value is the one shown. */
typedef struct {
    uint32_t n[ASSUME_N];
    int32_t vm[ASSUME_N];
} assume_counts;

static inline bool assume_bits_has(const assume_bits *b, assume_id id)
{
    return (b->w[id / 64] >> (id % 64)) & 1u;
}

/* Records which defaults apply, from the scenario's JSON as written: into
 * s->defaulted the scenario-wide ones. Called by the loader once the
 * scenario is whole. */
void assume_mark(scenario *s, json_object *root);

/* A VM's own defaults and its migration's, marked by the loader as it
 * reads each VM (a data centre has 10^5 of them: read once, while in
 * cache). The marker holds what the scenario-wide settings fix. */
typedef struct assume_marker assume_marker;
assume_marker *assume_marker_new(json_object *root);
void assume_marker_free(assume_marker *m);
/* bits: the VM's defaulted; vo: its object; own_migration: its
 * "migration" object, NULL if none; get(data, obj, key): key's value in
 * obj, NULL if absent (the loader's look-up, which has them at hand). */
typedef json_object *(*assume_get_fn)(void *data, json_object *obj, const char *key);
void assume_mark_vm(const assume_marker *m, assume_bits *bits, json_object *vo, json_object *own_migration,
                    assume_get_fn get, void *data);

/* Whether id's default applies (to vm, for a VM's setting; -1 otherwise). */
bool assume_is_default(const scenario *s, assume_id id, int vm);

void assume_counts_init(assume_counts *c);
/* Counts one use of id for vm (-1 for a scenario-wide setting) when the
 * scenario left it at its default; returns whether it did. */
bool assume_use(assume_counts *c, const scenario *s, assume_id id, int vm);
/* Adds b's uses into a. */
void assume_counts_add(assume_counts *a, const assume_counts *b);

/* The key to set ("migration.max_bandwidth", "vms[].zero"; NULL for a
 * model constant), and the id a key names (-1 if none). */
const char *assume_key(assume_id id);
int assume_find(const char *key);

/* The report's "assumed" block: one object per default used (key, value
 * in base units and as shown, what it is, its source, how many times it
 * shaped the result and in how many runs), in catalogue order. runs_with
 * (may be NULL) gives the number of runs per id that used it; simulated
 * is the time the runs covered when `until` was not set (for its value). */
json_object *assume_json(const scenario *s, const assume_counts *c, const uint32_t *runs_with, int runs,
                         sim_time simulated);
/* Puts a block from assume_json into a report object (taking it) under both
 * of its names: "assumptions", as the report contract (DESIGN 6) names it,
 * and "assumed", the name it first shipped with. */
void assume_json_attach(json_object *parent, json_object *block);
/* The same as text lines, under a heading; nothing when none was used.
 * Brief: one line each (key, value, uses), no heading. */
void assume_text(const scenario *s, const assume_counts *c, const uint32_t *runs_with, int runs, sim_time simulated,
                 bool brief, GString *out);

#endif
