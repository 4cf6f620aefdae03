import { describe, expect, it } from 'vitest';
import { BusError } from '@seedsim/core';
import { SystemBus } from '../src/system-bus.js';
import { Fmc } from '../src/peripherals/fmc.js';
import { RecordingContext } from './recording-context.js';

const FMC = 0x5200_4000;
const SDRAM = 0xc000_0000;
const CPU_HZ = 400e6;
// FMC register offsets (RM0433 §22.7 / SVD).
const BCR1 = 0x000,
  SDCR1 = 0x140,
  SDTR1 = 0x148,
  SDCMR = 0x150,
  SDRTR = 0x154,
  SDSR = 0x158;

function setup(clockOn = true) {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx, { autoUnmodelled: false });
  let gate = clockOn;
  const fmc = new Fmc(ctx, { kernelHz: () => 200e6, cpuHz: () => CPU_HZ, clockEnabled: () => gate });
  bus.mapDevice(fmc);
  bus.mapMemory(SDRAM, 64 * 1024 * 1024, fmc.sdramWindow);
  return { ctx, bus, fmc, setGate: (on: boolean) => (gate = on) };
}

type Step = 'config' | 'fmcen' | 'clock-enable' | 'delay' | 'pall' | 'refresh' | 'lmr' | 'refresh-once';

/** libDaisy SdramHandle::Init (libdaisy-facts §4), with `skip` steps left out. */
function libDaisySdramInit(ctx: RecordingContext, bus: SystemBus, skip: Step[] = []): void {
  const run = (s: Step) => !skip.includes(s);
  if (run('config')) {
    bus.write32(FMC + SDCR1, 0x000019e9);
    bus.write32(FMC + SDTR1, 0x09f27361);
  }
  if (run('fmcen')) bus.write32(FMC + BCR1, bus.read32(FMC + BCR1) | 0x8000_0000);
  if (run('clock-enable')) bus.write32(FMC + SDCMR, 0x00000011);
  // HAL_Delay(100): 100 ms of simulated time; "delay" skipped = only 20 µs.
  ctx.advanceTo(ctx.clock.cycles + (run('delay') ? 0.1 : 20e-6) * CPU_HZ);
  if (run('pall')) bus.write32(FMC + SDCMR, 0x00000012);
  if (run('refresh')) bus.write32(FMC + SDCMR, run('refresh-once') ? 0x00000073 : 0x00000013);
  if (run('lmr')) bus.write32(FMC + SDCMR, 0x00046414);
  bus.write32(FMC + SDRTR, 0x0000100c);
}

describe('FMC + AS4C16M32MSA SDRAM', () => {
  it('is usable after the full libDaisy init sequence', () => {
    const { ctx, bus, fmc } = setup();
    libDaisySdramInit(ctx, bus);
    expect(fmc.usable).toBe(true);
    bus.write32(SDRAM + 0x100, 0x12345678);
    bus.write8(SDRAM + 0x3ff_fff0, 0xab);
    expect(bus.read32(SDRAM + 0x100)).toBe(0x12345678);
    expect(bus.read8(SDRAM + 0x3ff_fff0)).toBe(0xab);
    expect(ctx.rulesNamed('sdram-before-init')).toEqual([]);
    expect(bus.read32(FMC + SDSR)).toBe(0); // normal mode, no refresh error
  });

  it("is usable after ST's older HAL sequence, which ORs each command into what SDCMR reads back (SET_BIT)", () => {
    // stm32h7xx_ll_fmc.c up to HAL v1.9 (libDaisy up to v5.4): SET_BIT(Device->SDCMR, command).
    const { ctx, bus, fmc } = setup();
    bus.write32(FMC + SDCR1, 0x000019e9);
    bus.write32(FMC + SDTR1, 0x09f27361);
    bus.write32(FMC + BCR1, bus.read32(FMC + BCR1) | 0x8000_0000);
    const send = (command: number) => bus.write32(FMC + SDCMR, bus.read32(FMC + SDCMR) | command);
    send(0x11);
    ctx.advanceTo(ctx.clock.cycles + 0.1 * CPU_HZ);
    send(0x12);
    send(0x73);
    send(0x46414);
    bus.write32(FMC + SDRTR, 0x0000100c);
    expect(fmc.usable).toBe(true);
    expect(ctx.rulesNamed('sdram-before-init')).toEqual([]);
    expect(ctx.unmodelledAccesses).toEqual([]);
    expect(bus.read32(FMC + SDCMR) & 7).toBe(0); // MODE reads back 0 once issued
  });

  const cases: { skip: Step[]; phase: RegExp; busError: boolean; clockOff?: boolean }[] = [
    { skip: [], clockOff: true, phase: /FMC clock not enabled/, busError: true },
    { skip: ['fmcen'], phase: /FMC disabled/, busError: true },
    { skip: ['config'], phase: /SDCLK = 00/, busError: false },
    { skip: ['clock-enable'], phase: /no clock-enable/, busError: false },
    { skip: ['delay'], phase: /before the 100 µs power-up delay/, busError: false },
    { skip: ['pall'], phase: /clock enabled, no precharge-all/, busError: false },
    { skip: ['refresh'], phase: /fewer than 2 auto-refresh/, busError: false },
    { skip: ['refresh-once'], phase: /fewer than 2 auto-refresh/, busError: false },
    { skip: ['lmr'], phase: /no mode register set/, busError: false },
  ];
  for (const c of cases) {
    it(`missing ${c.clockOff ? 'RCC clock' : c.skip.join('+')} leaves SDRAM unusable (${c.phase.source})`, () => {
      const { ctx, bus, fmc } = setup(!c.clockOff);
      libDaisySdramInit(ctx, bus, c.skip);
      expect(fmc.usable).toBe(false);
      if (c.busError) {
        expect(() => bus.read32(SDRAM)).toThrow(BusError);
        expect(() => bus.write32(SDRAM, 1)).toThrow(BusError);
      } else {
        const before = bus.read32(SDRAM + 0x40);
        bus.write32(SDRAM + 0x40, before ^ 0xffffffff);
        expect(bus.read32(SDRAM + 0x40)).toBe(before); // the write was lost
      }
      const reports = ctx.rulesNamed('sdram-before-init');
      expect(reports).toHaveLength(1); // once per phase, not per access
      expect(reports[0].detail).toMatch(c.phase);
      expect(fmc.beforeInitAccesses).toBeGreaterThanOrEqual(2);
    });
  }

  it('powers up with non-zero contents and reports reads of never-written memory once per range', () => {
    const { ctx, bus } = setup();
    libDaisySdramInit(ctx, bus);
    const words = Array.from({ length: 16 }, (_, i) => bus.read32(SDRAM + 0x1000 + 4 * i));
    expect(words.some((w) => w !== 0)).toBe(true);
    expect(new Set(words).size).toBeGreaterThan(8); // a pattern, not a constant fill
    // 64 bytes read sequentially = two adjacent 32-byte lines: one report.
    expect(ctx.rulesNamed('sdram-read-uninitialised')).toHaveLength(1);
    expect(ctx.rulesNamed('sdram-read-uninitialised')[0].address).toBe(SDRAM + 0x1000);
    // Re-reading the same lines: counted, not reported again.
    bus.read32(SDRAM + 0x1000);
    expect(ctx.rulesNamed('sdram-read-uninitialised')).toHaveLength(1);
    // A distant address starts a new range.
    bus.read16(SDRAM + 0x20_0000);
    expect(ctx.rulesNamed('sdram-read-uninitialised')).toHaveLength(2);
    // Written memory reads back silently.
    bus.write32(SDRAM + 0x30_0000, 7);
    expect(bus.read32(SDRAM + 0x30_0000)).toBe(7);
    // Tracking is per word: a byte store marks its whole word written.
    bus.write8(SDRAM + 0x30_0100, 1);
    bus.read32(SDRAM + 0x30_0100);
    expect(ctx.rulesNamed('sdram-read-uninitialised')).toHaveLength(2);
  });

  it('allocates 64 KB pages lazily', () => {
    const { ctx, bus, fmc } = setup();
    libDaisySdramInit(ctx, bus);
    expect(fmc.sdram.allocatedPages).toBe(0);
    bus.write32(SDRAM + 0x10, 1);
    bus.write32(SDRAM + 0x20_0010, 1);
    bus.write32(SDRAM + 0x20_0020, 1);
    expect(fmc.sdram.allocatedPages).toBe(2);
  });

  it('exposes the programmed timing for the timing model and notifies changes', () => {
    const { ctx, bus, fmc } = setup();
    let changes = 0;
    fmc.onTimingChange(() => changes++);
    libDaisySdramInit(ctx, bus);
    expect(changes).toBeGreaterThan(0);
    const t = fmc.sdramTiming();
    // Expected values from libdaisy-facts §4 / hw-facts §5.2 (libDaisy's HAL settings, decoded there).
    expect(t).toMatchObject({
      usable: true,
      sdclkDivider: 2,
      sdclkHz: 100e6,
      casLatency: 3,
      tmrd: 2,
      txsr: 7,
      tras: 4,
      trc: 8,
      twr: 3,
      trp: 16,
      trcd: 10,
      readBurst: true,
      readPipe: 0,
      columnBits: 9,
      rowBits: 13,
      internalBanks: 4,
      busWidthBits: 32,
      burstLength: 4,
      refreshCount: 0x81a - 20,
    });
    // Row tracking: 32-bit bus, 9 column bits → bank = addr bits 12:11, row = bits 25:13.
    bus.write32(SDRAM + (5 << 13) + (2 << 11), 0);
    expect(t.openRows[2]).toBe(5);
    const n = changes;
    bus.write32(FMC + SDTR1, 0x09f27362);
    expect(changes).toBe(n + 1);
  });

  it('reports a mode-register CAS latency that disagrees with FMC_SDCR1.CAS', () => {
    const { ctx, bus } = setup();
    bus.write32(FMC + SDCR1, 0x000019e9 & ~(3 << 7) | (2 << 7)); // FMC CAS 2
    bus.write32(FMC + BCR1, 0x8000_30db);
    bus.write32(FMC + SDCMR, 0x11);
    ctx.advanceTo(0.001 * CPU_HZ);
    bus.write32(FMC + SDCMR, 0x12);
    bus.write32(FMC + SDCMR, 0x73);
    bus.write32(FMC + SDCMR, 0x46414); // MRD 0x232: CAS 3
    expect(ctx.rulesNamed('sdram-cas-mismatch')).toHaveLength(1);
  });
});
