/* Swiftlet SDK: value types shared by every table: strings, exact decimals, time. */
#ifndef SWIFTLET_TYPES_H
#define SWIFTLET_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include "private/macros.h"

SWL_EXTERN_C_BEGIN

/* A UTF-8 string as pointer + length in bytes. Not NUL-terminated unless stated.
 * `ptr` may be NULL only when `len` is 0. Ownership: BORROWED for the duration of
 * the call it is passed to, unless the member's comment says otherwise; copy it to
 * keep it. */
typedef struct swl_str {
    const char *ptr;
    size_t len;
} swl_str_t;

/* Builds a swl_str_t from a string literal: SWL_STR("BTCUSDT"). */
#define SWL_STR(literal) { (literal), sizeof(literal) - 1 }

/* An exact decimal: value = mantissa * 10^(-scale). Every price, size, balance, fee,
 * rate and PnL crosses the ABI as this type; never as binary floating point.
 * - scale is in 0...18; mantissa may be negative (fees paid, short positions).
 * - 97000.01 is {9700001, 2}; "0.000100" may arrive as {100, 6} — trailing zeros
 *   are allowed and carry the precision the exchange sent.
 * - Values that do not fit (more than 18 significant digits) are an error
 *   (SWL_ERR_INVALID_ARGUMENT), never silently rounded. */
typedef struct swl_decimal {
    int64_t mantissa;
    int32_t scale;
    int32_t reserved; /* must be 0 */
} swl_decimal_t;

/* Nanoseconds. Wall-clock timestamps are nanoseconds since the Unix epoch (UTC);
 * durations are plain nanoseconds. */
typedef int64_t swl_time_ns_t;

/* Tests whether a size-prefixed struct that the other side filled in is large enough
 * to contain `member`. Use it before reading any member added in a later ABI minor:
 *   if (SWL_HAS_MEMBER(swl_host_t, host, kv_delete)) host->kv_delete(...); */
#define SWL_HAS_MEMBER(type, ptr, member) \
    ((ptr)->struct_size >= offsetof(type, member) + sizeof(((type *)0)->member))

/* Order side. */
typedef int32_t swl_side_t;
enum { SWL_SIDE_BUY = 1, SWL_SIDE_SELL = 2 };

SWL_EXTERN_C_END

#endif /* SWIFTLET_TYPES_H */
