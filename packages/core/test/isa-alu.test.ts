/**
 * Data processing: flags from AddWithCarry and the shifter (ARMv7-M ARM A2.2.1, A7.4), ThumbExpandImm_C
 * (A5.3.2), IT blocks (A7.3). Expected values are derived by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { nzcv, run } from './asm.js';

// nzcv(): N=8 Z=4 C=2 V=1
describe('AddWithCarry flags', () => {
  const cases: [string, string, Record<number, number>, number, number][] = [
    // 0x7fffffff + 1 = 0x80000000: signed overflow (two positives give a negative), no unsigned carry.
    ['adds max int + 1', 'adds r0, r1, r2', { 1: 0x7fffffff, 2: 1 }, 0x80000000, 0b1001],
    // 0xffffffff + 1 = 2^32: result 0, carry out, no signed overflow (-1 + 1 = 0).
    ['adds wrap to zero', 'adds r0, r1, r2', { 1: 0xffffffff, 2: 1 }, 0, 0b0110],
    // 0x80000000 + 0x80000000 = 2^32: result 0, carry, overflow (two negatives give 0).
    ['adds min + min', 'adds r0, r1, r2', { 1: 0x80000000, 2: 0x80000000 }, 0, 0b0111],
    // SUBS = Rn + NOT(Rm) + 1: 0 - 1 = 0xffffffff, borrow so C = 0, no overflow.
    ['subs 0 - 1', 'subs r0, r1, r2', { 1: 0, 2: 1 }, 0xffffffff, 0b1000],
    // 0x80000000 - 1 = 0x7fffffff: no borrow (C = 1), overflow (negative minus positive gives positive).
    ['subs min - 1', 'subs r0, r1, r2', { 1: 0x80000000, 2: 1 }, 0x7fffffff, 0b0011],
    // 5 - 5 = 0: Z, and C = 1 (no borrow).
    ['subs equal', 'subs r0, r1, r2', { 1: 5, 2: 5 }, 0, 0b0110],
    // RSBS r0, r1, #0 = 0 + NOT(0x80000000) + 1 = 0x80000000, borrow (C = 0), overflow.
    ['rsbs negate min', 'rsbs r0, r1, #0', { 1: 0x80000000 }, 0x80000000, 0b1001],
    // 32-bit SUBS with an immediate: 3 - 0x100 = 0xffffff03, borrow.
    ['subs.w imm', 'subs.w r0, r1, #0x100', { 1: 3 }, 0xffffff03, 0b1000],
  ];
  for (const [name, asm, regs, result, flags] of cases) {
    it(name, () => {
      const { cpu } = run(asm, regs);
      expect(cpu.state.r[0]).toBe(result >>> 0);
      expect(nzcv(cpu)).toBe(flags);
    });
  }

  it('ADCS and SBCS use the carry flag', () => {
    // cmp r3, r3 sets C = 1 (no borrow). adcs: 0xffffffff + 0 + 1 = 2^32 → 0, C = 1, Z = 1.
    const a = run('cmp r3, r3\nadcs r0, r1, r2', { 1: 0xffffffff, 2: 0 });
    expect(a.cpu.state.r[0]).toBe(0);
    expect(nzcv(a.cpu)).toBe(0b0110);
    // cmp r3, r4 with r3 = 0, r4 = 1 borrows: C = 0. sbcs: 5 + NOT(3) + 0 = 5 - 3 - 1 = 1, C = 1.
    const b = run('cmp r3, r4\nsbcs r0, r1, r2', { 1: 5, 2: 3, 3: 0, 4: 1 });
    expect(b.cpu.state.r[0]).toBe(1);
    expect(nzcv(b.cpu)).toBe(0b0010);
    // sbcs 0 - 0 - 1 (C = 0) = 0xffffffff with a borrow: C = 0, N = 1.
    const c = run('cmp r3, r4\nsbcs r0, r1, r2', { 1: 0, 2: 0, 3: 0, 4: 1 });
    expect(c.cpu.state.r[0]).toBe(0xffffffff);
    expect(nzcv(c.cpu)).toBe(0b1000);
  });

  it('CMN and CMP set flags without writing', () => {
    // cmn 1, -1: 1 + 0xffffffff = 2^32 → Z, C.
    const { cpu } = run('cmn r1, r2', { 0: 77, 1: 1, 2: 0xffffffff });
    expect(cpu.state.r[0]).toBe(77);
    expect(nzcv(cpu)).toBe(0b0110);
  });
});

describe('shifts', () => {
  // Preset C = 1 with "cmp r7, r7" (r7 = r7 → no borrow) before each shift.
  const byReg: [string, string, number, number, number, number][] = [
    // LSL by 0: value unchanged, C unchanged (1).
    ['lsl by 0', 'lsls r0, r2', 0x80000001, 0, 0x80000001, 0b1010],
    // LSL by 32: result 0, C = bit 0 = 1.
    ['lsl by 32', 'lsls r0, r2', 0x80000001, 32, 0, 0b0110],
    // LSL by 33: result 0, C = 0.
    ['lsl by 33', 'lsls r0, r2', 0x80000001, 33, 0, 0b0100],
    // LSR by 32: result 0, C = bit 31 = 1.
    ['lsr by 32', 'lsrs r0, r2', 0x80000001, 32, 0, 0b0110],
    // LSR by 40: 0, C = 0.
    ['lsr by 40', 'lsrs r0, r2', 0x80000001, 40, 0, 0b0100],
    // ASR by 40 of a negative value: all ones, C = sign = 1.
    ['asr by 40', 'asrs r0, r2', 0x80000000, 40, 0xffffffff, 0b1010],
    // ROR by 32: value unchanged, C = bit 31 = 1.
    ['ror by 32', 'rors r0, r2', 0x80000001, 32, 0x80000001, 0b1010],
    // Only Rm[7:0] counts: 0x100 → shift by 0, C unchanged.
    ['lsl by 0x100 is 0', 'lsls r0, r2', 0x40000000, 0x100, 0x40000000, 0b0010],
    // LSR by 1: 0x3 → 1, C = 1.
    ['lsr by 1', 'lsrs r0, r2', 3, 1, 1, 0b0010],
  ];
  for (const [name, asm, value, amount, result, flags] of byReg) {
    it(name, () => {
      // 16-bit LSLS Rdn, Rm shifts r0 in place: put the value in r0.
      const { cpu } = run(`cmp r7, r7\n${asm}`, { 0: value, 2: amount });
      expect(cpu.state.r[0]).toBe(result >>> 0);
      expect(nzcv(cpu)).toBe(flags);
    });
  }

  it('32-bit shift by register and immediate forms', () => {
    // lsl.w r0, r1, r2 with r2 = 4: 0x12345678 << 4 = 0x23456780 (no flags).
    // lsrs r3, r1, #32 (imm5 = 0 encodes 32): 0, C = bit 31 of 0x12345678 = 0; Z = 1.
    const { cpu } = run('lsl.w r0, r1, r2\nlsrs.w r3, r1, #32', { 1: 0x12345678, 2: 4 });
    expect(cpu.state.r[0]).toBe(0x23456780);
    expect(cpu.state.r[3]).toBe(0);
    expect(nzcv(cpu)).toBe(0b0100);
  });

  it('ASR #32, RRX and shifted operands', () => {
    // asrs r0, r1, #32 with r1 = 0x80000000 → 0xffffffff, C = 1.
    // rrx r2, r3 with C = 1: (1 << 31) | (0x00000003 >> 1) = 0x80000001 (no S: flags kept).
    // add r4, r5, r6, lsl #3: 1 + (2 << 3) = 17.
    const { cpu } = run('asrs r0, r1, #32\nrrx r2, r3\nadd r4, r5, r6, lsl #3', { 1: 0x80000000, 3: 3, 5: 1, 6: 2 });
    expect(cpu.state.r[0]).toBe(0xffffffff);
    expect(cpu.state.r[2]).toBe(0x80000001);
    expect(cpu.state.r[4]).toBe(17);
    expect(nzcv(cpu)).toBe(0b1010);
  });

  it('logical op with shifted register takes the shifter carry', () => {
    // ands r0, r1, r2, lsr #1 with r2 = 1: operand = 0, carry out = bit 0 of r2 = 1. Result 0 → Z = 1.
    const { cpu } = run('ands.w r0, r1, r2, lsr #1', { 1: 0xffffffff, 2: 1 });
    expect(cpu.state.r[0]).toBe(0);
    expect(nzcv(cpu)).toBe(0b0110);
  });
});

describe('ThumbExpandImm_C carry', () => {
  it('rotated constant sets C to bit 31 of the constant', () => {
    // cmp r7,r7 → C=1... then clear it: "cmp r6, r7" with r6 = 0, r7 = 1 borrows → C = 0.
    // ands r0, r1, #0x80000000: the constant is a rotated form (1:0000000 ror 1) so C = bit 31 = 1.
    const { cpu } = run('cmp r6, r7\nands r0, r1, #0x80000000', { 1: 0x80000001, 6: 0, 7: 1 });
    expect(cpu.state.r[0]).toBe(0x80000000);
    expect(nzcv(cpu)).toBe(0b1010);
  });
  it('rotated constant with bit 31 clear clears C', () => {
    // orrs r0, r1, #0x3fc00000 (0xff ror 10): C = 0 even though C was 1 before. N=0 Z=0.
    const { cpu } = run('cmp r7, r7\norrs r0, r1, #0x3fc00000', { 1: 1 });
    expect(cpu.state.r[0]).toBe(0x3fc00001);
    expect(nzcv(cpu)).toBe(0b0000);
  });
  it('unrotated patterns leave C unchanged', () => {
    // movs.w r0, #0x00ff00ff (pattern 01): C stays 1 from cmp; tst r0, #0xff00ff00 (pattern 10): 0 → Z.
    const { cpu } = run('cmp r7, r7\nmovs.w r0, #0x00ff00ff\ntst.w r0, #0xff00ff00');
    expect(cpu.state.r[0]).toBe(0x00ff00ff);
    expect(nzcv(cpu)).toBe(0b0110);
  });
  it('replicated byte pattern', () => {
    // mov.w r0, #0xabababab (pattern 11); mvn r1, #0 = 0xffffffff; bic r2, r1, #0xff = 0xffffff00.
    const { cpu } = run('mov.w r0, #0xabababab\nmvn r1, #0\nbic r2, r1, #0xff\norn r3, r4, #0xff', { 4: 0 });
    expect(cpu.state.r[0]).toBe(0xabababab);
    expect(cpu.state.r[1]).toBe(0xffffffff);
    expect(cpu.state.r[2]).toBe(0xffffff00);
    expect(cpu.state.r[3]).toBe(0xffffff00);
  });
});

describe('IT blocks', () => {
  it('ITE executes one arm and skips the other', () => {
    const src = 'cmp r0, #1\nite eq\nmoveq r1, #10\nmovne r1, #20\nadds r2, r2, #1';
    expect(run(src, { 0: 1 }).cpu.state.r[1]).toBe(10);
    expect(run(src, { 0: 2 }).cpu.state.r[1]).toBe(20);
    // After the block, the 16-bit adds sets flags again (outside IT): 0 + 1 → all flags clear.
    expect(nzcv(run(src, { 0: 1 }).cpu)).toBe(0);
    expect(run(src, { 0: 1 }).cpu.state.itState).toBe(0);
  });

  it('16-bit data processing inside IT does not set flags', () => {
    // cmp r0, r0 → Z = 1, C = 1. In the block "addeq r1, #1" is the 16-bit ADDS encoding, which inside IT
    // does not set flags: 0x7fffffff + 1 would have given N = 1, V = 1, Z = 0.
    const { cpu } = run('cmp r0, r0\nitt eq\naddeq r1, #1\nlsleq r2, r3, #1', { 1: 0x7fffffff, 3: 0x80000000 });
    expect(cpu.state.r[1]).toBe(0x80000000);
    expect(cpu.state.r[2]).toBe(0);
    expect(nzcv(cpu)).toBe(0b0110);
  });

  it('a four-instruction block alternates conditions, and an instruction may change flags for the next', () => {
    // r0 = 0: cmp → Z=1. ITETE EQ: 1st (eq) runs: movs? no — "addeq r1, r1, #1" runs (r1 = 1);
    // 2nd (ne) skipped; 3rd (eq) "cmpeq r0, #5" runs → Z = 0; 4th (ne) now passes: r3 = 7.
    const src = 'cmp r0, #0\nitete eq\naddeq r1, r1, #1\naddne r2, r2, #1\ncmpeq r0, #5\nmovne r3, #7';
    const { cpu } = run(src, { 0: 0 });
    expect([cpu.state.r[1], cpu.state.r[2], cpu.state.r[3]]).toEqual([1, 0, 7]);
  });

  it('conditional 32-bit instructions and a branch last in the block', () => {
    // r0 = 3 > 2 → GT: add.w runs, then the taken branch skips "mov r5, #1".
    const src = 'cmp r0, #2\nitt gt\naddgt.w r4, r4, #0x100\nbgt 1f\nmov r5, #1\n1:\nnop';
    const { cpu } = run(src, { 0: 3 });
    expect(cpu.state.r[4]).toBe(0x100);
    expect(cpu.state.r[5]).toBe(0);
  });
});

describe('other data processing', () => {
  it('MOVW/MOVT, ADDW/SUBW, ADR', () => {
    // 0x1234 then top 0xabcd → 0xabcd1234; addw r1, r0, #0xfff; subw r2, r0, #1.
    const { cpu } = run('movw r0, #0x1234\nmovt r0, #0xabcd\naddw r1, r0, #0xfff\nsubw r2, r0, #1\nadr r3, 1f\nnop\n.align 2\n1:\n');
    expect(cpu.state.r[0]).toBe(0xabcd1234);
    expect(cpu.state.r[1]).toBe(0xabcd2233);
    expect(cpu.state.r[2]).toBe(0xabcd1233);
    // movw(4) movt(4) addw(4) subw(4) adr(2) nop(2) → label at 20 (already aligned).
    expect(cpu.state.r[3]).toBe(20);
  });

  it('MULS, MUL, MLA, MLS', () => {
    // muls r0, r1, r0: 0x10000 * 0x10000 = 2^32 → 0, Z = 1. mla: 3*4 + 5 = 17. mls: 5 - 3*4 = -7.
    const { cpu } = run('muls r0, r1, r0\nmla r2, r3, r4, r5\nmls r6, r3, r4, r5', { 0: 0x10000, 1: 0x10000, 3: 3, 4: 4, 5: 5 });
    expect(cpu.state.r[0]).toBe(0);
    expect(cpu.state.z).toBe(1);
    expect(cpu.state.r[2]).toBe(17);
    expect(cpu.state.r[6]).toBe(0xfffffff9);
  });

  it('NEG and MVN and 16-bit logic', () => {
    // negs r0, r1 (r1 = 1) → 0xffffffff, N = 1, C = 0 (0 - 1 borrows). mvns r2, r3: ~0 = 0xffffffff.
    const { cpu } = run('negs r0, r1\nmvns r2, r3\neors r4, r4', { 1: 1, 3: 0, 4: 0x55 });
    expect(cpu.state.r[0]).toBe(0xffffffff);
    expect(cpu.state.r[2]).toBe(0xffffffff);
    expect(cpu.state.r[4]).toBe(0);
    expect(cpu.state.z).toBe(1);
  });
});
