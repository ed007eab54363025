/* The self-contained HTML page of `golive run --html` (issue 17): one file
 * with every section, its charts inline with titles and descriptions, no
 * script and no external resource, well formed (libxml2's HTML parser and,
 * when installed, tidy), the same bytes for the same inputs. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/HTMLparser.h>
#include <string.h>

#include "tests/support.h"

static char *page(const char *dir, const char *name, const char *const *extra)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    GPtrArray *args = g_ptr_array_new();
    g_ptr_array_add(args, (char *)"run");
    for (; *extra; extra++)
        g_ptr_array_add(args, (char *)*extra);
    g_ptr_array_add(args, (char *)"--html");
    g_ptr_array_add(args, path);
    g_ptr_array_add(args, (char *)"--quiet");
    g_ptr_array_add(args, NULL);
    g_autofree char *out = NULL, *err = NULL;
    int rc = support_golive((const char *const *)args->pdata, &out, &err);
    g_ptr_array_free(args, TRUE);
    cr_assert_eq(rc, 0, "%s", err);
    char *text = NULL;
    cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s written", path);
    return text;
}

/* Every element's id is unique in the page (several charts share it). */
static void ids_unique(const char *html)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (const char *p = strstr(html, " id=\""); p; p = strstr(p + 1, " id=\"")) {
        const char *end = strchr(p + 5, '"');
        char *id = g_strndup(p + 5, (gsize)(end - p - 5));
        cr_assert(!g_hash_table_contains(seen, id), "id %s twice", id);
        g_hash_table_add(seen, id);
    }
    g_hash_table_destroy(seen);
}

Test(html, run_page_is_whole_and_self_contained, .timeout = 120)
{
    g_autofree char *dir = g_dir_make_tmp("golive-html-XXXXXX", NULL);
    const char *one[] = { "scenarios/drbd84-dual-primary-no-fencing.json", NULL };
    g_autofree char *a = page(dir, "a.html", one);
    g_autofree char *b = page(dir, "a.html", one); /* the same command again */
    cr_assert_str_eq(a, b, "the same bytes for the same inputs");
    static const char *const must[] = {
        "<!DOCTYPE html>", "<h1>golive run: ", "About this scenario", "Warnings", "Assumed: defaults",
        "<h2 id=\"summary\">Summary</h2>", "<h2 id=\"incidents\">Incidents</h2>", "<h2 id=\"charts\">Charts</h2>",
        "What happened", "Phase 1 - the cluster runs", "<th scope=\"col\">", "@media print",
        "name=\"viewport\"", "<svg role=\"img\"", "<title>", "<desc>", "Made by <code>golive run ",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(must); i++)
        cr_assert(strstr(a, must[i]), "the page has %s", must[i]);
    static const char *const never[] = { "<script", "<link", "src=\"http", "href=\"http", "@import", "<?xml" };
    for (size_t i = 0; i < G_N_ELEMENTS(never); i++)
        cr_assert_null(strstr(a, never[i]), "no %s", never[i]);
    ids_unique(a);
    /* libxml2's HTML parser reads it without an error */
    htmlDocPtr doc = htmlReadMemory(a, (int)strlen(a), "page.html", "utf-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    cr_assert_not_null(doc);
    xmlFreeDoc(doc);
    /* tidy, where installed, finds nothing to say */
    g_autofree char *tidy = g_find_program_in_path("tidy");
    if (tidy) {
        g_autofree char *path = g_build_filename(dir, "a.html", NULL);
        char *argv[] = { tidy, (char *)"-q", (char *)"-e", path, NULL };
        g_autofree char *out = NULL, *err = NULL;
        int status = -1;
        cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
        cr_assert_str_eq(err, "", "tidy: %s", err);
    }
    /* several runs: the CDFs join the charts, run 0 is the one told */
    const char *many[] = { "scenarios/quake3-xen-2005.json", "--runs", "20", NULL };
    g_autofree char *m = page(dir, "m.html", many);
    cr_assert(strstr(m, "What happened in run 0"));
    cr_assert_eq(strstr(m, "<figure>") != NULL, true);
    int figures = 0;
    for (const char *p = strstr(m, "<figure>"); p; p = strstr(p + 1, "<figure>"))
        figures++;
    cr_assert_geq(figures, 4, "progress, timeline, links, two CDFs: %d", figures);
    ids_unique(m);
    const char *files[] = { "a.html", "m.html" };
    for (size_t i = 0; i < 2; i++) {
        g_autofree char *p = g_build_filename(dir, files[i], NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}

/* A shard writes a part only: --html is refused with it, nothing written. */
Test(html, refused_with_a_shard)
{
    g_autofree char *dir = g_dir_make_tmp("golive-html-XXXXXX", NULL);
    g_autofree char *part = g_build_filename(dir, "p.json", NULL), *html = g_build_filename(dir, "p.html", NULL);
    const char *args[] = { "run", "scenarios/web-server.json", "--shard", "0/2", "--json", part, "--html", html, NULL };
    g_autofree char *out = NULL, *err = NULL;
    cr_assert_eq(support_golive(args, &out, &err), 2, "%s", err);
    cr_assert(strstr(err, "--html"));
    cr_assert_not(g_file_test(html, G_FILE_TEST_EXISTS));
    cr_assert_not(g_file_test(part, G_FILE_TEST_EXISTS));
    g_rmdir(dir);
}
