#include "micro.h"

#include "board.h"

/* In DTCM: never cached, so a debugger or emulator reading memory sees the values at once. */
__attribute__((section(".dtcmram_bss"), used)) volatile uint32_t seedsim_results[SEEDSIM_MAX_RESULTS];
__attribute__((section(".dtcmram_bss"), used)) volatile uint32_t seedsim_results_count;
__attribute__((section(".dtcmram_bss"), used)) volatile uint32_t seedsim_done;

void micro_begin(void) {
  board_init();
  __asm volatile("cpsid i" ::: "memory");
  /* warm-up and result 0: the empty measurement */
  (void)micro_empty();
  micro_record(0u, micro_empty());
}

void micro_record(uint32_t index, uint32_t cycles) {
  if (index < SEEDSIM_MAX_RESULTS) {
    seedsim_results[index] = cycles;
  }
}

void micro_finish(uint32_t count) {
  seedsim_results_count = count;
  __asm volatile("dsb 0xF" ::: "memory");
  seedsim_done = SEEDSIM_DONE_MAGIC;
  for (;;) {
  }
}
