/**
 * FP and operand-stage timing on the real Cpu, which needs the operand refinements (FP register masks,
 * store data and accumulators read late, flag setters) that insn-annotate.ts derives from the decoded
 * records. Published figures: JNK (hw-facts §1.3, §1.5).
 */
import { describe, expect, it } from 'vitest';
import { M7Model, annotateTimingInfo } from '../src/index.js';
import { rig } from './asm.js';
import { InsnClass, decodeThumb, TimingFlag } from '@seedsim/core';

const rep = (n: number, s: string) => Array(n).fill(s).join('\n');
const perInsn = (body: string, regs: Record<number, number> = {}, n = 20) => {
  const cycles = (k: number) => rig(rep(k, body), new M7Model(), regs).run();
  return (cycles(2 * n) - cycles(n)) / n;
};

describe('FP timing through the decoder', () => {
  it('dependent VADD.F32: 3 cycles each (JNK, QUIN)', () => {
    expect(perInsn('vadd.f32 s0, s0, s1')).toBe(3);
  });

  it('dependent VDIV.F32: 16 cycles each; VSQRT.F32: 14 (JNK)', () => {
    expect(perInsn('vdiv.f32 s0, s0, s1', {}, 8)).toBe(16);
    expect(perInsn('vsqrt.f32 s0, s0', {}, 8)).toBe(14);
  });

  it('VFMA.F32 chained on its accumulator: 3 cycles each (JNK)', () => {
    expect(perInsn('vfma.f32 s0, s1, s2')).toBe(3);
  });

  it('independent VADD.F32s on different registers: 1 per cycle (no dual issue of FP arithmetic, JNK)', () => {
    expect(perInsn('vadd.f32 s0, s4, s5\nvadd.f32 s1, s6, s7\nvadd.f32 s2, s8, s9') / 3).toBe(1);
  });

  it('VMUL.F64 back to back: CPI 5 (JNK)', () => {
    expect(perInsn('vmul.f64 d0, d4, d5\nvmul.f64 d1, d6, d7') / 2).toBe(5);
  });
});

describe('integer operand stages through the decoder', () => {
  it('LDR then STR of the loaded value pair in one cycle (JNK: a store can store an LDR result in the same cycle)', () => {
    expect(perInsn('ldr r0, [r1]\nstr r0, [r2]', { 1: 0x2000_0000, 2: 0x2000_0100 })).toBe(1);
  });

  it('post-indexed loads on one pointer issue back to back: 1 cycle each (JNK)', () => {
    expect(perInsn('ldr r2, [r0], #4', { 0: 0x2000_0000 })).toBe(1);
    // The loaded value (r2), unlike the updated base, still has the load latency: into a MUL, 2.
    expect(perInsn('ldr r2, [r0], #4\nmul r3, r2, r2', { 0: 0x2000_0000 })).toBe(2);
  });

  it('SUBS three cycles ahead of BNE: the loop exit costs 6, not 8 (JNK flag forwarding)', () => {
    const src = 'loop:\nsubs r0, r0, #1\nadd.w r1, r1, #1\nadd.w r1, r1, #1\nadd.w r1, r1, #1\nadd.w r1, r1, #1\nbne loop\nnop';
    const m = new M7Model();
    rig(src, m, { 0: 5 }).run();
    const snap = m.snapshot();
    // First back-edge: static prediction bubble 2; exit: 6.
    expect(snap.byCause['branch-mispredict']).toBe(2 + 6);
  });
});

describe('annotateTimingInfo', () => {
  it('marks SUBS as flag-setting, BNE as conditional, STR data as late and its base as early', () => {
    // subs r0, r0, #1 (16-bit 0x3801); bne .-4 (0xd1fc); str r3, [r4, #8] (0x60a3)
    const subs = decodeThumb(0x3801, 0, 0);
    const bne = decodeThumb(0xd1fc, 0, 0);
    const str = decodeThumb(0x60a3, 0, 0);
    for (const i of [subs, bne, str]) annotateTimingInfo(i);
    expect(subs.flags! & TimingFlag.SetsFlags).toBeTruthy();
    expect(bne.cls).toBe(InsnClass.Branch);
    expect(bne.flags! & TimingFlag.Conditional).toBeTruthy();
    expect([str.lateMask, str.earlyMask]).toEqual([1 << 3, 1 << 4]);
  });

  it('VFMA reads its accumulator and both multiplicands: vfma.f32 s0, s1, s2', () => {
    // vfma.f32 s0, s1, s2 = 0xeea0 0x0a81
    const i = decodeThumb(0xeea0, 0x0a81, 0);
    annotateTimingInfo(i);
    expect(i.cls).toBe(InsnClass.FpFma);
    expect([i.fpReadMask, i.fpWriteMask]).toEqual([0b111, 0b1]);
  });
});
