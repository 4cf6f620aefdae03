/**
 * Where a random stream lives and which registers play which role, chosen so that every generated
 * memory access lands in the mapped scratch area and the stream never jumps out of itself.
 */

/** Code region: the stream is placed in its middle so that literal loads (±4095) stay mapped. */
export const CODE_BASE = 0x0800_0000;
export const CODE_SIZE = 0x1_0000;
export const STREAM_BASE = CODE_BASE + 0x8000;

/** Scratch data region: the base registers point into its middle. */
export const SCRATCH_BASE = 0x2000_0000;
export const SCRATCH_SIZE = 0x1_0000;
export const SCRATCH_MIDDLE = SCRATCH_BASE + SCRATCH_SIZE / 2;

/** Registers random instructions may write (loads, ALU results, LDM lists). */
export const WRITABLE: readonly number[] = [0, 1, 2, 3, 4, 5, 8, 14];
export const WRITABLE_LOW: readonly number[] = [0, 1, 2, 3, 4, 5];
/** Base registers: hold addresses in the scratch area; changed only by bounded write-back. */
export const BASE_LOW = 7;
export const BASES_32: readonly number[] = [7, 10, 11, 12, 13];
/** Index registers: hold a small multiple of 4 (0–252) used as a register offset. */
export const INDEX_LOW = 6;
export const INDEXES_32: readonly number[] = [6, 9];
/** Registers safe to read as ordinary operands (anything but PC). */
export const READABLE: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14];
export const READABLE_LOW: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7];
