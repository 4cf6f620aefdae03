/*
 * Shared scaffolding of the micro-* fixtures. Each fixture times one effect with DWT CYCCNT from
 * hand-written assembly (micro-*.S, placed in ITCM so instruction fetch never misses) and leaves the
 * raw cycle counts in seedsim_results[]; result 0 is always the cost of the empty measurement
 * (two back-to-back CYCCNT reads), to subtract from the others. When all results are written,
 * seedsim_results_count holds their number and seedsim_done reads SEEDSIM_DONE_MAGIC; the fixture then
 * spins forever.
 */
#ifndef SEEDSIM_MICRO_H
#define SEEDSIM_MICRO_H

#include <stdint.h>

#define SEEDSIM_DONE_MAGIC 0x0600DD0Eu
#define SEEDSIM_MAX_RESULTS 32u

extern volatile uint32_t seedsim_results[SEEDSIM_MAX_RESULTS];
extern volatile uint32_t seedsim_results_count;
extern volatile uint32_t seedsim_done;

/* Board bring-up (400 MHz, MPU, caches, QSPI, SDRAM), then interrupts masked for quiet measurements. */
void micro_begin(void);
void micro_record(uint32_t index, uint32_t cycles);
__attribute__((noreturn)) void micro_finish(uint32_t count);

/* In micro-common.S: cycles of an empty measurement. */
uint32_t micro_empty(void);

#endif
