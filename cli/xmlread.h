/* xmlread — an XML file the importer reads, parsed by libxml2 with no
 * network, no entity substitution and no DTD loading; a document that is
 * not well formed is refused with libxml2's first error (file, line,
 * column), not its last, which is often a consequence at the end. */
#ifndef GOLIVE_CLI_XMLREAD_H
#define GOLIVE_CLI_XMLREAD_H

#include <libxml/tree.h>
#include <stddef.h>

/* The document, or NULL and *err ("FILE:LINE:COL: not well-formed XML: why"). */
xmlDoc *xmlread_doc(const char *file, const char *text, size_t len, char **err);

#endif
