/**
 * The Cortex-M7 cycle model (`--timing m7`): a scoreboard of the in-order dual-issue pipeline
 * (hw-facts §1) on top of the memory system (caches, TCM, line fills, store buffer).
 *
 * Per instruction, retire() finds the earliest cycle it can issue: the next cycle, or the same cycle as
 * the previous instruction when the pair rules allow (m7-tables.ts); then no earlier than its fetch, its
 * operands (per-register completion cycle + the producer→consumer latency table), the pipeline locks of
 * divide/square root, the FP unit and the MAC restrictions, and the branch redirect. Its loads and
 * stores are priced from there, then its own extra beats (LDM/STM, DIV). Each cycle is charged to one
 * cause as it is added, so the causes sum to the cycles returned.
 */
import { INSN_CLASS_COUNT, InsnClass, TimingFlag, type CycleModel, type TimingInfo } from '@seedsim/core';
import { Cause, CycleAccounts, type CycleSnapshot } from './accounting.js';
import { BranchPredictor, type PredictorParams } from './branch-predictor.js';
import { daisyBusConfig, type BusTimingConfig } from './bus-config.js';
import type { AttributeSource } from './memory-attributes.js';
import { defaultMemoryParams, type MemoryParams } from './memory-params.js';
import { MemorySystem, type RuleSink } from './memory-system.js';
import { annotateTimingInfo } from './insn-annotate.js';
import { genericPricingFunction, pricingFunction, type PriceFn } from './m7-pricing.js';
import {
  BRANCH_KIND,
  BranchKind,
  CORE_LATENCY,
  EXTRA_CYCLES,
  FP_BUSY,
  FP_LATENCY,
  FpReadKind,
  HAS_ACCUMULATOR,
  IS_FP_ARITH,
  IS_FP_MAC,
  IS_MEMORY,
  IS_MUL_CONSUMER,
  IS_MULTIPLE,
  IS_SINGLE_LOAD,
  IS_STORE,
  ISSUE_KIND,
  IssueKind,
  MAC_BLOCKED,
  MAC_NO_YOUNGER,
  PAIR_OK,
  PIPELINE_LOCK,
  ReadKind,
} from './m7-tables.js';

const N = INSN_CLASS_COUNT;
const MAX_ACCESSES = 64;

/**
 * Literal copies of constants the hot path uses. tsx and vitest compile each file on its own, and a
 * const enum imported from another file then becomes a property load at run time; a same-file const
 * enum is inlined as a number. test/hot-constants.test.ts checks every copy against its source.
 */
export const enum Hot {
  /** "Never": far below any cycle, still a small integer. */
  LongAgo = -1e9,
  // Cause (accounting.ts)
  CauseIssue = 0,
  CauseDependency = 1,
  CauseBranchMispredict = 2,
  CauseDivideFp = 3,
  CauseFetchStall = 4,
  CauseDataStall = 5,
  CauseWriteBufferFull = 6,
  CauseException = 7,
  CauseSleep = 8,
  // Outcome (core cycle-model.ts)
  Executed = 1,
  BranchTaken = 2,
  // BranchKind (m7-tables.ts)
  BranchNone = 0,
  BranchIndirect = 3,
  // Prediction (branch-predictor.ts)
  PredictedCorrect = 0,
  PredictedStaticTaken = 1,
  // InsnClass.Alu (core insn-class.ts): the class of a base-register writeback
  ClassAlu = 0,
  // FpReadKind.Accumulator (m7-tables.ts)
  FpAccumulator = 1,
  // MAC_BLOCK_CYCLES (m7-tables.ts, JNK)
  MacBlockCycles = 3,
}

/**
 * Per-record facts, packed in one word so the hot path tests one number (from the per-class tables of
 * m7-tables.ts and the record's TimingFlag bits).
 */
export const enum RecFlag {
  /** LDR/LDRB/LDRH/VLDR.32: one of the two load ports (bank rule, JNK). */
  SingleLoad = 1 << 0,
  Memory = 1 << 1,
  Store = 1 << 2,
  MulConsumer = 1 << 3,
  Accumulator = 1 << 4,
  FpArith = 1 << 5,
  FpMac = 1 << 6,
  MacBlocked = 1 << 7,
  MacNoYounger = 1 << 8,
  Multiple = 1 << 9,
  Lock = 1 << 10,
  Extra = 1 << 11,
  Div = 1 << 12,
  Branch = 1 << 13,
  /** Never pairs (IssueKind.Single). */
  SingleIssue = 1 << 14,
  /** TimingFlag.SetsFlags. */
  SetsFlags = 1 << 15,
  /** TimingFlag.Conditional. */
  Conditional = 1 << 16,
  /** Reads operands other than ordinary core registers (TimingRow readA/B/C, fpReadAcc, fpRead non-zero). */
  OtherReads = 1 << 17,
  /** Writes a base register or S registers (TimingRow baseWrite, fpWrite non-zero). */
  OtherWrites = 1 << 18,
  /** Any flag that needs a dynamic pairing check. */
  PairCheck = SingleLoad | MacNoYounger | Multiple,
  /** Any flag that makes the FP unit or pipeline lock constrain issue, or needs state updated at issue. */
  Unit = FpArith | FpMac | MacBlocked | Lock,
  /** Any flag that adds cycles after issue. */
  ExtraBeats = Multiple | Extra | Div,
}

export interface M7Params {
  /** SDIV/UDIV cycles, fixed. [GAP §7.1] LLVM-M7 uses 7 (single-issue); no M7 measurement found. */
  divCycles: number;
  /** Branch mispredict penalty (JNK, measured: 8). */
  mispredictPenalty: number;
  /** Penalty when the flags were set at least `earlyFlagsDistance` cycles before the branch (JNK: 6, 3). */
  earlyFlagsPenalty: number;
  earlyFlagsDistance: number;
  predictor: PredictorParams;
  /** Exception entry: 12 cycles with zero-wait-state memory (hw-facts §1.6, elektroniknet/ST). */
  exceptionEntry: number;
  /** Exception return. [I] 10, the Cortex-M3/M4 figure; no M7 number found. */
  exceptionReturn: number;
  /** Tail chain. [I] 6, the Cortex-M3/M4 figure. */
  tailChain: number;
  /**
   * Extra cycles when an extended (FP) frame is used. With lazy stacking (FPCCR.LSPEN, reset 1) entry
   * reserves the space and the handler's first FP instruction saves S0–S15/FPSCR: 18 words at 2 per
   * cycle = 9 [I]; the same on return. Charged at entry and return.
   */
  fpFrameEntryExtra: number;
  fpFrameReturnExtra: number;
  memory: MemoryParams;
}

export function defaultM7Params(): M7Params {
  return {
    divCycles: 7,
    mispredictPenalty: 8,
    earlyFlagsPenalty: 6,
    earlyFlagsDistance: 3,
    predictor: { btacEntries: 64, staticTakenBubble: 2 },
    exceptionEntry: 12,
    exceptionReturn: 10,
    tailChain: 6,
    fpFrameEntryExtra: 9,
    fpFrameReturnExtra: 9,
    memory: defaultMemoryParams(),
  };
}

export interface M7ModelOptions {
  params?: Partial<M7Params>;
  bus?: BusTimingConfig;
  /** Receives coherency rule events (the board maps it to SocContext.rule). */
  onRule?: RuleSink;
  /**
   * The simulation clock. When given, cycles the clock advanced without the model (WFI sleep skipped by
   * the exception model, anything charged elsewhere) are counted as sleep when the exception model says
   * so (clockSkipped), at the next retire() call or exception, so the model's timeline and accounts
   * always match the clock.
   */
  clock?: { cycles: number };
  /**
   * Retires after which a decoded record is priced by its row's own generated function rather than the
   * generic one (m7-pricing.ts); 0: from the first. Only the model's speed depends on it, never its
   * results. Default {@link SPECIALISE_AFTER}.
   */
  specialiseAfter?: number;
  /**
   * The retires that count towards specialiseAfter are those within this many cycles: a record's count
   * starts again when its window has passed. Default {@link SPECIALISE_WINDOW}; Infinity: every retire counts.
   */
  specialiseWindow?: number;
}

/**
 * A record's own pricing function is generated (and compiled by V8) once it has retired this many times
 * within SPECIALISE_WINDOW cycles. Until then the generic function prices it. Code that runs a few times
 * (boot, initialisation), or once per audio block (about 1,000 times a second), is priced generically
 * and costs no compilation; the loops that run per sample get their own function within a few
 * simulated milliseconds. Measured in docs/measurements.md ("Generated pricing on demand", "Only code
 * hot for its time").
 */
export const SPECIALISE_AFTER = 4096;
/** 2^26 cycles: 168 ms at 400 MHz, so a record is specialised at about 24,000 retires a second or more. */
export const SPECIALISE_WINDOW = 2 ** 26;

export class M7Model implements CycleModel {
  readonly params: M7Params;
  readonly accounts = new CycleAccounts();
  readonly memory: MemorySystem;
  readonly predictor: BranchPredictor;
  readonly clock: { cycles: number } | null;
  // The shared tables as fields: a field's type is known to the JIT, an imported binding's is not.
  // Fields and methods without `private` below are also used by the generated pricing functions
  // (m7-pricing.ts PRICING_FIELDS); they are not for other callers.
  private readonly records = timingRecords;
  readonly rows = timingRecords.rows;
  readonly specialiseAfter: number;
  readonly specialiseWindow: number;
  readonly pairOk = PAIR_OK;

  /** Cycle at which the last instruction issued (its last beat for multi-cycle ones). */
  t = 0;
  /** 1 when the previous instruction left the younger issue slot open. */
  slotOpen = 0;
  /** PAIR_OK row of the previous instruction's class (its class * N). */
  lastPairRow = 0;
  /**
   * The DTCM/D-cache bank (bit 2 of the address) the previous instruction loaded from when it was a
   * single load (RecFlag.SingleLoad) with an access, else -1: the dual-issue bank rule (dynamicPairOk).
   */
  lastLoadBank = -1;
  /**
   * Which of the last two instructions retired were 16-bit: bit 0 the previous one, bit 1 the one before
   * (the taken-branch pairing rule in noteBranch).
   */
  narrowHistory = 0;
  /**
   * `t` when the accounts were last zeroed. The issue cause is not added per instruction: every other
   * cycle the model adds to `t` is charged to its cause as it is added, so the issue cycles are the rest
   * (syncIssueCause, before the accounts are read).
   */
  private accountsSince = 0;

  /** Completion cycle and producer class of each core register's last result. */
  readonly regTime = new Float64Array(16).fill(Hot.LongAgo);
  readonly regCls = new Int32Array(16);
  /** regTime + the latency to an ordinary (late-ALU) consumer: the common case in one load. */
  readonly regReady = new Float64Array(16).fill(Hot.LongAgo);
  readonly coreLatency = CORE_LATENCY;
  /** The same for S register s and FpReadKind k: [s * 4 + k]. */
  readonly fpReadyAt = new Float64Array(32 * 4).fill(Hot.LongAgo);
  flagsTime: number = Hot.LongAgo;
  lockUntil: number = Hot.LongAgo;
  fpBusyUntil: number = Hot.LongAgo;
  macAt: number = Hot.LongAgo;

  pendingKind: number = Hot.BranchNone;
  private pendingPc = 0;
  private pendingTaken = 0;
  private pendingConditional = 0;
  private pendingIssue = 0;
  private pendingFlagsDistance = 0;

  readonly accAddress = new Float64Array(MAX_ACCESSES);
  private readonly accBytes = new Uint8Array(MAX_ACCESSES);
  private readonly accWrite = new Uint8Array(MAX_ACCESSES);
  accCount = 0;

  // Cycles and instructions per code region are added when the code region changes (not per instruction).
  codeRegion = -1;
  private codeRegionSince = 0;
  private codeRegionInstructions = 0;
  private codeRegionSleep = 0;

  constructor(options: M7ModelOptions = {}) {
    const defaults = defaultM7Params();
    this.params = { ...defaults, ...options.params, memory: { ...defaults.memory, ...options.params?.memory } };
    const p = this.params;
    if (!Number.isInteger(p.divCycles) || p.divCycles < 1) throw new Error(`divCycles ${p.divCycles} must be a positive integer`);
    this.predictor = new BranchPredictor(p.predictor);
    this.memory = new MemorySystem(options.bus ?? daisyBusConfig(), p.memory, this.accounts, options.onRule ?? (() => {}));
    this.memory.onBranchPredictorInvalidate = () => this.predictor.invalidate();
    this.memory.timeSource = () => this.t;
    this.clock = options.clock ?? null;
    if (this.clock) this.t = this.clock.cycles;
    this.specialiseAfter = options.specialiseAfter ?? SPECIALISE_AFTER;
    if (!(this.specialiseAfter >= 0)) throw new Error(`specialiseAfter ${this.specialiseAfter} must be a number of retires ≥ 0`);
    this.specialiseWindow = options.specialiseWindow ?? SPECIALISE_WINDOW;
    if (!(this.specialiseWindow > 0)) throw new Error(`specialiseWindow ${this.specialiseWindow} must be a number of cycles > 0`);
    this.codeRegionSince = this.t;
    this.accountsSince = this.t;
    this.accounts.beforeRead = () => {
      this.syncIssueCause();
      this.flushCodeRegion();
    };
    this.accounts.afterReset = () => {
      this.accountsSince = this.t;
      this.codeRegionSince = this.t;
      this.codeRegionInstructions = 0;
      this.codeRegionSleep = 0;
    };
  }

  /** New clocks, wait states, FMC or QUADSPI settings: every latency is re-derived. */
  configure(bus: BusTimingConfig): void {
    this.memory.configure(bus);
  }

  setAttributeSource(source: AttributeSource | null): void {
    this.memory.setAttributeSource(source);
  }

  snapshot(): CycleSnapshot {
    return this.accounts.snapshot();
  }

  /** Zeroes the counters (not the pipeline or cache state), for per-callback deltas. */
  resetCounters(): void {
    this.accounts.reset();
  }

  /** Brings accounts.cyclesByRegion / instructionsByRegion up to date (accounts.snapshot() does it). */
  flushCodeRegion(): void {
    const a = this.accounts;
    const sleep = a.byCause[Cause.Sleep];
    if (this.codeRegion >= 0) {
      // Sleep is not the region's work: it stays under the 'sleep' cause only.
      a.cyclesByRegion[this.codeRegion] += this.t - this.codeRegionSince - (sleep - this.codeRegionSleep);
      a.instructionsByRegion[this.codeRegion] += a.instructions - this.codeRegionInstructions;
    }
    this.codeRegionSince = this.t;
    this.codeRegionInstructions = a.instructions;
    this.codeRegionSleep = sleep;
  }

  /**
   * The issue cause: the cycles since the accounts were zeroed that no other cause took (one per issue
   * group, LDM/STM beats, TBB/TBH's second micro-op). Every other cause is added with the cycles it adds.
   */
  private syncIssueCause(): void {
    const byCause = this.accounts.byCause;
    let others = 0;
    for (let i = 0; i < byCause.length; i++) if (i !== Hot.CauseIssue) others += byCause[i];
    byCause[Hot.CauseIssue] = this.t - this.accountsSince - others;
  }

  dataAccess(addr: number, bytes: number, isWrite: boolean): void {
    const i = this.accCount;
    if (i < MAX_ACCESSES) {
      this.accAddress[i] = addr >>> 0;
      this.accBytes[i] = bytes;
      this.accWrite[i] = isWrite ? 1 : 0;
      this.accCount = i + 1;
    }
  }

  /** Prices the instruction through its record's pricing function (m7-pricing.ts). */
  retire(pc: number, info: TimingInfo, outcome: number): number {
    // The run loop calls the pricing function directly and is told of skips (clockSkipped); a caller of
    // retire() may move the clock itself.
    this.clockSkipped();
    const price = info.timingHandle;
    if (typeof price === 'function') return (price as PriceFn)(this, pc, info, outcome);
    return this.firstPricing(info)(this, pc, info, outcome);
  }

  /**
   * The pricing of a record retired for the first time, which a decoded record keeps as its timingHandle:
   * the generic function, or at once its row's own when specialiseAfter is 0. A hand-built record without
   * timingId is re-derived at each retire and priced by its row's own function.
   */
  private firstPricing(info: TimingInfo): PriceFn {
    const id = info.timingId;
    if (id === undefined) return pricingFunction(this.records.rowOf(info));
    const row = id >= 0 ? this.rows[id] : this.records.rowOf(info);
    const price = this.specialiseAfter > row.retired ? genericPricingFunction() : pricingFunction(row);
    info.timingHandle = price;
    return price;
  }

  /** Called by the generic pricing when a record has retired specialiseAfter times: its row's own function takes over. */
  specialise(info: TimingInfo, row: TimingRow): void {
    info.timingHandle = pricingFunction(row);
  }

  /** Pair rules that depend on this execution: DTCM/D-cache banks, the MAC shadow, LDM/STM. */
  dynamicPairOk(f: number, firstAddress: number, t0: number, info: TimingInfo): boolean {
    if ((f & RecFlag.SingleLoad) !== 0 && firstAddress >= 0 && this.lastLoadBank >= 0) {
      // JNK: two loads pair only when they use different banks (even/odd word) of DTCM/D-cache.
      if (((firstAddress >>> 2) & 1) === this.lastLoadBank) return false;
    }
    if ((f & RecFlag.MacNoYounger) !== 0 && t0 <= this.macAt + Hot.MacBlockCycles) return false;
    if ((f & RecFlag.Multiple) !== 0 && info.transferCount > 0) return false;
    return true;
  }

  /** Prices the instruction's loads and stores from cycle `issue`; returns the cycle they let it complete. */
  accessMemory(issue: number, n: number): number {
    const a = this.accounts;
    const byCause = a.byCause;
    const mem = this.memory;
    let cur = issue;
    for (let i = 0; i < n; i++) {
      const addr = this.accAddress[i];
      if (this.accWrite[i]) {
        const stall = mem.store(addr, this.accBytes[i], cur);
        if (stall > 0) {
          byCause[Hot.CauseWriteBufferFull] += stall;
          cur += stall;
        }
      } else {
        const stall = mem.load(addr, this.accBytes[i], cur);
        if (stall > 0) {
          byCause[Hot.CauseDataStall] += stall;
          a.dataStallByRegion[mem.regionOf(addr)] += stall;
          cur += stall;
        }
      }
    }
    this.accCount = 0;
    return cur;
  }

  /**
   * Cycles after issue of LDM/STM beats (ceil(n/2), JNK), TBB/TBH's second micro-op and SDIV/UDIV. The
   * beats are issue cycles (syncIssueCause); the divide's are charged to divide-fp here.
   */
  extraCycles(f: number, cls: number, info: TimingInfo, firstAddress: number): number {
    const byCause = this.accounts.byCause;
    let extra = EXTRA_CYCLES[cls];
    if ((f & RecFlag.Multiple) !== 0 && info.transferCount > 0) {
      extra += ((info.transferCount + 1) >> 1) - 1;
      // JNK: STM to an address not 8-byte aligned costs +1 for an even register count.
      if ((f & RecFlag.Store) !== 0 && (info.transferCount & 1) === 0 && firstAddress >= 0 && (firstAddress & 7) !== 0) extra += 1;
    }
    if ((f & RecFlag.Div) !== 0) {
      const div = this.params.divCycles - 1;
      byCause[Hot.CauseDivideFp] += div;
      extra += div;
    }
    return extra;
  }

  /** Remembers a branch (or PC write) for resolution when the next instruction shows where it went. */
  noteBranch(pc: number, kind: number, f: number, outcome: number, issue: number, end: number): void {
    const taken = (outcome & Hot.BranchTaken) !== 0;
    this.pendingKind = kind === Hot.BranchNone ? Hot.BranchIndirect : kind;
    this.pendingPc = pc;
    this.pendingTaken = taken ? 1 : 0;
    this.pendingConditional = (f & RecFlag.Conditional) !== 0 ? 1 : 0;
    this.pendingIssue = end;
    this.pendingFlagsDistance = issue - this.flagsTime;
    // A taken branch ends the issue group, unless it was predicted (a wrong or decode-time prediction
    // redirects anyway) and fetch ran ahead: JNK measured that a predicted taken direct branch can
    // dual-issue with one instruction at its target when at least two 16-bit instructions ran just
    // before it (the 64-bit fetch then has the target in the queue in time).
    if (taken && (this.narrowHistory !== 3 || this.pendingKind === Hot.BranchIndirect)) this.slotOpen = 0;
  }

  /** Resolves the pending branch now that the next executed address (`target`) is known. */
  resolveBranch(target: number): number {
    const p = this.params;
    const kind = this.pendingKind;
    this.pendingKind = Hot.BranchNone;
    const pc = this.pendingPc;
    const taken = this.pendingTaken === 1;
    const conditional = this.pendingConditional === 1;
    const a = this.accounts;
    a.branches++;
    const result: number = this.predictor.resolve(pc, kind, conditional, taken, target);
    if (result === Hot.PredictedCorrect) return Hot.LongAgo;
    if (result === Hot.PredictedStaticTaken) return this.pendingIssue + 1 + p.predictor.staticTakenBubble;
    a.mispredicts++;
    const penalty =
      conditional && this.pendingFlagsDistance >= p.earlyFlagsDistance && this.pendingFlagsDistance < 1e8
        ? p.earlyFlagsPenalty
        : p.mispredictPenalty;
    return this.pendingIssue + 1 + penalty;
  }

  exception(kind: 'entry' | 'return' | 'tail-chain', fpFrame: boolean): number {
    const p = this.params;
    let cycles: number;
    if (kind === 'entry') cycles = p.exceptionEntry + (fpFrame ? p.fpFrameEntryExtra : 0);
    else if (kind === 'return') cycles = p.exceptionReturn + (fpFrame ? p.fpFrameReturnExtra : 0);
    else cycles = p.tailChain;
    this.clockSkipped();
    this.pendingKind = Hot.BranchNone;
    this.slotOpen = 0;
    this.narrowHistory = 0;
    this.accCount = 0;
    this.accounts.byCause[Hot.CauseException] += cycles;
    this.t += cycles;
    return cycles;
  }

  /** Cycles the clock moved past the model's timeline (sleep skipped by the exception model) are sleep. */
  clockSkipped(): void {
    if (this.clock !== null && this.clock.cycles > this.t) this.idle(this.clock.cycles - this.t);
  }

  idle(cycles: number): void {
    if (cycles <= 0) return;
    this.accounts.byCause[Hot.CauseSleep] += cycles;
    this.t += cycles;
    this.slotOpen = 0;
  }

  /** Power-on: pipeline, predictor, caches (disabled) and counters. */
  reset(): void {
    this.t = this.clock ? this.clock.cycles : 0;
    this.slotOpen = 0;
    this.narrowHistory = 0;
    this.regTime.fill(Hot.LongAgo);
    this.regReady.fill(Hot.LongAgo);
    this.fpReadyAt.fill(Hot.LongAgo);
    this.codeRegion = -1;
    this.flagsTime = this.lockUntil = this.fpBusyUntil = this.macAt = Hot.LongAgo;
    this.pendingKind = Hot.BranchNone;
    this.accCount = 0;
    this.predictor.invalidate();
    this.memory.reset();
    this.accounts.reset();
  }
}

/**
 * The facts retire() needs from an instruction record, worked out once and kept in a TimingRow of a
 * shared table, so the hot path reads a few numbers instead of re-deriving masks and read stages.
 *
 * A decoded record (core's Insn) carries `timingId` = -1 until first seen; it then keeps its row for its
 * life (records do not change once decoded). A hand-built TimingInfo without a `timingId` field (tests,
 * tools) is re-derived into the scratch row 0 at every retire, so changing it between retires works as
 * before. Rows depend only on the record and the static tables of m7-tables.ts, never on a model's
 * parameters, so one table serves every model.
 */
class RecordTable {
  /** Row 0 is the scratch row for records without a timingId field. */
  readonly rows: TimingRow[] = [new TimingRow()];

  /** The row describing `info`, derived on first sight. */
  rowOf(info: TimingInfo): TimingRow {
    if (info.timingId === undefined) {
      const scratch = this.rows[0];
      derive(info, scratch);
      return scratch;
    }
    const row = new TimingRow();
    derive(info, row);
    info.timingId = this.rows.length;
    this.rows.push(row);
    return row;
  }
}

/** What retire() needs from one record (RecordTable). All fields but `countedSince` are small integers. */
export class TimingRow {
  /** Retires of the record priced by the generic function since `countedSince` (M7Model.specialiseAfter). */
  retired = 0;
  /**
   * The model's cycle when `retired` started counting (M7Model.specialiseWindow). A double from the start
   * (cycle counts outgrow V8's small integers, and a field that changed representation would change every
   * row's shape); -Infinity: the first retire starts the window.
   */
  countedSince = -Infinity;
  /** RecFlag bits. */
  flags = 0;
  cls = 0;
  size = 0;
  /** cls * N: this class's row of PAIR_OK when it is the older instruction. */
  pairRow = 0;
  /** BranchKind of the class. */
  branchKind = 0;
  /** Core registers read by the late ALU (ReadKind.Normal): their ready time is precomputed at write. */
  readNormal = 0;
  /** Up to three further groups of core registers, each read in one stage: mask and ReadKind. */
  readA = 0;
  kindA = 0;
  readB = 0;
  kindB = 0;
  readC = 0;
  kindC = 0;
  /** S registers read as a VFMA/VMLA accumulator (FpReadKind.Accumulator). */
  fpReadAcc = 0;
  /** The other S registers read, all in stage fpKind (an FpReadKind). */
  fpRead = 0;
  fpKind = 0;
  /** Core registers written with the instruction's result (base writeback excluded), bits 0..14. */
  write = 0;
  /** Core registers written by base-register writeback (an AGU result). */
  baseWrite = 0;
  /** S registers written. */
  fpWrite = 0;
  /** FP_LATENCY[kind][cls] for the three FpReadKinds: from this instruction's S result to a consumer. */
  fpLatency0 = 0;
  fpLatency1 = 0;
  fpLatency2 = 0;
  /** PIPELINE_LOCK and FP_BUSY of the class. */
  lockCycles = 0;
  fpBusyCycles = 0;
}

/** Fills `row` from the record `info`. */
function derive(info: TimingInfo, row: TimingRow): void {
  if (info.flags === undefined) annotateTimingInfo(info);
  const cls = info.cls;
  const f = classFlags(cls);
  const flags = info.flags ?? 0;
  row.flags =
    f | ((flags & TimingFlag.SetsFlags) !== 0 ? RecFlag.SetsFlags : 0) | ((flags & TimingFlag.Conditional) !== 0 ? RecFlag.Conditional : 0);
  row.cls = cls;
  row.size = info.size;
  row.pairRow = cls * N;
  row.branchKind = BRANCH_KIND[cls];

  // Core operands by read stage (docs/timing-model.md §2.2). Defaults when decode left a mask unset:
  // a load reads everything at the AGU, a store reads everything late (as data).
  const read = info.readMask & 0x7fff;
  const early = info.earlyMask ?? ((f & (RecFlag.Memory | RecFlag.Store)) === RecFlag.Memory ? read : 0);
  const late = info.lateMask ?? ((f & RecFlag.Store) !== 0 ? read : 0);
  const ordinary = read & ~(early | late);
  const mul = (f & RecFlag.MulConsumer) !== 0;
  row.readNormal = mul ? 0 : ordinary;
  // A register in both masks is read early (the early stage comes first).
  row.readA = read & early;
  row.kindA = (f & RecFlag.Memory) !== 0 ? ReadKind.Address : ReadKind.Early;
  row.readB = read & late & ~early;
  row.kindB = (f & RecFlag.Accumulator) !== 0 ? ReadKind.Accumulator : ReadKind.StoreData;
  row.readC = mul ? ordinary : 0;
  row.kindC = ReadKind.MulOperand;

  // FP operands: the accumulator of VFMA/VMLA is the register it both reads and writes.
  const fpRead = info.fpReadMask ?? 0;
  const fpWrite = info.fpWriteMask ?? 0;
  const acc = (f & RecFlag.FpMac) !== 0 ? fpRead & fpWrite : 0;
  row.fpReadAcc = acc;
  row.fpRead = fpRead & ~acc;
  row.fpKind = (f & RecFlag.Store) !== 0 ? FpReadKind.Store : FpReadKind.Normal;

  const baseWrite = info.baseWriteMask ?? 0;
  row.write = info.writeMask & 0x7fff & ~baseWrite;
  row.baseWrite = baseWrite & 0x7fff;
  row.fpWrite = fpWrite;
  row.fpLatency0 = FP_LATENCY[FpReadKind.Normal * N + cls];
  row.fpLatency1 = FP_LATENCY[FpReadKind.Accumulator * N + cls];
  row.fpLatency2 = FP_LATENCY[FpReadKind.Store * N + cls];
  row.lockCycles = PIPELINE_LOCK[cls];
  row.fpBusyCycles = FP_BUSY[cls];
  if ((row.readA | row.readB | row.readC | acc | row.fpRead) !== 0) row.flags |= RecFlag.OtherReads;
  if ((row.baseWrite | fpWrite) !== 0) row.flags |= RecFlag.OtherWrites;
}

/** RecFlag bits of a class, from the per-class tables of m7-tables.ts. */
function classFlags(c: number): number {
  return (
    (IS_SINGLE_LOAD[c] ? RecFlag.SingleLoad : 0) |
    (IS_MEMORY[c] ? RecFlag.Memory : 0) |
    (IS_STORE[c] ? RecFlag.Store : 0) |
    (IS_MUL_CONSUMER[c] ? RecFlag.MulConsumer : 0) |
    (HAS_ACCUMULATOR[c] ? RecFlag.Accumulator : 0) |
    (IS_FP_ARITH[c] ? RecFlag.FpArith : 0) |
    (IS_FP_MAC[c] ? RecFlag.FpMac : 0) |
    (MAC_BLOCKED[c] ? RecFlag.MacBlocked : 0) |
    (MAC_NO_YOUNGER[c] ? RecFlag.MacNoYounger : 0) |
    (IS_MULTIPLE[c] ? RecFlag.Multiple : 0) |
    (PIPELINE_LOCK[c] ? RecFlag.Lock : 0) |
    (EXTRA_CYCLES[c] ? RecFlag.Extra : 0) |
    (c === InsnClass.Div ? RecFlag.Div : 0) |
    (BRANCH_KIND[c] !== BranchKind.None ? RecFlag.Branch : 0) |
    (ISSUE_KIND[c] === IssueKind.Single ? RecFlag.SingleIssue : 0)
  );
}

/** The one table of record rows (see RecordTable). */
const timingRecords = new RecordTable();
