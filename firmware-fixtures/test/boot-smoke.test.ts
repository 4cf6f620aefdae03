/**
 * Boots every committed fixture in Unicorn (an independent Cortex-M7 implementation) with an
 * "everything is ready" peripheral model (unicorn-boot.ts) and checks what the firmware does against
 * the reference facts: RM0433 register layouts, the register values libDaisy was traced writing
 * (libdaisy-facts.md, same chips and clock plan), and the ordering the bug reproducers are about.
 * Skipped when libunicorn.so.2 is not installed. Timing is meaningless here (CYCCNT is fake).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { readElf, type ElfFile } from './elf-reader.js';
import { FixtureMachine, REG, unicorn, type BootRun } from './unicorn-boot.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
interface Manifest {
  name: string;
  kind: 'audio' | 'bug' | 'fix' | 'micro';
  appType: 'BOOT_NONE' | 'BOOT_SRAM' | 'BOOT_QSPI';
  cpuHz: number;
  expectedRules: { rule: string; symbol: string; function: string }[];
  audio: { callback: string; isr: string; mainLoop: string } | null;
  results: { array: string; count: string; done: string; doneValue: number; entries: unknown[] } | null;
}
const manifests = readdirSync(join(root, 'manifests'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(root, 'manifests', f), 'utf8')) as Manifest);

/** Peripheral blocks the fixtures may touch (base addresses: STM32H750x.svd). */
const ALLOWED_PERIPHERALS: [string, number, number][] = [
  ['SAI1', 0x4001_5800, 0x400],
  ['DMA1', 0x4002_0000, 0x400],
  ['DMAMUX1', 0x4002_0800, 0x400],
  ['FLASH', 0x5200_2000, 0x1000],
  ['FMC', 0x5200_4000, 0x1000],
  ['QUADSPI', 0x5200_5000, 0x1000],
  ['SYSCFG', 0x5800_0400, 0x400],
  ['GPIOA-K', 0x5802_0000, 11 * 0x400],
  ['RCC', 0x5802_4400, 0x400],
  ['PWR', 0x5802_4800, 0x400],
];

const A = {
  CPACR: 0xe000_ed88,
  VTOR: 0xe000_ed08,
  MPU_CTRL: 0xe000_ed94,
  MPU_RASR: 0xe000_eda0,
  DCCMVAC: 0xe000_ef68,
  FLASH_ACR: 0x5200_2000,
  RCC_PLL1DIVR: 0x5802_4430,
  RCC_PLL3DIVR: 0x5802_4440,
  FMC_SDCR1: 0x5200_4140,
  FMC_SDTR1: 0x5200_4148,
  FMC_SDCMR: 0x5200_4150,
  FMC_SDRTR: 0x5200_4154,
  QSPI_DCR: 0x5200_5004,
  QSPI_CCR: 0x5200_5014,
  QSPI_ABR: 0x5200_501c,
  SAI1_ACR1: 0x4001_5804,
  SAI1_BCR1: 0x4001_5824,
  DMA1_LISR: 0x4002_0000,
  DMA1_S0CR: 0x4002_0010,
  DMA1_S0M0AR: 0x4002_001c,
  DMA1_S1CR: 0x4002_0028,
  DMA1_S1M0AR: 0x4002_0034,
};
const IMAGE_BASE = { BOOT_NONE: 0x0800_0000, BOOT_SRAM: 0x2400_0000, BOOT_QSPI: 0x9004_0000 };

const writesTo = (run: BootRun, address: number) => run.writes.filter((w) => w.address === address);
const lastWrite = (run: BootRun, address: number) => writesTo(run, address).at(-1)?.value;
const within = (elf: ElfFile, symbol: string, address: number) => {
  const s = elf.symbols.get(symbol)!;
  const start = (s.value & ~1) >>> 0;
  return address >= start && address < start + Math.max(s.size, 1);
};

// A fixed input block for the callback comparisons: an impulse then a low sine, 96 interleaved floats.
function inputBlock(block: number): Uint8Array {
  const f = new Float32Array(96);
  for (let i = 0; i < 96; i++) f[i] = block === 0 && i < 2 ? 0.5 : 0.01 * Math.sin(i);
  return new Uint8Array(f.buffer);
}

interface Booted {
  m: Manifest;
  elf: ElfFile;
  machine: FixtureMachine;
  stopPc: number;
}

const api = unicorn();
const booted = new Map<string, Booted>();
function boot(m: Manifest): Booted {
  const cached = booted.get(m.name);
  if (cached) return cached;
  const elf = readElf(join(root, 'build', `${m.name}.elf`));
  const machine = new FixtureMachine(api!, elf);
  const vectors = elf.symbols.get('g_vectors')!.value;
  machine.setReg(REG.SP, machine.load(vectors));
  // Up to WFI (Unicorn ends the run there), or the instruction budget for the busy main loop and the
  // micro benchmarks' final spin.
  const err = machine.start(machine.load(vectors + 4), 0xffff_ffff, 20_000_000);
  if (err !== 0) throw new Error(`${m.name}: uc_emu_start returned ${err}`);
  const result = { m, elf, machine, stopPc: machine.getReg(REG.PC) };
  booted.set(m.name, result);
  return result;
}

const callbackOutputs = new Map<string, string>();

describe.skipIf(api === null)('fixtures boot in Unicorn', () => {
  describe.each(manifests.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    it('boots to its idle loop without unmapped accesses, touching only the allowed peripherals', () => {
      const { elf, machine, stopPc } = boot(m);
      expect(machine.run.unmapped.map((a) => a.toString(16))).toEqual([]);
      const stray = [...machine.run.peripheralAccesses].filter((a) => !ALLOWED_PERIPHERALS.some(([, base, size]) => a >= base && a < base + size));
      expect(stray.map((a) => a.toString(16))).toEqual([]);
      expect(within(elf, m.kind === 'micro' ? 'micro_finish' : 'main', stopPc)).toBe(true);
    });

    it('enables the FPU first and points VTOR at its own vector table', () => {
      const { machine } = boot(m);
      const first = machine.run.writes[0]!;
      expect(first.address).toBe(A.CPACR);
      expect((first.value >>> 20) & 0xf).toBe(0xf); // CP10, CP11 full access (ARMv7-M B3.2.20)
      expect(lastWrite(machine.run, A.VTOR)).toBe(IMAGE_BASE[m.appType]);
    });

    it('programs the clock tree for its CPU frequency', () => {
      const { machine } = boot(m);
      const pll1 = lastWrite(machine.run, A.RCC_PLL1DIVR)!;
      // 16 MHz HSE / M 4 x N / P 2: N = 200 -> 400 MHz, N = 240 -> 480 MHz (fields hold value - 1)
      expect((pll1 & 0x1ff) + 1).toBe(m.cpuHz === 480_000_000 ? 240 : 200);
      expect(((pll1 >>> 9) & 0x7f) + 1).toBe(2);
      expect(lastWrite(machine.run, A.RCC_PLL3DIVR)).toBe(0x1f03_1f26); // libdaisy-facts §3 trace (PLL3 for SAI)
      // RM0433 Table 17 via hw-facts 3.2: 2 wait states at 200 MHz AXI (VOS1), 4 at 240 MHz (VOS0)
      expect(lastWrite(machine.run, A.FLASH_ACR)! & 0xf).toBe(m.cpuHz === 480_000_000 ? 4 : 2);
    });

    it('sets up the MPU as Daisy does', () => {
      const rasr = writesTo(boot(m).machine.run, A.MPU_RASR).map((w) => w.value);
      // libdaisy-facts §3 ConfigureMpu trace: D2 DMA area, SDRAM, backup SRAM
      expect(rasr).toEqual(expect.arrayContaining([0x030c_001d, 0x0303_0033, 0x030c_0017]));
      expect(lastWrite(boot(m).machine.run, A.MPU_CTRL)).toBe(5); // ENABLE | PRIVDEFENA
    });

    it('initialises SDRAM with the JEDEC sequence before any SDRAM access it is not meant to make early', () => {
      const run = boot(m).machine.run;
      expect(lastWrite(run, A.FMC_SDCR1)).toBe(0x0000_19e9); // libdaisy-facts §4 trace (same chip)
      expect(lastWrite(run, A.FMC_SDTR1)).toBe(0x09f2_7361);
      // RM0433 22.9.8 by hand: CTB1 = bit 4; MODE 1 clock enable, 2 precharge all, 3 auto-refresh with
      // NRFS = 7 (8 cycles, bits 8:5) = 0xF3, 4 load mode with MRD 0x232 (BL4, CAS3, single write) << 9.
      expect(writesTo(run, A.FMC_SDCMR).map((w) => w.value)).toEqual([0x11, 0x12, 0xf3, 0x46414]);
      expect(lastWrite(run, A.FMC_SDRTR)).toBe((7.8125 * 100 - 20) << 1); // 64 ms / 8192 rows at 100 MHz SDCLK
      const loadMode = writesTo(run, A.FMC_SDCMR).at(-1)!.seq;
      const sdramEarly = m.expectedRules.some((r) => r.rule === 'sdram-before-init');
      if (run.firstSdramAccess.seq >= 0 || sdramEarly) {
        expect(run.firstSdramAccess.seq < loadMode).toBe(sdramEarly);
      }
    });

    if (m.appType !== 'BOOT_QSPI') {
      it('maps QSPI with quad I/O fast read, and reads the window early only when that is the bug', () => {
        const run = boot(m).machine.run;
        expect(lastWrite(run, A.QSPI_DCR)).toBe(0x0016_0100); // libdaisy-facts §5 trace
        expect(lastWrite(run, A.QSPI_ABR)).toBe(0xa0);
        const mapped = writesTo(run, A.QSPI_CCR).at(-1)!;
        expect(mapped.value).toBe(0x1f18_edeb);
        const early = m.expectedRules.some((r) => r.rule === 'qspi-before-mapped');
        if (run.firstQspiAccess.seq >= 0 || early) expect(run.firstQspiAccess.seq < mapped.seq).toBe(early);
      });
    } else {
      it('leaves QUADSPI alone (the bootloader mapped it)', () => {
        expect(boot(m).machine.run.writes.filter((w) => w.address >= 0x5200_5000 && w.address < 0x5200_6000)).toEqual([]);
      });
    }

    if (m.audio) {
      it('starts SAI1 B (slave receiver) then A (master transmitter) on DMA1 streams 1 and 0', () => {
        const { elf, machine } = boot(m);
        const run = machine.run;
        expect(lastWrite(run, A.SAI1_ACR1)).toBe(0x0043_02c0); // libdaisy-facts §7 trace: master TX, 24 bit, MCKDIV 4, DMAEN, SAIEN
        expect(lastWrite(run, A.SAI1_BCR1)).toBe(0x0043_06c3); // slave RX, synchronous
        const enableB = writesTo(run, A.SAI1_BCR1).find((w) => w.value & (1 << 16))!.seq;
        const enableA = writesTo(run, A.SAI1_ACR1).find((w) => w.value & (1 << 16))!.seq;
        expect(enableB).toBeLessThan(enableA);
        // RM0433 15.5.5 by hand: PL high 0x20000 | MSIZE, PSIZE word 0x4000|0x1000 | MINC 0x400 | CIRC 0x100
        // | TCIE 0x10 | HTIE 0x8 | TEIE 0x4 | EN 1 (receiver); transmitter DIR M2P 0x40 | EN, no interrupts
        expect(lastWrite(run, A.DMA1_S1CR)).toBe(0x2551d);
        expect(lastWrite(run, A.DMA1_S0CR)).toBe(0x25541);
        expect(lastWrite(run, A.DMA1_S1M0AR)).toBe(elf.symbols.get('audio_rx_buffer')!.value);
        expect(lastWrite(run, A.DMA1_S0M0AR)).toBe(elf.symbols.get('audio_tx_buffer')!.value);
        const tcm = (a: number) => a < 0x1_0000 || (a >= 0x2000_0000 && a < 0x2002_0000);
        const dtcmBug = m.expectedRules.some((r) => r.rule === 'dma-to-tcm');
        expect(tcm(lastWrite(run, A.DMA1_S1M0AR)!) && tcm(lastWrite(run, A.DMA1_S0M0AR)!)).toBe(dtcmBug);
      });

      it('runs its callback on 8 blocks with finite, bounded output', () => {
        const { elf, machine } = boot(m);
        const callback = elf.symbols.get(m.audio!.callback)!.value;
        const input = 0x2001_c000;
        const output = 0x2001_d000;
        const outputs: number[] = [];
        for (let block = 0; block < 8; block++) {
          machine.storeBytes(input, inputBlock(block));
          expect(machine.call(callback, [input, output, 96], 0x2001_b000, 0x2001_f000)).toBe(0);
          outputs.push(...new Float32Array(machine.readBytes(output, 384).slice().buffer));
        }
        expect(outputs.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
        expect(outputs.some((v) => v !== 0)).toBe(true);
        if (m.kind === 'audio') callbackOutputs.set(m.name, Buffer.from(new Float32Array(outputs).buffer).toString('hex'));
      });
    }

    for (const rule of m.expectedRules.filter((r) => r.rule === 'sdram-before-init' || r.rule === 'qspi-before-mapped')) {
      it(`makes its early ${rule.rule} access to ${rule.symbol} from ${rule.function}`, () => {
        const { elf, machine } = boot(m);
        const first = rule.rule === 'sdram-before-init' ? machine.run.firstSdramAccess : machine.run.firstQspiAccess;
        expect(within(elf, rule.symbol, first.address)).toBe(true);
        expect(within(elf, rule.function, first.pc)).toBe(true);
      });
    }

    if (m.name === 'bug-dma-cache' || m.name === 'fix-dma-cache') {
      it(m.name === 'fix-dma-cache' ? 'cleans the written TX half by address in the DMA interrupt' : 'never cleans the TX half it writes', () => {
        const { elf, machine } = boot(m);
        machine.overrides.set(A.DMA1_LISR, 1 << 10); // HTIF1: first half ready
        const before = machine.run.writes.length;
        expect(machine.call(elf.symbols.get('DMA1_Stream1_IRQHandler')!.value, [], 0x2001_b000, 0x2001_f000)).toBe(0);
        machine.overrides.clear();
        const cleaned = machine.run.writes.slice(before).filter((w) => w.address === A.DCCMVAC).map((w) => w.value);
        const tx = elf.symbols.get('audio_tx_buffer')!.value;
        // 96 words = 384 bytes = 12 lines of 32 bytes (Cortex-M7 TRM: 32-byte D-cache lines)
        const expected = m.name === 'fix-dma-cache' ? Array.from({ length: 12 }, (_, i) => tx + 32 * i) : [];
        expect(cleaned).toEqual(expected);
      });
    }

    if (m.results) {
      it('finishes its measurements and publishes them', () => {
        const { elf, machine } = boot(m);
        const r = m.results!;
        expect(machine.load(elf.symbols.get(r.done)!.value)).toBe(r.doneValue);
        expect(machine.load(elf.symbols.get(r.count)!.value)).toBe(r.entries.length);
      });
    }
  });

  it('micro-branch counts the ones of its xorshift32 pattern as computed here (Marsaglia 2003, 13/17/5)', () => {
    const m = manifests.find((x) => x.name === 'micro-branch')!;
    const { elf, machine } = boot(m);
    let state = 0x2545f491;
    let ones = 0;
    for (let i = 0; i < 256; i++) {
      state = (state ^ (state << 13)) >>> 0;
      state = (state ^ (state >>> 17)) >>> 0;
      state = (state ^ (state << 5)) >>> 0;
      ones += state & 1;
    }
    expect(machine.load(elf.symbols.get('seedsim_results')!.value + 4 * 5)).toBe(ones);
  });

  it('does the same DSP work in every audio variant (bit-identical callback output)', () => {
    for (const m of manifests.filter((x) => x.kind === 'audio')) boot(m);
    const reference = callbackOutputs.get('audio-o2');
    expect(reference).toBeDefined();
    for (const [name, hex] of callbackOutputs) expect(`${name} ${hex === reference ? 'same' : 'different'}`).toBe(`${name} same`);
    expect(callbackOutputs.size).toBe(manifests.filter((x) => x.kind === 'audio').length);
  });
});
