import { describe, expect, it } from 'vitest';
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
} from '../src/fpu/fpscr.js';
import * as s32 from '../src/fpu/single.js';
import * as d64 from '../src/fpu/double.js';
import * as sf from '../src/fpu/softfloat.js';
import { REF_DOUBLE, REF_SINGLE, ratAdd, ratDiv, ratMul, ratOf, rng, roundRat, type Rational, type RefMode } from './fpu-reference.js';

const RN = 0 << 22;
const RP = 1 << 22;
const RM = 2 << 22;
const RZ = 3 << 22;
const MODES: [number, RefMode][] = [
  [RN, 'rn'],
  [RP, 'rp'],
  [RM, 'rm'],
  [RZ, 'rz'],
];

/** Bits of a single from a JS number (exactly representable values only). */
function fb(x: number): number {
  const u = new Uint32Array(new Float32Array([x]).buffer);
  return u[0];
}

function env(fpscr = 0) {
  return { fpscr };
}

/** Runs a double op (which leaves its result in res64) and returns the 64 bits. */
function dres(): bigint {
  return (BigInt(d64.res64[1]) << 32n) | BigInt(d64.res64[0]);
}

function dparts(x: bigint): [number, number] {
  return [Number(x & 0xffffffffn), Number(x >> 32n)];
}

function dbits(x: number): bigint {
  return new BigUint64Array(new Float64Array([x]).buffer)[0];
}

/** Random single bits biased toward interesting exponents (tiny, normal, near overflow), no NaN/Inf. */
function randomSingle(next: () => number): number {
  const r = next();
  const sign = r & 0x80000000;
  const pick = next() % 8;
  let exp: number;
  if (pick === 0) exp = 0; // subnormal or zero
  else if (pick === 1) exp = 1 + (next() % 4);
  else if (pick === 2) exp = 250 + (next() % 5);
  else exp = 100 + (next() % 56);
  const frac = pick === 7 ? next() & 0x7 : next() & 0x7fffff; // sometimes short significands
  return (sign | (exp << 23) | frac) >>> 0;
}

function randomDouble(next: () => number): bigint {
  const hiR = next();
  const pick = next() % 8;
  let exp: number;
  if (pick === 0) exp = 0;
  else if (pick === 1) exp = 1 + (next() % 4);
  else if (pick === 2) exp = 2040 + (next() % 6);
  else exp = 900 + (next() % 250);
  const hi = ((hiR & 0x80000000) | (exp << 20) | (next() & 0xfffff)) >>> 0;
  const lo = pick === 7 ? next() & 0xf : next();
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

const F32_EXP_ALL = 0xff;
function isZero32(b: number): boolean {
  return (b & 0x7fffffff) === 0;
}
function finite32(b: number): boolean {
  return ((b >>> 23) & 0xff) !== F32_EXP_ALL;
}

/**
 * Expected single result and flags from the rational reference, for finite nonzero exact results with no
 * flush-to-zero: IXC when inexact, UFC when tiny before rounding (|exact| < 2^-126) and inexact,
 * OFC + IXC on overflow.
 */
function expectFromRational(v: Rational, mode: RefMode): { bits: number; flags: number } {
  const { bits, inexact } = roundRat(v, REF_SINGLE, mode);
  let flags = inexact ? FPSCR_IXC : 0;
  const mag = v.num < 0n ? -v.num : v.num;
  if (inexact && mag * (1n << 126n) < v.den) flags |= FPSCR_UFC;
  const b = Number(bits);
  // Overflow: rounding with an unbounded exponent (here: one more exponent bit) exceeds the largest normal.
  const wide = roundRat(v, { E: REF_SINGLE.E + 1, F: REF_SINGLE.F }, mode);
  const wideVal = ratOf(wide.bits & ~(1n << 32n), { E: REF_SINGLE.E + 1, F: REF_SINGLE.F });
  const maxNormal = ratOf(0x7f7fffffn, REF_SINGLE);
  if (wideVal.num * maxNormal.den > maxNormal.num * wideVal.den) flags |= FPSCR_OFC | FPSCR_IXC;
  return { bits: b, flags };
}

describe('single precision against JavaScript natives (round to nearest)', () => {
  // Native double + - * / sqrt followed by Math.fround is an independent correctly rounded reference.
  const next = rng(0x5eed);
  const ops: [string, (e: { fpscr: number }, a: number, b: number) => number, (x: number, y: number) => number][] = [
    ['add', s32.add32, (x, y) => x + y],
    ['sub', s32.sub32, (x, y) => x - y],
    ['mul', s32.mul32, (x, y) => x * y],
    ['div', s32.div32, (x, y) => x / y],
  ];
  for (const [name, op, native] of ops) {
    it(`${name}.f32 matches Math.fround of the double result for 4000 operand pairs`, () => {
      for (let i = 0; i < 4000; i++) {
        const a = randomSingle(next);
        const b = randomSingle(next);
        const expected = fb(Math.fround(native(s32.fromBits32(a), s32.fromBits32(b))));
        const got = op(env(), a, b);
        if (Number.isNaN(s32.fromBits32(expected))) expect(got).toBe(0x7fc00000);
        else expect(got, `${name} ${a.toString(16)} ${b.toString(16)}`).toBe(expected);
      }
    });
  }
  it('sqrt.f32 matches Math.fround(Math.sqrt) for 4000 operands', () => {
    for (let i = 0; i < 4000; i++) {
      const a = randomSingle(next) & 0x7fffffff;
      expect(s32.sqrt32(env(), a)).toBe(fb(Math.fround(Math.sqrt(s32.fromBits32(a)))));
    }
  });
});

describe('single precision against the rational reference (all rounding modes, flags)', () => {
  const next = rng(0xfeed);
  const cases: [string, (e: { fpscr: number }, a: number, b: number) => number, (x: Rational, y: Rational) => Rational][] = [
    ['add', s32.add32, ratAdd],
    ['sub', s32.sub32, (x, y) => ratAdd(x, { num: -y.num, den: y.den })],
    ['mul', s32.mul32, ratMul],
    ['div', s32.div32, ratDiv],
  ];
  for (const [name, op, exactOp] of cases) {
    for (const [mode, refMode] of MODES) {
      it(`${name}.f32 in mode ${refMode}: result bits and IXC/UFC/OFC for 1500 pairs`, () => {
        for (let i = 0; i < 1500; i++) {
          const a = randomSingle(next);
          const b = randomSingle(next);
          if (name === 'div' && isZero32(b)) continue;
          const v = exactOp(ratOf(BigInt(a), REF_SINGLE), ratOf(BigInt(b), REF_SINGLE));
          if (v.num === 0n) continue; // exact zero: sign rules tested separately
          const e = env(mode);
          const got = op(e, a, b);
          const want = expectFromRational(v, refMode);
          expect(got, `${name} ${refMode} ${a.toString(16)} ${b.toString(16)}`).toBe(want.bits);
          expect(e.fpscr & 0x9f, `${name} ${refMode} flags ${a.toString(16)} ${b.toString(16)}`).toBe(want.flags);
        }
      });
    }
  }
});

describe('fused multiply-add: one rounding', () => {
  it('single: 0x3f800001 + 0x3f800001 · 0x337ffffe rounds once (double rounding would give 0x3f800002)', () => {
    // Hand computation: c = 1 + 2^-23, a = 1 + 2^-23, b = (1 - 2^-23)·2^-24, so
    // a·b = 2^-24 - 2^-70 and c + a·b = 1 + 2^-23 + 2^-24 - 2^-70: just below the midpoint 1 + 3·2^-24
    // between 0x3f800001 and 0x3f800002. Rounding once gives 0x3f800001. Rounding to double first lands
    // exactly on the midpoint, and ties-to-even then picks 0x3f800002.
    const e = env();
    expect(s32.mulAdd32(e, 0x3f800001, 0x3f800001, 0x337ffffe)).toBe(0x3f800001);
    expect(e.fpscr & 0x9f).toBe(FPSCR_IXC);
    expect(fb(Math.fround(1.00000011920928955 + s32.fromBits32(0x3f800001) * s32.fromBits32(0x337ffffe)))).toBe(0x3f800002);
  });

  it('single: the mirrored case just above a midpoint rounds up', () => {
    // c = 1, a = 1 + 2^-23, b = 2^-24·(1 + 2^-23)... gives 2^-24 + 2^-46 + 2^-70: clearly above 1 + 2^-24,
    // so the result is 1 + 2^-23 = 0x3f800001.
    expect(s32.mulAdd32(env(), 0x3f800000, 0x3f800001, 0x33800001)).toBe(0x3f800001);
  });

  it('double: (1 + 2^-27)(1 - 2^-27) - 1 = -2^-54 exactly (an unfused product rounds to 1 and gives 0)', () => {
    const a = dparts(dbits(1 + 2 ** -27));
    const b = dparts(dbits(1 - 2 ** -27));
    const c = dparts(dbits(-1));
    const e = env();
    d64.mulAddBits(e, c[0], c[1], a[0], a[1], b[0], b[1]);
    expect(dres()).toBe(dbits(-(2 ** -54)));
    expect(e.fpscr & 0x9f).toBe(0);
    expect((1 + 2 ** -27) * (1 - 2 ** -27) - 1).toBe(0);
  });

  for (const [mode, refMode] of MODES) {
    it(`single: 3000 random FMAs in mode ${refMode} match the rational reference`, () => {
      const next = rng(0xf3a + mode);
      for (let i = 0; i < 3000; i++) {
        const a = randomSingle(next);
        const b = randomSingle(next);
        // Addends near the product make cancellation and near-midpoint cases frequent.
        const p = ratMul(ratOf(BigInt(a), REF_SINGLE), ratOf(BigInt(b), REF_SINGLE));
        let c = randomSingle(next);
        if (i % 2 === 0 && p.num !== 0n) {
          const approx = Math.fround(Number(p.num) / Number(p.den));
          if (Number.isFinite(approx) && approx !== 0) c = (fb(-approx) + (next() % 5) - 2) >>> 0;
          if (!finite32(c)) c = randomSingle(next);
        }
        const v = ratAdd(ratOf(BigInt(c), REF_SINGLE), p);
        if (v.num === 0n) continue;
        const e = env(mode);
        const got = s32.mulAdd32(e, c, a, b);
        const want = expectFromRational(v, refMode);
        expect(got, `fma ${refMode} ${c.toString(16)} ${a.toString(16)} ${b.toString(16)}`).toBe(want.bits);
        expect(e.fpscr & 0x9f, `fma flags ${c.toString(16)} ${a.toString(16)} ${b.toString(16)}`).toBe(want.flags);
      }
    });

    it(`double: 600 random FMAs in mode ${refMode} match the rational reference`, () => {
      const next = rng(0xd0b + mode);
      for (let i = 0; i < 600; i++) {
        const a = randomDouble(next);
        const b = randomDouble(next);
        const p = ratMul(ratOf(a, REF_DOUBLE), ratOf(b, REF_DOUBLE));
        let c = randomDouble(next);
        if (i % 2 === 0 && p.num !== 0n) {
          const approx = Number(p.num) / Number(p.den);
          if (Number.isFinite(approx) && approx !== 0) c = dbits(-approx) + BigInt((next() % 5) - 2);
        }
        const v = ratAdd(ratOf(c, REF_DOUBLE), p);
        if (v.num === 0n) continue;
        const e = env(mode);
        const [cl, ch] = dparts(c);
        const [al, ah] = dparts(a);
        const [bl, bh] = dparts(b);
        d64.mulAddBits(e, cl, ch, al, ah, bl, bh);
        expect(dres(), `fma.f64 ${refMode} ${c.toString(16)} ${a.toString(16)} ${b.toString(16)}`).toBe(roundRat(v, REF_DOUBLE, refMode).bits);
      }
    });
  }
});

describe('double fused multiply-add without BigInt (mulAddFast)', () => {
  /** A double near 1 with `bits` random low mantissa bits, scaled by 2^scale, random sign. */
  const near = (next: () => number, bits: number, scale: number): number =>
    (next() & 1 ? -1 : 1) * (1 + (next() % 2 ** Math.min(bits, 30)) * 2 ** -Math.min(bits, 30)) * 2 ** scale;

  it('agrees with the rational reference on 20,000 FMAs built to land on and beside ties, and decides most', () => {
    const next = rng(0xfa57);
    let decided = 0;
    let checked = 0;
    for (let i = 0; i < 20_000; i++) {
      // Products of two 27-bit mantissas are exact in 54 bits: one bit past a double, so the addend can
      // put the sum exactly on a midpoint, or one unit of the product's last bit either side of it.
      const a = near(next, 27, (next() % 61) - 30);
      const b = near(next, 27, (next() % 61) - 30);
      const p = a * b;
      const pick = next() % 4;
      let c: number;
      if (pick === 0) c = -p * (1 + ((next() % 9) - 4) * 2 ** -52); // cancellation
      else if (pick === 1) c = near(next, 52, Math.floor(Math.log2(Math.abs(p))) - 53 + (next() % 3)); // half-ulp scale
      else if (pick === 2) c = (next() & 1 ? 1 : -1) * 2 ** (Math.floor(Math.log2(Math.abs(p))) - 53 - (next() % 2)); // exact half ulp
      else c = near(next, 52, (next() % 121) - 60);
      const [al, ah] = dparts(dbits(a));
      const [bl, bh] = dparts(dbits(b));
      const [cl, ch] = dparts(dbits(c));
      const v = ratAdd(ratOf(dbits(c), REF_DOUBLE), ratMul(ratOf(dbits(a), REF_DOUBLE), ratOf(dbits(b), REF_DOUBLE)));
      if (v.num === 0n) continue;
      checked++;
      const want = roundRat(v, REF_DOUBLE, 'rn');
      const e = env(RN);
      if (d64.mulAddFast(e, cl, ch, al, ah, bl, bh)) {
        decided++;
        const what = `fma ${a} * ${b} + ${c}`;
        expect(dres(), what).toBe(want.bits);
        expect((e.fpscr & FPSCR_IXC) !== 0, what).toBe(want.inexact);
      }
      // And through the entry point, fast or exact.
      const e2 = env(RN);
      d64.mulAddBits(e2, cl, ch, al, ah, bl, bh);
      expect(dres()).toBe(want.bits);
    }
    expect(checked).toBeGreaterThan(19_000);
    // Built to sit at rounding boundaries, still most are decided without BigInt.
    expect(decided / checked).toBeGreaterThan(0.7);
  });

  it('leaves a tie, zeros, other rounding modes and extreme exponents to the exact path', () => {
    // (1 + 2^-27)^2 = 1 + 2^-26 + 2^-54; + 2^-53 - 2^-54... a sum exactly halfway between two doubles:
    // 1 + 2^-26 + 2^-53 is the midpoint of 1 + 2^-26 and 1 + 2^-26 + 2^-52.
    const x = dparts(dbits(1 + 2 ** -27));
    const half = dparts(dbits(2 ** -54));
    expect(d64.mulAddFast(env(RN), half[0], half[1], x[0], x[1], x[0], x[1])).toBe(false);
    const one = dparts(dbits(1));
    const zero = dparts(dbits(0));
    expect(d64.mulAddFast(env(RN), zero[0], zero[1], one[0], one[1], one[0], one[1])).toBe(false);
    expect(d64.mulAddFast(env(RZ), one[0], one[1], one[0], one[1], one[0], one[1])).toBe(false);
    const huge = dparts(dbits(2 ** 600));
    expect(d64.mulAddFast(env(RN), one[0], one[1], huge[0], huge[1], one[0], one[1])).toBe(false);
    // The ordinary case is decided: 1 + 1·1 = 2 exactly, no IXC.
    const e = env(RN);
    expect(d64.mulAddFast(e, one[0], one[1], one[0], one[1], one[0], one[1])).toBe(true);
    expect(dres()).toBe(dbits(2));
    expect(e.fpscr & FPSCR_IXC).toBe(0);
  });
});

describe('double precision', () => {
  const next = rng(0xd00d);
  it('add, sub, mul, div, sqrt match native doubles in round-to-nearest, with exact IXC (3000 pairs each)', () => {
    for (let i = 0; i < 3000; i++) {
      const a = randomDouble(next);
      const b = randomDouble(next);
      const [al, ah] = dparts(a);
      const [bl, bh] = dparts(b);
      const x = new Float64Array(new BigUint64Array([a]).buffer)[0];
      const y = new Float64Array(new BigUint64Array([b]).buffer)[0];
      const ra = ratOf(a, REF_DOUBLE);
      const rb = ratOf(b, REF_DOUBLE);
      const check = (name: string, run: (e: { fpscr: number }) => void, native: number, exact: Rational | null) => {
        const e = env();
        run(e);
        if (Number.isNaN(native)) expect(dres()).toBe(0x7ff8000000000000n);
        else expect(dres(), `${name} ${a.toString(16)} ${b.toString(16)}`).toBe(dbits(native));
        if (exact !== null && exact.num !== 0n && Number.isFinite(native)) {
          expect((e.fpscr & FPSCR_IXC) !== 0, `${name} IXC ${a.toString(16)} ${b.toString(16)}`).toBe(roundRat(exact, REF_DOUBLE, 'rn').inexact);
        }
      };
      check('add', (e) => d64.addBits(e, al, ah, bl, bh), x + y, ratAdd(ra, rb));
      check('sub', (e) => d64.addBits(e, al, ah, bl, bh, true), x - y, ratAdd(ra, { num: -rb.num, den: rb.den }));
      check('mul', (e) => d64.mulBits(e, al, ah, bl, bh), x * y, ratMul(ra, rb));
      if (y !== 0) check('div', (e) => d64.divBits(e, al, ah, bl, bh), x / y, ratDiv(ra, rb));
      const absA = a & 0x7fffffffffffffffn;
      const [pl, ph] = dparts(absA);
      const e = env();
      d64.sqrtBits(e, pl, ph);
      expect(dres()).toBe(dbits(Math.sqrt(Math.abs(x))));
    }
  });

  it('f32 → f64 is exact and f64 → f32 rounds with the FPSCR mode', () => {
    const e = env();
    d64.singleToDoubleBits(e, fb(1.5));
    expect(dres()).toBe(dbits(1.5));
    d64.singleToDoubleBits(e, 0x00000001); // 2^-149, a subnormal single, is a normal double
    expect(dres()).toBe(dbits(2 ** -149));
    expect(e.fpscr).toBe(0);
    const [l, h] = dparts(dbits(1 + 2 ** -24 + 2 ** -40)); // just above the midpoint of 1 and 1 + 2^-23
    expect(d64.doubleToSingle(e, l, h)).toBe(0x3f800001);
    expect(e.fpscr & 0x9f).toBe(FPSCR_IXC);
    const rz = env(RZ);
    expect(d64.doubleToSingle(rz, l, h)).toBe(0x3f800000);
    const [ml, mh] = dparts(dbits(1e300));
    const ov = env();
    expect(d64.doubleToSingle(ov, ml, mh)).toBe(0x7f800000);
    expect(ov.fpscr & 0x9f).toBe(FPSCR_OFC | FPSCR_IXC);
  });
});

describe('rounding modes', () => {
  // 1 + 2^-24 is the midpoint of 1 (0x3f800000) and 1 + 2^-23 (0x3f800001); 1 + 3·2^-25 lies above it.
  it('1 + 2^-24 (a tie) rounds to even in RN, up in RP, down in RM and RZ', () => {
    const one = 0x3f800000;
    const tiny = 0x33800000; // 2^-24
    expect(s32.add32(env(RN), one, tiny)).toBe(0x3f800000);
    expect(s32.add32(env(RP), one, tiny)).toBe(0x3f800001);
    expect(s32.add32(env(RM), one, tiny)).toBe(0x3f800000);
    expect(s32.add32(env(RZ), one, tiny)).toBe(0x3f800000);
    // Negative: -1 - 2^-24: RP and RZ go toward zero, RM away.
    const mone = 0xbf800000;
    const mtiny = 0xb3800000;
    expect(s32.add32(env(RP), mone, mtiny)).toBe(0xbf800000);
    expect(s32.add32(env(RM), mone, mtiny)).toBe(0xbf800001);
    expect(s32.add32(env(RZ), mone, mtiny)).toBe(0xbf800000);
  });

  it('x - x is +0 except in RM, where it is -0 (FPAdd exact-zero rule)', () => {
    const x = fb(3.25);
    expect(s32.sub32(env(RN), x, x)).toBe(0);
    expect(s32.sub32(env(RP), x, x)).toBe(0);
    expect(s32.sub32(env(RZ), x, x)).toBe(0);
    expect(s32.sub32(env(RM), x, x)).toBe(0x80000000);
    expect(s32.add32(env(RN), 0x80000000, 0x80000000)).toBe(0x80000000); // -0 + -0 = -0
    expect(s32.add32(env(RN), 0x80000000, 0)).toBe(0);
  });
});

describe('exception flags', () => {
  const MAX = 0x7f7fffff;
  it('overflow: MAX·2 gives +Inf in RN/RP and MAX in RZ/RM, with OFC and IXC', () => {
    const two = fb(2);
    for (const [mode, want] of [
      [RN, 0x7f800000],
      [RP, 0x7f800000],
      [RM, MAX],
      [RZ, MAX],
    ]) {
      const e = env(mode);
      expect(s32.mul32(e, MAX, two)).toBe(want);
      expect(e.fpscr & 0x9f).toBe(FPSCR_OFC | FPSCR_IXC);
    }
    const e = env(RM);
    expect(s32.mul32(e, MAX | 0x80000000, two)).toBe(0xff800000);
  });

  it('underflow is detected before rounding: (1 - 2^-24)·2^-126 rounds up to 2^-126 yet raises UFC', () => {
    // Exact product 2^-126 - 2^-150 is tiny; the subnormal ulp is 2^-149, so it is a tie between
    // 0x007fffff and 0x00800000, and ties-to-even gives 0x00800000 (the smallest normal).
    const e = env();
    expect(s32.mul32(e, 0x3f7fffff, 0x00800000)).toBe(0x00800000);
    expect(e.fpscr & 0x9f).toBe(FPSCR_UFC | FPSCR_IXC);
  });

  it('an exact subnormal result raises no UFC; 2^-150 rounds to zero with UFC and IXC', () => {
    const e = env();
    expect(s32.mul32(e, 0x00800000, fb(0.5))).toBe(0x00400000);
    expect(e.fpscr & 0x9f).toBe(0);
    const e2 = env();
    expect(s32.mul32(e2, 0x00000001, fb(0.5))).toBe(0);
    expect(e2.fpscr & 0x9f).toBe(FPSCR_UFC | FPSCR_IXC);
  });

  it('division by zero: 1/0 = +Inf with DZC, -1/+0 = -Inf; 0/0 and Inf/Inf are invalid', () => {
    const e = env();
    expect(s32.div32(e, fb(1), 0)).toBe(0x7f800000);
    expect(e.fpscr & 0x9f).toBe(FPSCR_DZC);
    expect(s32.div32(env(), fb(-1), 0)).toBe(0xff800000);
    const e2 = env();
    expect(s32.div32(e2, 0, 0)).toBe(0x7fc00000);
    expect(e2.fpscr & 0x9f).toBe(FPSCR_IOC);
    const e3 = env();
    expect(s32.div32(e3, 0x7f800000, 0xff800000)).toBe(0x7fc00000);
    expect(e3.fpscr & 0x9f).toBe(FPSCR_IOC);
    const e4 = env();
    expect(s32.div32(e4, 0x7f800000, 0)).toBe(0x7f800000); // Inf/0 = Inf, no DZC
    expect(e4.fpscr & 0x9f).toBe(0);
  });

  it('invalid: Inf - Inf, 0·Inf, sqrt(-1) give the default NaN and IOC; sqrt(-0) = -0', () => {
    for (const run of [
      (e: { fpscr: number }) => s32.sub32(e, 0x7f800000, 0x7f800000),
      (e: { fpscr: number }) => s32.mul32(e, 0, 0xff800000),
      (e: { fpscr: number }) => s32.sqrt32(e, fb(-1)),
    ]) {
      const e = env();
      expect(run(e)).toBe(0x7fc00000);
      expect(e.fpscr & 0x9f).toBe(FPSCR_IOC);
    }
    const e = env();
    expect(s32.sqrt32(e, 0x80000000)).toBe(0x80000000);
    expect(e.fpscr).toBe(0);
  });

  it('inexact only when the result is not exact', () => {
    const e = env();
    s32.div32(e, fb(1), fb(4));
    expect(e.fpscr).toBe(0);
    s32.div32(e, fb(1), fb(3));
    expect(e.fpscr).toBe(FPSCR_IXC);
    const e2 = env();
    s32.sqrt32(e2, fb(2.25));
    expect(e2.fpscr).toBe(0);
    s32.sqrt32(e2, fb(2));
    expect(e2.fpscr).toBe(FPSCR_IXC);
  });
});

describe('NaN propagation', () => {
  const SNAN = 0x7f800001;
  const QNAN1 = 0x7fc00011;
  const QNAN2 = 0xffc00022;
  it('a signalling NaN is quieted and raises IOC; it wins over a quiet NaN in either position', () => {
    const e = env();
    expect(s32.add32(e, QNAN1, SNAN)).toBe(0x7fc00001);
    expect(e.fpscr & 0x9f).toBe(FPSCR_IOC);
    expect(s32.mul32(env(), SNAN, QNAN1)).toBe(0x7fc00001);
  });
  it('with two quiet NaNs the first operand wins, no flags', () => {
    const e = env();
    expect(s32.add32(e, QNAN2, QNAN1)).toBe(QNAN2);
    expect(s32.div32(e, QNAN1, QNAN2)).toBe(QNAN1);
    expect(e.fpscr).toBe(0);
  });
  it('DN replaces any NaN result by the default NaN', () => {
    const e = env(FPSCR_DN);
    expect(s32.add32(e, QNAN2, fb(1))).toBe(0x7fc00000);
    expect(e.fpscr & 0x9f).toBe(0);
    expect(s32.add32(e, SNAN, fb(1))).toBe(0x7fc00000);
    expect(e.fpscr & 0x9f).toBe(FPSCR_IOC);
  });
  it('FMA: operand order addend, op1, op2 for NaN choice; qNaN addend with 0·Inf is invalid', () => {
    expect(s32.mulAdd32(env(), QNAN1, QNAN2, fb(1))).toBe(QNAN1);
    expect(s32.mulAdd32(env(), QNAN1, SNAN, fb(1))).toBe(0x7fc00001);
    const e = env();
    expect(s32.mulAdd32(e, QNAN1, 0, 0x7f800000)).toBe(0x7fc00000);
    expect(e.fpscr & 0x9f).toBe(FPSCR_IOC);
    const e2 = env();
    expect(s32.mulAdd32(e2, 0xff800000, 0x7f800000, fb(1))).toBe(0x7fc00000); // -Inf + Inf
    expect(e2.fpscr & 0x9f).toBe(FPSCR_IOC);
  });
  it('double NaNs keep their payload and get quieted', () => {
    const e = env();
    d64.addBits(e, 1, 0x7ff00000, 0, 0x3ff00000); // sNaN payload 1 + 1.0
    expect(dres()).toBe(0x7ff8000000000001n);
    expect(e.fpscr & 0x9f).toBe(FPSCR_IOC);
  });
});

describe('flush to zero', () => {
  it('a denormal input is treated as zero of its sign and raises IDC', () => {
    const e = env(FPSCR_FZ);
    expect(s32.add32(e, 0x00000001, fb(1))).toBe(fb(1));
    expect(e.fpscr & 0x9f).toBe(FPSCR_IDC);
    const e2 = env(FPSCR_FZ);
    expect(s32.mul32(e2, 0x80000005, fb(3))).toBe(0x80000000);
    expect(e2.fpscr & 0x9f).toBe(FPSCR_IDC);
  });
  it('a tiny result is flushed to a signed zero with UFC and without IXC', () => {
    const e = env(FPSCR_FZ);
    expect(s32.mul32(e, 0x00800000, fb(-0.5))).toBe(0x80000000);
    expect(e.fpscr & 0x9f).toBe(FPSCR_UFC);
    // Even a result that would round up to the smallest normal is flushed (tiny before rounding).
    const e2 = env(FPSCR_FZ);
    expect(s32.mul32(e2, 0x3f7fffff, 0x00800000)).toBe(0);
    expect(e2.fpscr & 0x9f).toBe(FPSCR_UFC);
  });
  it('double: FZ flushes denormal inputs too', () => {
    const e = env(FPSCR_FZ);
    d64.addBits(e, 1, 0, 0, 0x3ff00000);
    expect(dres()).toBe(dbits(1));
    expect(e.fpscr & 0x9f).toBe(FPSCR_IDC);
  });
  it('compare with FZ: a denormal equals zero', () => {
    const e = env(FPSCR_FZ);
    expect(s32.compare32(e, 0x00000003, 0x80000000, false)).toBe(0b0110);
    expect(e.fpscr & 0x9f).toBe(FPSCR_IDC);
  });
});

describe('compare', () => {
  it('less, equal, greater and unordered give NZCV 1000, 0110, 0010, 0011', () => {
    expect(s32.compare32(env(), fb(1), fb(2), false)).toBe(0b1000);
    expect(s32.compare32(env(), 0, 0x80000000, false)).toBe(0b0110);
    expect(s32.compare32(env(), 0x7f800000, fb(2), false)).toBe(0b0010);
    const e = env();
    expect(s32.compare32(e, 0x7fc00000, fb(2), false)).toBe(0b0011);
    expect(e.fpscr).toBe(0);
    const e2 = env();
    expect(s32.compare32(e2, 0x7fc00000, fb(2), true)).toBe(0b0011); // VCMPE
    expect(e2.fpscr).toBe(FPSCR_IOC);
    const e3 = env();
    expect(s32.compare32(e3, 0x7f800001, fb(2), false)).toBe(0b0011);
    expect(e3.fpscr).toBe(FPSCR_IOC);
  });
});

describe('conversions', () => {
  it('float → int rounds toward zero (VCVT) or with a given mode; saturates with IOC; NaN gives 0 with IOC', () => {
    const cases: [number, Rounding, boolean, number, number][] = [
      [2.5, Rounding.Zero, false, 2, FPSCR_IXC],
      [-2.5, Rounding.Zero, false, -2, FPSCR_IXC],
      [2.5, Rounding.TieEven, false, 2, FPSCR_IXC],
      [3.5, Rounding.TieEven, false, 4, FPSCR_IXC],
      [-2.5, Rounding.TieAway, false, -3, FPSCR_IXC],
      [2.25, Rounding.PlusInf, false, 3, FPSCR_IXC],
      [-2.25, Rounding.MinusInf, false, -3, FPSCR_IXC],
      [7, Rounding.Zero, false, 7, 0],
      [3e9, Rounding.Zero, false, 0x7fffffff, FPSCR_IOC],
      [-3e9, Rounding.Zero, false, -0x80000000, FPSCR_IOC],
      [3e9, Rounding.Zero, true, 3000000000, 0],
      [-0.5, Rounding.Zero, true, 0, FPSCR_IXC],
      [-1, Rounding.Zero, true, 0, FPSCR_IOC],
      [5e9, Rounding.Zero, true, 0xffffffff, FPSCR_IOC],
    ];
    for (const [x, mode, unsigned, want, flags] of cases) {
      const e = env();
      expect(s32.toFixed32(e, fb(x), 32, 0, unsigned, mode), `${x} ${mode} ${unsigned}`).toBe(want >>> 0);
      expect(e.fpscr, `${x} flags`).toBe(flags);
    }
    const e = env();
    expect(s32.toFixed32(e, 0x7fc00000, 32, 0, false, Rounding.Zero)).toBe(0);
    expect(e.fpscr).toBe(FPSCR_IOC);
    const e2 = env();
    expect(s32.toFixed32(e2, 0xff800000, 32, 0, false, Rounding.Zero)).toBe(0x80000000);
    expect(e2.fpscr).toBe(FPSCR_IOC);
  });

  it('float → fixed point: 16-bit signed Q8 saturates to 16 bits and sign-extends', () => {
    const e = env();
    expect(s32.toFixed32(e, fb(1.5), 16, 8, false, Rounding.Zero)).toBe(0x180);
    expect(s32.toFixed32(e, fb(-1.5), 16, 8, false, Rounding.Zero)).toBe(0xfffffe80);
    expect(e.fpscr).toBe(0);
    expect(s32.toFixed32(e, fb(200), 16, 8, false, Rounding.Zero)).toBe(0x7fff);
    expect(e.fpscr).toBe(FPSCR_IOC);
    expect(s32.toFixed32(env(), fb(200), 16, 8, true, Rounding.Zero)).toBe(0xc800);
  });

  it('int/fixed → float: exact small values, rounding of large ones, +0 for zero', () => {
    const e = env();
    expect(s32.fromFixed32(e, 0xffffffff, 32, 0, false, Rounding.TieEven)).toBe(fb(-1));
    expect(s32.fromFixed32(e, 0xffffffff, 32, 0, true, Rounding.TieEven)).toBe(fb(4294967296));
    expect(e.fpscr).toBe(FPSCR_IXC);
    const e2 = env();
    expect(s32.fromFixed32(e2, 0, 32, 0, false, Rounding.TieEven)).toBe(0);
    expect(s32.fromFixed32(e2, 0x180, 16, 8, false, Rounding.TieEven)).toBe(fb(1.5));
    expect(s32.fromFixed32(e2, 0xfe80, 16, 8, false, Rounding.TieEven)).toBe(fb(-1.5)); // low 16 bits, signed
    expect(s32.fromFixed32(e2, 0xfe80, 16, 8, true, Rounding.TieEven)).toBe(fb(254.5));
    expect(e2.fpscr).toBe(0);
    // 2^24 + 1 is not a single: RZ gives 2^24, RP gives 2^24 + 2.
    expect(s32.fromFixed32(env(), 0x01000001, 32, 0, false, Rounding.Zero)).toBe(fb(16777216));
    expect(s32.fromFixed32(env(), 0x01000001, 32, 0, false, Rounding.PlusInf)).toBe(fb(16777218));
  });

  it('half precision: IEEE and alternative formats, NaN and infinity handling', () => {
    const H = sf.HALF;
    const S = sf.SINGLE;
    const cvt = (from: sf.FpFormat, to: sf.FpFormat, bits: number, fpscr = 0) => {
      const e = env(fpscr);
      return [Number(sf.convert(from, to, e, BigInt(bits))), e.fpscr & 0x9f];
    };
    expect(cvt(S, H, fb(1.5))).toEqual([0x3e00, 0]);
    expect(cvt(S, H, fb(65504))).toEqual([0x7bff, 0]); // largest half
    expect(cvt(S, H, fb(65520))).toEqual([0x7c00, FPSCR_OFC | FPSCR_IXC]); // rounds past it: Inf
    expect(cvt(S, H, fb(65520), FPSCR_AHP)).toEqual([0x7c00, FPSCR_IXC]); // AHP: 2^16 is a number
    expect(cvt(S, H, fb(131072), FPSCR_AHP)).toEqual([0x7fff, FPSCR_IOC]); // beyond AHP range: saturate
    expect(cvt(S, H, 0x7f800000, FPSCR_AHP)).toEqual([0x7fff, FPSCR_IOC]);
    expect(cvt(S, H, 0xffc00000, FPSCR_AHP)).toEqual([0x8000, FPSCR_IOC]);
    expect(cvt(S, H, 0x7fc02000)).toEqual([0x7e01, 0]); // payload bit 13 → half bit 0
    expect(cvt(S, H, 0x7f802000)).toEqual([0x7e01, FPSCR_IOC]); // sNaN quieted
    expect(cvt(S, H, fb(2 ** -24))).toEqual([0x0001, 0]); // smallest half subnormal, exact
    expect(cvt(S, H, fb(2 ** -26))).toEqual([0x0000, FPSCR_UFC | FPSCR_IXC]);
    expect(cvt(S, H, fb(2 ** -26), FPSCR_FZ)).toEqual([0x0000, FPSCR_UFC | FPSCR_IXC]); // FZ does not apply to half
    expect(cvt(H, S, 0x0001, FPSCR_FZ)).toEqual([fb(2 ** -24), 0]);
    expect(cvt(H, S, 0x7c00)).toEqual([0x7f800000, 0]);
    expect(cvt(H, S, 0x7c00, FPSCR_AHP)).toEqual([fb(65536), 0]);
    expect(cvt(H, S, 0x7fff, FPSCR_AHP)).toEqual([fb(131008), 0]);
    expect(cvt(H, S, 0x7d01)).toEqual([0x7fe02000, FPSCR_IOC]);
    expect(cvt(sf.DOUBLE, H, Number(0)) ).toEqual([0, 0]);
  });
});

describe('round to integral, maxNum/minNum', () => {
  it('VRINT modes on 2.5, -2.5, 0.3 and -0.3', () => {
    const cases: [number, Rounding, number][] = [
      [2.5, Rounding.TieEven, 2],
      [2.5, Rounding.TieAway, 3],
      [-2.5, Rounding.TieAway, -3],
      [2.5, Rounding.PlusInf, 3],
      [-2.5, Rounding.MinusInf, -3],
      [-2.5, Rounding.Zero, -2],
      [-0.3, Rounding.TieEven, -0],
      [0.3, Rounding.PlusInf, 1],
    ];
    for (const [x, mode, want] of cases) expect(s32.roundInt32(env(), fb(x), mode, false), `${x} ${mode}`).toBe(fb(want));
    const e = env();
    s32.roundInt32(e, fb(2.5), Rounding.TieEven, false);
    expect(e.fpscr).toBe(0);
    s32.roundInt32(e, fb(2.5), Rounding.TieEven, true); // VRINTX
    expect(e.fpscr).toBe(FPSCR_IXC);
  });
  it('maxNum/minNum: a quiet NaN loses, signed zeros ordered, sNaN invalid', () => {
    expect(s32.maxNum32(env(), 0x7fc00000, fb(1))).toBe(fb(1));
    expect(s32.minNum32(env(), fb(1), 0x7fc00000)).toBe(fb(1));
    expect(s32.maxNum32(env(), 0x80000000, 0)).toBe(0);
    expect(s32.minNum32(env(), 0, 0x80000000)).toBe(0x80000000);
    expect(s32.maxNum32(env(), fb(-3), fb(2))).toBe(fb(2));
    expect(s32.minNum32(env(), fb(-3), fb(2))).toBe(fb(-3));
    const e = env();
    expect(s32.maxNum32(e, 0x7f800001, fb(1))).toBe(0x7fc00001);
    expect(e.fpscr).toBe(FPSCR_IOC);
  });
});
