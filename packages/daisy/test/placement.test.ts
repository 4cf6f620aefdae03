import { describe, expect, it } from 'vitest';
import { benchImage, type BenchResult } from '../src/index.js';
import { fixtureImage } from './fixtures.js';

/**
 * The audio fixture's placement variants run identical DSP (their outputs are bit-identical), so the
 * differences in cycles per callback come from where code and data live. What the memory system
 * predicts (hw-facts §2–§5): TCM is zero-wait; AXI SRAM and flash behind the L1 caches come close
 * once warm; SDRAM data and QSPI code pay line fills on misses, visible under their region.
 */
const results = new Map<string, BenchResult>();
function bench(name: string): BenchResult {
  if (!results.has(name)) results.set(name, benchImage(fixtureImage(name), { blocks: 24 }));
  return results.get(name)!;
}
const median = (name: string) => bench(name).callback.cycles.median;

describe('placement variants rank as the memory system predicts', () => {
  it('hot code in ITCM and one object\'s .bss pinned to DTCM are at least as fast as the flash/AXI SRAM build', () => {
    expect(median('audio-itcm')).toBeLessThanOrEqual(median('audio-o2') * 1.01);
    expect(median('audio-dtcm-obj')).toBeLessThanOrEqual(median('audio-o2') * 1.01);
  });

  it('.bss in AXI SRAM behind the D-cache stays close to the DTCM build (within 5%)', () => {
    expect(median('audio-axi-bss')).toBeLessThanOrEqual(median('audio-boot-sram') * 1.05);
  });

  it('big buffers in SDRAM are slower, and the report puts the extra cycles under SDRAM data stalls', () => {
    const sdram = bench('audio-sdram');
    const base = bench('audio-o2');
    expect(sdram.callback.cycles.median).toBeGreaterThan(base.callback.cycles.median * 1.05);
    const extra = sdram.isr!.cycles.median - base.isr!.cycles.median;
    // Most of the difference is data stall in the SDRAM region.
    expect(sdram.byRegion.SDRAM.dataStall - base.byRegion.SDRAM.dataStall).toBeGreaterThan(0.5 * extra);
  });

  it('code executed from QSPI costs only its I-cache misses once the hot code fits the 16 KB I-cache', () => {
    // AN4891 §2.5.3: with the cache on, executing in place from QSPI performs close to internal memory;
    // the remaining cost is the line fills on misses, reported under the QSPI region.
    const qspi = bench('audio-qspi');
    const base = bench('audio-o2');
    expect(qspi.callback.symbol).toBe('AudioCallback');
    expect(qspi.callback.cycles.median).toBeGreaterThanOrEqual(base.callback.cycles.median);
    expect(qspi.callback.cycles.median).toBeLessThan(base.callback.cycles.median * 1.05);
    expect(qspi.byRegion.QSPI.fetchStall).toBeGreaterThan(0);
    expect(qspi.byRegion.QSPI.icacheHitRate).toBeGreaterThan(0.99);
  });

  it('-Os trades speed for size: fewer bytes of flash, more cycles', () => {
    expect(median('audio-os')).toBeGreaterThan(median('audio-o2'));
  });

  it('the 480 MHz boost build needs the same cycles within 5% but less CPU load', () => {
    const boost = bench('audio-480');
    const base = bench('audio-o2');
    expect(boost.cpuHz).toBe(480e6);
    expect(boost.callback.cycles.median).toBeLessThan(base.callback.cycles.median * 1.05);
    expect(boost.cpuLoad.median).toBeLessThan(base.cpuLoad.median);
  });
});
