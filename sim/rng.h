/* rng — named random-number streams on GSL.
 *
 * One gsl_rng (MT19937) per stream name. A stream's seed is derived from
 * (scenario seed, run index, stream name) alone, so adding or removing a
 * component never changes another component's numbers, and run k of a Monte
 * Carlo batch draws the same numbers whichever thread runs it. */
#ifndef GOLIVE_SIM_RNG_H
#define GOLIVE_SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct rng_streams rng_streams;

/* Allocates an empty set of streams for one run. */
rng_streams *rng_streams_new(uint64_t seed, uint64_t run);
void rng_streams_free(rng_streams *rs);

/* The stream called name, created on first use; owned by rs. */
gsl_rng *rng_stream(rng_streams *rs, const char *name);

/* Seeds an MT19937 generator from len 32-bit words with the reference
 * init_by_array procedure. False if r is not a GSL mt19937 generator. */
bool rng_seed_by_array(gsl_rng *r, const uint32_t *key, int len);

/* The 64-bit key a stream is seeded from (exposed for reports and tests). */
uint64_t rng_stream_key(uint64_t seed, uint64_t run, const char *name);

#endif
