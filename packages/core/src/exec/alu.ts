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

/**
 * AddWithCarry (A2.2.1) writing N Z C V. Inputs may be int32 or uint32 (same bits); returns the result as
 * int32 (int32 values stay unboxed in V8, and a Uint32Array store takes either).
 */
export function addFlags(s: CpuState, a: number, b: number, carryIn: number): number {
  const sum = (a >>> 0) + (b >>> 0) + carryIn;
  const res = sum | 0;
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

/** Rd = op(a, b) (compare ops write nothing); flags when `setFlags`. */
function dp(cpu: Cpu, i: Insn, a: number, b: number, setFlags: number, carry: number): void {
  const s = cpu.state;
  let res: number;
  switch (i.op) {
    case DpOp.AND: res = a & b; break;
    case DpOp.BIC: res = a & ~b; break;
    case DpOp.ORR: res = a | b; break;
    case DpOp.ORN: res = a | ~b; break;
    case DpOp.EOR: res = a ^ b; break;
    case DpOp.MOV: res = b | 0; break;
    case DpOp.MVN: res = ~b; break;
    case DpOp.TST: logicFlags(s, a & b, carry); return;
    case DpOp.TEQ: logicFlags(s, a ^ b, carry); return;
    case DpOp.ADD:
      cpu.r[i.rd] = setFlags ? addFlags(s, a, b, 0) : a + b;
      return;
    case DpOp.ADC:
      cpu.r[i.rd] = setFlags ? addFlags(s, a, b, s.c) : a + b + s.c;
      return;
    case DpOp.SUB:
      cpu.r[i.rd] = setFlags ? addFlags(s, a, ~b, 1) : a - b;
      return;
    case DpOp.SBC:
      cpu.r[i.rd] = setFlags ? addFlags(s, a, ~b, s.c) : a + ~b + s.c;
      return;
    case DpOp.RSB:
      cpu.r[i.rd] = setFlags ? addFlags(s, ~a, b, 1) : b - a;
      return;
    case DpOp.CMN: addFlags(s, a, b, 0); return;
    default: addFlags(s, a, ~b, 1); return; // CMP
  }
  cpu.r[i.rd] = res;
  if (setFlags) logicFlags(s, res, carry);
}

/** op Rd, Rn, #imm (modified or plain immediate; `carry` from ThumbExpandImm_C). */
export function dpImm(cpu: Cpu, i: Insn): void {
  dp(cpu, i, cpu.r[i.rn] | 0, i.imm | 0, i.setFlags, i.carry);
}

/** op Rd, Rn, Rm {, shift #n} (shift by immediate). */
export function dpReg(cpu: Cpu, i: Insn): void {
  const b = shiftC(cpu.r[i.rm], i.shiftType, i.imm2, cpu.state.c);
  dp(cpu, i, cpu.r[i.rn] | 0, b, i.setFlags, shifter.carry);
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
  cpu.r[i.rd] = addFlags(cpu.state, cpu.r[i.rn] | 0, ~i.imm, 1);
}

export function addsImm(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = addFlags(cpu.state, cpu.r[i.rn] | 0, i.imm | 0, 0);
}

export function cmpImm(cpu: Cpu, i: Insn): void {
  addFlags(cpu.state, cpu.r[i.rn] | 0, ~i.imm, 1);
}

export function subReg(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = cpu.r[i.rn] - cpu.r[i.rm];
}

export function addsReg(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = addFlags(cpu.state, cpu.r[i.rn] | 0, cpu.r[i.rm] | 0, 0);
}

export function subsReg(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = addFlags(cpu.state, cpu.r[i.rn] | 0, ~cpu.r[i.rm], 1);
}

/** MOVS Rd, #imm: N Z from the value, C from ThumbExpandImm (or unchanged). */
export function movsImm(cpu: Cpu, i: Insn): void {
  const s = cpu.state;
  const v = i.imm | 0;
  cpu.r[i.rd] = v;
  s.n = v >>> 31;
  s.z = v === 0 ? 1 : 0;
  if (i.carry >= 0) s.c = i.carry;
}

export function cmpReg(cpu: Cpu, i: Insn): void {
  addFlags(cpu.state, cpu.r[i.rn] | 0, ~cpu.r[i.rm], 1);
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
  const res = Math.imul(cpu.r[i.rn], cpu.r[i.rm]);
  cpu.r[i.rd] = res;
  if (i.setFlags) {
    cpu.state.n = res >>> 31;
    cpu.state.z = res === 0 ? 1 : 0;
  }
}

// ---- variants used inside an IT block by 16-bit encodings whose flags are set only outside IT ----

export function dpImmNoFlags(cpu: Cpu, i: Insn): void {
  dp(cpu, i, cpu.r[i.rn] | 0, i.imm | 0, 0, -1);
}

export function dpRegNoFlags(cpu: Cpu, i: Insn): void {
  const b = shiftC(cpu.r[i.rm], i.shiftType, i.imm2, cpu.state.c);
  dp(cpu, i, cpu.r[i.rn] | 0, b, 0, -1);
}

export function shiftByRegNoFlags(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = shiftC(cpu.r[i.rn], i.shiftType, cpu.r[i.rm] & 0xff, cpu.state.c);
}

export function mulNoFlags(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = Math.imul(cpu.r[i.rn], cpu.r[i.rm]);
}
