/**
 * 16-bit Thumb templates (ARMv7-M ARM DDI 0403E, A5.2 and the per-instruction encodings in A7.7).
 * Register roles come from layout.ts: results go to WRITABLE registers, addresses use the base and
 * index registers, so memory accesses stay in the scratch area.
 */
import { InsnClass } from '@seedsim/core';
import { insnItem, type StreamItem } from './item.js';
import type { Template } from './template.js';
import { BASE_LOW, INDEX_LOW, READABLE, READABLE_LOW, WRITABLE, WRITABLE_LOW } from './layout.js';
import { forwardBranch } from './branch.js';
import { randomRegList } from './fields.js';

const one = (enc: number, name: string, group: string, cls: InsnClass, writesMemory = false): StreamItem[] => [
  insnItem(enc, 2, name, group, cls, writesMemory),
];

export const THUMB16_TEMPLATES: Template[] = [
  {
    // A5.2.1 shift (immediate): LSL/LSR/ASR Rd, Rm, #imm5. LSL #0 is MOVS Rd, Rm (register move).
    name: 't16-shift-imm', group: 'shift-imm', itSafe: true,
    make: (rng) => {
      const op = rng.below(3);
      const imm5 = rng.chance(0.15) ? 0 : rng.below(32);
      const cls = op === 0 && imm5 === 0 ? InsnClass.Alu : InsnClass.AluShift;
      return one((op << 11) | (imm5 << 6) | (rng.pick(READABLE_LOW) << 3) | rng.pick(WRITABLE_LOW), 't16-shift-imm', 'shift-imm', cls);
    },
  },
  {
    // A5.2.1 ADD/SUB (register) and ADD/SUB 3-bit immediate: 000 11 I op Rm/imm3 Rn Rd.
    name: 't16-addsub', group: 'dp-reg', itSafe: true,
    make: (rng) => one(0x1800 | (rng.bit() << 10) | (rng.bit() << 9) | (rng.below(8) << 6) | (rng.pick(READABLE_LOW) << 3) | rng.pick(WRITABLE_LOW), 't16-addsub', 'dp-reg', InsnClass.Alu),
  },
  {
    // A5.2.1 MOV/CMP/ADD/SUB Rdn, #imm8: 001 op Rdn imm8.
    name: 't16-imm8', group: 'dp-imm', itSafe: true,
    make: (rng) => {
      const op = rng.below(4);
      const rdn = op === 1 ? rng.pick(READABLE_LOW) : rng.pick(WRITABLE_LOW);
      return one(0x2000 | (op << 11) | (rdn << 8) | rng.below(256), 't16-imm8', 'dp-imm', InsnClass.Alu);
    },
  },
  {
    // A5.2.2 data processing (register): 010000 opcode Rm Rdn.
    name: 't16-dp', group: 'dp-reg', itSafe: true,
    make: (rng) => {
      const opc = rng.below(16);
      const compareOnly = opc === 8 || opc === 10 || opc === 11; // TST, CMP, CMN
      const rdn = compareOnly ? rng.pick(READABLE_LOW) : rng.pick(WRITABLE_LOW);
      const cls = opc === 13 ? InsnClass.Mul : opc === 2 || opc === 3 || opc === 4 || opc === 7 ? InsnClass.AluShift : InsnClass.Alu;
      return one(0x4000 | (opc << 6) | (rng.pick(READABLE_LOW) << 3) | rdn, 't16-dp', opc === 13 ? 'mul' : 'dp-reg', cls);
    },
  },
  {
    // A5.2.3 special data processing: ADD/CMP/MOV with high registers: 010001 op D Rm Rdn.
    name: 't16-hireg', group: 'dp-reg', itSafe: true,
    make: (rng) => {
      const op = rng.below(3);
      // ADD Rdn, PC and MOV Rd, PC read the PC (address + 4, A5.1.2); CMP with PC is UNPREDICTABLE.
      // ADD Rdn, SP and MOV Rd, SP read the SP (A7.7.6 ADD (SP plus register) T1).
      const rm = op !== 1 && rng.chance(0.15) ? 15 : op !== 1 && rng.chance(0.1) ? 13 : rng.pick(READABLE);
      let rdn: number;
      if (op === 1) {
        // CMP (register) T2: UNPREDICTABLE when both are low registers.
        rdn = rm < 8 ? rng.pick([8, 9, 10, 11, 12, 14]) : rng.pick(READABLE);
      } else {
        rdn = rng.pick(WRITABLE);
      }
      return one(0x4400 | (op << 8) | ((rdn >> 3) << 7) | (rm << 3) | (rdn & 7), 't16-hireg', 'dp-reg', InsnClass.Alu);
    },
  },
  {
    // A5.2.4 load/store (register offset): 0101 opB Rm Rn Rt, Rn = base, Rm = index.
    name: 't16-ldst-reg', group: 'ldst-reg', itSafe: true,
    make: (rng) => {
      const opB = rng.below(8);
      const isStore = opB < 3;
      const rt = isStore ? rng.pick(READABLE_LOW) : rng.pick(WRITABLE_LOW);
      const cls = isStore ? InsnClass.Store : opB === 4 ? InsnClass.Load : InsnClass.LoadNarrow;
      return one(0x5000 | (opB << 9) | (INDEX_LOW << 6) | (BASE_LOW << 3) | rt, 't16-ldst-reg', 'ldst-reg', cls, isStore);
    },
  },
  {
    // A5.2.4 load/store (immediate offset): STR/LDR word 0110, byte 0111, halfword 1000: L imm5 Rn Rt.
    name: 't16-ldst-imm', group: 'ldst-imm', itSafe: true,
    make: (rng) => {
      const kind = rng.below(3); // 0 word, 1 byte, 2 halfword
      const load = rng.bit();
      const rt = load ? rng.pick(WRITABLE_LOW) : rng.pick(READABLE_LOW);
      const top = [0x6000, 0x7000, 0x8000][kind];
      const cls = load ? (kind === 0 ? InsnClass.Load : InsnClass.LoadNarrow) : InsnClass.Store;
      return one(top | (load << 11) | (rng.below(32) << 6) | (BASE_LOW << 3) | rt, 't16-ldst-imm', 'ldst-imm', cls, !load);
    },
  },
  {
    // A5.2.4 STR/LDR Rt, [SP, #imm8*4]: 1001 L Rt imm8.
    name: 't16-ldst-sp', group: 'ldst-imm', itSafe: true,
    make: (rng) => {
      const load = rng.bit();
      const rt = load ? rng.pick(WRITABLE_LOW) : rng.pick(READABLE_LOW);
      return one(0x9000 | (load << 11) | (rt << 8) | rng.below(256), 't16-ldst-sp', 'ldst-imm', load ? InsnClass.Load : InsnClass.Store, !load);
    },
  },
  {
    // A7.7.43 LDR (literal) T1: 01001 Rt imm8.
    name: 't16-ldr-lit', group: 'ldr-literal', itSafe: true,
    make: (rng) => one(0x4800 | (rng.pick(WRITABLE_LOW) << 8) | rng.below(256), 't16-ldr-lit', 'ldr-literal', InsnClass.Load),
  },
  {
    // A7.7.7 ADR T1 (10100 Rd imm8) and A7.7.5 ADD Rd, SP, #imm8*4 (10101 Rd imm8).
    name: 't16-adr-addsp', group: 'dp-imm', itSafe: true,
    make: (rng) => one(0xa000 | (rng.bit() << 11) | (rng.pick(WRITABLE_LOW) << 8) | rng.below(256), 't16-adr-addsp', 'dp-imm', InsnClass.Alu),
  },
  {
    // A5.2.5 ADD/SUB SP, SP, #imm7*4: 1011 0000 S imm7 (small, SP stays in the scratch area).
    name: 't16-sp-adjust', group: 'dp-imm', itSafe: true,
    make: (rng) => one(0xb000 | (rng.bit() << 7) | rng.below(17), 't16-sp-adjust', 'dp-imm', InsnClass.Alu),
  },
  {
    // A5.2.5 SXTH/SXTB/UXTH/UXTB: 1011 0010 op Rm Rd.
    name: 't16-extend', group: 'extend', itSafe: true,
    make: (rng) => one(0xb200 | (rng.below(4) << 6) | (rng.pick(READABLE_LOW) << 3) | rng.pick(WRITABLE_LOW), 't16-extend', 'extend', InsnClass.Dsp),
  },
  {
    // A5.2.5 REV/REV16/REVSH: 1011 1010 op Rm Rd (op 10 is undefined).
    name: 't16-rev', group: 'misc-dsp', itSafe: true,
    make: (rng) => one(0xba00 | (rng.pick([0, 1, 3]) << 6) | (rng.pick(READABLE_LOW) << 3) | rng.pick(WRITABLE_LOW), 't16-rev', 'misc-dsp', InsnClass.Dsp),
  },
  {
    // A7.7.99 PUSH T1: 1011 010 M list (any low registers, LR).
    name: 't16-push', group: 'ldst-multiple', itSafe: true,
    make: (rng) => {
      const list = randomRegList(rng, [...READABLE_LOW, 14]);
      return one(0xb400 | ((list >> 14) & 1) << 8 | (list & 0xff), 't16-push', 'ldst-multiple', InsnClass.StoreMultiple, true);
    },
  },
  {
    // A7.7.98 POP T1: 1011 110 P list (no PC: the stream must not jump out of itself).
    name: 't16-pop', group: 'ldst-multiple', itSafe: true,
    make: (rng) => one(0xbc00 | randomRegList(rng, WRITABLE_LOW), 't16-pop', 'ldst-multiple', InsnClass.LoadMultiple),
  },
  {
    // A7.7.156 STM T1 (11000 Rn list, always writes back) and A7.7.40 LDM T1 (11001 Rn list); Rn not listed.
    name: 't16-ldm-stm', group: 'ldst-multiple', itSafe: true,
    make: (rng) => {
      const load = rng.bit();
      const list = randomRegList(rng, load ? WRITABLE_LOW : READABLE_LOW.filter((r) => r !== BASE_LOW));
      return one(0xc000 | (load << 11) | (BASE_LOW << 8) | list, 't16-ldm-stm', 'ldst-multiple', load ? InsnClass.LoadMultiple : InsnClass.StoreMultiple, !load);
    },
  },
  {
    // A7.7.21 CBZ/CBNZ: 1011 op 0 i 1 imm5 Rn, forward only (offset 0..126).
    name: 't16-cbz', group: 'branch', itSafe: false,
    make: (rng) => {
      const op = rng.bit();
      const rn = rng.pick(READABLE_LOW);
      const item = insnItem(0xb100 | (op << 11) | rn, 2, 't16-cbz', 'branch', InsnClass.Branch);
      item.resolve = forwardBranch(rng, (offset) =>
        offset < 0 || offset > 126 ? null : [0xb100 | (op << 11) | (((offset >> 6) & 1) << 9) | (((offset >> 1) & 31) << 3) | rn],
      );
      return [item];
    },
  },
  {
    // A7.7.12 B T1: 1101 cond imm8 (cond 0..13), offset imm8:'0' signed.
    name: 't16-bcond', group: 'branch', itSafe: false,
    make: (rng) => {
      const cond = rng.below(14);
      const item = insnItem(0xd000 | (cond << 8), 2, 't16-bcond', 'branch', InsnClass.Branch);
      item.resolve = forwardBranch(rng, (offset) => (offset < -256 || offset > 254 ? null : [0xd000 | (cond << 8) | ((offset >> 1) & 0xff)]));
      return [item];
    },
  },
  {
    // A7.7.12 B T2: 11100 imm11.
    name: 't16-b', group: 'branch', itSafe: false,
    make: (rng) => {
      const item = insnItem(0xe000, 2, 't16-b', 'branch', InsnClass.Branch);
      item.resolve = forwardBranch(rng, (offset) => (offset < -2048 || offset > 2046 ? null : [0xe000 | ((offset >> 1) & 0x7ff)]));
      return [item];
    },
  },
  {
    // A7.7.88 NOP T1.
    name: 't16-nop', group: 'system', itSafe: true,
    make: () => one(0xbf00, 't16-nop', 'system', InsnClass.System),
  },
];

/** A7.7.38 IT: 1011 1111 firstcond mask. `count` instructions, `thenElse[k]` true for T of instruction k+1. */
export function itEncoding(firstcond: number, thenElse: boolean[]): number {
  const count = thenElse.length + 1;
  let mask = 1 << (4 - count);
  for (let k = 0; k < thenElse.length; k++) {
    const bit = thenElse[k] ? firstcond & 1 : (firstcond & 1) ^ 1;
    mask |= bit << (3 - k);
  }
  return 0xbf00 | (firstcond << 4) | mask;
}
