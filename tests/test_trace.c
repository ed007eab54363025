/* Trace records: fields, JSON Lines, streaming. */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>

#include "sim/trace.h"

static void add_two(trace *tr)
{
    trace_begin(tr, 1500 * SIM_MS, "round-start", "web");
    trace_int(tr, "round", 3);
    trace_dbl(tr, "rate", 0.25);
    trace_str(tr, "to", "node2");
    trace_bool(tr, "last", true);
    trace_end(tr);
    trace_begin(tr, 2 * SIM_S + 5, "vm-paused", NULL);
    trace_end(tr);
}

Test(trace, records_keep_their_fields)
{
    trace *tr = trace_new();
    add_two(tr);
    cr_assert_eq(trace_len(tr), 2);
    trace_rec r;
    cr_assert(trace_get(tr, 0, &r));
    cr_assert_eq(r.t, 1500 * SIM_MS);
    cr_assert_str_eq(r.kind, "round-start");
    cr_assert_str_eq(r.subject, "web");
    cr_assert_eq(r.nkv, 4);
    cr_assert_eq(trace_rec_find(&r, "round")->v.i, 3);
    cr_assert_str_eq(trace_rec_find(&r, "to")->v.s, "node2");
    cr_assert_null(trace_rec_find(&r, "nope"));
    cr_assert(trace_get(tr, 1, &r));
    cr_assert_eq(r.nkv, 0);
    cr_assert_str_eq(r.subject, "");
    cr_assert_not(trace_get(tr, 2, &r));
    trace_free(tr);
}

Test(trace, json_lines_format)
{
    trace *tr = trace_new();
    add_two(tr);
    char *s = trace_to_jsonl(tr);
    cr_assert_str_eq(s, "{\"t\":1.500000000,\"kind\":\"round-start\",\"subject\":\"web\",\"round\":3,"
                        "\"rate\":0.25,\"to\":\"node2\",\"last\":true}\n"
                        "{\"t\":2.000000005,\"kind\":\"vm-paused\",\"subject\":\"\"}\n");
    g_free(s);
    trace_free(tr);
}

Test(trace, streams_without_keeping)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    trace *tr = trace_new();
    trace_set_keep(tr, false);
    cr_assert_not(trace_enabled(tr));
    trace_set_stream(tr, fp);
    cr_assert(trace_enabled(tr));
    add_two(tr);
    fclose(fp);
    cr_assert_eq(trace_len(tr), 0);
    cr_assert(g_str_has_prefix(buf, "{\"t\":1.500000000,\"kind\":\"round-start\""));
    int lines = 0;
    for (char *p = buf; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 2);
    free(buf);
    trace_free(tr);
}
