/* assume — the defaults a result rests on. */
#include "models/assume.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "models/units.h"

G_STATIC_ASSERT(ASSUME_N <= 128);

/* Where a key lives: the top level, a VM's object, a migration block (the
 * scenario's, which a VM's own may override), every item of an array, or
 * nowhere (a constant of the model). */
typedef enum { SCOPE_ROOT, SCOPE_VM, SCOPE_MIG, SCOPE_EACH, SCOPE_CONST } scope;
/* The struct that holds the value, and how to read and show it. */
typedef enum { BASE_NONE, BASE_MIG, BASE_VM, BASE_DIRTY, BASE_CLUSTER, BASE_STORAGE, BASE_NET, BASE_HOST } base;
typedef enum { V_TIME, V_RATE, V_SIZE, V_FRACTION, V_RATIO, V_INT, V_PPS, V_ENUM, V_TEXT } vkind;

typedef struct {
    const char *key;    /* as a user sets it */
    const char *path;   /* inside the scope's object, '.'-separated; for SCOPE_EACH "array:path" */
    scope sc;
    base b;
    size_t off;
    vkind vk;
    const char *const *names; /* V_ENUM */
    const char *text;         /* V_TEXT: the value as shown */
    const char *what;
    const char *source;
    const char *noun;         /* what it shaped, counted */
    const char *name;         /* a model constant's name (it has no key) */
} entry;

static const char *const protocols[] = { "A", "B", "C", NULL };

#define MIG(f) BASE_MIG, offsetof(scn_migration, f)
#define VM(f) BASE_VM, offsetof(scn_vm, f)
#define DIRTY(f) BASE_DIRTY, offsetof(scn_dirty, f)
#define CL(f) BASE_CLUSTER, offsetof(scn_cluster, f)
#define ST(f) BASE_STORAGE, offsetof(scn_storage, f)
#define SRC(row) "docs/sources.md row " row
#define ASSUMED "assumption, docs/models.md"

static const entry catalogue[ASSUME_N] = {
    [AS_UNTIL] = { "until", "until", SCOPE_ROOT, BASE_NONE, 0, V_TEXT, NULL, NULL,
                   "the end of the run: without it, a run lasts until nothing is left to happen (at most 24 h); "
                   "availability is over the time simulated",
                   "docs/scenario-format.md", "run" },
    [AS_NET_LATENCY] = { "networks[].latency", "networks:latency", SCOPE_EACH, BASE_NET, offsetof(scn_network, latency),
                         V_TIME, NULL, NULL, "one-way latency of a network (one switch hop)", ASSUMED, "run" },
    [AS_HOST_MEMORY] = { "hosts[].memory", "hosts:memory", SCOPE_EACH, BASE_HOST, offsetof(scn_host, memory), V_SIZE,
                         NULL, NULL, "a host's memory (what placement and capacity fill)", "docs/scenario-format.md",
                         "placement" },
    [AS_HOST_CORES] = { "hosts[].cores", "hosts:cores", SCOPE_EACH, BASE_HOST, offsetof(scn_host, cores), V_INT, NULL,
                        NULL, "a host's cores (its vCPUs after overcommit; threads a migration may use)",
                        "docs/scenario-format.md", "placement" },
    [AS_VM_VCPUS] = { "vms[].vcpus", "vcpus", SCOPE_VM, VM(vcpus), V_INT, NULL, NULL, "a VM's vCPUs",
                      "docs/scenario-format.md", "placement" },
    [AS_MIG_MAX_BANDWIDTH] = { "migration.max_bandwidth", "max_bandwidth", SCOPE_MIG, MIG(max_bandwidth_Bps), V_RATE,
                               NULL, NULL, "QEMU's max-bandwidth (since QEMU 5.2): it bounded the migration's rate below its links'",
                               SRC("35"), "migration" },
    [AS_MIG_LIBVIRT_BANDWIDTH] = { "migration.max_bandwidth", "max_bandwidth", SCOPE_MIG, MIG(max_bandwidth_Bps), V_RATE,
                                   NULL, NULL,
                                   "libvirt's max-bandwidth for virsh migrate, as Pacemaker's VirtualDomain runs it "
                                   "(its migration_speed unset): QEMU's own 128 MiB/s would have bounded the rate below "
                                   "its links'",
                                   SRC("35"), "migration" },
    [AS_MIG_DOWNTIME_LIMIT] = { "migration.downtime_limit", "downtime_limit", SCOPE_MIG, MIG(downtime_limit), V_TIME,
                                NULL, NULL, "QEMU's downtime-limit: when precopy stops the VM for the last copy", SRC("34"),
                                "migration" },
    [AS_MIG_SETUP] = { "migration.setup", "setup", SCOPE_MIG, MIG(setup), V_TIME, NULL, NULL,
                       "setup before the first pass (measured)", "docs/validation.md", "migration" },
    [AS_MIG_RESUME] = { "migration.resume", "resume", SCOPE_MIG, MIG(resume), V_TIME, NULL, NULL,
                        "the destination's resume after the last byte (part of the downtime)", "docs/validation.md",
                        "migration" },
    [AS_MIG_SUSPEND] = { "migration.suspend", "suspend", SCOPE_MIG, MIG(suspend), V_TIME, NULL, NULL,
                         "pausing the domain before the last copy (Xen 2005)", "docs/validation.md", "migration" },
    [AS_MIG_DEVICE_STATE] = { "migration.device_state", "device_state", SCOPE_MIG, MIG(device_state), V_SIZE, NULL,
                              NULL, "device state sent while paused besides RAM (measured)", "docs/validation.md",
                              "migration" },
    [AS_MIG_SENDER] = { "migration.multifd_channel_bandwidth", "multifd_channel_bandwidth", SCOPE_MIG,
                        MIG(multifd_channel_Bps), V_RATE, NULL, NULL,
                        "how fast one sender thread copies pages: it bounded the migration's rate below its links'",
                        ASSUMED, "migration" },
    [AS_MIG_SCAN_COST] = { "migration.page_scan_cost", "page_scan_cost", SCOPE_MIG, MIG(page_scan_cost), V_TIME, NULL,
                           NULL, "main-thread time to walk to a zero page (CPU-dependent)", "docs/validation.md",
                           "migration" },
    [AS_MIG_ZERO_COST] = { "migration.zero_page_cost", "zero_page_cost", SCOPE_MIG, MIG(zero_page_cost), V_TIME, NULL,
                           NULL, "time to find that a page is all zeros (CPU-dependent)", "docs/validation.md",
                           "migration" },
    [AS_MIG_XBZRLE_CACHE] = { "migration.xbzrle.cache_size", "xbzrle.cache_size", SCOPE_MIG, MIG(xbzrle_cache), V_SIZE,
                              NULL, NULL, "QEMU's xbzrle-cache-size", "docs/sources.md 6.3", "migration" },
    [AS_MIG_POSTCOPY_AFTER] = { "migration.postcopy.after_syncs", "postcopy.after_syncs", SCOPE_MIG,
                                MIG(postcopy_after_syncs), V_INT, NULL, NULL,
                                "postcopy starts at this bitmap sync (libvirt --postcopy-after-precopy: after the first pass)",
                                ASSUMED, "migration" },
    [AS_MIG_AC_INITIAL] = { "migration.auto_converge.initial", "auto_converge.initial", SCOPE_MIG, MIG(ac_initial),
                            V_FRACTION, NULL, NULL, "QEMU's cpu-throttle-initial", SRC("37"), "migration" },
    [AS_MIG_AC_INCREMENT] = { "migration.auto_converge.increment", "auto_converge.increment", SCOPE_MIG,
                              MIG(ac_increment), V_FRACTION, NULL, NULL, "QEMU's cpu-throttle-increment", SRC("37"),
                              "migration" },
    [AS_MIG_AC_THRESHOLD] = { "migration.auto_converge.threshold", "auto_converge.threshold", SCOPE_MIG,
                              MIG(ac_threshold), V_FRACTION, NULL, NULL, "QEMU's throttle-trigger-threshold", SRC("37"),
                              "migration" },
    [AS_MIG_AC_MAX] = { "migration.auto_converge.max", "auto_converge.max", SCOPE_MIG, MIG(ac_max), V_FRACTION, NULL,
                        NULL, "QEMU's max-cpu-throttle", SRC("37"), "migration" },
    [AS_MIG_XEN_MIN_RATE] = { "migration.xen_min_rate", "xen_min_rate", SCOPE_MIG, MIG(xen_min_rate_Bps), V_RATE, NULL,
                              NULL, "Xen 2005's first-round rate", "docs/validation.md", "migration" },
    [AS_MIG_XEN_MAX_RATE] = { "migration.xen_max_rate", "xen_max_rate", SCOPE_MIG, MIG(xen_max_rate_Bps), V_RATE, NULL,
                              NULL, "Xen 2005's highest rate", "docs/validation.md", "migration" },
    [AS_MIG_XEN_ROUNDS] = { "migration.xen_max_rounds", "xen_max_rounds", SCOPE_MIG, MIG(xen_max_rounds), V_INT, NULL,
                            NULL, "Xen 2005's most precopy rounds", "docs/validation.md", "migration" },
    [AS_VM_ZERO] = { "vms[].zero", "zero", SCOPE_VM, VM(zero), V_FRACTION, NULL, NULL,
                     "share of the VM's memory that is zero pages at the start (none: every page is sent whole)",
                     ASSUMED, "migration" },
    [AS_VM_KERNEL_DIRTY] = { "vms[].kernel_dirty_rate", "kernel_dirty_rate", SCOPE_VM, VM(kernel_dirty_pps), V_PPS,
                             NULL, NULL, "the guest kernel's own page writes (measured on an idle guest)",
                             "docs/validation.md", "migration" },
    [AS_VM_COMPRESSION] = { "vms[].memory_compression", "memory_compression", SCOPE_VM, VM(memory_compression),
                            V_RATIO, NULL, NULL, "what zstd makes of the VM's non-zero pages (ratio)", ASSUMED,
                            "migration" },
    [AS_VM_BYTES_PER_WRITE] = { "vms[].dirty.bytes_per_write", "dirty.bytes_per_write", SCOPE_VM,
                                BASE_DIRTY, offsetof(scn_dirty, bytes_per_write), V_SIZE, NULL, NULL,
                                "bytes of a page one write changes (XBZRLE's delta sizes)", ASSUMED, "migration" },
    [AS_VM_CPU_SHARE] = { "vms[].dirty.cpu_share", "dirty.cpu_share", SCOPE_VM, BASE_DIRTY,
                          offsetof(scn_dirty, cpu_share), V_FRACTION, NULL, NULL,
                          "share of a vCPU the writer needs (how much throttling or postcopy's fault waits slow it)", ASSUMED, "migration" },
    [AS_VM_WORKING_SET] = { "vms[].dirty.working_set", "dirty.working_set", SCOPE_VM, BASE_DIRTY,
                            offsetof(scn_dirty, working_set), V_SIZE, NULL, NULL,
                            "memory the writer writes to (all of the VM's)", "docs/scenario-format.md", "migration" },
    [AS_VM_DIRTY_COMPRESSION] = { "vms[].dirty.compression", "dirty.compression", SCOPE_VM, BASE_DIRTY,
                                  offsetof(scn_dirty, compression), V_RATIO, NULL, NULL,
                                  "what zstd makes of the pages the workload writes (the VM's memory_compression)",
                                  ASSUMED, "migration" },
    [AS_CONST_COMPRESSION_SPEED] = { NULL, NULL, SCOPE_CONST, BASE_NONE, 0, V_TEXT, NULL,
                                     "zstd 530 MB/s and zlib 110 MB/s per thread compressing; 1360 and 440 MB/s "
                                     "decompressing; zstd 13.4 and 15.8 times as fast on incompressible data, 45 "
                                     "and 4.9 times on runs of one byte",
                                     "compression speeds of one core (fixed in the model)", ASSUMED, "migration",
                                     "compression speed" },
    [AS_CONST_POSTCOPY_QUEUE] = { NULL, NULL, SCOPE_CONST, BASE_NONE, 0, V_TEXT, NULL, "4 MiB",
                                  "pages queued ahead of a requested page when the network is the bottleneck "
                                  "(fixed in the model)",
                                  ASSUMED, "migration", "postcopy queue" },
    [AS_CONST_FAULT_OVERHEAD] = { NULL, NULL, SCOPE_CONST, BASE_NONE, 0, V_TEXT, NULL, "100 us",
                                  "a remote fault's handling besides the network round trip and its page: "
                                  "userfaultfd and the request path (fixed in the model)",
                                  ASSUMED, "migration", "postcopy fault" },
    [AS_CONST_CEPH_MONITORS] = { NULL, NULL, SCOPE_CONST, BASE_NONE, 0, V_TEXT, NULL, "on the first three hosts",
                                 "where the Ceph monitors run (fixed in the model)", ASSUMED, "monitor failure",
                                 "Ceph monitors" },
    [AS_CL_TOKEN] = { "cluster.token", "cluster.token", SCOPE_ROOT, CL(token), V_TIME, NULL, NULL,
                      "corosync's token timeout", SRC("12"), "failure detection" },
    [AS_CL_TOKEN_COEFFICIENT] = { "cluster.token_coefficient", "cluster.token_coefficient", SCOPE_ROOT,
                                  CL(token_coefficient), V_TIME, NULL, NULL,
                                  "corosync's token added per node beyond two", SRC("12"), "failure detection" },
    [AS_CL_CONSENSUS] = { "cluster.consensus", "cluster.consensus", SCOPE_ROOT, BASE_NONE, 0, V_TEXT, NULL,
                          "1.2 x the token", "corosync's consensus timeout", SRC("13"), "failure detection" },
    [AS_CL_FENCE_TIME] = { "cluster.fence_time", "cluster.fence_time", SCOPE_ROOT, CL(fence_time), V_TIME, NULL, NULL,
                           "how long fencing a node takes (an IPMI power-off)", ASSUMED, "fence" },
    [AS_CL_STONITH_TIMEOUT] = { "cluster.stonith_timeout", "cluster.stonith_timeout", SCOPE_ROOT,
                                CL(stonith_timeout), V_TIME, NULL, NULL, "Pacemaker's stonith-timeout", SRC("19"),
                                "fence" },
    [AS_CL_REBOOT_TIME] = { "cluster.reboot_time", "cluster.reboot_time", SCOPE_ROOT, CL(reboot_time), V_TIME, NULL,
                            NULL, "a fenced or reset node's boot", ASSUMED, "reboot" },
    [AS_CL_PCMK_DELAY_MAX] = { "cluster.pcmk_delay_max", "cluster.pcmk_delay_max", SCOPE_ROOT, CL(pcmk_delay_max),
                               V_TIME, NULL, NULL, "random delay before fencing (none: both sides may shoot at once)",
                               "docs/sources.md 5.3", "fence" },
    [AS_CL_PRIORITY_FENCING_DELAY] = { "cluster.priority_fencing_delay", "cluster.priority_fencing_delay",
                                       SCOPE_ROOT, CL(priority_fencing_delay), V_TIME, NULL, NULL,
                                       "Pacemaker's priority-fencing-delay", SRC("20"), "fence" },
    [AS_CL_VM_START] = { "cluster.vm_start", "cluster.vm_start", SCOPE_ROOT, CL(vm_start), V_TIME, NULL, NULL,
                         "a VM's boot", ASSUMED, "VM start" },
    [AS_CL_VM_STOP] = { "cluster.vm_stop", "cluster.vm_stop", SCOPE_ROOT, CL(vm_stop), V_TIME, NULL, NULL,
                        "a VM's shutdown", ASSUMED, "VM stop" },
    [AS_CL_MIGRATE_TIMEOUT] = { "cluster.migrate_timeout", "cluster.migrate_timeout", SCOPE_ROOT, CL(migrate_timeout),
                                V_TIME, NULL, NULL,
                                "the migrate_to op's timeout (VirtualDomain's advised value, as pcs sets it; "
                                "Pacemaker's default without an op is 20 s)",
                                SRC("44"), "Pacemaker live migration" },
    [AS_CL_MONITOR_INTERVAL] = { "cluster.monitor_interval", "cluster.monitor_interval", SCOPE_ROOT,
                                 CL(monitor_interval), V_TIME, NULL, NULL,
                                 "VirtualDomain's monitor: how soon a dead VM is noticed", SRC("22"), "VM failure" },
    [AS_CL_DC_DEADTIME] = { "cluster.dc_deadtime", "cluster.dc_deadtime", SCOPE_ROOT, CL(dc_deadtime), V_TIME, NULL,
                            NULL, "Pacemaker's dc-deadtime (a lone node's wait before it acts)", SRC("20"),
                            "cluster start" },
    [AS_CL_FAILURE_TIMEOUT] = { "cluster.failure_timeout", "cluster.failure_timeout", SCOPE_ROOT,
                                CL(failure_timeout), V_TIME, NULL, NULL,
                                "resource failure-timeout (0: a failed start bans the node for good)", SRC("21"),
                                "failed start" },
    [AS_CL_MIGRATION_LIMIT] = { "cluster.migration_limit", "cluster.migration_limit", SCOPE_ROOT, BASE_NONE, 0,
                                V_TEXT, NULL, "unlimited", "Pacemaker's migration-limit: migrations from one host at once",
                                SRC("21"), "migration" },
    [AS_CL_NO_QUORUM_POLICY] = { "cluster.no_quorum_policy", "cluster.no_quorum_policy", SCOPE_ROOT,
                                 CL(no_quorum_policy), V_ENUM, scenario_nqp_names, NULL,
                                 "Pacemaker's no-quorum-policy", SRC("18"), "quorum loss" },
    [AS_CL_LMS_WINDOW] = { "cluster.last_man_standing_window", "cluster.last_man_standing_window", SCOPE_ROOT,
                           CL(lms_window), V_TIME, NULL, NULL, "votequorum's last_man_standing_window", SRC("16"),
                           "quorum change" },
    [AS_CL_TLS_BANDWIDTH] = { "cluster.libvirt.tls_bandwidth", "cluster.libvirt.tls_bandwidth", SCOPE_ROOT,
                              CL(tls_Bps), V_RATE, NULL, NULL, "one core's TLS encryption speed", ASSUMED,
                              "migration" },
    [AS_ST_DRBD_TIMEOUT] = { "storage.timeout", "storage.timeout", SCOPE_ROOT, ST(drbd_timeout), V_TIME, NULL, NULL,
                             "DRBD's timeout", SRC("5"), "peer loss" },
    [AS_ST_PING_INT] = { "storage.ping_int", "storage.ping_int", SCOPE_ROOT, ST(ping_int), V_TIME, NULL, NULL,
                         "DRBD's ping-int", SRC("6"), "peer loss" },
    [AS_ST_PING_TIMEOUT] = { "storage.ping_timeout", "storage.ping_timeout", SCOPE_ROOT, ST(ping_timeout), V_TIME,
                             NULL, NULL, "DRBD's ping-timeout", SRC("6"), "peer loss" },
    [AS_ST_KO_COUNT] = { "storage.ko_count", "storage.ko_count", SCOPE_ROOT, ST(ko_count), V_INT, NULL, NULL,
                         "DRBD's ko-count", SRC("7"), "peer loss" },
    [AS_ST_RESYNC_RATE] = { "storage.resync_rate", "storage.resync_rate", SCOPE_ROOT, ST(resync_rate_Bps), V_RATE,
                            NULL, NULL, "DRBD's c-max-rate", SRC("9"), "resync" },
    [AS_ST_FENCE_PEER_TIME] = { "storage.fence_peer_time", "storage.fence_peer_time", SCOPE_ROOT, ST(fence_peer),
                                V_TIME, NULL, NULL, "how long crm-fence-peer takes to place its constraint", ASSUMED,
                                "peer loss" },
    [AS_ST_FENCING] = { "storage.fencing", "storage.fencing", SCOPE_ROOT, ST(fencing), V_ENUM, scenario_fencing_names,
                        NULL, "DRBD's fencing policy", SRC("3"), "peer loss" },
    [AS_ST_AFTER_SB_0PRI] = { "storage.after_sb_0pri", "storage.after_sb_0pri", SCOPE_ROOT, BASE_NONE, 0, V_TEXT,
                              NULL, "disconnect", "DRBD's after-sb-0pri", SRC("4"), "reconnection" },
    [AS_ST_AFTER_SB_1PRI] = { "storage.after_sb_1pri", "storage.after_sb_1pri", SCOPE_ROOT, BASE_NONE, 0, V_TEXT,
                              NULL, "disconnect", "DRBD's after-sb-1pri", SRC("4"), "reconnection" },
    [AS_ST_AFTER_SB_2PRI] = { "storage.after_sb_2pri", "storage.after_sb_2pri", SCOPE_ROOT, BASE_NONE, 0, V_TEXT,
                              NULL, "disconnect", "DRBD's after-sb-2pri", SRC("4"), "reconnection" },
    [AS_ST_PROTOCOL] = { "storage.protocol", "storage.protocol", SCOPE_ROOT, ST(protocol), V_ENUM, protocols, NULL,
                         "DRBD's replication protocol", SRC("1"), "run" },
    [AS_ST_DISK_LATENCY] = { "storage.disk_latency", "storage.disk_latency", SCOPE_ROOT, ST(disk_latency), V_TIME,
                             NULL, NULL, "one small write's commit on a disk (the write latency's floor)", ASSUMED,
                             "run" },
    [AS_ST_SWITCHOVER] = { "storage.switchover", "storage.switchover", SCOPE_ROOT, ST(switchover), V_TIME, NULL, NULL,
                           "the storage's part of a migration's downtime (locks, flush)", ASSUMED, "migration" },
    [AS_ST_JOURNAL_RECOVERY] = { "storage.journal_recovery", "storage.journal_recovery", SCOPE_ROOT,
                                 ST(journal_recovery), V_TIME, NULL, NULL,
                                 "DLM recovery and a journal replay after a fence", ASSUMED, "fence" },
    [AS_ST_TIMEO] = { "storage.timeo", "storage.timeo", SCOPE_ROOT, ST(timeo), V_TIME, NULL, NULL,
                      "the NFS client's timeo", SRC("26"), "lost path" },
    [AS_ST_RETRANS] = { "storage.retrans", "storage.retrans", SCOPE_ROOT, ST(retrans), V_INT, NULL, NULL,
                        "the NFS client's retrans", SRC("26"), "lost path" },
    [AS_ST_MOUNT] = { "storage.mount", "storage.mount", SCOPE_ROOT, BASE_NONE, 0, V_TEXT, NULL, "hard",
                      "NFS mount: a hard mount waits for the server for ever", SRC("26"), "lost path" },
    [AS_ST_FAILOVER] = { "storage.failover", "storage.failover", SCOPE_ROOT, BASE_NONE, 0, V_TEXT, NULL,
                         "none (the server must be repaired)", "an HA storage server's failover", "docs/scenario-format.md",
                         "server outage" },
    [AS_ST_REPLACEMENT_TIMEOUT] = { "storage.replacement_timeout", "storage.replacement_timeout", SCOPE_ROOT,
                                    ST(give_up), V_TIME, NULL, NULL, "open-iscsi's replacement_timeout", SRC("24"),
                                    "lost path" },
    [AS_ST_NO_PATH_RETRY] = { "storage.no_path_retry", "storage.no_path_retry", SCOPE_ROOT, BASE_NONE, 0, V_TEXT, NULL,
                              "fail", "multipath's no_path_retry", SRC("25"), "lost path" },
    [AS_ST_SIZE] = { "storage.size", "storage.size", SCOPE_ROOT, ST(size), V_INT, NULL, NULL,
                     "Ceph pool size (copies)", SRC("30"), "run" },
    [AS_ST_MIN_SIZE] = { "storage.min_size", "storage.min_size", SCOPE_ROOT, ST(min_size), V_INT, NULL, NULL,
                         "Ceph pool min_size (copies below which IO blocks)", SRC("30"), "OSD loss" },
    [AS_FAIL_DISTRIBUTION] = { "failures[].distribution", "failures:distribution", SCOPE_EACH, BASE_NONE, 0, V_TEXT,
                               NULL, "exponential", "time between failures (memoryless)", "docs/scenario-format.md",
                               "failure" },
};

/* ------------------------------------------------------------------ which are unset */

static void bit_set(assume_bits *b, assume_id id) { b->w[id / 64] |= (uint64_t)1 << (id % 64); }

/* Whether obj has the path, split at its dots. */
static bool has_parts(json_object *obj, char *const *parts)
{
    for (size_t i = 0; parts[i]; i++) {
        if (!obj || !json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, parts[i], &obj))
            return false;
    }
    return true;
}

static bool has_path(json_object *obj, const char *path)
{
    g_auto(GStrv) parts = g_strsplit(path, ".", -1);
    return has_parts(obj, parts);
}

/* Every item of root's array has path (an empty or missing array: none to set). */
static bool each_has(json_object *root, const char *spec)
{
    g_auto(GStrv) ap = g_strsplit(spec, ":", 2);
    json_object *arr;
    if (!json_object_object_get_ex(root, ap[0], &arr) || !json_object_is_type(arr, json_type_array))
        return true;
    g_auto(GStrv) parts = g_strsplit(ap[1], ".", -1);
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (!has_parts(json_object_array_get_idx(arr, i), parts))
            return false;
    return true;
}

/* The per-VM settings' paths, each split once, and whether the
 * scenario-wide migration defaults set them. */
struct assume_marker {
    char **parts[ASSUME_N];
    bool in_defaults[ASSUME_N];
};

assume_marker *assume_marker_new(json_object *root)
{
    assume_marker *m = g_new0(assume_marker, 1);
    json_object *mig = NULL;
    json_object_object_get_ex(root, "migration", &mig);
    for (int id = 0; id < ASSUME_N; id++) {
        const entry *e = &catalogue[id];
        if (e->sc == SCOPE_VM || e->sc == SCOPE_MIG) {
            m->parts[id] = g_strsplit(e->path, ".", -1);
            m->in_defaults[id] = e->sc == SCOPE_MIG && has_parts(mig, m->parts[id]);
        }
    }
    return m;
}

void assume_marker_free(assume_marker *m)
{
    if (!m)
        return;
    for (int id = 0; id < ASSUME_N; id++)
        g_strfreev(m->parts[id]);
    g_free(m);
}

/* Whether obj has the path, through the loader's own look-up. */
static bool has_parts_via(assume_get_fn get, void *data, json_object *obj, char *const *parts)
{
    for (size_t i = 0; parts[i]; i++)
        if (!obj || !json_object_is_type(obj, json_type_object) || !(obj = get(data, obj, parts[i])))
            return false;
    return true;
}

void assume_mark_vm(const assume_marker *m, assume_bits *bits, json_object *vo, json_object *own_migration,
                    assume_get_fn get, void *data)
{
    memset(bits, 0, sizeof *bits);
    for (int id = 0; id < ASSUME_N; id++) {
        if (!m->parts[id])
            continue;
        bool set = catalogue[id].sc == SCOPE_VM
                       ? has_parts_via(get, data, vo, m->parts[id])
                       : m->in_defaults[id] || (own_migration && has_parts_via(get, data, own_migration, m->parts[id]));
        if (!set)
            bit_set(bits, (assume_id)id);
    }
}

void assume_mark(scenario *s, json_object *root)
{
    memset(&s->defaulted, 0, sizeof s->defaulted);
    for (int id = 0; id < ASSUME_N; id++) {
        const entry *e = &catalogue[id];
        switch (e->sc) {
        case SCOPE_ROOT:
            if (!has_path(root, e->path))
                bit_set(&s->defaulted, (assume_id)id);
            break;
        case SCOPE_EACH:
            if (!each_has(root, e->path))
                bit_set(&s->defaulted, (assume_id)id);
            break;
        case SCOPE_CONST:
            bit_set(&s->defaulted, (assume_id)id);
            break;
        case SCOPE_VM:
        case SCOPE_MIG:
            break;
        }
    }
}

bool assume_is_default(const scenario *s, assume_id id, int vm)
{
    const entry *e = &catalogue[id];
    if (e->sc == SCOPE_VM || e->sc == SCOPE_MIG)
        return vm >= 0 && (size_t)vm < s->nvms && assume_bits_has(&s->vms[vm].defaulted, id);
    return assume_bits_has(&s->defaulted, id);
}

void assume_counts_init(assume_counts *c)
{
    memset(c->n, 0, sizeof c->n);
    for (int i = 0; i < ASSUME_N; i++)
        c->vm[i] = -1;
}

bool assume_use(assume_counts *c, const scenario *s, assume_id id, int vm)
{
    if (!assume_is_default(s, id, vm))
        return false;
    if (c->n[id] < UINT32_MAX)
        c->n[id]++;
    if (vm >= 0 && (c->vm[id] < 0 || vm < c->vm[id]))
        c->vm[id] = vm;
    return true;
}

void assume_counts_add(assume_counts *a, const assume_counts *b)
{
    for (int i = 0; i < ASSUME_N; i++) {
        a->n[i] = b->n[i] > UINT32_MAX - a->n[i] ? UINT32_MAX : a->n[i] + b->n[i];
        if (b->vm[i] >= 0 && (a->vm[i] < 0 || b->vm[i] < a->vm[i]))
            a->vm[i] = b->vm[i];
    }
}

const char *assume_key(assume_id id) { return catalogue[id].key; }

int assume_find(const char *key)
{
    for (int i = 0; i < ASSUME_N; i++)
        if (catalogue[i].key && !strcmp(catalogue[i].key, key))
            return i;
    return -1;
}

/* ------------------------------------------------------------------ the block */

/* The value in base units (NAN for a text value), and as shown. */
static double value_of(const scenario *s, assume_id id, int vm, sim_time simulated, char **shown)
{
    const entry *e = &catalogue[id];
    const char *p = NULL;
    const scn_vm *v = vm >= 0 && (size_t)vm < s->nvms ? &s->vms[vm] : NULL;
    switch (e->b) {
    case BASE_MIG: p = (const char *)(v ? &v->migration : &s->migration); break;
    case BASE_VM: p = (const char *)v; break;
    case BASE_DIRTY: p = v ? (const char *)&v->dirty : NULL; break;
    case BASE_CLUSTER: p = (const char *)&s->cluster; break;
    case BASE_STORAGE: p = (const char *)&s->storage; break;
    case BASE_NET: p = s->nnetworks ? (const char *)&s->networks[0] : NULL; break;
    case BASE_HOST: p = s->nhosts ? (const char *)&s->hosts[0] : NULL; break;
    case BASE_NONE: break;
    }
    if (id == AS_UNTIL) {
        g_autofree char *t = units_format(UNITS_TIME, sim_to_s(simulated));
        *shown = g_strdup_printf("not set: %s simulated", t);
        return sim_to_s(simulated);
    }
    if (id == AS_CL_CONSENSUS) {
        int nodes = 0;
        for (size_t h = 0; h < s->nhosts; h++)
            nodes += scenario_is_node(s, (int)h);
        sim_time token = s->cluster.token + (nodes > 2 ? (nodes - 2) * s->cluster.token_coefficient : 0);
        double c = 1.2 * sim_to_s(token);
        g_autofree char *t = units_format(UNITS_TIME, c);
        *shown = g_strdup_printf("%s (1.2 x the token)", t);
        return c;
    }
    if (e->vk == V_TEXT || !p) {
        *shown = g_strdup(e->text ? e->text : "-");
        return NAN;
    }
    p += e->off;
    double x;
    switch (e->vk) {
    case V_TIME: {
        sim_time t;
        memcpy(&t, p, sizeof t);
        x = sim_to_s(t);
        *shown = x == 0 ? g_strdup("0 s") : units_format(UNITS_TIME, x);
        return x;
    }
    case V_RATE:
    case V_SIZE:
    case V_FRACTION:
    case V_RATIO:
    case V_PPS:
        memcpy(&x, p, sizeof x);
        if (e->vk == V_RATE) {
            if (x == 0) {
                *shown = g_strdup("unlimited");
                return 0;
            }
            g_autofree char *bytes = units_format(UNITS_SIZE, x), *bits = units_format(UNITS_RATE, x);
            *shown = g_strdup_printf("%s/s (%s)", bytes, bits);
        } else if (e->vk == V_SIZE)
            *shown = units_format(UNITS_SIZE, x);
        else if (e->vk == V_FRACTION)
            *shown = units_format(UNITS_FRACTION, x);
        else if (e->vk == V_RATIO)
            *shown = g_strdup_printf("%g", x);
        else
            *shown = g_strdup_printf("%g pages/s", x);
        return x;
    case V_INT: {
        int i;
        memcpy(&i, p, sizeof i);
        *shown = g_strdup_printf("%d", i);
        return i;
    }
    case V_ENUM: {
        int i;
        memcpy(&i, p, sizeof i);
        *shown = g_strdup(e->names[i]);
        return NAN;
    }
    case V_TEXT: break;
    }
    *shown = g_strdup("-");
    return NAN;
}

static const char *const units_of[] = { [V_TIME] = "s", [V_RATE] = "B/s", [V_SIZE] = "B", [V_FRACTION] = "fraction",
                                        [V_RATIO] = "ratio", [V_INT] = "count", [V_PPS] = "pages/s", [V_ENUM] = NULL,
                                        [V_TEXT] = NULL };

void assume_json_attach(json_object *parent, json_object *block)
{
    json_object_object_add(parent, "assumptions", json_object_get(block));
    json_object_object_add(parent, "assumed", block);
}

json_object *assume_json(const scenario *s, const assume_counts *c, const uint32_t *runs_with, int runs,
                         sim_time simulated)
{
    json_object *arr = json_object_new_array();
    for (int id = 0; id < ASSUME_N; id++) {
        if (!c->n[id])
            continue;
        const entry *e = &catalogue[id];
        g_autofree char *shown = NULL;
        double x = value_of(s, (assume_id)id, c->vm[id], simulated, &shown);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "key", e->key ? json_object_new_string(e->key) : NULL);
        if (!e->key)
            json_object_object_add(o, "name", json_object_new_string(e->name));
        json_object_object_add(o, "value", isfinite(x) ? json_object_new_double(x) : NULL);
        const char *unit = id == AS_UNTIL || id == AS_CL_CONSENSUS ? "s" : units_of[e->vk];
        json_object_object_add(o, "unit", unit && isfinite(x) ? json_object_new_string(unit) : NULL);
        json_object_object_add(o, "shown", json_object_new_string(shown));
        json_object_object_add(o, "what", json_object_new_string(e->what));
        json_object_object_add(o, "source", json_object_new_string(e->source));
        json_object_object_add(o, "shaped", json_object_new_int64(c->n[id]));
        json_object_object_add(o, "of", json_object_new_string(e->noun));
        if (runs_with)
            json_object_object_add(o, "runs", json_object_new_int64(runs_with[id]));
        if (c->vm[id] >= 0 && (e->sc == SCOPE_VM || e->sc == SCOPE_MIG))
            json_object_object_add(o, "vm", json_object_new_string(s->vms[c->vm[id]].name));
        json_object_array_add(arr, o);
    }
    (void)runs;
    return arr;
}

void assume_text(const scenario *s, const assume_counts *c, const uint32_t *runs_with, int runs, sim_time simulated,
                 bool brief, GString *out)
{
    bool any = false;
    for (int id = 0; id < ASSUME_N; id++) {
        if (!c->n[id])
            continue;
        const entry *e = &catalogue[id];
        if (!any && !brief)
            g_string_append(out, "assumed (defaults the scenario does not set that shaped these results; set the "
                                 "key to change one):\n");
        any = true;
        g_autofree char *shown = NULL;
        value_of(s, (assume_id)id, c->vm[id], simulated, &shown);
        size_t nl = strlen(e->noun);
        g_autofree char *head = e->key ? g_strdup_printf("%s = %s", e->key, shown)
                                       : g_strdup_printf("(model) %s: %s", e->name, shown);
        bool per_run = !strcmp(e->noun, "run");
        if (!per_run || !runs_with || runs <= 1)
            g_string_append_printf(out, "  %-58s %u %s%s", head, c->n[id], e->noun,
                                   c->n[id] == 1 ? "" : e->noun[nl - 1] == 's' ? "es" : "s");
        else
            g_string_append_printf(out, "  %-58s", head);
        if (runs_with && runs > 1)
            g_string_append_printf(out, " in %u of %d runs", runs_with[id], runs);
        if (!brief)
            g_string_append_printf(out, "\n      %s [%s]", e->what, e->source);
        g_string_append_c(out, '\n');
    }
}
