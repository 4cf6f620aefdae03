/**
 * 32-bit Thumb-2 encodings (ARMv7-M ARM DDI 0403E A5.3) into {@link Insn} records. Coprocessor space goes
 * to the FPU's decodeFp for CP10/CP11, else decodes to a NOCP fault.
 */
import type { Insn, ExecFn } from './decoded.js';
import { InsnClass } from '../insn-class.js';
import { decodeFp } from '../fpu/index.js';
import * as alu from '../exec/alu.js';
import { DpOp } from '../exec/alu.js';
import * as mem from '../exec/mem.js';
import { LoadOp, StoreOp } from '../exec/mem.js';
import * as br from '../exec/branch.js';
import * as mul from '../exec/mul.js';
import * as dsp from '../exec/dsp.js';
import * as sys from '../exec/system.js';
import { Shift } from '../exec/shift.js';
import { rec, bit, undef, signExtend, decodeImmShift, expandCarry, thumbExpandImm, isCompare, dpRecord, type AddrMode, loadRecord, storeRecord, multipleRecord, alignedPc, hint } from './records.js';

// ---- 32-bit ----

export function decode32(hw1: number, hw2: number, pc: number): Insn {
  const op1 = (hw1 >>> 11) & 3;
  const op2 = (hw1 >>> 4) & 0x7f;
  if (op1 === 1) {
    if ((op2 & 0x64) === 0) return decodeLoadStoreMultiple(hw1, hw2);
    if ((op2 & 0x64) === 0x04) return decodeDualExclusiveTable(hw1, hw2, pc);
    if ((op2 & 0x60) === 0x20) return decodeDpShiftedRegister(hw1, hw2);
    return decodeCoprocessor(hw1, hw2);
  }
  if (op1 === 2) {
    if ((hw2 & 0x8000) !== 0) return decodeBranchMisc(hw1, hw2, pc);
    return (op2 & 0x20) === 0 ? decodeDpModifiedImmediate(hw1, hw2) : decodeDpPlainImmediate(hw1, hw2, pc);
  }
  if ((op2 & 0x71) === 0x00) return decodeLoadStoreSingle(hw1, hw2, pc);
  if ((op2 & 0x67) === 0x01 || (op2 & 0x67) === 0x03 || (op2 & 0x67) === 0x05) return decodeLoadStoreSingle(hw1, hw2, pc);
  if ((op2 & 0x70) === 0x20) return decodeDpRegister(hw1, hw2);
  if ((op2 & 0x78) === 0x30) return decodeMultiply(hw1, hw2);
  if ((op2 & 0x78) === 0x38) return decodeLongMultiply(hw1, hw2);
  if ((op2 & 0x40) !== 0) return decodeCoprocessor(hw1, hw2);
  return undef();
}

function decodeCoprocessor(hw1: number, hw2: number): Insn {
  if (((hw2 >>> 9) & 7) === 5) return decodeFp(hw1, hw2) ?? rec(sys.undefinedFp, InsnClass.Undefined, 'udf (cp10/11)', 0, 0);
  return rec(sys.noCoprocessor, InsnClass.Undefined, 'cdp/mcr/ldc', 0, 0);
}

/** A5.3.5 */
function decodeLoadStoreMultiple(hw1: number, hw2: number): Insn {
  const op = (hw1 >>> 7) & 3;
  const load = (hw1 & 0x10) !== 0;
  const wback = (hw1 & 0x20) !== 0;
  const rn = hw1 & 0xf;
  if (op !== 1 && op !== 2) return undef(); // SRS/RFE: not in ARMv7-M
  const list = load ? hw2 & 0xdfff : hw2 & 0x5fff;
  if (list === 0 || rn === 15) return undef();
  const increment = op === 1;
  const name = load ? (increment ? (wback && rn === 13 ? 'pop' : 'ldm') : 'ldmdb') : increment ? 'stm' : wback && rn === 13 ? 'push' : 'stmdb';
  return multipleRecord(load, rn, list, increment, wback, name);
}

/** A5.3.6 */
function decodeDualExclusiveTable(hw1: number, hw2: number, pc: number): Insn {
  const opA = (hw1 >>> 7) & 3;
  const opB = (hw1 >>> 4) & 3;
  const op3 = (hw2 >>> 4) & 0xf;
  const rn = hw1 & 0xf;
  const rt = hw2 >>> 12;
  const rd = (hw2 >>> 8) & 0xf;
  if (opA === 0 && opB < 2) {
    const load = opB === 1;
    const i = rec(load ? mem.ldrex : mem.strex, InsnClass.Exclusive, load ? 'ldrex' : 'strex', bit(rn) | (load ? 0 : bit(rt)), load ? bit(rt) : bit(rd));
    i.rn = rn;
    i.rd = rt;
    i.ra = rd;
    i.imm = (hw2 & 0xff) << 2;
    i.op = 4;
    return i;
  }
  if ((opA & 2) !== 0 || opB >= 2) {
    // LDRD/STRD (immediate, literal): P = hw1[8], U = hw1[7], W = hw1[5]
    const load = (hw1 & 0x10) !== 0;
    const index = (hw1 >>> 8) & 1;
    const add = (hw1 >>> 7) & 1;
    const wback = (hw1 >>> 5) & 1;
    const imm = (hw2 & 0xff) << 2;
    const i = rec(load ? mem.ldrd : mem.strd, load ? InsnClass.LoadDouble : InsnClass.StoreDouble, load ? 'ldrd' : 'strd',
      (rn === 15 ? 0 : bit(rn)) | (load ? 0 : bit(rt) | bit(rd)), (load ? bit(rt) | bit(rd) : 0) | (wback ? bit(rn) : 0));
    i.rn = rn;
    i.rd = rt;
    i.ra = rd;
    i.imm = add ? imm : -imm;
    i.index = index;
    i.add = add;
    i.wback = wback;
    if ((!load && rn === 15) || rt === 15 || rd === 15 || rt === 13 || rd === 13) return undef(); // UNPREDICTABLE
    void pc;
    return i;
  }
  if (opA === 1 && opB === 0) {
    // STREXB / STREXH
    if (op3 !== 4 && op3 !== 5) return undef();
    const status = hw2 & 0xf;
    const i = rec(mem.strex, InsnClass.Exclusive, op3 === 4 ? 'strexb' : 'strexh', bit(rn) | bit(rt), bit(status));
    i.rn = rn;
    i.rd = rt;
    i.ra = status;
    i.op = op3 === 4 ? 1 : 2;
    return i;
  }
  // opA = 1, opB = 1: TBB, TBH, LDREXB, LDREXH
  if (op3 === 0 || op3 === 1) {
    const rm = hw2 & 0xf;
    const i = rec(op3 === 0 ? mem.tbb : mem.tbh, InsnClass.TableBranch, op3 === 0 ? 'tbb' : 'tbh', bit(rn) | bit(rm), 0);
    i.rn = rn;
    i.rm = rm;
    return i;
  }
  if (op3 === 4 || op3 === 5) {
    const i = rec(mem.ldrex, InsnClass.Exclusive, op3 === 4 ? 'ldrexb' : 'ldrexh', bit(rn), bit(rt));
    i.rn = rn;
    i.rd = rt;
    i.op = op3 === 4 ? 1 : 2;
    return i;
  }
  return undef();
}

const DP_VALID = new Set([DpOp.AND, DpOp.BIC, DpOp.ORR, DpOp.ORN, DpOp.EOR, DpOp.ADD, DpOp.ADC, DpOp.SBC, DpOp.SUB, DpOp.RSB]);

/** Maps a 32-bit data-processing op with Rd/Rn = 15 to its alias (TST, TEQ, CMN, CMP, MOV, MVN). */
function dpAlias(op: number, rd: number, rn: number, s: boolean): number {
  if (rd === 15 && s) {
    if (op === DpOp.AND) return DpOp.TST;
    if (op === DpOp.EOR) return DpOp.TEQ;
    if (op === DpOp.ADD) return DpOp.CMN;
    if (op === DpOp.SUB) return DpOp.CMP;
  }
  if (rn === 15) {
    if (op === DpOp.ORR) return DpOp.MOV;
    if (op === DpOp.ORN) return DpOp.MVN;
  }
  return op;
}

/** A5.3.1 */
function decodeDpModifiedImmediate(hw1: number, hw2: number): Insn {
  const op = (hw1 >>> 5) & 0xf;
  const s = (hw1 & 0x10) !== 0;
  const rn = hw1 & 0xf;
  const rd = (hw2 >>> 8) & 0xf;
  if (!DP_VALID.has(op)) return undef();
  const imm12 = (((hw1 >>> 10) & 1) << 11) | (((hw2 >>> 12) & 7) << 8) | (hw2 & 0xff);
  const value = thumbExpandImm(imm12);
  const real = dpAlias(op, rd, rn, s);
  if (!isCompare(real) && rd === 15) return undef();
  return dpRecord(real, rd, rn, 0, value, s, false, expandCarry);
}

/** A5.3.11 */
function decodeDpShiftedRegister(hw1: number, hw2: number): Insn {
  const op = (hw1 >>> 5) & 0xf;
  const s = (hw1 & 0x10) !== 0;
  const rn = hw1 & 0xf;
  const rd = (hw2 >>> 8) & 0xf;
  const rm = hw2 & 0xf;
  const imm5 = (((hw2 >>> 12) & 7) << 2) | ((hw2 >>> 6) & 3);
  const type = (hw2 >>> 4) & 3;
  if (op === 6) {
    // PKHBT / PKHTB
    if (s || (type & 1)) return undef();
    const tb = (type >>> 1) & 1;
    const i = rec(dsp.pkh, InsnClass.Dsp, tb ? 'pkhtb' : 'pkhbt', bit(rn) | bit(rm), bit(rd));
    i.rd = rd;
    i.rn = rn;
    i.rm = rm;
    i.op = tb;
    decodeImmShift(i, tb ? 2 : 0, imm5);
    return i;
  }
  if (!DP_VALID.has(op)) return undef();
  const real = dpAlias(op, rd, rn, s);
  if (!isCompare(real) && rd === 15) return undef();
  return dpRecordShifted(real, rd, rn, rm, s, type, imm5);
}

/** A 32-bit data-processing record with a shifted register operand (DecodeImmShift of type, imm5). */
function dpRecordShifted(op: number, rd: number, rn: number, rm: number, s: boolean, type: number, imm5: number): Insn {
  const i = dpRecord(op, rd, rn, rm, null, s, false);
  decodeImmShift(i, type, imm5);
  const plain = i.shiftType === Shift.LSL && i.imm2 === 0;
  if (!plain) {
    i.cls = InsnClass.AluShift;
    i.exec = i.execIt = alu.dpReg;
    if (op === DpOp.MOV) i.mnemonic = ['lsl', 'lsr', 'asr', 'ror', 'rrx'][i.shiftType] + (s ? 's' : '');
  }
  return i;
}

/** A5.3.3 */
function decodeDpPlainImmediate(hw1: number, hw2: number, pc: number): Insn {
  const op = (hw1 >>> 4) & 0x1f;
  const rn = hw1 & 0xf;
  const rd = (hw2 >>> 8) & 0xf;
  const imm12 = (((hw1 >>> 10) & 1) << 11) | (((hw2 >>> 12) & 7) << 8) | (hw2 & 0xff);
  const imm5 = (((hw2 >>> 12) & 7) << 2) | ((hw2 >>> 6) & 3);
  const low5 = hw2 & 0x1f;
  if (rd === 15) return undef();
  switch (op) {
    case 0x00:
    case 0x0a: {
      const sub = op === 0x0a;
      if (rn === 15) {
        const i = rec(alu.adr, InsnClass.Alu, 'adr', 0, bit(rd));
        i.rd = rd;
        i.imm = (alignedPc(pc) + (sub ? -imm12 : imm12)) >>> 0;
        return i;
      }
      const i = dpRecord(sub ? DpOp.SUB : DpOp.ADD, rd, rn, 0, imm12, false, false);
      i.mnemonic = sub ? 'subw' : 'addw';
      return i;
    }
    case 0x04: {
      const imm16 = ((hw1 & 0xf) << 12) | imm12;
      const i = dpRecord(DpOp.MOV, rd, 0, 0, imm16, false, false);
      i.mnemonic = 'movw';
      return i;
    }
    case 0x0c: {
      const i = rec(alu.movt, InsnClass.Alu, 'movt', bit(rd), bit(rd));
      i.rd = rd;
      i.imm = ((hw1 & 0xf) << 12) | imm12;
      return i;
    }
    case 0x10:
    case 0x12:
    case 0x18:
    case 0x1a: {
      const unsigned = op >= 0x18;
      const sh = (op >>> 1) & 1;
      const i = rec(dsp.ssat, InsnClass.Dsp, unsigned ? 'usat' : 'ssat', bit(rn), bit(rd));
      i.rd = rd;
      i.rn = rn;
      if (sh && imm5 === 0) {
        // SSAT16 / USAT16
        if ((hw2 & 0x30) !== 0) return undef();
        i.exec = i.execIt = unsigned ? dsp.usat16 : dsp.ssat16;
        i.mnemonic += '16';
        i.imm2 = unsigned ? hw2 & 0xf : (hw2 & 0xf) + 1;
        return i;
      }
      i.exec = i.execIt = unsigned ? dsp.usat : dsp.ssat;
      i.imm2 = unsigned ? low5 : low5 + 1;
      i.shiftType = sh ? Shift.ASR : Shift.LSL;
      i.imm = sh ? (imm5 === 0 ? 32 : imm5) : imm5;
      return i;
    }
    case 0x14:
    case 0x1c: {
      const signed = op === 0x14;
      const width = low5 + 1;
      if (imm5 + width > 32) return undef();
      const i = rec(dsp.bfx, InsnClass.Dsp, signed ? 'sbfx' : 'ubfx', bit(rn), bit(rd));
      i.rd = rd;
      i.rn = rn;
      i.op = signed ? 1 : 0;
      i.imm = imm5;
      i.imm2 = width;
      return i;
    }
    case 0x16: {
      if (low5 < imm5) return undef();
      const i = rec(dsp.bfi, InsnClass.Dsp, rn === 15 ? 'bfc' : 'bfi', bit(rd) | (rn === 15 ? 0 : bit(rn)), bit(rd));
      i.rd = rd;
      i.rn = rn;
      i.imm = imm5;
      i.imm2 = low5;
      return i;
    }
    default:
      return undef();
  }
}

/** A5.3.4 */
function decodeBranchMisc(hw1: number, hw2: number, pc: number): Insn {
  const op = (hw1 >>> 4) & 0x7f;
  const op1 = (hw2 >>> 12) & 7;
  const s = (hw1 >>> 10) & 1;
  const j1 = (hw2 >>> 13) & 1;
  const j2 = (hw2 >>> 11) & 1;
  if (op1 === 2 && op === 0x7f) return undef(); // UDF T2 (permanently undefined)
  if ((op1 & 5) === 0) {
    if ((op & 0x38) !== 0x38) {
      // B<cond> T3
      const offset = signExtend((s << 20) | (j2 << 19) | (j1 << 18) | ((hw1 & 0x3f) << 12) | ((hw2 & 0x7ff) << 1), 21);
      const i = rec(br.condBranchHandler((hw1 >>> 6) & 0xf), InsnClass.Branch, 'b<c>.w', 0, 0);
      i.cond = (hw1 >>> 6) & 0xf;
      i.imm = (pc + 4 + offset) >>> 0;
      return i;
    }
    if ((op & 0x7e) === 0x38) {
      const sysm = hw2 & 0xff;
      const mask = (hw2 >>> 10) & 3;
      const rn = hw1 & 0xf;
      if (!sys.validSysReg(sysm) || (hw2 & 0x300) !== 0 || rn === 15) return undef();
      if (mask === 0 || (sysm > 3 && mask !== 2)) return undef();
      const i = rec(sys.msr, InsnClass.System, 'msr', bit(rn), sysm === 8 || sysm === 9 ? bit(13) : 0);
      i.rn = rn;
      i.imm = sysm;
      i.op = mask;
      return i;
    }
    if (op === 0x3a) {
      if ((hw2 & 0x700) !== 0) return undef(); // CPS.W is not in ARMv7-M
      return hint(hw2 & 0xff);
    }
    if (op === 0x3b) {
      switch ((hw2 >>> 4) & 0xf) {
        case 2: return rec(mem.clrex, InsnClass.Exclusive, 'clrex', 0, 0);
        case 4: return rec(sys.nop, InsnClass.System, 'dsb', 0, 0);
        case 5: return rec(sys.nop, InsnClass.System, 'dmb', 0, 0);
        case 6: return rec(sys.nop, InsnClass.System, 'isb', 0, 0);
        default: return undef();
      }
    }
    if ((op & 0x7e) === 0x3e) {
      const sysm = hw2 & 0xff;
      const rd = (hw2 >>> 8) & 0xf;
      if (!sys.validSysReg(sysm) || rd === 15) return undef();
      const i = rec(sys.mrs, InsnClass.System, 'mrs', sysm === 8 || sysm === 9 ? bit(13) : 0, bit(rd));
      i.rd = rd;
      i.imm = sysm;
      return i;
    }
    return undef();
  }
  if ((op1 & 1) === 0) return undef(); // BLX (immediate): not in ARMv7-M
  // B T4 (op1 = 0x1) and BL (op1 = 1x1): I1 = NOT(J1 XOR S), I2 = NOT(J2 XOR S)
  const i1 = (~(j1 ^ s)) & 1;
  const i2 = (~(j2 ^ s)) & 1;
  const offset = signExtend((s << 24) | (i1 << 23) | (i2 << 22) | ((hw1 & 0x3ff) << 12) | ((hw2 & 0x7ff) << 1), 25);
  const link = (op1 & 4) !== 0;
  const i = rec(link ? br.bl : br.b, link ? InsnClass.Call : InsnClass.Branch, link ? 'bl' : 'b.w', 0, link ? bit(14) : 0);
  i.imm = (pc + 4 + offset) >>> 0;
  return i;
}

/** A5.3.7–A5.3.10: every LDR/STR (B, H, SB, SH) form and PLD/PLI. */
function decodeLoadStoreSingle(hw1: number, hw2: number, pc: number): Insn {
  const signed = (hw1 >>> 8) & 1;
  const imm12Form = (hw1 >>> 7) & 1;
  const size = (hw1 >>> 5) & 3; // 0 byte, 1 half, 2 word
  const load = (hw1 >>> 4) & 1;
  const rn = hw1 & 0xf;
  const rt = hw2 >>> 12;
  if (size === 3) return undef();
  if (!load && (signed || rn === 15)) return undef();
  if (signed && size === 2) return undef();
  const loadOp = size === 2 ? LoadOp.Word : size === 1 ? (signed ? LoadOp.SignedHalf : LoadOp.Half) : signed ? LoadOp.SignedByte : LoadOp.Byte;
  const storeOp = size === 2 ? StoreOp.Word : size === 1 ? StoreOp.Half : StoreOp.Byte;
  // Byte/halfword loads to PC are the preload hints (PLD, PLI) or unallocated hints: no effect.
  const hintOnly = load && rt === 15 && size !== 2;
  const make = (mode: AddrMode, imm: number, rm = 0, shift = 0): Insn => {
    if (hintOnly) {
      const h = rec(mem.memHint, InsnClass.System, signed ? 'pli' : 'pld', 0, 0);
      return h;
    }
    return load ? loadRecord(loadOp, rt, rn, mode, imm, rm, shift) : storeRecord(storeOp, rt, rn, mode, imm, rm, shift);
  };
  if (load && rn === 15) {
    const imm = hw2 & 0xfff;
    return make('literal', alignedPc(pc) + (imm12Form ? imm : -imm));
  }
  if (imm12Form) return make('offset', hw2 & 0xfff);
  if ((hw2 & 0x800) !== 0) {
    const p = (hw2 >>> 10) & 1;
    const u = (hw2 >>> 9) & 1;
    const w = (hw2 >>> 8) & 1;
    const imm8 = hw2 & 0xff;
    if (!p && !w) return undef();
    const offset = u ? imm8 : -imm8;
    if (p && u && !w) {
      // LDRT/STRT …: unprivileged access (A7.7.xx); the bus has no privilege input, so it is a plain access.
      const i = make('offset', imm8);
      i.mnemonic += 't';
      return i;
    }
    if (!p) return make('post', offset);
    if (w) return make('pre', offset);
    return make('offset', offset);
  }
  if ((hw2 & 0xfc0) === 0) return make('reg', 0, hw2 & 0xf, (hw2 >>> 4) & 3);
  return undef();
}

/** A5.3.12 */
function decodeDpRegister(hw1: number, hw2: number): Insn {
  const op1 = (hw1 >>> 4) & 0xf;
  const op2 = (hw2 >>> 4) & 0xf;
  const rn = hw1 & 0xf;
  const rd = (hw2 >>> 8) & 0xf;
  const rm = hw2 & 0xf;
  if ((hw2 & 0xf000) !== 0xf000 || rd === 15) return undef();
  if ((op1 & 8) === 0) {
    if (op2 === 0) {
      const type = (op1 >>> 1) & 3;
      const s = op1 & 1;
      const i = rec(s ? alu.shiftByReg : alu.shiftByRegNoFlags, InsnClass.AluShift, ['lsl', 'lsr', 'asr', 'ror'][type] + (s ? 's' : ''), bit(rn) | bit(rm), bit(rd));
      i.rd = rd;
      i.rn = rn;
      i.rm = rm;
      i.shiftType = type;
      i.setFlags = s;
      return i;
    }
    if ((op2 & 8) !== 0) {
      const kind = op1 & 7;
      if (kind > 5) return undef();
      const names = ['sxtah', 'uxtah', 'sxtab16', 'uxtab16', 'sxtab', 'uxtab'];
      let name = names[kind];
      if (rn === 15) name = name.replace('a', '');
      const i = rec(dsp.extend, InsnClass.Dsp, name, bit(rm) | (rn === 15 ? 0 : bit(rn)), bit(rd));
      i.op = kind;
      i.rd = rd;
      i.rn = rn;
      i.rm = rm;
      i.imm2 = ((hw2 >>> 4) & 3) * 8;
      return i;
    }
    return undef();
  }
  if ((op2 & 8) === 0) {
    // parallel add/subtract: signed (op2 = 0kk) or unsigned (op2 = 1kk)
    const form = op1 & 7;
    const kind = (op2 & 3) + ((op2 & 4) ? 3 : 0);
    if ((op2 & 3) === 3 || form === 3 || form === 7) return undef();
    const prefix = ['s', 'q', 'sh', 'u', 'uq', 'uh'][kind];
    const formName = ['add8', 'add16', 'asx', '', 'sub8', 'sub16', 'sax'][form];
    const i = rec(dsp.parallel, InsnClass.Dsp, prefix + formName, bit(rn) | bit(rm), bit(rd));
    i.op = kind * 8 + form;
    i.rd = rd;
    i.rn = rn;
    i.rm = rm;
    return i;
  }
  if ((op1 & 0xc) === 8 && (op2 & 0xc) === 8) {
    const a = op1 & 3;
    const b = op2 & 3;
    const make = (exec: ExecFn, name: string, reads: number): Insn => {
      const i = rec(exec, InsnClass.Dsp, name, reads, bit(rd));
      i.rd = rd;
      i.rn = rn;
      i.rm = rm;
      return i;
    };
    if (a === 0) {
      const i = make(dsp.qaddsub, ['qadd', 'qdadd', 'qsub', 'qdsub'][b], bit(rn) | bit(rm));
      i.op = b;
      return i;
    }
    if (a === 1) return make([dsp.rev, dsp.rev16, dsp.rbit, dsp.revsh][b], ['rev', 'rev16', 'rbit', 'revsh'][b], bit(rm));
    if (a === 2 && b === 0) return make(dsp.sel, 'sel', bit(rn) | bit(rm));
    if (a === 3 && b === 0) return make(dsp.clz, 'clz', bit(rm));
  }
  return undef();
}

/** A5.3.16 */
function decodeMultiply(hw1: number, hw2: number): Insn {
  const op1 = (hw1 >>> 4) & 7;
  const op2 = (hw2 >>> 4) & 3;
  const rn = hw1 & 0xf;
  const ra = hw2 >>> 12;
  const rd = (hw2 >>> 8) & 0xf;
  const rm = hw2 & 0xf;
  if ((hw2 & 0xc0) !== 0) return undef();
  const acc = ra !== 15;
  const make = (exec: ExecFn, cls: InsnClass, name: string, op: number): Insn => {
    const i = rec(exec, cls, name, bit(rn) | bit(rm) | (acc ? bit(ra) : 0), bit(rd));
    i.rd = rd;
    i.rn = rn;
    i.rm = rm;
    i.ra = ra;
    i.op = op;
    return i;
  };
  const xy = ['bb', 'bt', 'tb', 'tt'];
  switch (op1) {
    case 0:
      if (op2 === 0) return acc ? make(mul.mla, InsnClass.Mac, 'mla', 0) : make(alu.mulNoFlags, InsnClass.Mul, 'mul', 0);
      if (op2 === 1 && acc) return make(mul.mls, InsnClass.Mac, 'mls', 0);
      return undef();
    case 1: {
      // SMLA<x><y> / SMUL<x><y>: op bits: 2 = no accumulate, 1 = N (hw2[5]), 0 = M (hw2[4])
      const nm = op2;
      return acc ? make(mul.smlaxy, InsnClass.Mac, 'smla' + xy[nm], nm) : make(mul.smlaxy, InsnClass.Mul, 'smul' + xy[nm], 4 | nm);
    }
    case 2:
    case 4: {
      if (op2 > 1) return undef();
      const subtract = op1 === 4;
      const op = (acc ? 0 : 4) | (subtract ? 2 : 0) | op2;
      const name = (acc ? (subtract ? 'smlsd' : 'smlad') : subtract ? 'smusd' : 'smuad') + (op2 ? 'x' : '');
      return make(mul.smlad, acc ? InsnClass.Mac : InsnClass.Mul, name, op);
    }
    case 3:
      if (op2 > 1) return undef();
      return acc ? make(mul.smlawy, InsnClass.Mac, op2 ? 'smlawt' : 'smlawb', op2) : make(mul.smlawy, InsnClass.Mul, op2 ? 'smulwt' : 'smulwb', 4 | op2);
    case 5:
    case 6: {
      if (op2 > 1) return undef();
      const subtract = op1 === 6;
      if (subtract && !acc) return undef();
      const op = (acc ? 0 : 4) | (subtract ? 2 : 0) | op2;
      const name = (acc ? (subtract ? 'smmls' : 'smmla') : 'smmul') + (op2 ? 'r' : '');
      return make(mul.smmla, acc ? InsnClass.Mac : InsnClass.Mul, name, op);
    }
    default:
      if (op2 !== 0) return undef();
      return make(dsp.usad8, acc ? InsnClass.Mac : InsnClass.Mul, acc ? 'usada8' : 'usad8', 0);
  }
}

/** A5.3.17 */
function decodeLongMultiply(hw1: number, hw2: number): Insn {
  const op1 = (hw1 >>> 4) & 7;
  const op2 = (hw2 >>> 4) & 0xf;
  const rn = hw1 & 0xf;
  const rdLo = hw2 >>> 12;
  const rdHi = (hw2 >>> 8) & 0xf;
  const rm = hw2 & 0xf;
  const make = (exec: ExecFn, name: string, accumulate: boolean, op = 0): Insn => {
    const i = rec(exec, InsnClass.MulLong, name, bit(rn) | bit(rm) | (accumulate ? bit(rdLo) | bit(rdHi) : 0), bit(rdLo) | bit(rdHi));
    i.rd = rdLo;
    i.ra = rdHi;
    i.rn = rn;
    i.rm = rm;
    i.op = op;
    return i;
  };
  if ((op1 === 1 || op1 === 3) && op2 === 0xf) {
    // SDIV / UDIV: Rd = hw2[11:8]
    if (rdLo !== 15) return undef();
    const i = rec(op1 === 1 ? mul.sdiv : mul.udiv, InsnClass.Div, op1 === 1 ? 'sdiv' : 'udiv', bit(rn) | bit(rm), bit(rdHi));
    i.rd = rdHi;
    i.rn = rn;
    i.rm = rm;
    return i;
  }
  switch (op1) {
    case 0: return op2 === 0 ? make(mul.smull, 'smull', false) : undef();
    case 2: return op2 === 0 ? make(mul.umull, 'umull', false) : undef();
    case 4:
      if (op2 === 0) return make(mul.smlal, 'smlal', true);
      if ((op2 & 0xc) === 8) return make(mul.smlalxy, 'smlal' + ['bb', 'bt', 'tb', 'tt'][op2 & 3], true, op2 & 3);
      if ((op2 & 0xe) === 0xc) return make(mul.smlald, op2 & 1 ? 'smlaldx' : 'smlald', true, op2 & 1);
      return undef();
    case 5:
      if ((op2 & 0xe) === 0xc) return make(mul.smlald, op2 & 1 ? 'smlsldx' : 'smlsld', true, 2 | (op2 & 1));
      return undef();
    case 6:
      if (op2 === 0) return make(mul.umlal, 'umlal', true);
      if (op2 === 6) return make(mul.umaal, 'umaal', true);
      return undef();
    default:
      return undef();
  }
}
