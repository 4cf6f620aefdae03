/**
 * Remembers, per 32-byte line of the cacheable RAMs, which instruction last stored to it and in which
 * exception (IPSR), so a rule raised by a DMA transfer (a DMA read of a line dirty in the D-cache) can
 * name the code that wrote the data, not whatever the CPU happens to run when the DMA reads it.
 * SDRAM's table is allocated on the first store there.
 */
const LINE_SHIFT = 5;

interface Range {
  base: number;
  size: number;
  pcs: Int32Array | null;
  exceptions: Uint16Array | null;
}

export interface LineWriter {
  pc: number;
  exception: number;
}

export class LineWriterLog {
  private readonly ranges: Range[];
  /**
   * Range index + 1 for each 16 MiB of the address space (address >>> 24) that a range overlaps, else 0:
   * most stores (TCM, peripherals) are dismissed with one load. Ranges must not share a 16 MiB block.
   */
  private readonly rangeByBlock = new Uint8Array(256);

  /** `cpu.curPc` and `state.ipsr` are read at each store: the instruction storing and its exception. */
  constructor(
    private readonly cpu: { readonly curPc: number },
    private readonly state: { readonly ipsr: number },
    ranges: readonly { base: number; size: number }[] = DEFAULT_RANGES,
  ) {
    this.ranges = ranges.map((r) => ({ base: r.base, size: r.size, pcs: null, exceptions: null }));
    this.ranges.forEach((r, i) => {
      for (let block = r.base >>> 24; block <= (r.base + r.size - 1) >>> 24; block++) {
        if (this.rangeByBlock[block] !== 0) throw new Error(`LineWriterLog: ranges ${this.rangeByBlock[block] - 1} and ${i} share a 16 MiB block`);
        this.rangeByBlock[block] = i + 1;
      }
    });
  }

  /** A CPU store of any width at `addr`. */
  store(addr: number): void {
    const a = addr >>> 0;
    const index = this.rangeByBlock[a >>> 24];
    if (index === 0) return;
    const r = this.ranges[index - 1];
    const offset = a - r.base;
    if (offset < 0 || offset >= r.size) return;
    if (r.pcs === null) {
      r.pcs = new Int32Array(r.size >>> LINE_SHIFT).fill(-1);
      r.exceptions = new Uint16Array(r.size >>> LINE_SHIFT);
    }
    const line = offset >>> LINE_SHIFT;
    r.pcs[line] = this.cpu.curPc;
    r.exceptions![line] = this.state.ipsr;
  }

  /** Who last stored to the line holding `addr`, if known. */
  writerOf(addr: number): LineWriter | null {
    const a = addr >>> 0;
    for (const r of this.ranges) {
      const offset = a - r.base;
      if (offset >= 0 && offset < r.size && r.pcs) {
        const line = offset >>> LINE_SHIFT;
        return r.pcs[line] < 0 ? null : { pc: r.pcs[line] >>> 0, exception: r.exceptions![line] };
      }
    }
    return null;
  }
}

/** Memories the D-cache can hold (not the TCMs): AXI SRAM, D2 SRAM1–3, D3 SRAM4, SDRAM (AN4891 Table 6). */
const DEFAULT_RANGES = [
  { base: 0x2400_0000, size: 512 * 1024 },
  { base: 0x3000_0000, size: 288 * 1024 },
  { base: 0x3800_0000, size: 64 * 1024 },
  { base: 0xc000_0000, size: 64 * 1024 * 1024 },
];
