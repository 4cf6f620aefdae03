import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf, type ElfImage } from '@seedsim/elf';

/** A linker script for tiny test images: vectors and code in internal flash, data in DTCM. */
export const FLASH_DTCM_SCRIPT = `
MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 128K
         DTCMRAM (rwx) : ORIGIN = 0x20000000, LENGTH = 128K }
SECTIONS {
  .isr_vector : { KEEP(*(.isr_vector)) } > FLASH
  .text : { *(.text*) } > FLASH
  .bss (NOLOAD) : { *(.bss*) } > DTCMRAM
}`;

/**
 * Thumb lines that read-modify-write the register at `address` + `offset` (base in r0): clear `clear`, set
 * `set` (assembler expressions such as '(3 << 14)'). r0 keeps the base, r1 is scratch.
 */
export function modifyRegister(address: number | null, offset: number, clear: string | null, set: string | null): string {
  const lines = address === null ? [] : [`  ldr r0, =0x${address.toString(16)}`];
  lines.push(`  ldr r1, [r0, #${offset}]`);
  if (clear !== null) lines.push(`  bic r1, r1, #${clear}`);
  if (set !== null) lines.push(`  orr r1, r1, #${set}`);
  lines.push(`  str r1, [r0, #${offset}]`);
  return lines.join('\n') + '\n';
}

/** Thumb lines that store each [offset, value] into the register block whose base is in r0 (r1 is scratch). */
export function storeWords(...writes: [offset: number, value: number][]): string {
  return writes.map(([offset, value]) => `  ldr r1, =${value}\n  str r1, [r0, #${offset}]\n`).join('');
}

/** A vector table with the stack at 0x20000400 and Reset_Handler only, up to the handler's label: append its body. */
export const RESET_ONLY = `
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
`;

/**
 * `recurse(r0)`: calls itself r0 levels deep; each level pushes r4-r7 and lr (20 bytes, lowest word
 * first) and reserves 64 bytes: 84 bytes of stack a level.
 */
export const RECURSE_84_BYTES_A_LEVEL = `
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
`;

/** Assembles and links a tiny image with Debian's arm-none-eabi binutils (installed by .ci/run). */
export function linkImage(source: string, script = FLASH_DTCM_SCRIPT, name = 'test.elf'): ElfImage {
  const dir = mkdtempSync(join(tmpdir(), 'seedsim-asm-'));
  try {
    writeFileSync(join(dir, 'a.s'), source);
    writeFileSync(join(dir, 'a.ld'), script);
    execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m7', '-mthumb', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    execFileSync('arm-none-eabi-ld', ['-T', join(dir, 'a.ld'), '-o', join(dir, 'a.elf'), join(dir, 'a.o')]);
    return loadElf(new Uint8Array(readFileSync(join(dir, 'a.elf'))), name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
