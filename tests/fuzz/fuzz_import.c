/* libFuzzer target: `golive import` of fuzzed files. The input is one or
 * two files separated by a line "--golive-import--" (seeds: the real CIBs
 * and corosync.conf files of tests/import/, alone and paired); whatever
 * they hold must be imported or refused with a message, never crash,
 * overflow or leak, and nothing is written when refused.
 *   make fuzz FUZZ_SECONDS=N */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cli/cmd_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\n--golive-import--\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *dir = g_dir_make_tmp("golive-fuzz-import-XXXXXX", NULL);
    if (!dir)
        return 0;
    char *a = g_build_filename(dir, "a.in", NULL), *b = g_build_filename(dir, "b.in", NULL);
    char *out = g_build_filename(dir, "out.json", NULL);
    const char *text = (const char *)data;
    const char *sep = g_strstr_len(text, (gssize)size, SEP);
    size_t na = sep ? (size_t)(sep - text) : size;
    bool ok = g_file_set_contents(a, text, (gssize)na, NULL);
    if (sep)
        ok = ok && g_file_set_contents(b, sep + strlen(SEP), (gssize)(size - na - strlen(SEP)), NULL);
    if (ok) {
        char *argv[] = { (char *)"import", (char *)"--stand-ins", (char *)"-q", (char *)"--out", out, a,
                         sep ? b : NULL, NULL };
        int argc = sep ? 7 : 6;
        int rc = cli_import(argc, argv);
        if (rc != 0 && g_file_test(out, G_FILE_TEST_EXISTS))
            __builtin_trap(); /* refused, yet something was written */
    }
    g_unlink(out);
    g_unlink(a);
    g_unlink(b);
    g_rmdir(dir);
    g_free(out);
    g_free(a);
    g_free(b);
    g_free(dir);
    return 0;
}
