/* filer — one server holding every VM's disk, reached over the storage
 * network: the NFS filer or the iSCSI target (DESIGN 3.2). Which hosts can
 * do IO to it, each VM's IO blocked (hard mount, queueing) or failed (soft
 * mount, no queueing) while it cannot, the VMs' writes as a load on the
 * server's NIC, and an optional HA failover. Used by nfs.c and iscsi.c. */
#ifndef GOLIVE_MODELS_STORAGE_FILER_H
#define GOLIVE_MODELS_STORAGE_FILER_H

#include <stdbool.h>

#include "models/world.h"

typedef struct filer filer;
/* Host h's IO to the server has just started failing. */
typedef void (*filer_error_fn)(void *arg, world *w, int h);

filer *filer_new(world *w);
void filer_free(filer *f);
/* Whether host h can do IO to the server now. */
bool filer_reachable(const filer *f, const world *w, int h);
/* Called when a host's IO starts failing (a soft mount's major timeout,
 * an iSCSI session past replacement_timeout without queueing). */
void filer_on_error(filer *f, filer_error_fn fn, void *arg);
/* Whether host h's IO fails (rather than waits, or flows). */
bool filer_errored(const filer *f, int h);
/* Host h's file system withdrew (on) or came back after a reboot (off):
 * its VMs' IO fails whatever the server's state. */
void filer_withdraw(filer *f, world *w, int h, bool on);
/* Re-checks every host's reach to the server and every VM's IO. */
void filer_update(filer *f, world *w);
/* (Re)places vm's disk writes as a load towards the server, from where it runs. */
void filer_attach(filer *f, world *w, int vm);
/* vm stopped: its incidents end, its load goes. */
void filer_vm_gone(filer *f, world *w, int vm);
/* The server (its host, a disk of it, or its service) went down or came back. */
void filer_server_changed(filer *f, world *w, bool down);
/* The "storage-server" (or "nfs-server") target: the service itself, or
 * the whole external server. */
void filer_service(filer *f, world *w, bool down);
/* Whether the change is to the server's host or one of its disks. */
bool filer_is_server_change(const world *w, const world_change *c);
/* A move's gate: the destination must reach the server to open the disk,
 * both ends to flush and activate it at the switchover; a hard mount (or
 * queueing multipath) waits for it, a soft one fails after give_up. */
mig_gate_answer filer_gate(const filer *f, world *w, int from, int to, mig_gate_point p, sim_time *deadline,
                           const char **why);
void filer_stop(filer *f, world *w);

#endif
