/*
 * micro-div: integer divide cost by operand size (hw-facts 1.3: M7 SDIV/UDIV is a GAP; LLVM models 7
 * cycles, GCC 4, Cortex-M4 takes 2-12 with early termination on the quotient size).
 *   [0] empty measurement
 *   [1] 32 x UDIV 0xFFFFFFFF / 1            (32-bit quotient)
 *   [2] 32 x UDIV 0xFFFFFFFF / 0xFFFF       (17-bit quotient)
 *   [3] 32 x UDIV 0xFFFFFFFF / 0x7FFFFFFF   (2-bit quotient)
 *   [4] 32 x UDIV 1000 / 7                  (small operands)
 *   [5] 32 x UDIV 7 / 1000                  (dividend < divisor, quotient 0)
 *   [6] 32 x SDIV -2147483647 / 3
 *   [7] 32 x SDIV 100 / -7
 *   [8] 32 dependent UDIV by 1 starting from 0xFFFFFFFF (latency chain)
 * Each runs twice; the second run is recorded.
 */
#include "micro.h"

uint32_t micro_udiv_throughput(uint32_t dividend, uint32_t divisor);
uint32_t micro_sdiv_throughput(int32_t dividend, int32_t divisor);
uint32_t micro_udiv_chain(uint32_t dividend);

static uint32_t udiv(uint32_t n, uint32_t d) {
  (void)micro_udiv_throughput(n, d);
  return micro_udiv_throughput(n, d);
}

static uint32_t sdiv(int32_t n, int32_t d) {
  (void)micro_sdiv_throughput(n, d);
  return micro_sdiv_throughput(n, d);
}

int main(void) {
  micro_begin();
  micro_record(1u, udiv(0xFFFFFFFFu, 1u));
  micro_record(2u, udiv(0xFFFFFFFFu, 0xFFFFu));
  micro_record(3u, udiv(0xFFFFFFFFu, 0x7FFFFFFFu));
  micro_record(4u, udiv(1000u, 7u));
  micro_record(5u, udiv(7u, 1000u));
  micro_record(6u, sdiv(-2147483647, 3));
  micro_record(7u, sdiv(100, -7));
  (void)micro_udiv_chain(0xFFFFFFFFu);
  micro_record(8u, micro_udiv_chain(0xFFFFFFFFu));
  micro_finish(9u);
}
