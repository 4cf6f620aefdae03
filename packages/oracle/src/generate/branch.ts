import type { Rng } from './rng.js';
import type { StreamItem } from './item.js';

/** Encodes a branch for a byte offset from the PC read value (address + 4), or null when out of range. */
export type OffsetEncoder = (offset: number) => number[] | null;

/**
 * A resolver that points a branch at a random later instruction of the stream (at most `window`
 * items ahead) or at the stream's end, so that every branch goes forward and stays inside the stream.
 */
export function forwardBranch(rng: Rng, encode: OffsetEncoder, window = 8): StreamItem['resolve'] {
  return (items, self, endAddress) => {
    const here = items[self].address + 4;
    const candidates: number[] = [];
    for (let k = self + 1; k < items.length && k <= self + window; k++) {
      if (items[k].branchTarget && !items[k].isData) candidates.push(items[k].address);
    }
    candidates.push(endAddress);
    // Random order, then the first one the encoding can reach.
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    for (const target of candidates) {
      const halfwords = encode(target - here);
      if (halfwords) {
        items[self].halfwords = halfwords;
        return;
      }
    }
    throw new Error(`no reachable forward target for the branch at 0x${items[self].address.toString(16)}`);
  };
}
