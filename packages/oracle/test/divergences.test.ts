/**
 * The one filtered Unicorn divergence (src/divergences.ts): SMLAD's Q flag. Evidence and filter.
 * SMLAD r0, r1, r1, r5 = fb21 5001 (arm-none-eabi-as). r1 = 0x80008000: both products are
 * (-32768)^2 = 2^30; with r5 = -32770 the total 2^31 - 32770 = 0x7fff7ffe fits in 32 bits, so the
 * architecture leaves Q clear (SMLAD pseudocode: Q set iff result != SInt(result<31:0>)).
 */
import { describe, expect, it } from 'vitest';
import { knownDivergence } from '../src/divergences.js';
import { insnItem } from '../src/generate/item.js';
import type { StateView } from '../src/lockstep.js';
import { Unicorn, unicornLoadProblem, SNAP_XPSR } from '../src/unicorn.js';
import { UC_ARM_REG } from '../src/unicorn-consts.js';
import { InsnClass } from '@seedsim/core';

const Q = 1 << 27;
const smlad = insnItem(0xfb215001, 4, 't32-mul', 'dsp-mul', InsnClass.Mac);

function view(r0: number, apsr: number): StateView {
  const r = new Array<number>(16).fill(0);
  r[0] = r0;
  r[1] = 0x80008000;
  r[5] = 0xffff7ffe;
  return { r, apsr, epsr: 0x0100_0000, fpscr: 0, s: new Array<number>(32).fill(0) };
}

describe('SMLAD Q divergence filter', () => {
  const before = view(0, 0);
  it('matches when only Q differs and the core has the architectural Q (clear)', () => {
    expect(knownDivergence([smlad], before, view(0x7fff7ffe, Q), view(0x7fff7ffe, 0))).toMatch(/SMLAD/);
  });
  it('does not match when the core sets Q too, or when anything else differs', () => {
    expect(knownDivergence([smlad], before, view(0x7fff7ffe, 0), view(0x7fff7ffe, Q))).toBeNull();
    expect(knownDivergence([smlad], before, view(0x7fff7ffe, Q), view(0x7fff7fff, 0))).toBeNull();
    const smuad = insnItem(0xfb21f001, 4, 't32-mul', 'dsp-mul', InsnClass.Mul); // Ra = 15: SMUAD
    expect(knownDivergence([smuad], before, view(0x7fff7ffe, Q), view(0x7fff7ffe, 0))).toBeNull();
  });

  it.skipIf(unicornLoadProblem() !== null)('evidence: Unicorn 2.0.1 sets Q here', () => {
    const uc = new Unicorn();
    uc.map(0x0800_0000, 0x1000).bytes.set([0x21, 0xfb, 0x01, 0x50]);
    uc.writeReg(UC_ARM_REG.XPSR, 0x0100_0000);
    uc.writeCore(1, 0x80008000);
    uc.writeCore(5, 0xffff7ffe);
    uc.step(0x0800_0000);
    const regs = uc.snapshot();
    expect(regs[0]).toBe(0x7fff7ffe);
    expect(regs[SNAP_XPSR] & Q).toBe(Q);
    uc.close();
  });
});
