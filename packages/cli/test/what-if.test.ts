/**
 * `seedsim bench --what-if`: a placement priced without rebuilding, checked against the same placement
 * rebuilt. The fixtures include audio-o2 rebuilt with reverb_lines in SDRAM (audio-sdram), with reverb.o's
 * .bss in DTCM (audio-dtcm-obj) and with the DSP functions in ITCM (audio-itcm): the what-if on one build
 * must predict the callback cycles measured on the other.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './helpers.js';

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
    expect(stdout).toMatch(/audio-o2\.elf \[delay_line → DTCM\]\s+[\d,]+\s+0\.\d\d/);
    expect(stderr).toMatch(/288000 bytes moved to DTCM would not fit DTCMRAM/);
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
