/**
 * FPv5-D16 templates (ARMv7-M ARM DDI 0403E A5.4 / A6.4 floating-point encodings, and the FPv5
 * additions VSEL, VMAXNM/VMINNM, VRINT, VCVTA/N/P/M, VCVTB/T with F64 from the Armv8-M ARM DDI 0553).
 * Single registers s0–s31 (Sx = Vx:bit), double registers d0–d15 only (the D bit is 0: D16).
 */
import { InsnClass } from '@seedsim/core';
import { insnItem, type StreamItem } from './item.js';
import type { Template } from './template.js';
import type { Rng } from './rng.js';
import { BASES_32, READABLE, WRITABLE } from './layout.js';
import { pickExcept, t32 } from './fields.js';

/** A register operand as its 4-bit field and the extra bit (Vd/D, Vn/N, Vm/M). */
interface Reg {
  field: number;
  bit: number;
}

function reg(rng: Rng, double: boolean): Reg {
  if (double) return { field: rng.below(16), bit: 0 };
  const s = rng.below(32);
  return { field: s >> 1, bit: s & 1 };
}

const one = (hw1: number, hw2: number, name: string, group: string, cls: InsnClass, writesMemory = false): StreamItem[] => [
  insnItem(t32(hw1, hw2), 4, name, group, cls, writesMemory),
];

/** hw1 / hw2 of the VFP data-processing space: 1110 1110 a D o1 o2 Vn | Vd 101 sz N op M 0 Vm. */
function vfp(top: number, a: number, opc: number, d: Reg, n: Reg, m: Reg, sz: number, op: number): [number, number] {
  return [top | (a << 7) | (d.bit << 6) | (opc << 4) | n.field, (d.field << 12) | 0xa00 | (sz << 8) | (n.bit << 7) | (op << 6) | (m.bit << 5) | m.field];
}

/** hw1 / hw2 of the VFP "other" space: 1110 1110 1 D 11 opc2 | Vd 101 sz o 1 M 0 Vm. */
function vfpOther(top: number, opc2: number, d: Reg, m: Reg, sz: number, o: number): [number, number] {
  return [top | 0xb0 | (d.bit << 6) | opc2, (d.field << 12) | 0xa00 | (sz << 8) | (o << 7) | 0x40 | (m.bit << 5) | m.field];
}

const THREE_REG: { name: string; a: number; opc: number; op: number; single: InsnClass; double: InsnClass; group: string }[] = [
  { name: 'vmla', a: 0, opc: 0, op: 0, single: InsnClass.FpMac, double: InsnClass.DpMac, group: 'fp-mac' },
  { name: 'vmls', a: 0, opc: 0, op: 1, single: InsnClass.FpMac, double: InsnClass.DpMac, group: 'fp-mac' },
  { name: 'vnmls', a: 0, opc: 1, op: 0, single: InsnClass.FpMac, double: InsnClass.DpMac, group: 'fp-mac' },
  { name: 'vnmla', a: 0, opc: 1, op: 1, single: InsnClass.FpMac, double: InsnClass.DpMac, group: 'fp-mac' },
  { name: 'vmul', a: 0, opc: 2, op: 0, single: InsnClass.FpMul, double: InsnClass.DpMul, group: 'fp-arith' },
  { name: 'vnmul', a: 0, opc: 2, op: 1, single: InsnClass.FpMul, double: InsnClass.DpMul, group: 'fp-arith' },
  { name: 'vadd', a: 0, opc: 3, op: 0, single: InsnClass.FpAlu, double: InsnClass.DpAlu, group: 'fp-arith' },
  { name: 'vsub', a: 0, opc: 3, op: 1, single: InsnClass.FpAlu, double: InsnClass.DpAlu, group: 'fp-arith' },
  { name: 'vdiv', a: 1, opc: 0, op: 0, single: InsnClass.FpDiv, double: InsnClass.DpDiv, group: 'fp-arith' },
  { name: 'vfnms', a: 1, opc: 1, op: 0, single: InsnClass.FpFma, double: InsnClass.DpMac, group: 'fp-fma' },
  { name: 'vfnma', a: 1, opc: 1, op: 1, single: InsnClass.FpFma, double: InsnClass.DpMac, group: 'fp-fma' },
  { name: 'vfma', a: 1, opc: 2, op: 0, single: InsnClass.FpFma, double: InsnClass.DpMac, group: 'fp-fma' },
  { name: 'vfms', a: 1, opc: 2, op: 1, single: InsnClass.FpFma, double: InsnClass.DpMac, group: 'fp-fma' },
];

function threeReg(group: string): Template {
  const forms = THREE_REG.filter((f) => f.group === group);
  return {
    name: `fp-${group.slice(3)}-3reg`, group, itSafe: true,
    make: (rng) => {
      const f = rng.pick(forms);
      const sz = rng.bit();
      const [hw1, hw2] = vfp(0xee00, f.a, f.opc, reg(rng, sz === 1), reg(rng, sz === 1), reg(rng, sz === 1), sz, f.op);
      return one(hw1, hw2, `fp-${f.name}`, group, sz ? f.double : f.single);
    },
  };
}

export const FP_TEMPLATES: Template[] = [
  threeReg('fp-arith'),
  threeReg('fp-mac'),
  threeReg('fp-fma'),
  {
    // VABS (opc2 0000 o=1), VNEG (0001 o=0), VSQRT (0001 o=1).
    name: 'fp-abs-neg-sqrt', group: 'fp-unary', itSafe: true,
    make: (rng) => {
      const [opc2, o] = rng.pick([[0, 1], [1, 0], [1, 1]]);
      const sz = rng.bit();
      const [hw1, hw2] = vfpOther(0xee00, opc2, reg(rng, sz === 1), reg(rng, sz === 1), sz, o);
      const sqrt = opc2 === 1 && o === 1;
      const cls = sqrt ? (sz ? InsnClass.DpSqrt : InsnClass.FpSqrt) : sz ? InsnClass.DpAlu : InsnClass.FpAlu;
      return one(hw1, hw2, sqrt ? 'fp-vsqrt' : 'fp-vabs-vneg', 'fp-unary', cls);
    },
  },
  {
    // VCMP{E} with a register (opc2 0100) or with zero (opc2 0101, Vm = 0), then sometimes
    // VMRS APSR_nzcv, FPSCR (eef1 fa10) so the flags reach the integer side.
    name: 'fp-vcmp', group: 'fp-compare', itSafe: false,
    make: (rng) => {
      const sz = rng.bit();
      const withZero = rng.chance(0.25);
      const m = withZero ? { field: 0, bit: 0 } : reg(rng, sz === 1);
      const [hw1, hw2] = vfpOther(0xee00, withZero ? 5 : 4, reg(rng, sz === 1), m, sz, rng.bit());
      const items = one(hw1, hw2, 'fp-vcmp', 'fp-compare', sz ? InsnClass.DpAlu : InsnClass.FpAlu);
      if (rng.bit()) items.push(insnItem(0xeef1fa10, 4, 'fp-vmrs', 'fp-status', InsnClass.FpMove));
      return items;
    },
  },
  {
    // VCVT between F32 and F64 (opc2 0111 o=1; sz is the source precision).
    name: 'fp-vcvt-f32-f64', group: 'fp-convert', itSafe: true,
    make: (rng) => {
      const sz = rng.bit();
      const [hw1, hw2] = vfpOther(0xee00, 7, reg(rng, sz === 0), reg(rng, sz === 1), sz, 1);
      return one(hw1, hw2, 'fp-vcvt-f32-f64', 'fp-convert', InsnClass.DpAlu);
    },
  },
  {
    // VCVT float <- integer (opc2 1000, o = signed; Sm holds the integer) and integer <- float
    // (opc2 110U: VCVTR with o=0 rounds per FPSCR, o=1 toward zero; Sd receives the integer).
    name: 'fp-vcvt-int', group: 'fp-convert', itSafe: true,
    make: (rng) => {
      const sz = rng.bit();
      const toInt = rng.bit();
      const o = rng.bit();
      const [hw1, hw2] = toInt
        ? vfpOther(0xee00, 0b1100 | rng.bit(), reg(rng, false), reg(rng, sz === 1), sz, o)
        : vfpOther(0xee00, 0b1000, reg(rng, sz === 1), reg(rng, false), sz, o);
      return one(hw1, hw2, 'fp-vcvt-int', 'fp-convert', sz ? InsnClass.DpAlu : InsnClass.FpAlu);
    },
  },
  {
    // VCVT between floating point and fixed point (A7.7.226): 1110 1110 1 D 11 1 op 1 U | Vd 101 sf sx 1 i 0 imm4.
    // size = 16 (sx 0) or 32 (sx 1); fraction bits = size - imm4:i, which must be 0..size.
    name: 'fp-vcvt-fixed', group: 'fp-convert', itSafe: true,
    make: (rng) => {
      const sf = rng.bit();
      const op = rng.bit();
      const u = rng.bit();
      const sx = rng.bit();
      const size = sx ? 32 : 16;
      const imm5 = size === 32 ? rng.below(32) : rng.below(17);
      // The register is both source and destination; for F64 it is a D register.
      const d = reg(rng, sf === 1);
      const hw1 = 0xeeb0 | (d.bit << 6) | 0b1010 | (op << 2) | u;
      const hw2 = (d.field << 12) | 0xa00 | (sf << 8) | (sx << 7) | 0x40 | ((imm5 & 1) << 5) | (imm5 >> 1);
      return one(hw1, hw2, 'fp-vcvt-fixed', 'fp-convert', sf ? InsnClass.DpAlu : InsnClass.FpAlu);
    },
  },
  {
    // VCVTB/VCVTT (opc2 001 op, o = T): half precision in the bottom or top of Sx, to/from F32 or F64.
    name: 'fp-vcvt-half', group: 'fp-convert', itSafe: true,
    make: (rng) => {
      const sz = rng.bit();
      const toHalf = rng.bit();
      const d = reg(rng, sz === 1 && toHalf === 0);
      const m = reg(rng, sz === 1 && toHalf === 1);
      const [hw1, hw2] = vfpOther(0xee00, 0b0010 | toHalf, d, m, sz, rng.bit());
      return one(hw1, hw2, 'fp-vcvt-half', 'fp-convert', sz ? InsnClass.DpAlu : InsnClass.FpAlu);
    },
  },
  {
    // VRINTR/VRINTZ (opc2 0110, o), VRINTX (opc2 0111, o=0); VRINTA/N/P/M: 1111 1110 1 D 11 10 RM | Vd 101 sz 0 1 M 0 Vm.
    name: 'fp-vrint', group: 'fp-round', itSafe: false,
    make: (rng) => {
      const sz = rng.bit();
      const d = reg(rng, sz === 1);
      const m = reg(rng, sz === 1);
      const form = rng.below(3);
      const [hw1, hw2] =
        form === 0 ? vfpOther(0xee00, 6, d, m, sz, rng.bit()) : form === 1 ? vfpOther(0xee00, 7, d, m, sz, 0) : vfpOther(0xfe00, 0b1000 | rng.below(4), d, m, sz, 0);
      return one(hw1, hw2, 'fp-vrint', 'fp-round', sz ? InsnClass.DpAlu : InsnClass.FpAlu);
    },
  },
  {
    // VCVTA/N/P/M to integer: 1111 1110 1 D 11 11 RM | Vd 101 sz op 1 M 0 Vm (op = signed).
    name: 'fp-vcvt-directed', group: 'fp-round', itSafe: false,
    make: (rng) => {
      const sz = rng.bit();
      const [hw1, hw2] = vfpOther(0xfe00, 0b1100 | rng.below(4), reg(rng, false), reg(rng, sz === 1), sz, rng.bit());
      return one(hw1, hw2, 'fp-vcvt-directed', 'fp-round', sz ? InsnClass.DpAlu : InsnClass.FpAlu);
    },
  },
  {
    // VMAXNM/VMINNM: 1111 1110 1 D 00 Vn | Vd 101 sz N op M 0 Vm; VSEL<cc>: 1111 1110 0 D cc Vn | Vd 101 sz N 0 M 0 Vm.
    name: 'fp-minmax-sel', group: 'fp-select', itSafe: false,
    make: (rng) => {
      const sz = rng.bit();
      const d = reg(rng, sz === 1);
      const n = reg(rng, sz === 1);
      const m = reg(rng, sz === 1);
      const [hw1, hw2] = rng.bit() ? vfp(0xfe00, 1, 0, d, n, m, sz, rng.bit()) : vfp(0xfe00, 0, rng.below(4), d, n, m, sz, 0);
      return one(hw1, hw2, 'fp-minmax-sel', 'fp-select', sz ? InsnClass.DpAlu : InsnClass.FpAlu);
    },
  },
  {
    // VMOV register (opc2 0000 o=0) and VMOV immediate: 1110 1110 1 D 11 imm4H | Vd 101 sz 0000 imm4L.
    name: 'fp-vmov-reg-imm', group: 'fp-move', itSafe: true,
    make: (rng) => {
      const sz = rng.bit();
      const d = reg(rng, sz === 1);
      if (rng.bit()) {
        const [hw1, hw2] = vfpOther(0xee00, 0, d, reg(rng, sz === 1), sz, 0);
        return one(hw1, hw2, 'fp-vmov-reg-imm', 'fp-move', InsnClass.FpMove);
      }
      const imm8 = rng.below(256);
      return one(0xeeb0 | (d.bit << 6) | (imm8 >> 4), (d.field << 12) | 0xa00 | (sz << 8) | (imm8 & 15), 'fp-vmov-reg-imm', 'fp-move', InsnClass.FpMove);
    },
  },
  {
    // VMOV Sn <-> Rt: 1110 1110 000 op Vn | Rt 1010 N 001 0000;
    // VMOV Sm, Sm+1 <-> Rt, Rt2 / Dm <-> Rt, Rt2: 1110 1100 010 op Rt2 | Rt 101 sz 00 M 1 Vm.
    name: 'fp-vmov-core', group: 'fp-move', itSafe: true,
    make: (rng) => {
      const toCore = rng.bit();
      if (rng.bit()) {
        const n = reg(rng, false);
        const rt = toCore ? rng.pick(WRITABLE) : rng.pick(READABLE);
        return one(0xee00 | (toCore << 4) | n.field, (rt << 12) | 0xa10 | (n.bit << 7), 'fp-vmov-core', 'fp-move', InsnClass.FpMove);
      }
      const sz = rng.bit();
      const rt = toCore ? rng.pick(WRITABLE) : rng.pick(READABLE);
      const rt2 = toCore ? pickExcept(rng, WRITABLE, rt) : rng.pick(READABLE);
      // The single form moves Sm and Sm+1: Sm must not be s31.
      const m = sz ? reg(rng, true) : (() => {
        const s = rng.below(31);
        return { field: s >> 1, bit: s & 1 };
      })();
      return one(0xec40 | (toCore << 4) | rt2, (rt << 12) | 0xa00 | (sz << 8) | (m.bit << 5) | 0x10 | m.field, 'fp-vmov-core', 'fp-move', InsnClass.FpMove);
    },
  },
  {
    // VMOV.32 Dd[x], Rt: 1110 1110 0 0 x 0 Vd | Rt 1011 D 00 1 0000 and VMOV.32 Rt, Dn[x]:
    // 1110 1110 0 0 x 1 Vn | Rt 1011 N 00 1 0000 (A7.7.243/A7.7.244; D and N are 0 with D16).
    name: 'fp-vmov-scalar', group: 'fp-move', itSafe: true,
    make: (rng) => {
      const toCore = rng.bit();
      const rt = toCore ? rng.pick(WRITABLE) : rng.pick(READABLE);
      return one(0xee00 | (rng.bit() << 5) | (toCore << 4) | rng.below(16), (rt << 12) | 0xb10, 'fp-vmov-scalar', 'fp-move', InsnClass.FpMove);
    },
  },
  {
    // VMRS Rt, FPSCR (eef1 Rt a10) and VMSR FPSCR, Rt (eee1 Rt a10).
    name: 'fp-vmrs-vmsr', group: 'fp-status', itSafe: true,
    make: (rng) => {
      if (rng.bit()) return one(0xeef1, (rng.pick(WRITABLE) << 12) | 0xa10, 'fp-vmrs-vmsr', 'fp-status', InsnClass.FpMove);
      return one(0xeee1, (rng.pick(READABLE) << 12) | 0xa10, 'fp-vmrs-vmsr', 'fp-status', InsnClass.FpMove);
    },
  },
  {
    // VLDR/VSTR: 1110 1101 U D 0 L Rn | Vd 101 sz imm8 (offset imm8*4).
    name: 'fp-vldr-vstr', group: 'fp-memory', itSafe: true,
    make: (rng) => {
      const sz = rng.bit();
      const load = rng.bit();
      const d = reg(rng, sz === 1);
      const cls = sz ? (load ? InsnClass.FpLoadDouble : InsnClass.FpStoreDouble) : load ? InsnClass.FpLoad : InsnClass.FpStore;
      // Loads sometimes use the literal form (Rn = PC: Align(PC, 4) ± imm8*4, inside the code area).
      const rn = load && rng.chance(0.2) ? 15 : rng.pick(BASES_32);
      return one(0xed00 | (rng.bit() << 7) | (d.bit << 6) | (load << 4) | rn, (d.field << 12) | 0xa00 | (sz << 8) | rng.below(256), 'fp-vldr-vstr', 'fp-memory', cls, !load);
    },
  },
  {
    // VLDM/VSTM IA (P=0 U=1, W optional) and DB with write-back (P=1 U=0 W=1): 1110 110 P U D W L Rn | Vd 101 sz imm8.
    name: 'fp-vldm-vstm', group: 'fp-memory', itSafe: true,
    make: (rng) => {
      const sz = rng.bit();
      const load = rng.bit();
      const db = rng.bit();
      const w = db ? 1 : rng.bit();
      const rn = rng.pick(BASES_32);
      let first: number;
      let count: number;
      let d: Reg;
      if (sz) {
        first = rng.below(16);
        count = rng.range(1, Math.min(16 - first, 8));
        d = { field: first, bit: 0 };
      } else {
        first = rng.below(32);
        count = rng.range(1, Math.min(32 - first, 8));
        d = { field: first >> 1, bit: first & 1 };
      }
      const imm8 = sz ? count * 2 : count;
      const hw1 = 0xec00 | (db << 8) | ((db ^ 1) << 7) | (d.bit << 6) | (w << 5) | (load << 4) | rn;
      const cls = load ? InsnClass.FpLoadMultiple : InsnClass.FpStoreMultiple;
      return one(hw1, (d.field << 12) | 0xa00 | (sz << 8) | imm8, 'fp-vldm-vstm', 'fp-memory', cls, !load);
    },
  },
];
