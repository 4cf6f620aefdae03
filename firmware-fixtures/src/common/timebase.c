/* Time bases: DWT CYCCNT (ARMv7-M ARM C1.8.8) for short delays and SysTick at 1 kHz (B3.3). */
#include "board.h"
#include "regs.h"

static volatile uint32_t s_millis;

void SysTick_Handler(void) { s_millis = s_millis + 1u; }

uint32_t millis(void) { return s_millis; }

void timebase_init(void) {
  DEMCR |= DEMCR_TRCENA;
  DWT_LAR = DWT_LAR_UNLOCK_KEY;
  DWT_CYCCNT = 0u;
  DWT_CTRL |= DWT_CTRL_CYCCNTENA;

  SYST_RVR = g_cpu_hz / 1000u - 1u;
  SYST_CVR = 0u;
  SCB_SHPR3 = (SCB_SHPR3 & 0x00FFFFFFu) | (0xF0u << 24); /* SysTick at the lowest priority */
  SYST_CSR = SYST_CSR_CLKSOURCE_CPU | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

void delay_cycles(uint32_t cycles) {
  const uint32_t start = DWT_CYCCNT;
  while (DWT_CYCCNT - start < cycles) {
  }
}
