/**
 * Pipeline timing of the M7 model against published Cortex-M7 figures, through a hand-built instruction
 * stream from ITCM (zero-wait fetch). Sources: JNK = jnk0le pipeline cycle test (STM32H743, DWT.CYCCNT),
 * QUIN = quinapalus cm7cycles (STM32H730), LLVM-M7 = ARMScheduleM7.td (hw-facts §1).
 * Steady state is measured as the difference between a run of 2N and one of N repetitions, so warm-up
 * (first issue, empty scoreboard) cancels out.
 */
import { InsnClass as C, Outcome } from '@seedsim/core';
import { describe, expect, it } from 'vitest';
import { Cause, M7Model } from '../src/index.js';
import { CONDITIONAL, SETS_FLAGS, insn, repeat, run, straight, sum, type Step } from './stream.js';

/** Cycles per repetition of `body` in steady state. */
function perIteration(body: () => ReturnType<typeof insn>[], n = 40): number {
  const cycles = (reps: number) => sum(run(new M7Model(), straight(repeat(reps, body))));
  return (cycles(2 * n) - cycles(n)) / n;
}

describe('M7 issue and result latency', () => {
  it('two independent ALU ops dual-issue: 1 cycle per pair (QUIN: eor+eor = 1 cycle per pair)', () => {
    const body = () => [insn(C.Alu, { reads: [1, 2], writes: [0] }), insn(C.Alu, { reads: [4, 5], writes: [3] })];
    expect(perIteration(body)).toBe(1);
  });

  it('a dependent ALU chain runs at 1 per cycle (ALU latency 1: JNK, LLVM-M7)', () => {
    expect(perIteration(() => [insn(C.Alu, { reads: [0], writes: [0] })])).toBe(1);
  });

  it('MUL result latency is 2: a dependent MUL chain costs 2 per MUL (JNK "+1 cycle", LLVM-M7 2)', () => {
    expect(perIteration(() => [insn(C.Mul, { reads: [0, 1], writes: [0] })])).toBe(2);
  });

  it('MLA chained on the accumulator issues every cycle (JNK; QUIN umlal chain = 1)', () => {
    const mla = () => [insn(C.Mac, { reads: [1, 2, 0], writes: [0], lateMask: 1 << 0 })];
    expect(perIteration(mla)).toBe(1);
  });

  it('two MULs never dual-issue (JNK: single MAC pipe)', () => {
    const body = () => [insn(C.Mul, { reads: [1, 2], writes: [0] }), insn(C.Mul, { reads: [4, 5], writes: [3] })];
    expect(perIteration(body)).toBe(2);
  });

  it('LDM of 4 registers takes 2 cycles and pairs with nothing (JNK: ceil(n/2))', () => {
    const ldm = (): Step[] =>
      straight(repeat(20, () => [insn(C.LoadMultiple, { reads: [8], writes: [0, 1, 2, 3], transferCount: 4, earlyMask: 1 << 8 })]));
    const steps = ldm().map((s) => ({ ...s, accesses: [0, 4, 8, 12].map((o) => [0x2000_0000 + o, 4, false] as [number, number, boolean]) }));
    const m = new M7Model();
    const cycles = run(m, steps);
    expect(cycles.slice(1)).toEqual(Array(19).fill(2));
  });

  it('word load feeds an ALU op in the next cycle; byte load costs one more (JNK)', () => {
    const dtcm = 0x2000_0000;
    const loop = (cls: C) => (n: number) =>
      straight(
        repeat(n, () => [
          insn(cls, { reads: [1], writes: [2], earlyMask: 1 << 1 }),
          insn(C.Alu, { reads: [2], writes: [3] }),
        ]),
      ).map((s) => (s.info.cls === cls ? { ...s, accesses: [[dtcm, cls === C.Load ? 4 : 1, false]] as Step['accesses'] } : s));
    const steady = (cls: C) => (sum(run(new M7Model(), loop(cls)(80))) - sum(run(new M7Model(), loop(cls)(40)))) / 40;
    // ldr@t, add@t+1 pairs with the next ldr: 1 cycle per iteration.
    expect(steady(C.Load)).toBe(1);
    // ldrb@t, add@t+2 (+1 result latency) pairs with the next ldrb: 2 cycles per iteration.
    expect(steady(C.LoadNarrow)).toBe(2);
  });

  it('load result used as the next address: 3 cycles per load (QUIN data-to-address 3; LLVM-MUT +1)', () => {
    const chase = () => [insn(C.Load, { reads: [0], writes: [0], earlyMask: 1 << 0 })];
    expect(perIteration(chase)).toBe(3);
  });
});

describe('M7 floating point', () => {
  it('dependent VADD.F32 chain: 3 cycles each (JNK, QUIN, LLVM-M7 latency 3)', () => {
    expect(perIteration(() => [insn(C.FpAlu, { fpReads: [0, 1], fpWrites: [0] })])).toBe(3);
  });

  it('dependent VDIV.F32 chain: 16 cycles each (JNK)', () => {
    expect(perIteration(() => [insn(C.FpDiv, { fpReads: [0, 1], fpWrites: [0] })], 10)).toBe(16);
  });

  it('dependent VSQRT.F32 chain: 14 cycles each (JNK)', () => {
    expect(perIteration(() => [insn(C.FpSqrt, { fpReads: [0], fpWrites: [0] })], 10)).toBe(14);
  });

  it('VDIV.F32 pairs with one integer instruction then locks the pipeline (JNK)', () => {
    // vdiv; add; add from a cold start: the VDIV issues in cycle 1, the first add pairs with it (0 more),
    // the second add issues when the 16-cycle lock ends, 16 cycles after the VDIV.
    const steps = straight([
      insn(C.FpDiv, { fpReads: [2, 3], fpWrites: [1] }),
      insn(C.Alu, { reads: [5], writes: [4] }),
      insn(C.Alu, { reads: [7], writes: [6] }),
    ]);
    expect(run(new M7Model(), steps)).toEqual([1, 0, 16]);
  });

  it('VFMA.F32 chained on its accumulator: 3 cycles each (JNK "3 as accumulate")', () => {
    expect(perIteration(() => [insn(C.FpFma, { fpReads: [0, 1, 2], fpWrites: [0] })])).toBe(3);
  });

  it('VFMA.F32 result as a multiplicand: 5 cycles (JNK, LLVM-M7 5)', () => {
    // s3 += s0*s2 then s0 += s3*s2: each result feeds the other as a multiplicand, 5 + 5 per iteration.
    expect(perIteration(() => [insn(C.FpFma, { fpReads: [3, 0, 2], fpWrites: [3] }), insn(C.FpFma, { fpReads: [0, 3, 2], fpWrites: [0] })])).toBe(5 + 5);
  });

  it('independent VMUL.F32 + VADD.F32: 1 per instruction; VFMA + VADD: 2.5 (ARM community thread)', () => {
    const mulAdd = () => [
      insn(C.FpMul, { fpReads: [10, 11], fpWrites: [0] }),
      insn(C.FpAlu, { fpReads: [12, 13], fpWrites: [1] }),
    ];
    expect(perIteration(mulAdd) / 2).toBe(1);
    const fmaAdd = () => [
      insn(C.FpFma, { fpReads: [10, 11, 0], fpWrites: [0] }),
      insn(C.FpAlu, { fpReads: [12, 13], fpWrites: [1] }),
    ];
    // JNK: VADD can't issue for 3 cycles after a MAC: fma@0, vadd@4, fma@5 → 2.5 per instruction.
    expect(perIteration(fmaAdd) / 2).toBe(2.5);
  });
});

describe('M7 branches', () => {
  /** add r1; subs r0 (or earlier, with padding); bne back: `n` iterations, taken on all but the last, then one ALU op. */
  function loop(n: number, flagsEarly: boolean): Step[] {
    const steps: Step[] = [];
    for (let i = 0; i < n; i++) {
      let pc = 0x200;
      const add = (info: ReturnType<typeof insn>) => {
        steps.push({ pc, info });
        pc += 4;
      };
      if (flagsEarly) {
        add(insn(C.Alu, { reads: [0], writes: [0], flags: SETS_FLAGS }));
        // subs pairs with the first add; the dependent chain puts the bne 3 cycles after the subs.
        for (let k = 0; k < 4; k++) add(insn(C.Alu, { reads: [1], writes: [1] }));
      } else {
        add(insn(C.Alu, { reads: [1], writes: [1] }));
        add(insn(C.Alu, { reads: [0], writes: [0], flags: SETS_FLAGS }));
      }
      const last = i === n - 1;
      steps.push({ pc, info: insn(C.Branch, { flags: CONDITIONAL }), outcome: Outcome.Executed | (last ? 0 : Outcome.BranchTaken) });
    }
    steps.push({ pc: steps[steps.length - 1].pc + 4, info: insn(C.Alu, { reads: [5], writes: [6] }) });
    return steps;
  }

  it('a mispredicted branch costs 8 cycles (JNK)', () => {
    const m = new M7Model();
    const cycles = run(m, loop(20, false));
    // The instruction after the loop exit: 1 issue cycle + 8 mispredict.
    expect(cycles[cycles.length - 1]).toBe(1 + 8);
    expect(m.accounts.mispredicts).toBe(1);
  });

  it('the penalty drops to 6 when the flags are set at least 3 cycles before the branch (JNK)', () => {
    const cycles = run(new M7Model(), loop(20, true));
    expect(cycles[cycles.length - 1]).toBe(1 + 6);
  });

  it('a correctly predicted loop back-edge adds no stall: add+subs pair, bne 1 cycle (JNK ~0–1)', () => {
    const cyclesFor = (n: number) => sum(run(new M7Model(), loop(n, false)));
    expect((cyclesFor(60) - cyclesFor(30)) / 30).toBe(2);
    const m = new M7Model();
    run(m, loop(30, false));
    // Only the first iteration (static prediction) and the exit cost branch cycles.
    expect(m.accounts.byCause[Cause.BranchMispredict]).toBe(2 + 8);
  });
});

describe('M7 exceptions and accounting', () => {
  it('exception entry costs 12 cycles (hw-facts §1.6: 12-cycle interrupt latency)', () => {
    const m = new M7Model();
    expect(m.exception('entry', false)).toBe(12);
    expect(m.snapshot().byCause['exception']).toBe(12);
  });

  it('the causes add up to the cycles charged', () => {
    const m = new M7Model();
    const steps = straight(
      repeat(30, (i) => [
        insn(C.Load, { reads: [1], writes: [2], earlyMask: 2 }),
        insn(C.Mul, { reads: [2, 3], writes: [4] }),
        insn(C.FpDiv, { fpReads: [0, 1], fpWrites: [0] }),
        insn(C.Store, { reads: [4, 1], lateMask: 1 << 4 }),
        insn(C.Div, { reads: [4, 5], writes: [6] }),
        insn(C.Alu, { reads: [i % 8], writes: [7] }),
      ]),
      0x0800_0000,
    ).map((s) =>
      s.info.cls === C.Load ? { ...s, accesses: [[0x2400_0000 + 64 * (s.pc & 0xff), 4, false]] as Step['accesses'] } : s.info.cls === C.Store ? { ...s, accesses: [[0x3000_0000, 4, true]] as Step['accesses'] } : s,
    );
    m.memory.setEnabled(true, true);
    const total = sum(run(m, steps)) + m.exception('entry', true);
    const snap = m.snapshot();
    expect(snap.total).toBe(total);
    expect(Object.values(snap.byCause).reduce((a, b) => a + b, 0)).toBe(total);
    expect(snap.instructions).toBe(180);
  });
});

describe('M7 issue cycles in the accounts', () => {
  // The issue cause is what no other cause takes (M7Model.syncIssueCause): these streams have a known
  // count of issue groups and beats, worked out from the published pairing and LDM figures.
  it('counts one issue cycle per dual-issued pair (QUIN: eor+eor = 1 cycle per pair)', () => {
    const m = new M7Model();
    const pairs = 30;
    run(m, straight(repeat(pairs, () => [insn(C.Alu, { reads: [1, 2], writes: [0] }), insn(C.Alu, { reads: [4, 5], writes: [3] })])));
    const s = m.snapshot();
    expect(s.byCause['issue']).toBe(pairs);
    expect(s.total).toBe(pairs);
    expect(s.dualIssued).toBe(pairs);
  });

  it('counts LDM beats as issue cycles and a MUL chain wait as dependency (JNK: ceil(n/2); MUL latency 2)', () => {
    const m = new M7Model();
    const ldm = insn(C.LoadMultiple, { reads: [8], writes: [0, 1, 2, 3], transferCount: 4, earlyMask: 1 << 8 });
    const steps = straight(repeat(10, () => [ldm])).map((s) => ({
      ...s,
      accesses: [0, 4, 8, 12].map((o) => [0x2000_0000 + o, 4, false] as [number, number, boolean]),
    }));
    run(m, steps);
    expect(m.snapshot().byCause['issue']).toBe(10 * 2);
    m.resetCounters();
    run(m, straight(repeat(10, () => [insn(C.Mul, { reads: [6, 7], writes: [6] })]), 0x400));
    const s = m.snapshot();
    // Each MUL issues in a cycle of its own; each but the first waits one more for the previous result.
    expect(s.byCause['issue']).toBe(10);
    expect(s.byCause['dependency']).toBe(9);
    expect(s.total).toBe(19);
  });
});
