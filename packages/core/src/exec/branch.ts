/**
 * Branches (ARMv7-M ARM A7.7.12 B, A7.7.18 BL, A7.7.19 BLX, A7.7.20 BX, A7.7.21 CBZ/CBNZ).
 * Direct targets are folded to absolute addresses at decode (`insn.imm`).
 */
import { conditionPassed, type Cpu } from '../cpu.js';
import type { Insn } from '../decode/decoded.js';

export function b(cpu: Cpu, i: Insn): void {
  cpu.nextPc = i.imm;
  cpu.branched = 2;
  if (i.imm <= cpu.curPc) loopBranch(cpu, i);
}

export function bCond(cpu: Cpu, i: Insn): void {
  if (conditionPassed(cpu.state, i.cond)) take(cpu, i);
}

// B<cond> specialised per condition (no switch at execution). A7.3.1 condition table.
// A taken branch to itself spins until an exception: exception return restores the flags it tested.
function take(cpu: Cpu, i: Insn): void {
  cpu.nextPc = i.imm;
  cpu.branched = 2;
  if (i.imm <= cpu.curPc) loopBranch(cpu, i);
}

/** A taken branch backwards closes a loop turn; one to itself (`b .`) can only wait for an exception. */
function loopBranch(cpu: Cpu, i: Insn): void {
  if (i.imm === cpu.curPc) cpu.exceptions.spinInPlace();
  else cpu.backwardBranch();
}
export function bEq(cpu: Cpu, i: Insn): void { if (cpu.state.z === 1) take(cpu, i); }
export function bNe(cpu: Cpu, i: Insn): void { if (cpu.state.z === 0) take(cpu, i); }
export function bCs(cpu: Cpu, i: Insn): void { if (cpu.state.c === 1) take(cpu, i); }
export function bCc(cpu: Cpu, i: Insn): void { if (cpu.state.c === 0) take(cpu, i); }
export function bMi(cpu: Cpu, i: Insn): void { if (cpu.state.n === 1) take(cpu, i); }
export function bPl(cpu: Cpu, i: Insn): void { if (cpu.state.n === 0) take(cpu, i); }
export function bGe(cpu: Cpu, i: Insn): void { if (cpu.state.n === cpu.state.v) take(cpu, i); }
export function bLt(cpu: Cpu, i: Insn): void { if (cpu.state.n !== cpu.state.v) take(cpu, i); }
export function bGt(cpu: Cpu, i: Insn): void { const s = cpu.state; if (s.z === 0 && s.n === s.v) take(cpu, i); }
export function bLe(cpu: Cpu, i: Insn): void { const s = cpu.state; if (s.z === 1 || s.n !== s.v) take(cpu, i); }

/** The B<cond> handler for a condition code: a specialised one for the common codes, else the generic one. */
export function condBranchHandler(cond: number): (cpu: Cpu, i: Insn) => void {
  switch (cond) {
    case 0: return bEq;
    case 1: return bNe;
    case 2: return bCs;
    case 3: return bCc;
    case 4: return bMi;
    case 5: return bPl;
    case 10: return bGe;
    case 11: return bLt;
    case 12: return bGt;
    case 13: return bLe;
    default: return bCond;
  }
}

export function bl(cpu: Cpu, i: Insn): void {
  cpu.r[14] = (cpu.nextPc | 1) >>> 0;
  cpu.nextPc = i.imm;
  cpu.branched = 2;
}

export function bx(cpu: Cpu, i: Insn): void {
  cpu.bxWritePc(cpu.r[i.rm]);
}

/** BLX Rm (BLXWritePC, A2.3.1): no exception return; bit 0 = 0 faults INVSTATE next. */
export function blx(cpu: Cpu, i: Insn): void {
  const target = cpu.r[i.rm];
  cpu.r[14] = (cpu.nextPc | 1) >>> 0;
  cpu.state.thumb = target & 1;
  cpu.nextPc = (target & ~1) >>> 0;
  cpu.branched = 2;
}

/** CBZ (op = 0) / CBNZ (op = 1). */
export function cbz(cpu: Cpu, i: Insn): void {
  if ((cpu.r[i.rn] === 0 ? 0 : 1) === i.op) {
    cpu.nextPc = i.imm;
    cpu.branched = 2;
  }
}
