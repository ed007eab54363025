/* scenario — the JSON scenario format (DESIGN section 4): loading, strict
 * checking, and the plain data the models are built from.
 *
 * Every error of a file is collected, not only the first; each names the
 * file, the JSON path and what was expected ("s.json: hosts[1].nics[0].bandwidth:
 * expected a rate such as ..."), and syntax errors give line and column
 * ("s.json:3:14: error: ..."). Quantities are in base units here: bytes,
 * bytes/s, nanoseconds, fractions. */
#ifndef GOLIVE_MODELS_SCENARIO_H
#define GOLIVE_MODELS_SCENARIO_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/simtime.h"

typedef struct {
    char *name;
    sim_time latency;
} scn_network;

typedef struct {
    int network;          /* index into scenario.networks */
    double bandwidth_Bps;
} scn_nic;

typedef struct {
    char *name;
    scn_nic *uplinks;     /* per network: the rack's capacity to the rest, each way */
    size_t nuplinks;
} scn_rack;

typedef struct {
    char *name;
    int cores;
    double memory;
    char *rack;           /* may be NULL */
    int rack_index;       /* index into scenario.racks, -1 if none declared */
    int rack_id;          /* its rack, named by the rack's first host (declared in racks or not), -1 if none */
    int disks;            /* data disks (Ceph: one OSD each) */
    double disk_size;     /* bytes of each data disk; 0: not given (capacity does not check disks) */
    int first_osd;        /* Ceph id of its first OSD: hosts number their disks in order */
    scn_nic *nics;
    size_t nnics;
} scn_host;

typedef enum { DIRTY_NONE, DIRTY_UNIFORM, DIRTY_SEQUENTIAL, DIRTY_HOTCOLD, DIRTY_TRACE } scn_dirty_model;

/* Which defaults a scenario or a VM left unset, by models/assume.h id. */
typedef struct {
    uint64_t w[2];
} scn_defaults;

typedef struct {
    scn_dirty_model model;
    double rate_pps;      /* page writes per second (uniform, sequential; hot set for hotcold) */
    double working_set;   /* bytes (uniform, sequential; hot set for hotcold) */
    double cold_rate_pps; /* hotcold: page writes per second outside the hot set */
    double cpu_share;     /* share of a vCPU the writing needs (throttling effect); 1 = all */
    double bytes_per_write; /* bytes of a page one write changes (XBZRLE's deltas) */
    double compression;   /* zstd -1 ratio of the pages it writes (the VM's memory_compression unless set) */
    /* trace: distinct pages dirtied per interval, from a CSV file */
    char *trace_file;
    sim_time trace_interval;
    double *trace_pages;
    size_t ntrace;
} scn_dirty;

typedef enum { SERVICE_NONE, SERVICE_TCP, SERVICE_UDP_GAME } scn_service_type;

typedef struct {
    scn_service_type type;
    sim_time tick;        /* udp-game: server frame time */
    sim_time rto_min;     /* tcp: minimum retransmission timeout */
} scn_service;

typedef enum { PROFILE_QEMU, PROFILE_XEN_2005 } scn_profile;
/* multifd-compression */
typedef enum { COMPRESS_NONE, COMPRESS_ZLIB, COMPRESS_ZSTD } scn_compression;

typedef struct {
    scn_profile profile;
    int network;                 /* -1: the first network */
    double max_bandwidth_Bps;    /* 0: unlimited */
    bool max_bandwidth_set;      /* by the scenario (else QEMU's default, or libvirt's) */
    bool libvirt_bandwidth;      /* unset under libvirt (Pacemaker): its unlimited default */
    sim_time downtime_limit;
    sim_time setup;              /* before the first pass */
    double device_state;         /* bytes sent while paused besides RAM */
    sim_time suspend;            /* pausing the VM before the final copy */
    sim_time resume;             /* destination resume after the last byte */
    bool auto_converge;
    double ac_initial, ac_increment, ac_threshold, ac_max;
    bool ac_tailslow;            /* cpu-throttle-tailslow */
    bool xbzrle;
    double xbzrle_cache, xbzrle_hit_ratio, xbzrle_compression;
    bool postcopy;
    int postcopy_after_syncs;    /* start postcopy once dirty-sync-count reaches this */
    bool postcopy_recovery;
    bool postcopy_preempt;       /* postcopy-preempt: requested pages on their own channel */
    double postcopy_bandwidth_Bps; /* max-postcopy-bandwidth; 0: unlimited */
    int multifd_channels;        /* 0: off */
    scn_compression multifd_compression; /* with multifd only */
    bool zero_detection_multifd; /* zero-page-detection=multifd (else legacy, in the main thread) */
    sim_time page_scan_cost;     /* main-thread time per zero page */
    sim_time zero_page_cost;     /* time to find a page is all zeros */
    double multifd_channel_Bps;  /* per-channel CPU limit */
    double tls_Bps;              /* per-channel encryption speed with libvirt/QEMU TLS; 0: no TLS */
    /* xen-2005 */
    double xen_min_rate_Bps, xen_max_rate_Bps, xen_rate_step_Bps;
    int xen_max_rounds;
    double xen_max_factor;
    int xen_stop_pages;
} scn_migration;

typedef struct {
    char *name;
    int host;                /* index into scenario.hosts */
    double memory;
    int vcpus;
    double zero;             /* fraction of memory that is zero pages at start */
    double kernel_dirty_pps; /* the guest kernel's own page writes per second */
    double memory_compression; /* what zstd level 1 makes of its non-zero pages (ratio >= 1) */
    scn_dirty dirty;
    double disk_size, disk_write_Bps;
    scn_service service;
    scn_migration migration; /* scenario-wide values with the VM's overrides */
    int priority;            /* Pacemaker resource priority */
    scn_defaults defaulted;  /* its own settings and its migration's left unset */
} scn_vm;

typedef enum {
    EV_MIGRATE, EV_DRAIN, EV_FAIL, EV_REPAIR, EV_PARTITION, EV_HEAL, EV_CANCEL, EV_SET, EV_UNDRAIN,
} scn_action;

/* A failure target, resolved at load time: what `fail` and `repair`
 * events and failure classes name ("host:NAME", "nic:HOST/NETWORK",
 * "network:NAME", "disk:HOST/N", "osd:N", "mon:HOST", "storage-server").
 * In a failure class's pattern, -1 is the wildcard "*". */
typedef enum {
    TARGET_HOST,
    TARGET_NIC,
    TARGET_NETWORK,
    TARGET_DISK,
    TARGET_OSD,
    TARGET_MON,
    TARGET_STORAGE_SERVER,
} scn_target_kind;

typedef struct {
    scn_target_kind kind;
    int host;      /* host, nic, disk, mon */
    int network;   /* nic, network */
    int disk;      /* disk: N of the host; osd: N over all hosts */
    bool nfs_name; /* storage-server written by its older name, nfs-server */
} scn_target;

typedef struct {
    sim_time at;
    scn_action action;
    int vm;              /* -1 when not used */
    int to;              /* host index; -1: let placement choose */
    int host;
    int rack;            /* drain: a host of the rack to drain whole, -1 if none */
    char *target;        /* fail/repair: as written, for the record */
    scn_target tgt;      /* fail/repair: what it names */
    bool hang;           /* fail with mode "hang": a disk whose IO never completes */
    GPtrArray *groups;   /* partition: GPtrArray of GPtrArray of host names */
    char *key;           /* set */
    char *value;         /* set: the value as JSON text */
} scn_event;

typedef struct {
    char *target;        /* pattern as written, e.g. "host:*" */
    scn_target pattern;  /* what it matches (-1: any) */
    sim_time mtbf, mttr;
    bool weibull;
    double shape;
} scn_failure;

/* Settings that select behaviour, parsed at load time; the names as the
 * format spells them are in scenario_*_names (for reports and messages). */
typedef enum { STORAGE_LOCAL, STORAGE_NFS, STORAGE_ISCSI, STORAGE_DRBD, STORAGE_CEPH } scn_storage_type;
typedef enum { LOCK_NONE, LOCK_CLVM, LOCK_LVMLOCKD_SANLOCK, LOCK_GFS2, LOCK_OCFS2, LOCK_SANLOCK } scn_lock;
typedef enum { DRBD_8_3, DRBD_8_4, DRBD_9 } scn_drbd_version;
typedef enum { PROTOCOL_A, PROTOCOL_B, PROTOCOL_C } scn_protocol;
typedef enum { FENCING_DONT_CARE, FENCING_RESOURCE_ONLY, FENCING_RESOURCE_AND_STONITH } scn_fencing;
typedef enum {
    SB_DISCONNECT, SB_DISCARD_YOUNGER_PRIMARY, SB_DISCARD_OLDER_PRIMARY, SB_DISCARD_ZERO_CHANGES,
    SB_DISCARD_LEAST_CHANGES, SB_CONSENSUS, SB_VIOLENTLY_AS0P, SB_DISCARD_SECONDARY, SB_CALL_PRI_LOST_AFTER_SB,
} scn_after_sb;
typedef enum { NQP_STOP, NQP_FREEZE, NQP_IGNORE, NQP_FENCE, NQP_DEMOTE } scn_no_quorum_policy;
typedef enum { MANAGER_NONE, MANAGER_PACEMAKER } scn_manager;
typedef enum { TRANSPORT_TCP, TRANSPORT_TLS, TRANSPORT_SSH } scn_transport;
typedef enum { AUTH_NONE, AUTH_SASL } scn_auth;

extern const char *const scenario_storage_names[];   /* by scn_storage_type */
extern const char *const scenario_lock_names[];      /* by scn_lock */
extern const char *const scenario_version_names[];   /* by scn_drbd_version */
extern const char *const scenario_protocol_names[];  /* by scn_protocol */
extern const char *const scenario_fencing_names[];   /* by scn_fencing */
extern const char *const scenario_after_sb_names[];  /* by scn_after_sb */
extern const char *const scenario_nqp_names[];       /* by scn_no_quorum_policy */
extern const char *const scenario_manager_names[];   /* by scn_manager */

typedef struct {
    scn_storage_type type;
    int network;         /* -1: none */
    scn_lock lock;
    scn_drbd_version version;
    scn_protocol protocol;
    scn_fencing fencing;
    char *server;        /* nfs, iscsi: the server's host name; NULL for an external one */
    bool dual_primary;
    int size, min_size;
    /* nfs */
    int server_host;     /* index of the server host; -1 if none */
    bool soft;           /* soft mount: IO errors after timeo x (retrans + 1) */
    sim_time timeo;
    int retrans;
    sim_time failover;   /* HA failover time; 0: none, the server must be repaired */
    /* drbd */
    int quorum;          /* DRBD 9: 0 off, -1 majority, -2 all, else that many nodes */
    bool on_no_quorum_io_error; /* else suspend-io */
    scn_after_sb after_sb[3]; /* after-sb-0pri, -1pri, -2pri */
    sim_time drbd_timeout, ping_int, ping_timeout;
    double resync_rate_Bps; /* c-max-rate */
    int ko_count;        /* a peer that completes no write in ko_count x timeout is dropped */
    sim_time disk_latency; /* one small write's commit on a disk */
    sim_time switchover; /* added to a live migration's downtime by the storage (locks, flush) */
    sim_time journal_recovery; /* GFS2/OCFS2: DLM recovery and journal replay after a fence */
    sim_time give_up;    /* nfs soft mount / iscsi without queueing: IO errors after this */
    sim_time fence_peer; /* resource-only: how long crm-fence-peer takes to place its constraint */
} scn_storage;

typedef struct {
    scn_manager manager;
    bool stonith, two_node, allow_migrate;
    scn_no_quorum_policy no_quorum_policy;
    int migration_limit; /* per host; 0: unlimited */
    sim_time vm_stop, vm_start; /* a VM's shutdown and boot (moves without allow-migrate) */
    sim_time migrate_timeout;   /* the migrate_to op's timeout: a live migration past it fails */
    bool migrate_timeout_set;
    sim_time token;              /* corosync token timeout (before the per-node coefficient) */
    sim_time token_coefficient;
    sim_time consensus;          /* 0: 1.2 x the effective token */
    sim_time fence_time;         /* how long fencing a node takes */
    sim_time stonith_timeout;    /* a fence that takes longer fails */
    sim_time reboot_time;        /* a fenced node boots again after fence_time + this */
    bool wait_for_all, last_man_standing, auto_tie_breaker, maintenance_mode;
    sim_time lms_window;         /* last_man_standing_window */
    int network;                 /* corosync's network; -1: the first */
    int qdevice_host;            /* host running corosync-qnetd (ffsplit), -1 if none */
    scn_transport libvirt_transport;
    scn_auth libvirt_auth;
    double tls_Bps;              /* one core's TLS (AES-GCM) throughput */
    sim_time priority_fencing_delay; /* delays fencing of the node with the most resource priority */
    sim_time pcmk_delay_max;     /* a random delay up to this before each fencing */
    sim_time *pcmk_delay_base;   /* per host: a fixed delay before fencing it */
    sim_time dc_deadtime;        /* a DC alone after its boot waits this long before it acts (startup fencing) */
    sim_time monitor_interval;   /* VirtualDomain monitor: how soon a VM that died is noticed */
    sim_time failure_timeout;    /* resource failure-timeout: a failed start bans a node this long (0: for ever) */
} scn_cluster;

typedef struct {
    char *file;          /* as given */
    char *name;
    char *description;
    uint64_t seed;
    sim_time until;      /* SIM_NEVER: until nothing is left to happen */
    bool until_set;      /* the file gives `until`; without it a run ends when nothing is left to
                          * happen, and `until` (set by the commands) only bounds it */
    int runs;
    uint64_t max_events; /* per run: the simulation stops there (a clear stop reason) */
    scn_network *networks;
    size_t nnetworks;
    scn_host *hosts;
    size_t nhosts;
    scn_rack *racks;     /* with uplinks: traffic between racks crosses them */
    size_t nracks;
    scn_vm *vms;
    size_t nvms;
    scn_event *events;
    size_t nevents;
    scn_failure *failures;
    size_t nfailures;
    scn_storage storage;
    scn_cluster cluster;
    scn_migration migration;
    GHashTable *index[3]; /* network, host and VM names -> index + 1, for lookups */
    scn_defaults defaulted; /* scenario-wide settings left unset (models/assume.h) */
} scenario;

/* Limits on what a scenario file may hold: its size as scenario_load reads
 * it (the commands let the machine's memory decide, cli/load.h), and any
 * string in it. */
#define SCENARIO_MAX_BYTES (16 << 20)
#define SCENARIO_MAX_STRING 65536
/* The most nodes one corosync cluster can hold (PROCESSOR_COUNT_MAX in
 * corosync 3.1.7 include/corosync/totem/totem.h: its membership arrays). */
#define SCENARIO_COROSYNC_MAX_NODES 384

/* Reads path whole, whatever it is (a regular file, a FIFO, a device,
 * standard output's /dev/stdin), but never more than max bytes: false and
 * *why (g_free it) when it cannot be read or holds more. */
bool scenario_read_file(const char *path, size_t max, char **text, size_t *len, char **why);
/* The same for a text file: refused at its first NUL byte (*why says
 * "binary data ..."), without reading on. */
bool scenario_read_text(const char *path, size_t max, char **text, size_t *len, char **why);

/* Loads and checks a scenario file. On any error returns NULL and appends
 * every message (g_free'd strings) to errors. */
scenario *scenario_load(const char *path, GPtrArray *errors);
/* The same from text in memory; name is used in messages and to resolve
 * relative paths (trace files). */
scenario *scenario_load_text(const char *name, const char *text, size_t len, GPtrArray *errors);
/* The same, with the dirty traces' values given (trace file as written ->
 * GArray of double) instead of read: no file is opened (a part of a shard
 * brings its traces with it). */
scenario *scenario_load_text_traces(const char *name, const char *text, size_t len, GHashTable *traces,
                                    GPtrArray *errors);
void scenario_free(scenario *s);

/* The keys an object of the format accepts (NULL-terminated), by its place:
 * "" (the top level), "networks[]", "hosts[]", "hosts[].nics[]", "racks[]",
 * "racks[].uplinks[]", "vms[]", "migration", "storage", "cluster",
 * "failures[]"; NULL for another place. */
const char *const *scenario_keys(const char *section);

/* The closest of candidates (NULL-terminated) to word, if close enough to
 * be a typo ("did you mean"), else NULL. */
const char *scenario_suggest(const char *word, const char *const *candidates);

int scenario_find_host(const scenario *s, const char *name);
int scenario_find_vm(const scenario *s, const char *name);
int scenario_find_network(const scenario *s, const char *name);
/* A concrete target's name as a scenario writes it ("host:n1", "osd:3"):
 * newly allocated. */
char *scenario_target_name(const scenario *s, const scn_target *t);
/* Whether host h runs VMs: every host but the NFS or iSCSI server and the
 * quorum device's host. */
bool scenario_is_node(const scenario *s, int h);
/* How many Ceph monitors run: on the first hosts, three of them
 * (assumption, docs/models.md), or every host when there are fewer. */
int scenario_ceph_monitors(const scenario *s);
/* The host and its disk number of a disk or OSD target. */
void scenario_target_disk(const scenario *s, const scn_target *t, int *host, int *disk);

/* Default migration parameters of a profile (documented in docs/models.md). */
scn_migration scenario_migration_defaults(scn_profile profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(scenario, scenario_free)

#endif
