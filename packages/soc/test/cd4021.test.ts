/** CD4021B chain (TI CD4021B data sheet, function table): parallel load while P/S is high, shift on rising clock edges. */
import { describe, expect, it } from 'vitest';
import { Cd4021Chain } from '../src/index.js';

describe('CD4021B chain', () => {
  it('loads while P/S is high and shifts one input per rising clock edge, zeros behind', () => {
    const seen: boolean[] = [];
    const chain = new Cd4021Chain(2, (level) => seen.push(level));
    for (let i = 0; i < 16; i++) chain.setInput(i, i % 3 === 0);
    chain.setLatch(true);
    chain.setLatch(false);
    const read: boolean[] = [];
    let level = seen.at(-1)!;
    for (let r = 0; r < 18; r++) {
      read.push(level);
      chain.setClock(false);
      chain.setClock(true); // rising edge
      level = seen.at(-1)!;
    }
    expect(read).toEqual([...Array.from({ length: 16 }, (_, i) => i % 3 === 0), false, false]);
  });

  it('does not shift while P/S is high, and a falling edge does nothing', () => {
    const seen: boolean[] = [];
    const chain = new Cd4021Chain(1, (level) => seen.push(level));
    chain.setInput(0, false);
    chain.setLatch(true);
    chain.setClock(true);
    chain.setClock(false);
    expect(seen.at(-1)).toBe(false); // still input 0
    chain.setInput(0, true); // parallel inputs reach the output while loading
    expect(seen.at(-1)).toBe(true);
  });
});
