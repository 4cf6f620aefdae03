/**
 * 32-bit Thumb load/store, exclusive, table branch, branch and system templates
 * (ARMv7-M ARM DDI 0403E, A5.3.4–A5.3.10 and A5.3.4 branches and miscellaneous control).
 * Bases are the base registers of layout.ts, write-back offsets are bounded, so a stream of a few
 * dozen instructions cannot leave the scratch area.
 */
import { InsnClass } from '@seedsim/core';
import { insnItem, type StreamItem } from './item.js';
import type { Template } from './template.js';
import { BASES_32, INDEXES_32, READABLE, WRITABLE, WRITABLE_LOW } from './layout.js';
import { forwardBranch } from './branch.js';
import { pickExcept, randomRegList, t32 } from './fields.js';
import type { Rng } from './rng.js';

const one = (hw1: number, hw2: number, name: string, group: string, cls: InsnClass, writesMemory = false): StreamItem[] => [
  insnItem(t32(hw1, hw2), 4, name, group, cls, writesMemory),
];

/** Single load/store kinds: [S (sign) bit, size, L] per A5.3.7–A5.3.10. */
interface SingleKind {
  sign: number;
  size: number;
  load: number;
}
const SINGLE_KINDS: SingleKind[] = [
  { sign: 0, size: 0, load: 0 }, // STRB
  { sign: 0, size: 1, load: 0 }, // STRH
  { sign: 0, size: 2, load: 0 }, // STR
  { sign: 0, size: 0, load: 1 }, // LDRB
  { sign: 0, size: 1, load: 1 }, // LDRH
  { sign: 0, size: 2, load: 1 }, // LDR
  { sign: 1, size: 0, load: 1 }, // LDRSB
  { sign: 1, size: 1, load: 1 }, // LDRSH
];

function singleClass(k: SingleKind): InsnClass {
  if (!k.load) return InsnClass.Store;
  return k.size === 2 ? InsnClass.Load : InsnClass.LoadNarrow;
}

/** hw1 of a single load/store: 1111 100 S U/1 size L Rn. */
function singleHw1(k: SingleKind, bit7: number, rn: number): number {
  return 0xf800 | (k.sign << 8) | (bit7 << 7) | (k.size << 5) | (k.load << 4) | rn;
}

/**
 * Write-back moves a base by whole words only: the bases then stay word aligned, so LDM/STM/LDRD/
 * STRD/LDREX through them never take an alignment UsageFault (A3.2.1), and SP keeps bits 1:0 clear
 * (B1.4.1). Unaligned single loads and stores still come from the non-write-back offsets.
 */
function wordOffset(offset: number): number {
  return offset & ~3;
}

function singleRt(rng: Rng, k: SingleKind, rn: number, wback: boolean): number {
  if (k.load) return rng.pick(WRITABLE);
  return wback ? pickExcept(rng, READABLE, rn) : rng.pick(READABLE);
}

export const THUMB32_MEM_TEMPLATES: Template[] = [
  {
    // A5.3.7–A5.3.10 immediate 12-bit offset: hw1 bit 7 = 1, hw2 = Rt imm12.
    name: 't32-ldst-imm12', group: 'ldst-imm', itSafe: true,
    make: (rng) => {
      const k = rng.pick(SINGLE_KINDS);
      const rn = rng.pick(BASES_32);
      return one(singleHw1(k, 1, rn), (singleRt(rng, k, rn, false) << 12) | rng.below(4096), 't32-ldst-imm12', 'ldst-imm', singleClass(k), !k.load);
    },
  },
  {
    // 8-bit immediate forms: hw2 = Rt 1 P U W imm8: negative offset (P=1 U=0 W=0), unprivileged
    // LDRT/STRT (P=1 U=1 W=0), pre-indexed (P=1 W=1) and post-indexed (P=0 W=1) with write-back.
    name: 't32-ldst-imm8', group: 'ldst-index', itSafe: true,
    make: (rng) => {
      const k = rng.pick(SINGLE_KINDS);
      const rn = rng.pick(BASES_32);
      const [p, u, w] = rng.pick([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 0, 1], [0, 1, 1]]);
      const imm8 = w ? wordOffset(rng.below(256)) : rng.below(256);
      const rt = singleRt(rng, k, rn, w === 1);
      return one(singleHw1(k, 0, rn), (rt << 12) | 0x800 | (p << 10) | (u << 9) | (w << 8) | imm8, 't32-ldst-imm8', 'ldst-index', singleClass(k), !k.load);
    },
  },
  {
    // Register offset: hw2 = Rt 0 00000 imm2 Rm, Rm an index register.
    name: 't32-ldst-reg', group: 'ldst-reg', itSafe: true,
    make: (rng) => {
      const k = rng.pick(SINGLE_KINDS);
      const rn = rng.pick(BASES_32);
      return one(singleHw1(k, 0, rn), (singleRt(rng, k, rn, false) << 12) | (rng.below(4) << 4) | rng.pick(INDEXES_32), 't32-ldst-reg', 'ldst-reg', singleClass(k), !k.load);
    },
  },
  {
    // Literal: 1111 100 S U size 1 1111 | Rt imm12 (loads only).
    name: 't32-ldr-lit', group: 'ldr-literal', itSafe: true,
    make: (rng) => {
      const k = rng.pick(SINGLE_KINDS.filter((x) => x.load));
      return one(0xf81f | (k.sign << 8) | (rng.bit() << 7) | (k.size << 5), (rng.pick(WRITABLE) << 12) | rng.below(4096), 't32-ldr-lit', 'ldr-literal', singleClass(k));
    },
  },
  {
    // A7.7.48/A7.7.160 LDRD/STRD (immediate): 1110 100 P U 1 W L Rn | Rt Rt2 imm8 (word multiples).
    name: 't32-ldrd-strd', group: 'ldst-double', itSafe: true,
    make: (rng) => {
      const load = rng.bit();
      const [p, w] = rng.pick([[1, 0], [1, 1], [0, 1]]);
      const rn = rng.pick(BASES_32);
      let rt: number;
      let rt2: number;
      if (load) {
        rt = rng.pick(WRITABLE);
        rt2 = pickExcept(rng, WRITABLE, rt);
      } else {
        rt = w ? pickExcept(rng, READABLE, rn) : rng.pick(READABLE);
        rt2 = w ? pickExcept(rng, READABLE, rn) : rng.pick(READABLE);
      }
      const hw1 = 0xe840 | (p << 8) | (rng.bit() << 7) | (w << 5) | (load << 4) | rn;
      return one(hw1, (rt << 12) | (rt2 << 8) | rng.below(256), 't32-ldrd-strd', 'ldst-double', load ? InsnClass.LoadDouble : InsnClass.StoreDouble, !load);
    },
  },
  {
    // A7.7.49 LDRD (literal): 1110 100 1 U 1 0 1 1111 | Rt Rt2 imm8.
    name: 't32-ldrd-lit', group: 'ldr-literal', itSafe: true,
    make: (rng) => {
      const rt = rng.pick(WRITABLE);
      return one(0xe95f | (rng.bit() << 7), (rt << 12) | (pickExcept(rng, WRITABLE, rt) << 8) | rng.below(256), 't32-ldrd-lit', 'ldr-literal', InsnClass.LoadDouble);
    },
  },
  {
    // A5.3.5 LDM/STM (IA and DB, with or without write-back; with SP! these are POP.W/PUSH.W):
    // 1110 100 op 0 W L Rn | list. At least two registers; no PC; STM lists no SP; Rn not listed with W.
    name: 't32-ldm-stm', group: 'ldst-multiple', itSafe: true,
    make: (rng) => {
      const load = rng.bit();
      const db = rng.bit();
      const rn = rng.pick(BASES_32);
      const w = rng.bit();
      const pool = load ? WRITABLE : READABLE.filter((r) => !(w && r === rn));
      const list = randomRegList(rng, pool, 2);
      const hw1 = (db ? 0xe900 : 0xe880) | (w << 5) | (load << 4) | rn;
      return one(hw1, list, 't32-ldm-stm', 'ldst-multiple', load ? InsnClass.LoadMultiple : InsnClass.StoreMultiple, !load);
    },
  },
  {
    // A5.3.8 exclusives. LDREX Rt,[Rn,#imm8*4]: 1110 1000 0101 Rn | Rt 1111 imm8;
    // STREX Rd,Rt,[Rn,#imm8*4]: 1110 1000 0100 Rn | Rt Rd imm8; LDREXB/H: 1110 1000 1101 Rn | Rt 1111 010x 1111;
    // STREXB/H: 1110 1000 1100 Rn | Rt 1111 010x Rd. Usually emitted as an LDREX/STREX pair on one address.
    name: 't32-exclusive', group: 'exclusive', itSafe: false,
    make: (rng) => {
      const rn = rng.pick(BASES_32);
      const size = rng.below(3); // 0 word, 1 byte, 2 halfword
      const imm8 = rng.below(64);
      const ldrex = (rt: number): StreamItem =>
        size === 0
          ? insnItem(t32(0xe850 | rn, (rt << 12) | 0xf00 | imm8), 4, 't32-exclusive', 'exclusive', InsnClass.Exclusive)
          : insnItem(t32(0xe8d0 | rn, (rt << 12) | 0xf4f | ((size - 1) << 4)), 4, 't32-exclusive', 'exclusive', InsnClass.Exclusive);
      const strex = (rd: number, rt: number): StreamItem =>
        size === 0
          ? insnItem(t32(0xe840 | rn, (rt << 12) | (rd << 8) | imm8), 4, 't32-exclusive', 'exclusive', InsnClass.Exclusive, true)
          : insnItem(t32(0xe8c0 | rn, (rt << 12) | 0xf40 | ((size - 1) << 4) | rd), 4, 't32-exclusive', 'exclusive', InsnClass.Exclusive, true);
      const rt = rng.pick(WRITABLE);
      const rd = rng.pick(WRITABLE);
      const rtStore = pickExcept(rng, READABLE, rd, rn);
      switch (rng.below(4)) {
        case 0:
          return [ldrex(rt)];
        case 1:
          // A lone STREX follows a CLREX, so it always meets an open monitor and fails. After an
          // LDREX of another size to the same address the result is UNPREDICTABLE (A3.4.5), and
          // Unicorn 2.0.1 then writes memory while reporting failure (KNOWN-MISMATCHES.md #4).
          return [insnItem(0xf3bf8f2f, 4, 't32-clrex', 'exclusive', InsnClass.Exclusive), strex(rd, rtStore)];
        default:
          return [ldrex(rt), strex(rd, rtStore)];
      }
    },
  },
  {
    // A7.7.23 CLREX: f3bf 8f2f.
    name: 't32-clrex', group: 'exclusive', itSafe: true,
    make: () => one(0xf3bf, 0x8f2f, 't32-clrex', 'exclusive', InsnClass.Exclusive),
  },
  {
    // A7.7.182 TBB/TBH [PC, Rm]: MOVS Rm, #index; TBB/TBH: 1110 1000 1101 1111 | 1111 0000 000H Rm;
    // then the table, whose entries point at the instructions that follow it.
    name: 't32-tbb', group: 'table-branch', itSafe: false,
    make: (rng) => {
      const half = rng.bit();
      const entries = rng.range(1, 6);
      const rm = rng.pick(WRITABLE_LOW);
      const index = rng.below(entries);
      const mov = insnItem(0x2000 | (rm << 8) | index, 2, 't16-imm8', 'dp-imm', InsnClass.Alu);
      const tb = insnItem(t32(0xe8df, 0xf000 | (half << 4) | rm), 4, 't32-tbb', 'table-branch', InsnClass.TableBranch);
      const tableHalfwords = half ? entries : Math.ceil(entries / 2);
      const table: StreamItem = {
        halfwords: new Array<number>(tableHalfwords).fill(0),
        template: '',
        group: 'table-branch',
        insnClass: null,
        isData: true,
        writesMemory: false,
        branchTarget: false,
        address: 0,
      };
      const targets = entries.valueOf();
      table.resolve = (items, self, endAddress) => {
        const base = items[self - 1].address + 4;
        const offsets: number[] = [];
        for (let e = 0; e < targets; e++) {
          // The e-th entry jumps to one of the next few instructions after the table, or the end.
          const k = self + 1 + rng.below(4);
          const target = k < items.length && items[k].branchTarget && !items[k].isData ? items[k].address : endAddress;
          offsets.push((target - base) >> 1);
        }
        if (half) {
          items[self].halfwords = offsets.map((o) => o & 0xffff);
        } else {
          const hws: number[] = [];
          for (let e = 0; e < offsets.length; e += 2) hws.push((offsets[e] & 0xff) | ((e + 1 < offsets.length ? offsets[e + 1] & 0xff : 0) << 8));
          items[self].halfwords = hws;
        }
      };
      return [mov, tb, table];
    },
  },
  {
    // Indirect branches to a later instruction of the stream: ADR.W Rk, target (ADDW Rk, PC, #imm12,
    // A7.7.7 T3); ADDS Rk, #1 (the Thumb bit for interworking branches); then BX Rk, BLX Rk, MOV PC, Rk
    // (ALUWritePC, bit 0 ignored), PUSH {Rk} + POP {PC}, or PUSH {Rk} + LDR PC, [SP], #4.
    name: 't32-branch-indirect', group: 'branch-indirect', itSafe: false,
    make: (rng) => {
      const rk = rng.pick(WRITABLE_LOW);
      const adr = insnItem(t32(0xf20f, rk << 8), 4, 't32-branch-indirect', 'branch-indirect', InsnClass.Alu);
      const adds = insnItem(0x3001 | (rk << 8), 2, 't16-imm8', 'dp-imm', InsnClass.Alu);
      const push = insnItem(0xb400 | (1 << rk), 2, 't16-push', 'ldst-multiple', InsnClass.StoreMultiple, true);
      const jumps: StreamItem[][] = [
        [insnItem(0x4700 | (rk << 3), 2, 't16-bx-blx', 'branch-indirect', InsnClass.BranchIndirect)],
        [insnItem(0x4780 | (rk << 3), 2, 't16-bx-blx', 'branch-indirect', InsnClass.BranchIndirect)],
        [insnItem(0x4687 | (rk << 3), 2, 't16-mov-pc', 'branch-indirect', InsnClass.BranchIndirect)],
        [push, insnItem(0xbd00, 2, 't16-pop-pc', 'branch-indirect', InsnClass.BranchIndirect)],
        [push, insnItem(0xf85dfb04, 4, 't32-ldr-pc', 'branch-indirect', InsnClass.BranchIndirect)],
      ];
      const snippet = [adr, adds, ...rng.pick(jumps)];
      const length = snippet.length;
      adr.resolve = (items, self, endAddress) => {
        const base = (items[self].address + 4) & ~3;
        const candidates: number[] = [];
        for (let k = self + length; k < items.length && k < self + length + 6; k++) {
          if (items[k].branchTarget && !items[k].isData) candidates.push(items[k].address);
        }
        candidates.push(endAddress);
        const offset = rng.pick(candidates) - base;
        if (offset < 0 || offset > 4095) throw new Error(`indirect branch target out of ADR range (${offset})`);
        items[self].halfwords = [0xf20f | (((offset >> 11) & 1) << 10), (((offset >> 8) & 7) << 12) | (rk << 8) | (offset & 0xff)];
      };
      return snippet;
    },
  },
  {
    // A7.7.12 B T3 (conditional: 11110 S cond imm6 | 10 J1 0 J2 imm11) and B T4 / BL
    // (11110 S imm10 | 1 0/1 J1 1 J2 imm11 with I1 = NOT(J1 XOR S), I2 = NOT(J2 XOR S)).
    name: 't32-branch', group: 'branch', itSafe: false,
    make: (rng) => {
      const kind = rng.below(3); // 0 B<cond>.W, 1 B.W, 2 BL
      const cond = rng.below(14);
      const encode = (offset: number): number[] | null => {
        const s = offset < 0 ? 1 : 0;
        if (kind === 0) {
          if (offset < -(1 << 20) || offset >= 1 << 20) return null;
          const j1 = (offset >> 18) & 1;
          const j2 = (offset >> 19) & 1;
          return [0xf000 | (s << 10) | (cond << 6) | ((offset >> 12) & 0x3f), 0x8000 | (j1 << 13) | (j2 << 11) | ((offset >> 1) & 0x7ff)];
        }
        const i1 = (offset >> 23) & 1;
        const i2 = (offset >> 22) & 1;
        const j1 = (i1 ^ 1) ^ s;
        const j2 = (i2 ^ 1) ^ s;
        const link = kind === 2 ? 0x4000 : 0;
        return [0xf000 | (s << 10) | ((offset >> 12) & 0x3ff), 0x9000 | link | (j1 << 13) | (j2 << 11) | ((offset >> 1) & 0x7ff)];
      };
      const item = insnItem(0xf0009000, 4, 't32-branch', 'branch', kind === 2 ? InsnClass.Call : InsnClass.Branch);
      item.resolve = forwardBranch(rng, encode);
      return [item];
    },
  },
  {
    // A7.7.82 MRS Rd, APSR: 1111 0011 1110 1111 | 1000 Rd 0000 0000;
    // A7.7.83 MSR APSR_<nzcvq|g|nzcvqg>, Rn: 1111 0011 1000 Rn | 1000 mask 00 0000 0000.
    name: 't32-mrs-msr', group: 'status', itSafe: true,
    make: (rng) => {
      if (rng.bit()) return one(0xf3ef, 0x8000 | (rng.pick(WRITABLE) << 8), 't32-mrs-msr', 'status', InsnClass.System);
      return one(0xf380 | rng.pick(READABLE), 0x8000 | (rng.range(1, 3) << 10), 't32-mrs-msr', 'status', InsnClass.System);
    },
  },
  {
    // A7.7.88 NOP.W: f3af 8000.
    name: 't32-nop', group: 'system', itSafe: true,
    make: () => one(0xf3af, 0x8000, 't32-nop', 'system', InsnClass.System),
  },
  {
    // A7.7.33/34/37 DMB/DSB/ISB SY: f3bf 8f5f / 8f4f / 8f6f. Not placed in IT blocks: Unicorn 2.0.1
    // ends its translation block at a barrier and then reads back ITSTATE as 0 although it still
    // applies the rest of the block (measured; KNOWN-MISMATCHES.md, "barrier inside IT").
    name: 't32-barrier', group: 'system', itSafe: false,
    make: (rng) => one(0xf3bf, rng.pick([0x8f5f, 0x8f4f, 0x8f6f]), 't32-barrier', 'system', InsnClass.System),
  },
];
