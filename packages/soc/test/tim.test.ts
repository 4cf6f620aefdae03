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
  return { ctx, rcc, timers, tim2: at(0x40000000), tim3: at(0x40000400), tim5: at(0x40000c00) };
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

describe('TIM2–TIM5 output compare and PWM (RM0433 TIM2–TIM5 chapter, "Output compare mode", "PWM mode")', () => {
  // Under libDaisy's clocks the timers count at 200 MHz: two CPU cycles per count with PSC = 0.
  /** STM32duino's analogWrite(PC7, 64) on TIM3: PSC 3, ARR 49 999 (1 kHz), CH2 PWM mode 1 preloaded, CCR2 12 549. */
  function arduinoPwm(t: { w: (o: number, v: number) => void }) {
    t.w(TIM.PSC, 3);
    t.w(TIM.ARR, 49_999);
    t.w(TIM.CCMR1, 0x6868); // OC1M = OC2M = 110 (PWM 1), OC1PE = OC2PE = 1
    t.w(TIM.CCR1, 37_647);
    t.w(TIM.CCR2, 12_549);
    t.w(TIM.CCER, 0x0011); // CC1E, CC2E
    t.w(TIM.EGR, 1); // UG: preloads take effect
    t.w(TIM.CR1, 0x81); // CEN, ARPE
  }

  it("reports the PWM a channel drives: 1 kHz, CCR / (ARR + 1) high in mode 1, inverted by CCxP", () => {
    const { ctx, timers, tim3 } = setup(true);
    const tim3Device = timers[1];
    expect(tim3Device.pwmChannels()).toEqual([]);
    arduinoPwm(tim3);
    ctx.advanceTo(1000);
    // 200 MHz / (3 + 1) / 50 000 = 1 kHz; CH1 37 647 / 50 000, CH2 12 549 / 50 000.
    expect(tim3Device.pwmChannels()).toEqual([
      { channel: 1, frequencyHz: 1000, duty: 37_647 / 50_000 },
      { channel: 2, frequencyHz: 1000, duty: 12_549 / 50_000 },
    ]);
    tim3.w(TIM.CCER, 0x0031); // CC2P: active low
    expect(tim3Device.pwmChannels()[1].duty).toBeCloseTo(1 - 12_549 / 50_000, 12);
    tim3.w(TIM.CCER, 0x0020); // CC1E and CC2E off (CC2P left set)
    expect(tim3Device.pwmChannels()).toEqual([]);
  });

  it('sets CCxIF when the counter reaches CCRx, once a period, and interrupts with CCxIE', () => {
    const { ctx, tim3 } = setup(true);
    // PSC 0, ARR 999: 1000 counts (2000 CPU cycles) a period; CCR1 = 250 matches 500 CPU cycles in.
    tim3.w(TIM.ARR, 999);
    tim3.w(TIM.CCMR1, 0x0010); // OC1M = 001 (active on match), no preload
    tim3.w(TIM.CCR1, 250);
    tim3.w(TIM.EGR, 1);
    tim3.w(TIM.SR, 0);
    const start = ctx.clock.cycles;
    tim3.w(TIM.CR1, 0x01);
    ctx.advanceTo(start + 498);
    expect(tim3.r(TIM.SR) & 2).toBe(0);
    ctx.advanceTo(start + 500);
    expect(tim3.r(TIM.SR) & 2).toBe(2); // polled: CC1IF
    tim3.w(TIM.SR, ~2); // rc_w0
    ctx.advanceTo(start + 1500);
    expect(tim3.r(TIM.SR) & 2).toBe(0); // not again in the same period
    // With CC1IE the match raises TIM3's NVIC line (29) at its cycle, without a read.
    tim3.w(TIM.DIER, 2);
    ctx.advanceTo(start + 2000 + 499);
    expect(ctx.irqLevels.get(29) ?? false).toBe(false);
    ctx.advanceTo(start + 2000 + 500);
    expect(ctx.irqLevels.get(29)).toBe(true);
  });
});

describe('TIM6/TIM7 (basic timers)', () => {
  it('read 0 at the offsets the general-purpose timers use for capture/compare, reporting nothing (reserved)', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const rcc = new Rcc(ctx);
    bus.mapDevice(rcc);
    bus.mapDevice(new GeneralPurposeTimer(ctx, 'TIM6', rcc.clockTree));
    for (const offset of [TIM.CCMR1, TIM.CCMR2, TIM.CCER, TIM.CCR1, TIM.CCR4]) expect(bus.read32(0x4000_1000 + offset)).toBe(0);
    bus.write32(0x4000_1000 + TIM.CCER, 0x11);
    expect(bus.read32(0x4000_1000 + TIM.CCER)).toBe(0);
    expect(ctx.unmodelledCalls).toEqual([]);
  });
});
