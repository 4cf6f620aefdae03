/**
 * Branch prediction. The Cortex-M7 has a BTAC (branch target address cache) giving single-cycle
 * turnaround of predictor state and target, and a static predictor (TRM §1.2.3, hw-facts §1.1). Its size
 * and organisation are a [GAP] (hw-facts §7.2); this model chooses:
 *   - a direct-mapped BTAC of `entries` entries indexed by (pc >> 1), tagged with the full pc, holding
 *     the last target and a 2-bit saturating direction counter; only taken branches allocate;
 *   - on a BTAC miss, static prediction at decode: unconditional direct branches and calls are taken,
 *     backward conditional branches are taken, forward ones are not, indirect branches are not (their
 *     target is unknown at decode). A taken static prediction costs a decode-redirect bubble.
 */
import { BranchKind } from './m7-tables.js';

export interface PredictorParams {
  /** BTAC entries (power of two). [GAP §7.2] chosen: 64. */
  btacEntries: number;
  /** Cycles lost when a taken branch is predicted statically at decode (BTAC miss). [GAP] chosen: 2. */
  staticTakenBubble: number;
}

export const enum Prediction {
  /** Predicted correctly by the BTAC (or not-taken as predicted): no bubble. */
  Correct = 0,
  /** Taken, predicted taken at decode without the BTAC: a short bubble. */
  StaticTaken = 1,
  /** Direction or target wrong: full mispredict penalty. */
  Mispredicted = 2,
}

export class BranchPredictor {
  private readonly tag: Int32Array;
  private readonly target: Int32Array;
  private readonly counter: Uint8Array;
  private readonly mask: number;

  constructor(readonly params: PredictorParams) {
    const n = params.btacEntries;
    if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) throw new Error(`BTAC entries ${n} must be a power of two`);
    this.tag = new Int32Array(n).fill(-1);
    this.target = new Int32Array(n);
    this.counter = new Uint8Array(n);
    this.mask = n - 1;
  }

  /**
   * Resolves a branch at `pc` that went to `target` (`taken`), updates the predictor and says how it was
   * predicted. `conditional` is false for branches known unconditional.
   */
  resolve(pc: number, kind: BranchKind, conditional: boolean, taken: boolean, target: number): Prediction {
    const i = (pc >>> 1) & this.mask;
    const hit = this.tag[i] === (pc | 0);
    let result: Prediction;
    if (hit) {
      const predictTaken = this.counter[i] >= 2;
      if (predictTaken !== taken) result = Prediction.Mispredicted;
      else if (taken && this.target[i] !== (target | 0)) result = Prediction.Mispredicted;
      else result = Prediction.Correct;
    } else {
      let staticTaken: boolean;
      if (kind === BranchKind.Indirect) staticTaken = false;
      else if (kind === BranchKind.Call || !conditional) staticTaken = true;
      // Backward taken, forward not taken. A branch that fell through shows no target here, so its
      // direction is unknown: it is counted as predicted not-taken (a documented approximation).
      else staticTaken = taken ? target >>> 0 < pc >>> 0 : false;
      if (staticTaken !== taken) result = Prediction.Mispredicted;
      else result = taken ? Prediction.StaticTaken : Prediction.Correct;
    }
    if (taken) {
      if (hit) {
        if (this.counter[i] < 3) this.counter[i]++;
      } else {
        this.tag[i] = pc | 0;
        this.counter[i] = 2;
      }
      this.target[i] = target | 0;
    } else if (hit && this.counter[i] > 0) {
      this.counter[i]--;
    }
    return result;
  }

  invalidate(): void {
    this.tag.fill(-1);
    this.counter.fill(0);
  }
}
