/* Swiftlet SDK extension "swiftlet.candles/1": a candle feed. One plugin may serve
 * several feeds (e.g. "bitget_spot_candles" and "bitget_perpetual_candles").
 *
 * Intervals are named the same for every feed: "1m","3m","5m","15m","30m","1h",
 * "4h","6h","12h","1d","3d","1w","1M". The plugin translates them to the exchange's
 * names. Candles arrive as SWL_EVENT_CANDLE events (closed = 1 exactly once per
 * period, in open_time order, with no gap) and are kept in a rolling window per
 * (feed, symbol, interval) that callers read without copying. */
#ifndef SWIFTLET_EXT_CANDLES_H
#define SWIFTLET_EXT_CANDLES_H

#include "../plugin.h"

SWL_EXTERN_C_BEGIN

#define SWL_EXT_CANDLES "swiftlet.candles/1"

/* A read-only view of a rolling window: closed candles in open_time order, oldest
 * first, as at most two contiguous runs (a ring buffer's two halves): first[0..
 * first_count) then second[0..second_count). BORROWED: valid until the next call into
 * the instance. */
typedef struct swl_candle_window {
    uint32_t struct_size;
    uint32_t reserved;
    const swl_candle_t *first;
    size_t first_count;
    const swl_candle_t *second;
    size_t second_count;
    /* The forming (not yet closed) candle, or NULL. */
    const swl_candle_t *forming;
} swl_candle_window_t;

/* Completion of fetch_range. */
typedef void (*swl_candle_range_callback_t)(void *user, swl_status_t status,
                                            const swl_candle_t *candles, size_t count,
                                            swl_str_t error_message);

typedef struct swl_candle_feeds {
    uint32_t struct_size;
    uint32_t reserved;

    /* Feed ids this instance serves, visited one by one (borrowed strings). */
    swl_status_t (*list_feeds)(const swl_plugin_t *plugin,
                               int32_t (*visit)(void *user, swl_str_t feed), void *user,
                               swl_error_t *error);

    /* Start a live feed: backfill `history` closed candles, then follow live, with
     * a rolling window of at least `history` candles. SWL_ERR_NOT_FOUND for an
     * unknown feed/symbol, SWL_ERR_INVALID_ARGUMENT for an unknown interval. */
    swl_status_t (*subscribe)(const swl_plugin_t *plugin, swl_str_t feed, swl_str_t symbol,
                              swl_str_t interval, uint32_t history, swl_error_t *error);
    swl_status_t (*unsubscribe)(const swl_plugin_t *plugin, swl_str_t feed, swl_str_t symbol,
                                swl_str_t interval, swl_error_t *error);

    /* Fetch exactly the closed candles with start <= open_time < end, paging through
     * the exchange's history as needed and respecting its rate limits. Returns at
     * once; `done` is called exactly once, later, from the instance's serial context,
     * with the candles in open_time order (borrowed for the callback) or an error
     * status and message. Range candles are not emitted as events. */
    swl_status_t (*fetch_range)(const swl_plugin_t *plugin, swl_str_t feed, swl_str_t symbol,
                                swl_str_t interval, swl_time_ns_t start, swl_time_ns_t end,
                                swl_candle_range_callback_t done, void *user,
                                swl_error_t *error);

    /* Read the rolling window of a subscription. */
    swl_status_t (*window)(const swl_plugin_t *plugin, swl_str_t feed, swl_str_t symbol,
                           swl_str_t interval, swl_candle_window_t *out, swl_error_t *error);
} swl_candle_feeds_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_EXT_CANDLES_H */
