/**
 * Executors of decoded FP instructions (ARMv7-M ARM DDI 0403E, A7.7.222 onwards: VABS … VSUB, plus the
 * FPv5 additions VSEL, VMAXNM/VMINNM, VCVTA/N/P/M, VRINT*). Each starts with `cpu.fpEnter()`
 * (ExecuteFPCheck: CPACR, lazy state preservation, CONTROL.FPCA) and then works on the raw register
 * bits in CpuState.s, raising flags in CpuState.fpscr.
 *
 * Record fields (see decode.ts): rd/rn/rm are *word indices* into CpuState.s: Sx is x, Dx is 2x (its
 * low word; the high word follows). `op` and `aux` select a variant where a handler serves a family.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../decode/decoded.js';
import { FPSCR_WRITABLE, Rounding, rmodeOf } from './fpscr.js';
import * as s32 from './single.js';
import * as d64 from './double.js';
import * as sf from './softfloat.js';

const SIGN = 0x80000000;
const res64 = d64.res64;

// ---------------------------------------------------------------------------------------------------
// Single-precision arithmetic

// The hot single-precision handlers try the in-place fast path on the Float32Array view first and
// fall back to the exact path on the bits.

export function vaddS(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  if (!s32.addInto32(st, st.f32, i.rd, i.rn, i.rm, false)) st.s[i.rd] = s32.add32(st, st.s[i.rn], st.s[i.rm]);
}

export function vsubS(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  if (!s32.addInto32(st, st.f32, i.rd, i.rn, i.rm, true)) st.s[i.rd] = s32.sub32(st, st.s[i.rn], st.s[i.rm]);
}

export function vmulS(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  if (!s32.mulInto32(st, st.f32, i.rd, i.rn, i.rm)) st.s[i.rd] = s32.mul32(st, st.s[i.rn], st.s[i.rm]);
}

/** VNMUL: FPNeg of the rounded product (a NaN result has its sign flipped too). */
export function vnmulS(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  s[i.rd] = s32.mul32(st, s[i.rn], s[i.rm]) ^ SIGN;
}

export function vdivS(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  s[i.rd] = s32.div32(st, s[i.rn], s[i.rm]);
}

export function vsqrtS(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  s[i.rd] = s32.sqrt32(st, s[i.rm]);
}

/** The multiply-accumulate family's `op`: which operands are negated. */
export const enum MacOp {
  /** VMLA / VFMA: d + n·m */
  Add = 0,
  /** VMLS / VFMS: d − n·m */
  Sub = 1,
  /** VNMLA / VFNMA: −d − n·m */
  NegAdd = 2,
  /** VNMLS / VFNMS: −d + n·m */
  NegSub = 3,
}

/** VMLA, VMLS, VNMLA, VNMLS (not fused: the product is rounded, then added; A7.7.240, A7.7.246). */
export function vmlaS(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const op = i.op;
  if (s32.mulAccInto32(st, st.f32, i.rd, i.rn, i.rm, op >= MacOp.NegAdd, op === MacOp.Sub || op === MacOp.NegAdd)) return;
  const s = st.s;
  const product = s32.mul32(st, s[i.rn], s[i.rm]);
  const addend = op >= MacOp.NegAdd ? s[i.rd] ^ SIGN : s[i.rd];
  const p = op === MacOp.Sub || op === MacOp.NegAdd ? product ^ SIGN : product;
  s[i.rd] = s32.add32(st, addend >>> 0, p >>> 0);
}

/** VFMA, VFMS, VFNMA, VFNMS (fused; A7.7.230/231): FPMulAdd with FPNeg'd operands. */
export function vfmaS(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const op = i.op;
  const negAddend = op >= MacOp.NegAdd;
  const negN = op === MacOp.Sub || op === MacOp.NegAdd;
  if (s32.mulAddInto32(st, st.f32, i.rd, i.rd, i.rn, i.rm, negAddend, negN)) return;
  const s = st.s;
  const addend = negAddend ? s[i.rd] ^ SIGN : s[i.rd];
  const n = negN ? s[i.rn] ^ SIGN : s[i.rn];
  s[i.rd] = s32.mulAdd32(st, addend >>> 0, n >>> 0, s[i.rm]);
}

// ---------------------------------------------------------------------------------------------------
// Double-precision arithmetic (rd/rn/rm are low-word indices)

function storeRes(s: Uint32Array, d: number): void {
  s[d] = res64[0];
  s[d + 1] = res64[1];
}

export function vaddD(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  d64.addBits(st, s[i.rn], s[i.rn + 1], s[i.rm], s[i.rm + 1], i.op === 1);
  storeRes(s, i.rd);
}

export function vmulD(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  d64.mulBits(st, s[i.rn], s[i.rn + 1], s[i.rm], s[i.rm + 1]);
  if (i.op === 1) res64[1] ^= SIGN; // VNMUL
  storeRes(s, i.rd);
}

export function vdivD(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  d64.divBits(st, s[i.rn], s[i.rn + 1], s[i.rm], s[i.rm + 1]);
  storeRes(s, i.rd);
}

export function vsqrtD(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  d64.sqrtBits(st, s[i.rm], s[i.rm + 1]);
  storeRes(s, i.rd);
}

export function vmlaD(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  const op = i.op;
  d64.mulBits(st, s[i.rn], s[i.rn + 1], s[i.rm], s[i.rm + 1]);
  const pLo = res64[0];
  const pHi = op === MacOp.Sub || op === MacOp.NegAdd ? res64[1] ^ SIGN : res64[1];
  const dHi = op >= MacOp.NegAdd ? s[i.rd + 1] ^ SIGN : s[i.rd + 1];
  d64.addBits(st, s[i.rd], dHi >>> 0, pLo, pHi >>> 0);
  storeRes(s, i.rd);
}

export function vfmaD(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  const op = i.op;
  const dHi = op >= MacOp.NegAdd ? s[i.rd + 1] ^ SIGN : s[i.rd + 1];
  const nHi = op === MacOp.Sub || op === MacOp.NegAdd ? s[i.rn + 1] ^ SIGN : s[i.rn + 1];
  d64.mulAddBits(st, s[i.rd], dHi >>> 0, s[i.rn], nHi >>> 0, s[i.rm], s[i.rm + 1]);
  storeRes(s, i.rd);
}

// ---------------------------------------------------------------------------------------------------
// Moves, sign operations, immediates (no FP exceptions)

/** VMOV Sd, Sm / VABS / VNEG (op: 0 move, 1 abs, 2 neg); `aux` = 1 for doubles. */
export function vmovSign(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const s = cpu.state.s;
  const d = i.rd;
  const m = i.rm;
  const op = i.op;
  const w = i.aux === 1 ? 1 : 0; // word of the sign bit
  if (w === 1) s[d] = s[m];
  const v = s[m + w];
  s[d + w] = op === 0 ? v : op === 1 ? v & 0x7fffffff : (v ^ SIGN) >>> 0;
}

/** VMOV Sd, #imm / VMOV Dd, #imm: `imm` is the low word, `imm2` the high word (doubles). */
export function vmovImm(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const s = cpu.state.s;
  s[i.rd] = i.imm;
  if (i.aux === 1) s[i.rd + 1] = i.imm2;
}

/** VMOV Sn, Rt (op 0) / VMOV Rt, Sn (op 1); also VMOV Dd[x], Rt and VMOV Rt, Dn[x] (same word moves). */
export function vmovCore(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  if (i.op === 0) cpu.state.s[i.rn] = cpu.r[i.rd];
  else cpu.r[i.rd] = cpu.state.s[i.rn];
}

/**
 * VMOV between two core registers (rd = Rt, ra = Rt2) and two consecutive FP words starting at rm
 * (Sm, Sm+1 or Dm): op 0 core → FP, op 1 FP → core.
 */
export function vmovCore2(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const s = cpu.state.s;
  const r = cpu.r;
  if (i.op === 0) {
    s[i.rm] = r[i.rd];
    s[i.rm + 1] = r[i.ra];
  } else {
    r[i.rd] = s[i.rm];
    r[i.ra] = s[i.rm + 1];
  }
}

/** VMRS Rt, FPSCR; with Rt = 15 (rd = 15) VMRS APSR_nzcv, FPSCR copies the FP flags into APSR. */
export function vmrs(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const v = st.fpscr;
  if (i.rd === 15) {
    st.n = (v >>> 31) & 1;
    st.z = (v >>> 30) & 1;
    st.c = (v >>> 29) & 1;
    st.v = (v >>> 28) & 1;
  } else {
    cpu.r[i.rd] = v >>> 0;
  }
}

/** VMSR FPSCR, Rt: RES0 bits read as zero. */
export function vmsr(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  cpu.state.fpscr = (cpu.r[i.rd] & FPSCR_WRITABLE) >>> 0;
}

// ---------------------------------------------------------------------------------------------------
// Compare, select, min/max, round to integral

/** VCMP{E} (op = 1 for E); aux = 1 for doubles; imm = 1 compares with +0 instead of rm. */
export function vcmp(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  const quiet = i.op === 1;
  let nzcv: number;
  if (i.aux === 1) {
    const mLo = i.imm === 1 ? 0 : s[i.rm];
    const mHi = i.imm === 1 ? 0 : s[i.rm + 1];
    nzcv = d64.compare64(st, s[i.rd], s[i.rd + 1], mLo, mHi, quiet);
  } else {
    nzcv = s32.compare32(st, s[i.rd], i.imm === 1 ? 0 : s[i.rm], quiet);
  }
  st.fpscr = ((st.fpscr & 0x0fffffff) | (nzcv << 28)) >>> 0;
}

/** VSEL<cond> (FPv5): op = cc (0 EQ, 1 VS, 2 GE, 3 GT), tested on the APSR flags. */
export function vsel(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  let pass: boolean;
  switch (i.op) {
    case 0: pass = st.z === 1; break;
    case 1: pass = st.v === 1; break;
    case 2: pass = st.n === st.v; break;
    default: pass = st.z === 0 && st.n === st.v;
  }
  const s = st.s;
  const src = pass ? i.rn : i.rm;
  s[i.rd] = s[src];
  if (i.aux === 1) s[i.rd + 1] = s[src + 1];
}

/** VMAXNM (op 0) / VMINNM (op 1). */
export function vmaxMinNm(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  if (i.aux === 1) {
    d64.maxMinNumBits(st, s[i.rn], s[i.rn + 1], s[i.rm], s[i.rm + 1], i.op === 0);
    storeRes(s, i.rd);
  } else {
    s[i.rd] = i.op === 0 ? s32.maxNum32(st, s[i.rn], s[i.rm]) : s32.minNum32(st, s[i.rn], s[i.rm]);
  }
}

/** Rounding mode stored in `op` meaning "take FPSCR.RMode" (VRINTR, VRINTX, VCVTR, int → float). */
export const ROUND_FPSCR = 7;

function roundingOf(cpu: Cpu, op: number): Rounding {
  return op === ROUND_FPSCR ? rmodeOf(cpu.state.fpscr) : (op as Rounding);
}

/** VRINT{A,N,P,M,R,X,Z}: op = rounding (or ROUND_FPSCR), imm = 1 for VRINTX (exact: IXC). */
export function vrint(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  const rmode = roundingOf(cpu, i.op);
  if (i.aux === 1) {
    d64.roundIntBits(st, s[i.rm], s[i.rm + 1], rmode, i.imm === 1);
    storeRes(s, i.rd);
  } else {
    s[i.rd] = s32.roundInt32(st, s[i.rm], rmode, i.imm === 1);
  }
}

// ---------------------------------------------------------------------------------------------------
// Conversions

/** VCVT.F64.F32 Dd, Sm. */
export function vcvtSingleToDouble(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  d64.singleToDoubleBits(st, st.s[i.rm]);
  storeRes(st.s, i.rd);
}

/** VCVT.F32.F64 Sd, Dm. */
export function vcvtDoubleToSingle(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  s[i.rd] = d64.doubleToSingle(st, s[i.rm], s[i.rm + 1]);
}

/**
 * Float → integer or fixed point: VCVT{R}.S32/U32.F32/F64, VCVT{A,N,P,M}, VCVT.{S,U}{16,32}.F32/F64 #fbits.
 * op = rounding (or ROUND_FPSCR); imm = fraction bits; imm2 = width (16/32); setFlags = unsigned;
 * aux bit 0 = source is double; aux bit 1 = destination is a double register (fixed point in place:
 * the result is extended to 64 bits).
 */
export function vcvtToFixed(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  const rmode = roundingOf(cpu, i.op);
  const unsigned = i.setFlags === 1;
  const v = (i.aux & 1) !== 0
    ? d64.toFixed64(st, s[i.rm], s[i.rm + 1], i.imm2, i.imm, unsigned, rmode)
    : s32.toFixed32(st, s[i.rm], i.imm2, i.imm, unsigned, rmode);
  s[i.rd] = v;
  if ((i.aux & 2) !== 0) s[i.rd + 1] = unsigned || (v & SIGN) === 0 ? 0 : 0xffffffff;
}

/**
 * Integer or fixed point → float: VCVT.F32/F64.S32/U32, VCVT.F32/F64.{S,U}{16,32} #fbits.
 * Same fields as vcvtToFixed; aux bit 1 = destination is double (the source is the low word of rm).
 */
export function vcvtFromFixed(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  const rmode = roundingOf(cpu, i.op);
  const unsigned = i.setFlags === 1;
  const operand = s[i.rm];
  if ((i.aux & 2) !== 0) {
    d64.fromFixedBits(st, operand, i.imm2, i.imm, unsigned, rmode);
    storeRes(s, i.rd);
  } else {
    s[i.rd] = s32.fromFixed32(st, operand, i.imm2, i.imm, unsigned, rmode);
  }
}

/**
 * VCVTB/VCVTT (half precision, A7.7.227 and the FPv5 double forms). op: 0 half → single/double,
 * 1 single/double → half; imm = 16 for the top half (T), 0 for the bottom (B); aux = 1 for the double
 * forms. The other half of the destination single is preserved when converting to half.
 */
export function vcvtHalf(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const st = cpu.state;
  const s = st.s;
  const shift = i.imm;
  const wide = i.aux === 1 ? sf.DOUBLE : sf.SINGLE;
  if (i.op === 0) {
    const half = BigInt((s[i.rm] >>> shift) & 0xffff);
    const out = sf.convert(sf.HALF, wide, st, half);
    s[i.rd] = Number(out & 0xffffffffn);
    if (i.aux === 1) s[i.rd + 1] = Number(out >> 32n);
  } else {
    const src = i.aux === 1 ? d64.big64(s[i.rm], s[i.rm + 1]) : BigInt(s[i.rm]);
    const half = Number(sf.convert(wide, sf.HALF, st, src));
    const keep = shift === 16 ? s[i.rd] & 0xffff : s[i.rd] & 0xffff0000;
    s[i.rd] = (keep | (half << shift)) >>> 0;
  }
}

// ---------------------------------------------------------------------------------------------------
// Loads and stores (A7.7.236 VLDM, A7.7.237 VLDR, A7.7.256 VSTM, A7.7.257 VSTR). Memory goes through
// the core's aligned word helpers: an unaligned address is an UNALIGNED UsageFault, bus errors fault
// before any register changes (VLDM reads everything first; VSTM updates the base last).

/** VLDR: rn = base register, imm = signed byte offset; aux = 1 for a double. Base PC reads Align(PC,4). */
export function vldr(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const base = i.rn === 15 ? cpu.r[15] & ~3 : cpu.r[i.rn];
  const addr = (base + i.imm) >>> 0;
  const s = cpu.state.s;
  if (i.aux === 1) {
    const lo = cpu.read32Aligned(addr);
    const hi = cpu.read32Aligned((addr + 4) >>> 0);
    s[i.rd] = lo;
    s[i.rd + 1] = hi;
  } else {
    s[i.rd] = cpu.read32Aligned(addr);
  }
}

export function vstr(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const base = i.rn === 15 ? cpu.r[15] & ~3 : cpu.r[i.rn];
  const addr = (base + i.imm) >>> 0;
  const s = cpu.state.s;
  cpu.write32Aligned(addr, s[i.rd]);
  if (i.aux === 1) cpu.write32Aligned((addr + 4) >>> 0, s[i.rd + 1]);
}

const vldmScratch = new Uint32Array(32);

/**
 * VLDM/VSTM/VPUSH/VPOP: rn = base, rd = first word index, transferCount = words, add = 1 for IA
 * (0 for DB), wback = 1 to update the base by 4·words.
 */
export function vldm(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const words = i.transferCount;
  const bytes = words * 4;
  const base = cpu.r[i.rn];
  let addr = i.add === 1 ? base : (base - bytes) >>> 0;
  for (let k = 0; k < words; k++, addr = (addr + 4) >>> 0) vldmScratch[k] = cpu.read32Aligned(addr);
  const s = cpu.state.s;
  for (let k = 0; k < words; k++) s[i.rd + k] = vldmScratch[k];
  if (i.wback === 1) cpu.r[i.rn] = i.add === 1 ? base + bytes : base - bytes;
}

export function vstm(cpu: Cpu, i: Insn): void {
  cpu.fpEnter();
  const words = i.transferCount;
  const bytes = words * 4;
  const base = cpu.r[i.rn];
  let addr = i.add === 1 ? base : (base - bytes) >>> 0;
  const s = cpu.state.s;
  for (let k = 0; k < words; k++, addr = (addr + 4) >>> 0) cpu.write32Aligned(addr, s[i.rd + k]);
  if (i.wback === 1) cpu.r[i.rn] = i.add === 1 ? base + bytes : base - bytes;
}
