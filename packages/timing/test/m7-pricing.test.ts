/**
 * The M7 model prices each record through a function generated for its row (m7-pricing.ts). These tests
 * check the generated functions against the model they run on and that a row's function holds only the
 * steps the row needs; the cycles themselves are checked by the pipeline and memory tests.
 */
import { InsnClass as C } from '@seedsim/core';
import { describe, expect, it } from 'vitest';
import { M7Model } from '../src/index.js';
import { PRICING_FIELDS, pricingFunctionCount } from '../src/m7-pricing.js';
import { insn, run, straight } from './stream.js';

const decoded = <T extends object>(info: T): T => ({ ...info, timingId: -1 });

describe('generated pricing functions', () => {
  it('every model field and method they use exists on the model', () => {
    const m = new M7Model() as unknown as Record<string, unknown>;
    for (const field of PRICING_FIELDS) expect(field in m, field).toBe(true);
  });

  it('records with the same facts share one function; a decoded record keeps it as its timing handle', () => {
    const a = decoded(insn(C.Alu, { reads: [9, 10], writes: [11] }));
    const b = decoded(insn(C.Alu, { reads: [9, 10], writes: [11] }));
    const before = pricingFunctionCount();
    run(new M7Model({ specialiseAfter: 0 }), straight([a, b]));
    expect(pricingFunctionCount() - before).toBeLessThanOrEqual(1);
    expect(typeof a.timingHandle).toBe('function');
    expect(a.timingHandle).toBe(b.timingHandle);
  });

  it("a row's function holds only the steps it needs", () => {
    const alu = decoded(insn(C.Alu, { reads: [1], writes: [2] }));
    const vdiv = decoded(insn(C.FpDiv, { fpReads: [1, 2], fpWrites: [0] }));
    run(new M7Model({ specialiseAfter: 0 }), straight([alu, vdiv]));
    const aluSource = String(alu.timingHandle);
    const vdivSource = String(vdiv.timingHandle);
    // The ALU op reads r1 and writes r2 and nothing else: no FP state, no unit locks, no extra beats.
    expect(aluSource).toContain('rr[1]');
    expect(aluSource).toContain('wt[2] = end');
    expect(aluSource).not.toContain('m.fpReadyAt');
    expect(aluSource).not.toContain('m.lockUntil =');
    expect(aluSource).not.toContain('m.extraCycles');
    // VDIV reads S1/S2, writes S0, busies the FP unit and locks the pipeline (JNK).
    expect(vdivSource).toContain('fp[4]'); // S1, read kind Normal: 1 * 4 + 0
    expect(vdivSource).toContain('m.lockUntil = issue +');
    expect(vdivSource).toContain('m.fpBusyUntil = issue +');
  });
});
