import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadElf, ElfError, computeMemoryUsage, formatLdMemoryUsage, parseRegions } from '../src/index.js';

const dataDir = fileURLToPath(new URL('./data/', import.meta.url));
const mini = new Uint8Array(readFileSync(dataDir + 'mini.elf'));

function patched(edit: (bytes: Uint8Array, view: DataView) => void): Uint8Array {
  const copy = mini.slice();
  edit(copy, new DataView(copy.buffer));
  return copy;
}

function expectElfError(bytes: Uint8Array, pattern: RegExp) {
  let thrown: unknown;
  try {
    loadElf(bytes, 'x.elf');
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ElfError);
  expect((thrown as Error).message).toMatch(pattern);
  expect((thrown as Error).message).not.toContain('\n');
}

describe('ELF validation', () => {
  it('refuses an empty file', () => expectElfError(new Uint8Array(0), /empty file/));
  it('refuses a text file', () => expectElfError(new TextEncoder().encode('int main(void) { return 0; }\n'), /not an ELF file/));
  it('refuses a truncated header', () => expectElfError(mini.slice(0, 40), /truncated ELF header/));
  it('refuses a header cut inside the identification', () => expectElfError(mini.slice(0, 10), /truncated ELF header/));
  it('refuses a truncated section header table', () => {
    // e_shoff is at offset 32; the table lies at the end of the file, so cutting 10 bytes truncates it.
    expectElfError(mini.slice(0, mini.length - 10), /truncated section header table/);
  });
  it('refuses a 64-bit ELF', () => expectElfError(patched((b) => (b[4] = 2)), /64-bit ELF/));
  it('refuses a big-endian ELF', () => expectElfError(patched((b) => (b[5] = 2)), /big-endian/));
  it('refuses an x86 ELF', () => expectElfError(patched((_, v) => v.setUint16(18, 3, true)), /x86 \(EM_386\)/));
  it('refuses a relocatable object', () => expectElfError(patched((_, v) => v.setUint16(16, 1, true)), /relocatable object/));
  it('refuses section offsets past the end of the file', () => {
    const bytes = patched((_, v) => {
      const shoff = v.getUint32(32, true);
      // Section 1 (.isr_vector) sh_offset at +16 within its 40-byte header.
      v.setUint32(shoff + 40 + 16, 0x7fff0000, true);
    });
    expectElfError(bytes, /past the end of the file/);
  });
  it('refuses a program header past the end of the file', () => {
    const bytes = patched((_, v) => v.setUint32(v.getUint32(28, true) + 4, 0x7fff0000, true));
    expectElfError(bytes, /program header 0 lies past the end/);
  });
  it('refuses a bad section-name-table index', () => expectElfError(patched((_, v) => v.setUint16(50, 999, true)), /section name table index/));
  it('survives random corruption without crashing (only ElfError or success)', () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
    for (let i = 0; i < 300; i++) {
      const bytes = mini.slice();
      for (let k = 0; k < 4; k++) bytes[rand() % 64] = rand() & 0xff;
      try {
        loadElf(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(ElfError);
      }
    }
  });
});

describe('ELF image', () => {
  const image = loadElf(mini, 'mini.elf');
  it('exposes segments with load and run addresses (readelf -l: .data runs at 0x24000000, stored at 0x08000060)', () => {
    const data = image.segments.find((s) => s.runAddress === 0x24000000)!;
    expect(data.loadAddress).toBe(0x08000060);
    expect(data.data.length).toBe(0x28);
    expect(data.memorySize).toBe(0x1b8);
    const dataSection = image.sections.find((s) => s.name === '.data')!;
    expect(dataSection.loadAddress).toBe(0x08000060);
  });
  it('reads symbols with the Thumb bit cleared and sizes (mini.c: bss_var is int[100] = 400 bytes)', () => {
    const main = image.symbols.get('main')!;
    expect(main.kind).toBe('function');
    expect(main.address & 1).toBe(0);
    expect(image.symbols.get('bss_var')).toMatchObject({ kind: 'object', size: 400, section: '.bss' });
    expect(image.symbols.get('delay_line')).toMatchObject({ address: 0xc0000000, size: 48000 * 4 });
  });
  it('looks addresses up to the containing symbol', () => {
    const bss = image.symbols.get('bss_var')!;
    expect(image.symbols.lookup(bss.address + 399)?.name).toBe('bss_var');
    expect(image.symbols.lookup(bss.address + 400)?.name).not.toBe('bss_var');
    expect(image.symbols.describe(0xc0000010)).toBe('delay_line+0x10');
    expect(image.symbols.lookup(0x1000)).toBeUndefined();
  });
});

describe('memory usage as ld prints it', () => {
  it('matches the linker\'s own --print-memory-usage for mini.elf', () => {
    const image = loadElf(mini, 'mini.elf');
    const regions = parseRegions(readFileSync(dataDir + 'mini.ld', 'utf8'), 'mini.ld');
    expect(formatLdMemoryUsage(computeMemoryUsage(image, regions))).toBe(readFileSync(dataDir + 'mini.memory-usage.txt', 'utf8'));
  });
  it('parses JSON region tables and K/M suffixes', () => {
    expect(parseRegions('[{"name":"A","origin":"0x20000000","length":"128K"},{"name":"B","origin":0,"length":"8M"}]')).toEqual([
      { name: 'A', origin: 0x20000000, length: 131072 },
      { name: 'B', origin: 0, length: 8388608 },
    ]);
  });
  it('rejects a file without a MEMORY block', () => {
    expect(() => parseRegions('SECTIONS { }', 'x.ld')).toThrow(/no MEMORY/);
  });
});
