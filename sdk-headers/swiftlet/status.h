/* Swiftlet SDK: status codes and the error record returned by every call. */
#ifndef SWIFTLET_STATUS_H
#define SWIFTLET_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include "private/macros.h"

SWL_EXTERN_C_BEGIN

/* Result of every ABI call that can fail. 0 is success; everything else is an error
 * whose human-readable explanation is written into the caller's swl_error_t.
 * Values are stable: new codes may be added (ABI minor), none is ever renumbered. */
typedef int32_t swl_status_t;
enum {
    SWL_OK = 0,
    SWL_ERR_INVALID_ARGUMENT = 1, /* malformed or out-of-range input; nothing was done */
    SWL_ERR_UNSUPPORTED = 2,      /* the callee does not implement this operation */
    SWL_ERR_NOT_FOUND = 3,        /* unknown symbol, order, key, timer, connection... */
    SWL_ERR_STATE = 4,            /* not allowed in the current state (e.g. not started) */
    SWL_ERR_IO = 5,               /* transport failure: connect, DNS, TLS, socket closed */
    SWL_ERR_TIMEOUT = 6,          /* the operation did not finish in time */
    SWL_ERR_EXCHANGE = 7,         /* the exchange refused the request (see message) */
    SWL_ERR_RATE_LIMITED = 8,     /* refused locally or remotely because of a rate limit */
    SWL_ERR_AUTH = 9,             /* credentials missing, invalid signature, bad passphrase */
    SWL_ERR_INSUFFICIENT_FUNDS = 10,
    SWL_ERR_BUFFER_TOO_SMALL = 11, /* an output buffer was too small; nothing was written */
    SWL_ERR_ABI = 12,             /* ABI mismatch: wrong version or a struct too small */
    SWL_ERR_INTERNAL = 13         /* a bug in the callee; the call had no effect */
};

/* Capacity of swl_error_t.message, including the terminating NUL. */
#define SWL_ERROR_MESSAGE_CAPACITY 512

/* Error record. The CALLER owns it (usually on its stack) and passes a pointer, or
 * NULL when it does not want details. The callee, on failure, sets `status` and
 * writes a NUL-terminated UTF-8 message (truncated to fit) into `message`; on
 * success it leaves the record untouched. The callee never keeps the pointer.
 * Set struct_size = sizeof(swl_error_t) before the call; a callee never writes more
 * than struct_size bytes of the record (a record smaller than 1.0's gets no message). */
typedef struct swl_error {
    uint32_t struct_size;
    swl_status_t status;
    char message[SWL_ERROR_MESSAGE_CAPACITY];
} swl_error_t;

SWL_EXTERN_C_END

#endif /* SWIFTLET_STATUS_H */
