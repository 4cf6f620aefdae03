/** 16-bit Thumb encodings (ARMv7-M ARM DDI 0403E A5.2) into {@link Insn} records. */
import type { Insn } from './decoded.js';
import { InsnClass } from '../insn-class.js';
import * as alu from '../exec/alu.js';
import { DpOp } from '../exec/alu.js';
import { LoadOp, StoreOp } from '../exec/mem.js';
import * as br from '../exec/branch.js';
import * as dsp from '../exec/dsp.js';
import * as sys from '../exec/system.js';
import { Shift } from '../exec/shift.js';
import { rec, bit, undef, signExtend, decodeImmShift, dpRecord, writesPc, loadRecord, storeRecord, multipleRecord, alignedPc, hint } from './records.js';

// ---- 16-bit ----

export function decode16(h: number, pc: number): Insn {
  const top = h >>> 10;
  if (top < 0x10) return decodeShiftAddSubMovCmp(h);
  if (top === 0x10) return decodeDataProcessing16(h);
  if (top === 0x11) return decodeSpecial16(h);
  if (top === 0x12 || top === 0x13) {
    // LDR (literal) T1
    return loadRecord(LoadOp.Word, (h >>> 8) & 7, 15, 'literal', alignedPc(pc) + ((h & 0xff) << 2));
  }
  if (top < 0x28) return decodeLoadStore16(h);
  if (top === 0x28 || top === 0x29) {
    // ADR T1
    const i = rec(alu.adr, InsnClass.Alu, 'adr', 0, bit((h >>> 8) & 7));
    i.rd = (h >>> 8) & 7;
    i.imm = alignedPc(pc) + ((h & 0xff) << 2);
    return i;
  }
  if (top === 0x2a || top === 0x2b) {
    // ADD Rd, SP, #imm8*4 (T1)
    return dpRecord(DpOp.ADD, (h >>> 8) & 7, 13, 0, (h & 0xff) << 2, false, false);
  }
  if (top < 0x30) return decodeMisc16(h, pc);
  if (top === 0x30 || top === 0x31) {
    // STM Rn!, {list} (T1)
    return multipleRecord(false, (h >>> 8) & 7, h & 0xff, true, true, 'stm');
  }
  if (top === 0x32 || top === 0x33) {
    // LDM Rn{!}, {list} (T1): writeback unless Rn is in the list
    const rn = (h >>> 8) & 7;
    const list = h & 0xff;
    return multipleRecord(true, rn, list, true, (list & bit(rn)) === 0, 'ldm');
  }
  if (top < 0x38) {
    const cond = (h >>> 8) & 0xf;
    if (cond === 14) return undef(); // UDF T1
    if (cond === 15) {
      const i = rec(sys.svc, InsnClass.System, 'svc', 0, 0);
      i.imm = h & 0xff;
      return i;
    }
    const i = rec(br.condBranchHandler(cond), InsnClass.Branch, 'b<c>', 0, 0);
    i.cond = cond;
    i.imm = (pc + 4 + signExtend((h & 0xff) << 1, 9)) >>> 0;
    return i;
  }
  // 0x38/0x39: B T2
  const i = rec(br.b, InsnClass.Branch, 'b', 0, 0);
  i.imm = (pc + 4 + signExtend((h & 0x7ff) << 1, 12)) >>> 0;
  return i;
}

/** A5.2.1 */
function decodeShiftAddSubMovCmp(h: number): Insn {
  const opcode = (h >>> 9) & 0x1f;
  const rd = h & 7;
  const rn = (h >>> 3) & 7;
  if (opcode < 12) {
    // LSL/LSR/ASR #imm5 (T1); LSL #0 is MOVS Rd, Rm (T2). Flags only outside IT.
    const r = dpRecord(DpOp.MOV, rd, 0, rn, null, true, true);
    decodeImmShift(r, opcode >>> 2, (h >>> 6) & 0x1f);
    r.cls = r.imm2 === 0 ? InsnClass.Alu : InsnClass.AluShift;
    r.mnemonic = r.imm2 === 0 ? 'movs' : ['lsls', 'lsrs', 'asrs'][opcode >>> 2];
    r.exec = alu.dpReg;
    r.execIt = alu.dpRegNoFlags;
    return r;
  }
  switch (opcode) {
    case 12: return dpRecord(DpOp.ADD, rd, rn, (h >>> 6) & 7, null, true, true);
    case 13: return dpRecord(DpOp.SUB, rd, rn, (h >>> 6) & 7, null, true, true);
    case 14: return dpRecord(DpOp.ADD, rd, rn, 0, (h >>> 6) & 7, true, true);
    case 15: return dpRecord(DpOp.SUB, rd, rn, 0, (h >>> 6) & 7, true, true);
  }
  const rdn = (h >>> 8) & 7;
  const imm8 = h & 0xff;
  switch (opcode >>> 2) {
    case 4: return dpRecord(DpOp.MOV, rdn, 0, 0, imm8, true, true);
    case 5: return dpRecord(DpOp.CMP, 0, rdn, 0, imm8, true, false);
    case 6: return dpRecord(DpOp.ADD, rdn, rdn, 0, imm8, true, true);
    default: return dpRecord(DpOp.SUB, rdn, rdn, 0, imm8, true, true);
  }
}

/** A5.2.2 */
function decodeDataProcessing16(h: number): Insn {
  const op = (h >>> 6) & 0xf;
  const rdn = h & 7;
  const rm = (h >>> 3) & 7;
  const shiftByReg = (type: number, name: string): Insn => {
    const i = rec(alu.shiftByReg, InsnClass.AluShift, name, bit(rdn) | bit(rm), bit(rdn));
    i.rd = rdn;
    i.rn = rdn;
    i.rm = rm;
    i.shiftType = type;
    i.setFlags = 1;
    i.execIt = alu.shiftByRegNoFlags;
    return i;
  };
  switch (op) {
    case 0: return dpRecord(DpOp.AND, rdn, rdn, rm, null, true, true);
    case 1: return dpRecord(DpOp.EOR, rdn, rdn, rm, null, true, true);
    case 2: return shiftByReg(Shift.LSL, 'lsls');
    case 3: return shiftByReg(Shift.LSR, 'lsrs');
    case 4: return shiftByReg(Shift.ASR, 'asrs');
    case 5: return dpRecord(DpOp.ADC, rdn, rdn, rm, null, true, true);
    case 6: return dpRecord(DpOp.SBC, rdn, rdn, rm, null, true, true);
    case 7: return shiftByReg(Shift.ROR, 'rors');
    case 8: return dpRecord(DpOp.TST, 0, rdn, rm, null, true, false);
    case 9: return dpRecord(DpOp.RSB, rdn, rm, 0, 0, true, true); // NEG: RSBS Rd, Rn, #0
    case 10: return dpRecord(DpOp.CMP, 0, rdn, rm, null, true, false);
    case 11: return dpRecord(DpOp.CMN, 0, rdn, rm, null, true, false);
    case 12: return dpRecord(DpOp.ORR, rdn, rdn, rm, null, true, true);
    case 13: {
      // MULS Rdm, Rn, Rdm (T1)
      const i = rec(alu.mul, InsnClass.Mul, 'muls', bit(rdn) | bit(rm), bit(rdn));
      i.rd = rdn;
      i.rn = rm;
      i.rm = rdn;
      i.setFlags = 1;
      i.execIt = alu.mulNoFlags;
      return i;
    }
    case 14: return dpRecord(DpOp.BIC, rdn, rdn, rm, null, true, true);
    default: return dpRecord(DpOp.MVN, rdn, 0, rm, null, true, true);
  }
}

/** A5.2.3: ADD/CMP/MOV with high registers, BX, BLX. */
function decodeSpecial16(h: number): Insn {
  const op = (h >>> 6) & 0xf;
  const rdn = ((h >>> 4) & 8) | (h & 7);
  const rm = (h >>> 3) & 0xf;
  if (op < 4) {
    if (rdn === 15) {
      const i = writesPc(rec(alu.addRegToPc, InsnClass.BranchIndirect, 'add pc', bit(15) | bit(rm), bit(15)));
      i.rn = 15;
      i.rm = rm;
      return i;
    }
    return dpRecord(DpOp.ADD, rdn, rdn, rm, null, false, false);
  }
  if (op < 8) return dpRecord(DpOp.CMP, 0, rdn, rm, null, true, false);
  if (op < 12) {
    if (rdn === 15) {
      const i = rec(alu.movRegToPc, InsnClass.BranchIndirect, 'mov pc', bit(rm), bit(15));
      i.rm = rm;
      return i;
    }
    return dpRecord(DpOp.MOV, rdn, 0, rm, null, false, false);
  }
  if ((h & 7) !== 0) return undef();
  const link = op >= 14;
  const i = rec(link ? br.blx : br.bx, InsnClass.BranchIndirect, link ? 'blx' : 'bx', bit(rm), link ? bit(14) : 0);
  i.rm = rm;
  return i;
}

/** A5.2.4 */
function decodeLoadStore16(h: number): Insn {
  const opA = h >>> 12;
  const opB = (h >>> 9) & 7;
  const rt = h & 7;
  const rn = (h >>> 3) & 7;
  const imm5 = (h >>> 6) & 0x1f;
  const load = (h & 0x800) !== 0;
  switch (opA) {
    case 5: {
      const rm = (h >>> 6) & 7;
      switch (opB) {
        case 0: return storeRecord(StoreOp.Word, rt, rn, 'reg', 0, rm);
        case 1: return storeRecord(StoreOp.Half, rt, rn, 'reg', 0, rm);
        case 2: return storeRecord(StoreOp.Byte, rt, rn, 'reg', 0, rm);
        case 3: return loadRecord(LoadOp.SignedByte, rt, rn, 'reg', 0, rm);
        case 4: return loadRecord(LoadOp.Word, rt, rn, 'reg', 0, rm);
        case 5: return loadRecord(LoadOp.Half, rt, rn, 'reg', 0, rm);
        case 6: return loadRecord(LoadOp.Byte, rt, rn, 'reg', 0, rm);
        default: return loadRecord(LoadOp.SignedHalf, rt, rn, 'reg', 0, rm);
      }
    }
    case 6: return load ? loadRecord(LoadOp.Word, rt, rn, 'offset', imm5 << 2) : storeRecord(StoreOp.Word, rt, rn, 'offset', imm5 << 2);
    case 7: return load ? loadRecord(LoadOp.Byte, rt, rn, 'offset', imm5) : storeRecord(StoreOp.Byte, rt, rn, 'offset', imm5);
    case 8: return load ? loadRecord(LoadOp.Half, rt, rn, 'offset', imm5 << 1) : storeRecord(StoreOp.Half, rt, rn, 'offset', imm5 << 1);
    default: {
      // SP-relative (opA = 9)
      const rt8 = (h >>> 8) & 7;
      const imm = (h & 0xff) << 2;
      return load ? loadRecord(LoadOp.Word, rt8, 13, 'offset', imm) : storeRecord(StoreOp.Word, rt8, 13, 'offset', imm);
    }
  }
}

/** A5.2.5 */
function decodeMisc16(h: number, pc: number): Insn {
  const op7 = (h >>> 5) & 0x7f;
  if ((h & 0x500) === 0x100) {
    // CBZ / CBNZ
    const nonZero = (h >>> 11) & 1;
    const i = rec(br.cbz, InsnClass.Branch, nonZero ? 'cbnz' : 'cbz', bit(h & 7), 0);
    i.rn = h & 7;
    i.op = nonZero;
    i.imm = (pc + 4 + ((((h >>> 9) & 1) << 6) | (((h >>> 3) & 0x1f) << 1))) >>> 0;
    return i;
  }
  if (op7 < 4) return dpRecord(DpOp.ADD, 13, 13, 0, (h & 0x7f) << 2, false, false);
  if (op7 < 8) return dpRecord(DpOp.SUB, 13, 13, 0, (h & 0x7f) << 2, false, false);
  if ((op7 & 0x78) === 0x10) {
    // SXTH, SXTB, UXTH, UXTB (T1): extend op 0 SXTH, 1 UXTH, 4 SXTB, 5 UXTB
    const which = (op7 >>> 1) & 3; // 0 SXTH, 1 SXTB, 2 UXTH, 3 UXTB
    const extOp = [0, 4, 1, 5][which];
    const i = rec(dsp.extend, InsnClass.Dsp, ['sxth', 'sxtb', 'uxth', 'uxtb'][which], bit((h >>> 3) & 7), bit(h & 7));
    i.op = extOp;
    i.rd = h & 7;
    i.rm = (h >>> 3) & 7;
    i.rn = 15;
    return i;
  }
  if ((op7 & 0x70) === 0x20) {
    // PUSH {list, lr}
    const list = (h & 0xff) | ((h & 0x100) << 6);
    if (list === 0) return undef();
    return multipleRecord(false, 13, list, false, true, 'push');
  }
  if (op7 === 0x33) {
    // CPS
    if ((h & 0xc) !== 0) return undef();
    const i = rec(sys.cps, InsnClass.System, (h & 0x10) ? 'cpsid' : 'cpsie', 0, 0);
    i.op = (h >>> 4) & 1;
    i.imm = h & 3;
    return i;
  }
  if ((op7 & 0x78) === 0x50) {
    const which = (op7 >>> 1) & 3;
    if (which === 2) return undef();
    const exec = which === 0 ? dsp.rev : which === 1 ? dsp.rev16 : dsp.revsh;
    const i = rec(exec, InsnClass.Dsp, ['rev', 'rev16', '', 'revsh'][which], bit((h >>> 3) & 7), bit(h & 7));
    i.rd = h & 7;
    i.rm = (h >>> 3) & 7;
    return i;
  }
  if ((op7 & 0x70) === 0x60) {
    // POP {list, pc}
    const list = (h & 0xff) | ((h & 0x100) << 7);
    if (list === 0) return undef();
    return multipleRecord(true, 13, list, true, true, 'pop');
  }
  if ((op7 & 0x78) === 0x70) {
    const i = rec(sys.bkpt, InsnClass.System, 'bkpt', 0, 0);
    i.imm = h & 0xff;
    i.cond = 15; // unconditional even inside an IT block
    return i;
  }
  if ((op7 & 0x78) === 0x78) {
    if ((h & 0xf) !== 0) {
      const i = rec(sys.it, InsnClass.It, 'it', 0, 0);
      i.imm = h & 0xff;
      return i;
    }
    return hint((h >>> 4) & 0xf);
  }
  return undef();
}
