/**
 * Branches (ARMv7-M ARM A7.7.12 B, A7.7.18 BL, A7.7.19 BLX, A7.7.20 BX, A7.7.21 CBZ/CBNZ).
 * Direct targets are folded to absolute addresses at decode (`insn.imm`).
 */
import { conditionPassed, type Cpu } from '../cpu.js';
import type { Insn } from '../decode/decoded.js';

export function b(cpu: Cpu, i: Insn): void {
  cpu.nextPc = i.imm;
  cpu.branched = 2;
}

export function bCond(cpu: Cpu, i: Insn): void {
  if (conditionPassed(cpu.state, i.cond)) {
    cpu.nextPc = i.imm;
    cpu.branched = 2;
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
