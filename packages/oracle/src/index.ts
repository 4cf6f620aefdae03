/** @seedsim/oracle: the Unicorn Engine differential oracle for the seedsim core (Node only). */
export { Unicorn, UnicornError, UnicornUnavailableError, unicornAvailable, unicornLoadProblem, type MappedRegion } from './unicorn.js';
export { Lockstep, type LockstepOptions, type LockstepResult, type Mismatch, type Reproducer, type StateView } from './lockstep.js';
export { loadSeedsimCpu, seedsimCoreFactory, type CoreFactory, type CoreUnderTest, type MemoryRange } from './core-under-test.js';
export { unicornCoreFactory } from './unicorn-core.js';
export { formatMismatch, reproducer } from './report.js';
export { KNOWN_DIVERGENCES, knownDivergence } from './divergences.js';
export { StreamGenerator, classNames, type Block, type StreamOptions } from './generate/stream.js';
export { Rng } from './generate/rng.js';
