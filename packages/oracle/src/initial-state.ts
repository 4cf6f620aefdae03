/**
 * The register state a block starts from: data registers biased to arithmetic edges, index registers
 * small, base registers in the middle of the scratch area (generate/layout.ts), random flags, and
 * with --fp FP registers biased to FP edges and a random FPSCR mode.
 */
import type { Rng } from './generate/rng.js';
import { SCRATCH_MIDDLE } from './generate/layout.js';
import { interestingFloat32Bits, interestingFloat64Bits, randomFpscr } from './generate/fp-values.js';

export interface InitialState {
  r: Uint32Array;
  apsr: number;
  fpscr: number;
  s: Uint32Array;
}

export function randomInitialState(rng: Rng, fp: boolean, out: InitialState): void {
  const r = out.r;
  for (const n of [0, 1, 2, 3, 4, 5, 8, 14]) r[n] = rng.interesting32();
  for (const n of [6, 9]) r[n] = rng.below(64) * 4;
  for (const n of [7, 10, 11, 12, 13]) r[n] = (SCRATCH_MIDDLE + rng.range(-128, 128) * 8) >>> 0;
  r[15] = 0;
  // N Z C V Q in bits 31:27, GE in 19:16.
  out.apsr = ((rng.below(32) << 27) | (rng.below(16) << 16)) >>> 0;
  if (fp) {
    out.fpscr = randomFpscr(rng);
    for (let d = 0; d < 16; d++) {
      if (rng.bit()) {
        const [lo, hi] = interestingFloat64Bits(rng);
        out.s[2 * d] = lo;
        out.s[2 * d + 1] = hi;
      } else {
        out.s[2 * d] = interestingFloat32Bits(rng);
        out.s[2 * d + 1] = interestingFloat32Bits(rng);
      }
    }
  } else {
    out.fpscr = 0;
    for (let i = 0; i < 32; i++) out.s[i] = rng.u32();
  }
}
