/**
 * BootWatch, what `seedsim bench` says about a boot that has not reached audio: the audio path's state
 * and where the cycles went, on the audio fixture before and after it starts SAI1 and its DMA stream.
 */
import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/board.js';
import { BootWatch } from '../src/boot-watch.js';
import { fixtureImage } from './fixtures.js';

describe('BootWatch', () => {
  it('reports the audio path off during early boot and on once the firmware starts it', () => {
    const board = new DaisyBoard(fixtureImage('audio-o2'), { timing: 'ideal' });
    const watch = new BootWatch(board);
    board.run({ maxCycles: 200_000 }); // clock and memory bring-up, long before SAI1 is enabled
    watch.checkpoint();
    const early = watch.progressLine(0.5);
    expect(early).toContain('0.5 s simulated');
    expect(early).toContain('no SAI block enabled');
    expect(early).toMatch(/busiest code \S+ \d+%/);
    expect(watch.hasWindow).toBe(true);

    board.run({ maxCycles: 20_000_000 }); // the fixture starts audio within 5 ms (manifest, boot tests)
    watch.checkpoint();
    const running = watch.diagnosis();
    // The fixture runs both SAI1 blocks (A transmits, B receives), each with its DMA stream.
    expect(running).toContain('SAI1 A, SAI1 B enabled, 2 of 2 SAI DMA streams enabled');
    // Between audio interrupts the fixture sleeps in WFI.
    expect(running).toMatch(/idle \(asleep or waiting in a loop\) \d+% of the time/);
    expect(running).toContain('call stack now:');
  });
});
