/* Example Swiftlet strategy plugin in plain C, built against sdk-headers only.
 *
 *   cc -std=c11 -shared -fPIC -fvisibility=hidden -I sdk-headers \
 *      Plugins/ExampleC/heartbeat.c -o libheartbeat_c.so
 *
 * What it does (the Swift example, Plugins/ExampleHeartbeat, does the same):
 * - config: {"url": "...", "interval_ms": 1000, "symbol": "BTCUSDT", "count": 3};
 *   `url` is required, the rest have these defaults; unknown keys are ignored.
 * - start: a timer fires every interval_ms; each tick sends `GET url` until `count`
 *   requests have been sent. A response whose HTTP status is 200 and whose body is a
 *   plain decimal ("97000.01") becomes a TICKER event and kv "last_price"; anything
 *   else becomes an ERROR event. After `count` responses the timer is cancelled and
 *   "heartbeat done" is logged.
 * - swiftlet.strategy/1 on_event: TIMER events are counted (the ABI call-cost
 *   benchmark calls this), TRADE events are echoed as a TICKER with the trade price.
 *
 * Everything the plugin does goes through the host table: no sockets, no clocks, no
 * threads of its own. The host serializes every call into one instance (plugin.h),
 * so the instance state needs no locks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swiftlet/swiftlet.h"

/* ---- error record (status.h) ------------------------------------------------- */

/* Writes status + message into the caller's record, if any, truncating to the
 * capacity the caller declared in struct_size. Returns `status` for tail calls. */
static swl_status_t fail(swl_error_t *error, swl_status_t status, const char *format, ...)
{
    if (error == NULL || error->struct_size < offsetof(swl_error_t, message)) {
        return status; /* no record, or one too small to hold even the status */
    }
    error->status = status;
    size_t capacity = error->struct_size - offsetof(swl_error_t, message);
    if (capacity > sizeof error->message) {
        capacity = sizeof error->message;
    }
    if (capacity > 0) {
        va_list args;
        va_start(args, format);
        if (vsnprintf(error->message, capacity, format, args) < 0) {
            error->message[0] = '\0';
        }
        va_end(args);
    }
    return status;
}

/* A fresh error record for calls into the host. */
static swl_error_t error_record(void)
{
    swl_error_t error;
    error.struct_size = sizeof error;
    error.status = SWL_OK;
    error.message[0] = '\0';
    return error;
}

/* printf precision for a length that may exceed INT_MAX. */
static int print_len(size_t len)
{
    return len > 4096 ? 4096 : (int)len;
}

/* ---- config: a small JSON scanner ---------------------------------------------- */

/* Reads only what the four keys need; every read is bounds-checked against `end`. */
typedef struct cursor {
    const char *p;
    const char *end;
} cursor_t;

static void skip_space(cursor_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) {
        c->p++;
    }
}

static int eat(cursor_t *c, char ch)
{
    skip_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Scans a JSON string at the cursor and decodes its escapes. Writes at most `cap`
 * decoded bytes to `out` (may be NULL) and the full decoded length to *out_len.
 * Returns 0 if the text is not a well-formed string. \u escapes outside the Basic
 * Multilingual Plane (surrogates) are refused: no key this plugin reads needs them. */
static int scan_string(cursor_t *c, char *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    if (!eat(c, '"')) return 0;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p++;
        unsigned long code = ch;
        if (ch == '"') {
            *out_len = n;
            return 1;
        }
        if (ch < 0x20) return 0;
        if (ch == '\\') {
            if (c->p >= c->end) return 0;
            char esc = *c->p++;
            switch (esc) {
            case '"': case '\\': case '/': code = (unsigned char)esc; break;
            case 'b': code = '\b'; break;
            case 'f': code = '\f'; break;
            case 'n': code = '\n'; break;
            case 'r': code = '\r'; break;
            case 't': code = '\t'; break;
            case 'u':
                if (c->end - c->p < 4) return 0;
                code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = hex_value(*c->p++);
                    if (digit < 0) return 0;
                    code = code * 16 + (unsigned long)digit;
                }
                if (code >= 0xD800 && code <= 0xDFFF) return 0;
                break;
            default:
                return 0;
            }
        }
        /* Append `code`: raw bytes pass through, escapes are encoded as UTF-8. */
        unsigned char bytes[3];
        size_t count;
        if (ch != '\\' || code < 0x80) {
            bytes[0] = (unsigned char)code;
            count = 1;
        } else if (code < 0x800) {
            bytes[0] = (unsigned char)(0xC0 | (code >> 6));
            bytes[1] = (unsigned char)(0x80 | (code & 0x3F));
            count = 2;
        } else {
            bytes[0] = (unsigned char)(0xE0 | (code >> 12));
            bytes[1] = (unsigned char)(0x80 | ((code >> 6) & 0x3F));
            bytes[2] = (unsigned char)(0x80 | (code & 0x3F));
            count = 3;
        }
        for (size_t i = 0; i < count; i++, n++) {
            if (out != NULL && n < cap) out[n] = (char)bytes[i];
        }
    }
    return 0; /* no closing quote */
}

/* Scans a JSON string into a new NUL-terminated heap copy. */
static int scan_string_copy(cursor_t *c, char **out, size_t *out_len)
{
    cursor_t start = *c;
    size_t len;
    if (!scan_string(c, NULL, 0, &len)) return 0;
    char *copy = malloc(len + 1);
    if (copy == NULL) return 0;
    *c = start;
    scan_string(c, copy, len, &len);
    copy[len] = '\0';
    *out = copy;
    *out_len = len;
    return 1;
}

/* Scans a JSON integer (no fraction, no exponent) that fits in int64_t. */
static int scan_integer(cursor_t *c, int64_t *out)
{
    skip_space(c);
    int negative = c->p < c->end && *c->p == '-';
    if (negative) c->p++;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9') return 0;
    int64_t value = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        int digit = *c->p++ - '0';
        if (value > (INT64_MAX - digit) / 10) return 0;
        value = value * 10 + digit;
    }
    if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E')) return 0;
    *out = negative ? -value : value;
    return 1;
}

/* Skips any JSON value (for keys this plugin ignores). */
static int skip_value(cursor_t *c)
{
    size_t len;
    skip_space(c);
    if (c->p >= c->end) return 0;
    if (*c->p == '"') return scan_string(c, NULL, 0, &len);
    if (*c->p == '{' || *c->p == '[') {
        size_t depth = 0;
        do {
            if (c->p >= c->end) return 0;
            char ch = *c->p;
            if (ch == '"') {
                if (!scan_string(c, NULL, 0, &len)) return 0;
                continue;
            }
            if (ch == '{' || ch == '[') depth++;
            if (ch == '}' || ch == ']') depth--;
            c->p++;
        } while (depth > 0);
        return 1;
    }
    const char *start = c->p; /* number, true, false, null */
    while (c->p < c->end && strchr(",}] \t\n\r", *c->p) == NULL) c->p++;
    return c->p > start;
}

/* ---- instance state ----------------------------------------------------------------- */

typedef struct heartbeat {
    swl_plugin_t plugin;     /* what the host sees; plugin_data points back here */
    const swl_host_t *host;  /* borrowed until destroy */
    char *url;
    size_t url_len;
    char *symbol;
    size_t symbol_len;
    int64_t interval_ms;
    int64_t count;           /* requests to send */
    int64_t sent;
    int64_t answered;
    uint64_t timer_id;
    int timer_running;
    int started;
    int stopped;
    uint64_t timer_events;   /* SWL_EVENT_TIMER events seen by on_event */
} heartbeat_t;

static heartbeat_t *self_of(const swl_plugin_t *plugin)
{
    return (heartbeat_t *)plugin->plugin_data;
}

static void log_text(heartbeat_t *hb, swl_log_level_t level, const char *text)
{
    swl_str_t message = { text, strlen(text) };
    hb->host->log(hb->host, level, message);
}

static swl_status_t parse_config(heartbeat_t *hb, swl_str_t config, swl_error_t *error)
{
    cursor_t c = { config.ptr, config.ptr + config.len };
    if (config.ptr == NULL) c.p = c.end = "";
    if (!eat(&c, '{')) {
        return fail(error, SWL_ERR_INVALID_ARGUMENT, "config must be a JSON object");
    }
    if (!eat(&c, '}')) {
        for (;;) {
            char key[16];
            size_t key_len;
            if (!scan_string(&c, key, sizeof key - 1, &key_len) || !eat(&c, ':')) goto malformed;
            /* Too long, or with an escaped NUL: not one of ours. */
            key[key_len < sizeof key && memchr(key, '\0', key_len) == NULL ? key_len : 0] = '\0';
            skip_space(&c);
            if (strcmp(key, "url") == 0 || strcmp(key, "symbol") == 0) {
                int is_url = key[0] == 'u';
                char **target = is_url ? &hb->url : &hb->symbol;
                size_t *target_len = is_url ? &hb->url_len : &hb->symbol_len;
                char *value;
                size_t value_len;
                if (c.p >= c.end || *c.p != '"') {
                    return fail(error, SWL_ERR_INVALID_ARGUMENT, "config key '%s' must be a string", key);
                }
                if (!scan_string_copy(&c, &value, &value_len)) goto malformed;
                if (value_len == 0 || memchr(value, '\0', value_len) != NULL) {
                    free(value);
                    return fail(error, SWL_ERR_INVALID_ARGUMENT, "config key '%s' must be a non-empty string", key);
                }
                free(*target);
                *target = value;
                *target_len = value_len;
            } else if (strcmp(key, "interval_ms") == 0 || strcmp(key, "count") == 0) {
                int is_interval = key[0] == 'i';
                int64_t value;
                /* The interval must fit in nanoseconds. */
                int64_t limit = is_interval ? INT64_MAX / 1000000 : INT64_MAX;
                if (!scan_integer(&c, &value) || value <= 0 || value > limit) {
                    return fail(error, SWL_ERR_INVALID_ARGUMENT, "config key '%s' must be a positive integer", key);
                }
                *(is_interval ? &hb->interval_ms : &hb->count) = value;
            } else if (!skip_value(&c)) {
                goto malformed;
            }
            if (eat(&c, ',')) continue;
            if (eat(&c, '}')) break;
            goto malformed;
        }
    }
    skip_space(&c);
    if (c.p != c.end) goto malformed;
    if (hb->url == NULL) {
        return fail(error, SWL_ERR_INVALID_ARGUMENT, "config key 'url' is missing");
    }
    return SWL_OK;
malformed:
    return fail(error, SWL_ERR_INVALID_ARGUMENT, "config is not valid JSON (at byte %zu)",
                (size_t)(c.p - (config.ptr != NULL ? config.ptr : c.p)));
}

/* ---- the heartbeat -------------------------------------------------------------- */

/* Parses plain decimal notation ("97000.01", "-0.5", "+3", ".5"): an optional sign,
 * digits with at most one point, at most 18 significant digits and 18 decimals.
 * Exponents, spaces and anything else are refused. Returns 0 if malformed. */
static int parse_decimal(swl_str_t text, swl_decimal_t *out)
{
    size_t i = 0;
    int negative = 0, seen_point = 0, seen_digit = 0, digits = 0;
    int64_t mantissa = 0;
    int32_t scale = 0;
    if (text.len == 0 || text.ptr == NULL) return 0;
    if (text.ptr[0] == '-' || text.ptr[0] == '+') {
        negative = text.ptr[0] == '-';
        i = 1;
    }
    for (; i < text.len; i++) {
        char ch = text.ptr[i];
        if (ch == '.') {
            if (seen_point) return 0;
            seen_point = 1;
        } else if (ch >= '0' && ch <= '9') {
            seen_digit = 1;
            if (mantissa != 0 || ch != '0') digits++;
            if (digits > 18) return 0;
            mantissa = mantissa * 10 + (ch - '0');
            if (seen_point && ++scale > 18) return 0;
        } else {
            return 0;
        }
    }
    if (!seen_digit) return 0;
    out->mantissa = negative ? -mantissa : mantissa;
    out->scale = scale;
    out->reserved = 0;
    return 1;
}

static void emit_ticker(heartbeat_t *hb, swl_str_t symbol, swl_decimal_t last_price, swl_error_t *error)
{
    swl_ticker_event_t ticker;
    memset(&ticker, 0, sizeof ticker); /* every other decimal is zero: {0, 0, 0} */
    ticker.header.struct_size = sizeof ticker;
    ticker.header.kind = SWL_EVENT_TICKER;
    ticker.header.local_time = hb->host->now_ns(hb->host);
    ticker.header.symbol = symbol;
    ticker.last_price = last_price;
    hb->host->emit(hb->host, &ticker.header, error);
}

static void emit_error(heartbeat_t *hb, swl_status_t status, const char *code, const char *message)
{
    swl_error_event_t event;
    swl_error_t error = error_record();
    memset(&event, 0, sizeof event);
    event.header.struct_size = sizeof event;
    event.header.kind = SWL_EVENT_ERROR;
    event.header.local_time = hb->host->now_ns(hb->host);
    event.header.symbol.ptr = hb->symbol;
    event.header.symbol.len = hb->symbol_len;
    event.status = status;
    event.code.ptr = code;
    event.code.len = strlen(code);
    event.message.ptr = message;
    event.message.len = strlen(message);
    if (hb->host->emit(hb->host, &event.header, &error) != SWL_OK) {
        log_text(hb, SWL_LOG_WARNING, "could not emit an error event");
    }
}

static void stop_timer(heartbeat_t *hb)
{
    if (hb->timer_running) {
        swl_error_t error = error_record();
        hb->timer_running = 0;
        (void)hb->host->timer_cancel(hb->host, hb->timer_id, &error); /* NOT_FOUND is fine */
    }
}

/* Counts one answered request; the last one ends the heartbeat. */
static void request_finished(heartbeat_t *hb)
{
    hb->answered++;
    if (hb->answered >= hb->count) {
        stop_timer(hb);
        log_text(hb, SWL_LOG_INFO, "heartbeat done");
    }
}

static void on_response(void *user, const swl_http_response_t *response)
{
    heartbeat_t *hb = user;
    char message[256];
    char code[16] = "";
    swl_decimal_t price;
    if (hb->stopped) return;
    if (response == NULL || response->struct_size < sizeof(swl_http_response_t)) {
        emit_error(hb, SWL_ERR_IO, "", "malformed HTTP response record from the host");
    } else if (response->status != SWL_OK) {
        snprintf(message, sizeof message, "GET %s failed: %.*s", hb->url,
                 print_len(response->error.len), response->error.ptr != NULL ? response->error.ptr : "");
        emit_error(hb, SWL_ERR_IO, "", message);
    } else if (response->http_status != 200) {
        snprintf(code, sizeof code, "%d", (int)response->http_status);
        snprintf(message, sizeof message, "GET %s answered HTTP %d", hb->url, (int)response->http_status);
        emit_error(hb, SWL_ERR_EXCHANGE, code, message);
    } else if (!parse_decimal(response->body, &price)) {
        snprintf(message, sizeof message, "GET %s: body is not a plain decimal: \"%.*s\"", hb->url,
                 print_len(response->body.len > 64 ? 64 : response->body.len),
                 response->body.ptr != NULL ? response->body.ptr : "");
        emit_error(hb, SWL_ERR_EXCHANGE, "", message);
    } else {
        swl_error_t error = error_record();
        swl_str_t symbol = { hb->symbol, hb->symbol_len };
        swl_str_t key = SWL_STR("last_price");
        emit_ticker(hb, symbol, price, &error);
        if (hb->host->kv_put(hb->host, key, response->body, &error) != SWL_OK) {
            log_text(hb, SWL_LOG_WARNING, "could not store last_price");
        }
    }
    request_finished(hb);
}

static void on_tick(void *user, uint64_t timer_id)
{
    heartbeat_t *hb = user;
    (void)timer_id;
    if (hb->stopped || hb->sent >= hb->count) return;
    swl_http_request_t request;
    swl_error_t error = error_record();
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.method.ptr = "GET";
    request.method.len = 3;
    request.url.ptr = hb->url;
    request.url.len = hb->url_len;
    hb->sent++;
    if (hb->host->http_request(hb->host, &request, on_response, hb, NULL, &error) != SWL_OK) {
        /* Refused up front: no callback will come, so this request is answered now. */
        char message[256 + SWL_ERROR_MESSAGE_CAPACITY];
        snprintf(message, sizeof message, "GET %s refused: %s", hb->url, error.message);
        emit_error(hb, SWL_ERR_IO, "", message);
        request_finished(hb);
    }
}

/* ---- swl_plugin_t ------------------------------------------------------------------ */

static swl_status_t heartbeat_start(const swl_plugin_t *plugin, swl_error_t *error)
{
    heartbeat_t *hb = self_of(plugin);
    if (hb->started) {
        return fail(error, SWL_ERR_STATE, "already started");
    }
    swl_time_ns_t interval = hb->interval_ms * 1000000;
    swl_status_t status = hb->host->timer_start(hb->host, interval, interval, on_tick, hb,
                                                &hb->timer_id, error);
    if (status != SWL_OK) return status; /* the host wrote the error record */
    hb->started = 1;
    hb->timer_running = 1;
    return SWL_OK;
}

static swl_status_t heartbeat_stop(const swl_plugin_t *plugin, swl_error_t *error)
{
    heartbeat_t *hb = self_of(plugin);
    (void)error;
    hb->stopped = 1;
    stop_timer(hb);
    return SWL_OK;
}

static void heartbeat_destroy(const swl_plugin_t *plugin)
{
    heartbeat_t *hb = self_of(plugin);
    stop_timer(hb);
    free(hb->url);
    free(hb->symbol);
    free(hb);
}

/* ---- swiftlet.strategy/1 ------------------------------------------------------------ */

static swl_status_t heartbeat_on_event(const swl_plugin_t *plugin, const swl_event_header_t *event,
                                       swl_error_t *error)
{
    heartbeat_t *hb = self_of(plugin);
    if (event == NULL) {
        return fail(error, SWL_ERR_ABI, "on_event: event is NULL");
    }
    if (event->struct_size < sizeof(swl_event_header_t)) {
        return fail(error, SWL_ERR_ABI, "on_event: struct_size %u is smaller than the event header",
                    (unsigned)event->struct_size);
    }
    switch (event->kind) {
    case SWL_EVENT_TIMER:
        hb->timer_events++;
        return SWL_OK;
    case SWL_EVENT_TRADE: {
        if (event->struct_size < sizeof(swl_trade_event_t)) {
            return fail(error, SWL_ERR_ABI, "on_event: trade event struct_size %u, need %u",
                        (unsigned)event->struct_size, (unsigned)sizeof(swl_trade_event_t));
        }
        const swl_trade_event_t *trade = (const swl_trade_event_t *)event;
        swl_error_t emitted = error_record();
        emit_ticker(hb, trade->header.symbol, trade->price, &emitted);
        if (emitted.status != SWL_OK) {
            return fail(error, emitted.status, "echo ticker refused: %s", emitted.message);
        }
        return SWL_OK;
    }
    default:
        return SWL_OK;
    }
}

static const swl_strategy_t strategy_table = {
    .struct_size = sizeof(swl_strategy_t),
    .on_event = heartbeat_on_event,
};

/* ---- descriptor ---------------------------------------------------------------------- */

static swl_status_t heartbeat_create(const swl_host_t *host, swl_str_t config,
                                     const swl_plugin_t **out_plugin, swl_error_t *error)
{
    if (host == NULL || out_plugin == NULL) {
        return fail(error, SWL_ERR_INVALID_ARGUMENT, "create: host and out_plugin must not be NULL");
    }
    if (host->struct_size < sizeof(swl_host_t) || host->abi_major != SWL_ABI_MAJOR) {
        return fail(error, SWL_ERR_ABI, "host table is ABI %u.%u with %u bytes; need %d.x with %u",
                    (unsigned)host->abi_major, (unsigned)host->abi_minor, (unsigned)host->struct_size,
                    SWL_ABI_MAJOR, (unsigned)sizeof(swl_host_t));
    }
    heartbeat_t *hb = calloc(1, sizeof *hb);
    static const char default_symbol[] = "BTCUSDT";
    if (hb != NULL) hb->symbol = malloc(sizeof default_symbol);
    if (hb == NULL || hb->symbol == NULL) {
        free(hb);
        return fail(error, SWL_ERR_INTERNAL, "out of memory");
    }
    memcpy(hb->symbol, default_symbol, sizeof default_symbol);
    hb->symbol_len = sizeof default_symbol - 1;
    hb->host = host;
    hb->interval_ms = 1000;
    hb->count = 3;
    swl_status_t status = parse_config(hb, config, error);
    if (status != SWL_OK) {
        free(hb->url);
        free(hb->symbol);
        free(hb);
        return status;
    }
    hb->plugin.struct_size = sizeof(swl_plugin_t);
    hb->plugin.plugin_data = hb;
    hb->plugin.start = heartbeat_start;
    hb->plugin.stop = heartbeat_stop;
    hb->plugin.destroy = heartbeat_destroy;
    *out_plugin = &hb->plugin;
    return SWL_OK;
}

static int str_equals(swl_str_t a, const char *b)
{
    size_t len = strlen(b);
    return a.len == len && (len == 0 || (a.ptr != NULL && memcmp(a.ptr, b, len) == 0));
}

static const void *heartbeat_get_extension(swl_str_t extension_id)
{
    if (str_equals(extension_id, SWL_EXT_STRATEGY)) return &strategy_table;
    return NULL;
}

static const swl_plugin_descriptor_t descriptor = {
    .struct_size = sizeof(swl_plugin_descriptor_t),
    .abi_major = SWL_ABI_MAJOR,
    .abi_minor = SWL_ABI_MINOR,
    .id = SWL_STR("example_heartbeat_c"),
    .version = SWL_STR("1.0.0"),
    .name = SWL_STR("Example heartbeat (C)"),
    .vendor = SWL_STR("Swiftlet"),
    .description = SWL_STR("Polls a price URL on a timer and reports it as TICKER events; echoes trades."),
    .kinds = SWL_KIND_STRATEGY,
    .get_extension = heartbeat_get_extension,
    .create = heartbeat_create,
};

SWL_EXPORT const swl_plugin_descriptor_t *swiftlet_plugin_entry(void)
{
    return &descriptor;
}
