/**
 * Bit-exact agreement with Unicorn Engine 2 (Cortex-M7): replays the vectors of fpu-unicorn-vectors.ts
 * (recorded from Unicorn by fpu-unicorn-gen.ts) on the seedsim core: result registers, FPSCR (flags,
 * NZCV) and APSR NZCV must match for every vector.
 */
import { describe, expect, it } from 'vitest';
import { Cpu, FlatBus } from '../src/index.js';
import { fpuFiller } from './fpu-unicorn-filler.js';
import { FPU_UNICORN_VECTORS } from './fpu-unicorn-vectors.js';

describe('FP instructions against Unicorn vectors', () => {
  it(`matches all ${FPU_UNICORN_VECTORS.length} recorded results and flags`, () => {
    const bus = new FlatBus();
    const code = bus.addRange(0, 0x1000);
    const cpu = new Cpu({ bus });
    const failures: string[] = [];
    for (const v of FPU_UNICORN_VECTORS) {
      code.set([v.hw1 & 0xff, v.hw1 >>> 8, v.hw2 & 0xff, v.hw2 >>> 8], 0);
      cpu.invalidateAllCode();
      cpu.reset();
      const st = cpu.state;
      for (let i = 0; i < 32; i++) st.s[i] = fpuFiller(i);
      for (const [i, x] of v.sIn) st.s[i] = x;
      for (let n = 0; n < 16; n++) st.r[n] = (0x01010101 * n) >>> 0;
      for (const [n, x] of v.rIn) st.r[n] = x;
      st.r[15] = 0;
      st.fpscr = v.fpscr;
      st.apsr = v.apsr;
      const expectS = Uint32Array.from(st.s);
      for (const [i, x] of v.sOut) expectS[i] = x;
      const expectR = Uint32Array.from(st.r.subarray(0, 13));
      for (const [n, x] of v.rOut) expectR[n] = x;
      cpu.step();
      const diffs: string[] = [];
      for (let i = 0; i < 32; i++) if (st.s[i] !== expectS[i]) diffs.push(`s${i}=${st.s[i].toString(16)} want ${expectS[i].toString(16)}`);
      for (let n = 0; n < 13; n++) if (st.r[n] !== expectR[n]) diffs.push(`r${n}=${st.r[n].toString(16)} want ${expectR[n].toString(16)}`);
      if (st.fpscr !== v.fpscrOut) diffs.push(`fpscr=${st.fpscr.toString(16)} want ${v.fpscrOut.toString(16)}`);
      if (st.apsr >>> 28 !== v.nzcvOut) diffs.push(`nzcv=${st.apsr >>> 28} want ${v.nzcvOut}`);
      if (diffs.length > 0) failures.push(`${v.mnemonic} ${v.hw1.toString(16)} ${v.hw2.toString(16)} fpscr ${v.fpscr.toString(16)}: ${diffs.join(', ')}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
