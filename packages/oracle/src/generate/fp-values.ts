/**
 * FP operand values biased to the edges (IEEE 754 / ARMv7-M ARM A2.5): signed zeros, subnormals,
 * infinities, quiet and signalling NaNs, extremes of the exponent range, values at rounding
 * boundaries, and integers near the conversion limits.
 */
import type { Rng } from './rng.js';

const F32_SPECIAL = [
  0x00000000, 0x80000000, // ±0
  0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00400000, // subnormals
  0x00800000, 0x80800000, // smallest normals
  0x7f7fffff, 0xff7fffff, // largest finite
  0x7f800000, 0xff800000, // ±inf
  0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fffffff, // quiet NaNs
  0x7f800001, 0xff800001, 0x7fbfffff, 0x7fa00000, // signalling NaNs
  0x3f800000, 0xbf800000, 0x40000000, 0x3f000000, 0x3fc00000, 0x40200000, 0xbfc00000, // 1, -1, 2, 0.5, 1.5, 2.5, -1.5
  0x3f800001, 0x3f7fffff, 0x4b000000, 0x4b7fffff, 0x4b800000, // around 1 ulp and 2^23/2^24 (rounding to integer)
  0x4f000000, 0xcf000000, 0x4f800000, 0x4effffff, 0xcf000001, // around 2^31, 2^32 (conversion limits)
  0x34000000, 0x33800000, 0x0c000000, 0x72000000, // tiny and huge exponents
];

const F64_SPECIAL: [number, number][] = [
  [0, 0], [0, 0x80000000], // ±0
  [1, 0], [1, 0x80000000], [0xffffffff, 0x000fffff], [0, 0x00080000], // subnormals
  [0, 0x00100000], // smallest normal
  [0xffffffff, 0x7fefffff], [0xffffffff, 0xffefffff], // largest finite
  [0, 0x7ff00000], [0, 0xfff00000], // ±inf
  [0, 0x7ff80000], [0, 0xfff80000], [1, 0x7ff80000], // quiet NaNs
  [1, 0x7ff00000], [0, 0x7ff40000], [0xffffffff, 0xfff7ffff], // signalling NaNs
  [0, 0x3ff00000], [0, 0xbff00000], [0, 0x3ff80000], [0, 0x40040000], [1, 0x3ff00000], [0xffffffff, 0x3fefffff],
  [0, 0x41e00000], [0, 0xc1e00000], [0, 0x41f00000], [0xffc00000, 0x41dfffff], // around 2^31, 2^32
  [0, 0x36a00000], [0, 0x38100000], [0xe0000000, 0x47efffff], [0, 0x47f00000], [0, 0x36900000], // around float range edges
  [0x10000000, 0x3ff00000], [0x20000000, 0x3ff00000], [0x30000000, 0x3ff00000], // halfway cases for rounding to single
];

/** Single-precision bits. */
export function interestingFloat32Bits(rng: Rng): number {
  switch (rng.below(6)) {
    case 0:
    case 1:
      return rng.pick(F32_SPECIAL) >>> 0;
    case 2: {
      // A random significand with an exponent near the edges.
      const exp = rng.pick([0, 1, 2, 126, 127, 128, 150, 157, 158, 253, 254, 255]);
      return ((rng.bit() << 31) | (exp << 23) | (rng.u32() & 0x7fffff)) >>> 0;
    }
    case 3: {
      // A small integer or half-integer (rounding ties).
      const v = rng.range(-300, 300) / rng.pick([1, 2, 4]);
      const f = new Float32Array([v]);
      return new Uint32Array(f.buffer)[0];
    }
    default: {
      // Moderate magnitudes: exponent 100..160.
      return ((rng.bit() << 31) | (rng.range(100, 160) << 23) | (rng.u32() & 0x7fffff)) >>> 0;
    }
  }
}

/** Double-precision bits as [low word, high word]. */
export function interestingFloat64Bits(rng: Rng): [number, number] {
  switch (rng.below(5)) {
    case 0:
    case 1: {
      const [lo, hi] = rng.pick(F64_SPECIAL);
      return [lo >>> 0, hi >>> 0];
    }
    case 2: {
      const exp = rng.pick([0, 1, 2, 895, 896, 897, 1022, 1023, 1024, 1053, 1054, 1086, 1150, 1151, 1152, 2045, 2046, 2047]);
      return [rng.u32(), ((rng.bit() << 31) | (exp << 20) | (rng.u32() & 0xfffff)) >>> 0];
    }
    case 3: {
      const v = rng.range(-300, 300) / rng.pick([1, 2, 4]);
      const u = new Uint32Array(new Float64Array([v]).buffer);
      return [u[0], u[1]];
    }
    default:
      return [rng.u32(), ((rng.bit() << 31) | (rng.range(960, 1090) << 20) | (rng.u32() & 0xfffff)) >>> 0];
  }
}

/**
 * A random FPSCR (ARMv7-M ARM A2.5.3): N Z C V (31:28), AHP (26), DN (25), FZ (24),
 * RMode (23:22), cumulative exception flags IDC IXC UFC OFC DZC IOC (bits 7, 4:0), mostly clear so
 * that the flags an instruction raises are visible.
 */
export function randomFpscr(rng: Rng): number {
  let v = (rng.below(16) << 28) | (rng.bit() << 26) | (rng.bit() << 25) | (rng.bit() << 24) | (rng.below(4) << 22);
  if (rng.chance(0.2)) v |= rng.below(32) | (rng.bit() << 7);
  return v >>> 0;
}
