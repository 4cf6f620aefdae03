/**
 * A set-associative cache's tags and line state: no data (the bus holds the functional bytes; see
 * docs/timing-model.md "stale data"). Geometry per hw-facts §2.1: 32-byte lines, I-cache 16 KB 2-way
 * (256 sets), D-cache 16 KB 4-way (128 sets) on the STM32H750.
 *
 * Replacement is a documented gap (hw-facts §7.3): an invalid way is used first (lowest number), then
 * the chosen policy picks a victim among valid ways.
 */
export type ReplacementPolicy = 'round-robin' | 'lru' | 'random';

export interface CacheGeometry {
  sizeBytes: number;
  ways: number;
  lineBytes: number;
  replacement: ReplacementPolicy;
}

/** Line state bits. */
export const enum LineState {
  Valid = 1,
  Dirty = 2,
  /** A DMA write hit this line's memory after it was filled: the cached copy is stale. */
  Stale = 4,
  /** 'dma-read-dirty-cache' already reported for this dirty episode. */
  DirtyReported = 8,
}

export class SetAssociativeCache {
  readonly sets: number;
  readonly ways: number;
  readonly lineBytes: number;
  readonly lineShift: number;
  readonly policy: ReplacementPolicy;
  /** Line number (address >>> lineShift) held by set*ways+way; -1 when invalid. */
  readonly tags: Int32Array;
  readonly state: Uint8Array;
  /** Round-robin pointer per set. */
  private readonly nextVictim: Uint8Array;
  /** LRU stamps per line. */
  private readonly lastUse: Float64Array;
  private useCounter = 0;
  private random = 0x2545f491;
  /** Line number of the line evicted by the last {@link allocate}, -1 if none; its state before eviction. */
  evictedLine = -1;
  evictedState = 0;

  constructor(geometry: CacheGeometry) {
    const { sizeBytes, ways, lineBytes } = geometry;
    if (!isPowerOfTwo(lineBytes) || lineBytes < 4) throw new Error(`cache line size ${lineBytes} must be a power of two >= 4`);
    if (!Number.isInteger(ways) || ways < 1 || ways > 255) throw new Error(`cache ways ${ways} must be 1..255`);
    const sets = sizeBytes / (ways * lineBytes);
    if (!isPowerOfTwo(sets)) throw new Error(`cache of ${sizeBytes} bytes, ${ways} ways, ${lineBytes}-byte lines: set count ${sets} is not a power of two`);
    this.sets = sets;
    this.ways = ways;
    this.lineBytes = lineBytes;
    this.lineShift = Math.log2(lineBytes);
    this.policy = geometry.replacement;
    this.tags = new Int32Array(sets * ways).fill(-1);
    this.state = new Uint8Array(sets * ways);
    this.nextVictim = new Uint8Array(sets);
    this.lastUse = new Float64Array(sets * ways);
  }

  lineOf(address: number): number {
    return (address >>> this.lineShift) | 0;
  }

  /** Slot index (set*ways+way) holding the line, or -1. Marks it used for LRU. */
  find(line: number): number {
    const base = (line & (this.sets - 1)) * this.ways;
    for (let w = 0; w < this.ways; w++) {
      const slot = base + w;
      if (this.tags[slot] === line) {
        if (this.policy === 'lru') this.lastUse[slot] = ++this.useCounter;
        return slot;
      }
    }
    return -1;
  }

  /** Places `line` (not present) in its set and returns the slot; the victim is left in evictedLine/evictedState. */
  allocate(line: number): number {
    const base = (line & (this.sets - 1)) * this.ways;
    let slot = -1;
    for (let w = 0; w < this.ways; w++) {
      if (this.tags[base + w] === -1) {
        slot = base + w;
        break;
      }
    }
    if (slot < 0) slot = base + this.chooseVictim(line & (this.sets - 1));
    this.evictedLine = this.tags[slot];
    this.evictedState = this.evictedLine === -1 ? 0 : this.state[slot];
    this.tags[slot] = line;
    this.state[slot] = LineState.Valid;
    if (this.policy === 'lru') this.lastUse[slot] = ++this.useCounter;
    return slot;
  }

  private chooseVictim(set: number): number {
    const ways = this.ways;
    if (this.policy === 'round-robin') {
      const way = this.nextVictim[set];
      this.nextVictim[set] = (way + 1) % ways;
      return way;
    }
    if (this.policy === 'lru') {
      const base = set * ways;
      let best = 0;
      for (let w = 1; w < ways; w++) if (this.lastUse[base + w] < this.lastUse[base + best]) best = w;
      return best;
    }
    // xorshift32: deterministic pseudo-random
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    return (x >>> 0) % ways;
  }

  invalidateSlot(slot: number): void {
    this.tags[slot] = -1;
    this.state[slot] = 0;
  }

  invalidateAll(): void {
    this.tags.fill(-1);
    this.state.fill(0);
    this.nextVictim.fill(0);
  }

  /** Slot for (set, way) as DCISW/DCCSW/DCCISW name it (ARMv7-M B2.2.7). */
  slotOf(set: number, way: number): number {
    if (set >= this.sets || way >= this.ways) return -1;
    return set * this.ways + way;
  }

  /** Number of valid lines (for tests and reports). */
  validCount(): number {
    let n = 0;
    for (let i = 0; i < this.tags.length; i++) if (this.tags[i] !== -1) n++;
    return n;
  }
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}
