#ifndef SWIFTLET_REFERENCE_PATH_H
#define SWIFTLET_REFERENCE_PATH_H

#include <stddef.h>
#include <stdint.h>

/// One round of the reference path, in nanoseconds.
typedef struct {
    int64_t read;      ///< readable socket → the frame read
    int64_t apply;     ///< the frame's levels parsed and applied to the book
    int64_t checksum;  ///< the top-25 checksum computed and compared with the frame's
    int64_t order;     ///< the order's price, body, signature and HTTP request built
    int64_t write;     ///< the request written to its socket
} swl_reference_sample;

/// Runs the tick-to-order work in plain C, one function, no framework: an exchange thread
/// pinned to `exchange_cpu` sends `frames[0]` (a books snapshot) and then one update
/// every `gap_ms` over loopback TCP; a bot thread pinned to `bot_cpu` reads each, applies
/// it to its book, checks the frame's checksum, and writes a signed post-only order request
/// to a second connection. Rounds after the first `warmup` updates fill `samples`
/// (`frame_count - 1 - warmup` of them). A CPU below 0 leaves the thread unpinned.
/// Returns 0, or -1 with the reason in `error` (a failed self-test, a checksum that does
/// not match, an I/O error).
int swl_reference_path_run(const char *const *frames, int frame_count, int warmup, int gap_ms,
                           int exchange_cpu, int bot_cpu, swl_reference_sample *samples,
                           char *error, size_t error_capacity);

#endif
