/** The functions an interrupt handler must not call, found by (mangled) symbol name. */
import { describe, expect, it } from 'vitest';
import { SymbolTable } from '@seedsim/elf';
import { blockingFunctions, exemptCaller } from '../src/blocking-calls.js';
import { DaisyBoard } from '../src/board.js';
import { fixtureImage } from './fixtures.js';

const table = (names: string[]) =>
  new SymbolTable(names.map((name, i) => ({ name, address: 0x0800_0000 + 0x100 * i, size: 0x40, kind: 'function' as const, local: false, section: '.text' })));

describe('blockingFunctions', () => {
  it('finds heap, delay and FatFS functions, C and C++ (g++ mangling for ARM)', () => {
    const names = [
      'malloc', '_malloc_r', 'free', '_free_r', 'realloc', 'calloc',
      '_Znwj', '_Znaj', '_ZdlPv', '_ZdlPvj', '_ZdaPv', // operator new(unsigned), new[], delete, sized delete, delete[]
      'HAL_Delay', '_ZN5daisy6System5DelayEm', '_ZN5daisy9DaisySeed7DelayMsEm',
      'f_open', 'f_read', 'f_write', 'f_close',
    ];
    expect(blockingFunctions(table(names)).map((f) => f.name).sort()).toEqual([...names].sort());
  });

  it('leaves look-alikes and ordinary functions alone', () => {
    const names = ['memset', 'mallocx', 'HAL_DelayUs', 'HAL_GetTick', 'f_readings', 'AudioCallback', '_ZN5daisy6System4InitEv', '_ZN5daisy6System7DelayUsEm', '_ZN5daisy6System10DelayTicksEm'];
    expect(blockingFunctions(table(names))).toEqual([]);
  });

  it('gives each a reason a user can act on', () => {
    const [heap, wait, file] = blockingFunctions(table(['malloc', 'HAL_Delay', 'f_read']));
    expect(heap.reason).toMatch(/heap/);
    expect(wait.reason).toMatch(/waits for milliseconds/);
    expect(file.reason).toMatch(/SD card/);
  });
});

describe('blocking-call-in-interrupt on the board', () => {
  it('names the handler, the callee and the call stack when the audio interrupt calls a heap function', () => {
    // The audio fixture's interrupt calls biquad_process every block; renamed `malloc` in the symbol table,
    // that call is what a callback allocating per block looks like to the board.
    const image = fixtureImage('audio-o2');
    const renamed = new SymbolTable(image.symbols.all.map((s) => (s.name === 'biquad_process' ? { ...s, name: 'malloc' } : s)));
    const board = new DaisyBoard({ ...image, symbols: renamed }, { timing: 'ideal' });
    board.run({ maxCycles: 30_000_000 });
    const events = board.rules.events.filter((e) => e.rule === 'blocking-call-in-interrupt');
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].origin).toBe('call');
    expect(events[0].dataSymbol).toBe('malloc');
    expect(events[0].detail).toMatch(/^DMA1_Stream1_IRQHandler \(IRQ 12\) calls malloc: heap allocation/);
    expect(events[0].callStack).toContain('AudioCallback');
  });

  it("points at rand() when it is rand that allocates (newlib-nano's rand allocates its state on first use)", () => {
    const image = fixtureImage('audio-o2');
    const names: Record<string, string> = { biquad_process: 'malloc', AudioCallback: 'rand' };
    const renamed = new SymbolTable(image.symbols.all.map((s) => (names[s.name] ? { ...s, name: names[s.name] } : s)));
    const board = new DaisyBoard({ ...image, symbols: renamed }, { timing: 'ideal' });
    board.run({ maxCycles: 30_000_000 });
    const event = board.rules.events.find((e) => e.rule === 'blocking-call-in-interrupt');
    expect(event?.location.split('+')[0]).toBe('rand');
    expect(event?.detail).toContain('rand() allocates its state on its first call');
  });
});

describe('exemptCaller', () => {
  it("exempts ST's USB device library (its class state is allocated once, at SET_CONFIGURATION) and nothing else", () => {
    expect(exemptCaller('USBD_CDC_Init')).toBe(true);
    expect(exemptCaller('USBD_SetClassConfig')).toBe(true);
    for (const caller of ['AudioCallback', 'rand', 'CDC_Transmit_FS', 'my_USBD_helper', 'usbd_init']) expect(exemptCaller(caller)).toBe(false);
  });
});
