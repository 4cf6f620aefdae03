import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const miniElf = join(root, 'packages/elf/test/data/mini.elf');
const miniLd = join(root, 'packages/elf/test/data/mini.ld');
const fixturesDir = join(root, 'firmware-fixtures/build');

/** The ld table part of `seedsim map` output (between the title line and the first blank line). */
function ldTable(stdout: string): string {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('Memory region'));
  const end = lines.findIndex((l, i) => i > start && (l === '' || l.startsWith('warning')));
  return lines.slice(start, end).join('\n') + '\n';
}

describe('seedsim map', () => {
  it('prints the table ld printed when it linked the ELF (--regions from the linker script)', async () => {
    const { code, stdout } = await runCli('map', miniElf, '--regions', miniLd);
    expect(code).toBe(0);
    expect(ldTable(stdout)).toBe(readFileSync(join(root, 'packages/elf/test/data/mini.memory-usage.txt'), 'utf8'));
    expect(stdout).toContain('BOOT_NONE');
    expect(stdout).toMatch(/192000 B\s+object\s+delay_line/);
  });

  const fixtures = existsSync(fixturesDir) ? readdirSync(fixturesDir).filter((f) => f.endsWith('.elf')) : [];
  it.each(fixtures.map((f) => [f]))('matches the linker output captured when %s was built', async (elf) => {
    const captured = readFileSync(join(fixturesDir, elf.replace(/\.elf$/, '.memory-usage.txt')), 'utf8');
    const { code, stdout } = await runCli('map', join(fixturesDir, elf));
    expect(code).toBe(0);
    expect(ldTable(stdout)).toBe(captured.slice(captured.indexOf('Memory region')));
  });

  it('writes JSON with --json', async () => {
    const { code, stdout } = await runCli('map', miniElf, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.appType).toBe('BOOT_NONE');
    const sdram = report.regions.find((r: { name: string }) => r.name === 'SDRAM');
    expect(sdram.used).toBe(192000);
    expect(sdram.largestSymbols[0].name).toBe('delay_line');
  });

  it('warns when a region overflows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsim-'));
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify([{ name: 'SDRAM', origin: '0xC0000000', length: '64K' }]));
    const { code, stdout } = await runCli('map', miniElf, '--regions', small);
    expect(code).toBe(0);
    // 192000 bytes used in a 65536-byte region: 126464 over.
    expect(stdout).toContain('warning: region SDRAM overflowed by 126464 bytes');
  });

  describe('bad input: exit 2 and a one-line message on stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedsim-bad-'));
    const mini = new Uint8Array(readFileSync(miniElf));
    const write = (name: string, bytes: Uint8Array | string) => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    };
    const patch = (f: (v: DataView, b: Uint8Array) => void) => {
      const b = mini.slice();
      f(new DataView(b.buffer), b);
      return b;
    };
    const cases: [string, string, RegExp][] = [
      ['empty', write('empty.elf', new Uint8Array(0)), /empty file/],
      ['text', write('notes.txt', 'hello\n'), /not an ELF file/],
      ['truncated header', write('trunc.elf', mini.slice(0, 30)), /truncated ELF header/],
      ['truncated section table', write('trunc-sh.elf', mini.slice(0, mini.length - 8)), /truncated section header table/],
      ['64-bit', write('64.elf', patch((_, b) => (b[4] = 2))), /64-bit/],
      ['big-endian', write('be.elf', patch((_, b) => (b[5] = 2))), /big-endian/],
      ['x86', write('x86.elf', patch((v) => v.setUint16(18, 62, true))), /x86-64/],
      ['section past end', write('past.elf', patch((v) => v.setUint32(v.getUint32(32, true) + 40 + 16, 0x10000000, true))), /past the end/],
      ['missing file', join(dir, 'nope.elf'), /no such file/],
      ['directory', dir, /is a directory/],
    ];
    it.each(cases)('%s', async (_name, path, message) => {
      const { code, stdout, stderr } = await runCli('map', path);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });
  });

  it('usage errors exit 2', async () => {
    expect((await runCli('map')).code).toBe(2);
    expect((await runCli('map', miniElf, '--bogus')).code).toBe(2);
    expect((await runCli('frobnicate')).code).toBe(2);
    expect((await runCli()).code).toBe(2);
  });

  it('help exits 0', async () => {
    const top = await runCli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Commands:');
    const map = await runCli('map', '--help');
    expect(map.code).toBe(0);
    expect(map.stdout).toContain('--regions FILE');
  });
});
