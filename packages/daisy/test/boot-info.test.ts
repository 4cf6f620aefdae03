/**
 * libDaisy reads the bootloader's record through `daisy::boot_info`, linked in section .backup_sram at
 * 0x3880_0000 where the Daisy bootloader (v6) writes it (libdaisy-facts §3, §6). An app linked with a
 * script that has no such section reads its own copy, which neither the bootloader nor the startup code
 * writes: undefined on hardware; seedsim's RAM starts as zeros, so libDaisy reads version 0 and skips clock setup.
 */
import { describe, expect, it } from 'vitest';
import { SymbolTable } from '@seedsim/elf';
import type { DaisyBoard } from '../src/board.js';
import { expectsPreV6Bootloader, misplacedBootInfo } from '../src/boot.js';

const withBootInfoAt = (address: number) =>
  ({ image: { symbols: new SymbolTable([{ name: '_ZN5daisy9boot_infoE', address, size: 12, kind: 'object', local: false, section: '.data' }]) } }) as unknown as DaisyBoard;

describe('boot-info-misplaced', () => {
  it('flags a BOOT_SRAM app whose boot_info landed in AXI SRAM .data', () => {
    expect(misplacedBootInfo(withBootInfoAt(0x2403_0400), 'BOOT_SRAM')).toBe(0x2403_0400);
    expect(misplacedBootInfo(withBootInfoAt(0x2403_0400), 'BOOT_QSPI')).toBe(0x2403_0400);
  });

  it('accepts boot_info in backup SRAM, and ignores BOOT_NONE apps (they never read it)', () => {
    expect(misplacedBootInfo(withBootInfoAt(0x3880_0000), 'BOOT_SRAM')).toBeNull();
    expect(misplacedBootInfo(withBootInfoAt(0x2403_0400), 'BOOT_NONE')).toBeNull();
  });
});

const withSymbols = (...names: string[]) =>
  ({ image: { symbols: new SymbolTable(names.map((name) => ({ name, address: 0x3880_0000, size: 4, kind: 'object', local: false, section: '.data' }))) } }) as unknown as DaisyBoard;

describe('bootloader-v5-expected', () => {
  const SYSTEM_INIT = '_ZN5daisy6System4InitERKNS0_6ConfigE';
  it('flags a libDaisy bootloader app without boot_info (libDaisy before v6 leaves clocks to a v5 bootloader)', () => {
    expect(expectsPreV6Bootloader(withSymbols(SYSTEM_INIT), 'BOOT_QSPI')).toBe(true);
    expect(expectsPreV6Bootloader(withSymbols(SYSTEM_INIT), 'BOOT_SRAM')).toBe(true);
  });

  it('accepts libDaisy v6 and later (boot_info), BOOT_NONE apps and firmware without libDaisy', () => {
    expect(expectsPreV6Bootloader(withSymbols(SYSTEM_INIT, '_ZN5daisy9boot_infoE'), 'BOOT_QSPI')).toBe(false);
    expect(expectsPreV6Bootloader(withSymbols(SYSTEM_INIT), 'BOOT_NONE')).toBe(false);
    expect(expectsPreV6Bootloader(withSymbols('main', 'HAL_Init'), 'BOOT_SRAM')).toBe(false);
  });
});

