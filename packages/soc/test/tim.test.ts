import { describe, expect, it } from 'vitest';
import { GeneralPurposeTimer, Rcc, RCC_BASE, SystemBus, TIM } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

function setup(libDaisyClocks: boolean) {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const rcc = new Rcc(ctx);
  bus.mapDevice(rcc);
  const timers = (['TIM2', 'TIM3', 'TIM4', 'TIM5'] as const).map((n) => new GeneralPurposeTimer(ctx, n, rcc.clockTree));
  for (const t of timers) bus.mapDevice(t);
  if (libDaisyClocks) programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
  const at = (base: number) => ({ r: (o: number) => bus.read32(base + o), w: (o: number, v: number) => bus.write32(base + o, v) });
  return { ctx, rcc, tim2: at(0x40000000), tim3: at(0x40000400), tim5: at(0x40000c00) };
}

/** libDaisy System::Init TIM2 set-up (libdaisy-facts §3 step 6). */
function startFreeRunning(t: { w: (o: number, v: number) => void }) {
  t.w(TIM.CR1, 0x80);
  t.w(TIM.ARR, 0xffffffff);
  t.w(TIM.PSC, 0);
  t.w(TIM.EGR, 1);
  t.w(TIM.CR1, 0x81);
}

describe('TIM2–TIM5 (RM0433 §38)', () => {
  it('resets ARR to all ones: 32 bits for TIM2/TIM5, 16 bits for TIM3', () => {
    const { tim2, tim3, tim5 } = setup(false);
    expect(tim2.r(TIM.ARR)).toBe(0xffffffff);
    expect(tim5.r(TIM.ARR)).toBe(0xffffffff);
    expect(tim3.r(TIM.ARR)).toBe(0xffff);
  });

  it("TIM2 counts at 200 MHz under libDaisy's clocks: half a count per 400 MHz CPU cycle", () => {
    const { ctx, tim2 } = setup(true);
    ctx.advanceTo(1000);
    startFreeRunning(tim2);
    expect(tim2.r(TIM.CNT)).toBe(0);
    ctx.advanceTo(1000 + 400_000); // 1 ms of CPU time = 200 000 timer ticks
    expect(tim2.r(TIM.CNT)).toBe(200_000);
    ctx.advanceTo(1000 + 400_003);
    expect(tim2.r(TIM.CNT)).toBe(200_001); // floor(400 003 / 2)
  });

  it('counts at the reset clock (HSI 64 MHz, no dividers: one count per cycle) and stops with CEN', () => {
    const { ctx, tim2 } = setup(false);
    startFreeRunning(tim2);
    ctx.advanceTo(640);
    expect(tim2.r(TIM.CNT)).toBe(640);
    tim2.w(TIM.CR1, 0x80);
    ctx.advanceTo(10_000);
    expect(tim2.r(TIM.CNT)).toBe(640);
    tim2.w(TIM.CNT, 5);
    tim2.w(TIM.CR1, 0x81);
    ctx.advanceTo(10_010);
    expect(tim2.r(TIM.CNT)).toBe(15);
  });

  it('applies PSC only at the update event (UG), as a preloaded register', () => {
    const { ctx, tim2 } = setup(false);
    tim2.w(TIM.CR1, 1);
    tim2.w(TIM.PSC, 9); // not active yet
    ctx.advanceTo(100);
    expect(tim2.r(TIM.CNT)).toBe(100);
    tim2.w(TIM.EGR, 1); // CNT = 0, PSC = 9 now: one count per 10 cycles
    ctx.advanceTo(200);
    expect(tim2.r(TIM.CNT)).toBe(10);
  });

  it('raises the update interrupt on overflow: TIM3, PSC 199, ARR 999 at 200 MHz → every 1 ms (IRQ 29)', () => {
    const { ctx, tim3 } = setup(true);
    tim3.w(TIM.PSC, 199);
    tim3.w(TIM.ARR, 999);
    tim3.w(TIM.EGR, 1);
    tim3.w(TIM.SR, 0); // clear the UIF that UG set
    tim3.w(TIM.DIER, 1);
    tim3.w(TIM.CR1, 1);
    // 200 × 1000 = 200 000 timer ticks = 400 000 CPU cycles (timer 200 MHz, CPU 400 MHz).
    ctx.advanceTo(399_999);
    expect(ctx.irqLevels.get(29) ?? false).toBe(false);
    ctx.advanceTo(400_000);
    expect(ctx.irqLevels.get(29)).toBe(true);
    expect(tim3.r(TIM.SR) & 1).toBe(1);
    expect(tim3.r(TIM.CNT)).toBe(0);
    tim3.w(TIM.SR, ~1); // rc_w0
    expect(ctx.irqLevels.get(29)).toBe(false);
    ctx.advanceTo(800_000);
    expect(ctx.irqRaised).toEqual([29, 29]);
  });

  it('UG with URS set reloads without setting UIF', () => {
    const { tim2 } = setup(false);
    tim2.w(TIM.CR1, 1 << 2);
    tim2.w(TIM.EGR, 1);
    expect(tim2.r(TIM.SR) & 1).toBe(0);
    tim2.w(TIM.CR1, 0);
    tim2.w(TIM.EGR, 1);
    expect(tim2.r(TIM.SR) & 1).toBe(1);
  });

  it('re-derives its rate when the clock tree changes mid-count', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const rcc = new Rcc(ctx);
    bus.mapDevice(rcc);
    const tim2 = new GeneralPurposeTimer(ctx, 'TIM2', rcc.clockTree);
    bus.mapDevice(tim2);
    bus.write32(0x40000000, 1);
    ctx.advanceTo(100); // 100 counts at 64 MHz / 64 MHz
    // D2PPRE1 = /2 (code 4): PCLK1 32 MHz, timer ×2 = 64 MHz, CPU still 64 MHz: rate unchanged.
    bus.write32(RCC_BASE + 0x1c, 4 << 4);
    ctx.advanceTo(200);
    expect(bus.read32(0x40000024)).toBe(200);
    // D2PPRE1 = /4 (code 5): PCLK1 16 MHz, timer 32 MHz: half a count per cycle from here.
    bus.write32(RCC_BASE + 0x1c, 5 << 4);
    ctx.advanceTo(300);
    expect(bus.read32(0x40000024)).toBe(250);
  });
});
