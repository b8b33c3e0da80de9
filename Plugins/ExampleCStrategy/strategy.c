/* Example Swiftlet STRATEGY plugin in plain C: a template for trading through the host.
 *
 *   cc -std=c11 -shared -fPIC -fvisibility=hidden -I sdk-headers \
 *      Plugins/ExampleCStrategy/strategy.c -o libexample_c_strategy.so
 *
 * What it does, step by step (each step is logged through host->log):
 * 1. create: reads its config, a flat JSON object of string values,
 *      {"connector": "bitget", "symbol": "BTCUSDT", "offset": "0.05", "size": "0.001"}
 *    (these are the defaults; unknown keys are ignored), and takes the host's trading
 *    table, "swiftlet.host.trading/1" (ext/strategy.h).
 * 2. start: asks the host for the order book of symbol on connector.
 * 3. on the first BOOK_SNAPSHOT of that book: places ONE post-only limit BUY of `size` at
 *    best bid × (1 − offset), far below the market so it rests without filling.
 * 4. when that order is reported OPEN: cancels it.
 * 5. when it is reported CANCELLED (or FAILED): done; nothing more is traded.
 * Every event is counted by kind; stop logs the counts.
 *
 * Rules this file follows (sdk-headers and docs/abi.md):
 * - The host never calls one instance concurrently, so the instance needs no locks.
 * - Events and strings handed in are borrowed for the call: copy what you keep (the
 *   client order id is copied into the instance).
 * - Prices and sizes are swl_decimal_t (mantissa × 10^-scale): never floating point.
 * - Host calls may be refused (risk checks: SWL_ERR_STATE, SWL_ERR_INSUFFICIENT_FUNDS);
 *   the refusal's message is in the swl_error_t we pass, and is logged. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "swiftlet/swiftlet.h"

/* ---- small helpers ---------------------------------------------------------------- */

/* Writes status + message into the caller's error record (status.h rules). */
static swl_status_t fail(swl_error_t *error, swl_status_t status, const char *format, ...)
{
    if (error != NULL && error->struct_size >= sizeof(swl_error_t)) {
        va_list args;
        va_start(args, format);
        error->status = status;
        if (vsnprintf(error->message, sizeof error->message, format, args) < 0) error->message[0] = '\0';
        va_end(args);
    }
    return status;
}

/* A fresh error record for our calls into the host. */
static swl_error_t error_record(void)
{
    swl_error_t error;
    memset(&error, 0, sizeof error);
    error.struct_size = sizeof error;
    return error;
}

static swl_str_t str_of(const char *text)
{
    swl_str_t s = { text, strlen(text) };
    return s;
}

static int str_equals(swl_str_t a, const char *b)
{
    size_t len = strlen(b);
    return a.len == len && (len == 0 || (a.ptr != NULL && memcmp(a.ptr, b, len) == 0));
}

/* Parses plain decimal text ("0.05", "97000.1"); 0 if malformed or over 18 digits. */
static int parse_decimal(const char *text, swl_decimal_t *out)
{
    int64_t mantissa = 0;
    int32_t scale = 0;
    int digits = 0, seen_point = 0, seen_digit = 0;
    const char *p = text;
    int negative = *p == '-';
    if (negative) p++;
    for (; *p != '\0'; p++) {
        if (*p == '.' && !seen_point) {
            seen_point = 1;
        } else if (*p >= '0' && *p <= '9') {
            seen_digit = 1;
            if (mantissa != 0 || *p != '0') digits++;
            if (digits > 18 || (seen_point && scale == 18)) return 0;
            mantissa = mantissa * 10 + (*p - '0');
            if (seen_point) scale++;
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

/* Formats a decimal as plain text into buf (at least 48 bytes). */
static const char *format_decimal(swl_decimal_t d, char *buf, size_t cap)
{
    unsigned long long magnitude = d.mantissa < 0 ? 0ULL - (unsigned long long)d.mantissa : (unsigned long long)d.mantissa;
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", magnitude);
    int scale = d.scale;
    size_t at = 0;
    if (d.mantissa < 0) buf[at++] = '-';
    if (n <= scale) { /* 0.000123 */
        buf[at++] = '0';
        buf[at++] = '.';
        for (int i = 0; i < scale - n; i++) buf[at++] = '0';
        memcpy(buf + at, digits, (size_t)n);
        at += (size_t)n;
    } else {
        memcpy(buf + at, digits, (size_t)(n - scale));
        at += (size_t)(n - scale);
        if (scale > 0) {
            buf[at++] = '.';
            memcpy(buf + at, digits + n - scale, (size_t)scale);
            at += (size_t)scale;
        }
    }
    buf[at < cap ? at : cap - 1] = '\0';
    return buf;
}

/* True for 0 < d < 1. */
static int is_fraction(swl_decimal_t d)
{
    int64_t one = 1;
    for (int i = 0; i < d.scale; i++) one *= 10;
    return d.mantissa > 0 && d.mantissa < one;
}

/* price × (1 − fraction), rounded down (a bid never rounds up). 0 on overflow. */
static int price_below(swl_decimal_t price, swl_decimal_t fraction, swl_decimal_t *out)
{
    int64_t one = 1, factor, product;
    for (int i = 0; i < fraction.scale; i++) one *= 10;
    factor = one - fraction.mantissa;            /* (1 − fraction) at fraction's scale */
    if (__builtin_mul_overflow(price.mantissa, factor, &product)) return 0;
    int32_t scale = price.scale + fraction.scale;
    while (scale > 18) { product /= 10; scale--; }  /* positive: truncating is rounding down */
    out->mantissa = product;
    out->scale = scale;
    out->reserved = 0;
    return 1;
}

/* ---- config: a deliberately tiny reader for a flat object of string values ----------- */

/* Copies the string value of `key` into out (cap bytes, NUL-terminated). Returns 1 if
 * found, 0 if absent, -1 if the text is not a flat JSON object of simple values.
 * Escapes inside strings are not supported: keep values plain. */
static int config_string(swl_str_t config, const char *key, char *out, size_t cap)
{
    const char *p = config.ptr, *end = config.ptr + config.len;
    int found = 0;
#define SKIP_SPACE() while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++
    if (config.len == 0) return 0;
    SKIP_SPACE();
    if (p >= end || *p++ != '{') return -1;
    SKIP_SPACE();
    if (p < end && *p == '}') return 0;
    while (p < end) {
        const char *name, *value;
        size_t name_len, value_len = 0;
        int is_string;
        SKIP_SPACE();
        if (p >= end || *p++ != '"') return -1;
        name = p;
        while (p < end && *p != '"' && *p != '\\') p++;
        if (p >= end || *p != '"') return -1;
        name_len = (size_t)(p++ - name);
        SKIP_SPACE();
        if (p >= end || *p++ != ':') return -1;
        SKIP_SPACE();
        is_string = p < end && *p == '"';
        if (is_string) {
            value = ++p;
            while (p < end && *p != '"' && *p != '\\') p++;
            if (p >= end || *p != '"') return -1;
            value_len = (size_t)(p++ - value);
        } else { /* a number, true, false or null: skipped */
            value = p;
            while (p < end && strchr(",} \n\t\r", *p) == NULL) {
                if (*p == '{' || *p == '[' || *p == '"') return -1;
                p++;
            }
            if (p == value) return -1;
        }
        if (name_len == strlen(key) && memcmp(name, key, name_len) == 0) {
            if (!is_string || value_len == 0 || value_len >= cap) return -2; /* wrong type or size */
            memcpy(out, value, value_len);
            out[value_len] = '\0';
            found = 1;
        }
        SKIP_SPACE();
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == '}') return found;
        return -1;
    }
#undef SKIP_SPACE
    return -1;
}

/* ---- the instance ---------------------------------------------------------------------- */

enum step { WAITING_FOR_BOOK, ORDER_PLACED, CANCEL_SENT, DONE };

typedef struct example {
    swl_plugin_t plugin;               /* what the host sees; plugin_data points back here */
    const swl_host_t *host;            /* borrowed until destroy */
    const swl_host_trading_t *trading; /* the host's trading table, same lifetime */
    char connector[64];
    char symbol[64];
    swl_decimal_t offset;              /* fraction below the best bid */
    swl_decimal_t size;                /* base units */
    enum step step;
    char order_id[65];                 /* our client order id, copied from the host */
    uint64_t events_by_kind[16];       /* index = swl_event_kind_t */
    uint64_t events_total;
} example_t;

static example_t *self_of(const swl_plugin_t *plugin) { return (example_t *)plugin->plugin_data; }

/* printf-style line into the host's log. */
static void logf_(example_t *ex, swl_log_level_t level, const char *format, ...)
{
    char line[512];
    va_list args;
    va_start(args, format);
    if (vsnprintf(line, sizeof line, format, args) < 0) line[0] = '\0';
    va_end(args);
    ex->host->log(ex->host, level, str_of(line));
}

/* Step 3: one post-only limit BUY far below the best bid. */
static void place_order(example_t *ex, const swl_book_event_t *book)
{
    swl_order_request_t request;
    swl_order_id_buffer_t out_id;
    swl_error_t error = error_record();
    char price_text[48], size_text[48], bid_text[48];

    if (book->bid_count == 0) {
        logf_(ex, SWL_LOG_WARNING, "snapshot of %s has no bids; waiting for the next one", ex->symbol);
        return;
    }
    memset(&request, 0, sizeof request);            /* every decimal starts at {0, 0, 0} */
    request.struct_size = sizeof request;
    request.side = SWL_SIDE_BUY;
    request.symbol = str_of(ex->symbol);
    request.type = SWL_ORDER_LIMIT;
    request.time_in_force = SWL_TIF_POST_ONLY;
    request.size = ex->size;
    request.position_side = SWL_POSITION_NONE;
    if (!price_below(book->bids[0].price, ex->offset, &request.price)) {
        logf_(ex, SWL_LOG_ERROR, "price below the best bid overflows; giving up");
        ex->step = DONE;
        return;
    }
    /* client_order_id left empty: the connector generates one and writes it here. */
    out_id.data = ex->order_id;
    out_id.capacity = sizeof ex->order_id - 1;
    out_id.length = 0;
    if (ex->trading->place_order(ex->host, str_of(ex->connector), &request, &out_id, &error) != SWL_OK) {
        /* Refused: by the host's risk checks or by the connector. Nothing was placed. */
        logf_(ex, SWL_LOG_WARNING, "buy refused (%d): %s; giving up", (int)error.status, error.message);
        ex->step = DONE;
        return;
    }
    ex->order_id[out_id.length < sizeof ex->order_id ? out_id.length : sizeof ex->order_id - 1] = '\0';
    ex->step = ORDER_PLACED;
    logf_(ex, SWL_LOG_INFO, "placed post-only buy %s %s @ %s (best bid %s), id %s", ex->symbol,
          format_decimal(request.size, size_text, sizeof size_text),
          format_decimal(request.price, price_text, sizeof price_text),
          format_decimal(book->bids[0].price, bid_text, sizeof bid_text), ex->order_id);
}

/* Steps 4 and 5: follow our order's state. */
static void on_order(example_t *ex, const swl_order_event_t *order)
{
    swl_error_t error = error_record();
    if (ex->step == WAITING_FOR_BOOK || ex->step == DONE || !str_equals(order->client_order_id, ex->order_id)) return;
    switch (order->state) {
    case SWL_ORDER_OPEN:
        if (ex->step != ORDER_PLACED) return;
        if (ex->trading->cancel_order(ex->host, str_of(ex->connector), str_of(ex->symbol), str_of(ex->order_id),
                                      &error) != SWL_OK) {
            logf_(ex, SWL_LOG_WARNING, "cancel of %s refused: %s", ex->order_id, error.message);
            return; /* the next update of this order tries again */
        }
        ex->step = CANCEL_SENT;
        logf_(ex, SWL_LOG_INFO, "order %s is open; cancelling it", ex->order_id);
        break;
    case SWL_ORDER_CANCELLED:
        ex->step = DONE;
        logf_(ex, SWL_LOG_INFO, "order %s cancelled; done", ex->order_id);
        break;
    case SWL_ORDER_FILLED:
    case SWL_ORDER_FAILED:
        ex->step = DONE;
        logf_(ex, SWL_LOG_WARNING, "order %s ended %s: %.*s", ex->order_id,
              order->state == SWL_ORDER_FILLED ? "FILLED" : "FAILED",
              (int)(order->reason.len > 200 ? 200 : order->reason.len), order->reason.ptr ? order->reason.ptr : "");
        break;
    default:
        break;
    }
}

/* ---- swiftlet.strategy/1 -------------------------------------------------------------- */

static swl_status_t example_on_event(const swl_plugin_t *plugin, const swl_event_header_t *event, swl_error_t *error)
{
    example_t *ex = self_of(plugin);
    if (event == NULL || event->struct_size < sizeof(swl_event_header_t)) {
        return fail(error, SWL_ERR_ABI, "on_event: missing or truncated event");
    }
    ex->events_total++;
    if (event->kind < 16) ex->events_by_kind[event->kind]++;

    switch (event->kind) {
    case SWL_EVENT_BOOK_SNAPSHOT:
        /* Check the size of an event before reading past its header (events.h). */
        if (event->struct_size < sizeof(swl_book_event_t)) return fail(error, SWL_ERR_ABI, "book event too small");
        if (ex->step == WAITING_FOR_BOOK && str_equals(event->source, ex->connector) && str_equals(event->symbol, ex->symbol)) {
            place_order(ex, (const swl_book_event_t *)event);
        }
        return SWL_OK;
    case SWL_EVENT_ORDER_UPDATE:
        if (event->struct_size < sizeof(swl_order_event_t)) return fail(error, SWL_ERR_ABI, "order event too small");
        on_order(ex, (const swl_order_event_t *)event);
        return SWL_OK;
    default:
        return SWL_OK; /* TIMER, trades, balances...: only counted */
    }
}

static const swl_strategy_t strategy_table = {
    .struct_size = sizeof(swl_strategy_t),
    .on_event = example_on_event,
};

/* ---- swl_plugin_t ----------------------------------------------------------------------- */

static swl_status_t example_start(const swl_plugin_t *plugin, swl_error_t *error)
{
    example_t *ex = self_of(plugin);
    /* Step 2. A refusal (unknown connector...) fails start with the host's message. */
    swl_status_t status = ex->trading->subscribe(ex->host, str_of(ex->connector), SWL_CHANNEL_BOOK, str_of(ex->symbol), error);
    if (status != SWL_OK) return status;
    logf_(ex, SWL_LOG_INFO, "watching the %s book on %s", ex->symbol, ex->connector);
    return SWL_OK;
}

static swl_status_t example_stop(const swl_plugin_t *plugin, swl_error_t *error)
{
    example_t *ex = self_of(plugin);
    swl_error_t ignored = error_record();
    (void)error;
    if (ex->step == ORDER_PLACED) { /* leave nothing behind */
        (void)ex->trading->cancel_order(ex->host, str_of(ex->connector), str_of(ex->symbol), str_of(ex->order_id), &ignored);
    }
    logf_(ex, SWL_LOG_INFO, "saw %llu events: %llu book snapshots, %llu book deltas, %llu order updates, %llu timers",
          (unsigned long long)ex->events_total, (unsigned long long)ex->events_by_kind[SWL_EVENT_BOOK_SNAPSHOT],
          (unsigned long long)ex->events_by_kind[SWL_EVENT_BOOK_DELTA],
          (unsigned long long)ex->events_by_kind[SWL_EVENT_ORDER_UPDATE], (unsigned long long)ex->events_by_kind[SWL_EVENT_TIMER]);
    return SWL_OK;
}

static void example_destroy(const swl_plugin_t *plugin)
{
    free(self_of(plugin));
}

/* ---- descriptor ------------------------------------------------------------------------- */

/* Step 1: reads one config key into `out`, or keeps its default; errors name the key. */
static swl_status_t read_key(swl_str_t config, const char *key, char *out, size_t cap, swl_error_t *error)
{
    int found = config_string(config, key, out, cap);
    if (found == -1) return fail(error, SWL_ERR_INVALID_ARGUMENT, "config must be a flat JSON object of plain values");
    if (found == -2) return fail(error, SWL_ERR_INVALID_ARGUMENT, "config key '%s' must be a non-empty string under %zu bytes", key, cap);
    return SWL_OK;
}

static swl_status_t example_create(const swl_host_t *host, swl_str_t config, const swl_plugin_t **out_plugin,
                                   swl_error_t *error)
{
    char offset[32] = "0.05", size[32] = "0.001";
    swl_status_t status;
    if (host == NULL || out_plugin == NULL) return fail(error, SWL_ERR_INVALID_ARGUMENT, "host or out_plugin is NULL");
    if (host->struct_size < sizeof(swl_host_t)) return fail(error, SWL_ERR_ABI, "host table too small");

    example_t *ex = calloc(1, sizeof *ex);
    if (ex == NULL) return fail(error, SWL_ERR_INTERNAL, "out of memory");
    strcpy(ex->connector, "bitget");
    strcpy(ex->symbol, "BTCUSDT");
    if ((status = read_key(config, "connector", ex->connector, sizeof ex->connector, error)) != SWL_OK ||
        (status = read_key(config, "symbol", ex->symbol, sizeof ex->symbol, error)) != SWL_OK ||
        (status = read_key(config, "offset", offset, sizeof offset, error)) != SWL_OK ||
        (status = read_key(config, "size", size, sizeof size, error)) != SWL_OK) {
        free(ex);
        return status;
    }
    if (!parse_decimal(offset, &ex->offset) || !is_fraction(ex->offset)) {
        free(ex);
        return fail(error, SWL_ERR_INVALID_ARGUMENT, "config key 'offset' must be a fraction between 0 and 1, like \"0.05\"");
    }
    if (!parse_decimal(size, &ex->size) || ex->size.mantissa <= 0) {
        free(ex);
        return fail(error, SWL_ERR_INVALID_ARGUMENT, "config key 'size' must be a positive decimal, like \"0.001\"");
    }

    /* The host's trading API: look it up once and check its size before any use. */
    ex->trading = host->get_extension(host, str_of(SWL_EXT_HOST_TRADING));
    if (ex->trading == NULL || ex->trading->struct_size < sizeof(swl_host_trading_t)) {
        free(ex);
        return fail(error, SWL_ERR_UNSUPPORTED, "the host offers no usable " SWL_EXT_HOST_TRADING);
    }
    ex->host = host;
    ex->step = WAITING_FOR_BOOK;
    ex->plugin.struct_size = sizeof(swl_plugin_t);
    ex->plugin.plugin_data = ex;
    ex->plugin.start = example_start;
    ex->plugin.stop = example_stop;
    ex->plugin.destroy = example_destroy;
    *out_plugin = &ex->plugin;
    return SWL_OK;
}

static const void *example_get_extension(swl_str_t extension_id)
{
    return str_equals(extension_id, SWL_EXT_STRATEGY) ? &strategy_table : NULL;
}

static const swl_plugin_descriptor_t descriptor = {
    .struct_size = sizeof(swl_plugin_descriptor_t),
    .abi_major = SWL_ABI_MAJOR,
    .abi_minor = SWL_ABI_MINOR,
    .id = SWL_STR("example_c_strategy"),
    .version = SWL_STR("1.0.0"),
    .name = SWL_STR("Example strategy (C)"),
    .vendor = SWL_STR("Swiftlet"),
    .description = SWL_STR("Template: on the first book snapshot places one post-only buy far below the bid, cancels it once open."),
    .kinds = SWL_KIND_STRATEGY,
    .get_extension = example_get_extension,
    .create = example_create,
};

SWL_EXPORT const swl_plugin_descriptor_t *swiftlet_plugin_entry(void)
{
    return &descriptor;
}
