#ifndef CSWIFTLET_SHA256_H
#define CSWIFTLET_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The SHA-256 compression function on the CPU's SHA extensions (x86-64 SHA-NI), for the
 * order path's HMAC-SHA256 signer. Elsewhere, or on a CPU without them, only
 * `swl_sha256_has_extensions` may be called, and it returns false. */

/* True if this CPU has the SHA extensions (and the SSSE3 and SSE4.1 the code also uses). */
bool swl_sha256_has_extensions(void);

/* Runs `blocks` 64-byte blocks at `data` through the compression function, updating
 * `state` (the eight words a to h, in FIPS 180-4's order). Call only when
 * `swl_sha256_has_extensions()` is true. */
void swl_sha256_compress_with_extensions(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
