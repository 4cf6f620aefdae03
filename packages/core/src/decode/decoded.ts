/**
 * The decoded-instruction record: the one shape every Thumb instruction is decoded into, once, and
 * cached per address (DESIGN.md principle 4). This format is an agreed interface (the FPU decodes
 * into it too): fields are only ever added, never renamed or removed.
 *
 * How a record is executed (cpu.ts):
 *   - Before `exec` runs, `cpu.curPc` is the instruction's address, `cpu.r[15]` holds the PC *read
 *     value* (address + 4, ARMv7-M ARM A5.1.2), and `cpu.nextPc` is address + size.
 *   - A branch or PC write sets `cpu.nextPc` (use `cpu.branchTo`, `cpu.bxWritePc`, `cpu.loadWritePc`),
 *     never `r[15]`; the core copies `nextPc` into `r[15]` after `exec` returns.
 *   - `exec` runs when the instruction executes outside an IT block; `execIt` inside one (condition
 *     already passed). They differ only for 16-bit data-processing ops that set flags only outside IT
 *     (A6.7: "setflags = !InITBlock()"). Records that do not care set both to the same function.
 *   - Faults: call `cpu.fault(kind, address?)`; it hands the fault to the ExceptionHost with r[15] =
 *     the instruction's address and unwinds out of `exec` (it throws an internal sentinel the run loop
 *     catches), so the handler has no further architectural effect. Memory goes through
 *     `cpu.read8/16/32`, `cpu.write8/16/32` (BusError → BusFault/MemManage, CCR.UNALIGN_TRP, cycle-model
 *     data-access reports, self-modifying-code invalidation); `cpu.read32Aligned`/`write32Aligned`
 *     always fault when unaligned (LDM/STM/LDRD/STRD/VLDR/VSTR/VLDM/VSTM, A3.2.1).
 *   - FP executors call `cpu.fpEnter()` first: it asks the host (CPACR, lazy stacking) and unwinds on NOCP.
 *
 * Field use by the integer core (the FPU may use the generic fields as it likes and documents it in fpu/):
 *   rd/rn/rm/ra: register numbers (ra also = RdHi of long multiplies, Rt2 of LDRD/STRD, Rd status of STREX;
 *     for FP records: Vd/Vn/Vm indices).
 *   imm: an immediate or offset, already expanded (ThumbExpandImm, sign-extended branch offsets).
 *   imm2: a second immediate (shift amount 1..32, lsb, width, saturate bit position, rotation).
 *   shiftType: 0 LSL, 1 LSR, 2 ASR, 3 ROR, 4 RRX (DecodeImmShift, A7.4.2).
 *   setFlags: 1 when the S bit (or its 16-bit equivalent outside IT) says update APSR.
 *   carry: carry out of ThumbExpandImm_C: 0/1, or -1 when it leaves C unchanged.
 *   cond: condition code for B<cond> (0..14), 14 otherwise; 15 = executes even when its IT condition fails (BKPT).
 *   regList: register list bitmask (LDM/STM/PUSH/POP).
 *   index/add/wback: P, U, W of load/store addressing (1/0).
 *   op: a small sub-operation selector for handlers shared by a family (parallel add/sub flavour, FP op).
 *   aux: spare integer for the FPU or family handlers.
 *   Timing (TimingInfo of cycle-model.ts; the record *is* the TimingInfo passed to CycleModel.retire):
 *   cls, size, readMask, writeMask, transferCount.
 */
import type { TimingInfo } from '../cycle-model.js';
import { InsnClass } from '../insn-class.js';
import type { Cpu } from '../cpu.js';

/** Executes one decoded instruction. Plain function, no closure state: (cpu, record). */
export type ExecFn = (cpu: Cpu, insn: Insn) => void;

export class Insn implements TimingInfo {
  exec: ExecFn;
  execIt: ExecFn;
  /** Address of the instruction. */
  pc = 0;
  /** Raw encoding: hw1 for 16-bit, (hw1 << 16 | hw2) >>> 0 for 32-bit. */
  raw = 0;
  rd = 0;
  rn = 0;
  rm = 0;
  ra = 0;
  imm = 0;
  imm2 = 0;
  shiftType = 0;
  setFlags = 0;
  carry = -1;
  cond = 14;
  regList = 0;
  index = 1;
  add = 1;
  wback = 0;
  op = 0;
  aux = 0;
  /** Assembler-style name for traces and error messages ("adds", "ldr", "vmla.f32"). */
  mnemonic = '';
  // TimingInfo
  cls: InsnClass = InsnClass.Alu;
  size = 2;
  readMask = 0;
  writeMask = 0;
  transferCount = 0;
  // Optional TimingInfo refinements (cycle-model.ts), declared here so every record has one shape;
  // undefined means "not known" and the timing model uses its class default.
  fpReadMask: number | undefined = undefined;
  fpWriteMask: number | undefined = undefined;
  earlyMask: number | undefined = undefined;
  lateMask: number | undefined = undefined;
  baseWriteMask: number | undefined = undefined;
  flags: number | undefined = undefined;
  /** Row of the timing model's per-record facts; -1 until the model first sees the record. */
  timingId = -1;
  /** The timing model's pricing of this record (TimingInfo.timingHandle); null until it first sees it. */
  timingHandle: unknown = null;

  constructor(exec: ExecFn) {
    this.exec = exec;
    this.execIt = exec;
  }
}
