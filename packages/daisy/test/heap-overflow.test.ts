/**
 * heap-overflow: newlib's _sbrk moves the heap break without a limit. A stand-in _sbrk returns the old
 * break 0x2001F000 near the end of DTCM (0x20000000 + 128 KB); asking it for more than the 4 KB left runs
 * off the memory, asking for less does not.
 */
import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/index.js';
import { RESET_ONLY, linkImage } from './asm-image.js';

const withIncrement = (bytes: number) => `
${RESET_ONLY}  ldr r0, =${bytes}
  bl _sbrk
1: b 1b
  .size Reset_Handler, . - Reset_Handler
  .thumb_func
  .global _sbrk
  .type _sbrk, %function
_sbrk:
  ldr r0, =0x2001F000
  bx lr
  .size _sbrk, . - _sbrk
`;

function rulesFor(bytes: number) {
  const board = new DaisyBoard(linkImage(withIncrement(bytes)), { timing: 'ideal' });
  board.run({ maxCycles: 10_000 });
  return board.rules.events.filter((e) => e.rule === 'heap-overflow');
}

describe('heap-overflow', () => {
  it('fires when _sbrk hands out a block that runs past the end of the memory holding the heap', () => {
    const [event] = rulesFor(0x2000);
    expect(event?.address).toBe(0x2002_0000);
    expect(event?.detail).toContain('the heap grew by 8192 bytes at 0x2001f000 to 0x20021000, 4096 bytes past the end of DTCM');
    expect(event?.callStack[0]).toBe('_sbrk');
  });

  it('stays quiet for a block that fits', () => {
    expect(rulesFor(0x800)).toEqual([]);
  });
});
