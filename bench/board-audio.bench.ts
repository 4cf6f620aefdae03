/**
 * Whole-board speed on the bundled audio fixture: emulated MIPS while the firmware's DMA interrupt runs
 * the audio callback, with the full Cortex-M7 timing model (caches, bus latencies, profiler) and with the
 * ideal model, so the cost of the timing model shows. Sleep (WFI) is skipped by the clock, so MIPS counts
 * only executed instructions.
 *
 * Measured in the steady state: V8 keeps compiling (on background threads, which count in CPU time)
 * code that becomes hot slowly, such as once-per-block handlers, for about the first simulated second,
 * so the board first runs 2 simulated seconds. The cold figure (the first simulated second, compilation
 * included) is printed too, for what a short run sees.
 *
 * Two builds of the same sources are measured, each in a process of its own (board-audio-measure.mjs):
 * the CLI's bundle (packages/cli/bin/bundle.js: one CommonJS file, how `seedsim` runs) and the
 * TypeScript sources as ES modules (how a library user's test imports @seedsim/daisy). V8 runs the
 * bundle faster (docs/measurements.md, "ES modules or one bundle").
 * Run: node --import tsx bench/board-audio.bench.ts (SEEDSIM_BENCH_RUNS=N processes per figure, default 3)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MEASURE = fileURLToPath(new URL('./board-audio-measure.mjs', import.meta.url));

interface Figures {
  cold: number;
  steady: number;
  instructions: number;
}

function measure(build: 'bundle' | 'modules', timing: 'm7' | 'ideal'): Figures {
  const loader = build === 'modules' ? ['--import', 'tsx'] : [];
  const output = execFileSync(process.execPath, [...loader, MEASURE, build, timing], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '') as Figures;
}

const BUILD_NAME = { bundle: 'CLI bundle', modules: 'ES modules' } as const;
/**
 * Processes per figure: the machine's speed drifts by several percent between runs of the same build
 * (docs/measurements.md, "The machine's speed"), so each figure is the median of this many, with the range.
 */
const RUNS = Number(process.env.SEEDSIM_BENCH_RUNS ?? 3);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]): string =>
  xs.length > 1 ? ` (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} over ${xs.length} runs)` : '';

for (const [build, timing] of [['bundle', 'm7'], ['bundle', 'ideal'], ['modules', 'm7']] as const) {
  const runs = Array.from({ length: RUNS }, () => measure(build, timing));
  const cold = runs.map((f) => f.cold);
  const steady = runs.map((f) => f.steady);
  const name = `board audio-o2 (timing ${timing}, ${BUILD_NAME[build]})`;
  console.log(`${name}, first simulated second (JIT warming up): ${median(cold).toFixed(1)} MIPS per CPU-second${spread(cold)}`);
  console.log(`${name}, steady state: ${median(steady).toFixed(1)} MIPS per CPU-second${spread(steady)}`);
}
