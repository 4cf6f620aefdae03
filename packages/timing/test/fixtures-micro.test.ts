/**
 * End to end: the micro-benchmark firmware (firmware-fixtures, built with arm-none-eabi-gcc, timed with
 * DWT.CYCCNT by the firmware itself) booted on the DaisyBoard with the M7 model. Each measurement is
 * compared with the published Cortex-M7 figure its manifest cites (JNK, QUIN; hw-facts §1), within 5%
 * or one cycle per timed instruction group, the tolerance of the brief.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadElf } from '@seedsim/elf';
import { DaisyBoard } from '@seedsim/daisy';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../firmware-fixtures');

/** Runs a micro fixture until it sets its done flag; returns its results minus the empty measurement. */
function measure(name: string): number[] {
  const manifest = JSON.parse(readFileSync(join(root, 'manifests', `${name}.json`), 'utf8'));
  const image = loadElf(new Uint8Array(readFileSync(join(root, 'build', `${name}.elf`))), name);
  const board = new DaisyBoard(image, { timing: 'm7' });
  const done = image.symbols.get(manifest.results.done)!.address >>> 0;
  const results = image.symbols.get(manifest.results.array)!.address >>> 0;
  for (let k = 0; k < 200 && board.bus.read32(done) !== manifest.results.doneValue; k++) {
    const out = board.run({ maxCycles: 1_000_000 });
    if (out.reason !== 'budget') throw new Error(`${name}: ${out.reason}: ${out.message}`);
  }
  expect(board.bus.read32(done)).toBe(manifest.results.doneValue);
  const empty = board.bus.read32(results);
  return manifest.results.entries.map((e: { index: number }) => board.bus.read32(results + 4 * e.index) - empty);
}

function within(actual: number, published: number): void {
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(Math.max(published * 0.05, 1));
}

const haveFixtures = existsSync(join(root, 'build', 'micro-load-use.elf'));

describe.skipIf(!haveFixtures)('micro fixtures on the DaisyBoard (published Cortex-M7 figures)', () => {
  it('load-use: pointer chase 3/load (QUIN), load→ALU free and →MUL +1 (JNK), bank pairs, LDM ceil(n/2) (JNK)', () => {
    const r = measure('micro-load-use');
    within(r[1], 64 * 3); // 64 dependent LDR r3,[r3] in DTCM
    within(r[2], 64 * 3); // the same on warm AXI SRAM: a D-cache hit is TCM-like
    within(r[3], 64); // 64 × (LDR; ADD using it): the pair issues every cycle
    within(r[4], 128); // 64 × (LDR; MUL using it): +1
    within(r[5], 64); // 128 loads alternating banks: two per cycle
    within(r[6], 16 * 4); // 16 × LDM of 8 registers
    within(r[7], 16 * 2); // 16 × LDM of 3 registers
  });

  it('FPU chains: VADD/VMUL 3, VFMA 3 on the accumulator and 5 as multiplicand, VDIV 16, VSQRT 14, F64 (JNK)', () => {
    const r = measure('micro-fpu-chain');
    within(r[1], 32 * 3); // vadd.f32 chain
    within(r[2], 32 * 3); // vmul.f32 chain
    within(r[3], 32 * 3); // vfma.f32 accumulator chain
    within(r[4], 32 * 5); // vfma.f32 multiplicand chain
    within(r[5], 32 * 16); // vdiv.f32 chain
    within(r[6], 32 * 14); // vsqrt.f32 chain
    within(r[7], 32 * 3); // vadd.f64 chain
    within(r[8], 32 * 5); // vmul.f64: CPI 5
    within(r[9], 32 * 30); // vdiv.f64 chain
    within(r[10], 32); // 32 independent vadd.f32: one per cycle, FP arithmetic never pairs
  });

  it('stream: post-indexed loads issue every cycle from DTCM and warm cache; placement orders the cold and uncached costs', () => {
    const r = measure('micro-stream');
    // 128 iterations of 8 post-indexed LDRs + SUBS/BNE: 8 load cycles + 1 for the pair (JNK).
    within(r[1], 128 * 9);
    for (const warm of [5, 11, 14, 17]) expect(r[warm]).toBe(r[1]); // AXI SRAM, SDRAM, QSPI, flash: warm = DTCM
    // Cold and uncached: TCM < flash < AXI SRAM uncached < SDRAM uncached < QSPI (hw-facts §3, §5).
    expect(r[16]).toBeGreaterThan(r[2]); // flash cold
    expect(r[6]).toBeGreaterThan(r[16]); // AXI SRAM uncached
    expect(r[12]).toBeGreaterThan(r[6]); // SDRAM uncached
    expect(r[15]).toBeGreaterThan(r[12]); // QSPI uncached
    expect(r[13]).toBeGreaterThan(r[10]); // QSPI cold > SDRAM cold
  });
});
