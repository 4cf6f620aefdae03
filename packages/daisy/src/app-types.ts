import type { ElfImage, LinkerRegion } from '@seedsim/elf';

/**
 * The three Daisy app types and the linker regions of each (libDaisy core/STM32H750IB_{flash,sram,qspi}.lds,
 * as recorded in ../shared/reference/libdaisy-facts.md §2): names, origins and lengths, in the order the
 * scripts declare them, which is the order ld prints them in --print-memory-usage.
 */
export type AppType = 'BOOT_NONE' | 'BOOT_SRAM' | 'BOOT_QSPI';

const K = 1024;
const M = 1024 * 1024;

/**
 * The regions of one layout. The three scripts differ only where the bootloader takes room: BOOT_SRAM
 * leaves the top 32 KB of AXI SRAM to the bootloader, both boot layouts split D2 SRAM into a 32 KB DMA
 * area and the rest, and both start the app at 0x90040000 after the bootloader's QSPI sectors.
 */
function daisyRegions(layout: 'flash' | 'sram' | 'qspi'): LinkerRegion[] {
  const boot = layout !== 'flash';
  const d2: LinkerRegion[] = boot
    ? [
        { name: 'RAM_D2_DMA', origin: 0x3000_0000, length: 32 * K },
        { name: 'RAM_D2', origin: 0x3000_8000, length: 256 * K },
      ]
    : [{ name: 'RAM_D2', origin: 0x3000_0000, length: 288 * K }];
  return [
    { name: 'FLASH', origin: 0x0800_0000, length: 128 * K },
    { name: 'DTCMRAM', origin: 0x2000_0000, length: 128 * K },
    { name: 'SRAM', origin: 0x2400_0000, length: layout === 'sram' ? 480 * K : 512 * K },
    ...d2,
    { name: 'RAM_D3', origin: 0x3800_0000, length: 64 * K },
    { name: 'BACKUP_SRAM', origin: 0x3880_0000, length: 4 * K },
    { name: 'ITCMRAM', origin: 0x0000_0000, length: 64 * K },
    { name: 'SDRAM', origin: 0xc000_0000, length: 64 * M },
    boot ? { name: 'QSPIFLASH', origin: 0x9004_0000, length: 7936 * K } : { name: 'QSPIFLASH', origin: 0x9000_0000, length: 8 * M },
  ];
}

export interface AppTypeInfo {
  appType: AppType;
  /** Where the vector table and code are linked. */
  vectorTable: number;
  description: string;
  regions: LinkerRegion[];
}

export const APP_TYPES: Record<AppType, AppTypeInfo> = {
  BOOT_NONE: { appType: 'BOOT_NONE', vectorTable: 0x0800_0000, description: 'internal flash at 0x08000000, no bootloader', regions: daisyRegions('flash') },
  BOOT_SRAM: { appType: 'BOOT_SRAM', vectorTable: 0x2400_0000, description: 'Daisy bootloader copies the image from QSPI to AXI SRAM at 0x24000000', regions: daisyRegions('sram') },
  BOOT_QSPI: { appType: 'BOOT_QSPI', vectorTable: 0x9004_0000, description: 'Daisy bootloader jumps to code executed in place from QSPI at 0x90040000', regions: daisyRegions('qspi') },
};

/** Where the vector table (the .isr_vector section, else the lowest executable section) is linked. */
export function vectorTableAddress(image: ElfImage): number | undefined {
  const isr = image.sections.find((s) => s.name === '.isr_vector' && s.allocated);
  if (isr) return isr.address;
  const code = image.sections.filter((s) => s.allocated && s.executable && s.size > 0).sort((a, b) => a.address - b.address);
  return code[0]?.address;
}

/** The app type an image was linked for, from where its vector table lives. */
export function detectAppType(image: ElfImage): AppTypeInfo {
  const vtor = vectorTableAddress(image);
  if (vtor === undefined) throw new Error(`${image.name}: no vector table (.isr_vector) and no code section: not a firmware image`);
  if (vtor >= 0x0800_0000 && vtor < 0x0802_0000) return APP_TYPES.BOOT_NONE;
  if (vtor >= 0x2400_0000 && vtor < 0x2408_0000) return APP_TYPES.BOOT_SRAM;
  if (vtor >= 0x9000_0000 && vtor < 0x9080_0000) return APP_TYPES.BOOT_QSPI;
  throw new Error(`${image.name}: vector table at 0x${vtor.toString(16)} matches no Daisy app type (flash 0x08000000, BOOT_SRAM 0x24000000, BOOT_QSPI 0x90040000)`);
}
