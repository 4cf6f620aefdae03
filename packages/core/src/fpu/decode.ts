/**
 * Decoder of the FPv5-D16 instruction set in Thumb coprocessor space (coproc 10/11, hw2[11:9] = 101),
 * after ARMv7-M ARM DDI 0403E A6.4 (data processing), A6.5 (extension register load/store), A6.6
 * (32-bit transfers), A6.7 (64-bit transfers) and the FPv5 additions (hw1 = 0xFExx: VSEL, VMAXNM,
 * VMINNM, VRINTA/N/P/M, VCVTA/N/P/M).
 *
 * Register fields become *word indices* into CpuState.s (see execute.ts): a single Sx = Vx:X is word x,
 * a double Dx = X:Vx is words 2x, 2x+1. D16–D31 do not exist on FPv5-D16: a double with the high bit
 * set is UNDEFINED, as are encodings this FPU lacks (Advanced SIMD, 8/16-bit scalars, FLDMX/FSTMX,
 * VMRS/VMSR of registers other than FPSCR, which is the only one M-profile has). UNPREDICTABLE encodings
 * that would need a choice (PC as a transfer register, empty or out-of-range register lists, negative
 * fraction bits) are treated as UNDEFINED too.
 */
import { Insn, type ExecFn } from '../decode/decoded.js';
import { InsnClass } from '../insn-class.js';
import { Rounding } from './fpscr.js';
import * as x from './execute.js';

function rec(exec: ExecFn, cls: InsnClass, mnemonic: string): Insn {
  const i = new Insn(exec);
  i.cls = cls;
  i.mnemonic = mnemonic;
  return i;
}

/** Word index of single register Vx:bit. */
function sReg(v: number, bit: number): number {
  return (v << 1) | bit;
}

/** Word index of double register bit:Vx, or -1 when it names D16–D31. */
function dReg(v: number, bit: number): number {
  return bit === 1 ? -1 : v << 1;
}

export function decodeFpInstruction(hw1: number, hw2: number): Insn | null {
  if (((hw2 >>> 9) & 7) !== 5) return null;
  const top = hw1 >>> 8;
  if (top === 0xee) return (hw2 & 0x10) === 0 ? decodeDataProcessing(hw1, hw2) : decodeTransfer32(hw1, hw2);
  if (top === 0xec || top === 0xed) return decodeLoadStore(hw1, hw2);
  if (top === 0xfe && (hw2 & 0x10) === 0) return decodeV8(hw1, hw2);
  return null;
}

// ---- A6.4 data processing: 1110 1110 opc1 opc2 | Vd 101 sz opc3(2) M 0 Vm ----

interface Regs {
  d: number;
  n: number;
  m: number;
}

/** Operand registers of a 3-register data-processing encoding, or null if one names D16+. */
function regs3(hw1: number, hw2: number, dp: boolean): Regs | null {
  const Vd = (hw2 >>> 12) & 0xf;
  const D = (hw1 >>> 6) & 1;
  const Vn = hw1 & 0xf;
  const N = (hw2 >>> 7) & 1;
  const Vm = hw2 & 0xf;
  const M = (hw2 >>> 5) & 1;
  if (!dp) return { d: sReg(Vd, D), n: sReg(Vn, N), m: sReg(Vm, M) };
  const d = dReg(Vd, D);
  const n = dReg(Vn, N);
  const m = dReg(Vm, M);
  return d < 0 || n < 0 || m < 0 ? null : { d, n, m };
}

function arith(exec: ExecFn, cls: InsnClass, name: string, r: Regs | null, op = 0, aux = 0): Insn | null {
  if (r === null) return null;
  const i = rec(exec, cls, name);
  i.rd = r.d;
  i.rn = r.n;
  i.rm = r.m;
  i.op = op;
  i.aux = aux;
  return i;
}

function decodeDataProcessing(hw1: number, hw2: number): Insn | null {
  const opc1 = ((hw1 >>> 4) & 0xf) & 0b1011; // bits 23, 21, 20 (22 is D)
  const dp = ((hw2 >>> 8) & 1) === 1;
  const op = (hw2 >>> 6) & 1;
  const sfx = dp ? '.f64' : '.f32';
  const r = (): Regs | null => regs3(hw1, hw2, dp);
  switch (opc1) {
    case 0b0000: // VMLA / VMLS
      return arith(dp ? x.vmlaD : x.vmlaS, dp ? InsnClass.DpMac : InsnClass.FpMac, (op ? 'vmls' : 'vmla') + sfx, r(), op ? x.MacOp.Sub : x.MacOp.Add);
    case 0b0001: // VNMLS (op 0) / VNMLA (op 1)
      return arith(dp ? x.vmlaD : x.vmlaS, dp ? InsnClass.DpMac : InsnClass.FpMac, (op ? 'vnmla' : 'vnmls') + sfx, r(), op ? x.MacOp.NegAdd : x.MacOp.NegSub);
    case 0b0010: // VMUL / VNMUL
      if (dp) return arith(x.vmulD, InsnClass.DpMul, (op ? 'vnmul' : 'vmul') + sfx, r(), op);
      return arith(op ? x.vnmulS : x.vmulS, InsnClass.FpMul, (op ? 'vnmul' : 'vmul') + sfx, r());
    case 0b0011: // VADD / VSUB
      if (dp) return arith(x.vaddD, InsnClass.DpAlu, (op ? 'vsub' : 'vadd') + sfx, r(), op);
      return arith(op ? x.vsubS : x.vaddS, InsnClass.FpAlu, (op ? 'vsub' : 'vadd') + sfx, r());
    case 0b1000: // VDIV
      if (op) return null;
      return arith(dp ? x.vdivD : x.vdivS, dp ? InsnClass.DpDiv : InsnClass.FpDiv, 'vdiv' + sfx, r());
    case 0b1001: // VFNMS (op 0) / VFNMA (op 1)
      return arith(dp ? x.vfmaD : x.vfmaS, dp ? InsnClass.DpMac : InsnClass.FpFma, (op ? 'vfnma' : 'vfnms') + sfx, r(), op ? x.MacOp.NegAdd : x.MacOp.NegSub);
    case 0b1010: // VFMA (op 0) / VFMS (op 1)
      return arith(dp ? x.vfmaD : x.vfmaS, dp ? InsnClass.DpMac : InsnClass.FpFma, (op ? 'vfms' : 'vfma') + sfx, r(), op ? x.MacOp.Sub : x.MacOp.Add);
    case 0b1011:
      return decodeOtherDataProcessing(hw1, hw2, dp);
    default:
      return null;
  }
}

/** Destination or source register of the given precision from (V, bit) fields. */
function reg(v: number, bit: number, dp: boolean): number {
  return dp ? dReg(v, bit) : sReg(v, bit);
}

function twoReg(exec: ExecFn, cls: InsnClass, name: string, d: number, m: number, op = 0, aux = 0, imm = 0): Insn | null {
  if (d < 0 || m < 0) return null;
  const i = rec(exec, cls, name);
  i.rd = d;
  i.rm = m;
  i.op = op;
  i.aux = aux;
  i.imm = imm;
  return i;
}

/** VFPExpandImm (A6.4.1): the immediate of VMOV.F32/F64 #imm as [low word, high word]. */
export function vfpExpandImm(imm8: number, dp: boolean): [number, number] {
  const sign = (imm8 >>> 7) & 1;
  const b6 = (imm8 >>> 6) & 1;
  const hi2 = (imm8 >>> 4) & 3;
  const frac4 = imm8 & 0xf;
  if (!dp) {
    // exp = NOT(b6) : b6 x5 : imm8<5:4>; frac = imm8<3:0> : zeros(19)
    const exp = ((b6 ^ 1) << 7) | (b6 ? 0x7c : 0) | hi2;
    return [((sign << 31) | (exp << 23) | (frac4 << 19)) >>> 0, 0];
  }
  // exp = NOT(b6) : b6 x8 : imm8<5:4>; frac = imm8<3:0> : zeros(48)
  const exp = ((b6 ^ 1) << 10) | (b6 ? 0x3fc : 0) | hi2;
  return [0, ((sign << 31) | (exp << 20) | (frac4 << 16)) >>> 0];
}

function decodeOtherDataProcessing(hw1: number, hw2: number, dp: boolean): Insn | null {
  const opc2 = hw1 & 0xf;
  const opc3 = (hw2 >>> 6) & 3;
  const Vd = (hw2 >>> 12) & 0xf;
  const D = (hw1 >>> 6) & 1;
  const Vm = hw2 & 0xf;
  const M = (hw2 >>> 5) & 1;
  const T = (hw2 >>> 7) & 1; // opc3<1>: a per-instruction option bit
  const sfx = dp ? '.f64' : '.f32';
  const aluCls = dp ? InsnClass.DpAlu : InsnClass.FpAlu;
  const aux = dp ? 1 : 0;
  const d = reg(Vd, D, dp);
  const m = reg(Vm, M, dp);

  if ((opc3 & 1) === 0) {
    // VMOV (immediate): ...| Vd 101 sz (0)0(0)0 imm4L; the (0) bits are required zero as objdump and
    // Unicorn treat them.
    if ((hw2 & 0xf0) !== 0 || d < 0) return null;
    const [lo, hi] = vfpExpandImm(((opc2 << 4) | (hw2 & 0xf)) >>> 0, dp);
    const i = rec(x.vmovImm, InsnClass.FpMove, 'vmov' + sfx);
    i.rd = d;
    i.imm = lo;
    i.imm2 = hi;
    i.aux = aux;
    return i;
  }
  switch (opc2) {
    case 0b0000: // VMOV register (opc3 01) / VABS (11)
      return twoReg(x.vmovSign, T ? aluCls : InsnClass.FpMove, (T ? 'vabs' : 'vmov') + sfx, d, m, T ? 1 : 0, aux);
    case 0b0001: // VNEG (01) / VSQRT (11)
      if (T) return twoReg(dp ? x.vsqrtD : x.vsqrtS, dp ? InsnClass.DpSqrt : InsnClass.FpSqrt, 'vsqrt' + sfx, d, m);
      return twoReg(x.vmovSign, aluCls, 'vneg' + sfx, d, m, 2, aux);
    case 0b0010: // VCVTB/VCVTT half → single/double: Sm holds the half
    case 0b0011: {
      // VCVTB/VCVTT single/double → half: Sd receives the half
      const toHalf = opc2 === 0b0011;
      const dst = toHalf ? sReg(Vd, D) : reg(Vd, D, dp);
      const src = toHalf ? reg(Vm, M, dp) : sReg(Vm, M);
      const name = `vcvt${T ? 't' : 'b'}${toHalf ? '.f16' + sfx : sfx + '.f16'}`;
      return twoReg(x.vcvtHalf, dp ? InsnClass.DpAlu : InsnClass.FpAlu, name, dst, src, toHalf ? 1 : 0, aux, T ? 16 : 0);
    }
    case 0b0100: // VCMP{E} register
      return twoReg(x.vcmp, aluCls, (T ? 'vcmpe' : 'vcmp') + sfx, d, m, T, aux, 0);
    case 0b0101: // VCMP{E} #0.0: ... E 1 (0) 0 (0)(0)(0)(0); like objdump and Unicorn, the (0) bits must be 0
      if ((hw2 & 0x2f) !== 0 || d < 0) return null;
      return twoReg(x.vcmp, aluCls, (T ? 'vcmpe' : 'vcmp') + sfx, d, 0, T, aux, 1);
    case 0b0110: // VRINTR (op 0) / VRINTZ (op 1)
      return twoReg(x.vrint, aluCls, (T ? 'vrintz' : 'vrintr') + sfx, d, m, T ? Rounding.Zero : x.ROUND_FPSCR, aux, 0);
    case 0b0111:
      if (!T) return twoReg(x.vrint, aluCls, 'vrintx' + sfx, d, m, x.ROUND_FPSCR, aux, 1);
      // VCVT between double and single: sz = 1 converts Dm → Sd, sz = 0 converts Sm → Dd.
      if (dp) return twoReg(x.vcvtDoubleToSingle, InsnClass.DpAlu, 'vcvt.f32.f64', sReg(Vd, D), dReg(Vm, M));
      return twoReg(x.vcvtSingleToDouble, InsnClass.DpAlu, 'vcvt.f64.f32', dReg(Vd, D), sReg(Vm, M));
    case 0b1000: {
      // VCVT.F32/F64.{S32,U32} d, Sm: FPSCR rounding. op (bit 7) = 1 for a signed source.
      const i = twoReg(x.vcvtFromFixed, aluCls, `vcvt${sfx}.${T ? 's32' : 'u32'}`, d, sReg(Vm, M), x.ROUND_FPSCR, dp ? 2 : 0, 0);
      if (i !== null) {
        i.imm2 = 32;
        i.setFlags = T ? 0 : 1;
      }
      return i;
    }
    case 0b1100:
    case 0b1101: {
      // VCVT{R}.{U32,S32}.F32/F64 Sd, m: op (bit 7) = 1 rounds toward zero, 0 uses FPSCR.
      const unsigned = opc2 === 0b1100;
      const name = `vcvt${T ? '' : 'r'}.${unsigned ? 'u32' : 's32'}${sfx}`;
      const i = twoReg(x.vcvtToFixed, aluCls, name, sReg(Vd, D), m, T ? Rounding.Zero : x.ROUND_FPSCR, aux, 0);
      if (i !== null) {
        i.imm2 = 32;
        i.setFlags = unsigned ? 1 : 0;
      }
      return i;
    }
    case 0b1010:
    case 0b1011:
    case 0b1110:
    case 0b1111: {
      // VCVT between floating point and fixed point, in place: 1 op 1 U | Vd 101 sf sx 1 i 0 imm4
      const toFixed = (opc2 & 4) !== 0;
      const unsigned = (opc2 & 1) === 1;
      const width = T ? 32 : 16;
      const imm5 = ((hw2 & 0xf) << 1) | M;
      const fracBits = width - imm5;
      if (fracBits < 0 || d < 0) return null;
      const ty = `${unsigned ? 'u' : 's'}${width}`;
      const name = toFixed ? `vcvt.${ty}${sfx}` : `vcvt${sfx}.${ty}`;
      // To fixed rounds toward zero; from fixed uses the FPSCR rounding mode (FixedToFP with
      // round_to_nearest FALSE; Unicorn agrees).
      const i = twoReg(toFixed ? x.vcvtToFixed : x.vcvtFromFixed, aluCls, name, d, d, toFixed ? Rounding.Zero : x.ROUND_FPSCR, dp ? 3 : 0, fracBits);
      if (i !== null) {
        i.imm2 = width;
        i.setFlags = unsigned ? 1 : 0;
      }
      return i;
    }
    default:
      return null;
  }
}

// ---- FPv5 (ARMv8-M style) instructions in the 0xFExx space ----

const RINT_MODES = [Rounding.TieAway, Rounding.TieEven, Rounding.PlusInf, Rounding.MinusInf];
const RINT_NAMES = ['a', 'n', 'p', 'm'];

function decodeV8(hw1: number, hw2: number): Insn | null {
  const dp = ((hw2 >>> 8) & 1) === 1;
  const sfx = dp ? '.f64' : '.f32';
  const aluCls = dp ? InsnClass.DpAlu : InsnClass.FpAlu;
  const aux = dp ? 1 : 0;
  if ((hw1 & 0x0080) === 0) {
    // VSEL<cc>: 1111 1110 0D cc Vn | Vd 101 sz N 0 M 0 Vm
    if ((hw2 & 0x40) !== 0) return null;
    const cc = (hw1 >>> 4) & 3;
    return arith(x.vsel, aluCls, 'vsel' + ['eq', 'vs', 'ge', 'gt'][cc] + sfx, regs3(hw1, hw2, dp), cc, aux);
  }
  const opc1 = (hw1 >>> 4) & 0b1011;
  if (opc1 === 0b1000) {
    // VMAXNM (op 0) / VMINNM (op 1): 1111 1110 1D00 Vn | Vd 101 sz N op M 0 Vm
    const op = (hw2 >>> 6) & 1;
    return arith(x.vmaxMinNm, aluCls, (op ? 'vminnm' : 'vmaxnm') + sfx, regs3(hw1, hw2, dp), op, aux);
  }
  if (opc1 !== 0b1011 || ((hw2 >>> 6) & 1) !== 1) return null;
  const Vd = (hw2 >>> 12) & 0xf;
  const D = (hw1 >>> 6) & 1;
  const Vm = hw2 & 0xf;
  const M = (hw2 >>> 5) & 1;
  const rm = hw1 & 3;
  const op = (hw2 >>> 7) & 1;
  if ((hw1 & 0xc) === 0b1000) {
    // VRINT{A,N,P,M}: 1111 1110 1D11 10 RM | Vd 101 sz 0 1 M 0 Vm
    if (op !== 0) return null;
    return twoReg(x.vrint, aluCls, `vrint${RINT_NAMES[rm]}${sfx}`, reg(Vd, D, dp), reg(Vm, M, dp), RINT_MODES[rm], aux, 0);
  }
  if ((hw1 & 0xc) === 0b1100) {
    // VCVT{A,N,P,M}.{S32,U32}.F32/F64 Sd, m: 1111 1110 1D11 11 RM | Vd 101 sz op 1 M 0 Vm (op 1 = signed)
    const i = twoReg(x.vcvtToFixed, aluCls, `vcvt${RINT_NAMES[rm]}.${op ? 's32' : 'u32'}${sfx}`, sReg(Vd, D), reg(Vm, M, dp), RINT_MODES[rm], aux, 0);
    if (i !== null) {
      i.imm2 = 32;
      i.setFlags = op ? 0 : 1;
    }
    return i;
  }
  return null;
}

// ---- A6.6 32-bit transfers: 1110 1110 A(3) L | Rt 101 C B(2) 1 ... ----

function decodeTransfer32(hw1: number, hw2: number): Insn | null {
  const L = (hw1 >>> 4) & 1;
  const C = (hw2 >>> 8) & 1;
  const A = (hw1 >>> 5) & 7;
  const rt = (hw2 >>> 12) & 0xf;
  if (C === 0) {
    if ((hw2 & 0x6f) !== 0) return null; // (0)(0) 1 (0)(0)(0)(0) except N
    if (A === 0) {
      // VMOV Sn, Rt / VMOV Rt, Sn: 1110 1110 000 op Vn | Rt 1010 N (0)(0) 1 (0)(0)(0)(0)
      if (rt === 15) return null;
      const i = rec(x.vmovCore, InsnClass.FpMove, 'vmov');
      i.rd = rt;
      i.rn = sReg(hw1 & 0xf, (hw2 >>> 7) & 1);
      i.op = L;
      if (L === 1) i.writeMask = 1 << rt;
      else i.readMask = 1 << rt;
      return i;
    }
    if (A === 7) {
      // VMSR FPSCR, Rt (L 0) / VMRS Rt, FPSCR (L 1): only FPSCR (reg 0001) exists on M-profile.
      if ((hw1 & 0xf) !== 1 || (hw2 & 0x80) !== 0) return null;
      if (L === 0) {
        if (rt === 15 || rt === 13) return null;
        const i = rec(x.vmsr, InsnClass.FpMove, 'vmsr');
        i.rd = rt;
        i.readMask = 1 << rt;
        return i;
      }
      if (rt === 13) return null;
      const i = rec(x.vmrs, InsnClass.FpMove, rt === 15 ? 'vmrs apsr_nzcv' : 'vmrs');
      i.rd = rt;
      if (rt !== 15) i.writeMask = 1 << rt;
      return i;
    }
    return null;
  }
  // C = 1: VMOV between a core register and a 32-bit scalar Dd[x] (the only scalar size on FPv5-D16).
  // to scalar:   1110 1110 0 opc1(2) 0 Vd | Rt 1011 D opc2(2) 1 0000, opc1 = 0x, opc2 = 00
  // from scalar: 1110 1110 U opc1(2) 1 Vn | Rt 1011 N opc2(2) 1 0000, U = 0, opc1 = 0x, opc2 = 00
  if ((hw2 & 0x6f) !== 0 || (hw1 & 0xc0) !== 0 || rt === 15) return null;
  const dn = dReg(hw1 & 0xf, (hw2 >>> 7) & 1);
  if (dn < 0) return null;
  const index = (hw1 >>> 5) & 1;
  const i = rec(x.vmovCore, InsnClass.FpMove, 'vmov.32');
  i.rd = rt;
  i.rn = dn + index;
  i.op = L;
  if (L === 1) i.writeMask = 1 << rt;
  else i.readMask = 1 << rt;
  return i;
}

// ---- A6.5 extension register load/store and A6.7 64-bit transfers: 1110 110P UDWL Rn | Vd 101 sz imm8 ----

function decodeLoadStore(hw1: number, hw2: number): Insn | null {
  const P = (hw1 >>> 8) & 1;
  const U = (hw1 >>> 7) & 1;
  const D = (hw1 >>> 6) & 1;
  const W = (hw1 >>> 5) & 1;
  const L = (hw1 >>> 4) & 1;
  const rn = hw1 & 0xf;
  const dp = ((hw2 >>> 8) & 1) === 1;
  const Vd = (hw2 >>> 12) & 0xf;
  const imm8 = hw2 & 0xff;

  if (P === 0 && U === 0) {
    if (W === 1 || D === 0) return null; // MCRR/MRRC space of other coprocessors, or undefined
    return decodeTransfer64(hw1, hw2);
  }
  if (P === 1 && W === 0) {
    // VLDR / VSTR: 1110 1101 UD0L Rn | Vd 101 sz imm8
    const d = reg(Vd, D, dp);
    if (d < 0) return null;
    const name = L ? 'vldr' : 'vstr';
    const cls = L ? (dp ? InsnClass.FpLoadDouble : InsnClass.FpLoad) : dp ? InsnClass.FpStoreDouble : InsnClass.FpStore;
    const i = rec(L ? x.vldr : x.vstr, cls, name);
    i.rd = d;
    i.rn = rn;
    i.imm = U ? imm8 << 2 : -(imm8 << 2);
    i.add = U;
    i.aux = dp ? 1 : 0;
    i.readMask = 1 << rn;
    return i;
  }
  if (P === 1 && U === 1) return null; // W = 1: undefined
  // VLDM/VSTM: IA (P 0 U 1, optional writeback) or DB (P 1 U 0 W 1). VPUSH/VPOP are the SP forms.
  if (dp && (imm8 & 1) === 1) return null; // FLDMX/FSTMX: not on M-profile
  const count = dp ? imm8 >>> 1 : imm8;
  const first = reg(Vd, D, dp);
  const limit = dp ? 16 : 32;
  const firstReg = dp ? first >>> 1 : first;
  if (first < 0 || count === 0 || count > (dp ? 16 : 32) || firstReg + count > limit) return null;
  if (rn === 15) return null;
  const words = dp ? count * 2 : count;
  const isPush = rn === 13 && W === 1 && ((L === 0 && P === 1) || (L === 1 && P === 0));
  const name = isPush ? (L ? 'vpop' : 'vpush') : `${L ? 'vldm' : 'vstm'}${P ? 'db' : 'ia'}`;
  const i = rec(L ? x.vldm : x.vstm, L ? InsnClass.FpLoadMultiple : InsnClass.FpStoreMultiple, name);
  i.rd = first;
  i.rn = rn;
  i.add = U;
  i.wback = W;
  i.index = P;
  i.transferCount = words;
  i.readMask = 1 << rn;
  if (W) i.writeMask = 1 << rn;
  return i;
}

/**
 * VMOV between two core registers and two singles or a double:
 * 1110 1100 010 op Rt2 | Rt 101 sz 00 M 1 Vm  (sz 0: Sm, Sm+1 with m = Vm:M; sz 1: Dm with m = M:Vm)
 */
function decodeTransfer64(hw1: number, hw2: number): Insn | null {
  if ((hw2 & 0xd0) !== 0x10) return null;
  const toCore = (hw1 >>> 4) & 1;
  const rt2 = hw1 & 0xf;
  const rt = (hw2 >>> 12) & 0xf;
  const dp = ((hw2 >>> 8) & 1) === 1;
  const Vm = hw2 & 0xf;
  const M = (hw2 >>> 5) & 1;
  const m = dp ? dReg(Vm, M) : sReg(Vm, M);
  if (m < 0 || (!dp && m === 31) || rt === 15 || rt2 === 15 || (toCore === 1 && rt === rt2)) return null;
  const i = rec(x.vmovCore2, InsnClass.FpMove, 'vmov');
  i.rd = rt;
  i.ra = rt2;
  i.rm = m;
  i.op = toCore;
  if (toCore) i.writeMask = (1 << rt) | (1 << rt2);
  else i.readMask = (1 << rt) | (1 << rt2);
  return i;
}
