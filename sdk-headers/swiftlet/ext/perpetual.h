/* Swiftlet SDK extension "swiftlet.perpetual/1": what a perpetual-futures connector
 * adds to "swiftlet.trading/1": position and margin modes, leverage, positions and
 * funding. Orders still go through swl_trading_t; swl_order_request_t.position_side
 * and reduce_only express open/close long/short in every position mode, and the
 * connector maps them to the exchange's fields (Bitget: side/tradeSide/reduceOnly). */
#ifndef SWIFTLET_EXT_PERPETUAL_H
#define SWIFTLET_EXT_PERPETUAL_H

#include "trading.h"

SWL_EXTERN_C_BEGIN

#define SWL_EXT_PERPETUAL "swiftlet.perpetual/1"

typedef int32_t swl_position_mode_t;
enum { SWL_POSITION_MODE_ONE_WAY = 1, SWL_POSITION_MODE_HEDGE = 2 };

/* A position; strings valid until the next call into the instance. */
typedef struct swl_position {
    uint32_t struct_size;
    swl_position_side_t side;
    swl_str_t symbol;
    swl_margin_mode_t margin_mode;
    int32_t reserved;
    swl_decimal_t size;
    swl_decimal_t entry_price;
    swl_decimal_t mark_price;
    swl_decimal_t unrealized_pnl;
    swl_decimal_t realized_pnl;
    swl_decimal_t margin;
    swl_decimal_t leverage;
    swl_decimal_t liquidation_price;
} swl_position_t;

typedef struct swl_funding_info {
    uint32_t struct_size;
    uint32_t reserved;
    swl_decimal_t rate;
    swl_time_ns_t next_funding_time;
    swl_decimal_t mark_price;
    swl_decimal_t index_price;
} swl_funding_info_t;

typedef int32_t (*swl_position_visitor_t)(void *user, const swl_position_t *position);

typedef struct swl_perpetual {
    uint32_t struct_size;
    uint32_t reserved;

    /* Position mode of the account (per product type on Bitget). Setting it is
     * refused (SWL_ERR_STATE) while positions or orders are open. The connector never
     * changes it on its own. */
    swl_status_t (*get_position_mode)(const swl_plugin_t *plugin, swl_position_mode_t *out,
                                      swl_error_t *error);
    swl_status_t (*set_position_mode)(const swl_plugin_t *plugin, swl_position_mode_t mode,
                                      swl_error_t *error);

    /* Margin mode per symbol. */
    swl_status_t (*get_margin_mode)(const swl_plugin_t *plugin, swl_str_t symbol,
                                    swl_margin_mode_t *out, swl_error_t *error);
    swl_status_t (*set_margin_mode)(const swl_plugin_t *plugin, swl_str_t symbol,
                                    swl_margin_mode_t mode, swl_error_t *error);

    /* Leverage per symbol; `side` NONE for both sides, LONG/SHORT where the exchange
     * allows per-side leverage (isolated hedge). Out-of-range values are refused with
     * SWL_ERR_INVALID_ARGUMENT naming the contract's limits. */
    swl_status_t (*get_leverage)(const swl_plugin_t *plugin, swl_str_t symbol,
                                 swl_position_side_t side, swl_decimal_t *out,
                                 swl_error_t *error);
    swl_status_t (*set_leverage)(const swl_plugin_t *plugin, swl_str_t symbol,
                                 swl_position_side_t side, swl_decimal_t leverage,
                                 swl_error_t *error);

    /* Positions from the local view (kept by the positions stream + reconciliation). */
    swl_status_t (*get_position)(const swl_plugin_t *plugin, swl_str_t symbol,
                                 swl_position_side_t side, swl_position_t *out,
                                 swl_error_t *error);
    swl_status_t (*list_positions)(const swl_plugin_t *plugin, swl_position_visitor_t visit,
                                   void *user, swl_error_t *error);

    /* Latest funding info of a symbol (also emitted as FUNDING_INFO events). */
    swl_status_t (*get_funding_info)(const swl_plugin_t *plugin, swl_str_t symbol,
                                     swl_funding_info_t *out, swl_error_t *error);
} swl_perpetual_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_EXT_PERPETUAL_H */
