/* load — scenario files for the commands. */
#include "cli/load.h"

#include <glib.h>
#include <stdio.h>


scenario *load_scenario(const char *path)
{
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load(path, errors);
    for (guint i = 0; i < errors->len; i++)
        fprintf(stderr, "%s\n", (char *)g_ptr_array_index(errors, i));
    g_ptr_array_free(errors, TRUE);
    return sc;
}

scenario *load_scenario_keep_text(const char *path, char **text)
{
    *text = NULL;
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
        return load_scenario(path); /* its message */
    g_autofree char *why = NULL;
    size_t len = 0;
    if (!scenario_read_file(path, SCENARIO_MAX_BYTES, text, &len, &why)) {
        fprintf(stderr, "%s: error: %s%s\n", path, g_str_has_prefix(why, "too large") ? "" : "cannot read: ", why);
        return NULL;
    }
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = scenario_load_text(path, *text, len, errors);
    for (guint i = 0; i < errors->len; i++)
        fprintf(stderr, "%s\n", (char *)g_ptr_array_index(errors, i));
    g_ptr_array_free(errors, TRUE);
    if (!sc) {
        g_free(*text);
        *text = NULL;
    }
    return sc;
}
