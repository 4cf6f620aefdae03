import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle, bundleIsStale, bundlePath, newestInput } from '../bin/bundle.js';
import { runCli } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/seedsim.js');
const elf = join(root, 'firmware-fixtures/build/audio-o2.elf');

describe('the CLI bundle (bin/bundle.js)', () => {
  it('is rebuilt from the sources and then up to date', async () => {
    await buildBundle();
    expect(statSync(bundlePath).mtimeMs).toBeGreaterThanOrEqual(statSync(join(root, 'packages/core/src/cpu.ts')).mtimeMs);
    expect(newestInput()).toBeGreaterThanOrEqual(statSync(join(root, 'packages/timing/src/m7-model.ts')).mtimeMs);
    expect(bundleIsStale()).toBe(false);
    // Older than a source: stale, and the command rebuilds it before it runs.
    const past = new Date(newestInput() - 60_000);
    utimesSync(bundlePath, past, past);
    expect(bundleIsStale()).toBe(true);
    execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(bundleIsStale()).toBe(false);
  });

  it('has no lazily initialised modules (a dynamic import would wrap them; V8 reads their variables more slowly)', async () => {
    if (bundleIsStale()) await buildBundle();
    const code = readFileSync(bundlePath, 'utf8');
    expect(code).toMatch(/\bclass DaisyBoard\b|DaisyBoard = class/);
    expect(code).not.toContain('__esm(');
  });

  it('is what the seedsim command runs: the same output as the sources give', async () => {
    const fromSources = await runCli('map', elf);
    const fromBin = execFileSync(process.execPath, [bin, 'map', elf], { encoding: 'utf8' });
    expect(fromSources.code).toBe(0);
    expect(fromBin).toBe(fromSources.stdout);
  });
});
