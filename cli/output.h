/* output — atomic output files: everything is written to a temporary file
 * next to the target and renamed into place only when complete, so a failed
 * or interrupted run never leaves a partial result that looks whole. */
#ifndef GOLIVE_CLI_OUTPUT_H
#define GOLIVE_CLI_OUTPUT_H

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#define OUTPUT_ERROR (output_error_quark())
GQuark output_error_quark(void);
typedef enum { OUTPUT_ERROR_PATH, OUTPUT_ERROR_WRITE } output_error_code;

/* Text made only as it is written: stream writes it through emit (-1 from
 * emit or stream: give up). Two uses: a JSON array whose userdata (set with
 * json_object_set_serializer, an array carries no other) starts with this,
 * which output_report writes at level straight to the file, item by item,
 * so that the report's text is never held whole; and a whole output
 * (output_write_all_streams: the --csv of a batch), at level 0. */
typedef int (*output_emit_fn)(void *sink, const char *s, size_t n);
typedef struct {
    int (*stream)(const void *self, output_emit_fn emit, void *sink, int level, int flags);
} output_streamable;

/* Writes len bytes of data to path ("-": standard output) atomically: a
 * regular file (or none yet) through a temporary file renamed over it; a
 * symbolic link's target the same way, the link kept; a device, FIFO or
 * socket in place (nothing is renamed over it). On failure returns false
 * and sets *error. */
bool output_write(const char *path, const char *data, size_t len, GError **error);

/* Writes n outputs (paths[i] NULL: not asked) as one: every file is staged
 * first (temporary files a signal removes), then all are renamed into
 * place with signals held back, so a run leaves all of them or none.
 * Failures are reported on stderr after "golive CMD: ". */
bool output_write_all(const char *cmd, const char *const *paths, const char *const *data, size_t n);
/* The same, with jsons[i] (when not NULL) written instead of data[i]: the
 * text output_json_text gives, made as it is written (jsons may be NULL). */
bool output_write_all_json(const char *cmd, const char *const *paths, const char *const *data,
                           json_object *const *jsons, size_t n);
/* The same, with streams[i] (when not NULL) written instead of data[i]:
 * text made as it is written, by stream(streams[i], emit, sink, 0, 0)
 * (streams may be NULL). */
bool output_write_all_streams(const char *cmd, const char *const *paths, const char *const *data,
                              json_object *const *jsons, const output_streamable *const *streams, size_t n);

/* root as the text of a report: pretty-printed, a newline at the end, and
 * strict JSON: a number that is not finite (a mean of nothing, an
 * unbounded ratio) becomes null, "no value". g_free it. */
char *output_json_text(json_object *root);

/* The JSON report (when json_path is set), the CSV (when csv_path is) and
 * the HTML page (when html_path is), written as one; a failure is reported
 * on stderr after "golive CMD: ". Returns false if any failed. */
bool output_report(const char *cmd, const char *json_path, json_object *json, const char *csv_path,
                   const char *csv, const char *html_path, const char *html);

/* Checks early that path's directory is writable, so that a run does not
 * compute for minutes and then fail to write. */
bool output_check_writable(const char *path, GError **error);
/* The same for each of n paths (NULL ones and "-" pass); the first failure
 * is reported on stderr after "golive CMD: ". */
bool output_check_paths(const char *cmd, const char *const *paths, size_t n);
/* Before anything runs: every output path (NULL: not asked) is non-empty,
 * writable and names no other output and no input (ins, nin: the files the
 * command reads); only one writes to standard output; plots_dir (NULL: not
 * asked) is a directory or can be made one. The first failure is reported
 * on stderr after "golive CMD: ". */
bool output_check_all(const char *cmd, const char *const *outs, size_t n, const char *const *ins, size_t nin,
                      const char *plots_dir);

/* What output_json_text does to a report's numbers, for a part of it
 * serialized on its own (non-finite numbers become null, the others print
 * without float noise). */
void output_tidy_numbers(json_object *o);

#endif
