/**
 * Where the cycles went (DESIGN.md principle 2): every cycle a model charges is added to exactly one
 * cause, so the causes sum to the total. Fetch and data stalls are also split by memory region.
 * Typed arrays only; `snapshot()` copies them into a plain object for reports, `reset()` zeroes them
 * so the bench command can take per-callback deltas.
 */
import { REGION_COUNT, REGION_NAMES } from './regions.js';

export const enum Cause {
  /** One cycle per issue group (a dual-issued pair costs one). Includes multi-cycle LDM/STM beats. */
  Issue = 0,
  /** Waiting for an operand (load-use, MUL result, FP result latency). */
  Dependency,
  /** Branch mispredicted or taken without a BTAC hit. */
  BranchMispredict,
  /** SDIV/UDIV and FP divide/square root pipeline lock, FP unit busy, MAC issue restrictions. */
  DivideFp,
  /** Instruction not yet fetched: I-cache miss or uncached fetch (split by region). */
  FetchStall,
  /** Load waiting for memory: D-cache miss or uncached access (split by region). */
  DataStall,
  /** Store buffer full. */
  WriteBufferFull,
  /** Exception entry, return, tail chain. */
  Exception,
  /** WFI/WFE: cycles the core slept. */
  Sleep,
}

export const CAUSE_COUNT = Cause.Sleep + 1;
export const CAUSE_NAMES: readonly string[] = [
  'issue',
  'dependency',
  'branch-mispredict',
  'divide-fp',
  'fetch-stall',
  'data-stall',
  'write-buffer-full',
  'exception',
  'sleep',
];

export interface RegionCounters {
  /** Instructions retired whose PC is in the region. */
  instructions: number;
  /** Cycles while code in the region ran (its instructions and the exception entries/returns between them; not sleep). */
  cycles: number;
  fetchStall: number;
  dataStall: number;
  icacheHits: number;
  icacheMisses: number;
  dcacheHits: number;
  dcacheMisses: number;
  /** Data accesses that bypassed the D-cache (non-cacheable, device, cache off). */
  uncachedAccesses: number;
  /** Dirty lines written back on eviction or clean. */
  writebacks: number;
}

export interface CycleSnapshot {
  total: number;
  instructions: number;
  byCause: Record<string, number>;
  byRegion: Record<string, RegionCounters>;
  branches: number;
  mispredicts: number;
  dualIssued: number;
}

export class CycleAccounts {
  readonly byCause = new Float64Array(CAUSE_COUNT);
  readonly instructionsByRegion = new Float64Array(REGION_COUNT);
  readonly cyclesByRegion = new Float64Array(REGION_COUNT);
  readonly fetchStallByRegion = new Float64Array(REGION_COUNT);
  readonly dataStallByRegion = new Float64Array(REGION_COUNT);
  readonly icacheHits = new Float64Array(REGION_COUNT);
  readonly icacheMisses = new Float64Array(REGION_COUNT);
  readonly dcacheHits = new Float64Array(REGION_COUNT);
  readonly dcacheMisses = new Float64Array(REGION_COUNT);
  readonly uncached = new Float64Array(REGION_COUNT);
  readonly writebacks = new Float64Array(REGION_COUNT);
  instructions = 0;
  /**
   * Set by a model that adds some counters lazily (per-region cycles and instructions on a region change):
   * called before snapshot() reads them, and after reset() zeroes them.
   */
  beforeRead: (() => void) | null = null;
  afterReset: (() => void) | null = null;
  branches = 0;
  mispredicts = 0;
  dualIssued = 0;

  get total(): number {
    this.beforeRead?.();
    let t = 0;
    for (let i = 0; i < CAUSE_COUNT; i++) t += this.byCause[i];
    return t;
  }

  reset(): void {
    this.byCause.fill(0);
    this.instructionsByRegion.fill(0);
    this.cyclesByRegion.fill(0);
    this.fetchStallByRegion.fill(0);
    this.dataStallByRegion.fill(0);
    this.icacheHits.fill(0);
    this.icacheMisses.fill(0);
    this.dcacheHits.fill(0);
    this.dcacheMisses.fill(0);
    this.uncached.fill(0);
    this.writebacks.fill(0);
    this.instructions = this.branches = this.mispredicts = this.dualIssued = 0;
    this.afterReset?.();
  }

  snapshot(): CycleSnapshot {
    this.beforeRead?.();
    const byCause: Record<string, number> = {};
    for (let i = 0; i < CAUSE_COUNT; i++) byCause[CAUSE_NAMES[i]] = this.byCause[i];
    const byRegion: Record<string, RegionCounters> = {};
    for (let r = 0; r < REGION_COUNT; r++) {
      byRegion[REGION_NAMES[r]] = {
        instructions: this.instructionsByRegion[r],
        cycles: this.cyclesByRegion[r],
        fetchStall: this.fetchStallByRegion[r],
        dataStall: this.dataStallByRegion[r],
        icacheHits: this.icacheHits[r],
        icacheMisses: this.icacheMisses[r],
        dcacheHits: this.dcacheHits[r],
        dcacheMisses: this.dcacheMisses[r],
        uncachedAccesses: this.uncached[r],
        writebacks: this.writebacks[r],
      };
    }
    return {
      total: this.total,
      instructions: this.instructions,
      byCause,
      byRegion,
      branches: this.branches,
      mispredicts: this.mispredicts,
      dualIssued: this.dualIssued,
    };
  }
}
