/**
 * `--timing ideal|m7`: builds the chosen model. Both expose `accounts`, `snapshot()` and `resetCounters()`.
 */
import { IdealModel } from './ideal-model.js';
import { M7Model, type M7ModelOptions } from './m7-model.js';

export type TimingModelName = 'ideal' | 'm7';
export const TIMING_MODEL_NAMES: readonly TimingModelName[] = ['ideal', 'm7'];

export function createTimingModel(name: string, options: M7ModelOptions = {}): IdealModel | M7Model {
  switch (name) {
    case 'ideal':
      return new IdealModel();
    case 'm7':
      return new M7Model(options);
    default:
      throw new Error(`unknown timing model '${name}': expected one of ${TIMING_MODEL_NAMES.join(', ')}`);
  }
}
