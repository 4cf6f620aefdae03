/**
 * Exact IEEE 754 arithmetic on raw bits, as the Arm architecture defines it for the FPv5 extension
 * (ARMv7-M ARM DDI 0403E, A2.5 and the pseudocode functions FPUnpack, FPRound, FPProcessNaN(s),
 * FPAdd … FPMulAdd, FPCompare, FPToFixed, FixedToFP, FPRoundInt, FPMaxNum, FPMinNum and the
 * conversions). Values are held as exact BigInt significands, so every result is correctly rounded
 * and every flag is raised exactly when the pseudocode raises it.
 *
 * This is the slow, always-right path: it allocates (BigInt) and is only used for rounding modes other
 * than nearest-even, subnormals, flush-to-zero, NaNs, infinities, overflow, double-precision FMA and
 * conversions the fast path (fast.ts) does not cover. Operands and results are bit patterns in a bigint
 * (half: 16 bits, single: 32, double: 64).
 */
import {
  FPSCR_AHP,
  FPSCR_DN,
  FPSCR_DZC,
  FPSCR_FZ,
  FPSCR_IDC,
  FPSCR_IOC,
  FPSCR_IXC,
  FPSCR_OFC,
  FPSCR_UFC,
  Rounding,
  rmodeOf,
  type FpEnv,
} from './fpscr.js';

/** An IEEE binary interchange format: N bits = sign + E exponent bits + F fraction bits. */
export interface FpFormat {
  readonly N: number;
  readonly E: number;
  readonly F: number;
  /** Exponent bias, 2^(E-1) - 1. */
  readonly bias: number;
}

export const HALF: FpFormat = { N: 16, E: 5, F: 10, bias: 15 };
export const SINGLE: FpFormat = { N: 32, E: 8, F: 23, bias: 127 };
export const DOUBLE: FpFormat = { N: 64, E: 11, F: 52, bias: 1023 };

export const enum FpType {
  Zero,
  Nonzero,
  Infinity,
  QNaN,
  SNaN,
}

/** FPUnpack's result. For Nonzero, |value| = mant · 2^exp exactly (mant > 0). */
export interface Unpacked {
  type: FpType;
  sign: number;
  mant: bigint;
  exp: number;
}

const ONE = 1n;

function expMax(fmt: FpFormat): number {
  return (1 << fmt.E) - 1;
}

export function bitLength(x: bigint): number {
  // x > 0. toString(2) is exact and, for the sizes here (at most a few thousand bits), cheap enough.
  return x.toString(2).length;
}

/** FPUnpack (A2.5, pseudocode): classifies, flushes input denormals when FPSCR.FZ (not for half). */
export function unpack(fmt: FpFormat, bits: bigint, env: FpEnv): Unpacked {
  const sign = Number((bits >> BigInt(fmt.N - 1)) & ONE);
  const expField = Number((bits >> BigInt(fmt.F)) & BigInt(expMax(fmt)));
  const frac = bits & ((ONE << BigInt(fmt.F)) - ONE);
  if (expField === 0) {
    if (frac === 0n) return { type: FpType.Zero, sign, mant: 0n, exp: 0 };
    if (fmt.N !== 16 && (env.fpscr & FPSCR_FZ) !== 0) {
      env.fpscr = (env.fpscr | FPSCR_IDC) >>> 0;
      return { type: FpType.Zero, sign, mant: 0n, exp: 0 };
    }
    return { type: FpType.Nonzero, sign, mant: frac, exp: 1 - fmt.bias - fmt.F };
  }
  if (expField === expMax(fmt) && !(fmt.N === 16 && (env.fpscr & FPSCR_AHP) !== 0)) {
    if (frac === 0n) return { type: FpType.Infinity, sign, mant: 0n, exp: 0 };
    const quiet = (frac >> BigInt(fmt.F - 1)) & ONE;
    return { type: quiet ? FpType.QNaN : FpType.SNaN, sign, mant: 0n, exp: 0 };
  }
  return { type: FpType.Nonzero, sign, mant: frac | (ONE << BigInt(fmt.F)), exp: expField - fmt.bias - fmt.F };
}

export function fpZero(fmt: FpFormat, sign: number): bigint {
  return BigInt(sign) << BigInt(fmt.N - 1);
}

export function fpInfinity(fmt: FpFormat, sign: number): bigint {
  return fpZero(fmt, sign) | (BigInt(expMax(fmt)) << BigInt(fmt.F));
}

export function fpMaxNormal(fmt: FpFormat, sign: number): bigint {
  return fpZero(fmt, sign) | (BigInt(expMax(fmt) - 1) << BigInt(fmt.F)) | ((ONE << BigInt(fmt.F)) - ONE);
}

/** FPDefaultNaN: positive, quiet, zero payload. */
export function fpDefaultNaN(fmt: FpFormat): bigint {
  return (BigInt(expMax(fmt)) << BigInt(fmt.F)) | (ONE << BigInt(fmt.F - 1));
}

export function isNaNType(t: FpType): boolean {
  return t === FpType.QNaN || t === FpType.SNaN;
}

/** FPProcessNaN: quiets a signalling NaN (raising IOC); FPSCR.DN replaces it by the default NaN. */
export function processNaN(fmt: FpFormat, type: FpType, bits: bigint, env: FpEnv): bigint {
  let result = bits;
  if (type === FpType.SNaN) {
    result |= ONE << BigInt(fmt.F - 1);
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
  }
  if ((env.fpscr & FPSCR_DN) !== 0) result = fpDefaultNaN(fmt);
  return result;
}

/**
 * FPProcessNaNs / FPProcessNaNs3: signalling NaNs first, in operand order, then quiet NaNs in operand
 * order. Returns null when no operand is a NaN.
 */
export function processNaNs(fmt: FpFormat, env: FpEnv, ops: readonly Unpacked[], bits: readonly bigint[]): bigint | null {
  for (let i = 0; i < ops.length; i++) if (ops[i].type === FpType.SNaN) return processNaN(fmt, FpType.SNaN, bits[i], env);
  for (let i = 0; i < ops.length; i++) if (ops[i].type === FpType.QNaN) return processNaN(fmt, FpType.QNaN, bits[i], env);
  return null;
}

/**
 * FPRound: rounds the exact nonzero value (-1)^sign · (mant + δ) · 2^exp, where δ = 0 when !sticky and
 * 0 < δ < 1 when sticky, to the format. With sticky, mant must carry at least two bits below the
 * result's last place. Handles flush-to-zero of tiny results (UFC, no IXC), underflow detected before
 * rounding and only when inexact, overflow (OFC + IXC, infinity or the largest normal by rounding
 * mode) and alternative half precision (no infinities: saturate and raise IOC).
 */
export function round(fmt: FpFormat, env: FpEnv, sign: number, mant: bigint, exp: number, sticky: boolean, rmode: Rounding): bigint {
  if (mant <= 0n) throw new Error('FPRound: value must be nonzero');
  const F = fmt.F;
  const e = exp + bitLength(mant) - 1; // exponent of the leading one
  const minExp = 1 - fmt.bias;
  if ((env.fpscr & FPSCR_FZ) !== 0 && fmt.N !== 16 && e < minExp) {
    env.fpscr = (env.fpscr | FPSCR_UFC) >>> 0;
    return fpZero(fmt, sign);
  }
  let biasedExp = Math.max(e - minExp + 1, 0);
  const ulpExp = biasedExp > 0 ? e - F : minExp - F;
  const shift = ulpExp - exp;
  let intMant: bigint;
  let inexact: boolean;
  let aboveHalf: boolean;
  let exactlyHalf: boolean;
  if (shift <= 0) {
    if (sticky) throw new Error('FPRound: too few guard bits for a sticky value');
    intMant = mant << BigInt(-shift);
    inexact = aboveHalf = exactlyHalf = false;
  } else {
    const s = BigInt(shift);
    intMant = mant >> s;
    const rem = mant & ((ONE << s) - ONE);
    const half = ONE << (s - ONE);
    if (sticky && shift < 2) throw new Error('FPRound: too few guard bits for a sticky value');
    inexact = rem !== 0n || sticky;
    aboveHalf = rem > half || (rem === half && sticky);
    exactlyHalf = rem === half && !sticky;
  }
  if (biasedExp === 0 && inexact) env.fpscr = (env.fpscr | FPSCR_UFC) >>> 0;
  let roundUp: boolean;
  let overflowToInf: boolean;
  switch (rmode) {
    case Rounding.TieEven:
      roundUp = aboveHalf || (exactlyHalf && (intMant & ONE) === ONE);
      overflowToInf = true;
      break;
    case Rounding.TieAway:
      roundUp = aboveHalf || exactlyHalf;
      overflowToInf = true;
      break;
    case Rounding.PlusInf:
      roundUp = inexact && sign === 0;
      overflowToInf = sign === 0;
      break;
    case Rounding.MinusInf:
      roundUp = inexact && sign === 1;
      overflowToInf = sign === 1;
      break;
    default:
      roundUp = false;
      overflowToInf = false;
  }
  if (roundUp) {
    intMant += ONE;
    if (intMant === ONE << BigInt(F)) biasedExp = 1; // rounded up from subnormal to normal
    if (intMant === ONE << BigInt(F + 1)) {
      biasedExp += 1;
      intMant >>= ONE;
    }
  }
  let result: bigint;
  if (fmt.N !== 16 || (env.fpscr & FPSCR_AHP) === 0) {
    if (biasedExp >= expMax(fmt)) {
      result = overflowToInf ? fpInfinity(fmt, sign) : fpMaxNormal(fmt, sign);
      env.fpscr = (env.fpscr | FPSCR_OFC) >>> 0;
      inexact = true;
    } else {
      result = fpZero(fmt, sign) | (BigInt(biasedExp) << BigInt(F)) | (intMant & ((ONE << BigInt(F)) - ONE));
    }
  } else if (biasedExp >= 1 << fmt.E) {
    result = fpZero(fmt, sign) | ((ONE << BigInt(fmt.N - 1)) - ONE);
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    inexact = false;
  } else {
    result = fpZero(fmt, sign) | (BigInt(biasedExp) << BigInt(F)) | (intMant & ((ONE << BigInt(F)) - ONE));
  }
  if (inexact) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
  return result;
}

/** Rounds a signed exact value mant·2^exp (mant ≠ 0) with the FPSCR rounding mode. */
function roundSigned(fmt: FpFormat, env: FpEnv, mant: bigint, exp: number, sticky: boolean): bigint {
  const sign = mant < 0n ? 1 : 0;
  return round(fmt, env, sign, sign ? -mant : mant, exp, sticky, rmodeOf(env.fpscr));
}

/** A signed exact significand for an unpacked finite value. */
function signedMant(u: Unpacked): bigint {
  return u.sign ? -u.mant : u.mant;
}

/** Exact sum of two signed values a·2^ea + b·2^eb as a signed significand at the smaller exponent. */
function exactSum(a: bigint, ea: number, b: bigint, eb: number): [bigint, number] {
  if (a === 0n) return [b, eb];
  if (b === 0n) return [a, ea];
  const e = Math.min(ea, eb);
  return [(a << BigInt(ea - e)) + (b << BigInt(eb - e)), e];
}

function zeroResultSign(env: FpEnv): number {
  // Exact zero from cancellation: +0, or -0 when rounding toward minus infinity (FPAdd pseudocode).
  return rmodeOf(env.fpscr) === Rounding.MinusInf ? 1 : 0;
}

/** FPAdd, or FPSub when `negate2` (op2's sign is flipped for the arithmetic, not for NaN propagation). */
export function add(fmt: FpFormat, env: FpEnv, op1: bigint, op2: bigint, negate2 = false): bigint {
  const u1 = unpack(fmt, op1, env);
  const u2 = unpack(fmt, op2, env);
  const nan = processNaNs(fmt, env, [u1, u2], [op1, op2]);
  if (nan !== null) return nan;
  const s1 = u1.sign;
  const s2 = negate2 ? u2.sign ^ 1 : u2.sign;
  const inf1 = u1.type === FpType.Infinity;
  const inf2 = u2.type === FpType.Infinity;
  if (inf1 && inf2 && s1 !== s2) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return fpDefaultNaN(fmt);
  }
  if ((inf1 && s1 === 0) || (inf2 && s2 === 0)) return fpInfinity(fmt, 0);
  if (inf1 || inf2) return fpInfinity(fmt, 1);
  const zero1 = u1.type === FpType.Zero;
  const zero2 = u2.type === FpType.Zero;
  if (zero1 && zero2 && s1 === s2) return fpZero(fmt, s1);
  const [m, e] = exactSum(s1 ? -u1.mant : u1.mant, u1.exp, s2 ? -u2.mant : u2.mant, u2.exp);
  if (m === 0n) return fpZero(fmt, zeroResultSign(env));
  return roundSigned(fmt, env, m, e, false);
}

export function sub(fmt: FpFormat, env: FpEnv, op1: bigint, op2: bigint): bigint {
  return add(fmt, env, op1, op2, true);
}

/** FPMul. */
export function mul(fmt: FpFormat, env: FpEnv, op1: bigint, op2: bigint): bigint {
  const u1 = unpack(fmt, op1, env);
  const u2 = unpack(fmt, op2, env);
  const nan = processNaNs(fmt, env, [u1, u2], [op1, op2]);
  if (nan !== null) return nan;
  const sign = u1.sign ^ u2.sign;
  const inf1 = u1.type === FpType.Infinity;
  const inf2 = u2.type === FpType.Infinity;
  const zero1 = u1.type === FpType.Zero;
  const zero2 = u2.type === FpType.Zero;
  if ((inf1 && zero2) || (zero1 && inf2)) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return fpDefaultNaN(fmt);
  }
  if (inf1 || inf2) return fpInfinity(fmt, sign);
  if (zero1 || zero2) return fpZero(fmt, sign);
  return round(fmt, env, sign, u1.mant * u2.mant, u1.exp + u2.exp, false, rmodeOf(env.fpscr));
}

/** FPDiv. */
export function div(fmt: FpFormat, env: FpEnv, op1: bigint, op2: bigint): bigint {
  const u1 = unpack(fmt, op1, env);
  const u2 = unpack(fmt, op2, env);
  const nan = processNaNs(fmt, env, [u1, u2], [op1, op2]);
  if (nan !== null) return nan;
  const sign = u1.sign ^ u2.sign;
  const inf1 = u1.type === FpType.Infinity;
  const inf2 = u2.type === FpType.Infinity;
  const zero1 = u1.type === FpType.Zero;
  const zero2 = u2.type === FpType.Zero;
  if ((inf1 && inf2) || (zero1 && zero2)) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return fpDefaultNaN(fmt);
  }
  if (inf1 || zero2) {
    if (!inf1) env.fpscr = (env.fpscr | FPSCR_DZC) >>> 0;
    return fpInfinity(fmt, sign);
  }
  if (zero1 || inf2) return fpZero(fmt, sign);
  // Quotient with at least F + 4 significant bits; the remainder becomes the sticky bit.
  const k = Math.max(0, fmt.F + 4 + bitLength(u2.mant) - bitLength(u1.mant));
  const num = u1.mant << BigInt(k);
  const q = num / u2.mant;
  const sticky = q * u2.mant !== num;
  return round(fmt, env, sign, q, u1.exp - u2.exp - k, sticky, rmodeOf(env.fpscr));
}

/** Integer square root (floor) of n ≥ 0 by Newton's method. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = ONE << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> ONE;
    if (y >= x) return x;
    x = y;
  }
}

/** FPSqrt. */
export function sqrt(fmt: FpFormat, env: FpEnv, op: bigint): bigint {
  const u = unpack(fmt, op, env);
  if (isNaNType(u.type)) return processNaN(fmt, u.type, op, env);
  if (u.type === FpType.Zero) return fpZero(fmt, u.sign);
  if (u.type === FpType.Infinity && u.sign === 0) return fpInfinity(fmt, 0);
  if (u.sign === 1) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return fpDefaultNaN(fmt);
  }
  // value = mant·2^exp; scale mant by an even power of two so the root has at least F + 4 bits.
  let shift = Math.max(0, 2 * (fmt.F + 4) - bitLength(u.mant) + 2);
  if (((u.exp - shift) & 1) !== 0) shift += 1;
  const scaled = u.mant << BigInt(shift);
  const r = isqrt(scaled);
  return round(fmt, env, 0, r, (u.exp - shift) / 2, r * r !== scaled, rmodeOf(env.fpscr));
}

/**
 * FPMulAdd: addend + op1·op2 with a single rounding. The Arm NaN rule: a quiet-NaN addend with an
 * invalid product (0 × ∞) gives the default NaN and raises IOC.
 */
export function mulAdd(fmt: FpFormat, env: FpEnv, addend: bigint, op1: bigint, op2: bigint): bigint {
  const uA = unpack(fmt, addend, env);
  const u1 = unpack(fmt, op1, env);
  const u2 = unpack(fmt, op2, env);
  const inf1 = u1.type === FpType.Infinity;
  const inf2 = u2.type === FpType.Infinity;
  const zero1 = u1.type === FpType.Zero;
  const zero2 = u2.type === FpType.Zero;
  const invalidProduct = (inf1 && zero2) || (zero1 && inf2);
  const nan = processNaNs(fmt, env, [uA, u1, u2], [addend, op1, op2]);
  if (uA.type === FpType.QNaN && invalidProduct) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return fpDefaultNaN(fmt);
  }
  if (nan !== null) return nan;
  const infA = uA.type === FpType.Infinity;
  const zeroA = uA.type === FpType.Zero;
  const signP = u1.sign ^ u2.sign;
  const infP = inf1 || inf2;
  const zeroP = zero1 || zero2;
  if (invalidProduct || (infA && infP && uA.sign !== signP)) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return fpDefaultNaN(fmt);
  }
  if ((infA && uA.sign === 0) || (infP && signP === 0)) return fpInfinity(fmt, 0);
  if (infA || infP) return fpInfinity(fmt, 1);
  if (zeroA && zeroP && uA.sign === signP) return fpZero(fmt, uA.sign);
  const product = zeroP ? 0n : u1.mant * u2.mant;
  const [m, e] = exactSum(signedMant(uA), uA.exp, signP ? -product : product, u1.exp + u2.exp);
  if (m === 0n) return fpZero(fmt, zeroResultSign(env));
  return roundSigned(fmt, env, m, e, false);
}

/** FPNeg / FPAbs: sign-bit operations, no exceptions, NaNs untouched. */
export function neg(fmt: FpFormat, bits: bigint): bigint {
  return bits ^ (ONE << BigInt(fmt.N - 1));
}

export function abs(fmt: FpFormat, bits: bigint): bigint {
  return bits & ((ONE << BigInt(fmt.N - 1)) - ONE);
}

/**
 * FPCompare: returns NZCV (N in bit 3). Unordered gives 0011; IOC on a signalling NaN, or on any NaN
 * when `quietNaNExc` (VCMPE).
 */
export function compare(fmt: FpFormat, env: FpEnv, op1: bigint, op2: bigint, quietNaNExc: boolean): number {
  const u1 = unpack(fmt, op1, env);
  const u2 = unpack(fmt, op2, env);
  if (isNaNType(u1.type) || isNaNType(u2.type)) {
    if (u1.type === FpType.SNaN || u2.type === FpType.SNaN || quietNaNExc) env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return 0b0011;
  }
  const c = compareValues(u1, u2);
  return c === 0 ? 0b0110 : c < 0 ? 0b1000 : 0b0010;
}

/** Orders two non-NaN unpacked values: -1, 0 or 1. Zeros of either sign are equal. */
function compareValues(a: Unpacked, b: Unpacked): number {
  const ka = keyOf(a);
  const kb = keyOf(b);
  if (ka.rank !== kb.rank) return ka.rank < kb.rank ? -1 : 1;
  if (ka.rank !== 0) return 0; // both the same infinity
  const [m, e] = exactSum(signedMant(a), a.exp, -signedMant(b), b.exp);
  void e;
  return m === 0n ? 0 : m < 0n ? -1 : 1;
}

function keyOf(u: Unpacked): { rank: number } {
  if (u.type === FpType.Infinity) return { rank: u.sign ? -1 : 1 };
  return { rank: 0 };
}

/**
 * FPMaxNum / FPMinNum (IEEE 754-2008 maxNum/minNum, as FPv5 VMAXNM/VMINNM use them): a single quiet
 * NaN loses to a number; otherwise FPMax/FPMin with NaN processing. max(+0, -0) = +0, min = -0.
 */
export function maxMinNum(fmt: FpFormat, env: FpEnv, op1: bigint, op2: bigint, isMax: boolean): bigint {
  const t1 = unpack(fmt, op1, env).type;
  const t2 = unpack(fmt, op2, env).type;
  const loser = fpInfinity(fmt, isMax ? 1 : 0);
  if (t1 === FpType.QNaN && t2 !== FpType.QNaN) op1 = loser;
  else if (t1 !== FpType.QNaN && t2 === FpType.QNaN) op2 = loser;
  const u1 = unpack(fmt, op1, env);
  const u2 = unpack(fmt, op2, env);
  const nan = processNaNs(fmt, env, [u1, u2], [op1, op2]);
  if (nan !== null) return nan;
  const c = compareValues(u1, u2);
  const first = isMax ? c > 0 : c < 0;
  const pick = first ? u1 : u2;
  if (pick.type === FpType.Infinity) return fpInfinity(fmt, pick.sign);
  // FPMax/FPMin: a zero result takes the most positive (max: AND) or most negative (min: OR) sign.
  if (pick.type === FpType.Zero) return fpZero(fmt, isMax ? u1.sign & u2.sign : u1.sign | u2.sign);
  return round(fmt, env, pick.sign, pick.mant, pick.exp, false, rmodeOf(env.fpscr));
}

/**
 * FPToFixed: value · 2^fracBits rounded to an integer with `rmode`, saturated to `width` bits (16 or 32)
 * signed or unsigned. NaN gives 0 and IOC; saturation raises IOC (and then not IXC); otherwise an
 * inexact conversion raises IXC. Returns the integer as a JS number (not yet extended to 32 bits).
 */
export function toFixed(fmt: FpFormat, env: FpEnv, op: bigint, width: number, fracBits: number, unsigned: boolean, rmode: Rounding): number {
  const u = unpack(fmt, op, env);
  const max = unsigned ? 2 ** width - 1 : 2 ** (width - 1) - 1;
  const min = unsigned ? 0 : -(2 ** (width - 1));
  if (isNaNType(u.type)) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return 0;
  }
  if (u.type === FpType.Zero) return 0;
  if (u.type === FpType.Infinity) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return u.sign ? min : max;
  }
  const n = signedMant(u);
  const e = u.exp + fracBits;
  let int: bigint;
  let err: bigint; // error · 2^k, with 0 ≤ error < 1
  let half: bigint;
  if (e >= 0) {
    int = n << BigInt(e);
    err = 0n;
    half = 1n;
  } else {
    const k = BigInt(-e);
    int = n >> k; // BigInt >> rounds toward minus infinity: RoundDown
    err = n - (int << k);
    half = ONE << (k - ONE);
  }
  if (roundsUp(rmode, int, err, half)) int += ONE;
  if (int > BigInt(max) || int < BigInt(min)) {
    env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return int > 0n ? max : min;
  }
  if (err !== 0n) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
  return Number(int);
}

/**
 * Whether a value `int + err/2^k` (int rounded toward minus infinity, 0 <= err < 2^k, half = 2^(k-1))
 * rounds up to `int + 1` in `rmode` (the rounding step shared by FPToFixed and FPRoundInt).
 */
function roundsUp(rmode: Rounding, int: bigint, err: bigint, half: bigint): boolean {
  switch (rmode) {
    case Rounding.TieEven:
      return err > half || (err === half && (int & ONE) === ONE);
    case Rounding.TieAway:
      return err > half || (err === half && int >= 0n);
    case Rounding.PlusInf:
      return err !== 0n;
    case Rounding.MinusInf:
      return false;
    default:
      return err !== 0n && int < 0n;
  }
}

/**
 * FixedToFP: the `width`-bit integer `operand` (signed or unsigned) divided by 2^fracBits, rounded with
 * `rmode`. Zero gives +0.
 */
export function fromFixed(fmt: FpFormat, env: FpEnv, operand: number, width: number, fracBits: number, unsigned: boolean, rmode: Rounding): bigint {
  let v = BigInt.asUintN(width, BigInt(operand));
  if (!unsigned) v = BigInt.asIntN(width, v);
  if (v === 0n) return fpZero(fmt, 0);
  const sign = v < 0n ? 1 : 0;
  return round(fmt, env, sign, sign ? -v : v, -fracBits, false, rmode);
}

/**
 * FPRoundInt: rounds to an integral value in the same format with `rmode`; IXC only when `exact`
 * (VRINTX). NaNs are processed; infinities and zeros are returned unchanged.
 */
export function roundInt(fmt: FpFormat, env: FpEnv, op: bigint, rmode: Rounding, exact: boolean): bigint {
  const u = unpack(fmt, op, env);
  if (isNaNType(u.type)) return processNaN(fmt, u.type, op, env);
  if (u.type === FpType.Infinity) return fpInfinity(fmt, u.sign);
  if (u.type === FpType.Zero) return fpZero(fmt, u.sign);
  if (u.exp >= 0) return op; // already integral
  const n = signedMant(u);
  const k = BigInt(-u.exp);
  let int = n >> k;
  const err = n - (int << k);
  const half = ONE << (k - ONE);
  if (roundsUp(rmode, int, err, half)) int += ONE;
  let result: bigint;
  if (int === 0n) result = fpZero(fmt, u.sign);
  else {
    const s = int < 0n ? 1 : 0;
    result = round(fmt, env, s, s ? -int : int, 0, false, Rounding.TieEven); // exact: an integer of ≤ F+1 bits
  }
  if (err !== 0n && exact) env.fpscr = (env.fpscr | FPSCR_IXC) >>> 0;
  return result;
}

/**
 * FPConvert between half, single and double (FPHalfToSingle, FPSingleToDouble, FPDoubleToSingle,
 * FPSingleToHalf …). NaNs keep their sign and top payload bits, are quieted (IOC if signalling) and
 * obey DN; conversions to half with FPSCR.AHP turn NaNs into zero and infinities into the largest value,
 * raising IOC.
 */
export function convert(from: FpFormat, to: FpFormat, env: FpEnv, op: bigint): bigint {
  const u = unpack(from, op, env);
  const ahp = (env.fpscr & FPSCR_AHP) !== 0;
  if (isNaNType(u.type)) {
    let result: bigint;
    if (to.N === 16 && ahp) result = fpZero(to, u.sign);
    else if ((env.fpscr & FPSCR_DN) !== 0) result = fpDefaultNaN(to);
    else {
      // sign : ones(E) : '1' : the top (F_to - 1) payload bits below the quiet bit.
      const payloadBits = Math.min(from.F, to.F) - 1;
      const payload = (op >> BigInt(from.F - 1 - payloadBits)) & ((ONE << BigInt(payloadBits)) - ONE);
      result = fpInfinity(to, u.sign) | (ONE << BigInt(to.F - 1)) | (payload << BigInt(to.F - 1 - payloadBits));
    }
    if (u.type === FpType.SNaN || (to.N === 16 && ahp)) env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
    return result;
  }
  if (u.type === FpType.Infinity) {
    if (to.N === 16 && ahp) {
      env.fpscr = (env.fpscr | FPSCR_IOC) >>> 0;
      return fpZero(to, u.sign) | ((ONE << BigInt(to.N - 1)) - ONE);
    }
    return fpInfinity(to, u.sign);
  }
  if (u.type === FpType.Zero) return fpZero(to, u.sign);
  return round(to, env, u.sign, u.mant, u.exp, false, rmodeOf(env.fpscr));
}
