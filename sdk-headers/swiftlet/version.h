/* Swiftlet SDK: ABI version.
 *
 * Versioning policy (see docs/abi.md):
 * - SWL_ABI_MAJOR changes only when an existing struct or function changes in an
 *   incompatible way. A host refuses a plugin whose major differs from its own.
 * - SWL_ABI_MINOR grows when something is added: a member appended at the end of a
 *   size-prefixed struct, a new event kind, a new extension id. A host accepts a
 *   plugin of any minor with its own major: members the other side does not know
 *   are detected through the struct_size prefix (SWL_HAS_MEMBER).
 * - An extension table, once published under an id (e.g. "swiftlet.trading/1"), is
 *   frozen. A changed table gets a new id revision ("swiftlet.trading/2"); plugins
 *   keep answering the old id for as long as they want old hosts to load them. */
#ifndef SWIFTLET_VERSION_H
#define SWIFTLET_VERSION_H

#define SWL_ABI_MAJOR 1
#define SWL_ABI_MINOR 3

#endif /* SWIFTLET_VERSION_H */
