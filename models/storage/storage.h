/* storage — the interface of a storage design (DESIGN 3.2) and the registry
 * of designs. Each design (local disks, an NFS filer, an iSCSI LUN with its
 * lock layer, DRBD, Ceph RBD) lives in its own file behind one table of
 * operations, keeps its state (and each VM's IO incidents) to itself, and
 * sees the world only through world.h. The world tells it every change
 * through `changed`, and asks it what a move or a start needs. */
#ifndef GOLIVE_MODELS_STORAGE_STORAGE_H
#define GOLIVE_MODELS_STORAGE_STORAGE_H

#include <stdbool.h>

#include "models/world.h"

typedef struct storage_ops {
    const char *name;
    /* Disks shared by every node: a VM may start elsewhere, and a live
     * migration moves only RAM (local disks are copied first). */
    bool shared;
    /* The state of one run (freed with destroy). */
    void *(*create)(world *w);
    void (*destroy)(void *st);
    /* The run begins: the VMs' IO loads go where they run. */
    void (*start)(void *st, world *w);
    /* Something changed (see world_change): re-check every VM's IO. */
    void (*changed)(void *st, world *w, const world_change *c);
    /* vm stopped (clean: through libvirt, which lets go of its locks; else
     * it died): its incidents end and its IO load goes (the world calls
     * `changed` once the whole change is done). */
    void (*vm_gone)(void *st, world *w, int vm, bool clean);
    /* A failure target of the design's own ("nfs-server", "mon:NAME"):
     * applies it and returns true, or false if it is none of its own. */
    bool (*apply_target)(void *st, world *w, const scn_target *target, bool fail);
    /* Why vm (-1: any VM) may not be started or migrated onto h now (NULL
     * if it may); NULL op: anywhere. */
    const char *(*host_refused)(void *st, const world *w, int vm, int h);
    /* Why a live migration of vm cannot open its disk on the destination
     * (NULL if it can); NULL op: always can. */
    const char *(*live_refused)(void *st, const world *w, int vm);
    /* A move of vm from `from` to `to` at a gate (migration.h): the
     * destination opening the disks, or the switchover; NULL: go. */
    mig_gate_answer (*gate)(void *st, world *w, int vm, int from, int to, mig_gate_point p, sim_time *deadline,
                            const char **why);
    /* Before vm starts on h: whether it can (after *wait), must wait for
     * something else, or fails there. NULL: at once. */
    world_start (*start_wait)(void *st, world *w, int vm, int h, sim_time *wait);
    /* Cluster events for the lock layers (NULL: not followed). */
    void (*members_lost)(void *st, world *w, int part);
    void (*fenced)(void *st, world *w, int part);
    void (*healed)(void *st, world *w);
    /* The run is over: timers stop, what is still open stays open. */
    void (*stop)(void *st, world *w);
    /* The hosts holding copies of vm's data, at most max into hosts; their
     * number (NULL: the design does not place copies on hosts). */
    int (*copies)(void *st, const world *w, int vm, int *hosts, int max);
} storage_ops;

/* The design of a storage type. */
const storage_ops *storage_design(scn_storage_type type);

#endif
