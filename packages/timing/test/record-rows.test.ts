/**
 * The M7 model derives what it needs from a record once and keeps it in a row named by
 * TimingInfo.timingId (m7-model.ts RecordTable). A record retired through its row must cost what the
 * same facts cost when derived afresh; the expected cycles come from the latency tables by hand.
 */
import { InsnClass as C, type TimingInfo } from '@seedsim/core';
import { describe, expect, it } from 'vitest';
import { M7Model } from '../src/index.js';
import { insn, run, straight, sum } from './stream.js';

/** The same facts as `info`, as a decoded record carries them: with a timingId of -1 (not yet seen). */
const asDecoded = (info: TimingInfo): TimingInfo => ({ ...info, timingId: -1 });

describe('per-record rows', () => {
  it('a decoded record gets a row on first retire and keeps it', () => {
    const record = asDecoded(insn(C.Alu, { reads: [1], writes: [0] }));
    const m = new M7Model();
    run(m, straight([record]));
    const id = record.timingId!;
    expect(id).toBeGreaterThan(0); // row 0 is the scratch row of records without the field
    run(m, straight([record]));
    expect(record.timingId).toBe(id);
  });

  it('a load-use chain costs the same through rows as derived afresh (LDR → LDR address: 3 cycles, QUIN)', () => {
    // LDR r0, [r0] repeated: each waits for the previous load's data at the AGU (data → address 3).
    const load = () => insn(C.Load, { reads: [0], writes: [0], earlyMask: 1 });
    const fresh = sum(run(new M7Model(), straight(Array.from({ length: 20 }, load))));
    const shared = asDecoded(load());
    const viaRows = sum(run(new M7Model(), straight(Array.from({ length: 20 }, () => shared))));
    expect(viaRows).toBe(fresh);
    // First load issues at cycle 1 (from t = 0); each later one 3 cycles after the previous: 1 + 19 × 3.
    expect(viaRows).toBe(1 + 19 * 3);
  });

  it('a hand-built record without timingId is re-derived at every retire, so a change to it counts', () => {
    const mul = () => insn(C.Mul, { reads: [1, 2], writes: [0] });
    const info = insn(C.Alu, { reads: [5], writes: [6] });
    // Independent of the MUL: pairs with it (JNK: ALU + MUL dual-issue), 0 extra cycles.
    expect(run(new M7Model(), straight([mul(), info]))[1]).toBe(0);
    // Now reading r0: MUL → ALU latency 2 (JNK, LLVM-M7). MUL issues at 1, so r0 is ready at 3: 2 cycles.
    info.readMask = 1 << 0;
    expect(run(new M7Model(), straight([mul(), info]))[1]).toBe(2);
    expect(info.timingId).toBeUndefined();
  });
});
