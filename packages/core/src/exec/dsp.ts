/**
 * DSP-extension and bit-manipulation instructions (ARMv7-M ARM A7.7): QADD/QSUB/QDADD/QDSUB, SSAT/USAT
 * (+16), the parallel add/subtract family, SXT/UXT (+accumulate), PKHBT/PKHTB, SEL, USAD8/USADA8,
 * CLZ, RBIT, REV, REV16, REVSH, BFI, BFC, SBFX, UBFX.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../decode/decoded.js';
import { ror, shiftC } from './shift.js';

/** SignedSatQ (A2.2.1) to `bits` (1..32); sets Q when it saturates. */
function signedSat(cpu: Cpu, x: number, bits: number): number {
  const max = bits === 32 ? 0x7fffffff : (1 << (bits - 1)) - 1;
  const min = -max - 1;
  if (x > max) { cpu.state.q = 1; return max; }
  if (x < min) { cpu.state.q = 1; return min; }
  return x;
}

/** UnsignedSatQ to `bits` (0..31); sets Q when it saturates. */
function unsignedSat(cpu: Cpu, x: number, bits: number): number {
  const max = bits === 31 ? 0x7fffffff : (1 << bits) - 1;
  if (x > max) { cpu.state.q = 1; return max; }
  if (x < 0) { cpu.state.q = 1; return 0; }
  return x;
}

/**
 * QADD/QDADD/QSUB/QDSUB Rd, Rm, Rn (A7.7.102, A7.7.105, A7.7.106, A7.7.109).
 * op: 0 QADD, 1 QDADD, 2 QSUB, 3 QDSUB. Operands: rm (first), rn (doubled for D forms).
 */
export function qaddsub(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const a = r[i.rm] | 0;
  let b = r[i.rn] | 0;
  if (i.op & 1) b = signedSat(cpu, 2 * b, 32);
  r[i.rd] = signedSat(cpu, i.op & 2 ? a - b : a + b, 32);
}

/** SSAT Rd, #imm2, Rn {, shift} (A7.7.131): imm2 = saturate_to (1..32). */
export function ssat(cpu: Cpu, i: Insn): void {
  const operand = shiftC(cpu.r[i.rn], i.shiftType, i.imm, 0) | 0;
  cpu.r[i.rd] = signedSat(cpu, operand, i.imm2);
}

/** USAT (A7.7.200): imm2 = saturate_to (0..31). */
export function usat(cpu: Cpu, i: Insn): void {
  const operand = shiftC(cpu.r[i.rn], i.shiftType, i.imm, 0) | 0;
  cpu.r[i.rd] = unsignedSat(cpu, operand, i.imm2);
}

/** SSAT16 (A7.7.132): each halfword to imm2 (1..16) bits. */
export function ssat16(cpu: Cpu, i: Insn): void {
  const v = cpu.r[i.rn];
  const lo = signedSat(cpu, (v << 16) >> 16, i.imm2);
  const hi = signedSat(cpu, v >> 16, i.imm2);
  cpu.r[i.rd] = (lo & 0xffff) | (hi << 16);
}

/** USAT16 (A7.7.201): each halfword to imm2 (0..15) bits. */
export function usat16(cpu: Cpu, i: Insn): void {
  const v = cpu.r[i.rn];
  const lo = unsignedSat(cpu, (v << 16) >> 16, i.imm2);
  const hi = unsignedSat(cpu, v >> 16, i.imm2);
  cpu.r[i.rd] = (lo & 0xffff) | (hi << 16);
}

/**
 * Parallel add/subtract (A5.3.13, A5.3.14). op = kind * 8 + form, where
 * kind: 0 S (sets GE), 1 Q (signed saturating), 2 SH (signed halving), 3 U (sets GE), 4 UQ, 5 UH;
 * form: 0 ADD8, 1 ADD16, 2 ASX, 4 SUB8, 5 SUB16, 6 SAX (the op1 field of the encoding).
 */
export function parallel(cpu: Cpu, i: Insn): void {
  const a = cpu.r[i.rn], b = cpu.r[i.rm];
  const kind = i.op >> 3;
  const form = i.op & 7;
  const signed = kind < 3;
  let result = 0;
  let ge = 0;
  if (form === 0 || form === 4) {
    // 8-bit lanes
    for (let lane = 0; lane < 4; lane++) {
      const sh = lane * 8;
      const x = signed ? (a << (24 - sh)) >> 24 : (a >>> sh) & 0xff;
      const y = signed ? (b << (24 - sh)) >> 24 : (b >>> sh) & 0xff;
      const v = form === 0 ? x + y : x - y;
      result |= (satLane(v, kind, 8) & 0xff) << sh;
      if (geTest(v, kind, 8, form === 0)) ge |= 1 << lane;
    }
  } else {
    // 16-bit lanes; ASX: lo = a.lo - b.hi, hi = a.hi + b.lo; SAX: lo = a.lo + b.hi, hi = a.hi - b.lo
    const aLo = signed ? (a << 16) >> 16 : a & 0xffff;
    const aHi = signed ? a >> 16 : a >>> 16;
    const bLo = signed ? (b << 16) >> 16 : b & 0xffff;
    const bHi = signed ? b >> 16 : b >>> 16;
    let lo: number, hi: number, loAdd: boolean, hiAdd: boolean;
    switch (form) {
      case 1: lo = aLo + bLo; hi = aHi + bHi; loAdd = hiAdd = true; break; // ADD16
      case 5: lo = aLo - bLo; hi = aHi - bHi; loAdd = hiAdd = false; break; // SUB16
      case 2: lo = aLo - bHi; hi = aHi + bLo; loAdd = false; hiAdd = true; break; // ASX
      default: lo = aLo + bHi; hi = aHi - bLo; loAdd = true; hiAdd = false; break; // SAX
    }
    result = (satLane(lo, kind, 16) & 0xffff) | (satLane(hi, kind, 16) << 16);
    if (geTest(lo, kind, 16, loAdd)) ge |= 3;
    if (geTest(hi, kind, 16, hiAdd)) ge |= 12;
  }
  cpu.r[i.rd] = result;
  if (kind === 0 || kind === 3) cpu.state.ge = ge;
}

/** A lane result of kind Q/UQ (saturate), SH/UH (halve) or S/U (wrap, masked by the caller). */
function satLane(v: number, kind: number, bits: number): number {
  if (kind === 1) {
    const max = (1 << (bits - 1)) - 1;
    return v > max ? max : v < -max - 1 ? -max - 1 : v;
  }
  if (kind === 4) {
    const max = (1 << bits) - 1;
    return v > max ? max : v < 0 ? 0 : v;
  }
  if (kind === 2 || kind === 5) return v >> 1; // halving: floor(v / 2)
  return v;
}

/** GE for S forms: result >= 0; for U forms: an add carries out (>= 2^bits) or a subtract does not borrow (>= 0). */
function geTest(v: number, kind: number, bits: number, add: boolean): boolean {
  if (kind === 0) return v >= 0;
  if (kind === 3) return add ? v >= 1 << bits : v >= 0;
  return false;
}

/**
 * SXTB/SXTH/UXTB/UXTH/SXTB16/UXTB16 and the accumulate forms SXTAB… (A7.7.179–A7.7.184, A7.7.219–…).
 * op: 0 SXTH, 1 UXTH, 2 SXTB16, 3 UXTB16, 4 SXTB, 5 UXTB (the op1 field). imm2 = rotation (0/8/16/24).
 * rn = 15 means no accumulate.
 */
export function extend(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const v = ror(r[i.rm], i.imm2);
  let x: number;
  switch (i.op) {
    case 0: x = (v << 16) >> 16; break;
    case 1: x = v & 0xffff; break;
    case 4: x = (v << 24) >> 24; break;
    case 5: x = v & 0xff; break;
    case 2: {
      const acc = i.rn === 15 ? 0 : r[i.rn];
      const lo = (acc + ((v << 24) >> 24)) & 0xffff;
      const hi = ((acc >>> 16) + ((v << 8) >> 24)) & 0xffff;
      r[i.rd] = lo | (hi << 16);
      return;
    }
    default: {
      const acc = i.rn === 15 ? 0 : r[i.rn];
      const lo = (acc + (v & 0xff)) & 0xffff;
      const hi = ((acc >>> 16) + ((v >>> 16) & 0xff)) & 0xffff;
      r[i.rd] = lo | (hi << 16);
      return;
    }
  }
  r[i.rd] = i.rn === 15 ? x : r[i.rn] + x;
}

/** PKHBT (op 0: Rn.lo, (Rm LSL n).hi) and PKHTB (op 1: (Rm ASR n).lo, Rn.hi) (A7.7.93). */
export function pkh(cpu: Cpu, i: Insn): void {
  const n = cpu.r[i.rn];
  const m = shiftC(cpu.r[i.rm], i.shiftType, i.imm2, 0);
  cpu.r[i.rd] = i.op === 0 ? (n & 0xffff) | (m & 0xffff0000) : (m & 0xffff) | (n & 0xffff0000);
}

/** SEL (A7.7.124): byte k from Rn when GE[k], else from Rm. */
export function sel(cpu: Cpu, i: Insn): void {
  const ge = cpu.state.ge;
  let mask = 0;
  for (let k = 0; k < 4; k++) if (ge & (1 << k)) mask |= 0xff << (8 * k);
  cpu.r[i.rd] = (cpu.r[i.rn] & mask) | (cpu.r[i.rm] & ~mask);
}

/** USAD8/USADA8 (A7.7.203, A7.7.204): sum of absolute byte differences (+ Ra unless ra = 15). */
export function usad8(cpu: Cpu, i: Insn): void {
  const a = cpu.r[i.rn], b = cpu.r[i.rm];
  let sum = 0;
  for (let k = 0; k < 32; k += 8) sum += Math.abs(((a >>> k) & 0xff) - ((b >>> k) & 0xff));
  cpu.r[i.rd] = i.ra === 15 ? sum : cpu.r[i.ra] + sum;
}

export function clz(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = Math.clz32(cpu.r[i.rm]);
}

export function rbit(cpu: Cpu, i: Insn): void {
  let v = cpu.r[i.rm];
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  cpu.r[i.rd] = (v >>> 16) | (v << 16);
}

export function rev(cpu: Cpu, i: Insn): void {
  const v = cpu.r[i.rm];
  cpu.r[i.rd] = (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
}

export function rev16(cpu: Cpu, i: Insn): void {
  const v = cpu.r[i.rm];
  cpu.r[i.rd] = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
}

/** REVSH (A7.7.113): byte-swap the low halfword and sign-extend. */
export function revsh(cpu: Cpu, i: Insn): void {
  const v = cpu.r[i.rm];
  cpu.r[i.rd] = (((v & 0xff) << 24) >> 16) | ((v >>> 8) & 0xff);
}

/** BFI Rd, Rn, #lsb, #width (A7.7.14); BFC when rn = 15. imm = lsb, imm2 = msb. */
export function bfi(cpu: Cpu, i: Insn): void {
  const width = i.imm2 - i.imm + 1;
  if (width <= 0) return; // msb < lsb is UNPREDICTABLE; leave Rd unchanged
  const mask = (width === 32 ? 0xffffffff : ((1 << width) - 1) << i.imm) >>> 0;
  const src = i.rn === 15 ? 0 : cpu.r[i.rn] << i.imm;
  cpu.r[i.rd] = (cpu.r[i.rd] & ~mask) | (src & mask);
}

/** UBFX (A7.7.193) / SBFX (A7.7.126): imm = lsb, imm2 = width; op 1 = signed. */
export function bfx(cpu: Cpu, i: Insn): void {
  const lsb = i.imm, width = i.imm2;
  const v = cpu.r[i.rn];
  if (i.op) cpu.r[i.rd] = (v << (32 - lsb - width)) >> (32 - width);
  else cpu.r[i.rd] = width === 32 ? v : (v >>> lsb) & ((2 ** width) - 1);
}
