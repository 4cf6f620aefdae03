// The seedsim command runs from one bundled CommonJS file (dist/seedsim.cjs), built with esbuild from
// the TypeScript sources and rebuilt whenever a source is newer than it.
//
// Why a bundle rather than the sources as ES modules: V8 (Node 20) reads imported bindings and
// module-scope variables of an ES module more slowly than the variables of one function scope, and the
// emulator's hot loop touches many of them. The same code runs 6% faster from a CommonJS or IIFE bundle
// (the whole board on the audio fixture; docs/measurements.md, "ES modules or one bundle").
import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = dirname(cliDir);
const workspaceDir = dirname(packagesDir);
export const bundlePath = join(cliDir, 'dist', 'seedsim.cjs');
const entry = join(cliDir, 'src', 'bundle-entry.ts');

/** Newest modification time (ms) of the files under `dir`, recursively; 0 when it does not exist. */
function newestUnder(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    const time = e.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Newest modification time of what the bundle is built from: every package's sources and manifest. */
export function newestInput() {
  let newest = Math.max(mtimeOf(fileURLToPath(import.meta.url)), mtimeOf(join(workspaceDir, 'package-lock.json')));
  for (const name of readdirSync(packagesDir)) {
    newest = Math.max(newest, newestUnder(join(packagesDir, name, 'src')), mtimeOf(join(packagesDir, name, 'package.json')));
  }
  return newest;
}

/** True when dist/seedsim.cjs is missing or older than a source it is built from. */
export function bundleIsStale() {
  const built = mtimeOf(bundlePath);
  return built === 0 || built < newestInput();
}

/** Builds dist/seedsim.cjs (written to a temporary file, then renamed, so a concurrent run never reads half of it). */
export async function buildBundle() {
  const { build } = await import('esbuild');
  mkdirSync(dirname(bundlePath), { recursive: true });
  const temporary = `${bundlePath}.${process.pid}.tmp`;
  await build({
    entryPoints: [entry],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  renameSync(temporary, bundlePath);
}

/**
 * The bundle's exports ({ main, DaisyBoard, loadElf }), building it first when it is stale. Returns null
 * when it cannot be built (no esbuild, a read-only install): the caller then runs the sources.
 */
export async function loadBundle() {
  try {
    if (bundleIsStale()) await buildBundle();
  } catch {
    return null;
  }
  // Stack traces of internal errors point into the TypeScript sources (the bundle carries its map).
  process.setSourceMapsEnabled?.(true);
  return createRequire(import.meta.url)(bundlePath);
}
