/* golive explain FILE — one run's timeline told in plain sentences for a
 * student: one line per meaningful event with the model's reason, grouped
 * in phases (each begins with something the scenario does or breaks), and a
 * short summary. */
#include "cli/cmd_explain.h"

#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "models/lint.h"
#include "models/units.h"
#include "models/world.h"
#include "sim/stats.h"

typedef struct {
    sim_time t;
    size_t order;
    const char *kind, *subject, *reason, *resource, *outcome;
    double pending, sent, downtime, client, unsent, throttle;
    double fault; /* guest time lost to postcopy's remote faults, -1 if none */
    int64_t syncs;
} rec;

static int rec_cmp(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static char *size_s(double b) { return units_format(UNITS_SIZE, b); }
static char *time_s(double s) { return units_format(UNITS_TIME, s); }

/* Why a VM's IO stopped, by the resource the model names. */
static const char *io_reason(const scenario *sc, const char *kind, const char *res)
{
    if (!res)
        return "";
    if (g_str_has_prefix(res, "nfs:"))
        return sc->storage.soft ? "the NFS server cannot be reached; a soft mount gives up after timeo x (retrans + 1)"
                                : "the NFS server cannot be reached, and a hard mount retries for ever";
    if (g_str_has_prefix(res, "iscsi:"))
        return !strcmp(kind, "io-error") ? "open-iscsi held the IO for replacement_timeout and then failed it"
                                         : "the iSCSI target cannot be reached; open-iscsi holds the IO";
    if (!strcmp(res, "drbd:r0"))
        return "with protocol C a write needs the peer's acknowledgement, and the peer is silent: DRBD waits for its "
               "timeout before declaring the peer lost";
    if (!strcmp(res, "drbd:fencing"))
        return "fencing resource-and-stonith freezes IO while fence-peer makes sure the other side is dead";
    if (!strcmp(res, "drbd:quorum"))
        return !strcmp(kind, "io-error") ? "this node lost DRBD quorum and on-no-quorum is io-error"
                                         : "this node lost DRBD quorum, so it suspends IO instead of diverging";
    if (!strcmp(res, "drbd:diskless"))
        return "its backing disk is gone and no peer with a disk is connected";
    if (!strcmp(res, "drbd:disk-hang"))
        return "its backing disk hangs, and DRBD's disk-timeout is off";
    if (!strcmp(res, "ceph:osd-failover"))
        return "a copy of its data was lost; IO to it waits until the monitors mark the OSD down";
    if (!strcmp(res, "ceph:pg"))
        return "fewer than min_size copies are reachable: the placement groups block IO (Ceph blocks, it never "
               "splits)";
    if (!strcmp(res, "ceph:mon"))
        return "a map change is needed but the monitors have no quorum";
    if (g_str_has_prefix(res, "dlm:"))
        return "the DLM grants no lock until the lost node is fenced, and the cluster file system needs locks for "
               "its IO";
    if (g_str_has_prefix(res, "disk:"))
        return "its disk hangs";
    if (!strcmp(res, "fs:withdrawn"))
        return "its node's cluster file system withdrew after an IO error, and stays so until it is mounted again";
    return res;
}

/* A time of the run as people read it: seconds for the first hour, then
 * hours and minutes, then days ("t=12.345s", "t=2h05m10.5s",
 * "t=183d 04:12:10.125"). */
static char *when(sim_time t)
{
    double s = sim_to_s(t);
    if (s < 3600)
        return g_strdup_printf("%.3fs", s);
    long whole = (long)s;
    if (s < 86400)
        return g_strdup_printf("%ldh%02ldm%04.1fs", whole / 3600, whole / 60 % 60, s - (double)(whole / 60 * 60));
    return g_strdup_printf("%ldd %02ld:%02ld:%06.3f", whole / 86400, whole / 3600 % 24, whole / 60 % 60,
                           s - (double)(whole / 60 * 60));
}

static void line(GString *out, sim_time t, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void line(GString *out, sim_time t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_autofree char *w = when(t);
    g_string_append_printf(out, "  t=%s  %s\n", w, s);
}

/* Things the scenario itself does: each begins a phase. */
static bool is_cause(const char *kind)
{
    return !strcmp(kind, "fail") || !strcmp(kind, "repair") || !strcmp(kind, "partition") || !strcmp(kind, "heal") ||
           !strcmp(kind, "drain") || !strcmp(kind, "undrain") || !strcmp(kind, "migration-start");
}

static void narrate(GString *out, const scenario *sc, world *w, const rec *r)
{
    const char *s = r->subject ? r->subject : "";
    const char *k = r->kind;
    const scn_storage *st = &sc->storage;
    if (!strcmp(k, "migration-start")) {
        for (size_t i = 0; i < world_nmigrations(w); i++) {
            const mig_result *m = world_migration(w, i);
            if (m->start == r->t && !strcmp(sc->vms[m->vm].name, s)) {
                g_autofree char *mem = size_s(r->pending);
                if (m->restart)
                    line(out, r->t, "%s is moved from %s to %s by a stop and a start (Pacemaker without "
                                    "allow-migrate): it shuts down now.",
                         s, sc->hosts[m->from].name, sc->hosts[m->to].name);
                else
                    line(out, r->t, "%s starts migrating live from %s to %s: %s of memory to copy while it runs "
                                    "(%s).",
                         s, sc->hosts[m->from].name, sc->hosts[m->to].name, mem,
                         sc->vms[m->vm].migration.profile == PROFILE_XEN_2005 ? "Xen 2005 pre-copy rounds"
                                                                              : "QEMU pre-copy");
                return;
            }
        }
        line(out, r->t, "%s starts migrating.", s);
    } else if (!strcmp(k, "bitmap-sync")) {
        g_autofree char *p = size_s(r->pending);
        if (r->unsent >= 0) {
            g_autofree char *u = size_s(r->unsent), *d = size_s(fmax(0, r->pending - r->unsent));
            line(out, r->t, "%s: QEMU syncs the dirty bitmap (dirty-sync-count %" G_GINT64_FORMAT "): %s left to send, "
                            "%s not yet sent in this pass and %s dirtied again since the last sync.",
                 s, r->syncs, p, u, d);
        } else
            line(out, r->t, "%s: QEMU syncs the dirty bitmap (dirty-sync-count %" G_GINT64_FORMAT "): %s left to send.",
                 s, r->syncs, p);
    } else if (!strcmp(k, "xen-round-end")) {
        g_autofree char *p = size_s(r->pending);
        line(out, r->t, "%s: Xen's pre-copy round %" G_GINT64_FORMAT " ends; the %s the guest dirtied during it go "
                        "in the next round.",
             s, r->syncs, p);
    } else if (!strcmp(k, "vm-paused")) {
        g_autofree char *p = size_s(r->pending);
        int v = scenario_find_vm(sc, s);
        if (v >= 0 && sc->vms[v].migration.profile == PROFILE_XEN_2005)
            line(out, r->t, "%s pauses: Xen suspends the domain and sends the last %s (its rule: fewer than %d dirty "
                            "pages, %d rounds, %g x the memory sent, or no progress at the top rate).",
                 s, p, sc->vms[v].migration.xen_stop_pages, sc->vms[v].migration.xen_max_rounds,
                 sc->vms[v].migration.xen_max_factor);
        else
            line(out, r->t, "%s pauses: the %s left can be sent within the downtime limit at the current rate, so "
                            "QEMU stops the guest and copies the rest (stop-and-copy, no rate limit).",
                 s, p);
    } else if (!strcmp(k, "vm-resumed")) {
        line(out, r->t, "%s runs again on its new host.", s);
    } else if (!strcmp(k, "migration-end")) {
        g_autofree char *b = size_s(r->sent), *d = r->downtime >= 0 ? time_s(r->downtime) : g_strdup("-");
        int v = scenario_find_vm(sc, s);
        const char *svc = v < 0                                              ? NULL
                          : sc->vms[v].service.type == SERVICE_UDP_GAME ? "the gap between two server snapshots"
                          : sc->vms[v].service.type == SERVICE_TCP      ? "a TCP retransmission's wait"
                                                                        : NULL;
        g_autofree char *c = r->client >= 0 ? time_s(r->client) : NULL;
        /* postcopy's cost does not show in the pause: the guest pays after it */
        g_autofree char *f = r->fault > 0 ? time_s(r->fault) : NULL;
        g_autofree char *pc = f ? g_strdup_printf(" After the switch its vCPUs lost %s in all, waiting for pages they "
                                                  "touched before those had come (remote faults).",
                                                  f)
                                : g_strdup("");
        if (r->outcome && !strcmp(r->outcome, "completed") && svc && c)
            line(out, r->t, "%s's migration completes: %s sent; the guest was paused %s, and its clients saw %s (%s).%s",
                 s, b, d, c, svc, pc);
        else if (r->outcome && !strcmp(r->outcome, "completed"))
            line(out, r->t, "%s's migration completes: %s sent; the guest was paused %s.%s", s, b, d, pc);
        else if (r->outcome && !strcmp(r->outcome, "not-converged"))
            line(out, r->t, "%s's migration never converged: the guest dirties memory faster than it can be sent.",
                 s);
        else if (r->outcome && !strcmp(r->outcome, "vm-lost") && r->reason && !strcmp(r->reason, "timeout"))
            line(out, r->t, "%s is lost: it had switched to postcopy, and the destination that held its newest "
                            "memory was killed with the cancelled migration.",
                 s);
        else if (r->outcome && !strcmp(r->outcome, "failed") && r->reason && !strcmp(r->reason, "timeout"))
            line(out, r->t, "%s's migration is cancelled after %s sent: the VM goes on on its source.", s, b);
        else if (r->outcome && !strcmp(r->outcome, "vm-lost"))
            line(out, r->t, "%s is lost: its memory was split between two hosts when the migration broke (postcopy).",
                 s);
        else
            line(out, r->t, "%s's migration ends: %s (the VM stays where it was).", s, r->outcome ? r->outcome : "?");
    } else if (!strcmp(k, "fail")) {
        line(out, r->t, "%s %s.", s, r->reason && !strcmp(r->reason, "hang") ? "hangs: its IO never completes"
                                                                               : "fails");
    } else if (!strcmp(k, "repair")) {
        line(out, r->t, "%s is back.", s);
    } else if (!strcmp(k, "partition")) {
        line(out, r->t, "the network splits: hosts in different groups can no longer reach each other.");
    } else if (!strcmp(k, "heal")) {
        line(out, r->t, "the network heals: every host reaches every other again.");
    } else if (!strcmp(k, "drain")) {
        line(out, r->t, "%s is drained for maintenance: every VM on it is moved away.", s);
    } else if (!strcmp(k, "undrain")) {
        line(out, r->t, "%s is back from maintenance: it may receive VMs again.", s);
    } else if (!strcmp(k, "io-blocked") || !strcmp(k, "io-error") || !strcmp(k, "io-frozen")) {
        const char *what = !strcmp(k, "io-error") ? "IO now fails" : !strcmp(k, "io-frozen") ? "IO is frozen"
                                                                                               : "IO waits";
        line(out, r->t, "%s's %s: %s.", s, what, io_reason(sc, k, r->resource));
    } else if (!strcmp(k, "io-blocked-end") || !strcmp(k, "io-frozen-end") || !strcmp(k, "io-error-end")) {
        line(out, r->t, "%s's IO goes on.", s);
    } else if (!strcmp(k, "vm-down")) {
        const char *res = r->resource ? r->resource : "";
        if (g_str_has_prefix(res, "host:"))
            line(out, r->t, "%s is down: its host %s is gone.", s, res + 5);
        else if (!strcmp(res, "sanlock"))
            line(out, r->t, "%s is killed by sanlock on its cut-off host: it lost the LUN and its lease is expiring.",
                 s);
        else if (!strcmp(res, "pacemaker:migrate_to-failed"))
            line(out, r->t, "%s is stopped: its migrate_to failed, so Pacemaker recovers it: a stop wherever it may be "
                            "active (the source, and the target if that is up), then a start on one node (a boot, not "
                            "a migration).",
                 s);
        else if (!strcmp(res, "drbd:outdated"))
            line(out, r->t, "%s is stopped: its node lost the crm-fence-peer race, so Pacemaker demotes it.", s);
        else
            line(out, r->t, "%s is down (%s).", s, res);
    } else if (!strcmp(k, "vm-down-end") || !strcmp(k, "quorum-lost-end")) {
        /* told by vm-started */
    } else if (!strcmp(k, "quorum-lost")) {
        if (r->resource && !strcmp(r->resource, "ceph:mon"))
            line(out, r->t, "the Ceph monitors lose their majority: no map can change until they have it again.");
        else
            line(out, r->t, "%s is stopped: its node is in a partition without quorum (no-quorum-policy %s).", s,
                 scenario_nqp_names[sc->cluster.no_quorum_policy]);
    } else if (!strcmp(k, "split-brain")) {
        /* the incident starts where the copies began to differ (the cut),
         * which may be before this moment (the peer declared lost) */
        sim_time since = r->t;
        for (size_t i = 0; i < world_nincidents(w); i++) {
            const world_incident *in = world_incident_get(w, i);
            if (!strcmp(in->kind, "split-brain") && in->start <= r->t && (in->end < 0 || in->end >= r->t))
                since = in->start;
        }
        g_autofree char *at = when(since);
        if (since < r->t)
            line(out, r->t, "split brain: both sides have written %s apart since t=%s, each to its own copy (the "
                            "writes held back meanwhile completed locally), with no common view (fencing %s). DRBD "
                            "will notice only when they reconnect.",
                 s, at, scenario_fencing_names[st->fencing]);
        else
            line(out, r->t, "split brain begins: both sides keep writing %s, each to its own copy, with no common view "
                            "(fencing %s). DRBD will notice only when they reconnect.",
                 s, scenario_fencing_names[st->fencing]);
    } else if (!strcmp(k, "split-brain-end")) {
        line(out, r->t, "the peers see each other again: DRBD detects the split brain now.");
    } else if (!strcmp(k, "double-writer")) {
        line(out, r->t, "%s runs twice: it was started on another node while its first copy still runs and writes "
                        "the same disk.",
             s);
    } else if (!strcmp(k, "double-writer-end")) {
        line(out, r->t, "Pacemaker sees %s active twice (multiple-active) and stops the extra copy.", s);
    } else if (!strcmp(k, "fenced")) {
        if (r->reason)
            line(out, r->t, "%s is fenced (%s): powered off, it will boot again.", s + (g_str_has_prefix(s, "host:") ? 5 : 0),
                 r->reason);
    } else if (!strcmp(k, "fenced-end")) {
        /* a fence is an instant */
    } else if (!strcmp(k, "vm-started")) {
        line(out, r->t, "%s boots again (%s).", s, r->reason ? r->reason : "restarted");
    } else if (!strcmp(k, "drbd-standalone")) {
        line(out, r->t, "DRBD goes StandAlone (%s): it stops replicating until an operator picks the side whose "
                        "writes are thrown away.",
             r->reason ? r->reason : "split brain");
    } else if (!strcmp(k, "drbd-split-brain-resolved")) {
        line(out, r->t, "DRBD resolves the split brain by itself: %s's writes are discarded (%s).", s,
             r->reason ? r->reason : "");
    } else if (!strcmp(k, "drbd-resync-start")) {
        line(out, r->t, "%s resyncs what it missed (%s), at DRBD's resync rate.", s, r->reason ? r->reason : "");
    } else if (!strcmp(k, "drbd-resync-done")) {
        line(out, r->t, "%s is up to date again.", s);
    } else if (!strcmp(k, "migration-refused") || !strcmp(k, "migration-queued")) {
        line(out, r->t, "%s %s: %s.", s, !strcmp(k, "migration-refused") ? "cannot migrate" : "waits to migrate",
             r->reason ? r->reason : "");
    } else if (!strcmp(k, "start-failed")) {
        line(out, r->t, "%s cannot start there: %s. Pacemaker sets its fail-count on that node to INFINITY and "
                        "tries another.",
             s, r->reason ? r->reason : "");
    } else if (!strcmp(k, "sanlock-expired")) {
        line(out, r->t, "%s's sanlock lockspace expires: no renewal for 80 s since it lost the LUN (8 x io_timeout); "
                        "sanlock kills what holds its leases, and the watchdog resets the node about 60 s later "
                        "unless they have all exited.",
             s);
    } else if (!strcmp(k, "host-reset")) {
        line(out, r->t, "%s is reset: %s.", s + (g_str_has_prefix(s, "host:") ? 5 : 0), r->reason ? r->reason : "");
    } else if (!strcmp(k, "rebooted")) {
        line(out, r->t, "%s boots again (%s).", s + (g_str_has_prefix(s, "host:") ? 5 : 0), r->reason ? r->reason : "");
    } else if (!strcmp(k, "fs-withdraw")) {
        line(out, r->t, "%s's cluster file system withdraws: an IO error on the shared LUN. Its VMs' IO fails until "
                        "it is mounted again.",
             s);
    } else if (!strcmp(k, "drbd-disconnected")) {
        line(out, r->t, "DRBD declares the peer lost (%s).", r->reason ? r->reason : scenario_fencing_names[st->fencing]);
    } else if (!strcmp(k, "ceph-mon-election")) {
        line(out, r->t, "the Ceph monitors hold an election (%s): no map can change until a majority agrees.",
             r->reason ? r->reason : "a monitor changed");
    } else if (!strcmp(k, "ceph-undersized")) {
        line(out, r->t, "%s's data stays with fewer copies than the pool's size: %s.", s,
             r->reason ? r->reason : "no host for the lost copy");
    } else if (!strcmp(k, "ceph-recovery-start")) {
        line(out, r->t, "Ceph rebuilds %s's lost copy on another host (%s).", s,
             r->reason ? r->reason : "the OSD is out");
    } else if (!strcmp(k, "ceph-recovery-done")) {
        line(out, r->t, "Ceph has rebuilt %s's copies.", s);
    } else if (!strcmp(k, "cpu-throttle")) {
        line(out, r->t, "%s: auto-converge slows the guest's vCPUs to let the migration catch up (throttle %.0f%%).",
             s, 100 * r->throttle);
    } else if (!strcmp(k, "xbzrle-started")) {
        line(out, r->t, "%s: the first pass is over, so XBZRLE starts sending pages already sent as deltas.", s);
    } else if (!strcmp(k, "postcopy-start")) {
        g_autofree char *p = size_s(r->pending);
        line(out, r->t, "%s switches to postcopy: it pauses briefly and then runs on the destination, which pulls the "
                        "%s not yet sent when it touches them.",
             s, p);
    } else if (!strcmp(k, "disk-mirror-ready")) {
        line(out, r->t, "%s's disks are mirrored to the destination (copy-storage-all): its memory copy starts.", s);
    } else if (!strcmp(k, "migration-waits")) {
        line(out, r->t, "%s's migration waits: %s.", s, r->reason ? r->reason : "for its storage");
    } else if (!strcmp(k, "migration-goes-on")) {
        line(out, r->t, "%s's migration goes on: its storage answers again.", s);
    } else if (!strcmp(k, "migration-timed-out")) {
        g_autofree char *t = time_s(sim_to_s(sc->cluster.migrate_timeout));
        line(out, r->t, "Pacemaker's migrate_to of %s times out (%s, cluster.migrate_timeout): the executor kills "
                        "the resource agent, and libvirt cancels the migration its closed connection started.",
             s, t);
    } else if (!strcmp(k, "migration-connection-lost")) {
        line(out, r->t, "%s's migration loses its connection to the destination.", s);
    } else if (!strcmp(k, "migration-storage-failed")) {
        line(out, r->t, "%s's migration gives up: %s.", s, r->reason ? r->reason : "its storage could not be reached");
    } else if (!strcmp(k, "vm-stopping")) {
        line(out, r->t, "%s shuts down, to be started on its new host (a stop and a start).", s);
    } else if (!strcmp(k, "vm-stopped")) {
        line(out, r->t, "%s has shut down; it now boots on its new host.", s);
    } else if (!strcmp(k, "drbd-attached")) {
        line(out, r->t, "DRBD on %s attaches its disk again.", s);
    } else if (!strcmp(k, "drbd-detached")) {
        g_autofree char *why = r->reason ? g_strdup_printf(" (%s)", r->reason) : g_strdup("");
        line(out, r->t, "DRBD on %s detaches its disk%s: it goes on diskless, reading and writing through its peer.", s,
             why);
    } else if (!strcmp(k, "drbd-fence-peer")) {
        line(out, r->t, "DRBD's fence-peer handler on %s returns: %s.", s, r->reason ? r->reason : "done");
    } else if (!strcmp(k, "drbd-outdated")) {
        line(out, r->t, "DRBD marks %s's copy Outdated (%s): it may not be promoted until it resyncs.", s,
             r->reason ? r->reason : "fenced");
    } else if (!strcmp(k, "fence-request")) {
        line(out, r->t, "Pacemaker asks to fence %s (%s).", s, r->reason ? r->reason : "STONITH");
    } else if (!strcmp(k, "fence-asked")) {
        line(out, r->t, "%s asks the cluster to fence it: %s.", s, r->reason ? r->reason : "");
    } else if (!strcmp(k, "fence-confirmed")) {
        line(out, r->t, "the fence of %s is confirmed: its resources may now be recovered elsewhere.", s);
    } else if (!strcmp(k, "fence-failed")) {
        line(out, r->t, "the fence of %s fails: %s.", s, r->reason ? r->reason : "the fence agent failed");
    } else if (!strcmp(k, "membership")) {
        line(out, r->t, "corosync forms a new membership: %s.", r->reason ? r->reason : s);
    } else if (!strcmp(k, "quorum-expected-votes")) {
        line(out, r->t, "votequorum lowers the votes it expects (%s).", r->reason ? r->reason : "last_man_standing");
    } else if (!strcmp(k, "start-blocked")) {
        line(out, r->t, "%s cannot start yet: %s.", s, r->reason ? r->reason : "its storage is not ready");
    } else if (!strcmp(k, "nfs-failover")) {
        line(out, r->t, "the NFS service fails over to its standby server%s%s.", r->reason ? ": " : "",
             r->reason ? r->reason : "");
    } else if (!strcmp(k, "single-copy")) {
        line(out, r->t, "%s's data now has a single copy: what it writes is lost if that copy is.", s);
    } else if (!strcmp(k, "single-copy-end")) {
        line(out, r->t, "%s's data has more than one copy again.", s);
    } else {
        g_autofree char *kind = g_strdup(k);
        g_strdelimit(kind, "-", ' ');
        line(out, r->t, "%s%s%s%s%s.", kind, *s ? " " : "", s, r->reason ? ": " : "", r->reason ? r->reason : "");
    }
}

/* An IO incident that ends because its VM stops at that moment, or gives
 * way to another (waiting IO frozen by fencing): that is told, not "IO
 * goes on". */
static bool io_end_untold(const GArray *recs, guint i)
{
    const rec *r = &g_array_index(recs, rec, i);
    if (!g_str_has_prefix(r->kind, "io-") || !g_str_has_suffix(r->kind, "-end") || !r->subject)
        return false;
    guint first = i;
    while (first > 0 && g_array_index(recs, rec, first - 1).t == r->t)
        first--;
    for (guint j = first; j < recs->len; j++) {
        const rec *n = &g_array_index(recs, rec, j);
        if (n->t != r->t)
            break;
        if (j == i || !n->subject || strcmp(n->subject, r->subject) != 0)
            continue;
        if (!strcmp(n->kind, "vm-down") || !strcmp(n->kind, "quorum-lost") ||
            (g_str_has_prefix(n->kind, "io-") && !g_str_has_suffix(n->kind, "-end")))
            return true;
    }
    return false;
}

char *explain_text(const scenario *sc, int run, GError **err)
{
    world *w = world_new(sc, (uint64_t)run, err);
    if (!w)
        return NULL;
    world_run(w);
    trace *tr = sim_trace(world_sim(w));
    GArray *recs = g_array_new(FALSE, TRUE, sizeof(rec));
    trace_rec tr_rec;
    for (size_t i = 0; trace_get(tr, i, &tr_rec); i++) {
        rec r = { .t = tr_rec.t, .order = i, .kind = tr_rec.kind, .subject = tr_rec.subject, .downtime = -1,
                  .client = -1, .unsent = -1, .fault = -1 };
        for (size_t k = 0; k < tr_rec.nkv; k++) {
            const trace_kv *kv = &tr_rec.kv[k];
            if (!strcmp(kv->key, "reason") && kv->type == TRACE_STR)
                r.reason = kv->v.s;
            else if (!strcmp(kv->key, "resource") && kv->type == TRACE_STR)
                r.resource = kv->v.s;
            else if (!strcmp(kv->key, "outcome") && kv->type == TRACE_STR)
                r.outcome = kv->v.s;
            else if (!strcmp(kv->key, "pending_bytes") && kv->type == TRACE_DBL)
                r.pending = kv->v.d;
            else if ((!strcmp(kv->key, "sent_bytes") || !strcmp(kv->key, "transferred_bytes")) && kv->type == TRACE_DBL)
                r.sent = kv->v.d;
            else if (!strcmp(kv->key, "downtime") && kv->type == TRACE_DBL)
                r.downtime = kv->v.d;
            else if (!strcmp(kv->key, "client_downtime") && kv->type == TRACE_DBL)
                r.client = kv->v.d;
            else if (!strcmp(kv->key, "unsent_bytes") && kv->type == TRACE_DBL)
                r.unsent = kv->v.d;
            else if (!strcmp(kv->key, "throttle") && kv->type == TRACE_DBL)
                r.throttle = kv->v.d;
            else if (!strcmp(kv->key, "postcopy_fault_time") && kv->type == TRACE_DBL)
                r.fault = kv->v.d;
            else if (!strcmp(kv->key, "syncs") && kv->type == TRACE_INT)
                r.syncs = kv->v.i;
        }
        g_array_append_val(recs, r);
    }
    g_array_sort(recs, rec_cmp);

    GString *out = g_string_new(NULL);
    g_string_append_printf(out, "%s (run %d, seed %" G_GUINT64_FORMAT ")\n", sc->name, run, sc->seed);
    if (sc->description)
        g_string_append_printf(out, "%s\n", sc->description);
    g_string_append_printf(out, "\nPhase 1 - the cluster runs: %zu host%s, %zu VM%s, storage %s, cluster manager %s.\n",
                           sc->nhosts, sc->nhosts == 1 ? "" : "s", sc->nvms, sc->nvms == 1 ? "" : "s",
                           scenario_storage_names[sc->storage.type], scenario_manager_names[sc->cluster.manager]);
    const GPtrArray *warns = world_warnings(w);
    if (warns->len) {
        g_string_append(out, "\nWarnings (also in the report's):\n");
        for (guint i = 0; i < warns->len; i++)
            g_string_append_printf(out, "  - %s\n", (char *)g_ptr_array_index(warns, i));
    }
    /* the same lint the report lists, so that what the run left to chance
     * (a sweep's start) or what the design risks is told here too */
    GPtrArray *risks = g_ptr_array_new_with_free_func(g_free);
    lint_scenario(sc, risks);
    if (risks->len) {
        g_string_append(out, "\nWorth knowing before reading on (also in the report's warnings):\n");
        for (guint i = 0; i < risks->len; i++)
            g_string_append_printf(out, "  - %s\n", (char *)g_ptr_array_index(risks, i));
    }
    g_ptr_array_free(risks, TRUE);
    int phase = 1;
    sim_time last_cause = -1;
    size_t told = 0;
    for (guint i = 0; i < recs->len; i++) {
        const rec *r = &g_array_index(recs, rec, i);
        if (r->t > sc->until)
            break;
        if (is_cause(r->kind) && r->t != last_cause) {
            g_autofree char *at = when(r->t);
            g_string_append_printf(out, "\nPhase %d - from t=%s:\n", ++phase, at);
            last_cause = r->t;
        }
        if (++told > 2000) {
            g_string_append(out, "  ... (the rest of the run is not told; use golive run --trace)\n");
            break;
        }
        if (io_end_untold(recs, i))
            continue;
        narrate(out, sc, w, r);
    }

    /* summary */
    size_t done = 0, nmig = world_nmigrations(w);
    double worst = 0;
    for (size_t i = 0; i < nmig; i++) {
        const mig_result *m = world_migration(w, i);
        if (m->outcome == MIG_COMPLETED) {
            done++;
            worst = fmax(worst, sim_to_s(m->downtime));
        }
    }
    g_string_append(out, "\nSummary:\n");
    if (nmig) {
        g_autofree char *wd = time_s(worst);
        g_string_append_printf(out, "  %zu of %zu migration%s completed; the longest pause was %s.\n", done, nmig,
                               nmig == 1 ? "" : "s", wd);
    }
    double diverged = 0, discarded = 0, down = 0;
    bool split = false;
    for (size_t i = 0; i < world_nincidents(w); i++) {
        const world_incident *in = world_incident_get(w, i);
        diverged += in->diverged_bytes;
        discarded += in->discarded_bytes;
        split |= !strcmp(in->kind, "split-brain") || !strcmp(in->kind, "double-writer");
    }
    /* per VM, the union of its outages (one VM down and without IO at once
     * is down once), as the report's availability counts them */
    for (size_t v = 0; v < sc->nvms; v++) {
        GArray *spans = g_array_new(FALSE, FALSE, sizeof(double) * 2);
        for (size_t i = 0; i < world_nincidents(w); i++) {
            const world_incident *in = world_incident_get(w, i);
            if (in->vm == (int)v && (!strcmp(in->kind, "vm-down") || !strcmp(in->kind, "quorum-lost") ||
                                     g_str_has_prefix(in->kind, "io-"))) {
                double sp[2] = { sim_to_s(in->start), sim_to_s(in->end) };
                g_array_append_val(spans, sp);
            }
        }
        down += stats_union_length((const double *)spans->data, spans->len);
        g_array_free(spans, TRUE);
    }
    if (!world_nincidents(w))
        g_string_append(out, "  No incident: the VMs' users noticed nothing beyond the migrations' pauses.\n");
    else {
        g_autofree char *dd = time_s(down);
        g_string_append_printf(out, "  %zu incident%s; VMs were down or without IO for %s in all.\n",
                               world_nincidents(w), world_nincidents(w) == 1 ? "" : "s", dd);
    }
    if (split) {
        g_autofree char *d = size_s(diverged), *x = size_s(discarded);
        g_string_append_printf(out, "  Split brain: %s diverged; recovering throws %s away.\n", d, x);
    } else {
        g_string_append(out, "  No data was written from two places: no split brain.\n");
    }
    g_autofree char *span = time_s(sim_to_s(world_end_time(w)));
    g_string_append_printf(out, "  The run covered %s%s.\n", span,
                           sc->until_set ? " (its `until`)" : ", until nothing was left to happen (no `until`)");
    g_string_append(out, "\n");
    assume_text(sc, world_assumed(w), NULL, 1, world_end_time(w), false, out);
    g_array_free(recs, TRUE);
    world_free(w);
    return g_string_free(out, FALSE);
}

int cli_explain(int argc, char **argv)
{
    gint64 seed = ARGS_UNSET;
    gint run = 0;
    g_autofree gchar *max_input = NULL;
    GOptionEntry entries[] = {
        { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed (default: the scenario's \"seed\")", "S" },
        { "run", 'r', 0, G_OPTION_ARG_INT, &run, "Which run to tell (default 0)", "K" },
        LOAD_OPTION_ENTRY(&max_input),
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
    g_option_context_set_summary(ctx, "Tell one run's timeline in plain sentences, with the reasons the models give.");
    g_option_context_set_description(ctx, CLI_EXIT_HELP);
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) gerr = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
        fprintf(stderr, "golive explain: %s\n", gerr->message);
        return CLI_EXIT_USAGE;
    }
    if (argc != 2) {
        fprintf(stderr, "golive explain: expected one scenario file\nUsage: golive explain FILE [OPTION...]\n");
        return CLI_EXIT_USAGE;
    }
    if (run < 0) {
        fprintf(stderr, "golive explain: --run: expected a run number >= 0, not %d\n", run);
        return CLI_EXIT_USAGE;
    }
    if (!args_check("explain", seed, ARGS_UNSET_INT, ARGS_UNSET_INT))
        return CLI_EXIT_USAGE;
    interrupt_install(); /* a signal ends it at once */
    interrupt_immediate(true);
    load_limit lim = { 0 };
    scenario *sc = load_limit_init(&lim, "explain", max_input) ? load_scenario(argv[1], &lim) : NULL;
    load_limit_clear(&lim);
    if (!sc)
        return CLI_EXIT_USAGE;
    if (seed != ARGS_UNSET)
        sc->seed = (uint64_t)seed;
    if (sc->until == SIM_NEVER)
        sc->until = SIM_DAY;
    g_autoptr(GError) err = NULL;
    char *text = explain_text(sc, run, &err);
    if (!text) {
        fprintf(stderr, "golive explain: %s\n", err->message);
        scenario_free(sc);
        return CLI_EXIT_USAGE;
    }
    fputs(text, stdout);
    g_free(text);
    scenario_free(sc);
    return CLI_EXIT_OK;
}
