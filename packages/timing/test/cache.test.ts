/**
 * L1 cache tag/state behaviour: geometry (hw-facts §2.1), set mapping, replacement, write-back and
 * maintenance by set/way (ARMv7-M ARM B2.2.7). Expected hit/miss sequences are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { LineState, SetAssociativeCache } from '../src/index.js';

const dgeom = { sizeBytes: 16 * 1024, ways: 4, lineBytes: 32, replacement: 'round-robin' as const };

describe('SetAssociativeCache', () => {
  it('16 KB 4-way with 32-byte lines has 128 sets; 16 KB 2-way has 256 (MCHP Cortex-M7 configuration)', () => {
    expect(new SetAssociativeCache(dgeom).sets).toBe(128);
    expect(new SetAssociativeCache({ ...dgeom, ways: 2 }).sets).toBe(256);
  });

  it('lines 4 KB apart share a set; the fifth evicts the first (round-robin after invalid ways)', () => {
    const c = new SetAssociativeCache(dgeom);
    // 128 sets × 32 bytes = 4096: addresses 0x2400_0000 + k·4096 all map to set 0.
    const lines = [0, 1, 2, 3, 4].map((k) => c.lineOf(0x2400_0000 + k * 4096));
    for (const l of lines.slice(0, 4)) {
      expect(c.find(l)).toBe(-1);
      c.allocate(l);
      expect(c.evictedLine).toBe(-1);
    }
    c.allocate(lines[4]);
    expect(c.evictedLine).toBe(lines[0]);
    expect(c.find(lines[0])).toBe(-1);
    for (const l of lines.slice(1)) expect(c.find(l)).toBeGreaterThanOrEqual(0);
    // A line from another set does not disturb set 0.
    c.allocate(c.lineOf(0x2400_0020));
    for (const l of lines.slice(1)) expect(c.find(l)).toBeGreaterThanOrEqual(0);
  });

  it('LRU evicts the least recently used way instead', () => {
    const c = new SetAssociativeCache({ ...dgeom, replacement: 'lru' });
    const lines = [0, 1, 2, 3, 4].map((k) => c.lineOf(k * 4096));
    for (const l of lines.slice(0, 4)) c.allocate(l);
    c.find(lines[0]); // touch line 0: line 1 is now the oldest
    c.allocate(lines[4]);
    expect(c.evictedLine).toBe(lines[1]);
  });

  it('reports the state of a dirty victim', () => {
    const c = new SetAssociativeCache(dgeom);
    const slot = c.allocate(7);
    c.state[slot] |= LineState.Dirty;
    for (let k = 1; k <= 4; k++) c.allocate(7 + k * 128);
    expect(c.evictedLine).toBe(7);
    expect(c.evictedState & LineState.Dirty).toBeTruthy();
  });

  it('rejects a geometry whose set count is not a power of two', () => {
    expect(() => new SetAssociativeCache({ ...dgeom, sizeBytes: 12 * 1024 + 32 })).toThrow(/power of two/);
  });
});
