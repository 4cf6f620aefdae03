/**
 * The STM32H750's memories as Daisy firmware sees them (DESIGN.md principle 5: placement is data).
 * Sources: ST AN4891 Table 6 and §2.5 (bases, sizes, buses, clocks); ARMv7-M ARM B3.1 Table B3-1 and
 * AN4891 Table 3 (default memory attributes); AN4891 §2.4.3 (which DMA masters reach which memory);
 * ../shared/reference/hw-facts.md §2–3.
 */

/** Which interconnect carries CPU accesses to the memory. */
export type MemoryBus = 'itcm' | 'dtcm' | 'axi' | 'ahb-d2' | 'ahb-d3' | 'fmc' | 'quadspi' | 'ppb' | 'apb-ahb';

/** Default cache policy of the ARMv7-M default memory map for the address (before any MPU region). */
export type DefaultPolicy = 'uncached-tcm' | 'write-through' | 'write-back-write-allocate' | 'device' | 'strongly-ordered';

/** What must happen before the memory answers. */
export type InitRequirement = 'none' | 'rcc-clock' | 'fmc-sdram-init' | 'quadspi-memory-mapped';

export interface PhysicalMemory {
  /** Short name used in reports (cycles by region, cache hit rates by region). */
  name: string;
  base: number;
  size: number;
  bus: MemoryBus;
  /** Bus width in bits on the CPU side. */
  widthBits: number;
  defaultPolicy: DefaultPolicy;
  /** DMA1/DMA2 (D2 domain) can reach it (AN4891 §2.4.3: not the TCMs). */
  dmaReachable: boolean;
  init: InitRequirement;
  description: string;
}

const KB = 1024;
const MB = 1024 * 1024;

export const STM32H750_MEMORIES: readonly PhysicalMemory[] = [
  { name: 'ITCM', base: 0x0000_0000, size: 64 * KB, bus: 'itcm', widthBits: 64, defaultPolicy: 'uncached-tcm', dmaReachable: false, init: 'none', description: 'instruction TCM, zero wait state at CPU clock' },
  { name: 'FLASH', base: 0x0800_0000, size: 128 * KB, bus: 'axi', widthBits: 64, defaultPolicy: 'write-through', dmaReachable: true, init: 'none', description: 'internal flash bank 1, wait states from FLASH_ACR' },
  { name: 'DTCM', base: 0x2000_0000, size: 128 * KB, bus: 'dtcm', widthBits: 64, defaultPolicy: 'uncached-tcm', dmaReachable: false, init: 'none', description: 'data TCM (two 32-bit banks), zero wait state at CPU clock' },
  { name: 'AXI_SRAM', base: 0x2400_0000, size: 512 * KB, bus: 'axi', widthBits: 64, defaultPolicy: 'write-back-write-allocate', dmaReachable: true, init: 'none', description: 'D1 AXI SRAM at the bus-matrix clock' },
  { name: 'SRAM1', base: 0x3000_0000, size: 128 * KB, bus: 'ahb-d2', widthBits: 32, defaultPolicy: 'write-back-write-allocate', dmaReachable: true, init: 'rcc-clock', description: 'D2 SRAM1 (clock-gated at reset: RCC_AHB2ENR.D2SRAM1EN)' },
  { name: 'SRAM2', base: 0x3002_0000, size: 128 * KB, bus: 'ahb-d2', widthBits: 32, defaultPolicy: 'write-back-write-allocate', dmaReachable: true, init: 'rcc-clock', description: 'D2 SRAM2' },
  { name: 'SRAM3', base: 0x3004_0000, size: 32 * KB, bus: 'ahb-d2', widthBits: 32, defaultPolicy: 'write-back-write-allocate', dmaReachable: true, init: 'rcc-clock', description: 'D2 SRAM3' },
  { name: 'SRAM4', base: 0x3800_0000, size: 64 * KB, bus: 'ahb-d3', widthBits: 32, defaultPolicy: 'write-back-write-allocate', dmaReachable: true, init: 'none', description: 'D3 SRAM4' },
  { name: 'BACKUP_SRAM', base: 0x3880_0000, size: 4 * KB, bus: 'ahb-d3', widthBits: 32, defaultPolicy: 'write-back-write-allocate', dmaReachable: false, init: 'none', description: 'backup SRAM (Daisy bootloader boot record)' },
  { name: 'QSPI', base: 0x9000_0000, size: 8 * MB, bus: 'quadspi', widthBits: 64, defaultPolicy: 'write-through', dmaReachable: true, init: 'quadspi-memory-mapped', description: 'IS25LP064A QSPI flash, readable only in memory-mapped mode' },
  { name: 'SDRAM', base: 0xC000_0000, size: 64 * MB, bus: 'fmc', widthBits: 32, defaultPolicy: 'device', dmaReachable: true, init: 'fmc-sdram-init', description: 'AS4C16M32MSA SDRAM on FMC bank 1, unusable before the JEDEC init sequence' },
];

/** The memory containing `address`, or undefined (peripherals, PPB, holes). */
export function memoryAt(address: number): PhysicalMemory | undefined {
  for (const m of STM32H750_MEMORIES) {
    if (address >= m.base && address < m.base + m.size) return m;
  }
  return undefined;
}
