import { BusError, type Bus } from './bus.js';

/** One RAM range of a {@link FlatBus}. */
export interface FlatRange {
  readonly base: number;
  readonly bytes: Uint8Array;
}

/**
 * A bus of plain little-endian RAM ranges, for unit tests and the Unicorn oracle. Accesses outside every
 * range throw BusError. Unaligned accesses are served byte by byte (Normal memory semantics).
 * read32 returns the word as a signed int32 (same bits; the core accepts either form, and int32 values
 * stay unboxed in V8). Aligned words go through an Int32Array view, which assumes a little-endian host
 * (as CpuState's Float64Array view of the FP registers already does).
 * No Node APIs: runs in a browser.
 */
export class FlatBus implements Bus {
  private readonly ranges: FlatRange[] = [];
  // The most recently used range, checked first (the common case is one range).
  private lastBase = 0;
  private lastEnd = 0;
  private lastBytes: Uint8Array = new Uint8Array(0);
  /** Word view of the last range (null when its bytes are not 4-byte aligned in their buffer). */
  private lastWords: Int32Array | null = null;
  private readonly words = new Map<Uint8Array, Int32Array | null>();

  constructor(ranges: { base: number; size?: number; bytes?: Uint8Array }[] = []) {
    for (const r of ranges) this.addRange(r.base, r.bytes ?? new Uint8Array(r.size ?? 0));
  }

  /** Adds RAM at `base`; `bytes` (or a new zeroed array of `size`) backs it and is shared, not copied. */
  addRange(base: number, bytesOrSize: Uint8Array | number): Uint8Array {
    const bytes = typeof bytesOrSize === 'number' ? new Uint8Array(bytesOrSize) : bytesOrSize;
    base >>>= 0;
    if (bytes.length === 0) throw new Error('FlatBus: a range must have at least one byte');
    if (base + bytes.length > 0x1_0000_0000) throw new Error(`FlatBus: range at 0x${base.toString(16)} runs past 4 GiB`);
    for (const r of this.ranges) {
      if (base < r.base + r.bytes.length && r.base < base + bytes.length) {
        throw new Error(`FlatBus: range at 0x${base.toString(16)} overlaps the range at 0x${r.base.toString(16)}`);
      }
    }
    this.ranges.push({ base, bytes });
    this.words.set(bytes, bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : null);
    return bytes;
  }

  /** Copies `data` into memory at `addr` (throws BusError if any byte is outside the ranges). */
  load(addr: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) this.write8(addr + i, data[i]);
  }

  private find(addr: number, size: number, isWrite: boolean): number {
    addr >>>= 0;
    if (addr >= this.lastBase && addr + size <= this.lastEnd) return addr - this.lastBase;
    for (const r of this.ranges) {
      if (addr >= r.base && addr + size <= r.base + r.bytes.length) {
        this.lastBase = r.base;
        this.lastEnd = r.base + r.bytes.length;
        this.lastBytes = r.bytes;
        this.lastWords = this.words.get(r.bytes) ?? null;
        return addr - r.base;
      }
    }
    throw new BusError(addr, isWrite, 'no memory mapped there');
  }

  read8(addr: number): number {
    const o = this.find(addr, 1, false);
    return this.lastBytes[o];
  }
  read16(addr: number): number {
    const o = this.find(addr, 2, false);
    const b = this.lastBytes;
    return b[o] | (b[o + 1] << 8);
  }
  read32(addr: number): number {
    // Fast path: aligned word inside the last-used range.
    const off = addr - this.lastBase;
    if ((off & 3) === 0 && off >= 0 && addr + 4 <= this.lastEnd && this.lastWords !== null) return this.lastWords[off >>> 2];
    const o = this.find(addr, 4, false);
    const b = this.lastBytes;
    return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
  }
  write8(addr: number, value: number): void {
    const o = this.find(addr, 1, true);
    this.lastBytes[o] = value;
  }
  write16(addr: number, value: number): void {
    const o = this.find(addr, 2, true);
    const b = this.lastBytes;
    b[o] = value;
    b[o + 1] = value >>> 8;
  }
  write32(addr: number, value: number): void {
    const off = addr - this.lastBase;
    if ((off & 3) === 0 && off >= 0 && addr + 4 <= this.lastEnd && this.lastWords !== null) {
      this.lastWords[off >>> 2] = value;
      return;
    }
    const o = this.find(addr, 4, true);
    const b = this.lastBytes;
    b[o] = value;
    b[o + 1] = value >>> 8;
    b[o + 2] = value >>> 16;
    b[o + 3] = value >>> 24;
  }
  fetch16(addr: number): number {
    return this.read16(addr);
  }
}
