/* Swiftlet SDK: normalized events.
 *
 * A connector, candle feed or strategy reports what happened by emitting events
 * through swl_host_t.emit. The host copies what it needs before emit returns, so
 * every pointer inside an event is BORROWED for the duration of the emit call only.
 * Events the host delivers to a strategy (swl_strategy_t.on_event) are likewise
 * borrowed for the duration of that call.
 *
 * Every event struct begins with swl_event_header_t. header.struct_size is the
 * size of the whole event struct as the emitter knows it; a receiver reads members
 * past the ones it knows only after checking it (SWL_HAS_MEMBER). The host refuses
 * (SWL_ERR_ABI) an event whose struct_size is smaller than the ABI 1.0 layout of its
 * kind, and (SWL_ERR_INVALID_ARGUMENT) one with an unknown kind. */
#ifndef SWIFTLET_EVENTS_H
#define SWIFTLET_EVENTS_H

#include "types.h"
#include "status.h"

SWL_EXTERN_C_BEGIN

typedef uint32_t swl_event_kind_t;
enum {
    SWL_EVENT_BOOK_SNAPSHOT = 1,  /* swl_book_event_t: full book, replaces any previous */
    SWL_EVENT_BOOK_DELTA = 2,     /* swl_book_event_t: changed levels; size 0 deletes */
    SWL_EVENT_BOOK_RESYNC = 3,    /* swl_book_resync_event_t: book was dropped and is being rebuilt */
    SWL_EVENT_TRADE = 4,          /* swl_trade_event_t: a public trade */
    SWL_EVENT_TICKER = 5,         /* swl_ticker_event_t */
    SWL_EVENT_ORDER_UPDATE = 6,   /* swl_order_event_t: one of our orders changed state */
    SWL_EVENT_FILL = 7,           /* swl_fill_event_t: one of our orders traded */
    SWL_EVENT_BALANCE = 8,        /* swl_balance_event_t */
    SWL_EVENT_POSITION = 9,       /* swl_position_event_t (perpetual connectors) */
    SWL_EVENT_FUNDING_INFO = 10,  /* swl_funding_info_event_t: rate, next time, mark/index */
    SWL_EVENT_FUNDING_PAYMENT = 11, /* swl_funding_payment_event_t: funding booked to us */
    SWL_EVENT_CANDLE = 12,        /* swl_candle_event_t: forming or closed candle */
    SWL_EVENT_ERROR = 13,         /* swl_error_event_t: something failed asynchronously */
    SWL_EVENT_CONNECTION = 14,    /* swl_connection_event_t: a stream's health changed */
    SWL_EVENT_TIMER = 15          /* swl_timer_event_t: delivered to strategies only */
};

/* Common header of every event. */
typedef struct swl_event_header {
    uint32_t struct_size;        /* sizeof the whole event struct */
    swl_event_kind_t kind;
    swl_time_ns_t exchange_time; /* when the exchange says it happened; 0 if unknown */
    swl_time_ns_t local_time;    /* when the emitter received it (swl_host_t.now_ns) */
    swl_str_t source;            /* connector/feed id that produced it, e.g. "bitget"; the
                                    host fills it in on delivery, emitters may leave it empty */
    swl_str_t symbol;            /* exchange symbol, e.g. "BTCUSDT"; empty if not market-specific */
} swl_event_header_t;

/* One price level. */
typedef struct swl_level {
    swl_decimal_t price;
    swl_decimal_t size; /* in a delta, 0 deletes the level */
} swl_level_t;

typedef struct swl_book_event {
    swl_event_header_t header;  /* kind BOOK_SNAPSHOT or BOOK_DELTA */
    const swl_level_t *bids;    /* best (highest) first; borrowed */
    size_t bid_count;
    const swl_level_t *asks;    /* best (lowest) first; borrowed */
    size_t ask_count;
    int64_t sequence;           /* exchange sequence number, 0 if none */
} swl_book_event_t;

typedef struct swl_book_resync_event {
    swl_event_header_t header;  /* kind BOOK_RESYNC */
    swl_str_t reason;           /* e.g. "checksum mismatch at seq 1234" */
} swl_book_resync_event_t;

typedef struct swl_trade_event {
    swl_event_header_t header;  /* kind TRADE */
    swl_str_t trade_id;
    swl_side_t taker_side;
    int32_t reserved;
    swl_decimal_t price;
    swl_decimal_t size;
} swl_trade_event_t;

typedef struct swl_ticker_event {
    swl_event_header_t header;  /* kind TICKER */
    swl_decimal_t last_price;
    swl_decimal_t best_bid;
    swl_decimal_t best_bid_size;
    swl_decimal_t best_ask;
    swl_decimal_t best_ask_size;
    swl_decimal_t base_volume_24h;
    swl_decimal_t quote_volume_24h;
} swl_ticker_event_t;

/* Order state machine (docs/abi.md): PENDING_CREATE -> OPEN -> PARTIALLY_FILLED ->
 * FILLED | CANCELLED; PENDING_CREATE -> FAILED; PENDING_CANCEL is reported while a
 * cancel is in flight. FILLED, CANCELLED and FAILED are final: no later update for
 * the same client order id may report another state. */
typedef int32_t swl_order_state_t;
enum {
    SWL_ORDER_PENDING_CREATE = 1,
    SWL_ORDER_OPEN = 2,
    SWL_ORDER_PARTIALLY_FILLED = 3,
    SWL_ORDER_FILLED = 4,
    SWL_ORDER_PENDING_CANCEL = 5,
    SWL_ORDER_CANCELLED = 6,
    SWL_ORDER_FAILED = 7
};

typedef int32_t swl_order_type_t;
enum { SWL_ORDER_LIMIT = 1, SWL_ORDER_MARKET = 2 };

typedef int32_t swl_time_in_force_t;
enum { SWL_TIF_GTC = 1, SWL_TIF_IOC = 2, SWL_TIF_FOK = 3, SWL_TIF_POST_ONLY = 4 };

/* Which position an order acts on (perpetual connectors). NONE for spot, and for
 * one-way mode when the strategy does not care. */
typedef int32_t swl_position_side_t;
enum { SWL_POSITION_NONE = 0, SWL_POSITION_LONG = 1, SWL_POSITION_SHORT = 2 };

typedef struct swl_order_event {
    swl_event_header_t header;      /* kind ORDER_UPDATE */
    swl_str_t client_order_id;
    swl_str_t exchange_order_id;    /* empty until the exchange assigned one */
    swl_order_state_t state;
    swl_side_t side;
    swl_order_type_t type;
    swl_position_side_t position_side;
    swl_decimal_t price;            /* limit price; 0 for market orders */
    swl_decimal_t size;             /* ordered size in base units (contracts' base for perps) */
    swl_decimal_t filled_size;      /* cumulative */
    swl_decimal_t average_fill_price; /* 0 when nothing filled */
    swl_str_t reason;               /* why FAILED / CANCELLED, when known; else empty */
} swl_order_event_t;

typedef struct swl_fill_event {
    swl_event_header_t header;      /* kind FILL */
    swl_str_t trade_id;             /* unique per exchange and symbol; the dedupe key */
    swl_str_t client_order_id;
    swl_str_t exchange_order_id;
    swl_side_t side;
    int32_t is_maker;               /* 1 maker, 0 taker */
    swl_decimal_t price;
    swl_decimal_t size;
    swl_decimal_t fee;              /* fee PAID is positive, a rebate negative (normalized:
                                       Bitget's negative "fee paid" is flipped by the connector) */
    swl_str_t fee_asset;
    swl_position_side_t position_side;
    int32_t reserved;
} swl_fill_event_t;

typedef struct swl_balance_event {
    swl_event_header_t header;      /* kind BALANCE; header.symbol empty */
    swl_str_t asset;
    swl_decimal_t total;
    swl_decimal_t available;
    swl_decimal_t locked;           /* frozen in orders or otherwise unavailable */
} swl_balance_event_t;

typedef int32_t swl_margin_mode_t;
enum { SWL_MARGIN_CROSSED = 1, SWL_MARGIN_ISOLATED = 2 };

typedef struct swl_position_event {
    swl_event_header_t header;      /* kind POSITION */
    swl_position_side_t side;       /* LONG or SHORT; a flat position has size 0 */
    swl_margin_mode_t margin_mode;
    swl_decimal_t size;             /* base units, >= 0 */
    swl_decimal_t entry_price;
    swl_decimal_t mark_price;
    swl_decimal_t unrealized_pnl;
    swl_decimal_t realized_pnl;
    swl_decimal_t margin;
    swl_decimal_t leverage;
    swl_decimal_t liquidation_price; /* 0 when none */
    swl_str_t margin_asset;
} swl_position_event_t;

typedef struct swl_funding_info_event {
    swl_event_header_t header;      /* kind FUNDING_INFO */
    swl_decimal_t rate;             /* current funding rate, e.g. 0.0001 */
    swl_time_ns_t next_funding_time;
    swl_decimal_t mark_price;
    swl_decimal_t index_price;
} swl_funding_info_event_t;

typedef struct swl_funding_payment_event {
    swl_event_header_t header;      /* kind FUNDING_PAYMENT */
    swl_str_t payment_id;           /* the exchange's bill id; the dedupe key */
    swl_decimal_t amount;           /* received positive, paid negative */
    swl_decimal_t rate;             /* the rate applied, when known; else 0 */
    swl_str_t asset;
} swl_funding_payment_event_t;

typedef struct swl_candle {
    swl_time_ns_t open_time;
    swl_decimal_t open;
    swl_decimal_t high;
    swl_decimal_t low;
    swl_decimal_t close;
    swl_decimal_t base_volume;
    swl_decimal_t quote_volume;
} swl_candle_t;

typedef struct swl_candle_event {
    swl_event_header_t header;      /* kind CANDLE */
    swl_str_t feed;                 /* e.g. "bitget_spot_candles" */
    swl_str_t interval;             /* normalized name (ext/candles.h): "1m", "3m", ... "1M" */
    swl_candle_t candle;
    int32_t closed;                 /* 1 when the period has ended and the candle is final */
    int32_t reserved;
} swl_candle_event_t;

typedef struct swl_error_event {
    swl_event_header_t header;      /* kind ERROR */
    swl_status_t status;
    int32_t reserved;
    swl_str_t code;                 /* exchange error code if any, e.g. "43012" */
    swl_str_t message;
} swl_error_event_t;

typedef int32_t swl_connection_state_t;
enum {
    SWL_CONNECTION_CONNECTING = 1,
    SWL_CONNECTION_CONNECTED = 2,
    SWL_CONNECTION_DISCONNECTED = 3,
    SWL_CONNECTION_RECONNECTING = 4
};

typedef struct swl_connection_event {
    swl_event_header_t header;      /* kind CONNECTION */
    swl_str_t stream;               /* e.g. "public", "private" */
    swl_connection_state_t state;
    int32_t reserved;
    swl_str_t detail;
} swl_connection_event_t;

typedef struct swl_timer_event {
    swl_event_header_t header;      /* kind TIMER */
    uint64_t timer_id;
} swl_timer_event_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_EVENTS_H */
