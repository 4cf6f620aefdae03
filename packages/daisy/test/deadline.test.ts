/**
 * audio-deadline-missed: the audio interrupt must return within the block it serves. bug/fix-callback-overrun
 * run the audio fixture's chain plus 80 / 40 extra EQ voices; the block is 48 frames at the SAI rate the
 * clock tree gives (48,014.3 Hz at 400 MHz: 399,881 cycles).
 */
import { describe, expect, it } from 'vitest';
import type { ElfImage } from '@seedsim/elf';
import { benchImage } from '../src/bench.js';
import { DaisyBoard } from '../src/board.js';
import { formatBench } from '../src/bench-report.js';
import { fixtureImage } from './fixtures.js';

const BLOCK_CYCLES = (400e6 * 48) / 48_014.32;

describe('audio-deadline-missed', () => {
  it('fires when the callback outlasts its block, and the bench still reports the load', () => {
    const r = benchImage(fixtureImage('bug-callback-overrun'), { blocks: 4 });
    expect(r.cpuLoad.median).toBeGreaterThan(1);
    expect(r.callback.cycles.median).toBeGreaterThan(BLOCK_CYCLES);
    const event = r.rules.find((e) => e.rule === 'audio-deadline-missed');
    expect(event?.location).toBe('DMA1_Stream1_IRQHandler');
    expect(event?.detail).toContain(`lasts ${Math.round(BLOCK_CYCLES)} cycles`);
    // A rule fired again and again on the same data (blocking-call-in-interrupt at each call of malloc):
    // one entry in the report, with its count.
    const line = formatBench({ ...r, rules: [event!, event!, event!] })
      .split('\n')
      .find((l) => l.includes('rules fired:'));
    expect(line).toBe(`  rules fired: audio-deadline-missed (${event!.dataSymbol}) ×3`);
  });

  it('stays quiet when the callback fits', () => {
    const r = benchImage(fixtureImage('fix-callback-overrun'), { blocks: 4 });
    expect(r.cpuLoad.max).toBeLessThan(1);
    expect(r.rules.filter((e) => e.rule === 'audio-deadline-missed')).toEqual([]);
  });

  it('fires while the handler is still running when the DMA finishes the next half, with the call stack where it is stuck', () => {
    // The audio fixture with `b .` (0xE7FE) written over the first instruction of process_block: the
    // callback never returns, as one stuck in a HAL timeout loop would.
    const image = fixtureImage('audio-o2');
    const at = image.symbols.get('process_block')!.address;
    const stuck: ElfImage = {
      ...image,
      segments: image.segments.map((seg) => {
        const offset = at - seg.loadAddress;
        if (offset < 0 || offset + 2 > seg.data.length) return seg;
        const data = seg.data.slice();
        data[offset] = 0xfe;
        data[offset + 1] = 0xe7;
        return { ...seg, data };
      }),
    };
    const board = new DaisyBoard(stuck, {});
    board.run({ maxCycles: 20_000_000 });
    const event = board.rules.events.find((e) => e.rule === 'audio-deadline-missed');
    expect(event?.detail).toContain('was still running after');
    expect(event?.detail).toContain(`lasts ${Math.round(BLOCK_CYCLES)} cycles`);
    expect(event?.callStack[0]).toBe('process_block');
  });
});
