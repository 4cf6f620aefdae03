/* Daisy Seed bring-up for the seedsim fixtures: one function per hardware block. */
#ifndef SEEDSIM_BOARD_H
#define SEEDSIM_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CPU clock after clock_init(): 400 MHz, or 480 MHz when built with -DCPU_BOOST_480. */
extern uint32_t g_cpu_hz;

void clock_init(void);             /* clock.c: PWR, flash latency, PLL1/2/3, bus dividers, kernel muxes */
void timebase_init(void);          /* timebase.c: DWT CYCCNT on, SysTick at 1 kHz */
void delay_cycles(uint32_t cycles); /* busy wait on DWT CYCCNT */
uint32_t millis(void);             /* SysTick milliseconds since timebase_init */
void mpu_init(void);               /* mpu.c: Daisy's three regions + QSPI read-only */
void icache_enable(void);          /* cache.c */
void dcache_enable(void);
void dcache_disable(void);
void dcache_clean_invalidate_all(void);
void dcache_clean_by_address(const void *start, uint32_t bytes);
void dcache_invalidate_by_address(const void *start, uint32_t bytes);
void qspi_init_memory_mapped(void); /* qspi.c: IS25LP064A quad I/O memory-mapped at 0x90000000 */
void sdram_init(void);             /* sdram.c: FMC bank 1 + AS4C16M32MSA JEDEC sequence */

/* The usual Daisy order (libdaisy-facts "Condensed boot timeline"): clocks, time base, MPU, caches,
 * QSPI (skipped when the code itself runs from QSPI), SDRAM. */
void board_init(void);

#ifdef __cplusplus
}
#endif

#endif
