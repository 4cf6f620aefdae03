/**
 * Timed GPIO inputs (BoardOptions.gpioInput): a firmware polling PB4 (input, pull-up, as libDaisy's Switch
 * sets a footswitch up) reads its pull-up, then the levels given at their simulated times. The firmware
 * stays on the 64 MHz HSI of reset, so a simulated second is 64 M cycles here.
 */
import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/index.js';
import { RESET_ONLY, linkImage, modifyRegister } from './asm-image.js';

const HSI_HZ = 64e6;

// RCC_AHB4ENR.GPIOBEN, then PB4: MODER = 00 (input), PUPDR = 01 (pull-up); then IDR bit 4 into g_level for ever.
const POLL_PB4 = `
${RESET_ONLY}${modifyRegister(0x580244e0, 0, null, '2')}${modifyRegister(0x58020400, 0, '(3 << 8)', null)}${modifyRegister(null, 12, '(3 << 8)', '(1 << 8)')}  ldr r2, =g_level
1: ldr r1, [r0, #16]
  ubfx r1, r1, #4, #1
  str r1, [r2]
  b 1b
  .size Reset_Handler, . - Reset_Handler
  .bss
  .global g_level
  .type g_level, %object
g_level: .space 4
  .size g_level, 4
`;

describe('timed GPIO inputs', () => {
  it('a pin reads its pull-up until its first event, then each level from its time on', () => {
    const image = linkImage(POLL_PB4);
    const board = new DaisyBoard(image, {
      timing: 'ideal',
      gpioInput: [
        { pin: 'PB4', level: false, seconds: 0.02 },
        { pin: 'PB4', level: true, seconds: 0.03 },
      ],
    });
    const level = () => board.bus.peek(image.symbols.get('g_level')!.address, 4);
    const runTo = (seconds: number) => board.run({ maxCycles: Math.round(seconds * HSI_HZ) - board.clock.cycles });
    runTo(0.015);
    expect(level()).toBe(1); // pull-up: the footswitch is open
    runTo(0.025);
    expect(level()).toBe(0); // pressed at 20 ms
    runTo(0.035);
    expect(level()).toBe(1); // released at 30 ms
  });

  it('notes a pin nothing reads (analog after reset, or an output) and events after the end of the run', () => {
    const image = linkImage(POLL_PB4);
    const board = new DaisyBoard(image, {
      timing: 'ideal',
      gpioInput: [
        { pin: 'PB5', level: false, seconds: 0.01 }, // left in its reset mode, analog: no input buffer
        { pin: 'PB4', level: false, seconds: 0.01 },
        { pin: 'PB4', level: true, seconds: 5 },
      ],
    });
    board.run({ maxCycles: Math.round(0.02 * HSI_HZ) });
    const notes = board.gpioInputNotes();
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^--gpio PB5: the firmware had the pin as an analog input when it was driven/);
    expect(notes[1]).toBe('--gpio: 1 event comes after the end of the run and was not applied');
  });

  it('refuses a pin that is not a GPIO pin', () => {
    expect(() => new DaisyBoard(linkImage(POLL_PB4), { gpioInput: [{ pin: 'PB16', level: true, seconds: 0 }] })).toThrow('"PB16" is not a GPIO pin');
  });
});
