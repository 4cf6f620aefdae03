/*
 * Reset path and vector table for the seedsim fixtures (written for seedsim, not taken from any SDK).
 *
 * Order in Reset_Handler:
 *   1. FPU on (CPACR CP10/CP11 full access, ARMv7-M ARM B3.2.20) before anything can touch a VFP register.
 *   2. Early system setup: VTOR to our own table, D2 SRAM1-3 clocks on (RM0433 8.7.41: they are gated at
 *      reset and .sram1_bss lives there).
 *   3. Copy every initialised RAM section from its load address (.data, .itcm_text) using the linker's
 *      copy table, then zero every zero-initialised section (.bss, .dtcmram_bss, .sram1_bss and any
 *      section a variant pins into DTCM) using the zero table. .sdram_bss is deliberately absent: the FMC
 *      is not running yet. .backup_sram is left alone (the Daisy bootloader keeps its boot record there).
 *   4. C++ static constructors through newlib's __libc_init_array.
 *   5. main(); if it returns, spin.
 */
#include <stdint.h>

#include "regs.h"

extern uint32_t _estack;
extern const uint32_t __copy_table_start[];
extern const uint32_t __copy_table_end[];
extern const uint32_t __zero_table_start[];
extern const uint32_t __zero_table_end[];

extern int main(void);
extern void __libc_init_array(void);

void Reset_Handler(void);
void Default_Handler(void);

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")));
WEAK_HANDLER(NMI_Handler)
WEAK_HANDLER(HardFault_Handler)
WEAK_HANDLER(MemManage_Handler)
WEAK_HANDLER(BusFault_Handler)
WEAK_HANDLER(UsageFault_Handler)
WEAK_HANDLER(SVC_Handler)
WEAK_HANDLER(DebugMon_Handler)
WEAK_HANDLER(PendSV_Handler)
WEAK_HANDLER(SysTick_Handler)
#define IRQ_DECLARE
#include "irq-lines.h"
#undef IRQ_DECLARE

typedef void (*vector_t)(void);

/* 16 system exception slots (ARMv7-M ARM B1.5.2, Table B1-4) followed by the 150 IRQ lines. */
__attribute__((section(".isr_vector"), used)) const vector_t g_vectors[16 + 150] = {
    (vector_t)&_estack,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
#define IRQ_TABLE
#include "irq-lines.h"
#undef IRQ_TABLE
};

/* Unexpected exception: stop here so a debugger or emulator sees where it happened. */
void Default_Handler(void) {
  for (;;) {
  }
}

static void copy_initialised_sections(void) {
  /* Each row: load address, run address, size in bytes (all word multiples). */
  for (const uint32_t *row = __copy_table_start; row < __copy_table_end; row += 3) {
    const uint32_t *from = (const uint32_t *)row[0];
    uint32_t *to = (uint32_t *)row[1];
    for (uint32_t words = row[2] / 4u; words != 0u; --words) {
      *to++ = *from++;
    }
  }
}

static void zero_bss_sections(void) {
  /* Each row: start address, size in bytes (word multiple). */
  for (const uint32_t *row = __zero_table_start; row < __zero_table_end; row += 2) {
    uint32_t *to = (uint32_t *)row[0];
    for (uint32_t words = row[1] / 4u; words != 0u; --words) {
      *to++ = 0u;
    }
  }
}

__attribute__((noreturn)) void Reset_Handler(void) {
  SCB_CPACR |= SCB_CPACR_CP10_CP11_FULL;
  dsb();
  isb();

  /* For the flash app this is 0x08000000 (what Daisy's SystemInit writes); boot apps point VTOR at
   * their own table as the Daisy bootloader does before jumping, so they also run without it. */
  SCB_VTOR = (uint32_t)(uintptr_t)g_vectors;
  RCC_AHB2ENR |= RCC_AHB2ENR_SRAM1EN | RCC_AHB2ENR_SRAM2EN | RCC_AHB2ENR_SRAM3EN;
  (void)RCC_AHB2ENR; /* read back: the clock is running before the first D2 SRAM access */

  copy_initialised_sections();
  zero_bss_sections();
  /* Code copied into ITCM must not be fetched before the copy is complete (ARMv7-M ARM A3.7.3). */
  dsb();
  isb();

  __libc_init_array();
  (void)main();
  for (;;) {
  }
}
