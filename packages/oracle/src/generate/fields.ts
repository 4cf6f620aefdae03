import type { Rng } from './rng.js';

/** A non-empty random subset of `regs` as a bit mask, with at least `min` registers. */
export function randomRegList(rng: Rng, regs: readonly number[], min = 1): number {
  for (;;) {
    let mask = 0;
    for (const r of regs) if (rng.bit()) mask |= 1 << r;
    if (popcount(mask) >= min) return mask;
  }
}

export function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

/** A register from `regs` other than those in `exclude`. */
export function pickExcept(rng: Rng, regs: readonly number[], ...exclude: number[]): number {
  const allowed = regs.filter((r) => !exclude.includes(r));
  return rng.pick(allowed);
}

/** 32-bit encoding from two halfwords. */
export function t32(hw1: number, hw2: number): number {
  return (((hw1 & 0xffff) << 16) | (hw2 & 0xffff)) >>> 0;
}

/**
 * A random 12-bit modified immediate i:imm3:imm8 (ARMv7-M ARM A5.3.2) avoiding the UNPREDICTABLE
 * replicated forms with imm8 == 0.
 */
export function randomModImm(rng: Rng): number {
  for (;;) {
    const imm12 = rng.below(4096);
    if ((imm12 >> 10) === 0 && ((imm12 >> 8) & 3) !== 0 && (imm12 & 0xff) === 0) continue;
    return imm12;
  }
}

/** Places a 12-bit i:imm3:imm8 into the two halfwords of a T32 data-processing immediate encoding. */
export function withImm12(hw1: number, hw2: number, imm12: number): [number, number] {
  return [hw1 | (((imm12 >> 11) & 1) << 10), hw2 | (((imm12 >> 8) & 7) << 12) | (imm12 & 0xff)];
}

/** Splits a 5-bit shift amount into imm3 (hw2 bits 14:12) and imm2 (bits 7:6). */
export function imm3imm2(amount: number): number {
  return (((amount >> 2) & 7) << 12) | ((amount & 3) << 6);
}
