/* failure — wildcard expansion and the renewal process per target. */
#include "models/failure.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <stdlib.h>
#include <string.h>

typedef struct failure_set failure_set;

typedef struct {
    failure_set *fs;
    char *target;
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

GPtrArray *failure_expand(const scenario *sc, const char *pattern)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    const char *colon = strchr(pattern, ':');
    if (!colon) {
        g_ptr_array_add(out, g_strdup(pattern));
        return out;
    }
    g_autofree char *kind = g_strndup(pattern, (gsize)(colon - pattern));
    const char *arg = colon + 1;
    if ((!strcmp(kind, "host") || !strcmp(kind, "mon")) && !strcmp(arg, "*")) {
        /* monitors are named by their hosts */
        for (size_t h = 0; h < sc->nhosts; h++)
            g_ptr_array_add(out, g_strdup_printf("%s:%s", kind, sc->hosts[h].name));
    } else if (!strcmp(kind, "osd") && !strcmp(arg, "*")) {
        for (size_t h = 0; h < sc->nhosts; h++)
            for (int k = 0; k < sc->hosts[h].disks; k++)
                g_ptr_array_add(out, g_strdup_printf("osd:%d", sc->hosts[h].first_osd + k));
    } else if (!strcmp(kind, "disk") && strchr(arg, '*')) {
        /* every disk, every disk of a host, or disk N of every host */
        const char *slash = strchr(arg, '/');
        g_autofree char *hp = slash ? g_strndup(arg, (gsize)(slash - arg)) : g_strdup(arg);
        const char *np = slash ? slash + 1 : "*";
        for (size_t h = 0; h < sc->nhosts; h++) {
            if (strcmp(hp, "*") && strcmp(hp, sc->hosts[h].name))
                continue;
            for (int k = 0; k < sc->hosts[h].disks; k++)
                if (!strcmp(np, "*") || atoi(np) == k)
                    g_ptr_array_add(out, g_strdup_printf("disk:%s/%d", sc->hosts[h].name, k));
        }
    } else if (!strcmp(kind, "network") && !strcmp(arg, "*")) {
        for (size_t n = 0; n < sc->nnetworks; n++)
            g_ptr_array_add(out, g_strdup_printf("network:%s", sc->networks[n].name));
    } else if (!strcmp(kind, "nic") && strchr(arg, '*')) {
        /* nic:*\/NET, nic:HOST/\*, nic:*\/\* */
        const char *slash = strchr(arg, '/');
        g_autofree char *hp = slash ? g_strndup(arg, (gsize)(slash - arg)) : g_strdup(arg);
        const char *np = slash ? slash + 1 : "*";
        for (size_t h = 0; h < sc->nhosts; h++) {
            if (strcmp(hp, "*") && strcmp(hp, sc->hosts[h].name))
                continue;
            for (size_t k = 0; k < sc->hosts[h].nnics; k++) {
                const char *net = sc->networks[sc->hosts[h].nics[k].network].name;
                if (!strcmp(np, "*") || !strcmp(np, net))
                    g_ptr_array_add(out, g_strdup_printf("nic:%s/%s", sc->hosts[h].name, net));
            }
        }
    } else {
        g_ptr_array_add(out, g_strdup(pattern));
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
        trace_begin(tr, sim_now(p->fs->s), p->down ? "fail" : "repair", p->target);
        trace_str(tr, "reason", "random failure (MTBF/MTTR)");
        trace_end(tr);
    }
    p->fs->apply(p->fs->ctx, p->target, p->down);
    schedule(p);
}

static void proc_free(gpointer data)
{
    target_proc *p = data;
    g_free(p->target);
    g_free(p);
}

failure_set *failure_set_new(sim *s, const scenario *sc, bool (*accept)(const char *target), failure_apply_fn apply,
                             void *ctx, GPtrArray *skipped)
{
    failure_set *fs = g_new0(failure_set, 1);
    fs->s = s;
    fs->apply = apply;
    fs->ctx = ctx;
    fs->procs = g_ptr_array_new_with_free_func(proc_free);
    for (size_t i = 0; i < sc->nfailures; i++) {
        g_autoptr(GPtrArray) targets = failure_expand(sc, sc->failures[i].target);
        for (guint k = 0; k < targets->len; k++) {
            const char *t = g_ptr_array_index(targets, k);
            if (accept && !accept(t)) {
                if (skipped)
                    g_ptr_array_add(skipped, g_strdup(t));
                continue;
            }
            target_proc *p = g_new0(target_proc, 1);
            p->fs = fs;
            p->target = g_strdup(t);
            p->cls = &sc->failures[i];
            g_autofree char *stream = g_strdup_printf("failure:%zu:%s", i, t);
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
