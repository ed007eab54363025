/* lint — the checks, in the order an operator would read them. */
#include "models/lint.h"

#include <stdarg.h>
#include <string.h>

G_GNUC_PRINTF(2, 3)
static void add(GPtrArray *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(w, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

void lint_scenario(const scenario *sc, GPtrArray *w)
{
    const scn_storage *st = &sc->storage;
    const scn_cluster *cl = &sc->cluster;
    bool pacemaker = cl->manager == MANAGER_PACEMAKER;
    /* DRBD 9 quorum freezes the minority instead (sources.md 1.4) */
    bool quorum = st->type == STORAGE_DRBD && st->quorum != 0;
    if (st->type == STORAGE_DRBD && st->dual_primary && st->fencing == FENCING_DONT_CARE && !quorum)
        add(w, "storage: DRBD dual-primary with fencing dont-care: a cut replication link leaves both nodes "
               "primary and writing - split brain (DRBD 8.4 User's Guide 6.8; sources.md 1.5)");
    if (pacemaker && !cl->stonith && cl->two_node)
        add(w, "cluster: two_node without STONITH: after a split both halves stay quorate and nothing stops the "
               "other from running the same VMs (votequorum(5); sources.md 5.2)");
    if (pacemaker && !cl->stonith && cl->no_quorum_policy == NQP_IGNORE)
        add(w, "cluster: no-quorum-policy=ignore without STONITH: a partition without quorum keeps starting "
               "resources - split brain (Pacemaker Explained, cluster options; sources.md 5.3)");
    else if (pacemaker && !cl->stonith && !cl->two_node)
        add(w, "cluster: STONITH disabled: unresponsive nodes are assumed to run nothing and their VMs are "
               "started elsewhere at once (Pacemaker Explained, stonith-enabled; sources.md 5.3)");
    if (st->type == STORAGE_ISCSI && st->lock == LOCK_NONE)
        add(w, "storage: a shared iSCSI LUN without a lock layer: nothing stops two hosts from activating the "
               "same volume and writing the same disk (lvmlockd(8); sources.md 3.1)");
    if (st->type == STORAGE_DRBD && st->quorum == -1 && sc->nhosts == 2)
        add(w, "storage: DRBD quorum majority with two nodes: losing either node or the link freezes the other's "
               "IO; add a third (diskless tiebreaker) node (drbdsetup quorum; sources.md 1.4)");
    if (st->type == STORAGE_DRBD && st->fencing == FENCING_RESOURCE_ONLY && st->dual_primary)
        add(w, "storage: DRBD dual-primary with fencing resource-only: IO is not frozen while both nodes race to "
               "outdate each other, so writes in that window diverge (crm-fence-peer.9.sh; sources.md 1.9)");
    bool dlm = st->type == STORAGE_ISCSI && (st->lock == LOCK_CLVM || st->lock == LOCK_GFS2 || st->lock == LOCK_OCFS2);
    if (dlm && !pacemaker)
        add(w, "storage: lock %s runs on the DLM, which needs corosync: without a cluster manager nothing grants "
               "its locks (dlm_controld(8); sources.md 3.1)", scenario_lock_names[st->lock]);
    else if (dlm && !cl->stonith)
        add(w, "storage: lock %s without STONITH: after a node is lost the DLM waits for a fence that never comes; "
               "%s (dlm_controld enable_fencing; sources.md 3.1)", scenario_lock_names[st->lock],
            st->lock != LOCK_CLVM ? "the file system stays frozen on every node" : "no VM can be activated elsewhere");
    bool delays = cl->pcmk_delay_max > 0 || cl->priority_fencing_delay > 0;
    for (size_t h = 0; h < sc->nhosts && cl->pcmk_delay_base; h++)
        delays |= cl->pcmk_delay_base[h] > 0;
    if (pacemaker && cl->stonith && cl->two_node && !delays)
        add(w, "cluster: two_node with STONITH but no fencing delay: after a split each node fences the other and "
               "the survivor is a coin toss (each won 4 of 8 races on a real cluster); set pcmk_delay_max, "
               "pcmk_delay_base or priority_fencing_delay (Pacemaker Explained, fencing; docs/validation.md)");
    if (st->type == STORAGE_DRBD && st->fencing == FENCING_RESOURCE_AND_STONITH && !pacemaker)
        add(w, "storage: DRBD fencing resource-and-stonith without a cluster manager: no fence-peer handler can "
               "confirm the peer's fate, so a cut replication link freezes IO until the peer is back (sources.md 1.5)");
    if (cl->migration_limit > 0 && !pacemaker)
        add(w, "cluster: migration_limit is Pacemaker's migration-limit: without a cluster manager it limits "
               "nothing");
    if (pacemaker && !cl->allow_migrate && !cl->maintenance_mode)
        add(w, "cluster: Pacemaker without allow-migrate: every move of a VirtualDomain is a stop and a start, "
               "not a live migration (Pacemaker Explained, resource meta allow-migrate; sources.md 5.5)");
    bool pc_norecovery = sc->migration.postcopy && !sc->migration.postcopy_recovery;
    for (size_t i = 0; i < sc->nvms; i++)
        pc_norecovery |= sc->vms[i].migration.postcopy && !sc->vms[i].migration.postcopy_recovery;
    if (pc_norecovery)
        add(w, "migration: postcopy without recovery: a network failure after the switch loses the VM, whose "
               "memory is split between two hosts (QEMU postcopy; sources.md 6.5)");
    if (cl->libvirt_transport == TRANSPORT_TCP && cl->libvirt_auth == AUTH_NONE)
        add(w, "cluster: libvirt over tcp with auth_tcp=none: anyone who reaches TCP 16509 controls libvirtd "
               "as root, and the migration stream is cleartext (libvirtd.conf; sources.md 6.1)");
    else if (cl->libvirt_transport == TRANSPORT_TCP)
        add(w, "cluster: libvirt migration over plain tcp: the QEMU migration stream is unencrypted "
               "(use tls; sources.md 6.1)");
    if (st->type == STORAGE_CEPH && sc->nhosts < (size_t)st->size)
        add(w, "storage: Ceph pool size %d on %zu hosts: CRUSH puts replicas on distinct hosts, so every placement "
               "group stays undersized and degraded (one host failure from min_size %d)",
            st->size, sc->nhosts, st->min_size);
    /* hosts that start over their memory: legitimate with overcommit
     * (ballooning, KSM), which golive does not model */
    double *used = g_new0(double, sc->nhosts ? sc->nhosts : 1);
    for (size_t i = 0; i < sc->nvms; i++)
        if (sc->vms[i].host >= 0)
            used[sc->vms[i].host] += sc->vms[i].memory;
    /* one line for all of them: a planner's cluster may have dozens */
    size_t over = 0, first = 0;
    for (size_t h = 0; h < sc->nhosts; h++)
        if (used[h] > sc->hosts[h].memory && over++ == 0)
            first = h;
    if (over == 1)
        add(w, "hosts: %s starts with %.1f GiB of VMs on %.1f GiB of memory: over it from the start (golive "
               "does not model memory overcommit; placement will find it full)",
            sc->hosts[first].name, used[first] / 1073741824.0, sc->hosts[first].memory / 1073741824.0);
    else if (over > 1)
        add(w, "hosts: %zu hosts start with more VMs than memory (the first, %s: %.1f GiB of VMs on %.1f GiB): over it "
               "from the start (golive does not model memory overcommit; placement will find them full)",
            over, sc->hosts[first].name, used[first] / 1073741824.0, sc->hosts[first].memory / 1073741824.0);
    g_free(used);
    for (size_t i = 0; i < sc->nvms; i++) {
        const char *f = sc->vms[i].dirty.trace_file;
        if (sc->vms[i].dirty.model != DIRTY_TRACE || !f)
            continue;
        bool up = g_path_is_absolute(f) || !strcmp(f, "..") || g_str_has_prefix(f, "../") || strstr(f, "/../") ||
                  g_str_has_suffix(f, "/..");
        if (up)
            add(w, "vms: %s's dirty trace %s lies outside the scenario's directory: the scenario is not "
                   "self-contained, and sharing it shares a path on this machine",
                sc->vms[i].name, f);
    }
    for (size_t i = 0; i < sc->nvms; i++)
        if (sc->vms[i].dirty.model == DIRTY_SEQUENTIAL) {
            add(w, "vms: %s writes in a sweep: where the sweep starts relative to QEMU's cursor is drawn per run, "
                   "and near the convergence boundary it can double the migration time or stop it converging; "
                   "use --runs 20 to see the range (docs/models.md, address order)", sc->vms[i].name);
            break;
        }
}
