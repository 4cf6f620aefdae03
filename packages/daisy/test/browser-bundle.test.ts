import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

describe('the emulator runs in a browser bundle', () => {
  it('bundles @seedsim/daisy (board, core, soc, timing) for the browser with no Node built-in', async () => {
    // platform 'browser' makes any import of fs, path, util, Buffer … an unresolved-module error.
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
      external: [],
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/require\(["'](fs|path|util|assert|os|child_process)["']\)/);
    expect(code).toMatch(/DaisyBoard = class|class DaisyBoard/);
  });
});
