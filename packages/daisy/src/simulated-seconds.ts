import type { Clock } from '@seedsim/core';
import type { ClockTree } from '@seedsim/soc';

/**
 * Simulated seconds since power-on, as `run --seconds` counts them: cycles follow the CPU clock the
 * firmware configures (64 MHz at reset, 400/480 MHz after the PLL), so a cycle count converts to seconds
 * piecewise, from the last clock change on.
 */
export class SimulatedSeconds {
  private anchorCycle = 0;
  private anchorSeconds = 0;
  private cpuHz: number;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly tree: ClockTree,
  ) {
    this.cpuHz = tree.clocks.cpu;
    tree.onChange(() => {
      this.anchorSeconds = this.at(this.clock.cycles);
      this.anchorCycle = this.clock.cycles;
      this.cpuHz = this.tree.clocks.cpu;
      for (const listener of this.listeners) listener();
    });
  }

  /** The CPU clock now, in Hz. */
  get hz(): number {
    return this.cpuHz;
  }

  /** Simulated seconds at cycle `cycle` (at or after the last clock change). */
  at(cycle: number): number {
    return this.anchorSeconds + (cycle - this.anchorCycle) / this.cpuHz;
  }

  /** Simulated seconds now. */
  now(): number {
    return this.at(this.clock.cycles);
  }

  /** The cycle at which `seconds` falls at the present clock (not before the last clock change). */
  cycleAt(seconds: number): number {
    return this.anchorCycle + Math.max(0, seconds - this.anchorSeconds) * this.cpuHz;
  }

  /** Told after each CPU clock change, with the anchor already moved. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
