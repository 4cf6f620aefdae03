import type { AccessSize } from '@seedsim/core';

/**
 * The Daisy Seed's SDRAM chip, Alliance AS4C16M32MSA (64 MB, 32-bit bus, 4 internal banks, 8192 rows
 * × 512 columns; libdaisy-facts §4, hw-facts §5.2), as a state machine plus storage.
 *
 * Power-up (JEDEC SDR SDRAM initialisation, AS4C16M32MSA datasheet "Power-up and initialization"):
 * apply clock with CKE high, wait at least 100 µs, PRECHARGE ALL, at least 2 AUTO REFRESH, LOAD MODE
 * REGISTER. Until then the chip does not answer: reads return whatever the sense amplifiers give
 * (modelled as the power-on cell contents), writes are lost.
 *
 * Storage is allocated lazily in 64 KB pages filled with a deterministic pseudo-random pattern (real
 * DRAM powers up with non-zero, board-specific contents), with one "written since power-on" bit per
 * 32-bit word, so reads of never-written memory can be reported.
 */
export const SDRAM_SIZE = 64 * 1024 * 1024;
/** JEDEC / datasheet minimum pause between clock enable and the first PRECHARGE ALL. */
export const SDRAM_POWER_UP_DELAY_S = 100e-6;
/** JEDEC: at least two AUTO REFRESH cycles before the chip is usable. */
export const SDRAM_MIN_INIT_REFRESHES = 2;

const PAGE_SHIFT = 16;
const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;
const PAGE_COUNT = SDRAM_SIZE >>> PAGE_SHIFT;
const WORDS_PER_PAGE = PAGE_SIZE >>> 2;
const LINE_SHIFT = 5;

/** Why the chip is not usable yet, or null when it is. */
export type SdramInitPhase =
  | 'no clock-enable command (SDCMR MODE=001)'
  | 'clock enabled, no precharge-all (SDCMR MODE=010)'
  | 'precharge-all issued before the 100 µs power-up delay'
  | 'precharge done, fewer than 2 auto-refresh cycles (SDCMR MODE=011)'
  | 'no mode register set (SDCMR MODE=100)'
  | null;

/** A run of 32-byte lines read while never written: reported once, then counted. */
export interface UninitialisedReadRange {
  /** Byte offsets within the SDRAM, end exclusive, 32-byte aligned. */
  start: number;
  end: number;
  /** Reads that fell in the range. */
  count: number;
}

/** Deterministic power-on value of word `index` (a 32-bit integer hash, no allocation). */
export function sdramPowerOnWord(index: number): number {
  let x = Math.imul(index ^ 0x5bd1e995, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca77);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae3d);
  x ^= x >>> 16;
  return x >>> 0;
}

export class Sdram {
  private readonly pages: (Uint8Array | null)[] = new Array<Uint8Array | null>(PAGE_COUNT).fill(null);
  private readonly pageWords: (Uint32Array | null)[] = new Array<Uint32Array | null>(PAGE_COUNT).fill(null);
  /** Per page: bit per word, 1 = written since power-on. */
  private readonly written: (Uint32Array | null)[] = new Array<Uint32Array | null>(PAGE_COUNT).fill(null);
  /** Per page: bit per 32-byte line, 1 = an uninitialised read there was already counted in a range. */
  private readonly reportedLines: (Uint32Array | null)[] = new Array<Uint32Array | null>(PAGE_COUNT).fill(null);

  // JEDEC init state.
  private clockEnabledAt = -1;
  private precharged = false;
  private refreshes = 0;
  private modeRegisterSet = false;
  private prechargeTooEarly = false;
  /** Last LOAD MODE REGISTER value (MRD field of FMC_SDCMR). */
  modeRegister = -1;
  /** Ready for reads and writes: the whole init sequence ran. */
  ready = false;

  /** Open row per internal bank, −1 when precharged (for the timing model; updated on each access). */
  readonly openRows = new Int32Array(4).fill(-1);
  /** Column address bits and internal bank count as the FMC programs them (FMC_SDCR1 NC/NB). */
  private columns = 9;
  private banks = 4;
  // 32-bit bus: byte lanes [1:0], column [NC+1:2], bank above it, row above that (RM0433 §22.9, SDRAM
  // address mapping for a 32-bit memory).
  private bankShift = 11;
  private bankMask = 3;
  private rowShift = 13;
  /** Set by {@link readTracked}: the bytes read had never been written since power-on. */
  lastReadUninitialised = false;

  get columnBits(): number {
    return this.columns;
  }
  get bankCount(): number {
    return this.banks;
  }

  /** Address geometry from FMC_SDCR1 (NC: 8 + n column bits; NB: 2 or 4 internal banks). */
  setGeometry(columnBits: number, bankCount: 2 | 4): void {
    this.columns = columnBits;
    this.banks = bankCount;
    this.bankShift = 2 + columnBits;
    this.bankMask = bankCount - 1;
    this.rowShift = this.bankShift + (bankCount === 4 ? 2 : 1);
  }

  readonly uninitialisedReads: UninitialisedReadRange[] = [];
  private lastRange: UninitialisedReadRange | null = null;

  // ------------------------------------------------------------------ commands (from the FMC)

  /** SDCMR MODE=001: clock configuration enable (CKE high). `seconds` = simulated time now. */
  clockEnable(seconds: number): void {
    if (this.clockEnabledAt < 0) this.clockEnabledAt = seconds;
  }

  /** SDCMR MODE=010: precharge all banks. Too early after clock enable, the chip is not initialised. */
  prechargeAll(seconds: number): void {
    this.openRows.fill(-1);
    if (this.clockEnabledAt < 0 || this.ready) return;
    // Tolerance of 1 ns for float rounding of cycle → seconds.
    if (seconds - this.clockEnabledAt + 1e-9 < SDRAM_POWER_UP_DELAY_S) {
      this.prechargeTooEarly = true;
      return;
    }
    this.prechargeTooEarly = false;
    this.precharged = true;
  }

  /** SDCMR MODE=011 with NRFS+1 consecutive refreshes. */
  autoRefresh(count: number): void {
    this.openRows.fill(-1);
    if (this.precharged) this.refreshes += count;
    this.updateReady();
  }

  /** SDCMR MODE=100: LOAD MODE REGISTER with the MRD field. Needs all banks precharged. */
  loadModeRegister(mrd: number): void {
    if (!this.precharged) return;
    this.modeRegister = mrd & 0x3fff;
    this.modeRegisterSet = true;
    this.updateReady();
  }

  private updateReady(): void {
    this.ready = this.precharged && this.refreshes >= SDRAM_MIN_INIT_REFRESHES && this.modeRegisterSet;
  }

  /** Why the chip is unusable, or null. */
  get initPhase(): SdramInitPhase {
    if (this.ready) return null;
    if (this.clockEnabledAt < 0) return 'no clock-enable command (SDCMR MODE=001)';
    if (!this.precharged) return this.prechargeTooEarly ? 'precharge-all issued before the 100 µs power-up delay' : 'clock enabled, no precharge-all (SDCMR MODE=010)';
    if (this.refreshes < SDRAM_MIN_INIT_REFRESHES) return 'precharge done, fewer than 2 auto-refresh cycles (SDCMR MODE=011)';
    return 'no mode register set (SDCMR MODE=100)';
  }

  /** CAS latency programmed in the mode register (bits 6:4), or 0 before LOAD MODE REGISTER. */
  get modeCasLatency(): number {
    return this.modeRegister < 0 ? 0 : (this.modeRegister >>> 4) & 7;
  }

  /** Burst length from the mode register (bits 2:0: 0→1, 1→2, 2→4, 3→8, 7→full page), 0 if unset. */
  get modeBurstLength(): number {
    if (this.modeRegister < 0) return 0;
    const bl = this.modeRegister & 7;
    return bl <= 3 ? 1 << bl : bl === 7 ? 1 << this.columns : 0;
  }

  // ------------------------------------------------------------------ storage

  private page(p: number): Uint8Array {
    let bytes = this.pages[p];
    if (bytes === null) {
      bytes = new Uint8Array(PAGE_SIZE);
      const words = new Uint32Array(bytes.buffer);
      const first = p * WORDS_PER_PAGE;
      for (let i = 0; i < WORDS_PER_PAGE; i++) words[i] = sdramPowerOnWord(first + i);
      this.pages[p] = bytes;
      this.pageWords[p] = words;
      this.written[p] = new Uint32Array(WORDS_PER_PAGE >>> 5);
      this.reportedLines[p] = new Uint32Array((PAGE_SIZE >>> LINE_SHIFT) >>> 5);
    }
    return bytes;
  }

  /** Reads stored bytes (no rules, no tracking). `offset` is relative to the SDRAM base. */
  peek(offset: number, size: AccessSize): number {
    const p = offset >>> PAGE_SHIFT;
    const o = offset & PAGE_MASK;
    if (o + size <= PAGE_SIZE) {
      const b = this.page(p);
      if (size === 4 && (o & 3) === 0) return this.pageWords[p]![o >>> 2];
      if (size === 1) return b[o];
      if (size === 2) return b[o] | (b[o + 1] << 8);
      return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
    }
    let v = 0;
    for (let i = 0; i < size; i++) v |= this.peek((offset + i) % SDRAM_SIZE, 1) << (8 * i);
    return v >>> 0;
  }

  /** Writes stored bytes and marks them written (no rules). */
  poke(offset: number, value: number, size: AccessSize): void {
    const p = offset >>> PAGE_SHIFT;
    const o = offset & PAGE_MASK;
    if (o + size > PAGE_SIZE) {
      for (let i = 0; i < size; i++) this.poke((offset + i) % SDRAM_SIZE, value >>> (8 * i), 1);
      return;
    }
    const b = this.page(p);
    b[o] = value;
    if (size > 1) b[o + 1] = value >>> 8;
    if (size > 2) {
      b[o + 2] = value >>> 16;
      b[o + 3] = value >>> 24;
    }
    const w = this.written[p]!;
    const first = o >>> 2;
    const last = (o + size - 1) >>> 2;
    w[first >>> 5] |= 1 << (first & 31);
    if (last !== first) w[last >>> 5] |= 1 << (last & 31);
  }

  /** True when every word the access touches was written since power-on. */
  isWritten(offset: number, size: AccessSize): boolean {
    const p = offset >>> PAGE_SHIFT;
    const w = this.written[p];
    if (w === null) return false;
    const o = offset & PAGE_MASK;
    const first = o >>> 2;
    if ((w[first >>> 5] & (1 << (first & 31))) === 0) return false;
    const last = (o + size - 1) >>> 2;
    if (last === first) return true;
    if (last < WORDS_PER_PAGE) return (w[last >>> 5] & (1 << (last & 31))) !== 0;
    return this.isWritten((offset + size - 1) % SDRAM_SIZE, 1);
  }

  /**
   * Counts an uninitialised read at `offset`. Returns true when it starts a new range (the caller then
   * reports the rule once); reads of lines already counted, or of the line right after the last range,
   * only increase counts.
   */
  noteUninitialisedRead(offset: number): boolean {
    const p = offset >>> PAGE_SHIFT;
    this.page(p);
    const seen = this.reportedLines[p]!;
    const lineInPage = (offset & PAGE_MASK) >>> LINE_SHIFT;
    const line = offset >>> LINE_SHIFT;
    const last = this.lastRange;
    if (last !== null) {
      const first = last.start >>> LINE_SHIFT;
      const end = last.end >>> LINE_SHIFT;
      if (line >= first && line <= end) {
        last.count++;
        if (line === end) {
          last.end += 1 << LINE_SHIFT;
          seen[lineInPage >>> 5] |= 1 << (lineInPage & 31);
        }
        return false;
      }
    }
    if ((seen[lineInPage >>> 5] & (1 << (lineInPage & 31))) !== 0) {
      const r = this.uninitialisedReads.find((x) => offset >= x.start && offset < x.end);
      if (r) r.count++;
      return false;
    }
    seen[lineInPage >>> 5] |= 1 << (lineInPage & 31);
    const range: UninitialisedReadRange = { start: line << LINE_SHIFT, end: (line + 1) << LINE_SHIFT, count: 1 };
    this.uninitialisedReads.push(range);
    this.lastRange = range;
    return true;
  }

  /** Records the row an access opens in its internal bank (for the timing model's row-hit accounting). */
  touchRow(offset: number): void {
    this.openRows[(offset >>> this.bankShift) & this.bankMask] = offset >>> this.rowShift;
  }

  /**
   * The CPU/DMA read path: value, open-row update and never-written check in one page lookup.
   * Sets {@link lastReadUninitialised}.
   */
  readTracked(offset: number, size: AccessSize): number {
    this.openRows[(offset >>> this.bankShift) & this.bankMask] = offset >>> this.rowShift;
    const p = offset >>> PAGE_SHIFT;
    let words = this.pageWords[p];
    if (words === null) {
      this.page(p);
      words = this.pageWords[p]!;
    }
    const o = offset & PAGE_MASK;
    if (size === 4 && (o & 3) === 0) {
      const wi = o >>> 2;
      this.lastReadUninitialised = (this.written[p]![wi >>> 5] & (1 << (wi & 31))) === 0;
      return words[wi];
    }
    this.lastReadUninitialised = !this.isWritten(offset, size);
    return this.peek(offset, size);
  }

  /** Allocated pages (for tests and memory reports). */
  get allocatedPages(): number {
    let n = 0;
    for (const p of this.pages) if (p !== null) n++;
    return n;
  }
}
