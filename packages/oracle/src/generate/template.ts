import type { Rng } from './rng.js';
import type { StreamItem } from './item.js';

/** What a template knows about where its instructions go. */
export interface GenContext {
  /** The instructions are the conditional body of an IT block (16-bit flag setting is suppressed there). */
  inIt: boolean;
}

/**
 * A field-level template: fixed opcode bits plus random fields chosen within the constraints of
 * generate/layout.ts. `make` returns the items it emits (one instruction, or a short snippet such as
 * MOVS + TBB + table).
 */
export interface Template {
  /** Instruction family, e.g. 't32-parallel'. */
  readonly name: string;
  /** Generator class for --class and the weighting (every class gets an equal share). */
  readonly group: string;
  /** It emits exactly one instruction that may be made conditional by an IT block. */
  readonly itSafe: boolean;
  make(rng: Rng, ctx: GenContext): StreamItem[];
}
