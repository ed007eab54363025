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
