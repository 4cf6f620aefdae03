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
}

export const enum Outcome {
  /** The condition passed (or the instruction is unconditional). */
  Executed = 1,
  /** A branch, or a write to PC, changed the flow. */
  BranchTaken = 2,
}
