/**
 * Double-precision operations on raw bits, raising FPSCR flags in `env`.
 *
 * A double is a (lo, hi) pair of uint32 words, as D[n] is S[2n] (lo) and S[2n+1] (hi). The *Bits
 * functions take operand words and leave the result in {@link res64} (res64[0] = lo, res64[1] = hi),
 * so nothing is allocated on the fast path.
 *
 * Fast path (rounding nearest-even, normal-or-zero operands in a safe exponent range, a normal or
 * exactly zero result): native double + − × ÷ √ are correctly rounded IEEE operations; inexact is
 * decided exactly with error-free transformations: TwoSum (Knuth) for + and −, Dekker's TwoProduct
 * with Veltkamp splitting for × (and for the checks q·b = a, r·r = a of ÷ and √). The range limits
 * keep the splitting free of overflow and the error terms free of underflow. The fused multiply-add
 * takes the fast path when the error terms show the rounding cannot be a tie (mulAddFast). Everything
 * else uses the exact softfloat path.
 */
import { FPSCR_IXC, FPSCR_RMODE_MASK, Rounding, type FpEnv } from './fpscr.js';
import * as sf from './softfloat.js';
import { POW2, maxMinValues, roundIntegral } from './single.js';

const DOUBLE = sf.DOUBLE;
const MIN_NORMAL = 2.2250738585072014e-308; // 2^-1022
/** Veltkamp splitter for 53-bit doubles: 2^27 + 1. */
const SPLIT = 134217729;

/** The result of the last *Bits operation: [lo, hi]. */
export const res64 = new Uint32Array(2);

const d64 = new Float64Array(1);
const d64w = new Uint32Array(d64.buffer);

function value(lo: number, hi: number): number {
  d64w[0] = lo;
  d64w[1] = hi;
  return d64[0];
}

function setResult(x: number): void {
  d64[0] = x;
  res64[0] = d64w[0];
  res64[1] = d64w[1];
}

function setBig(bits: bigint): void {
  res64[0] = Number(bits & 0xffffffffn);
  res64[1] = Number(bits >> 32n);
}

export function big64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Normal or zero. */
export function isFastOperand64(hi: number, lo: number): boolean {
  const e = (hi >>> 20) & 0x7ff;
  return e !== 0 ? e !== 0x7ff : (hi & 0x7fffffff) === 0 && lo === 0;
}

/** Zero, or a normal number with |x| in [2^-480, 2^481): safe for TwoProduct and its checks. */
function isModerate(hi: number, lo: number): boolean {
  const e = (hi >>> 20) & 0x7ff;
  return e >= 1023 - 480 && e <= 1023 + 480 ? true : e === 0 && (hi & 0x7fffffff) === 0 && lo === 0;
}

function isZero64(hi: number, lo: number): boolean {
  return (hi & 0x7fffffff) === 0 && lo === 0;
}

function nearest(env: FpEnv): boolean {
  return (env.fpscr & FPSCR_RMODE_MASK) === 0;
}

function resultOk(r: number): boolean {
  const m = Math.abs(r);
  return (m >= MIN_NORMAL && m !== Infinity) || r === 0;
}

/** Exact error of the product a·b as computed in doubles (Dekker TwoProduct); both in moderate range. */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** FPAdd (or FPSub with negate2) into res64. */
export function addBits(env: FpEnv, aLo: number, aHi: number, bLo: number, bHi: number, negate2 = false): void {
  if (nearest(env) && isFastOperand64(aHi, aLo) && isFastOperand64(bHi, bLo)) {
    const x = value(aLo, aHi);
    const y = negate2 ? -value(bLo, bHi) : value(bLo, bHi);
    const s = x + y;
    if (resultOk(s)) {
      const bb = s - x;
      if (x - (s - bb) + (y - bb) !== 0) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
      setResult(s);
      return;
    }
  }
  setBig(sf.add(DOUBLE, env, big64(aLo, aHi), big64(bLo, bHi), negate2));
}

export function mulBits(env: FpEnv, aLo: number, aHi: number, bLo: number, bHi: number): void {
  if (nearest(env) && isModerate(aHi, aLo) && isModerate(bHi, bLo)) {
    const x = value(aLo, aHi);
    const y = value(bLo, bHi);
    const p = x * y;
    if (p !== 0 && productError(x, y, p) !== 0) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
    setResult(p); // |p| in [2^-960, 2^962) or an exact zero
    return;
  }
  setBig(sf.mul(DOUBLE, env, big64(aLo, aHi), big64(bLo, bHi)));
}

export function divBits(env: FpEnv, aLo: number, aHi: number, bLo: number, bHi: number): void {
  if (nearest(env) && isModerate(aHi, aLo) && isModerate(bHi, bLo) && !isZero64(bHi, bLo)) {
    const x = value(aLo, aHi);
    const y = value(bLo, bHi);
    const q = x / y; // |q| in (2^-962, 2^962) or an exact zero
    if (q !== 0) {
      const back = q * y;
      if (back !== x || productError(q, y, back) !== 0) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
    }
    setResult(q);
    return;
  }
  setBig(sf.div(DOUBLE, env, big64(aLo, aHi), big64(bLo, bHi)));
}

export function sqrtBits(env: FpEnv, aLo: number, aHi: number): void {
  if (nearest(env) && isModerate(aHi, aLo) && (aHi >>> 31 === 0 || isZero64(aHi, aLo))) {
    const x = value(aLo, aHi);
    const r = Math.sqrt(x);
    if (r !== 0) {
      const back = r * r;
      if (back !== x || productError(r, r, back) !== 0) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
    }
    setResult(r);
    return;
  }
  setBig(sf.sqrt(DOUBLE, env, big64(aLo, aHi)));
}

/** FPMulAdd: c + a·b, one rounding (VFMA.F64 and family): the fast path when it can decide, else exact. */
export function mulAddBits(env: FpEnv, cLo: number, cHi: number, aLo: number, aHi: number, bLo: number, bHi: number): void {
  if (mulAddFast(env, cLo, cHi, aLo, aHi, bLo, bHi)) return;
  setBig(sf.mulAdd(DOUBLE, env, big64(cLo, cHi), big64(aLo, aHi), big64(bLo, bHi)));
}

/**
 * The fused multiply-add without BigInt, for rounding nearest-even and non-zero operands in the moderate
 * range. The exact value c + a·b is written as r + g + f with error-free transformations: the product as
 * uh + ul (TwoProduct), then TwoSum(uh, c) = s + e, TwoSum(e, ul) = t + f, TwoSum(s, t) = r + g. r is
 * RN(s + t); it is the correctly rounded fused result when |g| + |f| is below half the gap from r to its
 * neighbour on the side of the exact value (a quarter ulp toward zero from a power of two). Returns false,
 * leaving the result to the exact path, for a tie or anything that close, and for results that are zero
 * or leave the moderate range (no overflow, underflow or subnormal on this path). Sets res64 and IXC.
 */
export function mulAddFast(env: FpEnv, cLo: number, cHi: number, aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  if (!nearest(env) || !isModerate(aHi, aLo) || !isModerate(bHi, bLo) || !isModerate(cHi, cLo)) return false;
  if (isZero64(aHi, aLo) || isZero64(bHi, bLo) || isZero64(cHi, cLo)) return false;
  const a = value(aLo, aHi);
  const b = value(bLo, bHi);
  const c = value(cLo, cHi);
  const uh = a * b;
  const ul = productError(a, b, uh);
  const s = uh + c;
  let bb = s - uh;
  const e = uh - (s - bb) + (c - bb);
  const t = e + ul;
  bb = t - e;
  const f = e - (t - bb) + (ul - bb);
  const r = s + t;
  bb = r - s;
  const g = s - (r - bb) + (t - bb);
  d64[0] = r;
  const hi = d64w[1];
  const lo = d64w[0];
  const exponent = (hi >>> 20) & 0x7ff;
  if (exponent < 1023 - 480 || exponent > 1023 + 480) return false; // zero, tiny or huge: exact path
  // Half the gap to the neighbour on the exact value's side: ulp(r) / 2, or ulp(r) / 4 toward zero
  // from a power of two (the binade below has half the spacing).
  const ulp = POW2_52[exponent];
  const towardZero = (g + f < 0) !== r < 0;
  const limit = towardZero && (hi & 0xfffff) === 0 && lo === 0 ? ulp / 4 : ulp / 2;
  if (!(Math.abs(g) + Math.abs(f) < limit)) return false;
  if (g !== -f) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
  res64[0] = lo;
  res64[1] = hi;
  return true;
}

/** POW2_52[E] = 2^(E − 1023 − 52): the ulp of a normal double with biased exponent E. */
const POW2_52 = Float64Array.from({ length: 2047 }, (_, e) => 2 ** (e - 1023 - 52));

export function compare64(env: FpEnv, aLo: number, aHi: number, bLo: number, bHi: number, quietNaNExc: boolean): number {
  if (isFastOperand64(aHi, aLo) && isFastOperand64(bHi, bLo)) {
    const x = value(aLo, aHi);
    const y = value(bLo, bHi);
    return x === y ? 0b0110 : x < y ? 0b1000 : 0b0010;
  }
  return sf.compare(DOUBLE, env, big64(aLo, aHi), big64(bLo, bHi), quietNaNExc);
}

export function maxMinNumBits(env: FpEnv, aLo: number, aHi: number, bLo: number, bHi: number, isMax: boolean): void {
  if (isFastOperand64(aHi, aLo) && isFastOperand64(bHi, bLo)) {
    const x = value(aLo, aHi);
    setResult(maxMinValues(x, value(bLo, bHi), isMax));
    return;
  }
  setBig(sf.maxMinNum(DOUBLE, env, big64(aLo, aHi), big64(bLo, bHi), isMax));
}

export function roundIntBits(env: FpEnv, aLo: number, aHi: number, rmode: Rounding, exact: boolean): void {
  if (isFastOperand64(aHi, aLo)) {
    const x = value(aLo, aHi);
    const r = roundIntegral(x, rmode); // exact: integral doubles at this magnitude are representable
    if (exact && r !== x) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
    setResult(r);
    return;
  }
  setBig(sf.roundInt(DOUBLE, env, big64(aLo, aHi), rmode, exact));
}

/** FPToFixed from a double to a 32-bit register value (see single.ts toFixed32). */
export function toFixed64(env: FpEnv, aLo: number, aHi: number, width: number, fracBits: number, unsigned: boolean, rmode: Rounding): number {
  if (width === 32 && isFastOperand64(aHi, aLo)) {
    const v = value(aLo, aHi) * POW2[fracBits]; // exact unless it overflows, which the range check catches
    const t = roundIntegral(v, rmode);
    const inRange = unsigned ? t >= 0 && t <= 0xffffffff : t >= -0x80000000 && t <= 0x7fffffff;
    if (inRange) {
      if (t !== v) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
      return t >>> 0;
    }
  }
  return sf.toFixed(DOUBLE, env, big64(aLo, aHi), width, fracBits, unsigned, rmode) >>> 0;
}

/** FixedToFP into a double (into res64). A 32-bit integer over 2^fracBits is always exact in a double. */
export function fromFixedBits(env: FpEnv, operand: number, width: number, fracBits: number, unsigned: boolean, rmode: Rounding): void {
  setBig(sf.fromFixed(DOUBLE, env, operand, width, fracBits, unsigned, rmode));
}

/** FPSingleToDouble into res64. */
export function singleToDoubleBits(env: FpEnv, a: number): void {
  const e = (a >>> 23) & 0xff;
  if (e !== 0 && e !== 0xff) {
    // A normal single is exact as a double: rebias the exponent, widen the fraction.
    const sign = a & 0x80000000;
    const frac = a & 0x7fffff;
    res64[1] = (sign | ((e - 127 + 1023) << 20) | (frac >>> 3)) >>> 0;
    res64[0] = (frac << 29) >>> 0;
    return;
  }
  setBig(sf.convert(sf.SINGLE, DOUBLE, env, BigInt(a >>> 0)));
}

/** FPDoubleToSingle: returns single bits. */
export function doubleToSingle(env: FpEnv, aLo: number, aHi: number): number {
  if (nearest(env) && isFastOperand64(aHi, aLo)) {
    const x = value(aLo, aHi);
    const rf = Math.fround(x);
    const m = Math.abs(rf);
    if ((m > 1.1754943508222875e-38 && m !== Infinity) || x === 0) {
      if (rf !== x) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
      d64[0] = rf;
      // Pack the (exactly representable) single from the double's fields.
      const hi = d64w[1];
      const lo = d64w[0];
      const e = ((hi >>> 20) & 0x7ff) - 1023 + 127;
      if (x === 0) return (hi & 0x80000000) >>> 0;
      return ((hi & 0x80000000) | (e << 23) | ((hi & 0xfffff) << 3) | (lo >>> 29)) >>> 0;
    }
  }
  return Number(sf.convert(DOUBLE, sf.SINGLE, env, big64(aLo, aHi)));
}
