import { describe, expect, it } from 'vitest';
import { audioCallbackCandidates, callsPerInterrupt, isFrameworkFunction } from '../src/bench.js';

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

  it("drops a small pointer call made once per block inside the user's callback (Faust's knob update), not one a framework makes", () => {
    const HAL = 1, INTERNAL = 2, CALLBACK = 3, KNOB = 4;
    const calls = new Map([[HAL, 100], [INTERNAL, 100], [CALLBACK, 100], [KNOB, 100]]);
    const parents = new Map([[HAL, new Set([-1])], [INTERNAL, new Set([HAL])], [CALLBACK, new Set([INTERNAL])], [KNOB, new Set([CALLBACK])]]);
    // A passthrough callback is small next to libDaisy's own work, but libDaisy called it; the knob
    // converter is small next to the callback that called it.
    const inclusive = new Map([[HAL, 180_000], [INTERNAL, 170_000], [CALLBACK, 20_000], [KNOB, 1_100]]);
    const isFramework = (fn: number) => fn === HAL || fn === INTERNAL;
    const ids = (c: [number, number][]) => c.map(([fn]) => fn).sort();
    expect(ids(audioCallbackCandidates(calls, parents, 100, { inclusive, isFramework }))).toEqual([HAL, INTERNAL, CALLBACK]);
    // Without the facts every candidate stays.
    expect(ids(audioCallbackCandidates(calls, parents, 100))).toEqual([HAL, INTERNAL, CALLBACK, KNOB]);
  });

  it('knows the frameworks by name: libDaisy, DaisyDuino, the HAL and its static SAI/DMA helpers', () => {
    for (const name of ['_ZN5daisy11AudioHandle4Impl16InternalCallbackEPlS2_j', 'HAL_SAI_TxHalfCpltCallback', 'SAI_DMATxHalfCplt', '_ZN13DaisyHardware9InitFieldEf']) {
      expect(isFrameworkFunction(name)).toBe(true);
    }
    for (const name of ['_Z13AudioCallbackPKPKfPPfj', '_ZN20LinearValueConverter8ui2faustEd', 'AudioCallback']) expect(isFrameworkFunction(name)).toBe(false);
  });

  it('does not take a callback of another DMA interrupt nested in the audio one, called twice per block from one place', () => {
    const HAL = 1, CALLBACK = 2, DAC = 3;
    const calls = new Map([[HAL, 100], [CALLBACK, 100], [DAC, 200]]);
    const parents = new Map([[HAL, new Set([-1])], [CALLBACK, new Set([HAL])], [DAC, new Set([-1])]]);
    expect(audioCallbackCandidates(calls, parents, 100).map(([fn]) => fn).sort()).toEqual([HAL, CALLBACK]);
  });

  it('drops everything made inside a helper: a knob converter inside a small virtual UI update', () => {
    const HAL = 1, CALLBACK = 2, UPDATE = 3, CONVERT = 4;
    const calls = new Map([[HAL, 100], [CALLBACK, 100], [UPDATE, 100], [CONVERT, 100]]);
    const parents = new Map([[HAL, new Set([-1])], [CALLBACK, new Set([HAL])], [UPDATE, new Set([CALLBACK])], [CONVERT, new Set([UPDATE])]]);
    const inclusive = new Map([[HAL, 200_000], [CALLBACK, 120_000], [UPDATE, 2_000], [CONVERT, 1_100]]);
    const facts = { inclusive, isFramework: (fn: number) => fn === HAL };
    expect(audioCallbackCandidates(calls, parents, 100, facts).map(([fn]) => fn).sort()).toEqual([HAL, CALLBACK]);
  });
});
