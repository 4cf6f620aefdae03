/*
 * micro-branch: branch prediction (hw-facts 1.4: mispredict 8 cycles, 6 with early flags (JNK);
 * a predicted taken branch ~0-1 cycle).
 * The same 256-iteration loop (micro_branch_pattern) runs over four 256-byte patterns in DTCM:
 *   [0] empty measurement
 *   [1] all zeros: inner BEQ always taken (predictable)
 *   [2] all ones: inner BEQ never taken (predictable)
 *   [3] alternating 0,1: period-2 pattern
 *   [4] pseudo-random bits (xorshift32 seeded 0x2545F491, bit 0 of each state): unpredictable
 *   [5] number of ones in the random pattern (not a cycle count)
 * The difference [4] - [1] divided by the expected mispredicts (about half of 256) estimates the
 * penalty. Each pattern runs twice; the second run is recorded.
 */
#include "micro.h"

#define PATTERN_LENGTH 256u

uint32_t micro_branch_pattern(const uint8_t *pattern, uint32_t count);

__attribute__((section(".dtcmram_bss"), aligned(8))) uint8_t branch_pattern[PATTERN_LENGTH];

static uint32_t run(void) {
  (void)micro_branch_pattern(branch_pattern, PATTERN_LENGTH);
  return micro_branch_pattern(branch_pattern, PATTERN_LENGTH);
}

int main(void) {
  micro_begin();
  for (uint32_t i = 0; i < PATTERN_LENGTH; ++i) {
    branch_pattern[i] = 0u;
  }
  micro_record(1u, run());
  for (uint32_t i = 0; i < PATTERN_LENGTH; ++i) {
    branch_pattern[i] = 1u;
  }
  micro_record(2u, run());
  for (uint32_t i = 0; i < PATTERN_LENGTH; ++i) {
    branch_pattern[i] = (uint8_t)(i & 1u);
  }
  micro_record(3u, run());
  uint32_t state = 0x2545F491u;
  uint32_t ones = 0u;
  for (uint32_t i = 0; i < PATTERN_LENGTH; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    branch_pattern[i] = (uint8_t)(state & 1u);
    ones += state & 1u;
  }
  micro_record(4u, run());
  micro_record(5u, ones);
  micro_finish(6u);
}
