/* chart — layout, axes, legend and every chart kind. */
#include "plots/chart.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "plots/ticks.h"

#define FONT "DejaVu Sans"

/* Okabe & Ito (2008), "Color Universal Design": distinguishable with every
 * common colour-vision deficiency. Blue, orange, green, vermillion, purple,
 * sky blue, black, and yellow last (faint on white). */
static const double palette[][3] = {
    { 0.000, 0.447, 0.698 }, { 0.902, 0.624, 0.000 }, { 0.000, 0.620, 0.451 }, { 0.835, 0.369, 0.000 },
    { 0.800, 0.475, 0.655 }, { 0.337, 0.706, 0.914 }, { 0.000, 0.000, 0.000 }, { 0.941, 0.894, 0.259 },
};
#define NPAL (sizeof palette / sizeof palette[0])

/* viridis (matplotlib), sampled at 9 points and interpolated: perceptually
 * uniform and readable without colour vision. */
static const double viridis[][3] = {
    { 0.267, 0.005, 0.329 }, { 0.283, 0.141, 0.458 }, { 0.254, 0.265, 0.530 }, { 0.207, 0.372, 0.553 },
    { 0.164, 0.471, 0.558 }, { 0.128, 0.567, 0.551 }, { 0.135, 0.659, 0.518 }, { 0.478, 0.821, 0.318 },
    { 0.993, 0.906, 0.144 },
};

/* Every timeline gives a state the same colour, so that pictures can be
 * put side by side: the normal one (running) light grey so that the others
 * stand out, the others from the Okabe-Ito palette and a few greys; a state
 * not listed takes the palette by its order of first use. */
static const struct {
    const char *state;
    double rgb[3];
} state_colours[] = {
    { "running", { 0.84, 0.84, 0.84 } },
    { "migrating", { 0.000, 0.447, 0.698 } },
    { "paused", { 0.902, 0.624, 0.000 } },
    { "IO blocked or failing", { 0.000, 0.620, 0.451 } },
    { "IO frozen", { 0.835, 0.369, 0.000 } },
    { "down", { 0.800, 0.475, 0.655 } },
    { "running twice", { 0.941, 0.894, 0.259 } },
    { "split brain", { 0.600, 0.000, 0.000 } },
    { "quorum lost", { 0.337, 0.706, 0.914 } },
    { "fenced", { 0.150, 0.150, 0.150 } },
    { "resync", { 0.55, 0.55, 0.75 } },
    { "recovery", { 0.55, 0.75, 0.55 } },
};

static const double *state_rgb(const chart *c, int state);

typedef struct {
    char *name;
    double *x, *y;
    size_t n;
    bool step;
} series;

typedef struct {
    char *label;
    double v, lo, hi;
} bar;

typedef struct {
    int row;
    double x0, x1;
    int state;
} span;

typedef struct {
    int row;
    double x;
    char *label;
} marker;

typedef struct {
    double v;
    char *label;
} tick_label;

typedef struct {
    char *label, *unit;
    bool log;
    double lo, hi;     /* fixed range, NAN: from data */
    GArray *labels;    /* tick_label: ticks named as the user wrote them */
    bool labels_only;  /* no numeric ticks besides them */
} axis;

typedef struct {
    double y;
    char *label;
} hline;

typedef struct {
    double x0, x1;
    char *label;
} shade;

typedef struct {
    double level;
    char *label;
    double *field; /* NULL: the grid's own values */
} contour;

struct chart {
    chart_kind kind;
    char *title;
    axis ax[2];
    GPtrArray *series; /* series* */
    GArray *bars;      /* bar */
    GPtrArray *rows;   /* char* */
    GPtrArray *states; /* char* */
    GArray *spans;     /* span */
    GArray *markers;   /* marker */
    GArray *hlines, *shades, *vmarks, *contours;
    double *gx, *gy, *gz;
    size_t nx, ny;
    char *zlabel, *zunit;
    /* the last drawing */
    double legend[4];
    int legend_covered;
    size_t segments;
};

chart *chart_new(chart_kind kind, const char *title)
{
    chart *c = g_new0(chart, 1);
    c->kind = kind;
    c->title = g_strdup(title);
    for (int a = 0; a < 2; a++)
        c->ax[a].lo = c->ax[a].hi = NAN;
    c->series = g_ptr_array_new();
    c->bars = g_array_new(FALSE, FALSE, sizeof(bar));
    c->rows = g_ptr_array_new_with_free_func(g_free);
    c->states = g_ptr_array_new_with_free_func(g_free);
    c->spans = g_array_new(FALSE, FALSE, sizeof(span));
    c->markers = g_array_new(FALSE, FALSE, sizeof(marker));
    c->hlines = g_array_new(FALSE, FALSE, sizeof(hline));
    c->shades = g_array_new(FALSE, FALSE, sizeof(shade));
    c->vmarks = g_array_new(FALSE, FALSE, sizeof(double));
    c->contours = g_array_new(FALSE, FALSE, sizeof(contour));
    return c;
}

void chart_free(chart *c)
{
    if (!c)
        return;
    for (guint i = 0; i < c->series->len; i++) {
        series *s = g_ptr_array_index(c->series, i);
        g_free(s->name);
        g_free(s->x);
        g_free(s->y);
        g_free(s);
    }
    g_ptr_array_free(c->series, TRUE);
    for (guint i = 0; i < c->bars->len; i++)
        g_free(g_array_index(c->bars, bar, i).label);
    for (guint i = 0; i < c->markers->len; i++)
        g_free(g_array_index(c->markers, marker, i).label);
    for (guint i = 0; i < c->hlines->len; i++)
        g_free(g_array_index(c->hlines, hline, i).label);
    for (guint i = 0; i < c->shades->len; i++)
        g_free(g_array_index(c->shades, shade, i).label);
    for (guint i = 0; i < c->contours->len; i++) {
        g_free(g_array_index(c->contours, contour, i).label);
        g_free(g_array_index(c->contours, contour, i).field);
    }
    g_array_free(c->bars, TRUE);
    g_ptr_array_free(c->rows, TRUE);
    g_ptr_array_free(c->states, TRUE);
    g_array_free(c->spans, TRUE);
    g_array_free(c->markers, TRUE);
    g_array_free(c->hlines, TRUE);
    g_array_free(c->shades, TRUE);
    g_array_free(c->vmarks, TRUE);
    g_array_free(c->contours, TRUE);
    for (int a = 0; a < 2; a++) {
        g_free(c->ax[a].label);
        g_free(c->ax[a].unit);
        for (guint i = 0; c->ax[a].labels && i < c->ax[a].labels->len; i++)
            g_free(g_array_index(c->ax[a].labels, tick_label, i).label);
        if (c->ax[a].labels)
            g_array_free(c->ax[a].labels, TRUE);
    }
    g_free(c->gx);
    g_free(c->gy);
    g_free(c->gz);
    g_free(c->zlabel);
    g_free(c->zunit);
    g_free(c->title);
    g_free(c);
}

void chart_axis(chart *c, char axis_name, const char *label, const char *unit, bool log)
{
    axis *a = &c->ax[axis_name == 'y'];
    g_free(a->label);
    g_free(a->unit);
    a->label = g_strdup(label);
    a->unit = g_strdup(unit);
    a->log = log;
}

void chart_tick_label(chart *c, char axis_name, double v, const char *label, bool only)
{
    axis *a = &c->ax[axis_name == 'y'];
    if (!a->labels)
        a->labels = g_array_new(FALSE, FALSE, sizeof(tick_label));
    tick_label t = { v, g_strdup(label) };
    g_array_append_val(a->labels, t);
    a->labels_only |= only;
}

void chart_range(chart *c, char axis_name, double lo, double hi)
{
    c->ax[axis_name == 'y'].lo = lo;
    c->ax[axis_name == 'y'].hi = hi;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void chart_series(chart *c, const char *name, const double *x, const double *y, size_t n, bool step)
{
    series *s = g_new0(series, 1);
    s->name = g_strdup(name);
    s->n = n;
    s->step = step;
    s->x = g_memdup2(x, n * sizeof(double));
    if (c->kind == CHART_CDF) {
        /* the empirical CDF: sorted samples, P(X <= x) */
        qsort(s->x, n, sizeof(double), cmp_double);
        s->y = g_new(double, n);
        for (size_t i = 0; i < n; i++)
            s->y[i] = (double)(i + 1) / (double)n;
        s->step = true;
    } else {
        s->y = g_memdup2(y, n * sizeof(double));
    }
    /* a curve drawn exactly over another would be invisible: say so */
    for (guint i = 0; i < c->series->len; i++) {
        const series *o = g_ptr_array_index(c->series, i);
        if (o->n == n && n > 0 && !memcmp(o->x, s->x, n * sizeof(double)) && !memcmp(o->y, s->y, n * sizeof(double))) {
            char *named = g_strdup_printf("%s (same as %s)", s->name, o->name);
            g_free(s->name);
            s->name = named;
            break;
        }
    }
    g_ptr_array_add(c->series, s);
}

void chart_hline(chart *c, double y, const char *label)
{
    hline h = { y, g_strdup(label) };
    g_array_append_val(c->hlines, h);
}

void chart_shade(chart *c, double x0, double x1, const char *label)
{
    shade s = { x0, x1, g_strdup(label) };
    g_array_append_val(c->shades, s);
}

void chart_vmark(chart *c, double x)
{
    g_array_append_val(c->vmarks, x);
}

void chart_bar(chart *c, const char *label, double value, double lo, double hi)
{
    bar b = { g_strdup(label), value, lo, hi };
    g_array_append_val(c->bars, b);
}

int chart_row(chart *c, const char *name)
{
    g_ptr_array_add(c->rows, g_strdup(name));
    return (int)c->rows->len - 1;
}

static const double *state_rgb(const chart *c, int state)
{
    const char *name = g_ptr_array_index(c->states, state);
    int unnamed = 0;
    for (int i = 0; i <= state; i++) {
        const char *si = g_ptr_array_index(c->states, i);
        bool known = false;
        for (size_t k = 0; k < G_N_ELEMENTS(state_colours) && !known; k++)
            known = !strcmp(state_colours[k].state, si);
        if (known && i == state)
            break;
        unnamed += !known && i < state;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(state_colours); k++)
        if (!strcmp(state_colours[k].state, name))
            return state_colours[k].rgb;
    return palette[unnamed % NPAL];
}

static int state_index(chart *c, const char *state)
{
    for (guint i = 0; i < c->states->len; i++)
        if (!strcmp(g_ptr_array_index(c->states, i), state))
            return (int)i;
    g_ptr_array_add(c->states, g_strdup(state));
    return (int)c->states->len - 1;
}

void chart_span(chart *c, int row, double x0, double x1, const char *state)
{
    span s = { row, x0, x1, state_index(c, state) };
    g_array_append_val(c->spans, s);
}

void chart_marker(chart *c, int row, double x, const char *label)
{
    marker m = { row, x, g_strdup(label) };
    g_array_append_val(c->markers, m);
}

void chart_grid(chart *c, const double *x, size_t nx, const double *y, size_t ny, const double *z, const char *zlabel,
                const char *zunit)
{
    c->gx = g_memdup2(x, nx * sizeof(double));
    c->gy = g_memdup2(y, ny * sizeof(double));
    c->gz = g_memdup2(z, nx * ny * sizeof(double));
    c->nx = nx;
    c->ny = ny;
    g_free(c->zlabel);
    g_free(c->zunit);
    c->zlabel = g_strdup(zlabel);
    c->zunit = g_strdup(zunit);
}

void chart_contour(chart *c, double level, const char *label)
{
    contour k = { level, g_strdup(label), NULL };
    g_array_append_val(c->contours, k);
}

void chart_contour_of(chart *c, const double *field, double level, const char *label)
{
    contour k = { level, g_strdup(label), g_memdup2(field, c->nx * c->ny * sizeof(double)) };
    g_array_append_val(c->contours, k);
}

/* ------------------------------------------------------------------ scales */

typedef struct {
    double lo, hi;   /* data range */
    double p0, p1;   /* pixel range */
    bool log;
    ticks_unit unit;
} scale;

static double to_px(const scale *s, double v)
{
    if (s->log) {
        double l = log10(fmax(v, s->lo)), a = log10(s->lo), b = log10(s->hi);
        return s->p0 + (l - a) / (b - a) * (s->p1 - s->p0);
    }
    return s->p0 + (v - s->lo) / (s->hi - s->lo) * (s->p1 - s->p0);
}

/* The data range of an axis, padded a little, fixed parts kept. */
static void data_range(const chart *c, int a, double *lo, double *hi)
{
    double mn = INFINITY, mx = -INFINITY;
    for (guint i = 0; i < c->series->len; i++) {
        const series *s = g_ptr_array_index(c->series, i);
        const double *v = a ? s->y : s->x;
        for (size_t k = 0; k < s->n; k++)
            if (isfinite(v[k]) && (!c->ax[a].log || v[k] > 0)) {
                mn = fmin(mn, v[k]);
                mx = fmax(mx, v[k]);
            }
    }
    if (a == 1)
        for (guint i = 0; i < c->hlines->len; i++) {
            mn = fmin(mn, g_array_index(c->hlines, hline, i).y);
            mx = fmax(mx, g_array_index(c->hlines, hline, i).y);
        }
    if (a == 0) {
        for (guint i = 0; i < c->shades->len; i++) {
            mn = fmin(mn, g_array_index(c->shades, shade, i).x0);
            mx = fmax(mx, g_array_index(c->shades, shade, i).x1);
        }
        for (guint i = 0; i < c->spans->len; i++) {
            mn = fmin(mn, g_array_index(c->spans, span, i).x0);
            mx = fmax(mx, g_array_index(c->spans, span, i).x1);
        }
    }
    if (c->kind == CHART_BARS && a == 1) {
        for (guint i = 0; i < c->bars->len; i++) {
            const bar *b = &g_array_index(c->bars, bar, i);
            if (c->ax[1].log) {
                if (b->v > 0)
                    mn = fmin(mn, isfinite(b->lo) && b->lo > 0 ? fmin(b->lo, b->v) : b->v);
            } else {
                mn = fmin(mn, fmin(0, b->v));
            }
            mx = fmax(mx, isfinite(b->hi) ? fmax(b->hi, b->v) : b->v);
        }
        if (c->ax[1].log && isfinite(mn)) {
            mn = pow(10, floor(log10(mn)));
            mx = pow(10, ceil(log10(mx * 1.0001)));
        } else if (isfinite(mx)) {
            mx += (mx - fmin(mn, 0)) * 0.05; /* room above the highest whisker */
        }
    }
    if (c->kind == CHART_HEATMAP) {
        /* the outer edges of the cells, which are centred on the values */
        const double *v = a ? c->gy : c->gx;
        size_t n = a ? c->ny : c->nx;
        if (n == 1) {
            mn = c->ax[a].log ? v[0] / 2 : v[0] - 0.5;
            mx = c->ax[a].log ? v[0] * 2 : v[0] + 0.5;
        } else if (c->ax[a].log) {
            mn = v[0] / sqrt(v[1] / v[0]);
            mx = v[n - 1] * sqrt(v[n - 1] / v[n - 2]);
        } else {
            mn = v[0] - (v[1] - v[0]) / 2;
            mx = v[n - 1] + (v[n - 1] - v[n - 2]) / 2;
        }
    }
    if (c->kind == CHART_CDF && a == 1) {
        mn = 0;
        mx = 1;
    }
    if (!isfinite(mn)) {
        mn = c->ax[a].log ? 1 : 0;
        mx = c->ax[a].log ? 10 : 1;
    }
    if (c->ax[a].log) {
        if (mx <= mn)
            mx = mn * 10;
    } else if (c->kind == CHART_XY || c->kind == CHART_CDF) {
        if (a == 1 && mn > 0 && mn < 0.5 * mx)
            mn = 0; /* start value axes at zero when it costs little */
        double pad = (mx - mn) * 0.04;
        /* every value the same (a CDF that is one step): centred, not on
         * the axis where its line would hide */
        bool flat = pad == 0;
        if (flat)
            pad = fabs(mx) > 0 ? fabs(mx) * 0.1 : 1;
        if (!(c->kind == CHART_CDF && a == 1))
            mx += pad;
        if ((a == 1 && mn < 0) || (flat && !(c->kind == CHART_CDF && a == 1)))
            mn -= pad;
    } else if (mx <= mn) {
        mx = mn + 1;
    }
    if (isfinite(c->ax[a].lo))
        mn = c->ax[a].lo;
    if (isfinite(c->ax[a].hi))
        mx = c->ax[a].hi;
    *lo = mn;
    *hi = mx;
}

/* ------------------------------------------------------------------ drawing helpers */

static void set_rgb(cairo_t *cr, const double *rgb, double alpha)
{
    cairo_set_source_rgba(cr, rgb[0], rgb[1], rgb[2], alpha);
}

static void text_at(cairo_t *cr, const char *s, double x, double y, double ax, double ay, double size, bool bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - ax * e.width - e.x_bearing, y - ay * e.height - e.y_bearing);
    cairo_show_text(cr, s);
}

static double text_width(cairo_t *cr, const char *s, double size)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

static char *axis_title(const axis *a, const ticks_unit *u)
{
    const char *label = a->label ? a->label : "";
    if (u->unit && *u->unit && !a->labels_only) /* named ticks carry their own units */
        return g_strdup_printf("%s (%s)", label, u->unit);
    return g_strdup(label);
}

/* Ticks, grid lines and labels of one axis. */
static void draw_axis(cairo_t *cr, const chart *c, int a, const scale *s, const scale *other)
{
    double t[64], step = 0;
    size_t n;
    if (s->log) {
        n = ticks_log(s->lo / s->unit.scale, s->hi / s->unit.scale, t, 64);
        for (size_t i = 0; i < n; i++)
            t[i] *= s->unit.scale;
    } else {
        size_t want = a == 0 ? 7 : 6;
        n = ticks_linear(s->lo / s->unit.scale, s->hi / s->unit.scale, (int)want, t, 64, &step);
        for (size_t i = 0; i < n; i++)
            t[i] *= s->unit.scale;
    }
    const axis *ax = &c->ax[a];
    size_t nl = ax->labels ? ax->labels->len : 0;
    for (size_t i = 0; i < n + nl; i++) {
        bool named = i >= n;
        double v = named ? g_array_index(ax->labels, tick_label, i - n).v : t[i];
        if (!named && ax->labels_only)
            continue;
        if (v < fmin(s->lo, s->hi) - 1e-12 * fabs(s->hi) || v > fmax(s->lo, s->hi) + 1e-12 * fabs(s->hi))
            continue;
        double p = to_px(s, v);
        /* a numeric tick gives way to a named one close to it */
        bool crowded = false;
        for (size_t k = 0; !named && k < nl; k++)
            crowded |= fabs(to_px(s, g_array_index(ax->labels, tick_label, k).v) - p) < 40;
        if (crowded)
            continue;
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_set_line_width(cr, 1);
        if (a == 0) {
            cairo_move_to(cr, p, other->p0);
            cairo_line_to(cr, p, other->p1);
        } else {
            cairo_move_to(cr, other->p0, p);
            cairo_line_to(cr, other->p1, p);
        }
        cairo_stroke(cr);
        g_autofree char *lab = named ? g_strdup(g_array_index(ax->labels, tick_label, i - n).label)
                               : s->log ? g_strdup_printf("%g", t[i] / s->unit.scale)
                                        : ticks_label(t[i] / s->unit.scale, step);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        if (a == 0)
            text_at(cr, lab, p, other->p0 + 6, 0.5, 0, 11, false);
        else
            text_at(cr, lab, other->p0 - 6, p, 1, 0.5, 11, false);
    }
    g_autofree char *title = axis_title(&c->ax[a], &s->unit);
    cairo_set_source_rgb(cr, 0, 0, 0);
    if (a == 0) {
        text_at(cr, title, (s->p0 + s->p1) / 2, other->p0 + 26, 0.5, 0, 12, false);
    } else {
        cairo_save(cr);
        cairo_translate(cr, 16, (s->p0 + s->p1) / 2);
        cairo_rotate(cr, -G_PI / 2);
        text_at(cr, title, 0, 0, 0.5, 0.5, 12, false);
        cairo_restore(cr);
    }
}

/* ------------------------------------------------------------------ legend */

typedef struct {
    char *text;
    const double *rgb;
    int style; /* 0 line, 1 box, 2 dashed line */
} legend_item;

static GArray *legend_items(const chart *c)
{
    GArray *items = g_array_new(FALSE, FALSE, sizeof(legend_item));
    for (guint i = 0; i < c->series->len; i++) {
        const series *s = g_ptr_array_index(c->series, i);
        if (s->name && *s->name) {
            legend_item it = { s->name, palette[i % NPAL], 0 };
            g_array_append_val(items, it);
        }
    }
    for (guint i = 0; i < c->hlines->len; i++) {
        const hline *h = &g_array_index(c->hlines, hline, i);
        if (h->label) {
            legend_item it = { h->label, palette[6], 2 };
            g_array_append_val(items, it);
        }
    }
    for (guint i = 0; i < c->shades->len && i < 1; i++) {
        const shade *s = &g_array_index(c->shades, shade, i);
        if (s->label) {
            legend_item it = { s->label, palette[3], 1 };
            g_array_append_val(items, it);
        }
    }
    if (c->kind == CHART_TIMELINE)
        for (guint i = 0; i < c->states->len; i++) {
            legend_item it = { g_ptr_array_index(c->states, i), state_rgb(c, (int)i), 1 };
            g_array_append_val(items, it);
        }
    return items;
}

/* Data points (in pixels) the box covers. */
static int covered(const chart *c, const scale *sx, const scale *sy, const double *box)
{
    int n = 0;
    for (guint i = 0; i < c->series->len; i++) {
        const series *s = g_ptr_array_index(c->series, i);
        for (size_t k = 0; k < s->n; k++) {
            if (!isfinite(s->x[k]) || !isfinite(s->y[k]))
                continue;
            double px = to_px(sx, s->x[k]), py = to_px(sy, s->y[k]);
            n += px >= box[0] && px <= box[0] + box[2] && py >= box[1] && py <= box[1] + box[3];
        }
    }
    for (guint i = 0; i < c->bars->len; i++) {
        /* a bar's top */
        double px = sx->p0 + (i + 0.5) * (sx->p1 - sx->p0) / c->bars->len;
        double py = to_px(sy, g_array_index(c->bars, bar, i).v);
        n += px >= box[0] && px <= box[0] + box[2] && py <= box[1] + box[3];
    }
    return n;
}

/* ------------------------------------------------------------------ kinds */

static void draw_xy(cairo_t *cr, const chart *c, const scale *sx, const scale *sy)
{
    for (guint i = 0; i < c->shades->len; i++) {
        const shade *s = &g_array_index(c->shades, shade, i);
        set_rgb(cr, palette[3], 0.18);
        double a = to_px(sx, s->x0), b = to_px(sx, s->x1);
        if (b - a < 2)
            b = a + 2; /* a pause of milliseconds stays visible */
        cairo_rectangle(cr, a, sy->p1, b - a, sy->p0 - sy->p1);
        cairo_fill(cr);
    }
    for (guint i = 0; i < c->vmarks->len; i++) {
        double p = to_px(sx, g_array_index(c->vmarks, double, i));
        cairo_set_source_rgba(cr, 0.4, 0.4, 0.4, 0.6);
        cairo_set_line_width(cr, 0.8);
        double dash[] = { 2, 3 };
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, p, sy->p0);
        cairo_line_to(cr, p, sy->p1);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    for (guint i = 0; i < c->hlines->len; i++) {
        const hline *h = &g_array_index(c->hlines, hline, i);
        double p = to_px(sy, h->y);
        set_rgb(cr, palette[6], 0.8);
        cairo_set_line_width(cr, 1.2);
        double dash[] = { 6, 4 };
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, sx->p0, p);
        cairo_line_to(cr, sx->p1, p);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    for (guint i = 0; i < c->series->len; i++) {
        const series *s = g_ptr_array_index(c->series, i);
        set_rgb(cr, palette[i % NPAL], 1);
        cairo_set_line_width(cr, 2);
        bool started = false;
        double last_py = 0;
        for (size_t k = 0; k < s->n; k++) {
            if (!isfinite(s->x[k]) || !isfinite(s->y[k]) || (sy->log && s->y[k] <= 0) || (sx->log && s->x[k] <= 0)) {
                started = false;
                continue;
            }
            double px = to_px(sx, s->x[k]), py = to_px(sy, s->y[k]);
            if (!started) {
                if (c->kind == CHART_CDF)
                    cairo_move_to(cr, px, to_px(sy, 0));
                else
                    cairo_move_to(cr, px, py);
                started = true;
            } else if (s->step) {
                cairo_line_to(cr, px, last_py);
            }
            cairo_line_to(cr, px, py);
            last_py = py;
        }
        cairo_stroke(cr);
        if (s->n == 1 && isfinite(s->x[0]) && isfinite(s->y[0])) {
            cairo_arc(cr, to_px(sx, s->x[0]), to_px(sy, s->y[0]), 3, 0, 2 * G_PI);
            cairo_fill(cr);
        }
    }
}

static void draw_bars(cairo_t *cr, const chart *c, const scale *sx, const scale *sy)
{
    guint n = c->bars->len;
    double slot = (sx->p1 - sx->p0) / (n ? n : 1);
    for (guint i = 0; i < n; i++) {
        const bar *b = &g_array_index(c->bars, bar, i);
        double x = sx->p0 + i * slot + slot * 0.2, w = slot * 0.6;
        double y0 = to_px(sy, fmax(0, sy->lo)), y1 = to_px(sy, b->v);
        set_rgb(cr, palette[i % NPAL], 0.85);
        cairo_rectangle(cr, x, fmin(y0, y1), w, fabs(y1 - y0));
        cairo_fill(cr);
        if (isfinite(b->lo) && isfinite(b->hi)) {
            double a = to_px(sy, b->lo), z = to_px(sy, b->hi), m = x + w / 2;
            /* a white halo keeps the whisker visible on any bar colour */
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 0)
                    cairo_set_source_rgb(cr, 1, 1, 1);
                else
                    cairo_set_source_rgb(cr, 0, 0, 0);
                cairo_set_line_width(cr, pass == 0 ? 4 : 1.5);
                cairo_move_to(cr, m, a);
                cairo_line_to(cr, m, z);
                cairo_move_to(cr, m - w * 0.2, a);
                cairo_line_to(cr, m + w * 0.2, a);
                cairo_move_to(cr, m - w * 0.2, z);
                cairo_line_to(cr, m + w * 0.2, z);
                cairo_stroke(cr);
            }
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        g_autofree char *lab = g_strdup(b->label);
        while (strlen(lab) > 3 && text_width(cr, lab, 11) > slot * 0.95)
            lab[strlen(lab) - 1] = '\0';
        text_at(cr, lab, x + w / 2, sy->p0 + 6, 0.5, 0, 11, false);
    }
}

static void draw_timeline(cairo_t *cr, const chart *c, const scale *sx, double top, double bottom)
{
    guint n = c->rows->len;
    double h = (bottom - top) / (n ? n : 1);
    for (guint i = 0; i < c->spans->len; i++) {
        const span *s = &g_array_index(c->spans, span, i);
        double a = to_px(sx, s->x0), b = to_px(sx, s->x1);
        if (b - a < 1.5)
            b = a + 1.5;
        set_rgb(cr, state_rgb(c, s->state), 0.9);
        cairo_rectangle(cr, a, top + s->row * h + h * 0.15, b - a, h * 0.7);
        cairo_fill(cr);
    }
    /* A label goes on the first line of its row where it runs into no
     * label before it: beside the markers, or lower, inside the row's band
     * (as many lines as fit); not beside the markers if a later marker
     * stands there. Where no line is free, the one it overlaps least. */
    int lines = MAX(1, (int)(h * 0.7 / 11));
    double *right = g_new0(double, (n ? n : 1) * (size_t)lines);
    for (guint i = 0; i < c->markers->len; i++) {
        const marker *m = &g_array_index(c->markers, marker, i);
        double x = to_px(sx, m->x), y = top + m->row * h + h * 0.15;
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x - 5, y - 8);
        cairo_line_to(cr, x + 5, y - 8);
        cairo_close_path(cr);
        cairo_fill(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (guint i = 0; i < c->markers->len; i++) {
        const marker *m = &g_array_index(c->markers, marker, i);
        double x = to_px(sx, m->x), y = top + m->row * h + h * 0.15;
        if (!m->label || !*m->label)
            continue;
        /* right of its marker, or left of it where the frame ends */
        double w = text_width(cr, m->label, 9), lx = x + 7;
        if (lx + w > sx->p1 && x - 7 - w > sx->p0)
            lx = x - 7 - w;
        int first = 0;
        for (guint j = 0; j < c->markers->len && !first && lines > 1; j++) {
            const marker *o = &g_array_index(c->markers, marker, j);
            double ox = to_px(sx, o->x);
            first = j != i && o->row == m->row && ox + 5 > lx && ox - 5 < lx + w;
        }
        double *r = right + (size_t)m->row * (size_t)lines;
        int lv = first;
        for (int k = first; k < lines; k++)
            if (r[k] < lx - 4 || r[k] < r[lv]) {
                lv = k;
                if (r[k] < lx - 4)
                    break;
            }
        r[lv] = lx + w;
        text_at(cr, m->label, lx, y - 9 + lv * 11, 0, 0, 9, false);
    }
    g_free(right);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    for (guint i = 0; i < n; i++)
        text_at(cr, g_ptr_array_index(c->rows, i), sx->p0 - 6, top + (i + 0.5) * h, 1, 0.5, 11, false);
}

static void colour_of(double t, double *rgb)
{
    t = fmin(1, fmax(0, t)) * 8;
    int i = (int)floor(t);
    if (i >= 8)
        i = 7;
    double f = t - i;
    for (int k = 0; k < 3; k++)
        rgb[k] = viridis[i][k] * (1 - f) + viridis[i + 1][k] * f;
}

/* Pixel edges of grid cell k along one axis (cells centred on the values). */
static void cell_edges(const double *v, size_t n, size_t k, const scale *s, double *a, double *b)
{
    double lo = k > 0 ? (v[k - 1] + v[k]) / 2 : v[k] - (n > 1 ? (v[1] - v[0]) / 2 : 0.5);
    double hi = k + 1 < n ? (v[k] + v[k + 1]) / 2 : v[k] + (n > 1 ? (v[n - 1] - v[n - 2]) / 2 : 0.5);
    if (s->log && n > 1) {
        lo = k > 0 ? sqrt(v[k - 1] * v[k]) : v[k] / sqrt(v[1] / v[0]);
        hi = k + 1 < n ? sqrt(v[k] * v[k + 1]) : v[k] * sqrt(v[n - 1] / v[n - 2]);
    }
    *a = to_px(s, lo);
    *b = to_px(s, hi);
}

/* Contour at level by marching squares over the cell centres, with linear
 * interpolation along each edge; returns the segments drawn. */
static size_t draw_contour(cairo_t *cr, const chart *c, const scale *sx, const scale *sy, const double *f,
                           double level)
{
    size_t segs = 0;
    for (size_t j = 0; j + 1 < c->ny; j++)
        for (size_t i = 0; i + 1 < c->nx; i++) {
            double z[4] = { f[j * c->nx + i], f[j * c->nx + i + 1], f[(j + 1) * c->nx + i + 1], f[(j + 1) * c->nx + i] };
            double px[4] = { to_px(sx, c->gx[i]), to_px(sx, c->gx[i + 1]), to_px(sx, c->gx[i + 1]), to_px(sx, c->gx[i]) };
            double py[4] = { to_px(sy, c->gy[j]), to_px(sy, c->gy[j]), to_px(sy, c->gy[j + 1]), to_px(sy, c->gy[j + 1]) };
            bool ok = true;
            for (int k = 0; k < 4; k++)
                ok &= isfinite(z[k]);
            if (!ok)
                continue;
            double ex[4], ey[4];
            int ne = 0;
            for (int k = 0; k < 4; k++) {
                int m = (k + 1) % 4;
                if ((z[k] < level) != (z[m] < level)) {
                    double t = (level - z[k]) / (z[m] - z[k]);
                    ex[ne] = px[k] + t * (px[m] - px[k]);
                    ey[ne] = py[k] + t * (py[m] - py[k]);
                    ne++;
                }
            }
            for (int k = 0; k + 1 < ne; k += 2) {
                cairo_move_to(cr, ex[k], ey[k]);
                cairo_line_to(cr, ex[k + 1], ey[k + 1]);
                segs++;
            }
        }
    cairo_stroke(cr);
    return segs;
}

static void draw_heatmap(cairo_t *cr, chart *c, const scale *sx, const scale *sy, double bar_x)
{
    double zmin = INFINITY, zmax = -INFINITY;
    for (size_t k = 0; k < c->nx * c->ny; k++)
        if (isfinite(c->gz[k])) {
            zmin = fmin(zmin, c->gz[k]);
            zmax = fmax(zmax, c->gz[k]);
        }
    if (!isfinite(zmin)) {
        zmin = 0;
        zmax = 1;
    }
    if (zmax <= zmin)
        zmax = zmin + 1;
    cairo_save(cr);
    cairo_rectangle(cr, sx->p0, sy->p1, sx->p1 - sx->p0, sy->p0 - sy->p1);
    cairo_clip(cr);
    for (size_t j = 0; j < c->ny; j++)
        for (size_t i = 0; i < c->nx; i++) {
            double v = c->gz[j * c->nx + i], x0, x1, y0, y1, rgb[3];
            cell_edges(c->gx, c->nx, i, sx, &x0, &x1);
            cell_edges(c->gy, c->ny, j, sy, &y0, &y1);
            if (isfinite(v)) {
                colour_of((v - zmin) / (zmax - zmin), rgb);
                cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
            } else {
                cairo_set_source_rgb(cr, 0.85, 0.85, 0.85); /* no value */
            }
            cairo_rectangle(cr, fmin(x0, x1), fmin(y0, y1), fabs(x1 - x0) + 0.5, fabs(y1 - y0) + 0.5);
            cairo_fill(cr);
        }
    c->segments = 0;
    for (guint k = 0; k < c->contours->len; k++) {
        const contour *ct = &g_array_index(c->contours, contour, k);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 3.5);
        const double *f = ct->field ? ct->field : c->gz;
        draw_contour(cr, c, sx, sy, f, ct->level);
        cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
        cairo_set_line_width(cr, 1.6);
        c->segments += draw_contour(cr, c, sx, sy, f, ct->level);
    }
    cairo_restore(cr);
    /* colour bar */
    double top = sy->p1, bottom = sy->p0, w = 16;
    for (int k = 0; k < 100; k++) {
        double rgb[3];
        colour_of(k / 99.0, rgb);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        double y = bottom - (k + 1) * (bottom - top) / 100;
        cairo_rectangle(cr, bar_x, y, w, (bottom - top) / 100 + 0.5);
        cairo_fill(cr);
    }
    ticks_unit u = ticks_pick_unit(c->zunit, fmax(fabs(zmin), fabs(zmax)));
    scale sz = { zmin, zmax, bottom, top, false, u };
    double t[32], step;
    size_t n = ticks_linear(zmin / u.scale, zmax / u.scale, 6, t, 32, &step);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    for (size_t k = 0; k < n; k++) {
        double p = to_px(&sz, t[k] * u.scale);
        g_autofree char *lab = ticks_label(t[k], step);
        /* the end labels stay whole inside the bar's span */
        text_at(cr, lab, bar_x + w + 4, fmin(fmax(p, top + 6), bottom - 6), 0, 0.5, 10, false);
    }
    for (guint k = 0; k < c->contours->len; k++) {
        const contour *ct = &g_array_index(c->contours, contour, k);
        if (ct->field || ct->level < zmin || ct->level > zmax)
            continue; /* a level of another field has no place on this bar */
        double p = to_px(&sz, ct->level);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, bar_x - 3, p);
        cairo_line_to(cr, bar_x + w + 3, p);
        cairo_stroke(cr);
    }
    axis za = { .label = c->zlabel, .lo = NAN, .hi = NAN };
    g_autofree char *title = axis_title(&za, &u);
    cairo_save(cr);
    cairo_translate(cr, bar_x + w + 46, (top + bottom) / 2);
    cairo_rotate(cr, -G_PI / 2);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, title, 0, 0, 0.5, 0.5, 11, false);
    cairo_restore(cr);
}

/* ------------------------------------------------------------------ the chart */

void chart_draw(chart *c, cairo_t *cr, double w, double h)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    GArray *items = legend_items(c);
    double legend_w = 0;
    for (guint i = 0; i < items->len; i++)
        legend_w = fmax(legend_w, text_width(cr, g_array_index(items, legend_item, i).text, 11));
    legend_w += 36;
    double legend_h = items->len * 17 + 10;

    double left = 72, right = 24, top = 40, bottom = 52;
    if (c->kind == CHART_TIMELINE) {
        double rw = 0;
        for (guint i = 0; i < c->rows->len; i++)
            rw = fmax(rw, text_width(cr, g_ptr_array_index(c->rows, i), 11));
        left = fmax(left, rw + 16);
    }
    if (c->kind == CHART_HEATMAP)
        right = 96;
    /* named y ticks ("40000pages/s") need room left of the axis */
    if (c->ax[1].labels) {
        double lw = 0;
        for (guint i = 0; i < c->ax[1].labels->len; i++)
            lw = fmax(lw, text_width(cr, g_array_index(c->ax[1].labels, tick_label, i).label, 11));
        left = fmax(left, lw + 36);
    }
    scale sx = { 0, 1, left, w - right, c->ax[0].log, { 1, "" } }, sy = { 0, 1, h - bottom, top, c->ax[1].log, { 1, "" } };
    data_range(c, 0, &sx.lo, &sx.hi);
    data_range(c, 1, &sy.lo, &sy.hi);
    if (c->kind == CHART_BARS) {
        sx.lo = 0;
        sx.hi = 1;
    }
    /* the legend: the corner that covers the fewest points, else outside */
    double box[4] = { 0, 0, 0, 0 };
    int best_cov = 0;
    if (items->len && c->kind != CHART_TIMELINE) {
        double pad = 8;
        double corners[4][2] = { { sx.p1 - legend_w - pad, sy.p1 + pad }, { sx.p0 + pad, sy.p1 + pad },
                                 { sx.p1 - legend_w - pad, sy.p0 - legend_h - pad }, { sx.p0 + pad, sy.p0 - legend_h - pad } };
        best_cov = -1;
        for (int k = 0; k < 4; k++) {
            double b[4] = { corners[k][0], corners[k][1], legend_w, legend_h };
            int cov = covered(c, &sx, &sy, b);
            if (best_cov < 0 || cov < best_cov) {
                best_cov = cov;
                memcpy(box, b, sizeof box);
            }
        }
        if (best_cov > 0 && c->kind != CHART_HEATMAP) {
            /* no free corner: shrink the plot and put the legend outside */
            sx.p1 = w - right - legend_w - 12;
            box[0] = sx.p1 + 12;
            box[1] = top;
            box[2] = legend_w;
            box[3] = legend_h;
            best_cov = 0;
        }
    } else if (items->len) {
        /* a timeline's states go under the title */
        box[0] = left;
        box[1] = 32;
        box[2] = 0;
        box[3] = 16;
        top += 26;
        sy.p1 = top;
    }
    for (int a = 0; a < 2; a++) {
        scale *s = a ? &sy : &sx;
        s->unit = ticks_pick_unit(c->ax[a].unit, fmax(fabs(s->lo), fabs(s->hi)));
        if (s->log && !isfinite(c->ax[a].lo) && !isfinite(c->ax[a].hi) && c->kind != CHART_HEATMAP) {
            /* whole decades of the displayed unit */
            double k = s->unit.scale;
            s->lo = k * pow(10, floor(log10(s->lo / k) + 1e-9));
            s->hi = k * pow(10, ceil(log10(s->hi / k) - 1e-9));
        }
    }
    if (c->kind == CHART_CDF && (!c->ax[1].label || !*c->ax[1].label))
        chart_axis(c, 'y', "fraction", NULL, false);

    /* frame and axes */
    if (c->kind != CHART_TIMELINE && c->kind != CHART_BARS)
        draw_axis(cr, c, 1, &sy, &sx);
    else if (c->kind == CHART_BARS)
        draw_axis(cr, c, 1, &sy, &sx);
    if (c->kind != CHART_BARS)
        draw_axis(cr, c, 0, &sx, &sy);
    cairo_save(cr);
    cairo_rectangle(cr, sx.p0, sy.p1, sx.p1 - sx.p0, sy.p0 - sy.p1);
    cairo_clip(cr);
    switch (c->kind) {
    case CHART_XY:
    case CHART_CDF: draw_xy(cr, c, &sx, &sy); break;
    case CHART_BARS: draw_bars(cr, c, &sx, &sy); break;
    case CHART_TIMELINE: draw_timeline(cr, c, &sx, sy.p1, sy.p0); break;
    case CHART_HEATMAP: break;
    }
    cairo_restore(cr);
    if (c->kind == CHART_BARS) /* labels sit below the plot */
        draw_bars(cr, c, &sx, &sy), cairo_new_path(cr);
    if (c->kind == CHART_HEATMAP) {
        cairo_save(cr);
        cairo_rectangle(cr, 0, sy.p1, w, sy.p0 - sy.p1);
        cairo_clip(cr);
        draw_heatmap(cr, c, &sx, &sy, sx.p1 + 14);
        cairo_restore(cr);
    }
    if (c->kind == CHART_TIMELINE) {
        cairo_save(cr);
        draw_timeline(cr, c, &sx, sy.p1, sy.p0);
        cairo_restore(cr);
    }
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, sx.p0, sy.p1, sx.p1 - sx.p0, sy.p0 - sy.p1);
    cairo_stroke(cr);
    if (c->title) {
        cairo_set_source_rgb(cr, 0, 0, 0);
        text_at(cr, c->title, w / 2, 10, 0.5, 0, 14, true);
    }
    /* legend */
    if (items->len && c->kind != CHART_TIMELINE) {
        cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
        cairo_rectangle(cr, box[0], box[1], box[2], box[3]);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
        cairo_set_line_width(cr, 0.8);
        cairo_stroke(cr);
        for (guint i = 0; i < items->len; i++) {
            const legend_item *it = &g_array_index(items, legend_item, i);
            double y = box[1] + 13 + i * 17;
            set_rgb(cr, it->rgb, it->style == 1 ? 0.5 : 1);
            if (it->style == 1) {
                cairo_rectangle(cr, box[0] + 6, y - 5, 20, 10);
                cairo_fill(cr);
            } else {
                cairo_set_line_width(cr, 2);
                if (it->style == 2) {
                    double dash[] = { 6, 4 };
                    cairo_set_dash(cr, dash, 2, 0);
                }
                cairo_move_to(cr, box[0] + 6, y);
                cairo_line_to(cr, box[0] + 26, y);
                cairo_stroke(cr);
                cairo_set_dash(cr, NULL, 0, 0);
            }
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            text_at(cr, it->text, box[0] + 30, y, 0, 0.5, 11, false);
        }
    } else if (items->len) {
        double x = box[0];
        for (guint i = 0; i < items->len; i++) {
            const legend_item *it = &g_array_index(items, legend_item, i);
            set_rgb(cr, it->rgb, 0.9);
            cairo_rectangle(cr, x, box[1] + 3, 14, 10);
            cairo_fill(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            text_at(cr, it->text, x + 18, box[1] + 8, 0, 0.5, 11, false);
            x += 30 + text_width(cr, it->text, 11);
        }
    }
    memcpy(c->legend, box, sizeof box);
    c->legend_covered = best_cov > 0 ? best_cov : 0;
    g_array_free(items, TRUE);
    cairo_restore(cr);
}

/* cairo draws text as glyph outlines; an SVG also gets the chart's words
 * as <title> and <desc>, for search, screen readers and tests. */
static char *svg_described(const chart *c, const char *svg)
{
    const char *open = strstr(svg, "<svg");
    const char *end = open ? strchr(open, '>') : NULL;
    if (!end)
        return g_strdup(svg);
    GString *d = g_string_new(NULL);
    for (int a = 0; a < 2; a++)
        if (c->ax[a].label)
            g_string_append_printf(d, "%s axis: %s%s%s%s. ", a ? "y" : "x", c->ax[a].label, c->ax[a].unit ? " (" : "",
                                   c->ax[a].unit ? c->ax[a].unit : "", c->ax[a].unit ? ")" : "");
    GArray *items = legend_items(c);
    if (items->len)
        g_string_append(d, "Legend:");
    for (guint i = 0; i < items->len; i++)
        g_string_append_printf(d, "%s %s", i ? "," : "", g_array_index(items, legend_item, i).text);
    g_array_free(items, TRUE);
    for (guint i = 0; i < c->bars->len; i++)
        g_string_append_printf(d, "%s%s", i ? ", " : " Bars: ", g_array_index(c->bars, bar, i).label);
    for (guint i = 0; i < c->rows->len; i++)
        g_string_append_printf(d, "%s%s", i ? ", " : " Rows: ", (char *)g_ptr_array_index(c->rows, i));
    g_autofree char *t = g_markup_escape_text(c->title ? c->title : "", -1);
    g_autofree char *de = g_markup_escape_text(d->str, -1);
    g_string_free(d, TRUE);
    GString *out = g_string_new_len(svg, end + 1 - svg);
    g_string_append_printf(out, "\n<title>%s</title>\n<desc>%s</desc>", t, de);
    g_string_append(out, end + 1);
    return g_string_free(out, FALSE);
}

static bool svg_describe(const chart *c, const char *path, GError **err)
{
    g_autofree char *svg = NULL;
    gsize len;
    if (!g_file_get_contents(path, &svg, &len, err))
        return false;
    g_autofree char *out = svg_described(c, svg);
    return g_file_set_contents(path, out, -1, err);
}

static cairo_status_t to_gstring(void *closure, const unsigned char *data, unsigned int length)
{
    g_string_append_len(closure, (const char *)data, length);
    return CAIRO_STATUS_SUCCESS;
}

char *chart_svg(chart *c, double w, double h, const char *id_prefix)
{
    GString *buf = g_string_new(NULL);
    cairo_surface_t *surf = cairo_svg_surface_create_for_stream(to_gstring, buf, w, h);
    cairo_t *cr = cairo_create(surf);
    chart_draw(c, cr, w, h);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    cairo_status_t st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_string_free(buf, TRUE);
        return NULL;
    }
    /* an XML declaration cannot stand inside an HTML page */
    const char *svg = strstr(buf->str, "<svg");
    g_autofree char *described = svg_described(c, svg ? svg : buf->str);
    g_string_free(buf, TRUE);
    /* cairo numbers its ids from 1 in every drawing: prefix them so that
     * several drawings in one page do not take each other's glyphs */
    GString *out = g_string_new(NULL);
    static const char *const refs[] = { "id=\"", "href=\"#", "url(#" };
    for (const char *p = described; *p;) {
        size_t k = 0;
        while (k < G_N_ELEMENTS(refs) && strncmp(p, refs[k], strlen(refs[k])))
            k++;
        if (k < G_N_ELEMENTS(refs)) {
            g_string_append(out, refs[k]);
            g_string_append(out, id_prefix);
            p += strlen(refs[k]);
        } else
            g_string_append_c(out, *p++);
    }
    return g_string_free(out, FALSE);
}

char *chart_temp_path(const char *path)
{
    return g_strdup_printf("%s.tmp%d", path, (int)getpid());
}

bool chart_save(chart *c, const char *path, const char *format, double w, double h, GError **err)
{
    g_autofree char *tmp = chart_temp_path(path);
    cairo_surface_t *surf;
    bool png = !strcmp(format, "png");
    if (png)
        surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w, (int)h);
    else if (!strcmp(format, "svg"))
        surf = cairo_svg_surface_create(tmp, w, h);
    else if (!strcmp(format, "pdf"))
        surf = cairo_pdf_surface_create(tmp, w, h);
    else {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "unknown plot format \"%s\" (png, svg or pdf)", format);
        return false;
    }
    cairo_t *cr = cairo_create(surf);
    chart_draw(c, cr, w, h);
    cairo_destroy(cr);
    cairo_status_t st = png ? cairo_surface_write_to_png(surf, tmp) : CAIRO_STATUS_SUCCESS;
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: %s", path, cairo_status_to_string(st));
        g_unlink(tmp);
        return false;
    }
    if (!strcmp(format, "svg") && !svg_describe(c, tmp, err)) {
        g_unlink(tmp);
        return false;
    }
    if (g_rename(tmp, path) != 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot rename into place: %s", path,
                    g_strerror(errno));
        g_unlink(tmp);
        return false;
    }
    return true;
}

void chart_legend_box(const chart *c, double box[4], int *covered_points)
{
    memcpy(box, c->legend, sizeof c->legend);
    *covered_points = c->legend_covered;
}

size_t chart_contour_segments(const chart *c)
{
    return c->segments;
}
