import type { SocContext } from '@seedsim/core';
import { RegisterBlock } from './register-block.js';

export const RNG_BASE = 0x48021800;

/** Register offsets (RM0433 RNG chapter). */
export const RNG = { CR: 0x00, SR: 0x04, DR: 0x08 } as const;

const CR_RNGEN = 1 << 2;
const SR_DRDY = 1 << 0;

/**
 * True random number generator (RM0433 RNG chapter). Runs must be repeatable, so DR returns a seeded
 * pseudo-random sequence (xorshift32) instead of entropy: SR.DRDY reads 1 whenever CR.RNGEN is set,
 * and each DR read returns the next value. No seed errors or clock errors are ever flagged.
 */
export class Rng extends RegisterBlock {
  private state: number;
  private last = 0;

  constructor(context: SocContext, seed = 0x2545f491) {
    super('RNG', RNG_BASE, 0x400, context);
    this.state = seed >>> 0 || 1;
    this.stored(RNG.CR);
    this.eventStable(RNG.CR, RNG.SR); // not DR: every read draws the next number
  }

  /** Side-effect-free view for debuggers: DR shows the last value read. */
  peek(offset: number): number {
    return offset === RNG.DR ? this.last : this.regs[offset >>> 2];
  }

  private next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  private get enabled(): boolean {
    return (this.regs[RNG.CR >>> 2] & CR_RNGEN) !== 0;
  }

  protected override readRegister(offset: number): number | undefined {
    if (offset === RNG.SR) return this.enabled ? SR_DRDY : 0;
    if (offset === RNG.DR) {
      if (!this.enabled) return 0;
      this.last = this.next();
      return this.last;
    }
    return undefined;
  }

  protected override writeRegister(offset: number): boolean {
    return offset === RNG.SR || offset === RNG.DR; // SR error flags are never set; DR is read-only
  }
}
