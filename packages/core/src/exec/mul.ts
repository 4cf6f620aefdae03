/**
 * Multiplies, long multiplies and divides (ARMv7-M ARM A7.7: MLA, MLS, SMULL, UMULL, SMLAL, UMLAL, UMAAL,
 * SDIV, UDIV and the DSP multiplies SMLAxy, SMULxy, SMLAWy, SMULWy, SMLAD, SMLSD, SMUAD, SMUSD, SMLALD,
 * SMLSLD, SMLALxy, SMMLA, SMMLS, SMMUL). 64-bit arithmetic without BigInt: 16-bit partial products.
 * Register use: rd = Rd (or RdLo), ra = Ra (or RdHi), rn, rm as encoded.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../decode/decoded.js';
import { FaultKind } from '../exception-host.js';

const TWO32 = 4294967296;

/** Scratch result of the 64-bit helpers: lo and hi words, kept as int32 bit patterns (Smi fields in V8). */
const wide = { lo: 0, hi: 0 };

/** Unsigned 32×32 → 64. */
function umul64(a: number, b: number): void {
  a >>>= 0;
  b >>>= 0;
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  wide.lo = (mid << 16) | (p00 & 0xffff);
  wide.hi = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** Signed 32×32 → 64 (two's complement in lo/hi). */
function smul64(a: number, b: number): void {
  umul64(a, b);
  // Signed correction: hi -= (a < 0 ? b : 0) + (b < 0 ? a : 0)   (mod 2^32)
  let hi = wide.hi;
  if ((a | 0) < 0) hi -= b >>> 0;
  if ((b | 0) < 0) hi -= a >>> 0;
  wide.hi = hi | 0;
}

/** wide += (hi:lo). */
function add64(lo: number, hi: number): void {
  const sumLo = (wide.lo >>> 0) + (lo >>> 0);
  wide.lo = sumLo | 0;
  wide.hi = (wide.hi + hi + (sumLo >= TWO32 ? 1 : 0)) | 0;
}

/** wide += a signed value |x| < 2^53. */
function addSigned(x: number): void {
  const sumLo = (wide.lo >>> 0) + x; // exact
  const carry = Math.floor(sumLo / TWO32);
  wide.lo = (sumLo - carry * TWO32) | 0;
  wide.hi = (wide.hi + carry) | 0;
}

export function mla(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  r[i.rd] = Math.imul(r[i.rn], r[i.rm]) + r[i.ra];
}

export function mls(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  r[i.rd] = r[i.ra] - Math.imul(r[i.rn], r[i.rm]);
}

export function smull(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  smul64(r[i.rn], r[i.rm]);
  r[i.rd] = wide.lo;
  r[i.ra] = wide.hi;
}

export function umull(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  umul64(r[i.rn], r[i.rm]);
  r[i.rd] = wide.lo;
  r[i.ra] = wide.hi;
}

export function smlal(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  smul64(r[i.rn], r[i.rm]);
  add64(r[i.rd], r[i.ra]);
  r[i.rd] = wide.lo;
  r[i.ra] = wide.hi;
}

export function umlal(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  umul64(r[i.rn], r[i.rm]);
  add64(r[i.rd], r[i.ra]);
  r[i.rd] = wide.lo;
  r[i.ra] = wide.hi;
}

/** UMAAL (A7.7.193): RdHi:RdLo = Rn*Rm + RdHi + RdLo (never overflows 64 bits). */
export function umaal(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  umul64(r[i.rn], r[i.rm]);
  add64(r[i.rd], 0);
  add64(r[i.ra], 0);
  r[i.rd] = wide.lo;
  r[i.ra] = wide.hi;
}

/** SDIV (A7.7.127): rounds toward zero; 0x80000000 / -1 = 0x80000000; /0 = 0 or DIVBYZERO. */
export function sdiv(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const d = r[i.rm] | 0;
  if (d === 0) {
    if (cpu.divByZeroTrap) cpu.fault(FaultKind.DivideByZero);
    r[i.rd] = 0;
    return;
  }
  r[i.rd] = Math.trunc((r[i.rn] | 0) / d) | 0;
}

export function udiv(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const d = r[i.rm];
  if (d === 0) {
    if (cpu.divByZeroTrap) cpu.fault(FaultKind.DivideByZero);
    r[i.rd] = 0;
    return;
  }
  r[i.rd] = Math.floor(r[i.rn] / d);
}

// ---- halfword multiplies. op bit 1 = N (top half of Rn), bit 0 = M (top half of Rm) ----

function half(v: number, top: number): number {
  return top ? v >> 16 : (v << 16) >> 16;
}

/** Sets Q when a signed 32-bit accumulation overflowed. `exact` is the true sum. */
function accumulateQ(cpu: Cpu, exact: number): number {
  if (exact > 0x7fffffff || exact < -0x80000000) cpu.state.q = 1;
  return exact | 0;
}

/** SMLA<x><y> (A7.7.138) and SMUL<x><y> (ra = 15 → no accumulate; decoded with op bit 2). */
export function smlaxy(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const product = half(r[i.rn], i.op & 2) * half(r[i.rm], i.op & 1);
  if (i.op & 4) r[i.rd] = product;
  else r[i.rd] = accumulateQ(cpu, product + (r[i.ra] | 0));
}

/** SMLAW<y> / SMULW<y> (A7.7.142, A7.7.150): (Rn * Rm.half) >> 16, 48-bit product. */
export function smlawy(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  smul64(r[i.rn], half(r[i.rm], i.op & 1));
  const product = ((wide.hi << 16) | (wide.lo >>> 16)) | 0; // bits 47:16
  if (i.op & 4) r[i.rd] = product;
  else r[i.rd] = accumulateQ(cpu, product + (r[i.ra] | 0));
}

/**
 * SMLAD/SMLSD/SMUAD/SMUSD (A7.7.139, A7.7.145, A7.7.149, A7.7.152).
 * op bit 0 = X (swap Rm halves), bit 1 = subtract, bit 2 = no accumulate.
 */
export function smlad(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const n = r[i.rn], m0 = r[i.rm];
  const m = i.op & 1 ? ((m0 >>> 16) | (m0 << 16)) : m0;
  const p1 = half(n, 0) * half(m, 0);
  const p2 = half(n, 1) * half(m, 1);
  const sum = i.op & 2 ? p1 - p2 : p1 + p2;
  if (i.op & 4) {
    // SMUAD can overflow only for 0x8000*0x8000 twice; SMUSD never.
    r[i.rd] = accumulateQ(cpu, sum);
  } else {
    r[i.rd] = accumulateQ(cpu, sum + (r[i.ra] | 0));
  }
}

/** SMLALD/SMLSLD (A7.7.140, A7.7.146): 64-bit accumulate; op bit 0 = X, bit 1 = subtract. rd=RdLo, ra=RdHi. */
export function smlald(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const n = r[i.rn], m0 = r[i.rm];
  const m = i.op & 1 ? ((m0 >>> 16) | (m0 << 16)) : m0;
  const p1 = half(n, 0) * half(m, 0);
  const p2 = half(n, 1) * half(m, 1);
  wide.lo = r[i.rd] | 0;
  wide.hi = r[i.ra] | 0;
  addSigned(i.op & 2 ? p1 - p2 : p1 + p2);
  r[i.rd] = wide.lo;
  r[i.ra] = wide.hi;
}

/** SMLAL<x><y> (A7.7.141): 64-bit accumulate of a 16×16 product. */
export function smlalxy(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  wide.lo = r[i.rd] | 0;
  wide.hi = r[i.ra] | 0;
  addSigned(half(r[i.rn], i.op & 2) * half(r[i.rm], i.op & 1));
  r[i.rd] = wide.lo;
  r[i.ra] = wide.hi;
}

/**
 * SMMUL/SMMLA/SMMLS (A7.7.147, A7.7.148, A7.7.150): the top word of (Ra<<32) ± Rn*Rm, rounded when R.
 * op bit 0 = R, bit 1 = subtract (SMMLS), bit 2 = no accumulate (SMMUL).
 */
export function smmla(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  smul64(r[i.rn], r[i.rm]);
  if (i.op & 2) {
    // negate the 64-bit product
    const lo = (~wide.lo + 1) | 0;
    wide.hi = (~wide.hi + (lo === 0 ? 1 : 0)) | 0;
    wide.lo = lo;
  }
  if (!(i.op & 4)) wide.hi = (wide.hi + r[i.ra]) | 0;
  if (i.op & 1) add64(0x80000000, 0);
  r[i.rd] = wide.hi;
}
