import { Clock, type SocContext } from '@seedsim/core';

export interface RuleEvent {
  rule: string;
  address: number;
  isWrite: boolean;
  detail: string;
}

/** A SocContext that records everything the devices report, for tests. */
export class RecordingContext implements SocContext {
  readonly clock = new Clock();
  readonly unmodelledCalls: { device: string; offset: number; isWrite: boolean; value: number }[] = [];
  readonly rules: RuleEvent[] = [];
  readonly irqLevels = new Map<number, boolean>();
  readonly irqRaised: number[] = [];

  unmodelled(device: string, offset: number, isWrite: boolean, value: number): void {
    this.unmodelledCalls.push({ device, offset, isWrite, value });
  }

  setIrq(irq: number, level: boolean): void {
    if (level && !this.irqLevels.get(irq)) this.irqRaised.push(irq);
    this.irqLevels.set(irq, level);
  }

  rule(rule: string, address: number, isWrite: boolean, detail: string): void {
    this.rules.push({ rule, address, isWrite, detail });
  }

  /** Advances the clock to `cycles` and runs the events due, as the run loop does. */
  advanceTo(cycles: number): void {
    this.clock.cycles = cycles;
    if (this.clock.nextEventAt <= cycles) this.clock.runDue();
  }
}
