/* Swiftlet SDK extension "swiftlet.hotswap/1" (plugin side) and
 * "swiftlet.host.hotswap/1" (host side): replacing a running instance by another
 * version of the same plugin without losing or duplicating anything.
 *
 * Sequence run by the host (docs/operations.md):
 *   1. old->quiesce(): stop sending new requests; in-flight ones finish; streams stay
 *      open but their callbacks are held by the host. A plugin with accepted requests
 *      still outstanding (in flight, or waiting for a rate-limit slot or a retry) returns
 *      SWL_ERR_RATE_LIMITED and stays running; the host calls quiesce again shortly
 *      (for up to 3 s).
 *   2. old->export_state(): the plugin writes an opaque, versioned blob (open orders by
 *      client id, subscriptions, sequence numbers, host connection ids it owns).
 *   3. new = create(...); new->import_state(blob); new->start(): during either, the
 *      new instance adopts the host-owned connections (swl_host_hotswap_t.adopt_websocket)
 *      or resubscribes and resyncs, and reconciles orders over REST.
 *   4. The host releases the held frames to the connections' owners, then
 *      old->destroy(). If any step fails, adopted connections and their held frames go
 *      back to the old instance, the host resumes it (resume) and destroys the new one;
 *      nothing is lost.
 * The blob format belongs to the plugin; it must accept blobs from older versions of
 * itself and refuse (SWL_ERR_INVALID_ARGUMENT) ones it cannot read. */
#ifndef SWIFTLET_EXT_HOTSWAP_H
#define SWIFTLET_EXT_HOTSWAP_H

#include "../plugin.h"

SWL_EXTERN_C_BEGIN

#define SWL_EXT_HOTSWAP "swiftlet.hotswap/1"
#define SWL_EXT_HOST_HOTSWAP "swiftlet.host.hotswap/1"

/* Receives the exported state in one or more chunks (copied by the host). */
typedef swl_status_t (*swl_state_writer_t)(void *user, swl_str_t chunk);

typedef struct swl_hotswap {
    uint32_t struct_size;
    uint32_t reserved;
    swl_status_t (*quiesce)(const swl_plugin_t *plugin, swl_error_t *error);
    /* Undo quiesce after a failed swap. */
    swl_status_t (*resume)(const swl_plugin_t *plugin, swl_error_t *error);
    swl_status_t (*export_state)(const swl_plugin_t *plugin, swl_state_writer_t write,
                                 void *user, swl_error_t *error);
    /* Called on a created, not yet started instance. */
    swl_status_t (*import_state)(const swl_plugin_t *plugin, swl_str_t state,
                                 swl_error_t *error);
} swl_hotswap_t;

/* Host side, from host->get_extension(host, SWL_STR(SWL_EXT_HOST_HOTSWAP)). */
typedef struct swl_host_hotswap {
    uint32_t struct_size;
    uint32_t reserved;
    /* Take over a connection the previous instance owned (its id came in the state
     * blob): from now on its frames and state changes go to `callbacks` (copied), and
     * frames the host held during the swap are delivered first, in order.
     * SWL_ERR_STATE when no swap holds the connection; SWL_ERR_NOT_FOUND for an unknown
     * or closed id, or one owned by an instance of another name. */
    swl_status_t (*adopt_websocket)(const swl_host_t *host, uint64_t connection_id,
                                    const swl_ws_callbacks_t *callbacks, swl_error_t *error);
} swl_host_hotswap_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_EXT_HOTSWAP_H */
