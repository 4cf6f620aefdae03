/**
 * Idle polling loops on device status registers (Cpu.backwardBranch, MmioDevice.eventStableRead): a loop
 * that polls only event-stable registers is skipped to the next clock event, like a loop on RAM; one
 * that reads a FIFO (SPI RXDR) or a counter computed at read time (TIM2 CNT) runs every turn.
 *
 * The programs run on the board at reset clocks (HSI: CPU and per_ck at 64 MHz) with the ideal timing
 * model (one cycle per instruction). SPI1 takes per_ck (D2CCIP1R.SPI123SEL = 100) divided by
 * 2^(MBR + 1) = 256: 250 kHz; a 32-bit frame lasts 32 × 64 MHz / 250 kHz = 8192 CPU cycles, so the four
 * frames of TSIZE = 4 end (EOT) 32,768 cycles after CSTART (RM0433 SPI chapter: SPI_CFG1.MBR, DSIZE).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadElf } from '@seedsim/elf';
import { DaisyBoard } from '../src/index.js';

const FRAME_CYCLES = 8192;
const TRANSFER_CYCLES = 4 * FRAME_CYCLES;

function link(source: string) {
  const dir = mkdtempSync(join(tmpdir(), 'seedsim-idle-'));
  try {
    writeFileSync(join(dir, 'a.s'), source);
    writeFileSync(
      join(dir, 'a.ld'),
      `MEMORY { FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 128K }
       SECTIONS { .isr_vector : { KEEP(*(.isr_vector)) } > FLASH  .text : { *(.text*) } > FLASH }`,
    );
    execFileSync('arm-none-eabi-as', ['-mcpu=cortex-m7', '-mthumb', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    execFileSync('arm-none-eabi-ld', ['-T', join(dir, 'a.ld'), '-o', join(dir, 'a.elf'), join(dir, 'a.o')]);
    return loadElf(new Uint8Array(readFileSync(join(dir, 'a.elf'))), 'idle-poll.elf');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a 4-frame SPI1 transmission (r0 = SPI1, r5 = the clock at CSTART from DWT), then `wait`. */
const program = (wait: string) => `
  .syntax unified
  .thumb
  .section .isr_vector, "a"
  .word 0x20001000
  .word Reset_Handler + 1
  .text
  .thumb_func
  .global Reset_Handler
Reset_Handler:
  ldr r0, =0x58024400      @ RCC
  ldr r1, [r0, #0xf0]
  orr r1, r1, #(1 << 12)   @ APB2ENR.SPI1EN
  str r1, [r0, #0xf0]
  ldr r1, [r0, #0xe8]
  orr r1, r1, #1           @ APB1LENR.TIM2EN
  str r1, [r0, #0xe8]
  ldr r1, [r0, #0x50]
  orr r1, r1, #(4 << 12)   @ D2CCIP1R.SPI123SEL = per_ck (HSI, 64 MHz)
  str r1, [r0, #0x50]
  ldr r0, =0x40013000      @ SPI1
  ldr r1, =0x7000001f      @ CFG1: MBR = 7 (/256), DSIZE = 31
  str r1, [r0, #0x08]
  ldr r1, =0x00420000      @ CFG2: MASTER, COMM = simplex transmit
  str r1, [r0, #0x0c]
  movs r1, #4
  str r1, [r0, #0x04]      @ CR2: TSIZE = 4
  movs r1, #1
  str r1, [r0]             @ CR1: SPE
  str r1, [r0, #0x20]      @ TXDR: four frames
  str r1, [r0, #0x20]
  str r1, [r0, #0x20]
  str r1, [r0, #0x20]
  ldr r3, =0x40000000      @ TIM2
  str r1, [r3]             @ CR1: CEN (counts at 64 MHz: one per CPU cycle)
  ldr r1, =0x201
  str r1, [r0]             @ CR1: SPE | CSTART: the transfer starts
${wait}
  bkpt #0
  .ltorg
`;

// Polls SPI1_SR.EOT (bit 3): set by the fourth frame's end event.
const POLL_SR = `
1: ldr r2, [r0, #0x14]
  tst r2, #8
  beq 1b`;

// The same, also reading RXDR (a FIFO pop; nothing is received in simplex transmit, so it reads 0).
const POLL_SR_AND_RXDR = `
1: ldr r4, [r0, #0x30]
  ldr r2, [r0, #0x14]
  tst r2, #8
  beq 1b`;

// Waits for TIM2 CNT to reach 40,000 (after the transfer's events); r2 is cleared so that registers and
// flags come back the same each turn: only the counter read differs.
const POLL_CNT = `
  ldr r4, =40000
1: ldr r2, [r3, #0x24]
  cmp r2, r4
  mov.w r2, #0
  bcc 1b`;

function run(wait: string, skipping: boolean) {
  const board = new DaisyBoard(link(program(wait)), { timing: 'ideal' });
  if (!skipping) board.exceptions.idleUntilNextEvent = () => {};
  const start = board.clock.cycles;
  const outcome = board.run({ maxCycles: 1_000_000 });
  expect(outcome.reason).toBe('bkpt');
  expect(board.rules.events).toEqual([]);
  return { cycles: board.clock.cycles - start, instructions: board.cpu.instructions, skipped: board.exceptions.spinCycles, board };
}

/** Instructions from reset up to and including the CSTART store (one cycle each). */
const SETUP_INSTRUCTIONS = 27;

describe('idle loops polling device status registers', () => {
  it('a loop polling SPI1_SR.EOT is skipped to each frame-end event and ends when the transfer does', () => {
    const skip = run(POLL_SR, true);
    const full = run(POLL_SR, false);
    expect(skip.board.storage.spi.SPI1.framesSent).toBe(4);
    // The transfer ends TRANSFER_CYCLES after CSTART; the loop then needs its load, test and branch,
    // and BKPT: 4 more instructions at most.
    const end = SETUP_INSTRUCTIONS + TRANSFER_CYCLES;
    expect(full.cycles).toBeGreaterThanOrEqual(end);
    expect(full.cycles).toBeLessThanOrEqual(end + 6);
    // Skipping lands on the event itself: at most one 3-cycle loop turn earlier than running every turn.
    expect(skip.cycles).toBeGreaterThanOrEqual(end);
    expect(skip.cycles).toBeLessThanOrEqual(full.cycles);
    expect(full.cycles - skip.cycles).toBeLessThan(3);
    // Every turn ran without skipping (3 instructions per 3 cycles); with it, about 65 turns per frame.
    expect(full.skipped).toBe(0);
    expect(full.instructions).toBeGreaterThan(TRANSFER_CYCLES - 10);
    expect(skip.skipped).toBeGreaterThan(TRANSFER_CYCLES - 4 * 3 * 70);
    expect(skip.instructions).toBeLessThan(4 * 3 * 70 + 100);
  });

  it('a loop that also reads SPI1_RXDR (a FIFO) runs every turn', () => {
    const r = run(POLL_SR_AND_RXDR, true);
    expect(r.skipped).toBe(0);
    expect(r.instructions).toBeGreaterThan(TRANSFER_CYCLES - 10);
  });

  it('a loop polling TIM2 CNT (computed from the clock when read) runs every turn while SPI events are due', () => {
    const r = run(POLL_CNT, true);
    expect(r.skipped).toBe(0);
    // TIM2 started 3 instructions before CSTART, at cycle SETUP_INSTRUCTIONS - 3; it reaches 40,000 then.
    expect(r.cycles).toBeGreaterThanOrEqual(SETUP_INSTRUCTIONS - 3 + 40_000);
    expect(r.cycles).toBeLessThanOrEqual(SETUP_INSTRUCTIONS - 3 + 40_000 + 8);
    expect(r.instructions).toBeGreaterThan(40_000 - 10);
  });
});
