/* The self-contained HTML page of `golive run --html` (issue 17): one file
 * with every section, its charts inline with titles and descriptions, no
 * script and no external resource, well formed (libxml2's HTML parser and,
 * when installed, tidy), the same bytes for the same inputs. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support.h"

/* golive CMD ARGS... --html dir/name --quiet; the page's text. */
static char *page_of(const char *cmd, const char *dir, const char *name, const char *const *extra)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    GPtrArray *args = g_ptr_array_new();
    g_ptr_array_add(args, (char *)cmd);
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

static char *page(const char *dir, const char *name, const char *const *extra)
{
    return page_of("run", dir, name, extra);
}

/* tidy (a test dependency: make deps installs it) has nothing to say. */
static void tidy_clean(const char *dir, const char *name)
{
    g_autofree char *tidy = g_find_program_in_path("tidy");
    cr_assert_not_null(tidy, "tidy (the HTML validator) is not installed: run `make deps`");
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *argv[] = { tidy, (char *)"-q", (char *)"-e", path, NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    cr_assert(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
    cr_assert_str_eq(err, "", "tidy on %s: %s", name, err);
}

/* The page without its footer (which names the command that made it). */
static char *body_of(const char *page)
{
    const char *f = strstr(page, "<footer>");
    cr_assert_not_null(f);
    return g_strndup(page, (gsize)(f - page));
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
    tidy_clean(dir, "a.html");
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
    tidy_clean(dir, "m.html");
    support_rmtree(dir);
}

/* compare, sweep and capacity pages: their answer and every chart. */
Test(html, compare_sweep_and_capacity_pages, .timeout = 180)
{
    g_autofree char *dir = g_dir_make_tmp("golive-html-XXXXXX", NULL);
    const char *cmp[] = { "scenarios/drbd84-year.json", "scenarios/ceph-year.json", "--runs", "10", NULL };
    g_autofree char *c = page_of("compare", dir, "c.html", cmp);
    cr_assert(strstr(c, "<h1>golive compare: drbd84-year vs ceph-year</h1>") && strstr(c, "Designs") &&
              strstr(c, "Comparison") && strstr(c, "<svg role=\"img\""));
    const char *swp[] = { "scenarios/web-server.json", "--set", "migration.max_bandwidth=100MiB/s,1GiB/s", "--set",
                          "vms[0].dirty.rate=5000pages/s,40000pages/s", NULL };
    g_autofree char *w = page_of("sweep", dir, "s.html", swp);
    cr_assert(strstr(w, "<h1>golive sweep: ") && strstr(w, "Points") && strstr(w, "<svg role=\"img\""));
    const char *cap[] = { "tests/scenarios/good/capacity-small.json", NULL };
    g_autofree char *k = page_of("capacity", dir, "k.html", cap);
    cr_assert(strstr(k, "<h1>golive capacity: ") && strstr(k, "How many more VMs fit"));
    const char *names[] = { "c.html", "s.html", "k.html" };
    const char *pages[] = { c, w, k };
    for (size_t i = 0; i < 3; i++) {
        ids_unique(pages[i]);
        cr_assert_null(strstr(pages[i], "<script"));
        tidy_clean(dir, names[i]);
    }
    support_rmtree(dir);
}

/* A batch merged from shards gives the page one process gives, footer
 * aside: runs (their links chart included) and sweeps. */
Test(html, merged_pages_equal_one_process, .timeout = 180)
{
    g_autofree char *dir = g_dir_make_tmp("golive-html-XXXXXX", NULL);
    const char *cmds[][8] = {
        { "run", "scenarios/quake3-xen-2005.json", "--runs", "6", NULL },
        { "sweep", "scenarios/web-server.json", "--set", "migration.max_bandwidth=100MiB/s,400MiB/s,1GiB/s", "--set",
          "vms[0].dirty.rate=5000pages/s,40000pages/s", NULL },
    };
    for (size_t c = 0; c < G_N_ELEMENTS(cmds); c++) {
        const char *const *extra = cmds[c] + 1;
        g_autofree char *one = page_of(cmds[c][0], dir, "one.html", extra);
        g_autofree char *p0 = g_build_filename(dir, "p0.json", NULL), *p1 = g_build_filename(dir, "p1.json", NULL);
        for (int i = 0; i < 2; i++) {
            GPtrArray *args = g_ptr_array_new();
            for (const char *const *a = cmds[c]; *a; a++)
                g_ptr_array_add(args, (char *)*a);
            g_ptr_array_add(args, (char *)"--shard");
            g_ptr_array_add(args, (char *)(i ? "1/2" : "0/2"));
            g_ptr_array_add(args, (char *)"--json");
            g_ptr_array_add(args, i ? p1 : p0);
            g_ptr_array_add(args, (char *)"--quiet");
            g_ptr_array_add(args, NULL);
            g_autofree char *out = NULL, *err = NULL;
            cr_assert_eq(support_golive((const char *const *)args->pdata, &out, &err), 0, "%s", err);
            g_ptr_array_free(args, TRUE);
        }
        const char *parts[] = { p0, p1, NULL };
        g_autofree char *merged = page_of("merge", dir, "merged.html", parts);
        g_autofree char *a = body_of(one), *b = body_of(merged);
        cr_assert_str_eq(a, b, "%s: the merged page is the one-process page", cmds[c][0]);
        cr_assert(strstr(merged, "Made by <code>golive merge "));
    }
    support_rmtree(dir);
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

/* ------------------------------------------------------ a real browser */

/* A harness page loads the report in a frame and writes what the browser
 * made of it: the resources the report fetched (Resource Timing: none for a
 * self-contained page) and each SVG's rendered size. */
static const char harness[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>harness</title></head><body>"
    "<iframe id=\"f\" src=\"%s\" style=\"width:1200px;height:900px\"></iframe><pre id=\"out\">pending</pre><script>"
    "document.getElementById('f').addEventListener('load', function () {"
    "  var d = this.contentDocument, w = this.contentWindow, out = [];"
    "  if (!d) { document.getElementById('out').textContent = 'no access'; return; }"
    "  out.push('resources ' + w.performance.getEntriesByType('resource').length);"
    "  var s = d.querySelectorAll('svg'); out.push('svgs ' + s.length);"
    "  for (var i = 0; i < s.length; i++) { var r = s[i].getBoundingClientRect();"
    "    out.push('svg ' + Math.round(r.width) + ' ' + Math.round(r.height)); }"
    "  document.getElementById('out').textContent = out.join('\\n');"
    "});</script></body></html>";

static char *chromium_path(void)
{
    char *p = g_find_program_in_path("chromium");
    cr_assert_not_null(p, "chromium (the test's browser) is not installed: run `make deps`");
    return p;
}

/* Runs chromium headless on url with extra arguments; its stdout, and its
 * stderr in *err. No background traffic of its own, no sandbox (CI runs
 * as root). */
static char *chromium(const char *url, const char *const *extra, char **err)
{
    g_autofree char *bin = chromium_path();
    GPtrArray *a = g_ptr_array_new();
    const char *base[] = { "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           "--no-first-run", "--disable-default-apps", "--enable-logging=stderr", "--v=0",
                           "--virtual-time-budget=5000" };
    g_ptr_array_add(a, bin);
    for (size_t i = 0; i < G_N_ELEMENTS(base); i++)
        g_ptr_array_add(a, (char *)base[i]);
    for (; *extra; extra++)
        g_ptr_array_add(a, (char *)*extra);
    g_ptr_array_add(a, (char *)url);
    g_ptr_array_add(a, NULL);
    char *out = NULL;
    int status = -1;
    GError *e = NULL;
    cr_assert(g_spawn_sync(NULL, (char **)a->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, err, &status, &e), "%s",
              e ? e->message : "?");
    g_ptr_array_free(a, TRUE);
    return out;
}

/* The four kinds of page in headless Chromium: no console message, no
 * resource fetched, every chart drawn at a size; a screenshot of each is
 * written under build/html-screenshots/ for a person to look at. */
Test(html, pages_in_a_real_browser, .timeout = 300)
{
    g_autofree char *dir = g_dir_make_tmp("golive-html-XXXXXX", NULL);
    const char *run_args[] = { "scenarios/drbd84-dual-primary-no-fencing.json", NULL };
    const char *cmp_args[] = { "scenarios/drbd84-year.json", "scenarios/ceph-year.json", "--runs", "10", NULL };
    const char *swp_args[] = { "scenarios/web-server.json", "--set", "migration.max_bandwidth=100MiB/s,1GiB/s",
                               "--set", "vms[0].dirty.rate=5000pages/s,40000pages/s", NULL };
    const char *cap_args[] = { "tests/scenarios/good/capacity-small.json", NULL };
    struct {
        const char *cmd;
        const char *const *args;
        int min_svgs;
    } kinds[] = { { "run", run_args, 3 }, { "compare", cmp_args, 2 }, { "sweep", swp_args, 1 },
                  { "capacity", cap_args, 0 } };
    g_mkdir_with_parents("build/html-screenshots", 0777);
    for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
        g_autofree char *name = g_strdup_printf("%s.html", kinds[k].cmd);
        g_free(page_of(kinds[k].cmd, dir, name, kinds[k].args));
        g_autofree char *hpath = g_build_filename(dir, "harness.html", NULL);
        g_autofree char *h = g_strdup_printf(harness, name);
        cr_assert(g_file_set_contents(hpath, h, -1, NULL));
        g_autofree char *url = g_strdup_printf("file://%s", hpath);
        const char *dump[] = { "--dump-dom", NULL };
        g_autofree char *err = NULL;
        g_autofree char *dom = chromium(url, dump, &err);
        const char *out = strstr(dom, "<pre id=\"out\">");
        cr_assert_not_null(out, "%s: the harness ran: %s", name, err);
        cr_assert(strstr(out, "resources 0\n"), "%s: the page fetched something: %.200s", name, out);
        int svgs = -1;
        const char *sv = strstr(out, "svgs ");
        cr_assert_not_null(sv, "%s: %.200s", name, out);
        svgs = atoi(sv + 5);
        cr_assert_geq(svgs, kinds[k].min_svgs, "%s: %d charts", name, svgs);
        for (const char *p = strstr(out, "\nsvg "); p; p = strstr(p + 1, "\nsvg ")) {
            int w = 0, hh = 0;
            cr_assert_eq(sscanf(p, "\nsvg %d %d", &w, &hh), 2);
            cr_assert(w > 0 && hh > 0, "%s: a chart drawn %dx%d", name, w, hh);
        }
        cr_assert_null(strstr(err, "CONSOLE"), "%s: the console said something: %s", name, err);
        /* the screenshot, for a person */
        g_autofree char *ppath = g_build_filename(dir, name, NULL);
        g_autofree char *purl = g_strdup_printf("file://%s", ppath);
        g_autofree char *shot_path = g_strdup_printf("build/html-screenshots/%s.png", kinds[k].cmd);
        g_autofree char *shot_arg = g_strdup_printf("--screenshot=%s", shot_path);
        const char *shot[] = { shot_arg, "--window-size=1200,2400", "--hide-scrollbars", NULL };
        g_autofree char *err2 = NULL;
        g_free(chromium(purl, shot, &err2));
        cr_assert(g_file_test(shot_path, G_FILE_TEST_EXISTS), "%s: no screenshot: %s", name, err2);
    }
    support_rmtree(dir);
}
