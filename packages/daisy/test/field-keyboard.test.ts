/**
 * The Daisy Field's keyboard as libDaisy reads it. The test plays the CPU's part through the GPIO
 * registers, as written in libDaisy: ShiftRegister4021<2>::Update (clock low, latch high, latch low, then
 * 16 × {clock low, read data, clock high}, storing read r as state 15 - r) and
 * DaisyField::ProcessDigitalControls (key (7 - i % 8) + (i > 7 ? 8 : 0) gets state i; 0 = pressed).
 */
import { describe, expect, it } from 'vitest';
import { SymbolTable, type ElfImage } from '@seedsim/elf';
import { DaisyBoard, type TimedKey } from '../src/index.js';
import { fixtureImage } from './fixtures.js';

const GPIOA = 0x5802_0000;
const GPIOD = 0x5802_0c00;
const GPIOG = 0x5802_1800;
const RCC_AHB4ENR = 0x5802_44e0;
const MODER = 0x00;
const IDR = 0x10;
const BSRR = 0x18;

/** An image that links a Field init (the symbol is all the board looks at): libDaisy's by default. */
function fieldImage(initName = '_ZN5daisy10DaisyField4InitEb'): ElfImage {
  const base = fixtureImage('audio-o2');
  const init = { name: initName, address: 0x0800_0100, size: 4, kind: 'function' as const, local: false, section: '.text' };
  return { ...base, symbols: new SymbolTable([...base.symbols.all, init]) };
}

/** What libDaisy's DaisyField sees: pressed keys (0–15) after one keyboard update. */
function pressedKeys(board: DaisyBoard): number[] {
  const w = (a: number, v: number) => board.bus.write32(a, v);
  const r = (a: number) => board.bus.read32(a);
  const pin = (port: number, n: number, high: boolean) => w(port + BSRR, high ? 1 << n : 1 << (n + 16));
  pin(GPIOA, 2, false); // clk low
  pin(GPIOG, 9, true); // latch high: load
  pin(GPIOG, 9, false);
  const states: boolean[] = new Array(16);
  for (let i = 0; i < 16; i++) {
    pin(GPIOA, 2, false);
    states[15 - i] = ((r(GPIOD + IDR) >>> 11) & 1) === 1;
    pin(GPIOA, 2, true);
  }
  const pressed: number[] = [];
  for (let i = 0; i < 16; i++) {
    const key = 7 - (i % 8) + (i > 7 ? 8 : 0);
    if (!states[i]) pressed.push(key);
  }
  return pressed.sort((a, b) => a - b);
}

function fieldBoard(fieldKeys: readonly TimedKey[] = []): DaisyBoard {
  const board = new DaisyBoard(fieldImage(), { timing: 'ideal', fieldKeys });
  const w = (a: number, v: number) => board.bus.write32(a, v);
  w(RCC_AHB4ENR, board.bus.read32(RCC_AHB4ENR) | 1 | (1 << 3) | (1 << 6)); // GPIOA, D, G clocks
  w(GPIOA + MODER, (board.bus.read32(GPIOA + MODER) & ~(3 << 4)) | (1 << 4)); // PA2 output (clock)
  w(GPIOG + MODER, (board.bus.read32(GPIOG + MODER) & ~(3 << 18)) | (1 << 18)); // PG9 output (latch)
  w(GPIOD + MODER, board.bus.read32(GPIOD + MODER) & ~(3 << 22)); // PD11 input, no pull (the 4021 drives it)
  return board;
}

describe('Daisy Field keyboard (two CD4021s)', () => {
  it('reads every key released when none is pressed (the 4021 drives the data line, no floating input)', () => {
    expect(pressedKeys(fieldBoard())).toEqual([]);
  });

  it('reads exactly the keys pressed, numbered as DaisyField::KeyboardState', () => {
    for (const keys of [[0], [7], [8], [15], [2, 11]]) {
      const board = fieldBoard();
      for (const k of keys) board.fieldKeyboard!.setKey(k, true);
      expect(pressedKeys(board)).toEqual(keys);
    }
  });

  it('presses and releases keys at their simulated times (BoardOptions.fieldKeys)', () => {
    const board = fieldBoard([
      { key: 5, seconds: 0.001, pressed: true },
      { key: 5, seconds: 0.002, pressed: false },
    ]);
    const runTo = (seconds: number) => board.run({ maxCycles: Math.round(seconds * board.cpuHz) - board.clock.cycles });
    runTo(0.0015);
    expect(pressedKeys(board)).toEqual([5]);
    runTo(0.0025);
    expect(pressedKeys(board)).toEqual([]);
  });

  it("is wired for an Arduino Field sketch too (DaisyDuino's DaisyHardware::InitField)", () => {
    expect(new DaisyBoard(fieldImage('_ZN13DaisyHardware9InitFieldEf'), { timing: 'ideal' }).fieldKeyboard).not.toBeNull();
  });

  it('is wired only for a Field app, and fieldKeys for another image is an error', () => {
    expect(new DaisyBoard(fixtureImage('audio-o2'), { timing: 'ideal' }).fieldKeyboard).toBeNull();
    expect(() => new DaisyBoard(fixtureImage('audio-o2'), { fieldKeys: [{ key: 0, seconds: 0, pressed: true }] })).toThrow('is not a Daisy Field app');
  });
});
