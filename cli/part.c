/* part — the shared pieces of part files. */
#include "cli/part.h"

#include <errno.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/scenario.h"

bool part_parse_shard(const char *text, int *index, int *count)
{
    char *end = NULL;
    errno = 0;
    long i = strtol(text, &end, 10);
    if (end == text || *end != '/')
        return false;
    const char *nt = end + 1;
    long n = strtol(nt, &end, 10);
    if (end == nt || *end || errno || n < 1 || n > 1000000 || i < 0 || i >= n)
        return false;
    *index = (int)i;
    *count = (int)n;
    return true;
}

json_object *part_hex(double x)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%a", x);
    return json_object_new_string(buf);
}

double part_unhex(json_object *o)
{
    return part_is_hex(o) ? g_ascii_strtod(json_object_get_string(o), NULL) : NAN;
}

json_object *part_member(json_object *o, const char *k)
{
    json_object *v = NULL;
    return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

bool part_is_int(json_object *o, int64_t lo, int64_t hi)
{
    return json_object_is_type(o, json_type_int) && json_object_get_int64(o) >= lo && json_object_get_int64(o) <= hi;
}

bool part_is_hex(json_object *o)
{
    if (!json_object_is_type(o, json_type_string))
        return false;
    const char *t = json_object_get_string(o);
    char *end = NULL;
    g_ascii_strtod(t, &end);
    return *t && end && !*end;
}

bool part_is_quantity(json_object *o, double max)
{
    if (!part_is_hex(o))
        return false;
    double x = part_unhex(o);
    return x >= 0 && x <= max;
}

bool part_is_time(json_object *o, int64_t horizon, bool unset_ok)
{
    if (!json_object_is_type(o, json_type_int))
        return false;
    int64_t t = json_object_get_int64(o);
    return (unset_ok && t == -1) || (t >= 0 && t <= horizon);
}

bool part_is_array(json_object *o, size_t len)
{
    return json_object_is_type(o, json_type_array) && (!len || json_object_array_length(o) == len);
}

json_object *part_read(const char *path)
{
    g_autofree char *text = NULL, *why = NULL;
    size_t len = 0;
    if (!scenario_read_file(path, PART_MAX_BYTES, &text, &len, &why))
        return NULL;
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *o = len < INT32_MAX ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
    if (o && json_tokener_get_error(tok) != json_tokener_success) {
        json_object_put(o);
        o = NULL;
    }
    json_tokener_free(tok);
    return o;
}

char *part_missing_shards(json_object *const *parts, size_t n, int shards, int *nmissing)
{
    GString *missing = g_string_new(NULL);
    *nmissing = 0;
    for (int i = 0; i < shards && shards <= 1000000; i++) {
        bool have = false;
        for (size_t p = 0; p < n && !have; p++)
            have = json_object_get_int(part_member(parts[p], "shard")) == i;
        if (have)
            continue;
        if (++*nmissing <= 50)
            g_string_append_printf(missing, "%s%d", missing->len ? "," : "", i);
        else if (*nmissing == 51)
            g_string_append(missing, ",...");
    }
    return g_string_free(missing, FALSE);
}
