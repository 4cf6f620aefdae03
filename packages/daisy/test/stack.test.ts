import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf } from '@seedsim/elf';
import { DaisyBoard } from '../src/index.js';

/** Assembles and links a tiny flash image with Debian's arm-none-eabi binutils (installed by .ci/run). */
function link(source: string, script: string) {
  const dir = mkdtempSync(join(tmpdir(), 'seedsim-stack-'));
  writeFileSync(join(dir, 'a.s'), source);
  writeFileSync(join(dir, 'a.ld'), script);
  execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m7', '-mthumb', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
  execFileSync('arm-none-eabi-ld', ['-T', join(dir, 'a.ld'), '-o', join(dir, 'a.elf'), join(dir, 'a.o')]);
  return loadElf(new Uint8Array(readFileSync(join(dir, 'a.elf'))), 'stack.elf');
}

const SCRIPT = `
MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 128K
         DTCMRAM (rwx) : ORIGIN = 0x20000000, LENGTH = 128K }
SECTIONS {
  .isr_vector : { KEEP(*(.isr_vector)) } > FLASH
  .text : { *(.text*) } > FLASH
  .bss (NOLOAD) : { *(.bss*) } > DTCMRAM
}`;

// Each level pushes 5 registers and reserves 64 bytes: 84 bytes a level. The stack starts at 0x20000400,
// the 256-byte table g_state ends at 0x20000100, so the 10th level's frame (1024 - 256 = 768 bytes below
// the top, 768 / 84 = 9.1) reaches into g_state.
const SOURCE = `
  .syntax unified
  .thumb
  .section .isr_vector, "a"
  .word 0x20000400
  .word Reset_Handler + 1
  .text
  .thumb_func
  .global Reset_Handler
  .type Reset_Handler, %function
Reset_Handler:
  movs r0, #12
  bl recurse
1: b 1b
  .size Reset_Handler, . - Reset_Handler
  .thumb_func
  .global recurse
  .type recurse, %function
recurse:
  push {r4-r7, lr}
  sub sp, #64
  subs r0, #1
  beq 2f
  bl recurse
2: add sp, #64
  pop {r4-r7, pc}
  .size recurse, . - recurse
  .bss
  .global g_state
  .type g_state, %object
g_state: .space 256
  .size g_state, 256
`;

describe('stack rule', () => {
  it('fires when the stack grows into the static data linked below it, naming the variable', () => {
    const board = new DaisyBoard(link(SOURCE, SCRIPT), { timing: 'ideal' });
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
    const board = new DaisyBoard(link(SOURCE.replace('movs r0, #12', 'movs r0, #8'), SCRIPT), { timing: 'ideal' });
    board.run({ maxInstructions: 2000 });
    expect(board.rules.events).toEqual([]);
  });
});
