/**
 * The one clock of a simulation (DESIGN.md principle 1): simulated CPU cycles.
 * Peripherals never tick per cycle; they schedule an event for the cycle at which something happens
 * (a SysTick wrap, a DMA half transfer) and compute their visible state lazily from `cycles` when read.
 * The run loop compares `cycles` with `nextEventAt` after each instruction and calls `runDue()`.
 */
export type ClockCallback = (now: number) => void;

interface ClockEvent {
  at: number;
  seq: number;
  callback: ClockCallback;
  live: boolean;
}

export class Clock {
  /** Simulated CPU cycles since power-on. A float64 holds exact integers up to 2^53. */
  cycles = 0;
  /** Cycle of the earliest pending event, Infinity when none. */
  nextEventAt = Infinity;
  private readonly heap: ClockEvent[] = [];
  private seq = 0;

  /** Calls `callback` once `cycles` reaches `at`. Returns a handle for {@link cancel}. */
  schedule(at: number, callback: ClockCallback): object {
    const event: ClockEvent = { at, seq: this.seq++, callback, live: true };
    this.push(event);
    if (at < this.nextEventAt) this.nextEventAt = at;
    return event;
  }

  cancel(handle: object | null | undefined): void {
    if (handle) (handle as ClockEvent).live = false;
  }

  /** Runs every event due at or before `cycles`, earliest first. */
  runDue(): void {
    const heap = this.heap;
    while (heap.length > 0 && heap[0].at <= this.cycles) {
      const event = this.pop();
      if (event.live) {
        event.live = false;
        event.callback(event.at);
      }
    }
    while (heap.length > 0 && !heap[0].live) this.pop();
    this.nextEventAt = heap.length > 0 ? heap[0].at : Infinity;
  }

  private before(a: ClockEvent, b: ClockEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(event: ClockEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): ClockEvent {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.before(heap[l], heap[m])) m = l;
        if (r < heap.length && this.before(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
    return top;
  }
}
