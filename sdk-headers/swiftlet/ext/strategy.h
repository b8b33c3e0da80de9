/* Swiftlet SDK extension "swiftlet.strategy/1" (plugin side) and
 * "swiftlet.host.trading/1" (host side): a strategy and the trading API it uses.
 *
 * A strategy receives events and acts only through the host's trading API, which
 * routes each call by connector id to the right connector instance after the
 * host's risk checks. So one strategy can trade any connector, spot or perpetual. */
#ifndef SWIFTLET_EXT_STRATEGY_H
#define SWIFTLET_EXT_STRATEGY_H

#include "trading.h"
#include "perpetual.h"
#include "candles.h"

SWL_EXTERN_C_BEGIN

#define SWL_EXT_STRATEGY "swiftlet.strategy/1"
#define SWL_EXT_HOST_TRADING "swiftlet.host.trading/1"

/* Plugin side: a plugin of kind SWL_KIND_STRATEGY answers SWL_EXT_STRATEGY. */
typedef struct swl_strategy {
    uint32_t struct_size;
    uint32_t reserved;
    /* One event (events.h), borrowed for the call. Called on the strategy's serial
     * context, in the order the host received the events. A non-OK status is logged
     * and reported; it does not stop delivery. */
    swl_status_t (*on_event)(const swl_plugin_t *plugin, const swl_event_header_t *event,
                             swl_error_t *error);
} swl_strategy_t;

/* Host side: obtained with host->get_extension(host, SWL_STR(SWL_EXT_HOST_TRADING)).
 * Every call names the connector by the id it was configured under (e.g. "bitget",
 * "bitget_perpetual"). Each call first passes the host's risk checks (max order
 * size/notional, available balance/margin, kill switch) and is refused with
 * SWL_ERR_STATE or SWL_ERR_INSUFFICIENT_FUNDS and a message when it fails them.
 * Outcomes arrive as events, exactly as from the connector. */
typedef struct swl_host_trading {
    uint32_t struct_size;
    uint32_t reserved;

    /* Ask for market data: channel of symbol on connector. */
    swl_status_t (*subscribe)(const swl_host_t *host, swl_str_t connector,
                              swl_channel_t channel, swl_str_t symbol, swl_error_t *error);
    /* Ask for candles from a feed (ext/candles.h), with `history` candles backfilled. */
    swl_status_t (*subscribe_candles)(const swl_host_t *host, swl_str_t feed_plugin,
                                      swl_str_t feed, swl_str_t symbol, swl_str_t interval,
                                      uint32_t history, swl_error_t *error);

    swl_status_t (*place_order)(const swl_host_t *host, swl_str_t connector,
                                const swl_order_request_t *request,
                                swl_order_id_buffer_t *out_id, swl_error_t *error);
    swl_status_t (*cancel_order)(const swl_host_t *host, swl_str_t connector, swl_str_t symbol,
                                 swl_str_t client_order_id, swl_error_t *error);
    swl_status_t (*cancel_all)(const swl_host_t *host, swl_str_t connector, swl_str_t symbol,
                               swl_error_t *error);

    /* Queries answered from the host's state (books, orders, balances, positions). */
    swl_status_t (*get_order)(const swl_host_t *host, swl_str_t connector,
                              swl_str_t client_order_id, swl_order_t *out, swl_error_t *error);
    swl_status_t (*get_balance)(const swl_host_t *host, swl_str_t connector, swl_str_t asset,
                                swl_balance_t *out, swl_error_t *error);
    swl_status_t (*get_position)(const swl_host_t *host, swl_str_t connector, swl_str_t symbol,
                                 swl_position_side_t side, swl_position_t *out,
                                 swl_error_t *error);
    /* Best bid and ask of a tracked book. SWL_ERR_STATE while the book resyncs. */
    swl_status_t (*get_top_of_book)(const swl_host_t *host, swl_str_t connector,
                                    swl_str_t symbol, swl_level_t *out_bid, swl_level_t *out_ask,
                                    swl_error_t *error);
    /* The rolling candle window of a subscription (ext/candles.h rules). */
    swl_status_t (*get_candles)(const swl_host_t *host, swl_str_t feed_plugin, swl_str_t feed,
                                swl_str_t symbol, swl_str_t interval, swl_candle_window_t *out,
                                swl_error_t *error);
} swl_host_trading_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_EXT_STRATEGY_H */
