/* libFuzzer target: the scenario loader and the design lint on arbitrary
 * bytes, the unit parser that `golive sweep --set` values go through, and
 * the two-thread parse of large files against json-c's whole parse (the
 * bytes as a small file: it cuts any object it can).
 * Bad input must give errors, never a crash, a hang or a leak.
 *   make fuzz FUZZ_SECONDS=N */
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "models/jsonpar.h"
#include "models/lint.h"
#include "models/scenario.h"
#include "models/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A tree from the halves only where the whole parse gives one, the same
 * unless a key is given twice (which the loader refuses). */
static void halves_agree(const char *text, size_t size, bool duplicate_key)
{
    const int flags = JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS;
    if (size > 1 << 20 || memchr(text, 0, size))
        return;
    json_object *p = jsonpar_parse_object(text, size, 64, flags);
    if (!p)
        return;
    json_tokener *tok = json_tokener_new_ex(64);
    json_tokener_set_flags(tok, flags);
    json_object *w = json_tokener_parse_ex(tok, text, (int)size);
    size_t end = json_tokener_get_parse_end(tok);
    while (end < size && strchr(" \t\n\r", text[end]))
        end++;
    if (json_tokener_get_error(tok) != json_tokener_success || end != size)
        __builtin_trap(); /* the halves accepted what the whole parse refuses */
    if (!duplicate_key && !json_object_equal(p, w))
        __builtin_trap();
    json_tokener_free(tok);
    json_object_put(w);
    json_object_put(p);
}

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
    bool duplicate_key = false;
    for (guint i = 0; i < errors->len; i++)
        duplicate_key |= strstr(g_ptr_array_index(errors, i), ": duplicate key \"") != NULL ||
                         strstr(g_ptr_array_index(errors, i), ": not valid UTF-8") != NULL; /* keys not checked */
    g_ptr_array_free(errors, TRUE);
    halves_agree((const char *)data, size, duplicate_key);
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
