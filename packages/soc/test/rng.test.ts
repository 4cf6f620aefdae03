import { describe, expect, it } from 'vitest';
import { Rng, RNG, RNG_BASE, SystemBus } from '../src/index.js';
import { RecordingContext } from './soc-test-context.js';

function setup(seed?: number) {
  const ctx = new RecordingContext();
  const bus = new SystemBus(ctx);
  const rng = new Rng(ctx, seed);
  bus.mapDevice(rng);
  return { bus, rng, r: (o: number) => bus.read32(RNG_BASE + o), w: (o: number, v: number) => bus.write32(RNG_BASE + o, v) };
}

describe('RNG (RM0433 §34)', () => {
  it('DRDY follows RNGEN (libDaisy Random::Init: CR = 4)', () => {
    const { r, w } = setup();
    expect(r(RNG.SR) & 1).toBe(0);
    w(RNG.CR, 4);
    expect(r(RNG.SR) & 1).toBe(1);
  });

  it('returns the same xorshift32 sequence for the same seed and a different one otherwise', () => {
    const a = setup(1);
    const b = setup(1);
    const c = setup(2);
    for (const x of [a, b, c]) x.w(RNG.CR, 4);
    const seqA = [a.r(RNG.DR), a.r(RNG.DR), a.r(RNG.DR)];
    expect([b.r(RNG.DR), b.r(RNG.DR), b.r(RNG.DR)]).toEqual(seqA);
    expect(c.r(RNG.DR)).not.toBe(seqA[0]);
    // xorshift32 (Marsaglia 2003, shifts 13/17/5) from state 1: 1 ^ 1<<13 = 0x2001; ^ >>17 = 0x2001;
    // ^ <<5 = 0x2001 ^ 0x40020 = 0x42021.
    expect(seqA[0]).toBe(0x42021);
  });

  it('peek shows the last value without drawing a new one', () => {
    const { bus, r, w } = setup(1);
    w(RNG.CR, 4);
    const v = r(RNG.DR);
    expect(bus.peek(RNG_BASE + RNG.DR, 4)).toBe(v);
    expect(bus.peek(RNG_BASE + RNG.DR, 4)).toBe(v);
  });
});
