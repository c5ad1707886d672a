#ifndef MAILCONF_CLIBXML2_SHIM_H
#define MAILCONF_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its <unicode/ucnv.h> clashes with Foundation's
   private ICU module when both are imported into one Swift module. Only the tail of
   xmlCharEncodingHandler changes; Swift never touches that struct. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlsave.h>

/* xmlFree is a global function-pointer variable, which Swift 6 refuses as shared
   mutable state; call it through this function instead. */
static inline void mailconf_xml_free(void *p) { xmlFree(p); }

/* Refuse every external entity and DTD: untrusted XML never reaches the file system
   or the network. */
static xmlParserInputPtr mailconf_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}
static inline void mailconf_install_deny_loader(void) {
    xmlSetExternalEntityLoader(mailconf_deny_loader);
}
#endif
