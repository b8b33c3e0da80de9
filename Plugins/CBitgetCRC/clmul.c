/* Written in C because Swift has no access to the carry-less multiply instruction. */
#include "CBitgetCRC.h"

#include <stdatomic.h>

uint64_t bitget_clmul32_portable(uint32_t a, uint32_t b)
{
    uint64_t product = 0;
    for (int bit = 0; bit < 32; bit++) {
        product ^= ((uint64_t)b << bit) & (0 - (uint64_t)((a >> bit) & 1));
    }
    return product;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("pclmul,sse2")))
static uint64_t clmul_instruction(uint32_t a, uint32_t b)
{
    __m128i product = _mm_clmulepi64_si128(_mm_cvtsi32_si128((int)a), _mm_cvtsi32_si128((int)b), 0x00);
    return (uint64_t)_mm_cvtsi128_si64(product);
}

/* -1: not asked yet; 0: no; 1: yes. */
static atomic_int has_instruction = -1;

uint64_t bitget_clmul32(uint32_t a, uint32_t b)
{
    int has = atomic_load_explicit(&has_instruction, memory_order_relaxed);
    if (has < 0) {
        __builtin_cpu_init();
        has = __builtin_cpu_supports("pclmul") ? 1 : 0;
        atomic_store_explicit(&has_instruction, has, memory_order_relaxed);
    }
    return has ? clmul_instruction(a, b) : bitget_clmul32_portable(a, b);
}
#else
uint64_t bitget_clmul32(uint32_t a, uint32_t b)
{
    return bitget_clmul32_portable(a, b);
}
#endif
