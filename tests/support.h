/* support — helpers shared by the model tests: load a scenario from text and
 * run it, find incidents and trace records. */
#ifndef GOLIVE_TESTS_SUPPORT_H
#define GOLIVE_TESTS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "models/world.h"

/* Loads a scenario from text (asserting it is valid), runs it, hands back both. */
world *support_run(const char *text, scenario **out);
/* Incidents of a kind. */
size_t support_count(const world *w, const char *kind);
/* The k-th incident of a kind, NULL if there are fewer. */
const world_incident *support_find(const world *w, const char *kind, int k);
/* The time of the k-th trace record of a kind (and subject, unless NULL);
 * -1 if none. */
sim_time support_trace_at(world *w, const char *kind, const char *subject, int k);
/* The reason of that record, NULL if none. */
const char *support_trace_reason(world *w, const char *kind, int k);

/* Corosync's detection of a lost node, recomputed here from its sources
 * (exec/totemconfig.c, totemsrp.c; docs/models.md): with `nodes` in the
 * nodelist, the membership forms between token + consensus - hold and
 * token + consensus after the fault (the token's phase). */
void support_membership_window(const scenario *sc, int nodes, sim_time *lo, sim_time *hi);
/* A DC acts 30 to 180 ms after a membership (the measured range,
 * docs/validation.md). */
#define SUPPORT_REACT_MIN (30 * SIM_MS)
#define SUPPORT_REACT_MAX (180 * SIM_MS)
/* Asserts lo <= t <= hi, naming what t is. */
#define support_between(t, lo, hi, what)                                                                          \
    cr_assert((t) >= (lo) && (t) <= (hi), "%s at %.3f s, expected %.3f to %.3f s", (what), sim_to_s(t),         \
              sim_to_s(lo), sim_to_s(hi))

/* The shipped scenarios (every .json file in scenarios/ but the schema), sorted: free
 * with g_strfreev. */
char **support_scenarios(void);

/* Removes a temporary directory and the files in it. */
void support_rmtree(const char *dir);

/* Runs build/golive (GOLIVE_BIN) with args (NULL-terminated); returns its
 * exit status and hands back stdout and stderr (g_free them). */
int support_golive(const char *const *args, char **out, char **err);

#endif
