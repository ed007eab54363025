/* failure — random failures and repairs of components (DESIGN 3.4).
 *
 * Each concrete target ("host:node1", "nic:node1/lan" ...) matched by a
 * failure class alternates up and down: up for a time drawn from an
 * exponential or Weibull distribution with mean MTBF, then down for an
 * exponential time with mean MTTR (an alternating renewal process). Every
 * target draws from its own RNG stream ("failure:TARGET"), so adding a
 * component never changes when another one fails, and run k is the same in
 * any thread. Streams are named "failure:CLASS:TARGET". */
#ifndef GOLIVE_MODELS_FAILURE_H
#define GOLIVE_MODELS_FAILURE_H

#include <glib.h>
#include <stdbool.h>

#include "models/scenario.h"
#include "sim/sim.h"

/* Called at each failure (fail = true) and repair of target. */
typedef void (*failure_apply_fn)(void *ctx, const scn_target *target, bool fail);

typedef struct failure_set failure_set;

/* Expands the scenario's failure classes over its components and schedules
 * the first failure of each target. */
failure_set *failure_set_new(sim *s, const scenario *sc, failure_apply_fn apply, void *ctx);
/* Cancels every pending failure and repair (the run is over). */
void failure_set_stop(failure_set *fs);
/* Frees the set (stopping it first); call before freeing the sim. */
void failure_set_free(failure_set *fs);

/* Number of failures so far. */
size_t failure_set_count(const failure_set *fs);

/* The concrete targets (scn_target) a pattern matches in sc ("host:*" ->
 * every host), in scenario order. */
GArray *failure_expand(const scenario *sc, const scn_target *pattern);

/* Draws an up time (seconds) with mean mtbf_s: exponential, or Weibull with
 * the given shape and the scale that gives that mean. */
double failure_draw_up(gsl_rng *r, double mtbf_s, bool weibull, double shape);

#endif
