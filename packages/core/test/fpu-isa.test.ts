/**
 * FPv5-D16 decode and execute, on programs assembled by arm-none-eabi-as (-mfpu=fpv5-d16). Expected
 * values are hand computed (comments) or known IEEE 754 bit patterns.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CpuHalt, FaultKind, type Cpu } from '../src/index.js';
import { decodeFp } from '../src/fpu/index.js';
import { assemble, machine, nzcv, run, runUntilEnd, RAM_BASE } from './asm.js';

/** Bits of a single. */
function f(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0];
}

function setS(cpu: Cpu, regs: Record<number, number>): void {
  for (const [k, v] of Object.entries(regs)) cpu.state.s[Number(k)] = f(v);
}

function setD(cpu: Cpu, regs: Record<number, number>): void {
  for (const [k, v] of Object.entries(regs)) cpu.state.f64[Number(k)] = v;
}

/** Runs `src` with singles (JS numbers) preloaded, returns the cpu. */
function runS(src: string, singles: Record<number, number>, core: Record<number, number> = {}, fpscr = 0): Cpu {
  const m = machine(src, core);
  setS(m.cpu, singles);
  m.cpu.state.fpscr = fpscr;
  runUntilEnd(m);
  return m.cpu;
}

function runD(src: string, doubles: Record<number, number>, core: Record<number, number> = {}, fpscr = 0): Cpu {
  const m = machine(src, core);
  setD(m.cpu, doubles);
  m.cpu.state.fpscr = fpscr;
  runUntilEnd(m);
  return m.cpu;
}

function dBits(cpu: Cpu, d: number): bigint {
  return (BigInt(cpu.state.s[2 * d + 1]) << 32n) | BigInt(cpu.state.s[2 * d]);
}

const IXC = 0x10;
const IOC = 0x01;
const DZC = 0x02;

describe('decoder against objdump', () => {
  // Every FPv5-D16 instruction form: assemble, disassemble with objdump (independent of our decoder),
  // and check that we decode each word to the same mnemonic.
  const forms = `
    vadd.f32 s0, s1, s2
    vadd.f64 d0, d1, d15
    vsub.f32 s31, s30, s29
    vsub.f64 d3, d4, d5
    vmul.f32 s1, s2, s3
    vmul.f64 d1, d2, d3
    vnmul.f32 s1, s2, s3
    vnmul.f64 d1, d2, d3
    vdiv.f32 s4, s5, s6
    vdiv.f64 d4, d5, d6
    vsqrt.f32 s7, s8
    vsqrt.f64 d7, d8
    vabs.f32 s1, s2
    vabs.f64 d1, d2
    vneg.f32 s1, s2
    vneg.f64 d1, d2
    vmla.f32 s1, s2, s3
    vmls.f32 s1, s2, s3
    vnmla.f32 s1, s2, s3
    vnmls.f32 s1, s2, s3
    vmla.f64 d1, d2, d3
    vmls.f64 d1, d2, d3
    vnmla.f64 d1, d2, d3
    vnmls.f64 d1, d2, d3
    vfma.f32 s1, s2, s3
    vfms.f32 s1, s2, s3
    vfnma.f32 s1, s2, s3
    vfnms.f32 s1, s2, s3
    vfma.f64 d1, d2, d3
    vfms.f64 d1, d2, d3
    vfnma.f64 d1, d2, d3
    vfnms.f64 d1, d2, d3
    vcmp.f32 s1, s2
    vcmpe.f32 s1, s2
    vcmp.f32 s1, #0
    vcmpe.f64 d1, #0
    vcmp.f64 d1, d2
    vcvt.f64.f32 d1, s3
    vcvt.f32.f64 s3, d1
    vcvt.s32.f32 s0, s1
    vcvt.u32.f32 s0, s1
    vcvtr.s32.f32 s0, s1
    vcvtr.u32.f64 s0, d1
    vcvt.s32.f64 s0, d1
    vcvt.f32.s32 s0, s1
    vcvt.f32.u32 s0, s1
    vcvt.f64.s32 d0, s1
    vcvt.f64.u32 d0, s1
    vcvt.s16.f32 s0, s0, #3
    vcvt.u32.f32 s0, s0, #32
    vcvt.f32.s16 s0, s0, #16
    vcvt.f32.u32 s0, s0, #1
    vcvt.s32.f64 d2, d2, #8
    vcvt.f64.u16 d2, d2, #8
    vcvta.s32.f32 s0, s1
    vcvtn.u32.f32 s0, s1
    vcvtp.s32.f64 s0, d1
    vcvtm.u32.f64 s0, d1
    vcvtb.f32.f16 s0, s1
    vcvtt.f32.f16 s0, s1
    vcvtb.f16.f32 s0, s1
    vcvtt.f16.f32 s0, s1
    vcvtb.f64.f16 d0, s1
    vcvtt.f16.f64 s0, d1
    vrinta.f32 s0, s1
    vrintn.f64 d0, d1
    vrintp.f32 s0, s1
    vrintm.f64 d0, d1
    vrintx.f32 s0, s1
    vrintz.f64 d0, d1
    vrintr.f32 s0, s1
    vseleq.f32 s0, s1, s2
    vselvs.f64 d0, d1, d2
    vselge.f32 s0, s1, s2
    vselgt.f64 d0, d1, d2
    vmaxnm.f32 s0, s1, s2
    vminnm.f64 d0, d1, d2
    vmov.f32 s0, #1.5
    vmov.f64 d1, #-0.125
    vmov.f32 s0, s1
    vmov.f64 d0, d1
    vmov s3, r4
    vmov r4, s3
    vmov s5, s6, r1, r2
    vmov r1, r2, s5, s6
    vmov d5, r1, r2
    vmov r1, r2, d5
    vmov.32 d3[1], r2
    vmov.32 r2, d3[0]
    vmrs r3, fpscr
    vmrs APSR_nzcv, fpscr
    vmsr fpscr, r3
    vldr s1, [r0, #-8]
    vldr d1, [r0, #1020]
    vstr s1, [r0, #8]
    vstr d1, [r0]
    vldmia r0!, {s1-s4}
    vldmdb r0!, {d1-d3}
    vstmia r0, {d0-d15}
    vstmdb r1!, {s0-s31}
    vpush {s16-s31}
    vpop {d8-d15}
  `;
  it('decodes each form to objdump\'s mnemonic', () => {
    const lines = forms.trim().split('\n').map((l) => l.trim());
    const bytes = assemble(lines.join('\n'));
    const dir = mkdtempSync(join(tmpdir(), 'seedsim-fpu-'));
    let dis: string;
    try {
      writeFileSync(join(dir, 'b.bin'), bytes);
      dis = execFileSync('arm-none-eabi-objdump', ['-D', '-b', 'binary', '-marm', '-Mforce-thumb', join(dir, 'b.bin')], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const rows = dis.split('\n').filter((l) => /^\s+[0-9a-f]+:\t[0-9a-f]{4} [0-9a-f]{4}\s*\t/.test(l));
    expect(rows.length).toBe(lines.length);
    for (const row of rows) {
      const [, hw1s, hw2s, text] = /:\t([0-9a-f]{4}) ([0-9a-f]{4})\s*\t(\S+)/.exec(row)!;
      const insn = decodeFp(parseInt(hw1s, 16), parseInt(hw2s, 16));
      expect(insn, row).not.toBeNull();
      // objdump: "vstmia" for vstm, "vmov.f32"/"vmov" and "vcvt.f32.f64" spellings; compare leniently.
      const norm = (s: string) => s.replace(/^(vldm|vstm)ia/, '$1ia').replace(/^vmov\.(f32|f64|32)$/, 'vmov').replace(/^vmrs apsr_nzcv$/, 'vmrs');
      expect(norm(insn!.mnemonic), row).toBe(norm(text.toLowerCase()));
    }
  });

  it('undefined encodings give null: D16+ registers, FLDMX, VMRS of a non-FPSCR register, VDIV with op=1', () => {
    expect(decodeFp(0xee30, 0x0b81)).toBeNull(); // vadd.f64 d0, d16, d1
    expect(decodeFp(0xee70, 0x0b01)).toBeNull(); // vadd.f64 d16, d0, d1
    expect(decodeFp(0xec90, 0x0b03)).toBeNull(); // fldmiax r0, {d0}: imm8 odd with sz=1
    expect(decodeFp(0xeef8, 0x3a10)).toBeNull(); // vmrs r3, fpexc (reg 8): not on M-profile
    expect(decodeFp(0xee80, 0x0a40)).toBeNull(); // vdiv encoding with bit 6 set
    expect(decodeFp(0xee30, 0x0a81)).not.toBeNull(); // sanity: vadd.f32 s0, s1, s2
  });
});

describe('decoder against objdump on random coprocessor-10/11 encodings', () => {
  it('agrees on 12000 random words: same mnemonic when both decode, and every refusal has a reason', () => {
    let seed = 0x2545f491;
    const next = () => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>>= 0);
    };
    const N = 12000;
    const bytes = new Uint8Array(N * 4);
    const tops = [0xec, 0xed, 0xee, 0xfe];
    for (let k = 0; k < N; k++) {
      const hw1 = (tops[next() % 4] << 8) | (next() & 0xff);
      const hw2 = ((next() & 0xf1ff) | 0x0a00) >>> 0; // bits 11:9 = 101
      bytes.set([hw1 & 0xff, hw1 >>> 8, hw2 & 0xff, hw2 >>> 8], k * 4);
    }
    const dir = mkdtempSync(join(tmpdir(), 'seedsim-fpu-'));
    let dis: string;
    try {
      writeFileSync(join(dir, 'r.bin'), bytes);
      dis = execFileSync('arm-none-eabi-objdump', ['-D', '-b', 'binary', '-marm', '-Mforce-thumb', join(dir, 'r.bin')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Why we may refuse what objdump prints (all UNDEFINED on FPv5-D16 M-profile, or UNPREDICTABLE):
    const refusals = [
      /\bd(1[6-9]|2\d|3\d|\d{3})\b|overflow reg|illegal reg/, // D16–D31 do not exist
      /^v(ldm|stm)|^vpush|^vpop/, // empty/out-of-range register lists, PC base, FLDMX
      /^vmov\.[us]?(8|16)\b|^vdup|^vins|^vmovx|^vscclrm|^vjcvt|^vmov\.32\s+\w+, d\d+\[|^vmov\.32\s+d\d+\[/, // Advanced SIMD, later architectures
      /\bpc\b|\bsp\b|\br15\b/, // PC (or SP where UNPREDICTABLE) as a transfer register
      /#-\d/, // negative fixed-point fraction bits
      /^vmrs|^vmsr/, // FPSCR only, no SP/PC
      /^vmov\s+(\w+), \1,/, // VMOV to the same two core registers
      /\bs31, s32\b/, // a register pair past S31
      /^vcmpe?\.f(32|64)\s+[sd]\d+, #0\.0$/, // VCMP #0 with its (0) bits set: Unicorn refuses it too
    ];
    let compared = 0;
    for (const line of dis.split('\n')) {
      const m = /^\s+[0-9a-f]+:\t([0-9a-f]{4}) ([0-9a-f]{4})\s*\t(.*)$/.exec(line);
      if (!m) continue;
      const text = m[3].replace(/\s+/g, ' ').trim();
      const mn = text.split(' ')[0].toLowerCase();
      const insn = decodeFp(parseInt(m[1], 16), parseInt(m[2], 16));
      if (insn === null) {
        if (mn.startsWith('v')) expect(refusals.some((r) => r.test(text)), `refused without a reason: ${line}`).toBe(true);
        continue;
      }
      expect(mn.startsWith('v'), `decoded what objdump calls undefined: ${line}`).toBe(true);
      const norm = (s: string) => s.replace(/^vmov\.(f32|f64|32)$/, 'vmov').replace(/^vmrs apsr_nzcv$/, 'vmrs');
      expect(norm(insn.mnemonic), line).toBe(norm(mn));
      compared++;
    }
    expect(compared).toBeGreaterThan(2000);
  });
});

describe('arithmetic', () => {
  it('vadd/vsub/vmul/vdiv/vsqrt.f32', () => {
    const cpu = runS(
      `vadd.f32 s0, s1, s2
       vsub.f32 s3, s1, s2
       vmul.f32 s4, s1, s2
       vdiv.f32 s5, s1, s2
       vsqrt.f32 s6, s2`,
      { 1: 1.5, 2: 2.25 },
    );
    const s = cpu.state.s;
    expect(s[0]).toBe(0x40700000); // 3.75
    expect(s[3]).toBe(0xbf400000); // -0.75
    expect(s[4]).toBe(0x40580000); // 3.375
    expect(s[5]).toBe(0x3f2aaaab); // 1.5/2.25 = 2/3, RN: 0x3f2aaaab
    expect(s[6]).toBe(0x3fc00000); // sqrt(2.25) = 1.5
    expect(cpu.state.fpscr).toBe(IXC); // only 2/3 was inexact
  });

  it('vadd/vsub/vmul/vdiv/vsqrt.f64', () => {
    const cpu = runD(
      `vadd.f64 d0, d1, d2
       vsub.f64 d3, d1, d2
       vmul.f64 d4, d1, d2
       vdiv.f64 d5, d1, d2
       vsqrt.f64 d6, d2`,
      { 1: 1.5, 2: 2.25 },
    );
    expect(dBits(cpu, 0)).toBe(0x400e000000000000n); // 3.75
    expect(dBits(cpu, 3)).toBe(0xbfe8000000000000n); // -0.75
    expect(dBits(cpu, 4)).toBe(0x400b000000000000n); // 3.375
    expect(dBits(cpu, 5)).toBe(0x3fe5555555555555n); // 2/3 RN
    expect(dBits(cpu, 6)).toBe(0x3ff8000000000000n);
  });

  it('multiply-accumulate family: d=10, n=2, m=3', () => {
    // vmla/vfma 10+6=16, vmls/vfms 10-6=4, vnmla/vfnma -10-6=-16, vnmls/vfnms -10+6=-4.
    const names = ['vmla', 'vmls', 'vnmla', 'vnmls', 'vfma', 'vfms', 'vfnma', 'vfnms'];
    const want = [16, 4, -16, -4, 16, 4, -16, -4];
    const src = names.map((n, k) => `${n}.f32 s${k}, s16, s17`).join('\n');
    const m = machine(src);
    for (let k = 0; k < 8; k++) m.cpu.state.s[k] = f(10);
    setS(m.cpu, { 16: 2, 17: 3 });
    runUntilEnd(m);
    for (let k = 0; k < 8; k++) expect(m.cpu.state.s[k], names[k]).toBe(f(want[k]));
    const srcD = names.map((n, k) => `${n}.f64 d${k}, d14, d15`).join('\n');
    const md = machine(srcD);
    for (let k = 0; k < 8; k++) md.cpu.state.f64[k] = 10;
    setD(md.cpu, { 14: 2, 15: 3 });
    runUntilEnd(md);
    for (let k = 0; k < 8; k++) expect(md.cpu.state.f64[k], names[k] + '.f64').toBe(want[k]);
  });

  it('vfma rounds once, vmla twice (the double-rounding example of fpu-arith)', () => {
    // c = 0x3f800001, n = 0x3f800001, m = 0x337ffffe: fused = 0x3f800001. Unfused: n·m = 2^-24(1 - 2^-46)
    // rounds to 2^-24, then c + 2^-24 is the midpoint of 0x3f800001/0x3f800002 → even: 0x3f800002.
    const m = machine('vfma.f32 s0, s2, s3\nvmla.f32 s1, s2, s3');
    const s = m.cpu.state.s;
    s[0] = s[1] = s[2] = 0x3f800001;
    s[3] = 0x337ffffe;
    runUntilEnd(m);
    expect(s[0]).toBe(0x3f800001);
    expect(s[1]).toBe(0x3f800002);
  });

  it('vnmul negates a default NaN; vdiv by zero raises DZC', () => {
    const m = machine('vnmul.f32 s0, s1, s2\nvdiv.f32 s3, s4, s5');
    const s = m.cpu.state.s;
    s[1] = 0; // +0
    s[2] = 0x7f800000; // +Inf
    s[4] = f(1);
    s[5] = 0;
    runUntilEnd(m);
    expect(s[0]).toBe(0xffc00000); // FPNeg(default NaN)
    expect(s[3]).toBe(0x7f800000);
    expect(m.cpu.state.fpscr).toBe(IOC | DZC);
  });

  it('vabs/vneg/vmov do not touch NaN payloads or flags', () => {
    const m = machine('vabs.f32 s0, s3\nvneg.f32 s1, s3\nvmov.f32 s2, s3\nvneg.f64 d2, d3');
    const s = m.cpu.state.s;
    s[3] = 0xff800001; // negative sNaN
    s[6] = 0x12345678;
    s[7] = 0x7ff00000;
    runUntilEnd(m);
    expect(s[0]).toBe(0x7f800001);
    expect(s[1]).toBe(0x7f800001);
    expect(s[2]).toBe(0xff800001);
    expect(s[4]).toBe(0x12345678);
    expect(s[5]).toBe(0xfff00000);
    expect(m.cpu.state.fpscr).toBe(0);
  });
});

describe('compare, flags transfer, select, IT', () => {
  const prog = `
    vcmp.f32 s0, s1
    vmrs APSR_nzcv, fpscr
    ite gt
    movgt r0, #1
    movle r0, #2`;
  it('vcmp + vmrs APSR_nzcv drive a conditional move', () => {
    expect(runS(prog, { 0: 3, 1: 2 }).r[0]).toBe(1);
    expect(runS(prog, { 0: 2, 1: 3 }).r[0]).toBe(2);
    const eq = runS(prog, { 0: 0, 1: -0 });
    expect(nzcv(eq)).toBe(0b0110);
  });

  it('vcmpe with a quiet NaN is unordered (NZCV 0011) and raises IOC; vcmp does not', () => {
    const m = machine('vcmp.f32 s0, s1\nvmrs r1, fpscr\nvcmpe.f32 s0, s1\nvmrs r2, fpscr');
    m.cpu.state.s[0] = 0x7fc00000;
    runUntilEnd(m);
    expect(m.cpu.r[1]).toBe(0x30000000);
    expect(m.cpu.r[2]).toBe(0x30000001);
  });

  it('vcmp with #0 and doubles', () => {
    const m = machine('vcmp.f64 d1, #0\nvmrs APSR_nzcv, fpscr');
    m.cpu.state.f64[1] = -1;
    runUntilEnd(m);
    expect(nzcv(m.cpu)).toBe(0b1000);
  });

  it('an FP instruction in a failing IT slot has no effect', () => {
    const m = machine('cmp r0, #1\nite eq\nvaddeq.f32 s0, s1, s2\nvsubne.f32 s3, s1, s2', { 0: 0 });
    setS(m.cpu, { 0: 7, 1: 1, 2: 2, 3: 7 });
    runUntilEnd(m);
    expect(m.cpu.state.s[0]).toBe(f(7));
    expect(m.cpu.state.s[3]).toBe(f(-1));
  });

  it('vsel picks by APSR condition (eq, vs, ge, gt)', () => {
    // After cmp r0, r1 with r0 = 5, r1 = 3: Z=0, N=0, V=0: eq false, vs false, ge true, gt true.
    const m = machine('cmp r0, r1\nvseleq.f32 s0, s10, s11\nvselvs.f32 s1, s10, s11\nvselge.f32 s2, s10, s11\nvselgt.f64 d2, d6, d7', { 0: 5, 1: 3 });
    setS(m.cpu, { 10: 1, 11: 2 });
    setD(m.cpu, { 6: 10, 7: 20 });
    runUntilEnd(m);
    expect(m.cpu.state.s[0]).toBe(f(2));
    expect(m.cpu.state.s[1]).toBe(f(2));
    expect(m.cpu.state.s[2]).toBe(f(1));
    expect(m.cpu.state.f64[2]).toBe(10);
  });

  it('vmaxnm/vminnm prefer numbers over quiet NaNs', () => {
    const m = machine('vmaxnm.f32 s0, s2, s3\nvminnm.f32 s1, s2, s3\nvmaxnm.f32 s4, s2, s5');
    setS(m.cpu, { 2: -1, 3: 4 });
    m.cpu.state.s[5] = 0x7fc00000;
    runUntilEnd(m);
    expect(m.cpu.state.s[0]).toBe(f(4));
    expect(m.cpu.state.s[1]).toBe(f(-1));
    expect(m.cpu.state.s[4]).toBe(f(-1));
  });
});

describe('moves and system registers', () => {
  it('vmov immediate (VFPExpandImm)', () => {
    const cpu = run('vmov.f32 s0, #1.5\nvmov.f32 s1, #-31.0\nvmov.f64 d1, #-0.125\nvmov.f64 d2, #0.25').cpu;
    expect(cpu.state.s[0]).toBe(0x3fc00000);
    expect(cpu.state.s[1]).toBe(0xc1f80000); // -31 = -1.9375·2^4
    expect(dBits(cpu, 1)).toBe(0xbfc0000000000000n);
    expect(dBits(cpu, 2)).toBe(0x3fd0000000000000n);
  });

  it('vmov between core and FP registers, pairs and scalars', () => {
    const cpu = run(
      `vmov s3, r4
       vmov r5, s3
       vmov s6, s7, r1, r2
       vmov d5, r2, r1
       vmov r6, r7, d5
       vmov.32 d7[1], r4
       vmov.32 r8, d7[1]
       vmov r9, r10, s6, s7`,
      { 1: 0x11111111, 2: 0x22222222, 4: 0xdeadbeef },
    ).cpu;
    const s = cpu.state.s;
    expect(s[3]).toBe(0xdeadbeef);
    expect(cpu.r[5]).toBe(0xdeadbeef);
    expect([s[6], s[7]]).toEqual([0x11111111, 0x22222222]);
    expect([s[10], s[11]]).toEqual([0x22222222, 0x11111111]); // d5 = r1:r2 (high:low)
    expect([cpu.r[6], cpu.r[7]]).toEqual([0x22222222, 0x11111111]);
    expect(s[15]).toBe(0xdeadbeef); // d7[1] is s15
    expect(cpu.r[8]).toBe(0xdeadbeef);
    expect([cpu.r[9], cpu.r[10]]).toEqual([0x11111111, 0x22222222]);
  });

  it('vmsr writes only the FPSCR bits that exist on M-profile; vmrs reads them back', () => {
    const cpu = run('vmsr fpscr, r0\nvmrs r1, fpscr', { 0: 0xffffffff }).cpu;
    expect(cpu.r[1]).toBe(0xf7c0009f); // NZCV, AHP, DN, FZ, RMode, IDC, IXC, UFC, OFC, DZC, IOC
  });

  it('vmsr selects the rounding mode used by vcvtr and vadd', () => {
    // RMode = 10 (toward minus infinity): vcvtr.s32.f32 of -2.5 gives -3; 1 + 2^-24 stays 1 (RM, positive).
    const m = machine('vmsr fpscr, r0\nvcvtr.s32.f32 s0, s1\nvadd.f32 s2, s3, s4', { 0: 2 << 22 });
    setS(m.cpu, { 1: -2.5, 3: 1, 4: 2 ** -24 });
    runUntilEnd(m);
    expect(m.cpu.state.s[0]).toBe(0xfffffffd);
    expect(m.cpu.state.s[2]).toBe(f(1));
  });
});

describe('conversions', () => {
  it('float ↔ integer', () => {
    const cpu = runS(
      `vcvt.s32.f32 s0, s1
       vcvt.u32.f32 s2, s1
       vcvt.f32.s32 s3, s4
       vcvt.f32.u32 s5, s4
       vcvta.s32.f32 s6, s1
       vcvtn.s32.f32 s7, s1
       vcvtp.s32.f32 s8, s1
       vcvtm.s32.f32 s9, s1`,
      { 1: -2.5 },
    );
    const s = cpu.state.s;
    s; // s4 was 0 when converted: +0
    expect(s[0]).toBe(0xfffffffe); // RZ: -2
    expect(s[2]).toBe(0); // unsigned saturates at 0 (IOC)
    expect(s[3]).toBe(0);
    expect(s[5]).toBe(0);
    expect(s[6]).toBe(0xfffffffd); // ties away: -3
    expect(s[7]).toBe(0xfffffffe); // ties even: -2
    expect(s[8]).toBe(0xfffffffe); // toward +inf: -2
    expect(s[9]).toBe(0xfffffffd); // toward -inf: -3
    expect(cpu.state.fpscr & 0x9f).toBe(IOC | IXC);
  });

  it('integer → float with signed and unsigned sources', () => {
    const m = machine('vcvt.f32.s32 s0, s2\nvcvt.f32.u32 s1, s2\nvcvt.f64.s32 d2, s2\nvcvt.f64.u32 d3, s2');
    m.cpu.state.s[2] = 0xffffffff;
    runUntilEnd(m);
    expect(m.cpu.state.s[0]).toBe(f(-1));
    expect(m.cpu.state.s[1]).toBe(f(4294967296)); // 2^32 - 1 rounds to 2^32
    expect(m.cpu.state.f64[2]).toBe(-1);
    expect(m.cpu.state.f64[3]).toBe(4294967295);
  });

  it('single ↔ double', () => {
    const m = machine('vcvt.f64.f32 d1, s0\nvcvt.f32.f64 s1, d2');
    m.cpu.state.s[0] = f(0.1);
    m.cpu.state.f64[2] = 0.1;
    runUntilEnd(m);
    expect(m.cpu.state.f64[1]).toBe(Math.fround(0.1));
    expect(m.cpu.state.s[1]).toBe(f(0.1));
    expect(m.cpu.state.fpscr).toBe(IXC);
  });

  it('fixed point, 16 and 32 bits, in place', () => {
    // 1.75 · 2^3 = 14; 0x18000 / 2^16 = 1.5; -1 as Q15 (0x8000 sign-extended) → -1.0; 2.5 in Q8 double → 640.
    const m = machine(`vcvt.s16.f32 s0, s0, #3
      vcvt.f32.u32 s1, s1, #16
      vcvt.f32.s16 s2, s2, #15
      vcvt.s32.f64 d2, d2, #8
      vcvt.u16.f32 s6, s6, #1`);
    setS(m.cpu, { 0: 1.75, 6: -3 });
    m.cpu.state.s[1] = 0x18000;
    m.cpu.state.s[2] = 0x12348000; // only the low 16 bits count
    m.cpu.state.f64[2] = -2.5;
    runUntilEnd(m);
    const s = m.cpu.state.s;
    expect(s[0]).toBe(14);
    expect(s[1]).toBe(f(1.5));
    expect(s[2]).toBe(f(-1));
    expect(dBits(m.cpu, 2)).toBe(0xfffffffffffffd80n); // -640 sign-extended to 64 bits
    expect(s[6]).toBe(0); // negative to unsigned saturates to 0 with IOC
    expect(m.cpu.state.fpscr & IOC).toBe(IOC);
  });

  it('half precision: vcvtb/vcvtt, IEEE and AHP', () => {
    const m = machine(`vcvtt.f16.f32 s0, s1
      vcvtb.f32.f16 s2, s0
      vcvtt.f32.f16 s3, s0
      vcvtb.f16.f64 s4, d3
      vcvtb.f64.f16 d4, s0`);
    const s = m.cpu.state.s;
    s[0] = 0x1234c000; // bottom half: 0xc000 = -2.0
    s[1] = f(1); // → 0x3c00 into the top half
    s[4] = 0xaaaa0000;
    m.cpu.state.f64[3] = 65504;
    runUntilEnd(m);
    expect(s[0]).toBe(0x3c00c000);
    expect(s[2]).toBe(f(-2));
    expect(s[3]).toBe(f(1));
    expect(s[4]).toBe(0xaaaa7bff);
    expect(m.cpu.state.f64[4]).toBe(-2);
    // AHP: exponent 31 is a number: 0x7c00 = 2^16.
    const a = machine('vcvtb.f32.f16 s1, s0');
    a.cpu.state.s[0] = 0x7c00;
    a.cpu.state.fpscr = 1 << 26;
    runUntilEnd(a);
    expect(a.cpu.state.s[1]).toBe(f(65536));
  });

  it('vrint with every rounding', () => {
    const names = ['vrinta', 'vrintn', 'vrintp', 'vrintm', 'vrintz', 'vrintr', 'vrintx'];
    const want = [-3, -2, -2, -3, -2, -2, -2];
    const cpu = runS(names.map((n, k) => `${n}.f32 s${k}, s10`).join('\n'), { 10: -2.5 });
    for (let k = 0; k < names.length; k++) expect(cpu.state.s[k], names[k]).toBe(f(want[k]));
    expect(cpu.state.fpscr).toBe(IXC); // only vrintx signals inexact
  });
});

describe('loads and stores', () => {
  it('vldr/vstr with offsets and a literal', () => {
    const m = machine(
      `vldr s0, [r0, #4]
       vldr d1, [r0, #8]
       vstr s0, [r0, #-4]
       vstr d1, [r0, #16]
       vldr s1, lit
       b done
       .align 2
       lit: .word 0x40490fdb
       done:`,
      { 0: RAM_BASE + 0x100 },
    );
    const dv = new DataView(m.ram.buffer);
    dv.setUint32(0x104, 0x3f800000, true);
    dv.setUint32(0x108, 0x11223344, true);
    dv.setUint32(0x10c, 0x55667788, true);
    runUntilEnd(m);
    const s = m.cpu.state.s;
    expect(s[0]).toBe(0x3f800000);
    expect([s[2], s[3]]).toEqual([0x11223344, 0x55667788]);
    expect(dv.getUint32(0xfc, true)).toBe(0x3f800000);
    expect(dv.getUint32(0x110, true)).toBe(0x11223344);
    expect(dv.getUint32(0x114, true)).toBe(0x55667788);
    expect(s[1]).toBe(0x40490fdb);
  });

  it('vpush/vpop round trip and move SP; vldmia/vstmdb with writeback', () => {
    const m = machine(
      `vpush {d8-d9}
       vmov.f32 s16, #1.0
       vmov.f32 s19, #2.0
       vpop {d8-d9}
       vstmdb r0!, {s0-s2}
       vldmia r0!, {s4-s6}`,
      { 0: RAM_BASE + 0x200 },
    );
    const s = m.cpu.state.s;
    for (let k = 16; k < 20; k++) s[k] = 0x1000 + k;
    s[0] = 0xa;
    s[1] = 0xb;
    s[2] = 0xc;
    const sp = m.cpu.r[13];
    runUntilEnd(m);
    for (let k = 16; k < 20; k++) expect(s[k]).toBe(0x1000 + k);
    expect(m.cpu.r[13]).toBe(sp);
    expect(m.cpu.r[0]).toBe(RAM_BASE + 0x200);
    expect([s[4], s[5], s[6]]).toEqual([0xa, 0xb, 0xc]);
    const dv = new DataView(m.ram.buffer);
    expect(dv.getUint32(0x200 - 12, true)).toBe(0xa);
  });

  it('an unaligned vldr faults (UNALIGNED) with no register change', () => {
    const m = machine('vldr s0, [r0]', { 0: RAM_BASE + 2 });
    m.cpu.state.s[0] = 0x1234;
    let err: unknown;
    try {
      m.cpu.step();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CpuHalt);
    expect((err as CpuHalt).faultKind).toBe(FaultKind.Unaligned);
    expect(m.cpu.state.s[0]).toBe(0x1234);
  });

  it('an undefined FP encoding (a D16+ register) raises UNDEFINSTR', () => {
    const m = machine('.inst.w 0xee300b81'); // vadd.f64 d0, d16, d1
    expect(() => m.cpu.step()).toThrowError(/UNDEFINSTR/);
  });
});
