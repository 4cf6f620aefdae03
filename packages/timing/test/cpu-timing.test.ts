/**
 * The M7 model driven by the real instruction core (packages/core Cpu) on assembled programs: the
 * decoder's TimingInfo, the data-access reports and the branch outcomes together. Expected cycles come
 * from the published figures (JNK, QUIN; hw-facts §1) and the hand counts in the comments.
 */
import { describe, expect, it } from 'vitest';
import { Cause, M7Model, Region } from '../src/index.js';
import { rig } from './asm.js';

const rep = (n: number, s: string) => Array(n).fill(s).join('\n');

describe('M7 model on the real Cpu', () => {
  it('independent EOR pairs dual-issue: 1 cycle per pair (QUIN)', () => {
    const cycles = (n: number) => rig(rep(n, 'eor.w r0, r1, r2\neor.w r3, r4, r5'), new M7Model()).run();
    expect(cycles(40) - cycles(20)).toBe(20);
  });

  it('dependent MUL chain: 2 cycles per MUL (JNK, LLVM-M7)', () => {
    const cycles = (n: number) => rig(rep(n, 'mul r0, r0, r1'), new M7Model()).run();
    expect(cycles(40) - cycles(20)).toBe(40);
  });

  it('LDM of 4 registers from DTCM: 2 cycles each (JNK ceil(n/2))', () => {
    const cycles = (n: number) => rig(rep(n, 'ldm.w r8, {r0-r3}'), new M7Model(), { 8: 0x2000_0000 }).run();
    expect(cycles(20) - cycles(10)).toBe(20);
  });

  it('loop exit mispredict: 8 cycles (JNK); each taken back-edge costs its issue cycle only', () => {
    // Per iteration: add and subs pair (1 cycle), bne (1 cycle) = 2. The first back-edge misses the BTAC and
    // is predicted taken at decode (+2 bubble, a model parameter); the exit is predicted taken: +8.
    // n iterations: first 2, second 2 + 2, then 2 each, then the trailing nop 1 + 8.
    const src = 'loop:\nadd r1, r1, #1\nsubs r0, r0, #1\nbne loop\nnop';
    const m = new M7Model();
    const cycles = rig(src, m, { 0: 10 }).run();
    expect(cycles).toBe(2 * 10 + 2 + 1 + 8);
    expect(m.accounts.mispredicts).toBe(1);
    expect(m.accounts.byCause[Cause.BranchMispredict]).toBe(2 + 8);
  });

  it('a SUBS/BNE delay loop retires one turn per cycle (measured on an STM32H7 at 400 MHz)', () => {
    // rust-embedded/cortex-m issue #430: cortex-m 0.7.4's asm::delay(n) runs 1 + n/2 turns of
    // "1: subs r0, #1; bne 1b"; asked for 4e9 cycles it took 5 s at 400 MHz (2e9 cycles), so one turn
    // per cycle: the flag-setting SUBS and the predicted BNE issue together.
    const turns = (n: number) => rig('loop:\nsubs r0, r0, #1\nbne loop\nnop', new M7Model(), { 0: n }).run();
    expect(turns(2000) - turns(1000)).toBe(1000);
  });

  it('a predicted taken branch pairs with its target only after two 16-bit instructions (JNK)', () => {
    // JNK: a predicted taken branch can dual-issue with one instruction at its target when at least two
    // 16-bit instructions ran just before it. adds (16-bit) + subs + bne: [adds subs] [bne adds'] [subs' bne']
    // then again, 3 cycles per 2 turns; with add.w (32-bit) first the bne issues alone: 2 cycles per turn.
    const cycles = (first: string, n: number) => rig(`loop:\n${first}\nsubs r0, r0, #1\nbne loop\nnop`, new M7Model(), { 0: n }).run();
    expect(cycles('adds r1, #1', 2000) - cycles('adds r1, #1', 1000)).toBe(1500);
    expect(cycles('add.w r1, r1, #1', 2000) - cycles('add.w r1, r1, #1', 1000)).toBe(2000);
  });

  it('code in flash with the I-cache on: the second pass through a loop has no fetch stalls', () => {
    const m = new M7Model();
    m.memory.setEnabled(true, true);
    // 16 iterations of a 3-instruction loop inside one 32-byte line (flash is WT read-allocate).
    const r = rig('loop:\nadd r1, r1, #1\nsubs r0, r0, #1\nbne loop\nnop', m, { 0: 16 }, 0x0800_0000);
    r.run();
    const snap = m.snapshot();
    expect(snap.byRegion['FLASH'].icacheMisses).toBe(1);
    // First fetch: critical word of a flash line fill, 14 cycles at 400 MHz / 2 WS (bus-latency.test.ts),
    // requested in cycle 0, so the first instruction issues in cycle 14: 1 issue cycle + 13 stall. Later
    // granules of the same line stream in behind it (at most the 6 remaining beat cycles).
    expect(m.accounts.fetchStallByRegion[Region.Flash]).toBeGreaterThanOrEqual(13);
    expect(m.accounts.fetchStallByRegion[Region.Flash]).toBeLessThanOrEqual(13 + 6);
  });

  it('an uncached AXI SRAM load stalls for the bus latency; cached, the second one is free', () => {
    const src = 'ldr r0, [r8]\nldr r1, [r8, #4]';
    const cold = new M7Model();
    cold.memory.setEnabled(true, false);
    rig(src, cold, { 8: 0x2400_0000 }).run();
    // Two uncached loads at 8 cycles each (2 + 3 AXI × 2, bus-latency.test.ts).
    expect(cold.accounts.dataStallByRegion[Region.AxiSram]).toBe(16);
    const warm = new M7Model();
    warm.memory.setEnabled(true, true);
    rig(src, warm, { 8: 0x2400_0000 }).run();
    // One miss (critical word 8), then a hit on a word still streaming in: at most the beat gap.
    expect(warm.accounts.dcacheMisses[Region.AxiSram]).toBe(1);
    expect(warm.accounts.dcacheHits[Region.AxiSram]).toBe(1);
    expect(warm.accounts.dataStallByRegion[Region.AxiSram]).toBeLessThanOrEqual(8 + 1);
  });

  it('the ideal model charges one cycle per instruction', async () => {
    const { IdealModel } = await import('../src/index.js');
    expect(rig(rep(10, 'mul r0, r0, r1'), new IdealModel()).run()).toBe(10);
  });
});
