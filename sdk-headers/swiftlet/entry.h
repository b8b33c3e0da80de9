/* Swiftlet SDK: the one symbol a plugin library exports.
 *
 * A plugin library exports exactly one symbol, SWL_ENTRY_SYMBOL, and hides every
 * other one (compile with -fvisibility=hidden, or link with a version script:
 * `{ global: swiftlet_plugin_entry; local: *; };`). Hiding the rest is what lets two
 * versions of one plugin — the same code, the same symbol names — live in one
 * process side by side.
 *
 * The host calls the entry function once after dlopen, from any thread, and may
 * call it again; it must return the same pointer each time. It must not do I/O, start
 * threads or allocate per-call: return a pointer to static data. Returning NULL means
 * "this library cannot run here" and the host refuses it. */
#ifndef SWIFTLET_ENTRY_H
#define SWIFTLET_ENTRY_H

#include "plugin.h"

SWL_EXTERN_C_BEGIN

#define SWL_ENTRY_SYMBOL "swiftlet_plugin_entry"

typedef const swl_plugin_descriptor_t *(*swl_plugin_entry_t)(void);

/* Declared here so a C plugin gets the exact signature; define it in one file:
 *   SWL_EXPORT const swl_plugin_descriptor_t *swiftlet_plugin_entry(void) { ... } */
SWL_EXPORT const swl_plugin_descriptor_t *swiftlet_plugin_entry(void);

SWL_EXTERN_C_END

#endif /* SWIFTLET_ENTRY_H */
