import { describe, expect, it } from 'vitest';
import { Flash, FLASH, FLASH_BASE, Rcc, RCC, RCC_BASE, SystemBus } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const rcc = new Rcc(ctx);
  const flash = new Flash(ctx, rcc.clockTree);
  bus.mapDevice(rcc);
  bus.mapDevice(flash);
  return { ctx, bus, flash, r: (o: number) => bus.read32(FLASH_BASE + o), w: (o: number, v: number) => bus.write32(FLASH_BASE + o, v) };
}

describe('FLASH interface (RM0433 §4)', () => {
  it('ACR resets to LATENCY 7, WRHIGHFREQ 3 and reads back what the HAL writes', () => {
    const { r, w, flash } = setup();
    expect(r(FLASH.ACR)).toBe(0x37);
    expect(flash.waitStates).toBe(7);
    w(FLASH.ACR, 0x22); // FLASH_LATENCY_2, WRHIGHFREQ 2 (libDaisy 400 MHz)
    expect(r(FLASH.ACR) & 0xf).toBe(2);
    expect(flash.waitStates).toBe(2);
    expect(flash.writeHighFrequency).toBe(2);
    expect(r(FLASH.ACR_ALIAS)).toBe(0x22);
  });

  it('tells latency listeners after every ACR write, with the new value already readable', () => {
    const { w, flash } = setup();
    const seen: number[] = [];
    flash.onLatencyChange(() => seen.push(flash.waitStates));
    w(FLASH.ACR, 0x22);
    w(FLASH.ACR, 0x24);
    expect(seen).toEqual([2, 4]);
  });

  it('reports flash-wait-states when the AXI clock outruns LATENCY (hw-facts §3.2 table)', () => {
    const { ctx, bus, w } = setup();
    w(FLASH.ACR, 0); // 0 WS is good to 70 MHz; HSI 64 MHz is fine
    expect(ctx.rules).toHaveLength(0);
    // HSE 16 MHz / 4 × 200 / 2 = 400 MHz sysclk with HPRE /1 → AXI 400 MHz: too fast for 0 WS.
    bus.write32(RCC_BASE + RCC.CR, 0x25 | (1 << 16) | (1 << 24));
    bus.write32(RCC_BASE + RCC.PLLCKSELR, 0x42);
    bus.write32(RCC_BASE + RCC.PLL1DIVR, 0x010402c7);
    bus.write32(RCC_BASE + RCC.CFGR, 3);
    expect(ctx.rules.map((x) => x.rule)).toContain('flash-wait-states');
  });

  it('CR1 is locked until the KEYR1 sequence 0x45670123, 0xCDEF89AB', () => {
    const { r, w } = setup();
    expect(r(FLASH.CR1) & 1).toBe(1);
    w(FLASH.CR1, 0x30);
    expect(r(FLASH.CR1) & 1).toBe(1);
    w(FLASH.KEYR1, 0x45670123);
    w(FLASH.KEYR1, 0xcdef89ab);
    expect(r(FLASH.CR1) & 1).toBe(0);
  });
});
