import { describe, expect, it } from 'vitest';
import { computeClocks, Rcc, RCC, RCC_BASE, SystemBus, timerClock, ahbDivider, apbDivider } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const rcc = new Rcc(ctx);
  bus.mapDevice(rcc);
  const r = (o: number) => bus.read32(RCC_BASE + o);
  const w = (o: number, v: number) => bus.write32(RCC_BASE + o, v);
  return { ctx, bus, rcc, r, w };
}

describe('RCC registers (RM0433 §8.7)', () => {
  it('resets CR to 0x0000_0025 and PLL registers to their RM0433 reset values', () => {
    const { r } = setup();
    expect(r(RCC.CR)).toBe(0x25);
    expect(r(RCC.PLLCKSELR)).toBe(0x02020200);
    expect(r(RCC.PLLCFGR)).toBe(0x01ff0000);
    expect(r(RCC.PLL1DIVR)).toBe(0x01010280);
  });

  it('ready bits follow their enable bits both ways', () => {
    const { r, w } = setup();
    const pairs: [string, number, number][] = [
      ['CSI', 7, 8],
      ['HSI48', 12, 13],
      ['HSE', 16, 17],
      ['PLL1', 24, 25],
      ['PLL2', 26, 27],
      ['PLL3', 28, 29],
    ];
    for (const [, on, rdy] of pairs) {
      w(RCC.CR, r(RCC.CR) | (1 << on));
      expect((r(RCC.CR) >>> rdy) & 1).toBe(1);
      w(RCC.CR, r(RCC.CR) & ~(1 << on));
      expect((r(RCC.CR) >>> rdy) & 1).toBe(0);
    }
    // Ready bits are read-only: writing them alone does not set them.
    w(RCC.CR, r(RCC.CR) | (1 << 25));
    expect((r(RCC.CR) >>> 25) & 1).toBe(0);
  });

  it('keeps HSI on while it is the system clock (SystemInit clears CR with 0xEAF6ED7F)', () => {
    const { r, w } = setup();
    w(RCC.CR, r(RCC.CR) & 0xeaf6ed7f);
    w(RCC.CR, r(RCC.CR) & ~1);
    expect(r(RCC.CR) & 0x5).toBe(0x5); // HSION, HSIRDY
  });

  it('LSIRDY and LSERDY follow LSION (CSR) and LSEON (BDCR)', () => {
    const { r, w } = setup();
    w(RCC.CSR, 1);
    expect(r(RCC.CSR) & 3).toBe(3);
    w(RCC.CSR, 0);
    expect(r(RCC.CSR) & 3).toBe(0);
    w(RCC.BDCR, 1);
    expect(r(RCC.BDCR) & 3).toBe(3);
  });

  it('CFGR.SWS follows SW once the source is ready', () => {
    const { r, w } = setup();
    w(RCC.CFGR, 3); // PLL1 not running yet: stays on HSI
    expect((r(RCC.CFGR) >>> 3) & 7).toBe(0);
    w(RCC.CR, r(RCC.CR) | (1 << 24));
    expect((r(RCC.CFGR) >>> 3) & 7).toBe(3);
    w(RCC.CFGR, 2); // HSE off
    expect((r(RCC.CFGR) >>> 3) & 7).toBe(3);
    w(RCC.CFGR, 0);
    expect((r(RCC.CFGR) >>> 3) & 7).toBe(0);
  });

  it('stores enable registers and aliases C1_ views onto them', () => {
    const { r, w, rcc } = setup();
    w(RCC.AHB2ENR, 0xe0000000);
    expect(r(RCC.AHB2ENR)).toBe(0xe0000000);
    expect(r(0x13c)).toBe(0xe0000000); // C1_AHB2ENR
    w(0x148, 1); // C1_APB1LENR TIM2EN
    expect(r(RCC.APB1LENR)).toBe(1);
    expect(rcc.isEnabled(RCC.APB1LENR, 0)).toBe(true);
  });
});

describe('ClockTree (RM0433 §8.5)', () => {
  it('starts on HSI 64 MHz with every bus undivided', () => {
    const { rcc } = setup();
    const c = rcc.clockTree.clocks;
    expect(c.sysclk).toBe(64e6);
    expect(c.cpu).toBe(64e6);
    expect(c.hclk).toBe(64e6);
    expect(c.pclk1).toBe(64e6);
    expect(c.timerApb1).toBe(64e6);
  });

  it("gives libDaisy's 400 MHz tree from its register values", () => {
    const { r, w, rcc } = setup();
    programLibDaisyClocks(w, r);
    const c = rcc.clockTree.clocks;
    // PLL1: HSE 16 MHz / DIVM1 4 = 4 MHz; × N (0xC7 + 1 = 200) = 800 MHz VCO; / P (1 + 1 = 2) = 400 MHz.
    expect(c.pll1.vco).toBe(800e6);
    expect(c.sysclk).toBe(400e6);
    expect(c.cpu).toBe(400e6); // D1CPRE = 0 → /1
    expect(c.hclk).toBe(200e6); // HPRE = 8 → /2
    expect(c.pclk1).toBe(100e6); // D2PPRE1 = 4 → /2
    expect(c.pclk2).toBe(100e6);
    expect(c.pclk3).toBe(100e6); // D1PPRE = 4 → /2
    expect(c.pclk4).toBe(100e6);
    expect(c.timerApb1).toBe(200e6); // TIMPRE = 0, APB1 /2 → 2 × 100 MHz
    // PLL2: 16 MHz / DIVM2 1 × (DIVN 11 + 1 + FRACN 4096 / 8192) = 16 × 12.5 = 200 MHz; R = /1; P = /8.
    expect(c.pll2.vco).toBe(200e6);
    expect(c.pll2.r).toBe(200e6);
    expect(c.pll2.p).toBe(25e6);
    expect(c.fmc).toBe(200e6); // D1CCIPR.FMCSEL = 2 → PLL2R
    expect(c.qspi).toBe(200e6); // QSPISEL = 0 → HCLK
    // PLL3: 16 / 6 × (0x126 + 1 = 295) = 786.667 MHz; P = /16 → 49.1667 MHz.
    expect(c.pll3.p).toBeCloseTo((16e6 / 6) * 295 / 16, 3);
    expect(c.pll3.p / 1e6).toBeCloseTo(49.1667, 4);
    expect(c.sai1).toBe(c.pll3.p); // D2CCIP1R.SAI1SEL = 2 → PLL3P
    // PLL3R: 786.667 MHz / (0x1F + 1 = 32) = 24.58 MHz (ADC), PLL2Q is disabled (DIVQ2EN = 0).
    expect(c.pll3.r / 1e6).toBeCloseTo(24.583, 3);
    expect(c.pll2.q).toBe(0);
    expect(c.i2c123).toBe(100e6); // I2C123SEL = 0 → PCLK1
    expect(c.rng).toBe(48e6); // RNGSEL = 0 → HSI48
  });

  it('notifies listeners only when a frequency changes', () => {
    const { r, w, rcc } = setup();
    const seen: number[] = [];
    rcc.clockTree.onChange((c) => seen.push(c.cpu));
    w(RCC.AHB1ENR, 3); // not a clock register
    w(RCC.D1CFGR, 0); // same value
    expect(seen).toEqual([]);
    programLibDaisyClocks(w, r);
    expect(seen.at(-1)).toBe(400e6);
  });

  it('applies the TIMPRE table (RM0433 §8.5.10)', () => {
    // TIMPRE = 0: ×1 for APB /1, else ×2. TIMPRE = 1: HCLK up to APB /4, else ×4.
    expect(timerClock(200e6, 1, false)).toBe(200e6);
    expect(timerClock(200e6, 4, false)).toBe(100e6);
    expect(timerClock(200e6, 4, true)).toBe(200e6);
    expect(timerClock(200e6, 8, true)).toBe(100e6);
    expect([0, 7, 8, 11, 12, 15].map(ahbDivider)).toEqual([1, 1, 2, 16, 64, 512]);
    expect([0, 3, 4, 5, 7].map(apbDivider)).toEqual([1, 1, 2, 4, 16]);
  });

  it('computes the 480 MHz boost tree (libDaisy Boost(): N = 240)', () => {
    const c = computeClocks({
      cr: (1 << 0) | (1 << 16) | (1 << 24),
      cfgr: 3 << 3,
      d1cfgr: 0x48,
      d2cfgr: 0x440,
      d3cfgr: 0x40,
      pllckselr: 0x42,
      pllcfgr: 0x00070009,
      plldivr: [0x010402ef, 0, 0],
      pllfracr: [0, 0, 0],
      d1ccipr: 0,
      d2ccip1r: 0,
      d2ccip2r: 0,
      d3ccipr: 0,
    });
    // 16 / 4 × 240 / 2 = 480 MHz; HCLK 240; PCLK1 120; timers 240.
    expect(c.cpu).toBe(480e6);
    expect(c.hclk).toBe(240e6);
    expect(c.pclk1).toBe(120e6);
    expect(c.timerApb1).toBe(240e6);
  });
});
