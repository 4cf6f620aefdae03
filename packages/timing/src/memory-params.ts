/**
 * Parameters of the memory system that no source gives (hw-facts §7): each is one named value here,
 * documented in docs/timing-model.md, so a measurement on silicon replaces it in one place.
 */
import type { CacheGeometry } from './cache.js';

export interface MemoryParams {
  icache: CacheGeometry;
  dcache: CacheGeometry;
  /**
   * CPU cycles the Cortex-M7 bus interface adds to every AXIM transaction (request out, data back into
   * the pipeline). [GAP §7.4] chosen: 2.
   */
  coreBusOverhead: number;
  /** AXI bus cycles from the AXI matrix request to the first data of an AXI SRAM read. [GAP §7.4] 3. */
  axiSramReadBus: number;
  /** Extra bus cycles of the D1→D2 / D1→D3 AHB bridges for SRAM1-4 and backup SRAM. [GAP §7.4] 3. */
  ahbBridgeBus: number;
  /** AXI bus cycles a posted write occupies its target (AXI SRAM). [GAP] 2. */
  axiWriteBus: number;
  /** AXI cycles from request to the flash controller starting the array read. [GAP] 2. */
  flashOverheadBus: number;
  /** HCLK cycles from AXI request to the FMC issuing the SDRAM command. [GAP §7.5] 4. */
  fmcOverheadHclk: number;
  /** Keep SDRAM rows open between accesses (open-page policy). [GAP §7.5] true. */
  sdramOpenPage: boolean;
  /** HCLK cycles from AXI request to the QUADSPI starting a command. [GAP §7.6] 4. */
  qspiOverheadHclk: number;
  /** QUADSPI prefetch FIFO (32 bytes, hw-facts §3.6). */
  qspiFifoBytes: number;
  /** APB register access: AHB→APB bridge, in APB clocks (plus the AHB path). [GAP] 2. */
  apbAccessCycles: number;
  /** PPB (SCS/DWT) access inside the core, CPU cycles. [GAP] 2. */
  ppbAccessCycles: number;
  /** Store buffer entries. JNK: unaligned stores stall after 5 in a row at 4 cycles each → 4 entries. */
  storeBufferDepth: number;
  /**
   * Cycles a store-buffer entry needs to retire into the D-cache or TCM: word 1; byte/halfword 2 (JNK:
   * STRB/STRH streams run at 2 cycles per store, no merging); unaligned 4 (JNK: 4 cycles per store).
   */
  storeRetireWord: number;
  storeRetireNarrow: number;
  storeRetireUnaligned: number;
  /** Dynamic read-allocate mode on write streams (TRM §5.9.1; ACTLR.DISRAMODE resets to 0: enabled). */
  dynamicReadAllocate: boolean;
}

export function defaultMemoryParams(): MemoryParams {
  return {
    icache: { sizeBytes: 16 * 1024, ways: 2, lineBytes: 32, replacement: 'round-robin' },
    dcache: { sizeBytes: 16 * 1024, ways: 4, lineBytes: 32, replacement: 'round-robin' },
    coreBusOverhead: 2,
    axiSramReadBus: 3,
    ahbBridgeBus: 3,
    axiWriteBus: 2,
    flashOverheadBus: 2,
    fmcOverheadHclk: 4,
    sdramOpenPage: true,
    qspiOverheadHclk: 4,
    qspiFifoBytes: 32,
    apbAccessCycles: 2,
    ppbAccessCycles: 2,
    storeBufferDepth: 4,
    storeRetireWord: 1,
    storeRetireNarrow: 2,
    storeRetireUnaligned: 4,
    dynamicReadAllocate: true,
  };
}
