/* csv — quoting (RFC 4180) and formula neutralisation (OWASP, "CSV
 * injection"). */
#include "cli/csv.h"

#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>


static bool is_number(const char *s)
{
    char *end;
    g_ascii_strtod(s, &end);
    return end != s && *end == 0;
}

char *csv_field(const char *s)
{
    GString *out = g_string_new(NULL);
    if (strchr("=+-@\t\r", s[0]) && s[0] && !is_number(s))
        g_string_append_c(out, '\'');
    g_string_append(out, s);
    if (strpbrk(out->str, ",\"\r\n")) {
        GString *q = g_string_new("\"");
        for (const char *p = out->str; *p; p++) {
            if (*p == '"')
                g_string_append_c(q, '"');
            g_string_append_c(q, *p);
        }
        g_string_append_c(q, '"');
        g_string_free(out, TRUE);
        out = q;
    }
    return g_string_free(out, FALSE);
}
