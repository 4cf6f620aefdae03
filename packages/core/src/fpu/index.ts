/**
 * FPU entry point for the integer decoder. The core calls `decodeFp(hw1, hw2)` for every 32-bit encoding
 * in coprocessor space with coproc CP10/CP11 (hw2[11:9] = 0b101): VFP data processing, the FPv5
 * additions (0xFExx), VLDR/VSTR/VLDM/VSTM/VPUSH/VPOP, VMOV core<->FP, VMRS/VMSR. It returns a decoded
 * record (../decode/decoded.ts; the core fills pc, raw and size), or null for an undefined encoding
 * (→ UNDEFINSTR). Record layout for FP instructions: see execute.ts.
 */
import type { Insn } from '../decode/decoded.js';
import { decodeFpInstruction } from './decode.js';

export function decodeFp(hw1: number, hw2: number): Insn | null {
  return decodeFpInstruction(hw1, hw2);
}

export * from './fpscr.js';
