// One measurement of bench/board-audio.bench.ts, in a process of its own:
//   node bench/board-audio-measure.mjs bundle m7|ideal          the CLI's bundle, as `seedsim` runs it
//   node --import tsx bench/board-audio-measure.mjs modules m7  the TypeScript sources as ES modules
// Plain JavaScript so that the bundle runs as the CLI runs it: under tsx's loader, a required bundle is
// transformed again and runs 8% slower. Prints one JSON line: { cold, steady, instructions }.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

const [build, timing] = process.argv.slice(2);
const ELF = fileURLToPath(new URL('../firmware-fixtures/build/audio-o2.elf', import.meta.url));
/** 50 ms of simulated time at 400 MHz per iteration: 50 audio callbacks. */
const CYCLES_PER_RUN = 20_000_000;
/** The first simulated second, printed as the cold figure. */
const COLD_CYCLES = 400_000_000;
/** Boot (about 5 ms) and 2 simulated seconds: the JIT has compiled what the run needs. */
const WARMUP_CYCLES = 800_000_000;

async function boardApi() {
  if (build === 'bundle') {
    const { loadBundle } = await import('../packages/cli/bin/bundle.js');
    const bundle = await loadBundle();
    if (bundle === null) throw new Error('the CLI bundle could not be built (packages/cli/bin/bundle.js)');
    return bundle;
  }
  if (build === 'modules') {
    const [{ DaisyBoard }, { loadElf }] = await Promise.all([import('@seedsim/daisy'), import('@seedsim/elf')]);
    return { DaisyBoard, loadElf };
  }
  throw new Error(`unknown build '${build}' (bundle or modules)`);
}

/** Emulated instructions per CPU-second of `board.run` for `cycles` simulated cycles. */
function mipsOver(board, cycles) {
  const before = board.cpu.instructions;
  const cpuBefore = process.cpuUsage();
  for (let done = 0; done < cycles; done += CYCLES_PER_RUN) board.run({ maxCycles: CYCLES_PER_RUN });
  return (board.cpu.instructions - before) / (process.cpuUsage(cpuBefore).user / 1e6) / 1e6;
}

const { DaisyBoard, loadElf } = await boardApi();
const board = new DaisyBoard(loadElf(new Uint8Array(readFileSync(ELF)), 'audio-o2.elf'), { timing });
const cold = mipsOver(board, COLD_CYCLES);
mipsOver(board, WARMUP_CYCLES - COLD_CYCLES);
const bench = new Bench({ time: 4000, warmupTime: 500, iterations: 3 });
bench.add(`audio-o2 ${timing} (${build})`, () => {
  board.run({ maxCycles: CYCLES_PER_RUN });
});
const before = board.cpu.instructions;
const cpuBefore = process.cpuUsage();
await bench.run();
const instructions = board.cpu.instructions - before;
const steady = instructions / (process.cpuUsage(cpuBefore).user / 1e6) / 1e6;
console.log(JSON.stringify({ cold, steady, instructions }));
