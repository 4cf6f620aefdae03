/**
 * Enum values of the Unicorn Engine 2 C API that the binding uses.
 * Transcribed from /usr/include/unicorn/unicorn.h and arm.h (libunicorn-dev 2.0.1); the test
 * test/unicorn-consts.test.ts parses those headers and checks every value here against them.
 */

/** enum uc_arch (unicorn.h). */
export const UC_ARCH = { ARM: 1 } as const;

/** enum uc_mode (unicorn.h). UC_MODE_MCLASS is deliberately absent: in 2.0.1 it forces a Cortex-M33. */
export const UC_MODE = { THUMB: 16 } as const;

/** enum uc_cpu_arm (arm.h). */
export const UC_CPU_ARM = { CORTEX_M7: 10 } as const;

/** enum uc_control_type (unicorn.h). */
export const UC_CTL = { CPU_MODEL: 7, TB_REMOVE_CACHE: 9, TB_FLUSH: 10 } as const;

/** UC_CTL_IO_* (unicorn.h). */
export const UC_CTL_IO = { NONE: 0, WRITE: 1, READ: 2 } as const;

/** enum uc_prot (unicorn.h). */
export const UC_PROT = { READ: 1, WRITE: 2, EXEC: 4, ALL: 7 } as const;

/** enum uc_err (unicorn.h). */
export const UC_ERR = {
  OK: 0,
  READ_UNMAPPED: 6,
  WRITE_UNMAPPED: 7,
  FETCH_UNMAPPED: 8,
  INSN_INVALID: 10,
  EXCEPTION: 21,
} as const;

/** enum uc_arm_reg (arm.h). */
export const UC_ARM_REG = {
  APSR: 1,
  CPSR: 3,
  FPSCR: 6,
  ITSTATE: 9,
  LR: 10,
  PC: 11,
  SP: 12,
  D0: 14,
  R0: 66,
  S0: 79,
  XPSR: 120,
  APSR_NZCVQ: 127,
  APSR_NZCVQG: 129,
  XPSR_NZCVQG: 138,
} as const;

/**
 * The uc_control_type word that uc_ctl takes: type in bits 15:0, argument count in 29:26,
 * read/write in 31:30 (the UC_CTL macro in unicorn.h). Returned as a signed 32-bit int for the C `int`.
 */
export function ucCtl(type: number, argCount: number, io: number): number {
  return (type | (argCount << 26) | (io << 30)) | 0;
}

/** The id of core register rN (0–15) in enum uc_arm_reg: R0–R12 are consecutive, SP/LR/PC elsewhere. */
export function coreRegId(n: number): number {
  if (n < 13) return UC_ARM_REG.R0 + n;
  if (n === 13) return UC_ARM_REG.SP;
  if (n === 14) return UC_ARM_REG.LR;
  if (n === 15) return UC_ARM_REG.PC;
  throw new RangeError(`no core register r${n}`);
}
