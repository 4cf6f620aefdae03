/**
 * Line-fill and uncached latencies derived from the firmware's clocks and controller settings
 * (hw-facts §3, §5.2, §5.3, §6). Each expected value is worked out by hand below from the Daisy's
 * configuration and the documented gap parameters (memory-params.ts: core bus overhead 2 CPU cycles,
 * AXI SRAM 3 bus cycles, AHB bridge +3, flash overhead 2, FMC overhead 4 HCLK, QSPI overhead 4 HCLK).
 */
import { describe, expect, it } from 'vitest';
import { CycleAccounts, MemorySystem, QspiTiming, Region, SdramTiming, daisyBusConfig, defaultMemoryParams } from '../src/index.js';

function latencies(boost: boolean) {
  const mem = new MemorySystem(daisyBusConfig(boost), defaultMemoryParams(), new CycleAccounts(), () => {});
  return new Map(mem.latencyTable().map((r) => [r.region, r]));
}

describe('line fills from the clock tree', () => {
  it('internal flash, 400 MHz CPU, 200 MHz AXI, 2 wait states', () => {
    // critical = 2 + (2 overhead + 2 WS + 1 array read + 1 first beat) AXI × 2 CPU/AXI = 14;
    // the other three 64-bit beats: + 3 × 2 = 20.
    const f = latencies(false).get(Region.Flash)!;
    expect([f.critical, f.fillTotal]).toEqual([14, 20]);
  });

  it('internal flash, 480 MHz CPU, 240 MHz AXI, 4 wait states (boost): more wait states, same ratio', () => {
    // 2 + (2 + 4 + 1 + 1) × 2 = 18; + 6 = 24.
    const f = latencies(true).get(Region.Flash)!;
    expect([f.critical, f.fillTotal]).toEqual([18, 24]);
  });

  it('AXI SRAM over the 64-bit AXI and D2 SRAM over the 32-bit AHB bridge', () => {
    const t = latencies(false);
    // AXI: 2 + 3 × 2 = 8; 4 beats of 64 bits: + 3 × 2 = 14.
    expect([t.get(Region.AxiSram)!.critical, t.get(Region.AxiSram)!.fillTotal]).toEqual([8, 14]);
    // D2: 2 + (3 + 3) × 2 = 14; 8 beats of 32 bits: + 7 × 2 = 28.
    expect([t.get(Region.D2Sram)!.critical, t.get(Region.D2Sram)!.fillTotal]).toEqual([14, 28]);
    // TCMs: zero wait state (AN4891 Table 6).
    expect(t.get(Region.Dtcm)!.critical).toBe(0);
  });
});

describe('SDRAM (AS4C16M32MSA on the FMC, hw-facts §5.2)', () => {
  const cfg = daisyBusConfig(false);
  function sdram(cpuHz = 400e6, hclk = 200e6) {
    const s = new SdramTiming(true);
    s.configure({ ...cfg.sdram!, refreshCount: 0 }, cpuHz, hclk, 4);
    return s;
  }

  it('idle bank, then open-row hit, then row miss in the same bank (400 MHz, SDCLK 100 MHz, CAS 3)', () => {
    const s = sdram();
    // Overhead 4 HCLK = 8 CPU; 4 CPU per SDCLK.
    // Idle bank: TRCD 10 + CAS 3 + first beat 1 = 14 SDCLK → 8 + 56 = 64; 7 more beats → 8 + 21 × 4 = 92.
    s.access(0xc000_0000, 32, 0);
    expect([s.critical, s.total, s.lastRowState]).toEqual([64, 92, 1]);
    // Same row: CAS 3 + 1 = 4 SDCLK → 8 + 16 = 24; + 28 = 52.
    s.access(0xc000_0020, 32, 1000);
    expect([s.critical, s.total, s.lastRowState]).toEqual([24, 52, 0]);
    // Next row of bank 0: 32-bit bus, 9 column bits, 4 banks → row stride 2^(2+9+2) = 8 KB.
    // TRP 16 + TRCD 10 + CAS 3 + 1 = 30 SDCLK → 8 + 120 = 128.
    s.access(0xc000_2000, 32, 2000);
    expect([s.critical, s.lastRowState]).toEqual([128, 2]);
  });

  it('other internal banks keep their own open row', () => {
    const s = sdram();
    s.access(0xc000_0000, 32, 0); // bank 0
    s.access(0xc000_0800, 32, 100); // bank 1 (bank bits 12:11): idle
    expect(s.lastRowState).toBe(1);
    s.access(0xc000_0040, 32, 200); // bank 0 again, same row: hit
    expect(s.lastRowState).toBe(0);
  });

  it('at 480 MHz the same SDCLK costs more CPU cycles: 4.8 per SDCLK', () => {
    const s = sdram(480e6, 240e6);
    s.access(0xc000_0000, 32, 0);
    s.access(0xc000_0020, 32, 1000);
    // Overhead 4 HCLK × 2 = 8; (3 + 1) × 4.8 = 19.2 → ceil(27.2) = 28.
    expect(s.critical).toBe(28);
  });
});

describe('QUADSPI memory-mapped reads (IS25LP064A, 0xEB quad I/O, hw-facts §5.3)', () => {
  const cfg = daisyBusConfig(false);
  function qspi() {
    const q = new QspiTiming(32);
    q.configure(cfg.qspi!, 400e6, 200e6, 4);
    return q;
  }

  it('first command, then a non-sequential one (instruction only once), then a sequential continuation', () => {
    const q = qspi();
    // 100 MHz QSPI clock: 4 CPU per clock; overhead 4 HCLK = 8 CPU.
    // First: CS high 2 + instruction 8 (1 line) + address 24 bits / 4 = 6 + mode byte 2 + dummy 6 = 24
    // clocks; 32 data bytes at 2 clocks each = 64. Critical (first 4 bytes) = 8 + (24 + 8) × 4 = 136;
    // total = 8 + (24 + 64) × 4 = 360.
    q.access(0x9000_0000, 32, 0);
    expect([q.critical, q.total]).toEqual([136, 360]);
    // Non-sequential, SIOO: no instruction: 16 clocks. 8 + (16 + 8) × 4 = 104; 8 + 80 × 4 = 328.
    q.access(0x9000_1000, 32, 10_000);
    expect([q.critical, q.total]).toEqual([104, 328]);
    // The next line right away: nCS still low, no command: 8 + 8 × 4 = 40; 8 + 64 × 4 = 264.
    q.access(0x9000_1020, 32, 10_000 + 328);
    expect([q.critical, q.total, q.lastSequential]).toEqual([40, 264, true]);
  });

  it('prefetch: after enough idle clocks the FIFO already holds the next 32 bytes', () => {
    const q = qspi();
    q.access(0x9000_0000, 32, 0);
    // 64 idle QSPI clocks (256 CPU) fill 32 bytes of FIFO: only the overhead remains.
    q.access(0x9000_0020, 32, 360 + 256);
    expect(q.total).toBe(8);
  });
});
