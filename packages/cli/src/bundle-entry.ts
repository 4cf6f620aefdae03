/**
 * What the CLI's bundle (bin/bundle.js, dist/seedsim.cjs) exports: the command, and the board API the
 * benchmarks measure through the same bundle. A bench worker thread (commands/bench-workers.ts) is this
 * bundle started again in a thread: serveBenchWorker() then runs its job (and does nothing elsewhere).
 */
import { serveBenchWorker } from './commands/bench-workers.js';

export { main } from './main.js';
export { DaisyBoard } from '@seedsim/daisy';
export { loadElf } from '@seedsim/elf';

serveBenchWorker();
