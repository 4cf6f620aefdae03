import { describe, expect, it } from 'vitest';
import { BusError } from '@seedsim/core';
import { SystemBus } from '../src/system-bus.js';
import { RCC_BASE, RCC } from '../src/peripherals/rcc.js';
import { attachSystemPeripherals } from '../src/peripherals/system-peripherals.js';
import { attachStorageAndAudioPeripherals } from '../src/peripherals/storage-audio-peripherals.js';
import { RecordingContext } from './recording-context.js';

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const { rcc } = attachSystemPeripherals(bus, ctx);
  const { fmc, quadspi: qspi, sai1: sai } = attachStorageAndAudioPeripherals(bus, ctx, rcc);
  return { ctx, bus, rcc, fmc, qspi, sai };
}

describe('SoC wiring of FMC, QUADSPI and SAI to the RCC model', () => {
  it('refuses SDRAM while RCC_AHB3ENR.FMCEN is 0, then follows the RCC enable', () => {
    const { ctx, bus, fmc } = setup();
    fmc.presetLibDaisyInitialised();
    expect(() => bus.read32(0xc000_0000)).toThrow(BusError);
    expect(ctx.rulesNamed('sdram-before-init')[0].detail).toMatch(/RCC_AHB3ENR\.FMCEN = 0/);
    bus.write32(RCC_BASE + RCC.AHB3ENR, 1 << 12);
    bus.write32(0xc000_0000, 0x5a5a5a5a);
    expect(bus.read32(0xc000_0000)).toBe(0x5a5a5a5a);
  });

  it('takes kernel clocks from the clock tree (reset: HSI 64 MHz feeds the FMC and QSPI via HCLK)', () => {
    const { rcc, fmc, qspi } = setup();
    // RM0433 §8.7.x: D1CCIPR resets to 0 → FMCSEL = QSPISEL = rcc_hclk3 = 64 MHz HSI at reset.
    expect(fmc.sdramTiming().kernelHz).toBe(rcc.clockTree.clocks.hclk);
    expect(qspi.readTiming().kernelHz).toBe(rcc.clockTree.clocks.hclk);
    expect(rcc.clockTree.clocks.hclk).toBe(64e6);
  });

  it('runs SAI1 at 48 014.3 Hz once firmware programs PLL3 and the SAI1 kernel mux as libDaisy does', () => {
    const { bus, sai } = setup();
    const r = (o: number) => bus.read32(RCC_BASE + o);
    const w = (o: number, v: number) => bus.write32(RCC_BASE + o, v);
    // ConfigureClocks' final PLL3 and mux values (libdaisy-facts §3): HSE on, DIVM3 = 6, N3 = 295, P3 = 16.
    w(RCC.CR, r(RCC.CR) | (1 << 16));
    w(RCC.PLLCKSELR, 0x00601042);
    w(RCC.PLL3DIVR, 0x1f031f26);
    w(RCC.PLL3FRACR, 0);
    w(RCC.PLLCFGR, 0x016f0599);
    w(RCC.CR, r(RCC.CR) | (1 << 28));
    w(RCC.D2CCIP1R, 0x1082);
    bus.write32(0x4001_5804, 0x004002c0);
    // By hand: 16 MHz / 6 · 295 / 16 / (4 · 256) = 48 014.32 Hz.
    expect(sai.frameRate(sai.blockA)).toBeCloseTo(48_014.32, 1);
  });

  it('presets the bootloader state for BOOT_QSPI: the window reads flash at once', () => {
    const { bus, qspi } = setup();
    qspi.flash.load(0x40000, new Uint8Array([1, 2, 3, 4]));
    qspi.presetDaisyMemoryMapped();
    expect(bus.read32(0x9004_0000)).toBe(0x04030201);
    expect(bus.read32(0x5200_5000 + 0x14)).toBe(0x1f18edeb);
  });
});
