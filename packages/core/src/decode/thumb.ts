/**
 * Thumb decoder entry: 16-bit (ARMv7-M ARM DDI 0403E A5.2, thumb16.ts) and 32-bit (A5.3, thumb32.ts)
 * encodings of ARMv7E-M into {@link Insn} records. Called once per address (the core caches the result).
 */
import type { Insn } from './decoded.js';
import { decode16 } from './thumb16.js';
import { decode32 } from './thumb32.js';

/**
 * Decodes one Thumb instruction at `pc`. `hw2` is ignored for 16-bit encodings. The caller sets
 * `pc`, `size` and `raw` on the result.
 */
export function decodeThumb(hw1: number, hw2: number, pc: number): Insn {
  const insn = hw1 >>> 11 >= 0x1d ? decode32(hw1, hw2, pc) : decode16(hw1, pc);
  insn.size = hw1 >>> 11 >= 0x1d ? 4 : 2;
  return insn;
}
