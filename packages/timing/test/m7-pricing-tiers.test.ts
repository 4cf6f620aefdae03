/**
 * A decoded record is priced by the generic function until it has retired `specialiseAfter` times, then
 * by its row's own generated function (m7-pricing.ts). Both are written from the same steps; these tests
 * run one random program through models that use only the one, only the other, and both in turn, and
 * require the same cycles, accounts and pipeline state from all three.
 */
import { INSN_CLASS_COUNT, Outcome, TimingFlag, type TimingInfo } from '@seedsim/core';
import { describe, expect, it } from 'vitest';
import { M7Model } from '../src/index.js';
import { genericPricingFunction } from '../src/m7-pricing.js';
import { insn, run, type Step } from './stream.js';

/** A small deterministic generator (xorshift32), so a failure can be replayed from its seed. */
function random(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** A loop body of `size` random records (any class, operands, flags), decoded-like (timingId -1). */
function randomBody(seed: number, size: number): TimingInfo[] {
  const pick = random(seed);
  const regs = (n: number) => Array.from({ length: n }, () => pick(13));
  const sregs = (n: number) => Array.from({ length: n }, () => pick(32));
  return Array.from({ length: size }, () => {
    const cls = pick(INSN_CLASS_COUNT);
    const info = insn(cls, {
      reads: regs(pick(4)),
      writes: regs(pick(3)),
      fpReads: sregs(pick(3)),
      fpWrites: sregs(pick(2)),
      earlyMask: pick(2) ? 1 << pick(13) : 0,
      lateMask: pick(3) ? 0 : 1 << pick(13),
      baseWriteMask: pick(4) ? 0 : 1 << pick(13),
      transferCount: pick(3) ? 0 : 1 + pick(8),
      flags: (pick(3) ? 0 : TimingFlag.SetsFlags) | (pick(4) ? 0 : TimingFlag.Conditional),
      size: pick(2) ? 2 : 4,
    });
    return { ...info, timingId: -1, timingHandle: null };
  });
}

/** `turns` passes over `body` laid out in flash (cached fetch) with data in AXI SRAM, DTCM and SDRAM. */
function program(body: TimingInfo[], turns: number, seed: number): Step[] {
  const pick = random(seed);
  const steps: Step[] = [];
  const base = 0x0800_1000;
  for (let turn = 0; turn < turns; turn++) {
    let pc = base;
    for (const info of body) {
      const accesses: Step['accesses'] = [];
      for (let k = pick(3); k > 0; k--) {
        const region = [0x2400_0000, 0x2000_0000, 0xc000_0000][pick(3)];
        accesses.push([region + 4 * pick(4096), [1, 2, 4][pick(3)], pick(3) === 0]);
      }
      const outcome = pick(6) === 0 ? 0 : Outcome.Executed | (pick(8) === 0 ? Outcome.BranchTaken : 0);
      steps.push({ pc, info, outcome, accesses });
      pc += info.size;
    }
  }
  return steps;
}

/** Everything the pricing leaves behind that the next instruction or a report reads. */
function state(m: M7Model): unknown {
  return {
    t: m.t,
    slotOpen: m.slotOpen,
    lastPairRow: m.lastPairRow,
    lastLoadBank: m.lastLoadBank,
    regTime: [...m.regTime],
    regCls: [...m.regCls],
    regReady: [...m.regReady],
    fpReadyAt: [...m.fpReadyAt],
    units: [m.flagsTime, m.lockUntil, m.fpBusyUntil, m.macAt, m.pendingKind],
    snapshot: m.snapshot(),
  };
}

function priceWith(specialiseAfter: number, seed: number): { cycles: number[]; state: unknown; generic: number } {
  const body = randomBody(seed, 40);
  const m = new M7Model({ specialiseAfter });
  m.memory.icacheEnabled = true;
  m.memory.dcacheEnabled = true;
  const cycles = run(m, program(body, 30, seed + 1));
  const generic = body.filter((info) => info.timingHandle === genericPricingFunction()).length;
  return { cycles, state: state(m), generic };
}

describe('generic and specialised pricing', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`price a random program alike (seed ${seed})`, () => {
      const specialised = priceWith(0, seed);
      const generic = priceWith(Infinity, seed);
      const both = priceWith(7, seed);
      expect(specialised.generic).toBe(0);
      expect(generic.generic).toBe(40);
      expect(both.generic).toBe(0);
      expect(generic.cycles).toEqual(specialised.cycles);
      expect(both.cycles).toEqual(specialised.cycles);
      expect(generic.state).toEqual(specialised.state);
      expect(both.state).toEqual(specialised.state);
      // The program is not trivial: stalls of several causes and some dual issue.
      const s = specialised.state as { snapshot: { byCause: Record<string, number>; dualIssued: number } };
      expect(Object.values(s.snapshot.byCause).filter((v) => v > 0).length).toBeGreaterThanOrEqual(4);
    });
  }

  it('a decoded record changes to its own function after specialiseAfter retires', () => {
    const [info] = randomBody(9, 1);
    const m = new M7Model({ specialiseAfter: 3 });
    const step = { pc: 0x100, info };
    run(m, [step, step]);
    expect(info.timingHandle).toBe(genericPricingFunction());
    run(m, [step]);
    expect(typeof info.timingHandle).toBe('function');
    expect(info.timingHandle).not.toBe(genericPricingFunction());
  });

  it('only retires within specialiseWindow cycles count: code run now and then stays generic', () => {
    const [slow] = randomBody(9, 1);
    const [fast] = randomBody(9, 1);
    const m = new M7Model({ specialiseAfter: 3, specialiseWindow: 1000 });
    // Three retires of `slow`, each more than the window after the previous one (the model sleeps between).
    for (let i = 0; i < 3; i++) {
      run(m, [{ pc: 0x100, info: slow }]);
      m.idle(5000);
    }
    expect(slow.timingHandle).toBe(genericPricingFunction());
    // Three retires of `fast` back to back, well within the window.
    run(m, [{ pc: 0x200, info: fast }, { pc: 0x200, info: fast }, { pc: 0x200, info: fast }]);
    expect(fast.timingHandle).not.toBe(genericPricingFunction());
    expect(() => new M7Model({ specialiseWindow: 0 })).toThrow('specialiseWindow');
  });
});
