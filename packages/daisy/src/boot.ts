import type { AppType } from './app-types.js';
import type { DaisyBoard } from './board.js';

/** Where things are (RM0433 §8.7 RCC, §6.8 PWR register maps; ARMv7-M ARM B3.2/B3.3/B3.4 SCS). */
const RCC_AHB2ENR = 0x5802_44dc;
const RCC_AHB4ENR = 0x5802_44e0;
const PWR_CR1 = 0x5802_4800;
const SYST_CSR = 0xe000_e010;
const SYST_RVR = 0xe000_e014;
const SYST_CVR = 0xe000_e018;
const NVIC_ISER0 = 0xe000_e100;
const SCB_AIRCR = 0xe000_ed0c;
const SCB_SHPR3_SYSTICK = 0xe000_ed23;
const QUADSPI_IRQ = 92;
const QSPI_BASE = 0x9000_0000;
const QSPI_END = 0xa000_0000;
const BACKUP_SRAM = 0x3880_0000;
/** The internal flash boot address (BOOT_ADD0 = 0x0800, RM0433 §2.6 Boot configuration). */
const FLASH_BOOT_ADDRESS = 0x0800_0000;
/** The v6 bootloader's boot_info record: {status, data = app base, version} (libdaisy-facts §6); version 3 = v6_1. */
const BOOT_INFO_VERSION = 3;

/**
 * Places the image as the stored firmware and reproduces what the app sees at entry (libdaisy-facts §6):
 *   BOOT_NONE: the stored image is flash; reset through the vector table at 0x08000000.
 *   BOOT_SRAM: the Daisy bootloader copied the image to AXI SRAM, wrote the boot record in backup SRAM,
 *     reset, then jumped with VTOR = 0x24000000, CPACR giving FPU access and RCC at reset values (plus
 *     the D2 SRAM and backup SRAM clocks its SystemInit enabled).
 *   BOOT_QSPI: as BOOT_SRAM, plus HAL_Init (SysTick at 1 kHz of HSI 64 MHz, PRIGROUP 3) and QUADSPI left
 *     memory-mapped with the quad I/O read command, its IRQ enabled; VTOR = 0x90040000.
 * Segments are placed by load address (p_paddr): startup code copies .data from there.
 */
/** libDaisy's boot record as the app sees it (src/sys/system.cpp: `daisy::boot_info`, section .backup_sram). */
const BOOT_INFO_SYMBOL = '_ZN5daisy9boot_infoE';

/**
 * Where a bootloader app linked libDaisy's boot record, when that is not where the bootloader writes it:
 * the app then reads version 0 and skips its clock, MPU and SDRAM setup (libdaisy-facts §3). Null when
 * fine or not a libDaisy bootloader app.
 */
export function misplacedBootInfo(board: DaisyBoard, appType: AppType): number | null {
  if (appType === 'BOOT_NONE') return null;
  const symbol = board.image.symbols.get(BOOT_INFO_SYMBOL);
  if (!symbol || symbol.address === BACKUP_SRAM) return null;
  return symbol.address;
}

/** Any libDaisy C++ symbol (namespace daisy): the image is a libDaisy app. */
const LIBDAISY_SYMBOL = /^_ZN5daisy/;

/**
 * Whether a bootloader app was built with a libDaisy older than v6: it has no `daisy::boot_info` record,
 * and its DaisySeed::Init skips clock, MPU and SDRAM setup for any app outside internal flash, leaving them
 * to the Daisy bootloader v5 or older, which configured them before jumping (libdaisy-facts §3, §6).
 */
export function expectsPreV6Bootloader(board: DaisyBoard, appType: AppType): boolean {
  if (appType === 'BOOT_NONE') return false;
  const symbols = board.image.symbols;
  return symbols.get(BOOT_INFO_SYMBOL) === undefined && symbols.all.some((s) => LIBDAISY_SYMBOL.test(s.name));
}

export function loadBootImage(board: DaisyBoard, appType: AppType): void {
  const { bus, image } = board;
  const flashChip = board.storage.quadspi.flash;
  for (const segment of image.segments) {
    if (segment.data.length === 0) continue;
    const lma = segment.loadAddress;
    if (lma >= QSPI_BASE && lma < QSPI_END) flashChip.load(lma - QSPI_BASE, segment.data);
    else bus.loadImage(lma, segment.data);
  }
  const appBase = appType === 'BOOT_NONE' ? FLASH_BOOT_ADDRESS : appType === 'BOOT_SRAM' ? 0x2400_0000 : 0x9004_0000;
  if (appType !== 'BOOT_NONE') {
    // The bootloader's own SystemInit and its backup-SRAM access (libdaisy-facts §1 and §6).
    bus.write32(RCC_AHB2ENR, bus.read32(RCC_AHB2ENR) | 0xe000_0000);
    bus.write32(RCC_AHB4ENR, bus.read32(RCC_AHB4ENR) | (1 << 28));
    bus.write32(PWR_CR1, bus.read32(PWR_CR1) | (1 << 8));
    bus.poke(BACKUP_SRAM + 0, 0, 4);
    bus.poke(BACKUP_SRAM + 4, appBase, 4);
    bus.poke(BACKUP_SRAM + 8, BOOT_INFO_VERSION, 4);
  }
  if (appType === 'BOOT_QSPI') {
    board.storage.quadspi.presetDaisyMemoryMapped();
    bus.write32(SCB_AIRCR, 0x05fa_0300);
    bus.write32(SYST_RVR, 0xf9ff);
    bus.write32(SYST_CVR, 0);
    bus.write8(SCB_SHPR3_SYSTICK, 0xe0);
    bus.write32(SYST_CSR, 7);
    bus.write32(NVIC_ISER0 + 4 * (QUADSPI_IRQ >>> 5), 1 << (QUADSPI_IRQ & 31));
  }
  board.exceptions.reset(appBase);
  if (appType !== 'BOOT_NONE') board.exceptions.cpacr = 0x00f0_0000;
}
