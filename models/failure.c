/* failure — wildcard expansion and the renewal process per target. */
#include "models/failure.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

typedef struct failure_set failure_set;

typedef struct {
    failure_set *fs;
    scn_target target;
    char *name; /* for the record and the RNG stream */
    const scn_failure *cls;
    gsl_rng *r;
    bool down;
    sim_event ev;
} target_proc;

struct failure_set {
    sim *s;
    failure_apply_fn apply;
    void *ctx;
    GPtrArray *procs; /* target_proc*, in scenario order */
    size_t count;
};

GArray *failure_expand(const scenario *sc, const scn_target *pattern)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(scn_target));
    scn_target t = *pattern;
    switch (pattern->kind) {
    case TARGET_HOST:
    case TARGET_MON:
        for (size_t h = 0; h < (pattern->kind == TARGET_MON ? (size_t)scenario_ceph_monitors(sc) : sc->nhosts); h++)
            if (pattern->host < 0 || pattern->host == (int)h) {
                t.host = (int)h;
                g_array_append_val(out, t);
            }
        break;
    case TARGET_OSD:
        for (size_t h = 0; h < sc->nhosts; h++)
            for (int k = 0; k < sc->hosts[h].disks; k++)
                if (pattern->disk < 0 || pattern->disk == sc->hosts[h].first_osd + k) {
                    t.disk = sc->hosts[h].first_osd + k;
                    g_array_append_val(out, t);
                }
        break;
    case TARGET_DISK:
        /* every disk, every disk of a host, or disk N of every host */
        for (size_t h = 0; h < sc->nhosts; h++)
            for (int k = 0; k < sc->hosts[h].disks; k++)
                if ((pattern->host < 0 || pattern->host == (int)h) && (pattern->disk < 0 || pattern->disk == k)) {
                    t.host = (int)h;
                    t.disk = k;
                    g_array_append_val(out, t);
                }
        break;
    case TARGET_NETWORK:
        for (size_t n = 0; n < sc->nnetworks; n++)
            if (pattern->network < 0 || pattern->network == (int)n) {
                t.network = (int)n;
                g_array_append_val(out, t);
            }
        break;
    case TARGET_NIC:
        /* in each host's NIC order */
        for (size_t h = 0; h < sc->nhosts; h++)
            for (size_t k = 0; k < sc->hosts[h].nnics; k++) {
                int net = sc->hosts[h].nics[k].network;
                if ((pattern->host < 0 || pattern->host == (int)h) && (pattern->network < 0 || pattern->network == net)) {
                    t.host = (int)h;
                    t.network = net;
                    g_array_append_val(out, t);
                }
            }
        break;
    case TARGET_STORAGE_SERVER:
        g_array_append_val(out, t);
        break;
    }
    return out;
}

double failure_draw_up(gsl_rng *r, double mtbf_s, bool weibull, double shape)
{
    if (!weibull)
        return gsl_ran_exponential(r, mtbf_s); /* GSL takes the mean */
    double scale = mtbf_s / gsl_sf_gamma(1 + 1 / shape);
    return gsl_ran_weibull(r, scale, shape);
}

static void next_event(sim *s, void *arg);

static void schedule(target_proc *p)
{
    const scn_failure *f = p->cls;
    double dt = p->down ? gsl_ran_exponential(p->r, sim_to_s(f->mttr))
                        : failure_draw_up(p->r, sim_to_s(f->mtbf), f->weibull, f->shape);
    sim_time d = sim_from_s(dt);
    p->ev = sim_after(p->fs->s, d > 0 ? d : 1, next_event, p);
}

static void next_event(sim *s, void *arg)
{
    (void)s;
    target_proc *p = arg;
    p->down = !p->down;
    if (p->down)
        p->fs->count++;
    trace *tr = sim_trace(p->fs->s);
    if (trace_enabled(tr)) {
        trace_begin(tr, sim_now(p->fs->s), p->down ? "fail" : "repair", p->name);
        trace_str(tr, "reason", "random failure (MTBF/MTTR)");
        trace_end(tr);
    }
    p->fs->apply(p->fs->ctx, &p->target, p->down);
    schedule(p);
}

static void proc_free(gpointer data)
{
    target_proc *p = data;
    g_free(p->name);
    g_free(p);
}

failure_set *failure_set_new(sim *s, const scenario *sc, failure_apply_fn apply, void *ctx)
{
    failure_set *fs = g_new0(failure_set, 1);
    fs->s = s;
    fs->apply = apply;
    fs->ctx = ctx;
    fs->procs = g_ptr_array_new_with_free_func(proc_free);
    for (size_t i = 0; i < sc->nfailures; i++) {
        g_autoptr(GArray) targets = failure_expand(sc, &sc->failures[i].pattern);
        for (guint k = 0; k < targets->len; k++) {
            target_proc *p = g_new0(target_proc, 1);
            p->fs = fs;
            p->target = g_array_index(targets, scn_target, k);
            p->name = scenario_target_name(sc, &p->target);
            p->cls = &sc->failures[i];
            g_autofree char *stream = g_strdup_printf("failure:%zu:%s", i, p->name);
            p->r = sim_stream(s, stream);
            g_ptr_array_add(fs->procs, p);
            schedule(p);
        }
    }
    return fs;
}

void failure_set_stop(failure_set *fs)
{
    for (guint i = 0; i < fs->procs->len; i++) {
        target_proc *p = g_ptr_array_index(fs->procs, i);
        sim_cancel(fs->s, p->ev);
        p->ev = 0;
    }
}

void failure_set_free(failure_set *fs)
{
    if (!fs)
        return;
    failure_set_stop(fs);
    g_ptr_array_free(fs->procs, TRUE);
    g_free(fs);
}

size_t failure_set_count(const failure_set *fs) { return fs->count; }
