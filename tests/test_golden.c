/* The determinism suite: the JSON reports of the commands in
 * tests/golden/commands are byte-identical to the ones digested in
 * tests/golden/reports.sha256. A change meant to be faster (the flow
 * solver's re-rating, the report's availability index, the loader's
 * checks) must not change one byte of any answer; a change meant to change
 * answers regenerates the digests (make golden) and its commit says why. */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "tests/support.h"

Test(golden, reports_are_byte_identical_to_the_digests, .timeout = 600)
{
    g_autofree char *text = NULL;
    cr_assert(g_file_get_contents("tests/golden/reports.sha256", &text, NULL, NULL),
              "tests/golden/reports.sha256 is missing: make golden writes it");
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    int checked = 0, differ = 0;
    GString *which = g_string_new(NULL);
    for (size_t i = 0; lines[i]; i++) {
        if (!*lines[i])
            continue;
        char *sep = strstr(lines[i], "  ");
        cr_assert_not_null(sep, "reports.sha256 line %zu: expected \"DIGEST  COMMAND ARGS... FILE\"", i + 1);
        *sep = 0;
        g_auto(GStrv) words = g_strsplit(sep + 2, " ", -1);
        guint n = g_strv_length(words);
        cr_assert_geq(n, 2, "reports.sha256 line %zu: no command", i + 1);
        GPtrArray *args = g_ptr_array_new();
        g_ptr_array_add(args, words[0]);
        g_ptr_array_add(args, "-q");
        g_ptr_array_add(args, "--json");
        g_ptr_array_add(args, "-");
        for (guint k = 1; k < n; k++)
            g_ptr_array_add(args, words[k]);
        g_ptr_array_add(args, NULL);
        char *out = NULL, *err = NULL;
        int rc = support_golive((const char *const *)args->pdata, &out, &err);
        cr_assert_eq(rc, 0, "golive %s: exit %d: %s", sep + 2, rc, err);
        g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, out, -1);
        if (strcmp(sum, lines[i])) {
            differ++;
            g_string_append_printf(which, "\n  golive %s", sep + 2);
        }
        checked++;
        g_free(out);
        g_free(err);
        g_ptr_array_free(args, TRUE);
    }
    cr_assert_gt(checked, 40, "only %d reports digested", checked);
    cr_assert_eq(differ, 0,
                 "%d of %d reports changed:%s\nIf the change is meant to change answers, run make golden and say "
                 "why in the commit.",
                 differ, checked, which->str);
    g_string_free(which, TRUE);
}
