import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadElf, type ElfImage } from '@seedsim/elf';

/** The committed fixture firmware (firmware-fixtures/build) with its manifests. */
export const FIXTURE_DIR = fileURLToPath(new URL('../../../firmware-fixtures/build/', import.meta.url));

export interface FixtureManifest {
  name: string;
  kind: 'audio' | 'bug' | 'fix' | 'micro';
  appType: string;
  cpuHz: number;
  audio?: { callback: string; isr: string; irq: number; blockFrames: number; blocksProcessed: string };
  expectedRules: { rule: string; symbol: string; function: string; access: string }[];
  twin?: string;
  results?: unknown;
}

export function fixtureNames(kind?: FixtureManifest['kind']): string[] {
  if (!existsSync(FIXTURE_DIR)) return [];
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.manifest.json'))
    .map((f) => f.replace(/\.manifest\.json$/, ''))
    .filter((name) => !kind || manifest(name).kind === kind)
    .sort();
}

export function manifest(name: string): FixtureManifest {
  return JSON.parse(readFileSync(`${FIXTURE_DIR}${name}.manifest.json`, 'utf8')) as FixtureManifest;
}

export function fixtureImage(name: string): ElfImage {
  return loadElf(new Uint8Array(readFileSync(`${FIXTURE_DIR}${name}.elf`)), `${name}.elf`);
}
