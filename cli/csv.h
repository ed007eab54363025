/* csv — one field of a CSV report (RFC 4180), safe to open in a
 * spreadsheet. */
#ifndef GOLIVE_CLI_CSV_H
#define GOLIVE_CLI_CSV_H

/* s as a CSV field: quoted (quotes doubled) when it holds a comma, a quote
 * or a line break; a text starting with = + - @ or a tab, which a
 * spreadsheet would run as a formula, gets a leading ' (numbers are left
 * alone). g_free the result. */
char *csv_field(const char *s);

#endif
