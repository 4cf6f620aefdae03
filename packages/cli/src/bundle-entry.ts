/**
 * What the CLI's bundle (bin/bundle.js, dist/seedsim.cjs) exports: the command, and the board API the
 * benchmarks measure through the same bundle.
 */
export { main } from './main.js';
export { DaisyBoard } from '@seedsim/daisy';
export { loadElf } from '@seedsim/elf';
