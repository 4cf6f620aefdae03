/**
 * The Cortex-M7 memory side as the timing model sees it: TCMs, L1 I- and D-cache tags, the AXIM line
 * fills (critical word first, streaming), uncached accesses per region, the store buffer, cache
 * maintenance from the SCB (CacheOps) and the DMA coherency rules.
 *
 * Functional data never lives here: the bus holds the bytes. A stale or lost cache line is therefore
 * reported as a rule (dma-read-dirty-cache, cpu-read-stale-cache), not reproduced.
 */
import type { CacheOps } from '@seedsim/core';
import type { CycleAccounts } from './accounting.js';
import { validateBusConfig, type BusTimingConfig } from './bus-config.js';
import { LineState, SetAssociativeCache } from './cache.js';
import { DEFAULT_ATTRIBUTE_SOURCE, L1Attr, isCachedData, type AttributeSource } from './memory-attributes.js';
import type { MemoryParams } from './memory-params.js';
import { QspiTiming } from './qspi-timing.js';
import { REGION_COUNT, Region, regionOfAddress } from './regions.js';
import { SdramTiming } from './sdram-timing.js';
import { WriteBuffer } from './write-buffer.js';

/**
 * A what-if placement: the bytes [start, end) are priced as if they lived in `region` (its latencies,
 * its default or MPU memory attributes, its line in the reports) while they stay where they are for
 * everything else. See MemorySystem.setPlacementOverrides.
 */
export interface PlacementOverride {
  start: number;
  end: number;
  region: Region;
}

/** An address in each region whose memory attributes a moved range takes (RM0433 §2.3.2 memory map). */
const REGION_BASE: Partial<Record<Region, number>> = {
  [Region.Itcm]: 0x0000_0000,
  [Region.Dtcm]: 0x2000_0000,
  [Region.AxiSram]: 0x2400_0000,
  [Region.D2Sram]: 0x3000_0000,
  [Region.D3Sram]: 0x3800_0000,
  [Region.Flash]: 0x0800_0000,
  [Region.Sdram]: 0xc000_0000,
  [Region.Qspi]: 0x9000_0000,
};

/** The regions a range can be moved to (memory, not peripherals). */
export const PLACEABLE_REGIONS: readonly Region[] = Object.keys(REGION_BASE).map(Number) as Region[];

/** `(rule, address, isWrite, detail)`; the board maps it to SocContext.rule. */
export type RuleSink = (rule: string, address: number, isWrite: boolean, detail: string) => void;

/**
 * Literal copies of the constants the hot paths use (Region, L1Attr, LineState). tsx and vitest compile
 * each file on its own, and a const enum imported from another file then becomes a property load at run
 * time; a same-file const enum is inlined. test/hot-constants.test.ts checks every copy against its source.
 */
export const enum Mem {
  RegionItcm = 0,
  RegionDtcm = 1,
  RegionD2Sram = 3,
  RegionD3Sram = 4,
  RegionSdram = 6,
  RegionQspi = 7,
  RegionPpb = 9,
  RegionOther = 10,
  AttrCacheable = 1,
  AttrWriteBack = 2,
  AttrWriteAllocate = 4,
  AttrDevice = 16,
  LineValid = 1,
  LineDirty = 2,
  LineStale = 4,
  LineDirtyReported = 8,
}

const ATTR_MEMO_SIZE = 256;
/** Entries of the fetch-line memo (MemorySystem.fetchMemoLine): twice the I-cache's 512 lines. */
const FETCH_MEMO_SIZE = 1024;
export const FETCH_MEMO_MASK = FETCH_MEMO_SIZE - 1;
/** Extra cycles of an unaligned load (JNK: +3 in the older slot, +4 in the younger). */
const UNALIGNED_LOAD_PENALTY = 3;

export class MemorySystem implements CacheOps {
  readonly icache: SetAssociativeCache;
  readonly dcache: SetAssociativeCache;
  icacheEnabled = false;
  dcacheEnabled = false;
  /** Called on BPIALL. */
  onBranchPredictorInvalidate: (() => void) | null = null;
  /** The current cycle, for maintenance operations (which carry no time); the model sets it. */
  timeSource: () => number = () => 0;

  private attributeSource: AttributeSource = DEFAULT_ATTRIBUTE_SOURCE;
  /** What-if placements, rounded out to whole lines (setPlacementOverrides). */
  private overrides: PlacementOverride[] = [];
  private readonly memoKey = new Int32Array(ATTR_MEMO_SIZE).fill(-1);
  private readonly memoAttr = new Int32Array(ATTR_MEMO_SIZE);

  // Latencies per region in CPU cycles (configure()).
  private readonly readCritical = new Float64Array(REGION_COUNT);
  private readonly fillTotal = new Float64Array(REGION_COUNT);
  private readonly writeDrain = new Float64Array(REGION_COUNT);
  private readonly lineWriteback = new Float64Array(REGION_COUNT);
  private readonly sdram: SdramTiming;
  private readonly qspi: QspiTiming;
  readonly storeBuffer: WriteBuffer;

  // The linefill in flight or last completed on AXIM (one at a time): global line number (address >>> 5).
  private fillLine = -1;
  private fillFirstWord = 0;
  private fillCriticalAt = 0;
  private fillWordCycles = 0;
  /** When the line fill in flight on AXIM completes. */
  fillEnd = 0;
  private readonly wordsPerLine: number;
  /** log2 of the line size (both caches). */
  readonly lineShift: number;

  // Instruction fetch: last 64-bit fetch granule looked up.
  // The line of the last cached data access that hit or allocated (still valid in the D-cache until
  // something evicts, invalidates or disables): accesses to it skip the region, attribute and tag lookups.
  private hitLine = -2;
  private hitSlot = 0;
  private hitRegion: number = Region.Other;
  private hitWriteBack = false;

  /** In dynamic read-allocate mode (write misses do not allocate). */
  readAllocateMode = false;
  private streamNext = -1;
  private streamLineBytes = 0;
  private streamFullLines = 0;

  /** Last 64-bit fetch granule looked up (address >>> 3). */
  lastFetchGranule = -1;
  /**
   * Lines known present for instruction fetch, direct-mapped by line number (line & FETCH_MEMO_MASK):
   * a line an I-cache lookup hit or allocated (while nothing can have removed it), or an ITCM line. A
   * fetch from a remembered line is priced without the region, attribute and tag lookups. Entries go on
   * eviction of their line, and all go on invalidation, enable changes and MPU changes.
   */
  readonly fetchMemoLine = new Int32Array(FETCH_MEMO_SIZE).fill(-1);
  readonly fetchMemoRegion = new Uint8Array(FETCH_MEMO_SIZE);
  /** An I-cache lookup changes no state (not LRU), so the lookup of a line known present can be skipped. */
  private readonly icacheLookupIsPure: boolean;
  /** Region of the instruction last passed to {@link fetch}. */
  lastFetchRegion: number = Region.Other;

  config: BusTimingConfig;

  constructor(
    config: BusTimingConfig,
    private readonly params: MemoryParams,
    private readonly accounts: CycleAccounts,
    private readonly onRule: RuleSink,
  ) {
    this.icache = new SetAssociativeCache(params.icache);
    this.dcache = new SetAssociativeCache(params.dcache);
    if (params.icache.lineBytes !== params.dcache.lineBytes) throw new Error('I- and D-cache line sizes must match');
    this.lineShift = this.dcache.lineShift;
    this.icacheLookupIsPure = this.icache.policy !== 'lru';
    this.wordsPerLine = params.dcache.lineBytes / 4;
    this.sdram = new SdramTiming(params.sdramOpenPage);
    this.qspi = new QspiTiming(params.qspiFifoBytes);
    this.storeBuffer = new WriteBuffer(params.storeBufferDepth);
    this.config = config;
    this.configure(config);
  }

  /** Recomputes every latency from the firmware's clocks and controller settings. */
  configure(config: BusTimingConfig): void {
    validateBusConfig(config);
    this.config = config;
    const p = this.params;
    const cpu = config.cpuHz;
    const axi = cpu / config.axiHz;
    const ahb = cpu / config.ahbHz;
    const apb = cpu / config.apbHz;
    const o = p.coreBusOverhead;
    const lineBytes = p.dcache.lineBytes;
    const axiBeats = lineBytes / 8; // 64-bit AXI
    const ahbBeats = lineBytes / 4; // 32-bit AHB
    const set = (r: Region, critical: number, total: number, write: number, writeback: number) => {
      this.readCritical[r] = Math.ceil(critical);
      this.fillTotal[r] = Math.ceil(total);
      this.writeDrain[r] = Math.ceil(write);
      this.lineWriteback[r] = Math.ceil(writeback);
    };
    set(Region.Itcm, 0, 0, p.storeRetireWord, 0);
    set(Region.Dtcm, 0, 0, p.storeRetireWord, 0);
    const axiCritical = o + p.axiSramReadBus * axi;
    set(Region.AxiSram, axiCritical, axiCritical + (axiBeats - 1) * axi, o + p.axiWriteBus * axi, o + (p.axiWriteBus + axiBeats - 1) * axi);
    const ahbCritical = o + (p.axiSramReadBus + p.ahbBridgeBus) * ahb;
    const ahbWrite = o + (p.axiWriteBus + p.ahbBridgeBus) * ahb;
    const ahbWriteback = o + (p.axiWriteBus + p.ahbBridgeBus + ahbBeats - 1) * ahb;
    set(Region.D2Sram, ahbCritical, ahbCritical + (ahbBeats - 1) * ahb, ahbWrite, ahbWriteback);
    set(Region.D3Sram, ahbCritical, ahbCritical + (ahbBeats - 1) * ahb, ahbWrite, ahbWriteback);
    // Flash: one 256-bit array read of (LATENCY + 1) AXI clocks (RM0433 §4.3.8), then 64-bit beats.
    const flashCritical = o + (p.flashOverheadBus + config.flashWaitStates + 1 + 1) * axi;
    set(Region.Flash, flashCritical, flashCritical + (axiBeats - 1) * axi, o + p.axiWriteBus * axi, o + (p.axiWriteBus + axiBeats - 1) * axi);
    const periph = o + (p.axiSramReadBus + p.ahbBridgeBus) * ahb + p.apbAccessCycles * apb;
    const periphWrite = o + (p.axiWriteBus + p.ahbBridgeBus) * ahb + p.apbAccessCycles * apb;
    set(Region.Peripheral, periph, periph, periphWrite, periphWrite);
    set(Region.Other, periph, periph, periphWrite, periphWrite);
    set(Region.Ppb, p.ppbAccessCycles, p.ppbAccessCycles, p.ppbAccessCycles, p.ppbAccessCycles);
    // SDRAM and QSPI are priced per access from their controller state; these are only fallbacks.
    set(Region.Sdram, axiCritical, axiCritical, o + p.axiWriteBus * axi, o + (p.axiWriteBus + axiBeats - 1) * axi);
    set(Region.Qspi, axiCritical, axiCritical, o + p.axiWriteBus * axi, o + (p.axiWriteBus + axiBeats - 1) * axi);
    this.sdram.configure(config.sdram, cpu, config.axiHz, p.fmcOverheadHclk);
    this.qspi.configure(config.qspi, cpu, config.axiHz, p.qspiOverheadHclk);
  }

  /** Uses the MPU (or any other source) for memory attributes; call {@link attributesChanged} after MPU writes. */
  setAttributeSource(source: AttributeSource | null): void {
    this.attributeSource = source ?? DEFAULT_ATTRIBUTE_SOURCE;
    this.attributesChanged();
  }

  /**
   * Prices the given ranges as if they lived in other regions (a what-if placement, no rebuild). Each range
   * is widened to whole cache lines, the granule of the caches and of the attribute memo; the addresses
   * stay the real ones, so cache sets, SDRAM banks and rows follow the firmware as linked.
   */
  setPlacementOverrides(overrides: readonly PlacementOverride[]): void {
    const line = 1 << this.lineShift;
    for (const o of overrides) {
      if (!PLACEABLE_REGIONS.includes(o.region)) throw new Error(`placement override: region ${o.region} is not a memory region`);
      if (!(o.end > o.start)) throw new Error(`placement override: empty range 0x${(o.start >>> 0).toString(16)}`);
    }
    this.overrides = overrides.map((o) => ({ start: Math.floor(o.start / line) * line, end: Math.ceil(o.end / line) * line, region: o.region }));
    this.attributesChanged();
  }

  /** The region an access at `address` is priced in: a what-if placement's, else the address's own. */
  regionOf(address: number): number {
    if (this.overrides.length !== 0) {
      const o = this.overrideAt(address >>> 0);
      if (o !== null) return o.region;
    }
    return regionOfAddress(address);
  }

  private overrideAt(address: number): PlacementOverride | null {
    for (const o of this.overrides) if (address >= o.start && address < o.end) return o;
    return null;
  }

  attributesChanged(): void {
    this.memoKey.fill(-1);
    this.forgetFetchLines();
    this.forget();
  }

  /** Forgets every remembered fetch line and the last fetch granule. */
  private forgetFetchLines(): void {
    this.fetchMemoLine.fill(-1);
    this.lastFetchGranule = -1;
  }

  /** Attributes of the 32-byte granule holding `address` (the MPU's smallest region is 32 bytes, B3.5.8). */
  attributes(address: number): number {
    const key = (address >>> 5) | 0;
    const i = key & (ATTR_MEMO_SIZE - 1);
    if (this.memoKey[i] === key) return this.memoAttr[i];
    const moved = this.overrides.length !== 0 ? this.overrideAt(address >>> 0) : null;
    const attr = this.attributeSource.attributes(moved !== null ? (REGION_BASE[moved.region] as number) : address >>> 0, false);
    this.memoKey[i] = key;
    this.memoAttr[i] = attr;
    return attr;
  }

  // ---------------------------------------------------------------- instruction side

  /**
   * The instruction at `pc` (`size` bytes) is needed at cycle `now`. Returns the cycles until it is
   * available; accounts I-cache hits/misses and fetch stalls per region. The core fetches 64 bits at a
   * time (TRM §1.2.3), so only a new 64-bit granule is looked up.
   */
  fetch(pc: number, size: number, now: number): number {
    const granule = ((pc + size - 1) >>> 3) | 0;
    if (granule === this.lastFetchGranule) return this.streamWait(pc, now, this.lastFetchRegion);
    this.lastFetchGranule = granule;
    const addr = (granule << 3) >>> 0;
    const line = addr >>> this.lineShift;
    const i = line & FETCH_MEMO_MASK;
    if (this.fetchMemoLine[i] === line && pc >>> this.lineShift === line) {
      // A line known present (fetchMemoLine): same region and attributes as when it was looked up.
      const region = this.fetchMemoRegion[i];
      this.lastFetchRegion = region;
      if (region === Mem.RegionItcm) return 0;
      this.accounts.icacheHits[region]++;
      return this.streamWait(addr, now, region);
    }
    return this.fetchLookup(pc, addr, line, now);
  }

  /** Remembers `line` as present for fetch (see fetchMemoLine). */
  private rememberFetchLine(line: number, region: number): void {
    const i = line & FETCH_MEMO_MASK;
    this.fetchMemoLine[i] = line;
    this.fetchMemoRegion[i] = region;
  }

  /** A fetch from a new line: region, attributes and the I-cache lookup. */
  private fetchLookup(pc: number, addr: number, line: number, now: number): number {
    const region: number = this.regionOf(pc);
    this.lastFetchRegion = region;
    // Region bounds are multiples of the line size, so the region of a line is the region of `pc`; an
    // instruction whose last granule is on the next line is looked up every time.
    const sameLine = pc >>> this.lineShift === line;
    if (region === Mem.RegionItcm) {
      if (sameLine) this.rememberFetchLine(line, region);
      return 0;
    }
    const a = this.accounts;
    if (this.icacheEnabled && (this.attributes(addr) & (Mem.AttrCacheable | Mem.AttrDevice)) === Mem.AttrCacheable) {
      // Under LRU a lookup updates the replacement state, so it cannot be skipped.
      const remember = this.icacheLookupIsPure && sameLine;
      if (this.icache.find(line) >= 0) {
        if (remember) this.rememberFetchLine(line, region);
        a.icacheHits[region]++;
        return this.streamWait(addr, now, region);
      }
      a.icacheMisses[region]++;
      this.icache.allocate(line);
      const victim = this.icache.evictedLine;
      if (victim !== -1 && this.fetchMemoLine[victim & FETCH_MEMO_MASK] === victim) this.fetchMemoLine[victim & FETCH_MEMO_MASK] = -1;
      if (remember) this.rememberFetchLine(line, region);
      return this.startFill(addr, region, now);
    }
    a.uncached[region]++;
    return this.uncachedRead(addr, 8, region, now);
  }

  // ---------------------------------------------------------------- data side

  /** A load of `bytes` at `address` issued at `now`; returns the cycles until its data is available. */
  load(address: number, bytes: number, now: number): number {
    let stall = (address & (bytes - 1)) !== 0 ? UNALIGNED_LOAD_PENALTY : 0;
    if (((address >>> this.lineShift) | 0) === this.hitLine) {
      this.accounts.dcacheHits[this.hitRegion]++;
      if (this.readAllocateMode && this.hitLine === (((this.streamNext - 1) >>> this.lineShift) | 0)) this.leaveReadAllocateMode();
      if (this.dcache.state[this.hitSlot] & Mem.LineStale) this.reportStale(this.hitSlot, address);
      return stall + this.streamWait(address, now, this.hitRegion);
    }
    const region: number = this.regionOf(address);
    if (region === Mem.RegionDtcm || region === Mem.RegionItcm) return stall;
    const a = this.accounts;
    if (region === Mem.RegionPpb) {
      a.uncached[region]++;
      return stall + this.readCritical[Mem.RegionPpb] + this.storeBuffer.drainTime(now);
    }
    const attr = this.attributes(address);
    if (this.dcacheEnabled && isCachedData(attr)) {
      const line = (address >>> this.lineShift) | 0;
      // A load from the line being streamed leaves dynamic read-allocate mode (TRM §5.9.1).
      if (this.readAllocateMode && line === (((this.streamNext - 1) >>> this.lineShift) | 0)) this.leaveReadAllocateMode();
      const slot = this.dcache.find(line);
      if (slot >= 0) {
        a.dcacheHits[region]++;
        if (this.dcache.state[slot] & Mem.LineStale) this.reportStale(slot, address);
        this.remember(line, slot, region, attr);
        return stall + this.streamWait(address, now, region);
      }
      a.dcacheMisses[region]++;
      const newSlot = this.dcache.allocate(line);
      this.evicted(now);
      this.remember(line, newSlot, region, attr);
      return stall + this.startFill(address, region, now);
    }
    a.uncached[region]++;
    // Device accesses stay in program order with the buffered stores before them (A3.7.1).
    if (attr & Mem.AttrDevice) stall += this.storeBuffer.drainTime(now);
    return stall + this.uncachedRead(address, bytes, region, now + stall);
  }

  /** A store of `bytes` at `address` issued at `now`; returns the cycles the pipeline stalls (store buffer full). */
  store(address: number, bytes: number, now: number): number {
    const p = this.params;
    const unaligned = (address & (bytes - 1)) !== 0;
    const retire = unaligned ? p.storeRetireUnaligned : bytes < 4 ? p.storeRetireNarrow : p.storeRetireWord;
    if (((address >>> this.lineShift) | 0) === this.hitLine) {
      this.accounts.dcacheHits[this.hitRegion]++;
      if (p.dynamicReadAllocate) this.trackWriteStream(address, bytes);
      if (this.hitWriteBack) {
        const st = this.dcache.state;
        st[this.hitSlot] = (st[this.hitSlot] | Mem.LineDirty) & ~Mem.LineDirtyReported;
        return this.storeBuffer.push(now, retire);
      }
      return this.storeBuffer.push(now, Math.max(retire, this.uncachedWriteCost(address, bytes, this.hitRegion, now)));
    }
    const region: number = this.regionOf(address);
    if (region === Mem.RegionDtcm || region === Mem.RegionItcm) return this.storeBuffer.push(now, retire);
    const a = this.accounts;
    const attr = this.attributes(address);
    if (this.dcacheEnabled && isCachedData(attr)) {
      const line = (address >>> this.lineShift) | 0;
      const slot = this.dcache.find(line);
      const writeBack = (attr & Mem.AttrWriteBack) !== 0;
      if (this.params.dynamicReadAllocate) this.trackWriteStream(address, bytes);
      if (slot >= 0) {
        a.dcacheHits[region]++;
        this.remember(line, slot, region, attr);
        if (writeBack) {
          this.dcache.state[slot] = (this.dcache.state[slot] | Mem.LineDirty) & ~Mem.LineDirtyReported;
          return this.storeBuffer.push(now, retire);
        }
        return this.storeBuffer.push(now, Math.max(retire, this.uncachedWriteCost(address, bytes, region, now)));
      }
      a.dcacheMisses[region]++;
      if (this.readAllocateMode) {
        // Dynamic read-allocate mode (TRM §5.9.1): the write miss goes straight to memory; the store
        // buffer sends the stream as line-sized bursts, so each store carries its share of one burst.
        const share = this.lineWriteback[region] / ((1 << this.lineShift) / bytes);
        return this.storeBuffer.push(now, Math.max(retire, Math.ceil(share)));
      }
      if (writeBack && attr & Mem.AttrWriteAllocate) {
        const newSlot = this.dcache.allocate(line);
        this.evicted(now);
        this.dcache.state[newSlot] = Mem.LineValid | Mem.LineDirty;
        this.remember(line, newSlot, region, attr);
        // The store waits in the buffer for its line; the pipeline goes on (TRM §5.9, non-blocking).
        const fill = this.startFill(address, region, now);
        return this.storeBuffer.push(now, fill + retire);
      }
      return this.storeBuffer.push(now, this.uncachedWriteCost(address, bytes, region, now));
    }
    a.uncached[region]++;
    return this.storeBuffer.push(now, this.uncachedWriteCost(address, bytes, region, now));
  }

  private remember(line: number, slot: number, region: number, attr: number): void {
    this.hitLine = line;
    this.hitSlot = slot;
    this.hitRegion = region;
    this.hitWriteBack = (attr & Mem.AttrWriteBack) !== 0;
  }

  /** Forgets the last-hit line (after anything that can evict, invalidate or re-attribute it). */
  private forget(): void {
    this.hitLine = -2;
  }

  private reportStale(slot: number, address: number): void {
    const c = this.dcache;
    c.state[slot] &= ~Mem.LineStale;
    this.onRule(
      'cpu-read-stale-cache',
      address >>> 0,
      false,
      `D-cache hit on line 0x${hex((c.tags[slot] << this.lineShift) >>> 0)} that a DMA wrote after it was cached; the CPU reads the old cached copy (invalidate the line, SCB_InvalidateDCache_by_Addr, after the DMA completes)`,
    );
  }

  /**
   * Dynamic read-allocate mode (TRM §5.9.1, DUG §2.2.8): after whole lines are written by a sequential
   * store stream on 3 consecutive lines, write misses stop allocating; a store that does not continue the
   * stream (a partial-line write) leaves the mode. Approximation: "before its linefill completes" is read
   * as "by a store stream", without timing the fills.
   */
  private trackWriteStream(address: number, bytes: number): void {
    const lineBytes = 1 << this.lineShift;
    if (address >>> 0 !== this.streamNext) {
      this.streamFullLines = 0;
      this.streamLineBytes = 0;
      if (this.readAllocateMode) this.readAllocateMode = false;
    }
    this.streamLineBytes += bytes;
    this.streamNext = (address + bytes) >>> 0;
    if ((this.streamNext & (lineBytes - 1)) === 0) {
      if (this.streamLineBytes >= lineBytes) {
        if (++this.streamFullLines >= 3) this.readAllocateMode = true;
      } else {
        this.streamFullLines = 0;
      }
      this.streamLineBytes = 0;
    }
  }

  private leaveReadAllocateMode(): void {
    this.readAllocateMode = false;
    this.streamFullLines = 0;
  }

  /** Cycles until all buffered stores have drained (DSB, Device reads). */
  drainStores(now: number): number {
    return this.storeBuffer.drainTime(now);
  }

  // ---------------------------------------------------------------- DMA coherency (called by the DMA model)

  /** A DMA master read `bytes` at `address` from memory (not through the L1 cache). */
  dmaRead(address: number, bytes: number): void {
    const c = this.dcache;
    const first = address >>> this.lineShift;
    const last = (address + Math.max(bytes, 1) - 1) >>> this.lineShift;
    for (let line = first; line <= last; line++) {
      const slot = this.peek(line | 0);
      if (slot < 0) continue;
      const state = c.state[slot];
      if ((state & (Mem.LineDirty | Mem.LineDirtyReported)) === Mem.LineDirty) {
        c.state[slot] = state | Mem.LineDirtyReported;
        this.onRule(
          'dma-read-dirty-cache',
          (line << this.lineShift) >>> 0,
          false,
          `DMA read of 0x${hex(address >>> 0)} while the D-cache holds a dirty copy of line 0x${hex((line << this.lineShift) >>> 0)}: the DMA reads stale memory; the CPU's write never reached it (clean the line, SCB_CleanDCache_by_Addr, before starting the DMA, or make the buffer non-cacheable)`,
        );
      }
    }
  }

  /** A DMA master wrote `bytes` at `address` in memory. */
  dmaWrite(address: number, bytes: number): void {
    const c = this.dcache;
    const first = address >>> this.lineShift;
    const last = (address + Math.max(bytes, 1) - 1) >>> this.lineShift;
    for (let line = first; line <= last; line++) {
      const slot = this.peek(line | 0);
      if (slot >= 0) c.state[slot] |= Mem.LineStale;
    }
  }

  /** DmaAccessObserver (packages/soc dma.ts): the DMA model reports its memory-side accesses here. */
  onDmaRead(addr: number, bytes: number): void {
    this.dmaRead(addr, bytes);
  }

  onDmaWrite(addr: number, bytes: number): void {
    this.dmaWrite(addr, bytes);
  }

  private peek(line: number): number {
    const c = this.dcache;
    const base = (line & (c.sets - 1)) * c.ways;
    for (let w = 0; w < c.ways; w++) if (c.tags[base + w] === line) return base + w;
    return -1;
  }

  // ---------------------------------------------------------------- CacheOps (SCB, B2.2.7)

  setEnabled(icache: boolean, dcache: boolean): void {
    this.icacheEnabled = icache;
    this.dcacheEnabled = dcache;
    this.forgetFetchLines();
    this.forget();
  }

  invalidateInstructionAll(): void {
    this.icache.invalidateAll();
    this.forgetFetchLines();
  }

  invalidateInstructionByAddress(addr: number): void {
    const slot = this.icache.find((addr >>> this.lineShift) | 0);
    if (slot >= 0) this.icache.invalidateSlot(slot);
    this.forgetFetchLines();
  }

  invalidateDataByAddress(addr: number): void {
    this.forget();
    const slot = this.peek((addr >>> this.lineShift) | 0);
    if (slot >= 0) this.dcache.invalidateSlot(slot);
  }

  invalidateDataBySetWay(value: number): void {
    this.forget();
    const slot = this.setWaySlot(value);
    if (slot >= 0) this.dcache.invalidateSlot(slot);
  }

  cleanDataByAddress(addr: number): void {
    this.clean(this.peek((addr >>> this.lineShift) | 0));
  }

  cleanDataBySetWay(value: number): void {
    this.clean(this.setWaySlot(value));
  }

  cleanInvalidateDataByAddress(addr: number): void {
    this.forget();
    const slot = this.peek((addr >>> this.lineShift) | 0);
    this.clean(slot);
    if (slot >= 0) this.dcache.invalidateSlot(slot);
  }

  cleanInvalidateDataBySetWay(value: number): void {
    this.forget();
    const slot = this.setWaySlot(value);
    this.clean(slot);
    if (slot >= 0) this.dcache.invalidateSlot(slot);
  }

  invalidateBranchPredictor(): void {
    this.onBranchPredictorInvalidate?.();
  }

  /** DCISW/DCCSW/DCCISW operand: way in the top log2(ways) bits, set from bit log2(line bytes) (B2.2.7). */
  private setWaySlot(value: number): number {
    const c = this.dcache;
    const wayBits = Math.ceil(Math.log2(c.ways));
    const way = wayBits === 0 ? 0 : value >>> (32 - wayBits);
    const set = (value >>> c.lineShift) & (c.sets - 1);
    return c.slotOf(set, way);
  }

  private clean(slot: number): void {
    if (slot < 0) return;
    const c = this.dcache;
    const state = c.state[slot];
    if (state & Mem.LineDirty) {
      const address = (c.tags[slot] << this.lineShift) >>> 0;
      this.writeBackLine(address, this.timeSource());
      c.state[slot] = state & ~(Mem.LineDirty | Mem.LineDirtyReported);
    }
  }

  // ---------------------------------------------------------------- pricing helpers

  /** Handles the victim of the last D-cache allocation: a dirty line is written back through the buffer. */
  private evicted(now: number): void {
    const c = this.dcache;
    if (c.evictedLine !== -1 && c.evictedState & Mem.LineDirty) this.writeBackLine((c.evictedLine << this.lineShift) >>> 0, now);
  }

  private writeBackLine(address: number, now: number): void {
    const region: number = this.regionOf(address);
    this.accounts.writebacks[region]++;
    let cost = this.lineWriteback[region];
    if (region === Mem.RegionSdram && this.sdram.configured) cost = this.sdram.write(address, 1 << this.lineShift, now);
    // Eviction goes through the eviction/store path: it occupies the buffer but does not stall the load.
    this.storeBuffer.push(now, cost);
  }

  /**
   * Starts a line fill for the line holding `address` at `now` (after any fill in flight on AXIM) and
   * returns the cycles until the requested word arrives (critical word first, TRM §5.9).
   */
  private startFill(address: number, region: number, now: number): number {
    const start = this.fillEnd > now ? this.fillEnd : now;
    const lineBytes = 1 << this.lineShift;
    const lineAddress = (address >>> this.lineShift) << this.lineShift;
    let critical: number;
    let total: number;
    if (region === Mem.RegionSdram && this.sdram.configured) {
      this.sdram.access(lineAddress, lineBytes, start);
      critical = this.sdram.critical;
      total = this.sdram.total;
    } else if (region === Mem.RegionQspi && this.qspi.configured) {
      // The wrap burst starts at the critical word; the QUADSPI reads the line in address order from there.
      this.qspi.access(lineAddress, lineBytes, start);
      critical = this.qspi.critical;
      total = this.qspi.total;
    } else {
      critical = this.readCritical[region];
      total = this.fillTotal[region];
    }
    this.fillLine = (address >>> this.lineShift) | 0;
    this.fillFirstWord = (address >>> 2) & (this.wordsPerLine - 1);
    this.fillCriticalAt = start + critical;
    this.fillWordCycles = this.wordsPerLine > 1 ? (total - critical) / (this.wordsPerLine - 1) : 0;
    this.fillEnd = start + total;
    return this.fillCriticalAt - now;
  }

  /** Cycles until the word at `address` is available if its line is still streaming in; 0 otherwise. */
  private streamWait(address: number, now: number, _region: number): number {
    if ((address >>> this.lineShift) !== this.fillLine >>> 0 || now >= this.fillEnd) return 0;
    const word = (address >>> 2) & (this.wordsPerLine - 1);
    const order = (word - this.fillFirstWord + this.wordsPerLine) & (this.wordsPerLine - 1);
    const arrives = Math.ceil(this.fillCriticalAt + order * this.fillWordCycles);
    return arrives > now ? arrives - now : 0;
  }

  private uncachedRead(address: number, bytes: number, region: number, now: number): number {
    if (region === Mem.RegionSdram && this.sdram.configured) {
      this.sdram.access(address, bytes, now);
      return this.sdram.critical;
    }
    if (region === Mem.RegionQspi && this.qspi.configured) {
      this.qspi.access(address, bytes, now);
      return this.qspi.total;
    }
    return this.readCritical[region];
  }

  private uncachedWriteCost(address: number, bytes: number, region: number, now: number): number {
    if (region === Mem.RegionSdram && this.sdram.configured) return this.sdram.write(address, bytes, now);
    return this.writeDrain[region];
  }

  /** Latencies currently in force, for reports and docs: [critical, fill total, write drain] per region. */
  latencyTable(): { region: Region; critical: number; fillTotal: number; writeDrain: number; writeback: number }[] {
    const out = [];
    for (let r = 0; r < REGION_COUNT; r++)
      out.push({ region: r as Region, critical: this.readCritical[r], fillTotal: this.fillTotal[r], writeDrain: this.writeDrain[r], writeback: this.lineWriteback[r] });
    return out;
  }

  /** Forgets cache contents and pipelined state (power-on). Caches start disabled (AN4891 §2.2). */
  reset(): void {
    this.icache.invalidateAll();
    this.dcache.invalidateAll();
    this.icacheEnabled = this.dcacheEnabled = false;
    this.fillLine = -1;
    this.fillEnd = 0;
    this.forgetFetchLines();
    this.storeBuffer.reset();
    this.forget();
    this.readAllocateMode = false;
    this.streamNext = -1;
    this.streamFullLines = this.streamLineBytes = 0;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
