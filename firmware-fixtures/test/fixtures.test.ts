/**
 * Checks the committed firmware fixtures (firmware-fixtures/build/) against their manifests and against
 * facts that do not come from the fixture sources: the ELF32 format (System V ABI, ARM ELF supplement),
 * the ARMv7-M reset vector layout (DDI 0403E B1.5.3), and the Daisy memory map (libdaisy-facts.md §2).
 * The ELF reader (elf-reader.ts) is deliberately minimal and independent of packages/elf.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { readElf, wordAt } from './elf-reader.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const manifestDir = join(root, 'manifests');

// ---- the Daisy memory map per app type (libdaisy-facts.md §2 MEMORY table) --------------------------
const K = 1024;
const M = 1024 * K;
type Range = [base: number, size: number];
const COMMON_REGIONS: Record<string, Range> = {
  FLASH: [0x0800_0000, 128 * K],
  DTCMRAM: [0x2000_0000, 128 * K],
  RAM_D3: [0x3800_0000, 64 * K],
  BACKUP_SRAM: [0x3880_0000, 4 * K],
  ITCMRAM: [0x0000_0000, 64 * K],
  SDRAM: [0xc000_0000, 64 * M],
};
const REGIONS_BY_APP_TYPE: Record<string, Record<string, Range>> = {
  BOOT_NONE: { ...COMMON_REGIONS, SRAM: [0x2400_0000, 512 * K], RAM_D2: [0x3000_0000, 288 * K], QSPIFLASH: [0x9000_0000, 8 * M] },
  BOOT_SRAM: {
    ...COMMON_REGIONS,
    SRAM: [0x2400_0000, 480 * K],
    RAM_D2_DMA: [0x3000_0000, 32 * K],
    RAM_D2: [0x3000_8000, 256 * K],
    QSPIFLASH: [0x9004_0000, 7936 * K],
  },
  BOOT_QSPI: {
    ...COMMON_REGIONS,
    SRAM: [0x2400_0000, 512 * K],
    RAM_D2_DMA: [0x3000_0000, 32 * K],
    RAM_D2: [0x3000_8000, 256 * K],
    QSPIFLASH: [0x9004_0000, 7936 * K],
  },
};
// Where the Daisy bootloader / reset expects the vector table of each app type (libdaisy-facts §6).
const IMAGE_BASE: Record<string, number> = { BOOT_NONE: 0x0800_0000, BOOT_SRAM: 0x2400_0000, BOOT_QSPI: 0x9004_0000 };

interface Manifest {
  name: string;
  elf: string;
  memoryUsage: string;
  kind: 'audio' | 'bug' | 'fix' | 'micro';
  appType: 'BOOT_NONE' | 'BOOT_SRAM' | 'BOOT_QSPI';
  cpuHz: number;
  entry: string;
  vectorTable: string;
  placement: { code: string; data: string; bss: string; dmaBuffers: string; symbols: Record<string, string> };
  audio: { callback: string; isr: string; irq: number; blockFrames: number; channels: number } | null;
  expectedRules: { rule: string; symbol: string; function: string }[];
  twin: string | null;
  results: { array: string; count: string; done: string; doneValue: number; entries: { index: number; name: string }[] } | null;
  symbols: string[];
}

const manifestFiles = readdirSync(manifestDir).filter((f) => f.endsWith('.json')).sort();
const manifests: Manifest[] = manifestFiles.map((f) => JSON.parse(readFileSync(join(manifestDir, f), 'utf8')) as Manifest);
const byName = new Map(manifests.map((m) => [m.name, m]));

// Rule names the seedsim checkers report (packages/soc/src/rules.ts, DESIGN.md principle 6).
const KNOWN_RULES = new Set(['sdram-before-init', 'qspi-before-mapped', 'dma-to-tcm', 'dma-read-dirty-cache', 'audio-deadline-missed']);

function regionOf(m: Manifest, address: number): string | undefined {
  const regions = REGIONS_BY_APP_TYPE[m.appType]!;
  // RAM_D2_DMA and RAM_D2 do not overlap; nothing else overlaps either, so the first hit is the answer.
  return Object.keys(regions).find((r) => address >= regions[r]![0] && address < regions[r]![0] + regions[r]![1]);
}

describe('fixture set', () => {
  it('contains every program the brief names', () => {
    const expected = [
      'audio-o2', 'audio-os', 'audio-sdram', 'audio-boot-sram', 'audio-axi-bss', 'audio-dtcm-obj', 'audio-itcm', 'audio-qspi', 'audio-480',
      'bug-sdram-ctor', 'fix-sdram-ctor', 'bug-qspi-early', 'fix-qspi-early', 'bug-dma-dtcm', 'fix-dma-dtcm', 'bug-dma-cache', 'fix-dma-cache',
      'bug-callback-overrun', 'fix-callback-overrun',
      'micro-load-use', 'micro-div', 'micro-fpu-chain', 'micro-branch', 'micro-stream',
    ];
    expect([...byName.keys()].sort()).toEqual(expected.sort());
  });

  it('has every bug paired with a fix that points back', () => {
    for (const m of manifests.filter((x) => x.kind === 'bug' || x.kind === 'fix')) {
      const twin = byName.get(m.twin ?? '');
      expect(twin, `${m.name} twin`).toBeDefined();
      expect(twin!.twin).toBe(m.name);
      expect(twin!.kind).toBe(m.kind === 'bug' ? 'fix' : 'bug');
      if (m.kind === 'bug') expect(m.expectedRules.length).toBeGreaterThan(0);
      else expect(m.expectedRules).toEqual([]);
    }
  });
});

describe.each(manifests.map((m) => [m.name, m] as const))('%s', (name, m) => {
  const elfPath = join(buildDir, m.elf);

  it('has its committed ELF, memory-usage text and an identical manifest copy in build/', () => {
    expect(existsSync(elfPath)).toBe(true);
    expect(existsSync(join(buildDir, m.memoryUsage))).toBe(true);
    expect(readFileSync(join(buildDir, `${name}.manifest.json`), 'utf8')).toBe(readFileSync(join(manifestDir, `${name}.json`), 'utf8'));
  });

  it('names only symbols that exist in the ELF symbol table', () => {
    const elf = readElf(elfPath);
    const named = new Set([
      ...m.symbols,
      m.entry,
      m.vectorTable,
      ...Object.keys(m.placement.symbols),
      ...m.expectedRules.flatMap((r) => [r.symbol, r.function]),
      ...(m.audio ? [m.audio.callback, m.audio.isr] : []),
      ...(m.results ? [m.results.array, m.results.count, m.results.done] : []),
    ]);
    const missing = [...named].filter((s) => !elf.symbols.has(s));
    expect(missing).toEqual([]);
  });

  it('places each listed symbol in the Daisy region the manifest says', () => {
    const elf = readElf(elfPath);
    for (const [symbol, region] of Object.entries(m.placement.symbols)) {
      const address = (elf.symbols.get(symbol)!.value & ~1) >>> 0; // Thumb bit off for functions
      expect(`${symbol} in ${regionOf(m, address)}`).toBe(`${symbol} in ${region}`);
    }
  });

  it('boots like a Cortex-M image: vector table at the app base, SP 0x20020000, reset = entry (Thumb)', () => {
    const elf = readElf(elfPath);
    const vectors = elf.symbols.get(m.vectorTable)!;
    expect(vectors.value).toBe(IMAGE_BASE[m.appType]);
    expect(vectors.size).toBe((16 + 150) * 4); // 16 system exceptions + 150 STM32H750 IRQ lines
    const reset = elf.symbols.get(m.entry)!;
    expect(wordAt(elf, vectors.value)).toBe(0x2002_0000);
    expect(wordAt(elf, vectors.value + 4)).toBe((reset.value | 1) >>> 0);
    expect(elf.entry).toBe((reset.value | 1) >>> 0);
    if (m.audio) {
      // exception number = 16 + IRQ (ARMv7-M B1.5.2); the handler slot must hold the ISR the manifest names
      expect(wordAt(elf, vectors.value + 4 * (16 + m.audio.irq))).toBe((elf.symbols.get(m.audio.isr)!.value | 1) >>> 0);
    }
  });

  it('has startup copy and zero tables whose ranges each stay inside one Daisy RAM region (never SDRAM)', () => {
    const elf = readElf(elfPath);
    const rows = (start: string, end: string, width: number): number[][] => {
      const from = elf.symbols.get(start)!.value;
      const to = elf.symbols.get(end)!.value;
      return Array.from({ length: (to - from) / (4 * width) }, (_, r) =>
        Array.from({ length: width }, (_, c) => wordAt(elf, from + 4 * (r * width + c))),
      );
    };
    const inOneRegion = (address: number, size: number): string | undefined => {
      const first = regionOf(m, address);
      return first !== undefined && regionOf(m, address + size - 1) === first ? first : undefined;
    };
    for (const [, runAddress, size] of rows('__copy_table_start', '__copy_table_end', 3)) {
      if (size! > 0) expect(['SRAM', 'DTCMRAM', 'ITCMRAM']).toContain(inOneRegion(runAddress!, size!));
    }
    const zeroed = rows('__zero_table_start', '__zero_table_end', 2).filter(([, size]) => size! > 0);
    expect(zeroed.length).toBeGreaterThan(0);
    for (const [start, size] of zeroed) {
      expect(['SRAM', 'DTCMRAM', 'RAM_D2', 'RAM_D2_DMA']).toContain(inOneRegion(start!, size!));
    }
  });

  it('has a memory-usage table listing exactly the regions of its app type with their sizes', () => {
    const text = readFileSync(join(buildDir, m.memoryUsage), 'utf8');
    const rows = text
      .split('\n')
      .map((l) => /^\s*(\w+):\s+(\d+) (B|KB|MB|GB)\s+(\d+) (B|KB|MB|GB)\s+[\d.]+%$/.exec(l))
      .filter((r): r is RegExpExecArray => r !== null);
    const unit = (n: string, u: string): number => Number(n) * { B: 1, KB: K, MB: M, GB: 1024 * M }[u as 'B']!;
    const regions = REGIONS_BY_APP_TYPE[m.appType]!;
    expect(rows.map((r) => r[1]).sort()).toEqual(Object.keys(regions).sort());
    for (const r of rows) expect(`${r[1]} ${unit(r[4]!, r[5]!)}`).toBe(`${r[1]} ${regions[r[1]!]![1]}`);
    if (m.kind === 'audio') {
      // the delay line alone: 36 000 frames x 2 channels x 4-byte float = 288 000 bytes of SDRAM
      const sdram = rows.find((r) => r[1] === 'SDRAM')!;
      expect(unit(sdram[2]!, sdram[3]!)).toBeGreaterThanOrEqual(288_000);
    }
  });

  if (m.results) {
    it('documents contiguous result indices that fit the results array', () => {
      const elf = readElf(elfPath);
      expect(m.results!.entries.map((e) => e.index)).toEqual(m.results!.entries.map((_, i) => i));
      expect(elf.symbols.get(m.results!.array)!.size).toBeGreaterThanOrEqual(4 * m.results!.entries.length);
      expect(m.results!.doneValue).toBe(0x600dd0e);
    });
  }

  for (const rule of m.expectedRules) {
    it(`expects a known rule (${rule.rule} on ${rule.symbol})`, () => {
      expect(KNOWN_RULES.has(rule.rule)).toBe(true);
    });
  }
});

describe('bug reproducers differ from their fixes where the brief says', () => {
  it('bug-sdram-ctor runs a static constructor for g_echo (in SDRAM) from .init_array; the fix does not', () => {
    const inInitArray = (file: string): number[] => {
      const elf = readElf(join(buildDir, file));
      const s = elf.sections.find((x) => x.name === '.init_array')!;
      return Array.from({ length: s.size / 4 }, (_, i) => (elf.bytes.readUInt32LE(s.offset + 4 * i) & ~1) >>> 0);
    };
    const bug = readElf(join(buildDir, 'bug-sdram-ctor.elf'));
    expect(inInitArray('bug-sdram-ctor.elf')).toContain((bug.symbols.get('_GLOBAL__sub_I_g_echo')!.value & ~1) >>> 0);
    expect(bug.symbols.get('g_echo')!.value).toBe(0xc000_0000);
    expect(readElf(join(buildDir, 'fix-sdram-ctor.elf')).symbols.has('_GLOBAL__sub_I_g_echo')).toBe(false);
  });

  it('fix-dma-cache links the clean-by-address routine, bug-dma-cache does not', () => {
    expect(readElf(join(buildDir, 'fix-dma-cache.elf')).symbols.has('dcache_clean_by_address')).toBe(true);
    expect(readElf(join(buildDir, 'bug-dma-cache.elf')).symbols.has('dcache_clean_by_address')).toBe(false);
  });
});

// Cross-check of the minimal reader against binutils when the toolchain is installed.
const nm = (() => {
  try {
    execFileSync('arm-none-eabi-nm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
describe.runIf(nm)('ELF reader agrees with arm-none-eabi-nm', () => {
  it('on every global symbol of audio-o2', () => {
    const out = execFileSync('arm-none-eabi-nm', ['-g', '--defined-only', join(buildDir, 'audio-o2.elf')], { encoding: 'utf8' });
    const elf = readElf(join(buildDir, 'audio-o2.elf'));
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      // nm prints functions without the Thumb bit that the symbol value carries (ARM ELF 5.5.3)
      const [address, , symbol] = line.split(' ');
      const sym = elf.symbols.get(symbol!);
      const value = sym ? (sym.type === 2 ? sym.value & ~1 : sym.value) >>> 0 : -1;
      expect(`${symbol} ${value.toString(16).padStart(8, '0')}`).toBe(`${symbol} ${address}`);
    }
  });
});
