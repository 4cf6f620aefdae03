/*
 * Clock tree of the Daisy Seed (HSE 16 MHz crystal), programmed from RM0433 chapter 8 (RCC) and 6 (PWR):
 *   PLL1: 16 MHz / M1 4 = 4 MHz reference (PLL1RGE 4-8 MHz), x N1 200 = 800 MHz VCO, / P1 2 = 400 MHz SYSCLK
 *         (N1 240 -> 960 MHz VCO, 480 MHz with -DCPU_BOOST_480, which needs VOS0 = VOS1 + SYSCFG ODEN).
 *   HCLK (AXI/AHB) = SYSCLK / 2, every APB = HCLK / 2 (RM0433 8.5.6: HCLK max 240 MHz, APB max 120 MHz).
 *   PLL2: 16 MHz / M2 4 = 4 MHz, x N2 100 = 400 MHz VCO, / R2 2 = 200 MHz FMC kernel clock (SDCLK = 100 MHz).
 *   PLL3: 16 MHz / M3 6 = 2.667 MHz (PLL3RGE 2-4 MHz), x N3 295 = 786.67 MHz VCO, / P3 16 = 49.167 MHz SAI1
 *         kernel clock (the values Daisy uses: FS = 49.167 MHz / (MCKDIV 4 x 256) = 48 014 Hz).
 * Flash: RM0433 Table 17: AXI 185-210 MHz needs 2 wait states at VOS1, 225-240 MHz 4 at VOS0; WRHIGHFREQ 2.
 */
#include "board.h"
#include "regs.h"

uint32_t g_cpu_hz = 64000000u; /* HSI after reset (RM0433 8.5.2) until clock_init runs */

static void wait_until_set(volatile uint32_t *reg, uint32_t mask) {
  while ((*reg & mask) != mask) {
  }
}

#if defined(CPU_BOOST_480)
#define PLL1_N 240u
#define FLASH_WAIT_STATES 4u
#define CPU_HZ 480000000u
#else
#define PLL1_N 200u
#define FLASH_WAIT_STATES 2u
#define CPU_HZ 400000000u
#endif

/* RCC_PLLxDIVR fields hold value - 1: N bits 8:0, P 15:9, Q 22:16, R 30:24 (RM0433 8.7.13). */
#define PLL_DIVR(n, p, q, r) (((n) - 1u) | (((p) - 1u) << 9) | (((q) - 1u) << 16) | (((r) - 1u) << 24))

static void power_init(void) {
  /* LDO supply, SCUEN cleared by the write: the supply configuration is then locked (RM0433 6.8.4). */
  PWR_CR3 = PWR_CR3_LDOEN;
  wait_until_set(&PWR_CSR1, PWR_CSR1_ACTVOSRDY);
  /* VOS1 (D3CR.VOS = 0b11), RM0433 6.8.7. */
  PWR_D3CR = (PWR_D3CR & ~(3u << PWR_D3CR_VOS_SHIFT)) | (3u << PWR_D3CR_VOS_SHIFT);
#if defined(CPU_BOOST_480)
  /* VOS0 = VOS1 plus the overdrive (RM0433 6.6.2 "voltage scaling", SYSCFG_PWRCR.ODEN). */
  RCC_APB4ENR |= RCC_APB4ENR_SYSCFGEN;
  (void)RCC_APB4ENR;
  SYSCFG_PWRCR |= SYSCFG_PWRCR_ODEN;
#endif
  wait_until_set(&PWR_D3CR, PWR_D3CR_VOSRDY);
}

static void pll_init(void) {
  RCC_CR |= RCC_CR_HSEON;
  wait_until_set(&RCC_CR, RCC_CR_HSERDY);

  /* PLLSRC = HSE (2), DIVM1 = 4 (bits 9:4), DIVM2 = 4 (bits 17:12), DIVM3 = 6 (bits 25:20). */
  RCC_PLLCKSELR = 2u | (4u << 4) | (4u << 12) | (6u << 20);
  RCC_PLL1DIVR = PLL_DIVR(PLL1_N, 2u, 4u, 2u);
  RCC_PLL1FRACR = 0u;
  RCC_PLL2DIVR = PLL_DIVR(100u, 4u, 4u, 2u);
  RCC_PLL2FRACR = 0u;
  RCC_PLL3DIVR = PLL_DIVR(295u, 16u, 4u, 32u);
  RCC_PLL3FRACR = 0u;
  /* RM0433 8.7.12: integer mode (FRACEN 0), wide VCO (VCOSEL 0), input ranges PLL1 4-8 MHz (2),
   * PLL2 4-8 MHz (2), PLL3 2-4 MHz (1); enable PLL1 P/Q/R, PLL2 R, PLL3 P. */
  RCC_PLLCFGR = (2u << 2) | (2u << 6) | (1u << 10) | (1u << 16) | (1u << 17) | (1u << 18) | (1u << 21) |
                (1u << 22);

  RCC_CR |= RCC_CR_PLL1ON | RCC_CR_PLL2ON | RCC_CR_PLL3ON;
  wait_until_set(&RCC_CR, RCC_CR_PLL1RDY | RCC_CR_PLL2RDY | RCC_CR_PLL3RDY);
}

static void flash_latency_init(void) {
  /* Raise the wait states before the clock goes up (RM0433 4.3.8), and read back until they apply. */
  FLASH_ACR = FLASH_WAIT_STATES | (2u << 4);
  while ((FLASH_ACR & 0xFu) != FLASH_WAIT_STATES) {
  }
}

static void bus_dividers_init(void) {
  /* D1CPRE /1 (bits 11:8 = 0), D1PPRE /2 (bits 6:4 = 0b100), HPRE /2 (bits 3:0 = 0b1000). */
  RCC_D1CFGR = (4u << 4) | 8u;
  RCC_D2CFGR = (4u << 4) | (4u << 8); /* D2PPRE1, D2PPRE2 /2 */
  RCC_D3CFGR = 4u << 4;               /* D3PPRE /2 */
}

static void switch_sysclk_to_pll1(void) {
  RCC_CFGR = (RCC_CFGR & ~7u) | 3u;      /* SW = PLL1 */
  while (((RCC_CFGR >> 3) & 7u) != 3u) { /* SWS */
  }
}

static void kernel_clocks_init(void) {
  RCC_D1CCIPR = (RCC_D1CCIPR & ~3u) | 2u;  /* FMCSEL = pll2_r_ck; QSPISEL stays rcc_hclk3 */
  RCC_D2CCIP1R = (RCC_D2CCIP1R & ~7u) | 2u; /* SAI1SEL = pll3_p_ck */
}

void clock_init(void) {
  power_init();
  pll_init();
  flash_latency_init();
  bus_dividers_init();
  switch_sysclk_to_pll1();
  kernel_clocks_init();
  g_cpu_hz = CPU_HZ;
}
