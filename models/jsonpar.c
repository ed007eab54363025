/* A large JSON document parsed by two threads.
 *
 * json-c parses a document in one pass on one core: on a data centre's
 * 38 MB scenario that pass is most of the loading. Its tokener can be fed
 * a document in parts, so the text is cut in two at the first comma past
 * its middle between two elements of an array in the top-level object (a
 * scan of brackets and strings finds it), and each thread parses a side:
 * - this one the text up to the cut, followed by "]}": the object with the
 *   array's first elements;
 * - the other "[" and the text after the cut: the array's other elements,
 *   then "{" and what follows the array: the object's remaining members.
 * When either side does not parse (the text is not JSON, and the cut may be
 * anywhere), the caller parses the text whole, which finds the error and
 * its line. When both parse, the grammar leaves one reading of the text:
 * theirs, joined. */
#include "models/jsonpar.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

typedef struct {
    const char *text;
    size_t len, cut;
    int max_depth, flags;
    json_object *elems; /* the array's elements after the cut */
    json_object *rest;  /* the members after the array (an object; NULL: none) */
    bool ok;
} tail;

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The first comma at or after the middle that separates two elements of
 * an array that is a member of the top-level object, by the brackets and
 * strings before it; 0 if none. (In a text that is not JSON it may be
 * anything: the parse of the two sides tells.) */
static size_t find_cut(const char *t, size_t len)
{
    char open[2] = { 0, 0 };
    size_t depth = 0;
    for (size_t i = 0; i < len; i++) {
        switch (t[i]) {
        case '"':
            for (i++; i < len && t[i] != '"'; i++)
                if (t[i] == '\\')
                    i++;
            break;
        case '{':
        case '[':
            if (depth < 2)
                open[depth] = t[i];
            depth++;
            break;
        case '}':
        case ']':
            if (depth == 0)
                return 0;
            depth--;
            break;
        case ',':
            if (depth == 2 && i >= len / 2 && open[0] == '{' && open[1] == '[')
                return i;
            break;
        default:
            break;
        }
    }
    return 0;
}

/* A value fed to the tokener in parts (the last one may have characters
 * after the value: *used says how many it took of it). */
static json_object *parse_parts(json_tokener *tok, const char *const *part, const size_t *n, int parts, size_t *used)
{
    json_tokener_reset(tok);
    json_object *o = NULL;
    for (int i = 0; i < parts; i++) {
        o = json_tokener_parse_ex(tok, part[i], (int)n[i]);
        enum json_tokener_error e = json_tokener_get_error(tok);
        if (i < parts - 1 ? e != json_tokener_continue : e != json_tokener_success) {
            json_object_put(o);
            return NULL;
        }
    }
    *used = json_tokener_get_parse_end(tok);
    return o;
}

/* The other thread's side: "[" and the text after the cut, up to the end of
 * the array; then "{" and the text after its ',', if one follows. */
static gpointer tail_fn(gpointer data)
{
    tail *w = data;
    /* The array is one level below the top, as is the array "[" starts:
     * one level less for the tokener, and one more kept in hand, so that
     * a part never accepts what the whole parse would refuse. */
    json_tokener *tok = json_tokener_new_ex(w->max_depth - 2);
    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, w->flags);
    size_t after = w->cut + 1, used = 0;
    w->elems = parse_parts(tok, (const char *const[]){ "[", w->text + after }, (const size_t[]){ 1, w->len - after },
                           2, &used);
    if (!json_object_is_type(w->elems, json_type_array) || !json_object_array_length(w->elems)) {
        json_tokener_free(tok);
        return NULL;
    }
    /* the parse stopped at the first character after the array and its
     * white space */
    size_t i = after + used;
    if (i < w->len && w->text[i] == '}') {
        for (i++; i < w->len && is_ws(w->text[i]); i++)
            ;
        w->ok = i == w->len;
    } else if (i < w->len && w->text[i] == ',') {
        i++;
        json_tokener_free(tok);
        tok = json_tokener_new_ex(w->max_depth - 1);
        if (!tok)
            return NULL;
        json_tokener_set_flags(tok, w->flags);
        w->rest = parse_parts(tok, (const char *const[]){ "{", w->text + i }, (const size_t[]){ 1, w->len - i }, 2,
                              &used);
        w->ok = json_object_is_type(w->rest, json_type_object) && json_object_object_length(w->rest) > 0 &&
                i + used == w->len;
    }
    json_tokener_free(tok);
    return NULL;
}

json_object *jsonpar_parse_object(const char *text, size_t len, int max_depth, int flags)
{
    size_t cut = len <= G_MAXINT - 1 && max_depth > 4 ? find_cut(text, len) : 0;
    if (!cut)
        return NULL;
    tail b = { text, len, cut, max_depth, flags, NULL, NULL, false };
    GThread *tb = g_thread_try_new("golive-parse", tail_fn, &b, NULL);
    if (!tb)
        tail_fn(&b);
    /* this side: the text up to the cut, closed by "]}" */
    json_object *root = NULL;
    json_tokener *tok = json_tokener_new_ex(max_depth);
    if (tok) {
        json_tokener_set_flags(tok, flags);
        size_t used = 0;
        root = parse_parts(tok, (const char *const[]){ text, "]}" }, (const size_t[]){ cut, 2 }, 2, &used);
        if (used != 2) {
            json_object_put(root);
            root = NULL;
        }
        json_tokener_free(tok);
    }
    if (tb)
        g_thread_join(tb);
    /* The cut was in the value of the object's last member; a key given
     * twice (which json-c keeps at its first place) could hide it, and the
     * caller refuses such a text anyway (docs: jsonpar.h). */
    json_object *arr = NULL;
    if (json_object_is_type(root, json_type_object)) {
        json_object_object_foreach(root, key, val) {
            (void)key;
            arr = val;
        }
    }
    bool ok = b.ok && json_object_is_type(arr, json_type_array) && json_object_array_length(arr) > 0;
    for (size_t e = 0, n = ok ? json_object_array_length(b.elems) : 0; e < n && ok; e++) {
        json_object *o = json_object_get(json_object_array_get_idx(b.elems, e));
        if (json_object_array_add(arr, o)) {
            json_object_put(o);
            ok = false;
        }
    }
    if (ok && b.rest) {
        json_object_object_foreach(b.rest, key, val) {
            if (!ok || json_object_object_get_ex(root, key, NULL)) {
                ok = false;
                continue;
            }
            json_object_object_add(root, key, json_object_get(val));
        }
    }
    json_object_put(b.elems);
    json_object_put(b.rest);
    if (!ok) {
        json_object_put(root);
        return NULL;
    }
    return root;
}
