import type { InsnClass } from './insn-class.js';

/**
 * What the core tells a timing model (DESIGN.md principle 3: function apart from time).
 * With no model attached the core charges one cycle per instruction ("ideal").
 * Call order per instruction: dataAccess() for each memory access it made, in program order,
 * then retire(). Exception entry and return are reported separately.
 */
export interface CycleModel {
  /** A data access of `bytes` bytes at `addr` by the instruction being executed. */
  dataAccess(addr: number, bytes: number, isWrite: boolean): void;
  /**
   * The instruction at `pc` completed. `info` is what decode attached to it; `outcome` is a bitwise OR
   * of the Outcome flags. Returns the cycles to charge for it, stalls included.
   */
  retire(pc: number, info: TimingInfo, outcome: number): number;
  /** Exception entry (stacking) or return (unstacking); `fpFrame` when the extended frame is used. Returns cycles. */
  exception(kind: 'entry' | 'return' | 'tail-chain', fpFrame: boolean): number;
  /**
   * Optional: the exception model moved the clock forward without the model (WFI/WFE sleep, or an idle
   * loop skipped to the next clock event), so a model that follows the clock can count the gap as sleep
   * now: the run loop calls a record's pricing function (timingHandle) without looking at the clock.
   */
  clockSkipped?(): void;
}

/**
 * Follows the program's flow beside the timing model (the profiler's shadow call stack). The core tells
 * it of each taken branch, and of every instruction while `attention` is set (the first instruction of a
 * handler, say); the exception model tells it of each exception entry, return and tail-chain. It sees no
 * other instruction, so straight-line code costs it nothing: time between two of its calls is read from
 * a work-cycle count when it needs it.
 */
export interface FlowObserver {
  /** While true, {@link retired} is called for every instruction, not only taken branches. */
  readonly attention: boolean;
  /** The instruction at `pc` retired (its cycles already on the clock); `outcome` as for CycleModel.retire. */
  retired(pc: number, info: TimingInfo, outcome: number): void;
  /** An exception entry, return or tail-chain costing `cycles`, told before they go on the clock. */
  exception(kind: 'entry' | 'return' | 'tail-chain', cycles: number): void;
}

/** Per-instruction facts fixed at decode time. */
export interface TimingInfo {
  cls: InsnClass;
  /** 2 or 4 bytes. */
  size: number;
  /** Bit i set: core register ri is read (as an operand, address base/index, or store data). */
  readMask: number;
  /** Bit i set: core register ri is written. */
  writeMask: number;
  /** For LDM/STM/PUSH/POP/VLDM/VSTM: registers transferred (words for VLDM/VSTM). 0 otherwise. */
  transferCount: number;
  // Optional refinements (added by timing; absent means "unknown" and the model falls back to a
  // class default). Decode fills them when it can; the M7 model is more exact with them.
  /** Bit i set: single-precision register Si is read (Dn sets bits 2n and 2n+1). */
  fpReadMask?: number;
  /** Bit i set: Si is written. */
  fpWriteMask?: number;
  /**
   * Core registers read one cycle early, in EX1: address base/index of a load/store, the inline-shifted
   * operand of an ALU op, the extracted operand of UXTAB/PKH/BFI (hw-facts §1.1, §1.3).
   */
  earlyMask?: number;
  /** Core registers read late: store data, the accumulator of MLA/SMLAL (hw-facts §1.3). */
  lateMask?: number;
  /**
   * Core registers written by base-register writeback (pre/post-indexed LDR/STR, LDM/STM/PUSH/POP with
   * `!`): an address-generation result, ready the next cycle, not when the loaded data is (JNK).
   */
  baseWriteMask?: number;
  /** TimingFlag bits. */
  flags?: number;
  /**
   * Index of the facts a timing model derived from this record (added by timing). Decoded records start
   * at -1 and keep the index the model gives them on first retire; a record without the field is
   * re-derived at every retire.
   */
  timingId?: number;
  /**
   * What the timing model keeps to price this record quickly, set with timingId on first retire. When it
   * is a function, the run loop calls it as a {@link PricingFunction} in place of retire() (the M7
   * model's generated pricing per record row); the core forgets decoded records when its model changes.
   */
  timingHandle?: unknown;
}

/** A record's pricing set by its model (TimingInfo.timingHandle): what retire() would return for it. */
export type PricingFunction = (model: CycleModel, pc: number, info: TimingInfo, outcome: number) => number;

/** Bits of {@link TimingInfo.flags}. */
export const enum TimingFlag {
  /** The instruction writes APSR.NZCV (ADDS, CMP, TST, VMRS APSR_nzcv …). */
  SetsFlags = 1,
  /** Conditional: a B<cond>, or an instruction inside an IT block. */
  Conditional = 2,
  /** Unaligned word/halfword access form (known only at execute; the model also checks addresses). */
  Unaligned = 4,
}

export const enum Outcome {
  /** The condition passed (or the instruction is unconditional). */
  Executed = 1,
  /** A branch, or a write to PC, changed the flow. */
  BranchTaken = 2,
}
