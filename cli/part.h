/* part — what the part files of runs spread over machines (`--shard I/N`,
 * `golive merge`) are made of: the shard argument, exact numbers (C99 hex
 * floats, so that merging rebuilds the very doubles one process would have
 * had), and the checks a part must pass before anything in it is used. */
#ifndef GOLIVE_CLI_PART_H
#define GOLIVE_CLI_PART_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most a part file may hold (assumption: far more than any batch this
 * machine class writes; a FIFO or device is read up to it, never further). */
#define PART_MAX_BYTES ((size_t)1 << 30)
/* The largest quantity (bytes, pages) a part may hold: 2^62, far beyond any
 * migration. */
#define PART_MAX_QUANTITY 0x1p62

/* Reads and parses a part file (strict JSON, at most PART_MAX_BYTES); NULL
 * if it cannot be read or is not JSON. */
json_object *part_read(const char *path);

/* Parses "I/N" (0 <= I < N <= 10^6). */
bool part_parse_shard(const char *text, int *index, int *count);

/* A double as a hex-float string, and back (NAN if o is not one). */
json_object *part_hex(double x);
double part_unhex(json_object *o);

/* o's member k, NULL if o is not an object or has none. */
json_object *part_member(json_object *o, const char *k);
/* Checks: an integer in [lo, hi]; a hex-float string (NaN allowed: a
 * figure of nothing); an array of len elements (0: any length). */
bool part_is_int(json_object *o, int64_t lo, int64_t hi);
bool part_is_hex(json_object *o);
/* A hex-float quantity in [0, max] (finite). */
bool part_is_quantity(json_object *o, double max);
/* A time in [0, horizon] ns, or -1 ("never") when unset_ok. */
bool part_is_time(json_object *o, int64_t horizon, bool unset_ok);
bool part_is_array(json_object *o, size_t len);
/* The shards of 0..shards-1 that none of the parts is ("1,3", at most 50
 * named), and how many. g_free it. */
char *part_missing_shards(json_object *const *parts, size_t n, int shards, int *nmissing);

#endif
