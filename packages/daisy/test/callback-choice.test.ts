import { describe, expect, it } from 'vitest';
import { audioCallbackCandidates, callsPerInterrupt } from '../src/bench.js';

describe('the audio callback: a function called a whole number of times per audio interrupt', () => {
  it('once per interrupt, within one call of the window cutting an interrupt', () => {
    expect(callsPerInterrupt(100, 100)).toBe(1);
    expect(callsPerInterrupt(99, 100)).toBe(1);
    expect(callsPerInterrupt(101, 100)).toBe(1);
    expect(callsPerInterrupt(97, 100)).toBe(0);
  });

  it('twice per interrupt: a callback that overruns its block finds both DMA halves pending and is called for each', () => {
    expect(callsPerInterrupt(40, 20)).toBe(2);
    expect(callsPerInterrupt(38, 20)).toBe(2);
    expect(callsPerInterrupt(37, 20)).toBe(0);
  });

  it('not a function called now and then, or far more often (a per-sample helper)', () => {
    expect(callsPerInterrupt(3, 100)).toBe(0);
    expect(callsPerInterrupt(4800, 100)).toBe(0);
    expect(callsPerInterrupt(5, 0)).toBe(0);
  });

  it("drops a helper called several times per call of the one pointer call it is made in, keeps an overrun callback", () => {
    const HAL = 1, HALF = 2, FULL = 3, CALLBACK = 4, VOICE = 5;
    const ids = (c: [number, number][]) => c.map(([fn]) => fn).sort();
    // libDaisy-like, on time: HAL → InternalCallback-like → callback, once each; a virtual voice Process twice per callback.
    const onTime = audioCallbackCandidates(
      new Map([[HAL, 100], [CALLBACK, 100], [VOICE, 200]]),
      new Map([[HAL, new Set([-1])], [CALLBACK, new Set([HAL])], [VOICE, new Set([CALLBACK])]]),
      100,
    );
    expect(ids(onTime)).toEqual([HAL, CALLBACK]);
    // Overrun (DaisyDuino): both DMA halves pending at each interrupt, the callback called from both handlers.
    const overrun = audioCallbackCandidates(
      new Map([[HALF, 20], [FULL, 20], [CALLBACK, 40], [VOICE, 80]]),
      new Map([[HALF, new Set([-1])], [FULL, new Set([-1])], [CALLBACK, new Set([HALF, FULL])], [VOICE, new Set([CALLBACK])]]),
      20,
    );
    expect(ids(overrun)).toEqual([HALF, FULL, CALLBACK]);
  });
});
