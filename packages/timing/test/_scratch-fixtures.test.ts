import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { loadElf } from '@seedsim/elf';
import { DaisyBoard } from '@seedsim/daisy';

const names = ['micro-load-use', 'micro-branch', 'micro-div', 'micro-fpu-chain', 'micro-stream'];
it('scratch: micro fixtures', () => {
  for (const name of names) {
    const root = '/work/main/firmware-fixtures/';
    const manifest = JSON.parse(readFileSync(`${root}manifests/${name}.json`, 'utf8'));
    const image = loadElf(new Uint8Array(readFileSync(`${root}build/${name}.elf`)), name);
    const board = new DaisyBoard(image, {});
    const sym = (n: string) => (image.symbols as any).get?.(n) ?? (image.symbols as any).byName?.(n);
    const done = sym(manifest.results.done);
    const arr = sym(manifest.results.array);
    let out: any; for (let k = 0; k < 400; k++) { out = board.run({ maxCycles: 1_000_000 }); if (board.bus.read32((done.value ?? done.address) >>> 0) === manifest.results.doneValue || out.reason !== "budget") break; }
    const doneVal = board.bus.read32(done.value ?? done.address);
    console.log(`== ${name}: ${out.reason} ${out.message} done=${doneVal.toString(16)}`);
    const base = (arr.value ?? arr.address) >>> 0;
    const empty = board.bus.read32(base);
    for (const e of manifest.results.entries) {
      const raw = board.bus.read32(base + 4 * e.index);
      console.log(`${String(e.index).padStart(2)} ${e.name.padEnd(26)} raw ${String(raw).padStart(7)} net ${String(raw - empty).padStart(7)}  insns ${e.instructions}  | ${e.published}`);
    }
  }
}, 600_000);
