import { describe, expect, it } from 'vitest';
import {
  attachSystemPeripherals,
  svdPeripheral,
  svdPeripheralAt,
  svdRegisterName,
  SystemBus,
  UnmodelledRegisterReporter,
} from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

describe('SVD table (generated from STM32H750x.svd)', () => {
  it('knows peripheral bases and register offsets from the SVD', () => {
    // Bases per RM0433 memory map / SVD baseAddress.
    expect(svdPeripheral('RCC')?.base).toBe(0x58024400);
    expect(svdPeripheral('flash')?.base).toBe(0x52002000);
    expect(svdPeripheralAt(0x40005810)?.name).toBe('I2C2');
    expect(svdPeripheralAt(0x58020c14)?.name).toBe('GPIOD');
    expect(svdPeripheralAt(0x40003000)).toBeUndefined();
    expect(svdRegisterName('RCC', 0x58)).toBe('RCC.D3CCIPR');
    expect(svdRegisterName('TIM3', 0x34)).toBe('TIM3.CCR1'); // derived peripheral, TIM2 layout
    expect(svdRegisterName('RCC', 0x1f4)).toBe('RCC+0x1f4');
  });
});

describe('unmodelled register reporting', () => {
  it('reports each unmodelled register of a modelled peripheral once, with its SVD name', () => {
    const ctx = new RecordingContext();
    const reporter = new UnmodelledRegisterReporter();
    ctx.unmodelled = (d, o, w, v) => reporter.report(d, o, w, v);
    const bus = new SystemBus(ctx);
    attachSystemPeripherals(bus, ctx);
    bus.write32(0x40000048, 123); // TIM2 DCR (DMA bursts): stored, not modelled
    bus.write32(0x40000048, 124);
    expect(bus.read32(0x40000048)).toBe(124);
    bus.read32(0x58024400 + 0x0a0); // RCC GCR: stored plainly (modelled as storage), not reported
    bus.read32(0x48021400); // HASH: no model at all
    bus.read32(0x48021400);
    expect(reporter.reported.map((r) => [r.register, r.isWrite])).toEqual([
      ['TIM2.DCR', true],
      ['HASH.CR', false],
    ]);
  });

  it('is silent for the registers a libDaisy boot touches in the modelled blocks', () => {
    const ctx = new RecordingContext();
    const bus = new SystemBus(ctx);
    attachSystemPeripherals(bus, ctx);
    // A sample of libdaisy-facts §3/§8 accesses to modelled blocks.
    bus.write32(0x58024400 + 0x58, 0x00010000); // RCC D3CCIPR
    bus.write32(0x58024800 + 0x0c, 0x2); // PWR CR3
    bus.write32(0x5800042c, 0); // SYSCFG PWRCR
    bus.read32(0x5c001000); // DBGMCU IDCODE
    bus.write32(0x40000000 + 0x08, 0); // TIM2 SMCR
    bus.write32(0x40000000 + 0x04, 0); // TIM2 CR2
    bus.write32(0x48021800, 4); // RNG CR
    bus.write32(0x58020c00 + 0x0c, 0); // GPIOD PUPDR
    expect(ctx.unmodelledCalls).toEqual([]);
  });
});
