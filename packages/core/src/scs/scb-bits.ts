/** Bit assignments of the SCB registers the exception model and the register views share (DDI 0403E B3.2). */

/** CFSR bits (B3.2.15): MMFSR 7:0, BFSR 15:8, UFSR 31:16. */
export const enum Cfsr {
  IACCVIOL = 1 << 0,
  DACCVIOL = 1 << 1,
  MUNSTKERR = 1 << 3,
  MSTKERR = 1 << 4,
  MLSPERR = 1 << 5,
  MMARVALID = 1 << 7,
  IBUSERR = 1 << 8,
  PRECISERR = 1 << 9,
  IMPRECISERR = 1 << 10,
  UNSTKERR = 1 << 11,
  STKERR = 1 << 12,
  LSPERR = 1 << 13,
  BFARVALID = 1 << 15,
  UNDEFINSTR = 1 << 16,
  INVSTATE = 1 << 17,
  INVPC = 1 << 18,
  NOCP = 1 << 19,
  UNALIGNED = 1 << 24,
  DIVBYZERO = 1 << 25,
}

/** HFSR bits (B3.2.16). */
export const HFSR_VECTTBL = 1 << 1;
export const HFSR_FORCED = 1 << 30;
export const HFSR_DEBUGEVT = 0x80000000;

/** CCR bits (B3.2.8). */
export const CCR_NONBASETHRDENA = 1 << 0;
export const CCR_UNALIGN_TRP = 1 << 3;
export const CCR_DIV_0_TRP = 1 << 4;
export const CCR_BFHFNMIGN = 1 << 8;
export const CCR_STKALIGN = 1 << 9;
export const CCR_DC = 1 << 16;
export const CCR_IC = 1 << 17;
export const CCR_BP = 1 << 18;
/** CCR reset value of the Cortex-M7: STKALIGN | BP (Cortex-M7 Devices Generic User Guide DUI 0646, CCR). */
export const CCR_RESET = 0x00040200;

/** SCR bits (B3.2.7). */
export const SCR_SLEEPONEXIT = 1 << 1;
export const SCR_SLEEPDEEP = 1 << 2;
export const SCR_SEVONPEND = 1 << 4;

/** SHCSR enable bits (B3.2.13). */
export const SHCSR_MEMFAULTENA = 1 << 16;
export const SHCSR_BUSFAULTENA = 1 << 17;
export const SHCSR_USGFAULTENA = 1 << 18;

/** FPCCR bits (B3.2.20). */
export const FPCCR_LSPACT = 1 << 0;
export const FPCCR_USER = 1 << 1;
export const FPCCR_THREAD = 1 << 3;
export const FPCCR_HFRDY = 1 << 4;
export const FPCCR_MMRDY = 1 << 5;
export const FPCCR_BFRDY = 1 << 6;
export const FPCCR_MONRDY = 1 << 8;
export const FPCCR_LSPEN = 1 << 30;
export const FPCCR_ASPEN = 0x80000000;
/** FPCCR reset value: ASPEN | LSPEN (B3.2.20). */
export const FPCCR_RESET = 0xc0000000;
