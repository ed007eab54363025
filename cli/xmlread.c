/* xmlread — XML documents for the importer (see the header). */
#include "cli/xmlread.h"

#include <glib.h>
#include <libxml/parser.h>
#include <limits.h>

/* The parser's structured error callback: keeps the first error. */
static void first_error(void *data, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctx = data;
    xmlError *first = ctx->_private;
    if (first && !first->code && e && e->level >= XML_ERR_ERROR)
        xmlCopyError(e, first);
}

xmlDoc *xmlread_doc(const char *file, const char *text, size_t len, char **err)
{
    if (len > INT_MAX) {
        *err = g_strdup_printf("%s: too large for an XML file", file);
        return NULL;
    }
    xmlParserCtxtPtr ctx = xmlNewParserCtxt();
    if (!ctx) {
        *err = g_strdup_printf("%s: cannot start the XML parser", file);
        return NULL;
    }
    xmlError first = { 0 };
    ctx->_private = &first;
    ctx->sax->serror = first_error;
    xmlDocPtr doc = xmlCtxtReadMemory(ctx, text, (int)len, file, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = first.code ? &first : &ctx->lastError;
        g_autofree char *msg = g_strstrip(g_strdup(e->message ? e->message : "not XML"));
        *err = g_strdup_printf("%s:%d:%d: not well-formed XML: %s", file, e->line, e->int2, msg);
    }
    xmlResetError(&first);
    xmlFreeParserCtxt(ctx);
    return doc;
}
