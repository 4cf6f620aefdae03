/**
 * End to end on real firmware: the fixture ELFs (firmware-fixtures/, written from RM0433 and the
 * datasheets, not by this package) boot on the core with the SoC models, and the bug reproducers
 * produce exactly the rules their manifests expect, with the data symbol and the function.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Clock, Cpu, CpuState, ExceptionModel, SystemControlSpace, connectExceptionModel, type SocContext } from '@seedsim/core';
import { loadElf } from '@seedsim/elf';
import { SystemBus } from '../src/system-bus.js';
import { attachSystemPeripherals } from '../src/peripherals/system-peripherals.js';
import { attachStorageAndAudioPeripherals } from '../src/peripherals/storage-audio-peripherals.js';
import { SineSource } from '../src/peripherals/sai.js';

const FIXTURES = new URL('../../../firmware-fixtures/', import.meta.url);

interface Manifest {
  appType: string;
  cpuHz: number;
  vectorTable: string;
  expectedRules: { rule: string; symbol: string; function: string }[];
}

function boot(name: string) {
  const manifest = JSON.parse(readFileSync(new URL(`manifests/${name}.json`, FIXTURES), 'utf8')) as Manifest;
  const image = loadElf(new Uint8Array(readFileSync(new URL(`build/${name}.elf`, FIXTURES))), name);
  const clock = new Clock();
  const state = new CpuState();
  const rules: { rule: string; symbol: string; function: string }[] = [];
  const holder: { model?: ExceptionModel; cpu?: Cpu } = {};
  const ctx: SocContext = {
    clock,
    unmodelled: () => {},
    setIrq: (irq, level) => holder.model!.setIrqLevel(irq, level),
    rule: (rule, addr) => {
      rules.push({ rule, symbol: image.symbols.lookup(addr)?.name ?? '?', function: image.symbols.lookup(holder.cpu!.curPc)?.name ?? '?' });
    },
  };
  const bus = new SystemBus(ctx);
  const model = (holder.model = new ExceptionModel(state, bus, clock, {}));
  bus.mapDevice(new SystemControlSpace(model));
  bus.mapDevice(model.dwt);
  const sys = attachSystemPeripherals(bus, ctx);
  const soc = attachStorageAndAudioPeripherals(bus, ctx, sys.rcc);
  // A BOOT_QSPI app starts with QUADSPI memory-mapped by the bootloader (libdaisy-facts §6).
  if (manifest.appType === 'BOOT_QSPI') soc.quadspi.presetDaisyMemoryMapped();
  for (const seg of image.segments) if (seg.data.length > 0) bus.loadImage(seg.loadAddress, seg.data);
  const cpu = (holder.cpu = new Cpu({ bus, clock, state }));
  connectExceptionModel(model, cpu);
  cpu.resetFromVectorTable(image.symbols.get(manifest.vectorTable)!.address);
  const runFor = (seconds: number) => {
    const end = clock.cycles + seconds * manifest.cpuHz;
    while (clock.cycles < end && !cpu.stopRequested) cpu.run(1_000_000, end);
  };
  const word = (symbol: string) => bus.peek(image.symbols.get(symbol)!.address, 4);
  return { manifest, soc, rules, runFor, word, model };
}

describe('fixture firmware on the SoC models', () => {
  for (const name of ['audio-o2', 'audio-sdram', 'audio-qspi', 'audio-boot-sram', 'audio-480']) {
    it(`${name}: boots, runs the audio callback from DMA1_Stream1 at the SAI rate, breaks no rule`, () => {
      const f = boot(name);
      let frames = 0;
      f.soc.sai1.setSource('B', new SineSource(440, 0.5));
      f.soc.sai1.setSink('A', { frame: () => void frames++ });
      f.runFor(0.02);
      expect(f.rules).toEqual([]);
      expect(f.model.lastFault).toBeNull();
      // 20 ms at 48 014 Hz is 960 frames, less the boot time; one block per 48 frames.
      expect(frames).toBeGreaterThan(700);
      expect(frames).toBeLessThanOrEqual(961);
      const blocks = f.word('g_audio_blocks');
      expect(blocks).toBeGreaterThanOrEqual(Math.floor(frames / 48) - 1);
      expect(blocks).toBeLessThanOrEqual(Math.ceil(frames / 48) + 1);
      expect(f.word('g_audio_dma_errors')).toBe(0);
    });
  }

  // bug-dma-cache / fix-dma-cache are judged by the cache model (timing package), not by these models.
  for (const name of ['bug-sdram-ctor', 'bug-qspi-early', 'bug-dma-dtcm', 'fix-sdram-ctor', 'fix-qspi-early', 'fix-dma-dtcm']) {
    it(`${name}: reports exactly the rules its manifest expects`, () => {
      const f = boot(name);
      f.runFor(0.005);
      expect(f.rules).toEqual(f.manifest.expectedRules.map((r) => ({ rule: r.rule, symbol: r.symbol, function: r.function })));
    });
  }
});
