/*
 * MPU regions (ARMv7-M ARM B3.5.8 RASR, Table B3-13 TEX/C/B encodings); the Daisy layout:
 *   0: 0x30000000 32 KB  Normal non-cacheable (TEX 001 C0 B0), shareable: audio DMA buffers
 *   1: 0xC0000000 64 MB  Normal write-back no write-allocate (TEX 000 C1 B1): SDRAM (default map: Device)
 *   2: 0x38800000 4 KB   Normal non-cacheable, shareable: backup SRAM
 *   3: 0x90000000 8 MB   Normal write-through (TEX 000 C1 B0), read-only: memory-mapped QSPI flash
 * Everything else keeps the default memory map (PRIVDEFENA).
 */
#include "board.h"
#include "regs.h"

#define RASR_ENABLE 1u
#define RASR_SIZE(log2_bytes) (((log2_bytes) - 1u) << 1)
#define RASR_AP_FULL (3u << 24)
#define RASR_AP_READ_ONLY (6u << 24)
#define RASR_TEX(t) ((t) << 19)
#define RASR_S (1u << 18)
#define RASR_C (1u << 17)
#define RASR_B (1u << 16)

static void mpu_region(uint32_t number, uint32_t base, uint32_t rasr) {
  MPU_RNR = number;
  MPU_RBAR = base;
  MPU_RASR = rasr;
}

void mpu_init(void) {
  __asm volatile("dmb 0xF" ::: "memory");
  MPU_CTRL = 0u;
  mpu_region(0u, 0x30000000u, RASR_AP_FULL | RASR_TEX(1u) | RASR_S | RASR_SIZE(15u) | RASR_ENABLE);
  mpu_region(1u, 0xC0000000u, RASR_AP_FULL | RASR_C | RASR_B | RASR_SIZE(26u) | RASR_ENABLE);
  mpu_region(2u, 0x38800000u, RASR_AP_FULL | RASR_TEX(1u) | RASR_S | RASR_SIZE(12u) | RASR_ENABLE);
  mpu_region(3u, 0x90000000u, RASR_AP_READ_ONLY | RASR_C | RASR_SIZE(23u) | RASR_ENABLE);
  MPU_CTRL = MPU_CTRL_PRIVDEFENA | MPU_CTRL_ENABLE;
  dsb();
  isb();
}
