/**
 * DSP extension, multiplies, divides and bit operations (ARMv7-M ARM A7.7). Each expected value is worked
 * out by hand in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import { CpuHalt, FaultKind } from '../src/index.js';
import { machine, run } from './asm.js';

function regs(src: string, init: Record<number, number>, which: number[]): number[] {
  const { cpu } = run(src, init);
  return which.map((k) => cpu.state.r[k]);
}

describe('saturation and the Q flag', () => {
  it('QADD/QSUB/QDADD/QDSUB saturate and set Q', () => {
    // qadd: 0x7fffffff + 1 → 0x7fffffff (Q). qsub: 0x80000000 - 1 → 0x80000000.
    // qdadd r6, r7, r8: r7 + sat(2 * 0x40000000) = 1 + 0x7fffffff → 0x7fffffff.
    // qdsub r9, r10, r11: 5 - sat(2*3) = -1.
    const src = 'qadd r0, r1, r2\nqsub r3, r4, r5\nqdadd r6, r7, r8\nqdsub r9, r10, r11';
    const { cpu } = run(src, { 1: 0x7fffffff, 2: 1, 4: 0x80000000, 5: 1, 7: 1, 8: 0x40000000, 10: 5, 11: 3 });
    const r = cpu.state.r;
    expect([r[0], r[3], r[6], r[9]]).toEqual([0x7fffffff, 0x80000000, 0x7fffffff, 0xffffffff]);
    expect(cpu.state.q).toBe(1);
  });

  it('Q is sticky and visible through MRS APSR (bit 27)', () => {
    // qadd 1+1 does not saturate; Q stays 0 → apsr = 0. Then saturate once, then an ordinary qadd: Q stays 1.
    const { cpu } = run('qadd r0, r1, r1\nmrs r3, apsr\nqadd r0, r2, r2\nqadd r0, r1, r1\nmrs r4, apsr', { 1: 1, 2: 0x7fffffff });
    expect(cpu.state.r[3]).toBe(0);
    expect(cpu.state.r[4]).toBe(0x08000000);
  });

  it('SSAT/USAT with shifts', () => {
    // ssat #8 of 300 → 127 (Q). ssat #8 of (0xfffff000 asr 4 = -256) → -128.
    // usat #8 of -5 → 0. usat #4 of (3 lsl 2 = 12) → 12 (fits).
    const src = 'ssat r0, #8, r1\nssat r2, #8, r3, asr #4\nusat r4, #8, r5\nusat r6, #4, r7, lsl #2';
    const { cpu } = run(src, { 1: 300, 3: 0xfffff000, 5: 0xfffffffb, 7: 3 });
    const r = cpu.state.r;
    expect([r[0], r[2], r[4], r[6]]).toEqual([127, 0xffffff80, 0, 12]);
    expect(cpu.state.q).toBe(1);
  });

  it('SSAT without saturation leaves Q clear', () => {
    const { cpu } = run('ssat r0, #16, r1', { 1: 0xffff8000 });
    expect(cpu.state.r[0]).toBe(0xffff8000);
    expect(cpu.state.q).toBe(0);
  });

  it('SSAT16/USAT16', () => {
    // ssat16 #8 of (hi 256, lo -256) → (127, -128) = 0x007fff80.
    // usat16 #4 of (hi -16, lo 5) → (0, 5).
    expect(regs('ssat16 r0, #8, r1\nusat16 r2, #4, r3', { 1: 0x0100ff00, 3: 0xfff00005 }, [0, 2])).toEqual([0x007fff80, 5]);
  });
});

describe('parallel add/subtract, GE and SEL', () => {
  it('SADD16 sets GE per halfword; SEL picks bytes by GE', () => {
    // lo: 1 + (-2) = -1 → 0xffff, GE[1:0] = 00. hi: 0x7fff + 1 = 32768 ≥ 0 → 0x8000, GE[3:2] = 11.
    // sel: bytes 3,2 from r4, bytes 1,0 from r5 → 0xaaaabbbb.
    const { cpu } = run('sadd16 r0, r1, r2\nsel r3, r4, r5', { 1: 0x7fff0001, 2: 0x0001fffe, 4: 0xaaaaaaaa, 5: 0xbbbbbbbb });
    expect(cpu.state.r[0]).toBe(0x8000ffff);
    expect(cpu.state.ge).toBe(0b1100);
    expect(cpu.state.r[3]).toBe(0xaaaabbbb);
  });

  it('USUB8 GE = no borrow per byte', () => {
    // bytes (r7 - r8): ff-01 = fe (GE0), 00-01 = ff (borrow), 10-0f = 01 (GE2), 05-06 = ff (borrow).
    // sel r9, r10, r11: GE = 0101 → bytes 0 and 2 from r10: 0x55 22 77 44.
    const { cpu } = run('usub8 r6, r7, r8\nsel r9, r10, r11', { 7: 0x051000ff, 8: 0x060f0101, 10: 0x11223344, 11: 0x55667788 });
    expect(cpu.state.r[6]).toBe(0xff01fffe);
    expect(cpu.state.ge).toBe(0b0101);
    expect(cpu.state.r[9]).toBe(0x55227744);
  });

  it('UADD16 GE is the carry out of each halfword', () => {
    // lo: 0xffff + 1 = 0x10000 → 0x0000, GE[1:0] = 11; hi: 1 + 1 = 2, GE[3:2] = 00.
    const { cpu } = run('uadd16 r0, r1, r2', { 1: 0x0001ffff, 2: 0x00010001 });
    expect(cpu.state.r[0]).toBe(0x00020000);
    expect(cpu.state.ge).toBe(0b0011);
  });

  it('SASX exchanges halves', () => {
    // lo = 3 - 4 = -1 (GE 00); hi = 5 + 2 = 7 (GE 11).
    const { cpu } = run('sasx r0, r1, r2', { 1: 0x00050003, 2: 0x00040002 });
    expect(cpu.state.r[0]).toBe(0x0007ffff);
    expect(cpu.state.ge).toBe(0b1100);
  });

  it('saturating and halving flavours', () => {
    // uqsub8: 04-02=2, 03-02=1, 02-02=0, 01-02 → 0 → 0x00000102.
    // shadd16: hi (32767+1)>>1 = 0x4000, lo (-2-4)>>1 = -3 → 0x4000fffd.
    // uhsub16: hi (0-1)>>1 = -1 → 0xffff, lo (3-1)>>1 = 1 → 0xffff0001.
    // qadd8: 02, 7f+01→7f, 80+ff→80, 7f+01→7f → 0x7f807f02.
    // ssax r12, r1, r14 (r1 = 0x01020304, r14 = (2, 4)): lo = 0x0304 + 2 = 0x0306, hi = 0x0102 - 4 = 0x00fe → GE 1111.
    const src = 'uqsub8 r0, r1, r2\nshadd16 r3, r4, r5\nuhsub16 r6, r7, r8\nqadd8 r9, r10, r11\nssax r12, r1, r14';
    const { cpu } = run(src, {
      1: 0x01020304, 2: 0x02020202, 4: 0x7ffffffe, 5: 0x0001fffc, 7: 0x00000003, 8: 0x00010001,
      10: 0x7f807f01, 11: 0x01ff0101, 14: 0x00020004,
    });
    const r = cpu.state.r;
    expect([r[0], r[3], r[6], r[9], r[12]]).toEqual([0x00000102, 0x4000fffd, 0xffff0001, 0x7f807f02, 0x00fe0306]);
    expect(cpu.state.ge).toBe(0b1111);
  });
});

describe('multiplies', () => {
  it('long multiplies', () => {
    // smull -2 * 3 = -6 → (0xfffffffa, 0xffffffff). umull 0xffffffff^2 = 0xfffffffe_00000001.
    expect(regs('smull r0, r1, r2, r3\numull r4, r5, r6, r7', { 2: 0xfffffffe, 3: 3, 6: 0xffffffff, 7: 0xffffffff }, [0, 1, 4, 5]))
      .toEqual([0xfffffffa, 0xffffffff, 1, 0xfffffffe]);
    // smlal: (2^32 - 1) + (-6) = 2^32 - 7 → (0xfffffff9, 0).
    expect(regs('smlal r0, r1, r2, r3', { 0: 0xffffffff, 1: 0, 2: 0xfffffffe, 3: 3 }, [0, 1])).toEqual([0xfffffff9, 0]);
    // umlal: 1 + 2^32 → (1, 1). umaal: max*max + max + max = 2^64 - 1.
    expect(regs('umlal r0, r1, r2, r3', { 0: 1, 1: 0, 2: 0x10000, 3: 0x10000 }, [0, 1])).toEqual([1, 1]);
    expect(regs('umaal r0, r1, r2, r3', { 0: 0xffffffff, 1: 0xffffffff, 2: 0xffffffff, 3: 0xffffffff }, [0, 1])).toEqual([0xffffffff, 0xffffffff]);
  });

  it('halfword multiplies SMULxy/SMLAxy, SMULWy/SMLAWy', () => {
    // smulbb: -2 * 5 = -10. smultb: 3 * 5 = 15. smlabt: -2 * -1 + 100 = 102.
    expect(regs('smulbb r0, r1, r2\nsmultb r3, r1, r2\nsmlabt r4, r1, r2, r5', { 1: 0x0003fffe, 2: 0xffff0005, 5: 100 }, [0, 3, 4]))
      .toEqual([0xfffffff6, 15, 102]);
    // smulwb: 65536 * 3 >> 16 = 3. smulwt: -65536 * 2 >> 16 = -2.
    expect(regs('smulwb r0, r1, r2\nsmulwt r3, r4, r2', { 1: 0x10000, 2: 0x00020003, 4: 0xffff0000 }, [0, 3])).toEqual([3, 0xfffffffe]);
  });

  it('accumulate overflow sets Q (SMLABB, SMLAWB, SMUAD)', () => {
    // smlabb: (-32768)^2 = 0x40000000, + 0x7fffffff overflows → wraps to 0xbfffffff, Q = 1.
    const a = run('smlabb r0, r1, r2, r3', { 1: 0x8000, 2: 0x8000, 3: 0x7fffffff });
    expect(a.cpu.state.r[0]).toBe(0xbfffffff);
    expect(a.cpu.state.q).toBe(1);
    // smlawb: (-2^31 * -32768) >> 16 = 2^30, + 2^30 = 2^31 overflows → 0x80000000, Q.
    const b = run('smlawb r0, r1, r2, r3', { 1: 0x80000000, 2: 0x8000, 3: 0x40000000 });
    expect(b.cpu.state.r[0]).toBe(0x80000000);
    expect(b.cpu.state.q).toBe(1);
    // smuad: 2 * 2^30 = 2^31 overflows → 0x80000000, Q.
    const c = run('smuad r0, r1, r2', { 1: 0x80008000, 2: 0x80008000 });
    expect(c.cpu.state.r[0]).toBe(0x80000000);
    expect(c.cpu.state.q).toBe(1);
  });

  it('dual 16-bit multiplies', () => {
    // r1 = (2, 3), r2 = (4, 5). smlad: 3*5 + 2*4 + 1 = 24. smladx: 3*4 + 2*5 + 1 = 23.
    // smusd: 15 - 8 = 7. smlsdx: 3*4 - 2*5 + 1 = 3.
    expect(regs('smlad r0, r1, r2, r3\nsmladx r4, r1, r2, r3\nsmusd r5, r1, r2\nsmlsdx r6, r1, r2, r3', { 1: 0x00020003, 2: 0x00040005, 3: 1 }, [0, 4, 5, 6]))
      .toEqual([24, 23, 7, 3]);
    // smlald: (2^32 - 1) + 23 = 2^32 + 22 → (22, 1).
    expect(regs('smlald r0, r1, r2, r3', { 0: 0xffffffff, 1: 0, 2: 0x00020003, 3: 0x00040005 }, [0, 1])).toEqual([22, 1]);
    // smlsld: 1*1 - 2*3 = -5 → (0xfffffffb, 0xffffffff).
    expect(regs('smlsld r0, r1, r2, r3', { 0: 0, 1: 0, 2: 0x00020001, 3: 0x00030001 }, [0, 1])).toEqual([0xfffffffb, 0xffffffff]);
    // smlalbb: -1 * 1 = -1 → (0xffffffff, 0xffffffff).
    expect(regs('smlalbb r0, r1, r2, r3', { 0: 0, 1: 0, 2: 0xffff, 3: 1 }, [0, 1])).toEqual([0xffffffff, 0xffffffff]);
  });

  it('most-significant-word multiplies', () => {
    // smmul: 2^30 * 2^30 = 2^60 → top word 2^28. smmla + 1. smmls: 2^32 - 2^60 → top = 1 - 2^28 = 0xf0000001.
    expect(regs('smmul r0, r1, r2\nsmmla r3, r1, r2, r4\nsmmls r5, r1, r2, r4', { 1: 0x40000000, 2: 0x40000000, 4: 1 }, [0, 3, 5]))
      .toEqual([0x10000000, 0x10000001, 0xf0000001]);
    // 1 * -2^31 = 0xffffffff_80000000: smmul → 0xffffffff; smmulr adds 0x80000000 → 0.
    expect(regs('smmul r0, r1, r2\nsmmulr r3, r1, r2', { 1: 1, 2: 0x80000000 }, [0, 3])).toEqual([0xffffffff, 0]);
  });

  it('USAD8/USADA8', () => {
    // |1-4| + |2-3| + |3-2| + |4-1| = 8; + 100.
    expect(regs('usad8 r0, r1, r2\nusada8 r4, r1, r2, r3', { 1: 0x01020304, 2: 0x04030201, 3: 100 }, [0, 4])).toEqual([8, 108]);
  });
});

describe('divide', () => {
  it('SDIV/UDIV round toward zero; the overflow case', () => {
    // 7 / -2 = -3.5 → -3. 0x80000000 / -1 overflows to 0x80000000. 0xffffffff / 2 = 0x7fffffff.
    expect(regs('sdiv r0, r1, r2\nsdiv r3, r4, r5\nudiv r6, r7, r8', { 1: 7, 2: 0xfffffffe, 4: 0x80000000, 5: 0xffffffff, 7: 0xffffffff, 8: 2 }, [0, 3, 6]))
      .toEqual([0xfffffffd, 0x80000000, 0x7fffffff]);
  });
  it('divide by zero gives 0, or a DIVBYZERO fault with CCR.DIV_0_TRP', () => {
    expect(regs('sdiv r0, r1, r2\nudiv r3, r1, r2', { 0: 5, 1: 9, 2: 0, 3: 5 }, [0, 3])).toEqual([0, 0]);
    const m = machine('udiv r3, r1, r2', { 1: 9, 2: 0, 3: 5 });
    m.cpu.divByZeroTrap = true;
    try {
      m.cpu.step();
      throw new Error('expected a fault');
    } catch (e) {
      expect(e).toBeInstanceOf(CpuHalt);
      expect((e as CpuHalt).faultKind).toBe(FaultKind.DivideByZero);
    }
    expect(m.cpu.state.r[3]).toBe(5);
  });
});

describe('bit operations', () => {
  it('CLZ, RBIT, REV, REV16, REVSH', () => {
    // clz(0) = 32, clz(0x10000) = 15; rbit(1) = 0x80000000; rbit(0x12345678) = 0x1e6a2c48.
    expect(regs('clz r0, r1\nclz r2, r3\nrbit r4, r5\nrbit r6, r7', { 1: 0, 3: 0x10000, 5: 1, 7: 0x12345678 }, [0, 2, 4, 6]))
      .toEqual([32, 15, 0x80000000, 0x1e6a2c48]);
    // rev → 0x78563412; rev16 → 0x34127856; revsh of 0x80ff → 0xff80 sign-extended; of 0x5678 → 0x7856.
    expect(regs('rev r0, r1\nrev16 r2, r1\nrevsh r3, r4\nrevsh.w r5, r1', { 1: 0x12345678, 4: 0x80ff }, [0, 2, 3, 5]))
      .toEqual([0x78563412, 0x34127856, 0xffffff80, 0x7856]);
  });

  it('BFI, BFC, UBFX, SBFX', () => {
    // bfi #8,#4 of 5 into 0xffffffff → 0xfffff5ff. bfc #4,#8 → 0xfffff00f.
    // ubfx #4,#8 of 0x12345678 → 0x67. sbfx #12,#4 of 0xf000 → -1.
    expect(regs('bfi r0, r1, #8, #4\nbfc r2, #4, #8\nubfx r3, r4, #4, #8\nsbfx r5, r6, #12, #4', { 0: 0xffffffff, 1: 5, 2: 0xffffffff, 4: 0x12345678, 6: 0xf000 }, [0, 2, 3, 5]))
      .toEqual([0xfffff5ff, 0xfffff00f, 0x67, 0xffffffff]);
  });

  it('extends with rotation and accumulate', () => {
    // sxtb 0x80 → 0xffffff80; uxth 0x12345678 → 0x5678; sxtah: ror(0x00ff8000, 8) = 0x0000ff80 → -128 + 1000 = 872.
    // sxtb16 0x00800080 → 0xff80ff80. uxtab16: (2 + 0xfe, 1 + 0xff) = 0x01000100.
    const src = 'sxtb r0, r1\nuxth r2, r3\nsxtah r4, r5, r6, ror #8\nsxtb16 r7, r8\nuxtab16 r9, r10, r11';
    expect(regs(src, { 1: 0x80, 3: 0x12345678, 5: 1000, 6: 0x00ff8000, 8: 0x00800080, 10: 0x00010002, 11: 0x00ff00fe }, [0, 2, 4, 7, 9]))
      .toEqual([0xffffff80, 0x5678, 872, 0xff80ff80, 0x01000100]);
  });

  it('PKHBT/PKHTB', () => {
    // pkhbt: lo of r1 (0x2222), hi of r2 lsl 16 (0x4444). pkhtb: hi of r1 (0x1111), lo of r2 asr 16 (0x3333).
    expect(regs('pkhbt r0, r1, r2, lsl #16\npkhtb r3, r1, r2, asr #16', { 1: 0x11112222, 2: 0x33334444 }, [0, 3]))
      .toEqual([0x44442222, 0x11113333]);
  });
});
