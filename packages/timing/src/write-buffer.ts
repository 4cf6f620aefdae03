/**
 * The store buffer between the pipeline and memory: stores retire into it and it drains one entry at
 * a time, in order. A store that finds it full stalls the pipeline until the oldest entry drains.
 * Depth and per-entry drain times are parameters (memory-params.ts; JNK measurements).
 */
export class WriteBuffer {
  private readonly done: Float64Array;
  private head = 0;
  private count = 0;
  /** When the most recently accepted entry finishes draining. */
  lastDone = 0;

  constructor(readonly depth: number) {
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`store buffer depth ${depth} must be a positive integer`);
    this.done = new Float64Array(depth);
  }

  /** Accepts a store at cycle `now` that needs `drainCycles` to complete; returns the cycles the pipeline stalls. */
  push(now: number, drainCycles: number): number {
    this.retireUntil(now);
    let stall = 0;
    if (this.count === this.depth) {
      const oldest = this.done[this.head];
      stall = oldest - now;
      now = oldest;
      this.retireUntil(now);
    }
    const start = this.lastDone > now ? this.lastDone : now;
    const finish = start + drainCycles;
    // Ring index without `%` (an integer division on the hot path): head + count < 2 * depth.
    const tail = this.head + this.count;
    this.done[tail >= this.depth ? tail - this.depth : tail] = finish;
    this.count++;
    this.lastDone = finish;
    return stall;
  }

  /** Cycles from `now` until every buffered store has drained (barriers, Device reads). */
  drainTime(now: number): number {
    return this.lastDone > now ? this.lastDone - now : 0;
  }

  get pending(): number {
    return this.count;
  }

  private retireUntil(now: number): void {
    while (this.count > 0 && this.done[this.head] <= now) {
      this.head = this.head + 1 === this.depth ? 0 : this.head + 1;
      this.count--;
    }
  }

  reset(): void {
    this.head = this.count = 0;
    this.lastDone = 0;
  }
}
