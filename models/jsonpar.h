/* A large JSON document parsed by two threads: json-c's tokener on pieces
 * of the text, split where the document's structure allows it. */
#ifndef GOLIVE_MODELS_JSONPAR_H
#define GOLIVE_MODELS_JSONPAR_H

#include <json-c/json.h>
#include <stddef.h>

/* The document in text[0, len) as json-c parses it whole, with a tokener
 * of max_depth and flags (which must allow trailing characters), when it is
 * an object with an array as a member past its middle (a scenario's VMs):
 * two threads parse the two halves. NULL when the text is anything else, or either half does
 * not parse: the caller then parses it whole, which gives the error and its
 * position. When the text gives a key twice in one object, the tree may
 * differ from json-c's (which keeps the first place and the last value):
 * the caller refuses such a text. tests/test_jsonpar.c compares the two. */
json_object *jsonpar_parse_object(const char *text, size_t len, int max_depth, int flags);

#endif
