/**
 * FPSCR fields on an ARMv7-M FPU (ARMv7-M ARM DDI 0403E, A2.5.3 / B3.2.23 "Floating-point Status and
 * Control Register"). M-profile has no trap enables, no Len/Stride and no QC bit: only the fields below.
 */

/** Cumulative exception flags (bits 0–4 and 7). */
export const FPSCR_IOC = 1 << 0; // Invalid Operation
export const FPSCR_DZC = 1 << 1; // Division by Zero
export const FPSCR_OFC = 1 << 2; // Overflow
export const FPSCR_UFC = 1 << 3; // Underflow
export const FPSCR_IXC = 1 << 4; // Inexact
export const FPSCR_IDC = 1 << 7; // Input Denormal (only raised with FZ)

/** Rounding mode field RMode, bits 23:22. */
export const FPSCR_RMODE_SHIFT = 22;
export const FPSCR_RMODE_MASK = 3 << FPSCR_RMODE_SHIFT;
/** Flush-to-zero, bit 24. */
export const FPSCR_FZ = 1 << 24;
/** Default NaN, bit 25. */
export const FPSCR_DN = 1 << 25;
/** Alternative half-precision, bit 26. */
export const FPSCR_AHP = 1 << 26;
/** Condition flags N Z C V, bits 31:28 (set by VCMP, read by VMRS APSR_nzcv). */
export const FPSCR_NZCV_SHIFT = 28;

/** The bits VMSR can change: NZCV, AHP, DN, FZ, RMode and the six cumulative flags; all others are RES0. */
export const FPSCR_WRITABLE = 0xf7c0009f;

/**
 * Rounding modes. 0–3 are the FPSCR.RMode encodings (A2.5.3); TieAway is the extra mode of the FPv5
 * VCVTA/VRINTA instructions (round to nearest, ties away from zero).
 */
export const enum Rounding {
  TieEven = 0,
  PlusInf = 1,
  MinusInf = 2,
  Zero = 3,
  TieAway = 4,
}

/** What the arithmetic needs of the machine: FPSCR, read for its controls and ORed with the flags raised. */
export interface FpEnv {
  fpscr: number;
}

export function rmodeOf(fpscr: number): Rounding {
  return ((fpscr >>> FPSCR_RMODE_SHIFT) & 3) as Rounding;
}
