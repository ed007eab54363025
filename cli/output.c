/* output — temp file + fsync + rename. */
#include "cli/output.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool output_check_writable(const char *path, char **err)
{
    if (!strcmp(path, "-"))
        return true;
    g_autofree char *dir = g_path_get_dirname(path);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        *err = g_strdup_printf("%s: is a directory", path);
        return false;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        *err = g_strdup_printf("%s: cannot write in directory %s: %s", path, dir, g_strerror(errno));
        return false;
    }
    return true;
}

bool output_write(const char *path, const char *data, size_t len, char **err)
{
    if (!strcmp(path, "-")) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            *err = g_strdup_printf("standard output: %s", g_strerror(errno));
            return false;
        }
        return true;
    }
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd = g_mkstemp_full(tmpl, O_WRONLY, 0644);
    if (fd < 0) {
        *err = g_strdup_printf("%s: cannot create a temporary file: %s", path, g_strerror(errno));
        return false;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *err = g_strdup_printf("%s: %s", path, g_strerror(errno));
            close(fd);
            g_unlink(tmpl);
            return false;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        *err = g_strdup_printf("%s: %s", path, g_strerror(errno));
        g_unlink(tmpl);
        return false;
    }
    if (g_rename(tmpl, path) != 0) {
        *err = g_strdup_printf("%s: cannot rename into place: %s", path, g_strerror(errno));
        g_unlink(tmpl);
        return false;
    }
    return true;
}

bool output_report(const char *cmd, const char *json_path, json_object *json, const char *csv_path, const char *csv)
{
    bool ok = true;
    const char *paths[2] = { json_path, csv_path };
    for (int i = 0; i < 2; i++) {
        if (!paths[i])
            continue;
        g_autofree char *data =
            i == 0 ? g_strconcat(json_object_to_json_string_ext(json, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE),
                                 "\n", NULL)
                   : g_strdup(csv);
        char *err = NULL;
        if (!output_write(paths[i], data, strlen(data), &err)) {
            fprintf(stderr, "golive %s: %s\n", cmd, err);
            g_free(err);
            ok = false;
        }
    }
    return ok;
}
