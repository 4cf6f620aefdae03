/**
 * Loads and stores (ARMv7-M ARM A7.7: LDR/LDRB/LDRH/LDRSB/LDRSH/STR/STRB/STRH in immediate, register,
 * literal, pre/post-indexed and unprivileged forms; LDRD/STRD; LDM/STM/PUSH/POP; LDREX/STREX; TBB/TBH).
 * All memory goes through the Cpu helpers, which turn bus errors into faults before any register
 * changes: handlers read everything first and write registers (incl. base writeback) last.
 */
import type { Cpu } from '../cpu.js';
import type { Insn } from '../decode/decoded.js';
import { FaultKind } from '../exception-host.js';

/** `insn.op` of single loads. */
export const enum LoadOp {
  Word = 0,
  Byte = 1,
  SignedByte = 2,
  Half = 3,
  SignedHalf = 4,
}

/** `insn.op` of single stores. */
export const enum StoreOp {
  Word = 0,
  Byte = 1,
  Half = 2,
}

function loadValue(cpu: Cpu, addr: number, op: number): number {
  switch (op) {
    case LoadOp.Word: return cpu.read32(addr);
    case LoadOp.Byte: return cpu.read8(addr);
    case LoadOp.SignedByte: return (cpu.read8(addr) << 24) >> 24;
    case LoadOp.Half: return cpu.read16(addr);
    default: return (cpu.read16(addr) << 16) >> 16;
  }
}

function storeValue(cpu: Cpu, addr: number, op: number, value: number): void {
  switch (op) {
    case StoreOp.Word: cpu.write32(addr, value); return;
    case StoreOp.Byte: cpu.write8(addr, value); return;
    default: cpu.write16(addr, value);
  }
}

function setRt(cpu: Cpu, rt: number, value: number): void {
  if (rt === 15) cpu.bxWritePc(value); // LoadWritePC (A2.3.1)
  else cpu.r[rt] = value;
}

/** LDR* Rt, [Rn, #±imm] */
export function ldImm(cpu: Cpu, i: Insn): void {
  const v = loadValue(cpu, (cpu.r[i.rn] + i.imm) >>> 0, i.op);
  setRt(cpu, i.rd, v);
}

/** LDR Rt, [Rn, #imm] for a low register word load: the commonest form, no PC check. */
export function ldrWordImm(cpu: Cpu, i: Insn): void {
  cpu.r[i.rd] = cpu.read32((cpu.r[i.rn] + i.imm) >>> 0);
}

/** LDR Rt, [Rn], #±imm for a word into a register other than PC (DSP loops walk arrays this way). */
export function ldrWordPost(cpu: Cpu, i: Insn): void {
  const addr = cpu.r[i.rn];
  const v = cpu.read32(addr);
  cpu.r[i.rn] = addr + i.imm;
  cpu.r[i.rd] = v;
}

/** LDR* Rt, [Rn, #±imm]! */
export function ldPre(cpu: Cpu, i: Insn): void {
  const addr = (cpu.r[i.rn] + i.imm) >>> 0;
  const v = loadValue(cpu, addr, i.op);
  cpu.r[i.rn] = addr;
  setRt(cpu, i.rd, v);
}

/** LDR* Rt, [Rn], #±imm */
export function ldPost(cpu: Cpu, i: Insn): void {
  const addr = cpu.r[i.rn];
  const v = loadValue(cpu, addr, i.op);
  cpu.r[i.rn] = addr + i.imm;
  setRt(cpu, i.rd, v);
}

/** LDR* Rt, [Rn, Rm {, LSL #imm2}] */
export function ldReg(cpu: Cpu, i: Insn): void {
  const v = loadValue(cpu, (cpu.r[i.rn] + (cpu.r[i.rm] << i.imm2)) >>> 0, i.op);
  setRt(cpu, i.rd, v);
}

/** LDR* Rt, [PC, #±imm]: address folded at decode (Align(PC,4) ± imm). */
export function ldLit(cpu: Cpu, i: Insn): void {
  setRt(cpu, i.rd, loadValue(cpu, i.imm, i.op));
}

export function stImm(cpu: Cpu, i: Insn): void {
  storeValue(cpu, (cpu.r[i.rn] + i.imm) >>> 0, i.op, cpu.r[i.rd] | 0);
}

export function stPre(cpu: Cpu, i: Insn): void {
  const addr = (cpu.r[i.rn] + i.imm) >>> 0;
  storeValue(cpu, addr, i.op, cpu.r[i.rd] | 0);
  cpu.r[i.rn] = addr;
}

export function stPost(cpu: Cpu, i: Insn): void {
  const addr = cpu.r[i.rn];
  storeValue(cpu, addr, i.op, cpu.r[i.rd] | 0);
  cpu.r[i.rn] = addr + i.imm;
}

export function stReg(cpu: Cpu, i: Insn): void {
  storeValue(cpu, (cpu.r[i.rn] + (cpu.r[i.rm] << i.imm2)) >>> 0, i.op, cpu.r[i.rd] | 0);
}

/** Hints that do nothing here: PLD, PLI (A7.7.98–A7.7.101) and unallocated memory hints. */
export function memHint(_cpu: Cpu, _i: Insn): void {}

// ---- LDRD / STRD (A7.7.50, A7.7.163): word-aligned or UNALIGNED fault ----

function dualAddress(cpu: Cpu, i: Insn): number {
  // rn = 15 is the literal form: base Align(PC,4).
  const base = i.rn === 15 ? (cpu.r[15] & ~3) >>> 0 : cpu.r[i.rn];
  return i.index ? (base + i.imm) >>> 0 : base;
}

export function ldrd(cpu: Cpu, i: Insn): void {
  const addr = dualAddress(cpu, i);
  const lo = cpu.read32Aligned(addr);
  const hi = cpu.read32Aligned((addr + 4) >>> 0);
  if (i.wback) cpu.r[i.rn] = cpu.r[i.rn] + i.imm;
  cpu.r[i.rd] = lo;
  cpu.r[i.ra] = hi;
}

export function strd(cpu: Cpu, i: Insn): void {
  const addr = dualAddress(cpu, i);
  cpu.write32Aligned(addr, cpu.r[i.rd] | 0);
  cpu.write32Aligned((addr + 4) >>> 0, cpu.r[i.ra] | 0);
  if (i.wback) cpu.r[i.rn] = cpu.r[i.rn] + i.imm;
}

// ---- LDM / STM / PUSH / POP (A7.7.40, A7.7.41, A7.7.159, A7.7.160) ----

/** LDM{IA} Rn{!}, {list}; LDMDB when `insn.add` = 0. Writeback when `insn.wback`. */
export function ldm(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const count = i.transferCount;
  const start = i.add ? r[i.rn] : (r[i.rn] - 4 * count) >>> 0;
  const scratch = cpu.scratch;
  let list = i.regList;
  let addr = start;
  for (let k = 0; list !== 0; k++, list >>>= 1) {
    if (list & 1) {
      scratch[k] = cpu.read32Aligned(addr);
      addr = (addr + 4) >>> 0;
    }
  }
  if (i.wback) r[i.rn] = i.add ? r[i.rn] + 4 * count : start;
  list = i.regList & 0x7fff;
  for (let k = 0; list !== 0; k++, list >>>= 1) if (list & 1) r[k] = scratch[k];
  if (i.regList & 0x8000) cpu.bxWritePc(scratch[15]);
}

/** STM{IA} Rn{!}, {list}; STMDB (PUSH) when `insn.add` = 0. */
export function stm(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const count = i.transferCount;
  const start = i.add ? r[i.rn] : (r[i.rn] - 4 * count) >>> 0;
  let list = i.regList;
  let addr = start;
  for (let k = 0; list !== 0; k++, list >>>= 1) {
    if (list & 1) {
      cpu.write32Aligned(addr, r[k] | 0);
      addr = (addr + 4) >>> 0;
    }
  }
  if (i.wback) r[i.rn] = i.add ? r[i.rn] + 4 * count : start;
}

// ---- exclusives (A3.4, A7.7.52–A7.7.55, A7.7.167–A7.7.170, A7.7.28) ----
// The local monitor records the tagged address; STREX succeeds only while it is open for that address.

/** LDREX/LDREXB/LDREXH: `op` = access size in bytes. Unaligned → UNALIGNED fault (A3.2.1). */
export function ldrex(cpu: Cpu, i: Insn): void {
  const addr = (cpu.r[i.rn] + i.imm) >>> 0;
  const size = i.op;
  if ((addr & (size - 1)) !== 0) cpu.fault(FaultKind.Unaligned, addr);
  const v = size === 4 ? cpu.read32(addr) : size === 2 ? cpu.read16(addr) : cpu.read8(addr);
  cpu.state.exclusiveAddress = addr;
  cpu.exclusiveSize = size;
  cpu.r[i.rd] = v;
}

/** STREX/STREXB/STREXH Rd(status in insn.ra), Rt(insn.rd), [Rn, #imm]. */
export function strex(cpu: Cpu, i: Insn): void {
  const addr = (cpu.r[i.rn] + i.imm) >>> 0;
  const size = i.op;
  if ((addr & (size - 1)) !== 0) cpu.fault(FaultKind.Unaligned, addr);
  const s = cpu.state;
  // ExclusiveMonitorsPass(address, size) (A3.4.5): the tagged address and the access size must match.
  if (s.exclusiveAddress === addr && cpu.exclusiveSize === size) {
    const v = cpu.r[i.rd] | 0;
    if (size === 4) cpu.write32(addr, v);
    else if (size === 2) cpu.write16(addr, v);
    else cpu.write8(addr, v);
    cpu.r[i.ra] = 0;
  } else {
    cpu.r[i.ra] = 1;
  }
  s.exclusiveAddress = -1;
}

export function clrex(cpu: Cpu, _i: Insn): void {
  cpu.state.exclusiveAddress = -1;
}

// ---- TBB / TBH (A7.7.185) ----

export function tbb(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const offset = cpu.read8((r[i.rn] + r[i.rm]) >>> 0);
  cpu.branchTo(r[15] + 2 * offset);
}

export function tbh(cpu: Cpu, i: Insn): void {
  const r = cpu.r;
  const offset = cpu.read16((r[i.rn] + (r[i.rm] << 1)) >>> 0);
  cpu.branchTo(r[15] + 2 * offset);
}
