/* local — disks inside the hosts.
 *
 * A VM's image is on one disk of its host (world_disk_of). When that disk
 * fails the VM stops; when it is back (restored) the VM boots from it
 * again. A hung disk blocks the VM's IO until the hang ends. Nothing else
 * can start the VM: its data is on that host only. */
#include "models/storage/local.h"

typedef struct {
    int *hung; /* per VM: open io-blocked incident of a hung disk, -1 if none */
} local_state;

static void *local_create(world *w)
{
    const scenario *sc = world_scenario(w);
    local_state *l = g_new0(local_state, 1);
    l->hung = g_new(int, sc->nvms ? sc->nvms : 1);
    for (size_t i = 0; i < sc->nvms; i++)
        l->hung[i] = -1;
    return l;
}

static void local_destroy(void *st)
{
    local_state *l = st;
    if (!l)
        return;
    g_free(l->hung);
    g_free(l);
}

typedef struct {
    world *w;
    int vm, h;
} restore_job;

/* A local disk is back: its VMs boot again from it. */
static void restored(sim *s, void *arg)
{
    (void)s;
    restore_job *j = arg;
    world *w = j->w;
    if (world_ended(w) || world_vm_host(w, j->vm) >= 0 || !world_host_up(w, j->h) ||
        !world_disk_up(w, j->h, world_disk_of(w, j->vm, j->h)))
        return;
    world_vm_start(w, j->vm, j->h, 0, "its local disk is back");
}

static void local_changed(void *st, world *w, const world_change *c)
{
    local_state *l = st;
    const scenario *sc = world_scenario(w);
    if (c->kind != WORLD_DISK || c->disk < 0)
        return;
    int h = c->host, k = c->disk;
    g_autofree char *target = g_strdup_printf("disk:%s/%d", sc->hosts[h].name, k);
    for (size_t i = 0; i < sc->nvms; i++) {
        int vm = (int)i;
        if (world_disk_of(w, vm, h) != k)
            continue;
        if (c->hang) {
            if (world_vm_host(w, vm) != h)
                continue;
            g_autofree char *res = g_strdup_printf("%s (hung)", target);
            if (c->down && l->hung[i] < 0)
                l->hung[i] = world_incident_open(w, "io-blocked", res, vm);
            else if (!c->down)
                world_incident_close(w, &l->hung[i]);
        } else if (c->down && world_vm_host(w, vm) == h) {
            world_vm_down(w, vm, "vm-down", target);
        } else if (!c->down && world_vm_host(w, vm) < 0 && world_vm_home(w, vm) == h) {
            restore_job *j = world_job(w, sizeof(restore_job));
            *j = (restore_job){ w, vm, h };
            sim_after(world_sim(w), sc->cluster.vm_start, restored, j);
            world_assume(w, AS_CL_VM_START, -1);
        }
    }
}

static void local_vm_gone(void *st, world *w, int vm, bool clean)
{
    local_state *l = st;
    (void)clean;
    world_incident_close(w, &l->hung[vm]);
}

static void local_stop(void *st, world *w)
{
    local_state *l = st;
    for (size_t i = 0; i < world_scenario(w)->nvms; i++)
        l->hung[i] = -1;
}

const storage_ops local_storage = {
    .name = "local",
    .shared = false,
    .create = local_create,
    .destroy = local_destroy,
    .changed = local_changed,
    .vm_gone = local_vm_gone,
    .stop = local_stop,
};
