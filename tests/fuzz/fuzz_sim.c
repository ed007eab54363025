/* libFuzzer target: a short simulation of a fuzzed scenario. What loads
 * must run to its end (at most an hour simulated and 200,000 events)
 * without a crash, undefined behaviour, a hang or a leak, and its
 * invariants must hold.
 *   make fuzz FUZZ_SECONDS=N */
#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "models/scenario.h"
#include "models/world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("fuzz.json", (const char *)data, size, errors);
    g_ptr_array_free(errors, TRUE);
    if (!sc)
        return 0;
    if (sc->until == SIM_NEVER || sc->until > SIM_HOUR)
        sc->until = SIM_HOUR;
    if (sc->max_events > 200000)
        sc->max_events = 200000;
    GError *err = NULL;
    world *w = world_new(sc, 0, &err);
    if (w) {
        world_run(w);
        GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
        if (world_check(w, v) && !g_strcmp0(world_stop_reason(w), NULL))
            abort(); /* an invariant broke in a run that went to its end */
        g_ptr_array_free(v, TRUE);
        world_free(w);
    } else {
        g_error_free(err);
    }
    scenario_free(sc);
    return 0;
}
