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
import { annotateTimingInfo } from './insn-annotate.js';
import { regionOfAddress } from './regions.js';
import {
  BRANCH_KIND,
  BranchKind,
  CLASS_FLAGS,
  CORE_LATENCY,
  ClassFlag,
  EXTRA_CYCLES,
  EXTRA_FLAGS,
  FP_BUSY,
  FP_LATENCY,
  FpReadKind,
  IS_SINGLE_LOAD,
  MAC_BLOCK_CYCLES,
  PAIR_CHECK_FLAGS,
  PAIR_OK,
  PIPELINE_LOCK,
  ReadKind,
  UNIT_FLAGS,
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
  /**
   * The simulation clock. When given, cycles the clock advanced without the model (WFI sleep skipped by
   * the exception model, anything charged elsewhere) are noticed at the next instruction and counted as
   * sleep, so the model's timeline and accounts always match the clock.
   */
  clock?: { cycles: number };
}

export class M7Model implements CycleModel {
  readonly params: M7Params;
  readonly accounts = new CycleAccounts();
  readonly memory: MemorySystem;
  readonly predictor: BranchPredictor;
  private readonly clock: { cycles: number } | null;

  /** Cycle at which the last instruction issued (its last beat for multi-cycle ones). */
  private t = 0;
  private slotOpen = false;
  private lastCls = 0;
  private lastFirstAddress = -1;

  private readonly regTime = new Float64Array(16).fill(LONG_AGO);
  /** regTime + the latency to an ordinary (late-ALU) consumer: the common case in one load. */
  private readonly regReady = new Float64Array(16).fill(LONG_AGO);
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

  // Cycles and instructions per code region are added when the code region changes (not per instruction).
  private codeRegion = -1;
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
    this.codeRegionSince = this.t;
    this.accounts.beforeRead = () => this.flushCodeRegion();
    this.accounts.afterReset = () => {
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
    if (info.flags === undefined) annotateTimingInfo(info);
    const cls = info.cls;
    const f = CLASS_FLAGS[cls];
    if (this.clock !== null && this.clock.cycles > this.t) this.idle(this.clock.cycles - this.t);
    const t0 = this.t;
    const mem = this.memory;

    // 1. The branch before this instruction: was this the address it predicted?
    let redirect = LONG_AGO;
    if (this.pendingKind !== BranchKind.None) redirect = this.resolveBranch(pc);

    // 2. Could it dual-issue with the previous instruction?
    const nAccesses = this.accCount;
    const firstAddress = nAccesses > 0 ? this.accAddress[0] : -1;
    let pairable = this.slotOpen && PAIR_OK[this.lastCls * N + cls] === 1;
    if (pairable && (f & PAIR_CHECK_FLAGS) !== 0) pairable = this.dynamicPairOk(f, firstAddress, t0, info);

    // 3. Constraints other than the pair slot.
    let fetchReady = t0;
    const size = info.size;
    if (((pc + size - 1) >>> 3 | 0) !== mem.lastFetchGranule || t0 < mem.fillEnd) fetchReady = t0 + mem.fetch(pc, size, t0);
    const depReady = this.operandsReady(info, f);
    let unitReady = LONG_AGO;
    if ((f & UNIT_FLAGS) !== 0) {
      if ((f & ClassFlag.FpArith) !== 0 && this.fpBusyUntil > unitReady) unitReady = this.fpBusyUntil;
      if ((f & ClassFlag.MacBlocked) !== 0 && this.macAt + 1 + MAC_BLOCK_CYCLES > unitReady) unitReady = this.macAt + 1 + MAC_BLOCK_CYCLES;
    }
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
    let end = nAccesses === 0 ? issue : this.accessMemory(issue, nAccesses);

    // 5. Extra beats of multi-cycle instructions.
    if ((f & EXTRA_FLAGS) !== 0) end += this.extraCycles(f, cls, info, firstAddress);

    // 6. Results and unit state.
    if ((outcome & Outcome.Executed) !== 0) {
      const baseWrite = info.baseWriteMask ?? 0;
      let m = info.writeMask & 0x7fff & ~baseWrite;
      while (m !== 0) {
        const bit = m & -m;
        m ^= bit;
        const r = 31 - Math.clz32(bit);
        this.regTime[r] = end;
        this.regCls[r] = cls;
        this.regReady[r] = end + CORE_LATENCY[cls];
      }
      if (baseWrite !== 0) {
        // The updated base comes from the AGU at issue, like an ALU result (JNK: post-indexed loads
        // issue back to back).
        let b = baseWrite & 0x7fff;
        while (b !== 0) {
          const bit = b & -b;
          b ^= bit;
          const r = 31 - Math.clz32(bit);
          this.regTime[r] = issue;
          this.regCls[r] = InsnClass.Alu;
          this.regReady[r] = issue + CORE_LATENCY[InsnClass.Alu];
        }
      }
      let fw = info.fpWriteMask;
      if (fw !== undefined && fw !== 0) {
        while (fw !== 0) {
          const bit = fw & -fw;
          fw ^= bit;
          const s = 31 - Math.clz32(bit);
          this.fpTime[s] = end;
          this.fpCls[s] = cls;
        }
      }
      const flags = info.flags;
      if (flags !== undefined && (flags & TimingFlag.SetsFlags) !== 0) this.flagsTime = issue;
    }
    if ((f & UNIT_FLAGS) !== 0) {
      if ((f & ClassFlag.Lock) !== 0) this.lockUntil = issue + PIPELINE_LOCK[cls];
      if ((f & ClassFlag.FpArith) !== 0) this.fpBusyUntil = issue + FP_BUSY[cls];
      if ((f & ClassFlag.FpMac) !== 0) this.macAt = issue;
    }

    // 7. Pairing state for the next instruction.
    if (pairable) {
      a.dualIssued++;
      this.slotOpen = false;
    } else {
      this.slotOpen = end === issue && (f & ClassFlag.SingleIssue) === 0;
    }
    this.lastCls = cls;
    this.lastFirstAddress = firstAddress;

    if ((f & ClassFlag.Branch) !== 0 || (outcome & Outcome.BranchTaken) !== 0) this.noteBranch(pc, info, cls, outcome, issue, end);

    if (mem.lastFetchRegion !== this.codeRegion) {
      this.flushCodeRegion();
      this.codeRegion = mem.lastFetchRegion;
    }
    a.instructions++;
    this.t = end;
    // Whole cycles; `| 0` returns a small integer rather than a boxed double.
    return (end - t0) | 0;
  }

  /** Pair rules that depend on this execution: DTCM/D-cache banks, the MAC shadow, LDM/STM. */
  private dynamicPairOk(f: number, firstAddress: number, t0: number, info: TimingInfo): boolean {
    if ((f & ClassFlag.SingleLoad) !== 0 && IS_SINGLE_LOAD[this.lastCls] && firstAddress >= 0 && this.lastFirstAddress >= 0) {
      // JNK: two loads pair only when they use different banks (even/odd word) of DTCM/D-cache.
      if (((firstAddress >>> 2) & 1) === ((this.lastFirstAddress >>> 2) & 1)) return false;
    }
    if ((f & ClassFlag.MacNoYounger) !== 0 && t0 <= this.macAt + MAC_BLOCK_CYCLES) return false;
    if ((f & ClassFlag.Multiple) !== 0 && info.transferCount > 0) return false;
    return true;
  }

  /** Prices the instruction's loads and stores from cycle `issue`; returns the cycle they let it complete. */
  private accessMemory(issue: number, n: number): number {
    const a = this.accounts;
    const byCause = a.byCause;
    const mem = this.memory;
    let cur = issue;
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
          a.dataStallByRegion[regionOfAddress(addr)] += stall;
          cur += stall;
        }
      }
    }
    this.accCount = 0;
    return cur;
  }

  /** Cycles after issue of LDM/STM beats (ceil(n/2), JNK), TBB/TBH's second micro-op and SDIV/UDIV. */
  private extraCycles(f: number, cls: number, info: TimingInfo, firstAddress: number): number {
    const byCause = this.accounts.byCause;
    let extra = EXTRA_CYCLES[cls];
    if ((f & ClassFlag.Multiple) !== 0 && info.transferCount > 0) {
      extra += ((info.transferCount + 1) >> 1) - 1;
      // JNK: STM to an address not 8-byte aligned costs +1 for an even register count.
      if ((f & ClassFlag.Store) !== 0 && (info.transferCount & 1) === 0 && firstAddress >= 0 && (firstAddress & 7) !== 0) extra += 1;
    }
    byCause[Cause.Issue] += extra;
    if ((f & ClassFlag.Div) !== 0) {
      const div = this.params.divCycles - 1;
      byCause[Cause.DivideFp] += div;
      extra += div;
    }
    return extra;
  }

  /** Remembers a branch (or PC write) for resolution when the next instruction shows where it went. */
  private noteBranch(pc: number, info: TimingInfo, cls: number, outcome: number, issue: number, end: number): void {
    const kind = BRANCH_KIND[cls];
    const taken = (outcome & Outcome.BranchTaken) !== 0;
    this.pendingKind = kind === BranchKind.None ? BranchKind.Indirect : kind;
    this.pendingPc = pc;
    this.pendingTaken = taken;
    const flags = info.flags;
    this.pendingConditional = flags === undefined ? cls === InsnClass.Branch : (flags & TimingFlag.Conditional) !== 0;
    this.pendingIssue = end;
    this.pendingFlagsDistance = issue - this.flagsTime;
    if (taken) this.slotOpen = false; // the target starts a new issue group
  }

  /** Earliest issue cycle allowed by the instruction's register operands. */
  private operandsReady(info: TimingInfo, f: number): number {
    let ready = LONG_AGO;
    const read = info.readMask & 0x7fff;
    if (read !== 0) {
      let early = info.earlyMask;
      let late = info.lateMask;
      if (early === undefined) early = (f & (ClassFlag.Memory | ClassFlag.Store)) === ClassFlag.Memory ? read : 0;
      if (late === undefined) late = (f & ClassFlag.Store) !== 0 ? read : 0;
      let m = read;
      if ((f & ClassFlag.MulConsumer) === 0) {
        // Ordinary operands: completion + latency to the late ALU, precomputed at write time.
        let normal = read & ~(early | late);
        m = read & (early | late);
        while (normal !== 0) {
          const bit = normal & -normal;
          normal ^= bit;
          const t = this.regReady[31 - Math.clz32(bit)];
          if (t > ready) ready = t;
        }
      }
      if (m !== 0) {
        const earlyKind = (f & ClassFlag.Memory) !== 0 ? ReadKind.Address : ReadKind.Early;
        const lateKind = (f & ClassFlag.Accumulator) !== 0 ? ReadKind.Accumulator : ReadKind.StoreData;
        const normalKind = (f & ClassFlag.MulConsumer) !== 0 ? ReadKind.MulOperand : ReadKind.Normal;
        while (m !== 0) {
          const bit = m & -m;
          m ^= bit;
          const r = 31 - Math.clz32(bit);
          const kind = (early & bit) !== 0 ? earlyKind : (late & bit) !== 0 ? lateKind : normalKind;
          const t = this.regTime[r] + CORE_LATENCY[kind * N + this.regCls[r]];
          if (t > ready) ready = t;
        }
      }
    }
    let fr = info.fpReadMask;
    if (fr !== undefined && fr !== 0) {
      const written = info.fpWriteMask ?? 0;
      const isMac = (f & ClassFlag.FpMac) !== 0;
      const isStore = (f & ClassFlag.Store) !== 0;
      while (fr !== 0) {
        const bit = fr & -fr;
        fr ^= bit;
        const s = 31 - Math.clz32(bit);
        // The accumulator of VFMA/VMLA is the register it both reads and writes.
        const kind = isMac && (written & bit) !== 0 ? FpReadKind.Accumulator : isStore ? FpReadKind.Store : FpReadKind.Normal;
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
    if (this.clock !== null && this.clock.cycles > this.t) this.idle(this.clock.cycles - this.t);
    this.pendingKind = BranchKind.None;
    this.slotOpen = false;
    this.accCount = 0;
    this.accounts.byCause[Cause.Exception] += cycles;
    this.t += cycles;
    return cycles;
  }

  idle(cycles: number): void {
    if (cycles <= 0) return;
    this.accounts.byCause[Cause.Sleep] += cycles;
    this.t += cycles;
    this.slotOpen = false;
  }

  /** Power-on: pipeline, predictor, caches (disabled) and counters. */
  reset(): void {
    this.t = this.clock ? this.clock.cycles : 0;
    this.slotOpen = false;
    this.regTime.fill(LONG_AGO);
    this.regReady.fill(LONG_AGO);
    this.fpTime.fill(LONG_AGO);
    this.codeRegion = -1;
    this.flagsTime = this.lockUntil = this.fpBusyUntil = this.macAt = LONG_AGO;
    this.pendingKind = BranchKind.None;
    this.accCount = 0;
    this.predictor.invalidate();
    this.memory.reset();
    this.accounts.reset();
  }
}
