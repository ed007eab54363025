/* iscsi — the iSCSI design: the target (filer.c) and its lock layer
 * (locks.c); the switchover releases and takes the volume's lock
 * (storage.switchover). */
#include "models/storage/iscsi.h"

#include <string.h>

#include "models/storage/filer.h"
#include "models/storage/locks.h"

typedef struct {
    filer *f;
    locks *l;
} iscsi_state;

static void *iscsi_create(world *w)
{
    iscsi_state *s = g_new0(iscsi_state, 1);
    s->f = filer_new(w);
    s->l = locks_new(w, s->f);
    return s;
}

static void iscsi_destroy(void *st)
{
    iscsi_state *s = st;
    if (!s)
        return;
    locks_free(s->l);
    filer_free(s->f);
    g_free(s);
}

static void iscsi_start(void *st, world *w)
{
    iscsi_state *s = st;
    for (size_t i = 0; i < world_scenario(w)->nvms; i++)
        filer_attach(s->f, w, (int)i);
    filer_update(s->f, w);
    locks_update(s->l, w);
}

static void iscsi_changed(void *st, world *w, const world_change *c)
{
    iscsi_state *s = st;
    if (filer_is_server_change(w, c))
        filer_server_changed(s->f, w, c->down);
    if (c->kind == WORLD_VM)
        filer_attach(s->f, w, c->vm);
    if (c->kind == WORLD_HOST)
        locks_host_changed(s->l, w, c->host, c->down);
    filer_update(s->f, w);
    locks_update(s->l, w);
}

static void iscsi_vm_gone(void *st, world *w, int vm, bool clean)
{
    iscsi_state *s = st;
    filer_vm_gone(s->f, w, vm);
    locks_vm_gone(s->l, w, vm, clean);
}

static bool iscsi_apply_target(void *st, world *w, const scn_target *target, bool fail)
{
    iscsi_state *s = st;
    if (target->kind != TARGET_STORAGE_SERVER)
        return false;
    filer_service(s->f, w, fail);
    return true;
}

static mig_gate_answer iscsi_gate(void *st, world *w, int vm, int from, int to, mig_gate_point p, sim_time *deadline,
                                  const char **why)
{
    (void)vm;
    return filer_gate(((iscsi_state *)st)->f, w, from, to, p, deadline, why);
}

static world_start iscsi_start_wait(void *st, world *w, int vm, int h, sim_time *wait)
{
    return locks_start_wait(((iscsi_state *)st)->l, w, vm, h, wait);
}

static void iscsi_members_lost(void *st, world *w, int part) { locks_members_lost(((iscsi_state *)st)->l, w, part); }
static void iscsi_fenced(void *st, world *w, int part) { locks_fenced(((iscsi_state *)st)->l, w, part); }
static void iscsi_healed(void *st, world *w) { locks_healed(((iscsi_state *)st)->l, w); }

static void iscsi_stop(void *st, world *w)
{
    iscsi_state *s = st;
    filer_stop(s->f, w);
    locks_stop(s->l, w);
}

const storage_ops iscsi_storage = {
    .name = "iscsi",
    .shared = true,
    .create = iscsi_create,
    .destroy = iscsi_destroy,
    .start = iscsi_start,
    .changed = iscsi_changed,
    .vm_gone = iscsi_vm_gone,
    .apply_target = iscsi_apply_target,
    .gate = iscsi_gate,
    .start_wait = iscsi_start_wait,
    .members_lost = iscsi_members_lost,
    .fenced = iscsi_fenced,
    .healed = iscsi_healed,
    .stop = iscsi_stop,
};
