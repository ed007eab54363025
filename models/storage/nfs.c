/* nfs — the NFS design: a filer (filer.c) and nothing else; the NFS
 * COMMIT of the switchover costs storage.switchover. */
#include "models/storage/nfs.h"

#include <string.h>

#include "models/storage/filer.h"

static void *nfs_create(world *w) { return filer_new(w); }
static void nfs_destroy(void *st) { filer_free(st); }

static void nfs_start(void *st, world *w)
{
    for (size_t i = 0; i < world_scenario(w)->nvms; i++)
        filer_attach(st, w, (int)i);
    filer_update(st, w);
}

static void nfs_changed(void *st, world *w, const world_change *c)
{
    if (filer_is_server_change(w, c))
        filer_server_changed(st, w, c->down);
    if (c->kind == WORLD_VM)
        filer_attach(st, w, c->vm);
    filer_update(st, w);
}

static void nfs_vm_gone(void *st, world *w, int vm, bool clean)
{
    (void)clean;
    filer_vm_gone(st, w, vm);
}

static bool nfs_apply_target(void *st, world *w, const scn_target *target, bool fail)
{
    if (target->kind != TARGET_STORAGE_SERVER)
        return false;
    filer_service(st, w, fail);
    return true;
}

static mig_gate_answer nfs_gate(void *st, world *w, int vm, int from, int to, mig_gate_point p, sim_time *deadline,
                                const char **why)
{
    (void)vm;
    return filer_gate(st, w, from, to, p, deadline, why);
}

static void nfs_stop(void *st, world *w) { filer_stop(st, w); }

const storage_ops nfs_storage = {
    .name = "nfs",
    .shared = true,
    .create = nfs_create,
    .destroy = nfs_destroy,
    .start = nfs_start,
    .changed = nfs_changed,
    .vm_gone = nfs_vm_gone,
    .apply_target = nfs_apply_target,
    .gate = nfs_gate,
    .stop = nfs_stop,
};
