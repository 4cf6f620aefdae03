/**
 * What-if placements resolved against a fixture's symbols (what-if.ts). Symbol addresses and sizes are
 * those `arm-none-eabi-nm -S` prints for firmware-fixtures/build/audio-o2.elf.
 */
import { describe, expect, it } from 'vitest';
import { Region } from '@seedsim/timing';
import { APP_TYPES, DaisyBoard, WhatIfError, formatComparison, parseWhatIf, resolveWhatIf, type BenchResult } from '../src/index.js';

/** The fields of a bench result the side-by-side table reads. */
const benchLike = (file: string): BenchResult =>
  ({ file, callback: { cycles: { median: 1000, p99: 1100 } }, cpuLoad: { median: 0.1 }, byCause: {}, byRegion: {} }) as unknown as BenchResult;
import { fixtureImage } from './fixtures.js';

const o2 = () => fixtureImage('audio-o2');

describe('what-if placements', () => {
  it('parses SYMBOL=REGION lists and rejects anything else', () => {
    expect(parseWhatIf('reverb_lines=DTCM, delay_line = sram')).toEqual([
      { symbol: 'reverb_lines', region: 'DTCM' },
      { symbol: 'delay_line', region: 'sram' },
    ]);
    expect(() => parseWhatIf('reverb_lines')).toThrow(WhatIfError);
    expect(() => parseWhatIf('=DTCM')).toThrow(WhatIfError);
  });

  it("resolves a symbol to its extent (nm: reverb_lines 0x240001f0, 0xec00 bytes) and the region's name", () => {
    const r = resolveWhatIf(o2(), APP_TYPES.BOOT_NONE, [{ symbol: 'reverb_lines', region: 'dtcmram' }]);
    expect(r.overrides).toEqual([{ start: 0x2400_01f0, end: 0x2400_01f0 + 0xec00, region: Region.Dtcm }]);
    expect(r.description).toBe('reverb_lines → DTCM');
    expect(r.warnings).toEqual([]);
  });

  it('a function is moved whole (nm: reverb_process 0x08001278, 0x24c bytes)', () => {
    const r = resolveWhatIf(o2(), APP_TYPES.BOOT_NONE, [{ symbol: 'reverb_process', region: 'ITCM' }]);
    expect(r.overrides).toEqual([{ start: 0x0800_1278, end: 0x0800_1278 + 0x24c, region: Region.Itcm }]);
  });

  it('warns when the moves would not fit the free space (delay_line: 0x46500 = 288,000 bytes into 128 KB of DTCM)', () => {
    const r = resolveWhatIf(o2(), APP_TYPES.BOOT_NONE, [{ symbol: 'delay_line', region: 'DTCM' }]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/288000 bytes moved to DTCM would not fit DTCMRAM: \d+ bytes free of 131072/);
    expect(r.overfilled).toEqual(['DTCM']);
    // The side-by-side table says so on the priced row, not only in a warning printed before it.
    const row = (whatIfOverfills?: string[]) => formatComparison([benchLike('a.elf'), { ...benchLike('a.elf'), whatIf: r.description, whatIfOverfills }]).split('\n')[2];
    expect(row(['DTCM'])).toContain('a.elf [delay_line → DTCM] (would not fit DTCM)');
    expect(row()).not.toContain('would not fit');
    expect(resolveWhatIf(o2(), APP_TYPES.BOOT_NONE, [{ symbol: 'reverb_process', region: 'ITCM' }]).overfilled).toEqual([]);
  });

  it('says when a symbol is already in the region, and names unknown symbols and regions', () => {
    expect(resolveWhatIf(o2(), APP_TYPES.BOOT_NONE, [{ symbol: 'delay_line', region: 'SDRAM' }]).warnings[0]).toMatch(/already in SDRAM/);
    expect(() => resolveWhatIf(o2(), APP_TYPES.BOOT_NONE, [{ symbol: 'reverb_line', region: 'DTCM' }])).toThrow(/no symbol "reverb_line".*did you mean reverb_lines/);
    expect(() => resolveWhatIf(o2(), APP_TYPES.BOOT_NONE, [{ symbol: 'reverb_lines', region: 'CCM' }])).toThrow(/unknown region "CCM"/);
  });

  it('the board applies the moves to the m7 model only', () => {
    const board = new DaisyBoard(o2(), { whatIf: [{ symbol: 'reverb_lines', region: 'DTCM' }] });
    expect(board.whatIf?.description).toBe('reverb_lines → DTCM');
    const memory = (board.timing as unknown as { memory: { regionOf(a: number): number } }).memory;
    expect(memory.regionOf(0x2400_0200)).toBe(Region.Dtcm);
    expect(memory.regionOf(0x2400_0100)).toBe(Region.AxiSram);
    const ideal = new DaisyBoard(o2(), { timing: 'ideal', whatIf: [{ symbol: 'reverb_lines', region: 'DTCM' }] });
    expect(ideal.whatIf?.warnings[0]).toMatch(/ideal timing model/);
  });
});
