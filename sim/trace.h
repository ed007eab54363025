/* trace — structured records of what happened: (time, kind, subject,
 * key/values), kept in memory and optionally streamed as JSON Lines.
 *
 * Models write one record per event a user could care about (round started,
 * VM paused, link cut, quorum lost ...); reports, `golive explain` and plots
 * read them back. Strings are interned, so a record costs a few words. */
#ifndef GOLIVE_SIM_TRACE_H
#define GOLIVE_SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/simtime.h"

typedef struct trace trace;

typedef enum { TRACE_INT, TRACE_DBL, TRACE_STR, TRACE_BOOL } trace_type;

typedef struct {
    const char *key;
    trace_type type;
    union {
        int64_t i;
        double d;
        const char *s;
        bool b;
    } v;
} trace_kv;

/* A read-only view of one record; its pointers stay valid until the trace is
 * freed, except kv, which is valid until the next record is added. */
typedef struct {
    sim_time t;
    const char *kind;
    const char *subject;
    size_t nkv;
    const trace_kv *kv;
} trace_rec;

/* Allocates an empty trace that keeps records in memory. */
trace *trace_new(void);
void trace_free(trace *tr);

/* Whether records are kept in memory (default true). */
void trace_set_keep(trace *tr, bool keep);
/* Also write each record as one JSON line to fp (NULL: stop). The caller owns
 * fp and decides where it goes (the CLI writes to a temporary file and renames
 * it when the run succeeds). */
void trace_set_stream(trace *tr, FILE *fp);
/* False when records go nowhere: callers may skip building them. */
bool trace_enabled(const trace *tr);

/* Builds one record: begin, any number of fields, end. Keys "t", "t_ns",
 * "kind" and "subject" are reserved. */
void trace_begin(trace *tr, sim_time t, const char *kind, const char *subject);
void trace_int(trace *tr, const char *key, int64_t v);
void trace_dbl(trace *tr, const char *key, double v);
void trace_str(trace *tr, const char *key, const char *v);
void trace_bool(trace *tr, const char *key, bool v);
void trace_end(trace *tr);

size_t trace_len(const trace *tr);
/* Fills *out with record i; false if i is out of range. */
bool trace_get(const trace *tr, size_t i, trace_rec *out);
/* Value of key in rec, or NULL. */
const trace_kv *trace_rec_find(const trace_rec *rec, const char *key);

/* The record as one line of JSON without the newline (g_free it). */
char *trace_rec_to_json(const trace_rec *rec);
/* x without float noise: to 15 significant digits, or to the nanosecond
 * when that reads back as x exactly (a long run's times), with ".0" on an
 * integral value; buf of G_ASCII_DTOSTR_BUF_SIZE. */
void trace_shortest(double x, char *buf, size_t n);
/* Every kept record as JSON Lines (g_free it). */
char *trace_to_jsonl(const trace *tr);

#endif
