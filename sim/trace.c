/* trace — interned strings in a GStringChunk, fields in one flat GArray. */
#include "sim/trace.h"

#include <glib.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <string.h>

typedef struct {
    sim_time t;
    const char *kind;
    const char *subject;
    uint32_t kv_off, nkv;
} trace_row;

struct trace {
    GStringChunk *strings;
    GArray *rows;   /* trace_row */
    GArray *kvs;    /* trace_kv */
    bool keep;
    FILE *stream;
    bool open;      /* between begin and end */
    trace_row cur;
};

trace *trace_new(void)
{
    trace *tr = g_new0(trace, 1);
    tr->strings = g_string_chunk_new(4096);
    tr->rows = g_array_new(FALSE, FALSE, sizeof(trace_row));
    tr->kvs = g_array_new(FALSE, FALSE, sizeof(trace_kv));
    tr->keep = true;
    return tr;
}

void trace_free(trace *tr)
{
    if (!tr)
        return;
    g_string_chunk_free(tr->strings);
    g_array_free(tr->rows, TRUE);
    g_array_free(tr->kvs, TRUE);
    g_free(tr);
}

void trace_set_keep(trace *tr, bool keep) { tr->keep = keep; }
void trace_set_stream(trace *tr, FILE *fp) { tr->stream = fp; }
bool trace_enabled(const trace *tr) { return tr->keep || tr->stream; }

static const char *intern(trace *tr, const char *s)
{
    return s ? g_string_chunk_insert_const(tr->strings, s) : NULL;
}

void trace_begin(trace *tr, sim_time t, const char *kind, const char *subject)
{
    g_return_if_fail(!tr->open && kind);
    tr->open = true;
    tr->cur = (trace_row){ t, intern(tr, kind), intern(tr, subject ? subject : ""),
                           (uint32_t)tr->kvs->len, 0 };
}

static bool reserved(const char *key)
{
    return !strcmp(key, "t") || !strcmp(key, "t_ns") || !strcmp(key, "kind") || !strcmp(key, "subject");
}

static void add_kv(trace *tr, trace_kv kv)
{
    g_return_if_fail(tr->open && kv.key && !reserved(kv.key));
    kv.key = intern(tr, kv.key);
    g_array_append_val(tr->kvs, kv);
    tr->cur.nkv++;
}

void trace_int(trace *tr, const char *key, int64_t v)
{
    add_kv(tr, (trace_kv){ .key = key, .type = TRACE_INT, .v.i = v });
}

void trace_dbl(trace *tr, const char *key, double v)
{
    add_kv(tr, (trace_kv){ .key = key, .type = TRACE_DBL, .v.d = v });
}

void trace_str(trace *tr, const char *key, const char *v)
{
    add_kv(tr, (trace_kv){ .key = key, .type = TRACE_STR, .v.s = intern(tr, v ? v : "") });
}

void trace_bool(trace *tr, const char *key, bool v)
{
    add_kv(tr, (trace_kv){ .key = key, .type = TRACE_BOOL, .v.b = v });
}

static void row_view(const trace *tr, const trace_row *row, trace_rec *out)
{
    *out = (trace_rec){ row->t, row->kind, row->subject, row->nkv,
                        row->nkv ? &g_array_index(tr->kvs, trace_kv, row->kv_off) : NULL };
}

void trace_end(trace *tr)
{
    g_return_if_fail(tr->open);
    tr->open = false;
    if (tr->stream) {
        trace_rec rec;
        row_view(tr, &tr->cur, &rec);
        g_autofree char *line = trace_rec_to_json(&rec);
        fputs(line, tr->stream);
        fputc('\n', tr->stream);
    }
    if (tr->keep)
        g_array_append_val(tr->rows, tr->cur);
    else
        g_array_set_size(tr->kvs, tr->cur.kv_off);
}

size_t trace_len(const trace *tr) { return tr->rows->len; }

bool trace_get(const trace *tr, size_t i, trace_rec *out)
{
    if (i >= tr->rows->len)
        return false;
    row_view(tr, &g_array_index(tr->rows, trace_row, i), out);
    return true;
}

const trace_kv *trace_rec_find(const trace_rec *rec, const char *key)
{
    for (size_t i = 0; i < rec->nkv; i++)
        if (!strcmp(rec->kv[i].key, key))
            return &rec->kv[i];
    return NULL;
}

void trace_shortest(double x, char *buf, size_t n)
{
    /* 15 significant digits never show binary noise (0.6, not
     * 0.5999999999999996 from a sum of samples); a time past a million
     * seconds needs more to keep its nanoseconds, which %.9f gives exactly
     * when it reads back as the same double */
    g_ascii_formatd(buf, (gint)n, "%.15g", x);
    if (g_ascii_strtod(buf, NULL) != x && fabs(x) < 1e12) {
        char ns[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_formatd(ns, sizeof ns, "%.9f", x);
        if (g_ascii_strtod(ns, NULL) == x) {
            size_t k = strlen(ns);
            while (k > 0 && ns[k - 1] == '0')
                ns[--k] = '\0';
            g_strlcpy(buf, ns, n);
        }
    }
    if (!strpbrk(buf, ".eEn"))
        g_strlcat(buf, ".0", n);
    else if (buf[strlen(buf) - 1] == '.')
        g_strlcat(buf, "0", n);
}

char *trace_rec_to_json(const trace_rec *rec)
{
    json_object *o = json_object_new_object();
    /* Seconds printed exactly from the integer nanoseconds. */
    char ts[40];
    sim_time a = rec->t < 0 ? -rec->t : rec->t;
    snprintf(ts, sizeof ts, "%s%" PRId64 ".%09" PRId64, rec->t < 0 ? "-" : "", a / SIM_S, a % SIM_S);
    json_object_object_add(o, "t", json_object_new_double_s((double)rec->t / 1e9, ts));
    json_object_object_add(o, "kind", json_object_new_string(rec->kind));
    json_object_object_add(o, "subject", json_object_new_string(rec->subject));
    for (size_t i = 0; i < rec->nkv; i++) {
        const trace_kv *kv = &rec->kv[i];
        json_object *v = NULL;
        switch (kv->type) {
        case TRACE_INT: v = json_object_new_int64(kv->v.i); break;
        case TRACE_DBL:
            if (isfinite(kv->v.d)) {
                char d[G_ASCII_DTOSTR_BUF_SIZE];
                trace_shortest(kv->v.d, d, sizeof d);
                v = json_object_new_double_s(kv->v.d, d);
            }
            break;
        case TRACE_STR: v = json_object_new_string(kv->v.s); break;
        case TRACE_BOOL: v = json_object_new_boolean(kv->v.b); break;
        }
        json_object_object_add(o, kv->key, v);
    }
    char *s = g_strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
    return s;
}

typedef struct {
    sim_time t;
    size_t i;
} rec_order;

static int cmp_rec_order(const void *a, const void *b)
{
    const rec_order *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

char *trace_to_jsonl(const trace *tr)
{
    /* in time order: a model may record what it learns afterwards (a
     * migration's end at its last byte, noticed at the resume) */
    size_t n = tr->rows->len;
    rec_order *ord = g_new(rec_order, n ? n : 1);
    trace_rec rec;
    for (size_t i = 0; trace_get(tr, i, &rec); i++)
        ord[i] = (rec_order){ rec.t, i };
    qsort(ord, n, sizeof *ord, cmp_rec_order);
    GString *out = g_string_new(NULL);
    for (size_t k = 0; k < n; k++) {
        trace_get(tr, ord[k].i, &rec);
        g_autofree char *line = trace_rec_to_json(&rec);
        g_string_append(out, line);
        g_string_append_c(out, '\n');
    }
    g_free(ord);
    return g_string_free(out, FALSE);
}
