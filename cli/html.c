/* html — self-contained report pages (see the header). */
#include "cli/html.h"

#include <stdbool.h>
#include <string.h>

struct html {
    GString *body;
    char *title;
};

static const char css[] =
    "body{font:15px/1.45 'DejaVu Sans',sans-serif;color:#1a1a1a;background:#fff;margin:0 auto;max-width:1100px;"
    "padding:0 1em}\n"
    "h1{font-size:1.5em;margin:.8em 0 .3em}h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}\n"
    "pre{background:#f4f4f4;padding:.6em;overflow-x:auto;font:13px/1.35 'DejaVu Sans Mono',monospace;"
    "white-space:pre}\n"
    ".scroll{overflow-x:auto}pre.wrap{white-space:pre-wrap;font-family:inherit;font-size:inherit}\n"
    "table{border-collapse:collapse;margin:.4em 0}caption{text-align:left;font-weight:bold;padding:.2em 0}\n"
    "th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#e8e8e8}\n"
    "figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#333}\n"
    "footer{margin:2em 0 1em;font-size:.85em;color:#333;border-top:1px solid #ccc;padding-top:.5em}\n"
    "@media print{body{max-width:none;font-size:11pt}pre{white-space:pre-wrap}figure,table{break-inside:avoid}"
    "h2{break-after:avoid}}\n";

char *html_command_line(int argc, char **argv)
{
    GString *c = g_string_new("golive");
    for (int i = 0; i < argc; i++) {
        bool plain = *argv[i] && strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                  "-_./=,:%+@") == strlen(argv[i]);
        g_autofree char *q = plain ? g_strdup(argv[i]) : g_shell_quote(argv[i]);
        g_string_append_printf(c, " %s", q);
    }
    return g_string_free(c, FALSE);
}

html *html_new(const char *title)
{
    html *h = g_new0(html, 1);
    h->body = g_string_new(NULL);
    h->title = g_strdup(title);
    g_autofree char *t = g_markup_escape_text(title, -1);
    g_string_append_printf(h->body, "<h1>%s</h1>\n", t);
    return h;
}

void html_section(html *h, const char *heading)
{
    GString *id = g_string_new(NULL);
    for (const char *p = heading; *p; p++)
        if (g_ascii_isalnum(*p))
            g_string_append_c(id, g_ascii_tolower(*p));
        else if (id->len && id->str[id->len - 1] != '-')
            g_string_append_c(id, '-');
    g_autofree char *t = g_markup_escape_text(heading, -1);
    g_string_append_printf(h->body, "<h2 id=\"%s\">%s</h2>\n", id->str, t);
    g_string_free(id, TRUE);
}

void html_p(html *h, const char *text)
{
    g_autofree char *t = g_markup_escape_text(text, -1);
    g_string_append_printf(h->body, "<p>%s</p>\n", t);
}

void html_pre(html *h, const char *text)
{
    g_autofree char *t = g_markup_escape_text(text, -1);
    g_string_append_printf(h->body, "<pre>%s</pre>\n", t);
}

void html_text(html *h, const char *text)
{
    g_autofree char *t = g_markup_escape_text(text, -1);
    g_string_append_printf(h->body, "<pre class=\"wrap\">%s</pre>\n", t);
}

char *html_value(json_object *v)
{
    if (!v || json_object_is_type(v, json_type_null))
        return g_strdup("");
    if (json_object_is_type(v, json_type_double))
        return g_strdup_printf("%.6g", json_object_get_double(v));
    return g_strdup(json_object_get_string(v));
}

void html_table(html *h, const char *caption, const char *const *head, const GPtrArray *rows)
{
    g_string_append(h->body, "<div class=\"scroll\"><table>\n");
    if (caption) {
        g_autofree char *c = g_markup_escape_text(caption, -1);
        g_string_append_printf(h->body, "<caption>%s</caption>\n", c);
    }
    g_string_append(h->body, "<thead><tr>");
    for (size_t i = 0; head[i]; i++) {
        g_autofree char *t = g_markup_escape_text(head[i], -1);
        g_string_append_printf(h->body, "<th scope=\"col\">%s</th>", t);
    }
    g_string_append(h->body, "</tr></thead>\n<tbody>\n");
    for (guint r = 0; r < rows->len; r++) {
        const char *const *row = g_ptr_array_index(rows, r);
        g_string_append(h->body, "<tr>");
        for (size_t i = 0; row[i]; i++) {
            g_autofree char *t = g_markup_escape_text(row[i], -1);
            g_string_append_printf(h->body, "<td>%s</td>", t);
        }
        g_string_append(h->body, "</tr>\n");
    }
    g_string_append(h->body, "</tbody></table></div>\n");
}

void html_json_table(html *h, const char *heading, json_object *report, const char *array, const char *const *head,
                     const char *const *keys)
{
    json_object *arr = NULL;
    if (!json_object_object_get_ex(report, array, &arr) || !json_object_is_type(arr, json_type_array) ||
        !json_object_array_length(arr))
        return;
    html_section(h, heading);
    size_t nk = g_strv_length((char **)keys);
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    size_t n = json_object_array_length(arr), shown = MIN(n, 1000); /* a page stays readable */
    for (size_t i = 0; i < shown; i++) {
        json_object *o = json_object_array_get_idx(arr, i), *v = NULL;
        char **row = g_new0(char *, nk + 1);
        for (size_t k = 0; k < nk; k++)
            row[k] = json_object_object_get_ex(o, keys[k], &v) ? html_value(v) : g_strdup("");
        g_ptr_array_add(rows, row);
    }
    g_autofree char *cap = n > shown ? g_strdup_printf("the first %zu of %zu (the JSON report has all)", shown, n) : NULL;
    html_table(h, cap, head, rows);
    g_ptr_array_free(rows, TRUE);
}

void html_list(html *h, const GPtrArray *items)
{
    g_string_append(h->body, "<ul>\n");
    for (guint i = 0; i < items->len; i++) {
        g_autofree char *t = g_markup_escape_text(g_ptr_array_index(items, i), -1);
        g_string_append_printf(h->body, "<li>%s</li>\n", t);
    }
    g_string_append(h->body, "</ul>\n");
}

void html_figure(html *h, const char *svg, const char *caption)
{
    g_autofree char *c = g_markup_escape_text(caption, -1);
    /* role and the title inside make the drawing an image with a name */
    const char *open = strstr(svg, "<svg");
    g_string_append(h->body, "<figure>\n");
    if (open) {
        /* HTML's width and height take numbers; cairo writes points, which
         * its viewBox already scales */
        const char *close = strchr(open, '>');
        g_autofree char *tag = g_strndup(open + 4, close ? (gsize)(close - open - 4) : strlen(open + 4));
        g_autoptr(GRegex) pt = g_regex_new("(width|height)=\"([0-9.]+)pt\"", 0, 0, NULL);
        g_autofree char *fixed = g_regex_replace(pt, tag, -1, 0, "\\1=\"\\2\"", 0, NULL);
        g_string_append_printf(h->body, "<svg role=\"img\"%s", fixed ? fixed : tag);
        g_string_append(h->body, close ? close : "");
    }
    g_string_append_printf(h->body, "\n<figcaption>%s</figcaption>\n</figure>\n", c);
}

char *html_finish(html *h, const char *command, const char *version)
{
    GString *out = g_string_new("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    g_autofree char *t = g_markup_escape_text(h->title, -1);
    g_string_append_printf(out, "<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", t, css);
    g_string_append(out, h->body->str);
    g_autofree char *c = g_markup_escape_text(command, -1);
    g_autofree char *v = g_markup_escape_text(version, -1);
    g_string_append_printf(out, "</main>\n<footer>Made by <code>%s</code> with golive %s.</footer>\n</body>\n</html>\n",
                           c, v);
    g_string_free(h->body, TRUE);
    g_free(h->title);
    g_free(h);
    return g_string_free(out, FALSE);
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) && !json_object_is_type(v, json_type_null)
               ? json_object_get_string(v)
               : NULL;
}

void html_report_common(html *h, json_object *report, const char *description)
{
    if (description && *description) {
        html_section(h, "About this scenario");
        html_text(h, description);
    }
    json_object *warn = NULL;
    if (json_object_object_get_ex(report, "warnings", &warn) && json_object_is_type(warn, json_type_array) &&
        json_object_array_length(warn)) {
        html_section(h, "Warnings");
        GPtrArray *items = g_ptr_array_new();
        for (size_t i = 0; i < json_object_array_length(warn); i++)
            g_ptr_array_add(items, (char *)json_object_get_string(json_object_array_get_idx(warn, i)));
        html_list(h, items);
        g_ptr_array_free(items, TRUE);
    }
    json_object *as = NULL;
    if (json_object_object_get_ex(report, "assumptions", &as) && json_object_is_type(as, json_type_array) &&
        json_object_array_length(as)) {
        html_section(h, "Assumed: defaults that shaped these results");
        static const char *const head[] = { "key", "value", "what", "source", "times it counted", NULL };
        GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
        for (size_t i = 0; i < json_object_array_length(as); i++) {
            json_object *a = json_object_array_get_idx(as, i);
            char **row = g_new0(char *, 6);
            row[0] = g_strdup(jstr(a, "key") ? jstr(a, "key") : "(no key)");
            row[1] = g_strdup(jstr(a, "shown") ? jstr(a, "shown") : jstr(a, "value") ? jstr(a, "value") : "");
            row[2] = g_strdup(jstr(a, "what") ? jstr(a, "what") : "");
            row[3] = g_strdup(jstr(a, "source") ? jstr(a, "source") : "");
            json_object *n = NULL, *runs = NULL;
            json_object_object_get_ex(a, "shaped", &n);
            json_object_object_get_ex(a, "runs", &runs);
            int nr = runs ? json_object_get_int(runs) : 0; /* capacity's drains are not runs */
            g_autofree char *in = nr > 0 ? g_strdup_printf(", in %d run%s", nr, nr == 1 ? "" : "s") : g_strdup("");
            row[4] = g_strdup_printf("%d %s%s%s", n ? json_object_get_int(n) : 0, jstr(a, "of") ? jstr(a, "of") : "time",
                                     n && json_object_get_int(n) == 1 ? "" : "s", in);
            g_ptr_array_add(rows, row);
        }
        html_table(h, NULL, head, rows);
        g_ptr_array_free(rows, TRUE);
    }
}
