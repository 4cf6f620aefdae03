import { describe, expect, it } from 'vitest';
import type { CacheOps } from '../src/cache-ops.js';
import { Exc } from '../src/exceptions.js';
import { SystemControlSpace } from '../src/scs/scs-device.js';
import { MemType, CachePolicy, decodeTexCb, memType, innerPolicy } from '../src/scs/mpu.js';
import { makeRig } from './exceptions-helpers.js';

function scsRig(cacheOps: CacheOps | null = null) {
  const rig = makeRig({ cacheOps });
  const scs = new SystemControlSpace(rig.model);
  // Accessors by absolute address, as firmware sees them.
  const rd = (addr: number, size: 1 | 2 | 4 = 4) => scs.read(addr - 0xe000e000, size);
  const wr = (addr: number, value: number, size: 1 | 2 | 4 = 4) => scs.write(addr - 0xe000e000, value, size);
  return { ...rig, scs, rd, wr };
}

describe('SCB identification and cache ID registers', () => {
  it('CPUID reads the Cortex-M7 r1p1 value', () => {
    const { rd } = scsRig();
    expect(rd(0xe000ed00)).toBe(0x411fc271);
  });

  it('CCSIDR with CSSELR = 0 decodes to a 16 KB 4-way D-cache of 32-byte lines (0xF00FE019)', () => {
    const { rd, wr } = scsRig();
    wr(0xe000ed84, 0);
    const v = rd(0xe000ed80);
    expect(v).toBe(0xf00fe019);
    // B4.8.3 field extraction, independent of the encoder:
    const sets = ((v >>> 13) & 0x7fff) + 1;
    const ways = ((v >>> 3) & 0x3ff) + 1;
    const lineBytes = 4 << ((v & 7) + 2);
    expect([sets, ways, lineBytes]).toEqual([128, 4, 32]);
    expect(sets * ways * lineBytes).toBe(16 * 1024);
  });

  it('CCSIDR with CSSELR = 1 describes the 16 KB 2-way I-cache', () => {
    const { rd, wr } = scsRig();
    wr(0xe000ed84, 1);
    const v = rd(0xe000ed80);
    expect([((v >>> 13) & 0x7fff) + 1, ((v >>> 3) & 0x3ff) + 1, 4 << ((v & 7) + 2)]).toEqual([256, 2, 32]);
  });

  it('CTR reads 0x8303C003 and CLIDR 0x09000003', () => {
    const { rd } = scsRig();
    expect(rd(0xe000ed7c)).toBe(0x8303c003);
    expect(rd(0xe000ed78)).toBe(0x09000003);
  });
});

describe('NVIC registers', () => {
  it('ISER/ICER set and clear enables; ISPR/ICPR pending; ICTR says 5 groups of 32', () => {
    const { rd, wr, model } = scsRig();
    expect(rd(0xe000e004)).toBe(4); // ceil(150/32) - 1
    wr(0xe000e100 + 4 * 2, 1 << 28); // IRQ 92 (QUADSPI)
    expect(model.irqEnabled[92]).toBe(1);
    expect(rd(0xe000e180 + 8)).toBe(1 << 28);
    wr(0xe000e180 + 8, 1 << 28);
    expect(model.irqEnabled[92]).toBe(0);
    wr(0xe000e200, 1 << 12);
    expect(model.isPending(16 + 12)).toBe(true);
    expect(rd(0xe000e280)).toBe(1 << 12);
    wr(0xe000e280, 1 << 12);
    expect(model.isPending(16 + 12)).toBe(false);
  });

  it('lines past 149 read as zero and ignore writes', () => {
    const { rd, wr } = scsRig();
    wr(0xe000e100 + 16, 0xffffffff);
    expect(rd(0xe000e100 + 16)).toBe(0x003fffff); // IRQs 128..149 only
  });

  it('IPR byte writes keep the top 4 bits: 0x0F reads 0x00, 0xFF reads 0xF0', () => {
    const { rd, wr, model } = scsRig();
    wr(0xe000e400 + 13, 0x0f, 1);
    expect(rd(0xe000e400 + 13, 1)).toBe(0x00);
    wr(0xe000e400 + 13, 0xff, 1);
    expect(rd(0xe000e400 + 13, 1)).toBe(0xf0);
    expect(rd(0xe000e400 + 12)).toBe(0x0000f000);
    expect(model.priority[16 + 13]).toBe(0xf0);
  });

  it('IABR shows the active interrupt; STIR pends by number', () => {
    const { rd, wr, model, state } = scsRig();
    model.setIrqEnabled(40, true);
    wr(0xe000ef00, 40);
    expect(model.isPending(56)).toBe(true);
    model.service();
    expect(state.ipsr).toBe(56);
    expect(rd(0xe000e300 + 4)).toBe(1 << 8);
  });
});

describe('SCB control registers', () => {
  it('AIRCR ignores writes without VECTKEY, takes PRIGROUP with it, reads VECTKEYSTAT 0xFA05', () => {
    const { rd, wr, model } = scsRig();
    wr(0xe000ed0c, 0x00000300);
    expect(model.prigroup).toBe(0);
    wr(0xe000ed0c, 0x05fa0300); // HAL_Init: NVIC_PRIORITYGROUP_4
    expect(model.prigroup).toBe(3);
    expect(rd(0xe000ed0c)).toBe(0xfa050300);
  });

  it('AIRCR.SYSRESETREQ calls the board', () => {
    let resets = 0;
    const rig = scsRig();
    rig.model.onSystemResetRequest = () => resets++;
    rig.wr(0xe000ed0c, 0x05fa0004);
    expect(resets).toBe(1);
  });

  it('ICSR: PENDSVSET / PENDSTSET pend, VECTPENDING and ISRPENDING report, RETTOBASE in a lone handler', () => {
    const { rd, wr, model } = scsRig();
    wr(0xe000ed04, 1 << 28);
    expect(model.isPending(Exc.PendSV)).toBe(true);
    expect((rd(0xe000ed04) >>> 12) & 0x1ff).toBe(14);
    wr(0xe000ed04, 1 << 27);
    expect(model.isPending(Exc.PendSV)).toBe(false);
    model.pendIrq(3); // disabled: pending but not VECTPENDING
    expect(rd(0xe000ed04) & (1 << 22)).toBe(1 << 22);
    wr(0xe000ed04, 1 << 26);
    model.service();
    const icsr = rd(0xe000ed04);
    expect(icsr & 0x1ff).toBe(15);
    expect(icsr & (1 << 11)).toBe(1 << 11);
  });

  it('CFSR is write-one-to-clear, also by byte (UFSR half-word write leaves MMFSR alone)', () => {
    const { rd, wr, model } = scsRig();
    model.cfsr = 0x00010082;
    wr(0xe000ed2a, 0x0001, 2); // UFSR: clear UNDEFINSTR
    expect(rd(0xe000ed28)).toBe(0x00000082);
    wr(0xe000ed28, 0x02, 1);
    expect(rd(0xe000ed28)).toBe(0x00000080);
  });

  it('SHPR3 byte write at 0xE000ED23 sets the SysTick priority; SHCSR enables faults', () => {
    const { rd, wr, model } = scsRig();
    wr(0xe000ed23, 0xe0, 1);
    expect(model.priority[Exc.SysTick]).toBe(0xe0);
    expect(rd(0xe000ed20)).toBe(0xe0000000);
    wr(0xe000ed24, 0x00010000); // MEMFAULTENA, as HAL_MPU_Enable
    expect(rd(0xe000ed24)).toBe(0x00010000);
  });

  it('CCR resets to 0x00040200, keeps STKALIGN/BP, forwards DC/IC and the trap bits', () => {
    const calls: string[] = [];
    const ops: CacheOps = {
      setEnabled: (i, d) => calls.push(`enable ${i} ${d}`),
      invalidateInstructionAll: () => calls.push('iciallu'),
      invalidateInstructionByAddress: (a) => calls.push(`icimvau ${a.toString(16)}`),
      invalidateDataByAddress: (a) => calls.push(`dcimvac ${a.toString(16)}`),
      invalidateDataBySetWay: (v) => calls.push(`dcisw ${v.toString(16)}`),
      cleanDataByAddress: (a) => calls.push(`dccmvac ${a.toString(16)}`),
      cleanDataBySetWay: (v) => calls.push(`dccsw ${v.toString(16)}`),
      cleanInvalidateDataByAddress: (a) => calls.push(`dccimvac ${a.toString(16)}`),
      cleanInvalidateDataBySetWay: (v) => calls.push(`dccisw ${v.toString(16)}`),
      invalidateBranchPredictor: () => calls.push('bpiall'),
    };
    const { rd, wr } = scsRig(ops);
    expect(rd(0xe000ed14)).toBe(0x00040200);
    wr(0xe000ed14, 0x00010000); // DC (libDaisy SCB_EnableDCache)
    expect(rd(0xe000ed14)).toBe(0x00050200);
    wr(0xe000ef50, 0);
    wr(0xe000ef60, 0xc0000fe0);
    wr(0xe000ef68, 0x30000020);
    wr(0xe000ef70, 0x30000040);
    wr(0xe000ef5c, 0x30000060);
    wr(0xe000ef78, 0);
    expect(calls).toEqual([
      'enable false true',
      'iciallu',
      'dcisw c0000fe0',
      'dccmvac 30000020',
      'dccimvac 30000040',
      'dcimvac 30000060',
      'bpiall',
    ]);
  });

  it('CPACR keeps only CP10/CP11; FPCCR resets to ASPEN|LSPEN; MVFR0 reports DP+SP', () => {
    const { rd, wr } = scsRig();
    wr(0xe000ed88, 0xffffffff);
    expect(rd(0xe000ed88)).toBe(0x00f00000);
    expect(rd(0xe000ef34)).toBe(0xc0000000);
    expect(rd(0xe000ef40) & 0xff0).toBe(0x220); // single (bits 7:4) and double (11:8) precision = 2
  });

  it('VTOR keeps bits 31:7', () => {
    const { rd, wr } = scsRig();
    wr(0xe000ed08, 0x90040055);
    expect(rd(0xe000ed08)).toBe(0x90040000);
  });
});

describe('SysTick (B3.3)', () => {
  it('LOAD=999, CTRL=7: SysTick pends every 1000 processor cycles; VAL counts down lazily', () => {
    const { rd, wr, model, clock } = scsRig();
    wr(0xe000e014, 999);
    wr(0xe000e018, 0);
    wr(0xe000e010, 7);
    // The first tick loads 999, then 999 ticks reach 0: at cycle 1000.
    clock.cycles = 400;
    expect(rd(0xe000e018)).toBe(999 - 399);
    expect(clock.nextEventAt).toBe(1000);
    clock.cycles = 1000;
    clock.runDue();
    expect(model.isPending(Exc.SysTick)).toBe(true);
    expect(rd(0xe000e010) >>> 16).toBe(1); // COUNTFLAG, cleared by the read
    expect(rd(0xe000e010) >>> 16).toBe(0);
    expect(clock.nextEventAt).toBe(2000);
    clock.cycles = 1001;
    expect(rd(0xe000e018)).toBe(999);
  });

  it('CLKSOURCE = 0 counts the CPU clock / 8 (STM32H7)', () => {
    const { wr, model, clock } = scsRig();
    wr(0xe000e014, 99);
    wr(0xe000e010, 3);
    expect(clock.nextEventAt).toBe(100 * 8);
    clock.cycles = 800;
    clock.runDue();
    expect(model.isPending(Exc.SysTick)).toBe(true);
  });

  it('writing VAL clears it and COUNTFLAG; TICKINT = 0 counts without pending', () => {
    const { rd, wr, model, clock } = scsRig();
    wr(0xe000e014, 9);
    wr(0xe000e010, 5);
    clock.cycles = 25;
    clock.runDue();
    expect(model.isPending(Exc.SysTick)).toBe(false);
    wr(0xe000e018, 1234);
    expect(rd(0xe000e010) >>> 16).toBe(0);
    expect(rd(0xe000e018)).toBe(0);
    clock.cycles = 26;
    expect(rd(0xe000e018)).toBe(9);
  });
});

describe('DWT and CoreDebug', () => {
  it('CYCCNT counts only after LAR unlock, DEMCR.TRCENA and CYCCNTENA', () => {
    const { model, clock, wr, rd } = scsRig();
    const dwt = model.dwt;
    expect(dwt.read(0x000, 4)).toBe(0x40000000); // NUMCOMP = 4, as read on an STM32F746
    wr(0xe000edfc, 1 << 24); // DEMCR.TRCENA
    expect(rd(0xe000edfc)).toBe(1 << 24);
    dwt.write(0x000, 1, 4); // locked: ignored
    expect(dwt.read(0xfb4, 4)).toBe(3);
    clock.cycles = 100;
    expect(dwt.read(0x004, 4)).toBe(0);
    dwt.write(0xfb0, 0xc5acce55, 4);
    expect(dwt.read(0xfb4, 4)).toBe(1);
    dwt.write(0x004, 0, 4);
    dwt.write(0x000, 1, 4);
    clock.cycles = 1100;
    expect(dwt.read(0x004, 4)).toBe(1000);
    wr(0xe000edfc, 0); // TRCENA off freezes it
    clock.cycles = 5000;
    expect(dwt.read(0x004, 4)).toBe(1000);
    expect(dwt.read(0x000, 4) & (1 << 25)).toBe(0); // NOCYCCNT = 0
  });

  it('DHCSR reads C_DEBUGEN = 0', () => {
    const { rd } = scsRig();
    expect(rd(0xe000edf0) & 1).toBe(0);
  });
});

describe('MPU (B3.5)', () => {
  it('TYPE reports 16 data regions', () => {
    const { rd } = scsRig();
    expect(rd(0xe000ed90)).toBe(0x00001000);
  });

  it('TEX/C/B decoding follows Table B3-13', () => {
    expect(memType(decodeTexCb(0, 0, 0, 0))).toBe(MemType.StronglyOrdered);
    expect(memType(decodeTexCb(0, 0, 1, 0))).toBe(MemType.Device);
    expect(innerPolicy(decodeTexCb(0, 1, 0, 0))).toBe(CachePolicy.WriteThrough);
    expect(innerPolicy(decodeTexCb(0, 1, 1, 0))).toBe(CachePolicy.WriteBackNoWriteAllocate);
    expect(innerPolicy(decodeTexCb(1, 0, 0, 0))).toBe(CachePolicy.NonCacheable);
    expect(innerPolicy(decodeTexCb(1, 1, 1, 0))).toBe(CachePolicy.WriteBackWriteAllocate);
    expect(memType(decodeTexCb(2, 0, 0, 0))).toBe(MemType.Device);
    expect(decodeTexCb(1, 0, 1, 0)).toBe(-1);
  });

  it("libDaisy's configuration: D2 SRAM non-cacheable, SDRAM write-back, background map elsewhere", () => {
    const { wr, rd, model } = scsRig();
    // As traced from libDaisy ConfigureMpu (libdaisy-facts.md): region 0 at 0x30000000, RASR 0x030C001D.
    wr(0xe000ed98, 0);
    wr(0xe000ed9c, 0x30000000);
    wr(0xe000eda0, 0x030c001d);
    // Region 1: SDRAM 64 MB, TEX=1 C=1 B=1 (write-back write-allocate), full access, SIZE=25.
    wr(0xe000ed9c, 0xc0000000 | 0x10 | 1); // VALID + REGION = 1
    wr(0xe000eda0, 0x030b0033);
    wr(0xe000ed94, 5); // ENABLE | PRIVDEFENA
    expect(rd(0xe000ed98)).toBe(1);
    expect(rd(0xe000ed9c)).toBe(0xc0000001);
    const d2 = model.mpu.describe(0x30000100, true);
    expect(d2).toMatchObject({ type: 'normal', inner: 'non-cacheable', shareable: true, region: 0, fault: false });
    expect(model.mpu.describe(0x30008000).region).toBe(-1); // 32 KB region ends at 0x30007FFF
    const sdram = model.mpu.describe(0xc1000000, true);
    expect(sdram).toMatchObject({ type: 'normal', inner: 'write-back-write-allocate', region: 1, executeNever: false });
    const axi = model.mpu.describe(0x24000000);
    expect(axi).toMatchObject({ type: 'normal', inner: 'write-back-write-allocate', region: -1, fault: false });
  });

  it('default map (MPU off): SDRAM is Device XN, flash Normal write-through, peripherals Device', () => {
    const { model } = scsRig();
    expect(model.mpu.describe(0xc0000000)).toMatchObject({ type: 'device', executeNever: true, fault: false });
    expect(model.mpu.describe(0xc0000000, false, true).fault).toBe(true); // executing from Device XN
    expect(model.mpu.describe(0x08000000)).toMatchObject({ type: 'normal', inner: 'write-through' });
    expect(model.mpu.describe(0x90000000, false, true)).toMatchObject({ type: 'normal', inner: 'write-through', fault: false });
    expect(model.mpu.describe(0x40011000).type).toBe('device');
    expect(model.mpu.describe(0xe000ed00).type).toBe('strongly-ordered');
  });

  it('permissions: AP, PRIVDEFENA, sub-region disable, HFNMIENA bypass', () => {
    const { wr, model, state } = scsRig();
    // Region 2: 0x24000000, 256 KB (SIZE=17), AP=0b010 (unprivileged read-only), SRD bit 7 off the top 32 KB.
    wr(0xe000ed9c, 0x24000000 | 0x10 | 2);
    wr(0xe000eda0, (2 << 24) | (1 << 19) | (1 << 17) | (1 << 16) | (0x80 << 8) | (17 << 1) | 1);
    wr(0xe000ed94, 1); // ENABLE only: no background map
    const mpu = model.mpu;
    expect(mpu.describe(0x24000000, true, false, true).fault).toBe(false);
    expect(mpu.describe(0x24000000, false, false, false).fault).toBe(false);
    expect(mpu.describe(0x24000000, true, false, false).fault).toBe(true);
    expect(mpu.describe(0x24038000, false, false, true)).toMatchObject({ region: -1, fault: true }); // sub-region 7
    expect(mpu.describe(0x08000000, false, true, true).fault).toBe(true); // no region, no PRIVDEFENA
    // In HardFault (priority -1) without HFNMIENA the MPU is bypassed.
    model.fault(0);
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(mpu.describe(0x08000000, false, true, true).fault).toBe(false);
    wr(0xe000ed94, 3);
    expect(mpu.describe(0x08000000, false, true, true).fault).toBe(true);
  });

  it('tells a listener when lookups may change, and answers the memory type for the bus', () => {
    const { wr, model, state } = scsRig();
    let changes = 0;
    model.mpu.onChange = () => changes++;
    expect(model.mpu.memoryType(0xc0000000, false)).toBe('device');
    wr(0xe000ed9c, 0xc0000000 | 0x10 | 1);
    wr(0xe000eda0, 0x030b0033);
    wr(0xe000ed94, 1); // ENABLE without HFNMIENA or PRIVDEFENA
    expect(changes).toBe(3);
    expect(model.mpu.memoryType(0xc0000000, false)).toBe('normal');
    model.fault(0); // HardFault: the MPU is bypassed at priority -1
    expect(state.ipsr).toBe(Exc.HardFault);
    expect(changes).toBe(4);
    expect(model.mpu.memoryType(0xc0000000, false)).toBe('device');
  });

  it('marks the 64 KB pages where a data access may be refused, exactly (restrictedPages)', () => {
    const { wr, model } = scsRig();
    const mpu = model.mpu;
    /** The marked pages as [first, last] runs of page numbers (address >>> 16). */
    const runs = (pages: Uint8Array | null): [number, number][] => {
      const out: [number, number][] = [];
      if (pages === null) return out;
      for (let p = 0; p < pages.length; p++) {
        if (pages[p] === 0) continue;
        const last = out.at(-1);
        if (last !== undefined && last[1] === p - 1) last[1] = p;
        else out.push([p, p]);
      }
      return out;
    };
    expect(mpu.restrictedPages(true)).toBeNull(); // MPU off: the default map refuses no data access
    // libDaisy's regions (above): both full access, PRIVDEFENA.
    wr(0xe000ed98, 0);
    wr(0xe000ed9c, 0x30000000);
    wr(0xe000eda0, 0x030c001d);
    wr(0xe000ed9c, 0xc0000000 | 0x10 | 1);
    wr(0xe000eda0, 0x030b0033);
    wr(0xe000ed94, 5);
    expect(mpu.restrictedPages(true)).toBeNull();
    // Unprivileged code has no background map (B3.5.1): everything below the system region is refused
    // but the 64 MB SDRAM region (pages 0xC000-0xC3FF); the 32 KB region covers only half of 0x3000.
    expect(runs(mpu.restrictedPages(false))).toEqual([
      [0x0000, 0xbfff],
      [0xc400, 0xdfff],
    ]);
    // Region 2: 256 B read-only (AP = 0b110) at 0x24001000: its one page.
    wr(0xe000ed9c, 0x24001000 | 0x10 | 2);
    wr(0xe000eda0, (6 << 24) | (7 << 1) | 1);
    expect(runs(mpu.restrictedPages(true))).toEqual([[0x2400, 0x2400]]);
    wr(0xe000eda0, 0); // region 2 off again
    // STM32CubeMX's default: region 0 over all 4 GB, no access, XN, sub-regions 0, 1, 2 and 7 disabled
    // (SRD 0x87): 0x60000000-0xDFFFFFFF refused, the rest left to the background map.
    wr(0xe000ed9c, 0x00000000 | 0x10 | 0);
    wr(0xe000eda0, 0x10000000 | (0x87 << 8) | (31 << 1) | 1);
    wr(0xe000ed9c, 0x10 | 1);
    wr(0xe000eda0, 0);
    expect(runs(mpu.restrictedPages(true))).toEqual([[0x6000, 0xdfff]]);
  });

  it('RBAR/RASR aliases program consecutive regions', () => {
    const { wr, rd } = scsRig();
    wr(0xe000ed9c, 0x20000000 | 0x10 | 4);
    wr(0xe000eda4, 0x20010000 | 0x10 | 5); // RBAR_A1
    wr(0xe000eda8, 0x0300001f); // RASR_A1 → region 5
    wr(0xe000ed98, 5);
    expect(rd(0xe000ed9c)).toBe(0x20010005);
    expect(rd(0xe000eda0)).toBe(0x0300001f);
  });
});
