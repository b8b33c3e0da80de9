#ifndef CBITGET_CRC_H
#define CBITGET_CRC_H

#include <stdint.h>

/* The carry-less product of two 32-bit values: the multiplication of GF(2) polynomials
 * that advances a CRC-32 over a run of zero bytes (BitgetCommon's CRC32.shift). One
 * PCLMULQDQ instruction where the x86-64 CPU has it, a 32-step loop otherwise. */
uint64_t bitget_clmul32(uint32_t a, uint32_t b);

/* The same product by the loop alone (what a CPU without the instruction runs; tests
 * compare the two). */
uint64_t bitget_clmul32_portable(uint32_t a, uint32_t b);

#endif
