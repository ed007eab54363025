/* load — scenario files for the commands. */
#include "cli/load.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

#include "cli/batch.h"
#include "models/units.h"

bool load_limit_init(load_limit *lim, const char *cmd, const char *max_input)
{
    lim->why = NULL;
    if (max_input) {
        double v;
        g_autofree char *why = NULL;
        if (!units_parse(UNITS_SIZE, max_input, &v, &why) || !(v >= 1) || v > 1e18) {
            fprintf(stderr, "golive %s: --max-input: expected a size of at least 1 byte (e.g. 64MiB, 2GiB), not \"%s\"%s%s\n",
                    cmd, max_input, why ? ": " : "", why ? why : "");
            return false;
        }
        lim->max_bytes = (size_t)v;
        lim->why = g_strdup_printf("the limit --max-input %s sets", max_input);
        return true;
    }
    const char *what;
    double have = batch_memory_limit(&what);
    /* the same share of memory the batch estimate may take */
    double max = 0.8 * have / LOAD_BYTES_PER_BYTE;
    if (!(max >= SCENARIO_MAX_BYTES))
        max = SCENARIO_MAX_BYTES; /* never below what any machine loads */
    if (max > (double)G_MAXINT - 1)
        max = (double)G_MAXINT - 1; /* json-c reads at most INT_MAX bytes */
    lim->max_bytes = (size_t)max;
    g_autofree char *h = units_format(UNITS_SIZE, have), *m = units_format(UNITS_SIZE, max);
    lim->why = g_strdup_printf("%s %s of memory and loading takes about %.0f bytes per byte of JSON, so at most %s "
                               "is read; --max-input SIZE overrides",
                               what, h, LOAD_BYTES_PER_BYTE, m);
    return true;
}

void load_limit_clear(load_limit *lim)
{
    g_clear_pointer(&lim->why, g_free);
}

/* Reads path within lim: its text, or NULL after telling stderr why. */
static char *read_within(const char *path, const load_limit *lim, size_t *len)
{
    GStatBuf st;
    if (g_stat(path, &st) == 0 && S_ISREG(st.st_mode) && (guint64)st.st_size > lim->max_bytes) {
        g_autofree char *sz = units_format(UNITS_SIZE, (double)st.st_size);
        fprintf(stderr, "%s: error: too large (%s): %s\n", path, sz, lim->why);
        return NULL;
    }
    g_autofree char *why = NULL;
    char *text = NULL;
    if (!scenario_read_text(path, lim->max_bytes, &text, len, &why)) {
        if (g_str_has_prefix(why, "too large"))
            fprintf(stderr, "%s: error: too large (more than %.0f bytes): %s\n", path, (double)lim->max_bytes,
                    lim->why);
        else
            fprintf(stderr, "%s: error: %s%s\n", path, g_str_has_prefix(why, "binary data") ? "" : "cannot read: ",
                    why);
        return NULL;
    }
    return text;
}

scenario *load_scenario_keep_text(const char *path, const load_limit *lim, char **text)
{
    *text = NULL;
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    scenario *sc = NULL;
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        sc = scenario_load(path, errors); /* its message */
    } else {
        size_t len = 0;
        *text = read_within(path, lim, &len);
        if (*text)
            sc = scenario_load_text(path, *text, len, errors);
    }
    for (guint i = 0; i < errors->len; i++)
        fprintf(stderr, "%s\n", (char *)g_ptr_array_index(errors, i));
    g_ptr_array_free(errors, TRUE);
    if (!sc) {
        g_free(*text);
        *text = NULL;
    }
    return sc;
}

scenario *load_scenario(const char *path, const load_limit *lim)
{
    g_autofree char *text = NULL;
    return load_scenario_keep_text(path, lim, &text);
}
