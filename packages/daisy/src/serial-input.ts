import type { Clock } from '@seedsim/core';
import type { SimulatedSeconds } from './simulated-seconds.js';

/** Bytes that arrive on a serial input at a simulated time (seconds since power-on). */
export interface TimedBytes {
  seconds: number;
  bytes: readonly number[];
}

/** Where timed bytes go: a USART's RX line (Usart.receive), or the USB host's MIDI out (UsbPcHost.receive). */
export interface TimedBytesSink {
  /** Takes bytes arriving at cycle `at` (the clock event's cycle; the run loop may be a few cycles past it). */
  receive(bytes: readonly number[], at: number): void;
}

/** A value that arrives at a simulated time (seconds since power-on). */
export interface TimedValue<T> {
  seconds: number;
  value: T;
}

/**
 * Delivers values (MIDI bytes, pin levels, key presses) at their simulated time. Simulated seconds follow
 * the CPU clock the firmware configures (64 MHz at reset, 400/480 MHz after the PLL), as `run --seconds`
 * counts them: the cycle of each delivery is recomputed when the clock tree changes. One clock event is
 * pending at a time.
 */
export class TimedInput<T> {
  private readonly events: TimedValue<T>[];
  private next = 0;
  private pending: object | null = null;
  private readonly onEvent = (at: number): void => this.onDue(at);

  constructor(
    /** Takes a value at cycle `at` (the clock event's cycle; the run loop may be a few cycles past it). */
    private readonly deliver: (value: T, at: number) => void,
    private readonly clock: Clock,
    private readonly time: SimulatedSeconds,
    events: readonly TimedValue<T>[],
  ) {
    this.events = [...events].sort((a, b) => a.seconds - b.seconds);
    time.onChange(() => this.schedule());
    this.schedule();
  }

  /** Events not yet delivered. */
  get remaining(): number {
    return this.events.length - this.next;
  }

  private schedule(): void {
    this.clock.cancel(this.pending);
    this.pending = null;
    if (this.next >= this.events.length || !(this.time.hz > 0)) return;
    this.pending = this.clock.schedule(Math.ceil(this.time.cycleAt(this.events[this.next].seconds)), this.onEvent);
  }

  /** At the cycle of the event's clock event (the run loop may be a few cycles past it). */
  private onDue(at: number): void {
    this.pending = null;
    const now = this.time.at(at);
    while (this.next < this.events.length && this.events[this.next].seconds <= now + 1 / this.time.hz) {
      this.deliver(this.events[this.next++].value, at);
    }
    this.schedule();
  }
}

/**
 * Timed bytes (MIDI) to a sink: a USART sends them at its programmed baud rate, back to back after
 * anything still on the line; the USB host in the next full-speed frame. Events without bytes are dropped.
 */
export function timedBytes(sink: TimedBytesSink, clock: Clock, time: SimulatedSeconds, events: readonly TimedBytes[]): TimedInput<readonly number[]> {
  const values = events.filter((e) => e.bytes.length > 0).map((e) => ({ seconds: e.seconds, value: e.bytes }));
  return new TimedInput((bytes, at) => sink.receive(bytes, at), clock, time, values);
}

/** A level driven onto a GPIO input pin ('PB4') from a simulated time on (seconds since power-on). */
export interface TimedPinLevel {
  seconds: number;
  pin: string;
  level: boolean;
}

/** Drives GPIO input pins at their simulated times (buttons, footswitches, gates): one TimedInput per pin. */
export function timedPinLevels(
  events: readonly TimedPinLevel[],
  clock: Clock,
  time: SimulatedSeconds,
  setLevel: (pin: string, level: boolean) => void,
): TimedInput<boolean>[] {
  const byPin = new Map<string, TimedValue<boolean>[]>();
  for (const e of events) {
    const list = byPin.get(e.pin) ?? [];
    list.push({ seconds: e.seconds, value: e.level });
    byPin.set(e.pin, list);
  }
  return [...byPin].map(([pin, list]) => new TimedInput((level) => setLevel(pin, level), clock, time, list));
}
