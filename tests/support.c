/* support — helpers shared by the model tests. */
#include "tests/support.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

world *support_run(const char *text, scenario **out)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("test.json", text, strlen(text), errors);
    cr_assert_not_null(sc, "%s", errors->len ? (char *)g_ptr_array_index(errors, 0) : "");
    g_ptr_array_free(errors, TRUE);
    g_autoptr(GError) err = NULL;
    world *w = world_new(sc, 0, &err);
    cr_assert_not_null(w, "%s", err ? err->message : "");
    world_run(w);
    *out = sc;
    return w;
}

void support_membership_window(const scenario *sc, int nodes, sim_time *lo, sim_time *hi)
{
    const scn_cluster *cl = &sc->cluster;
    long token_ms = (long)(cl->token / SIM_MS) + (nodes > 2 ? (nodes - 2) * (long)(cl->token_coefficient / SIM_MS) : 0);
    long consensus_ms = cl->consensus > 0 ? (long)(cl->consensus / SIM_MS) : token_ms * 12 / 10;
    long retransmit_ms = (long)(token_ms / 4.2);            /* token / (token_retransmits_before_loss_const + 0.2) */
    long hold_ms = (long)(retransmit_ms * 0.8 - 1000 / 100); /* 0.8 x retransmit - 1000/HZ, HZ 100 */
    *hi = (token_ms + consensus_ms) * SIM_MS;
    *lo = *hi - hold_ms * SIM_MS;
}

size_t support_count(const world *w, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < world_nincidents(w); i++)
        n += !strcmp(world_incident_get(w, i)->kind, kind);
    return n;
}

const world_incident *support_find(const world *w, const char *kind, int k)
{
    for (size_t i = 0; i < world_nincidents(w); i++)
        if (!strcmp(world_incident_get(w, i)->kind, kind) && k-- == 0)
            return world_incident_get(w, i);
    return NULL;
}

static bool trace_find(world *w, const char *kind, const char *subject, int k, trace_rec *rec)
{
    for (size_t i = 0; trace_get(sim_trace(world_sim(w)), i, rec); i++)
        if (!strcmp(rec->kind, kind) && (!subject || !strcmp(rec->subject, subject)) && k-- == 0)
            return true;
    return false;
}

sim_time support_trace_at(world *w, const char *kind, const char *subject, int k)
{
    trace_rec rec;
    return trace_find(w, kind, subject, k, &rec) ? rec.t : -1;
}

const char *support_trace_reason(world *w, const char *kind, int k)
{
    trace_rec rec;
    if (!trace_find(w, kind, NULL, k, &rec))
        return NULL;
    for (size_t i = 0; i < rec.nkv; i++)
        if (!strcmp(rec.kv[i].key, "reason") && rec.kv[i].type == TRACE_STR)
            return rec.kv[i].v.s;
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **support_scenarios(void)
{
    GDir *d = g_dir_open("scenarios", 0, NULL);
    cr_assert_not_null(d, "run the tests from the top of the tree");
    GPtrArray *list = g_ptr_array_new();
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".json") && strcmp(name, "schema.json"))
            g_ptr_array_add(list, g_build_filename("scenarios", name, NULL));
    g_dir_close(d);
    qsort(list->pdata, list->len, sizeof(gpointer), cmp_str);
    cr_assert_gt(list->len, 20, "the shipped scenarios are missing");
    g_ptr_array_add(list, NULL);
    return (char **)g_ptr_array_free(list, FALSE);
}

int support_golive(const char *const *args, char **out, char **err)
{
    const char *bin = g_getenv("GOLIVE_BIN");
    cr_assert_not_null(bin, "GOLIVE_BIN must point at build/golive (make check sets it)");
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (char *)bin);
    for (; *args; args++)
        g_ptr_array_add(argv, (char *)*args);
    g_ptr_array_add(argv, NULL);
    int status = -1;
    GError *e = NULL;
    gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &status, &e);
    cr_assert(ok, "spawn failed: %s", e ? e->message : "?");
    g_ptr_array_free(argv, TRUE);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void support_rmtree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    for (const char *n; d && (n = g_dir_read_name(d));) {
        g_autofree char *p = g_build_filename(dir, n, NULL);
        g_unlink(p);
    }
    if (d)
        g_dir_close(d);
    g_rmdir(dir);
}
