/**
 * The `npm run oracle` command: its last line, its exit codes, its usage errors.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unicornLoadProblem } from '../src/unicorn.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function oracle(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return oracleWith({}, ...args);
}

function oracleWith(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 110_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('oracle command line', () => {
  it('bad usage exits 2 with a message', () => {
    const unknown = oracle('--bogus');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown argument '--bogus'/);
    const badCount = oracle('--count', 'many');
    expect(badCount.status).toBe(2);
    expect(badCount.stderr).toMatch(/--count needs a non-negative integer/);
    const badClass = oracle('--class', 'no-such-class');
    expect(badClass.status).toBe(2);
    expect(badClass.stderr).toMatch(/unknown class 'no-such-class'/);
  });

  it('exits 2 with a clear message when the Unicorn library cannot be loaded', () => {
    const run = oracleWith({ SEEDSIM_UNICORN_LIB: '/nonexistent/libunicorn.so.2' }, '--count', '10');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Unicorn Engine 2 is not available \(\/nonexistent\/libunicorn.so.2 could not be loaded/);
  });

  it.skipIf(unicornLoadProblem() !== null)('prints the seed first and "N instructions, M mismatches" last; exit 0 when clean', () => {
    const run = oracle('--count', '3000', '--seed', '99', '--class', 'parallel');
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('seed 99');
    expect(lines[lines.length - 1]).toMatch(/^\d+ instructions, 0 mismatches$/);
    expect(Number(lines[lines.length - 1].split(' ')[0])).toBeGreaterThanOrEqual(3000);
    expect(run.status).toBe(0);
  });
});
