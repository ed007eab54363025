/* dirtyrate — measured dirty rates for the importer (see the header). */
#include "cli/dirtyrate.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static void entry_free(gpointer p)
{
    dirtyrate_entry *e = p;
    g_free(e->vm);
    g_free(e->mode);
    g_free(e);
}

bool dirtyrate_sniff(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && g_ascii_isspace(text[i]))
        i++;
    return (i < len && text[i] == '{') || (len - i >= 9 && !strncmp(text + i, "Domain: '", 9));
}

static int line_at(const char *text, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off && text[i]; i++)
        line += text[i] == '\n';
    return line;
}

static bool whole(const char *v, int64_t *out)
{
    if (!v || !g_ascii_isdigit(*v))
        return false;
    errno = 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (errno || *end)
        return false;
    *out = x;
    return true;
}

/* A QMP reply {"return": {...}} or its result object (qapi/migration.json
 * DirtyRateInfo): status measured, dirty-rate, calc-time and, since QEMU
 * 8.2, calc-time-unit. */
static GPtrArray *parse_qmp(const char *file, const char *text, size_t len, char **err)
{
    json_tokener *tok = json_tokener_new();
    json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t off = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!root || je != json_tokener_success) {
        *err = g_strdup_printf("%s:%d: not JSON: %s", file, line_at(text, off),
                               je == json_tokener_continue ? "the text ends inside it" : json_tokener_error_desc(je));
        json_object_put(root);
        return NULL;
    }
    for (size_t i = off; i < len; i++)
        if (!g_ascii_isspace(text[i])) {
            *err = g_strdup_printf("%s:%d: text after the JSON object", file, line_at(text, i));
            json_object_put(root);
            return NULL;
        }
    json_object *r = root, *v = NULL;
    if (json_object_is_type(root, json_type_object) && json_object_object_get_ex(root, "return", &v))
        r = v;
    json_object *status = NULL, *rate = NULL, *calc = NULL, *unit = NULL, *mode = NULL;
    if (!json_object_is_type(r, json_type_object) || !json_object_object_get_ex(r, "status", &status) ||
        !json_object_is_type(status, json_type_string)) {
        *err = g_strdup_printf("%s: not a reply to query-dirty-rate (no \"status\")", file);
        json_object_put(root);
        return NULL;
    }
    if (strcmp(json_object_get_string(status), "measured")) {
        *err = g_strdup_printf("%s: the measurement is %s, not measured: query again once calc-dirty-rate is done",
                               file, json_object_get_string(status));
        json_object_put(root);
        return NULL;
    }
    if (!json_object_object_get_ex(r, "dirty-rate", &rate) || !json_object_is_type(rate, json_type_int) ||
        json_object_get_int64(rate) < 0 || !json_object_object_get_ex(r, "calc-time", &calc) ||
        !json_object_is_type(calc, json_type_int) || json_object_get_int64(calc) <= 0) {
        *err = g_strdup_printf("%s: expected \"dirty-rate\" (a whole number of MB/s, 0 or more) and \"calc-time\" "
                               "(more than 0)",
                               file);
        json_object_put(root);
        return NULL;
    }
    dirtyrate_entry *e = g_new0(dirtyrate_entry, 1);
    e->mib_s = json_object_get_int64(rate);
    e->period_s = (double)json_object_get_int64(calc);
    if (json_object_object_get_ex(r, "calc-time-unit", &unit) &&
        !strcmp(json_object_get_string(unit), "millisecond"))
        e->period_s /= 1000;
    e->mode = g_strdup(json_object_object_get_ex(r, "mode", &mode) ? json_object_get_string(mode) : "page-sampling");
    e->line = 1;
    GPtrArray *out = g_ptr_array_new_with_free_func(entry_free);
    g_ptr_array_add(out, e);
    json_object_put(root);
    return out;
}

/* virsh domstats --dirtyrate: "Domain: 'NAME'" then "  dirtyrate.KEY=VALUE"
 * lines (calc_status 2 = measured, calc_period in seconds). */
static GPtrArray *parse_virsh(const char *file, const char *text, char **err)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(entry_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    dirtyrate_entry *cur = NULL;
    int64_t status = -1, period = -1;
    bool have_rate = false;
#define DR_CLOSE()                                                                                                  \
    do {                                                                                                            \
        if (cur && (status != 2 || period <= 0 || !have_rate)) {                                                   \
            *err = g_strdup_printf("%s:%d: domain %s: %s", file, cur->line, cur->vm,                               \
                                   status != 2 ? "no finished measurement (dirtyrate.calc_status is not 2): run "  \
                                                 "virsh domdirtyrate-calc first"                                   \
                                               : "expected dirtyrate.calc_period and dirtyrate.megabytes_per_second"); \
            goto fail;                                                                                              \
        }                                                                                                           \
    } while (0)
    for (int i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]);
        if (!*l)
            continue;
        if (g_str_has_prefix(l, "Domain: '")) {
            DR_CLOSE();
            size_t n = strlen(l);
            if (n < 11 || l[n - 1] != '\'') {
                *err = g_strdup_printf("%s:%d: expected Domain: 'NAME'", file, i + 1);
                goto fail;
            }
            cur = g_new0(dirtyrate_entry, 1);
            cur->vm = g_strndup(l + 9, n - 10);
            cur->line = i + 1;
            cur->mode = g_strdup("page-sampling");
            g_ptr_array_add(out, cur);
            status = period = -1;
            have_rate = false;
            continue;
        }
        char *eq = strchr(l, '=');
        if (!cur || !eq || !g_str_has_prefix(l, "dirtyrate.")) {
            *err = g_strdup_printf("%s:%d: expected Domain: 'NAME' or dirtyrate.KEY=VALUE (virsh domstats "
                                   "--dirtyrate)",
                                   file, i + 1);
            goto fail;
        }
        *eq = '\0';
        const char *key = l + strlen("dirtyrate."), *val = eq + 1;
        int64_t x;
        bool num = whole(val, &x);
        if (!strcmp(key, "calc_status") && num)
            status = x;
        else if (!strcmp(key, "calc_period") && num)
            period = x;
        else if (!strcmp(key, "megabytes_per_second") && num) {
            cur->mib_s = x;
            have_rate = true;
        } else if (!strcmp(key, "calc_mode")) {
            g_free(cur->mode);
            cur->mode = g_strdup(val);
        } else if (!strcmp(key, "calc_status") || !strcmp(key, "calc_period") ||
                   !strcmp(key, "megabytes_per_second")) {
            *err = g_strdup_printf("%s:%d: dirtyrate.%s=%s: expected a whole number", file, i + 1, key, val);
            goto fail;
        }
        if (period > 0)
            cur->period_s = (double)period;
    }
    DR_CLOSE();
#undef DR_CLOSE
    if (!out->len) {
        *err = g_strdup_printf("%s: no domain", file);
        goto fail;
    }
    return out;
fail:
    g_ptr_array_free(out, TRUE);
    return NULL;
}

GPtrArray *dirtyrate_parse(const char *file, const char *text, size_t len, char **err)
{
    size_t i = 0;
    while (i < len && g_ascii_isspace(text[i]))
        i++;
    if (i < len && text[i] == '{')
        return parse_qmp(file, text, len, err);
    if (memchr(text, '\0', len)) {
        *err = g_strdup_printf("%s: a NUL byte: this is not a text file", file);
        return NULL;
    }
    return parse_virsh(file, text, err);
}
