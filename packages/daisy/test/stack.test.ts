import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/index.js';
import { RECURSE_84_BYTES_A_LEVEL, RESET_ONLY, linkImage } from './asm-image.js';

// Each level pushes 5 registers and reserves 64 bytes: 84 bytes a level. The stack starts at 0x20000400,
// the 256-byte table g_state ends at 0x20000100, so the 10th level's frame (1024 - 256 = 768 bytes below
// the top, 768 / 84 = 9.1) reaches into g_state.
const SOURCE = `
${RESET_ONLY}  movs r0, #12
  bl recurse
1: b 1b
  .size Reset_Handler, . - Reset_Handler
${RECURSE_84_BYTES_A_LEVEL}
  .bss
  .global g_state
  .type g_state, %object
g_state: .space 256
  .size g_state, 256
`;

describe('stack rule', () => {
  it('fires when the stack grows into the static data linked below it, naming the variable', () => {
    const board = new DaisyBoard(linkImage(SOURCE), { timing: 'ideal' });
    board.run({ maxInstructions: 2000 });
    const event = board.rules.events.find((e) => e.rule === 'stack-overflow');
    expect(event).toBeDefined();
    expect(event!.dataSymbol.startsWith('g_state')).toBe(true);
    expect(event!.location.startsWith('recurse')).toBe(true);
    expect(event!.detail).toContain('0x20000100');
    expect(event!.detail).toContain('.bss');
  });

  it('stays quiet when the recursion fits', () => {
    // 8 levels: 8 × 84 = 672 bytes below 0x20000400 ends at 0x20000160, above g_state's end.
    const board = new DaisyBoard(linkImage(SOURCE.replace('movs r0, #12', 'movs r0, #8')), { timing: 'ideal' });
    board.run({ maxInstructions: 2000 });
    expect(board.rules.events).toEqual([]);
  });
});
