/** Shared by fpu-unicorn-gen.ts and fpu-unicorn.test.ts: the vector format and the register filler. */
export interface FpuVector {
  hw1: number;
  hw2: number;
  mnemonic: string;
  fpscr: number;
  /** APSR N Z C V in bits 31:28. */
  apsr: number;
  /** [word index, bits] of the FP operand words; every other S register holds fpuFiller(i). */
  sIn: [number, number][];
  /** [register, value] of core operand registers; every other r0–r12 holds 0x01010101·n. */
  rIn: [number, number][];
  fpscrOut: number;
  /** APSR N Z C V after, as a 4-bit number. */
  nzcvOut: number;
  /** S words that differ from their input afterwards. */
  sOut: [number, number][];
  /** Core registers that differ afterwards. */
  rOut: [number, number][];
}

/** A filler that is a normal single in each word (so stray reads would show): 1.0 + i/128. */
export function fpuFiller(i: number): number {
  return (0x3f800000 + (i << 16)) >>> 0;
}
