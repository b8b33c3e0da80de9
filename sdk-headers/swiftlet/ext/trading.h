/* Swiftlet SDK extension "swiftlet.trading/1": a trading connector (spot or perpetual).
 *
 * A plugin of kind SWL_KIND_CONNECTOR answers SWL_EXT_TRADING from
 * descriptor->get_extension. Every function takes the instance first and is
 * serialized per instance by the host (plugin.h).
 *
 * Model: calls that talk to the exchange return as soon as the request is queued;
 * their outcome arrives as events (ORDER_UPDATE, FILL, ERROR). Calls that read state
 * answer from the connector's local view, kept current by its streams and
 * reconciliation. Sizes are in base units; for a spot MARKET BUY the connector
 * converts to the quote amount the exchange expects (quote_size may be given
 * instead). */
#ifndef SWIFTLET_EXT_TRADING_H
#define SWIFTLET_EXT_TRADING_H

#include "../plugin.h"

SWL_EXTERN_C_BEGIN

#define SWL_EXT_TRADING "swiftlet.trading/1"

/* Trading rules of one symbol. Strings point into the connector's storage and stay
 * valid until the next call into the instance. */
typedef struct swl_instrument {
    uint32_t struct_size;
    int32_t is_perpetual;          /* 1 for perpetual contracts */
    swl_str_t symbol;              /* "BTCUSDT" */
    swl_str_t base_asset;          /* "BTC" */
    swl_str_t quote_asset;         /* "USDT" */
    swl_decimal_t price_increment; /* tick, e.g. 0.01 */
    swl_decimal_t size_increment;  /* lot, e.g. 0.000001 */
    swl_decimal_t min_size;
    swl_decimal_t min_notional;    /* in quote */
    swl_decimal_t maker_fee_rate;
    swl_decimal_t taker_fee_rate;
    swl_decimal_t contract_size;   /* base per contract; 1 for spot */
} swl_instrument_t;

/* Market data a strategy asks for. */
typedef int32_t swl_channel_t;
enum { SWL_CHANNEL_BOOK = 1, SWL_CHANNEL_TRADES = 2, SWL_CHANNEL_TICKER = 3 };

typedef struct swl_order_request {
    uint32_t struct_size;
    swl_side_t side;
    swl_str_t symbol;
    /* Client order id. Empty: the connector generates one (unique, within the
     * exchange's charset/length) and reports it in ORDER_UPDATE and in out_id. */
    swl_str_t client_order_id;
    swl_order_type_t type;
    swl_time_in_force_t time_in_force; /* ignored for MARKET */
    swl_decimal_t price;               /* LIMIT only */
    swl_decimal_t size;                /* base units; may be 0 for a spot market buy
                                          that gives quote_size */
    swl_decimal_t quote_size;          /* spot MARKET BUY only, optional */
    swl_position_side_t position_side; /* perpetuals: the position acted on */
    int32_t reduce_only;               /* 1: only reduce position_side's position */
} swl_order_request_t;

/* Where an order's client id is written: caller-owned buffer. */
typedef struct swl_order_id_buffer {
    char *data;
    size_t capacity;   /* 64 is always enough */
    size_t length;     /* set by the callee */
} swl_order_id_buffer_t;

/* Cached state of one order; strings valid until the next call into the instance. */
typedef struct swl_order {
    uint32_t struct_size;
    swl_order_state_t state;
    swl_str_t symbol;
    swl_str_t client_order_id;
    swl_str_t exchange_order_id;
    swl_side_t side;
    swl_order_type_t type;
    swl_decimal_t price;
    swl_decimal_t size;
    swl_decimal_t filled_size;
    swl_decimal_t average_fill_price;
    swl_position_side_t position_side;
    int32_t reserved;
    swl_time_ns_t created_time;
    swl_time_ns_t updated_time;
} swl_order_t;

typedef struct swl_balance {
    uint32_t struct_size;
    uint32_t reserved;
    swl_str_t asset;
    swl_decimal_t total;
    swl_decimal_t available;
    swl_decimal_t locked;
} swl_balance_t;

/* Called once per item by the listing functions below; items are borrowed for the
 * duration of the callback. Return 0 to continue, non-zero to stop early. */
typedef int32_t (*swl_order_visitor_t)(void *user, const swl_order_t *order);
typedef int32_t (*swl_balance_visitor_t)(void *user, const swl_balance_t *balance);
typedef int32_t (*swl_instrument_visitor_t)(void *user, const swl_instrument_t *instrument);

typedef struct swl_trading {
    uint32_t struct_size;
    uint32_t reserved;

    /* Trading rules: one symbol, or all (visited in symbol order).
     * SWL_ERR_NOT_FOUND for an unknown symbol. */
    swl_status_t (*get_instrument)(const swl_plugin_t *plugin, swl_str_t symbol,
                                   swl_instrument_t *out, swl_error_t *error);
    swl_status_t (*list_instruments)(const swl_plugin_t *plugin,
                                     swl_instrument_visitor_t visit, void *user,
                                     swl_error_t *error);

    /* Start / stop streaming a channel for a symbol. Data arrives as events. */
    swl_status_t (*subscribe)(const swl_plugin_t *plugin, swl_channel_t channel,
                              swl_str_t symbol, swl_error_t *error);
    swl_status_t (*unsubscribe)(const swl_plugin_t *plugin, swl_channel_t channel,
                                swl_str_t symbol, swl_error_t *error);

    /* Place an order. The connector quantizes price/size to the instrument's rules
     * and refuses (SWL_ERR_INVALID_ARGUMENT, nothing sent) what cannot be quantized
     * or is below the minimums. On SWL_OK the order exists locally in
     * PENDING_CREATE and its client id is in *out_id; every later state comes as
     * ORDER_UPDATE events, including FAILED if the exchange refuses it. */
    swl_status_t (*place_order)(const swl_plugin_t *plugin, const swl_order_request_t *request,
                                swl_order_id_buffer_t *out_id, swl_error_t *error);
    /* Place several orders in as few exchange requests as allowed. out_ids has
     * `count` entries; out_statuses (may be NULL) gets a per-order status. Returns
     * SWL_OK if every order was accepted locally. */
    swl_status_t (*place_orders)(const swl_plugin_t *plugin, const swl_order_request_t *requests,
                                 size_t count, swl_order_id_buffer_t *out_ids,
                                 swl_status_t *out_statuses, swl_error_t *error);
    /* Cancel by client order id. The order reports PENDING_CANCEL then CANCELLED
     * (or FILLED if it filled first). SWL_ERR_NOT_FOUND if unknown or final. */
    swl_status_t (*cancel_order)(const swl_plugin_t *plugin, swl_str_t symbol,
                                 swl_str_t client_order_id, swl_error_t *error);
    swl_status_t (*cancel_orders)(const swl_plugin_t *plugin, swl_str_t symbol,
                                  const swl_str_t *client_order_ids, size_t count,
                                  swl_status_t *out_statuses, swl_error_t *error);
    /* Cancel every open order of a symbol (empty symbol: of every symbol). */
    swl_status_t (*cancel_all)(const swl_plugin_t *plugin, swl_str_t symbol, swl_error_t *error);

    /* Read the local view. */
    swl_status_t (*get_order)(const swl_plugin_t *plugin, swl_str_t client_order_id,
                              swl_order_t *out, swl_error_t *error);
    swl_status_t (*list_open_orders)(const swl_plugin_t *plugin, swl_str_t symbol,
                                     swl_order_visitor_t visit, void *user, swl_error_t *error);
    swl_status_t (*list_balances)(const swl_plugin_t *plugin, swl_balance_visitor_t visit,
                                  void *user, swl_error_t *error);
} swl_trading_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_EXT_TRADING_H */
