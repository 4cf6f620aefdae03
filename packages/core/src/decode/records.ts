/**
 * Shared pieces of the Thumb decoder: building {@link Insn} records (with their timing facts: class,
 * registers read and written), the immediate decoders of the ARMv7-M ARM (DecodeImmShift A7.4.2,
 * ThumbExpandImm_C A5.3.2) and the record families shared by the 16- and 32-bit decoders.
 */
import { Insn, type ExecFn } from './decoded.js';
import { InsnClass } from '../insn-class.js';
import * as alu from '../exec/alu.js';
import { DpOp } from '../exec/alu.js';
import * as mem from '../exec/mem.js';
import { LoadOp, StoreOp } from '../exec/mem.js';
import * as sys from '../exec/system.js';
import { Shift } from '../exec/shift.js';

// ---- record construction helpers ----

export function rec(exec: ExecFn, cls: InsnClass, mnemonic: string, reads: number, writes: number): Insn {
  const i = new Insn(exec);
  i.cls = cls;
  i.mnemonic = mnemonic;
  i.readMask = reads & 0xffff;
  i.writeMask = writes & 0xffff;
  return i;
}

export const bit = (r: number): number => 1 << r;

export function undef(): Insn {
  return rec(sys.undefinedInsn, InsnClass.Undefined, 'udf', 0, 0);
}

export function popcount16(v: number): number {
  let n = 0;
  for (; v !== 0; v &= v - 1) n++;
  return n;
}

export function signExtend(value: number, bits: number): number {
  const shift = 32 - bits;
  return (value << shift) >> shift;
}

/** DecodeImmShift (A7.4.2): sets shiftType and imm2 (amount; 1 for RRX). */
export function decodeImmShift(i: Insn, type: number, imm5: number): void {
  switch (type) {
    case 0: i.shiftType = Shift.LSL; i.imm2 = imm5; break;
    case 1: i.shiftType = Shift.LSR; i.imm2 = imm5 === 0 ? 32 : imm5; break;
    case 2: i.shiftType = Shift.ASR; i.imm2 = imm5 === 0 ? 32 : imm5; break;
    default:
      if (imm5 === 0) { i.shiftType = Shift.RRX; i.imm2 = 1; }
      else { i.shiftType = Shift.ROR; i.imm2 = imm5; }
  }
}

/** ThumbExpandImm_C (A5.3.2): returns the value; `expandCarry` is the carry out or -1 (unchanged). */
export let expandCarry = -1;
export function thumbExpandImm(imm12: number): number {
  const imm8 = imm12 & 0xff;
  if ((imm12 >>> 10) === 0) {
    expandCarry = -1;
    switch ((imm12 >>> 8) & 3) {
      case 0: return imm8;
      case 1: return ((imm8 << 16) | imm8) >>> 0;
      case 2: return ((imm8 << 24) | (imm8 << 8)) >>> 0;
      default: return ((imm8 << 24) | (imm8 << 16) | (imm8 << 8) | imm8) >>> 0;
    }
  }
  const unrotated = 0x80 | (imm12 & 0x7f);
  const rot = imm12 >>> 7;
  const value = ((unrotated >>> rot) | (unrotated << (32 - rot))) >>> 0;
  expandCarry = value >>> 31;
  return value;
}

export const DP_NAMES: Record<number, string> = {
  [DpOp.AND]: 'and', [DpOp.BIC]: 'bic', [DpOp.ORR]: 'orr', [DpOp.ORN]: 'orn', [DpOp.EOR]: 'eor',
  [DpOp.ADD]: 'add', [DpOp.ADC]: 'adc', [DpOp.SBC]: 'sbc', [DpOp.SUB]: 'sub', [DpOp.RSB]: 'rsb',
  [DpOp.MOV]: 'mov', [DpOp.MVN]: 'mvn', [DpOp.TST]: 'tst', [DpOp.TEQ]: 'teq', [DpOp.CMN]: 'cmn', [DpOp.CMP]: 'cmp',
};

export function isCompare(op: number): boolean {
  return op >= DpOp.TST;
}

/**
 * A data-processing record. `imm` null → register operand (rm, shift already in shiftType/imm2 by caller).
 * `itFlags`: 16-bit encoding whose S is "outside IT block" (A7.7 setflags = !InITBlock()).
 */
export function dpRecord(op: number, rd: number, rn: number, rm: number, imm: number | null, setFlags: boolean, itFlags: boolean, carry = -1): Insn {
  const compare = isCompare(op);
  const usesRn = op !== DpOp.MOV && op !== DpOp.MVN;
  const reads = (usesRn ? bit(rn) : 0) | (imm === null ? bit(rm) : 0);
  const writes = compare ? 0 : bit(rd);
  const i = rec(imm === null ? alu.dpReg : alu.dpImm, InsnClass.Alu, DP_NAMES[op] + (setFlags && !compare ? 's' : ''), reads, writes);
  i.op = op;
  i.rd = rd;
  i.rn = rn;
  i.rm = rm;
  i.setFlags = setFlags || compare ? 1 : 0;
  if (imm !== null) {
    i.imm = imm >>> 0;
    i.carry = carry;
    // fast paths
    if (!i.setFlags) {
      if (op === DpOp.MOV) i.exec = alu.movImm;
      else if (op === DpOp.ADD) i.exec = alu.addImm;
      else if (op === DpOp.SUB) i.exec = alu.subImm;
    } else if (op === DpOp.CMP) i.exec = alu.cmpImm;
    else if (op === DpOp.SUB) i.exec = alu.subsImm;
    else if (op === DpOp.ADD) i.exec = alu.addsImm;
    else if (op === DpOp.MOV) i.exec = alu.movsImm;
    i.execIt = i.exec;
    if (itFlags && setFlags) {
      i.execIt = op === DpOp.ADD ? alu.addImm : op === DpOp.SUB ? alu.subImm : op === DpOp.MOV ? alu.movImm : alu.dpImmNoFlags;
    }
  } else {
    i.exec = alu.dpReg;
    const plain = i.shiftType === Shift.LSL && i.imm2 === 0;
    if (!plain) i.cls = InsnClass.AluShift;
    if (plain && !i.setFlags) {
      if (op === DpOp.MOV) i.exec = alu.movReg;
      else if (op === DpOp.ADD) i.exec = alu.addReg;
      else if (op === DpOp.SUB) i.exec = alu.subReg;
    } else if (plain && op === DpOp.CMP) i.exec = alu.cmpReg;
    else if (plain && op === DpOp.ADD) i.exec = alu.addsReg;
    else if (plain && op === DpOp.SUB) i.exec = alu.subsReg;
    i.execIt = i.exec;
    if (itFlags && setFlags) i.execIt = op === DpOp.ADD ? alu.addReg : op === DpOp.SUB ? alu.subReg : alu.dpRegNoFlags;
  }
  return i;
}

export function writesPc(i: Insn): Insn {
  i.cls = InsnClass.BranchIndirect;
  return i;
}

// ---- loads and stores ----

export const LOAD_NAMES = ['ldr', 'ldrb', 'ldrsb', 'ldrh', 'ldrsh'];
export const STORE_NAMES = ['str', 'strb', 'strh'];

export type AddrMode = 'offset' | 'pre' | 'post' | 'reg' | 'literal';

export function loadRecord(op: LoadOp, rt: number, rn: number, mode: AddrMode, imm: number, rm = 0, shift = 0): Insn {
  const exec = mode === 'offset' ? mem.ldImm : mode === 'pre' ? mem.ldPre : mode === 'post' ? mem.ldPost : mode === 'reg' ? mem.ldReg : mem.ldLit;
  const reads = (mode === 'literal' ? 0 : bit(rn)) | (mode === 'reg' ? bit(rm) : 0);
  const writes = bit(rt) | (mode === 'pre' || mode === 'post' ? bit(rn) : 0);
  const cls = rt === 15 ? InsnClass.BranchIndirect : op === LoadOp.Word ? InsnClass.Load : InsnClass.LoadNarrow;
  const i = rec(exec, cls, LOAD_NAMES[op], reads, writes);
  i.op = op;
  i.rd = rt;
  i.rn = rn;
  i.rm = rm;
  i.imm = imm;
  i.imm2 = shift;
  i.index = mode === 'post' ? 0 : 1;
  i.add = imm < 0 ? 0 : 1;
  i.wback = mode === 'pre' || mode === 'post' ? 1 : 0;
  if (mode === 'offset' && op === LoadOp.Word && rt !== 15) i.exec = i.execIt = mem.ldrWordImm;
  if (mode === 'post' && op === LoadOp.Word && rt !== 15) i.exec = i.execIt = mem.ldrWordPost;
  return i;
}

export function storeRecord(op: StoreOp, rt: number, rn: number, mode: AddrMode, imm: number, rm = 0, shift = 0): Insn {
  const exec = mode === 'offset' ? mem.stImm : mode === 'pre' ? mem.stPre : mode === 'post' ? mem.stPost : mem.stReg;
  const reads = bit(rt) | bit(rn) | (mode === 'reg' ? bit(rm) : 0);
  const writes = mode === 'pre' || mode === 'post' ? bit(rn) : 0;
  const i = rec(exec, InsnClass.Store, STORE_NAMES[op], reads, writes);
  i.op = op;
  i.rd = rt;
  i.rn = rn;
  i.rm = rm;
  i.imm = imm;
  i.imm2 = shift;
  i.index = mode === 'post' ? 0 : 1;
  i.add = imm < 0 ? 0 : 1;
  i.wback = mode === 'pre' || mode === 'post' ? 1 : 0;
  return i;
}

export function multipleRecord(load: boolean, rn: number, list: number, increment: boolean, wback: boolean, name: string): Insn {
  const writes = (load ? list : 0) | (wback ? bit(rn) : 0);
  const reads = bit(rn) | (load ? 0 : list);
  const cls = load ? (list & 0x8000 ? InsnClass.BranchIndirect : InsnClass.LoadMultiple) : InsnClass.StoreMultiple;
  const i = rec(load ? mem.ldm : mem.stm, cls, name, reads, writes);
  i.rn = rn;
  i.regList = list;
  i.add = increment ? 1 : 0;
  i.wback = wback ? 1 : 0;
  i.transferCount = popcount16(list);
  return i;
}

/** PC read value (A5.1.2): the instruction address + 4. Align(PC, 4) for literals. */
export function alignedPc(pc: number): number {
  return ((pc + 4) & ~3) >>> 0;
}

/** NOP-compatible hints (A7.7.xx): 0 NOP, 1 YIELD, 2 WFE, 3 WFI, 4 SEV; others execute as NOP. */
export function hint(op: number): Insn {
  switch (op) {
    case 2: return rec(sys.wfe, InsnClass.Sleep, 'wfe', 0, 0);
    case 3: return rec(sys.wfi, InsnClass.Sleep, 'wfi', 0, 0);
    case 4: return rec(sys.sev, InsnClass.System, 'sev', 0, 0);
    default: return rec(sys.nop, InsnClass.System, op === 1 ? 'yield' : 'nop', 0, 0);
  }
}
