/**
 * An independent reference for the FPU tests: IEEE rounding of an exact rational number, written from
 * the IEEE 754 definition (pick the representable neighbours of the exact value, then choose by
 * rounding mode), sharing no code with src/fpu. Values are sign · num / den with BigInt num, den.
 */

export interface RefFormat {
  E: number;
  F: number;
}

export const REF_SINGLE: RefFormat = { E: 8, F: 23 };
export const REF_DOUBLE: RefFormat = { E: 11, F: 52 };
export const REF_HALF: RefFormat = { E: 5, F: 10 };

export type RefMode = 'rn' | 'rp' | 'rm' | 'rz';

/** An exact rational value. */
export interface Rational {
  num: bigint; // signed
  den: bigint; // > 0
}

/** Decodes finite bits of the format into an exact rational. */
export function ratOf(bits: bigint, fmt: RefFormat): Rational {
  const F = BigInt(fmt.F);
  const sign = (bits >> BigInt(fmt.E + fmt.F)) & 1n;
  const e = Number((bits >> F) & ((1n << BigInt(fmt.E)) - 1n));
  const f = bits & ((1n << F) - 1n);
  if (e === (1 << fmt.E) - 1) throw new Error('ratOf: not finite');
  const bias = (1 << (fmt.E - 1)) - 1;
  const mant = e === 0 ? f : f | (1n << F);
  const scale = (e === 0 ? 1 : e) - bias - fmt.F; // value = mant · 2^scale
  let num = mant;
  let den = 1n;
  if (scale >= 0) num <<= BigInt(scale);
  else den <<= BigInt(-scale);
  return { num: sign ? -num : num, den };
}

export function ratAdd(a: Rational, b: Rational): Rational {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

export function ratMul(a: Rational, b: Rational): Rational {
  return { num: a.num * b.num, den: a.den * b.den };
}

export function ratDiv(a: Rational, b: Rational): Rational {
  const num = a.num * b.den;
  const den = a.den * b.num;
  return den < 0n ? { num: -num, den: -den } : { num, den };
}

/**
 * Rounds a nonzero rational to the format. Returns the bits and whether it was inexact.
 * Method: with quantum q (the spacing of representable numbers near |v|), |v| / 2^q = n + r/den'
 * with integer n; the candidates are n and n + 1 quanta, and a format's bits are simply
 * (q - qmin) · 2^F + n for the quantum q ≥ qmin (normal numbers) or qmin (subnormals).
 */
export function roundRat(v: Rational, fmt: RefFormat, mode: RefMode): { bits: bigint; inexact: boolean } {
  if (v.num === 0n) throw new Error('roundRat: zero');
  const neg = v.num < 0n;
  const num = neg ? -v.num : v.num;
  const den = v.den;
  const bias = (1 << (fmt.E - 1)) - 1;
  const emin = 1 - bias;
  // e = floor(log2(num/den))
  let e = num.toString(2).length - den.toString(2).length;
  const ge = (k: number) => (k >= 0 ? num >= den << BigInt(k) : num << BigInt(-k) >= den); // |v| ≥ 2^k
  while (!ge(e)) e--;
  while (ge(e + 1)) e++;
  const q = Math.max(e, emin) - fmt.F;
  // n = floor(|v| / 2^q), rem/den2 the fraction
  let scaledNum = num;
  let scaledDen = den;
  if (q >= 0) scaledDen <<= BigInt(q);
  else scaledNum <<= BigInt(-q);
  let n = scaledNum / scaledDen;
  const rem = scaledNum - n * scaledDen;
  const inexact = rem !== 0n;
  let up = false;
  if (inexact) {
    if (mode === 'rn') up = 2n * rem > scaledDen || (2n * rem === scaledDen && (n & 1n) === 1n);
    else if (mode === 'rp') up = !neg;
    else if (mode === 'rm') up = neg;
  }
  if (up) n += 1n;
  const qmin = emin - fmt.F;
  let bits = (BigInt(q - qmin) << BigInt(fmt.F)) + n;
  const infBits = ((1n << BigInt(fmt.E)) - 1n) << BigInt(fmt.F);
  if (bits >= infBits) {
    const toInf = mode === 'rn' || (mode === 'rp' && !neg) || (mode === 'rm' && neg);
    bits = toInf ? infBits : infBits - 1n;
  }
  if (neg) bits |= 1n << BigInt(fmt.E + fmt.F);
  return { bits, inexact };
}

/** A deterministic pseudo-random generator (xorshift32), so failures reproduce. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
