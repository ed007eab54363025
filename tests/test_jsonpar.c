/* The two-thread parse against json-c's own parse of the whole text: the
 * same tree when both parse, nothing when the whole parse refuses. */
#include <criterion/criterion.h>
#include <glib.h>
#include <json-c/json.h>
#include <string.h>

#include "models/jsonpar.h"

#define FLAGS (JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS)

/* json-c's parse of the whole text, as the scenario loader does it: NULL
 * if it fails or leaves anything but white space. */
static json_object *whole(const char *t, size_t len)
{
    json_tokener *tok = json_tokener_new_ex(64);
    json_tokener_set_flags(tok, FLAGS);
    json_object *o = json_tokener_parse_ex(tok, t, (int)len);
    bool ok = json_tokener_get_error(tok) == json_tokener_success;
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    while (end < len && strchr(" \t\n\r", t[end]))
        end++;
    if (!ok || end != len) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* jsonpar gives a tree only where the whole parse gives the same one;
 * returns whether it gave one. */
static bool agrees(const char *t, size_t len, const char *what)
{
    json_object *p = jsonpar_parse_object(t, len, 64, FLAGS);
    json_object *w = whole(t, len);
    bool got = p != NULL;
    if (p) {
        cr_assert_not_null(w, "%s: a tree where the whole parse refuses the text", what);
        cr_assert(json_object_equal(p, w), "%s: trees differ", what);
        cr_assert_str_eq(json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN),
                         json_object_to_json_string_ext(w, JSON_C_TO_STRING_PLAIN), "%s", what);
    }
    json_object_put(p);
    json_object_put(w);
    return got;
}

/* A document like a data centre's: members, a list of VM objects with
 * every kind of value (and "},{" inside strings), members after it. */
static GString *document(int vms, const char *before_cut, const char *after_cut)
{
    GString *t = g_string_new("{\n  \"golive\": 1,\n  \"name\": \"dc \\\"a\\\" \\u00e9\\ud83d\\ude00\",\n"
                              "  \"hosts\": [{\"name\": \"h0\"}, {\"name\": \"h1\"}],\n  \"vms\": [\n");
    for (int v = 0; v < vms; v++) {
        const char *extra = v == vms / 2 - 1 && before_cut ? before_cut : v == vms / 2 + 1 && after_cut ? after_cut : "";
        g_string_append_printf(t,
                               "    {\"name\": \"vm%06d\", \"memory\": %d, \"zero\": %.17g, \"big\": %d000000000000,"
                               " \"s\": \"}, {\\\"x\\\": [1,2]}\", \"tags\": [true, false, null, -1.5e-3, {}],"
                               " \"dirty\": {\"model\": \"uniform\", \"trace\": [[1, 2], {\"a\": [{\"b\": 1}, {}]}]}%s}%s\n",
                               v, 1 << (v % 20), v / 7.0, v, extra, v + 1 < vms ? "," : "");
    }
    g_string_append(t, "  ],\n  \"events\": [{\"at\": \"1s\"}, {\"at\": 2.5}],\n  \"until\": null\n}\n");
    return t;
}

Test(jsonpar, a_large_document_gives_the_tree_of_a_whole_parse)
{
    GString *t = document(3000, NULL, NULL);
    cr_assert(agrees(t->str, t->len, "document"), "two halves parsed");
    g_string_free(t, TRUE);
}

Test(jsonpar, the_array_as_last_member_and_a_cut_in_a_short_text)
{
    const char *docs[] = {
        "{\"vms\": [{\"a\": 1}, {\"a\": 2}, {\"a\": 3}, {\"a\": 4}]}",
        "  {\"x\": {\"y\": [1]}, \"vms\":[{},{},{},{}] }\r\n\t",
        "{\"vms\": [{\"a\": \"}, {\"}, {\"a\": 2}, {\"a\": 3}]}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(docs); i++)
        agrees(docs[i], strlen(docs[i]), docs[i]);
    cr_assert(agrees(docs[0], strlen(docs[0]), docs[0]));
    cr_assert(agrees(docs[1], strlen(docs[1]), docs[1]));
}

Test(jsonpar, what_the_whole_parse_refuses_gives_nothing)
{
    /* each damage made once before the cut and once after it */
    const char *damage[] = {
        ", \"q\": [1,]",        /* a trailing comma */
        ", \"q\": [1",          /* a bracket left open: the element swallows the rest */
        ", \"q\": \"open",      /* a string left open */
        ", \"q\": tru",         /* a bad literal */
        ", \"q\": 01",          /* a number JSON does not allow */
        ", \"q\": {\"a\" 1}",   /* a missing colon */
        ", \"q\": \"\\x\"",     /* a bad escape */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(damage); i++)
        for (int side = 0; side < 2; side++) {
            GString *t = document(400, side ? NULL : damage[i], side ? damage[i] : NULL);
            g_autofree char *what = g_strdup_printf("%s %s the cut", damage[i], side ? "after" : "before");
            json_object *w = whole(t->str, t->len);
            cr_assert_null(w, "%s: the whole parse refuses it", what);
            cr_assert_not(agrees(t->str, t->len, what), "%s", what);
            g_string_free(t, TRUE);
        }
    /* around the document: text after it, a member separator missing, an
     * element separator missing where the cut falls, a trailing comma */
    GString *t = document(400, NULL, NULL);
    const char *tails[] = { "x", "{}", "," };
    for (size_t i = 0; i < G_N_ELEMENTS(tails); i++) {
        GString *u = g_string_new(t->str);
        g_string_append(u, tails[i]);
        cr_assert_not(agrees(u->str, u->len, tails[i]), "%s after the object", tails[i]);
        g_string_free(u, TRUE);
    }
    const char *edits[][2] = {
        { "  ],\n  \"events\"", "  ]\n  \"events\"" },
        { "\"until\": null\n}", "\"until\": null,\n}" },
        { "\"hosts\": [{\"name\": \"h0\"}, {\"name\": \"h1\"}],", "\"hosts\": [{\"name\": \"h0\"}, {\"name\": \"h1\"}]," },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(edits); i++) {
        char *at = strstr(t->str, edits[i][0]);
        cr_assert_not_null(at);
        GString *u = g_string_new_len(t->str, at - t->str);
        g_string_append(u, edits[i][1]);
        g_string_append(u, at + strlen(edits[i][0]));
        json_object *w = whole(u->str, u->len);
        bool whole_ok = w != NULL;
        json_object_put(w);
        bool par_ok = agrees(u->str, u->len, edits[i][1]);
        cr_assert_eq(par_ok, whole_ok, "%s", edits[i][1]);
        g_string_free(u, TRUE);
    }
    /* separators with nothing on one side, right at the cut */
    g_autofree char *pad = g_strnfill(64, 'x');
    const char *empty[] = { "{\"p\": \"%s\", \"vms\": [ , 1, 2]}", "{\"vms\": [{\"%s\": 1}, {\"a\": 2}],}",
                            "{\"vms\": [{\"%s\": 1}, {\"a\": 2}], }\n" };
    for (size_t i = 0; i < G_N_ELEMENTS(empty); i++) {
        g_autofree char *u = g_strdup_printf(empty[i], pad);
        cr_assert_not(agrees(u, strlen(u), u));
    }
    /* the middle of the list: one separator gone */
    char *mid = strstr(t->str + t->len / 2, "},\n");
    cr_assert_not_null(mid);
    mid[1] = ' ';
    cr_assert_not(agrees(t->str, t->len, "a missing comma"));
    g_string_free(t, TRUE);
}

/* Nesting at json-c's limit of 64, before and after the cut: the halves
 * accept no more than the whole parse does. */
Test(jsonpar, nesting_at_the_limit)
{
    for (int depth = 56; depth <= 66; depth++)
        for (int side = 0; side < 2; side++) {
            GString *deep = g_string_new(", \"deep\": ");
            for (int d = 0; d < depth; d++)
                g_string_append(deep, "[");
            for (int d = 0; d < depth; d++)
                g_string_append(deep, "]");
            GString *t = document(400, side ? NULL : deep->str, side ? deep->str : NULL);
            g_autofree char *what = g_strdup_printf("depth %d %s the cut", depth, side ? "after" : "before");
            agrees(t->str, t->len, what);
            g_string_free(t, TRUE);
            g_string_free(deep, TRUE);
        }
}

/* Small random documents and random damage to them: the two parses never
 * disagree. Keys differ in length by two, so that a character removed
 * cannot make one key equal another. */
static void random_value(GString *t, GRand *r, int depth)
{
    int k = depth > 4 ? g_rand_int_range(r, 0, 4) : g_rand_int_range(r, 0, 7);
    switch (k) {
    case 0: g_string_append_printf(t, "%d", g_rand_int_range(r, -1000, 1000)); break;
    case 1: g_string_append_printf(t, "%.6g", g_rand_double_range(r, -1e6, 1e6)); break;
    case 2: g_string_append(t, g_rand_boolean(r) ? "\"},{\"" : "\"a\\\"b\""); break;
    case 3: g_string_append(t, g_rand_boolean(r) ? "null" : "true"); break;
    case 4:
    case 5: {
        g_string_append_c(t, '{');
        int n = g_rand_int_range(r, 0, 4);
        for (int i = 0; i < n; i++) {
            g_string_append_printf(t, "%s\"%.*s\": ", i ? ", " : "", 2 * i + 1, "kkkkkkkkk");
            random_value(t, r, depth + 1);
        }
        g_string_append_c(t, '}');
        break;
    }
    default: {
        g_string_append_c(t, '[');
        int n = g_rand_int_range(r, 0, 4);
        for (int i = 0; i < n; i++) {
            if (i)
                g_string_append(t, g_rand_boolean(r) ? "," : " , ");
            random_value(t, r, depth + 1);
        }
        g_string_append_c(t, ']');
    }
    }
}

Test(jsonpar, random_documents_and_damage)
{
    GRand *r = g_rand_new_with_seed(20261208);
    int parsed = 0;
    for (int i = 0; i < 3000; i++) {
        GString *t = g_string_new("{\"a\": ");
        random_value(t, r, 1);
        g_string_append(t, ", \"vms\": [");
        int n = g_rand_int_range(r, 2, 12);
        for (int v = 0; v < n; v++) {
            g_string_append(t, v ? "}, {\"x\": " : "{\"x\": ");
            random_value(t, r, 3);
        }
        g_string_append(t, "}]");
        if (g_rand_boolean(r)) {
            g_string_append(t, ", \"zzz\": ");
            random_value(t, r, 1);
        }
        g_string_append(t, "}");
        /* damage: a character removed, or a bracket, comma or quote put in */
        int d = g_rand_int_range(r, 0, 3);
        size_t at = (size_t)g_rand_int_range(r, 0, (gint32)t->len);
        if (d == 1)
            g_string_erase(t, (gssize)at, 1);
        else if (d == 2)
            g_string_insert_c(t, (gssize)at, "[]{},\":"[g_rand_int_range(r, 0, 7)]);
        parsed += agrees(t->str, t->len, t->str);
        g_string_free(t, TRUE);
    }
    g_rand_free(r);
    cr_assert_gt(parsed, 500, "the halves parsed %d documents", parsed);
}
