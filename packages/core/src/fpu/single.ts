/**
 * Single-precision operations on raw bits (uint32 in, uint32 out), raising FPSCR flags in `env`.
 *
 * Each operation first tries a fast path on JavaScript doubles, valid only when it is provably bit
 * exact: rounding mode nearest-even, operands normal or zero, and a result that is normal (or an exact
 * zero). Why the doubles are exact here:
 *  - f32 operands are exact doubles; a product of two is exact (24 + 24 ≤ 53 bits).
 *  - For + − × ÷ √ rounding to double and then to single (Math.fround) equals rounding once to single,
 *    because 53 ≥ 2·24 + 2 (Figueroa, "When is double rounding innocuous?", 1995).
 *  - Inexact (IXC): for +, the TwoSum error term (Knuth) of the double sum is exact; for ×, the double
 *    product is exact; for ÷ and √ the check q·b = a (resp. r·r = a) is an exact double product.
 *  - Fused multiply-add: the product is exact, the sum is rounded to double *to odd* (TwoSum gives the
 *    exact error, which picks the odd neighbour), and round-to-odd at 53 bits followed by nearest at
 *    24 bits is a single correct rounding (Boldo & Melquiond, "Emulation of FMA and correctly rounded
 *    sums: proved algorithms using rounding to odd", 2008).
 * Everything else (other rounding modes, subnormals, FZ, NaNs, infinities, overflow, underflow) goes to
 * the exact softfloat path. The fast paths allocate nothing.
 */
import { FPSCR_IXC, FPSCR_RMODE_MASK, Rounding, rmodeOf, type FpEnv } from './fpscr.js';
import * as sf from './softfloat.js';

const SINGLE = sf.SINGLE;
/** Smallest positive normal single, 2^-126. */
const MIN_NORMAL = 1.1754943508222875e-38;

/** 2^k for the fraction bits of a fixed-point VCVT (0–32): `2 ** k` with a variable k calls pow(). */
export const POW2 = Float64Array.from({ length: 33 }, (_, k) => 2 ** k);

const u32 = new Uint32Array(1);
const f32 = new Float32Array(u32.buffer);
const d64 = new Float64Array(1);
const d64w = new Uint32Array(d64.buffer);

/** The single whose bits are `bits`. */
export function fromBits32(bits: number): number {
  u32[0] = bits;
  return f32[0];
}

/** The bits of a single value (value must be exactly representable; NaN payloads are not preserved). */
export function toBits32(value: number): number {
  f32[0] = value;
  return u32[0];
}

/** Normal or zero: the operands the fast paths accept. */
export function isFastOperand32(bits: number): boolean {
  const e = (bits >>> 23) & 0xff;
  return e !== 0 ? e !== 0xff : (bits & 0x7fffffff) === 0;
}

/** True when a fast-path result r (before packing) is normal, or zero and exact by construction. */
function fastResultOk(r: number): boolean {
  const m = Math.abs(r);
  return (m > MIN_NORMAL && m !== Infinity) || r === 0;
}

function big(bits: number): bigint {
  return BigInt(bits >>> 0);
}

function small(bits: bigint): number {
  return Number(bits);
}

function nearest(env: FpEnv): boolean {
  return (env.fpscr & FPSCR_RMODE_MASK) === 0;
}

/** Normal or zero, judged on the value (NaN fails every comparison). */
function isFastValue(x: number): boolean {
  const m = Math.abs(x);
  return (m >= MIN_NORMAL && m !== Infinity) || x === 0;
}

/*
 * The fast paths work in place on a Float32Array register view (f[i] is S[i] as a number) and take
 * register indices, so no double crosses a call boundary (V8 would box it: garbage on the hot path).
 * Each writes the result into f[d], raises IXC as needed and returns true, or returns false, writing
 * nothing, when the operation needs the exact path on the bits.
 */

/** f[d] = f[n] + (negM ? -f[m] : f[m]) */
export function addInto32(env: FpEnv, f: Float32Array, d: number, n: number, m: number, negM: boolean): boolean {
  const x = f[n];
  const y = negM ? -f[m] : f[m];
  if (!nearest(env) || !isFastValue(x) || !isFastValue(y)) return false;
  const s = x + y;
  const rf = Math.fround(s);
  if (!fastResultOk(rf) || (rf === 0 && s !== 0)) return false;
  const bb = s - x;
  const err = x - (s - bb) + (y - bb); // TwoSum: exact error of the double sum
  if (err !== 0 || rf !== s) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
  f[d] = rf;
  return true;
}

/** f[d] = f[n] · f[m] */
export function mulInto32(env: FpEnv, f: Float32Array, d: number, n: number, m: number): boolean {
  const x = f[n];
  const y = f[m];
  if (!nearest(env) || !isFastValue(x) || !isFastValue(y)) return false;
  const p = x * y; // exact
  const rf = Math.fround(p);
  if (!fastResultOk(rf) || (rf === 0 && p !== 0)) return false;
  if (rf !== p) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
  f[d] = rf;
  return true;
}

/**
 * f[d] = (negA ? -f[a] : f[a]) + (negN ? -f[n] : f[n]) · f[m], rounded once (see the header: exact
 * product, sum rounded to odd in double, then Math.fround).
 */
export function mulAddInto32(env: FpEnv, f: Float32Array, d: number, a: number, n: number, m: number, negA: boolean, negN: boolean): boolean {
  const c = negA ? -f[a] : f[a];
  const x = negN ? -f[n] : f[n];
  const y = f[m];
  if (!nearest(env) || !isFastValue(c) || !isFastValue(x) || !isFastValue(y)) return false;
  const p = x * y; // exact
  const s = p + c;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb); // exact: s + err = p + c
  let odd = s;
  if (err !== 0) {
    // Round to odd: if s has an even last bit, step one ulp toward the exact value.
    d64[0] = s;
    const lo = d64w[0];
    if ((lo & 1) === 0) {
      const away = (err > 0) === (s > 0);
      if (away) d64w[0] = lo + 1;
      else if (lo !== 0) d64w[0] = lo - 1;
      else {
        d64w[0] = 0xffffffff;
        d64w[1] = d64w[1] - 1;
      }
      odd = d64[0];
    }
  }
  const rf = Math.fround(odd);
  if (!fastResultOk(rf) || (rf === 0 && (s !== 0 || err !== 0))) return false;
  if (err !== 0 || rf !== odd) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
  f[d] = rf;
  return true;
}

/**
 * f[d] = (negD ? -f[d] : f[d]) + (negP ? -p : p) with p = f[n]·f[m] rounded first: VMLA and family
 * (not fused). Both roundings are fast-path roundings; flags are raised only when both succeed.
 */
export function mulAccInto32(env: FpEnv, f: Float32Array, d: number, n: number, m: number, negD: boolean, negP: boolean): boolean {
  const x = f[n];
  const y = f[m];
  const c = negD ? -f[d] : f[d];
  if (!nearest(env) || !isFastValue(x) || !isFastValue(y) || !isFastValue(c)) return false;
  const exact = x * y; // exact
  const pf = Math.fround(exact);
  if (!fastResultOk(pf) || (pf === 0 && exact !== 0)) return false;
  const p = negP ? -pf : pf;
  const s = c + p;
  const rf = Math.fround(s);
  if (!fastResultOk(rf) || (rf === 0 && s !== 0)) return false;
  const bb = s - c;
  const err = c - (s - bb) + (p - bb);
  if (pf !== exact || err !== 0 || rf !== s) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
  f[d] = rf;
  return true;
}

/** Scratch registers for the bit-pattern entry points: operands in 0..2, result in 3. */
const sc = new Float32Array(4);
const scBits = new Uint32Array(sc.buffer);

export function add32(env: FpEnv, a: number, b: number): number {
  scBits[0] = a;
  scBits[1] = b;
  return addInto32(env, sc, 3, 0, 1, false) ? scBits[3] : small(sf.add(SINGLE, env, big(a), big(b)));
}

export function sub32(env: FpEnv, a: number, b: number): number {
  scBits[0] = a;
  scBits[1] = b;
  return addInto32(env, sc, 3, 0, 1, true) ? scBits[3] : small(sf.sub(SINGLE, env, big(a), big(b)));
}

export function mul32(env: FpEnv, a: number, b: number): number {
  scBits[0] = a;
  scBits[1] = b;
  return mulInto32(env, sc, 3, 0, 1) ? scBits[3] : small(sf.mul(SINGLE, env, big(a), big(b)));
}

export function div32(env: FpEnv, a: number, b: number): number {
  if (nearest(env) && isFastOperand32(a) && isFastOperand32(b) && (b & 0x7fffffff) !== 0) {
    const x = fromBits32(a);
    const y = fromBits32(b);
    const rf = Math.fround(x / y);
    if (fastResultOk(rf) && (rf !== 0 || x === 0)) {
      if (rf * y !== x) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
      return toBits32(rf);
    }
  }
  return small(sf.div(SINGLE, env, big(a), big(b)));
}

export function sqrt32(env: FpEnv, a: number): number {
  if (nearest(env) && isFastOperand32(a) && (a >>> 31 === 0 || (a & 0x7fffffff) === 0)) {
    const x = fromBits32(a);
    const rf = Math.fround(Math.sqrt(x));
    if (rf * rf !== x) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
    return toBits32(rf); // the root of a normal single is normal; √(±0) = ±0
  }
  return small(sf.sqrt(SINGLE, env, big(a)));
}

/** FPMulAdd: addend + op1·op2, one rounding (VFMA and family). */
export function mulAdd32(env: FpEnv, addend: number, op1: number, op2: number): number {
  scBits[0] = addend;
  scBits[1] = op1;
  scBits[2] = op2;
  if (mulAddInto32(env, sc, 3, 0, 1, 2, false, false)) return scBits[3];
  return small(sf.mulAdd(SINGLE, env, big(addend), big(op1), big(op2)));
}

export function neg32(a: number): number {
  return (a ^ 0x80000000) >>> 0;
}

export function abs32(a: number): number {
  return (a & 0x7fffffff) >>> 0;
}

/** FPCompare: NZCV in bits 3..0. `quietNaNExc` for VCMPE. */
export function compare32(env: FpEnv, a: number, b: number, quietNaNExc: boolean): number {
  if (isFastOperand32(a) && isFastOperand32(b)) {
    const x = fromBits32(a);
    const y = fromBits32(b);
    return x === y ? 0b0110 : x < y ? 0b1000 : 0b0010;
  }
  return sf.compare(SINGLE, env, big(a), big(b), quietNaNExc);
}

/**
 * FPMaxNum/FPMinNum fast path for two normal-or-zero operands: no rounding and no flags; equal zeros
 * give +0 for max and -0 for min when the signs differ (FPMax/FPMin zero rule).
 */
export function maxMinValues(x: number, y: number, isMax: boolean): number {
  if (x === y) {
    if (x !== 0) return x;
    const xNeg = 1 / x < 0;
    const yNeg = 1 / y < 0;
    return (isMax ? xNeg && yNeg : xNeg || yNeg) ? -0 : 0;
  }
  return isMax === x > y ? x : y;
}

export function maxNum32(env: FpEnv, a: number, b: number): number {
  if (isFastOperand32(a) && isFastOperand32(b)) return toBits32(maxMinValues(fromBits32(a), fromBits32(b), true));
  return small(sf.maxMinNum(SINGLE, env, big(a), big(b), true));
}

export function minNum32(env: FpEnv, a: number, b: number): number {
  if (isFastOperand32(a) && isFastOperand32(b)) return toBits32(maxMinValues(fromBits32(a), fromBits32(b), false));
  return small(sf.maxMinNum(SINGLE, env, big(a), big(b), false));
}

/**
 * The integral value of a double with a rounding mode, exactly (FPRoundInt's integer on values):
 * floor, ceil and trunc are exact, and the ties are decided on the exact fraction m - floor(m).
 * A zero result keeps the sign of v.
 */
export function roundIntegral(v: number, rmode: Rounding): number {
  switch (rmode) {
    case Rounding.PlusInf:
      return Math.ceil(v);
    case Rounding.MinusInf:
      return Math.floor(v);
    case Rounding.Zero:
      return Math.trunc(v);
    default: {
      const m = Math.abs(v);
      const f = Math.floor(m);
      const d = m - f;
      const r = d > 0.5 || (d === 0.5 && (rmode === Rounding.TieAway || f % 2 === 1)) ? f + 1 : f;
      return v < 0 || (v === 0 && 1 / v < 0) ? -r : r;
    }
  }
}

/** FPRoundInt (VRINT*). */
export function roundInt32(env: FpEnv, a: number, rmode: Rounding, exact: boolean): number {
  if (isFastOperand32(a)) {
    const x = fromBits32(a);
    const r = roundIntegral(x, rmode);
    if (exact && r !== x) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
    return toBits32(r);
  }
  return small(sf.roundInt(SINGLE, env, big(a), rmode, exact));
}

/**
 * FPToFixed to a 32-bit register: `width` 16 or 32, `fracBits` 0 for integers. Returns the register
 * bits (the saturated integer sign- or zero-extended to 32 bits).
 */
export function toFixed32(env: FpEnv, a: number, width: number, fracBits: number, unsigned: boolean, rmode: Rounding): number {
  if (width === 32 && isFastOperand32(a)) {
    const v = fromBits32(a) * POW2[fracBits]; // exact: a power-of-two scale of a normal single
    const t = roundIntegral(v, rmode);
    const inRange = unsigned ? t >= 0 && t <= 0xffffffff : t >= -0x80000000 && t <= 0x7fffffff;
    if (inRange) {
      if (t !== v) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
      return t >>> 0;
    }
  }
  const n = sf.toFixed(SINGLE, env, big(a), width, fracBits, unsigned, rmode);
  return n >>> 0; // two's complement, i.e. sign-extended for negative results
}

/** FixedToFP from the low `width` bits of a register: a signed or unsigned integer over 2^fracBits. */
export function fromFixed32(env: FpEnv, operand: number, width: number, fracBits: number, unsigned: boolean, rmode: Rounding): number {
  if (width === 32 && rmode === Rounding.TieEven) {
    const v = (unsigned ? operand >>> 0 : operand | 0) / POW2[fracBits]; // exact in a double
    const rf = Math.fround(v);
    if (rf !== v) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
    return toBits32(rf); // |v| ≥ 2^-32 when nonzero: never subnormal; zero gives +0
  }
  return small(sf.fromFixed(SINGLE, env, operand, width, fracBits, unsigned, rmode));
}

/** The FPSCR rounding mode as a Rounding value. */
export function fpscrRounding(env: FpEnv): Rounding {
  return rmodeOf(env.fpscr);
}
