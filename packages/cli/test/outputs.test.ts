import { describe, expect, it } from 'vitest';
import { outputLines } from '../src/commands/run.js';

describe('run: what the firmware drove out', () => {
  it('lists changed GPIO outputs (eight at most) and DAC channels', () => {
    const pin = (n: number) => ({ pin: `PA${n}`, changes: 1000 + n, firstChangeSeconds: 0.1, lastChangeSeconds: 1.9, level: (n % 2) as 0 | 1, highFraction: 0.25 });
    const lines = outputLines({
      gpio: Array.from({ length: 10 }, (_, n) => pin(n)),
      dac: [{ channel: 2, pin: 'PA5', conversions: 86250, firstSeconds: 0.2, lastSeconds: 2, min: 0, max: 0.5, last: 0.5 }],
      pwm: [{ pin: 'PC7', timer: 'TIM3', channel: 2, frequencyHz: 1000, duty: 12_549 / 50_000 }],
    });
    expect(lines).toEqual([
      '  GPIO outputs changed: PA0 1,000× (high 25%, now 0), PA1 1,001× (high 25%, now 1), PA2 1,002× (high 25%, now 0), PA3 1,003× (high 25%, now 1), ' +
        'PA4 1,004× (high 25%, now 0), PA5 1,005× (high 25%, now 1), PA6 1,006× (high 25%, now 0), PA7 1,007× (high 25%, now 1), and 2 more (--json lists all)',
      '  PWM outputs at the end: PC7 25.1% at 1,000 Hz (TIM3 CH2)',
      '  DAC channel 2 (PA5): 86,250 conversions, 0.000–0.500 of VREF+, last 0.500',
    ]);
    expect(outputLines({ gpio: [], dac: [], pwm: [] })).toEqual([]);
  });
});
