import { describe, expect, it } from 'vitest';
import { Dbgmcu, DBGMCU_BASE, SystemBus, Syscfg, SYSCFG, SYSCFG_BASE, UnmodelledRegisterReporter } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

describe('SYSCFG (RM0433 §12)', () => {
  it('stores PWRCR.ODEN at 0x2C (absent from the SVD) and EXTICR routing', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    const syscfg = new Syscfg(ctx);
    bus.mapDevice(syscfg);
    bus.write32(SYSCFG_BASE + SYSCFG.PWRCR, 1);
    expect(bus.read32(SYSCFG_BASE + SYSCFG.PWRCR)).toBe(1);
    expect(syscfg.overdrive).toBe(true);
    expect(syscfg.extiPort(3)).toBe(0); // reset: port A
    bus.write32(SYSCFG_BASE + SYSCFG.EXTICR1, 0x3 << 12); // EXTI3 ← port D
    expect(syscfg.extiPort(3)).toBe(3);
    expect(ctx.unmodelledCalls).toHaveLength(0);
  });

  it('compensation cell READY follows EN', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    bus.mapDevice(new Syscfg(ctx));
    bus.write32(SYSCFG_BASE + SYSCFG.CCCSR, 1);
    expect(bus.read32(SYSCFG_BASE + SYSCFG.CCCSR)).toBe(0x101);
  });
});

describe('DBGMCU', () => {
  it('IDCODE reads 0x2003_6450: DEV_ID 0x450, REV_ID 0x2003 (rev V, libdaisy-facts §1)', () => {
    const ctx = new RecordingContext();
    const reporter = new UnmodelledRegisterReporter();
    ctx.unmodelled = (d, o, w, v) => reporter.report(d, o, w, v);
    const bus = new SystemBus(ctx);
    bus.mapDevice(new Dbgmcu(ctx));
    const id = bus.read32(DBGMCU_BASE);
    expect(id & 0xfff).toBe(0x450);
    expect(id >>> 16).toBe(0x2003);
    bus.write32(DBGMCU_BASE, 0);
    expect(bus.read32(DBGMCU_BASE)).toBe(0x20036450);
    bus.write32(DBGMCU_BASE + 4, 7);
    expect(bus.read32(DBGMCU_BASE + 4)).toBe(7);
    bus.read32(DBGMCU_BASE + 0x100);
    expect(reporter.reported.map((x) => x.register)).toEqual(['DBGMCU+0x100']);
  });
});
