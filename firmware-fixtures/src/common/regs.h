/*
 * Register addresses and bit fields used by the seedsim firmware fixtures.
 * Addresses: STM32H750x.svd and RM0433 (STM32H742/743/750 reference manual);
 * core registers: ARMv7-M ARM (DDI 0403E) chapter B3 and the Cortex-M7 TRM (DDI 0489F).
 * Only what the fixtures touch is listed; every fixture's boot path stays inside
 * RCC, PWR, SYSCFG, FLASH, GPIO, MPU, SCB, FMC, QUADSPI, SysTick, DWT, SAI1, DMA1, DMAMUX1, NVIC.
 */
#ifndef SEEDSIM_REGS_H
#define SEEDSIM_REGS_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

/* ---- System control space (ARMv7-M ARM B3.2) ---- */
#define SCB_CPUID REG32(0xE000ED00u)
#define SCB_ICSR REG32(0xE000ED04u)
#define SCB_VTOR REG32(0xE000ED08u)
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define SCB_CCR REG32(0xE000ED14u)
#define SCB_SHPR3 REG32(0xE000ED20u)
#define SCB_SHCSR REG32(0xE000ED24u)
#define SCB_CCSIDR REG32(0xE000ED80u) /* B4.8.3 cache size ID, selected by CSSELR */
#define SCB_CSSELR REG32(0xE000ED84u)
#define SCB_CPACR REG32(0xE000ED88u)  /* B3.2.20 coprocessor access control */
#define SCB_ICIALLU REG32(0xE000EF50u) /* B2.2.7 cache maintenance operations */
#define SCB_DCIMVAC REG32(0xE000EF5Cu)
#define SCB_DCISW REG32(0xE000EF60u)
#define SCB_DCCMVAC REG32(0xE000EF68u)
#define SCB_DCCISW REG32(0xE000EF74u)

#define SCB_CCR_DC (1u << 16)
#define SCB_CCR_IC (1u << 17)
#define SCB_CPACR_CP10_CP11_FULL (0xFu << 20)

/* ---- SysTick (B3.3) ---- */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE_CPU (1u << 2)

/* ---- NVIC (B3.4) ---- */
#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define NVIC_ICER(n) REG32(0xE000E180u + 4u * (n))
#define NVIC_IPR_BYTE(irq) REG8(0xE000E400u + (irq))

/* ---- MPU (B3.5) ---- */
#define MPU_TYPE REG32(0xE000ED90u)
#define MPU_CTRL REG32(0xE000ED94u)
#define MPU_RNR REG32(0xE000ED98u)
#define MPU_RBAR REG32(0xE000ED9Cu)
#define MPU_RASR REG32(0xE000EDA0u)
#define MPU_CTRL_ENABLE (1u << 0)
#define MPU_CTRL_PRIVDEFENA (1u << 2)

/* ---- Debug: DEMCR (C1.6.5) and DWT (C1.8) ---- */
#define DEMCR REG32(0xE000EDFCu)
#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL REG32(0xE0001000u)
#define DWT_CYCCNT REG32(0xE0001004u)
#define DWT_LAR REG32(0xE0001FB0u) /* Cortex-M7 TRM: software lock access register */
#define DWT_LAR_UNLOCK_KEY 0xC5ACCE55u
#define DWT_CTRL_CYCCNTENA (1u << 0)

/* ---- RCC, RM0433 section 8.7 (base 0x58024400) ---- */
#define RCC_BASE 0x58024400u
#define RCC_CR REG32(RCC_BASE + 0x000u)
#define RCC_CFGR REG32(RCC_BASE + 0x010u)
#define RCC_D1CFGR REG32(RCC_BASE + 0x018u)
#define RCC_D2CFGR REG32(RCC_BASE + 0x01Cu)
#define RCC_D3CFGR REG32(RCC_BASE + 0x020u)
#define RCC_PLLCKSELR REG32(RCC_BASE + 0x028u)
#define RCC_PLLCFGR REG32(RCC_BASE + 0x02Cu)
#define RCC_PLL1DIVR REG32(RCC_BASE + 0x030u)
#define RCC_PLL1FRACR REG32(RCC_BASE + 0x034u)
#define RCC_PLL2DIVR REG32(RCC_BASE + 0x038u)
#define RCC_PLL2FRACR REG32(RCC_BASE + 0x03Cu)
#define RCC_PLL3DIVR REG32(RCC_BASE + 0x040u)
#define RCC_PLL3FRACR REG32(RCC_BASE + 0x044u)
#define RCC_D1CCIPR REG32(RCC_BASE + 0x04Cu)
#define RCC_D2CCIP1R REG32(RCC_BASE + 0x050u)
#define RCC_AHB3ENR REG32(RCC_BASE + 0x0D4u)
#define RCC_AHB1ENR REG32(RCC_BASE + 0x0D8u)
#define RCC_AHB2ENR REG32(RCC_BASE + 0x0DCu)
#define RCC_AHB4ENR REG32(RCC_BASE + 0x0E0u)
#define RCC_APB2ENR REG32(RCC_BASE + 0x0F0u)
#define RCC_APB4ENR REG32(RCC_BASE + 0x0F4u)

#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_PLL1ON (1u << 24)
#define RCC_CR_PLL1RDY (1u << 25)
#define RCC_CR_PLL2ON (1u << 26)
#define RCC_CR_PLL2RDY (1u << 27)
#define RCC_CR_PLL3ON (1u << 28)
#define RCC_CR_PLL3RDY (1u << 29)
#define RCC_AHB1ENR_DMA1EN (1u << 0)
#define RCC_AHB2ENR_SRAM1EN (1u << 29)
#define RCC_AHB2ENR_SRAM2EN (1u << 30)
#define RCC_AHB2ENR_SRAM3EN (1u << 31)
#define RCC_AHB3ENR_FMCEN (1u << 12)
#define RCC_AHB3ENR_QSPIEN (1u << 14)
#define RCC_APB2ENR_SAI1EN (1u << 22)
#define RCC_APB4ENR_SYSCFGEN (1u << 1)

/* ---- PWR, RM0433 section 6.8 (base 0x58024800) ---- */
#define PWR_CSR1 REG32(0x58024804u)
#define PWR_CR3 REG32(0x5802480Cu)
#define PWR_D3CR REG32(0x58024818u)
#define PWR_CR3_LDOEN (1u << 1)
#define PWR_CSR1_ACTVOSRDY (1u << 13)
#define PWR_D3CR_VOSRDY (1u << 13)
#define PWR_D3CR_VOS_SHIFT 14u

/* ---- SYSCFG_PWRCR, RM0433 SYSCFG register map offset 0x2C (ODEN = overdrive, needed for VOS0) ---- */
#define SYSCFG_PWRCR REG32(0x5800042Cu)
#define SYSCFG_PWRCR_ODEN (1u << 0)

/* ---- Embedded flash, RM0433 section 4.9.1 FLASH_ACR ---- */
#define FLASH_ACR REG32(0x52002000u)

/* ---- GPIO, RM0433 section 11.4 (port A at 0x58020000, 0x400 apart) ---- */
#define GPIO_PORT_BASE(port) (0x58020000u + 0x400u * (uint32_t)(port))
#define GPIO_MODER(port) REG32(GPIO_PORT_BASE(port) + 0x00u)
#define GPIO_OSPEEDR(port) REG32(GPIO_PORT_BASE(port) + 0x08u)
#define GPIO_PUPDR(port) REG32(GPIO_PORT_BASE(port) + 0x0Cu)
#define GPIO_AFR(port, pin) REG32(GPIO_PORT_BASE(port) + 0x20u + 4u * ((uint32_t)(pin) >> 3))

/* ---- FMC SDRAM, RM0433 section 22.9 (base 0x52004000) ---- */
#define FMC_BCR1 REG32(0x52004000u)
#define FMC_SDCR1 REG32(0x52004140u)
#define FMC_SDTR1 REG32(0x52004148u)
#define FMC_SDCMR REG32(0x52004150u)
#define FMC_SDRTR REG32(0x52004154u)
#define FMC_BCR1_FMCEN (1u << 31)

/* ---- QUADSPI, RM0433 section 23.5 (base 0x52005000) ---- */
#define QSPI_CR REG32(0x52005000u)
#define QSPI_DCR REG32(0x52005004u)
#define QSPI_SR REG32(0x52005008u)
#define QSPI_FCR REG32(0x5200500Cu)
#define QSPI_DLR REG32(0x52005010u)
#define QSPI_CCR REG32(0x52005014u)
#define QSPI_ABR REG32(0x5200501Cu)
#define QSPI_DR8 REG8(0x52005020u)
#define QSPI_PSMKR REG32(0x52005024u)
#define QSPI_PSMAR REG32(0x52005028u)
#define QSPI_PIR REG32(0x5200502Cu)
#define QSPI_CR_EN (1u << 0)
#define QSPI_CR_APMS (1u << 22)
#define QSPI_SR_TCF (1u << 1)
#define QSPI_SR_FTF (1u << 2)
#define QSPI_SR_SMF (1u << 3)
#define QSPI_SR_BUSY (1u << 5)
#define QSPI_FCR_CTCF (1u << 1)
#define QSPI_FCR_CSMF (1u << 3)

/* ---- SAI1, RM0433 section 51.6 (base 0x40015800); block B registers are block A's + 0x20 ---- */
#define SAI1_BASE 0x40015800u
#define SAI1_GCR REG32(SAI1_BASE + 0x00u)
#define SAI1_ACR1 REG32(SAI1_BASE + 0x04u)
#define SAI1_ACR2 REG32(SAI1_BASE + 0x08u)
#define SAI1_AFRCR REG32(SAI1_BASE + 0x0Cu)
#define SAI1_ASLOTR REG32(SAI1_BASE + 0x10u)
#define SAI1_AIM REG32(SAI1_BASE + 0x14u)
#define SAI1_ASR REG32(SAI1_BASE + 0x18u)
#define SAI1_ADR_ADDR (SAI1_BASE + 0x20u)
#define SAI1_BCR1 REG32(SAI1_BASE + 0x24u)
#define SAI1_BCR2 REG32(SAI1_BASE + 0x28u)
#define SAI1_BFRCR REG32(SAI1_BASE + 0x2Cu)
#define SAI1_BSLOTR REG32(SAI1_BASE + 0x30u)
#define SAI1_BIM REG32(SAI1_BASE + 0x34u)
#define SAI1_BDR_ADDR (SAI1_BASE + 0x40u)
#define SAI_CR1_SAIEN (1u << 16)
#define SAI_CR1_DMAEN (1u << 17)
#define SAI_SR_FLVL_MASK (7u << 16)

/* ---- DMA1, RM0433 section 15.5 (base 0x40020000), stream n registers at 0x10 + 0x18*n ---- */
#define DMA1_BASE 0x40020000u
#define DMA1_LISR REG32(DMA1_BASE + 0x00u)
#define DMA1_LIFCR REG32(DMA1_BASE + 0x08u)
#define DMA1_SCR(n) REG32(DMA1_BASE + 0x10u + 0x18u * (n))
#define DMA1_SNDTR(n) REG32(DMA1_BASE + 0x14u + 0x18u * (n))
#define DMA1_SPAR(n) REG32(DMA1_BASE + 0x18u + 0x18u * (n))
#define DMA1_SM0AR(n) REG32(DMA1_BASE + 0x1Cu + 0x18u * (n))
#define DMA1_SFCR(n) REG32(DMA1_BASE + 0x24u + 0x18u * (n))
#define DMA_SCR_EN (1u << 0)
#define DMA_SCR_TEIE (1u << 2)
#define DMA_SCR_HTIE (1u << 3)
#define DMA_SCR_TCIE (1u << 4)
#define DMA_SCR_DIR_M2P (1u << 6)
#define DMA_SCR_CIRC (1u << 8)
#define DMA_SCR_MINC (1u << 10)
#define DMA_SCR_PSIZE_WORD (2u << 11)
#define DMA_SCR_MSIZE_WORD (2u << 13)
#define DMA_SCR_PL_HIGH (2u << 16)
/* LISR/LIFCR flag positions for streams 0 and 1 (RM0433 15.5.1) */
#define DMA_LISR_STREAM0_ALL 0x0000003Du
#define DMA_LISR_STREAM1_ALL 0x00000F40u
#define DMA_LISR_TEIF1 (1u << 9)
#define DMA_LISR_HTIF1 (1u << 10)
#define DMA_LISR_TCIF1 (1u << 11)

/* ---- DMAMUX1, RM0433 section 17.6 (base 0x40020800); channel n feeds DMA1 stream n ---- */
#define DMAMUX1_CCR(n) REG32(0x40020800u + 4u * (n))
#define DMAMUX1_CFR REG32(0x40020884u)
/* RM0433 Table 121 (DMAMUX1 request inputs) */
#define DMAMUX1_REQ_SAI1_A 87u
#define DMAMUX1_REQ_SAI1_B 88u

/* NVIC lines, RM0433 Table 143 */
#define IRQ_DMA1_STREAM0 11u
#define IRQ_DMA1_STREAM1 12u

static inline void dsb(void) { __asm volatile("dsb 0xF" ::: "memory"); }
static inline void isb(void) { __asm volatile("isb 0xF" ::: "memory"); }

#endif
