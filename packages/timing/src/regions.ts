/**
 * The STM32H750 memory regions the timing model prices and reports separately
 * (hw-facts §3.3, AN4891 Table 6; RM0433 §2.3.2 memory map).
 */
export const enum Region {
  Itcm = 0,
  Dtcm,
  AxiSram,
  D2Sram,
  /** SRAM4 and the backup SRAM (D3 domain). */
  D3Sram,
  Flash,
  Sdram,
  Qspi,
  Peripheral,
  /** Private peripheral bus 0xE000_0000–0xE00F_FFFF (SCS, DWT, ITM): inside the core. */
  Ppb,
  /** Anything else (system memory/bootloader ROM, unmapped space). */
  Other,
}

export const REGION_COUNT = Region.Other + 1;

export const REGION_NAMES: readonly string[] = [
  'ITCM',
  'DTCM',
  'AXI SRAM',
  'D2 SRAM',
  'D3 SRAM',
  'FLASH',
  'SDRAM',
  'QSPI',
  'peripherals',
  'PPB',
  'other',
];

/**
 * Region of an address. Bounds are the H750 sizes (ITCM 64 KB, DTCM 128 KB, AXI SRAM 512 KB, D2 SRAM
 * 288 KB, SRAM4 64 KB + backup 4 KB, flash 128 KB; FMC SDRAM banks at 0xC000_0000/0xD000_0000,
 * QSPI at 0x9000_0000). The whole alias range of each bus slave is attributed to it.
 */
export function regionOfAddress(address: number): Region {
  const a = address >>> 0;
  switch (a >>> 28) {
    case 0x0:
      if (a < 0x0001_0000) return Region.Itcm;
      if (a >= 0x0800_0000 && a < 0x0820_0000) return Region.Flash;
      return Region.Other;
    case 0x2:
      if (a < 0x2002_0000) return Region.Dtcm;
      if (a >= 0x2400_0000 && a < 0x2408_0000) return Region.AxiSram;
      return Region.Other;
    case 0x3:
      if (a < 0x3004_8000) return a >= 0x3000_0000 ? Region.D2Sram : Region.Other;
      if (a >= 0x3800_0000 && a < 0x3801_0000) return Region.D3Sram;
      if (a >= 0x3880_0000 && a < 0x3880_1000) return Region.D3Sram;
      return Region.Other;
    case 0x4:
    case 0x5:
      return Region.Peripheral;
    case 0x9:
      return Region.Qspi;
    case 0x6:
    case 0x7:
    case 0xc:
    case 0xd:
      // 0x6000_0000/0x7000_0000 hold the SDRAM banks when FMC_BCR1.BMAP swaps them (AN4891 §2.5.3);
      // the Daisy has no NOR/PSRAM there, so FMC space is priced as SDRAM.
      return Region.Sdram;
    case 0xe:
      return a < 0xe010_0000 ? Region.Ppb : Region.Other;
    default:
      return Region.Other;
  }
}
