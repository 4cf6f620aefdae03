/**
 * Memory-side timing through the M7 model's own entry points (dataAccess + retire): store buffer, load
 * banks, uncached buffers, exceptions with FP frames and sleep. Published figures: JNK (hw-facts §1.2,
 * §1.3, §2.1); hand counts in the comments.
 */
import { InsnClass as C } from '@seedsim/core';
import { describe, expect, it } from 'vitest';
import { Cause, M7Model, Region, attributesFromTexCbS, defaultAttributes } from '../src/index.js';
import { insn, repeat, run, straight, sum, type Step } from './stream.js';

const DTCM = 0x2000_0000;

function withAccesses(steps: Step[], access: (i: number) => Step['accesses']): Step[] {
  return steps.map((s, i) => ({ ...s, accesses: access(i) }));
}

describe('store buffer (JNK)', () => {
  const stores = (n: number, bytes: number, offset: number) =>
    withAccesses(straight(repeat(n, () => [insn(C.Store, { reads: [0, 1], lateMask: 1 })])), (i) => [[DTCM + 8 * i + offset, bytes, true]]);

  it('aligned word stores: one per cycle, the buffer never fills', () => {
    const c = run(new M7Model(), stores(40, 4, 0));
    expect(sum(c.slice(20))).toBe(20);
  });

  it('STRH stream: 2 cycles per store once the buffer is full (JNK: "strh is still 2 cycles")', () => {
    const c = run(new M7Model(), stores(60, 2, 0));
    expect(sum(c.slice(40)) / 20).toBe(2);
  });

  it('unaligned stores: no stall for the first 4, then 4 cycles per store (JNK: clogs after 5, then 4 each)', () => {
    const m = new M7Model();
    const c = run(m, stores(40, 4, 1));
    expect(c.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(sum(c.slice(20)) / 20).toBe(4);
    expect(m.accounts.byCause[Cause.WriteBufferFull]).toBeGreaterThan(0);
  });

  it('uncached stores to D2 SRAM drain at 12 cycles each (400 MHz: 2 + (2 + 3) × 2), so a store stream settles at 12', () => {
    const m = new M7Model();
    m.setAttributeSource({ attributes: (a) => (a >>> 0 >= 0x3000_0000 && a >>> 0 < 0x3000_8000 ? attributesFromTexCbS(1, 0, 0, 1) : defaultAttributes(a)) });
    m.memory.setEnabled(true, true);
    const steps = withAccesses(straight(repeat(60, () => [insn(C.Store, { reads: [0, 1], lateMask: 1 })])), (i) => [[0x3000_0000 + 4 * i, 4, true]]);
    const c = run(m, steps);
    expect(sum(c.slice(40)) / 20).toBe(12);
    expect(m.accounts.uncached[Region.D2Sram]).toBe(60);
  });
});

describe('load pairing and latency', () => {
  const loads = (offsetB: number) =>
    withAccesses(
      straight(repeat(20, () => [insn(C.Load, { reads: [8], writes: [0], earlyMask: 1 << 8 }), insn(C.Load, { reads: [9], writes: [1], earlyMask: 1 << 9 })])),
      (i) => [[DTCM + (i % 2 === 0 ? 0 : offsetB), 4, false]],
    );

  it('two loads to different DTCM banks dual-issue; to the same bank they do not (JNK)', () => {
    expect(sum(run(new M7Model(), loads(4)).slice(2))).toBe(19); // pairs: 1 cycle per pair
    expect(sum(run(new M7Model(), loads(8)).slice(2))).toBe(38); // same bank (bit 2 equal): 1 per load
  });

  it('an uncached load from D2 SRAM stalls for the AHB bridge path: 14 cycles (400 MHz)', () => {
    const m = new M7Model();
    m.memory.setEnabled(true, false);
    const c = run(m, [{ pc: 0x100, info: insn(C.Load, { reads: [8], writes: [0], earlyMask: 1 << 8 }), accesses: [[0x3000_0000, 4, false]] }]);
    expect(c[0]).toBe(1 + 14);
    expect(m.accounts.dataStallByRegion[Region.D2Sram]).toBe(14);
  });

  it('a load miss to SDRAM with libDaisy\'s MPU costs the SDRAM critical word: idle bank 64 cycles, next line in the row 24', () => {
    const m = new M7Model();
    m.setAttributeSource({ attributes: (a) => (a >>> 0 >= 0xc000_0000 && a >>> 0 < 0xc400_0000 ? attributesFromTexCbS(0, 1, 1, 0) : defaultAttributes(a)) });
    m.memory.setEnabled(true, true);
    const ld = (addr: number, t: number): Step => ({ pc: 0x100 + 4 * t, info: insn(C.Load, { reads: [8], writes: [0], earlyMask: 1 << 8 }), accesses: [[addr, 4, false]] });
    const c = run(m, [ld(0xc000_0000, 0), ...repeat(200, (i) => [{ pc: 0x200 + 4 * i, info: insn(C.Alu, { reads: [3], writes: [2] }) }]), ld(0xc000_0020, 1)]);
    expect(c[0]).toBe(1 + 64);
    expect(c[c.length - 1]).toBe(1 + 24);
  });
});

describe('what-if placements (MemorySystem.setPlacementOverrides)', () => {
  const ld = (addr: number, t: number): Step => ({ pc: 0x100 + 4 * t, info: insn(C.Load, { reads: [8], writes: [0], earlyMask: 1 << 8 }), accesses: [[addr, 4, false]] });

  it('a D2 SRAM range priced as DTCM costs nothing and is reported under DTCM; the rest of D2 keeps its 14 cycles', () => {
    const m = new M7Model();
    m.memory.setEnabled(true, false);
    m.memory.setPlacementOverrides([{ start: 0x3000_0000, end: 0x3000_0010, region: Region.Dtcm }]);
    const c = run(m, [ld(0x3000_0000, 0), ld(0x3000_001c, 1), ld(0x3000_0020, 2)]);
    // The range is widened to its whole 32-byte line: 0x3000_001c is in it, 0x3000_0020 is not. Two
    // DTCM loads from different banks dual-issue (JNK): 1 cycle for both.
    expect(c.slice(0, 2)).toEqual([1, 0]);
    expect(c[2]).toBe(1 + 14); // the AHB bridge path, as in the test above
    expect(m.accounts.dataStallByRegion[Region.D2Sram]).toBe(14);
    expect(m.memory.regionOf(0x3000_0004)).toBe(Region.Dtcm);
    expect(m.memory.regionOf(0x3000_0040)).toBe(Region.D2Sram);
  });

  it("a range priced as SDRAM takes SDRAM's attributes and line fills (64 cycles to an idle bank, as above)", () => {
    const model = (): M7Model => {
      const m = new M7Model();
      m.setAttributeSource({ attributes: (a) => (a >>> 0 >= 0xc000_0000 && a >>> 0 < 0xc400_0000 ? attributesFromTexCbS(0, 1, 1, 0) : defaultAttributes(a)) });
      m.memory.setEnabled(true, true);
      return m;
    };
    // AXI SRAM moved to SDRAM: cached through the SDRAM's MPU attributes, missing into an idle bank, the
    // second load waiting for its word of the line in flight: as the same loads at an SDRAM address.
    const moved = model();
    moved.memory.setPlacementOverrides([{ start: 0x2400_0000, end: 0x2400_1000, region: Region.Sdram }]);
    const c = run(moved, [ld(0x2400_0000, 0), ld(0x2400_0004, 1)]);
    const real = model();
    expect(c).toEqual(run(real, [ld(0xc000_0000, 0), ld(0xc000_0004, 1)]));
    expect(c[0]).toBe(1 + 64);
    expect(moved.snapshot().byRegion).toEqual(real.snapshot().byRegion);
    expect(moved.accounts.dcacheMisses[Region.Sdram]).toBe(1);
  });

  it('rejects a region that is not memory and an empty range', () => {
    const m = new M7Model();
    expect(() => m.memory.setPlacementOverrides([{ start: 0, end: 32, region: Region.Peripheral }])).toThrow(/not a memory region/);
    expect(() => m.memory.setPlacementOverrides([{ start: 64, end: 64, region: Region.Dtcm }])).toThrow(/empty range/);
  });
});

describe('exceptions and sleep', () => {
  it('entry with an FP frame adds the lazy-stacking save; return; tail chain', () => {
    const m = new M7Model();
    expect(m.exception('entry', true)).toBe(12 + 9);
    expect(m.exception('return', false)).toBe(10);
    expect(m.exception('tail-chain', false)).toBe(6);
    expect(m.accounts.byCause[Cause.Exception]).toBe(21 + 10 + 6);
  });

  it('idle cycles count as sleep and keep the totals consistent', () => {
    const m = new M7Model();
    const c = run(m, straight([insn(C.Sleep)]));
    m.idle(1000);
    const snap = m.snapshot();
    expect(snap.byCause['sleep']).toBe(1000);
    expect(snap.total).toBe(c[0] + 1000);
  });
});

describe('following the simulation clock', () => {
  it('cycles the clock skipped (WFI sleep in the exception model) are counted as sleep at the next instruction', () => {
    const clock = { cycles: 100 };
    const m = new M7Model({ clock });
    const step = (info: ReturnType<typeof insn>) => {
      clock.cycles += m.retire(0x100, info, 1);
    };
    step(insn(C.Alu, { reads: [1], writes: [0] }));
    step(insn(C.Sleep));
    clock.cycles += 5000; // the exception model jumps the clock to the waking event
    step(insn(C.Alu, { reads: [1], writes: [2] }));
    const snap = m.snapshot();
    expect(snap.byCause['sleep']).toBe(5000);
    expect(snap.total).toBe(clock.cycles - 100);
    // The region's cycles are its work, not the sleep.
    expect(snap.byRegion['ITCM'].cycles).toBe(snap.total - 5000);
  });
});

describe('per-region accounting', () => {
  it('accounts.snapshot() includes the code region totals; resetCounters() starts a fresh delta', () => {
    const m = new M7Model();
    const alu = insn(C.Alu, { reads: [1], writes: [2] });
    run(m, [{ pc: 0x100, info: alu }, { pc: 0x104, info: insn(C.Alu, { reads: [2], writes: [3] }) }]);
    const first = m.accounts.snapshot();
    expect(first.byRegion['ITCM'].instructions).toBe(2);
    expect(first.byRegion['ITCM'].cycles).toBe(first.total);
    m.resetCounters();
    const c = run(m, [{ pc: 0x108, info: insn(C.Alu, { reads: [3], writes: [4] }) }]);
    const second = m.accounts.snapshot();
    expect(second.byRegion['ITCM']).toMatchObject({ instructions: 1, cycles: c[0] });
    expect(second.total).toBe(c[0]);
  });
});

describe('configuration', () => {
  it('boost to 480 MHz re-derives flash fills: 4 WS costs more CPU cycles per miss', async () => {
    const { daisyBusConfig } = await import('../src/index.js');
    const fetchStall = (boost: boolean) => {
      const m = new M7Model({ bus: daisyBusConfig(boost) });
      m.memory.setEnabled(true, true);
      run(m, [{ pc: 0x0800_0000, info: insn(C.Alu, { reads: [1], writes: [0] }) }]);
      return m.accounts.fetchStallByRegion[Region.Flash];
    };
    // Critical word 14 at 400 MHz / 2 WS, 18 at 480 MHz / 4 WS, requested one cycle before issue.
    expect([fetchStall(false), fetchStall(true)]).toEqual([13, 17]);
  });
});
