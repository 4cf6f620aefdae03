import { describe, expect, it } from 'vitest';
import { Pwr, PWR, PWR_BASE, SystemBus } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

function setup() {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const pwr = new Pwr(ctx);
  bus.mapDevice(pwr);
  return { ctx, pwr, r: (o: number) => bus.read32(PWR_BASE + o), w: (o: number, v: number) => bus.write32(PWR_BASE + o, v) };
}

describe('PWR (RM0433 §6.8, libdaisy-facts §8)', () => {
  it('CR3 resets to SCUEN | LDOEN; the first write clears SCUEN for good and locks the supply bits', () => {
    const { r, w } = setup();
    expect(r(PWR.CR3)).toBe(0x6);
    w(PWR.CR3, 0x2); // HAL_PWREx_ConfigSupply(PWR_LDO_SUPPLY)
    expect(r(PWR.CR3)).toBe(0x2);
    w(PWR.CR3, 0x7); // SCUEN cannot come back, BYPASS is locked
    expect(r(PWR.CR3) & 0x7).toBe(0x2);
    w(PWR.CR3, r(PWR.CR3) | (1 << 24)); // USB33DEN is still writable
    expect(r(PWR.CR3) & 0x05000007).toBe(0x05000002); // USB33RDY (bit 26) follows
  });

  it('reports the voltage scaling ready at once: D3CR.VOSRDY and CSR1.ACTVOSRDY, ACTVOS mirrors VOS', () => {
    const { r, w, pwr } = setup();
    expect(r(PWR.CSR1) & (1 << 13)).not.toBe(0);
    w(PWR.D3CR, 3 << 14); // VOS1
    expect(r(PWR.D3CR)).toBe((3 << 14) | (1 << 13));
    expect((r(PWR.CSR1) >>> 14) & 3).toBe(3);
    expect(pwr.voltageScale).toBe(3);
  });

  it('stores CR1.DBP', () => {
    const { r, w, pwr } = setup();
    expect(r(PWR.CR1)).toBe(0xf000c000);
    w(PWR.CR1, r(PWR.CR1) | (1 << 8));
    expect(pwr.backupWriteEnabled).toBe(true);
  });
});
