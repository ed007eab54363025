/* run_plots — `golive run --plots DIR`: migration progress, the VMs'
 * timeline and, over several runs, the CDFs of downtime (DESIGN 5). */
#ifndef GOLIVE_CLI_RUN_PLOTS_H
#define GOLIVE_CLI_RUN_PLOTS_H

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>

#include "cli/batch.h"

/* Draws the plots of b into dir (created if missing) as png, svg or pdf;
 * appends each file written to `written`. */
bool run_plots(const batch *b, const char *dir, const char *format, GPtrArray *written, GError **err);

/* The same charts as SVG elements for an HTML page: name, svg, name,
 * svg ... (g_ptr_array_free frees them). */
GPtrArray *run_plots_svg(const batch *b);

/* The page of `--html` for a run or a merged batch: the scenario, its
 * assumptions and warnings, the summary (txt, as the terminal shows it),
 * migrations and incidents from the report, every chart, and run 0 told as
 * golive explain tells it; command and version in the footer. g_free it. */
char *run_plots_page(const batch *b, scenario *sc, json_object *report, const char *txt, const char *command);

typedef struct chart chart;
/* chart_save with its temporary file tracked, so that a signal once the
 * simulations are over removes it (cli/interrupt). */
bool run_plots_save(chart *c, const char *path, const char *format, double w, double h, GError **err);

#endif
