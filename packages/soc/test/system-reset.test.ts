import { describe, expect, it } from 'vitest';
import { attachSystemPeripherals, PWR, PWR_BASE, RCC, RCC_BASE, resetSystemPeripherals, SystemBus, TIM } from '../src/index.js';
import { programLibDaisyClocks } from './libdaisy-clocks.js';
import { RecordingContext } from './soc-test-context.js';

describe('system reset of the peripherals (AIRCR.SYSRESETREQ)', () => {
  it('returns RCC to HSI 64 MHz and timers to reset values, keeps PWR_CR3 and memory', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const soc = attachSystemPeripherals(bus, ctx);
    programLibDaisyClocks((o, v) => bus.write32(RCC_BASE + o, v), (o) => bus.read32(RCC_BASE + o));
    bus.write32(PWR_BASE + PWR.CR3, 0x2); // supply configured: SCUEN cleared
    bus.write32(0x40000000 + TIM.CR1, 1);
    bus.write32(0x38800008, 3); // backup SRAM boot record
    ctx.advanceTo(1000);
    expect(soc.rcc.clockTree.clocks.cpu).toBe(400e6);

    resetSystemPeripherals(soc);

    expect(soc.rcc.clockTree.clocks.cpu).toBe(64e6);
    expect(bus.read32(RCC_BASE + RCC.CR)).toBe(0x25);
    expect(bus.read32(RCC_BASE + RCC.RSR) & (1 << 24)).not.toBe(0); // SFTRSTF
    // libdaisy-facts §8: SCUEN comes back only at power-on, so the bootloader's second boot sees 0.
    expect(bus.read32(PWR_BASE + PWR.CR3) & 0x7).toBe(0x2);
    expect(bus.read32(0x40000000 + TIM.CR1)).toBe(0);
    expect(bus.read32(0x40000000 + TIM.CNT)).toBe(0);
    expect(bus.read32(0x40000000 + TIM.ARR)).toBe(0xffffffff);
    expect(bus.read32(0x38800008)).toBe(3);
  });
});
