/**
 * Faults the MPU and the default memory map raise on the board, reported as a debugger would show them
 * (ARMv7-M ARM B3.5, B3.1 Table B3-1; CFSR bits B3.2.15). Tiny images assembled by Debian's binutils.
 */
import { describe, expect, it } from 'vitest';
import { DaisyBoard } from '../src/index.js';
import { RECURSE_84_BYTES_A_LEVEL, linkImage } from './asm-image.js';

/**
 * Vectors up to UsageFault with the stack at 0x20000400; every fault handler is a `b .`, where the board
 * stops with the decoded fault. Ends at Reset_Handler's label: append its body.
 */
const VECTORS = `
  .syntax unified
  .thumb
  .section .isr_vector, "a"
  .word 0x20000400
  .word Reset_Handler + 1
  .word Fault_Handler + 1, Fault_Handler + 1, Fault_Handler + 1, Fault_Handler + 1, Fault_Handler + 1
  .text
  .thumb_func
  .global Fault_Handler
  .type Fault_Handler, %function
Fault_Handler:
  b .
  .size Fault_Handler, . - Fault_Handler
  .thumb_func
  .global Reset_Handler
  .type Reset_Handler, %function
Reset_Handler:
`;

describe('MPU and execute-never faults on the board', () => {
  it('a call through a corrupt function pointer into SDRAM, MPU off: IACCVIOL escalated to HardFault', () => {
    // 0xC0000000 is Device, execute-never, in the default map: code there runs only under an MPU region
    // that makes it executable (libDaisy's region 1 does). MemManage is not enabled: HardFault, FORCED.
    const image = linkImage(`${VECTORS}  ldr r0, =0xC0000101
  blx r0
1: b 1b
  .size Reset_Handler, . - Reset_Handler
`);
    const board = new DaisyBoard(image, { timing: 'ideal' });
    const outcome = board.run({ maxInstructions: 1000 });
    expect(outcome.reason).toBe('fault');
    expect(outcome.fault).toMatchObject({ exception: 'HardFault', pc: 0xc0000100 });
    expect(outcome.fault?.status.join('\n')).toMatch(/CFSR\.IACCVIOL/);
    expect(outcome.fault?.status.join('\n')).toMatch(/HFSR\.FORCED/);
    expect(outcome.fault?.status.join('\n')).not.toMatch(/MMARVALID/);
  });

  it('a stack guard region: the push that overflows into it is a MemManage DACCVIOL at that address', () => {
    // Region 0: the lowest 32 bytes of the stack area (0x20000000), no access (AP = 0), XN; the
    // background map elsewhere (PRIVDEFENA); MemManage enabled. 16 levels of 84 bytes overflow 1 KB.
    const image = linkImage(`${VECTORS}  ldr r0, =0xE000ED98
  movs r1, #0
  str r1, [r0]           @ MPU_RNR = 0
  ldr r1, =0x20000000
  str r1, [r0, #4]       @ MPU_RBAR
  ldr r1, =0x1000000F    @ MPU_RASR: XN, AP = 0, SIZE = 7 (256 bytes), ENABLE
  str r1, [r0, #8]
  movs r1, #5
  str r1, [r0, #-4]      @ MPU_CTRL = ENABLE | PRIVDEFENA
  ldr r0, =0xE000ED24
  ldr r1, =0x00010000
  str r1, [r0]           @ SHCSR.MEMFAULTENA
  dsb
  isb
  movs r0, #16
  bl recurse
1: b 1b
  .size Reset_Handler, . - Reset_Handler
${RECURSE_84_BYTES_A_LEVEL}
`);
    const board = new DaisyBoard(image, { timing: 'ideal' });
    const outcome = board.run({ maxInstructions: 5000 });
    expect(outcome.reason).toBe('fault');
    expect(outcome.fault?.exception).toBe('MemManage');
    expect(outcome.fault?.location.startsWith('recurse')).toBe(true);
    const status = outcome.fault?.status.join('\n') ?? '';
    expect(status).toMatch(/CFSR\.DACCVIOL/);
    // Level k pushes r4-r7, lr below 0x20000400 - (k - 1) × 84, lowest word first: the 10th level's
    // lowest word is at 0x20000400 - 756 - 20 = 0x200000F8, the first address inside the 256-byte guard.
    expect(status).toMatch(/MMFAR holds the faulting address = 0x200000f8/);
    // MemManage's own frame lands in the guard too (SP is still 0x2000010C): MSTKERR, no registers saved,
    // so the report takes the PC from the exception entry rather than from the stack.
    expect(status).toMatch(/CFSR\.MSTKERR/);
    expect(outcome.fault?.location).toBe('recurse');
    expect(outcome.fault?.callStack.filter((f) => f === 'recurse')).toHaveLength(10); // the 10th level, at its push
  });
});
