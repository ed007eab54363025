/* world_priv — the inside of a world, shared by the world and the storage
 * (models/storage/) and cluster (models/cluster/) models it drives. Not for
 * callers of world.h. */
#ifndef GOLIVE_MODELS_WORLD_PRIV_H
#define GOLIVE_MODELS_WORLD_PRIV_H

#include <glib.h>
#include <stdbool.h>

#include "models/failure.h"
#include "models/world.h"
#include "sim/flow.h"

typedef struct drbd_state drbd_state;

typedef struct {
    flow_link *tx, *rx;
    double capacity;
    int down; /* failures holding it down (its own, its network's, its host's) */
} nic_links;

typedef struct {
    struct world *w;
    int h;
} host_ref;

typedef struct {
    int host;       /* where it runs; -1 when down */
    mig *active;    /* its migration under way, if any */
    int io_blocked; /* open incident indexes, -1 if none */
    int io_error;
    sim_event soft_timer;
    flow_bg *io;     /* its disk writes on the way to shared storage */
    flow_link *reach; /* its migration's private link, cut while a partition separates the hosts */
    int home;        /* the host it ran on before it went down */
    int down;        /* open vm-down incident, -1 if none */
    int dup_host;    /* a second instance started elsewhere (split brain), -1 if none */
    int dup_inc;     /* its double-writer incident */
    bool restarting;
    int replicas[10];  /* ceph: the hosts holding its objects (CRUSH-like placement) */
    int nreplicas;
    int ceph_usable;   /* replicas it could reach at the last check */
    int ceph_stall;    /* open io-blocked incident of an OSD failover stall, -1 if none */
    flow_bg *ceph_io[10]; /* its writes: to the primary copy, and from it to the others */
    int nceph_io;
    int frozen;        /* open io-frozen incident (DRBD fencing or quorum, DLM), -1 if none */
    struct world *w; /* back to the world, for the VM's own timers */
    int index;
} vm_state;

typedef struct pending_mig {
    int vm, to;
} pending_mig;

struct world {
    const scenario *sc;
    sim *s;
    flow_net *net;
    nic_links *nics;           /* [host * nnetworks + network] */
    nic_links *uplinks;        /* [rack * nnetworks + network]: tx out of the rack, rx into it */
    vm_state *vms;
    bool *host_up;
    bool *draining;            /* drained for maintenance: receives no VM */
    int *host_down;            /* failures holding each host down (crash, fence) */
    int *disk_down;            /* failures holding each disk down, by OSD id (hosts[h].first_osd + k) */
    bool *disk_hung;           /* disks whose IO never completes (mode "hang"), by OSD id */
    int *host_active;          /* migrations leaving each host */
    GQueue *queue;             /* pending_mig waiting for a slot */
    GPtrArray *migs;           /* every mig, in start order */
    GPtrArray *warnings;
    failure_set *failures;
    GArray *incidents;         /* world_incident */
    int *group;                /* partition group of each host; 0: reaches every host */
    int *part;                 /* the corosync partition of each node at the last membership check */
    bool partitions;           /* the timeline partitions hosts */
    bool nfs;                  /* the VMs' disks are on the NFS server (or iSCSI target) */
    bool nfs_service_down;     /* "nfs-server" failed */
    bool nfs_failed_over;      /* an HA standby took over */
    bool pacemaker;
    bool sanlock;              /* iSCSI with sanlock leases on the LUN */
    drbd_state *drbd;          /* DRBD replication between the hosts, NULL if none */
    bool ceph;
    bool *mon_up;              /* ceph monitors, on the first hosts */
    int nmons;
    bool mon_quorum;
    int mon_inc;               /* open quorum-lost incident */
    sim_time mon_electing_until; /* a monitor election lasts until then: no map change before */
    bool ceph_fast_fail;       /* the copy being lost is a dead OSD on a live host */
    bool ceph_hang;            /* the copy being lost is on a hung disk */
    sim_event *out_ev;         /* per host: down -> out after mon_osd_down_out_interval */
    sim_event *osd_out_ev;     /* per OSD (disk), the same */
    host_ref *hrefs;           /* per host, as event arguments */
    sim_time *lost_at;         /* when each host last lost the storage (died or was cut off) */
    sim_event membership_ev;   /* corosync re-forms the membership after a change */
    sim_time membership_at;    /* when */
    bool *fenced;              /* fenced and not seen since: clean offline to the cluster */
    bool *seen_all;            /* votequorum wait_for_all: the node saw every node together since it booted */
    int expected_votes;        /* votequorum, lowered by last_man_standing */
    sim_event lms_ev;
    sim_event nfs_failover_ev;
    GPtrArray *jobs;           /* world_job allocations */
    sim_time sample_every;     /* link sampling for plots, 0: off */
    GArray *st, *s_transfer, *s_steady; /* times; rates [sample][link] */
    const char *stop_reason;   /* NULL, "max_events", "interrupted" */
    bool ended;                /* past the scenario's end: only switchovers finish */
    bool stop_when_settled;    /* end the run once no migration is running or queued */
};

/* Zeroed memory for an event's or a flow's argument, owned by the world
 * (freed with it, so events still pending at the end leak nothing). */
void *world_job(world *w, size_t size);
/* The links of host's NIC on network (tx NULL if it has none there). */
nic_links *world_nic(const world *w, int host, int network);
bool world_link_up(const nic_links *l);
/* The links a transfer from host a to host b on network net crosses: a's
 * NIC, the racks' uplinks when a and b sit in different racks with
 * uplinks, b's NIC. Fills path (room for 4); returns how many. */
size_t world_path(const world *w, int a, int b, int net, flow_link **path);
/* The storage or replication network (the first network if unset). */
int world_storage_network(const world *w);
/* Hosts in different groups of a partition cannot reach each other. */
bool world_hosts_reach(const world *w, int a, int b);
/* Hosts that run VMs: all but the NFS server or iSCSI target. */
bool world_is_node(const world *w, int h);
/* The up node other than `except` (and in corosync partition `group`
 * (w->part), unless -1) with the most free memory that fits vm; -1 if none. */
int world_place(const world *w, int vm, int except, int group);
/* A trace record of something that happened, with its reason. */
void world_note(world *w, const char *kind, const char *subject, const char *why);
void world_warn(world *w, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Opens an incident now; returns its index. Closing sets *idx to -1 (a
 * no-op when it already is). */
int world_incident_open(world *w, const char *kind, const char *resource, int vm);
void world_incident_close(world *w, int *idx);
world_incident *world_incident_at(world *w, int idx);
/* Whether disk k of host h works (neither failed nor hung). */
bool world_disk_up(const world *w, int h, int k);
/* Whether it is hung: its IO never completes, no error is returned. */
bool world_disk_hung(const world *w, int h, int k);
/* The disk of host h that holds vm's data there (its image on local
 * storage, its Ceph copy): spread by a hash of the names. */
int world_disk_of(const world *w, int vm, int h);
/* STONITH: host h is fenced now (a `fenced` incident) and, as
 * stonith-action reboot does, boots again after fence_time + reboot_time. */
void world_fence(world *w, int h, const char *why);
/* Fails or repairs a target ("host:NAME", "nic:HOST/NET", ...). */
void world_apply_target(world *w, const char *target, bool fail);
/* The VM on it stopped (down, fenced, stopped for lack of quorum): it records
 * where it ran and opens an incident of kind for it. */
void world_vm_down(world *w, int vm, const char *kind, const char *resource);
/* Where vm runs changed (migrated, started, stopped): the storage models
 * re-check its IO and replication. */
void world_vm_placed(world *w, int vm);

#endif
