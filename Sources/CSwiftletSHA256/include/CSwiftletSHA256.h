#ifndef CSWIFTLET_SHA256_H
#define CSWIFTLET_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SHA-256's compression function (FIPS 180-4), for the order path's HMAC-SHA256 signer and
 * the C floor of the tick-to-order benchmark: in portable C, and on the CPU's SHA
 * extensions (x86-64 SHA-NI). Both update `state` (the eight words a to h, in FIPS 180-4's
 * order) with `blocks` 64-byte blocks at `data`. */

/* True if this CPU has the SHA extensions (and the SSSE3 and SSE4.1 the code also uses);
 * always false off x86-64. Asks the CPU (`cpuid`, slow in a virtual machine): call once. */
bool swl_sha256_has_extensions(void);

/* The compression function on the SHA extensions. Call only when
 * `swl_sha256_has_extensions()` is true. */
void swl_sha256_compress_with_extensions(uint32_t state[8], const uint8_t *data, size_t blocks);

/* The compression function in portable C, for any CPU. */
void swl_sha256_compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
