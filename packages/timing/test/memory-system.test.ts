/**
 * The memory system through the M7 model's own entry points: D-cache behaviour per memory attribute,
 * MPU overrides, write-back counts, maintenance operations and the DMA coherency rules.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTR_NORMAL_UNCACHED,
  ATTR_WB_NO_WA,
  ATTR_WBWA,
  ATTR_WT,
  CycleAccounts,
  L1Attr,
  MemorySystem,
  Region,
  attributesFromTexCbS,
  daisyBusConfig,
  defaultAttributes,
  defaultMemoryParams,
  type AttributeSource,
} from '../src/index.js';

function system(attributes?: AttributeSource) {
  const accounts = new CycleAccounts();
  const rules: { rule: string; address: number }[] = [];
  const mem = new MemorySystem(daisyBusConfig(), defaultMemoryParams(), accounts, (rule, address) => rules.push({ rule, address }));
  if (attributes) mem.setAttributeSource(attributes);
  mem.setEnabled(true, true);
  return { mem, accounts, rules };
}

describe('memory attributes', () => {
  it('default map (ARMv7-M B3.1 Table B3-1)', () => {
    expect(defaultAttributes(0x0800_0000)).toBe(ATTR_WT); // Code: WT
    expect(defaultAttributes(0x2400_0000)).toBe(ATTR_WBWA); // SRAM: WBWA
    expect(defaultAttributes(0x4000_0000) & L1Attr.Device).toBeTruthy();
    expect(defaultAttributes(0x9000_0000)).toBe(ATTR_WT); // QSPI: WT
    expect(defaultAttributes(0xc000_0000) & L1Attr.Device).toBeTruthy(); // SDRAM: Device until the MPU says otherwise
  });

  it("libDaisy's MPU regions decode as hw-facts §2.2 says (B3.5.7 Table B3-13)", () => {
    // Region 0: D2 SRAM DMA buffers, TEX=1 C=0 B=0 S=1: Normal non-cacheable, shareable.
    expect(attributesFromTexCbS(1, 0, 0, 1)).toBe(ATTR_NORMAL_UNCACHED | L1Attr.Shareable);
    // Region 1: SDRAM, TEX=0 C=1 B=1 S=0: Normal write-back, no write-allocate.
    expect(attributesFromTexCbS(0, 1, 1, 0)).toBe(ATTR_WB_NO_WA);
    // TEX=1 C=1 B=1: WBWA. TEX=0b110, C=1 B=0 (inner AA=10): write-through.
    expect(attributesFromTexCbS(1, 1, 1, 0)).toBe(ATTR_WBWA);
    expect(attributesFromTexCbS(6, 1, 0, 0)).toBe(ATTR_WT);
  });
});

describe('D-cache through the memory system', () => {
  it('a read miss allocates, the next read of the line hits', () => {
    const { mem, accounts } = system();
    expect(mem.load(0x2400_0000, 4, 0)).toBeGreaterThan(0);
    expect(mem.load(0x2400_0004, 4, 1000)).toBe(0);
    expect(accounts.dcacheMisses[Region.AxiSram]).toBe(1);
    expect(accounts.dcacheHits[Region.AxiSram]).toBe(1);
  });

  it('five dirty lines in one set: one write-back of the first (write-back, write-allocate SRAM)', () => {
    const { mem, accounts } = system();
    for (let k = 0; k < 5; k++) mem.store(0x2400_0000 + k * 4096, 4, k * 1000);
    expect(accounts.dcacheMisses[Region.AxiSram]).toBe(5);
    expect(accounts.writebacks[Region.AxiSram]).toBe(1);
    // The evicted line misses again; its refill evicts line 1, also dirty: a second write-back.
    mem.load(0x2400_0000, 4, 10_000);
    expect(accounts.dcacheMisses[Region.AxiSram]).toBe(6);
    expect(accounts.writebacks[Region.AxiSram]).toBe(2);
  });

  it('an MPU non-cacheable region bypasses the cache (Daisy D2 SRAM DMA buffers)', () => {
    const mpu: AttributeSource = {
      attributes: (a) => (a >>> 0 >= 0x3000_0000 && a >>> 0 < 0x3000_8000 ? attributesFromTexCbS(1, 0, 0, 1) : defaultAttributes(a)),
    };
    const { mem, accounts } = system(mpu);
    mem.load(0x3000_0000, 4, 0);
    mem.load(0x3000_0000, 4, 100);
    mem.load(0x3000_8000, 4, 200); // outside region 0: default map, cached
    expect(accounts.uncached[Region.D2Sram]).toBe(2);
    expect(accounts.dcacheMisses[Region.D2Sram]).toBe(1);
    expect(accounts.dcacheHits[Region.D2Sram]).toBe(0);
  });

  it('write-through memory never holds dirty lines; a write miss does not allocate (QSPI/flash WT)', () => {
    const { mem, accounts } = system();
    mem.store(0x0800_0100, 4, 0);
    expect(accounts.dcacheMisses[Region.Flash]).toBe(1);
    expect(mem.load(0x0800_0100, 4, 100)).toBeGreaterThan(0); // still a miss: no write allocate
    expect(accounts.dcacheMisses[Region.Flash]).toBe(2);
  });

  it('with the D-cache disabled every access is uncached', () => {
    const { mem, accounts } = system();
    mem.setEnabled(true, false);
    mem.load(0x2400_0000, 4, 0);
    mem.load(0x2400_0000, 4, 100);
    expect(accounts.uncached[Region.AxiSram]).toBe(2);
  });

  it('DCISW by set/way invalidates the addressed line (way in bits 31:30, set in bits 11:5)', () => {
    const { mem } = system();
    const addr = 0x2400_0000 + 5 * 32; // set 5, allocated into way 0
    mem.load(addr, 4, 0);
    mem.invalidateDataBySetWay((0 << 30) | (5 << 5));
    mem.load(addr, 4, 1000);
    expect(mem.dcache.validCount()).toBe(1);
    const { mem: m2, accounts: a2 } = system();
    m2.load(addr, 4, 0);
    m2.invalidateDataBySetWay((1 << 30) | (5 << 5)); // way 1 holds nothing
    m2.load(addr, 4, 1000);
    expect(a2.dcacheHits[Region.AxiSram]).toBe(1);
  });

  it('DCCMVAC writes a dirty line back once; DCCIMVAC also drops it', () => {
    const { mem, accounts } = system();
    mem.store(0x2400_0040, 4, 0);
    mem.cleanDataByAddress(0x2400_0040);
    mem.cleanDataByAddress(0x2400_0040);
    expect(accounts.writebacks[Region.AxiSram]).toBe(1);
    mem.store(0x2400_0040, 4, 100);
    mem.cleanInvalidateDataByAddress(0x2400_0040);
    expect(accounts.writebacks[Region.AxiSram]).toBe(2);
    expect(mem.dcache.validCount()).toBe(0);
  });
});

describe('dynamic read-allocate mode (TRM §5.9.1)', () => {
  it('a memset-like store stream stops allocating after 3 whole lines; a partial write leaves the mode', () => {
    const { mem, accounts } = system();
    let t = 0;
    for (let a = 0x2400_4000; a < 0x2400_4000 + 8 * 32; a += 4) mem.store(a, 4, t++);
    // Lines 0-2 allocate (3 misses); from line 3 on the misses no longer allocate.
    expect(mem.readAllocateMode).toBe(true);
    expect(mem.dcache.validCount()).toBe(3);
    expect(accounts.dcacheMisses[Region.AxiSram]).toBe(8 * 8 - 3 * 7);
    mem.store(0x2400_6000, 4, t++); // not the next address: a partial-line write
    expect(mem.readAllocateMode).toBe(false);
    expect(mem.dcache.validCount()).toBe(4);
  });
});

describe('DMA coherency rules', () => {
  it('DMA reading a line that is dirty in the D-cache: dma-read-dirty-cache, once until written again', () => {
    const { mem, rules } = system();
    mem.store(0x2400_1000, 4, 0);
    mem.dmaRead(0x2400_1000, 64);
    mem.dmaRead(0x2400_1000, 64);
    expect(rules).toEqual([{ rule: 'dma-read-dirty-cache', address: 0x2400_1000 }]);
    mem.store(0x2400_1004, 4, 100);
    mem.dmaRead(0x2400_1000, 4);
    expect(rules.length).toBe(2);
  });

  it('cleaning before the DMA read keeps it quiet', () => {
    const { mem, rules } = system();
    mem.store(0x2400_1000, 4, 0);
    mem.cleanDataByAddress(0x2400_1000);
    mem.dmaRead(0x2400_1000, 32);
    expect(rules).toEqual([]);
  });

  it('DMA write then a CPU read hit without invalidate: cpu-read-stale-cache', () => {
    const { mem, rules } = system();
    mem.load(0x2400_2000, 4, 0);
    mem.dmaWrite(0x2400_2000, 32);
    mem.load(0x2400_2008, 4, 1000);
    expect(rules).toEqual([{ rule: 'cpu-read-stale-cache', address: 0x2400_2008 }]);
  });

  it('invalidating after the DMA write keeps it quiet (the read misses and refills)', () => {
    const { mem, rules, accounts } = system();
    mem.load(0x2400_2000, 4, 0);
    mem.dmaWrite(0x2400_2000, 32);
    mem.invalidateDataByAddress(0x2400_2000);
    mem.load(0x2400_2008, 4, 1000);
    expect(rules).toEqual([]);
    expect(accounts.dcacheMisses[Region.AxiSram]).toBe(2);
  });

  it('non-cacheable DMA buffers never trigger the rules', () => {
    const mpu: AttributeSource = { attributes: (a) => (a >>> 0 < 0x3000_8000 && a >>> 0 >= 0x3000_0000 ? ATTR_NORMAL_UNCACHED | L1Attr.Shareable : defaultAttributes(a)) };
    const { mem, rules } = system(mpu);
    mem.store(0x3000_0000, 4, 0);
    mem.dmaRead(0x3000_0000, 4);
    mem.dmaWrite(0x3000_0000, 4);
    mem.load(0x3000_0000, 4, 100);
    expect(rules).toEqual([]);
  });
});
