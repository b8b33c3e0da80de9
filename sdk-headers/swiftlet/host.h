/* Swiftlet SDK: host services, the table a plugin instance borrows for all I/O.
 *
 * The host hands one swl_host_t to every plugin instance it creates
 * (swl_plugin_descriptor_t.create). A plugin does ALL of its I/O, timing, signing,
 * persistence and reporting through it; it opens no sockets and reads no secrets
 * itself.
 *
 * Lifetime: the table is valid from `create` until the instance's `destroy`
 * returns. It is specific to the instance: host_data tells the host who calls.
 *
 * Threading:
 * - Every function here is callable from any thread, including from inside a
 *   callback, and never blocks on network I/O.
 * - No function here calls back into the calling plugin synchronously. Callbacks
 *   (timer, HTTP, WebSocket) are delivered later, one at a time, never
 *   concurrently with any other call into the same instance.
 * - Callbacks stop once the instance is stopped or destroyed; a request still in
 *   flight then completes silently.
 *
 * Growth: members are only ever appended (ABI minor). Check SWL_HAS_MEMBER before
 * using a member added after 1.0. */
#ifndef SWIFTLET_HOST_H
#define SWIFTLET_HOST_H

#include "types.h"
#include "status.h"
#include "events.h"

SWL_EXTERN_C_BEGIN

typedef int32_t swl_log_level_t;
enum {
    SWL_LOG_TRACE = 0,
    SWL_LOG_DEBUG = 1,
    SWL_LOG_INFO = 2,
    SWL_LOG_WARNING = 3,
    SWL_LOG_ERROR = 4
};

/* ---- timers ---------------------------------------------------------------- */

/* Called when a timer fires. `user` is the pointer given to timer_start. */
typedef void (*swl_timer_callback_t)(void *user, uint64_t timer_id);

/* ---- HTTP ------------------------------------------------------------------ */

typedef struct swl_http_header {
    swl_str_t name;
    swl_str_t value;
} swl_http_header_t;

/* An HTTP request. Everything is BORROWED for the duration of http_request: the
 * host copies it before returning. */
typedef struct swl_http_request {
    uint32_t struct_size;
    uint32_t reserved;
    swl_str_t method;                 /* "GET", "POST", "DELETE", ... */
    swl_str_t url;                    /* absolute: "https://api.bitget.com/api/v2/public/time" */
    const swl_http_header_t *headers; /* may be NULL when header_count is 0 */
    size_t header_count;
    swl_str_t body;                   /* sent exactly as given; empty for none */
    swl_time_ns_t timeout;            /* whole-request deadline; 0 = host default (10 s) */
    /* Since ABI 1.2 (a host of 1.1 or older ignores it: check host->abi_minor): a
     * credential granted to the instance. When not empty, the host replaces each
     * {{api_key}} and {{passphrase}} in the header values with that field of the
     * credential before sending, so the passphrase never reaches the plugin. Any
     * other {{name}} in a header value is refused (SWL_ERR_INVALID_ARGUMENT), as is
     * a field that cannot stand in a header (CR, LF, NUL). Empty: headers go as given. */
    swl_str_t credential;
} swl_http_request_t;

/* The outcome of an HTTP request, BORROWED for the duration of the callback.
 * `status` is SWL_OK when a response arrived, whatever its HTTP status code;
 * otherwise (SWL_ERR_IO, SWL_ERR_TIMEOUT, ...) http_status is 0 and `error`
 * explains. */
typedef struct swl_http_response {
    uint32_t struct_size;
    swl_status_t status;
    uint64_t request_id;
    int32_t http_status;              /* 200, 429, 500, ... */
    int32_t reserved;
    const swl_http_header_t *headers;
    size_t header_count;
    swl_str_t body;
    swl_str_t error;                  /* empty unless status != SWL_OK */
} swl_http_response_t;

typedef void (*swl_http_callback_t)(void *user, const swl_http_response_t *response);

/* ---- WebSocket --------------------------------------------------------------- */

typedef int32_t swl_ws_state_t;
enum {
    SWL_WS_OPEN = 1,    /* handshake done; send is allowed */
    SWL_WS_CLOSED = 2,  /* closed by either side or failed; the id is dead afterwards */
    SWL_WS_FAILED = 3   /* could not connect; the id is dead afterwards */
};

/* Callbacks for one host-owned WebSocket connection. The host calls them one at a
 * time, in the order frames arrived, never concurrently with other calls into the
 * instance. Data is BORROWED for the duration of the callback. */
typedef struct swl_ws_callbacks {
    uint32_t struct_size;
    uint32_t reserved;
    void *user;
    /* A text (is_binary = 0) or binary (is_binary = 1) message. Control frames
     * (protocol ping/pong/close) are handled by the host. */
    void (*on_message)(void *user, uint64_t connection_id, swl_str_t data, int32_t is_binary);
    /* A state change; `detail` says why for CLOSED/FAILED. Exactly one of CLOSED or
     * FAILED ends every connection, including one closed by ws_close. */
    void (*on_state)(void *user, uint64_t connection_id, swl_ws_state_t state, swl_str_t detail);
} swl_ws_callbacks_t;

typedef struct swl_ws_open_params {
    uint32_t struct_size;
    uint32_t reserved;
    swl_str_t url;                    /* "wss://ws.bitget.com/v2/ws/public" or ws:// */
    const swl_http_header_t *headers; /* extra handshake headers; may be NULL */
    size_t header_count;
    swl_ws_callbacks_t callbacks;     /* copied by the host */
} swl_ws_open_params_t;

/* ---- signing ---------------------------------------------------------------- */

typedef int32_t swl_sign_algorithm_t;
enum {
    /* base64(HMAC-SHA256(secret, payload)): Bitget's ACCESS-SIGN and WS login sign. */
    SWL_SIGN_HMAC_SHA256_BASE64 = 1,
    /* lowercase hex(HMAC-SHA256(secret, payload)). */
    SWL_SIGN_HMAC_SHA256_HEX = 2
};

/* ---- signed request templates (since ABI 1.3) ---------------------------------- */

/* A signed request whose fixed parts the host checks and serializes once
 * (http_template_create); each http_template_send adds a body, a timestamp and the
 * signature the host computes over them: the order path of exchanges that sign
 * "timestamp + fixed text + body" (Bitget: timestamp + METHOD + requestPath + body).
 * Everything is BORROWED for the duration of http_template_create. */
typedef struct swl_http_template {
    uint32_t struct_size;
    uint32_t reserved;
    swl_str_t method;                 /* "POST", "GET", ... (not "HEAD") */
    swl_str_t url;                    /* absolute, path and query included: fixed */
    const swl_http_header_t *headers; /* fixed fields; may be NULL when header_count is 0.
                                       * {{api_key}} and {{passphrase}} in their values are
                                       * filled from `credential` once, here. Host,
                                       * Content-Length and Transfer-Encoding are the host's. */
    size_t header_count;
    swl_time_ns_t timeout;            /* whole-request deadline of each send; 0 = 10 s */
    swl_str_t credential;             /* signs each send: granted to the instance */
    swl_sign_algorithm_t algorithm;   /* SWL_SIGN_HMAC_SHA256_BASE64 or _HEX */
    int32_t reserved2;
    swl_str_t timestamp_header;       /* carries the decimal timestamp, e.g. "ACCESS-TIMESTAMP" */
    swl_str_t signature_header;       /* carries the signature, e.g. "ACCESS-SIGN" */
    swl_str_t signed_infix;           /* signed text = decimal timestamp + signed_infix + body,
                                       * e.g. "POST/api/v2/spot/trade/place-order" */
} swl_http_template_t;

/* ---- the table ---------------------------------------------------------------- */

typedef struct swl_host {
    uint32_t struct_size;
    uint16_t abi_major;               /* the host's SWL_ABI_MAJOR */
    uint16_t abi_minor;               /* the host's SWL_ABI_MINOR */
    void *host_data;                  /* reserved for the host; plugins must not touch it */
    swl_str_t host_name;              /* e.g. "swiftlet 0.1.0" */

    /* Log a message (copied). Goes to the host's log with the instance's id. */
    void (*log)(const struct swl_host *host, swl_log_level_t level, swl_str_t message);

    /* Wall clock, ns since the Unix epoch. Tests may run the host on a fake clock. */
    swl_time_ns_t (*now_ns)(const struct swl_host *host);
    /* Monotonic clock for measuring durations; arbitrary origin. */
    swl_time_ns_t (*monotonic_ns)(const struct swl_host *host);

    /* Start a timer firing first after `delay`, then every `interval` (0 = fire
     * once). Writes its id into *out_timer_id. Ids are never reused by an instance.
     * Negative durations are refused with SWL_ERR_INVALID_ARGUMENT. */
    swl_status_t (*timer_start)(const struct swl_host *host, swl_time_ns_t delay,
                                swl_time_ns_t interval, swl_timer_callback_t callback,
                                void *user, uint64_t *out_timer_id, swl_error_t *error);
    /* Cancel a timer. After it returns the callback is not called again.
     * SWL_ERR_NOT_FOUND for an unknown or already finished one-shot timer. */
    swl_status_t (*timer_cancel)(const struct swl_host *host, uint64_t timer_id,
                                 swl_error_t *error);

    /* Start an HTTP(S) request. Returns at once; `callback` is called exactly once
     * with the response or the transport error (unless the instance stops first).
     * Writes the request id into *out_request_id (may be NULL). A request refused
     * up front (malformed URL) returns an error and calls nothing. */
    swl_status_t (*http_request)(const struct swl_host *host,
                                 const swl_http_request_t *request,
                                 swl_http_callback_t callback, void *user,
                                 uint64_t *out_request_id, swl_error_t *error);

    /* Open a host-owned WebSocket connection (TLS for wss://). Returns at once with
     * the connection id; on_state later reports OPEN or FAILED. The connection
     * belongs to the host, so it can outlive the instance in a hot swap (ext/hotswap.h). */
    swl_status_t (*ws_open)(const struct swl_host *host, const swl_ws_open_params_t *params,
                            uint64_t *out_connection_id, swl_error_t *error);
    /* Send one message (copied). SWL_ERR_STATE if the connection is not OPEN. */
    swl_status_t (*ws_send)(const struct swl_host *host, uint64_t connection_id,
                            swl_str_t data, int32_t is_binary, swl_error_t *error);
    /* Close a connection; on_state(CLOSED) follows. */
    swl_status_t (*ws_close)(const struct swl_host *host, uint64_t connection_id,
                             swl_error_t *error);

    /* Sign `payload` with the secret of the named credential; the secret never
     * leaves the host. Writes the signature text into out[0..capacity) (no NUL) and
     * its length into *out_len. SWL_ERR_NOT_FOUND for an unknown credential,
     * SWL_ERR_BUFFER_TOO_SMALL (with *out_len = needed) if it does not fit. */
    swl_status_t (*sign)(const struct swl_host *host, swl_str_t credential,
                         swl_sign_algorithm_t algorithm, swl_str_t payload, char *out,
                         size_t capacity, size_t *out_len, swl_error_t *error);
    /* Read the NON-secret field of a named credential: "api_key". The secret and the
     * passphrase are not readable (SWL_ERR_NOT_FOUND); to send the passphrase, put
     * {{passphrase}} where it goes (swl_http_request_t.credential,
     * ws_send_with_credential). A plugin built for ABI 1.1 or older may still read
     * "passphrase" (deprecated; the host logs a warning). Same output rules as sign. */
    swl_status_t (*credential_field)(const struct swl_host *host, swl_str_t credential,
                                     swl_str_t field, char *out, size_t capacity,
                                     size_t *out_len, swl_error_t *error);

    /* Small durable key-value store for plugin state, namespaced by plugin id (so a
     * new version of the plugin sees its predecessor's keys). A put is durable when it
     * returns. Values up to 1 MiB. */
    swl_status_t (*kv_put)(const struct swl_host *host, swl_str_t key, swl_str_t value,
                           swl_error_t *error);
    /* Read a value into out[0..capacity); *out_len = its length. SWL_ERR_NOT_FOUND if
     * absent; SWL_ERR_BUFFER_TOO_SMALL (with *out_len = needed) if it does not fit. */
    swl_status_t (*kv_get)(const struct swl_host *host, swl_str_t key, char *out,
                           size_t capacity, size_t *out_len, swl_error_t *error);
    /* Delete a key; deleting an absent key succeeds. */
    swl_status_t (*kv_delete)(const struct swl_host *host, swl_str_t key, swl_error_t *error);

    /* Report an event (events.h). The host copies what it keeps before returning;
     * delivery to strategies happens later, on their own serial context. */
    swl_status_t (*emit)(const struct swl_host *host, const swl_event_header_t *event,
                         swl_error_t *error);

    /* Look up a host-side extension by versioned id (e.g. "swiftlet.host.trading/1",
     * ext/strategy.h). Returns NULL if the host has none. The table lives as long as
     * this swl_host_t. Check its struct_size before use. */
    const void *(*get_extension)(const struct swl_host *host, swl_str_t extension_id);

    /* Since ABI 1.1 (check SWL_HAS_MEMBER(swl_host_t, host, kv_put_deferred)): like kv_put,
     * but returns once the value is copied, without waiting for the disk; the host writes it
     * shortly, on a thread of its own. kv_get sees it at once; the last value put for a key
     * wins, a later kv_put or kv_delete of the key included. A failed write is logged and tried
     * again while the process lives; the host writes what is queued before a clean exit; a
     * crash loses what was not written yet. For state a plugin can rebuild, saved from an
     * event-loop callback (the Bitget connectors' order state). */
    swl_status_t (*kv_put_deferred)(const struct swl_host *host, swl_str_t key, swl_str_t value,
                                    swl_error_t *error);

    /* Since ABI 1.2 (check SWL_HAS_MEMBER(swl_host_t, host, ws_send_with_credential)): like
     * ws_send for a text message, but the host first replaces each {{api_key}} and
     * {{passphrase}} in `data` with that field of the named credential (granted to the
     * instance), escaped for a JSON string: put the placeholders inside string literals,
     * as in Bitget's login message. Any other {{name}} is refused with
     * SWL_ERR_INVALID_ARGUMENT and nothing is sent. */
    swl_status_t (*ws_send_with_credential)(const struct swl_host *host, uint64_t connection_id,
                                            swl_str_t credential, swl_str_t data, swl_error_t *error);

    /* Since ABI 1.3 (check SWL_HAS_MEMBER(swl_host_t, host, http_template_release)):
     * checks a signed request template as http_request checks a request (plus the two
     * header names), fills its credential placeholders and keeps it for the instance;
     * writes its id into *out_template_id. Refused up front with SWL_ERR_INVALID_ARGUMENT
     * (bad method, URL, field or algorithm; HEAD; a Host, Content-Length or
     * Transfer-Encoding field; a field named twice, the timestamp and signature fields
     * included) or SWL_ERR_NOT_FOUND (credential not granted). */
    swl_status_t (*http_template_create)(const struct swl_host *host, const swl_http_template_t *request,
                                         uint64_t *out_template_id, swl_error_t *error);
    /* Sends a template with `body` (copied): signs decimal(timestamp) + signed_infix +
     * body with the template's credential and puts the timestamp and the signature in
     * their fields. Otherwise as http_request: returns at once, `callback` is called
     * exactly once; *out_request_id (may be NULL) gets the request id. SWL_ERR_NOT_FOUND
     * for an id this instance does not hold, or a credential since removed (nothing sent). */
    swl_status_t (*http_template_send)(const struct swl_host *host, uint64_t template_id,
                                       int64_t timestamp, swl_str_t body,
                                       swl_http_callback_t callback, void *user,
                                       uint64_t *out_request_id, swl_error_t *error);
    /* Forgets a template (requests already sent complete as usual). The host forgets an
     * instance's templates when it is destroyed. SWL_ERR_NOT_FOUND for an unknown id. */
    swl_status_t (*http_template_release)(const struct swl_host *host, uint64_t template_id,
                                          swl_error_t *error);
} swl_host_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_HOST_H */
