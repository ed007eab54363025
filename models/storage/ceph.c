/* ceph — RBD on a replicated pool. */
#include "models/storage/ceph.h"

#include <math.h>
#include <string.h>

/* Ceph timers (sources.md 2): heartbeat grace + report, down -> out,
 * RBD watch timeout; recovery rate per image: assumption. */
#define CEPH_GRACE (25 * SIM_S)
#define CEPH_OUT (600 * SIM_S)
#define CEPH_WATCH (30 * SIM_S)
#define CEPH_RECOVERY_BPS 100e6
/* A failed disk kills its OSD daemon on a live host: connection refused
 * marks it down at once (osd_fast_fail_on_connection_refused); assumption:
 * 2 s of map propagation and peering. */
#define CEPH_FAST_FAIL (2 * SIM_S)
/* A hung disk stalls its OSD's op threads; the OSD kills itself after
 * osd_op_thread_suicide_timeout (150 s, ceph global.yaml.in) and is then
 * marked down at once (assumption: as a dead OSD, 2 s). */
#define CEPH_HANG (150 * SIM_S + CEPH_FAST_FAIL)
/* A monitor lost: the leader waits mon_lease x 2 for lease acks (10 s),
 * then the election (mon_election_timeout 5 s); one that joins: an
 * election (sources.md 2.1). */
#define CEPH_LEASE_WAIT (10 * SIM_S)
#define CEPH_ELECTION (5 * SIM_S)
/* A new client (a VM's start, a migration's destination) must authenticate
 * with the monitors; it gives up after client_mount_timeout, 300 s
 * (doc/rados/configuration/mon-config-ref.rst). */
#define CEPH_MOUNT_TIMEOUT (300 * SIM_S)
/* cephx service tickets: auth_service_ticket_ttl, 1 h (global.yaml.in). */
#define CEPH_TICKET_TTL SIM_HOUR

/* ------------------------------------------------------------------ Ceph RBD
 *
 * Every host runs OSDs; the first three run the monitors (assumption). A VM's
 * image lives on `size` replicas on distinct hosts, chosen by rendezvous
 * hashing of (VM, host) (deterministic and CRUSH-like: adding a host moves
 * only what it takes); with racks, by CRUSH's descent through them
 * (ceph_place_racks). Facts section 2:
 * - a replica lost while at least min_size remain stalls IO for the heartbeat
 *   grace plus a report (20 s + 5 s) until the OSD is marked down, then IO goes
 *   on degraded; fewer than min_size replicas block IO (PG "peered") until one
 *   comes back: Ceph blocks, it never splits;
 * - without a monitor majority no map can change: IO that needs one (a
 *   replica lost meanwhile) hangs until quorum returns;
 * - a host down for mon_osd_down_out_interval (600 s) is marked out and its
 *   data re-replicated to another host, if there is one, at a recovery rate
 *   (100 MB/s per image, assumption);
 * - a VM restarted after it died waits for its RBD lock holder's watch to
 *   time out (30 s) before it can take the exclusive lock; one stopped
 *   cleanly while it could still write released it. */


/* FNV-1a of "VM/HOST", finished by a murmur3 mix; the VM's part is hashed
 * once and continued for every host. */
static uint64_t ceph_prefix(const char *vm)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *p = vm; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return (h ^ '/') * 0x100000001b3ULL;
}

static uint64_t ceph_score(uint64_t prefix, const char *host)
{
    uint64_t h = prefix;
    for (const char *p = host; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ (h >> 33);
}

/* A bucket of CRUSH's top level: a rack and its hosts, or a host in no rack. */
typedef struct {
    uint64_t key;  /* its name, hashed once */
    int *hosts;
    int nhosts;
} ceph_bucket;

typedef struct {
    int *replicas;     /* the hosts holding its objects (CRUSH-like placement), `size` of them */
    int nreplicas;
    int usable;        /* replicas it could reach at the last check; -1 while it is down */
    int blocked;       /* open io-blocked incident (PGs peered, or a map change without quorum), -1 if none */
    int stall;         /* open io-blocked incident of an OSD failover stall, -1 if none */
    int single;        /* open single-copy incident (writes acknowledged by one copy), -1 if none */
    bool *current;     /* per replica: it holds every write (not a copy that missed some while away) */
    flow_bg **io;      /* its writes: to the primary copy, and from it to the others */
    int nio;
    sim_time lock_free_at; /* its RBD exclusive lock, left by a client that died, is broken then */
} ceph_vm;

typedef struct ceph_state ceph_state;

typedef struct {
    ceph_state *c;
    int h;
} host_ref;

struct ceph_state {
    world *w;
    ceph_vm *vms;
    int size;
    ceph_bucket *buckets;      /* with racks: root -> rack -> host, as a CRUSH map has them */
    int nbuckets;
    uint64_t *host_key;        /* with racks: each host's name, hashed once */
    bool equal_buckets;        /* every bucket holds as many hosts */
    bool *mon_up;              /* ceph monitors, on the first hosts */
    int nmons;
    bool mon_quorum;
    int mon_inc;               /* open quorum-lost incident */
    sim_time mon_electing_until; /* a monitor election lasts until then: no map change before */
    bool fast_fail;            /* the copy being lost is a dead OSD on a live host */
    bool hang;                 /* the copy being lost is on a hung disk */
    bool warned_ttl;           /* a monitor outage longer than the ticket TTL was reported */
    sim_event *out_ev;         /* per host: down -> out after mon_osd_down_out_interval */
    sim_event *osd_out_ev;     /* per OSD (disk), the same */
    host_ref *hrefs;           /* per host, as event arguments */
};

/* The best-scoring host not already holding a replica of vm, -1 if none
 * (up hosts only when up_only). */
static int ceph_pick(const ceph_state *c, int vm, bool up_only)
{
    const world *w = c->w;
    const scenario *sc = world_scenario(w);
    const ceph_vm *v = &c->vms[vm];
    int best = -1;
    uint64_t bs = 0, prefix = ceph_prefix(sc->vms[vm].name);
    for (size_t h = 0; h < sc->nhosts; h++) {
        bool taken = false;
        for (int k = 0; k < v->nreplicas; k++)
            taken |= v->replicas[k] == (int)h;
        if (taken || (up_only && !world_host_up(w, (int)h)))
            continue;
        uint64_t score = ceph_score(prefix, sc->hosts[h].name);
        if (best < 0 || score > bs) {
            best = (int)h;
            bs = score;
        }
    }
    return best;
}

/* The `size` best-scoring hosts, best first (ties: the first host), in one
 * pass: what `size` successive ceph_pick calls would choose. */
static void ceph_place(ceph_state *c, int vm)
{
    const scenario *sc = world_scenario(c->w);
    ceph_vm *v = &c->vms[vm];
    int size = c->size;
    uint64_t *score = g_newa(uint64_t, size), prefix = ceph_prefix(sc->vms[vm].name);
    int n = 0;
    for (size_t h = 0; h < sc->nhosts; h++) {
        uint64_t s = ceph_score(prefix, sc->hosts[h].name);
        if (n == size && s <= score[n - 1])
            continue;
        int k = n < size ? n++ : n - 1;
        for (; k > 0 && score[k - 1] < s; k--) {
            score[k] = score[k - 1];
            v->replicas[k] = v->replicas[k - 1];
        }
        score[k] = s;
        v->replicas[k] = (int)h;
    }
    v->nreplicas = n;
    v->usable = v->nreplicas;
}

/* straw2 (CRUSH's bucket choice, Ceph src/crush/mapper.c
 * bucket_straw2_choose): each item draws ln(u) / weight from a hash u of
 * (object, item, replica attempt) in (0, 1], and the largest draw wins:
 * weighted rendezvous hashing. For equal weights the largest hash wins. */
static uint64_t ceph_draw_hash(uint64_t prefix, uint64_t key, int attempt)
{
    uint64_t h = prefix ^ ((uint64_t)(attempt + 1) * 0x9e3779b97f4a7c15ULL) ^ (key * 0xbf58476d1ce4e5b9ULL);
    h ^= h >> 33; /* MurmurHash3's fmix64 */
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

/* The rack-aware placement: CRUSH's default replicated rule (step
 * chooseleaf firstn 0 type host) over a map root -> racks -> hosts
 * (crush_choose_firstn): replica r descends with attempt r + f, choosing a
 * bucket by straw2 over the root (weights: its hosts) and a host by straw2
 * in it; a host already chosen is a collision and the replica retries with
 * f + 1. It costs racks + hosts per rack per replica instead of every host;
 * a flat map (no racks) keeps the single ranking of ceph_place. */
static void ceph_place_racks(ceph_state *c, int vm)
{
    const scenario *sc = world_scenario(c->w);
    ceph_vm *v = &c->vms[vm];
    uint64_t prefix = ceph_prefix(sc->vms[vm].name);
    int want = c->size < (int)sc->nhosts ? c->size : (int)sc->nhosts;
    v->nreplicas = 0;
    for (int r = 0; v->nreplicas < want; r++) {
        int got = -1;
        /* choose_total_tries, Ceph's default tunable: 50 */
        for (int f = 0; f < 50 && got < 0; f++) {
            int attempt = r + f;
            int best = -1;
            double bd = -INFINITY;
            uint64_t bh = 0;
            for (int b = 0; b < c->nbuckets; b++) {
                uint64_t h = ceph_draw_hash(prefix, c->buckets[b].key, attempt);
                if (c->equal_buckets) {
                    if (best < 0 || h > bh) {
                        best = b;
                        bh = h;
                    }
                    continue;
                }
                double u = (double)((h >> 11) + 1) * 0x1p-53;
                double d = log(u) / c->buckets[b].nhosts;
                if (best < 0 || d > bd) {
                    best = b;
                    bd = d;
                }
            }
            const ceph_bucket *bk = &c->buckets[best];
            int host = -1;
            uint64_t hh = 0;
            for (int k = 0; k < bk->nhosts; k++) {
                uint64_t h = ceph_draw_hash(prefix, c->host_key[bk->hosts[k]], attempt);
                if (host < 0 || h > hh) {
                    host = bk->hosts[k];
                    hh = h;
                }
            }
            bool taken = false;
            for (int k = 0; k < v->nreplicas; k++)
                taken |= v->replicas[k] == host;
            if (!taken)
                got = host;
        }
        if (got < 0)
            got = ceph_pick(c, vm, false); /* CRUSH gave up: the best host left */
        if (got < 0)
            break;
        v->replicas[v->nreplicas++] = got;
    }
    v->usable = v->nreplicas;
}

/* The buckets of a map with racks (none without: a flat map). */
static void ceph_buckets(ceph_state *c, const scenario *sc)
{
    bool racks = false;
    for (size_t h = 0; h < sc->nhosts; h++)
        racks |= sc->hosts[h].rack_id >= 0;
    if (!racks)
        return;
    c->buckets = g_new0(ceph_bucket, sc->nhosts);
    c->host_key = g_new(uint64_t, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        c->host_key[h] = ceph_prefix(sc->hosts[h].name);
    int *of = g_new(int, sc->nhosts); /* bucket of the rack named by host h, by its first host */
    for (size_t h = 0; h < sc->nhosts; h++) {
        int id = sc->hosts[h].rack_id;
        int b;
        if (id >= 0 && (size_t)id < h) {
            b = of[id];
        } else {
            b = c->nbuckets++;
            c->buckets[b].key = ceph_prefix(id >= 0 ? sc->hosts[h].rack : sc->hosts[h].name);
            c->buckets[b].hosts = g_new(int, 1);
        }
        of[h] = b;
        ceph_bucket *bk = &c->buckets[b];
        if (bk->nhosts && !(bk->nhosts & (bk->nhosts - 1)))
            bk->hosts = g_renew(int, bk->hosts, 2 * bk->nhosts);
        bk->hosts[bk->nhosts++] = (int)h;
    }
    g_free(of);
    c->equal_buckets = true;
    for (int b = 1; b < c->nbuckets; b++)
        c->equal_buckets &= c->buckets[b].nhosts == c->buckets[0].nhosts;
}

static void *ceph_create(world *w)
{
    const scenario *sc = world_scenario(w);
    ceph_state *c = g_new0(ceph_state, 1);
    c->w = w;
    c->size = sc->storage.size;
    ceph_buckets(c, sc);
    c->vms = g_new0(ceph_vm, sc->nvms ? sc->nvms : 1);
    for (size_t i = 0; i < sc->nvms; i++) {
        c->vms[i].replicas = g_new0(int, c->size);
        /* to the primary, and from it to each other copy */
        c->vms[i].io = g_new0(flow_bg *, c->size);
        c->vms[i].current = g_new(bool, c->size);
        for (int k = 0; k < c->size; k++)
            c->vms[i].current[k] = true;
        c->vms[i].blocked = c->vms[i].stall = c->vms[i].single = -1;
        if (c->buckets)
            ceph_place_racks(c, (int)i);
        else
            ceph_place(c, (int)i);
    }
    c->nmons = scenario_ceph_monitors(sc);
    c->mon_up = g_new(bool, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        c->mon_up[h] = true;
    c->mon_quorum = true;
    c->mon_inc = -1;
    c->out_ev = g_new0(sim_event, sc->nhosts);
    c->hrefs = g_new(host_ref, sc->nhosts);
    for (size_t h = 0; h < sc->nhosts; h++)
        c->hrefs[h] = (host_ref){ c, (int)h };
    int nosd = 0;
    for (size_t h = 0; h < sc->nhosts; h++)
        nosd += sc->hosts[h].disks;
    c->osd_out_ev = g_new0(sim_event, nosd > 0 ? nosd : 1);
    return c;
}

static void ceph_destroy(void *st)
{
    ceph_state *c = st;
    if (!c)
        return;
    for (size_t i = 0; i < world_scenario(c->w)->nvms; i++) {
        g_free(c->vms[i].replicas);
        g_free(c->vms[i].io);
        g_free(c->vms[i].current);
    }
    g_free(c->vms);
    for (int b = 0; b < c->nbuckets; b++)
        g_free(c->buckets[b].hosts);
    g_free(c->buckets);
    g_free(c->host_key);
    g_free(c->mon_up);
    g_free(c->out_ev);
    g_free(c->hrefs);
    g_free(c->osd_out_ev);
    g_free(c);
}

/* (Re)places vm's writes as loads: its host to the primary copy, the
 * primary to each other copy (Ceph replicates through the primary). */
static void ceph_io_attach(ceph_state *c, int vm)
{
    world *w = c->w;
    const scenario *sc = world_scenario(w);
    ceph_vm *v = &c->vms[vm];
    for (int k = 0; k < v->nio; k++)
        flow_bg_free(world_net(w), v->io[k]);
    v->nio = 0;
    double rate = sc->vms[vm].disk_write_Bps;
    int host = world_vm_host(w, vm);
    if (rate <= 0 || host < 0)
        return;
    int net = world_storage_network(w), primary = -1;
    for (int k = 0; k < v->nreplicas && primary < 0; k++)
        if (world_host_up(w, v->replicas[k]) && world_disk_up(w, v->replicas[k], world_disk_of(w, vm, v->replicas[k])))
            primary = v->replicas[k];
    if (primary < 0)
        return;
    flow_link *path[4];
    if (primary != host && v->nio < c->size)
        v->io[v->nio++] = flow_bg_new(world_net(w), path, world_path(w, host, primary, net, path), rate);
    for (int k = 0; k < v->nreplicas && v->nio < c->size; k++) {
        int r = v->replicas[k];
        if (r != primary && world_host_up(w, r))
            v->io[v->nio++] = flow_bg_new(world_net(w), path, world_path(w, primary, r, net, path), rate);
    }
}

/* Whether a and b talk over the Ceph network (a host talks to itself). */
static bool ceph_link(const world *w, int a, int b)
{
    int net = world_storage_network(w);
    if (!world_host_up(w, a) || !world_host_up(w, b))
        return false;
    if (a == b)
        return true;
    return world_hosts_reach(w, a, b) && world_nic_up(w, a, net) && world_nic_up(w, b, net);
}

/* The copies of vm its host can reach (any that are up and connected when
 * the VM is down). */
static int ceph_usable(const ceph_state *c, int vm)
{
    const world *w = c->w;
    const ceph_vm *v = &c->vms[vm];
    int host = world_vm_host(w, vm);
    int u = 0;
    for (int k = 0; k < v->nreplicas; k++) {
        int r = v->replicas[k];
        bool osd = world_disk_up(w, r, world_disk_of(w, vm, r));
        u += osd && (host >= 0 ? ceph_link(w, host, r) : ceph_link(w, r, r));
    }
    return u;
}

/* Whether monitor m is up and talks with a majority of the monitors
 * (Paxos, sources.md 2.1). */
static bool ceph_mon_in_quorum(const ceph_state *c, int m)
{
    const world *w = c->w;
    if (!c->mon_up[m] || !world_host_up(w, m))
        return false;
    int with = 0;
    for (int k = 0; k < c->nmons; k++)
        with += c->mon_up[k] && ceph_link(w, m, k);
    return 2 * with > c->nmons;
}

static bool ceph_mon_quorum(const ceph_state *c)
{
    for (int m = 0; m < c->nmons; m++)
        if (ceph_mon_in_quorum(c, m))
            return true;
    return false;
}

/* Whether a new client on host h can connect: it reaches a monitor of the
 * quorum. */
static bool ceph_mon_reach(const ceph_state *c, int h)
{
    for (int m = 0; m < c->nmons; m++)
        if (ceph_link(c->w, h, m) && ceph_mon_in_quorum(c, m))
            return true;
    return false;
}

typedef struct {
    ceph_state *c;
    int vm;
} stall_job;

static void ceph_update_vm(ceph_state *c, int i, bool q);

static void ceph_stall_over(sim *s, void *arg)
{
    (void)s;
    stall_job *j = arg;
    world_incident_close(j->c->w, &j->c->vms[j->vm].stall);
    if (!world_ended(j->c->w))
        ceph_update_vm(j->c, j->vm, j->c->mon_quorum);
}

/* A monitor (or its host) went down (lost) or came back: an election,
 * during which no map can change (an OSD failover stall lasts at least
 * until it is over). */
static void ceph_mon_changed(ceph_state *c, bool lost)
{
    sim_time until = world_now(c->w) + (lost ? CEPH_LEASE_WAIT : 0) + CEPH_ELECTION;
    if (until > c->mon_electing_until)
        c->mon_electing_until = until;
    world_note(c->w, "ceph-mon-election", "ceph:mon", lost ? "a monitor was lost" : "a monitor joined");
}

/* Whether replica slot k of vm can be reached by its client (any that is
 * up when the VM is down). */
static bool slot_usable(const ceph_state *c, int vm, int k)
{
    const world *w = c->w;
    int r = c->vms[vm].replicas[k], host = world_vm_host(w, vm);
    return world_disk_up(w, r, world_disk_of(w, vm, r)) && (host >= 0 ? ceph_link(w, host, r) : ceph_link(w, r, r));
}

/* The writes of a single-copy stretch are what one disk's loss would lose. */
static void close_single(ceph_state *c, int vm)
{
    ceph_vm *v = &c->vms[vm];
    if (v->single < 0)
        return;
    world_incident *in = world_incident_at(c->w, v->single);
    in->at_risk_bytes = world_scenario(c->w)->vms[vm].disk_write_Bps * sim_to_s(world_now(c->w) - in->start);
    world_incident_close(c->w, &v->single);
}

/* Re-checks one VM's IO (q: the monitors have quorum). A copy that is away
 * while the VM writes misses those writes: it is stale until it is back
 * with a current copy to recover from (log-based recovery: assumption,
 * instant for a short outage). Only stale copies reachable: the placement
 * group stays down (down+peering) until a current copy returns or an
 * operator marks the missing OSD lost (not modelled): Ceph never serves the
 * stale copy (doc/rados/operations/pg-states.rst "down"). */
static void ceph_update_vm(ceph_state *c, int i, bool q)
{
    world *w = c->w;
    const scenario *sc = world_scenario(w);
    ceph_vm *v = &c->vms[i];
    if (world_vm_host(w, i) < 0)
        return;
    int min_size = sc->storage.min_size;
    bool writes = sc->vms[i].disk_write_Bps > 0;
    int u = 0, uc = 0;
    bool *ok = g_newa(bool, v->nreplicas + 1);
    for (int k = 0; k < v->nreplicas; k++) {
        ok[k] = slot_usable(c, i, k);
        u += ok[k];
        uc += ok[k] && v->current[k];
    }
    /* a copy that is back recovers what it missed from a current one */
    for (int k = 0; k < v->nreplicas && uc > 0; k++)
        v->current[k] |= ok[k];
    if (v->usable < 0)
        v->usable = u; /* (re)started: it opens the image with the map as it is */
    bool lost_one = u < v->usable;
    bool down = u > 0 && uc == 0;
    if (lost_one)
        world_assume(w, AS_ST_MIN_SIZE, -1); /* a copy went away: min_size decides whether IO goes on */
    if (u < min_size || down || (lost_one && !q) || (v->blocked >= 0 && !q)) {
        /* peered or down PGs, or a map change that cannot be committed */
        if (v->blocked < 0)
            v->blocked = world_incident_open(w, "io-blocked", down ? "ceph:pg-down" : u < min_size ? "ceph:pg" : "ceph:mon",
                                             i);
    } else {
        world_incident_close(w, &v->blocked);
        if (lost_one && v->stall < 0) {
            v->stall = world_incident_open(w, "io-blocked", "ceph:osd-failover", i);
            /* until the OSD is marked down, and a monitor election
             * under way is over (marking it down is a map change) */
            sim_time d = c->hang ? CEPH_HANG : c->fast_fail ? CEPH_FAST_FAIL : CEPH_GRACE;
            if (c->mon_electing_until - world_now(w) > d)
                d = c->mon_electing_until - world_now(w);
            stall_job *j = world_job(w, sizeof(stall_job));
            *j = (stall_job){ c, i };
            sim_after(world_sim(w), d, ceph_stall_over, j);
        }
    }
    /* while IO goes on, a copy that is away misses the writes */
    if (v->blocked < 0 && writes)
        for (int k = 0; k < v->nreplicas; k++)
            if (!ok[k])
                v->current[k] = false;
    /* writes acknowledged while a single copy holds them are at risk */
    bool single = writes && v->blocked < 0 && v->stall < 0 && u == 1;
    if (single && v->single < 0)
        v->single = world_incident_open(w, "single-copy", "ceph:pg", i);
    else if (!single)
        close_single(c, i);
    v->usable = u;
}

/* Running clients keep their sessions without the monitors, but their
 * cephx tickets expire after auth_service_ticket_ttl (1 h, Ceph
 * global.yaml.in) and cannot be renewed: not simulated, so said. */
static void warn_long_outage(ceph_state *c)
{
    if (c->mon_inc < 0 || c->warned_ttl)
        return;
    const world_incident *in = world_incident_at(c->w, c->mon_inc);
    if (world_now(c->w) - in->start > CEPH_TICKET_TTL) {
        world_warn(c->w, "the Ceph monitors had no quorum for over an hour: running clients' cephx tickets "
                         "(auth_service_ticket_ttl 1 h) would expire and their IO stop; golive keeps their IO going");
        c->warned_ttl = true;
    }
}

/* Re-checks every VM's IO and the monitors' quorum after a change. */
static void ceph_update(ceph_state *c)
{
    world *w = c->w;
    bool q = ceph_mon_quorum(c);
    bool regained = q && !c->mon_quorum;
    if (!q && c->mon_quorum) {
        c->mon_inc = world_incident_open(w, "quorum-lost", "ceph:mon", -1);
        world_assume(w, AS_CONST_CEPH_MONITORS, -1);
    } else if (regained) {
        warn_long_outage(c);
        world_incident_close(w, &c->mon_inc);
    }
    c->mon_quorum = q;
    for (size_t i = 0; i < world_scenario(w)->nvms; i++)
        ceph_update_vm(c, (int)i, q);
    if (regained)
        world_cluster_update(w); /* starts that waited for the monitors go on */
}

typedef struct {
    ceph_state *c;
    int vm, from, to;
} ceph_recovery;

static void ceph_recovered(flow_net *net, flow *f, void *arg)
{
    (void)net;
    (void)f;
    ceph_recovery *r = arg;
    ceph_state *c = r->c;
    ceph_vm *v = &c->vms[r->vm];
    for (int k = 0; k < v->nreplicas; k++)
        if (v->replicas[k] == r->from) {
            v->replicas[k] = r->to;
            v->current[k] = true; /* copied from a current copy */
        }
    world_note(c->w, "ceph-recovery-done", world_scenario(c->w)->vms[r->vm].name, NULL);
    ceph_io_attach(c, r->vm);
    v->usable = ceph_usable(c, r->vm);
    ceph_update(c);
}

/* Re-replicates the copies on host h (on its OSD k only, unless k < 0)
 * that are still down, to another host, from a copy that is up. */
static void rereplicate(ceph_state *c, int h, int osd_k)
{
    world *w = c->w;
    const scenario *sc = world_scenario(w);
    int net = world_storage_network(w);
    for (size_t i = 0; i < sc->nvms; i++) {
        ceph_vm *v = &c->vms[i];
        bool holds = false;
        int src = -1;
        for (int k = 0; k < v->nreplicas; k++) {
            int r = v->replicas[k];
            holds |= r == h && (osd_k < 0 || world_disk_of(w, (int)i, h) == osd_k);
            if (r != h && world_host_up(w, r) && world_disk_up(w, r, world_disk_of(w, (int)i, r)) && src < 0)
                src = r;
        }
        if (!holds)
            continue;
        int to = ceph_pick(c, (int)i, true);
        if (to < 0 || src < 0) {
            world_note(w, "ceph-undersized", sc->vms[i].name, "no other host for the lost copy");
            continue;
        }
        world_note(w, "ceph-recovery-start", sc->vms[i].name, "down -> out after 600 s");
        ceph_recovery *r = world_job(w, sizeof(ceph_recovery));
        *r = (ceph_recovery){ c, (int)i, h, to };
        flow_link *path[4];
        size_t np = world_path(w, src, to, net, path);
        double bytes = sc->vms[i].disk_size > 0 ? sc->vms[i].disk_size : 1;
        flow_start(world_net(w), path, np, bytes, &(flow_params){ .cap_Bps = CEPH_RECOVERY_BPS }, ceph_recovered, r);
    }
}

/* mon_osd_down_out_interval: the host's OSDs are out; re-replicate. */
static void ceph_out(sim *s, void *arg)
{
    (void)s;
    host_ref *ref = arg;
    ceph_state *c = ref->c;
    c->out_ev[ref->h] = 0;
    if (!world_host_up(c->w, ref->h))
        rereplicate(c, ref->h, -1);
}

typedef struct {
    ceph_state *c;
    int h, k;
} osd_ref;

static void ceph_osd_out(sim *s, void *arg)
{
    (void)s;
    osd_ref *o = arg;
    ceph_state *c = o->c;
    c->osd_out_ev[world_scenario(c->w)->hosts[o->h].first_osd + o->k] = 0;
    if (!world_ended(c->w) && !world_disk_up(c->w, o->h, o->k))
        rereplicate(c, o->h, o->k);
}

/* Disk k of host h (an OSD) failed or came back: its copies are lost like
 * a host's, and it is marked out after the same interval (sources.md 2.2). */
static void ceph_disk_changed(ceph_state *c, int h, int k, bool down)
{
    world *w = c->w;
    if (down) {
        c->fast_fail = true;
        ceph_update(c);
        c->fast_fail = false;
    }
    sim_event *ev = &c->osd_out_ev[world_scenario(w)->hosts[h].first_osd + k];
    if (down && !*ev) {
        osd_ref *o = world_job(w, sizeof(osd_ref));
        *o = (osd_ref){ c, h, k };
        *ev = sim_after(world_sim(w), CEPH_OUT, ceph_osd_out, o);
    } else if (!down && *ev) {
        sim_cancel(world_sim(w), *ev);
        *ev = 0;
    }
}

/* Disk k of host h hangs (or recovers): its OSD stalls until it kills
 * itself, then its copies are lost as with a failed disk. */
static void ceph_disk_hung(ceph_state *c, int h, int k, bool hung)
{
    if (hung) {
        c->hang = true;
        ceph_update(c);
        c->hang = false;
    }
    ceph_disk_changed(c, h, k, hung);
}

/* Host h went down or came back: starts or stops its down -> out timer. */
static void ceph_host_changed(ceph_state *c, int h, bool down)
{
    world *w = c->w;
    const scenario *sc = world_scenario(w);
    /* writes that went to or through its copies take another way */
    for (size_t i = 0; i < sc->nvms; i++)
        for (int k = 0; k < c->vms[i].nreplicas; k++)
            if (c->vms[i].replicas[k] == h) {
                ceph_io_attach(c, (int)i);
                break;
            }
    if (down && !c->out_ev[h])
        c->out_ev[h] = sim_after(world_sim(w), CEPH_OUT, ceph_out, &c->hrefs[h]);
    else if (!down && c->out_ev[h]) {
        sim_cancel(world_sim(w), c->out_ev[h]);
        c->out_ev[h] = 0;
    }
}

static void ceph_start(void *st, world *w)
{
    ceph_state *c = st;
    for (size_t i = 0; i < world_scenario(w)->nvms; i++)
        ceph_io_attach(c, (int)i);
}

static void ceph_changed(void *st, world *w, const world_change *ch)
{
    ceph_state *c = st;
    (void)w;
    if (ch->kind == WORLD_DISK && ch->disk >= 0) {
        if (ch->hang)
            ceph_disk_hung(c, ch->host, ch->disk, ch->down);
        else
            ceph_disk_changed(c, ch->host, ch->disk, ch->down);
    } else if (ch->kind == WORLD_HOST) {
        ceph_host_changed(c, ch->host, ch->down);
        if (ch->host < c->nmons && c->mon_up[ch->host])
            ceph_mon_changed(c, ch->down);
    } else if (ch->kind == WORLD_VM) {
        /* only that VM moved: nothing else changed for the others */
        ceph_io_attach(c, ch->vm);
        ceph_update_vm(c, ch->vm, c->mon_quorum);
        return;
    }
    ceph_update(c);
}

static void ceph_vm_gone(void *st, world *w, int vm, bool clean)
{
    ceph_state *c = st;
    /* a client stopped while it can write releases its lock; a dead one's
     * watch, or that of one cut off from its OSDs, must time out (30 s after
     * its last ping: when its IO blocked, if it did) */
    ceph_vm *v = &c->vms[vm];
    sim_time last = v->blocked >= 0 ? world_incident_at(w, v->blocked)->start : world_now(w);
    v->lock_free_at = clean && v->blocked < 0 ? 0 : last + CEPH_WATCH;
    world_incident_close(w, &c->vms[vm].blocked);
    world_incident_close(w, &c->vms[vm].stall);
    close_single(c, vm);
    c->vms[vm].usable = -1;
    ceph_io_attach(c, vm);
}

static bool ceph_apply_target(void *st, world *w, const scn_target *target, bool fail)
{
    ceph_state *c = st;
    if (target->kind != TARGET_MON)
        return false;
    int h = target->host;
    if (h < c->nmons && c->mon_up[h] == fail) {
        c->mon_up[h] = !fail;
        if (world_host_up(w, h))
            ceph_mon_changed(c, fail);
    }
    return true;
}

/* A VM restarted after it died waits for its RBD lock holder's watch to
 * time out before it can take the exclusive lock. */
static world_start ceph_start_wait(void *st, world *w, int vm, int h, sim_time *wait)
{
    ceph_state *c = st;
    if (c->mon_quorum && !ceph_mon_reach(c, h)) {
        /* the quorum is there but h cannot reach it: librbd's open would
         * wait there for client_mount_timeout, Pacemaker's start fails
         * (assumption: at once rather than after its start timeout) */
        world_note(w, "start-failed", world_scenario(w)->vms[vm].name,
                   "the host reaches no Ceph monitor of the quorum: the image cannot be opened there");
        return WORLD_START_FAILS;
    }
    if (!c->mon_quorum) {
        /* a new client cannot authenticate: the start waits for the quorum
         * (ceph_update asks the cluster again when it is back) */
        world_note(w, "start-blocked", world_scenario(w)->vms[vm].name,
                   "the Ceph monitors have no quorum: a new client cannot connect");
        return WORLD_START_BLOCKED;
    }
    sim_time free_at = c->vms[vm].lock_free_at;
    if (world_vm_host(w, vm) < 0 && free_at > world_now(w) + *wait)
        *wait = free_at - world_now(w);
    return WORLD_START_GO;
}

/* A migration's destination opens the image as a new client: it needs the
 * monitors (sources.md 2.1), and gives up after client_mount_timeout. */
static mig_gate_answer ceph_gate(void *st, world *w, int vm, int from, int to, mig_gate_point p, sim_time *deadline,
                                 const char **why)
{
    ceph_state *c = st;
    (void)vm;
    (void)from;
    if (p != MIG_GATE_OPEN || ceph_mon_reach(c, to))
        return MIG_GATE_GO;
    *why = c->mon_quorum ? "the destination reaches no Ceph monitor of the quorum: it cannot open the image"
                         : "the Ceph monitors have no quorum: the destination cannot open the image";
    *deadline = world_now(w) + CEPH_MOUNT_TIMEOUT;
    return MIG_GATE_WAIT;
}

static void ceph_stop(void *st, world *w)
{
    ceph_state *c = st;
    const scenario *sc = world_scenario(w);
    for (size_t h = 0; h < sc->nhosts; h++) {
        sim_cancel(world_sim(w), c->out_ev[h]);
        c->out_ev[h] = 0;
        for (int k = 0; k < sc->hosts[h].disks; k++) {
            sim_cancel(world_sim(w), c->osd_out_ev[sc->hosts[h].first_osd + k]);
            c->osd_out_ev[sc->hosts[h].first_osd + k] = 0;
        }
    }
    warn_long_outage(c);
    for (size_t i = 0; i < sc->nvms; i++) {
        close_single(c, (int)i); /* its bytes so far */
        c->vms[i].blocked = c->vms[i].stall = c->vms[i].single = -1;
    }
    c->mon_inc = -1;
}

static int ceph_copies(void *st, const world *w, int vm, int *hosts, int max)
{
    (void)w;
    const ceph_vm *v = &((ceph_state *)st)->vms[vm];
    for (int k = 0; k < v->nreplicas && k < max; k++)
        hosts[k] = v->replicas[k];
    return v->nreplicas;
}

const storage_ops ceph_storage = {
    .name = "ceph",
    .shared = true,
    .create = ceph_create,
    .destroy = ceph_destroy,
    .start = ceph_start,
    .changed = ceph_changed,
    .vm_gone = ceph_vm_gone,
    .apply_target = ceph_apply_target,
    .start_wait = ceph_start_wait,
    .gate = ceph_gate,
    .stop = ceph_stop,
    .copies = ceph_copies,
};
