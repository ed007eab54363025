/* output — temp file + fsync + rename. */
#include "cli/output.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK(golive-output-error, output_error)

bool output_check_writable(const char *path, GError **error)
{
    if (!strcmp(path, "-"))
        return true;
    g_autofree char *dir = g_path_get_dirname(path);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, OUTPUT_ERROR, OUTPUT_ERROR_PATH, "%s: is a directory", path);
        return false;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        g_set_error(error, OUTPUT_ERROR, OUTPUT_ERROR_PATH, "%s: cannot write in directory %s: %s", path, dir,
                    g_strerror(errno));
        return false;
    }
    return true;
}

bool output_check_paths(const char *cmd, const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_autoptr(GError) e = NULL;
        if (paths[i] && !output_check_writable(paths[i], &e)) {
            fprintf(stderr, "golive %s: %s\n", cmd, e->message);
            return false;
        }
    }
    return true;
}

/* Sets *error from errno for path, naming what failed. */
static void write_error(GError **error, const char *path, const char *what)
{
    int e = errno;
    g_set_error(error, OUTPUT_ERROR, OUTPUT_ERROR_WRITE, "%s: %s%s", path, what, g_strerror(e));
}

bool output_write(const char *path, const char *data, size_t len, GError **error)
{
    if (!strcmp(path, "-")) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            write_error(error, "standard output", "");
            return false;
        }
        return true;
    }
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd = g_mkstemp_full(tmpl, O_WRONLY, 0644);
    if (fd < 0) {
        write_error(error, path, "cannot create a temporary file: ");
        return false;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            write_error(error, path, "");
            close(fd);
            g_unlink(tmpl);
            return false;
        }
        off += (size_t)n;
    }
    /* the descriptor is closed whether or not fsync worked */
    if (fsync(fd) != 0) {
        write_error(error, path, "");
        close(fd);
        g_unlink(tmpl);
        return false;
    }
    if (close(fd) != 0) {
        write_error(error, path, "");
        g_unlink(tmpl);
        return false;
    }
    if (g_rename(tmpl, path) != 0) {
        write_error(error, path, "cannot rename into place: ");
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
        g_autoptr(GError) err = NULL;
        if (!output_write(paths[i], data, strlen(data), &err)) {
            fprintf(stderr, "golive %s: %s\n", cmd, err->message);
            ok = false;
        }
    }
    return ok;
}
