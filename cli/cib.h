/* cib — what golive reads from a Pacemaker CIB (`cibadmin --query`).
 *
 * libxml2 parses the XML (no network, no entity expansion); the reading
 * follows Pacemaker 2.1.5's meaning of each element: cluster options from
 * crm_config's nvpairs, nodes, primitives (in groups and clones too) with
 * their instance and meta attributes and operations, constraints (kept for
 * the report), and from the status section where each resource is active:
 * its operation history on each node in call-id order, as Pacemaker
 * unpacks it (crm_mon is the test's oracle). A resource on a node that is
 * offline but not yet fenced stays active there, as in Pacemaker. */
#ifndef GOLIVE_CLI_CIB_H
#define GOLIVE_CLI_CIB_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    char *id, *cls, *provider, *type; /* ocf:heartbeat:VirtualDomain */
    char *parent;                      /* the group or clone it is in, or NULL */
    GHashTable *attrs;                 /* instance_attributes: name -> value */
    GHashTable *meta;                  /* meta_attributes */
    GHashTable *op_timeouts;           /* operation name -> timeout text */
    GHashTable *op_intervals;          /* operation name -> interval text (recurring ones) */
    char *running_on;                  /* node name, NULL if stopped; the first if several */
    int nrunning;                      /* nodes it is active on */
    int line;
} cib_rsc;

typedef struct {
    char *name;   /* uname */
    char *id;
    bool online;  /* from the status section */
    bool standby; /* the node attribute standby=on */
    int line;
} cib_node;

typedef struct {
    GPtrArray *nodes;       /* cib_node* */
    GPtrArray *rscs;        /* cib_rsc* */
    GHashTable *options;    /* crm_config nvpair name -> value */
    GHashTable *op_defaults; /* op_defaults meta attribute name -> value */
    GHashTable *option_line;
    GHashTable *rsc_defaults; /* meta nvpairs of rsc_defaults */
    GPtrArray *constraints; /* "rsc_location loc-x (line N): ..." strings */
    GPtrArray *ignored;     /* elements not read: "line N: <name>" */
    char *dc;               /* the DC's node name, NULL if none */
    bool have_quorum;
} cib;

/* NULL and *err ("FILE:LINE:COL: why", or the element) when the text is
 * not a CIB. */
cib *cib_parse(const char *file, const char *text, size_t len, char **err);
void cib_free(cib *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(cib, cib_free)

/* Pacemaker's boolean (crm_is_true): true, on, yes, y, 1. */
bool cib_is_true(const char *s);
/* Pacemaker's time (crm_get_msec): a number and an optional unit (ms,
 * us, s, m/min, h; seconds without one), in ms; -1 if it is not one.
 * *fraction set when a fractional part was dropped, as Pacemaker drops it. */
int64_t cib_msec(const char *s, bool *fraction);

#endif
