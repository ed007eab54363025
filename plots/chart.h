/* chart — charts from plain data series, drawn by cairo into any cairo_t
 * (the same code for PNG, SVG and PDF): line and step series, CDFs, bars
 * with confidence intervals, a timeline (Gantt) of states per row with
 * markers, and a heatmap with a colour bar and contour lines.
 *
 * Axes get "nice" ticks in a display unit picked from the data (ms, GiB,
 * Gbit/s ...), or decades on log axes; colours come from the Okabe-Ito
 * palette and viridis, both readable with colour-blind vision; the legend
 * goes in the corner where it covers the fewest data points, or outside the
 * plot when every corner would cover some. Text uses DejaVu Sans (Debian
 * package fonts-dejavu-core). */
#ifndef GOLIVE_PLOTS_CHART_H
#define GOLIVE_PLOTS_CHART_H

#include <cairo.h>
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum { CHART_XY, CHART_CDF, CHART_BARS, CHART_TIMELINE, CHART_HEATMAP } chart_kind;

typedef struct chart chart;

chart *chart_new(chart_kind kind, const char *title);
void chart_free(chart *c);

/* Axis 'x' or 'y': its label, its base unit ("s", "B", "B/s", "%", or any
 * text, NULL for none) and whether it is logarithmic. */
void chart_axis(chart *c, char axis, const char *label, const char *unit, bool log);
/* A tick at v named as the user wrote it ("unlimited", "100MiB/s"); with
 * only, the axis shows no numeric ticks (a heatmap's cells). Numeric ticks
 * too close to a named one are left out. */
void chart_tick_label(chart *c, char axis, double v, const char *label, bool only);
/* Fixes an axis range (NAN: from the data). */
void chart_range(chart *c, char axis, double lo, double hi);

/* XY: a line (step = false) or a step series (the value holds until the
 * next point). CDF: x holds the samples, y is NULL. Copies the data. A
 * series identical to an earlier one is named "NAME (same as OTHER)": it
 * is drawn under it. */
void chart_series(chart *c, const char *name, const double *x, const double *y, size_t n, bool step);
/* A horizontal reference line (a threshold) with its label. */
void chart_hline(chart *c, double y, const char *label);
/* A shaded band between x0 and x1 (e.g. a VM paused), with a legend label. */
void chart_shade(chart *c, double x0, double x1, const char *label);
/* A vertical marker line at x (e.g. an iteration boundary). */
void chart_vmark(chart *c, double x);

/* BARS: one bar per call, with its 95% interval (NAN: none). */
void chart_bar(chart *c, const char *label, double value, double lo, double hi);

/* TIMELINE: a row (returns its index), spans of a state on it (a colour
 * per state, in order of first use), and markers (an incident). */
int chart_row(chart *c, const char *name);
void chart_span(chart *c, int row, double x0, double x1, const char *state);
void chart_marker(chart *c, int row, double x, const char *label);

/* HEATMAP: z[j * nx + i] at (x[i], y[j]) (NAN: no value), its label and
 * unit, and contour lines at given levels. */
void chart_grid(chart *c, const double *x, size_t nx, const double *y, size_t ny, const double *z, const char *zlabel,
                const char *zunit);
void chart_contour(chart *c, double level, const char *label);
/* A contour of another field over the same grid (call after chart_grid). */
void chart_contour_of(chart *c, const double *field, double level, const char *label);

/* Draws the chart into cr over a w x h area. */
void chart_draw(chart *c, cairo_t *cr, double w, double h);
/* Writes it to path as png, svg or pdf (w x h pixels or points), through a
 * temporary file renamed when complete. */
bool chart_save(chart *c, const char *path, const char *format, double w, double h, GError **err);
/* The chart as an SVG element to put inside an HTML page (no XML
 * declaration; its ids prefixed with id_prefix so that several charts can
 * share a page); NULL if cairo fails. g_free it. */
char *chart_svg(chart *c, double w, double h, const char *id_prefix);
/* The temporary file chart_save writes before renaming it to path (so that
 * a caller can remove it if the process is ended meanwhile). g_free it. */
char *chart_temp_path(const char *path);

/* For tests: the legend box of the last drawing (x, y, w, h), and how many
 * data points it covers. */
void chart_legend_box(const chart *c, double box[4], int *covered);
/* For tests: the number of contour segments of the last drawing. */
size_t chart_contour_segments(const chart *c);

#endif
