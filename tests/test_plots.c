/* plots: nice ticks and units, legend placement, contours, and the three
 * output formats. */
#include <cairo.h>
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plots/chart.h"
#include "plots/ticks.h"

Test(plots, nice_ticks)
{
    double t[64], step;
    size_t n = ticks_linear(0, 97, 6, t, 64, &step);
    cr_assert_eq(step, 20);
    cr_assert_eq(n, 5);
    cr_assert_eq(t[0], 0);
    cr_assert_eq(t[4], 80);
    n = ticks_linear(0.0013, 0.0271, 6, t, 64, &step);
    cr_assert_float_eq(step, 0.005, 1e-12);
    cr_assert_float_eq(t[0], 0.005, 1e-12);
    g_autofree char *lab = ticks_label(t[0], step);
    cr_assert_str_eq(lab, "0.005");
    n = ticks_linear(-3, 3, 7, t, 64, &step);
    cr_assert_eq(step, 1);
    cr_assert_eq(t[3], 0, "zero is exactly zero");
    n = ticks_log(1, 1000, t, 64);
    cr_assert_eq(n, 10 - 6, "decades only when the range is wide: %zu", n);
    n = ticks_log(1, 50, t, 64);
    double want[] = { 1, 2, 5, 10, 20, 50 };
    cr_assert_eq(n, 6);
    for (size_t i = 0; i < n; i++)
        cr_assert_float_eq(t[i], want[i], 1e-9);
}

Test(plots, display_units)
{
    ticks_unit u = ticks_pick_unit("B", 3e9);
    cr_assert_str_eq(u.unit, "GiB");
    cr_assert_eq(u.scale, 1024.0 * 1024 * 1024);
    u = ticks_pick_unit("B/s", 1.25e9);
    cr_assert_str_eq(u.unit, "Gbit/s");
    cr_assert_float_eq(1.25e9 / u.scale, 10, 1e-9);
    u = ticks_pick_unit("s", 0.05);
    cr_assert_str_eq(u.unit, "ms");
    u = ticks_pick_unit("s", 7200);
    cr_assert_str_eq(u.unit, "min");
    u = ticks_pick_unit("%", 0.5);
    cr_assert_float_eq(0.5 / u.scale, 50, 1e-9);
}

static cairo_surface_t *render(chart *c, double w, double h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w, (int)h);
    cairo_t *cr = cairo_create(s);
    chart_draw(c, cr, w, h);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

/* Whether some pixel has this colour (8-bit, exact). */
static bool has_colour(cairo_surface_t *s, int r, int g, int b)
{
    unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s), w = cairo_image_surface_get_width(s),
        h = cairo_image_surface_get_height(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = *(uint32_t *)(d + y * stride + 4 * x);
            if ((int)(p >> 16 & 255) == r && (int)(p >> 8 & 255) == g && (int)(p & 255) == b)
                return true;
        }
    return false;
}

/* A rising line leaves the top-left and bottom-right corners free: the
 * legend goes there and covers nothing. A series through every corner sends
 * it outside the plot. */
Test(plots, legend_never_covers_data)
{
    double x[100], y[100];
    for (int i = 0; i < 100; i++) {
        x[i] = i;
        y[i] = i * i;
    }
    chart *c = chart_new(CHART_XY, "rising");
    chart_axis(c, 'x', "time", "s", false);
    chart_axis(c, 'y', "bytes", "B", false);
    chart_series(c, "a long legend entry", x, y, 100, false);
    cairo_surface_t *s = render(c, 800, 480);
    double box[4];
    int cov;
    chart_legend_box(c, box, &cov);
    cr_assert_eq(cov, 0);
    cr_assert_gt(box[2], 0);
    cr_assert(has_colour(s, 0, 114, 178), "the first series is drawn in Okabe-Ito blue");
    cairo_surface_destroy(s);
    chart_free(c);

    double cx[] = { 0, 0, 1, 1, 0.5 }, cy[] = { 0, 1, 1, 0, 0.5 };
    c = chart_new(CHART_XY, "corners");
    chart_series(c, "everywhere", cx, cy, 5, false);
    double more[400], morey[400];
    for (int i = 0; i < 400; i++) { /* points in every corner */
        more[i] = (i % 20) / 19.0;
        morey[i] = (i / 20) / 19.0;
    }
    chart_series(c, "grid", more, morey, 400, false);
    s = render(c, 800, 480);
    chart_legend_box(c, box, &cov);
    cr_assert_eq(cov, 0);
    cr_assert_gt(box[0], 600, "outside, to the right of the plot: x = %.0f", box[0]);
    cairo_surface_destroy(s);
    chart_free(c);
}

/* z = x + y on a grid: the contour at the middle crosses it; a level
 * outside the values draws nothing. */
Test(plots, heatmap_contour)
{
    double x[10], y[8], z[80];
    for (int i = 0; i < 10; i++)
        x[i] = i;
    for (int j = 0; j < 8; j++)
        y[j] = j;
    for (int j = 0; j < 8; j++)
        for (int i = 0; i < 10; i++)
            z[j * 10 + i] = i + j;
    chart *c = chart_new(CHART_HEATMAP, "x + y");
    chart_grid(c, x, 10, y, 8, z, "sum", "s");
    chart_contour(c, 8.5, "8.5");
    cairo_surface_t *s = render(c, 800, 480);
    size_t segs = chart_contour_segments(c);
    cr_assert_gt(segs, 5);
    cr_assert_lt(segs, 20, "one line across the grid: %zu", segs);
    cairo_surface_destroy(s);
    chart_free(c);
    c = chart_new(CHART_HEATMAP, "x + y");
    chart_grid(c, x, 10, y, 8, z, "sum", "s");
    chart_contour(c, 100, "far");
    s = render(c, 800, 480);
    cr_assert_eq(chart_contour_segments(c), 0);
    cairo_surface_destroy(s);
    chart_free(c);
}

/* One code path, three formats, each file complete or absent. */
Test(plots, png_svg_pdf)
{
    g_autofree char *dir = g_dir_make_tmp("golive-plots-XXXXXX", NULL);
    double v[] = { 0.2, 0.25, 0.31, 0.22, 0.27 };
    const char *formats[][2] = { { "png", "\x89PNG" }, { "svg", "<?xml" }, { "pdf", "%PDF" } };
    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
        chart *c = chart_new(CHART_CDF, "downtime");
        chart_axis(c, 'x', "downtime", "s", false);
        chart_series(c, "web", v, NULL, 5, true);
        g_autofree char *path = g_strdup_printf("%s/cdf.%s", dir, formats[i][0]);
        GError *err = NULL;
        cr_assert(chart_save(c, path, formats[i][0], 640, 400, &err), "%s", err ? err->message : "");
        g_autofree char *data = NULL;
        gsize len;
        cr_assert(g_file_get_contents(path, &data, &len, NULL));
        cr_assert_gt(len, 100);
        cr_assert(!memcmp(data, formats[i][1], strlen(formats[i][1])), "%s header", formats[i][0]);
        g_remove(path);
        chart_free(c);
    }
    chart *c = chart_new(CHART_BARS, "bars");
    chart_bar(c, "nfs", 0.9996, 0.9995, 0.9997);
    GError *err = NULL;
    g_autofree char *bad = g_strdup_printf("%s/x.gif", dir);
    cr_assert(!chart_save(c, bad, "gif", 640, 400, &err));
    cr_assert(strstr(err->message, "png, svg or pdf"));
    cr_assert(!g_file_test(bad, G_FILE_TEST_EXISTS));
    g_error_free(err);
    chart_free(c);
    g_rmdir(dir);
}

/* Every chart kind renders to PNG (not blank) and to SVG holding its axis
 * labels and legend entries. */
static chart *kind_chart(chart_kind k)
{
    chart *c = chart_new(k, "kind");
    double x[] = { 1, 2, 3, 4 }, y[] = { 10, 30, 20, 40 };
    switch (k) {
    case CHART_XY:
        chart_axis(c, 'x', "elapsed", "s", false);
        chart_axis(c, 'y', "volume", "B", false);
        chart_series(c, "alpha", x, y, 4, false);
        chart_series(c, "beta", x, x, 4, true);
        chart_hline(c, 25, "limit");
        chart_shade(c, 2, 2.5, "paused");
        break;
    case CHART_CDF:
        chart_axis(c, 'x', "elapsed", "s", false);
        chart_series(c, "alpha", y, NULL, 4, true);
        break;
    case CHART_BARS:
        chart_axis(c, 'y', "volume", "B", false);
        chart_bar(c, "alpha", 30, 20, 40);
        chart_bar(c, "beta", 10, 5, 15);
        break;
    case CHART_TIMELINE: {
        chart_axis(c, 'x', "elapsed", "s", false);
        int r = chart_row(c, "alpha");
        chart_span(c, r, 0, 10, "running");
        chart_span(c, r, 3, 4, "down");
        chart_marker(c, chart_row(c, "beta"), 5, "fenced");
        break;
    }
    case CHART_HEATMAP: {
        double z[16];
        for (int i = 0; i < 16; i++)
            z[i] = i;
        chart_axis(c, 'x', "elapsed", "s", false);
        chart_axis(c, 'y', "volume", "B", false);
        chart_grid(c, x, 4, y, 4, z, "score", NULL);
        chart_contour(c, 7.5, "half");
        break;
    }
    }
    return c;
}

Test(plots, every_kind_png_and_svg)
{
    g_autofree char *dir = g_dir_make_tmp("golive-kinds-XXXXXX", NULL);
    for (int k = CHART_XY; k <= CHART_HEATMAP; k++) {
        chart *c = kind_chart((chart_kind)k);
        cairo_surface_t *s = render(c, 640, 400);
        /* not blank: some pixel is neither white nor a grey of the frame */
        bool colour = false;
        unsigned char *d = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        for (int yy = 0; yy < 400 && !colour; yy++)
            for (int xx = 0; xx < 640 && !colour; xx++) {
                uint32_t p = *(uint32_t *)(d + yy * stride + 4 * xx);
                int r = p >> 16 & 255, g = p >> 8 & 255, b = p & 255;
                colour = abs(r - g) > 40 || abs(g - b) > 40;
            }
        cr_assert(colour, "kind %d drew no colour", k);
        cairo_surface_destroy(s);
        g_autofree char *svg = g_strdup_printf("%s/k%d.svg", dir, k);
        cr_assert(chart_save(c, svg, "svg", 640, 400, NULL));
        g_autofree char *text = NULL;
        cr_assert(g_file_get_contents(svg, &text, NULL, NULL));
        /* cairo draws text as glyphs; the words are in <title> and <desc> */
        cr_assert(strstr(text, "<title>kind</title>"), "kind %d", k);
        if (k != CHART_BARS && k != CHART_CDF)
            cr_assert(strstr(text, "x axis: elapsed (s)"), "kind %d: axis label", k);
        if (k == CHART_XY)
            cr_assert(strstr(text, "Legend: alpha, beta, limit, paused"), "legend entries: %s", text);
        g_remove(svg);
        chart_free(c);
    }
    g_rmdir(dir);
}

/* The colour of a state's span, read back from a drawing: the middle of
 * row `row` at x. */
static void span_colour(chart *c, double x, int row, int nrows, unsigned char rgb[3])
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 960, 540);
    cairo_t *cr = cairo_create(s);
    chart_draw(c, cr, 960, 540);
    cairo_surface_flush(s);
    /* the plot spans x 0..100 between the margins (72 left, 24 right); the
     * rows share the height below the title and the states' legend */
    unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    int px = (int)(72 + (960 - 72 - 24) * x / 100.0), py = 66 + (int)((540 - 66 - 52) * (row + 0.5) / nrows);
    unsigned char *p = d + py * stride + px * 4;
    rgb[0] = p[2];
    rgb[1] = p[1];
    rgb[2] = p[0];
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* One colour per state in every timeline, whatever states came first
 * (issue 15): students put the pictures side by side. */
Test(plots, a_state_keeps_its_colour)
{
    unsigned char a[3], b[3];
    chart *c = chart_new(CHART_TIMELINE, "one");
    int r = chart_row(c, "vm");
    chart_span(c, r, 0, 100, "running");
    chart_span(c, r, 40, 60, "paused");
    chart_range(c, 'x', 0, 100);
    span_colour(c, 50, 0, 1, a);
    chart_free(c);
    c = chart_new(CHART_TIMELINE, "two");
    r = chart_row(c, "vm");
    chart_span(c, r, 0, 100, "running");
    chart_span(c, r, 10, 20, "IO frozen");
    chart_span(c, r, 20, 30, "down");
    chart_span(c, r, 40, 60, "paused");
    chart_range(c, 'x', 0, 100);
    span_colour(c, 50, 0, 1, b);
    chart_free(c);
    cr_assert(a[0] == b[0] && a[1] == b[1] && a[2] == b[2], "paused: %d,%d,%d then %d,%d,%d", a[0], a[1], a[2], b[0],
              b[1], b[2]);
    cr_assert(!(a[0] == a[1] && a[1] == a[2]), "paused is not grey");
}

/* A timeline of one row drawn to pixels: spans from 0 to 100, markers at
 * xs (with labels if given). */
static unsigned char *timeline_pixels(const double *xs, const char *const *labels, size_t n, int *stride)
{
    chart *c = chart_new(CHART_TIMELINE, "markers");
    int r = chart_row(c, "host");
    chart_span(c, r, 0, 100, "running");
    chart_range(c, 'x', 0, 100);
    for (size_t i = 0; i < n; i++)
        chart_marker(c, r, xs[i], labels ? labels[i] : "");
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 960, 540);
    cairo_t *cr = cairo_create(s);
    chart_draw(c, cr, 960, 540);
    cairo_surface_flush(s);
    *stride = cairo_image_surface_get_stride(s);
    unsigned char *copy = g_memdup2(cairo_image_surface_get_data(s), (gsize)*stride * 540);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    chart_free(c);
    return copy;
}

/* The box of the pixels that differ between two drawings. */
static bool differ_box(const unsigned char *a, const unsigned char *b, int stride, int box[4])
{
    box[0] = box[1] = INT_MAX;
    box[2] = box[3] = -1;
    for (int y = 0; y < 540; y++)
        for (int x = 0; x < 960; x++)
            if (memcmp(a + y * stride + x * 4, b + y * stride + x * 4, 3)) {
                box[0] = MIN(box[0], x);
                box[1] = MIN(box[1], y);
                box[2] = MAX(box[2], x);
                box[3] = MAX(box[3], y);
            }
    return box[2] >= 0;
}

/* A label never lies under a marker, and never leaves the frame: a label
 * with a later marker standing where it would go beside the markers goes a
 * line lower; one at the right edge goes left of its marker. */
Test(plots, timeline_labels_stay_clear_of_markers)
{
    int stride, tri[4], lab[4];
    const double xs[] = { 10, 13 };
    const char *labels[] = { "network:repl fails", "" };
    unsigned char *none = timeline_pixels(xs, NULL, 0, &stride), *marks = timeline_pixels(xs, NULL, 2, &stride),
                  *text = timeline_pixels(xs, labels, 2, &stride);
    cr_assert(differ_box(none, marks, stride, tri), "the markers are drawn");
    cr_assert(differ_box(marks, text, stride, lab), "the label is drawn");
    cr_assert(lab[1] > tri[3], "the label (y %d-%d) runs into the markers' line (y %d-%d)", lab[1], lab[3], tri[1],
              tri[3]);
    g_free(marks);
    g_free(text);

    const double edge[] = { 98 };
    const char *long_label[] = { "network:repl repaired" };
    marks = timeline_pixels(edge, NULL, 1, &stride);
    text = timeline_pixels(edge, long_label, 1, &stride);
    cr_assert(differ_box(none, marks, stride, tri));
    cr_assert(differ_box(marks, text, stride, lab));
    cr_assert(lab[2] < tri[0], "the label (x %d-%d) is not left of its marker (x %d-%d)", lab[0], lab[2], tri[0],
              tri[2]);
    g_free(none);
    g_free(marks);
    g_free(text);
}

/* A curve drawn exactly over another says so in the legend. */
Test(plots, coinciding_curves_are_named)
{
    g_autofree char *dir = g_dir_make_tmp("golive-plots-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "c.svg", NULL);
    double x[] = { 0, 1, 2 }, y[] = { 1, 2, 3 }, z[] = { 1, 2, 4 };
    chart *c = chart_new(CHART_XY, "curves");
    chart_series(c, "a", x, y, 3, false);
    chart_series(c, "b", x, y, 3, false);
    chart_series(c, "c", x, z, 3, false);
    cr_assert(chart_save(c, path, "svg", 400, 300, NULL));
    chart_free(c);
    g_autofree char *svg = NULL;
    cr_assert(g_file_get_contents(path, &svg, NULL, NULL));
    cr_assert(strstr(svg, "b (same as a)"), "the legend does not say b lies under a");
    cr_assert_null(strstr(svg, "c (same as"));
    g_remove(path);
    g_rmdir(dir);
}
