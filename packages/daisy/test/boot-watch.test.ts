/**
 * BootWatch, what `seedsim bench` says about a boot that has not reached audio: the audio path's state
 * and where the cycles went, on the audio fixture before and after it starts SAI1 and its DMA stream.
 */
import { describe, expect, it } from 'vitest';
import { SymbolTable, type ElfImage, type ElfSymbol } from '@seedsim/elf';
import { DaisyBoard } from '../src/board.js';
import { BenchError, benchImage } from '../src/bench.js';
import { BootWatch, saiNeverStarts } from '../src/boot-watch.js';
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

describe('an image that links nothing to start audio with', () => {
  // A HAL app: libDaisy's hw.Init links HAL_SAI_Init; StartAudio links HAL_SAI_Transmit_DMA/Receive_DMA
  // (stm32h7xx_hal_sai.c), which --gc-sections drops when StartAudio is never called.
  const symbol = (name: string): ElfSymbol => ({ name, address: 0x0800_1000, size: 4, kind: 'function', local: false, section: '.text' });
  const withSymbols = (image: ElfImage, names: string[]): ElfImage => ({ ...image, symbols: new SymbolTable([...image.symbols.all, ...names.map(symbol)]) });
  /** Why bench could not measure `image`. */
  const benchFailure = (image: ElfImage, options: { bootSeconds?: number } = {}): string => {
    try {
      benchImage(image, { timing: 'ideal', ...options });
    } catch (error) {
      if (error instanceof BenchError) return error.message;
      throw error;
    }
    throw new Error('bench measured an image that never starts audio');
  };

  it('is recognised from its symbols, and only when it links the HAL SAI driver', () => {
    const bare = fixtureImage('micro-div');
    expect(saiNeverStarts(bare.symbols)).toBeNull(); // no HAL: not judged
    expect(saiNeverStarts(withSymbols(bare, ['HAL_SAI_Init']).symbols)).toContain('none of its transfer starts');
    expect(saiNeverStarts(withSymbols(bare, ['HAL_SAI_Init', 'HAL_SAI_Receive_DMA']).symbols)).toBeNull();
    expect(saiNeverStarts(withSymbols(bare, ['HAL_SAI_Init', 'HAL_SAI_Transmit_IT']).symbols)).toBeNull();
    // -flto and -O2 clone functions under suffixed names: still linked.
    expect(saiNeverStarts(withSymbols(bare, ['HAL_SAI_Init.constprop.0', 'HAL_SAI_Receive_DMA.isra.0']).symbols)).toBeNull();
    expect(saiNeverStarts(withSymbols(bare, ['HAL_SAI_Init', 'HAL_SAI_Receive_DMAX']).symbols)).toContain('none of its transfer starts');
  });

  it('makes bench give up after 2 simulated seconds with the reason, unless told how long to wait', () => {
    const image = withSymbols(sysTickSleeper(), ['HAL_SAI_Init']);
    const quick = benchFailure(image);
    expect(quick).toContain('within 2 s (simulated)'); // bench --help: 2 s for such an image
    expect(quick).toContain('nothing in it starts audio');
    const told = benchFailure(image, { bootSeconds: 3 });
    expect(told).toContain('within 3 s (simulated)');
    expect(told).toContain('nothing in it starts audio');
    // Without the HAL's SAI driver the image is not judged: the usual budget, no such line.
    const bare = benchFailure(sysTickSleeper());
    expect(bare).toContain('within 10 s (simulated)'); // bench --help: 10 s otherwise
    expect(bare).not.toContain('nothing in it starts audio');
  });

  it('is said too when the firmware stops before audio', () => {
    // micro-div ends in `for (;;) {}` with no interrupt enabled: the run stops there.
    const withHal = benchFailure(withSymbols(fixtureImage('micro-div'), ['HAL_SAI_Init']));
    expect(withHal).toContain('the firmware stopped before audio ran');
    expect(withHal).toContain('nothing in it starts audio');
    expect(benchFailure(fixtureImage('micro-div'))).not.toContain('nothing in it starts audio');
  });
});

/**
 * A firmware that sets SysTick ticking (10 ms at the 64 MHz HSI of reset) and sleeps in WFI for ever:
 * it runs, takes interrupts and never starts audio. Hand-assembled Thumb in internal flash.
 */
function sysTickSleeper(): ElfImage {
  const flash = 0x0800_0000;
  const words = new Uint32Array(22);
  words[0] = 0x2002_0000; // initial SP: top of DTCM
  words[1] = (flash + 0x40) | 1; // Reset
  for (let v = 2; v < 16; v++) words[v] = (flash + 0x4e) | 1; // every other exception, SysTick (15) too: bx lr
  const code = new Uint16Array(words.buffer, 0x40, 8);
  code.set([
    0x4803, // 0x40 ldr r0, [pc, #12]   SYST_CSR (0x50)
    0x4904, // 0x42 ldr r1, [pc, #16]   reload (0x54)
    0x6041, // 0x44 str r1, [r0, #4]    SYST_RVR
    0x2107, // 0x46 movs r1, #7         ENABLE | TICKINT | CLKSOURCE
    0x6001, // 0x48 str r1, [r0]        SYST_CSR
    0xbf30, // 0x4a wfi
    0xe7fd, // 0x4c b 0x4a
    0x4770, // 0x4e bx lr              the exception handlers
  ]);
  words[0x50 / 4] = 0xe000_e010;
  words[0x54 / 4] = 640_000 - 1;
  const data = new Uint8Array(words.buffer);
  const text = { name: '.text', address: flash, loadAddress: flash, size: data.length, noBits: false, allocated: true, executable: true, writable: false, data };
  return {
    name: 'systick-sleeper',
    entry: (flash + 0x40) | 1,
    segments: [{ runAddress: flash, loadAddress: flash, data, memorySize: data.length, readable: true, writable: false, executable: true }],
    sections: [text],
    symbols: new SymbolTable([{ name: 'main', address: flash + 0x40, size: 14, kind: 'function', local: false, section: '.text' }]),
  };
}
