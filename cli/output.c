/* output — temp file + fsync + rename. */
#include "cli/output.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/interrupt.h"
#include "sim/trace.h"

G_DEFINE_QUARK(golive-output-error, output_error)

bool output_check_writable(const char *path, GError **error)
{
    if (!strcmp(path, "-"))
        return true;
    if (!*path) {
        g_set_error(error, OUTPUT_ERROR, OUTPUT_ERROR_PATH, "an output path is empty");
        return false;
    }
    g_autofree char *name = g_path_get_basename(path);
    if (strlen(name) > 255) {
        g_set_error(error, OUTPUT_ERROR, OUTPUT_ERROR_PATH, "%.40s...: file name longer than 255 bytes", name);
        return false;
    }
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

/* Whether a and b name the same file: the same inode when both exist,
 * else the same absolute path. */
static bool same_file(const char *a, const char *b)
{
    GStatBuf sa, sb;
    bool ea = g_stat(a, &sa) == 0, eb = g_stat(b, &sb) == 0;
    if (ea && eb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea != eb)
        return false;
    g_autofree char *ca = g_canonicalize_filename(a, NULL), *cb = g_canonicalize_filename(b, NULL);
    return !strcmp(ca, cb);
}

bool output_check_all(const char *cmd, const char *const *outs, size_t n, const char *const *ins, size_t nin,
                      const char *plots_dir)
{
    if (!output_check_paths(cmd, outs, n))
        return false;
    int stdout_users = 0;
    for (size_t i = 0; i < n; i++) {
        if (!outs[i])
            continue;
        if (!strcmp(outs[i], "-")) {
            if (++stdout_users > 1) {
                fprintf(stderr, "golive %s: two outputs write to standard output (-): give one a file\n", cmd);
                return false;
            }
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (outs[j] && strcmp(outs[j], "-") && same_file(outs[i], outs[j])) {
                fprintf(stderr, "golive %s: %s is named for two outputs: one would replace the other\n", cmd, outs[i]);
                return false;
            }
        for (size_t j = 0; j < nin; j++)
            if (ins[j] && same_file(outs[i], ins[j])) {
                fprintf(stderr, "golive %s: %s is an input: writing the output there would replace it\n", cmd,
                        outs[i]);
                return false;
            }
        if (plots_dir && same_file(outs[i], plots_dir)) {
            fprintf(stderr, "golive %s: %s is named for an output and for --plots\n", cmd, outs[i]);
            return false;
        }
    }
    if (plots_dir) {
        if (!*plots_dir) {
            fprintf(stderr, "golive %s: --plots: the directory name is empty\n", cmd);
            return false;
        }
        if (g_file_test(plots_dir, G_FILE_TEST_EXISTS) && !g_file_test(plots_dir, G_FILE_TEST_IS_DIR)) {
            fprintf(stderr, "golive %s: --plots: %s exists and is not a directory\n", cmd, plots_dir);
            return false;
        }
        if (!g_file_test(plots_dir, G_FILE_TEST_EXISTS)) {
            g_autofree char *parent = g_path_get_dirname(plots_dir);
            if (access(parent, W_OK | X_OK) != 0) {
                fprintf(stderr, "golive %s: --plots: cannot make %s in %s: %s\n", cmd, plots_dir, parent,
                        g_strerror(errno));
                return false;
            }
        } else if (access(plots_dir, W_OK | X_OK) != 0) {
            fprintf(stderr, "golive %s: --plots: cannot write in %s: %s\n", cmd, plots_dir, g_strerror(errno));
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

/* Writes all of data to fd; false with errno set. */
static bool write_all(int fd, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        off += (size_t)n;
    }
    return true;
}

/* path with its symbolic links followed to the end (the last may not
 * exist yet); NULL past 40 links (a loop). */
static char *resolve_links(const char *path)
{
    char *p = g_strdup(path);
    for (int hops = 0; hops < 40; hops++) {
        GStatBuf st;
        if (g_lstat(p, &st) != 0 || !S_ISLNK(st.st_mode))
            return p;
        g_autofree char *to = g_file_read_link(p, NULL);
        if (!to)
            return p;
        char *next;
        if (g_path_is_absolute(to)) {
            next = g_strdup(to);
        } else {
            g_autofree char *dir = g_path_get_dirname(p);
            next = g_build_filename(dir, to, NULL);
        }
        g_free(p);
        p = next;
    }
    g_free(p);
    return NULL;
}

/* One output on its way: written to a temporary file (tracked, so that a
 * signal removes it) and renamed at the commit; standard output and
 * non-regular targets are written at the commit itself. */
typedef struct {
    const char *path;
    const char *data;
    size_t len;
    char *tmp;    /* NULL: written in place (or stdout) at the commit */
    char *target; /* the regular file the temporary file replaces */
    json_object *json; /* instead of data: a report written as it is serialized */
    const output_streamable *stream; /* or text written as it is made */
} staged;

static bool json_write(int fd, json_object *root);
static bool text_write(int fd, const output_streamable *stream);

static bool write_payload(int fd, const staged *st)
{
    return st->json     ? json_write(fd, st->json)
           : st->stream ? text_write(fd, st->stream)
                        : write_all(fd, st->data, st->len);
}

/* A device, FIFO or socket, or a descriptor of this process
 * (/dev/stdout): opened and written where it is. */
static bool write_in_place(const staged *st, GError **error)
{
    int fd = open(st->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        write_error(error, st->path, "");
        return false;
    }
    if (!write_payload(fd, st)) {
        write_error(error, st->path, "");
        close(fd);
        return false;
    }
    if (close(fd) != 0) {
        write_error(error, st->path, "");
        return false;
    }
    return true;
}

static void unstage(staged *st)
{
    if (st->tmp) {
        g_unlink(st->tmp);
        interrupt_untrack(st->tmp);
    }
    g_free(st->tmp);
    g_free(st->target);
    st->tmp = st->target = NULL;
}

static bool stage(staged *st, GError **error)
{
    st->tmp = st->target = NULL;
    const char *path = st->path;
    if (!strcmp(path, "-"))
        return true;
    GStatBuf sb;
    if (g_stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        g_set_error(error, OUTPUT_ERROR, OUTPUT_ERROR_PATH, "%s: is a directory", path);
        return false;
    }
    if (g_stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return true; /* a device, FIFO or socket: written in place */
    char *target = resolve_links(path);
    if (!target) {
        g_set_error(error, OUTPUT_ERROR, OUTPUT_ERROR_PATH, "%s: too many levels of symbolic links", path);
        return false;
    }
    if (g_str_has_prefix(target, "/proc/")) {
        g_free(target); /* a descriptor: /dev/stdout, /dev/fd/N */
        return true;
    }
    /* the temporary file's name is short whatever the target's is */
    g_autofree char *dir = g_path_get_dirname(target);
    char *tmpl = g_build_filename(dir, ".golive-XXXXXX", NULL);
    interrupt_hold(); /* created and tracked as one step */
    int fd = g_mkstemp_full(tmpl, O_WRONLY | O_CLOEXEC, 0644);
    bool tracked = fd >= 0 && interrupt_track(tmpl);
    interrupt_release();
    if (fd < 0 || !tracked) {
        write_error(error, path, "cannot create a temporary file: ");
        if (fd >= 0) {
            close(fd);
            g_unlink(tmpl);
        }
        g_free(tmpl);
        g_free(target);
        return false;
    }
    st->tmp = tmpl;
    st->target = target;
    if (!write_payload(fd, st) || fsync(fd) != 0) {
        write_error(error, path, "");
        close(fd); /* the descriptor is closed whether or not fsync worked */
        unstage(st);
        return false;
    }
    if (close(fd) != 0) {
        write_error(error, path, "");
        unstage(st);
        return false;
    }
    return true;
}

static bool commit(staged *st, GError **error)
{
    if (!strcmp(st->path, "-")) {
        bool ok = st->json || st->stream ? fflush(stdout) == 0 && write_payload(STDOUT_FILENO, st)
                                         : fwrite(st->data, 1, st->len, stdout) == st->len && fflush(stdout) == 0;
        if (!ok) {
            write_error(error, "standard output", "");
            return false;
        }
        return true;
    }
    if (!st->tmp)
        return write_in_place(st, error);
    bool ok = g_rename(st->tmp, st->target) == 0;
    if (!ok)
        write_error(error, st->path, "cannot rename into place: ");
    else
        interrupt_untrack(st->tmp);
    if (!ok)
        unstage(st);
    g_free(st->tmp);
    g_free(st->target);
    st->tmp = st->target = NULL;
    return ok;
}

bool output_write(const char *path, const char *data, size_t len, GError **error)
{
    staged st = { .path = path, .data = data, .len = len };
    if (!stage(&st, error))
        return false;
    /* a FIFO without a reader may block: never with signals held */
    if (!st.tmp) {
        bool ok = commit(&st, error);
        if (ok)
            interrupt_committed();
        return ok;
    }
    interrupt_hold();
    bool ok = commit(&st, error);
    if (ok)
        interrupt_committed();
    interrupt_release();
    return ok;
}

bool output_write_all_json(const char *cmd, const char *const *paths, const char *const *data,
                           json_object *const *jsons, size_t n)
{
    return output_write_all_streams(cmd, paths, data, jsons, NULL, n);
}

bool output_write_all_streams(const char *cmd, const char *const *paths, const char *const *data,
                              json_object *const *jsons, const output_streamable *const *streams, size_t n)
{
    staged *st = g_new0(staged, n);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        if (!paths[i])
            continue;
        if (jsons && jsons[i])
            st[i] = (staged){ .path = paths[i], .json = jsons[i] };
        else if (streams && streams[i])
            st[i] = (staged){ .path = paths[i], .stream = streams[i] };
        else
            st[i] = (staged){ .path = paths[i], .data = data[i], .len = strlen(data[i]) };
        g_autoptr(GError) err = NULL;
        if (!stage(&st[i], &err)) {
            fprintf(stderr, "golive %s: %s\n", cmd, err->message);
            ok = false;
        }
    }
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            if (paths[i])
                unstage(&st[i]);
        g_free(st);
        return false;
    }
    /* all staged: standard output, devices and FIFOs written (a FIFO without
     * a reader may block: never with signals held), then the files renamed
     * together, a signal held back until they are */
    for (int held = 0; held < 2; held++) {
        if (held)
            interrupt_hold();
        for (size_t i = 0; i < n; i++) {
            g_autoptr(GError) err = NULL;
            if (!paths[i] || (st[i].tmp != NULL) != (held == 1))
                continue;
            if (commit(&st[i], &err)) {
                interrupt_committed();
            } else {
                fprintf(stderr, "golive %s: %s\n", cmd, err->message);
                ok = false;
            }
        }
    }
    interrupt_release();
    g_free(st);
    return ok;
}

bool output_write_all(const char *cmd, const char *const *paths, const char *const *data, size_t n)
{
    return output_write_all_json(cmd, paths, data, NULL, n);
}

/* A double without float noise ("0.539907066", not json-c's
 * "0.53990706600000005"): see trace_shortest. */
static void tidy_double(json_object *v)
{
    /* a double read back from a part keeps the text it was read from: the
     * same value must print the same, wherever it came from */
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    trace_shortest(json_object_get_double(v), buf, sizeof buf);
    json_object_set_serializer(v, json_object_userdata_to_json_string, g_strdup(buf), json_object_free_userdata);
}

/* Replaces every non-finite number under o by null (json-c would print
 * NaN or Infinity, which no JSON parser takes), and writes the others
 * without float noise. */
static void strict_numbers(json_object *o);

void output_tidy_numbers(json_object *o) { strict_numbers(o); }

static void strict_numbers(json_object *o)
{
    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, key, v)
        {
            if (json_object_is_type(v, json_type_double) && !isfinite(json_object_get_double(v)))
                json_object_object_add(o, key, NULL);
            else if (json_object_is_type(v, json_type_double))
                tidy_double(v);
            else
                strict_numbers(v);
        }
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            json_object *v = json_object_array_get_idx(o, i);
            if (json_object_is_type(v, json_type_double) && !isfinite(json_object_get_double(v)))
                json_object_array_put_idx(o, i, NULL);
            else if (json_object_is_type(v, json_type_double))
                tidy_double(v);
            else
                strict_numbers(v);
        }
    }
}

char *output_json_text(json_object *root)
{
    strict_numbers(root);
    const char *t = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!t) /* json-c's own allocation failed: told as GLib's are (main.c) */
        g_error("failed to allocate the JSON report's text");
    return g_strconcat(t, "\n", NULL);
}

bool output_report(const char *cmd, const char *json_path, json_object *json, const char *csv_path, const char *csv,
                   const char *html_path, const char *html)
{
    const char *paths[3] = { json_path, csv_path, html_path }, *data[3] = { NULL, csv, html };
    json_object *jsons[3] = { json_path ? json : NULL, NULL, NULL };
    return output_write_all_json(cmd, paths, data, jsons, 3);
}

/* ------------------------------------------------------------------ a report written as it is serialized */

typedef struct {
    int fd;
    GString *buf;
    bool ok;
} json_sink;

static bool sink_flush(json_sink *k)
{
    if (k->ok && k->buf->len && !write_all(k->fd, k->buf->str, k->buf->len))
        k->ok = false;
    g_string_truncate(k->buf, 0);
    return k->ok;
}

static int sink_emit(void *sink, const char *s, size_t n)
{
    json_sink *k = sink;
    g_string_append_len(k->buf, s, (gssize)n);
    if (k->buf->len >= (1u << 20))
        sink_flush(k);
    return k->ok ? 0 : -1;
}

/* value's text at level: serialized on its own and each of its lines
 * indented by the level (strings hold no raw newline: every newline is the
 * pretty printer's), as json-c writes a member of an object at that level. */
static int emit_indented(json_sink *k, json_object *value, int level, int flags)
{
    const char *t = value ? json_object_to_json_string_ext(value, flags) : "null";
    if (!t)
        g_error("failed to allocate the JSON report's text"); /* json-c's: told as GLib's (main.c) */
    for (const char *nl; (nl = strchr(t, '\n')); t = nl + 1) {
        sink_emit(k, t, (size_t)(nl - t + 1));
        for (int i = 0; i < level; i++)
            sink_emit(k, "  ", 2);
    }
    return sink_emit(k, t, strlen(t));
}

/* root's text, as output_json_text gives it, written to fd as it is made:
 * the top-level object as json-c's pretty printer lays it out, each member
 * serialized on its own, and the streamable arrays item by item. */
static bool json_write(int fd, json_object *root)
{
    const int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE;
    strict_numbers(root);
    json_sink k = { fd, g_string_sized_new(1u << 20), true };
    bool first = true;
    sink_emit(&k, "{", 1);
    json_object_object_foreach(root, key, value)
    {
        sink_emit(&k, first ? "\n  \"" : ",\n  \"", first ? 4 : 5);
        first = false;
        /* the report's keys are plain names: nothing to escape */
        sink_emit(&k, key, strlen(key));
        sink_emit(&k, "\":", 2);
        const output_streamable *st = value && json_object_is_type(value, json_type_array)
                                          ? json_object_get_userdata(value)
                                          : NULL;
        if (st) {
            if (st->stream(st, sink_emit, &k, 1, flags) < 0 && k.ok)
                g_error("failed to allocate the JSON report's text");
        } else {
            emit_indented(&k, value, 1, flags);
        }
        if (!k.ok)
            break;
    }
    sink_emit(&k, first ? "}\n" : "\n}\n", first ? 2 : 3);
    bool ok = sink_flush(&k);
    g_string_free(k.buf, TRUE);
    return ok;
}

/* A text written as it is made, through the same 1 MiB buffer. */
static bool text_write(int fd, const output_streamable *stream)
{
    json_sink k = { fd, g_string_sized_new(1u << 20), true };
    stream->stream(stream, sink_emit, &k, 0, 0);
    bool ok = sink_flush(&k);
    g_string_free(k.buf, TRUE);
    return ok;
}
