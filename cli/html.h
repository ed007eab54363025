/* html — one self-contained page per answer (`--html FILE`): the inline CSS
 * (a print stylesheet, a layout that fits a phone), the charts as inline
 * SVG with their titles and descriptions, tables with headers, no script
 * and no external resource. The same inputs give the same bytes. */
#ifndef GOLIVE_CLI_HTML_H
#define GOLIVE_CLI_HTML_H

#include <glib.h>
#include <json-c/json.h>

typedef struct html html;

/* The command as typed (argv of the subcommand, before option parsing),
 * for the page's footer: golive and each argument, quoted where the shell
 * would need it. g_free it. */
char *html_command_line(int argc, char **argv);

html *html_new(const char *title);
/* A heading (level 2) opening a section; its id is made from the text. */
void html_section(html *h, const char *heading);
void html_p(html *h, const char *text);
/* Preformatted text: a report's table or a narrative, as the terminal shows it. */
void html_pre(html *h, const char *text);
/* Running text that keeps its line breaks and wraps (a description). */
void html_text(html *h, const char *text);
/* A JSON value as a cell shows it: numbers to 6 significant digits. g_free it. */
char *html_value(json_object *v);
/* A table: head is NULL-terminated, each row a NULL-terminated array. */
void html_table(html *h, const char *caption, const char *const *head, const GPtrArray *rows);
/* A section with the report's array as a table (at most 1000 rows, said
 * in the caption): head and keys NULL-terminated; nothing if it is empty. */
void html_json_table(html *h, const char *heading, json_object *report, const char *array, const char *const *head,
                     const char *const *keys);
/* A list of items (char *). */
void html_list(html *h, const GPtrArray *items);
/* An SVG element (chart_svg) inside a figure with its caption. */
void html_figure(html *h, const char *svg, const char *caption);
/* The page, with the command and version that made it at the end; frees h. */
char *html_finish(html *h, const char *command, const char *version);

/* The sections every report page shares, from the JSON report: the
 * scenario's description, warnings, and the assumptions block. */
void html_report_common(html *h, json_object *report, const char *description);

#endif
