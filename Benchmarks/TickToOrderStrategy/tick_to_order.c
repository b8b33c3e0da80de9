/* Benchmark strategy for `swiftlet-bench tick-to-order`: reacts to every BOOK_DELTA of
 * BTCUSDT on connector "bitget" through the host's trading API, alternately placing
 * post-only BUYs 10% under the best bid and cancelling them, so each book update that
 * reaches the host causes a known number of requests to the exchange: one, or
 * `{"orders":N}` (1 to 8) for a refresh of N orders, as a market maker sends.
 * Written in C so the figure is the host's path (connector -> bot -> strategy -> risk
 * checks -> connector -> HTTP), not a strategy's own work. */
#include <stdlib.h>
#include <string.h>

#include "swiftlet/swiftlet.h"

#define MAX_ORDERS 8

typedef struct reactor {
    swl_plugin_t plugin;
    const swl_host_t *host;
    const swl_host_trading_t *trading;
    int orders_per_round;
    int open_count;
    char order_ids[MAX_ORDERS][64];
    size_t order_id_lens[MAX_ORDERS];
} reactor_t;

static reactor_t instance_storage;

static int str_equals(swl_str_t a, const char *b)
{
    size_t len = strlen(b);
    return a.len == len && (len == 0 || (a.ptr != NULL && memcmp(a.ptr, b, len) == 0));
}

static void log_error(reactor_t *r, const swl_error_t *error)
{
    swl_str_t message = { error->message, strlen(error->message) };
    r->host->log(r->host, SWL_LOG_WARNING, message);
}

/* The N of `"orders":N` in the config, or 1; refuses anything outside 1...MAX_ORDERS. */
static int orders_per_round(swl_str_t config, swl_error_t *error)
{
    char text[256] = { 0 };
    if (config.len >= sizeof text) config.len = sizeof text - 1;
    if (config.len > 0) memcpy(text, config.ptr, config.len);
    const char *key = strstr(text, "\"orders\"");
    if (key == NULL) return 1;
    const char *colon = strchr(key, ':');
    long n = colon != NULL ? strtol(colon + 1, NULL, 10) : 0;
    if (n < 1 || n > MAX_ORDERS) {
        if (error != NULL) {
            error->status = SWL_ERR_INVALID_ARGUMENT;
            strncpy(error->message, "orders must be 1 to 8", sizeof error->message - 1);
        }
        return 0;
    }
    return (int)n;
}

static swl_status_t on_event(const swl_plugin_t *plugin, const swl_event_header_t *event, swl_error_t *error)
{
    (void)error;
    reactor_t *r = (reactor_t *)plugin->plugin_data;
    if (event->kind != SWL_EVENT_BOOK_DELTA || !str_equals(event->symbol, "BTCUSDT")) return SWL_OK;
    swl_error_t failure = { sizeof failure, SWL_OK, { 0 } };
    swl_str_t connector = SWL_STR("bitget");
    swl_str_t symbol = SWL_STR("BTCUSDT");
    if (r->open_count > 0) {
        for (int i = 0; i < r->open_count; i++) {
            swl_str_t id = { r->order_ids[i], r->order_id_lens[i] };
            if (r->trading->cancel_order(r->host, connector, symbol, id, &failure) != SWL_OK) log_error(r, &failure);
        }
        r->open_count = 0;
        return SWL_OK;
    }
    swl_level_t bid, ask;
    if (r->trading->get_top_of_book(r->host, connector, symbol, &bid, &ask, &failure) != SWL_OK) {
        log_error(r, &failure);
        return SWL_OK;
    }
    swl_order_request_t request;
    memset(&request, 0, sizeof request);
    request.struct_size = sizeof request;
    request.side = SWL_SIDE_BUY;
    request.symbol = symbol;
    request.type = SWL_ORDER_LIMIT;
    request.time_in_force = SWL_TIF_POST_ONLY;
    request.price.mantissa = bid.price.mantissa / 10 * 9; /* same scale: still on the tick */
    request.price.scale = bid.price.scale;
    request.size.mantissa = 2; /* 0.0002 BTC */
    request.size.scale = 4;
    for (int i = 0; i < r->orders_per_round; i++) {
        swl_order_id_buffer_t out = { r->order_ids[r->open_count], sizeof r->order_ids[0], 0 };
        if (r->trading->place_order(r->host, connector, &request, &out, &failure) != SWL_OK) {
            log_error(r, &failure);
            continue;
        }
        r->order_id_lens[r->open_count++] = out.length;
    }
    return SWL_OK;
}

static const swl_strategy_t strategy_table = {
    .struct_size = sizeof(swl_strategy_t),
    .on_event = on_event,
};

/* Subscribes to the BTCUSDT book of "bitget" (events arrive once it is live). */
static swl_status_t start(const swl_plugin_t *plugin, swl_error_t *error)
{
    reactor_t *r = (reactor_t *)plugin->plugin_data;
    return r->trading->subscribe(r->host, (swl_str_t)SWL_STR("bitget"), SWL_CHANNEL_BOOK, (swl_str_t)SWL_STR("BTCUSDT"), error);
}
static swl_status_t stop(const swl_plugin_t *plugin, swl_error_t *error) { (void)plugin; (void)error; return SWL_OK; }
static void destroy(const swl_plugin_t *plugin) { (void)plugin; }

/* One instance per process is all the benchmark needs. */
static swl_status_t create(const swl_host_t *host, swl_str_t config, const swl_plugin_t **out_plugin, swl_error_t *error)
{
    reactor_t *r = &instance_storage;
    memset(r, 0, sizeof *r);
    r->host = host;
    r->orders_per_round = orders_per_round(config, error);
    if (r->orders_per_round == 0) return SWL_ERR_INVALID_ARGUMENT;
    swl_str_t id = SWL_STR(SWL_EXT_HOST_TRADING);
    r->trading = (const swl_host_trading_t *)host->get_extension(host, id);
    if (r->trading == NULL || r->trading->struct_size < sizeof(swl_host_trading_t)) {
        if (error != NULL) {
            error->status = SWL_ERR_UNSUPPORTED;
            strncpy(error->message, "host has no swiftlet.host.trading/1", sizeof error->message - 1);
        }
        return SWL_ERR_UNSUPPORTED;
    }
    r->plugin.struct_size = sizeof(swl_plugin_t);
    r->plugin.plugin_data = r;
    r->plugin.start = start;
    r->plugin.stop = stop;
    r->plugin.destroy = destroy;
    *out_plugin = &r->plugin;
    return SWL_OK;
}

static const void *get_extension(swl_str_t extension_id)
{
    return str_equals(extension_id, SWL_EXT_STRATEGY) ? &strategy_table : NULL;
}

static const swl_plugin_descriptor_t descriptor = {
    .struct_size = sizeof(swl_plugin_descriptor_t),
    .abi_major = SWL_ABI_MAJOR,
    .abi_minor = SWL_ABI_MINOR,
    .id = SWL_STR("bench_tick_to_order"),
    .version = SWL_STR("1.0.0"),
    .name = SWL_STR("Tick-to-order benchmark strategy"),
    .vendor = SWL_STR("Swiftlet"),
    .description = SWL_STR("Order requests per book update: place far post-only bids, then cancel them."),
    .kinds = SWL_KIND_STRATEGY,
    .get_extension = get_extension,
    .create = create,
};

SWL_EXPORT const swl_plugin_descriptor_t *swiftlet_plugin_entry(void)
{
    return &descriptor;
}
