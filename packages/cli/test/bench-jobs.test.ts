import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SineSource } from '@seedsim/soc';
import { loadElf } from '@seedsim/elf';
import { readFileSync } from 'node:fs';
import { buildBundle, bundleIsStale, bundlePath } from '../bin/bundle.js';
import { boardOptions, boardOptionsForOneBoard } from '../src/board-options.js';
import { benchOne, type BenchOutcome } from '../src/commands/bench-one.js';
import { benchInWorkers } from '../src/commands/bench-workers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/seedsim.js');
const elf = (name: string) => join(root, 'firmware-fixtures/build', `${name}.elf`);
const settings = { blocks: 6, top: 5, bootSeconds: 10 };

async function freshBundle(): Promise<string> {
  if (bundleIsStale()) await buildBundle();
  return bundlePath;
}

describe('seedsim bench --jobs: several images in worker threads', () => {
  it('gives each image the outcome it gets in the main thread, in the order given', async () => {
    const paths = [elf('audio-o2'), elf('bug-sdram-ctor'), elf('audio-sdram')];
    const values = { timing: 'm7' };
    const heard: number[] = [];
    const outcomes = await benchInWorkers(await freshBundle(), 2, paths.map((path) => ({ path })), values, settings, () => {}, (i) => heard.push(i));
    expect(heard).toEqual([0, 1, 2]);
    const inProcess: BenchOutcome[] = paths.map((p) => benchOne(loadElf(new Uint8Array(readFileSync(p)), p), boardOptions(values), settings, () => {}));
    expect(outcomes).toEqual(inProcess);
    // The SDRAM build is slower than the -O2 one, and the reproducer fails with its fault decoded.
    const median = (o: BenchOutcome) => ('result' in o ? o.result.callback.cycles.median : NaN);
    expect(median(outcomes[2])).toBeGreaterThan(median(outcomes[0]));
    expect(outcomes[1]).toMatchObject({ failure: { message: expect.stringContaining('HardFault') } });
  });

  it('prints the same as one image at a time, and exits 1 when an image fails', async () => {
    await freshBundle();
    const args = ['bench', '--blocks', '6', elf('audio-o2'), elf('bug-sdram-ctor'), elf('audio-qspi')];
    const run = (jobs: string) => spawnSync(process.execPath, [bin, ...args, '--jobs', jobs], { encoding: 'utf8' });
    const parallel = run('3');
    const serial = run('1');
    expect(parallel.status).toBe(1);
    expect(serial.status).toBe(1);
    expect(parallel.stdout).toBe(serial.stdout);
    expect(parallel.stderr).toBe(serial.stderr);
    expect(parallel.stderr).toContain('the firmware stopped before audio ran: HardFault');
    expect(parallel.stdout.indexOf('audio-o2.elf  (')).toBeLessThan(parallel.stdout.indexOf('audio-qspi.elf  ('));
  });

  it('rejects a --jobs that is not a whole number of at least 1', () => {
    const r = spawnSync(process.execPath, [bin, 'bench', '--jobs', '0', elf('audio-o2')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--jobs');
  });
});

describe('board options for several boards', () => {
  it('gives each board its own audio source, starting at the first frame', () => {
    const options = boardOptions({ sine: '1000' });
    const first = boardOptionsForOneBoard(options).audioInput as SineSource;
    const second = boardOptionsForOneBoard(options).audioInput as SineSource;
    expect(second).not.toBe(first);
    const frame = (source: SineSource) => {
      const slots = new Int32Array(2);
      source.nextFrame(slots, 2, 24, 48_000);
      return slots[0];
    };
    // A 1 kHz sine from phase 0: frame 0 is 0, frame 1 is sin(2π/48) of half scale.
    const expectedSecondFrame = Math.round(Math.sin((2 * Math.PI * 1000) / 48_000) * 0.5 * (2 ** 23 - 1));
    expect(frame(first)).toBe(0);
    expect(frame(first)).toBe(expectedSecondFrame);
    expect(frame(second)).toBe(0);
  });
});
