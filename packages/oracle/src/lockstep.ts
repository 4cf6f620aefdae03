/**
 * The lock-step comparator: the same stream, initial registers and memory go to Unicorn and to the
 * core under test; both execute one instruction at a time and the register files (r0–r15, APSR
 * N Z C V Q GE, EPSR IT/T, s0–s31, FPSCR) are compared after each step, the scratch memory after
 * every step that may store and at the end of each block.
 *
 * Step granularity: one instruction, except that an IT instruction and its conditional block run
 * as one step in both engines (Unicorn's single steps are unreliable inside IT blocks,
 * KNOWN-MISMATCHES.md #5); the states are compared after the block.
 */
import type { CpuState } from '@seedsim/core';
import { Rng } from './generate/rng.js';
import { StreamGenerator, type Block } from './generate/stream.js';
import type { StreamItem } from './generate/item.js';
import { CODE_BASE, CODE_SIZE, SCRATCH_BASE, SCRATCH_SIZE, STREAM_BASE } from './generate/layout.js';
import { SNAP_FPSCR, SNAP_S0, SNAP_XPSR, Unicorn, type MappedRegion } from './unicorn.js';
import { UC_ARM_REG } from './unicorn-consts.js';
import type { CoreFactory, CoreUnderTest } from './core-under-test.js';
import type { AccessRecord } from './recording-bus.js';
import { randomInitialState, type InitialState } from './initial-state.js';
import { knownDivergence } from './divergences.js';
import { hexEncoding, insnItem } from './generate/item.js';
import { InsnClass } from '@seedsim/core';

/** The reproducer printed with each mismatch (report.ts), as JSON. */
export interface Reproducer {
  pc: string;
  /** Halfwords in hex, memory order, separated by spaces. */
  code: string;
  before: { r: string[]; apsr: string; fpscr?: string; s?: string[] };
  memory: { address: string; size: number; value: string; write?: boolean }[];
}

function parseHex(text: string, what: string): number {
  if (typeof text !== 'string' || !/^(0x)?[0-9a-f]{1,8}$/i.test(text.trim())) throw new Error(`reproducer: bad ${what} '${String(text)}'`);
  return Number.parseInt(text.trim().replace(/^0x/i, ''), 16) >>> 0;
}

/** The number of conditional instructions of an IT encoding (A7.7.38: the lowest set bit of the mask), 0 if not IT. */
function itCount(hw: number): number {
  if ((hw & 0xff00) !== 0xbf00 || (hw & 0xf) === 0) return 0;
  const mask = hw & 0xf;
  return mask & 1 ? 4 : mask & 2 ? 3 : mask & 4 ? 2 : 1;
}

/** For the IT instruction at `index` of a block, the address after its last conditional instruction; else 0. */
function itBlockEnd(block: Block, index: number): number {
  const item = block.items[index];
  if (item.template !== 't16-it') return 0;
  const last = block.items[index + itCount(item.halfwords[0])];
  return last.address + last.halfwords.length * 2;
}

/** Splits halfwords into instructions (a first halfword 0b11101/0b11110/0b11111 starts a 32-bit one). */
function splitInstructions(halfwords: number[], pc: number): StreamItem[] {
  const items: StreamItem[] = [];
  for (let i = 0; i < halfwords.length; ) {
    const wide = halfwords[i] >>> 11 >= 0x1d && i + 1 < halfwords.length;
    const item = wide
      ? insnItem(((halfwords[i] << 16) | halfwords[i + 1]) >>> 0, 4, 'replay', 'replay', InsnClass.Alu)
      : insnItem(halfwords[i], 2, 'replay', 'replay', InsnClass.Alu);
    item.address = pc + 2 * i;
    items.push(item);
    i += wide ? 2 : 1;
  }
  return items;
}

export interface LockstepOptions {
  seed: number;
  core: CoreFactory;
  fp?: boolean;
  /** Only this instruction class (generate/stream.ts classNames). */
  only?: string;
  /** Leave these classes out. */
  exclude?: readonly string[];
  blockLength?: number;
  /**
   * Runs of each block, each from a different random state (default 8). Unicorn translates each new
   * code address once per block; reusing a block amortises that (the dominant cost: about 30 µs per
   * new instruction address against under 2 µs per step once translated, measured on the dev machine).
   */
  repeats?: number;
  /** Mismatches kept with full detail (the rest are only counted). Default 10. */
  maxReports?: number;
}

/** A register file in comparable form. */
export interface StateView {
  r: number[];
  /** APSR as MRS reads it: N Z C V Q (31:27), GE (19:16). */
  apsr: number;
  /** EPSR: T (24), IT (26:25, 15:10). */
  epsr: number;
  fpscr: number;
  s: number[];
}

export interface Mismatch {
  /** Instructions executed before this step. */
  index: number;
  block: number;
  pc: number;
  /** The instructions of the step (the IT instruction and its block count as one step). */
  items: StreamItem[];
  /**
   * Instructions that follow the step and belong to the reproducer (the rest of an IT block: Unicorn
   * may take them in the same step when the reproducer runs). Empty outside IT blocks.
   */
  following: StreamItem[];
  before: StateView;
  unicorn: StateView;
  core: StateView;
  /** Names of the fields that differ ('r3', 'apsr.C', 's7', 'fpscr.IXC', 'mem 0x20008004'). */
  differences: string[];
  /** Scratch bytes that differ after the step: [address, unicorn byte, core byte]. */
  memory: [number, number, number][];
  /** Data accesses the core made (address, size, old value): what a reproducer must preload. */
  accesses: AccessRecord[];
  unicornError?: string;
  coreError?: string;
}

export interface LockstepResult {
  instructions: number;
  mismatchCount: number;
  mismatches: Mismatch[];
  blocks: number;
  /** Steps where both engines refused the instruction or left the stream together (generator escapes, not core bugs). */
  bothFaulted: number;
  /** The first few of those: instructions, Unicorn's error, the core's. */
  faultSamples: string[];
  /** Instructions executed per class. */
  classCounts: Map<string, number>;
  /** Mismatches that are documented Unicorn divergences (divergences.ts), by name. Not counted as mismatches. */
  knownDivergences: Map<string, number>;
}

const APSR_MASK = 0xf80f0000;
const XPSR_T = 0x0100_0000;
const EPSR_IT_MASK = 0x0600fc00;
const MAX_CATCH_UP = 10;
/** Instruction limit of a whole-IT-block run in Unicorn: above the 5 instructions an IT block has. */
const IT_RUN_LIMIT = 16;
/** Code bytes whose translations are dropped when a new block is loaded (more than any block uses). */
const MAX_BLOCK_BYTES = 0x1000;
const EPSR_MASK = 0x0700fc00;

/** FPSCR field names by bit, for difference reports (ARMv7-M ARM A2.5.3). */
const FPSCR_BITS: [number, string][] = [
  [31, 'N'], [30, 'Z'], [29, 'C'], [28, 'V'], [26, 'AHP'], [25, 'DN'], [24, 'FZ'], [23, 'RMode1'], [22, 'RMode0'],
  [7, 'IDC'], [4, 'IXC'], [3, 'UFC'], [2, 'OFC'], [1, 'DZC'], [0, 'IOC'],
];
const APSR_BITS: [number, string][] = [[31, 'N'], [30, 'Z'], [29, 'C'], [28, 'V'], [27, 'Q'], [19, 'GE3'], [18, 'GE2'], [17, 'GE1'], [16, 'GE0']];

export class Lockstep {
  readonly unicorn: Unicorn;
  readonly core: CoreUnderTest;
  private readonly ucCode: MappedRegion;
  private readonly ucScratch: MappedRegion;
  private readonly coreCode: Uint8Array;
  private readonly coreScratch: Uint8Array;
  private readonly ucScratch32: Uint32Array;
  private readonly coreScratch32: Uint32Array;
  private readonly rng: Rng;
  private readonly generator: StreamGenerator;
  private readonly fp: boolean;
  private readonly maxReports: number;
  private readonly repeats: number;
  private readonly init: InitialState = { r: new Uint32Array(16), apsr: 0, fpscr: 0, s: new Uint32Array(32) };
  private readonly beforeR = new Uint32Array(16);
  private readonly beforeS = new Uint32Array(32);
  private beforeApsr = 0;
  private beforeEpsr = 0;
  private beforeFpscr = 0;

  constructor(options: LockstepOptions) {
    this.fp = !!options.fp;
    this.maxReports = options.maxReports ?? 10;
    this.repeats = Math.max(1, options.repeats ?? 8);
    this.rng = new Rng(options.seed);
    this.generator = new StreamGenerator(new Rng(options.seed ^ 0x5eed5117), { fp: this.fp, only: options.only, exclude: options.exclude, blockLength: options.blockLength });
    this.unicorn = new Unicorn();
    this.ucCode = this.unicorn.map(CODE_BASE, CODE_SIZE);
    this.ucScratch = this.unicorn.map(SCRATCH_BASE, SCRATCH_SIZE);
    this.core = options.core([
      { base: CODE_BASE, size: CODE_SIZE },
      { base: SCRATCH_BASE, size: SCRATCH_SIZE },
    ]);
    const find = (base: number): Uint8Array => {
      const range = this.core.memory.find((m) => m.base === base);
      if (!range) throw new Error(`the core under test has no memory at 0x${base.toString(16)}`);
      return range.bytes;
    };
    this.coreCode = find(CODE_BASE);
    this.coreScratch = find(SCRATCH_BASE);
    this.ucScratch32 = new Uint32Array(this.ucScratch.bytes.buffer, this.ucScratch.bytes.byteOffset, SCRATCH_SIZE / 4);
    this.coreScratch32 = new Uint32Array(this.coreScratch.buffer, this.coreScratch.byteOffset, SCRATCH_SIZE / 4);
    // The first FP instruction with CONTROL.FPCA = 0 copies FPDSCR (0) into FPSCR and sets FPCA
    // (ARMv7-M ARM, ExecuteFPCheck() pseudocode, with FPCCR.ASPEN set at reset); Unicorn does that too
    // (measured: the FPSCR written before the first VDIV was replaced). So Unicorn executes one
    // VMOV.F32 s0, s0 (eeb0 0a40) before the oracle writes any state: FPCA is then 1 for good.
    this.ucCode.bytes.set([0xb0, 0xee, 0x40, 0x0a], STREAM_BASE - CODE_BASE);
    const warmUp = this.unicorn.step(STREAM_BASE);
    if (warmUp !== 0) throw new Error(`Unicorn cannot execute VMOV.F32 s0, s0: ${this.unicorn.errorText(warmUp)}`);
    this.unicorn.invalidateCode(STREAM_BASE, STREAM_BASE + MAX_BLOCK_BYTES);
    // Both memories start with the same random bytes.
    for (let i = 0; i < CODE_SIZE; i += 4) this.putWord(this.ucCode.bytes, this.coreCode, i, this.rng.u32());
    for (let i = 0; i < SCRATCH_SIZE; i += 4) this.putWord(this.ucScratch.bytes, this.coreScratch, i, this.rng.interesting32());
  }

  close(): void {
    this.unicorn.close();
    (this.core as { close?: () => void }).close?.();
  }

  /** Runs at least `count` instructions (finishing the step in progress). */
  run(count: number, progress?: (instructions: number, mismatches: number) => void): LockstepResult {
    const result: LockstepResult = { instructions: 0, mismatchCount: 0, mismatches: [], blocks: 0, bothFaulted: 0, faultSamples: [], classCounts: new Map(), knownDivergences: new Map() };
    const state = this.core.state;
    const uc = this.unicorn;
    let nextProgress = 10_000;
    let block: Block | null = null;
    let runsLeft = 0;
    const byAddress = new Map<number, number>();
    while (result.instructions < count) {
      if (runsLeft === 0 || block === null) {
        block = this.generator.nextBlock();
        result.blocks++;
        this.loadCode(block);
        byAddress.clear();
        block.items.forEach((item, i) => byAddress.set(item.address, i));
        runsLeft = this.repeats;
      }
      runsLeft--;
      this.loadState(block);
      let guard = 0;
      while (state.r[15] !== block.end && result.instructions < count) {
        const pc = state.r[15];
        const itemIndex = byAddress.get(pc);
        if (itemIndex === undefined || ++guard > 4 * block.items.length + 16) {
          // Both engines agree but left the stream (or loop in it): a generator escape, not a core bug.
          result.bothFaulted++;
          if (result.faultSamples.length < 5) result.faultSamples.push(`block ${result.blocks}: both engines left the stream at pc 0x${pc.toString(16)}`);
          break;
        }
        const { ucErr, regs, executed, coreError } = this.stepBoth(pc, itBlockEnd(block, itemIndex));
        const item = block.items[itemIndex];
        const group = item.group;
        result.classCounts.set(group, (result.classCounts.get(group) ?? 0) + executed);
        const instructionsBefore = result.instructions;
        result.instructions += executed;
        const unicornError = ucErr !== 0 ? uc.errorText(ucErr) : undefined;
        if (unicornError !== undefined && coreError !== undefined) {
          result.bothFaulted++;
          if (result.faultSamples.length < 5) {
            const what = block.items.slice(itemIndex, itemIndex + executed).map((x) => `${hexEncoding(x)} (${x.template})`).join(', ');
            result.faultSamples.push(`pc 0x${pc.toString(16)}: ${what}: Unicorn: ${unicornError}; core: ${coreError}`);
          }
          break; // both refused it: start a new block
        }
        const checkMemory = item.writesMemory || item.template === 't16-it';
        if (unicornError !== undefined || coreError !== undefined || !this.sameRegisters(regs, state) || (checkMemory && !this.sameScratch())) {
          const items = block.items.slice(itemIndex, itemIndex + executed).filter((x) => !x.isData);
          const mismatch = this.describe(instructionsBefore, result.blocks, pc, items, regs, state, unicornError, coreError);
          if ((this.beforeEpsr & EPSR_IT_MASK) !== 0) {
            // The step began inside an IT block: the reproducer needs the rest of it.
            for (let k = itemIndex + executed; k < block.items.length && k < itemIndex + executed + 5 && !block.items[k].isData; k++) {
              mismatch.following.push(block.items[k]);
            }
          }
          const known =
            unicornError === undefined && coreError === undefined && mismatch.memory.length === 0
              ? knownDivergence(items, mismatch.before, mismatch.unicorn, mismatch.core)
              : null;
          if (known !== null) {
            result.knownDivergences.set(known, (result.knownDivergences.get(known) ?? 0) + 1);
          } else {
            result.mismatchCount++;
            if (result.mismatches.length < this.maxReports) result.mismatches.push(mismatch);
          }
          this.coreScratch.set(this.ucScratch.bytes);
          break; // the engines disagree: resynchronise on a new state
        }
        if (progress && result.instructions >= nextProgress) {
          progress(result.instructions, result.mismatchCount);
          nextProgress += 10_000;
        }
      }
      if (state.r[15] === block.end && !this.sameScratch()) {
        // Stores are checked as they happen; this end-of-block check catches anything else.
        result.mismatchCount++;
        if (result.mismatches.length < this.maxReports) {
          this.saveBefore(state);
          result.mismatches.push(this.describe(result.instructions, result.blocks, block.end, [], uc.snapshot(), state, undefined, undefined));
        }
        this.coreScratch.set(this.ucScratch.bytes);
      }
    }
    return result;
  }

  /**
   * One step of Unicorn at `pc`, and the core caught up to it; or, at an IT instruction, the whole IT
   * block (`itEnd` is the address after it) in both. Unicorn 2.0.1's count = 1 steps are not reliable
   * inside IT blocks (measured: after ITTT LE; CMP; MSR; SDIV one step reported the PC after the IT
   * while CMP and MSR had already executed, KNOWN-MISMATCHES.md #5), so an IT block runs to its end
   * with uc_emu_start(until = itEnd, count = IT_RUN_LIMIT): IT bodies hold no branches, so the run is
   * straight-line and stops at `until`. (A count of 0 would switch Unicorn's instruction-count hook off
   * and on between calls, which costs a full translation flush each time: measured, 1000x slower.)
   * Should a step still stop inside an IT block, the core catches up to Unicorn's PC (at most 10).
   */
  private stepBoth(pc: number, itEnd: number): { ucErr: number; regs: Uint32Array; executed: number; coreError?: string } {
    const state = this.core.state;
    this.saveBefore(state);
    this.core.bus?.clearRecords();
    let ucErr: number;
    if (itEnd !== 0) {
      // Unicorn checks `until` while translating: a block translated earlier would run past it.
      this.unicorn.invalidateCode(pc, itEnd + 4);
      ucErr = this.unicorn.run(pc, itEnd, IT_RUN_LIMIT, 0);
    } else {
      ucErr = this.unicorn.step(pc);
    }
    const regs = this.unicorn.snapshot();
    const itContext = (this.beforeEpsr & EPSR_IT_MASK) !== 0 || itEnd !== 0;
    let coreError: string | undefined;
    let executed = 0;
    try {
      do {
        this.core.step();
        executed++;
      } while (itContext && state.r[15] !== regs[15] && executed < MAX_CATCH_UP);
    } catch (error) {
      coreError = error instanceof Error ? error.message : String(error);
      executed++;
    }
    return { ucErr, regs, executed, coreError };
  }

  /**
   * Re-runs a reproducer printed with a mismatch (report.ts): the code at its address, the registers
   * before, the memory it touched; everything else zero. Returns the mismatch, or null when both agree.
   */
  replay(repro: Reproducer): Mismatch | null {
    const pc = parseHex(repro.pc, 'pc');
    const halfwords = repro.code.trim().split(/\s+/).map((h) => parseHex(h, 'code'));
    if (pc < CODE_BASE || pc + 2 * halfwords.length > CODE_BASE + CODE_SIZE) throw new Error(`reproducer pc ${repro.pc} is outside the code area`);
    this.ucCode.bytes.fill(0);
    this.coreCode.fill(0);
    this.ucScratch.bytes.fill(0);
    this.coreScratch.fill(0);
    halfwords.forEach((h, i) => this.putHalfword(pc + 2 * i, h));
    this.unicorn.invalidateCode(CODE_BASE, CODE_BASE + CODE_SIZE);
    this.core.codeChanged();
    for (const access of repro.memory) {
      const address = parseHex(access.address, 'memory address');
      const value = parseHex(access.value, 'memory value');
      for (let k = 0; k < access.size; k++) this.putByte(address + k, (value >>> (8 * k)) & 0xff);
    }
    const init = this.init;
    repro.before.r.forEach((v, i) => (init.r[i] = parseHex(v, `r${i}`)));
    init.apsr = parseHex(repro.before.apsr, 'apsr');
    init.fpscr = repro.before.fpscr ? parseHex(repro.before.fpscr, 'fpscr') : 0;
    for (let i = 0; i < 32; i++) init.s[i] = repro.before.s ? parseHex(repro.before.s[i], `s${i}`) : 0;
    this.writeState(pc);
    const replayItems = splitInstructions(halfwords, pc);
    const count = itCount(halfwords[0]);
    const itEnd = count > 0 && replayItems.length > count ? replayItems[count].address + replayItems[count].halfwords.length * 2 : 0;
    const { ucErr, regs, executed, coreError } = this.stepBoth(pc, itEnd);
    const unicornError = ucErr !== 0 ? this.unicorn.errorText(ucErr) : undefined;
    if (unicornError === undefined && coreError === undefined && this.sameRegisters(regs, this.core.state) && this.sameScratch()) return null;
    const items = replayItems.slice(0, Math.max(1, executed));
    return this.describe(0, 0, pc, items, regs, this.core.state, unicornError, coreError);
  }

  private putByte(address: number, value: number): void {
    for (const [base, size, a, b] of [
      [CODE_BASE, CODE_SIZE, this.ucCode.bytes, this.coreCode],
      [SCRATCH_BASE, SCRATCH_SIZE, this.ucScratch.bytes, this.coreScratch],
    ] as const) {
      if (address >= base && address < base + size) {
        a[address - base] = b[address - base] = value;
        return;
      }
    }
    throw new Error(`reproducer memory at 0x${address.toString(16)} is outside the oracle's memory`);
  }

  private putHalfword(address: number, value: number): void {
    this.putByte(address, value & 0xff);
    this.putByte(address + 1, (value >>> 8) & 0xff);
  }

  private putWord(a: Uint8Array, b: Uint8Array, offset: number, value: number): void {
    for (let k = 0; k < 4; k++) a[offset + k] = b[offset + k] = (value >>> (8 * k)) & 0xff;
  }

  /** New code in both memories. */
  private loadCode(block: Block): void {
    const at = block.start - CODE_BASE;
    this.ucCode.bytes.set(block.code, at);
    this.coreCode.set(block.code, at);
    this.unicorn.invalidateCode(block.start, block.start + MAX_BLOCK_BYTES);
    this.core.codeChanged();
  }

  /** A refreshed random window of scratch and a fresh random register state, PC at the block start. */
  private loadState(block: Block): void {
    const window = this.rng.below(SCRATCH_SIZE / 1024) * 1024;
    for (let i = 0; i < 1024; i += 4) this.putWord(this.ucScratch.bytes, this.coreScratch, window + i, this.rng.interesting32());
    randomInitialState(this.rng, this.fp, this.init);
    this.writeState(block.start);
  }

  /** Writes `init` into both engines with PC = `pc`, ITSTATE clear, the exclusive monitor open. */
  private writeState(pc: number): void {
    const init = this.init;
    const uc = this.unicorn;
    const state = this.core.state;
    for (let i = 0; i < 15; i++) {
      uc.writeCore(i, init.r[i]);
      state.r[i] = init.r[i];
    }
    state.r[15] = pc;
    // Measured on 2.0.1: a write of APSR_NZCVQG sets the flags and GE and keeps T; a write of XPSR sets
    // the flags, T and IT but keeps GE (and a write of XPSR_NZCVQG clears T: not used).
    uc.writeReg(UC_ARM_REG.APSR_NZCVQG, init.apsr);
    uc.writeReg(UC_ARM_REG.XPSR, (init.apsr | XPSR_T) >>> 0);
    state.apsr = init.apsr;
    state.itState = 0;
    state.thumb = 1;
    uc.writeReg(UC_ARM_REG.FPSCR, init.fpscr);
    state.fpscr = init.fpscr;
    for (let i = 0; i < 32; i++) {
      uc.writeReg(UC_ARM_REG.S0 + i, init.s[i]);
      state.s[i] = init.s[i];
    }
    state.exclusiveAddress = -1;
    const written = uc.readReg(UC_ARM_REG.XPSR);
    if (written !== ((init.apsr | XPSR_T) >>> 0)) {
      throw new Error(`Unicorn did not take the xPSR: wrote 0x${(init.apsr | XPSR_T).toString(16)}, read 0x${written.toString(16)}`);
    }
  }

  private saveBefore(state: CpuState): void {
    this.beforeR.set(state.r);
    this.beforeS.set(state.s);
    this.beforeApsr = state.apsr;
    this.beforeEpsr = state.epsr;
    this.beforeFpscr = state.fpscr;
  }

  private sameRegisters(regs: Uint32Array, state: CpuState): boolean {
    const r = state.r;
    for (let i = 0; i < 16; i++) if (regs[i] !== r[i]) return false;
    const xpsr = regs[SNAP_XPSR];
    if (((xpsr & APSR_MASK) >>> 0) !== state.apsr) return false;
    if (((xpsr & EPSR_MASK) >>> 0) !== state.epsr) return false;
    if (regs[SNAP_FPSCR] !== state.fpscr >>> 0) return false;
    const s = state.s;
    for (let i = 0; i < 32; i++) if (regs[SNAP_S0 + i] !== s[i]) return false;
    return true;
  }

  private sameScratch(): boolean {
    const a = this.ucScratch32;
    const b = this.coreScratch32;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  private describe(
    index: number,
    block: number,
    pc: number,
    items: StreamItem[],
    regs: Uint32Array,
    state: CpuState,
    unicornError: string | undefined,
    coreError: string | undefined,
  ): Mismatch {
    const before: StateView = { r: [...this.beforeR], apsr: this.beforeApsr, epsr: this.beforeEpsr, fpscr: this.beforeFpscr, s: [...this.beforeS] };
    const xpsr = regs[SNAP_XPSR];
    const unicorn: StateView = {
      r: [...regs.subarray(0, 16)],
      apsr: (xpsr & APSR_MASK) >>> 0,
      epsr: (xpsr & EPSR_MASK) >>> 0,
      fpscr: regs[SNAP_FPSCR],
      s: [...regs.subarray(SNAP_S0, SNAP_S0 + 32)],
    };
    const core: StateView = { r: [...state.r], apsr: state.apsr, epsr: state.epsr, fpscr: state.fpscr >>> 0, s: [...state.s] };
    const differences: string[] = [];
    for (let i = 0; i < 16; i++) if (unicorn.r[i] !== core.r[i]) differences.push(`r${i}`);
    for (const [bit, name] of APSR_BITS) if (((unicorn.apsr ^ core.apsr) >>> bit) & 1) differences.push(`apsr.${name}`);
    if (unicorn.epsr !== core.epsr) differences.push('epsr');
    for (const [bit, name] of FPSCR_BITS) if (((unicorn.fpscr ^ core.fpscr) >>> bit) & 1) differences.push(`fpscr.${name}`);
    for (let i = 0; i < 32; i++) if (unicorn.s[i] !== core.s[i]) differences.push(`s${i}`);
    const memory: [number, number, number][] = [];
    const a = this.ucScratch.bytes;
    const b = this.coreScratch;
    for (let i = 0; i < SCRATCH_SIZE && memory.length < 16; i++) if (a[i] !== b[i]) memory.push([SCRATCH_BASE + i, a[i], b[i]]);
    if (memory.length > 0) differences.push(...memory.slice(0, 4).map(([addr]) => `mem 0x${addr.toString(16)}`));
    return { index, block, pc, items, following: [], before, unicorn, core, differences, memory, accesses: this.core.bus?.records() ?? [], unicornError, coreError };
  }
}
