/* libFuzzer target: `golive merge` of a fuzzed part. A damaged part must be
 * refused with a message, never crash, overflow or leak.
 *   make fuzz FUZZ_SECONDS=N */
#include <glib.h>
#include <glib/gstdio.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "cli/batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int discard(void *sink, const char *s, size_t n)
{
    (void)sink;
    (void)s;
    (void)n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = g_build_filename(g_get_tmp_dir(), "golive-fuzz-part-XXXXXX", NULL);
    int fd = g_mkstemp(path);
    if (fd < 0) {
        g_free(path);
        return 0;
    }
    ssize_t n = write(fd, data, size);
    close(fd);
    if (n == (ssize_t)size) {
        GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
        scenario *sc = NULL;
        const char *paths[] = { path };
        batch *b = batch_merge(paths, 1, &sc, errors);
        if (b) {
            char *txt = NULL;
            json_object_put(batch_report(b, BATCH_REPORT_ALL, &txt));
            g_free(txt);
            output_streamable *csv = batch_csv(b);
            csv->stream(csv, discard, NULL, 0, 0);
            g_free(csv);
            batch_free(b);
        }
        scenario_free(sc);
        g_ptr_array_free(errors, TRUE);
    }
    g_unlink(path);
    g_free(path);
    return 0;
}
