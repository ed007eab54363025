/* libFuzzer target: the scenario loader and the design lint on arbitrary
 * bytes, and the unit parser that `golive sweep --set` values go through.
 * Bad input must give errors, never a crash, a hang or a leak.
 *   make fuzz FUZZ_SECONDS=N */
#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "models/lint.h"
#include "models/scenario.h"
#include "models/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text("fuzz.json", (const char *)data, size, errors);
    if (sc) {
        GPtrArray *warn = g_ptr_array_new_with_free_func(g_free);
        lint_scenario(sc, warn);
        g_ptr_array_free(warn, TRUE);
        scenario_free(sc);
    }
    g_ptr_array_free(errors, TRUE);
    /* the same bytes as a --set value of every kind */
    if (size < 256) {
        char *text = g_strndup((const char *)data, size);
        for (int k = UNITS_SIZE; k <= UNITS_FRACTION; k++) {
            double v;
            char *why = NULL;
            if (!units_parse((units_kind)k, text, &v, &why))
                g_free(why);
        }
        g_free(text);
    }
    return 0;
}
