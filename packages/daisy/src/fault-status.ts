/** Fault status registers in words (ARMv7-M ARM DDI 0403E B3.2.15 CFSR, B3.2.16 HFSR). */

const CFSR_BITS: [bit: number, name: string, meaning: string][] = [
  [0, 'IACCVIOL', 'MemManage: instruction fetch from a location the MPU does not permit (or XN memory)'],
  [1, 'DACCVIOL', 'MemManage: data access to a location the MPU does not permit'],
  [3, 'MUNSTKERR', 'MemManage: MPU fault while unstacking on exception return'],
  [4, 'MSTKERR', 'MemManage: MPU fault while stacking on exception entry'],
  [5, 'MLSPERR', 'MemManage: MPU fault during lazy FP state preservation'],
  [7, 'MMARVALID', 'MMFAR holds the faulting address'],
  [8, 'IBUSERR', 'BusFault: instruction fetch from a location that gave a bus error'],
  [9, 'PRECISERR', 'BusFault: precise data bus error (BFAR holds the address)'],
  [10, 'IMPRECISERR', 'BusFault: imprecise data bus error (a buffered write failed)'],
  [11, 'UNSTKERR', 'BusFault: bus error while unstacking on exception return'],
  [12, 'STKERR', 'BusFault: bus error while stacking on exception entry'],
  [13, 'LSPERR', 'BusFault: bus error during lazy FP state preservation'],
  [15, 'BFARVALID', 'BFAR holds the faulting address'],
  [16, 'UNDEFINSTR', 'UsageFault: undefined instruction'],
  [17, 'INVSTATE', 'UsageFault: execution with EPSR.T = 0 (a branch to an even address, or a vector without the Thumb bit)'],
  [18, 'INVPC', 'UsageFault: invalid EXC_RETURN value on exception return'],
  [19, 'NOCP', 'UsageFault: coprocessor access while disabled (the FPU used before CPACR enables CP10/CP11)'],
  [24, 'UNALIGNED', 'UsageFault: unaligned access where alignment is required'],
  [25, 'DIVBYZERO', 'UsageFault: divide by zero with CCR.DIV_0_TRP set'],
];

const HFSR_BITS: [bit: number, name: string, meaning: string][] = [
  [1, 'VECTTBL', 'HardFault: bus error reading the vector table'],
  [30, 'FORCED', 'HardFault: a configurable fault escalated (disabled, or not allowed by priority)'],
  [31, 'DEBUGEVT', 'HardFault: a debug event (BKPT) with no debugger attached'],
];

export interface FaultStatus {
  cfsr: number;
  hfsr: number;
  mmfar: number;
  bfar: number;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** One line per set bit: `NAME: meaning`, with the fault address where the status says it is valid. */
export function describeFaultStatus(status: FaultStatus): string[] {
  const lines: string[] = [];
  for (const [bit, name, meaning] of HFSR_BITS) if (status.hfsr & (1 << bit)) lines.push(`HFSR.${name}: ${meaning}`);
  for (const [bit, name, meaning] of CFSR_BITS) {
    if (!(status.cfsr & (1 << bit))) continue;
    let line = `CFSR.${name}: ${meaning}`;
    if (name === 'MMARVALID') line += ` = ${hex(status.mmfar)}`;
    if (name === 'BFARVALID') line += ` = ${hex(status.bfar)}`;
    lines.push(line);
  }
  return lines;
}
