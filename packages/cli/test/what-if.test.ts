/**
 * `seedsim bench --what-if`: a placement priced without rebuilding, checked against the same placement
 * rebuilt. The fixtures include audio-o2 rebuilt with reverb_lines in SDRAM (audio-sdram), with reverb.o's
 * .bss in DTCM (audio-dtcm-obj) and with the DSP functions in ITCM (audio-itcm): the what-if on one build
 * must predict the callback cycles measured on the other.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers.js';
import { linkerNamesOf } from '../src/demangle.js';

const build = fileURLToPath(new URL('../../../firmware-fixtures/build/', import.meta.url));
const elf = (name: string) => join(build, `${name}.elf`);

interface Row {
  file: string;
  whatIf?: string;
  callback: { cycles: { median: number } };
}

async function medians(...args: string[]): Promise<Row[]> {
  const { code, stdout, stderr } = await runCli('bench', '--blocks', '20', '--json', '--jobs', '1', ...args);
  expect(code, stderr).toBe(0);
  return (JSON.parse(stdout) as { results: Row[] }).results;
}

describe('seedsim bench --what-if', () => {
  const cases: [string, string, string][] = [
    ['audio-o2', 'reverb_lines=SDRAM', 'audio-sdram'],
    ['audio-sdram', 'reverb_lines=SRAM', 'audio-o2'],
    ['audio-o2', 'reverb_lines=DTCM,s_combs=DTCM,s_allpasses=DTCM', 'audio-dtcm-obj'],
    ['audio-o2', 'AudioCallback=ITCM,biquad_process=ITCM,delay_process=ITCM,reverb_process=ITCM,soft_clip=ITCM', 'audio-itcm'],
  ];
  for (const [from, move, rebuilt] of cases) {
    it(`${from} with ${move} predicts ${rebuilt} within 0.5%`, async () => {
      const [asBuilt, whatIf, real] = [...(await medians(elf(from), '--what-if', move)), ...(await medians(elf(rebuilt)))];
      expect(asBuilt.whatIf).toBeUndefined();
      expect(whatIf.whatIf).toContain('→');
      const predicted = whatIf.callback.cycles.median;
      const measured = real.callback.cycles.median;
      expect(Math.abs(predicted - measured) / measured).toBeLessThan(0.005);
      // And the move is visible: the prediction is nearer the rebuilt figure than the build it started from.
      expect(Math.abs(predicted - measured)).toBeLessThan(Math.abs(asBuilt.callback.cycles.median - measured) + 10);
    });
  }

  it('prints both rows side by side, warns about a move that would not fit, and takes no baseline gate from a what-if row', async () => {
    const { code, stdout, stderr } = await runCli('bench', '--blocks', '4', elf('audio-o2'), '--what-if', 'delay_line=DTCM');
    expect(code).toBe(0);
    expect(stdout).toMatch(/audio-o2\.elf \[delay_line → DTCM\] \(would not fit DTCM\)\s+[\d,]+\s+0\.\d\d/);
    expect(stderr).toMatch(/288000 bytes moved to DTCM would not fit DTCMRAM/);
  });

  it('a saved bench with what-if rows gates only the image as built', async () => {
    // The what-if row of audio-sdram (reverb_lines in AXI SRAM) is 26% faster than the image: taken as
    // the baseline, the image as built would be a regression.
    const save = join(mkdtempSync(join(tmpdir(), 'seedsim-what-if-')), 'base.json');
    expect((await runCli('bench', '--blocks', '8', elf('audio-sdram'), '--what-if', 'reverb_lines=SRAM', '--save', save)).code).toBe(0);
    const gated = await runCli('bench', '--blocks', '8', elf('audio-sdram'), '--baseline', save, '--tolerance', '1');
    expect(gated.code, gated.stderr).toBe(0);
    expect(gated.stderr).toMatch(/baseline: audio-sdram\.elf median \d+ cycles vs \d+ \(\+0\.00%/);
  });

  it('unknown symbols and regions are usage errors (exit 2)', async () => {
    const badSymbol = await runCli('bench', elf('audio-o2'), '--what-if', 'no_such_buffer=DTCM');
    expect(badSymbol.code).toBe(2);
    expect(badSymbol.stderr).toContain('no symbol "no_such_buffer"');
    const badRegion = await runCli('bench', elf('audio-o2'), '--what-if', 'reverb_lines=L2');
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toContain('unknown region "L2"');
    expect((await runCli('bench', elf('audio-o2'), '--what-if', 'reverb_lines')).code).toBe(2);
  });
});

describe('what-if names a C++ function as people write it', () => {
  // Linker names from a libDaisy app (field chorus) and an overload pair; c++filt (binutils) demangles them.
  const names = ['_ZN7daisysp6Chorus7ProcessEf', '_Z3fooi', '_Z3foof', 'AudioCallback'];

  it('by its full name or without its parameter list', () => {
    expect(linkerNamesOf(names, 'daisysp::Chorus::Process(float)')).toEqual(['_ZN7daisysp6Chorus7ProcessEf']);
    expect(linkerNamesOf(names, 'daisysp::Chorus::Process')).toEqual(['_ZN7daisysp6Chorus7ProcessEf']);
  });

  it('overloads share the name without parameters, and one is picked by its list', () => {
    expect(linkerNamesOf(names, 'foo')).toEqual(['_Z3fooi', '_Z3foof']);
    expect(linkerNamesOf(names, 'foo(float)')).toEqual(['_Z3foof']);
    expect(linkerNamesOf(names, 'bar')).toEqual([]);
  });
});
