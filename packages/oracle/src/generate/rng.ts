/**
 * A small seeded pseudo-random generator (xoshiro128** by Blackman and Vigna, public-domain algorithm)
 * so that a seed reproduces a stream exactly on every machine.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // SplitMix32 spreads the seed over the four state words (all-zero state is not allowed).
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next() | 1;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** An integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  bit(): number {
    return this.u32() >>> 31;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** A 32-bit value biased towards the edges that break arithmetic (0, ±1, sign boundaries, byte/halfword edges). */
  interesting32(): number {
    switch (this.below(10)) {
      case 0:
        return this.pick([0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x80000001, 0x7ffffffe, 2, 0xfffffffe]);
      case 1:
        return this.pick([0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7f7f7f7f, 0x80808080, 0xffff8000, 0x00007fff, 0x80007fff, 0x7fff8000]) >>> 0;
      case 2:
        return this.below(256);
      case 3: {
        // Each byte from an edge value: exercises per-lane saturation and GE flags.
        let v = 0;
        for (let i = 0; i < 4; i++) v |= this.pick([0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x81]) << (i * 8);
        return v >>> 0;
      }
      case 4: {
        const h = [0, 1, 0x7fff, 0x8000, 0xffff, 0x8001, 0x7ffe];
        return ((this.pick(h) << 16) | this.pick(h)) >>> 0;
      }
      default:
        return this.u32();
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
