/**
 * 32-bit Thumb data-processing, multiply and DSP templates (ARMv7-M ARM DDI 0403E, A5.3.1–A5.3.16).
 */
import { InsnClass } from '@seedsim/core';
import { insnItem, type StreamItem } from './item.js';
import type { Template } from './template.js';
import { READABLE, WRITABLE } from './layout.js';
import { imm3imm2, pickExcept, randomModImm, t32, withImm12 } from './fields.js';

const one = (hw1: number, hw2: number, name: string, group: string, cls: InsnClass): StreamItem[] => [insnItem(t32(hw1, hw2), 4, name, group, cls)];

/** Data processing (modified immediate) op codes, A5.3.1: [op, can be a compare (Rd=15, S=1), can be a move (Rn=15)]. */
const MODIMM_OPS: [number, boolean, boolean][] = [
  [0, true, false], // AND / TST
  [1, false, false], // BIC
  [2, false, true], // ORR / MOV
  [3, false, true], // ORN / MVN
  [4, true, false], // EOR / TEQ
  [8, true, false], // ADD / CMN
  [10, false, false], // ADC
  [11, false, false], // SBC
  [13, true, false], // SUB / CMP
  [14, false, false], // RSB
];

/** Data processing (shifted register) op codes, A5.3.11: same shape as above (PKH handled apart). */
const SHIFTREG_OPS = MODIMM_OPS;

export const THUMB32_DP_TEMPLATES: Template[] = [
  {
    // A5.3.1: 11110 i 0 op S Rn | 0 imm3 Rd imm8.
    name: 't32-dp-modimm', group: 'dp-imm', itSafe: true,
    make: (rng) => {
      const [op, canCompare, canMove] = rng.pick(MODIMM_OPS);
      let s = rng.bit();
      let rd = rng.pick(WRITABLE);
      let rn = rng.pick(READABLE);
      if (canCompare && rng.chance(0.3)) {
        rd = 15;
        s = 1;
      } else if (canMove && rng.chance(0.4)) {
        rn = 15;
      }
      // ADD/SUB/CMN/CMP with SP as the first operand (A7.7.5 ADD (SP plus immediate) T3, A7.7.173 T2).
      if ((op === 8 || op === 13) && rng.chance(0.15)) rn = 13;
      const [hw1, hw2] = withImm12(0xf000 | (op << 5) | (s << 4) | rn, rd << 8, randomModImm(rng));
      return one(hw1, hw2, 't32-dp-modimm', 'dp-imm', InsnClass.Alu);
    },
  },
  {
    // A5.3.3 ADDW/SUBW (ADR T2/T3 with Rn = PC) and MOVW/MOVT: 11110 i 1 op Rn | 0 imm3 Rd imm8.
    name: 't32-dp-plainimm', group: 'dp-imm', itSafe: true,
    make: (rng) => {
      const op = rng.pick([0b00000, 0b01010, 0b00100, 0b01100]);
      const rd = rng.pick(WRITABLE);
      const rn = op === 0b00100 || op === 0b01100 ? rng.below(16) : rng.chance(0.25) ? 15 : rng.pick(READABLE);
      const [hw1, hw2] = withImm12(0xf200 | (op << 4) | rn, rd << 8, rng.below(4096));
      return one(hw1, hw2, 't32-dp-plainimm', 'dp-imm', InsnClass.Alu);
    },
  },
  {
    // A5.3.3 SSAT/USAT (with LSL or ASR), SSAT16/USAT16: 11110 0 11 op 0 Rn | 0 imm3 Rd imm2 0 sat.
    name: 't32-sat', group: 'saturate', itSafe: true,
    make: (rng) => {
      const unsigned = rng.bit();
      const rd = rng.pick(WRITABLE);
      const rn = rng.pick(READABLE);
      const kind = rng.below(3); // 0 LSL, 1 ASR (amount 1..31), 2 the 16-bit form
      const sh = kind === 0 ? 0 : 1;
      const amount = kind === 0 ? rng.below(32) : kind === 1 ? rng.range(1, 31) : 0;
      const sat = kind === 2 ? rng.below(16) : rng.below(32);
      const hw1 = 0xf300 | (unsigned << 7) | (sh << 5) | rn;
      return one(hw1, (rd << 8) | imm3imm2(amount) | sat, 't32-sat', 'saturate', InsnClass.Dsp);
    },
  },
  {
    // A5.3.3 SBFX/UBFX (lsb + width <= 32) and BFI/BFC (msb >= lsb): 11110 0 11 op 0 Rn | 0 imm3 Rd imm2 0 w.
    name: 't32-bitfield', group: 'bitfield', itSafe: true,
    make: (rng) => {
      const kind = rng.below(3); // 0 SBFX, 1 UBFX, 2 BFI/BFC
      const rd = rng.pick(WRITABLE);
      const lsb = rng.below(32);
      const op = [0b10100, 0b11100, 0b10110][kind];
      const rn = kind === 2 && rng.chance(0.3) ? 15 : rng.pick(READABLE);
      const field = kind === 2 ? rng.range(lsb, 31) : rng.below(32 - lsb);
      return one(0xf200 | (op << 4) | rn, (rd << 8) | imm3imm2(lsb) | field, 't32-bitfield', 'bitfield', InsnClass.Dsp);
    },
  },
  {
    // A5.3.11: 11101 01 op S Rn | 0 imm3 Rd imm2 type Rm (MOV/MVN with Rn = PC; shifts are MOV forms).
    name: 't32-dp-shiftreg', group: 'dp-shift', itSafe: true,
    make: (rng) => {
      const [op, canCompare, canMove] = rng.pick(SHIFTREG_OPS);
      let s = rng.bit();
      let rd = rng.pick(WRITABLE);
      let rn = rng.pick(READABLE);
      if (canCompare && rng.chance(0.3)) {
        rd = 15;
        s = 1;
      } else if (canMove && rng.chance(0.5)) {
        rn = 15;
      }
      const type = rng.below(4);
      const amount = rng.chance(0.25) ? 0 : rng.below(32);
      const cls = type === 0 && amount === 0 ? InsnClass.Alu : InsnClass.AluShift;
      return one(0xea00 | (op << 5) | (s << 4) | rn, imm3imm2(amount) | (rd << 8) | (type << 4) | rng.pick(READABLE), 't32-dp-shiftreg', 'dp-shift', cls);
    },
  },
  {
    // A7.7.93 PKHBT/PKHTB: 11101 01 0110 0 Rn | 0 imm3 Rd imm2 tb 0 Rm.
    name: 't32-pkh', group: 'pack', itSafe: true,
    make: (rng) => {
      const tb = rng.bit();
      return one(0xeac0 | rng.pick(READABLE), imm3imm2(rng.below(32)) | (rng.pick(WRITABLE) << 8) | (tb << 5) | rng.pick(READABLE), 't32-pkh', 'pack', InsnClass.Dsp);
    },
  },
  {
    // A5.3.12 register-controlled shifts: 11111010 0 type S Rn | 1111 Rd 0000 Rm.
    name: 't32-shift-reg', group: 'shift-reg', itSafe: true,
    make: (rng) => one(0xfa00 | (rng.below(4) << 5) | (rng.bit() << 4) | rng.pick(READABLE), 0xf000 | (rng.pick(WRITABLE) << 8) | rng.pick(READABLE), 't32-shift-reg', 'shift-reg', InsnClass.AluShift),
  },
  {
    // A5.3.12 SXTAH … UXTB with rotation: 11111010 0 op Rn | 1111 Rd 1 0 rot Rm (Rn = PC: no add).
    name: 't32-extend', group: 'extend', itSafe: true,
    make: (rng) => {
      const op = rng.below(6);
      const rn = rng.chance(0.4) ? 15 : rng.pick(READABLE);
      return one(0xfa00 | (op << 4) | rn, 0xf080 | (rng.pick(WRITABLE) << 8) | (rng.below(4) << 4) | rng.pick(READABLE), 't32-extend', 'extend', InsnClass.Dsp);
    },
  },
  {
    // A5.3.13/A5.3.14 parallel add/sub, signed and unsigned, plain/saturating/halving:
    // 11111010 1 op1 Rn | 1111 Rd 0 U op2 Rm; op1 in {000 ADD8, 001 ADD16, 010 ASX, 100 SUB8, 101 SUB16, 110 SAX}.
    name: 't32-parallel', group: 'parallel', itSafe: true,
    make: (rng) => {
      const op1 = rng.pick([0, 1, 2, 4, 5, 6]);
      const flavour = rng.below(6); // U:op2 with op2 in 0..2
      const u = flavour >= 3 ? 1 : 0;
      const op2 = flavour % 3;
      return one(0xfa80 | (op1 << 4) | rng.pick(READABLE), 0xf000 | (rng.pick(WRITABLE) << 8) | (u << 6) | (op2 << 4) | rng.pick(READABLE), 't32-parallel', 'parallel', InsnClass.Dsp);
    },
  },
  {
    // A5.3.15 miscellaneous: 11111010 10 op1 Rn | 1111 Rd 10 op2 Rm: QADD/QDADD/QSUB/QDSUB, REV/REV16/RBIT/REVSH, SEL, CLZ.
    name: 't32-misc', group: 'misc-dsp', itSafe: true,
    make: (rng) => {
      const [op1, op2] = rng.pick([[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1], [1, 2], [1, 3], [2, 0], [3, 0]]);
      const rm = rng.pick(READABLE);
      // REV/REV16/RBIT/REVSH and CLZ encode Rm twice (Rn field must equal Rm).
      const rn = op1 === 1 || op1 === 3 ? rm : rng.pick(READABLE);
      const group = op1 === 0 ? 'saturate' : 'misc-dsp';
      return one(0xfa80 | (op1 << 4) | rn, 0xf080 | (rng.pick(WRITABLE) << 8) | (op2 << 4) | rm, 't32-misc', group, InsnClass.Dsp);
    },
  },
  {
    // A5.3.16 multiply, multiply-accumulate, absolute difference: 11111011 0 op1 Rn | Ra Rd 00 op2 Rm.
    name: 't32-mul', group: 'mul', itSafe: true,
    make: (rng) => {
      const op1 = rng.below(8);
      let op2: number;
      switch (op1) {
        case 0: op2 = rng.bit(); break; // MLA/MUL, MLS
        case 1: op2 = rng.below(4); break; // SMLA/SMUL <x><y>: N, M
        case 7: op2 = 0; break; // USADA8/USAD8
        default: op2 = rng.bit(); break; // X, M or R bit
      }
      // MLS (op1 0, op2 1) and SMMLS have no non-accumulating form; the others do with Ra = 15.
      const accumulateOnly = (op1 === 0 && op2 === 1) || op1 === 6;
      const ra = accumulateOnly || rng.chance(0.5) ? rng.pick(READABLE) : 15;
      const cls = ra === 15 ? InsnClass.Mul : InsnClass.Mac;
      const group = op1 === 0 ? 'mul' : 'dsp-mul';
      return one(0xfb00 | (op1 << 4) | rng.pick(READABLE), (ra << 12) | (rng.pick(WRITABLE) << 8) | (op2 << 4) | rng.pick(READABLE), 't32-mul', group, cls);
    },
  },
  {
    // A5.3.17 long multiply and divide: 11111011 1 op1 Rn | RdLo RdHi op2 Rm.
    name: 't32-mul-long', group: 'mul-long', itSafe: true,
    make: (rng) => {
      const forms: [number, number][] = [
        [0b000, 0b0000], // SMULL
        [0b010, 0b0000], // UMULL
        [0b100, 0b0000], // SMLAL
        [0b100, 0b1000 | rng.below(4)], // SMLALxy
        [0b100, 0b1100 | rng.bit()], // SMLALD{X}
        [0b101, 0b1100 | rng.bit()], // SMLSLD{X}
        [0b110, 0b0000], // UMLAL
        [0b110, 0b0110], // UMAAL
      ];
      const [op1, op2] = rng.pick(forms);
      const lo = rng.pick(WRITABLE);
      const hi = pickExcept(rng, WRITABLE, lo);
      const group = op2 === 0 ? 'mul-long' : 'dsp-mul';
      return one(0xfb80 | (op1 << 4) | rng.pick(READABLE), (lo << 12) | (hi << 8) | (op2 << 4) | rng.pick(READABLE), 't32-mul-long', group, InsnClass.MulLong);
    },
  },
  {
    // A7.7.125 SDIV / A7.7.195 UDIV: 11111011 1 0 U 1 Rn | 1111 Rd 1111 Rm. Divisors include zero
    // (the result is 0 with CCR.DIV_0_TRP clear, A7.7.125).
    name: 't32-div', group: 'div', itSafe: true,
    make: (rng) => {
      const u = rng.bit();
      return one(0xfb90 | (u << 5) | rng.pick(READABLE), 0xf0f0 | (rng.pick(WRITABLE) << 8) | rng.pick(READABLE), 't32-div', 'div', InsnClass.Div);
    },
  },
];
