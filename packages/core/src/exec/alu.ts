/**
 * Data-processing instructions (ARMv7-M ARM A7.7: AND, BIC, ORR, ORN, EOR, ADD, ADC, SBC, SUB, RSB, MOV,
 * MVN, TST, TEQ, CMN, CMP, shifts) with an immediate, an immediate-shifted register, or a register-shifted
 * register operand. `insn.op` selects the operation (values of {@link DpOp}).
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../decode/decoded.js';
import type { CpuState } from '../state.js';
import { shiftC, shifter } from './shift.js';

/** Operation numbers; 0–14 are the 32-bit data-processing `op` field values (A5.3.1 / A5.3.11). */
export const enum DpOp {
  AND = 0,
  BIC = 1,
  ORR = 2,
  ORN = 3,
  EOR = 4,
  ADD = 8,
  ADC = 10,
  SBC = 11,
  SUB = 13,
  RSB = 14,
  MOV = 16,
  MVN = 17,
  TST = 18,
  TEQ = 19,
  CMN = 20,
  CMP = 21,
}

/** AddWithCarry (A2.2.1) writing N Z C V. Inputs and result are unsigned 32-bit. */
export function addFlags(s: CpuState, a: number, b: number, carryIn: number): number {
  const sum = a + b + carryIn;
  const res = sum >>> 0;
  s.n = res >>> 31;
  s.z = res === 0 ? 1 : 0;
  s.c = sum > 0xffffffff ? 1 : 0;
  s.v = ((a ^ res) & (b ^ res)) >>> 31;
  return res;
}

function logicFlags(s: CpuState, res: number, carry: number): void {
  s.n = res >>> 31;
  s.z = res === 0 ? 1 : 0;
  if (carry >= 0) s.c = carry;
}

/** Computes op(a, b); flags when `setFlags`; returns the result or -1 for compare ops (no write). */
function dp(s: CpuState, op: number, a: number, b: number, setFlags: number, carry: number): number {
  let res: number;
  switch (op) {
    case DpOp.AND: res = (a & b) >>> 0; break;
    case DpOp.BIC: res = (a & ~b) >>> 0; break;
    case DpOp.ORR: res = (a | b) >>> 0; break;
    case DpOp.ORN: res = (a | ~b) >>> 0; break;
    case DpOp.EOR: res = (a ^ b) >>> 0; break;
    case DpOp.MOV: res = b; break;
    case DpOp.MVN: res = ~b >>> 0; break;
    case DpOp.TST: logicFlags(s, (a & b) >>> 0, carry); return -1;
    case DpOp.TEQ: logicFlags(s, (a ^ b) >>> 0, carry); return -1;
    case DpOp.ADD:
      if (setFlags) return addFlags(s, a, b, 0);
      return (a + b) >>> 0;
    case DpOp.ADC:
      if (setFlags) return addFlags(s, a, b, s.c);
      return (a + b + s.c) >>> 0;
    case DpOp.SUB:
      if (setFlags) return addFlags(s, a, ~b >>> 0, 1);
      return (a - b) >>> 0;
    case DpOp.SBC:
      if (setFlags) return addFlags(s, a, ~b >>> 0, s.c);
      return (a + (~b >>> 0) + s.c) >>> 0;
    case DpOp.RSB:
      if (setFlags) return addFlags(s, ~a >>> 0, b, 1);
      return (b - a) >>> 0;
    case DpOp.CMN: addFlags(s, a, b, 0); return -1;
    default: addFlags(s, a, ~b >>> 0, 1); return -1; // CMP
  }
  if (setFlags) logicFlags(s, res, carry);
  return res;
}

/** op Rd, Rn, #imm (modified or plain immediate; `carry` from ThumbExpandImm_C). */
export function dpImm(cpu: Cpu, i: Insn): void {
  const res = dp(cpu.state, i.op, cpu.r[i.rn], i.imm, i.setFlags, i.carry);
  if (res >= 0) cpu.r[i.rd] = res;
}

/** op Rd, Rn, Rm {, shift #n} (shift by immediate). */
export function dpReg(cpu: Cpu, i: Insn): void {
  const s = cpu.state;
  const b = shiftC(cpu.r[i.rm], i.shiftType, i.imm2, s.c);
  const res = dp(s, i.op, cpu.r[i.rn], b, i.setFlags, shifter.carry);
  if (res >= 0) cpu.r[i.rd] = res;
}

/** LSL/LSR/ASR/ROR Rd, Rn, Rm (shift by register: amount = Rm[7:0]). */
export function shiftByReg(cpu: Cpu, i: Insn): void {
  const s = cpu.state;
  const res = shiftC(cpu.r[i.rn], i.shiftType, cpu.r[i.rm] & 0xff, s.c);
  cpu.r[i.rd] = res;
  if (i.setFlags) logicFlags(s, res, shifter.carry);
}

// ---- fast paths for the commonest forms (no flags) ----

export function movImm(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = i.imm;
}

export function movReg(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = cpu.r[i.rm];
}

export function addImm(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = cpu.r[i.rn] + i.imm;
}

export function addReg(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = cpu.r[i.rn] + cpu.r[i.rm];
}

export function subImm(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = cpu.r[i.rn] - i.imm;
}

export function subsImm(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = addFlags(cpu.state, cpu.r[i.rn], ~i.imm >>> 0, 1);
}

export function addsImm(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = addFlags(cpu.state, cpu.r[i.rn], i.imm, 0);
}

export function cmpImm(cpu: Cpu, i: Insn): void {
  addFlags(cpu.state, cpu.r[i.rn], ~i.imm >>> 0, 1);
}

export function cmpReg(cpu: Cpu, i: Insn): void {
  addFlags(cpu.state, cpu.r[i.rn], ~cpu.r[i.rm] >>> 0, 1);
}

/** ADD/MOV (16-bit, high registers) writing PC: BranchWritePC (A7.7.4 T2, A7.7.76 T1). */
export function addRegToPc(cpu: Cpu, i: Insn): void {
  cpu.branchTo(cpu.r[i.rn] + cpu.r[i.rm]);
}

export function movRegToPc(cpu: Cpu, i: Insn): void {
  cpu.branchTo(cpu.r[i.rm]);
}

/** ADR: Rd = Align(PC,4) ± imm, folded to a constant at decode. */
export function adr(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = i.imm;
}

/** MOVT (A7.7.79): Rd[31:16] = imm16. */
export function movt(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = (cpu.r[i.rd] & 0xffff) | (i.imm << 16);
}

/** MUL (16-bit MULS sets N Z outside IT; A7.7.84) and MUL T2. */
export function mul(cpu: Cpu, i: Insn): void {
  const res = Math.imul(cpu.r[i.rn], cpu.r[i.rm]) >>> 0;
  cpu.r[i.rd] = res;
  if (i.setFlags) {
    cpu.state.n = res >>> 31;
    cpu.state.z = res === 0 ? 1 : 0;
  }
}

// ---- variants used inside an IT block by 16-bit encodings whose flags are set only outside IT ----

export function dpImmNoFlags(cpu: Cpu, i: Insn): void {
  const res = dp(cpu.state, i.op, cpu.r[i.rn], i.imm, 0, -1);
  if (res >= 0) cpu.r[i.rd] = res;
}

export function dpRegNoFlags(cpu: Cpu, i: Insn): void {
  const s = cpu.state;
  const b = shiftC(cpu.r[i.rm], i.shiftType, i.imm2, s.c);
  const res = dp(s, i.op, cpu.r[i.rn], b, 0, -1);
  if (res >= 0) cpu.r[i.rd] = res;
}

export function shiftByRegNoFlags(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = shiftC(cpu.r[i.rn], i.shiftType, cpu.r[i.rm] & 0xff, cpu.state.c);
}

export function mulNoFlags(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = Math.imul(cpu.r[i.rn], cpu.r[i.rm]);
}
