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
import { INSN_CLASS_COUNT, InsnClass, Outcome, TimingFlag, type CycleModel, type TimingInfo } from '@seedsim/core';
import { Cause, CycleAccounts, type CycleSnapshot } from './accounting.js';
import { BranchPredictor, Prediction, type PredictorParams } from './branch-predictor.js';
import { daisyBusConfig, type BusTimingConfig } from './bus-config.js';
import type { AttributeSource } from './memory-attributes.js';
import { defaultMemoryParams, type MemoryParams } from './memory-params.js';
import { MemorySystem, type RuleSink } from './memory-system.js';
import { regionOf } from './regions.js';
import {
  BRANCH_KIND,
  BranchKind,
  CORE_LATENCY,
  EXTRA_CYCLES,
  FP_BUSY,
  FP_LATENCY,
  FpReadKind,
  HAS_ACCUMULATOR,
  ISSUE_KIND,
  IS_FP_ARITH,
  IS_FP_MAC,
  IS_MEMORY,
  IS_MULTIPLE,
  IS_MUL_CONSUMER,
  IS_SINGLE_LOAD,
  IS_STORE,
  IssueKind,
  MAC_BLOCKED,
  MAC_BLOCK_CYCLES,
  MAC_NO_YOUNGER,
  PAIR_OK,
  PIPELINE_LOCK,
  ReadKind,
} from './m7-tables.js';

const N = INSN_CLASS_COUNT;
const MAX_ACCESSES = 64;
const LONG_AGO = -1e9;

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
}

export class M7Model implements CycleModel {
  readonly params: M7Params;
  readonly accounts = new CycleAccounts();
  readonly memory: MemorySystem;
  readonly predictor: BranchPredictor;

  /** Cycle at which the last instruction issued (its last beat for multi-cycle ones). */
  private t = 0;
  private slotOpen = false;
  private lastCls = 0;
  private lastFirstAddress = -1;

  private readonly regTime = new Float64Array(16).fill(LONG_AGO);
  private readonly regCls = new Uint8Array(16);
  private readonly fpTime = new Float64Array(32).fill(LONG_AGO);
  private readonly fpCls = new Uint8Array(32);
  private flagsTime = LONG_AGO;
  private lockUntil = LONG_AGO;
  private fpBusyUntil = LONG_AGO;
  private macAt = LONG_AGO;

  private pendingKind = BranchKind.None;
  private pendingPc = 0;
  private pendingTaken = false;
  private pendingConditional = false;
  private pendingIssue = 0;
  private pendingFlagsDistance = 0;

  private readonly accAddress = new Float64Array(MAX_ACCESSES);
  private readonly accBytes = new Uint8Array(MAX_ACCESSES);
  private readonly accWrite = new Uint8Array(MAX_ACCESSES);
  private accCount = 0;

  constructor(options: M7ModelOptions = {}) {
    const defaults = defaultM7Params();
    this.params = { ...defaults, ...options.params, memory: { ...defaults.memory, ...options.params?.memory } };
    const p = this.params;
    if (!Number.isInteger(p.divCycles) || p.divCycles < 1) throw new Error(`divCycles ${p.divCycles} must be a positive integer`);
    this.predictor = new BranchPredictor(p.predictor);
    this.memory = new MemorySystem(options.bus ?? daisyBusConfig(), p.memory, this.accounts, options.onRule ?? (() => {}));
    this.memory.onBranchPredictorInvalidate = () => this.predictor.invalidate();
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

  dataAccess(addr: number, bytes: number, isWrite: boolean): void {
    const i = this.accCount;
    if (i < MAX_ACCESSES) {
      this.accAddress[i] = addr >>> 0;
      this.accBytes[i] = bytes;
      this.accWrite[i] = isWrite ? 1 : 0;
      this.accCount = i + 1;
    }
  }

  retire(pc: number, info: TimingInfo, outcome: number): number {
    const a = this.accounts;
    const byCause = a.byCause;
    const cls = info.cls;
    const t0 = this.t;
    const mem = this.memory;
    const executed = (outcome & Outcome.Executed) !== 0;

    // 1. The branch before this instruction: was this the address it predicted?
    let redirect = LONG_AGO;
    if (this.pendingKind !== BranchKind.None) redirect = this.resolveBranch(pc);

    // 2. Could it dual-issue with the previous instruction?
    let pairable = this.slotOpen && PAIR_OK[this.lastCls * N + cls] === 1;
    const firstAddress = this.accCount > 0 ? this.accAddress[0] : -1;
    if (pairable && IS_SINGLE_LOAD[cls] && IS_SINGLE_LOAD[this.lastCls] && firstAddress >= 0 && this.lastFirstAddress >= 0) {
      // JNK: two loads pair only when they use different banks (even/odd word) of DTCM/D-cache.
      if (((firstAddress >>> 2) & 1) === ((this.lastFirstAddress >>> 2) & 1)) pairable = false;
    }
    if (pairable && MAC_NO_YOUNGER[cls] && t0 <= this.macAt + MAC_BLOCK_CYCLES) pairable = false;
    if (pairable && IS_MULTIPLE[cls] && info.transferCount > 0) pairable = false;

    // 3. Constraints other than the pair slot.
    const fetchReady = t0 + mem.fetch(pc, info.size, t0);
    const depReady = this.operandsReady(info, cls);
    let unitReady = LONG_AGO;
    if (IS_FP_ARITH[cls] && this.fpBusyUntil > unitReady) unitReady = this.fpBusyUntil;
    if (MAC_BLOCKED[cls] && this.macAt + 1 + MAC_BLOCK_CYCLES > unitReady) unitReady = this.macAt + 1 + MAC_BLOCK_CYCLES;
    if (pairable && (fetchReady > t0 || depReady > t0 || unitReady > t0 || redirect > t0)) pairable = false;
    // VDIV/VSQRT lock everything but the one instruction paired with them (JNK).
    if (!pairable && this.lockUntil > unitReady) unitReady = this.lockUntil;

    let issue = pairable ? t0 : t0 + 1;
    byCause[Cause.Issue] += issue - t0;
    if (redirect > issue) {
      byCause[Cause.BranchMispredict] += redirect - issue;
      issue = redirect;
    }
    if (fetchReady > issue) {
      const stall = fetchReady - issue;
      byCause[Cause.FetchStall] += stall;
      a.fetchStallByRegion[mem.lastFetchRegion] += stall;
      issue = fetchReady;
    }
    if (unitReady > issue) {
      byCause[Cause.DivideFp] += unitReady - issue;
      issue = unitReady;
    }
    if (depReady > issue) {
      byCause[Cause.Dependency] += depReady - issue;
      issue = depReady;
    }

    // 4. Memory accesses, in program order from the issue cycle.
    let cur = issue;
    const n = this.accCount;
    for (let i = 0; i < n; i++) {
      const addr = this.accAddress[i];
      if (this.accWrite[i]) {
        const stall = mem.store(addr, this.accBytes[i], cur);
        if (stall > 0) {
          byCause[Cause.WriteBufferFull] += stall;
          cur += stall;
        }
      } else {
        const stall = mem.load(addr, this.accBytes[i], cur);
        if (stall > 0) {
          byCause[Cause.DataStall] += stall;
          a.dataStallByRegion[regionOf(addr)] += stall;
          cur += stall;
        }
      }
    }
    this.accCount = 0;

    // 5. Extra beats of multi-cycle instructions.
    let extra = EXTRA_CYCLES[cls];
    if (IS_MULTIPLE[cls] && info.transferCount > 0) {
      extra += ((info.transferCount + 1) >> 1) - 1; // ceil(n/2) cycles (JNK)
      // JNK: STM to an address not 8-byte aligned costs +1 for an even register count.
      if (IS_STORE[cls] && (info.transferCount & 1) === 0 && firstAddress >= 0 && (firstAddress & 7) !== 0) extra += 1;
      byCause[Cause.Issue] += extra;
    } else if (extra > 0) {
      byCause[Cause.Issue] += extra;
    }
    if (cls === InsnClass.Div) {
      const div = this.params.divCycles - 1;
      byCause[Cause.DivideFp] += div;
      extra += div;
    }
    const end = cur + extra;

    // 6. Results and unit state.
    if (executed) {
      let m = info.writeMask & 0x7fff;
      while (m !== 0) {
        const bit = m & -m;
        m ^= bit;
        const r = 31 - Math.clz32(bit);
        this.regTime[r] = end;
        this.regCls[r] = cls;
      }
      let f = info.fpWriteMask ?? 0;
      while (f !== 0) {
        const bit = f & -f;
        f ^= bit;
        const s = 31 - Math.clz32(bit);
        this.fpTime[s] = end;
        this.fpCls[s] = cls;
      }
      if ((info.flags ?? 0) & TimingFlag.SetsFlags) this.flagsTime = issue;
    }
    const lock = PIPELINE_LOCK[cls];
    if (lock > 0) this.lockUntil = issue + lock;
    if (IS_FP_ARITH[cls]) this.fpBusyUntil = issue + FP_BUSY[cls];
    if (IS_FP_MAC[cls]) this.macAt = issue;

    // 7. Pairing state for the next instruction.
    if (pairable) {
      a.dualIssued++;
      this.slotOpen = false;
    } else {
      this.slotOpen = end === issue && ISSUE_KIND[cls] !== IssueKind.Single;
    }
    this.lastCls = cls;
    this.lastFirstAddress = firstAddress;

    const kind = BRANCH_KIND[cls];
    const taken = (outcome & Outcome.BranchTaken) !== 0;
    if (kind !== BranchKind.None || taken) {
      this.pendingKind = kind === BranchKind.None ? BranchKind.Indirect : kind;
      this.pendingPc = pc;
      this.pendingTaken = taken;
      const flags = info.flags;
      this.pendingConditional = flags === undefined ? cls === InsnClass.Branch : (flags & TimingFlag.Conditional) !== 0;
      this.pendingIssue = end;
      this.pendingFlagsDistance = issue - this.flagsTime;
      if (taken) this.slotOpen = false; // the target starts a new issue group
    }

    const cycles = end - t0;
    const region = mem.lastFetchRegion;
    a.cyclesByRegion[region] += cycles;
    a.instructionsByRegion[region]++;
    a.instructions++;
    this.t = end;
    mem.now = end;
    return cycles;
  }

  /** Earliest issue cycle allowed by the instruction's register operands. */
  private operandsReady(info: TimingInfo, cls: number): number {
    let ready = LONG_AGO;
    const read = info.readMask & 0x7fff;
    let early = info.earlyMask;
    let late = info.lateMask;
    if (early === undefined) early = IS_MEMORY[cls] && !IS_STORE[cls] ? read : 0;
    if (late === undefined) late = IS_STORE[cls] ? read : 0;
    const earlyKind = IS_MEMORY[cls] ? ReadKind.Address : ReadKind.Early;
    const lateKind = HAS_ACCUMULATOR[cls] ? ReadKind.Accumulator : ReadKind.StoreData;
    const normalKind = IS_MUL_CONSUMER[cls] ? ReadKind.MulOperand : ReadKind.Normal;
    let m = read;
    while (m !== 0) {
      const bit = m & -m;
      m ^= bit;
      const r = 31 - Math.clz32(bit);
      const kind = early & bit ? earlyKind : late & bit ? lateKind : normalKind;
      const t = this.regTime[r] + CORE_LATENCY[kind * N + this.regCls[r]];
      if (t > ready) ready = t;
    }
    let f = info.fpReadMask ?? 0;
    if (f !== 0) {
      const written = info.fpWriteMask ?? 0;
      const isMac = IS_FP_MAC[cls] === 1;
      const isStore = IS_STORE[cls] === 1;
      while (f !== 0) {
        const bit = f & -f;
        f ^= bit;
        const s = 31 - Math.clz32(bit);
        // The accumulator of VFMA/VMLA is the register it both reads and writes.
        const kind = isMac && written & bit ? FpReadKind.Accumulator : isStore ? FpReadKind.Store : FpReadKind.Normal;
        const t = this.fpTime[s] + FP_LATENCY[kind * N + this.fpCls[s]];
        if (t > ready) ready = t;
      }
    }
    return ready;
  }

  /** Resolves the pending branch now that the next executed address (`target`) is known. */
  private resolveBranch(target: number): number {
    const p = this.params;
    const kind = this.pendingKind;
    this.pendingKind = BranchKind.None;
    const pc = this.pendingPc;
    const taken = this.pendingTaken;
    const a = this.accounts;
    a.branches++;
    const result = this.predictor.resolve(pc, kind, this.pendingConditional, taken, target);
    if (result === Prediction.Correct) return LONG_AGO;
    if (result === Prediction.StaticTaken) return this.pendingIssue + 1 + p.predictor.staticTakenBubble;
    a.mispredicts++;
    const penalty =
      this.pendingConditional && this.pendingFlagsDistance >= p.earlyFlagsDistance && this.pendingFlagsDistance < 1e8
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
    this.pendingKind = BranchKind.None;
    this.slotOpen = false;
    this.accCount = 0;
    this.accounts.byCause[Cause.Exception] += cycles;
    this.t += cycles;
    this.memory.now = this.t;
    return cycles;
  }

  idle(cycles: number): void {
    if (cycles <= 0) return;
    this.accounts.byCause[Cause.Sleep] += cycles;
    this.t += cycles;
    this.slotOpen = false;
    this.memory.now = this.t;
  }

  /** Power-on: pipeline, predictor, caches (disabled) and counters. */
  reset(): void {
    this.t = 0;
    this.slotOpen = false;
    this.regTime.fill(LONG_AGO);
    this.fpTime.fill(LONG_AGO);
    this.flagsTime = this.lockUntil = this.fpBusyUntil = this.macAt = LONG_AGO;
    this.pendingKind = BranchKind.None;
    this.accCount = 0;
    this.predictor.invalidate();
    this.memory.reset();
    this.accounts.reset();
  }
}
