import { describe, expect, it } from 'vitest';
import { attachSystemPeripherals, Exti, EXTI, EXTI_BASE, SystemBus } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

describe('EXTI (RM0433 §20)', () => {
  function setup() {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const exti = new Exti(ctx);
    bus.mapDevice(exti);
    return { ctx, exti, r: (o: number) => bus.read32(EXTI_BASE + o), w: (o: number, v: number) => bus.write32(EXTI_BASE + o, v) };
  }

  it('resets CPUIMR1 to 0xFFC0_0000 (SVD) and stores edge selections', () => {
    const { r, w } = setup();
    expect(r(EXTI.CPUIMR1)).toBe(0xffc00000);
    w(EXTI.RTSR1, 0x10);
    expect(r(EXTI.RTSR1)).toBe(0x10);
  });

  it('a selected edge sets the pending bit; unmasked it raises EXTI4 (IRQ 10); CPUPR1 is write-1-to-clear', () => {
    const { ctx, exti, r, w } = setup();
    w(EXTI.RTSR1, 1 << 4);
    exti.signal(4, false);
    exti.signal(4, true);
    expect(r(EXTI.CPUPR1)).toBe(1 << 4);
    expect(ctx.irqLevels.get(10)).toBe(false); // masked
    w(EXTI.CPUIMR1, 1 << 4);
    expect(ctx.irqLevels.get(10)).toBe(true);
    exti.signal(4, false); // falling edge not selected
    w(EXTI.CPUPR1, 1 << 4);
    expect(r(EXTI.CPUPR1)).toBe(0);
    expect(ctx.irqLevels.get(10)).toBe(false);
  });

  it('SWIER raises lines 5–9 on the shared EXTI9_5 vector (IRQ 23)', () => {
    const { ctx, w, r } = setup();
    w(EXTI.CPUIMR1, 1 << 7);
    w(EXTI.SWIER1, 1 << 7);
    expect(r(EXTI.CPUPR1)).toBe(1 << 7);
    expect(ctx.irqLevels.get(23)).toBe(true);
  });
});

describe('GPIO → EXTI through SYSCFG_EXTICR', () => {
  it('a falling edge on PD3 raises EXTI3 (IRQ 9) once EXTICR1 routes port D to line 3', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const soc = attachSystemPeripherals(bus, ctx);
    bus.write32(0x58020c00, 0); // GPIOD all inputs
    bus.write32(EXTI_BASE + EXTI.FTSR1, 1 << 3);
    bus.write32(EXTI_BASE + EXTI.CPUIMR1, 1 << 3);
    soc.gpio.D.setInputLevel(3, true);
    soc.gpio.D.setInputLevel(3, false); // EXTICR1 still routes port A: nothing
    expect(ctx.irqLevels.get(9) ?? false).toBe(false);
    bus.write32(0x58000400 + 0x08, 3 << 12); // SYSCFG_EXTICR1.EXTI3 = port D
    soc.gpio.D.setInputLevel(3, true);
    soc.gpio.D.setInputLevel(3, false);
    expect(ctx.irqLevels.get(9)).toBe(true);
  });
});
