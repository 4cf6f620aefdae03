import { Clock, type SocContext } from '@seedsim/core';

/** A SocContext for unit tests that records rules, unmodelled accesses and IRQ edges with their cycle. */
export class RecordingContext implements SocContext {
  readonly clock = new Clock();
  readonly rules: { rule: string; address: number; isWrite: boolean; detail: string; cycle: number }[] = [];
  readonly unmodelledAccesses: { device: string; offset: number; isWrite: boolean; value: number }[] = [];
  readonly irqEdges: { irq: number; level: boolean; cycle: number }[] = [];
  readonly irqLevels = new Map<number, boolean>();

  unmodelled(device: string, offset: number, isWrite: boolean, value: number): void {
    this.unmodelledAccesses.push({ device, offset, isWrite, value });
  }

  setIrq(irq: number, level: boolean): void {
    this.irqEdges.push({ irq, level, cycle: this.clock.cycles });
    this.irqLevels.set(irq, level);
  }

  rule(rule: string, address: number, isWrite: boolean, detail: string): void {
    this.rules.push({ rule, address, isWrite, detail, cycle: this.clock.cycles });
  }

  /** Runs every event up to and including cycle `t`, with `clock.cycles` equal to each event's cycle. */
  advanceTo(t: number): void {
    const clock = this.clock;
    while (clock.nextEventAt <= t) {
      clock.cycles = clock.nextEventAt;
      clock.runDue();
    }
    clock.cycles = t;
  }

  rulesNamed(rule: string): { rule: string; address: number; isWrite: boolean; detail: string; cycle: number }[] {
    return this.rules.filter((r) => r.rule === rule);
  }
}
