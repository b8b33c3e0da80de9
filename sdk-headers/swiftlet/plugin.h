/* Swiftlet SDK: the plugin descriptor and the plugin instance.
 *
 * Lifecycle of a plugin library (see docs/abi.md):
 *   dlopen -> swiftlet_plugin_entry() -> descriptor (validated by the host)
 *   descriptor->create(host, config) -> instance
 *   instance->start() ... events, calls through extension tables ... instance->stop()
 *   instance->destroy()
 * A library may create many instances (e.g. one connector per account).
 * `start` is called at most once; after `stop`, never again. A failed `create` leaves
 * *out_plugin untouched and must not leak anything.
 *
 * Threading: the host never calls into one instance concurrently: every call
 * (start, stop, destroy, extension calls, callbacks) is serialized per instance.
 * Different instances may be called concurrently from different threads.
 * Re-entrancy: the host does not call into an instance while that instance is
 * inside a host service call. */
#ifndef SWIFTLET_PLUGIN_H
#define SWIFTLET_PLUGIN_H

#include "types.h"
#include "status.h"
#include "host.h"

SWL_EXTERN_C_BEGIN

/* What a plugin provides; a bit set, so one library may be several kinds. Each
 * kind obliges the plugin to answer an extension id (docs/abi.md):
 *   CONNECTOR   -> "swiftlet.trading/1" (and "swiftlet.perpetual/1" for perpetuals)
 *   CANDLE_FEED -> "swiftlet.candles/1"
 *   STRATEGY    -> "swiftlet.strategy/1"
 * A host refuses a descriptor that sets bits it does not know. */
typedef uint64_t swl_plugin_kind_t;
#define SWL_KIND_CONNECTOR   ((swl_plugin_kind_t)1u << 0)
#define SWL_KIND_CANDLE_FEED ((swl_plugin_kind_t)1u << 1)
#define SWL_KIND_STRATEGY    ((swl_plugin_kind_t)1u << 2)
#define SWL_KIND_ALL_1_0     (SWL_KIND_CONNECTOR | SWL_KIND_CANDLE_FEED | SWL_KIND_STRATEGY)

/* Limits the host enforces on descriptor strings (bytes of UTF-8). */
#define SWL_ID_MAX_LENGTH 64       /* id: [a-z0-9_.-], starts with a letter */
#define SWL_VERSION_MAX_LENGTH 32  /* semantic version: MAJOR.MINOR.PATCH[-pre][+build] */
#define SWL_NAME_MAX_LENGTH 128    /* name, vendor */
#define SWL_DESCRIPTION_MAX_LENGTH 1024

/* A created plugin instance. The plugin allocates it in `create` and owns it; it
 * stays valid until `destroy` returns. The host reads it, never writes it. */
typedef struct swl_plugin {
    uint32_t struct_size;
    uint32_t reserved;
    void *plugin_data;  /* the plugin's own state; the host never touches it */

    /* Begin work: open connections, start timers. Called once after create. */
    swl_status_t (*start)(const struct swl_plugin *plugin, swl_error_t *error);
    /* Stop work: cancel timers, close connections, stop emitting. After it returns
     * the host calls nothing but extension queries and destroy. Idempotent. */
    swl_status_t (*stop)(const struct swl_plugin *plugin, swl_error_t *error);
    /* Free the instance. The pointer is dead afterwards. Called exactly once. */
    void (*destroy)(const struct swl_plugin *plugin);
} swl_plugin_t;

/* What swiftlet_plugin_entry returns: static data describing the library. It must
 * stay valid and unchanged for as long as the library is loaded. */
typedef struct swl_plugin_descriptor {
    uint32_t struct_size;   /* sizeof(swl_plugin_descriptor_t) */
    uint16_t abi_major;     /* SWL_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor;     /* SWL_ABI_MINOR the plugin was built against */
    swl_str_t id;           /* stable id, e.g. "bitget"; limits above */
    swl_str_t version;      /* this build's semantic version, e.g. "1.2.0" */
    swl_str_t name;         /* human name, e.g. "Bitget spot connector" */
    swl_str_t vendor;       /* who ships it; may be empty */
    swl_str_t description;  /* one paragraph; may be empty */
    swl_plugin_kind_t kinds;

    /* Look up an extension table by versioned id, e.g. "swiftlet.trading/1". Returns
     * a pointer to a static table (valid while the library is loaded) or NULL when
     * the plugin does not implement it. The functions of a table take the instance
     * as their first argument. May be called from any thread, before any instance
     * exists. */
    const void *(*get_extension)(swl_str_t extension_id);

    /* Create an instance. `host` is borrowed for the instance's whole life.
     * `config` is a UTF-8 JSON object (borrowed for the call); unknown keys must be
     * ignored, bad values refused with SWL_ERR_INVALID_ARGUMENT and a message naming
     * the key. On success writes the instance to *out_plugin. */
    swl_status_t (*create)(const swl_host_t *host, swl_str_t config,
                           const swl_plugin_t **out_plugin, swl_error_t *error);
} swl_plugin_descriptor_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_PLUGIN_H */
