import { GPIO_PORT_NAMES, TIMER_CHANNEL_PINS, type Dac, type GeneralPurposeTimer, type GeneralPurposeTimerName, type GpioPort, type GpioPortName } from '@seedsim/soc';
import type { SimulatedSeconds } from './simulated-seconds.js';

/** A GPIO pin the firmware drove as an output: a gate out, an LED, a chip select. */
export interface PinOutputSummary {
  /** 'PC7'. */
  pin: string;
  /** Level changes while the pin was an output. */
  changes: number;
  /** Simulated seconds since power-on of the first and the last change. */
  firstChangeSeconds: number;
  lastChangeSeconds: number;
  /** The level at the end (the output register's bit; the pin may have become an input since). */
  level: 0 | 1;
  /** Of the time from the first change to the end, the share the pin spent high (a gate's duty). */
  highFraction: number;
}

/** A DAC1 channel the firmware converted on: a CV out. */
export interface DacOutputSummary {
  /** 1 (PA4) or 2 (PA5), RM0433 DAC chapter. */
  channel: 1 | 2;
  pin: 'PA4' | 'PA5';
  conversions: number;
  firstSeconds: number;
  lastSeconds: number;
  /** Output voltages as fractions of VREF+ (DOR / 4095), as --analog gives inputs. */
  min: number;
  max: number;
  last: number;
}

/** A pin a timer channel drives with PWM at the end of the run (an LED dimmed, Arduino's analogWrite). */
export interface PwmOutputSummary {
  pin: string;
  timer: GeneralPurposeTimerName;
  channel: number;
  frequencyHz: number;
  /** Share of the period the pin is high, 0–1. */
  duty: number;
}

export interface OutputSummary {
  gpio: PinOutputSummary[];
  dac: DacOutputSummary[];
  pwm: PwmOutputSummary[];
}

interface PinState {
  changes: number;
  first: number;
  last: number;
  level: boolean;
  highSeconds: number;
}

interface ChannelState {
  conversions: number;
  first: number;
  last: number;
  min: number;
  max: number;
  code: number;
}

const DAC_PINS = ['PA4', 'PA5'] as const;

/**
 * Watches what the firmware drives out of the board: level changes of GPIO output pins and conversions
 * of the two DAC channels, with their simulated times, so a run can say that a gate fired or a CV moved.
 * Told by the peripherals as it happens (GpioPort.onOutputChange, Dac.onConversion); costs nothing
 * while outputs stay still. PWM from the timers is read from their registers when summarised: the pins
 * set to a timer channel's alternate function, the channel's frequency and duty.
 */
export class OutputWatch {
  private readonly pins = new Map<string, PinState>();
  private readonly channels: (ChannelState | null)[] = [null, null];

  constructor(
    private readonly time: SimulatedSeconds,
    private readonly gpio: Readonly<Record<GpioPortName, GpioPort>>,
    dac: Dac,
    private readonly timers: Readonly<Record<GeneralPurposeTimerName, GeneralPurposeTimer>>,
  ) {
    for (const name of GPIO_PORT_NAMES) {
      // Names made once: a software-PWM LED changes level hundreds of thousands of times a second.
      const pins = Array.from({ length: 16 }, (_, pin) => `P${name}${pin}`);
      gpio[name].onOutputChange((pin, level) => this.pinChanged(pins[pin], level));
    }
    dac.onConversion((channel, code) => this.converted(channel, code));
  }

  private pinChanged(pin: string, level: boolean): void {
    const now = this.time.now();
    const state = this.pins.get(pin);
    if (state === undefined) {
      this.pins.set(pin, { changes: 1, first: now, last: now, level, highSeconds: 0 });
      return;
    }
    if (state.level) state.highSeconds += now - state.last;
    state.changes++;
    state.last = now;
    state.level = level;
  }

  private converted(channel: 0 | 1, code: number): void {
    const now = this.time.now();
    const state = this.channels[channel];
    if (state === null) {
      this.channels[channel] = { conversions: 1, first: now, last: now, min: code, max: code, code };
      return;
    }
    state.conversions++;
    state.last = now;
    state.code = code;
    if (code < state.min) state.min = code;
    if (code > state.max) state.max = code;
  }

  /** What was driven so far, pins in port and pin order. */
  summary(): OutputSummary {
    const now = this.time.now();
    const gpio: PinOutputSummary[] = [];
    for (const [pin, s] of this.pins) {
      const port = this.gpio[pin[1] as GpioPortName];
      const level = ((port.odr >>> Number(pin.slice(2))) & 1) as 0 | 1;
      const span = now - s.first;
      const high = s.highSeconds + (s.level ? now - s.last : 0);
      gpio.push({ pin, changes: s.changes, firstChangeSeconds: s.first, lastChangeSeconds: s.last, level, highFraction: span > 0 ? high / span : s.level ? 1 : 0 });
    }
    gpio.sort((a, b) => a.pin[1].localeCompare(b.pin[1]) || Number(a.pin.slice(2)) - Number(b.pin.slice(2)));
    const dac: DacOutputSummary[] = [];
    this.channels.forEach((s, i) => {
      if (s === null) return;
      dac.push({
        channel: (i + 1) as 1 | 2,
        pin: DAC_PINS[i],
        conversions: s.conversions,
        firstSeconds: s.first,
        lastSeconds: s.last,
        min: s.min / 4095,
        max: s.max / 4095,
        last: s.code / 4095,
      });
    });
    return { gpio, dac, pwm: this.pwmSummary() };
  }

  /** The pins in a timer channel's alternate function whose channel drives PWM now. */
  private pwmSummary(): PwmOutputSummary[] {
    const out: PwmOutputSummary[] = [];
    const channels = new Map<GeneralPurposeTimerName, ReturnType<GeneralPurposeTimer['pwmChannels']>>();
    for (const { pin, af, timer, channel } of TIMER_CHANNEL_PINS) {
      const port = this.gpio[pin[1] as GpioPortName];
      const n = Number(pin.slice(2));
      if (port.mode(n) !== 2 || port.alternateFunction(n) !== af) continue;
      if (!channels.has(timer)) channels.set(timer, this.timers[timer].pwmChannels());
      const pwm = channels.get(timer)!.find((c) => c.channel === channel);
      if (pwm !== undefined) out.push({ pin, timer, channel, frequencyHz: pwm.frequencyHz, duty: pwm.duty });
    }
    return out;
  }
}
