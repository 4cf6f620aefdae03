/**
 * Whole-board speed on the bundled audio fixture: emulated MIPS while the firmware's DMA interrupt runs
 * the audio callback, with the full Cortex-M7 timing model (caches, bus latencies, profiler) and with the
 * ideal model, so the cost of the timing model shows. Sleep (WFI) is skipped by the clock, so MIPS counts
 * only executed instructions.
 *
 * Measured in the steady state: V8 keeps compiling (on background threads, which count in CPU time)
 * code that becomes hot slowly, such as once-per-block handlers, for about the first simulated second,
 * so the board first runs WARMUP_CYCLES. The cold figure (the first simulated second, compilation
 * included) is printed too, for what a short run sees.
 * Run: node --import tsx bench/board-audio.bench.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { loadElf } from '@seedsim/elf';
import { DaisyBoard } from '@seedsim/daisy';

const ELF = fileURLToPath(new URL('../firmware-fixtures/build/audio-o2.elf', import.meta.url));
/** 50 ms of simulated time at 400 MHz per iteration: 50 audio callbacks. */
const CYCLES_PER_RUN = 20_000_000;
/** Boot (about 5 ms) and 2 simulated seconds: the JIT has compiled what the run needs (see above). */
const WARMUP_CYCLES = 800_000_000;

/** Emulated MIPS per CPU-second of `board.run` for `cycles`. */
function mipsOver(board: DaisyBoard, cycles: number): { mips: number; instructions: number } {
  const before = board.cpu.instructions;
  const cpuBefore = process.cpuUsage();
  for (let done = 0; done < cycles; done += CYCLES_PER_RUN) board.run({ maxCycles: CYCLES_PER_RUN });
  const instructions = board.cpu.instructions - before;
  return { mips: instructions / (process.cpuUsage(cpuBefore).user / 1e6) / 1e6, instructions };
}

function bootedBoard(timing: 'm7' | 'ideal', lines: string[]): DaisyBoard {
  const image = loadElf(new Uint8Array(readFileSync(ELF)), 'audio-o2.elf');
  const board = new DaisyBoard(image, { timing });
  const cold = mipsOver(board, 400_000_000);
  lines.push(`board audio-o2 (timing ${timing}), first simulated second (JIT warming up): ${cold.mips.toFixed(1)} MIPS per CPU-second`);
  mipsOver(board, WARMUP_CYCLES - 400_000_000);
  return board;
}

async function main(): Promise<void> {
  const lines: string[] = [];
  for (const timing of ['m7', 'ideal'] as const) {
    const board = bootedBoard(timing, lines);
    const bench = new Bench({ time: 4000, warmupTime: 500, iterations: 3 });
    bench.add(`audio-o2 ${timing}`, () => {
      board.run({ maxCycles: CYCLES_PER_RUN });
    });
    const before = board.cpu.instructions;
    const cpuBefore = process.cpuUsage();
    await bench.run();
    const cpuSeconds = process.cpuUsage(cpuBefore).user / 1e6;
    const executed = board.cpu.instructions - before;
    lines.push(`board audio-o2 (timing ${timing}), steady state: ${(executed / cpuSeconds / 1e6).toFixed(1)} MIPS per CPU-second (${executed} instructions)`);
  }
  for (const line of lines) console.log(line);
}

if (process.argv[1]?.endsWith('board-audio.bench.ts')) await main();
