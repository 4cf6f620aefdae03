/*
 * L1 cache control, written from the ARMv7-M ARM (B2.2.7 cache maintenance operations, B4.8.3 CCSIDR,
 * B3.2.8 CCR) and the Cortex-M7 TRM (DDI 0489F 4.3: 32-byte lines, 4-way D-cache, 2-way I-cache).
 * Set/way loops take the geometry from CCSIDR instead of hard-coding it.
 */
#include "board.h"
#include "regs.h"

#define CACHE_LINE_BYTES 32u

/* Runs one set/way operation (DCISW or DCCISW) over the whole L1 data cache. */
static void dcache_for_each_set_way(volatile uint32_t *operation) {
  SCB_CSSELR = 0u; /* level 1, data cache */
  dsb();
  const uint32_t ccsidr = SCB_CCSIDR;
  const uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u;
  const uint32_t ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
  const uint32_t set_shift = (ccsidr & 7u) + 4u; /* log2(line bytes) */
  const uint32_t way_shift = ways > 1u ? (uint32_t)__builtin_clz(ways - 1u) : 0u;
  for (uint32_t set = 0; set < sets; ++set) {
    for (uint32_t way = 0; way < ways; ++way) {
      *operation = (way << way_shift) | (set << set_shift);
    }
  }
  dsb();
}

void icache_enable(void) {
  dsb();
  isb();
  SCB_ICIALLU = 0u;
  dsb();
  isb();
  SCB_CCR |= SCB_CCR_IC;
  dsb();
  isb();
}

void dcache_enable(void) {
  dcache_for_each_set_way(&SCB_DCISW); /* contents are undefined at reset: invalidate first */
  SCB_CCR |= SCB_CCR_DC;
  dsb();
  isb();
}

void dcache_clean_invalidate_all(void) { dcache_for_each_set_way(&SCB_DCCISW); }

void dcache_disable(void) {
  SCB_CCR &= ~SCB_CCR_DC;
  dsb();
  dcache_for_each_set_way(&SCB_DCCISW);
  isb();
}

void dcache_clean_by_address(const void *start, uint32_t bytes) {
  uint32_t line = (uint32_t)(uintptr_t)start & ~(CACHE_LINE_BYTES - 1u);
  const uint32_t end = (uint32_t)(uintptr_t)start + bytes;
  dsb();
  for (; line < end; line += CACHE_LINE_BYTES) {
    SCB_DCCMVAC = line;
  }
  dsb();
  isb();
}

void dcache_invalidate_by_address(const void *start, uint32_t bytes) {
  uint32_t line = (uint32_t)(uintptr_t)start & ~(CACHE_LINE_BYTES - 1u);
  const uint32_t end = (uint32_t)(uintptr_t)start + bytes;
  dsb();
  for (; line < end; line += CACHE_LINE_BYTES) {
    SCB_DCIMVAC = line;
  }
  dsb();
  isb();
}
