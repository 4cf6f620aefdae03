/**
 * The contract between the instruction executor (cpu.ts) and the exception model (exceptions.ts).
 * The executor calls these; the exception model changes state (stacking, mode, PC) as the ARMv7-M ARM
 * (DDI 0403E, B1.5) specifies.
 */
export const enum FaultKind {
  /** UsageFault UNDEFINSTR: undefined or unallocated encoding, UDF. */
  Undefined = 0,
  /** UsageFault INVSTATE: execution with EPSR.T = 0. */
  InvalidState,
  /** UsageFault INVPC: bad EXC_RETURN. */
  InvalidPc,
  /** UsageFault NOCP: coprocessor access denied (CPACR) or non-FP coprocessor. */
  NoCoprocessor,
  /** UsageFault UNALIGNED: unaligned LDM/STM/LDRD/STRD/LDREX/STREX, or any when CCR.UNALIGN_TRP. */
  Unaligned,
  /** UsageFault DIVBYZERO with CCR.DIV_0_TRP. */
  DivideByZero,
  /** BusFault PRECISERR on a data access, BFAR = address. */
  BusData,
  /** BusFault IBUSERR on instruction fetch. */
  BusFetch,
  /** MemManage DACCVIOL, MMFAR = address. */
  MpuData,
  /** MemManage IACCVIOL. */
  MpuFetch,
}

/** How each FaultKind is named in reports: the fault exception and its status bit (B3.2.15). */
export const FAULT_KIND_NAMES: Readonly<Record<number, string>> = {
  [FaultKind.Undefined]: 'UsageFault UNDEFINSTR',
  [FaultKind.InvalidState]: 'UsageFault INVSTATE',
  [FaultKind.InvalidPc]: 'UsageFault INVPC',
  [FaultKind.NoCoprocessor]: 'UsageFault NOCP',
  [FaultKind.Unaligned]: 'UsageFault UNALIGNED',
  [FaultKind.DivideByZero]: 'UsageFault DIVBYZERO',
  [FaultKind.BusData]: 'BusFault PRECISERR',
  [FaultKind.BusFetch]: 'BusFault IBUSERR',
  [FaultKind.MpuData]: 'MemManage DACCVIOL',
  [FaultKind.MpuFetch]: 'MemManage IACCVIOL',
};

export interface ExceptionHost {
  /**
   * Optional (a host without an MPU refuses nothing): whether the MPU, or the default memory map's
   * execute-never regions for a fetch, refuse this access by the core at its current privilege
   * (ARMv7-M ARM B3.5). The core asks on instruction decode and on data accesses to pages the host
   * marked in Cpu.mpuPages.
   */
  mpuRefuses?(addr: number, isWrite: boolean, isFetch: boolean): boolean;
  /** Optional: told after MSR wrote CONTROL (nPRIV may have changed what the MPU allows). */
  controlWritten?(): void;
  /**
   * A synchronous fault of the instruction at the current PC (state.r[15] still holds its address).
   * The instruction must have no further architectural effect. The host performs exception entry.
   */
  fault(kind: FaultKind, address?: number): void;
  /**
   * Optional: a store the bus rejected. Stores are asynchronous on the Cortex-M7 (they go through the
   * write buffer: PM0253 "Memory system ordering" / store operations), so the instruction completes and
   * the host pends an imprecise BusFault (BFSR.IMPRECISERR, no BFAR). `pc` and `address` are the store's,
   * for the host's report only. A host without it takes the error as a precise fault.
   */
  impreciseBusFault?(pc: number, address: number): void;
  /** SVC executed: the host pends SVCall and takes it (PC already advanced past the SVC). */
  svc(imm: number): void;
  /** BKPT executed (PC still at the BKPT). With no debugger this escalates to HardFault (B1.5.6). */
  bkpt(imm: number): void;
  /** A write to PC of a value 0xFxxxxxxx in Handler mode (BX, POP, LDM, LDR to PC): exception return. */
  exceptionReturn(excReturn: number): void;
  /** WFI/WFE/SEV hints. */
  wfi(): void;
  /**
   * The current instruction branched to itself (`b .`, what `while (1) {}` compiles to): until an
   * exception is taken nothing changes, so the host may skip the clock ahead to that exception.
   */
  spinInPlace(): void;
  /**
   * The core is in a loop that cannot change anything until something outside it does (Cpu, idle-loop
   * skipping): the host may move the clock to the next clock event (a timer tick, a DMA transfer) and
   * run it; the loop then runs on and sees whatever changed.
   */
  idleUntilNextEvent(): void;
  /** Exception entries, returns and tail-chains so far (the core's idle-loop check compares it). */
  readonly transitions: number;
  wfe(): void;
  sev(): void;
  /** PRIMASK, FAULTMASK or BASEPRI changed: a pending exception may now be taken. */
  maskChanged(): void;
  /** Current execution priority (B1.5.4), for MSR FAULTMASK rules and BASEPRI_MAX. */
  executionPriority(): number;
  /**
   * Called before every FP instruction: checks CPACR (NOCP fault, returns false), preserves a lazily
   * stacked FP context if FPCCR.LSPACT, and sets CONTROL.FPCA when FPCCR.ASPEN. Returns true to go on.
   */
  beforeFpInstruction(): boolean;
  /** True when beforeFpInstruction() has nothing to do (full CP10 access, no lazy state, FPCA set or not needed). */
  fpNeedsNothing(): boolean;
  /** The CPACR check alone (CheckVFPEnabled, B3.2.20): raises NOCP and returns false when access is denied. */
  checkFpAccess(): boolean;
  /** True when an exception is pending that may need taking; the run loop then calls service(). */
  readonly attention: boolean;
  /** Takes the highest-priority pending exception if it can preempt. Called between instructions. */
  service(): void;
}
